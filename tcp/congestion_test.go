package tcp

// RFC 5681 §3.1 (slow start and congestion avoidance, the loss window),
// §3.2 (fast retransmit and fast recovery) and RFC 6582 §3.2 (NewReno's
// partial and full acknowledgments, "recover").

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

const smss = 1460

// seqOf is the first sequence number of the i-th full-sized data segment.
func seqOf(i int) wire.Seq { return wire.Seq(101 + smss*i) }

// dataSeg is the i-th full-sized segment of a long write, as first sent.
func dataSeg(i int) seg { return seg{seq: seqOf(i), ack: 301, flags: ack, len: smss} }

// retx is s labelled as resent.
func retx(s seg, l trace.Label) seg {
	s.labels = trace.LabelRetransmission | l
	return s
}

// ackOf is the peer's ACK up to the start of segment i.
func ackOf(i int) seg { return seg{seq: 301, ack: seqOf(i), flags: ack} }

// newFlight returns a connection that has written 30 segments' worth and
// grown cwnd in slow start to 5 segments, all of them in flight: segments
// 2–6 (3021–10321) are unacknowledged at 151 ms.
func newFlight(t *testing.T) *harness {
	t.Helper()
	h := newEstablished(t)
	h.write(ms(100), 30*smss)
	h.expect(ms(100), dataSeg(0), dataSeg(1), dataSeg(2))
	h.send(ms(150), ackOf(1))
	h.expect(ms(150), dataSeg(3), dataSeg(4))
	h.send(ms(151), ackOf(2))
	h.expect(ms(151), dataSeg(5), dataSeg(6))
	require.Equal(t, uint32(5*smss), h.conn.cwnd)
	require.Equal(t, uint32(5*smss), h.conn.flightSize())
	return h
}

func TestCongestion_SlowStartGrowsPerACK(t *testing.T) {
	h := newEstablished(t)
	// RFC 5681 §3.1: IW = 3·SMSS for 1095 < SMSS ≤ 2190; ssthresh starts
	// "arbitrarily high".
	assert.Equal(t, uint32(3*smss), h.conn.cwnd)
	assert.Equal(t, ^uint32(0), h.conn.ssthresh)
	h.write(ms(100), 30*smss)
	h.expect(ms(100), dataSeg(0), dataSeg(1), dataSeg(2))
	// Eq. (2): cwnd += min(N, SMSS) per ACK of new data.
	h.send(ms(150), ackOf(1))
	assert.Equal(t, uint32(4*smss), h.conn.cwnd)
	h.expect(ms(150), dataSeg(3), dataSeg(4))
	h.send(ms(151), ackOf(2))
	assert.Equal(t, uint32(5*smss), h.conn.cwnd)
	h.expect(ms(151), dataSeg(5), dataSeg(6))
	// A stretch ACK of two segments still adds only one SMSS (N = 2920).
	h.send(ms(152), ackOf(4))
	assert.Equal(t, uint32(6*smss), h.conn.cwnd)
	h.expect(ms(152), dataSeg(7), dataSeg(8), dataSeg(9))
	// An ACK of 500 bytes adds 500: 9260; with 8260 in flight only 1000
	// bytes may go, a small segment that sender SWS avoidance holds.
	h.send(ms(153), seg{seq: 301, ack: seqOf(4) + 500, flags: ack})
	assert.Equal(t, uint32(6*smss+500), h.conn.cwnd)
	h.expectNothing(ms(153))
}

func TestCongestion_RTOSetsLossWindow(t *testing.T) {
	h := newFlight(t)
	// RFC 6298 (5.3): the timer restarted with the ACK at 151 ms; RTO 1 s.
	h.expectNothing(ms(1150))
	// RFC 5681 §3.1: ssthresh = max(FlightSize/2, 2·SMSS) (eq. 4) =
	// max(7300/2, 2920) = 3650; cwnd = LW = 1 SMSS: only segment 2 goes.
	h.expect(ms(1151), retx(dataSeg(2), 0))
	assert.Equal(t, uint32(3650), h.conn.ssthresh)
	assert.Equal(t, uint32(smss), h.conn.cwnd)
	// The second timeout of the same segment: "the value of ssthresh is held
	// constant"; cwnd stays one segment.
	h.expect(ms(3151), retx(dataSeg(2), 0))
	assert.Equal(t, uint32(3650), h.conn.ssthresh)
	assert.Equal(t, uint32(smss), h.conn.cwnd)
}

func TestCongestion_RTOSsthreshFloorIsTwoSegments(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 30*smss)
	h.expect(ms(100), dataSeg(0), dataSeg(1), dataSeg(2))
	// FlightSize 4380: max(2190, 2·1460) = 2920.
	h.expect(ms(1100), retx(dataSeg(0), 0))
	assert.Equal(t, uint32(2*smss), h.conn.ssthresh)
	assert.Equal(t, uint32(smss), h.conn.cwnd)
}

