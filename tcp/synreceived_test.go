package tcp

// RFC 9293 §3.10.7.2 (SEGMENT ARRIVES in LISTEN) and §3.10.7.4 for
// SYN-RECEIVED: the SYN,ACK's retransmission, RST back to LISTEN, the ACK
// that completes a passive open; RFC 6298 (5.7).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// newSynReceived returns a server listening on localAddr whose SYN,ACK
// answered the peer's SYN at 10 ms. Here the peer is the client: its ISS is
// remoteISS, ours localISS.
func newSynReceived(t *testing.T) *harness {
	t.Helper()
	return newSynReceivedPolicy(t, rfcPolicy{})
}

// newSynReceivedPolicy is newSynReceived with the host's policy pol.
func newSynReceivedPolicy(t *testing.T, pol policy) *harness {
	t.Helper()
	h := newHarness(t, testConfig(), pol)
	h.host.Listen(0, localAddr.Port())
	h.send(ms(10), seg{seq: remoteISS, flags: wire.SYN, mss: 1460})
	h.expect(ms(10), seg{seq: localISS, ack: remoteISS + 1, flags: synAck, win: 65535, mss: 1460, noLabels: true})
	require.Len(t, h.host.Conns(), 1)
	h.conn = h.host.Conns()[0]
	require.Equal(t, StateSynReceived, h.conn.State())
	return h
}

func TestSynReceived_Sanity(t *testing.T) {
	h := newSynReceived(t)
	assert.Equal(t, []string{"LISTEN→SYN-RECEIVED"}, h.states())
	h.send(ms(60), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack})
	h.expectNothing(ms(60))
	assert.Equal(t, StateEstablished, h.conn.State())
	assert.Equal(t, []Event{EventEstablished}, h.lifecycle())
}

func TestSynReceived_SYNACKRetransmittedOnRTO(t *testing.T) {
	h := newSynReceived(t)
	synack := seg{seq: localISS, ack: remoteISS + 1, flags: synAck, mss: 1460, labels: trace.LabelRetransmission}
	// The SYN,ACK is lost: RFC 6298 (2.1) 1 s, then (5.5) 2 s.
	h.expectNothing(ms(1009))
	h.expect(ms(1010), synack)
	h.expectNothing(ms(3009))
	h.expect(ms(3010), synack)
	h.send(ms(3060), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack})
	assert.Equal(t, StateEstablished, h.conn.State())
	h.expectNothing(ms(200_000))
}

func TestSynReceived_RetransmittedSYNGetsSYNACKAtOnceLinux(t *testing.T) {
	h := newSynReceivedPolicy(t, mixedPolicy{linuxSYN: true})
	synack := seg{seq: localISS, ack: remoteISS + 1, flags: synAck, mss: 1460, labels: trace.LabelRetransmission}
	h.expect(ms(1010), synack) // lost again
	// The client's own timer resends its SYN: the SYN,ACK must have been
	// lost, so it goes again now rather than at 3010 (as Linux's
	// tcp_check_req does).
	h.send(ms(2010), seg{seq: remoteISS, flags: wire.SYN, mss: 1460})
	h.expect(ms(2010), synack)
	h.send(ms(2060), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack})
	h.expectNothing(ms(2060))
	assert.Equal(t, StateEstablished, h.conn.State())
	assert.Len(t, h.host.Conns(), 1, "the retransmitted SYN made no second connection")
}

func TestSynReceived_RetransmittedSYNGetsACKUnderRFC(t *testing.T) {
	h := newSynReceived(t)
	synack := seg{seq: localISS, ack: remoteISS + 1, flags: synAck, mss: 1460, labels: trace.LabelRetransmission}
	h.expect(ms(1010), synack) // lost again
	// RFC 9293 §3.10.7.4 first step: the repeated SYN lies before RCV.NXT,
	// so it is not acceptable: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, which
	// repeats the SYN,ACK's acknowledgment and window (a duplicate ACK). The
	// SYN,ACK goes again when its own timer expires, at 3010 ms.
	h.send(ms(2010), seg{seq: remoteISS, flags: wire.SYN, mss: 1460})
	h.expect(ms(2010), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack, labels: trace.LabelDupACK, n: 1})
	h.expectNothing(ms(3009))
	h.expect(ms(3010), synack)
	h.send(ms(3060), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack})
	h.expectNothing(ms(3060))
	assert.Equal(t, StateEstablished, h.conn.State())
	assert.Len(t, h.host.Conns(), 1, "the retransmitted SYN made no second connection")
}

func TestSynReceived_RSTReturnsToListen(t *testing.T) {
	h := newSynReceived(t)
	// Second step: "If this connection was initiated with a passive OPEN
	// (i.e., came from the LISTEN state), then return this connection to
	// LISTEN state and return. The user need not be informed."
	h.send(ms(50), seg{seq: remoteISS + 1, flags: wire.RST})
	h.expectNothing(ms(50))
	assert.Equal(t, StateListen, h.conn.State())
	assert.Empty(t, h.host.Conns())
	assert.Equal(t, []string{"LISTEN→SYN-RECEIVED", "SYN-RECEIVED→LISTEN"}, h.states())
	h.expectNothing(ms(5000)) // no SYN,ACK retransmission
	// The listener still takes a new connection.
	h.send(ms(6000), seg{seq: 5000, flags: wire.SYN, mss: 1460})
	h.expect(ms(6000), seg{seq: localISS, ack: 5001, flags: synAck, win: 65535, mss: 1460})
	require.Len(t, h.host.Conns(), 1)
	c := h.host.Conns()[0]
	assert.NotSame(t, h.conn, c)
	assert.Equal(t, StateSynReceived, c.State())
	h.send(ms(6050), seg{seq: 5001, ack: localISS + 1, flags: ack})
	assert.Equal(t, StateEstablished, c.State())
}

