package kernel

import (
	"slices"
	"sync"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// recorder is the one way records reach the run's sink: from the relay and
// from the applications' goroutines. It serializes them and puts them in
// the order of their times: each is stamped when it happened (a packet
// when the relay read it, an application's call when it returned), but two
// goroutines may hand theirs over in the other order. So it holds records
// back for reorderWindow of run time and hands them on sorted by time
// (ties in the order they came); one that comes later still is moved to
// the time of the record before it, so that times never go back. After
// close it drops what still comes.
type recorder struct {
	start time.Time

	mu      sync.Mutex
	sink    trace.Sink
	pending []trace.Record // held back, sorted by T; they own their packets
	newest  sim.Time       // the latest time recorded
	last    sim.Time       // the time of the last record handed on
	closed  bool
}

// reorderWindow is how long the recorder holds a record back: far more
// than the goroutines of a run take to hand one over.
const reorderWindow = sim.Time(50 * time.Millisecond)

func newRecorder(start time.Time, sink trace.Sink) *recorder {
	if sink == nil {
		sink = trace.Discard
	}
	return &recorder{start: start, sink: sink}
}

// now returns the run's time: the wall time since the start.
func (r *recorder) now() sim.Time { return sim.Time(time.Since(r.start)) }

// wall returns the wall-clock instant of run time t.
func (r *recorder) wall(t sim.Time) time.Time { return r.start.Add(time.Duration(t)) }

// record takes a copy of rec, to be handed on in order.
func (r *recorder) record(rec *trace.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	k := rec.Keep()
	i := len(r.pending)
	for i > 0 && r.pending[i-1].T > k.T {
		i--
	}
	r.pending = slices.Insert(r.pending, i, k)
	r.newest = max(r.newest, k.T)
	r.flush(r.newest - reorderWindow)
}

// flush hands on the records held back up to time t.
func (r *recorder) flush(t sim.Time) {
	n := 0
	for ; n < len(r.pending) && r.pending[n].T <= t; n++ {
		k := &r.pending[n]
		k.T = max(k.T, r.last)
		r.last = k.T
		r.sink.Record(k)
	}
	r.pending = slices.Delete(r.pending, 0, n)
}

// close hands on every record held back, writes the end record at t (or
// at the last record's time, if later) and drops every record after it. It
// returns the end record's time.
func (r *recorder) close(t sim.Time, why trace.EndReason) sim.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return r.last
	}
	r.flush(sim.Never)
	t = max(t, r.last)
	r.sink.Record(&trace.Record{T: t, Kind: trace.KindEnd, End: why})
	r.closed, r.last = true, t
	return t
}
