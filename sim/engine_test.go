package sim

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

func ms(n int64) Time { return At(time.Duration(n) * time.Millisecond) }

// recorder collects the names of fired timers with the time they fired at.
type recorder struct{ got []string }

func (r *recorder) timer(e *Engine, name string) *Timer {
	return e.NewTimer(func(now Time) { r.got = append(r.got, fmt.Sprintf("%s@%v", name, now)) })
}

func (r *recorder) expect(t *testing.T, want ...string) {
	t.Helper()
	if !slices.Equal(r.got, want) {
		t.Fatalf("fired %q, want %q", r.got, want)
	}
	r.got = r.got[:0]
}

func TestEngine_FiresInTimeThenInsertionOrder(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	r.timer(e, "c").Reset(ms(20))
	r.timer(e, "a").Reset(ms(10))
	r.timer(e, "d").Reset(ms(20))
	r.timer(e, "b").Reset(ms(10))
	r.timer(e, "e").Reset(ms(20))
	r.timer(e, "z").Reset(0)
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "z@0.000s", "a@0.010s", "b@0.010s", "c@0.020s", "d@0.020s", "e@0.020s")
	if e.Now() != ms(20) || e.Fired() != 6 || e.Pending() != 0 {
		t.Errorf("Now, Fired, Pending = %v, %d, %d; want 0.020s, 6, 0", e.Now(), e.Fired(), e.Pending())
	}
}

func TestEngine_EventsScheduledDuringAnEventAtTheSameTimeFireAfterIt(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	late := r.timer(e, "late")
	b := r.timer(e, "b")
	e.NewTimer(func(now Time) {
		r.got = append(r.got, "a@"+now.String())
		late.Reset(now) // due now, but inserted after b
	}).Reset(ms(5))
	b.Reset(ms(5))
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "a@0.005s", "b@0.005s", "late@0.005s")
}

func TestTimer_ResetOfPendingTimerReorders(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	a := r.timer(e, "a")
	b := r.timer(e, "b")
	c := r.timer(e, "c")
	a.Reset(ms(10))
	b.Reset(ms(10))
	c.Reset(ms(30))
	a.Reset(ms(10)) // same instant, but now inserted after b
	c.Reset(ms(5))  // earlier
	if a.When() != ms(10) || c.When() != ms(5) || e.Pending() != 3 {
		t.Fatalf("When a, c = %v, %v; Pending %d", a.When(), c.When(), e.Pending())
	}
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "c@0.005s", "b@0.010s", "a@0.010s")
}

func TestTimer_ResetLaterMovesBehind(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	a := r.timer(e, "a")
	r.timer(e, "b").Reset(ms(20))
	a.Reset(ms(10))
	a.Reset(ms(30))
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "b@0.020s", "a@0.030s")
}

func TestTimer_Stop(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	a := r.timer(e, "a")
	if a.Stop() {
		t.Error("Stop of a new timer = true, want false")
	}
	a.Reset(ms(10))
	if !a.Pending() {
		t.Error("Pending() = false after Reset")
	}
	if !a.Stop() {
		t.Error("Stop of an armed timer = false, want true")
	}
	if a.Stop() {
		t.Error("second Stop = true, want false")
	}
	if a.Pending() || a.When() != Never || e.Pending() != 0 {
		t.Errorf("after Stop: Pending %v, When %v, engine Pending %d", a.Pending(), a.When(), e.Pending())
	}
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t)
	if e.Now() != 0 {
		t.Errorf("Now() = %v after a run with nothing to fire, want 0", e.Now())
	}
}

func TestTimer_StopAfterFiringReturnsFalse(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	a := r.timer(e, "a")
	a.Reset(ms(1))
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "a@0.001s")
	if a.Pending() || a.Stop() {
		t.Error("a fired timer is still pending")
	}
}

func TestTimer_StopFromCallbacks(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	var self, other *Timer
	var stoppedSelf, stoppedOther bool
	self = e.NewTimer(func(now Time) {
		r.got = append(r.got, "self@"+now.String())
		stoppedSelf = self.Stop()
		stoppedOther = other.Stop()
	})
	other = r.timer(e, "other")
	self.Reset(ms(1))
	other.Reset(ms(1))
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "self@0.001s")
	if stoppedSelf || !stoppedOther {
		t.Errorf("Stop in callback: self %v (want false), other %v (want true)", stoppedSelf, stoppedOther)
	}
}