func TestCongestion_CongestionAvoidanceGrowsPerWindow(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 30*smss)
	h.expect(ms(100), dataSeg(0), dataSeg(1), dataSeg(2))
	h.expect(ms(1100), retx(dataSeg(0), 0)) // ssthresh 2920, cwnd 1460
	// Slow start while cwnd < ssthresh: 2920. SND.NXT went back to SND.UNA,
	// so segments 1 and 2 go again.
	h.send(ms(1150), ackOf(1))
	assert.Equal(t, uint32(2*smss), h.conn.cwnd)
	h.expect(ms(1150), retx(dataSeg(1), 0), retx(dataSeg(2), 0))
	// Congestion avoidance (cwnd ≥ ssthresh): one SMSS per cwnd bytes
	// acknowledged (RFC 5681 §3.1, byte counting).
	h.send(ms(1200), ackOf(2)) // 1460 of 2920
	assert.Equal(t, uint32(2*smss), h.conn.cwnd)
	h.expect(ms(1200), dataSeg(3))
	h.send(ms(1201), ackOf(3)) // 2920 of 2920: +1 SMSS
	assert.Equal(t, uint32(3*smss), h.conn.cwnd)
	h.expect(ms(1201), dataSeg(4), dataSeg(5))
	h.send(ms(1250), ackOf(4)) // 1460 of 4380
	h.expect(ms(1250), dataSeg(6))
	h.send(ms(1251), ackOf(5)) // 2920 of 4380
	h.expect(ms(1251), dataSeg(7))
	assert.Equal(t, uint32(3*smss), h.conn.cwnd)
	h.send(ms(1252), ackOf(6)) // 4380 of 4380: +1 SMSS
	assert.Equal(t, uint32(4*smss), h.conn.cwnd)
	h.expect(ms(1252), dataSeg(8), dataSeg(9))
}

// newFastRecovery returns newFlight after segments 2 and 4 were lost: the
// first two duplicate ACKs let segments 7 and 8 go (limited transmit), and
// the third (for 3, 5 and 6 arriving) started fast recovery at 202 ms.
func newFastRecovery(t *testing.T) *harness {
	t.Helper()
	h := newFlight(t)
	// RFC 3042 §2: a new segment on each of the first two duplicates, cwnd
	// unchanged (5 segments, all in flight before).
	h.send(ms(200), ackOf(2))
	h.expect(ms(200), dataSeg(7))
	h.send(ms(201), ackOf(2))
	h.expect(ms(201), dataSeg(8))
	require.Equal(t, uint32(5*smss), h.conn.cwnd)
	h.send(ms(202), ackOf(2))
	// RFC 5681 §3.2 (2), (3): ssthresh = max(FlightSize/2, 2·SMSS) = 3650,
	// FlightSize without the limited transmit segments (7300); retransmit;
	// cwnd = ssthresh + 3·SMSS = 8030. With 10220 in flight, nothing new.
	h.expect(ms(202), retx(dataSeg(2), trace.LabelFastRetransmission))
	require.Equal(t, uint32(3650), h.conn.ssthresh)
	require.Equal(t, uint32(3650+3*smss), h.conn.cwnd)
	require.Equal(t, seqOf(9), h.recovery().recover, "RFC 6582 §3.2 (2): recover = highest sequence sent")
	return h
}

func TestCongestion_FastRetransmitSanity(t *testing.T) {
	h := newFastRecovery(t)
	assert.True(t, h.recovery().recovering)
	h.expectNothing(ms(250))
}

func TestCongestion_LimitedTransmitOnlyNewDataWithinTwoSegments(t *testing.T) {
	h := newFlight(t)
	h.send(ms(200), ackOf(2))
	h.expect(ms(200), dataSeg(7))
	h.send(ms(201), ackOf(2))
	h.expect(ms(201), dataSeg(8))
	// FlightSize is cwnd + 2·SMSS: the window for limited transmit is
	// used up; the third duplicate brings the fast retransmit alone.
	assert.Equal(t, uint32(7*smss), h.conn.flightSize())
	h.send(ms(202), ackOf(2))
	h.expect(ms(202), retx(dataSeg(2), trace.LabelFastRetransmission))
	// The third duplicate ends the allowance: recovery's window alone.
	assert.Zero(t, h.conn.limitedTransmit)
}

func TestCongestion_DuplicateACKsInflateDuringRecovery(t *testing.T) {
	h := newFastRecovery(t)
	// RFC 5681 §3.2 (4): each further duplicate adds one SMSS, and a new
	// segment goes when cwnd allows: 9490 and 10950 are below the 10220 in
	// flight or leave too little (730 bytes, sender SWS avoidance); 12410
	// leaves 2190.
	h.send(ms(210), ackOf(2))
	assert.Equal(t, uint32(3650+4*smss), h.conn.cwnd)
	h.expectNothing(ms(210))
	h.send(ms(211), ackOf(2))
	h.expectNothing(ms(211))
	h.send(ms(212), ackOf(2))
	assert.Equal(t, uint32(3650+6*smss), h.conn.cwnd)
	h.expect(ms(212), dataSeg(9))
}

