package diagram

import (
	"fmt"
	"io"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/wire"
)

// Options configures Write. The zero value draws the whole run between
// "client" and "server" with absolute sequence numbers.
type Options struct {
	// From and To select the stretch of the run to draw; To 0 means until
	// the last record. A segment sent before From or arriving after To is
	// drawn cut at the edge.
	From, To sim.Time
	// SeqNumbers shows SEQ, ACK and SACK edges as they are in the header
	// (the default) or relative to the ISN of their direction, as Wireshark
	// shows them. ISNs are learned from the SYNs in the whole trace up to
	// the segment, so a window that starts after the handshake is still
	// relative.
	SeqNumbers catalog.SeqNumbers
	// Left and Right name the nodes on the left and right timelines; ""
	// means "client" and "server". Segments between other nodes are not
	// drawn.
	Left, Right string
	// Width is the drawing's width in inches (72 points each; PNG pixels
	// are inches times DPI): 0 means DefaultWidth; anything below
	// MinWidth is raised to it. The height follows from the
	// content.
	Width float64
	// MaxIdle is the longest stretch without any record drawn to scale: a
	// longer one is cut out and shown as a break ("… 7180 s idle …").
	// 0 means IdleRTTs round trips of the run (twice the median one-way
	// delay of its delivered segments), but at least MinAutoIdle and at
	// most DefaultMaxIdle, so that a wait much longer than the RTT takes no
	// page; a negative value never cuts.
	MaxIdle time.Duration
	// MaxSegments limits the segments drawn: 0 means
	// DefaultSegments, negative means no limit. Past the limit the
	// diagram ends with a line saying how many were left out.
	MaxSegments int
	// DPI is the resolution of PNG output; 0 means canvas.DefaultDPI. A very tall
	// diagram is rendered at a lower resolution to bound the image's size.
	DPI int
	// Lang is the language of the phrases from the message catalogue.
	Lang catalog.Lang
	// Description is written under the title, wrapped to the width: what
	// the scenario shows, in Lang.
	Description string
}

// Diagram defaults and limits.
const (
	DefaultWidth    = 8.0 // inches
	MinWidth        = 5.5 // inches
	DefaultMaxIdle  = 2 * time.Second
	DefaultSegments = 300
	// IdleRTTs and MinAutoIdle choose the automatic MaxIdle: a stretch of
	// more than IdleRTTs round trips is cut, unless it is shorter than
	// MinAutoIdle (a delayed ACK's wait, below 500 ms by RFC 1122, stays
	// to scale).
	IdleRTTs    = 8
	MinAutoIdle = 500 * time.Millisecond
)

// Write draws the segments exchanged between two nodes as a sequence
// diagram (a "ladder") in format. records are a run's trace in order, as a
// trace.Log collects them.
//
// Time flows down. Each segment is a slanted arrow from its sender at the
// time it was sent to its receiver at the time it arrived, labelled with
// its flags and numbers; a dropped segment ends part-way in a red ✗ with the
// reason. Colours and notes beside the timelines mark retransmissions, dup
// ACKs, window probes and updates, keepalives and zero windows; state
// changes are written beside the timelines, and timers are brackets along
// them, from when they were set until they fired (a dot) or were cancelled.
// An application message (an HTTP request or response) is named on the
// arrow of the segment that carries its first byte ("GET /2", "200 OK,
// 1000 B body"), on a tint, and its reading is a note beside the reader.
//
// A diagram of several connections between the two nodes draws each in a
// colour of its own (catalog.ConnColors, the Okabe–Ito palette; the first
// the blue of data), its arrows thicker with data and thinner without, its
// state badges, message notes and timer brackets in that colour too, and
// the legend names each by its ports ("conn 2: 49153 → 80"); what a
// segment means (retransmission, dup ACK…) is then said by its note alone.
// A diagram of one connection colours its segments by what they mean.
//
// The vertical scale is proportional to time, chosen so that a one-way
// delay slants an arrow by about a third of its width and the drawing stays
// within a page or two of height. Two events closer than a line of text
// apart are pushed apart (so simultaneous segments are drawn one under the
// other, in the order they happened); the time axis on the left shows
// where. Stretches in which nothing is drawn for longer than MaxIdle (by
// default eight round trips, at least half a second) are cut out. Notes
// that do not fit their column, such as why a connection was aborted, are
// wrapped over lines, and a long run's times read in hours, minutes and
// seconds too.
func Write(w io.Writer, format canvas.Format, records []trace.Record, opt Options) error {
	c := NewCollector(opt)
	for i := range records {
		c.Record(&records[i])
	}
	return c.Write(w, format)
}

// Collector is a trace.Sink that keeps what a diagram with its options
// draws, as a run goes: the records of the window From–To up to
// MaxSegments segments, and what they need from before and after it (see
// trace.Window). Its memory grows with what is drawn, not with the run.
// Write then draws the diagram, as Write would from the whole trace; it
// can be called for several formats.
type Collector struct {
	opt Options
	err error // of the options
	win *trace.Window
	// multiConn is set when the trace has more than one connection: state
	// notes then say which.
	multiConn bool
}

// NewCollector returns a Collector for a diagram with opt.
func NewCollector(opt Options) *Collector {
	c := &Collector{opt: opt}
	c.err = c.opt.prepare()
	limit := c.opt.MaxSegments
	if limit < 0 {
		limit = 0 // no limit
	}
	c.win = trace.NewWindow(c.opt.From, c.opt.To, limit, c.between)
	return c
}

// between reports whether r is a packet between the two timelines.
func (c *Collector) between(r *trace.Record) bool {
	return (r.Node == c.opt.Left && r.Peer == c.opt.Right) || (r.Node == c.opt.Right && r.Peer == c.opt.Left)
}

