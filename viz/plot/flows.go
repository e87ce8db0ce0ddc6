package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	gonumplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
)

// Flow is one flow of many sharing a bottleneck: the node that sends its
// data and the node that reads it.
type Flow struct {
	Sender, Receiver string
}

// FlowStats is what one flow achieved over a run.
type FlowStats struct {
	Flow
	Started bool     // the sender connected
	Start   sim.Time // when it connected
	Read    int64    // bytes the receiver's application read
	Last    sim.Time // when it read the last of them
	// Goodput is Read in bits per second over the time from Start to Last
	// (0 for a flow that read nothing).
	Goodput float64
}

// Jain returns Jain's fairness index of x (Jain, Chiu and Hawe, "A
// Quantitative Measure of Fairness and Discrimination for Resource
// Allocation in Shared Computer Systems", DEC-TR-301, 1984):
// (Σx)² / (n·Σx²). It is 1 when all are equal and 1/n when one has
// everything; 0 for no values or all zero.
func Jain(x []float64) float64 {
	var sum, sq float64
	for _, v := range x {
		sum += v
		sq += v * v
	}
	if sq == 0 {
		return 0
	}
	return sum * sum / (float64(len(x)) * sq)
}

// maxFlowBins bounds the goodput bins kept per flow: past it, pairs of
// bins merge and the bins are twice as wide.
const maxFlowBins = 4000

// FlowsCollector is a trace.Sink that follows many flows on one
// bottleneck: each flow's throughput (the data reaching its receiver) per
// stretch of time, its goodput (what its receiver's application read) and
// its sender's cwnd, and each bottleneck queue's
// length (queue records) and the packets it dropped. Its memory is bounded
// whatever the length of the run. Stats gives the flows' totals;
// WriteFlows and WriteQueue draw the plots.
type FlowsCollector struct {
	flows  []Flow
	opt    Options
	byNode map[string]int // a flow's sender or receiver → its index
	width  time.Duration  // of a goodput bin
	got    [][]int64      // per flow, data bytes delivered to the receiver per bin
	stats  []FlowStats
	cwnd   []pointAcc
	queues []*queueAcc
	end    sim.Time
}

// queueAcc is one queue's samples and drops.
type queueAcc struct {
	name  string
	pts   pointAcc
	drops []plotPoint // at most one per goodput bin: its time, and how many
	n     int
}

// NewFlowsCollector returns a FlowsCollector of flows, whose throughput is
// summed over stretches of bin (0: 100 ms), widened as the run grows.
// opt's From and To limit the plots, not Stats.
func NewFlowsCollector(flows []Flow, bin time.Duration, opt Options) *FlowsCollector {
	if bin <= 0 {
		bin = 100 * time.Millisecond
	}
	c := &FlowsCollector{flows: flows, opt: opt, byNode: map[string]int{}, width: bin,
		got: make([][]int64, len(flows)), stats: make([]FlowStats, len(flows)), cwnd: make([]pointAcc, len(flows))}
	for i, f := range flows {
		c.byNode[f.Sender], c.byNode[f.Receiver] = i, i
		c.stats[i].Flow = f
		c.cwnd[i].from, c.cwnd[i].to = opt.From, opt.To
	}
	return c
}

// Reads returns the kinds of record the collector reads.
func (c *FlowsCollector) Reads() trace.KindSet {
	return trace.Kinds(trace.KindApp, trace.KindVar, trace.KindQueue, trace.KindDeliver, trace.KindDrop, trace.KindEnd)
}

