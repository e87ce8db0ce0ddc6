package sim

import (
	"testing"
	"time"
)

// benchPending is how many timers stay armed during the benchmarks: roughly
// the queue of a busy scenario (a few endpoints' timers plus every packet in
// flight on a long fat link).
const benchPending = 1000

// benchDeltas is a precomputed table of re-arm intervals, so the benchmarks
// measure the engine and not a random number generator. The values spread
// re-armed timers across the queue instead of always appending at its end.
var benchDeltas = func() [4096]Duration {
	var d [4096]Duration
	r := NewRand(1, "bench")
	for i := range d {
		d[i] = Duration(1 + r.Int64N(int64(10*time.Millisecond)))
	}
	return d
}()

// BenchmarkScheduleFire measures the steady state of a run: each op fires the
// earliest of benchPending timers, whose callback re-arms it.
func BenchmarkScheduleFire(b *testing.B) { benchScheduleFire(b, benchPending) }

// runPending is how many timers a two-host run really has pending: each
// host's poll timer and each link's arrival timer (an application's own
// timers come and go).
const runPending = 4

// BenchmarkScheduleFire_4 is BenchmarkScheduleFire with the handful of
// timers a run really has pending (runPending): the engine's floor per
// packet, since a bulk transfer fires about one event per packet.
func BenchmarkScheduleFire_4(b *testing.B) { benchScheduleFire(b, runPending) }

func benchScheduleFire(b *testing.B, pending int) {
	e := NewEngine(0)
	k := 0
	timers := make([]Timer, pending)
	for i := range timers {
		t := &timers[i]
		t.Init(e, func(now Time) {
			k++
			t.Reset(now.Add(benchDeltas[k%len(benchDeltas)]))
		})
		t.Reset(Time(benchDeltas[i%len(benchDeltas)]))
	}
	stepAll(b, e)
	if e.Pending() != pending {
		b.Fatalf("Pending() = %d, want %d", e.Pending(), pending)
	}
}

// BenchmarkScheduleCancel measures arming a timer and cancelling another
// one, as TCP does when an ACK arrives: each op arms one timer of a ring of
// benchPending and stops the next, which was armed benchPending-1 ops ago and
// sits anywhere in the queue.
func BenchmarkScheduleCancel(b *testing.B) {
	e := NewEngine(0)
	ring := make([]Timer, benchPending)
	for i := range ring {
		ring[i].Init(e, func(Time) { b.Fatal("a cancelled timer fired") })
		if i > 0 {
			ring[i].Reset(Time(benchDeltas[i%len(benchDeltas)]))
		}
	}
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		i := k % benchPending
		k++
		ring[i].Reset(e.Now().Add(benchDeltas[k%len(benchDeltas)]))
		if !ring[(i+1)%benchPending].Stop() {
			b.Fatal("Stop() = false for an armed timer")
		}
	}
	b.ReportMetric(float64(k)/b.Elapsed().Seconds(), "events/s")
	if e.Pending() != benchPending-1 {
		b.Fatalf("Pending() = %d, want %d", e.Pending(), benchPending-1)
	}
}

// BenchmarkScheduleFire_Postpone is BenchmarkScheduleFire_4 with a
// retransmission timer beside the runPending timers that every event
// restarts later, as each ACK does (RFC 6298 (5.3)), and a delayed-ACK
// timer that every other event stops and the next re-arms: the timer
// traffic of a bulk transfer.
func BenchmarkScheduleFire_Postpone(b *testing.B) {
	e := NewEngine(0)
	k := 0
	rto := e.NewTimer(func(Time) { b.Fatal("the retransmission timer fired") })
	delack := e.NewTimer(func(Time) { b.Fatal("the delayed-ACK timer fired") })
	timers := make([]Timer, runPending)
	for i := range timers {
		t := &timers[i]
		t.Init(e, func(now Time) {
			k++
			t.Reset(now.Add(benchDeltas[k%len(benchDeltas)]))
			rto.Reset(now.Add(time.Second))
			if k%2 == 0 {
				delack.Reset(now.Add(200 * time.Millisecond))
			} else {
				delack.Stop()
			}
		})
		t.Reset(Time(benchDeltas[i%len(benchDeltas)]))
	}
	stepAll(b, e)
	want := runPending + 1 // and the retransmission timer
	if k%2 == 0 {
		want++ // and the delayed-ACK timer
	}
	if e.Pending() != want {
		b.Fatalf("Pending() = %d, want %d", e.Pending(), want)
	}
}

// stepAll fires one event per iteration and reports the events per second.
func stepAll(b *testing.B, e *Engine) {
	b.Helper()
	b.ReportAllocs()
	start := e.Fired()
	for b.Loop() {
		e.Step(Never)
	}
	b.ReportMetric(float64(e.Fired()-start)/b.Elapsed().Seconds(), "events/s")
}
