package trace

import (
	"net/netip"
	"slices"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// Window keeps the records of one stretch of a run, From to To, and what an
// output drawn from that stretch needs from outside it, so that its memory
// grows with what is drawn, not with the run (a Log keeps everything):
//
//   - before From: the first run record, the node records, each side's
//     latest SYN (its ISN), the segments still in flight at From, the timers
//     still pending at From, each open connection's latest state change, and
//     the first segment to name each node;
//   - from From to To: every record, until Limit segments have been kept
//     (see Limit) or MaxWindowRecords records;
//   - after that: the deliveries and drops of the segments kept, the node
//     records and the first segment to name each node.
//
// Records returns them in trace order, so that an output reads them as it
// would read the whole trace. A Window reads every kind of record: feed it
// the run from its first record. Every map it holds before From is bounded
// by maxContext entries.
type Window struct {
	from, to sim.Time // to 0: to the end of the run
	limit    int
	counts   func(r *Record) bool

	log     Log
	seq     uint64 // the number of the next record in the trace
	started bool   // a record at or after From has come: the stretch began
	over    bool   // the stretch is over: past To, or cut
	n       int    // counted segments kept in the stretch
	kept    int    // records kept in the stretch
	cut     int    // index in log.Records of the record that ended the stretch early; -1 if none
	omitted int    // counted segments of the stretch from the cut on

	// Before From: candidates, each with its number in the trace.
	run      *seqRecord
	nodes    []seqRecord
	naming   []seqRecord            // sends that first named a node
	syns     map[sideKey]seqRecord  // the latest SYN of each side
	inFlight map[uint64]seqRecord   // sends not yet delivered or dropped
	timers   map[timerKey]seqRecord // timers set and still pending
	states   map[connKey]seqRecord  // the latest state change of each connection not CLOSED
	named    map[string]bool        // nodes a send has named
	wanted   map[uint64]struct{}    // packet IDs kept whose end is still to come
	scratch  []seqRecord
}

// MaxWindowRecords bounds the records a Window keeps from its stretch:
// reaching it ends the stretch as the segment limit does. A stretch of a
// few hundred segments holds a few thousand records.
const MaxWindowRecords = 1 << 15

// maxContext bounds each kind of record a Window keeps from before From
// (in-flight segments, pending timers, connections, sides, nodes): past
// it, new ones are left out.
const maxContext = 1 << 16

type seqRecord struct {
	seq uint64
	r   Record // owns its packet
}

type sideKey struct {
	node string
	ap   netip.AddrPort
}

type connKey struct {
	node string
	conn uint32
}

type timerKey struct {
	connKey
	timer Timer
}

// NewWindow returns a Window of the stretch from to to (to 0: to the end
// of the run). limit is how many segments of the stretch it keeps (0: no
// limit); counts says which send records count toward it (nil: all). The
// first segment past the limit ends the stretch: it is kept, as Cut says,
// and it and every later counted segment of the stretch are counted in
// Omitted.
func NewWindow(from, to sim.Time, limit int, counts func(r *Record) bool) *Window {
	return &Window{
		from: from, to: to, limit: limit, counts: counts, cut: -1,
		syns:     make(map[sideKey]seqRecord),
		inFlight: make(map[uint64]seqRecord),
		timers:   make(map[timerKey]seqRecord),
		states:   make(map[connKey]seqRecord),
		named:    make(map[string]bool),
		wanted:   make(map[uint64]struct{}),
	}
}

// Record keeps r if the stretch needs it.
func (w *Window) Record(r *Record) {
	seq := w.seq
	w.seq++
	if !w.started && r.T >= w.from {
		w.begin()
	}
	if w.started && !w.over && w.to != 0 && r.T > w.to {
		w.over = true
	}
	switch {
	case !w.started:
		w.before(seq, r)
	case !w.over:
		w.inside(r)
	default:
		w.after(r)
	}
}

// before remembers what the stretch may need of r, a record before From.
func (w *Window) before(seq uint64, r *Record) {
	switch r.Kind {
	case KindRun:
		if w.run == nil {
			w.run = &seqRecord{seq, r.Keep()}
		}
	case KindNode:
		if len(w.nodes) < maxContext {
			w.nodes = append(w.nodes, seqRecord{seq, r.Keep()})
		}
	case KindSend:
		if w.names(r) {
			w.naming = append(w.naming, seqRecord{seq, r.Keep()})
		}
		if r.Pkt.Seg.Flags.Has(wire.SYN) {
			k := sideKey{r.Node, r.Pkt.Seg.Src}
			if _, ok := w.syns[k]; ok || len(w.syns) < maxContext {
				w.syns[k] = seqRecord{seq, r.Keep()}
			}
		}
		if len(w.inFlight) < maxContext {
			w.inFlight[r.Pkt.ID] = seqRecord{seq, r.Keep()}
		}
	case KindDeliver, KindDrop:
		delete(w.inFlight, r.Pkt.ID)
	case KindTimer:
		k := timerKey{connKey{r.Node, r.Conn}, r.Timer}
		if r.TimerOp != TimerSet {
			delete(w.timers, k)
		} else if _, ok := w.timers[k]; ok || len(w.timers) < maxContext {
			w.timers[k] = seqRecord{seq, r.Keep()}
		}
	case KindState:
		k := connKey{r.Node, r.Conn}
		if r.To == StateClosed {
			delete(w.states, k)
		} else if _, ok := w.states[k]; ok || len(w.states) < maxContext {
			w.states[k] = seqRecord{seq, r.Keep()}
		}
	}
}

// names reports whether r is a send that names a node no send named
// before, and remembers the names.
func (w *Window) names(r *Record) bool {
	if w.named[r.Node] && w.named[r.Peer] || len(w.named) >= maxContext {
		return false
	}
	w.named[r.Node], w.named[r.Peer] = true, true
	return true
}

// begin starts the stretch: the records kept from before From go first, in
// trace order.
func (w *Window) begin() {
	w.started = true
	ctx := w.scratch[:0]
	if w.run != nil {
		ctx = append(ctx, *w.run)
	}
	ctx = append(ctx, w.nodes...)
	ctx = append(ctx, w.naming...)
	for _, s := range w.inFlight {
		ctx = append(ctx, s)
	}
	for _, s := range w.syns {
		ctx = append(ctx, s)
	}
	for _, s := range w.timers {
		ctx = append(ctx, s)
	}
	for _, s := range w.states {
		ctx = append(ctx, s)
	}
	// Sorted by their place in the trace, which also makes the order of
	// the maps' records repeatable; a record kept for two reasons (an
	// in-flight SYN) goes in once.
	slices.SortFunc(ctx, func(a, b seqRecord) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	for i := range ctx {
		if i > 0 && ctx[i].seq == ctx[i-1].seq {
			continue
		}
		w.log.Record(&ctx[i].r)
	}
	for id := range w.inFlight {
		w.wanted[id] = struct{}{}
	}
	w.run, w.nodes, w.naming, w.scratch = nil, nil, nil, nil
	w.syns, w.inFlight, w.timers, w.states = nil, nil, nil, nil
}

// inside keeps r, a record of the stretch, unless it goes past a limit.
func (w *Window) inside(r *Record) {
	counted := r.Kind == KindSend && (w.counts == nil || w.counts(r))
	if counted {
		w.n++
	}
	w.kept++
	if (counted && w.limit > 0 && w.n > w.limit) || w.kept > MaxWindowRecords {
		w.over = true
		w.cut = len(w.log.Records)
		if counted {
			w.omitted++
		}
	}
	w.keep(r)
}

// keep appends r and, for a send, waits for its end.
func (w *Window) keep(r *Record) {
	switch r.Kind {
	case KindSend:
		w.named[r.Node], w.named[r.Peer] = true, true
		w.wanted[r.Pkt.ID] = struct{}{}
	case KindDeliver, KindDrop:
		delete(w.wanted, r.Pkt.ID)
	}
	w.log.Record(r)
}

// after keeps what the stretch needs of r, a record past its end: the end
// of a segment kept, a node record or a send that names a new node. It
// counts the segments of a cut stretch.
func (w *Window) after(r *Record) {
	switch r.Kind {
	case KindSend:
		if w.cut >= 0 && (w.to == 0 || r.T <= w.to) && (w.counts == nil || w.counts(r)) {
			w.omitted++
		}
		if w.names(r) {
			w.log.Record(r)
		}
	case KindDeliver, KindDrop:
		if _, ok := w.wanted[r.Pkt.ID]; ok {
			delete(w.wanted, r.Pkt.ID)
			w.log.Record(r)
		}
	case KindNode:
		w.log.Record(r)
	}
}

// Records returns the records kept, in trace order. They belong to the
// Window: a caller must not change them.
func (w *Window) Records() []Record {
	if !w.started {
		w.begin() // the run ended before From: its context is all there is
	}
	return w.log.Records
}

// Cut returns the index in Records of the record that ended the stretch
// before its end (the first segment past the limit, or the record that
// reached MaxWindowRecords), or -1 when the stretch was kept whole.
func (w *Window) Cut() int { return w.cut }

// Omitted returns how many counted segments of the stretch were left out:
// the one at Cut and every later one up to To.
func (w *Window) Omitted() int { return w.omitted }
