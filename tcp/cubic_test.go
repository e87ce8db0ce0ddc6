package tcp

// CUBIC (RFC 9438): the window against the RFC's formulas at given times
// after a loss, in exact bytes. Windows in segments of 1000 bytes, so
// that bytes read as thousandths of a segment. Each ACK here covers a
// whole window, so cwnd reaches the target at once ((target − cwnd)/cwnd
// per segment ACKed, §4.4), plus the fraction of a byte carried from the
// last ACK.

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

const cubicMSS = 1000

// secs is s seconds after the epoch's start at 10 s.
func secs(s float64) sim.Time {
	return sim.Time(10*time.Second + time.Duration(s*float64(time.Second)))
}

func TestCubic_WindowFollowsRFC9438AfterALoss(t *testing.T) {
	c := &cubic{}
	// §4.6: a loss at cwnd = 100 segments: W_max = 100, ssthresh = 70.
	ssthresh := c.ssthreshAfterLoss(0, flight{mss: cubicMSS, cwnd: 100_000}, 100_000, false)
	require.Equal(t, uint32(70_000), ssthresh)
	f := flight{mss: cubicMSS, cwnd: 70_000, ssthresh: ssthresh, srtt: 100 * time.Millisecond}
	// The first ACK of congestion avoidance starts the epoch: K =
	// ∛((W_max − cwnd_epoch)/C) = ∛(30/0.4) = ∛75 = 4.2172 s (eq. (2)).
	// At t = 0, W_cubic(0) = cwnd_epoch = 70 is below W_est = 70 + α·1/70
	// = 70.00756 (§4.3): the Reno-friendly region, cwnd = W_est.
	f.cwnd = c.onAck(secs(0), f, cubicMSS)
	assert.InDelta(t, math.Cbrt(75), c.k, 1e-12)
	assert.Equal(t, uint32(70_007), f.cwnd)
	for _, tt := range []struct {
		at   float64
		want uint32
		why  string
	}{
		// target = W_cubic(t + RTT) = 0.4·(1.1 − 4.2172)³ + 100 = 87.8846.
		{1, 87_884, "concave: W_cubic(1.1) = 87.8846"},
		// 0.4·(4.1 − 4.2172)³ + 100 = 99.99936: just below W_max.
		{4, 99_999, "the plateau: W_cubic(4.1) = 99.99936"},
		// 0.4·(6.1 − 4.2172)³ + 100 = 102.6699: past W_max, convex.
		{6, 102_670, "convex: W_cubic(6.1) = 102.6699"},
		// W_cubic(10.1) = 181.4 is more than 1.5·cwnd: target = 154.005.
		{10, 154_005, "the target is at most 1.5·cwnd (§4.2)"},
	} {
		f.cwnd = c.onAck(secs(tt.at), f, f.cwnd)
		assert.Equal(t, tt.want, f.cwnd, tt.why)
	}
	// A target below cwnd never lowers it (§4.2: target = cwnd).
	c.inEpoch, c.epochStart = true, secs(0)
	assert.Equal(t, f.cwnd, c.onAck(secs(4), f, f.cwnd))
}

func TestCubic_RenoFriendlyRegion(t *testing.T) {
	c := &cubic{}
	// A small window and a short RTT: W_max = 10, ssthresh = 7, RTT 10 ms.
	// K = ∛(3/0.4) = 1.957 s: W_cubic grows slowly at first (0.04
	// segments in the first 10 ms), Reno's estimate by α_cubic =
	// 3(1−0.7)/(1+0.7) = 0.5294 segments per window ACKed (§4.3).
	ssthresh := c.ssthreshAfterLoss(0, flight{mss: cubicMSS, cwnd: 10_000}, 10_000, false)
	f := flight{mss: cubicMSS, cwnd: 7000, ssthresh: ssthresh, srtt: 10 * time.Millisecond}
	var got []uint32
	for i := 0; i < 8; i++ {
		f.cwnd = c.onAck(secs(float64(i)*0.01), f, f.cwnd)
		got = append(got, f.cwnd)
		assert.Less(t, c.wCubic(float64(i)*0.01), c.wEst, "W_cubic(t) < W_est: the Reno-friendly region")
	}
	// cwnd = W_est: 7 + 0.5294·n; once W_est has reached cwnd_prior (10
	// segments, at 10.176), α_cubic = 1 (§4.3): one segment per window.
	assert.Equal(t, []uint32{7529, 8058, 8588, 9117, 9647, 10_176, 11_176, 12_176}, got)
}

