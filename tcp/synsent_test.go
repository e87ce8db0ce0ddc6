package tcp

// RFC 9293 §3.10.7.3 (SEGMENT ARRIVES in SYN-SENT), §3.5 figure 7
// (simultaneous open), §3.7.1 (MSS); RFC 6298 (5.7) and RFC 5681 §3.1 (a
// connection whose SYN was lost).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

const synAck = wire.SYN | wire.ACK

func TestSynSent_Sanity(t *testing.T) {
	h := newSynSent(t, testConfig())
	assert.Equal(t, StateSynSent, h.conn.State())
	assert.Equal(t, []string{"CLOSED→SYN-SENT"}, h.states())
}

func TestSynSent_RSTWithAcceptableACKIsRefused(t *testing.T) {
	h := newSynSent(t, testConfig())
	// Second step: "If the ACK was acceptable, then signal to the user
	// 'error: connection reset', drop the segment, enter CLOSED state".
	h.send(ms(20), seg{seq: 0, ack: localISS + 1, flags: wire.RST | wire.ACK})
	h.expectNothing(ms(20))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrRefused)
	assert.Equal(t, []Event{EventAborted}, h.events)
	assert.Empty(t, h.host.Conns())
	h.expectNothing(ms(10_000)) // the SYN is not retransmitted
}

func TestSynSent_RSTWithoutACKIsDropped(t *testing.T) {
	h := newSynSent(t, testConfig())
	h.send(ms(20), seg{seq: 0, flags: wire.RST}) // "Otherwise (no ACK), drop the segment and return."
	h.expectNothing(ms(999))
	assert.Equal(t, StateSynSent, h.conn.State())
	h.expect(ms(1000), seg{seq: localISS, flags: wire.SYN, labels: trace.LabelRetransmission})
}

func TestSynSent_RSTWithUnacceptableACKIsDropped(t *testing.T) {
	h := newSynSent(t, testConfig())
	// First step: a bad ACK with RST set: "drop the segment and return" — no
	// reset is answered to a reset.
	h.send(ms(20), seg{seq: 0, ack: localISS + 50, flags: wire.RST | wire.ACK})
	h.expectNothing(ms(999))
	assert.Equal(t, StateSynSent, h.conn.State())
	h.expect(ms(1000), seg{seq: localISS, flags: wire.SYN, labels: trace.LabelRetransmission})
}

func TestSynSent_UnacceptableACKGetsRST(t *testing.T) {
	// First step: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset
	// <SEQ=SEG.ACK><CTL=RST>" and drop the segment.
	tests := []struct {
		name  string
		flags wire.Flags
		ack   wire.Seq
	}{
		{"SYN,ACK acknowledging ISS", synAck, localISS},
		{"SYN,ACK acknowledging beyond SND.NXT", synAck, localISS + 2},
		{"ACK far behind, across the wrap", ack, seqBefore(localISS, 1000)},
		{"ACK half the space away", ack, seqBefore(localISS, 0x80000000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newSynSent(t, testConfig())
			h.send(ms(20), seg{seq: remoteISS, ack: tt.ack, flags: tt.flags, mss: 1460})
			h.expect(ms(20), seg{seq: tt.ack, flags: wire.RST})
			assert.Equal(t, StateSynSent, h.conn.State())
			h.expectNothing(ms(999))
			h.expect(ms(1000), seg{seq: localISS, flags: wire.SYN, labels: trace.LabelRetransmission})
		})
	}
}

// seqBefore returns the sequence number n before s, modulo 2^32.
func seqBefore(s wire.Seq, n uint32) wire.Seq { return s - wire.Seq(n) }

func TestSynSent_ACKWithoutSYNIsDropped(t *testing.T) {
	h := newSynSent(t, testConfig())
	// Fifth step: "If neither of the SYN or RST bits is set, then drop the
	// segment and return." The ACK is acceptable, but carries no SYN.
	h.send(ms(20), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack})
	h.expectNothing(ms(999))
	assert.Equal(t, StateSynSent, h.conn.State())
	h.expect(ms(1000), seg{seq: localISS, flags: wire.SYN, labels: trace.LabelRetransmission})
}