// Record keeps r if the diagram needs it.
func (c *Collector) Record(r *trace.Record) {
	if r.Kind == trace.KindState && r.Conn > 1 {
		c.multiConn = true
	}
	c.win.Record(r)
}

// Write draws the diagram of the records collected in format.
func (c *Collector) Write(w io.Writer, format canvas.Format) error {
	if err := format.Check(); err != nil {
		return err
	}
	if c.err != nil {
		return c.err
	}
	d := newDiagram(c)
	d.layout()
	cv, err := canvas.New(format, vg.Length(d.width), vg.Length(d.height), c.opt.DPI)
	if err != nil {
		return err
	}
	d.draw(cv)
	return canvas.Write(w, format, cv)
}

// dSide is a timeline: 0 the left one, 1 the right one.
type dSide int

const (
	dLeft  dSide = 0
	dRight dSide = 1
)

// dArrow is one segment between the two timelines.
type dArrow struct {
	send, end int   // record indexes of the send and the deliver or drop; end -1 when neither
	from      dSide // the sender's timeline
	dropped   bool
	label     string     // "PSH,ACK  SEQ=101 ACK=301 WIN=65535 LEN=1460"
	tag       string     // note beside the sender: "fast retransmission"
	rtag      string     // note beside the receiver: "still in flight at the end"
	reason    string     // drop reason
	msg       string     // the application messages it carries: "GET /2", "200 OK, 1000 B body"
	kind      *dSegStyle // the kind of segment: the colour of its tag
	style     *dSegStyle // how it is drawn: its kind's style, or its connection's
	conn      int        // its connection, an index into diagram.conns

	// Geometry, in points from the top left corner.
	x0, y0, x1, y1 float64    // from the sender to the arrowhead or ✗
	cut0, cut1     bool       // cut at the top / at the bottom edge
	labelAt        [2]float64 // where the label's baseline starts; NaN for no label
	labelAngle     float64    // the label's direction, radians clockwise
	msgAt          [2]float64 // where the messages' baseline starts (at labelAngle); NaN for none
	reasonText     string     // "dropped: queue full", after the ✗
	reasonAt       [2]float64
	reasonAngle    float64
}

// dNoteKind says how a note beside a timeline looks.
type dNoteKind int

const (
	dNoteState   dNoteKind = iota // a state badge
	dNoteAlert                    // red text: an abort, a crash
	dNoteInfo                     // grey text between the timelines: a link going down or up
	dNoteMessage                  // teal text beside a timeline: an application message sent or received (HTTP)
)

// dNote is text beside a timeline at one record.
type dNote struct {
	rec  int
	side dSide
	kind dNoteKind
	text string
	conn int // the connection it is about, an index into diagram.conns; -1 for none
}

// dTimerEnd says how a timer bracket ends.
type dTimerEnd int

const (
	dTimerOpen      dTimerEnd = iota // still pending at the bottom edge
	dTimerFired                      // it fired
	dTimerCancelled                  // it was cancelled
	dTimerReset                      // it was set again
)

// dBracket is one timer from set to fired or cancelled, beside a timeline.
type dBracket struct {
	side        dSide
	node        string
	conn        uint32
	timer       trace.Timer
	start, stop int // record indexes; stop -1 while open
	end         dTimerEnd
	lane        int
	y0, y1      float64
	cut0        bool
}

// dCut is a stretch of time cut out of the diagram.
type dCut struct {
	t0, t1 sim.Time
	y0, y1 float64
	mid    float64 // where the break mark and "… idle …" go: below what reaches into the stretch
}

// diagram is everything Write draws, in points from the top left.
type diagram struct {
	opt       Options
	cat       *catalog.Phrases
	recs      []trace.Record
	lo, hi    int      // the records in the window: recs[lo:hi]
	from, to  sim.Time // the window
	omitted   int      // segments past MaxSegments
	title     string
	multiConn bool // the trace has more than one connection

	arrows []*dArrow
	notes  []dNote
	// conns are the connections between the two timelines, in the order
	// of their first segment; connOf finds one by a node's connection
	// number. With more than one, each is drawn in a colour of its own
	// (connStyles) and the legend names them.
	conns      []dConn
	connOf     map[dNodeConn]int
	connStyles [][2]*dSegStyle // per connection: with data, without
	brackets   []*dBracket
	lanes      [2]int       // timer lanes used per side
	names      []dTimerName // where the timers' names were written

	// The vertical map: ts[k], ys[k] for k = 0 (From), 1…n (recs[lo+k-1]),
	// n+1 (To); hard[k] when the anchor takes a line of its own.
	ts   []sim.Time
	ys   []float64
	hard []bool
	gaps []dCut
	// cutBefore[k] is set when the stretch from anchor k-1 to k is cut out.
	cutBefore []bool
	scale     float64       // points per nanosecond
	maxIdle   time.Duration // stretches longer than this are cut; 0 never
	// noteBelow[i] is how far record i's wrapped note reaches below its
	// line: the next record keeps clear of it. reach[i] is how far
	// anything drawn from record i reaches below it (its note, the arrow
	// of a segment dropped as it was sent): a cut-out stretch after it
	// starts lower.
	noteBelow, reach map[int]float64
	desc             []string // the description's lines, under the title

	// Horizontal layout.
	width, height float64
	axisRight     float64    // right edge of the time labels
	noteW         [2]float64 // width of the note columns
	x             [2]float64 // the timelines
	yHead         float64    // top of the node name boxes
	yTop, yBottom float64    // the drawn stretch of time
	yFoot         float64    // below the timelines: the "more segments" line and the legend
}

