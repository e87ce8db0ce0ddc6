// Package plot draws a connection's numbers over time with gonum/plot, in
// SVG, PNG or PDF: the time–sequence graph of Stevens and tcptrace
// (WriteSeq) and the congestion and receive windows (WriteWindow).
//
// It reads the trace and nothing else of the simulator, takes its words
// from viz/catalog and its canvas, font and colours from viz/canvas.
package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"net/netip"
	"strconv"

	gonumplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/wire"
)

// Options configures WriteSeq and WriteWindow. The zero value
// plots the node's first connection over the whole run.
type Options struct {
	// From and To select the stretch of the run to plot; To 0 means until
	// the last record.
	From, To sim.Time
	// Conn is the node's connection to plot (its number on the node, as in
	// the trace); 0 means the first one the node sends on.
	Conn uint32
	// Width and Height are the plot's size in inches: 0 means
	// DefaultWidth and DefaultHeight.
	Width, Height float64
	// DPI is the resolution of PNG output; 0 means canvas.DefaultDPI.
	DPI int
	// Title replaces the default title.
	Title string
	// Lang is the language of the phrases from the message catalogue.
	Lang catalog.Lang
}

// Plot defaults and limits.
const (
	DefaultWidth  = 8.0 // inches
	DefaultHeight = 4.5 // inches
	// Bins bounds the detail of a plot: a plotSeries with more than
	// 2·Bins bars or 4·Bins points is decimated over Bins
	// equal stretches of time (finer than the pixels of a default PNG):
	// the bars of one stretch become one bar over their whole sequence
	// range, and a line keeps its first, lowest, highest and last plotPoint in
	// each stretch, so the picture is the same and a run of 70,000
	// segments plots in well under a second.
	Bins = 2000
)

// WriteSeq writes the time–sequence graph of the data node sends ("" means
// "client"), as Stevens and tcptrace draw it, in format "svg", "png" or
// "pdf": every data segment is a vertical bar over its sequence numbers
// (relative to the ISN) at the time it was sent, retransmissions in
// another colour, and a red ✗ over each segment lost, when it was dropped;
// the ACK line is the highest acknowledgment node has received, and the
// window line that ACK plus the receive window its peer advertised in the
// same segment — both as they reach node, so at the time the sender learns
// them. The sequence axis fits the data and the ACKs: a window line far
// above them is cut at the top, and its legend says how high it goes.
func WriteSeq(w io.Writer, format canvas.Format, records []trace.Record, node string, opt Options) error {
	c := NewSeqCollector(node, opt)
	for i := range records {
		c.Record(&records[i])
	}
	return c.Write(w, format)
}

// writeSeq draws the time–sequence graph of what col collected.
func (col *Collector) writeSeq(w io.Writer, format canvas.Format) error {
	c := col.c
	p := c.newPlot(c.cat.Sprintf(catalog.MsgPlotSeqTitle, c.node, c.peer), c.cat.Str(catalog.MsgPlotSeq))
	lo, hi := c.window()
	data, retrans := clipBars(col.data.bars, lo, hi), clipBars(col.retrans.bars, lo, hi)
	drops := clipBars(col.drops.bars, lo, hi)
	ack, wnd := col.ack.series().clip(lo, hi).hold(hi), col.wnd.series().clip(lo, hi).hold(hi)
	// The sequence axis fits what was sent and acknowledged; the window
	// line joins it only when that costs little height.
	top := max(barsTop(data), barsTop(retrans), barsTop(drops), ack.top())
	wndName := c.cat.Str(catalog.MsgPlotRcvWindow)
	ymax := math.Inf(1)
	if top > 0 {
		ymax = top * 1.06
		switch wt := wnd.top(); {
		case wt <= ymax:
		case wt <= top*1.3:
			ymax = wt * 1.03
		default:
			wndName = c.cat.Sprintf(catalog.MsgPlotAboveTop, wndName, byteText(wt))
		}
	}
	if len(wnd) > 0 {
		c.addStep(p, wnd, plotYellow, 1.6, nil, wndName)
	}
	if len(ack) > 0 {
		c.addStep(p, ack, plotGreen, 1.4, nil, c.cat.Str(catalog.MsgPlotACK))
	}
	if len(data) > 0 {
		bars := &seqBars{bars: decimateBars(data), color: plotBlue, width: 1.2}
		p.Add(bars)
		c.legend(c.cat.Str(catalog.MsgPlotData), bars)
	}
	if len(retrans) > 0 {
		bars := &seqBars{bars: decimateBars(retrans), color: plotRed, width: 1.8}
		p.Add(bars)
		c.legend(c.cat.Str(catalog.MsgPlotRetrans), bars)
	}
	if len(drops) > 0 {
		x := &seqDrops{drops: decimateBars(drops)}
		p.Add(x)
		c.legend(c.cat.Str(catalog.MsgLegendDropped), x)
	}
	if !math.IsInf(ymax, 1) {
		p.Y.Max = ymax // after Add, which widens the axes to every line
	}
	return c.write(w, format, p)
}

