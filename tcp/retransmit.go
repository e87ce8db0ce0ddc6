package tcp

import (
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// onNewACK handles an acknowledgment of new data up to ack (RFC 9293
// §3.10.7.4 fifth step; RFC 6298 (5.2), (5.3)); the window and what to
// resend are loss recovery's (recovery.go).
func (c *Conn) onNewACK(now sim.Time, ack wire.Seq) {
	acked := c.sndUna.Size(ack)
	// Did the ACK free send-buffer space (not just cover our SYN or FIN)?
	dataAcked := c.dataUna().LessThan(wire.Min(ack, c.sndEnd))
	resentAcked := c.sndUna.LessThan(c.retxHigh) // it covers data sent more than once
	c.sndUna = ack
	if c.sndNxt.LessThan(ack) {
		c.sndNxt = ack // after an RTO rewound SND.NXT, the ACK may cover more
	}
	var sampled bool
	caRTT := time.Duration(-1) // the sample congestion control is given (ca_rtt_us)
	if c.asks.rttEveryACK {
		caRTT, sampled = c.sampleOldestAcked(now, ack, resentAcked)
	} else {
		sampled = c.sampleRTT(now, ack)
	}
	if !sampled && resentAcked && c.ackTSecr != 0 && c.h.policy.rttFromTimestamps() {
		caRTT = c.sampleEchoedRTT(now)
	}
	// tcp_clean_rtx_queue hands the sample to congestion control
	// (pkts_acked) before tcp_cong_control grows the window.
	c.hystartAcked(now, caRTT)
	c.retries = 0
	c.stallSince = now // progress: the clock of the limits starts again

	d := c.lr.onNewACK(now, c.flight(), acked)
	c.apply(d)
	if c.retransStamp != sim.Never && c.lr.open() {
		// Recovery is over, what was resent acknowledged: the next stall's
		// first retransmission starts the budget's clock again (Linux:
		// tcp_try_undo_recovery, tcp_try_to_open: retrans_stamp = 0).
		c.retransStamp = sim.Never
	}

	// RFC 6298 (5.2): all acknowledged: timer off; (5.3): else restart it,
	// unless loss recovery keeps it running.
	switch {
	case c.sndUna == c.sndMax:
		c.stopRTO(now)
	case d.keepRTO:
	default:
		c.startRTO(now)
	}
	if dataAcked {
		c.newSpace()
		c.h.notify(c, EventWritable)
	}
}

// sampleEchoedRTT takes an RTT sample from the timestamp the ACK echoes
// (RFC 7323 §4): Karn's rule forbids timing data sent more than once from
// its send time, but the echo says which transmission the peer answered.
// Linux (tcp_ack_update_rtt, tcp_rtt_tsopt_us) falls back to it whenever
// the ACK covers retransmitted data: the difference of the two millisecond
// clocks, at least 1 ms; like any valid sample it collapses the backed-off
// RTO (RFC 6298 §5).
//
// It returns the sample, or -1 when it took none.
func (c *Conn) sampleEchoedRTT(now sim.Time) time.Duration {
	tsNow := uint32(int64(now)/int64(time.Millisecond)) + c.tsOffset
	d := int32(tsNow - c.ackTSecr)
	if d < 0 {
		return -1 // an echo from the future: not ours
	}
	rtt := time.Duration(max(d, 1)) * time.Millisecond
	c.rtt.sample(rtt)
	c.backoff = 0
	return rtt
}

// onDupACK hands a duplicate ACK to loss recovery (RFC 5681 §3.2).
func (c *Conn) onDupACK(now sim.Time) {
	c.apply(c.lr.onDupACK(now, c.flight()))
}

// userTimeoutApplies reports whether the user timeout replaces the retry
// limits now: set, and covering the state (the policy's scope).
func (c *Conn) userTimeoutApplies() bool {
	return c.h.cfg.UserTimeout > 0 && c.h.policy.userTimeoutCovers(c.state)
}

// retryLimit says whether the timeout at now is one too many, and why.
func (c *Conn) retryLimit(now sim.Time) *Error {
	cfg := &c.h.cfg
	if c.userTimeoutApplies() {
		// The user timeout replaces the retry limits (RFC 5482, RFC 9293 §3.10.8).
		if now.Sub(c.stallSince) >= cfg.UserTimeout {
			return ErrUserTimeout
		}
		return nil
	}
	if c.synUnacked() {
		limit := cfg.SynRetries
		if c.state == StateSynSent {
			limit += cfg.SynLinearTimeouts // Linux counts the linear ones on top
		}
		if c.retries >= limit {
			return ErrTimedOut
		}
		return nil
	}
	var since time.Duration
	if c.retransStamp != sim.Never {
		since = now.Sub(c.retransStamp)
	}
	if c.h.policy.retriesExhausted(c.retries, cfg.Retries, since) {
		return ErrTimedOut
	}
	return nil
}

// startRTO (re)starts the retransmission timer for one RTO from now, or
// for when the user timeout runs out if that is sooner; or, when a tail
// loss probe may be sent (tlp.go), for the probe timeout, no later.
func (c *Conn) startRTO(now sim.Time) {
	at := now.Add(c.rto())
	if c.userTimeoutApplies() {
		at = min(at, max(now, c.stallSince.Add(c.h.cfg.UserTimeout)))
	}
	if c.asks.tailLossProbe && c.armProbe(now, at) {
		return
	}
	c.tlpArmed = false
	c.rtoAt = at
	c.setTimer(now, trace.TimerRetransmission, at, c.backoff)
}

// stopRTO turns the retransmission timer off.
func (c *Conn) stopRTO(now sim.Time) {
	c.tlpArmed = false
	c.stopTimer(now, trace.TimerRetransmission)
}

// startTimeWait enters (or stays in) TIME-WAIT for 2·MSL (RFC 9293 §3.6).
func (c *Conn) startTimeWait(now sim.Time) {
	c.stopRTO(now)
	c.setState(now, StateTimeWait)
	c.setTimer(now, trace.TimerTimeWait, now.Add(2*c.h.cfg.MSL), 0)
}

// onTimeWait ends TIME-WAIT: the connection is closed.
func (c *Conn) onTimeWait(now sim.Time, _ func(*trace.Packet)) {
	c.fired(now, trace.TimerTimeWait, 0)
	c.close(now)
}

// onRTO is the retransmission timer's expiry (RFC 6298 §5, (5.4)–(5.6)),
// or the probe timeout's when it was armed for a tail loss probe.
func (c *Conn) onRTO(now sim.Time, emit func(*trace.Packet)) {
	if c.tlpArmed {
		c.onLossProbe(now, emit)
		return
	}
	c.fired(now, trace.TimerRetransmission, c.retries+1) // the ordinal of this timeout
	c.tlpOut = false                                     // the RTO ends a probe episode (tcp_retransmit_timer)

	if err := c.retryLimit(now); err != nil {
		c.abort(now, err) // no RST: the peer is presumed unreachable
		return
	}
	c.retries++
	// (5.5): double the RTO; Linux holds a SYN's first timeouts at the
	// initial RTO (tcp_syn_linear_timeouts).
	if c.state != StateSynSent || c.retries > c.h.cfg.SynLinearTimeouts {
		c.backoff++
	}
	c.rttTiming = false
	if c.synUnacked() {
		c.synSent = false // the SYN (or SYN,ACK) goes again, and only it
		c.synRetrans = true
		c.synRetransmits++
		c.h.pending = true
		return
	}
	// RFC 5681 §3.1 (4): on the first timeout of a segment, ssthresh falls to
	// max(FlightSize/2, 2·SMSS); cwnd becomes the loss window, one SMSS.
	// Whatever recovery had queued to resend is superseded.
	c.resend = 0
	c.apply(c.lr.onRTO(now, c.flight(), c.retries == 1))
	// (5.4): retransmit the earliest unacknowledged segment; everything after
	// it goes again as the window allows (SND.NXT rewinds to SND.UNA).
	c.sndNxt = c.sndUna
	c.h.pending = true
	c.traceVars(now)
}
