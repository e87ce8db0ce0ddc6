package plot

import (
	"io"
	"math"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/wire"
)

// This file holds what keeps a plot's memory bounded on a run of any
// length: a Collector follows the run and keeps the plot's points, not the
// records, and only those of the plot's window (and the value in force
// when the window starts); a series longer than rawPoints is summarised
// per stretch of time, as tcptrace and xplot do, keeping in each stretch
// its first, lowest, highest and last point (a bar: one bar over the
// stretch's whole range). The stretches are finer than the pixels of the
// plot and grow as the run does, so at most maxBins are kept per series.

// Bounds of what a Collector keeps.
const (
	// rawPoints is how many points or bars a series keeps as they come;
	// past it, the series is summarised. A plot of up to rawPoints points
	// per series is exactly the plot of the whole trace.
	rawPoints = 1 << 17
	// maxBins bounds the stretches of a summarised series: it keeps at
	// most 4·maxBins points, or maxBins bars.
	maxBins = 16 * Bins
	// maxPending bounds the records kept while the plotted connection is
	// not known yet (its first segment, SYN and first answer).
	maxPending = 1 << 12
	// maxStretches bounds the finite stretches of ssthresh kept; past it,
	// a new stretch continues the last one.
	maxStretches = 256
)

// plotKind is which plot a Collector draws.
type plotKind uint8

const (
	seqPlot plotKind = iota
	windowPlot
)

// Collector is a trace.Sink that keeps what a plot draws, as a run goes,
// in memory bounded whatever the length of the run: see NewSeqCollector
// and NewWindowCollector. Write draws the plot, as WriteSeq or
// WriteWindow would from the whole trace; it can be called for several
// formats.
type Collector struct {
	kind plotKind
	c    *plotConn
	err  error // of the options

	// Until the connection is known: the records that may belong to it.
	pending trace.Log
	settled bool
	synSeen bool
	answer  bool // a segment of the peer reached the node

	// The time–sequence graph.
	data, retrans  barAcc
	drops          barAcc // segments of the node's that were lost
	ack, wnd       pointAcc
	ackU, wndU     seqUnwrapper
	ackTop         int64 // the highest ACK plotted
	ackAny         bool
	cwnd, sndWnd   pointAcc
	peerWin        pointAcc
	rcvBuf, flight pointAcc
	ssthresh       []*pointAcc // one per stretch where it is finite
	finite         bool
	sndMax, ackMax int64
}

// NewSeqCollector returns a Collector of the time–sequence graph of the
// data node sends: see WriteSeq.
func NewSeqCollector(node string, opt Options) *Collector { return newCollector(seqPlot, node, opt) }

// NewWindowCollector returns a Collector of the window plot of the data
// node sends: see WriteWindow.
func NewWindowCollector(node string, opt Options) *Collector {
	return newCollector(windowPlot, node, opt)
}

func newCollector(kind plotKind, node string, opt Options) *Collector {
	c, err := newPlotConn(node, opt)
	col := &Collector{kind: kind, c: c, err: err, sndMax: -1}
	for _, a := range []*pointAcc{&col.ack, &col.wnd, &col.cwnd, &col.sndWnd, &col.peerWin, &col.rcvBuf, &col.flight} {
		a.from, a.to = opt.From, opt.To
	}
	col.data.from, col.data.to = opt.From, opt.To
	col.retrans.from, col.retrans.to = opt.From, opt.To
	col.drops.from, col.drops.to = opt.From, opt.To
	return col
}

// Reads returns the kinds of record a plot reads: segments sent and
// delivered, and variables.
func (col *Collector) Reads() trace.KindSet {
	return trace.Kinds(trace.KindSend, trace.KindDeliver, trace.KindDrop, trace.KindVar)
}

// Record follows r.
func (col *Collector) Record(r *trace.Record) {
	if col.err != nil || !col.Reads().Has(r.Kind) {
		return
	}
	if col.settled {
		col.follow(r)
		col.process(r)
		return
	}
	c := col.c
	if c.sendsOn(r) {
		c.last = r.T
		if !c.found {
			c.found = true
			c.first = r.T
			c.conn, c.peer = r.Conn, r.Peer
			c.src, c.dst = r.Pkt.Seg.Src, r.Pkt.Seg.Dst
			c.isn = r.Pkt.Seg.Seq
		}
		if r.Pkt.Seg.Flags.Has(wire.SYN) && !col.synSeen {
			c.isn, col.synSeen = r.Pkt.Seg.Seq, true
		}
	}
	if c.found && c.receives(r) {
		col.answer = true
	}
	col.pending.Record(r)
	switch {
	case c.found && col.synSeen && col.answer:
		col.settle()
	case len(col.pending.Records) >= maxPending && c.found:
		col.settle() // the ISN and the peer's connection as known so far
	case len(col.pending.Records) >= maxPending:
		// The node has sent nothing yet: what came before the later half
		// could only be the values in force when it starts.
		var keep trace.Log
		for i := maxPending / 2; i < len(col.pending.Records); i++ {
			keep.Record(&col.pending.Records[i])
		}
		col.pending = keep
	}
}

