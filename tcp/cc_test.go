package tcp

// The congestion-control algorithms side by side (cc.go, reno.go,
// cubic.go, recovery.go): what each does on the first, second and third
// duplicate ACK (RFC 3042 limited transmit; RFC 5681 §3.2 fast retransmit),
// how recovery ends (RFC 5681 §3.2 (6) for Reno, RFC 6582 §3.2 for
// NewReno), Tahoe's loss window, and none's window that never limits.

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
)

func TestCongestionControl_NamesParseAndPrint(t *testing.T) {
	for _, name := range CongestionControls {
		cc, err := ParseCongestionControl(name)
		require.NoError(t, err)
		assert.Equal(t, name, cc.String())
	}
	cc, err := ParseCongestionControl(" CUBIC ")
	require.NoError(t, err)
	assert.Equal(t, CCCubic, cc)
	_, err = ParseCongestionControl("bbr")
	assert.EqualError(t, err, `unknown congestion control "bbr" (known: none, tahoe, reno, newreno, cubic)`)
	assert.Equal(t, CCNewReno, Config{}.CongestionControl, "the zero value is the rfc profile's")
	cfg := DefaultConfig()
	cfg.CongestionControl = 9
	assert.EqualError(t, cfg.Validate(), "unknown congestion control 9 (none, tahoe, reno, newreno or cubic)")
}

// newFlightCC is newFlight under the algorithm cc: segments 2–6 in flight,
// cwnd 5 segments, at 151 ms (slow start is the same for all four).
func newFlightCC(t *testing.T, cc CongestionControl) *harness {
	t.Helper()
	cfg := testConfig()
	cfg.CongestionControl = cc
	h := newEstablishedCfg(t, cfg)
	h.write(ms(100), 30*smss)
	h.expect(ms(100), dataSeg(0), dataSeg(1), dataSeg(2))
	h.send(ms(150), ackOf(1))
	h.expect(ms(150), dataSeg(3), dataSeg(4))
	h.send(ms(151), ackOf(2))
	h.expect(ms(151), dataSeg(5), dataSeg(6))
	require.Equal(t, uint32(5*smss), h.conn.cwnd)
	return h
}

// TestAlgorithms_DuplicateACKs: segment 2 is lost. The first and second
// duplicate ACKs send new segments 7 and 8 under every algorithm (RFC
// 3042); the third resends segment 2 (RFC 5681 §3.2 (3)) and sets the
// windows each algorithm's way; a fourth inflates the window in fast
// recovery, and does nothing under Tahoe, which has none.
func TestAlgorithms_DuplicateACKs(t *testing.T) {
	for _, tt := range []struct {
		cc                    CongestionControl
		ssthresh, cwnd, cwnd4 uint32
		recovering            bool
	}{
		// RFC 5681 eq. (4): max(FlightSize/2, 2·SMSS), FlightSize 7300
		// before limited transmit; Tahoe: cwnd = 1 SMSS.
		{CCTahoe, 3650, smss, smss, false},
		// RFC 5681 §3.2 (3): cwnd = ssthresh + 3·SMSS; (4) + 1 SMSS.
		{CCReno, 3650, 3650 + 3*smss, 3650 + 4*smss, true},
		{CCNewReno, 3650, 3650 + 3*smss, 3650 + 4*smss, true},
		// RFC 9438 §4.6: ssthresh = cwnd·β_cubic = 7300·0.7 = 5110.
		{CCCubic, 5110, 5110 + 3*smss, 5110 + 4*smss, true},
	} {
		t.Run(tt.cc.String(), func(t *testing.T) {
			h := newFlightCC(t, tt.cc)
			h.send(ms(200), ackOf(2))
			h.expect(ms(200), dataSeg(7))
			assert.Equal(t, uint32(5*smss), h.conn.cwnd, "RFC 3042: cwnd unchanged")
			h.send(ms(201), ackOf(2))
			h.expect(ms(201), dataSeg(8))
			assert.Equal(t, uint32(5*smss), h.conn.cwnd)
			h.send(ms(202), ackOf(2))
			h.expect(ms(202), retx(dataSeg(2), trace.LabelFastRetransmission))
			assert.Equal(t, tt.ssthresh, h.conn.ssthresh)
			assert.Equal(t, tt.cwnd, h.conn.cwnd)
			assert.Equal(t, tt.recovering, h.recovery().recovering)
			h.send(ms(203), ackOf(2))
			h.expectNothing(ms(203)) // 10220 in flight: no room
			assert.Equal(t, tt.cwnd4, h.conn.cwnd)
			assert.Equal(t, tt.ssthresh, h.conn.ssthresh)
		})
	}
}

