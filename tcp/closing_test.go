package tcp

// RFC 9293 §3.6 (closing a connection: figures 12 and 13), §3.10.4 (CLOSE)
// and §3.10.7.4 (the FIN-WAIT-1, FIN-WAIT-2, CLOSING, LAST-ACK and TIME-WAIT
// rows of the fifth and eighth steps).

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

const finAck = wire.FIN | wire.ACK

// twoMSL is the TIME-WAIT duration in milliseconds: 2·MSL with RFC 9293
// §3.4.2's MSL of 2 minutes.
const twoMSL = 240_000

// newFinWait1 returns a connection whose application closed at 100 ms: its
// FIN <SEQ=101><ACK=301> is unacknowledged.
func newFinWait1(t *testing.T) *harness {
	t.Helper()
	h := newEstablished(t)
	h.close(ms(100))
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: finAck})
	require.Equal(t, StateFinWait1, h.conn.State())
	return h
}

// newFinWait2 returns newFinWait1 after the peer acknowledged the FIN at 150 ms.
func newFinWait2(t *testing.T) *harness {
	t.Helper()
	h := newFinWait1(t)
	h.send(ms(150), seg{seq: 301, ack: 102, flags: ack})
	h.expectNothing(ms(150))
	require.Equal(t, StateFinWait2, h.conn.State())
	return h
}

// newTimeWait returns newFinWait2 after the peer's FIN at 160 ms: TIME-WAIT
// until 160 ms + 2·MSL.
func newTimeWait(t *testing.T) *harness {
	t.Helper()
	h := newFinWait2(t)
	h.send(ms(160), seg{seq: 301, ack: 102, flags: finAck})
	h.expect(ms(160), seg{seq: 102, ack: 302, flags: ack})
	require.Equal(t, StateTimeWait, h.conn.State())
	return h
}

// newCloseWait returns a connection whose peer closed at 100 ms.
func newCloseWait(t *testing.T) *harness {
	t.Helper()
	h := newEstablished(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: finAck})
	h.expect(ms(100), seg{seq: 101, ack: 302, flags: ack})
	require.Equal(t, StateCloseWait, h.conn.State())
	return h
}

// newLastAck returns newCloseWait after our application closed at 200 ms.
func newLastAck(t *testing.T) *harness {
	t.Helper()
	h := newCloseWait(t)
	h.close(ms(200))
	h.expect(ms(200), seg{seq: 101, ack: 302, flags: finAck})
	require.Equal(t, StateLastAck, h.conn.State())
	return h
}

func TestClosing_FixturesSanity(t *testing.T) {
	est := []string{"CLOSED→SYN-SENT", "SYN-SENT→ESTABLISHED"}
	tests := []struct {
		name     string
		newH     func(*testing.T) *harness
		states   []string
		canWrite bool // RFC 9293 §3.10.2: SEND is refused once we closed, allowed in CLOSE-WAIT
	}{
		{"FIN-WAIT-1", newFinWait1, append(est, "ESTABLISHED→FIN-WAIT-1"), false},
		{"FIN-WAIT-2", newFinWait2, append(est, "ESTABLISHED→FIN-WAIT-1", "FIN-WAIT-1→FIN-WAIT-2"), false},
		{"TIME-WAIT", newTimeWait, append(est, "ESTABLISHED→FIN-WAIT-1", "FIN-WAIT-1→FIN-WAIT-2", "FIN-WAIT-2→TIME-WAIT"), false},
		{"CLOSE-WAIT", newCloseWait, append(est, "ESTABLISHED→CLOSE-WAIT"), true},
		{"LAST-ACK", newLastAck, append(est, "ESTABLISHED→CLOSE-WAIT", "CLOSE-WAIT→LAST-ACK"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.newH(t)
			assert.Equal(t, tt.states, h.states())
			assert.Equal(t, tt.canWrite, h.conn.WriteSpace() > 0, "WriteSpace %d", h.conn.WriteSpace())
		})
	}
}

func TestClosing_SimultaneousClose(t *testing.T) {
	h := newFinWait1(t)
	// Figure 13: the peer's FIN crosses ours; it acknowledges only up to 101.
	h.send(ms(120), seg{seq: 301, ack: 101, flags: finAck})
	// Eighth step, FIN-WAIT-1: our FIN is not yet acknowledged: CLOSING.
	h.expect(ms(120), seg{seq: 102, ack: 302, flags: ack})
	assert.Equal(t, StateClosing, h.conn.State())
	// Fifth step, CLOSING: "if the ACK acknowledges our FIN, then enter the
	// TIME-WAIT state".
	h.send(ms(150), seg{seq: 302, ack: 102, flags: ack})
	h.expectNothing(ms(150))
	assert.Equal(t, StateTimeWait, h.conn.State())
	h.advance(ms(150 + twoMSL - 1))
	assert.Equal(t, StateTimeWait, h.conn.State())
	h.expectNothing(ms(150 + twoMSL))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.Equal(t, []string{"CLOSED→SYN-SENT", "SYN-SENT→ESTABLISHED", "ESTABLISHED→FIN-WAIT-1",
		"FIN-WAIT-1→CLOSING", "CLOSING→TIME-WAIT", "TIME-WAIT→CLOSED"}, h.states())
	assert.Equal(t, []Event{EventEstablished, EventPeerClosed, EventClosed}, h.lifecycle())
}