func TestSynReceived_InWindowRSTGetsChallengeACK(t *testing.T) {
	h := newSynReceived(t)
	// RFC 5961 §3.2: a RST in the window but not at RCV.NXT.
	h.send(ms(50), seg{seq: remoteISS + 100, flags: wire.RST})
	h.expect(ms(50), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack})
	assert.Equal(t, StateSynReceived, h.conn.State())
}

func TestSynReceived_UnacceptableACKGetsRST(t *testing.T) {
	h := newSynReceived(t)
	// Fifth step: "If the segment acknowledgment is not acceptable, form a
	// reset segment <SEQ=SEG.ACK><CTL=RST> and send it."
	h.send(ms(50), seg{seq: remoteISS + 1, ack: localISS + 500, flags: ack})
	h.expect(ms(50), seg{seq: localISS + 500, flags: wire.RST})
	assert.Equal(t, StateSynReceived, h.conn.State())
	h.send(ms(60), seg{seq: remoteISS + 1, ack: localISS, flags: ack}) // SEG.ACK = SND.UNA: not > SND.UNA
	h.expect(ms(60), seg{seq: localISS, flags: wire.RST})
	assert.Equal(t, StateSynReceived, h.conn.State())
	h.send(ms(70), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack})
	assert.Equal(t, StateEstablished, h.conn.State())
}

func TestSynReceived_ACKCarryingData(t *testing.T) {
	h := newSynReceived(t)
	h.send(ms(60), seg{seq: remoteISS + 1, ack: localISS + 1, flags: psh, len: 100})
	h.expect(ms(60), seg{seq: localISS + 1, ack: remoteISS + 101, flags: ack, win: 65535})
	assert.Equal(t, StateEstablished, h.conn.State())
	assert.Equal(t, int64(100), h.appBytes(trace.AppRead))
}

func TestSynReceived_SYNACKTimeoutStartsDataWithRTOOf3s(t *testing.T) {
	h := newSynReceived(t)
	h.expect(ms(1010), seg{seq: localISS, ack: remoteISS + 1, flags: synAck, labels: trace.LabelRetransmission})
	h.send(ms(1060), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack})
	require.Equal(t, StateEstablished, h.conn.State())
	// RFC 6298 (5.7): the SYN,ACK timed out and gave no sample: RTO 3 s.
	assert.Equal(t, 3*time.Second, h.conn.rto())
	h.write(ms(1100), 10)
	data := seg{seq: localISS + 1, ack: remoteISS + 1, flags: psh, len: 10}
	h.expect(ms(1100), data)
	h.expectNothing(ms(4099))
	data.labels = trace.LabelRetransmission
	h.expect(ms(4100), data)
}

func TestSynReceived_CloseSendsFINAndKeepsRetransmittingSYNACK(t *testing.T) {
	h := newSynReceived(t)
	// RFC 9293 §3.10.4, CLOSE in SYN-RECEIVED: "If no SENDs have been issued
	// and there is no pending data to send, then form a FIN segment and send
	// it, and enter FIN-WAIT-1 state".
	h.close(ms(20))
	h.expect(ms(20), seg{seq: localISS + 1, ack: remoteISS + 1, flags: wire.FIN | ack})
	assert.Equal(t, StateFinWait1, h.conn.State())
	// The SYN,ACK was lost: the RTO resends it, the earliest unacknowledged
	// segment (RFC 6298 (5.4)).
	h.expect(ms(1010), seg{seq: localISS, ack: remoteISS + 1, flags: synAck, mss: 1460, labels: trace.LabelRetransmission})
	h.send(ms(1060), seg{seq: remoteISS + 1, ack: localISS + 2, flags: ack}) // SYN and FIN
	assert.Equal(t, StateFinWait2, h.conn.State())
	assert.Equal(t, []Event{EventEstablished}, h.lifecycle())
}

func TestListen_SegmentsOtherThanSYN(t *testing.T) {
	h := newHarness(t, testConfig())
	h.host.Listen(0, localAddr.Port())
	// RFC 9293 §3.10.7.2: "An incoming RST segment could not be valid ...
	// it should be ignored"; any ACK "is bad if it arrives on a connection
	// still in the LISTEN state": <SEQ=SEG.ACK><CTL=RST>; anything else
	// without SYN is dropped.
	h.send(ms(10), seg{seq: 1000, flags: wire.RST})
	h.expectNothing(ms(10))
	h.send(ms(20), seg{seq: 1000, ack: 777, flags: ack, len: 10})
	h.expect(ms(20), seg{seq: 777, flags: wire.RST})
	h.send(ms(30), seg{seq: 1000, ack: 778, flags: synAck})
	h.expect(ms(30), seg{seq: 778, flags: wire.RST})
	h.send(ms(40), seg{seq: 1000, flags: wire.FIN})
	h.expectNothing(ms(40))
	assert.Empty(t, h.host.Conns())
}
