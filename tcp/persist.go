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
// the next byte of new data, or, with ProbeOldSeq, a zero-length segment
// with SEQ = SND.UNA−1 as Linux sends it. Unanswered probes count against
// Retries, as Linux's tcp_probe_timer counts them against tcp_retries2.
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
	if !c.state.canSendData() || c.sndNxt != c.sndUna {
		return false
	}
	return c.sndNxt.LessThan(c.sndEnd) || c.finQueued && c.sndNxt == c.sndEnd
}

// updatePersist starts or stops the persist timer after output.
func (c *Conn) updatePersist(now sim.Time) {
	switch {
	case c.needPersist() && !c.timerOn(trace.TimerPersist) && !c.timerOn(trace.TimerRetransmission):
		c.setTimer(now, trace.TimerPersist, now.Add(c.rtt.backedOff(c.persistBackoff)), c.persistBackoff)
	case !c.needPersist():
		c.stopTimer(now, trace.TimerPersist)
	}
	if !c.needPersist() {
		c.persistSince = sim.Never
		c.persistN = 0
	}
}

// onPersist sends a zero-window probe.
func (c *Conn) onPersist(now sim.Time, emit func(*trace.Packet)) {
	c.fired(now, trace.TimerPersist, c.probesOut+1)
	if !c.needPersist() {
		return
	}
	if c.probesOut >= c.h.cfg.Retries {
		c.giveUp(now, emit, ErrTimedOut, c.h.cfg.ProbeAbortRST)
		return
	}
	cfg := &c.h.cfg
	if cfg.UserTimeout > 0 && cfg.UserTimeoutLinux && c.persistSince != sim.Never && now.Sub(c.persistSince) >= cfg.UserTimeout {
		c.giveUp(now, emit, ErrUserTimeout, cfg.ProbeAbortRST) // Linux: probing may last the user timeout, answered or not
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
	if c.h.cfg.ProbeOldSeq {
		c.sendProbe(now, emit, zeroWindowProbe, c.sndUna.Add(^uint32(0)), 0)
	} else if c.sndNxt.LessThan(c.sndEnd) {
		// One byte beyond the window; SND.NXT stays, SND.MAX covers it (as BSD).
		c.sendProbe(now, emit, zeroWindowProbe, c.sndNxt, 1)
	} else {
		c.sendProbe(now, emit, zeroWindowProbe, c.sndNxt, 0) // only the FIN is left: a bare ACK asks
	}
	c.setTimer(now, trace.TimerPersist, now.Add(c.rtt.backedOff(c.persistBackoff)), c.persistBackoff)
}

// sendProbe sends a probe of the given kind: seq and n bytes, ACK set,
// without moving SND.NXT or starting the retransmission timer.
func (c *Conn) sendProbe(now sim.Time, emit func(*trace.Packet), kind probeKind, seq wire.Seq, n uint32) {
	c.send(now, emit, seq, n, wire.ACK, 0, kind)
}

// giveUp aborts a connection whose probes went unanswered, sending a RST
// first when asked to.
func (c *Conn) giveUp(now sim.Time, emit func(*trace.Packet), err *Error, rst bool) {
	if rst {
		c.send(now, emit, c.sndNxt, 0, wire.RST|wire.ACK, 0, notProbe)
	}
	c.abort(now, err)
}