func TestSynSent_CloseDeletesTheTCB(t *testing.T) {
	h := newSynSent(t, testConfig())
	// RFC 9293 §3.10.4, CLOSE in SYN-SENT: "Delete the TCB"; nothing is sent.
	h.close(ms(20))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.Empty(t, h.host.Conns())
	h.expectNothing(ms(200_000))
}

// newSimultaneousOpen returns a client whose SYN crossed the peer's SYN
// (RFC 9293 figure 7, lines 2–5): it is in SYN-RECEIVED and has sent its
// SYN,ACK at 20 ms.
func newSimultaneousOpen(t *testing.T) *harness {
	t.Helper()
	h := newSynSent(t, testConfig())
	// Fourth step: a SYN without ACK: "enter SYN-RECEIVED, form a SYN,ACK
	// segment <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it".
	h.send(ms(20), seg{seq: remoteISS, flags: wire.SYN, mss: 1460})
	h.expect(ms(20), seg{seq: localISS, ack: remoteISS + 1, flags: synAck, win: 65535, mss: 1460})
	require.Equal(t, StateSynReceived, h.conn.State())
	return h
}

func TestSynSent_SimultaneousOpenSanity(t *testing.T) {
	h := newSimultaneousOpen(t)
	assert.Equal(t, []string{"CLOSED→SYN-SENT", "SYN-SENT→SYN-RECEIVED"}, h.states())
	assert.Empty(t, h.events)
}

func TestSynSent_SimultaneousOpenCompletesOnPeerSYNACK(t *testing.T) {
	h := newSimultaneousOpen(t)
	// Figure 7 line 6: the peer's SYN,ACK <SEQ=300><ACK=101> takes us to
	// ESTABLISHED. Its SYN (300) is a duplicate, so as Linux does we
	// acknowledge it (<SEQ=101><ACK=301>) while its ACK completes the open.
	h.send(ms(40), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460})
	h.expect(ms(40), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack})
	assert.Equal(t, StateEstablished, h.conn.State())
	assert.Equal(t, []string{"CLOSED→SYN-SENT", "SYN-SENT→SYN-RECEIVED", "SYN-RECEIVED→ESTABLISHED"}, h.states())
	assert.Equal(t, []Event{EventEstablished}, h.lifecycle())
	// The peer then gets our SYN,ACK and answers it with an ACK; nothing more.
	h.send(ms(45), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack})
	h.expectNothing(ms(10_000))
}

func TestSynSent_SimultaneousOpenCompletesOnPeerACK(t *testing.T) {
	h := newSimultaneousOpen(t)
	// The peer acknowledges our SYN,ACK with a plain ACK (what RFC 9293's
	// text makes it send if it finds our SYN,ACK a duplicate).
	h.send(ms(40), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack})
	h.expectNothing(ms(40))
	assert.Equal(t, StateEstablished, h.conn.State())
	assert.Equal(t, []string{"CLOSED→SYN-SENT", "SYN-SENT→SYN-RECEIVED", "SYN-RECEIVED→ESTABLISHED"}, h.states())
	assert.Equal(t, []Event{EventEstablished}, h.lifecycle())
	// Data flows: the peer's window of 65535 from its SYN, our sequence numbers.
	h.write(ms(50), 100)
	data := seg{seq: localISS + 1, ack: remoteISS + 1, flags: psh, len: 100}
	h.expect(ms(50), data)
	// RTO 1 s: whether or not the 40 ms round trip of our SYN counts as a
	// sample (its SYN,ACK repeated it), 40 + 4·20 ms is under the floor.
	data.labels = trace.LabelRetransmission
	h.expectNothing(ms(1049))
	h.expect(ms(1050), data)
}

func TestSynSent_SimultaneousOpenRSTIsRefused(t *testing.T) {
	h := newSimultaneousOpen(t)
	// RFC 9293 §3.10.7.4 second step, SYN-RECEIVED: "If this connection was
	// initiated with an active OPEN ... the connection was refused".
	h.send(ms(40), seg{seq: remoteISS + 1, flags: wire.RST})
	h.expectNothing(ms(40))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrRefused)
	h.expectNothing(ms(10_000))
}

