package tcp

import (
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// onNewACK handles an acknowledgment of new data up to ack (RFC 9293
// §3.10.7.4 fifth step; RFC 6298 (5.2), (5.3); RFC 5681; RFC 6582).
func (c *Conn) onNewACK(now sim.Time, ack wire.Seq) {
	acked := c.sndUna.Size(ack)
	// Did the ACK free send-buffer space (not just cover our SYN or FIN)?
	dataAcked := c.dataUna().LessThan(wire.Min(ack, c.sndEnd))
	c.sndUna = ack
	c.trimSACKed()
	if c.sndNxt.LessThan(ack) {
		c.sndNxt = ack // after an RTO rewound SND.NXT, the ACK may cover more
	}
	c.sampleRTT(now, ack)
	c.retries = 0
	c.dupAcks = 0
	c.stallSince = now // progress: the clock of the limits starts again

	if c.inRecovery {
		if !ack.LessThan(c.recover) {
			// RFC 6582 §3.2 (3): a full acknowledgment ends recovery; the
			// window deflates to min(ssthresh, max(FlightSize, SMSS) + SMSS).
			c.cwnd = min(c.ssthresh, max(c.flightSize(), c.sndMSS)+c.sndMSS)
			c.inRecovery = false
		} else {
			// RFC 6582 §3.2 (3): a partial acknowledgment: the next hole is
			// lost too; resend it, deflate by what was acknowledged, add back
			// one SMSS. With SACK the holes not yet resent go one per ACK.
			if c.sackOK {
				c.sackRexmit = true
			} else {
				c.fastRetransmit = true
			}
			if c.cwnd > acked {
				c.cwnd -= acked
			} else {
				c.cwnd = 0
			}
			if acked >= c.sndMSS {
				c.cwnd += c.sndMSS // "if the partial ACK acknowledges at least one SMSS"
			}
			c.cwnd = max(c.cwnd, c.sndMSS)
		}
	} else if acked > 0 {
		c.cwnd = c.cc.onAck(now, c.cwnd, c.ssthresh, acked, c.sndMSS)
	}

	// RFC 6298 (5.2): all acknowledged: timer off; (5.3): else restart it —
	// in NewReno recovery only on the first partial ACK (RFC 6582 §3.2 (3),
	// the "Impatient" variant).
	switch {
	case c.sndUna == c.sndMax:
		c.stopRTO(now)
	case c.inRecovery && c.partialACKSeen:
	default:
		c.startRTO(now)
		c.partialACKSeen = c.inRecovery
	}
	if dataAcked {
		c.h.notify(c, EventWritable)
	}
}

// onDupACK counts a duplicate ACK; the third starts fast retransmit and
// NewReno fast recovery (RFC 5681 §3.2, RFC 6582 §3.2).
func (c *Conn) onDupACK(now sim.Time) {
	c.dupAcks++
	if c.inRecovery {
		c.cwnd += c.sndMSS // (4): each further duplicate inflates the window
		c.sackRexmit = c.sackOK
		return
	}
	if c.dupAcks != dupThresh {
		return
	}
	// RFC 6582 §3.2 (2): only when the ACK covers more than "recover", so a
	// burst of duplicates after an RTO does not start a second recovery.
	if !c.recover.LessThan(c.sndUna) && c.recover != c.iss {
		return
	}
	c.recover = c.sndMax
	c.ssthresh = c.cc.ssthreshAfterLoss(now, c.cwnd, c.flightSize(), c.sndMSS)
	c.cwnd = c.ssthresh + dupThresh*c.sndMSS
	c.inRecovery = true
	c.partialACKSeen = false
	c.fastRetransmit = true
	c.rexmitNxt = c.sndUna
}

// retryLimit says whether the timeout at now is one too many, and why.
func (c *Conn) retryLimit(now sim.Time) *Error {
	cfg := &c.h.cfg
	if cfg.UserTimeout > 0 && (!cfg.UserTimeoutLinux || c.state.synchronized()) {
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
	if cfg.RetriesByTime {
		if now.Sub(c.stallSince) >= linuxRetriesTimeout(cfg.Retries) {
			return ErrTimedOut
		}
		return nil
	}
	if c.retries >= cfg.Retries {
		return ErrTimedOut
	}
	return nil
}

// linuxRetriesTimeout is Linux's retransmits_timed_out for a boundary of n
// retries: the time n doublings of TCP_RTO_MIN (200 ms) take, each capped at
// TCP_RTO_MAX (120 s): 924.6 s for tcp_retries2 = 15.
func linuxRetriesTimeout(n int) sim.Duration {
	const rtoMin, rtoMax = 200 * time.Millisecond, 120 * time.Second
	var total sim.Duration
	rto := rtoMin
	for i := 0; i <= n; i++ {
		total += rto
		rto = min(2*rto, rtoMax)
	}
	return total
}

// startRTO (re)starts the retransmission timer for one RTO from now, or
// for when the user timeout runs out if that is sooner.
func (c *Conn) startRTO(now sim.Time) {
	at := now.Add(c.rto())
	if ut := c.h.cfg.UserTimeout; ut > 0 && (!c.h.cfg.UserTimeoutLinux || c.state.synchronized()) {
		at = min(at, max(now, c.stallSince.Add(ut)))
	}
	c.setTimer(now, trace.TimerRetransmission, at, c.backoff)
}

// stopRTO turns the retransmission timer off.
func (c *Conn) stopRTO(now sim.Time) { c.stopTimer(now, trace.TimerRetransmission) }

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

// onRTO is the retransmission timer's expiry (RFC 6298 §5, (5.4)–(5.6)).
func (c *Conn) onRTO(now sim.Time, emit func(*trace.Packet)) {
	c.fired(now, trace.TimerRetransmission, c.retries+1) // the ordinal of this timeout

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
	if c.retries == 1 {
		c.ssthresh = c.cc.ssthreshAfterLoss(now, c.cwnd, c.flightSize(), c.sndMSS)
	}
	c.cwnd = c.sndMSS
	c.inRecovery = false
	c.dupAcks = 0
	c.recover = c.sndMax // RFC 6582 §3.2 (5)
	c.fastRetransmit = false
	c.sackRexmit = false
	// (5.4): retransmit the earliest unacknowledged segment; everything after
	// it goes again as the window allows (SND.NXT rewinds to SND.UNA).
	c.sndNxt = c.sndUna
	c.h.pending = true
	c.traceVars(now)
}