func TestCongestion_NewRenoPartialAndFullACK(t *testing.T) {
	h := newFastRecovery(t)
	// The retransmitted segment 2 arrives; the receiver holds 3, so the ACK
	// is for 5941, the start of the lost segment 4: a partial ACK (< recover).
	// RFC 6582 §3.2 (3): retransmit the first unacknowledged segment;
	// deflate cwnd by the 2920 acknowledged and add back one SMSS (at least
	// one SMSS was acknowledged): 8030 − 2920 + 1460 = 6570; send a new
	// segment if permitted: 5941 + 6570 = 12511 < SND.MAX 13241, none.
	h.send(ms(250), ackOf(4))
	assert.Equal(t, uint32(6570), h.conn.cwnd)
	assert.True(t, h.recovery().recovering, "a partial ACK does not end recovery")
	h.expect(ms(250), retx(dataSeg(4), trace.LabelFastRetransmission))
	// Segment 4's retransmission arrives; 5 to 8 were held: ACK 13241 =
	// recover, a full ACK. cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS)
	// with FlightSize = 0 now: min(3650, 2920) = 2920.
	h.send(ms(300), ackOf(9))
	assert.False(t, h.recovery().recovering)
	assert.Equal(t, uint32(2920), h.conn.cwnd)
	assert.Equal(t, uint32(3650), h.conn.ssthresh)
	h.expect(ms(300), dataSeg(9), dataSeg(10))
	// Back in slow start below ssthresh (2920 < 3650): +1 SMSS.
	h.send(ms(350), ackOf(10))
	assert.Equal(t, uint32(3*smss), h.conn.cwnd)
	h.expect(ms(350), dataSeg(11), dataSeg(12))
}

func TestCongestion_NewRenoSmallPartialACKAddsNoSMSS(t *testing.T) {
	h := newFastRecovery(t)
	// A partial ACK of 500 bytes: deflate by 500, add nothing back: 7530.
	// The retransmission starts at the new SND.UNA; 3521 + 7530 is below
	// SND.MAX: no new data.
	h.send(ms(250), seg{seq: 301, ack: seqOf(2) + 500, flags: ack})
	assert.Equal(t, uint32(8030-500), h.conn.cwnd)
	h.expect(ms(250), retx(seg{seq: seqOf(2) + 500, ack: 301, flags: ack, len: smss}, trace.LabelFastRetransmission))
}

func TestCongestion_NoFastRetransmitBelowRecoverAfterRTO(t *testing.T) {
	h := newFlight(t)
	h.expect(ms(1151), retx(dataSeg(2), 0))
	require.Equal(t, seqOf(7), h.recovery().recover, "RFC 6582 §3.2 (5): recover = highest sent at the timeout")
	// The receiver held 3: ACK 5941. Slow start: cwnd 2920; segments 4 and 5
	// go again.
	h.send(ms(1200), ackOf(4))
	h.expect(ms(1200), retx(dataSeg(4), 0), retx(dataSeg(5), 0))
	// Duplicates of 5941 (the receiver already had 5 and 6): their ACK
	// does not cover recover (10321), so RFC 6582 §3.2 (1B): no fast
	// retransmit, and cwnd and ssthresh are left alone.
	for i := int64(0); i < 4; i++ {
		h.send(ms(1210+i), ackOf(4))
		h.expectNothing(ms(1210 + i))
	}
	assert.False(t, h.recovery().recovering)
	assert.Equal(t, uint32(2*smss), h.conn.cwnd)
	assert.Equal(t, uint32(3650), h.conn.ssthresh)
}

func TestCongestion_DuplicateACKDefinition(t *testing.T) {
	h := newFlight(t)
	// RFC 5681 §2: a duplicate ACK carries no data, no SYN or FIN, and the
	// same window as before. These two do not count.
	h.send(ms(200), seg{seq: 301, ack: seqOf(2), flags: ack, win: 60000}) // window changed
	h.expectNothing(ms(200))
	h.send(ms(201), seg{seq: 301, ack: seqOf(2), flags: psh, len: 10, win: 60000}) // carries data
	h.expect(ms(201), seg{seq: seqOf(7), ack: 311, flags: ack})
	assert.Equal(t, 0, h.recovery().dupAcks)
	// Three true duplicates do; the first two send new data (limited
	// transmit, RFC 3042).
	h.send(ms(210), seg{seq: 311, ack: seqOf(2), flags: ack, win: 60000})
	h.expect(ms(210), seg{seq: seqOf(7), ack: 311, flags: ack, len: smss})
	h.send(ms(211), seg{seq: 311, ack: seqOf(2), flags: ack, win: 60000})
	h.expect(ms(211), seg{seq: seqOf(8), ack: 311, flags: ack, len: smss})
	h.send(ms(212), seg{seq: 311, ack: seqOf(2), flags: ack, win: 60000})
	h.expect(ms(212), retx(seg{seq: seqOf(2), ack: 311, flags: ack, len: smss}, trace.LabelFastRetransmission))
}