// Layout constants, in points.
const (
	dMargin      = 18.0   // around everything
	dMinGap      = 15.0   // the least vertical distance between two events
	dBreak       = 46.0   // height of a cut-out idle stretch
	dLane        = 8.0    // between timer lanes
	dMaxLanes    = 4      // timer lanes per side
	dMaxNote     = 150.0  // the widest note column; longer notes are cut with "…"
	dMinNote     = 58.0   // the narrowest note column
	dMaxBody     = 1100.0 // the height proportional time may take
	dSlant       = 0.20   // a median one-way delay drops an arrow by this much of its width
	dHeaderH     = 22.0   // height of the node name boxes
	dMinTickStep = 42.0   // the least distance between two time labels
	dNoteLine    = 9.0    // between the lines of a wrapped note
	dMaxLines    = 4      // the most lines of a wrapped note; a longer one is cut with "…"
	dDescLine    = 11.0   // between the lines of the description
	dMaxDesc     = 12     // the most lines of the description
)

// Font sizes, in points.
const (
	dfsTitle  = 13
	dfsDesc   = 8.5
	dfsNode   = 10.5
	dfsLabel  = 7.5
	dfsNote   = 7.5
	dfsAxis   = 7
	dfsTimer  = 6
	dfsLegend = 7.5
	dfsIdle   = 8
)

// prepare checks the options and fills in their defaults.
func (opt *Options) prepare() error {
	if err := opt.SeqNumbers.Check(); err != nil {
		return err
	}
	if err := opt.Lang.Check(); err != nil {
		return err
	}
	if opt.To != 0 && opt.To < opt.From {
		return fmt.Errorf("diagram window ends (%v) before it starts (%v)", opt.To, opt.From)
	}
	if opt.Left == "" {
		opt.Left = "client"
	}
	if opt.Right == "" {
		opt.Right = "server"
	}
	if opt.Left == opt.Right {
		return fmt.Errorf("diagram: left and right are the same node %q", opt.Left)
	}
	if opt.Width == 0 {
		opt.Width = DefaultWidth
	}
	opt.Width = max(opt.Width, MinWidth)
	if opt.MaxSegments == 0 {
		opt.MaxSegments = DefaultSegments
	}
	return nil
}

// newDiagram lays out nothing yet: it finds the window in what c kept and
// gathers what to draw.
func newDiagram(c *Collector) *diagram {
	opt := c.opt
	d := &diagram{opt: opt, cat: opt.Lang.Phrases(), recs: c.win.Records(), width: opt.Width * 72, multiConn: c.multiConn}
	d.window(c.win.Cut(), c.win.Omitted())
	d.collect()
	return d
}

// sideOf returns the timeline of node, or false when it has none.
func (d *diagram) sideOf(node string) (dSide, bool) {
	switch node {
	case d.opt.Left:
		return dLeft, true
	case d.opt.Right:
		return dRight, true
	}
	return 0, false
}

// between reports whether r is a packet between the two timelines.
func (d *diagram) between(r *trace.Record) bool {
	return (r.Node == d.opt.Left && r.Peer == d.opt.Right) || (r.Node == d.opt.Right && r.Peer == d.opt.Left)
}

// window finds the records to draw and the title. cut is the index of the
// first segment past MaxSegments, which ends the window early, and omitted
// the segments left out from there on (see trace.Window).
func (d *diagram) window(cut, omitted int) {
	recs := d.recs
	d.from = d.opt.From
	d.lo, _ = slices.BinarySearchFunc(recs, d.from, func(r trace.Record, t sim.Time) int { return dCmpTime(r.T, t) })
	d.hi = len(recs)
	if d.opt.To != 0 {
		d.hi, _ = slices.BinarySearchFunc(recs, d.opt.To+1, func(r trace.Record, t sim.Time) int { return dCmpTime(r.T, t) })
	}
	if cut >= 0 && cut < d.hi {
		d.hi, d.omitted = cut, omitted
	}
	switch {
	case d.omitted > 0 && d.hi < len(recs):
		d.to = recs[d.hi].T
	case d.opt.To != 0:
		d.to = d.opt.To
	case d.hi > d.lo:
		d.to = recs[d.hi-1].T
	default:
		d.to = d.from
	}
	if len(recs) > 0 && recs[0].Kind == trace.KindRun {
		d.title = recs[0].Name
	}
	if d.title != "" && (d.opt.From != 0 || d.opt.To != 0) {
		d.title += "   " + catalog.Seconds(d.from) + " – " + catalog.Seconds(d.to)
	}
}

