package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// A connection's timers — retransmission (RFC 6298), persist (RFC 9293
// §3.8.6.1), keepalive (RFC 1122 §4.2.3.6), delayed ACK (RFC 9293 §3.8.6.3)
// and TIME-WAIT (§3.6) — are deadlines, not callbacks, as in smoltcp: the
// host reports the earliest as its Deadline and fires those due in Poll.
// They live in one array indexed by trace.Timer, and setting, stopping and
// firing one always writes its trace record, so the trace shows every timer
// that runs and none is left running on a closed connection.

// numTimers sizes the array; index 0 is unused.
const numTimers = int(trace.TimerTimeWait) + 1

// connTimers holds when each timer fires; sim.Never when it is off.
type connTimers [numTimers]sim.Time

// fireOrder is the order in which timers due at the same instant fire: a
// connection whose TIME-WAIT ends has nothing else to do; the RTO goes
// before the persist and keepalive timers, which look at what it sent; the
// delayed ACK goes last, so that what the others sent may carry it.
var fireOrder = [...]trace.Timer{trace.TimerTimeWait, trace.TimerRetransmission, trace.TimerPersist,
	trace.TimerKeepalive, trace.TimerDelayedACK}

// timerHandlers is what each timer does when it fires.
var timerHandlers = [numTimers]func(c *Conn, now sim.Time, emit func(*trace.Packet)){
	trace.TimerRetransmission: (*Conn).onRTO,
	trace.TimerPersist:        (*Conn).onPersist,
	trace.TimerKeepalive:      (*Conn).onKeepalive,
	trace.TimerDelayedACK:     (*Conn).onDelayedACK,
	trace.TimerTimeWait:       (*Conn).onTimeWait,
}

func newTimers() connTimers {
	var ts connTimers
	for i := range ts {
		ts[i] = sim.Never
	}
	return ts
}

// timerOn reports whether timer t is running.
func (c *Conn) timerOn(t trace.Timer) bool { return c.timers[t] != sim.Never }

// setTimer arms t to fire at at. A timer armed again for the instant it
// was armed for writes no record. n is the ordinal the trace gives it (the
// backoff count for the retransmission and persist timers).
func (c *Conn) setTimer(now sim.Time, t trace.Timer, at sim.Time, n int) {
	if c.timers[t] == at {
		return
	}
	c.timers[t] = at
	c.h.timerRecord(now, c, t, trace.TimerSet, at, n)
}

// stopTimer turns t off, recording it if it was running.
func (c *Conn) stopTimer(now sim.Time, t trace.Timer) {
	if c.timers[t] != sim.Never {
		c.timers[t] = sim.Never
		c.h.timerRecord(now, c, t, trace.TimerCancelled, 0, 0)
	}
}

// stopTimers turns every timer off: the connection is closing.
func (c *Conn) stopTimers(now sim.Time) {
	for _, t := range fireOrder {
		c.stopTimer(now, t)
	}
}

// fired turns t off as it expires and records it; n is the ordinal of this
// expiry for the trace (which timeout or probe it is).
func (c *Conn) fired(now sim.Time, t trace.Timer, n int) {
	c.timers[t] = sim.Never
	c.h.timerRecord(now, c, t, trace.TimerFired, 0, n)
}

// deadline returns when the connection's next timer fires, or sim.Never.
func (c *Conn) deadline() sim.Time {
	d := sim.Never
	for _, at := range c.timers {
		d = min(d, at)
	}
	return d
}

// onTimers fires the connection's timers that are due at now, in
// fireOrder, until one of them closes the connection.
func (c *Conn) onTimers(now sim.Time, emit func(*trace.Packet)) {
	for _, t := range fireOrder {
		if c.timers[t] <= now {
			timerHandlers[t](c, now, emit)
			if c.state == StateClosed {
				return
			}
		}
	}
}