func TestClosing_FINRetransmittedInClosing(t *testing.T) {
	h := newFinWait1(t)
	h.send(ms(120), seg{seq: 301, ack: 101, flags: finAck})
	h.expect(ms(120), seg{seq: 102, ack: 302, flags: ack})
	require.Equal(t, StateClosing, h.conn.State())
	// Our FIN was lost: RTO 1 s after it was sent.
	h.expectNothing(ms(1099))
	h.expect(ms(1100), seg{seq: 101, ack: 302, flags: finAck, labels: trace.LabelRetransmission})
	h.send(ms(1150), seg{seq: 302, ack: 102, flags: ack})
	assert.Equal(t, StateTimeWait, h.conn.State())
	h.expectNothing(ms(1150 + twoMSL))
	assert.Equal(t, StateClosed, h.conn.State())
}

func TestClosing_FINAndACKTogetherInFinWait1(t *testing.T) {
	h := newFinWait1(t)
	// The peer's FIN also acknowledges ours: FIN-WAIT-2 by the fifth step,
	// then TIME-WAIT by the eighth.
	h.send(ms(150), seg{seq: 301, ack: 102, flags: finAck})
	h.expect(ms(150), seg{seq: 102, ack: 302, flags: ack})
	assert.Equal(t, StateTimeWait, h.conn.State())
	h.expectNothing(ms(150 + twoMSL))
	assert.Equal(t, StateClosed, h.conn.State())
}

func TestClosing_FINRetransmittedOnRTO(t *testing.T) {
	h := newFinWait1(t)
	fin := seg{seq: 101, ack: 301, flags: finAck, labels: trace.LabelRetransmission}
	// RFC 6298: RTO 1 s (the 50 ms handshake sample is under the floor), doubling.
	h.expectNothing(ms(1099))
	h.expect(ms(1100), fin)
	h.expectNothing(ms(3099))
	h.expect(ms(3100), fin)
	h.expectNothing(ms(7099))
	h.expect(ms(7100), fin)
	h.send(ms(7150), seg{seq: 301, ack: 102, flags: ack})
	assert.Equal(t, StateFinWait2, h.conn.State())
	h.expectNothing(ms(600_000)) // FIN-WAIT-2 has no timer (RFC 9293)
	assert.Equal(t, StateFinWait2, h.conn.State())
}

func TestClosing_DataAndFINRetransmittedTogether(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 100)
	h.close(ms(100))
	// The FIN was queued after the data had gone: it follows alone.
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100}, seg{seq: 201, ack: 301, flags: finAck})
	// Both lost: the RTO resends from SND.UNA, data and FIN in one segment.
	h.expectNothing(ms(1099))
	h.expect(ms(1100), seg{seq: 101, ack: 301, flags: wire.FIN | psh, len: 100, labels: trace.LabelRetransmission})
	h.send(ms(1150), seg{seq: 301, ack: 202, flags: ack})
	assert.Equal(t, StateFinWait2, h.conn.State())
}

func TestClosing_FINPiggybacksOnQueuedData(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(60), seg{seq: 301, ack: 101, flags: ack, win: 0, zeroWin: true})
	h.write(ms(100), 100)
	h.close(ms(100))
	h.expectNothing(ms(100))
	// The window opens: the data and the FIN go together.
	h.send(ms(200), seg{seq: 301, ack: 101, flags: ack})
	h.expect(ms(200), seg{seq: 101, ack: 301, flags: wire.FIN | psh, len: 100})
	h.send(ms(250), seg{seq: 301, ack: 202, flags: ack})
	assert.Equal(t, StateFinWait2, h.conn.State())
}

func TestClosing_TimeWaitACKsRetransmittedFINAndRestarts2MSL(t *testing.T) {
	h := newTimeWait(t)
	// "The only thing that can arrive in this state is a retransmission of
	// the remote FIN. Acknowledge it, and restart the 2 MSL timeout."
	h.send(ms(10_000), seg{seq: 301, ack: 102, flags: finAck})
	h.expect(ms(10_000), seg{seq: 102, ack: 302, flags: ack, labels: trace.LabelACKOfDuplicate}) // our last ACK was lost
	h.advance(ms(10_000 + twoMSL - 1))
	assert.Equal(t, StateTimeWait, h.conn.State(), "the first 2·MSL, from 160 ms, has passed")
	h.expectNothing(ms(10_000 + twoMSL))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.Empty(t, h.host.Conns())
}