func TestCubic_FastConvergence(t *testing.T) {
	c := &cubic{}
	c.ssthreshAfterLoss(0, flight{mss: cubicMSS, cwnd: 100_000}, 0, false)
	assert.Equal(t, 100.0, c.wMax)
	// §4.7: a loss before the window got back to W_max: W_max = cwnd·(1 +
	// β)/2 = 90·0.85 = 76.5, ssthresh = 90·0.7 = 63.
	ssthresh := c.ssthreshAfterLoss(0, flight{mss: cubicMSS, cwnd: 90_000}, 0, false)
	assert.Equal(t, uint32(63_000), ssthresh)
	assert.Equal(t, 76.5, c.wMax)
	// K = ∛((76.5 − 63)/0.4) = ∛33.75 = 3.2317 s, where it would have been
	// ∛((90 − 63)/0.4) = 4.07 s without fast convergence.
	c.onAck(secs(0), flight{mss: cubicMSS, cwnd: 63_000, ssthresh: ssthresh}, cubicMSS)
	assert.InDelta(t, 3.2316520350478255, c.k, 1e-12)
	// A loss above W_max: W_max = cwnd.
	c.ssthreshAfterLoss(0, flight{mss: cubicMSS, cwnd: 120_000}, 0, false)
	assert.Equal(t, 120.0, c.wMax)
}

func TestCubic_AfterATimeoutKIsZero(t *testing.T) {
	c := &cubic{}
	// §4.8: ssthresh = cwnd·β on a timeout too; the first congestion
	// avoidance after it starts with K = 0 and W_max = cwnd_epoch.
	ssthresh := c.ssthreshAfterLoss(0, flight{mss: cubicMSS, cwnd: 100_000}, 100_000, true)
	require.Equal(t, uint32(70_000), ssthresh)
	f := flight{mss: cubicMSS, cwnd: 70_000, ssthresh: ssthresh, srtt: 100 * time.Millisecond}
	f.cwnd = c.onAck(secs(0), f, cubicMSS)
	assert.Zero(t, c.k)
	assert.Equal(t, 70.0, c.wMax)
	// Convex from the start: W_cubic(2.1) = 0.4·2.1³ + 70 = 73.7044.
	assert.Equal(t, uint32(73_704), c.onAck(secs(2), f, f.cwnd))
}

func TestCubic_SlowStartBelowSsthresh(t *testing.T) {
	c := &cubic{}
	f := flight{mss: cubicMSS, cwnd: 10_000, ssthresh: math.MaxUint32}
	// RFC 5681 eq. (2) (RFC 9438 §4.10): at most one SMSS per ACK.
	assert.Equal(t, uint32(11_000), c.onAck(secs(0), f, 2*cubicMSS))
	assert.False(t, c.inEpoch)
}

// TestCubic_PacketLevelLossAndGrowth: through a connection. Segment 2 is
// lost at cwnd 5 segments (1460 bytes): the third duplicate ACK sets
// ssthresh = 7300·0.7 = 5110 (not Reno's 3650). The full ACK deflates
// cwnd to 2920 (NewReno's exit); slow start reaches 5840 ≥ ssthresh two
// ACKs later, and the next ACK starts CUBIC's epoch with cwnd_epoch = 4,
// W_max = 5 segments.
func TestCubic_PacketLevelLossAndGrowth(t *testing.T) {
	h := newThirdDupACK(t, CCCubic)
	assert.Equal(t, uint32(5110), h.conn.ssthresh)
	h.send(ms(250), ackOf(9))
	assert.Equal(t, uint32(2920), h.conn.cwnd)
	h.expect(ms(250), dataSeg(9), dataSeg(10))
	h.send(ms(300), ackOf(10))
	h.expect(ms(300), dataSeg(11), dataSeg(12))
	h.send(ms(301), ackOf(11))
	assert.Equal(t, uint32(5840), h.conn.cwnd)
	h.expect(ms(301), dataSeg(13), dataSeg(14))
	// Congestion avoidance: the epoch starts at 350 ms. K = ∛((5 − 4)/0.4)
	// = ∛2.5 = 1.3572 s; W_est = 4 + 0.5294·1/4 = 4.1324 is above W_cubic(0)
	// = 4: Reno-friendly, cwnd = 4.1324·1460 = 6033 bytes.
	h.send(ms(350), ackOf(12))
	assert.Equal(t, uint32(6033), h.conn.cwnd)
	c := h.conn.cc.(*cubic)
	assert.InDelta(t, math.Cbrt(2.5), c.k, 1e-12)
	// 0.95 s later (before the RTO), an ACK of one segment: W_cubic(0.95)
	// = 0.4·(0.95 − 1.3572)³ + 5 = 4.973 is above W_est (4.1324 +
	// 0.5294/4.1322): target = W_cubic(0.95 + SRTT), SRTT from the
	// samples so far; cwnd grows by (target − cwnd)/cwnd of a segment.
	srtt := seconds(h.conn.rtt.srtt)
	target := float64(cubicC*math.Pow(0.95+srtt-math.Cbrt(2.5), 3)) + 5
	want := 6033 + uint32((target-6033.0/1460)/(6033.0/1460)*1460)
	h.send(ms(1300), ackOf(13))
	assert.Equal(t, want, h.conn.cwnd)
	assert.Greater(t, h.conn.cwnd, uint32(6033))
	// And the trace has each value.
	var last int64
	for _, r := range h.log.Records {
		if r.Kind == trace.KindVar && r.Var == trace.VarCwnd {
			last = r.Value
		}
	}
	assert.Equal(t, int64(want), last)
}
