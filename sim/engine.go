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
	// queue is a 4-ary min-heap ordered by (at, seq). Each slot holds its
	// sort key beside the timer, so sifting compares without dereferencing
	// timers; a 4-ary heap is half as deep as a binary one.
	queue []slot
	// firing is the timer whose callback Step is running, while its slot
	// stays at the root of the queue. No slot can go above it: every other
	// is later in (at, seq). If the callback re-arms the timer, Reset puts
	// it back in place of that slot with one sift down, instead of a pop
	// and a push (a link's arrival timer does this for every packet);
	// otherwise settle pops it.
	firing *Timer
}

// slot is one armed timer in the queue, with its sort key.
type slot struct {
	at  Time
	seq uint64
	t   *Timer
}

// before reports whether a fires before b. It is written without branches
// (the compiler emits SETcc and CMOV): which child of a heap node is earliest
// is a coin toss the branch predictor would lose half the time.
func (a *slot) before(b *slot) bool {
	return b2u(a.at < b.at)|(b2u(a.at == b.at)&b2u(a.seq < b.seq)) != 0
}

func b2u(b bool) uint8 {
	var u uint8
	if b {
		u = 1
	}
	return u
}

// NewEngine returns an engine at time 0 that fires at most budget events per
// [Engine.Run] call (0 means no limit; callers should always set one).
func NewEngine(budget uint64) *Engine {
	return &Engine{budget: budget, queue: make([]slot, 0, 64)}
}

// Now returns the current virtual time.
func (e *Engine) Now() Time { return e.now }

// Fired returns how many events have fired since the engine was made.
func (e *Engine) Fired() uint64 { return e.fired }

// Pending returns how many timers are scheduled.
func (e *Engine) Pending() int {
	e.settle()
	return len(e.queue)
}

// Next returns the instant of the earliest armed timer, or Never when none
// is armed. A driver that runs the engine in step with another clock (a
// relay of real packets) sleeps until then.
func (e *Engine) Next() Time {
	e.settle()
	if len(e.queue) == 0 {
		return Never
	}
	return e.queue[0].at
}

// Timer is a reusable event: a callback that fires at most once per arming.
// Arm it with [Timer.Reset]; disarm it with [Timer.Stop]. A Timer belongs to
// one engine; its methods allocate nothing. A zero or nil Timer is unarmed:
// Pending, When and Stop are safe on it, but it must be made with
// [Engine.NewTimer] or [Timer.Init] before Reset.
type Timer struct {
	e   *Engine
	f   func(now Time)
	at  Time
	pos int // 1 + position in e.queue, or 0 when not scheduled
}

// NewTimer returns an unarmed timer that calls f when it fires.
func (e *Engine) NewTimer(f func(now Time)) *Timer {
	return &Timer{e: e, f: f}
}

// Init prepares a Timer embedded in a caller's struct, avoiding an allocation.
// The timer must not be armed.
func (t *Timer) Init(e *Engine, f func(now Time)) {
	if t.pos != 0 {
		panic("sim: Init of an armed timer")
	}
	*t = Timer{e: e, f: f}
}

// Pending reports whether the timer is armed.
func (t *Timer) Pending() bool { return t != nil && t.pos != 0 }

// When returns the instant the timer fires, or Never when it is not armed.
func (t *Timer) When() Time {
	if !t.Pending() {
		return Never
	}
	return t.at
}

// Reset arms the timer to fire at the given instant, replacing any earlier
// arming. An instant in the past fires at the current time, after the events
// already due then. Every Reset counts as a new insertion: among timers due
// at the same instant, the one reset last fires last. Reset(Never) is the
// same as Stop.
func (t *Timer) Reset(at Time) {
	if at == Never {
		t.Stop()
		return
	}
	e := t.e
	if e == nil {
		panic("sim: Reset of a Timer made without NewTimer or Init")
	}
	if at < e.now {
		at = e.now
	}
	t.at = at
	e.seq++
	s := slot{at: at, seq: e.seq, t: t}
	if t.pos == 0 {
		if t == e.firing {
			// Re-armed by its own callback: it takes its old slot at
			// the root and sinks to its place.
			e.firing = nil
			e.down(0, s)
			return
		}
		e.queue = append(e.queue, s)
		e.up(len(e.queue)-1, s)
		return
	}
	// Already armed: move it from where it is.
	i := t.pos - 1
	if s.before(&e.queue[i]) {
		e.up(i, s)
	} else {
		e.down(i, s)
	}
}