func dCmpTime(a, b sim.Time) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// collect pairs sends with their ends and gathers the arrows, notes and
// timer brackets of the window.
func (d *diagram) collect() {
	recs := d.recs
	ends := make(map[uint64]int)
	for i := range recs {
		r := &recs[i]
		if (r.Kind == trace.KindDeliver || r.Kind == trace.KindDrop) && d.between(r) {
			ends[r.Pkt.ID] = i
		}
	}
	isns := catalog.NewISNs(d.opt.SeqNumbers)
	carried := catalog.NewCarried(d.cat)
	labelled := make(map[dMsgAt]bool) // the messages labelled on an arrow
	var open []*dBracket
	for i := 0; i < d.hi; i++ {
		r := &recs[i]
		carried.Learn(r)
		switch r.Kind {
		case trace.KindSend:
			isns.Learn(r)
			if !d.between(r) {
				continue
			}
			end, ok := ends[r.Pkt.ID]
			if !ok {
				end = -1
			}
			if i < d.lo && (end < d.lo && end >= 0 || end < 0) {
				continue // over before the window
			}
			from, _ := d.sideOf(r.Node)
			kind := dStyleOf(r.Pkt)
			a := &dArrow{send: i, end: end, from: from, kind: kind, style: kind}
			var offs []int64
			a.msg, offs = carried.Label(r)
			for _, off := range offs {
				labelled[dMsgAt{r.Node, r.Conn, off}] = true
			}
			if end >= 0 && recs[end].Kind == trace.KindDrop {
				a.dropped = true
				a.reason = d.cat.DropReason(recs[end].Drop, recs[end].Peer)
			}
			a.label = dSegLabel(r, isns)
			a.tag = strings.Join(d.cat.LabelPhrases(nil, r.Pkt), ", ")
			if end < 0 {
				a.rtag = d.cat.Str(catalog.MsgInFlightAtEnd)
			}
			d.arrows = append(d.arrows, a)
		case trace.KindTimer:
			s, ok := d.sideOf(r.Node)
			if !ok {
				continue
			}
			k := slices.IndexFunc(open, func(b *dBracket) bool { return b.node == r.Node && b.conn == r.Conn && b.timer == r.Timer })
			if k >= 0 {
				b := open[k]
				switch r.TimerOp {
				case trace.TimerFired:
					b.end = dTimerFired
				case trace.TimerCancelled:
					b.end = dTimerCancelled
				default:
					b.end = dTimerReset
				}
				b.stop = i
				open = slices.Delete(open, k, k+1)
				if i >= d.lo {
					d.brackets = append(d.brackets, b)
				}
			}
			if r.TimerOp == trace.TimerSet {
				open = append(open, &dBracket{side: s, node: r.Node, conn: r.Conn, timer: r.Timer, start: i, stop: -1})
			}
		case trace.KindState, trace.KindAbort, trace.KindHost, trace.KindLink, trace.KindMsg:
			if i < d.lo {
				continue
			}
			if n, ok := d.noteOf(i); ok {
				d.notes = append(d.notes, n)
			}
		}
	}
	d.brackets = append(d.brackets, open...)
	slices.SortStableFunc(d.brackets, func(a, b *dBracket) int { return a.start - b.start })
	d.assignLanes()
	d.findConns()
	// A message sent is named on the arrow of the segment that carries
	// it: no note beside its sender then.
	d.notes = slices.DeleteFunc(d.notes, func(n dNote) bool {
		r := &recs[n.rec]
		return r.Kind == trace.KindMsg && r.Msg == trace.MsgSend && labelled[dMsgAt{r.Node, r.Conn, r.Off}]
	})
}

// dMsgAt names a message by where it starts in its sender's byte stream.
type dMsgAt struct {
	node string
	conn uint32
	off  int64
}

// dNodeConn is a connection as a node numbers it.
type dNodeConn struct {
	node string
	conn uint32
}

// dConn is a connection between the two timelines: the left and right
// nodes' numbers for it and their ports.
type dConn struct {
	leftConn, rightConn uint32
	leftPort, rightPort uint16
}

// Line widths of a connection's segments with and without data, in a
// diagram of several connections (the colour says the connection, the
// width whether it carries data).
const (
	dConnDataWidth = 1.7
	dConnCtlWidth  = 0.9
)

// findConns finds the connections of the arrows drawn, in the order of
// their first, and when there are several, gives each a style and its
// arrows and notes its colour.
func (d *diagram) findConns() {
	d.connOf = make(map[dNodeConn]int)
	type ports struct{ l, r netip.AddrPort }
	index := make(map[ports]int)
	for _, a := range d.arrows {
		r := &d.recs[a.send]
		s := &r.Pkt.Seg
		key := ports{s.Src, s.Dst}
		if r.Node == d.opt.Right {
			key = ports{s.Dst, s.Src}
		}
		k, ok := index[key]
		if !ok {
			k = len(d.conns)
			index[key] = k
			d.conns = append(d.conns, dConn{leftPort: key.l.Port(), rightPort: key.r.Port()})
		}
		c := &d.conns[k]
		if r.Node == d.opt.Left {
			c.leftConn = r.Conn
		} else {
			c.rightConn = r.Conn
		}
		d.connOf[dNodeConn{r.Node, r.Conn}] = k
		a.conn = k
	}
	if len(d.conns) < 2 {
		return
	}
	for k := range d.conns {
		col := catalog.ConnColorOf(k) // Okabe–Ito, the first the blue of data
		line, text := canvas.RGB(col.Line), canvas.RGB(col.Text)
		d.connStyles = append(d.connStyles, [2]*dSegStyle{
			{line: line, text: text, width: dConnDataWidth, legend: catalog.MsgLegendData},
			{line: line, text: text, width: dConnCtlWidth, legend: catalog.MsgLegendControl},
		})
	}
	for _, a := range d.arrows {
		a.style = d.connStyles[a.conn][0]
		if d.recs[a.send].Pkt.Seg.Len == 0 {
			a.style = d.connStyles[a.conn][1]
		}
	}
	for i := range d.notes {
		n := &d.notes[i]
		if n.kind == dNoteInfo {
			continue
		}
		r := &d.recs[n.rec]
		if k, ok := d.connOf[dNodeConn{r.Node, r.Conn}]; ok && r.Kind != trace.KindHost {
			n.conn = k
		}
	}
}

// connLegend names connection k in the legend: its number on the left
// node and the two ports ("conn 2: 49153 → 80").
func (d *diagram) connLegend(k int) string {
	c := d.conns[k]
	return d.cat.Sprintf(catalog.MsgLegendConn, c.leftConn, c.leftPort, c.rightPort)
}

