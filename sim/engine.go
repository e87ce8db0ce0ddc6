package sim

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
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
	armed  int // how many timers are armed: Pending
	// queue is a 4-ary min-heap of slots ordered by (at, seq). Each slot
	// holds its sort key beside the timer, so sifting compares without
	// dereferencing timers; a 4-ary heap is half as deep as a binary one.
	// Past its length, up to its capacity (at least padding more), it
	// holds unused slots that sort after every timer, so a node's four
	// children can always be compared at once.
	//
	// A timer has at most one slot, and an armed timer has one no later
	// than its own (at, seq). The slot is live when its seq is the timer's:
	// it is where the timer fires. Otherwise it is stale: since it was put
	// there the timer was stopped, or re-armed for a later instant (every
	// ACK restarts a retransmission timer). Moving a slot later costs a
	// sift down, so Stop and a later Reset leave it where it is and only
	// write the timer; when a stale slot reaches the root, settle pops it
	// or sinks it to the timer's (at, seq), without firing anything (a
	// timer's slot at the root sinks at once when it is re-armed). Every
	// other slot is no earlier than the root, so the first live root is the
	// earliest armed timer, and events fire in exactly the order an eager
	// heap gives.
	queue []slot
}

// slot is a timer's place in the queue, with its sort key.
type slot struct {
	at  Time
	seq uint64
	t   *Timer
}

// unused returns the slot that fills the queue past its length: it sorts
// after every timer's slot (a timer is never armed for Never).
func unused() slot { return slot{at: Never, seq: math.MaxUint64} }

// padding is how many unused slots the queue keeps past its length: the
// last slot's children start at most three places after it.
const padding = 3

// before reports whether a fires before b.
func (a *slot) before(b *slot) bool { return a.earlier(b) != 0 }

// earlier is before as 1 or 0, computed without branches: which child of a
// heap node is earliest is a coin toss the branch predictor would lose half
// the time. (at, seq) is compared as one 128-bit number, by the borrow of
// a subtraction (SUB, SBB): at is never negative in the queue, since no
// timer is armed before now, so unsigned order is the order of instants.
func (a *slot) earlier(b *slot) uint64 {
	_, borrow := bits.Sub64(a.seq, b.seq, 0)
	_, borrow = bits.Sub64(uint64(a.at), uint64(b.at), borrow)
	return borrow
}

// NewEngine returns an engine at time 0 that fires at most budget events per
// [Engine.Run] call (0 means no limit; callers should always set one).
func NewEngine(budget uint64) *Engine {
	e := &Engine{budget: budget}
	e.grow(64)
	return e
}

// Now returns the current virtual time.
func (e *Engine) Now() Time { return e.now }

// Fired returns how many events have fired since the engine was made.
func (e *Engine) Fired() uint64 { return e.fired }

// Pending returns how many timers are scheduled.
func (e *Engine) Pending() int { return e.armed }

// Next returns the instant of the earliest armed timer, or Never when none
// is armed. A driver that runs the engine in step with another clock (a
// relay of real packets) sleeps until then.
func (e *Engine) Next() Time {
	s := e.top()
	if s == nil {
		return Never
	}
	return s.at
}

// Timer is a reusable event: a callback that fires at most once per arming.
// Arm it with [Timer.Reset]; disarm it with [Timer.Stop]. A Timer belongs to
// one engine; its methods allocate nothing. A zero or nil Timer is unarmed:
// Pending, When and Stop are safe on it, but it must be made with
// [Engine.NewTimer] or [Timer.Init] before Reset.
type Timer struct {
	e   *Engine
	f   func(now Time)
	at  Time   // when it fires, if armed
	seq uint64 // the engine's sequence number at the Reset that armed it; 0 when unarmed
	pos int    // 1 + position of its slot in e.queue, or 0 when it has none
}

// NewTimer returns an unarmed timer that calls f when it fires.
func (e *Engine) NewTimer(f func(now Time)) *Timer {
	return &Timer{e: e, f: f}
}

// Init prepares a Timer embedded in a caller's struct, avoiding an allocation.
// The timer must not be armed.
func (t *Timer) Init(e *Engine, f func(now Time)) {
	if t.seq != 0 {
		panic("sim: Init of an armed timer")
	}
	if t.pos != 0 {
		t.e.remove(t.pos - 1) // a stale slot, left by Stop
	}
	*t = Timer{e: e, f: f}
}

// Pending reports whether the timer is armed.
func (t *Timer) Pending() bool { return t != nil && t.seq != 0 }

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
	at = max(at, e.now)
	if t.seq == 0 {
		e.armed++
	}
	e.seq++
	t.at, t.seq = at, e.seq
	s := slot{at: at, seq: e.seq, t: t}
	switch i := t.pos - 1; {
	case i == 0:
		// At the root, as a timer re-armed by its own callback is (a
		// link's arrival timer, for every packet): it sinks now, so that
		// the root stays live for Step.
		e.down(0, s)
	case i < 0:
		e.push(s)
	case at < e.queue[i].at:
		e.up(i, s)
	}
	// Otherwise (at the slot's instant or later, hence later in sequence)
	// the slot stays, stale, until it reaches the root.
}