// Stop disarms the timer and reports whether it was armed. Stopping an
// unarmed timer is safe and returns false, like [time.Timer.Stop].
func (t *Timer) Stop() bool {
	if !t.Pending() {
		return false
	}
	t.e.remove(t.pos - 1)
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
	e.settle()
	if len(e.queue) == 0 || e.queue[0].at > limit {
		return false
	}
	t := e.queue[0].t
	t.pos = 0 // fired: unarmed during its callback, its slot still at the root
	e.firing = t
	e.now = t.at
	e.fired++
	t.f(e.now)
	e.settle()
	return true
}

// settle pops the slot of the timer that fired last if its callback did
// not re-arm it.
func (e *Engine) settle() {
	if e.firing != nil {
		e.firing = nil
		e.pop()
	}
}

// Run fires events in order until none is left or the next is later than
// end; the clock then stands at the last event fired. It returns an error
// wrapping [ErrBudget] when the budget is spent and more events are due by
// end; a run that ends exactly at the budget is not an error. The budget
// counts the events of this call only.
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

func (e *Engine) hasDue(limit Time) bool {
	e.settle()
	return len(e.queue) > 0 && e.queue[0].at <= limit
}

// put stores s at position i and tells its timer where it is.
func (e *Engine) put(i int, s slot) {
	e.queue[i] = s
	s.t.pos = i + 1
}

// up places s at position i or above it, moving parents down into the hole.
func (e *Engine) up(i int, s slot) {
	q := e.queue
	for i > 0 {
		p := (i - 1) / 4
		if !s.before(&q[p]) {
			break
		}
		e.put(i, q[p])
		i = p
	}
	e.put(i, s)
}

// down places s at position i or below it, moving children up into the hole.
func (e *Engine) down(i int, s slot) {
	for {
		m := e.earliestChild(i)
		if m < 0 || !e.queue[m].before(&s) {
			break
		}
		e.put(i, e.queue[m])
		i = m
	}
	e.put(i, s)
}

// pop removes the earliest slot. It moves the hole at the root down to a
// leaf along the earliest children, then sifts the last slot up from there
// (Floyd's variant): the last slot is late, so it rarely climbs, and the
// descent saves a comparison per level.
func (e *Engine) pop() {
	q := e.queue
	n := len(q) - 1
	q[0].t.pos = 0
	last := q[n]
	q[n] = slot{}
	e.queue = q[:n]
	if n == 0 {
		return
	}
	i := 0
	for {
		m := e.earliestChild(i)
		if m < 0 {
			break
		}
		e.put(i, e.queue[m])
		i = m
	}
	e.up(i, last)
}

// earliestChild returns the position of the earliest child of position i,
// or -1 when i is a leaf.
func (e *Engine) earliestChild(i int) int {
	q := e.queue
	n := len(q)
	c := 4*i + 1
	if c+3 < n {
		// All four children exist: a tournament without branches (see before).
		ch := q[c : c+4 : c+4]
		m0 := choose(ch[1].before(&ch[0]), 1, 0)
		m1 := choose(ch[3].before(&ch[2]), 3, 2)
		return c + choose(ch[m1&3].before(&ch[m0&3]), m1, m0)
	}
	if c >= n {
		return -1
	}
	m := c
	for j := c + 1; j < n; j++ {
		if q[j].before(&q[m]) {
			m = j
		}
	}
	return m
}

// choose returns a if c, else b, without a branch.
func choose(c bool, a, b int) int {
	mask := -int(b2u(c))
	return b ^ ((a ^ b) & mask)
}

// remove takes the slot at position i out of the queue.
func (e *Engine) remove(i int) {
	q := e.queue
	n := len(q) - 1
	q[i].t.pos = 0
	last := q[n]
	q[n] = slot{}
	e.queue = q[:n]
	if i == n {
		return
	}
	if i > 0 && last.before(&q[(i-1)/4]) {
		e.up(i, last)
	} else {
		e.down(i, last)
	}
}