// noteOf returns the note for record i, if it has one.
func (d *diagram) noteOf(i int) (dNote, bool) {
	r := &d.recs[i]
	s, ok := d.sideOf(r.Node)
	conn := -1 // findConns sets it
	switch r.Kind {
	case trace.KindState:
		text := r.To.String()
		if d.multiConn {
			text = d.cat.Sprintf(catalog.MsgConn, r.Conn, text)
		}
		return dNote{rec: i, side: s, kind: dNoteState, text: text, conn: conn}, ok
	case trace.KindAbort:
		return dNote{rec: i, side: s, kind: dNoteAlert, text: d.cat.Sprintf(catalog.MsgAborted, d.cat.AbortReason(r.Abort)), conn: conn}, ok
	case trace.KindHost:
		return dNote{rec: i, side: s, kind: dNoteAlert, text: d.cat.HostNote(r), conn: -1}, ok
	case trace.KindLink:
		return dNote{rec: i, kind: dNoteInfo, text: d.cat.LinkNote(r), conn: -1}, true
	case trace.KindMsg:
		text := d.cat.MessageNote(r)
		if d.multiConn {
			text = d.cat.Sprintf(catalog.MsgConn, r.Conn, text)
		}
		return dNote{rec: i, side: s, kind: dNoteMessage, text: text, conn: conn}, ok
	}
	return dNote{}, false
}

// dSegLabel returns the text along a segment's arrow: its flags and
// "SEQ=101 ACK=301 WIN=65535 LEN=1460" (ACK only with the ACK flag, LEN
// only with payload), the MSS and window scale of a SYN and SACK blocks,
// numbered as isns shows them.
func dSegLabel(r *trace.Record, isns *catalog.ISNs) string {
	s := &r.Pkt.Seg
	b := make([]byte, 0, 80)
	if f := s.Flags.String(); f != "" {
		b = append(b, f...)
		b = append(b, "\u00a0 "...)
	}
	b = append(b, "SEQ="...)
	b = strconv.AppendUint(b, isns.Seq(r), 10)
	if s.Flags.Has(wire.ACK) {
		b = append(b, " ACK="...)
		b = strconv.AppendUint(b, isns.Ack(r), 10)
	}
	b = append(b, " WIN="...)
	b = strconv.AppendUint(b, uint64(r.Pkt.Win), 10)
	if s.Len > 0 {
		b = append(b, " LEN="...)
		b = strconv.AppendUint(b, uint64(s.Len), 10)
	}
	if s.Opt.MSS > 0 {
		b = append(b, " MSS="...)
		b = strconv.AppendUint(b, uint64(s.Opt.MSS), 10)
	}
	if s.Opt.HasWScale {
		b = append(b, " WS="...)
		b = strconv.AppendUint(b, uint64(s.Opt.WScale), 10)
	}
	for k := 0; k < int(s.Opt.NumSACK) && k < wire.MaxSACKBlocks; k++ {
		if k == 0 {
			b = append(b, " SACK="...)
		} else {
			b = append(b, ',')
		}
		blk := s.Opt.SACK[k]
		b = strconv.AppendUint(b, isns.Edge(r, blk.Left), 10)
		b = append(b, '-')
		b = strconv.AppendUint(b, isns.Edge(r, blk.Right), 10)
	}
	return string(b)
}

// assignLanes gives each timer bracket the lane nearest its timeline that
// is free for its whole length.
func (d *diagram) assignLanes() {
	var last [2][dMaxLanes]int // per side and lane: the stop of its last bracket (record index)
	for s := range last {
		for l := range last[s] {
			last[s][l] = -1
		}
	}
	for _, b := range d.brackets {
		stop := b.stop
		if stop < 0 {
			stop = math.MaxInt
		}
		lane := dMaxLanes - 1
		for l := 0; l < dMaxLanes; l++ {
			if last[b.side][l] < b.start || (last[b.side][l] == b.start && b.start > 0) {
				lane = l
				break
			}
		}
		b.lane = lane
		last[b.side][lane] = stop
		d.lanes[b.side] = max(d.lanes[b.side], lane+1)
	}
}

// hardRecords returns the records that take a line of their own: those
// that start or end an arrow, or have a note.
func (d *diagram) hardRecords() map[int]bool {
	hard := make(map[int]bool)
	for _, a := range d.arrows {
		hard[a.send] = true
		if a.end >= 0 && (!a.dropped || d.recs[a.end].T > d.recs[a.send].T) {
			hard[a.end] = true
		}
	}
	for _, n := range d.notes {
		hard[n.rec] = true
	}
	return hard
}

