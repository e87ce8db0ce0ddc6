package tcp

import (
	"math"

	"github.com/tcpsim/tcpsim/sim"
)

// CUBIC (RFC 9438), the linux profile's default algorithm. After a loss the
// window follows a cubic function of the time since congestion avoidance
// began, W_cubic(t) = C·(t−K)³ + W_max (§4.2), concave up to W_max, the
// window before the last reduction, then convex beyond it. Windows are
// computed in segments (real numbers), as the RFC writes them; cwnd stays
// in bytes, and the part of an increase smaller than a byte is carried to
// the next ACK, so no growth is lost to rounding. Time is the simulation's
// clock only.
//
// Where Linux (net/ipv4/tcp_cubic.c) differs:
//   - HyStart (hystart = 1 by default: bictcp_hystart_reset,
//     hystart_update) leaves slow start early on ACK trains or a rising
//     RTT: hystart.go, under the linux profile only (the policy's
//     hystart); under the rfc profile slow start runs to ssthresh or a
//     loss, as RFC 9438 §4.10 and RFC 5681 have it.
//   - W_cubic is evaluated at t + delay_min, the smallest RTT seen
//     (bictcp_update), rather than t + SRTT; fixed point throughout: β =
//     717/1024, C = 410/1024, time in 1/1024 s (BICTCP_HZ), a table-seeded
//     cube root (cubic_root); cwnd grows in whole segments, one per
//     ca->cnt segments ACKed.
//   - The Reno-friendly estimate keeps α_cubic = 3(1−β)/(1+β) for good
//     (ack_cnt, tcp_cwnd); RFC 9438 §4.3's switch to α = 1 once W_est
//     reaches cwnd_prior is not made.
//   - After an application-limited pause the epoch is shifted forward
//     (cubictcp_cwnd_event, CA_EVENT_TX_START); not modelled.
//   - Slow start adds every segment ACKed (tcp_slow_start); here, as for
//     Reno, at most one SMSS per ACK (RFC 5681 eq. (2)).
//   - Recovery is PRR (RFC 6937, tcp_cwnd_reduction); here it is the
//     connection's loss recovery (recovery.go): NewReno's, or with SACK
//     RFC 6675's pipe (sack.go), with the window CUBIC's ssthresh gives.

// RFC 9438 §4.1's constants.
const (
	cubicC    = 0.4 // C, segments/s³
	cubicBeta = 0.7 // β_cubic, the multiplicative decrease factor
	// cubicAlpha is §4.3's α_cubic = 3(1−β)/(1+β): the additive increase
	// that makes an AIMD(α, β) flow as fast as Reno's AIMD(1, 0.5).
	cubicAlpha = 3 * (1 - cubicBeta) / (1 + cubicBeta)
)

// cubic is RFC 9438's state. Windows are in segments.
type cubic struct {
	// inEpoch is set while a congestion avoidance stage runs; epochStart
	// is when it began (its first ACK), t's origin.
	inEpoch    bool
	epochStart sim.Time
	// wMax is W_max, the window before the last reduction (§4.2), lowered
	// by fast convergence (§4.7); 0 after a timeout (§4.8).
	wMax float64
	// k is K, seconds from the epoch's start until W_cubic reaches W_max.
	k float64
	// wEst is W_est, the window Reno would have (§4.3).
	wEst float64
	// cwndPrior is cwnd when ssthresh was last set (§4.3, §4.6).
	cwndPrior float64
	// credit is the increase, in bytes, earned but less than a byte.
	credit float64
	// hs is HyStart's state (hystart.go), used when the policy has it.
	hs hystart
}

// wCubic is W_cubic(t) (RFC 9438 eq. (1)), t seconds into the epoch.
// Products are converted explicitly so that no multiply-add is fused:
// every platform computes the same window.
func (c *cubic) wCubic(t float64) float64 {
	d := t - c.k
	return float64(cubicC*d*d*d) + c.wMax
}