func TestTimer_ZeroAndNilAreSafeToStop(t *testing.T) {
	var z Timer
	if z.Pending() || z.When() != Never || z.Stop() {
		t.Errorf("zero Timer: Pending %v, When %v; want false, never", z.Pending(), z.When())
	}
	var n *Timer
	if n.Pending() || n.When() != Never || n.Stop() {
		t.Error("nil *Timer reports itself armed")
	}
}

func TestTimer_InitEmbedded(t *testing.T) {
	type conn struct {
		rto   Timer
		fires int
	}
	e := NewEngine(100)
	c := &conn{}
	c.rto.Init(e, func(Time) { c.fires++ })
	c.rto.Reset(ms(3))
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	if c.fires != 1 || e.Now() != ms(3) {
		t.Errorf("fires %d at %v, want 1 at 0.003s", c.fires, e.Now())
	}
}

func TestTimer_ResetToThePastFiresNowAfterDueEvents(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	past := r.timer(e, "past")
	e.NewTimer(func(now Time) {
		r.got = append(r.got, "a@"+now.String())
		past.Reset(ms(1))
		if past.When() != now {
			t.Errorf("When() = %v after Reset to the past, want now (%v)", past.When(), now)
		}
	}).Reset(ms(10))
	r.timer(e, "b").Reset(ms(10))
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "a@0.010s", "b@0.010s", "past@0.010s")
}

func TestTimer_ResetNeverStops(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	a := r.timer(e, "a")
	a.Reset(ms(10))
	a.Reset(Never)
	if a.Pending() || e.Pending() != 0 {
		t.Fatal("Reset(Never) left the timer armed")
	}
	a.Reset(Never) // unarmed: still fine
	// A saturated deadline is no deadline.
	a.Reset(ms(1).Add(time.Duration(Never)))
	if a.Pending() {
		t.Fatal("Reset(saturated Add) armed the timer")
	}
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t)
}

func TestEngine_After(t *testing.T) {
	e := NewEngine(100)
	var got []Time
	e.After(5*time.Millisecond, func(now Time) {
		got = append(got, now)
		e.After(-time.Second, func(now Time) { got = append(got, now) }) // the past: fires now
		e.After(0, func(now Time) { got = append(got, now) })
	})
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []Time{ms(5), ms(5), ms(5)}) {
		t.Errorf("fired at %v", got)
	}
}

func TestEngine_StepHonoursLimit(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	if e.Step(Never) {
		t.Fatal("Step on an empty engine fired something")
	}
	r.timer(e, "a").Reset(ms(10))
	if e.Step(ms(9)) {
		t.Fatal("Step(9ms) fired an event due at 10ms")
	}
	if !e.Step(ms(10)) {
		t.Fatal("Step(10ms) did not fire an event due at 10ms")
	}
	r.expect(t, "a@0.010s")
}

func TestEngine_RunStopsAtEnd(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	for i, at := range []int64{30, 10, 20, 21} {
		r.timer(e, fmt.Sprint(i)).Reset(ms(at))
	}
	if err := e.Run(ms(20)); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "1@0.010s", "2@0.020s") // an event exactly at end fires
	if e.Now() != ms(20) || e.Pending() != 2 {
		t.Fatalf("Now %v, Pending %d; want 0.020s, 2", e.Now(), e.Pending())
	}
	if err := e.Run(ms(25)); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "3@0.021s")
	if e.Now() != ms(21) {
		t.Errorf("Now() = %v, want the last event fired (0.021s)", e.Now())
	}
	e.AdvanceTo(ms(25))
	if e.Now() != ms(25) {
		t.Errorf("AdvanceTo(25ms): Now() = %v", e.Now())
	}
	e.AdvanceTo(ms(24)) // backwards: no effect
	if e.Now() != ms(25) {
		t.Errorf("AdvanceTo(24ms) moved the clock back to %v", e.Now())
	}
	e.AdvanceTo(ms(31)) // would skip the event at 30ms: no effect
	if e.Now() != ms(25) {
		t.Errorf("AdvanceTo(31ms) skipped a pending event: Now() = %v", e.Now())
	}
	e.AdvanceTo(ms(30)) // the event is not before 30ms
	if e.Now() != ms(30) {
		t.Errorf("AdvanceTo(30ms): Now() = %v", e.Now())
	}
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "0@0.030s")
}