// Record follows r.
func (c *FlowsCollector) Record(r *trace.Record) {
	c.end = max(c.end, r.T)
	switch r.Kind {
	case trace.KindApp:
		i, ok := c.byNode[r.Node]
		switch {
		case !ok:
		case r.App == trace.AppConnect && r.Node == c.flows[i].Sender && !c.stats[i].Started:
			c.stats[i].Started, c.stats[i].Start = true, r.T
		case r.App == trace.AppRead && r.Node == c.flows[i].Receiver:
			c.stats[i].Read += r.Value
			c.stats[i].Last = r.T
		}
	case trace.KindDeliver:
		// The flow's data reaching its receiver, resent data too: the
		// throughput the link gives the flow, whatever order it comes in.
		if i, ok := c.byNode[r.Peer]; ok && r.Peer == c.flows[i].Receiver && r.Pkt.Seg.Len > 0 {
			b := c.bin(r.T)
			for len(c.got[i]) <= b {
				c.got[i] = append(c.got[i], 0)
			}
			c.got[i][b] += int64(r.Pkt.Seg.Len)
		}
	case trace.KindVar:
		if i, ok := c.byNode[r.Node]; ok && r.Var == trace.VarCwnd && r.Node == c.flows[i].Sender {
			c.cwnd[i].add(r.T, float64(r.Value))
		}
	case trace.KindQueue:
		c.queue(r.Node).pts.add(r.T, float64(r.Value))
	case trace.KindDrop:
		if r.Drop.Code != trace.DropQueueFull {
			return
		}
		if _, ok := c.byNode[r.Node]; !ok {
			return
		}
		// A flow's data goes through the first queue (its sender's
		// side), its ACKs through the second; the drop record names the
		// hosts, so it is the data's queue when its sender is a sender.
		name := "data"
		if i := c.byNode[r.Node]; r.Node == c.flows[i].Receiver {
			name = "acks"
		}
		q := c.dropQueue(name)
		if (c.opt.From != 0 && r.T < c.opt.From) || (c.opt.To != 0 && r.T > c.opt.To) {
			return
		}
		q.n++
		t := (time.Duration(c.bin(r.T)) * c.width).Seconds()
		if n := len(q.drops); n > 0 && q.drops[n-1].t == t {
			q.drops[n-1].v++
		} else {
			q.drops = append(q.drops, plotPoint{t, 1})
		}
	}
}

// bin returns the goodput bin of t, widening the bins when there would
// be too many.
func (c *FlowsCollector) bin(t sim.Time) int {
	for int(time.Duration(t)/c.width) >= maxFlowBins {
		c.width *= 2
		for i, bins := range c.got {
			for k := range bins {
				if k%2 == 1 {
					bins[k/2] += bins[k]
				} else {
					bins[k/2] = bins[k]
				}
			}
			c.got[i] = bins[:(len(bins)+1)/2]
		}
		for _, q := range c.queues {
			merged := q.drops[:0]
			for _, d := range q.drops {
				d.t = math.Floor(d.t/c.width.Seconds()) * c.width.Seconds()
				if n := len(merged); n > 0 && merged[n-1].t == d.t {
					merged[n-1].v += d.v
				} else {
					merged = append(merged, d)
				}
			}
			q.drops = merged
		}
	}
	return int(time.Duration(t) / c.width)
}

// queue returns the queue named name, met in that order.
func (c *FlowsCollector) queue(name string) *queueAcc {
	for _, q := range c.queues {
		if q.name == name {
			return q
		}
	}
	q := &queueAcc{name: name}
	q.pts.from, q.pts.to = c.opt.From, c.opt.To
	c.queues = append(c.queues, q)
	return q
}

// dropQueue returns the queue whose drops a flow's data ("data") or its
// ACKs ("acks") meet: the first and the second queue seen.
func (c *FlowsCollector) dropQueue(which string) *queueAcc {
	k := 0
	if which == "acks" {
		k = 1
	}
	for len(c.queues) <= k {
		c.queue("queue " + strconv.Itoa(len(c.queues)+1))
	}
	return c.queues[k]
}

// Stats returns each flow's start, bytes read and goodput over the run.
func (c *FlowsCollector) Stats() []FlowStats {
	out := slices.Clone(c.stats)
	for i := range out {
		if s := &out[i]; s.Started && s.Last > s.Start {
			s.Goodput = float64(s.Read) * 8 / (s.Last - s.Start).Seconds()
		}
	}
	return out
}

// Fairness returns Jain's fairness index of the flows' goodputs (Stats).
func (c *FlowsCollector) Fairness() float64 {
	st := c.Stats()
	g := make([]float64, len(st))
	for i, s := range st {
		g[i] = s.Goodput
	}
	return Jain(g)
}

// flowColors are the flows' colours, in turn (Okabe–Ito, then grey and
// black); past them the colours repeat dashed.
var flowColors = []color.Color{plotBlue, plotRed, plotGreen, plotYellow, plotPurple,
	canvas.RGB(0x56B4E9), canvas.RGB(0xF0E442), canvas.RGB(0x000000)}

// flowStyle is flow i's line colour and dashes.
func flowStyle(i int) (color.Color, []vg.Length) {
	col := flowColors[i%len(flowColors)]
	if i >= len(flowColors) {
		return col, []vg.Length{4, 2}
	}
	return col, nil
}

