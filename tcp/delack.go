package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// Delayed ACKs (RFC 1122 §4.2.3.2, RFC 5681 §4.2, RFC 9293 §3.8.6.3): an ACK
// for in-order data waits up to DelayedACK for data of our own to ride on,
// but goes at once for every second full-sized segment, for out-of-order
// data and for data that fills a gap, for a FIN, and during quick-ack mode
// at the start of a connection (Linux).

// scheduleACK decides when the ACK for data just received goes.
func (c *Conn) scheduleACK(now sim.Time, immediate bool) {
	cfg := &c.h.cfg
	if cfg.DelayedACK <= 0 || immediate || c.quickACKs > 0 || c.rcvUnacked >= 2*c.rcvMSS {
		c.ackNow = true
		return
	}
	if !c.timerOn(trace.TimerDelayedACK) {
		c.setTimer(now, trace.TimerDelayedACK, now.Add(cfg.DelayedACK), 0)
	}
}

// onDelayedACK is the delayed-ACK timer's expiry: the ACK goes now.
func (c *Conn) onDelayedACK(now sim.Time, _ func(*trace.Packet)) {
	c.fired(now, trace.TimerDelayedACK, 0)
	c.ackNow = true
	c.ackLabel |= trace.LabelDelayedACK
	c.h.pending = true
}

// ackSentNow clears what an ACK, piggybacked or not, settles.
func (c *Conn) ackSentNow(now sim.Time) {
	c.ackNow = false
	// Quick-ack mode counts ACKs of data (Linux enters it on the first
	// data segment, tcp_event_data_recv): the handshake's ACK is not one.
	// Data received since the last ACK means this one acknowledges new data.
	if c.rcvUnacked > 0 && c.quickACKs > 0 {
		c.quickACKs--
	}
	c.rcvUnacked = 0
	c.stopTimer(now, trace.TimerDelayedACK)
}