// follow updates what is known of the connection from r, once it is
// settled: its last segment, and the peer's connection.
func (col *Collector) follow(r *trace.Record) {
	c := col.c
	switch {
	case c.sendsOn(r) && c.found:
		c.last = r.T
	case c.found && c.receives(r):
		if c.peerConn == 0 {
			c.peerConn = r.Conn
		}
		c.last = max(c.last, r.T)
	}
}

// settle fixes the connection and plots the records kept until then.
func (col *Collector) settle() {
	if col.settled {
		return
	}
	col.settled = true
	c := col.c
	recs := col.pending.Records
	if c.found {
		for i := range recs {
			if r := &recs[i]; c.receives(r) {
				if c.peerConn == 0 {
					c.peerConn = r.Conn
				}
				c.last = max(c.last, r.T)
			}
		}
		for i := range recs {
			col.process(&recs[i])
		}
	}
	col.pending = trace.Log{}
}

// process adds what r shows to the plot's series.
func (col *Collector) process(r *trace.Record) {
	c := col.c
	if col.kind == seqPlot {
		switch {
		case c.sends(r) && r.Pkt.Seg.Len > 0:
			lo := c.seqU.at(uint32(r.Pkt.Seg.Seq - c.isn))
			b := seqBar{t: r.T.Seconds(), lo: float64(lo), hi: float64(lo + int64(r.Pkt.Seg.Len))}
			if r.Pkt.Labels&(trace.LabelRetransmission|trace.LabelFastRetransmission) != 0 {
				col.retrans.add(r.T, b)
			} else {
				col.data.add(r.T, b)
			}
		case c.drops(r) && r.Pkt.Seg.Len > 0:
			lo := c.seqU.at(uint32(r.Pkt.Seg.Seq - c.isn))
			col.drops.add(r.T, seqBar{t: r.T.Seconds(), lo: float64(lo), hi: float64(lo + int64(r.Pkt.Seg.Len))})
		case c.receives(r) && r.Pkt.Seg.Flags.Has(wire.ACK):
			a := col.ackU.at(uint32(r.Pkt.Seg.Ack - c.isn))
			if !col.ackAny || a > col.ackTop {
				col.ack.add(r.T, float64(a))
				col.ackTop, col.ackAny = a, true
			}
			e := col.wndU.at(uint32(r.Pkt.Seg.Ack-c.isn) + r.Pkt.Win)
			col.wnd.add(r.T, float64(e))
		}
		return
	}
	switch {
	case r.Kind == trace.KindVar && r.Node == c.node && r.Conn == c.conn:
		switch r.Var {
		case trace.VarCwnd:
			col.cwnd.add(r.T, float64(r.Value))
		case trace.VarSsthresh:
			if r.Value < 0 || r.Value >= math.MaxInt32 {
				if col.finite { // infinite from now: end the stretch
					last := col.ssthresh[len(col.ssthresh)-1]
					last.add(r.T, last.lastV)
				}
				col.finite = false
				return
			}
			if !col.finite && len(col.ssthresh) < maxStretches {
				col.ssthresh = append(col.ssthresh, &pointAcc{from: c.opt.From, to: c.opt.To})
			}
			col.finite = true
			col.ssthresh[len(col.ssthresh)-1].add(r.T, float64(r.Value))
		case trace.VarSndWnd:
			col.sndWnd.add(r.T, float64(r.Value))
		}
	case r.Kind == trace.KindVar && r.Node == c.peer && c.peerConn != 0 && r.Conn == c.peerConn && r.Var == trace.VarRcvBuffer:
		col.rcvBuf.add(r.T, float64(r.Value))
	case c.sends(r):
		end := c.seqU.at(uint32(r.Pkt.Seg.End() - c.isn))
		if end <= col.sndMax {
			return
		}
		col.sndMax = end
		col.flight.add(r.T, float64(max(col.sndMax-col.ackMax, 0)))
	case c.receives(r):
		col.peerWin.add(r.T, float64(r.Pkt.Win))
		if !r.Pkt.Seg.Flags.Has(wire.ACK) {
			return
		}
		if a := col.ackU.at(uint32(r.Pkt.Seg.Ack - c.isn)); a > col.ackMax {
			col.ackMax = a
			if col.sndMax >= 0 {
				col.flight.add(r.T, float64(max(col.sndMax-col.ackMax, 0)))
			}
		}
	}
}