// newConn is the plotConn that lays out a flows plot over the run.
func (c *FlowsCollector) newConn() (*plotConn, error) {
	pc, err := newPlotConn("", c.opt)
	pc.first, pc.last = 0, c.end
	return pc, err
}

// WriteFlows draws, in format, each flow's throughput over time (the data
// bytes reaching its receiver per stretch of time, retransmissions
// included, in Mbit/s) above its sender's cwnd, one colour per flow.
func (c *FlowsCollector) WriteFlows(w io.Writer, format canvas.Format) error {
	if err := format.Check(); err != nil {
		return err
	}
	pc, err := c.newConn()
	if err != nil {
		return err
	}
	if len(c.flows) == 0 {
		return fmt.Errorf("no flows to plot")
	}
	top := pc.newPlot(pc.cat.Sprintf(catalog.MsgPlotFlowsTitle, len(c.flows)), pc.cat.Str(catalog.MsgPlotThroughput))
	top.Y.Tick.Marker = gonumplot.DefaultTicks{}
	top.X.Label.Text = ""
	bottom := pc.newPlot("", pc.cat.Str(catalog.MsgPlotCwnd))
	lo, hi := pc.window()
	secs := c.width.Seconds()
	for i, f := range c.flows {
		col, dash := flowStyle(i)
		var s plotSeries
		for k, n := range c.got[i] {
			s = append(s, plotPoint{float64(k) * secs, float64(n) * 8 / secs / 1e6})
		}
		s = append(s, plotPoint{float64(len(c.got[i])) * secs, 0})
		name := f.Sender + "→" + f.Receiver
		pc.addStep(top, s.clip(lo, hi), col, 1.3, dash, name)
		if cw := c.cwnd[i].series().clip(lo, hi).hold(hi); len(cw) > 0 {
			pc.addStep(bottom, cw, col, 1.1, dash, "")
		}
	}
	pc.title = pc.cat.Sprintf(catalog.MsgPlotFlowsTitle, len(c.flows))
	if pc.opt.Title != "" {
		pc.title = pc.opt.Title
	}
	return pc.write(w, format, top, bottom)
}

// WriteQueue draws, in format, the length of the bottleneck's queues over
// time (packets waiting, as each packet arriving found it) and where
// packets were dropped because a queue was full.
func (c *FlowsCollector) WriteQueue(w io.Writer, format canvas.Format) error {
	if err := format.Check(); err != nil {
		return err
	}
	pc, err := c.newConn()
	if err != nil {
		return err
	}
	if len(c.queues) == 0 {
		return fmt.Errorf("the trace has no queue records: no bottleneck to plot")
	}
	p := pc.newPlot(pc.cat.Str(catalog.MsgPlotQueueTitle), pc.cat.Str(catalog.MsgPlotQueuePackets))
	p.Y.Tick.Marker = gonumplot.DefaultTicks{}
	lo, hi := pc.window()
	peak := 0.0
	for i, q := range c.queues {
		col := []color.Color{plotBlue, plotGreen}[min(i, 1)]
		s := q.pts.series().clip(lo, hi).hold(hi)
		peak = max(peak, s.top())
		if len(s) == 0 {
			continue
		}
		// Straight lines between the samples, not steps: between two
		// arrivals a busy queue drains at the link's rate, one packet per
		// transmission, so a line is nearer the truth than a held value.
		s = decimateSeries(s)
		xys := make(plotter.XYs, len(s))
		for k, pt := range s {
			xys[k].X, xys[k].Y = pt.t, pt.v
		}
		l := &plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Color: col, Width: 1.2}}
		p.Add(l)
		pc.legend(q.name, l)
	}
	for _, q := range c.queues {
		if len(q.drops) == 0 {
			continue
		}
		xys := make(plotter.XYs, len(q.drops))
		for i, d := range q.drops {
			xys[i].X, xys[i].Y = d.t+c.width.Seconds()/2, peak
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: plotRed, Radius: 3, Shape: draw.CrossGlyph{}}
		p.Add(sc)
		pc.legend(q.name+": "+pc.cat.Sprintf(catalog.MsgPlotQueueDrops, q.n), sc)
	}
	if peak > 0 {
		p.Y.Max = peak * 1.08
	}
	pc.title = pc.cat.Str(catalog.MsgPlotQueueTitle)
	if pc.opt.Title != "" {
		pc.title = pc.opt.Title
	}
	return pc.write(w, format, p)
}