// onAck is slow start below ssthresh (§4.10: RFC 5681's) and §4.2–§4.5's
// congestion avoidance above it.
func (c *cubic) onAck(now sim.Time, f flight, acked uint32) uint32 {
	if f.cwnd < f.ssthresh {
		c.inEpoch = false
		return f.cwnd + min(acked, f.mss)
	}
	mss := float64(f.mss)
	cwnd := float64(f.cwnd) / mss
	if !c.inEpoch {
		// The first ACK of congestion avoidance starts the epoch: K from
		// eq. (2), K = ∛((W_max − cwnd_epoch)/C). A window already at or
		// above W_max (and the first stage after a timeout, §4.8, where
		// W_max was forgotten) starts at the inflection: K = 0, W_max =
		// cwnd_epoch (Linux's bictcp_update: bic_K = 0, origin = cwnd).
		c.inEpoch, c.epochStart, c.credit = true, now, 0
		if c.wMax <= cwnd {
			c.k, c.wMax = 0, cwnd
		} else {
			c.k = math.Cbrt((c.wMax - cwnd) / cubicC)
		}
		c.wEst = cwnd
	}
	t := seconds(now.Sub(c.epochStart))
	segs := float64(acked) / mss
	// §4.3: W_est grows by α_cubic per window ACKed; α becomes 1 once
	// W_est has reached cwnd_prior.
	alpha := cubicAlpha
	if c.wEst >= c.cwndPrior {
		alpha = 1
	}
	c.wEst += float64(alpha*segs) / cwnd
	if c.wCubic(t) < c.wEst {
		// The Reno-friendly region: cwnd = W_est (never lowered by an ACK).
		return max(f.cwnd, uint32(float64(c.wEst*mss)))
	}
	// §4.2: target = W_cubic(t + RTT), kept within [cwnd, 1.5·cwnd]; §4.4,
	// §4.5: cwnd grows by (target − cwnd)/cwnd per segment ACKed.
	target := min(max(c.wCubic(t+seconds(f.srtt)), cwnd), 1.5*cwnd)
	c.credit += float64((target - cwnd) / cwnd * float64(acked))
	inc := math.Floor(c.credit)
	c.credit -= inc
	return f.cwnd + uint32(inc)
}

// ssthreshAfterLoss is §4.6's multiplicative decrease with §4.7's fast
// convergence: W_max = cwnd, or cwnd·(1+β)/2 when the window did not get
// back to the last W_max (a new flow is taking bandwidth); ssthresh =
// cwnd·β, at least 2·SMSS. RFC 9438 writes flight_size·β and notes that
// implementations use cwnd; Linux does (bictcp_recalc_ssthresh), and so
// does this. On a timeout (§4.8) W_max is then forgotten, so the first
// congestion avoidance stage after it starts with K = 0 (Linux:
// cubictcp_state clears it with bictcp_reset on entering TCP_CA_Loss).
func (c *cubic) ssthreshAfterLoss(now sim.Time, f flight, _ uint32, timeout bool) uint32 {
	cwnd := float64(f.cwnd) / float64(f.mss)
	if cwnd < c.wMax {
		c.wMax = float64(cwnd*(1+cubicBeta)) / 2
	} else {
		c.wMax = cwnd
	}
	c.cwndPrior = cwnd
	c.inEpoch = false
	if timeout {
		c.wMax = 0
		// cubictcp_state(TCP_CA_Loss): bictcp_reset and
		// bictcp_hystart_reset: HyStart runs again in the slow start
		// after the timeout, with a new delay_min.
		c.hs.lossReset(now, f.max)
	}
	return max(uint32(uint64(f.cwnd)*7/10), 2*f.mss) // β_cubic = 0.7 = 7/10, in whole bytes
}

// onTimeout forgets W_max (§4.8) after a timeout during fast recovery,
// where ssthresh stays as the recovery set it: the next congestion
// avoidance stage starts with K = 0 (cubictcp_state's bictcp_reset).
func (c *cubic) onTimeout() {
	c.wMax = 0
	c.inEpoch = false
}