func TestSynSent_PeerWithoutMSSOptionGets536(t *testing.T) {
	h := newSynSent(t, testConfig())
	// RFC 9293 §3.7.1: no MSS option means the peer takes 536-byte segments.
	h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck})
	h.expect(ms(50), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack})
	// The initial window for an SMSS of 536 is 4 segments (RFC 5681 §3.1).
	h.write(ms(100), 5*536)
	h.expect(ms(100),
		seg{seq: 101, ack: 301, flags: ack, len: 536},
		seg{seq: 637, ack: 301, flags: ack, len: 536},
		seg{seq: 1173, ack: 301, flags: ack, len: 536},
		seg{seq: 1709, ack: 301, flags: ack, len: 536})
}

func TestSynSent_LargerPeerMSSIsCappedByOurs(t *testing.T) {
	h := newSynSent(t, testConfig())
	h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 8960})
	h.expect(ms(50), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack})
	h.write(ms(100), 2000)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, len: 1460}) // 540 more wait for Nagle
}

// newAfterSYNLoss returns a client whose first SYN was lost: the SYN went
// again at 1 s, and the SYN,ACK answered it at 1050 ms.
func newAfterSYNLoss(t *testing.T) *harness {
	t.Helper()
	h := newSynSent(t, testConfig())
	h.expectNothing(ms(999))
	h.expect(ms(1000), seg{seq: localISS, flags: wire.SYN, labels: trace.LabelRetransmission})
	h.send(ms(1050), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460})
	h.expect(ms(1050), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack})
	require.Equal(t, StateEstablished, h.conn.State())
	return h
}

func TestSynSent_SYNTimeoutStartsDataWithRTOOf3s(t *testing.T) {
	h := newAfterSYNLoss(t)
	// Karn: the SYN,ACK answers a retransmitted SYN, so no RTT sample; RFC
	// 6298 (5.7): "the RTO MUST be re-initialized to 3 seconds when data
	// transmission begins".
	assert.Equal(t, 0, h.conn.rtt.samples)
	assert.Equal(t, 3*time.Second, h.conn.rto())
	h.write(ms(1100), 100)
	data := seg{seq: 101, ack: 301, flags: psh, len: 100}
	h.expect(ms(1100), data)
	h.expectNothing(ms(4099))
	data.labels = trace.LabelRetransmission
	h.expect(ms(4100), data)
	h.expect(ms(10_100), data) // (5.5): 6 s
}

func TestSynSent_SYNLossLeavesInitialWindowOfOneSegment(t *testing.T) {
	h := newAfterSYNLoss(t)
	h.write(ms(1100), 3*1460)
	// RFC 5681 §3.1: "if the SYN or SYN/ACK is lost, the initial window used
	// by a sender after a correctly transmitted SYN MUST be one segment
	// consisting of at most SMSS bytes."
	h.expect(ms(1100), seg{seq: 101, ack: 301, flags: ack, len: 1460})
	h.send(ms(1150), seg{seq: 301, ack: 1561, flags: ack})
	h.expect(ms(1150), // slow start: 2 SMSS
		seg{seq: 1561, ack: 301, flags: ack, len: 1460},
		seg{seq: 3021, ack: 301, flags: psh, len: 1460})
}

func TestSynSent_DataWrittenEarlyFollowsTheHandshakeACK(t *testing.T) {
	h := newSynSent(t, testConfig())
	// RFC 9293 §3.10.2, SEND in SYN-SENT: "Queue the data for transmission
	// after entering ESTABLISHED state".
	h.write(ms(10), 100)
	h.expectNothing(ms(49))
	h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460})
	// The third segment of the handshake, then the data (it MAY also have
	// been carried on the ACK).
	h.expect(ms(50),
		seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack},
		seg{seq: localISS + 1, ack: remoteISS + 1, flags: psh, len: 100})
}
