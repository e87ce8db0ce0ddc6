package tcp

import (
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Tail loss probe (RFC 8985 §7, "TLP"; Linux's tcp_schedule_loss_probe,
// tcp_send_loss_probe and tcp_process_tlp_ack, on by default with
// tcp_early_retrans 3). When the last segments of a flight are lost no
// duplicate ACK comes to start fast retransmit, and the sender would wait
// for the RTO. With SACK agreed and no loss recovery under way, the
// retransmission timer is armed instead for the probe timeout (PTO): two
// smoothed round trips, plus the worst-case delayed ACK (rto_min) when one
// segment is in flight, or 2 ms otherwise, and never later than the RTO.
// When it fires, one segment goes: the next new one if the peer's window
// takes it, else the last one sent, again. Its ACK (or SACK) then lets the
// usual recovery repair the loss; the RTO is restarted from the probe, and
// it is not backed off: the probe is no timeout. At most one probe is
// outstanding; when its ACK shows it repaired a loss the window is reduced
// as for a loss. Whether a host probes is its policy's; like Linux, tcpsim
// probes only with SACK agreed.
//
// As Linux multiplexes the RTO and the probe on one timer (icsk_pending),
// the probe rides on the retransmission timer: tlpArmed says which event it
// stands for; rtoAt keeps when the RTO itself is due.

// Linux's constants for the probe timeout.
const (
	tlpMinExtra = 2 * time.Millisecond // TCP_TIMEOUT_MIN_US: added to 2·SRTT with more than one segment out
	tlpNoRTT    = time.Second          // TCP_TIMEOUT_INIT: the PTO before any RTT sample
)

// tlpEligible reports whether the retransmission timer may be armed for a
// loss probe now (tcp_schedule_loss_probe's test): the policy probes, SACK
// is agreed, the handshake is over, something is in flight, no probe is
// outstanding, and loss recovery is idle (Linux's TCP_CA_Open or CWR).
func (c *Conn) tlpEligible() bool {
	return c.asks.tailLossProbe && c.sackOK && c.lr != nil && c.state.synchronized() &&
		!c.synUnacked() && c.sndUna != c.sndMax && c.sndNxt == c.sndMax && !c.tlpOut && c.lr.open()
}

// pto returns the probe timeout at now; the RTO is due at rtoAt. 2·SRTT
// (Linux: srtt_us >> 2), plus rto_min when one segment is in flight (the
// peer may delay its ACK) or TCP_TIMEOUT_MIN otherwise; 1 s before any RTT
// sample; never later than the RTO.
func (c *Conn) pto(now, rtoAt sim.Time) time.Duration {
	d := tlpNoRTT
	if c.rtt.samples > 0 {
		d = 2 * c.rtt.srtt
		if c.flightSize() <= c.sndMSS {
			d += c.h.cfg.RTOMin
		} else {
			d += tlpMinExtra
		}
	}
	if left := rtoAt.Sub(now); left > 0 {
		d = min(d, left)
	}
	return d
}

// armProbe arms the retransmission timer for a loss probe at now, the RTO
// being due at rtoAt, if a probe may be scheduled, and reports whether it
// did.
func (c *Conn) armProbe(now, rtoAt sim.Time) bool {
	if !c.tlpEligible() {
		return false
	}
	c.rtoAt = rtoAt
	c.tlpArmed = true
	c.setTimer(now, trace.TimerRetransmission, now.Add(c.pto(now, rtoAt)), c.backoff)
	return true
}

// onLossProbe is the probe timeout's expiry: tcp_send_loss_probe. One
// segment goes, labelled tlp; then the RTO runs from now.
func (c *Conn) onLossProbe(now sim.Time, emit func(*trace.Packet)) {
	c.fired(now, trace.TimerRetransmission, 0) // no timeout: no ordinal
	c.tlpArmed = false
	if !c.tlpEligible() {
		// Recovery started, or nothing is left in flight, since the probe
		// was armed: the RTO stands as it was due.
		c.resumeRTO(now)
		return
	}
	c.tlpOut, c.tlpRetrans = true, false
	switch seq, n, fin, ok := c.probeNewData(); {
	case ok:
		// New data, if the peer's window takes the next segment (cwnd
		// aside: tcp_write_xmit's push_one = 2 forces one out, Nagle off).
		flags := wire.ACK
		if seq.Add(n) == c.sndEnd {
			flags |= wire.PSH
		}
		if fin {
			flags |= wire.FIN
		}
		c.send(now, emit, seq, n, flags, trace.LabelTLP, notProbe)
	default:
		// Else the last segment sent goes again (skb_rb_last of the
		// retransmission queue), FIN included.
		seq := wire.Max(c.lastSegStart, c.sndUna)
		n := uint32(0)
		if seq.LessThan(wire.Min(c.sndEnd, c.sndMax)) {
			n = seq.Size(wire.Min(c.sndEnd, c.sndMax))
		}
		flags := wire.ACK
		if n > 0 && seq.Add(n) == c.sndEnd {
			flags |= wire.PSH
		}
		if c.finQueued && c.sndEnd.LessThan(c.sndMax) {
			flags |= wire.FIN
		}
		c.tlpRetrans = true
		c.send(now, emit, seq, n, flags, trace.LabelTLP, notProbe)
	}
	c.tlpHigh = c.sndNxt // tp->tlp_high_seq: the episode ends with an ACK of it
	if !c.timerOn(trace.TimerRetransmission) {
		c.startRTO(now) // "Reset s.t. tcp_rearm_rto will restart timer from now"
	}
}

// probeNewData returns the new segment a probe would send: the next at
// SND.NXT, at most one SMSS, if it fits the peer's window (tcp_snd_wnd_test),
// and whether it carries the FIN.
func (c *Conn) probeNewData() (seq wire.Seq, n uint32, fin, ok bool) {
	seq = c.sndNxt
	wndEnd := c.sndUna.Add(c.sndWnd)
	switch {
	case seq.LessThan(c.sndEnd):
		n = min(c.segMSS(), seq.Size(c.sndEnd))
		fin = c.finQueued && seq.Add(n) == c.sndEnd && seq.Add(n).LessThan(wndEnd)
		return seq, n, fin, !wndEnd.LessThan(seq.Add(n))
	case c.finQueued && seq == c.sndEnd && seq.LessThan(wndEnd):
		return seq, 0, true, true
	}
	return seq, 0, false, false
}

// resumeRTO arms the retransmission timer for the RTO as it was due
// (tcp_rearm_rto with a probe pending: the time elapsed since it was
// armed counts), or stops it when nothing is in flight.
func (c *Conn) resumeRTO(now sim.Time) {
	c.tlpArmed = false
	if c.sndUna == c.sndMax {
		c.stopRTO(now)
		return
	}
	c.setTimer(now, trace.TimerRetransmission, max(now, c.rtoAt), c.backoff)
}

// tlpACK is tcp_process_tlp_ack: an ACK at or past the probe's SND.NXT ends
// the episode. A probe of new data, or a probe answered by a pure
// duplicate ACK (the original and the probe both arrived), found no loss;
// an ACK beyond it shows the probe repaired one: the window is reduced
// once, as for a loss (Linux enters CWR: cwnd = ssthresh). ackOnly says the
// ACK advanced nothing, carried no data and changed no window.
func (c *Conn) tlpACK(now sim.Time, ack wire.Seq, ackOnly bool) {
	if c.tlpOut { // inlined: no probe is out, most of the time
		c.probeACK(now, ack, ackOnly)
	}
}

// probeACK is tlpACK while a probe is out.
func (c *Conn) probeACK(now sim.Time, ack wire.Seq, ackOnly bool) {
	if ack.LessThan(c.tlpHigh) {
		return
	}
	switch {
	case !c.tlpRetrans:
		c.tlpOut = false
	case c.tlpHigh.LessThan(ack):
		c.tlpOut = false
		c.apply(c.lr.onProbeRepair(now, c.flight()))
	case ackOnly:
		c.tlpOut = false
	}
}