func TestEngine_RunBeforeNowFiresNothing(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	e.AdvanceTo(ms(10))
	r.timer(e, "a").Reset(ms(10))
	if err := e.Run(ms(5)); err != nil {
		t.Fatal(err)
	}
	r.expect(t)
	if e.Now() != ms(10) || e.Pending() != 1 {
		t.Errorf("Now %v, Pending %d", e.Now(), e.Pending())
	}
}

func TestEngine_Budget(t *testing.T) {
	schedule := func(e *Engine, n int) {
		for i := range n {
			e.After(time.Duration(i)*time.Millisecond, func(Time) {})
		}
	}
	t.Run("exactly the budget", func(t *testing.T) {
		e := NewEngine(3)
		schedule(e, 3)
		if err := e.Run(Never); err != nil {
			t.Fatalf("Run = %v, want nil: the run ended exactly at the budget", err)
		}
		if e.Fired() != 3 {
			t.Errorf("Fired() = %d, want 3", e.Fired())
		}
	})
	t.Run("one more due", func(t *testing.T) {
		e := NewEngine(3)
		schedule(e, 4)
		err := e.Run(Never)
		if !errors.Is(err, ErrBudget) {
			t.Fatalf("Run = %v, want ErrBudget", err)
		}
		if e.Fired() != 3 || e.Pending() != 1 || e.Now() != ms(2) {
			t.Errorf("Fired %d, Pending %d, Now %v; want 3, 1, 0.002s", e.Fired(), e.Pending(), e.Now())
		}
		// The budget is per call: a second Run fires the rest.
		if err := e.Run(Never); err != nil {
			t.Errorf("second Run = %v", err)
		}
		if e.Fired() != 4 {
			t.Errorf("Fired() = %d, want 4", e.Fired())
		}
	})
	t.Run("more pending but after end", func(t *testing.T) {
		e := NewEngine(3)
		schedule(e, 4)
		if err := e.Run(ms(2)); err != nil {
			t.Fatalf("Run = %v, want nil: the fourth event is after end", err)
		}
	})
	t.Run("zero means no limit", func(t *testing.T) {
		e := NewEngine(0)
		schedule(e, 1000)
		if err := e.Run(Never); err != nil || e.Fired() != 1000 {
			t.Fatalf("Run = %v after %d events", err, e.Fired())
		}
	})
}

func TestEngine_BudgetStopsSelfReschedulingLoops(t *testing.T) {
	for _, d := range []time.Duration{0, time.Nanosecond, -time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			e := NewEngine(10_000)
			var tm *Timer
			tm = e.NewTimer(func(now Time) { tm.Reset(now.Add(d)) })
			tm.Reset(0)
			err := e.Run(Never)
			if !errors.Is(err, ErrBudget) {
				t.Fatalf("Run = %v, want ErrBudget", err)
			}
			if e.Fired() != 10_000 || !tm.Pending() {
				t.Errorf("Fired %d, Pending %v; want 10000, true", e.Fired(), tm.Pending())
			}
		})
	}
}

// TestEngine_MatchesReferenceModel drives the engine with random arms,
// postponements, stops, steps and budgeted runs, callbacks that re-arm
// themselves and arm and stop other timers included, and checks every
// firing, Pending, Next and When against a simple model: a list of
// (at, seq) searched on demand. With few timers the stale slots that Stop
// and later Resets leave reach the root all the time; with many they pile
// up in the heap.
func TestEngine_MatchesReferenceModel(t *testing.T) {
	for _, numTimers := range []int{1, 4, 64} {
		for seed := range uint64(50) {
			t.Run(fmt.Sprint(numTimers, "/", seed), func(t *testing.T) { checkAgainstModel(t, numTimers, seed) })
		}
	}
}