// newThirdDupACK is newFlightCC after the three duplicate ACKs for
// segment 2 (lost, with segment 4): segments 7 and 8 went by limited
// transmit, segment 2 again at 202 ms; SND.MAX is the start of segment 9.
func newThirdDupACK(t *testing.T, cc CongestionControl) *harness {
	t.Helper()
	h := newFlightCC(t, cc)
	h.send(ms(200), ackOf(2))
	h.expect(ms(200), dataSeg(7))
	h.send(ms(201), ackOf(2))
	h.expect(ms(201), dataSeg(8))
	h.send(ms(202), ackOf(2))
	h.expect(ms(202), retx(dataSeg(2), trace.LabelFastRetransmission))
	return h
}

// TestAlgorithms_PartialACK: segment 2's retransmission fills the first
// hole, segment 4 is still missing, so the ACK stops at segment 4.
func TestAlgorithms_PartialACK(t *testing.T) {
	t.Run("reno ends recovery", func(t *testing.T) {
		h := newThirdDupACK(t, CCReno)
		// RFC 5681 §3.2 (6): the next ACK of new data deflates cwnd to
		// ssthresh and ends recovery, partial or not. 7300 bytes are in
		// flight beyond SND.UNA, more than cwnd: nothing goes, and segment
		// 4 waits for the RTO, one second after this ACK restarted it.
		h.send(ms(250), ackOf(4))
		assert.False(t, h.recovery().recovering)
		assert.Equal(t, uint32(3650), h.conn.cwnd)
		h.expectNothing(ms(1249))
		h.expect(ms(1250), retx(dataSeg(4), 0))
		// RFC 5681 §3.1 (4): a second halving, and the loss window.
		assert.Equal(t, uint32(3650), h.conn.ssthresh)
		assert.Equal(t, uint32(smss), h.conn.cwnd)
	})
	t.Run("newreno resends the next hole", func(t *testing.T) {
		h := newThirdDupACK(t, CCNewReno)
		// RFC 6582 §3.2 (3): the partial ACK resends segment 4 at once and
		// recovery goes on: 8030 − 2920 + 1460 = 6570.
		h.send(ms(250), ackOf(4))
		assert.True(t, h.recovery().recovering)
		assert.Equal(t, uint32(6570), h.conn.cwnd)
		h.expect(ms(250), retx(dataSeg(4), trace.LabelFastRetransmission))
	})
	t.Run("tahoe is in slow start", func(t *testing.T) {
		h := newThirdDupACK(t, CCTahoe)
		// No recovery to end: slow start from the loss window, +1 SMSS;
		// 7300 in flight leaves no room in 2920.
		h.send(ms(250), ackOf(4))
		assert.Equal(t, uint32(2*smss), h.conn.cwnd)
		h.expectNothing(ms(1249))
		h.expect(ms(1250), retx(dataSeg(4), 0))
	})
}

// TestAlgorithms_RecoveryExit: the retransmission fills the only hole; the
// ACK covers everything sent (a full ACK).
func TestAlgorithms_RecoveryExit(t *testing.T) {
	for _, tt := range []struct {
		cc   CongestionControl
		cwnd uint32
		sent []seg
	}{
		// RFC 5681 §3.2 (6): cwnd = ssthresh = 3650: two segments (2920)
		// go, the 730 bytes left wait (sender SWS avoidance).
		{CCReno, 3650, []seg{dataSeg(9), dataSeg(10)}},
		// RFC 6582 §3.2 (3) full ACK: min(ssthresh, max(FlightSize, SMSS)
		// + SMSS) = min(3650, 2920).
		{CCNewReno, 2920, []seg{dataSeg(9), dataSeg(10)}},
		// CUBIC recovers as NewReno: min(5110, 2920).
		{CCCubic, 2920, []seg{dataSeg(9), dataSeg(10)}},
		// Tahoe: slow start from one segment, +1 SMSS.
		{CCTahoe, 2 * smss, []seg{dataSeg(9), dataSeg(10)}},
	} {
		t.Run(tt.cc.String(), func(t *testing.T) {
			h := newThirdDupACK(t, tt.cc)
			h.send(ms(250), ackOf(9))
			assert.False(t, h.recovery().recovering)
			assert.Equal(t, tt.cwnd, h.conn.cwnd)
			h.expect(ms(250), tt.sent...)
		})
	}
}