// layout places everything: columns, the vertical scale, the y of every
// record, and the arrows.
func (d *diagram) layout() {
	// Columns, from the left: margin, time axis, note column, timer lanes,
	// left timeline … right timeline, timer lanes, note column, margin.
	axisW := canvas.Width(canvas.Face(dfsAxis), d.axisText(d.to+1))
	d.axisRight = dMargin + axisW
	for _, n := range d.notes {
		if n.kind == dNoteInfo {
			continue
		}
		d.noteW[n.side] = max(d.noteW[n.side], dNoteWidth(n))
	}
	for _, a := range d.arrows {
		if a.tag != "" {
			d.noteW[a.from] = max(d.noteW[a.from], canvas.Width(canvas.Face(dfsNote), a.tag))
		}
		if a.rtag != "" {
			d.noteW[1-a.from] = max(d.noteW[1-a.from], canvas.Width(canvas.Face(dfsNote), a.rtag))
		}
	}
	for s := range d.noteW {
		d.noteW[s] = min(max(d.noteW[s], dMinNote), dMaxNote)
	}
	d.noteHeights()
	lanesW := func(s dSide) float64 { return 6 + float64(d.lanes[s])*dLane }
	d.x[dLeft] = d.axisRight + 16 + d.noteW[dLeft] + lanesW(dLeft)
	d.x[dRight] = d.width - dMargin - d.noteW[dRight] - lanesW(dRight)
	if min := 230.0; d.x[dRight]-d.x[dLeft] < min {
		d.width += min - (d.x[dRight] - d.x[dLeft])
		d.x[dRight] = d.x[dLeft] + min
	}

	// Rows, from the top: margin, title, node names, the body, the foot.
	y := dMargin
	if d.title != "" {
		y += 24
	}
	if d.desc = dWrap(canvas.Face(dfsDesc), d.opt.Description, d.width-2*dMargin, dMaxDesc); len(d.desc) > 0 {
		y += dDescLine*float64(len(d.desc)) + 6
	}
	d.yHead = y
	d.yTop = y + dHeaderH + 16
	d.maxIdle = d.idleLimit()
	d.gaps = d.idleStretches()
	d.chooseScale()
	d.reaches()
	d.placeRecords()
	d.yBottom = d.ys[len(d.ys)-1]
	d.placeArrows()
	d.placeBrackets()
	d.yFoot = d.yBottom + 14
	h := d.yFoot
	if d.omitted > 0 {
		h += 18
	}
	h += d.legendHeight()
	d.height = h + dMargin
}

// noteHeights finds how far each record's note reaches below its line once
// wrapped to its column: aborts, crashes and the notes beside a segment
// may take several lines.
func (d *diagram) noteHeights() {
	d.noteBelow = make(map[int]float64)
	below := func(rec int, s dSide, text string) {
		if n := len(d.noteLines(s, text)); n > 1 {
			d.noteBelow[rec] = max(d.noteBelow[rec], float64(n-1)*dNoteLine)
		}
	}
	for _, n := range d.notes {
		if n.kind == dNoteAlert || n.kind == dNoteMessage {
			below(n.rec, n.side, n.text)
		}
	}
	for _, a := range d.arrows {
		if a.tag != "" {
			below(a.send, a.from, a.tag)
		}
		if a.rtag != "" && a.end >= 0 {
			below(a.end, 1-a.from, a.rtag)
		}
	}
}

// reaches finds how far below its record each note and each arrow without
// an end of its own reaches (see diagram.reach).
func (d *diagram) reaches() {
	d.reach = make(map[int]float64, len(d.noteBelow))
	for i, h := range d.noteBelow {
		d.reach[i] = h + dNoteLine/2
	}
	drop := [2]float64{d.expectedDrop(dLeft), d.expectedDrop(dRight)}
	for _, a := range d.arrows {
		r := 0.0
		switch {
		case a.end < 0:
			r = drop[a.from]
		case a.dropped && d.recs[a.end].T == d.recs[a.send].T:
			r = d.dropFrac(a) * drop[a.from]
		}
		d.reach[a.send] = max(d.reach[a.send], r+10) // and the reason below it
	}
}

// dropFrac is how far across a dropped arrow goes to its ✗, as a fraction
// of the distance between the timelines: as far as it travelled (at least
// travelledFrac), and far enough that its label ends before the ✗.
func (d *diagram) dropFrac(a *dArrow, travelled ...float64) float64 {
	span := d.x[dRight] - d.x[dLeft]
	lf := canvas.Face(dfsLabel)
	f := (dLabelPad + max(canvas.Width(lf, a.label), canvas.Width(lf, a.msg)+2*dPillPad) + 10) / span
	for _, t := range travelled {
		f = max(f, t)
	}
	return min(max(f, 0.4), 0.9)
}

// noteLines wraps a note beside timeline s to its column.
func (d *diagram) noteLines(s dSide, text string) []string {
	return dWrap(canvas.Face(dfsNote), text, d.noteW[s], dMaxLines)
}

// dLongRun and dClockFrom: a diagram that reaches dLongRun writes the
// times from dClockFrom on with hours, minutes and seconds beside the
// seconds ("7875.100112 s  2:11:15").
const (
	dLongRun   = sim.Time(1000 * time.Second)
	dClockFrom = sim.Time(time.Minute)
)

// axisText is how the time axis writes t.
func (d *diagram) axisText(t sim.Time) string {
	if d.to < dLongRun || t < dClockFrom {
		return catalog.Seconds(t)
	}
	return catalog.Seconds(t) + "  " + catalog.Clock(t)
}

// dNoteWidth is the width n takes in its column.
func dNoteWidth(n dNote) float64 {
	w := canvas.Width(canvas.Face(dfsNote), n.text)
	if n.kind == dNoteState {
		w += 8
	}
	return w
}

// chooseScale sets the points per nanosecond: a median one-way delay drops
// an arrow by dSlant of the distance between the timelines, unless the
// time drawn to scale would then be taller than dMaxBody.
func (d *diagram) chooseScale() {
	var delays []time.Duration
	for _, a := range d.arrows {
		if a.end >= 0 && !a.dropped {
			delays = append(delays, d.recs[a.end].T.Sub(d.recs[a.send].T))
		}
	}
	span := d.activeSpan()
	d.scale = 0
	if len(delays) > 0 {
		slices.Sort(delays)
		if med := delays[len(delays)/2]; med > 0 {
			d.scale = dSlant * (d.x[dRight] - d.x[dLeft]) / float64(med)
		}
	}
	if span > 0 {
		if hs := dMaxBody / float64(span); d.scale == 0 || hs < d.scale {
			d.scale = hs
		}
	}
	if d.scale == 0 {
		d.scale = 1e-6 // 1 pt per ms: nothing happens over time anyway
	}
}