func TestClosing_LastAckToClosed(t *testing.T) {
	h := newLastAck(t)
	// The FIN is lost once.
	h.expectNothing(ms(1199))
	h.expect(ms(1200), seg{seq: 101, ack: 302, flags: finAck, labels: trace.LabelRetransmission})
	// Fifth step, LAST-ACK: "If our FIN is now acknowledged, delete the TCB,
	// enter the CLOSED state, and return."
	h.send(ms(1250), seg{seq: 302, ack: 102, flags: ack})
	h.expectNothing(ms(1250))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.Empty(t, h.host.Conns())
	assert.Equal(t, []Event{EventEstablished, EventPeerClosed, EventClosed}, h.lifecycle())
	assert.Nil(t, h.conn.Err())
	// The peer's FIN again, after the TCB is gone: a RST as for any closed port.
	h.send(ms(1300), seg{seq: 301, ack: 102, flags: finAck})
	h.expect(ms(1300), seg{seq: 102, flags: wire.RST})
}

func TestClosing_LastAckIgnoresACKBelowFIN(t *testing.T) {
	h := newLastAck(t)
	h.send(ms(250), seg{seq: 302, ack: 101, flags: ack}) // acknowledges nothing new
	h.expectNothing(ms(250))
	assert.Equal(t, StateLastAck, h.conn.State())
}

func TestClosing_FinWait2AcknowledgesData(t *testing.T) {
	h := newFinWait2(t)
	// The peer may go on sending after our FIN (half-close): we still
	// acknowledge it, <SEQ=SND.NXT><ACK=RCV.NXT> with SND.NXT past our FIN.
	h.send(ms(200), seg{seq: 301, ack: 102, flags: psh, len: 100})
	h.expect(ms(200), seg{seq: 102, ack: 401, flags: ack, win: 65535})
	h.send(ms(210), seg{seq: 401, ack: 102, flags: psh, len: 50})
	h.expect(ms(210), seg{seq: 102, ack: 451, flags: ack, win: 65535})
	assert.Equal(t, int64(150), h.appBytes(trace.AppRead))
	h.send(ms(300), seg{seq: 451, ack: 102, flags: finAck})
	h.expect(ms(300), seg{seq: 102, ack: 452, flags: ack})
	assert.Equal(t, StateTimeWait, h.conn.State())
}

func TestClosing_FinWait1AcknowledgesData(t *testing.T) {
	h := newFinWait1(t)
	h.send(ms(120), seg{seq: 301, ack: 101, flags: psh, len: 100}) // sent before our FIN arrived
	h.expect(ms(120), seg{seq: 102, ack: 401, flags: ack, win: 65535})
	assert.Equal(t, StateFinWait1, h.conn.State())
	h.send(ms(150), seg{seq: 401, ack: 102, flags: ack})
	assert.Equal(t, StateFinWait2, h.conn.State())
}

func TestClosing_CloseWaitIgnoresDataAfterFIN(t *testing.T) {
	h := newCloseWait(t)
	// Seventh step, CLOSE-WAIT: "This should not occur since a FIN has been
	// received from the remote side. Ignore the segment text."
	h.send(ms(150), seg{seq: 302, ack: 101, flags: psh, len: 10})
	h.expectNothing(ms(150))
	assert.Equal(t, int64(0), h.appBytes(trace.AppRead))
	// Our own data still flows in CLOSE-WAIT.
	h.write(ms(160), 10)
	h.expect(ms(160), seg{seq: 101, ack: 302, flags: psh, len: 10})
}

func TestClosing_OutOfOrderFINWithData(t *testing.T) {
	h := newEstablished(t)
	// [301, 401) is lost; [401, 501) and the FIN arrive.
	h.send(ms(100), seg{seq: 401, ack: 101, flags: wire.FIN | psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, labels: trace.LabelDupACK, n: 1})
	assert.Equal(t, StateEstablished, h.conn.State())
	h.send(ms(150), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(150), seg{seq: 101, ack: 502, flags: ack})
	assert.Equal(t, StateCloseWait, h.conn.State())
	assert.Equal(t, int64(200), h.appBytes(trace.AppRead))
}

func TestClosing_OutOfOrderBareFIN(t *testing.T) {
	h := newEstablished(t)
	// [301, 401) is lost; the FIN at 401 arrives alone: an out-of-order
	// segment, so an immediate duplicate ACK (RFC 5681 §4.2).
	h.send(ms(100), seg{seq: 401, ack: 101, flags: finAck})
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, labels: trace.LabelDupACK, n: 1})
	// The gap fills; the FIN held (as with data, above) is now in order.
	h.send(ms(150), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(150), seg{seq: 101, ack: 402, flags: ack})
	assert.Equal(t, StateCloseWait, h.conn.State())
}
