package sim

import (
	"errors"
	"fmt"
)

// ErrBudget is returned by [Engine.Run] when a run fires more events than its budget.
var ErrBudget = errors.New("event budget exhausted")

// Engine runs events in (time, insertion sequence) order on one goroutine.
// The zero value is not usable; call [NewEngine].
type Engine struct {
	now    Time
	seq    uint64
	fired  uint64
	budget uint64
	queue  []*Timer // binary min-heap ordered by (at, seq)
}

// NewEngine returns an engine at time 0 that fires at most budget events per
// [Engine.Run] call (0 means no limit; callers should always set one).
func NewEngine(budget uint64) *Engine {
	return &Engine{budget: budget, queue: make([]*Timer, 0, 64)}
}

// Now returns the current virtual time.
func (e *Engine) Now() Time { return e.now }

// Fired returns how many events have fired since the engine was made.
func (e *Engine) Fired() uint64 { return e.fired }

// Pending returns how many timers are scheduled.
func (e *Engine) Pending() int { return len(e.queue) }

// Timer is a reusable event: a callback that fires at most once per arming.
// Arm it with [Timer.Reset]; disarm it with [Timer.Stop]. A Timer belongs to
// one engine; its methods allocate nothing.
type Timer struct {
	e   *Engine
	f   func(now Time)
	at  Time
	seq uint64
	idx int // position in e.queue, or -1 when not scheduled
}

// NewTimer returns an unarmed timer that calls f when it fires.
func (e *Engine) NewTimer(f func(now Time)) *Timer {
	return &Timer{e: e, f: f, idx: -1}
}

// Init prepares a Timer embedded in a caller's struct, avoiding an allocation.
func (t *Timer) Init(e *Engine, f func(now Time)) {
	*t = Timer{e: e, f: f, idx: -1}
}

// Pending reports whether the timer is armed.
func (t *Timer) Pending() bool { return t.idx >= 0 }

// When returns the instant the timer fires, or Never when it is not armed.
func (t *Timer) When() Time {
	if t.idx < 0 {
		return Never
	}
	return t.at
}

// Reset arms the timer to fire at the given instant, replacing any earlier
// arming. An instant in the past fires at the current time, after the events
// already due then. Reset(Never) is the same as Stop.
func (t *Timer) Reset(at Time) {
	if at == Never {
		t.Stop()
		return
	}
	e := t.e
	if at < e.now {
		at = e.now
	}
	t.at = at
	e.seq++
	t.seq = e.seq
	if t.idx >= 0 {
		e.fix(t.idx)
		return
	}
	t.idx = len(e.queue)
	e.queue = append(e.queue, t)
	e.up(t.idx)
}

// Stop disarms the timer and reports whether it was armed. Stopping an
// unarmed timer is safe and returns false, like [time.Timer.Stop].
func (t *Timer) Stop() bool {
	if t.idx < 0 {
		return false
	}
	t.e.remove(t.idx)
	return true
}

// After schedules a one-off call of f after d. It allocates a Timer; hot
// paths should keep their own timers and use [Timer.Reset].
func (e *Engine) After(d Duration, f func(now Time)) *Timer {
	t := e.NewTimer(f)
	t.Reset(e.now.Add(d))
	return t
}

// Step fires the earliest event, if any is due at or before limit, and
// reports whether it fired one.
func (e *Engine) Step(limit Time) bool {
	if len(e.queue) == 0 {
		return false
	}
	t := e.queue[0]
	if t.at > limit {
		return false
	}
	e.remove(0)
	e.now = t.at
	e.fired++
	t.f(e.now)
	return true
}

// Run fires events in order until none is left or the next is later than
// end; the clock then stands at the last event fired. It returns an error
// wrapping [ErrBudget] when more than the budget fire in this call.
func (e *Engine) Run(end Time) error {
	var n uint64
	for e.Step(end) {
		n++
		if e.budget > 0 && n >= e.budget && e.hasDue(end) {
			return fmt.Errorf("%w: %d events fired by %v and more are due", ErrBudget, n, e.now)
		}
	}
	return nil
}

// AdvanceTo moves the clock forward to t when no event is due before it.
// It is used to stop a run's clock at its end time.
func (e *Engine) AdvanceTo(t Time) {
	if t > e.now && !e.hasDue(t-1) {
		e.now = t
	}
}

func (e *Engine) hasDue(limit Time) bool { return len(e.queue) > 0 && e.queue[0].at <= limit }

func (e *Engine) less(i, j int) bool {
	a, b := e.queue[i], e.queue[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (e *Engine) swap(i, j int) {
	q := e.queue
	q[i], q[j] = q[j], q[i]
	q[i].idx = i
	q[j].idx = j
}

func (e *Engine) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !e.less(j, i) {
			break
		}
		e.swap(i, j)
		j = i
	}
}

func (e *Engine) down(i int) bool {
	i0 := i
	n := len(e.queue)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		j := l
		if r := l + 1; r < n && e.less(r, l) {
			j = r
		}
		if !e.less(j, i) {
			break
		}
		e.swap(i, j)
		i = j
	}
	return i > i0
}

func (e *Engine) fix(i int) {
	if !e.down(i) {
		e.up(i)
	}
}

func (e *Engine) remove(i int) {
	q := e.queue
	n := len(q) - 1
	t := q[i]
	if i != n {
		e.swap(i, n)
	}
	q[n] = nil
	e.queue = q[:n]
	if i != n {
		e.fix(i)
	}
	t.idx = -1
}
