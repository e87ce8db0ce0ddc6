package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// TCP keepalive (RFC 1122 §4.2.3.6). After KeepaliveIdle with no segment
// from the peer, an idle connection sends a probe that the peer must answer
// with an ACK (its sequence number is one the peer has already received).
// Unanswered probes repeat every KeepaliveInterval; after KeepaliveProbes of
// them the connection is aborted. Any segment from the peer resets the idle
// clock. While data is outstanding or waiting, keepalive does not probe:
// the retransmission and persist timers watch the connection then (Linux's
// tcp_keepalive_timer does the same; both profiles, as RFC 1122's
// keep-alives are for idle connections: docs/profiles.md).

// keepaliveActive reports whether keepalive watches the connection now.
func (c *Conn) keepaliveActive() bool {
	return c.h.cfg.Keepalive && (c.state == StateEstablished || c.state == StateCloseWait ||
		c.state == StateFinWait2)
}

// touchKeepalive restarts the idle clock: a segment arrived from the peer.
func (c *Conn) touchKeepalive(now sim.Time) {
	c.kaProbesOut = 0
	if !c.keepaliveActive() {
		if c.timerOn(trace.TimerKeepalive) { // stopTimer, checked here: see there
			c.cancelTimer(now, trace.TimerKeepalive)
		}
		return
	}
	c.setTimer(now, trace.TimerKeepalive, now.Add(c.h.cfg.KeepaliveIdle), 0)
}

// onKeepalive is the keepalive timer's expiry.
func (c *Conn) onKeepalive(now sim.Time, emit func(*trace.Packet)) {
	c.fired(now, trace.TimerKeepalive, c.kaProbesOut)
	cfg := &c.h.cfg
	if !c.keepaliveActive() {
		return
	}
	if c.sndUna != c.sndMax || c.sndNxt.LessThan(c.sndEnd) {
		// Data in flight or queued: not idle. Look again after a full idle time.
		c.setTimer(now, trace.TimerKeepalive, now.Add(cfg.KeepaliveIdle), 0)
		return
	}
	if c.kaProbesOut >= cfg.KeepaliveProbes {
		c.giveUp(now, emit, keepaliveProbe, ErrKeepaliveTimeout)
		return
	}
	c.kaProbesOut++
	c.sendProbe(now, emit, keepaliveProbe)
	c.setTimer(now, trace.TimerKeepalive, now.Add(cfg.KeepaliveInterval), c.kaProbesOut)
}