// idleLimit returns the longest stretch drawn to scale (0: no limit): the
// MaxIdle option, or IdleRTTs round trips of the run within [MinAutoIdle,
// DefaultMaxIdle].
func (d *diagram) idleLimit() time.Duration {
	switch {
	case d.opt.MaxIdle < 0:
		return 0
	case d.opt.MaxIdle > 0:
		return d.opt.MaxIdle
	}
	var delays []time.Duration
	for _, a := range d.arrows {
		if a.end >= 0 && !a.dropped {
			delays = append(delays, d.recs[a.end].T.Sub(d.recs[a.send].T))
		}
	}
	if len(delays) == 0 {
		return DefaultMaxIdle
	}
	slices.Sort(delays)
	rtt := 2 * delays[len(delays)/2]
	return min(max(IdleRTTs*rtt, MinAutoIdle), DefaultMaxIdle)
}

// activeSpan is the time drawn to scale: the window less its idle stretches.
func (d *diagram) activeSpan() time.Duration {
	span := d.to.Sub(d.from)
	for _, c := range d.gaps {
		span -= c.t1.Sub(c.t0)
	}
	return span
}

// idleStretches finds the stretches to cut out (their instants; placeRecords
// places them): longer than maxIdle, with no record in between that draws
// anything (a segment sent, arriving or dropped, a note, a timer bracket's
// end). Records that draw nothing (application reads, variables) do not
// keep a wait to scale; the window's edges do.
func (d *diagram) idleStretches() []dCut {
	if d.maxIdle <= 0 {
		return nil
	}
	drawn := d.hardRecords()
	for _, b := range d.brackets {
		drawn[b.start] = true
		if b.stop >= 0 {
			drawn[b.stop] = true
		}
	}
	var cuts []dCut
	prev := d.from
	consider := func(t sim.Time) {
		if t.Sub(prev) > d.maxIdle {
			cuts = append(cuts, dCut{t0: prev, t1: t})
		}
		prev = t
	}
	for i := d.lo; i < d.hi; i++ {
		if drawn[i] {
			consider(d.recs[i].T)
		}
	}
	consider(d.to)
	return cuts
}

// placeRecords gives every record of the window its y: proportional to time,
// pushed down to keep dMinGap between records that take a line of their own,
// with idle stretches cut out.
func (d *diagram) placeRecords() {
	hardRec := d.hardRecords()
	n := d.hi - d.lo
	d.ts = make([]sim.Time, 0, n+2)
	d.ys = make([]float64, 0, n+2)
	d.hard = make([]bool, 0, n+2)
	d.cutBefore = make([]bool, 0, n+2)
	y, lastHard, lastBelow := d.yTop, math.Inf(-1), 0.0
	reach := y // the lowest point drawn so far
	prev := d.from
	// next is the next stretch to cut, in d.gaps; rec is -1 for the
	// window's edges.
	next := 0
	place := func(t sim.Time, rec int) {
		hard := rec >= 0 && hardRec[rec]
		cut := false
		switch {
		case next < len(d.gaps) && t > d.gaps[next].t0 && t < d.gaps[next].t1:
			// A record that draws nothing, inside a stretch cut out: at
			// its top, where timeY knows nothing is.
			d.ts = append(d.ts, t)
			d.ys = append(d.ys, y)
			d.hard = append(d.hard, false)
			d.cutBefore = append(d.cutBefore, true)
			return
		case next < len(d.gaps) && t == d.gaps[next].t1:
			g := &d.gaps[next]
			start := max(y, reach)
			g.y0, g.y1, g.mid = y, start+dBreak, start+dBreak/2
			y, cut = g.y1, true
			next++
		default:
			y += d.scale * float64(t.Sub(prev))
		}
		if hard {
			y = max(y, lastHard+dMinGap+lastBelow)
			lastHard, lastBelow = y, d.noteBelow[rec]
			reach = max(reach, y+d.reach[rec])
		}
		d.ts = append(d.ts, t)
		d.ys = append(d.ys, y)
		d.hard = append(d.hard, hard)
		d.cutBefore = append(d.cutBefore, cut)
		prev = t
	}
	place(d.from, -1)
	for i := d.lo; i < d.hi; i++ {
		place(d.recs[i].T, i)
	}
	place(d.to, -1)
	if end := &d.ys[len(d.ys)-1]; *end < lastHard+lastBelow {
		*end = lastHard + lastBelow // the last note ends above the bottom edge
	}
}

// recY returns the y of record i, or false when it is outside the window.
func (d *diagram) recY(i int) (float64, bool) {
	if i < d.lo || i >= d.hi {
		return 0, false
	}
	return d.ys[i-d.lo+1], true
}

// timeY returns the y of instant t: that of the first record at t, or
// proportional between the records around it. It reports false for an
// instant in a cut-out stretch. Instants outside the window extend the
// scale beyond its edges.
func (d *diagram) timeY(t sim.Time) (float64, bool) {
	if t < d.from {
		return d.yTop - d.scale*float64(d.from.Sub(t)), true
	}
	if t > d.to {
		return d.yBottom + d.scale*float64(t.Sub(d.to)), true
	}
	k, found := slices.BinarySearch(d.ts, t)
	if found {
		return d.ys[k], true
	}
	// d.ts[k-1] < t < d.ts[k]
	if d.cutBefore[k] {
		return 0, false
	}
	return d.ys[k-1] + d.scale*float64(t.Sub(d.ts[k-1])), true
}