// TestNone_WindowNeverLimitsNorShrinks: flow control only. All 30 segments
// fit the peer's 65535-byte window and go at once; a loss is still
// resent on the third duplicate ACK and by the RTO, which goes back over
// all unacknowledged data the window allows, and neither touches cwnd or
// ssthresh: the trace shows no cwnd at all, and ssthresh only as the
// initial "arbitrarily high" (-1).
func TestNone_WindowNeverLimitsNorShrinks(t *testing.T) {
	cfg := testConfig()
	cfg.CongestionControl = CCNone
	h := newEstablishedCfg(t, cfg)
	h.write(ms(100), 30*smss)
	all := make([]seg, 30)
	for i := range all {
		all[i] = dataSeg(i)
	}
	all[29].flags = psh
	h.expect(ms(100), all...)
	cwnd := h.conn.cwnd
	// Segment 0 is lost: three duplicates; no new data is left for the
	// first two.
	h.send(ms(150), ackOf(0))
	h.send(ms(151), ackOf(0))
	h.expectNothing(ms(151))
	h.send(ms(152), ackOf(0))
	h.expect(ms(152), retx(dataSeg(0), trace.LabelFastRetransmission))
	assert.Equal(t, cwnd, h.conn.cwnd)
	assert.Equal(t, uint32(math.MaxUint32), h.conn.ssthresh)
	// The RTO (1 s after the first send, RFC 6298 (2.1); duplicates do not
	// restart it): everything again, as the window allows.
	h.expectNothing(ms(1099))
	again := make([]seg, 30)
	for i := range again {
		again[i] = retx(all[i], 0)
	}
	h.expect(ms(1100), again...)
	assert.Equal(t, cwnd, h.conn.cwnd)
	assert.Equal(t, uint32(math.MaxUint32), h.conn.ssthresh)
	for _, r := range h.log.Records {
		if r.Kind == trace.KindVar {
			assert.NotEqual(t, trace.VarCwnd, r.Var, "none has no congestion window to trace")
			if r.Var == trace.VarSsthresh {
				assert.Equal(t, int64(-1), r.Value)
			}
		}
	}
}

// TestAlgorithms_WindowsInTheTrace: cwnd and ssthresh are written to the
// trace whenever they change, here at the third duplicate ACK and at the
// RTO after it (Reno).
func TestAlgorithms_WindowsInTheTrace(t *testing.T) {
	h := newThirdDupACK(t, CCReno)
	h.send(ms(250), ackOf(4))
	h.expect(ms(1250), retx(dataSeg(4), 0))
	type v struct {
		at    int64
		name  trace.Var
		value int64
	}
	var got []v
	for _, r := range h.log.Records {
		if r.Kind == trace.KindVar && (r.Var == trace.VarCwnd || r.Var == trace.VarSsthresh) && r.T >= ms(200) {
			got = append(got, v{int64(r.T / ms(1)), r.Var, r.Value})
		}
	}
	assert.Equal(t, []v{
		{202, trace.VarCwnd, 3650 + 3*smss}, {202, trace.VarSsthresh, 3650},
		{250, trace.VarCwnd, 3650},
		{1250, trace.VarCwnd, smss},
	}, got)
}

func TestRecovery_SACKOnlyForAlgorithmsThatRecoverAsNewReno(t *testing.T) {
	for _, tt := range []struct {
		cc   CongestionControl
		want string
	}{
		{CCNewReno, "sack"}, {CCCubic, "sack"},
		{CCReno, "reno"}, {CCTahoe, "tahoe"}, {CCNone, "none"},
	} {
		cfg := testConfig()
		cfg.SACK = true
		cfg.CongestionControl = tt.cc
		h := newSynSent(t, cfg)
		h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460, sackOK: true})
		assert.Equal(t, tt.want, h.conn.lr.name(), tt.cc.String())
	}
}