// Stop disarms the timer and reports whether it was armed. Stopping an
// unarmed timer is safe and returns false, like [time.Timer.Stop].
func (t *Timer) Stop() bool {
	if !t.Pending() {
		return false
	}
	t.seq = 0
	e := t.e
	e.armed--
	// Its slot stays, stale, for Step to pop, unless the slots of stopped
	// timers would outnumber the armed timers by more than stoppedSlack:
	// timers stopped for good do not pile up in the queue until their old
	// instants.
	if len(e.queue) > 2*e.armed+stoppedSlack {
		e.remove(t.pos - 1)
	}
	return true
}

// stoppedSlack is how many more slots of stopped timers than armed timers
// the queue may hold.
const stoppedSlack = 8

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
	q := e.queue
	if len(q) == 0 || q[0].seq != q[0].t.seq {
		if e.settle() == nil {
			return false
		}
		q = e.queue
	}
	s := &q[0]
	if s.at > limit {
		return false
	}
	// The timer is unarmed during its callback; its slot stays at the
	// root, stale, for the next Step to pop, unless the callback re-arms
	// the timer (Reset sinks it then).
	t := s.t
	t.seq = 0
	e.armed--
	e.now = s.at
	e.fired++
	t.f(s.at)
	return true
}

// top returns the root slot once it is live, the earliest armed timer's, or
// nil when no timer is armed.
func (e *Engine) top() *slot {
	if q := e.queue; len(q) > 0 && q[0].seq == q[0].t.seq {
		return &q[0]
	}
	return e.settle()
}

// settle is top when the root is stale: it pops the slots of stopped timers
// that reach the root and sinks those of re-armed timers to their place.
func (e *Engine) settle() *slot {
	for len(e.queue) > 0 {
		s := &e.queue[0]
		t := s.t
		if s.seq == t.seq {
			return s
		}
		if t.seq == 0 {
			e.pop()
		} else {
			e.down(0, slot{at: t.at, seq: t.seq, t: t})
		}
	}
	return nil
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
		if n == e.budget && e.hasDue(end) {
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
	s := e.top()
	return s != nil && s.at <= limit
}

// grow makes room for at least n slots and their padding.
func (e *Engine) grow(n int) {
	q := make([]slot, max(n, 2*cap(e.queue))+padding)
	copy(q, e.queue)
	for i := len(e.queue); i < len(q); i++ {
		q[i] = unused()
	}
	e.queue = q[:len(e.queue)]
}

// push adds s to the queue.
func (e *Engine) push(s slot) {
	n := len(e.queue)
	if n+1+padding > cap(e.queue) {
		e.grow(n + 1)
	}
	e.queue = e.queue[:n+1]
	e.up(n, s)
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
	q := e.queue
	for {
		c := 4*i + 1
		if c >= len(q) {
			break
		}
		ch := (*[4]slot)(q[c : c+4 : c+4])
		// earliestOf, written out here (the compiler would not inline it).
		m0 := int(ch[1].earlier(&ch[0]))
		m1 := 2 + int(ch[3].earlier(&ch[2]))
		m := m0 ^ ((m0 ^ m1) & -int(ch[m1&3].earlier(&ch[m0&3])))
		if !ch[m].before(&s) {
			break
		}
		q[i] = ch[m]
		q[i].t.pos = i + 1
		i = c + m
	}
	q[i] = s
	s.t.pos = i + 1
}

// pop removes the root slot. It moves the hole at the root down to a
// leaf along the earliest children, then sifts the last slot up from there
// (Floyd's variant): the last slot is late, so it rarely climbs, and the
// descent saves a comparison per level.
func (e *Engine) pop() {
	q := e.queue
	n := len(q) - 1
	q[0].t.pos = 0
	last := q[n]
	q[n] = unused()
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
// or -1 when i is a leaf. The children past the queue's length are the
// unused slots of its padding, which lose every comparison: the four are
// compared in a tournament without branches (see before).
func (e *Engine) earliestChild(i int) int {
	q := e.queue
	c := 4*i + 1
	if c >= len(q) {
		return -1
	}
	return c + earliestOf((*[4]slot)(q[c:c+4:c+4]))
}

// earliestOf returns the index of the earliest of a node's four children, in
// a tournament without branches (see earlier).
func earliestOf(ch *[4]slot) int {
	m0 := int(ch[1].earlier(&ch[0]))     // 0 or 1
	m1 := 2 + int(ch[3].earlier(&ch[2])) // 2 or 3
	return m0 ^ ((m0 ^ m1) & -int(ch[m1&3].earlier(&ch[m0&3])))
}

// remove takes the slot at position i out of the queue.
func (e *Engine) remove(i int) {
	q := e.queue
	n := len(q) - 1
	q[i].t.pos = 0
	last := q[n]
	q[n] = unused()
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