// WriteWindow writes, for the data node sends ("" means "client"), in
// format "svg", "png" or "pdf": its congestion window and slow-start
// threshold (while finite), its bytes in flight (the highest sequence number
// sent less the highest acknowledged), the receive window its peer
// advertises (the snd_wnd variable, or else the window of the peer's
// segments as they arrive) and, when the trace has the "rcv_buffer"
// variable, the bytes waiting in the peer's receive buffer — each a step
// line over time.
func WriteWindow(w io.Writer, format canvas.Format, records []trace.Record, node string, opt Options) error {
	c := NewWindowCollector(node, opt)
	for i := range records {
		c.Record(&records[i])
	}
	return c.Write(w, format)
}

// writeWindow draws the window plot of what col collected.
func (col *Collector) writeWindow(w io.Writer, format canvas.Format) error {
	c := col.c
	peerWin := col.peerWin.series()
	if s := col.sndWnd.series(); len(s) > 0 {
		peerWin = s
	}
	p := c.newPlot(c.cat.Sprintf(catalog.MsgPlotWindowTitle, c.node), c.cat.Str(catalog.MsgPlotBytes))
	lo, hi := c.window()
	if s := peerWin.clip(lo, hi).hold(hi); len(s) > 0 {
		c.addStep(p, s, plotYellow, 2.6, nil, c.cat.Str(catalog.MsgPlotPeerWindow))
	}
	if s := col.rcvBuf.series().clip(lo, hi).hold(hi); len(s) > 0 {
		c.addStep(p, s, plotPurple, 1.2, nil, c.cat.Sprintf(catalog.MsgPlotRcvBuffer, c.peer))
	}
	legend := true
	for i, a := range col.ssthresh {
		s := a.series()
		if s = s.clip(lo, hi); col.finite && i == len(col.ssthresh)-1 {
			s = s.hold(hi) // finite to the end
		}
		if len(s) > 0 {
			name := ""
			if legend {
				name, legend = c.cat.Str(catalog.MsgPlotSsthresh), false
			}
			c.addStep(p, s, plotRed, 1.4, []vg.Length{5, 3}, name)
		}
	}
	if s := col.cwnd.series().clip(lo, hi).hold(hi); len(s) > 0 {
		c.addStep(p, s, plotBlue, 1.6, nil, c.cat.Str(catalog.MsgPlotCwnd))
	}
	if s := col.flight.series().clip(lo, hi).hold(hi); len(s) > 0 {
		c.addStep(p, s, plotGreen, 1.1, nil, c.cat.Str(catalog.MsgPlotInFlight))
	}
	return c.write(w, format, p)
}

// Plot colours (Okabe–Ito).
var (
	plotBlue   = canvas.RGB(0x0072B2)
	plotRed    = canvas.RGB(0xD55E00)
	plotGreen  = canvas.RGB(0x009E73)
	plotYellow = canvas.RGB(0xE69F00)
	plotPurple = canvas.RGB(0xCC79A7)
)