func checkAgainstModel(t *testing.T, numTimers int, seed uint64) {
	const budget = 5
	r := NewRand(seed, "model")
	e := NewEngine(budget)

	type entry struct {
		at  Time
		seq uint64
	}
	model := map[int]entry{} // armed timers
	var modelSeq uint64
	var modelNow Time
	arm := func(id int, at Time) {
		if at == Never {
			delete(model, id)
			return
		}
		modelSeq++
		model[id] = entry{max(at, modelNow), modelSeq}
	}
	modelNext := func() (int, bool) {
		best, ok := -1, false
		for id, en := range model {
			if !ok || en.at < model[best].at || en.at == model[best].at && en.seq < model[best].seq {
				best, ok = id, true
			}
		}
		return best, ok
	}
	randomAt := func() Time {
		switch r.IntN(8) {
		case 0:
			return Never
		case 1:
			return modelNow - Time(r.IntN(5)) // the past
		case 2:
			return modelNow
		}
		return modelNow + Time(r.IntN(20)) // many ties
	}
	timers := make([]*Timer, numTimers)
	// postpone re-arms an armed timer for its instant or later, as an ACK
	// restarts the retransmission timer, and stop stops a timer.
	postpone := func(id int) {
		if en, armed := model[id]; armed {
			at := en.at + Time(r.IntN(3)*r.IntN(10))
			timers[id].Reset(at)
			arm(id, at)
		}
	}
	stop := func(where string, id int) {
		_, armed := model[id]
		if got := timers[id].Stop(); got != armed {
			t.Fatalf("%s: Stop() of timer %d = %v, want %v", where, id, got, armed)
		}
		delete(model, id)
	}

	var fired []int
	for i := range timers {
		timers[i] = e.NewTimer(func(now Time) {
			want, ok := modelNext()
			if !ok || want != i || model[want].at != now {
				t.Fatalf("timer %d fired at %v; want %d at %v (armed %v)", i, now, want, model[want].at, ok)
			}
			if timers[i].Pending() || timers[i].When() != Never {
				t.Fatalf("timer %d is armed in its own callback", i)
			}
			modelNow = now
			delete(model, i)
			fired = append(fired, i)
			// Some callbacks re-arm their timer, as a link's arrival timer
			// does, or change others, as TCP does.
			switch r.IntN(6) {
			case 0:
				j, at := r.IntN(numTimers), randomAt()
				timers[j].Reset(at)
				arm(j, at)
			case 1:
				stop("callback", r.IntN(numTimers))
			case 2:
				postpone(r.IntN(numTimers))
			case 3, 4:
				at := now + Time(r.IntN(5))
				timers[i].Reset(at)
				arm(i, at)
			}
		})
	}

	maxArmed := 0
	for step := range 3000 {
		where := fmt.Sprint("step ", step)
		switch op := r.IntN(20); {
		case op < 7:
			id, at := r.IntN(numTimers), randomAt()
			timers[id].Reset(at)
			arm(id, at)
		case op < 10:
			postpone(r.IntN(numTimers))
		case op < 13:
			stop(where, r.IntN(numTimers))
		case op < 14:
			want := Never
			if id, ok := modelNext(); ok {
				want = model[id].at
			}
			if got := e.Next(); got != want {
				t.Fatalf("%s: Next() = %v, want %v", where, got, want)
			}
		case op < 18:
			limit := modelNow + Time(r.IntN(10))
			want, ok := modelNext()
			ok = ok && model[want].at <= limit
			fired = fired[:0]
			if got := e.Step(limit); got != ok {
				t.Fatalf("%s: Step(%v) = %v, want %v", where, limit, got, ok)
			}
			if ok && (len(fired) != 1 || fired[0] != want) {
				t.Fatalf("%s: fired %v, want [%d]", where, fired, want)
			}
		default:
			end := modelNow + Time(r.IntN(30))
			fired = fired[:0]
			err := e.Run(end)
			id, more := modelNext()
			more = more && model[id].at <= end
			if len(fired) > budget || (err != nil) != (len(fired) == budget && more) ||
				err != nil && !errors.Is(err, ErrBudget) || err == nil && more {
				t.Fatalf("%s: Run(%v) fired %d events, left more due %v, returned %v", where, end, len(fired), more, err)
			}
		}
		maxArmed = max(maxArmed, len(model))
		checkHeap(t, e, maxArmed)
		if e.Now() != modelNow || e.Pending() != len(model) {
			t.Fatalf("%s: Now %v, Pending %d; want %v, %d", where, e.Now(), e.Pending(), modelNow, len(model))
		}
		for id, tm := range timers {
			en, armed := model[id]
			if tm.Pending() != armed || armed && tm.When() != en.at || !armed && tm.When() != Never {
				t.Fatalf("%s: timer %d Pending %v When %v; want %v %v", where, id, tm.Pending(), tm.When(), armed, en.at)
			}
		}
	}
}

