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

// connTimers holds when each timer fires (sim.Never when it is off) and
// the earliest of them, kept as they change: the host asks for it on every
// event, and most events change no timer.
type connTimers struct {
	at   [numTimers]sim.Time
	next sim.Time
}

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
	ts := connTimers{next: sim.Never}
	for i := range ts.at {
		ts.at[i] = sim.Never
	}
	return ts
}

// set changes when t fires and keeps next.
func (ts *connTimers) set(t trace.Timer, at sim.Time) {
	old := ts.at[t]
	ts.at[t] = at
	switch {
	case at < ts.next:
		ts.next = at
	case old == ts.next:
		ts.next = sim.Never
		for _, x := range ts.at {
			ts.next = min(ts.next, x)
		}
	}
}

// timerOn reports whether timer t is running.
func (c *Conn) timerOn(t trace.Timer) bool { return c.timers.at[t] != sim.Never }

// setTimer arms t to fire at at. A timer armed again for the instant it
// was armed for writes no record. n is the ordinal the trace gives it (the
// backoff count for the retransmission and persist timers).
func (c *Conn) setTimer(now sim.Time, t trace.Timer, at sim.Time, n int) {
	if c.timers.at[t] == at {
		return
	}
	c.timers.set(t, at)
	c.h.timerRecord(now, c, t, trace.TimerSet, at, n)
}

// stopTimer turns t off, recording it if it was running.
func (c *Conn) stopTimer(now sim.Time, t trace.Timer) {
	if c.timers.at[t] != sim.Never {
		c.timers.set(t, sim.Never)
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
	c.timers.set(t, sim.Never)
	c.h.timerRecord(now, c, t, trace.TimerFired, 0, n)
}

// deadline returns when the connection's next timer fires, or sim.Never.
func (c *Conn) deadline() sim.Time { return c.timers.next }

// onTimers fires the connection's timers that are due at now, in
// fireOrder, until one of them closes the connection.
func (c *Conn) onTimers(now sim.Time, emit func(*trace.Packet)) {
	if c.timers.next > now {
		return
	}
	for _, t := range fireOrder {
		if c.timers.at[t] <= now {
			timerHandlers[t](c, now, emit)
			if c.state == StateClosed {
				return
			}
		}
	}
}