// plotConn is the connection a plot is about: the data sender's side.
type plotConn struct {
	opt         Options
	cat         *catalog.Phrases
	node, peer  string
	found       bool   // node has sent a segment on the connection
	conn        uint32 // on node
	peerConn    uint32 // on peer, once seen
	src, dst    netip.AddrPort
	isn         wire.Seq
	seqU        seqUnwrapper
	first, last sim.Time // the connection's first and last segment
	entries     []plotEntry
	title       string
}

// plotEntry is one entry of a plot's legend.
type plotEntry struct {
	name  string
	thumb gonumplot.Thumbnailer
}

// legend adds an entry to the legend.
func (c *plotConn) legend(name string, t gonumplot.Thumbnailer) {
	c.entries = append(c.entries, plotEntry{name, t})
}

// newPlotConn checks the options and returns the connection of node to
// find: its first one, or opt.Conn.
func newPlotConn(node string, opt Options) (*plotConn, error) {
	if node == "" {
		node = "client"
	}
	c := &plotConn{opt: opt, cat: opt.Lang.Phrases(), node: node, conn: opt.Conn}
	if err := opt.Lang.Check(); err != nil {
		return c, err
	}
	if opt.To != 0 && opt.To < opt.From {
		return c, fmt.Errorf("plot window ends (%v) before it starts (%v)", opt.To, opt.From)
	}
	return c, nil
}

// check returns an error when node sent nothing on the connection.
func (c *plotConn) check() error {
	if c.found {
		return nil
	}
	if c.opt.Conn != 0 {
		return fmt.Errorf("%s sends nothing on connection %d", c.node, c.opt.Conn)
	}
	return fmt.Errorf("%s sends nothing: no segments to plot", c.node)
}

// sendsOn reports whether r is node sending on the connection, or on any
// connection (opt.Conn 0) before the first.
func (c *plotConn) sendsOn(r *trace.Record) bool {
	return r.Kind == trace.KindSend && r.Node == c.node && (c.conn == 0 || r.Conn == c.conn)
}

// sends reports whether r is node sending on the connection.
func (c *plotConn) sends(r *trace.Record) bool {
	return r.Kind == trace.KindSend && r.Node == c.node && r.Conn == c.conn
}

// drops reports whether r is the loss of a segment node sent on the
// connection.
func (c *plotConn) drops(r *trace.Record) bool {
	return r.Kind == trace.KindDrop && r.Node == c.node && r.Conn == c.conn
}

// receives reports whether r is a segment of the connection's peer
// arriving at node.
func (c *plotConn) receives(r *trace.Record) bool {
	return r.Kind == trace.KindDeliver && r.Node == c.peer && r.Peer == c.node &&
		r.Pkt.Seg.Src == c.dst && r.Pkt.Seg.Dst == c.src
}

// window returns the stretch to plot, in seconds: From to To, or by
// default from the connection's first segment to its last.
func (c *plotConn) window() (lo, hi float64) {
	from, to := c.opt.From, c.opt.To
	if from == 0 && to == 0 {
		from = c.first
	}
	if to == 0 {
		to = max(c.last, from)
	}
	if to == from {
		to = from + 1_000_000 // 1 ms, so the axis has a width
	}
	return from.Seconds(), to.Seconds()
}

// newPlot returns a plot with the drawings' font, a grid and the axes.
func (c *plotConn) newPlot(title, yLabel string) *gonumplot.Plot {
	p := gonumplot.New()
	f := func(size vg.Length) font.Font { return font.From(canvas.Font, size) }
	c.title = title
	if c.opt.Title != "" {
		c.title = c.opt.Title
	}
	p.X.Label.Text = c.cat.Str(catalog.MsgPlotTime)
	p.Y.Label.Text = yLabel
	for _, ax := range []*gonumplot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = f(9.5)
		ax.Tick.Label.Font = f(8.5)
		ax.Color = canvas.Axis
		ax.Tick.Color = canvas.Axis
		ax.Tick.Label.Color = canvas.Ink
		ax.Label.TextStyle.Color = canvas.Ink
	}
	p.Y.Tick.Marker = byteTicks{}
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = canvas.Grid, canvas.Grid
	grid.Vertical.Width, grid.Horizontal.Width = 0.6, 0.6
	p.Add(grid)
	lo, hi := c.window()
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min = 0
	return p
}