// checkHeap asserts the queue's invariants: every slot is no earlier than its
// parent nor than now, its timer knows where it is, and an armed timer has a
// slot no later than its own (at, seq), at its instant if the slot is live;
// the slots of stopped timers are bounded by the most timers ever armed at
// once; the padding past the queue's length is unused slots.
func checkHeap(t *testing.T, e *Engine, maxArmed int) {
	t.Helper()
	armed := 0
	for i := range e.queue {
		s := &e.queue[i]
		tm := s.t
		if tm.pos != i+1 {
			t.Fatalf("slot %d: timer pos %d", i, tm.pos)
		}
		if tm.seq != 0 {
			armed++
			if key := (slot{at: tm.at, seq: tm.seq}); key.before(s) || s.seq == tm.seq && s.at != tm.at {
				t.Fatalf("slot %d (%v, %d) is after its timer's (%v, %d)", i, s.at, s.seq, tm.at, tm.seq)
			}
		}
		if i > 0 && s.before(&e.queue[(i-1)/4]) {
			t.Fatalf("slot %d (%v, %d) is before its parent", i, s.at, s.seq)
		}
		if s.at < e.now {
			t.Fatalf("slot %d is in the past (%v < %v)", i, s.at, e.now)
		}
	}
	if pad := e.queue[len(e.queue):cap(e.queue)]; len(pad) < padding || slices.ContainsFunc(pad, func(s slot) bool { return s != unused() }) {
		t.Fatalf("the %d slots past the queue's %d are not %d or more unused ones", len(pad), len(e.queue), padding)
	}
	if armed != e.armed {
		t.Fatalf("%d timers in the queue are armed, Pending says %d", armed, e.armed)
	}
	if stale := len(e.queue) - armed; stale > maxArmed+stoppedSlack+1 {
		t.Fatalf("%d slots of stopped timers with at most %d timers armed", stale, maxArmed)
	}
}

func TestEngine_Next(t *testing.T) {
	e := NewEngine(100)
	if got := e.Next(); got != Never {
		t.Fatalf("empty engine: Next = %v, want never", got)
	}
	var r recorder
	a := r.timer(e, "a")
	a.Reset(ms(30))
	r.timer(e, "b").Reset(ms(20))
	if got := e.Next(); got != ms(20) {
		t.Fatalf("Next = %v, want 0.020s", got)
	}
	a.Reset(ms(5))
	if got := e.Next(); got != ms(5) {
		t.Fatalf("after Reset: Next = %v, want 0.005s", got)
	}
	a.Stop()
	if got := e.Next(); got != ms(20) {
		t.Fatalf("after Stop: Next = %v, want 0.020s", got)
	}
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	if got := e.Next(); got != Never {
		t.Fatalf("after Run: Next = %v, want never", got)
	}
}