// Write draws the plot of what was collected in format.
func (col *Collector) Write(w io.Writer, format canvas.Format) error {
	if err := format.Check(); err != nil {
		return err
	}
	if col.err != nil {
		return col.err
	}
	col.settle()
	if err := col.c.check(); err != nil {
		return err
	}
	if col.kind == seqPlot {
		return col.writeSeq(w, format)
	}
	return col.writeWindow(w, format)
}

// pointAcc is a step line's points as a run goes: those from From to To,
// after the last point before From (the value in force at From); raw up to
// rawPoints, then summarised per stretch of time.
type pointAcc struct {
	from, to  sim.Time // To 0: to the end
	before    plotPoint
	hasBefore bool
	lastV     float64 // the value of the last point added, in the window or not
	pts       plotSeries
	binned    bool
	t0, width float64 // stretch k is [t0 + k·width, t0 + (k+1)·width)
	bins      int     // the stretches pts holds
}

// add adds the point v from time t on.
func (a *pointAcc) add(t sim.Time, v float64) {
	a.lastV = v
	p := plotPoint{t.Seconds(), v}
	switch {
	case t < a.from:
		a.before, a.hasBefore = p, true
		return
	case a.to != 0 && t > a.to:
		return
	}
	a.pts = append(a.pts, p)
	switch {
	case !a.binned && len(a.pts) > rawPoints:
		a.binned = true
		a.t0 = a.pts[0].t
		a.width = max((a.pts[len(a.pts)-1].t-a.t0)/(maxBins/2), 1e-9)
		a.pts, a.bins = summarise(a.pts, a.t0, a.width)
	case a.binned && len(a.pts) > 4*maxBins:
		// The last stretches may have grown: count again, and make them
		// wider until half of maxBins remain.
		a.pts, a.bins = summarise(a.pts, a.t0, a.width)
		for a.bins > maxBins/2 {
			a.width *= 2
			a.pts, a.bins = summarise(a.pts, a.t0, a.width)
		}
	}
}

// series returns the points kept, in time order.
func (a *pointAcc) series() plotSeries {
	if !a.hasBefore {
		return a.pts
	}
	return append(plotSeries{a.before}, a.pts...)
}

// summarise keeps, of the points s in each stretch of time [t0 + k·width,
// t0 + (k+1)·width), the first, the lowest, the highest and the last, in
// time order, and returns them and the number of stretches.
func summarise(s plotSeries, t0, width float64) (plotSeries, int) {
	out := s[:0] // in place: a stretch's points go at or before where they were
	bins := 0
	for i := 0; i < len(s); {
		bin := math.Floor((s[i].t - t0) / width)
		j, lo, hi := i, i, i
		for j < len(s) && math.Floor((s[j].t-t0)/width) == bin {
			if s[j].v < s[lo].v {
				lo = j
			}
			if s[j].v > s[hi].v {
				hi = j
			}
			j++
		}
		for _, k := range plotSortedUnique([]int{i, lo, hi, j - 1}) {
			out = append(out, s[k])
		}
		bins++
		i = j
	}
	return out, bins
}

// barAcc is a plot's bars as a run goes: those sent from From to To; raw
// up to rawPoints, then one bar per stretch of time over the range of the
// bars in it.
type barAcc struct {
	from, to  sim.Time
	bars      []seqBar
	binned    bool
	t0, width float64
}

// add adds b, sent at t.
func (a *barAcc) add(t sim.Time, b seqBar) {
	if t < a.from || a.to != 0 && t > a.to {
		return
	}
	if a.binned {
		if n := len(a.bars); n > 0 && a.bin(a.bars[n-1].t) == a.bin(b.t) {
			a.bars[n-1].lo = min(a.bars[n-1].lo, b.lo)
			a.bars[n-1].hi = max(a.bars[n-1].hi, b.hi)
			return
		}
	}
	a.bars = append(a.bars, b)
	switch {
	case !a.binned && len(a.bars) > rawPoints:
		a.binned = true
		a.t0 = a.bars[0].t
		a.width = max((b.t-a.t0)/(maxBins/2), 1e-9)
		a.merge()
	case a.binned && len(a.bars) > maxBins:
		for len(a.bars) > maxBins/2 {
			a.width *= 2
			a.merge()
		}
	}
}

func (a *barAcc) bin(t float64) float64 { return math.Floor((t - a.t0) / a.width) }

// merge makes the bars of each stretch one.
func (a *barAcc) merge() {
	out := a.bars[:0]
	for _, b := range a.bars {
		if n := len(out); n > 0 && a.bin(out[n-1].t) == a.bin(b.t) {
			out[n-1].lo = min(out[n-1].lo, b.lo)
			out[n-1].hi = max(out[n-1].hi, b.hi)
			continue
		}
		out = append(out, b)
	}
	a.bars = out
}
