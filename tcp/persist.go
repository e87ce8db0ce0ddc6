package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// The persist timer (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17): when the peer
// advertises a zero window while we have data to send and nothing in
// flight, probe the window after one RTO, then at exponentially growing
// intervals (capped at RTOMax), for as long as the peer answers. A probe is
// the next byte of new data (rfc), or a zero-length segment with SEQ =
// SND.UNA−1 as Linux sends it (the policy's probe). Unanswered probes
// count against Retries in both profiles, as Linux's tcp_probe_timer
// counts them against tcp_retries2 and BSD's tcp_timer_persist does too.
//
// The same timer is the sender's silly-window override (RFC 1122 §4.2.3.4,
// RFC 9293 §3.8.6.2.1 (4)): when the window is open but too small for the
// send rules, with nothing in flight no ACK will come to change that, so
// when the timer fires the data that fits goes anyway (as Linux's
// tcp_probe_timer → tcp_write_wakeup sends what the window allows).

// needPersist reports whether the connection is stalled: something to
// send, nothing in flight to bring an ACK, and output sent nothing (the
// window is closed, or too small to use).
func (c *Conn) needPersist() bool {
	if c.sndNxt != c.sndUna || !c.state.canSendData() {
		return false
	}
	return c.sndNxt.LessThan(c.sndEnd) || c.finQueued && c.sndNxt == c.sndEnd
}

// persistSettled reports whether updatePersist would change nothing: data
// is in flight or nothing is left to send (a connection that only
// receives), so no probe is needed, and the timer and the count of a spell
// of probes are already off.
func (c *Conn) persistSettled() bool {
	return (c.sndNxt != c.sndUna || c.sndNxt == c.sndEnd && !c.finQueued) &&
		c.persistN == 0 && c.persistSince == sim.Never && !c.timerOn(trace.TimerPersist)
}

// updatePersist starts or stops the persist timer after output.
func (c *Conn) updatePersist(now sim.Time) {
	switch {
	case !c.needPersist():
		c.stopTimer(now, trace.TimerPersist)
		c.persistSince = sim.Never
		c.persistN = 0
	case !c.timerOn(trace.TimerPersist) && !c.timerOn(trace.TimerRetransmission):
		c.setTimer(now, trace.TimerPersist, now.Add(c.rtt.backedOff(c.persistBackoff)), c.persistBackoff)
	}
}

// persistAnswered is what an acceptable ACK that found nothing in flight
// does to the persist timer, under a policy that times the probes from
// their answers (Linux's tcp_ack_probe): while the window still holds back
// the next segment, the current interval, RTO·2^backoff, starts again now;
// once the segment fits, the backoff starts afresh and output sends it
// (stopping the timer). Under the rfc policy the timer keeps the deadline
// the probe gave it.
func (c *Conn) persistAnswered(now sim.Time) {
	if c.asks.persistFromAnswer { // inlined: the rfc policy does nothing here
		c.probeAnswered(now)
	}
}

// probeAnswered is persistAnswered under a policy that times the probes
// from their answers.
func (c *Conn) probeAnswered(now sim.Time) {
	if !c.needPersist() || c.timerOn(trace.TimerRetransmission) {
		return
	}
	if c.headFits() {
		c.persistBackoff = 0 // icsk_backoff = 0; the timer is cleared when output sends
		return
	}
	c.setTimer(now, trace.TimerPersist, now.Add(c.rtt.backedOff(c.persistBackoff)), c.persistBackoff)
}

// headFits reports whether the next segment to send fits the send window,
// as tcp_ack_probe asks of the send head: !after(end_seq, tcp_wnd_end). The
// segment is at most one SMSS of the data written; a FIN alone takes one
// sequence number.
func (c *Conn) headFits() bool {
	end := c.sndNxt.Add(min(c.sndNxt.Size(c.sndEnd), c.sndMSS))
	if c.sndNxt == c.sndEnd {
		end = end.Add(1) // only the FIN is left
	}
	return end.LessThanEq(c.sndUna.Add(c.sndWnd)) // tcp_wnd_end: SND.UNA + SND.WND
}

// onPersist sends a zero-window probe.
func (c *Conn) onPersist(now sim.Time, emit func(*trace.Packet)) {
	c.fired(now, trace.TimerPersist, c.probesOut+1)
	if !c.needPersist() {
		return
	}
	if c.probesOut >= c.h.cfg.Retries {
		c.giveUp(now, emit, zeroWindowProbe, ErrTimedOut)
		return
	}
	if ut := c.h.cfg.UserTimeout; ut > 0 && c.h.policy.userTimeoutEndsProbing() &&
		c.persistSince != sim.Never && now.Sub(c.persistSince) >= ut {
		c.giveUp(now, emit, zeroWindowProbe, ErrUserTimeout) // Linux: probing may last the user timeout, answered or not
		return
	}
	if c.persistSince == sim.Never {
		c.persistSince = now
	}
	if c.sndWnd > 0 {
		// The silly-window override: send what the window allows.
		limit := c.sndWndLimit()
		if c.sndNxt.LessThan(limit) && c.sndNxt.LessThan(c.sndEnd) {
			n := min(c.sndNxt.Size(limit), c.sndNxt.Size(c.sndEnd), c.sndMSS)
			flags := wire.ACK
			if c.sndNxt.Add(n) == c.sndEnd {
				flags |= wire.PSH
			}
			c.send(now, emit, c.sndNxt, n, flags, 0, notProbe)
		}
		c.persistBackoff = 0
		c.persistSince = sim.Never
		return
	}
	c.probesOut++
	c.persistN++
	c.persistBackoff++
	// The probe's form is the policy's: RFC 9293's byte of new data (SND.NXT
	// stays, SND.MAX covers it, as BSD; a bare ACK when only the FIN is
	// left) or Linux's zero-length SND.UNA−1.
	c.sendProbe(now, emit, zeroWindowProbe)
	c.setTimer(now, trace.TimerPersist, now.Add(c.rtt.backedOff(c.persistBackoff)), c.persistBackoff)
}

// sendProbe sends a probe of the given kind, in the form the policy
// gives it, ACK set, without moving SND.NXT or starting the
// retransmission timer.
func (c *Conn) sendProbe(now sim.Time, emit func(*trace.Packet), kind probeKind) {
	seq, n := c.h.policy.probe(kind, c.sndUna, c.sndNxt, c.sndEnd, c.h.cfg.KeepaliveGarbageByte)
	c.send(now, emit, seq, n, wire.ACK, 0, kind)
}

// giveUp aborts a connection whose probes of the given kind went
// unanswered, sending a RST first if the policy says so.
func (c *Conn) giveUp(now sim.Time, emit func(*trace.Packet), kind probeKind, err *Error) {
	if c.h.policy.resetOnGiveUp(kind) {
		c.send(now, emit, c.sndNxt, 0, wire.RST|wire.ACK, 0, notProbe)
	}
	c.abort(now, err)
}