// expectedDrop is how far down an arrow from side s usually goes: the
// median one-way delay in its direction, in points.
func (d *diagram) expectedDrop(s dSide) float64 {
	var delays []time.Duration
	for _, a := range d.arrows {
		if a.end >= 0 && !a.dropped && a.from == s {
			delays = append(delays, d.recs[a.end].T.Sub(d.recs[a.send].T))
		}
	}
	if len(delays) == 0 {
		for _, a := range d.arrows {
			if a.end >= 0 && !a.dropped {
				delays = append(delays, d.recs[a.end].T.Sub(d.recs[a.send].T))
			}
		}
	}
	if len(delays) == 0 {
		return dSlant * (d.x[dRight] - d.x[dLeft])
	}
	slices.Sort(delays)
	return max(d.scale*float64(delays[len(delays)/2]), dMinGap)
}

// placeArrows computes where each arrow starts and ends.
func (d *diagram) placeArrows() {
	drop := [2]float64{d.expectedDrop(dLeft), d.expectedDrop(dRight)}
	var later []*dArrow // dropped as they were sent: placed after their neighbours
	for _, a := range d.arrows {
		s := &d.recs[a.send]
		a.x0, a.x1 = d.x[a.from], d.x[1-a.from]
		y0, ok := d.recY(a.send)
		if !ok {
			y0, _ = d.timeY(s.T)
		}
		a.y0 = y0
		switch {
		case a.end < 0: // in flight when the run ended
			a.y1 = a.y0 + drop[a.from]
		case a.dropped && d.recs[a.end].T > s.T:
			// Dropped on the way: the ✗ is at the drop time, as far across
			// as the time it travelled.
			e := &d.recs[a.end]
			if a.y1, ok = d.recY(a.end); !ok {
				a.y1, _ = d.timeY(e.T)
			}
			f := d.dropFrac(a, float64(e.T.Sub(s.T))*d.scale/drop[a.from])
			a.x1 = a.x0 + f*(a.x1-a.x0)
		case a.dropped:
			later = append(later, a)
			continue
		default:
			if a.y1, ok = d.recY(a.end); !ok {
				a.y1, _ = d.timeY(d.recs[a.end].T)
			}
		}
		d.cutArrow(a)
	}
	for _, a := range later {
		// Dropped as it was sent: parallel to the nearest segment delivered
		// from the same side, the ✗ far enough along for the label.
		dy := drop[a.from]
		if n := d.neighbour(a); n != nil {
			dy = n.y1 - n.y0
		}
		f := d.dropFrac(a)
		a.x1 = a.x0 + f*(a.x1-a.x0)
		a.y1 = a.y0 + f*dy
		d.cutArrow(a)
	}
}

// neighbour returns the delivered arrow from a's side sent nearest before or
// after it, or nil.
func (d *diagram) neighbour(a *dArrow) *dArrow {
	k := slices.Index(d.arrows, a)
	for dist := 1; dist < len(d.arrows); dist++ {
		for _, j := range [2]int{k - dist, k + dist} {
			if j < 0 || j >= len(d.arrows) {
				continue
			}
			if n := d.arrows[j]; n.from == a.from && n.end >= 0 && !n.dropped && !n.cut0 && !n.cut1 {
				return n
			}
		}
	}
	return nil
}

// cutArrow cuts a at the top and bottom edges.
func (d *diagram) cutArrow(a *dArrow) {
	if a.y0 < d.yTop {
		a.x0, a.y0 = dCutAtY(a.x0, a.y0, a.x1, a.y1, d.yTop)
		a.cut0 = true
	}
	if a.y1 > d.yBottom {
		a.x1, a.y1 = dCutAtY(a.x0, a.y0, a.x1, a.y1, d.yBottom)
		a.cut1 = true
	}
}

// dCutAtY returns the point of the line from (x0, y0) to (x1, y1) at height y.
func dCutAtY(x0, y0, x1, y1, y float64) (float64, float64) {
	if y1 == y0 {
		return x0, y
	}
	return x0 + (x1-x0)*(y-y0)/(y1-y0), y
}

// placeBrackets computes where each timer bracket starts and ends.
func (d *diagram) placeBrackets() {
	for _, b := range d.brackets {
		if y, ok := d.recY(b.start); ok {
			b.y0 = y
		} else {
			b.y0, b.cut0 = d.yTop, true
		}
		if y, ok := d.recY(b.stop); ok && b.stop >= 0 {
			b.y1 = y
		} else {
			b.y1, b.end = d.yBottom, dTimerOpen
		}
	}
}

// ticks returns the instants to label on the time axis: round instants at
// least dMinTickStep apart.
func (d *diagram) ticks() []sim.Time {
	span := float64(dMinTickStep) / d.scale // ns
	step := int64(1)                        // 1, 2, 5, 10, 20, 50, … ns
	for float64(step) < span && step < math.MaxInt64/10 {
		if dLead(step) == 2 {
			step = step / 2 * 5
		} else {
			step *= 2
		}
	}
	var out []sim.Time
	segStart := d.from
	emit := func(t0, t1 sim.Time) {
		t := (int64(t0) + step - 1) / step * step
		for ; t <= int64(t1) && len(out) < 5000; t += step {
			out = append(out, sim.Time(t))
		}
	}
	for _, g := range d.gaps {
		emit(segStart, g.t0)
		segStart = g.t1
	}
	emit(segStart, d.to)
	return out
}

// dLead returns the leading digit of a power-of-ten multiple (1, 2 or 5).
func dLead(n int64) int64 {
	for n >= 10 {
		n /= 10
	}
	return n
}

// dIdleText formats an idle stretch for the break: "7180 s", "9.65 s", "2.5 s".
func dIdleText(dt time.Duration) string {
	s := dt.Seconds()
	switch {
	case s >= 100:
		return strconv.FormatFloat(math.Round(s), 'f', 0, 64) + " s"
	default:
		return strconv.FormatFloat(s, 'g', 3, 64) + " s"
	}
}