// addStep adds s as a step line; with name, to the legend too.
func (c *plotConn) addStep(p *gonumplot.Plot, s plotSeries, col color.Color, width vg.Length, dash []vg.Length, name string) {
	s = decimateSeries(s)
	xys := make(plotter.XYs, len(s))
	for i, pt := range s {
		xys[i].X, xys[i].Y = pt.t, pt.v
	}
	l := &plotter.Line{XYs: xys, StepStyle: plotter.PostStep,
		LineStyle: draw.LineStyle{Color: col, Width: width, Dashes: dash}}
	p.Add(l)
	if name != "" {
		c.legend(name, l)
	}
}

// write draws p under its title and a legend in one or more rows, and
// writes it in format; further plots (panels) are drawn below p, each as
// high as it, sharing the title and the legend.
func (c *plotConn) write(w io.Writer, format canvas.Format, p *gonumplot.Plot, panels ...*gonumplot.Plot) error {
	width, height := c.opt.Width, c.opt.Height
	if width == 0 {
		width = DefaultWidth
	}
	if height == 0 {
		height = DefaultHeight
	}
	cv, err := canvas.New(format, vg.Length(width)*vg.Inch, vg.Length(height)*vg.Inch, c.opt.DPI)
	if err != nil {
		return err
	}
	W, H := width*72, height*72
	pt := canvas.Painter{Canvas: cv, Height: H}
	pt.Fill(canvas.RGB(0xFFFFFF), [2]float64{0, 0}, [2]float64{W, 0}, [2]float64{W, H}, [2]float64{0, H})
	const margin, thumbW, rowH = 10.0, 20.0, 14.0
	y := margin + 12
	pt.Text(canvas.Face(12), canvas.Ink, W/2, y, canvas.AlignCenter, c.title)
	y += 8
	// The legend: entries in rows, each row centred.
	lf := canvas.Face(8.5)
	var rows [][]plotEntry
	var row []plotEntry
	rowW := func(r []plotEntry) float64 {
		w := 0.0
		for _, e := range r {
			w += thumbW + 5 + canvas.Width(lf, e.name) + 16
		}
		return w - 16
	}
	for _, e := range c.entries {
		if len(row) > 0 && rowW(append(row, e)) > W-2*margin {
			rows = append(rows, row)
			row = nil
		}
		row = append(row, e)
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	for _, r := range rows {
		x := (W - rowW(r)) / 2
		mid := y + rowH/2
		for _, e := range r {
			tc := draw.Canvas{Canvas: cv, Rectangle: vg.Rectangle{
				Min: vg.Point{X: vg.Length(x), Y: vg.Length(H - mid - 4)},
				Max: vg.Point{X: vg.Length(x + thumbW), Y: vg.Length(H - mid + 4)}}}
			e.thumb.Thumbnail(&tc)
			pt.TextMid(lf, canvas.Ink, x+thumbW+5, mid, canvas.AlignLeft, e.name)
			x += thumbW + 5 + canvas.Width(lf, e.name) + 16
		}
		y += rowH
	}
	y += 4
	area := draw.Crop(draw.New(cv), vg.Length(margin), -vg.Length(margin+6), vg.Length(margin), -vg.Length(y))
	ps := append([]*gonumplot.Plot{p}, panels...)
	h := (area.Max.Y - area.Min.Y) / vg.Length(len(ps))
	for i, q := range ps {
		q.BackgroundColor = nil
		// Panel i from the top: drop the panels above it and below it.
		q.Draw(draw.Crop(area, 0, 0, h*vg.Length(len(ps)-1-i), -h*vg.Length(i)))
	}
	return canvas.Write(w, format, cv)
}

// plotPoint is one value of a step line: v from time t (seconds) on.
type plotPoint struct{ t, v float64 }

// plotSeries is a step line's points in time order.
type plotSeries []plotPoint

// clip returns the points within [lo, hi], starting with the value in force
// at lo.
func (s plotSeries) clip(lo, hi float64) plotSeries {
	var out plotSeries
	for i, p := range s {
		if p.t < lo {
			continue
		}
		if p.t > hi {
			break
		}
		if len(out) == 0 && i > 0 && p.t > lo {
			out = append(out, plotPoint{lo, s[i-1].v})
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		// No point within [lo, hi]: the value in force at lo, if any,
		// even when later points follow.
		for i := len(s) - 1; i >= 0; i-- {
			if s[i].t < lo {
				out = append(out, plotPoint{lo, s[i].v})
				break
			}
		}
	}
	return out
}

// top returns the highest value of s, 0 for none.
func (s plotSeries) top() float64 {
	t := 0.0
	for _, p := range s {
		t = max(t, p.v)
	}
	return t
}

// hold extends s with its last value to hi.
func (s plotSeries) hold(hi float64) plotSeries {
	if n := len(s); n > 0 && s[n-1].t < hi && !math.IsInf(hi, 1) {
		s = append(s, plotPoint{hi, s[n-1].v})
	}
	return s
}

// decimate keeps, in each of Bins stretches of time, the first, lowest,
// highest and last plotPoint, in time order; plotSeries of at most 4·Bins points
// are kept whole.
func decimateSeries(s plotSeries) plotSeries {
	if len(s) <= 4*Bins {
		return s
	}
	t0, t1 := s[0].t, s[len(s)-1].t
	width := (t1 - t0) / Bins
	out := make(plotSeries, 0, 4*Bins+1)
	for i := 0; i < len(s); {
		bin := math.Floor((s[i].t - t0) / width)
		j := i
		lo, hi := i, i
		for j < len(s) && (math.Floor((s[j].t-t0)/width) == bin || bin >= Bins-1) {
			if s[j].v < s[lo].v {
				lo = j
			}
			if s[j].v > s[hi].v {
				hi = j
			}
			j++
		}
		keep := []int{i, lo, hi, j - 1}
		prev := -1
		for _, k := range plotSortedUnique(keep) {
			if k != prev {
				out = append(out, s[k])
				prev = k
			}
		}
		i = j
	}
	return out
}

// plotSortedUnique sorts a few indexes and drops repeats.
func plotSortedUnique(k []int) []int {
	for i := 1; i < len(k); i++ {
		for j := i; j > 0 && k[j] < k[j-1]; j-- {
			k[j], k[j-1] = k[j-1], k[j]
		}
	}
	out := k[:0]
	for i, v := range k {
		if i == 0 || v != k[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// seqUnwrapper turns 32-bit sequence offsets into 64-bit ones that keep
// growing past 4 GiB: each value is taken as the nearest to the previous.
type seqUnwrapper struct {
	last int64
	init bool
}

func (u *seqUnwrapper) at(v uint32) int64 {
	if !u.init {
		u.last, u.init = int64(v), true
		return u.last
	}
	u.last += int64(int32(v - uint32(u.last)))
	return u.last
}

// seqBar is one segment of the sequence plot: bytes lo…hi sent at t.
type seqBar struct{ t, lo, hi float64 }

// clipBars returns the bars sent within [lo, hi].
func clipBars(b []seqBar, lo, hi float64) []seqBar {
	var out []seqBar
	for _, x := range b {
		if x.t >= lo && x.t <= hi {
			out = append(out, x)
		}
	}
	return out
}

// barsTop returns the highest sequence number of b, 0 for none.
func barsTop(b []seqBar) float64 {
	t := 0.0
	for _, x := range b {
		t = max(t, x.hi)
	}
	return t
}

// decimateBars merges the bars of each of Bins stretches of time into one
// bar over their whole range; at most 2·Bins bars are kept whole.
func decimateBars(b []seqBar) []seqBar {
	if len(b) <= 2*Bins {
		return b
	}
	t0, t1 := b[0].t, b[len(b)-1].t
	width := (t1 - t0) / Bins
	var out []seqBar
	for _, x := range b {
		bin := min(math.Floor((x.t-t0)/width), Bins-1)
		if n := len(out); n > 0 && min(math.Floor((out[n-1].t-t0)/width), Bins-1) == bin {
			out[n-1].lo = min(out[n-1].lo, x.lo)
			out[n-1].hi = max(out[n-1].hi, x.hi)
			continue
		}
		out = append(out, x)
	}
	return out
}

// seqBars draws segments as vertical bars: a gonumplot.Plotter, a
// gonumplot.DataRanger and a gonumplot.Thumbnailer.
type seqBars struct {
	bars  []seqBar
	color color.Color
	width vg.Length
}

func (s *seqBars) Plot(c draw.Canvas, p *gonumplot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: s.color, Width: s.width}
	for _, b := range s.bars {
		x, y0, y1 := trX(b.t), trY(b.lo), trY(b.hi)
		if y1-y0 < 1.5 { // keep a bar visible however far out the plot is
			y1 = y0 + 1.5
		}
		c.StrokeLine2(sty, x, y0, x, y1)
		c.StrokeLine2(draw.LineStyle{Color: s.color, Width: 0.8}, x-1.2, y1, x+1.2, y1)
	}
}

func (s *seqBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, b := range s.bars {
		xmin, xmax = min(xmin, b.t), max(xmax, b.t)
		ymin, ymax = min(ymin, b.lo), max(ymax, b.hi)
	}
	return xmin, xmax, ymin, ymax
}

func (s *seqBars) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(draw.LineStyle{Color: s.color, Width: s.width}, x, c.Min.Y, x, c.Max.Y)
}

// seqDrops marks lost segments with a red ✗ over the middle of their
// sequence numbers, at the time they were dropped: a gonumplot.Plotter, a
// gonumplot.DataRanger and a gonumplot.Thumbnailer.
type seqDrops struct {
	drops []seqBar
}

// plotDropRed is the ✗ of a lost segment, as the diagrams draw it.
var plotDropRed = canvas.RGB(0xD7191C)

func (s *seqDrops) Plot(c draw.Canvas, p *gonumplot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, b := range s.drops {
		seqCross(c, trX(b.t), trY((b.lo+b.hi)/2), 3.5)
	}
}

// seqCross draws an ✗ of half-width r at (x, y), over a white halo.
func seqCross(c draw.Canvas, x, y, r vg.Length) {
	for _, sty := range []draw.LineStyle{{Color: canvas.RGB(0xFFFFFF), Width: 3.4}, {Color: plotDropRed, Width: 1.7}} {
		c.StrokeLine2(sty, x-r, y-r, x+r, y+r)
		c.StrokeLine2(sty, x-r, y+r, x+r, y-r)
	}
}

func (s *seqDrops) DataRange() (xmin, xmax, ymin, ymax float64) {
	b := seqBars{bars: s.drops}
	return b.DataRange()
}

func (s *seqDrops) Thumbnail(c *draw.Canvas) {
	seqCross(*c, (c.Min.X+c.Max.X)/2, (c.Min.Y+c.Max.Y)/2, 3.5)
}

// byteText writes a number of bytes as the sequence axis labels them:
// "80.3 kB".
func byteText(v float64) string {
	scale, unit := 1.0, " B"
	switch {
	case v >= 10e6:
		scale, unit = 1e6, " MB"
	case v >= 10e3:
		scale, unit = 1e3, " kB"
	}
	return strconv.FormatFloat(v/scale, 'g', 3, 64) + unit
}

// byteTicks labels a byte axis in B, kB or MB (SI units, as link rates).
type byteTicks struct{}

func (byteTicks) Ticks(lo, hi float64) []gonumplot.Tick {
	ticks := gonumplot.DefaultTicks{}.Ticks(lo, hi)
	scale, unit := 1.0, ""
	switch top := max(math.Abs(lo), math.Abs(hi)); {
	case top >= 10e6:
		scale, unit = 1e6, " MB"
	case top >= 10e3:
		scale, unit = 1e3, " kB"
	}
	for i := range ticks {
		if ticks[i].Label == "" {
			continue
		}
		v := ticks[i].Value / scale
		ticks[i].Label = strconv.FormatFloat(v, 'g', 6, 64) + unit
		if v == 0 {
			ticks[i].Label = "0"
		}
	}
	return ticks
}
