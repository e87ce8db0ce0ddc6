package tcp

import (
	"time"

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

// connTimers.set takes the earliest of the five timers by name: a sixth
// needs its place there.
const _, _ = uint(numTimers - 6), uint(6 - numTimers)

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
		a := &ts.at // index 0 is unused
		ts.next = min(a[1], a[2], a[3], a[4], a[5])
	}
}

// timerOn reports whether timer t is running.
func (c *Conn) timerOn(t trace.Timer) bool { return c.timers.at[t] != sim.Never }

// setTimer arms t to fire at at, or, on a host whose timers tick
// (TimerHZ), when the timer wheel really fires it (wheelExpiry). A timer
// armed again for the instant it was armed for writes no record. n is the
// ordinal the trace gives it (the backoff count for the retransmission and
// persist timers).
func (c *Conn) setTimer(now sim.Time, t trace.Timer, at sim.Time, n int) {
	if hz := c.h.cfg.TimerHZ; hz > 0 {
		at = wheelExpiry(now, at, hz)
	}
	if c.timers.at[t] == at {
		return
	}
	c.timers.set(t, at)
	c.h.timerRecord(now, c, t, trace.TimerSet, at, n)
}

// stopTimer turns t off, recording it if it was running. The check is
// inlined where it is called (most calls find the timer off), unless the
// caller is a large function, into which the compiler inlines only the
// cheapest ones: the per-segment paths that output and input inline
// (ackSentNow, touchKeepalive) check timerOn themselves and call
// cancelTimer.
func (c *Conn) stopTimer(now sim.Time, t trace.Timer) {
	if c.timers.at[t] != sim.Never {
		c.cancelTimer(now, t)
	}
}

// cancelTimer turns off t, which is running, and records it.
func (c *Conn) cancelTimer(now sim.Time, t trace.Timer) {
	c.timers.set(t, sim.Never)
	c.h.timerRecord(now, c, t, trace.TimerCancelled, 0, 0)
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
// fireOrder, until one of them closes the connection. The check is
// inlined where it is called: most polls find no timer due.
func (c *Conn) onTimers(now sim.Time, emit func(*trace.Packet)) {
	if c.timers.next <= now {
		c.fireTimers(now, emit)
	}
}

// fireTimers is onTimers when a timer is due.
func (c *Conn) fireTimers(now sim.Time, emit func(*trace.Packet)) {
	for _, t := range fireOrder {
		if c.timers.at[t] <= now {
			timerHandlers[t](c, now, emit)
			if c.state == StateClosed {
				return
			}
		}
	}
}

// Linux's timers are not exact (kernel/time/timer.c): a timer is armed in
// jiffies, ticks of 1/HZ s, for whole jiffies (usecs_to_jiffies rounds up),
// and kept in a wheel of levels whose buckets are 8 times coarser from one
// level to the next: 64 buckets of 1 jiffy for timers due within 63
// jiffies, of 8 jiffies up to 504, of 64 up to 4032, and so on. A timer
// fires at the end of its bucket, never early: the expiry is rounded up to
// the next multiple of its level's granularity above it (calc_index).
// At HZ=250 that is 4 ms below 252 ms, 32 ms up to about 2 s, 256 ms up
// to about 16 s, 2 s up to about 2 min, 131 s up to about 17 min: a 1 s
// RTO fires 4 to 32 ms late, and SYN retries land at 1.024, 2.048 and
// 3.072 s. The jiffies count from the start of the run, so the rounding is
// deterministic; the base clock is taken to be current (forward_timer_base).

// The timer wheel's shape (LVL_CLK_SHIFT, LVL_BITS, LVL_DEPTH).
const (
	wheelLevelShift = 3 // each level is 8 times coarser
	wheelLevelBits  = 6 // 64 buckets per level
)

// wheelLevelStart is LVL_START(n): the first delay, in jiffies, that level
// n holds.
func wheelLevelStart(n int) int64 {
	return (1<<wheelLevelBits - 1) << ((n - 1) * wheelLevelShift)
}

// wheelExpiry returns when a timer armed at now for at fires on a timer
// wheel ticking hz times a second (calc_wheel_index, calc_index).
func wheelExpiry(now, at sim.Time, hz int) sim.Time {
	tick := int64(time.Second) / int64(hz)
	depth := 9 // LVL_DEPTH for HZ > 100
	if hz <= 100 {
		depth = 8
	}
	jnow := int64(now) / tick
	delta := max(int64(at-now), 0)
	delta = (delta + tick - 1) / tick // whole jiffies, rounded up
	if cutoff := wheelLevelStart(depth); delta >= cutoff {
		// "Force expire obscene large timeouts to expire at the capacity
		// limit of the wheel" (WHEEL_TIMEOUT_MAX).
		delta = cutoff - 1<<((depth-1)*wheelLevelShift)
	}
	lvl := 0
	for lvl < depth-1 && delta >= wheelLevelStart(lvl+1) {
		lvl++
	}
	shift := lvl * wheelLevelShift
	bucket := ((jnow+delta)>>shift + 1) << shift
	return sim.Time(bucket * tick)
}