// TestTimer_StoppedForGoodHoldsNoSlot checks that timers stopped for good
// (a one-off timeout cancelled when its answer comes) leave no pile of
// stale slots in the queue until their old instants.
func TestTimer_StoppedForGoodHoldsNoSlot(t *testing.T) {
	e := NewEngine(100)
	keep := e.NewTimer(func(Time) {})
	keep.Reset(ms(1))
	for i := range 1000 {
		tm := e.NewTimer(func(Time) { t.Fatal("a stopped timer fired") })
		tm.Reset(ms(int64(1000 + i)))
		if !tm.Stop() {
			t.Fatal("Stop() = false for an armed timer")
		}
		if len(e.queue) > 2+stoppedSlack {
			t.Fatalf("after %d timers armed and stopped, the queue holds %d slots for 1 armed timer", i+1, len(e.queue))
		}
	}
	if e.Pending() != 1 || e.Next() != ms(1) {
		t.Fatalf("Pending %d, Next %v; want 1, 0.001s", e.Pending(), e.Next())
	}
	if err := e.Run(Never); err != nil || e.Fired() != 1 || e.Now() != ms(1) || len(e.queue) != 0 {
		t.Fatalf("Run = %v: fired %d by %v, %d slots left", err, e.Fired(), e.Now(), len(e.queue))
	}
}

// TestTimer_StopAndRearmWithAStaleSlot follows one timer through stops and
// re-arms while the slot of its first arming stays in the queue, and checks
// that it fires once, at its last arming, after the timers reset before it
// for that instant.
func TestTimer_StopAndRearmWithAStaleSlot(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	a := r.timer(e, "a")
	b := r.timer(e, "b")
	c := r.timer(e, "c")
	a.Reset(ms(10))
	b.Reset(ms(20))
	a.Stop()        // a's slot at 10 ms stays
	a.Reset(ms(15)) // later than the slot: recorded on the timer
	a.Stop()
	c.Reset(ms(30))
	a.Reset(ms(30)) // after c at 30 ms
	if e.Pending() != 3 || a.When() != ms(30) || e.Next() != ms(20) {
		t.Fatalf("Pending %d, a.When %v, Next %v; want 3, 0.030s, 0.020s", e.Pending(), a.When(), e.Next())
	}
	a.Reset(ms(5)) // earlier than the slot: a rises
	a.Reset(ms(30))
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "b@0.020s", "c@0.030s", "a@0.030s")
	if e.Fired() != 3 || e.Pending() != 0 || len(e.queue) != 0 {
		t.Fatalf("Fired %d, Pending %d, %d slots left; want 3, 0, 0", e.Fired(), e.Pending(), len(e.queue))
	}
}

// TestTimer_InitAfterStop re-initialises a stopped timer whose slot is still
// in the queue: the slot goes with the old arming.
func TestTimer_InitAfterStop(t *testing.T) {
	e := NewEngine(100)
	var r recorder
	r.timer(e, "b").Reset(ms(20))
	var a Timer
	a.Init(e, func(Time) { t.Fatal("the first arming fired") })
	a.Reset(ms(10))
	a.Stop()
	a.Init(e, func(now Time) { r.got = append(r.got, "a@"+now.String()) })
	checkHeap(t, e, 2)
	a.Reset(ms(30))
	if err := e.Run(Never); err != nil {
		t.Fatal(err)
	}
	r.expect(t, "b@0.020s", "a@0.030s")
	if e.Pending() != 0 || len(e.queue) != 0 {
		t.Fatalf("Pending %d, %d slots left; want 0, 0", e.Pending(), len(e.queue))
	}
}

// TestSlot_EarlierIsTheOrderOfInstantsThenSequence checks the branch-free
// comparison against its definition over edge values of the queue: instants
// from 0 to Never (none is negative), sequence numbers to the largest, and
// the padding's unused slot.
func TestSlot_EarlierIsTheOrderOfInstantsThenSequence(t *testing.T) {
	ats := []Time{0, 1, 2, 1 << 32, 1<<62 + 5, Never - 1, Never}
	seqs := []uint64{0, 1, 2, 1 << 32, 1<<63 - 1, 1 << 63, math.MaxUint64 - 1, math.MaxUint64}
	var slots []slot
	for _, at := range ats {
		for _, seq := range seqs {
			slots = append(slots, slot{at: at, seq: seq})
		}
	}
	slots = append(slots, unused())
	for _, a := range slots {
		for _, b := range slots {
			want := a.at < b.at || a.at == b.at && a.seq < b.seq
			if got := a.earlier(&b); got != b2i(want) || a.before(&b) != want {
				t.Errorf("(%d, %d) earlier than (%d, %d) = %d, want %v", a.at, a.seq, b.at, b.seq, got, want)
			}
		}
	}
}

func b2i(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
