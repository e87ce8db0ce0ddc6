package tcp

import "time"

// rtoClockGranularity is G of RFC 6298 §2: the simulator's clock is exact, so
// G only keeps the variance term from vanishing; 1 ms is a fine-grained clock.
const rtoClockGranularity = time.Millisecond

// rtoAfterSYNTimeout is the RTO a connection starts data transfer with when
// its SYN or SYN,ACK was retransmitted and no RTT was measured: RFC 6298 (5.7).
const rtoAfterSYNTimeout = 3 * time.Second

// rttEstimator computes the retransmission timeout of RFC 6298 §2: SRTT
// and RTTVAR as (2.2) and (2.3) say; how they make the RTO is the rule's
// (the host's policy: RFC 6298 (2.3)–(2.5), or Linux's tcp_set_rto).
type rttEstimator struct {
	srtt    time.Duration // smoothed round-trip time; 0 until the first sample
	rttvar  time.Duration // round-trip time variation
	rto     time.Duration // the current timeout, before backoff
	min     time.Duration // the RTO's floor (RFC 6298 (2.4))
	max     time.Duration // the RTO's ceiling (RFC 6298 (2.5)), and the backoff's
	samples int           // how many RTT samples have been taken
	tick    time.Duration // the RTO is kept in whole ticks of this length (Linux's jiffies); 0: exact
	rule    rtoRule       // how SRTT and the variance term make the RTO
}

// rtoRule turns SRTT and the variance term k = max(G, 4·RTTVAR) into the
// RTO, within the floor lo and the ceiling hi. The host's policy is one.
type rtoRule interface {
	rto(srtt, k, lo, hi time.Duration) time.Duration
}

func newRTTEstimator(initial, min, max time.Duration, rule rtoRule) rttEstimator {
	return rttEstimator{rto: clampDuration(initial, 0, max), min: min, max: max, rule: rule}
}

// sample folds in one round-trip measurement r (RFC 6298 (2.2), (2.3)).
func (e *rttEstimator) sample(r time.Duration) {
	if e.samples == 0 {
		e.srtt = r
		e.rttvar = r / 2
	} else {
		delta := e.srtt - r
		if delta < 0 {
			delta = -delta
		}
		e.rttvar = (3*e.rttvar + delta) / 4 // β = 1/4
		e.srtt = (7*e.srtt + r) / 8         // α = 1/8
	}
	e.samples++
	k := 4 * e.rttvar
	if k < rtoClockGranularity {
		k = rtoClockGranularity
	}
	e.rto = e.rule.rto(e.srtt, k, e.min, e.max)
}

// backedOff returns the timeout after n consecutive expiries: RTO·2ⁿ, at most
// the maximum (RFC 6298 (5.5)).
func (e *rttEstimator) backedOff(n int) time.Duration {
	d := e.rto
	if e.tick > 0 {
		d = (d + e.tick - 1) / e.tick * e.tick // __tcp_set_rto: usecs_to_jiffies rounds up; the backoff shifts jiffies
	}
	for i := 0; i < n && d < e.max; i++ {
		d *= 2
	}
	return clampDuration(d, 0, e.max)
}

// tickOf is the length of a tick of a clock ticking hz times a second.
func tickOf(hz int) time.Duration { return time.Second / time.Duration(hz) }

func clampDuration(d, lo, hi time.Duration) time.Duration {
	if d < lo {
		d = lo
	}
	if hi > 0 && d > hi {
		d = hi
	}
	return d
}
