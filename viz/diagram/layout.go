package diagram

import (
	"image"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
)

// Layout is the geometry of the diagram Write draws, for an output that
// draws it itself (viz/html draws it in the browser, only what is on
// screen, and lets the reader click a segment): every position is in
// points from the top left corner, as Write places it, and every text is
// the one Write writes, already cut to its column. Colours are 0xRRGGBB.
type Layout struct {
	Width, Height float64
	Title         string
	Nodes         [2]string  // the left and right timelines' nodes
	X             [2]float64 // the timelines
	YHead         float64    // top of the node name boxes
	HeaderH       float64    // their height
	YTop, YBottom float64    // the drawn stretch of time
	YFoot         float64    // below the timelines: the "more segments" line and the legend
	AxisRight     float64    // right edge of the time labels
	Scale         float64    // points per nanosecond where time is to scale
	From, To      sim.Time   // the window drawn
	// Lo and Hi bound the records in the window: records[Lo:Hi].
	Lo, Hi int
	// Anchors: the y of every record in the window, in order
	// (AnchorY[i-Lo] for record i), plus the window's start and end first
	// and last (AnchorY[0], AnchorY[len-1]), as TimeY uses them.
	AnchorT   []sim.Time `json:"-"`
	AnchorY   []float64  `json:"-"`
	CutBefore []bool     `json:"-"` // the stretch before anchor k is cut out (idle)
	// Omitted counts the segments left out past Options.MaxSegments; More
	// says so under the timelines ("" when none were).
	Omitted int
	More    string

	Axis     []Text // the time labels, each with a tick (and a grid line unless Strong)
	TimeWord Text   // "time", over the axis
	Gaps     []Gap
	Arrows   []Arrow
	Notes    []Note
	Brackets []Bracket
	Legend   []LegendItem
	Styles   []Style // the segment styles, indexed by Arrow.Style
	// Conns are the connections drawn each in its own colour when there
	// are several (the arrows' styles are theirs then); nil for one.
	Conns  []Conn
	Colors Colors
	// TimerColors colour each timer (by its trace name: "retransmission", …).
	TimerColors map[string]uint32
	Fonts       Fonts
}

// Text is a text as Write writes it: its baseline starts at (X, Y).
type Text struct {
	X, Y   float64
	Mid    float64 // the y of the text's middle: where its tick and grid line are
	Text   string
	Color  uint32
	Strong bool // a time label at a cut: no grid line across
}

// Gap is an idle stretch cut out of the diagram.
type Gap struct {
	T0, T1 sim.Time
	Y0, Y1 float64
	Text   string // "… 7180 s idle …"
}

// Arrow is one segment between the timelines.
type Arrow struct {
	Send, End int // record indexes of the send and its deliver or drop; End -1 when neither
	From      int // the sender's timeline: 0 left, 1 right
	Dropped   bool
	Style     int // index into Layout.Styles
	// From (X0, Y0) to the arrowhead or ✗ at (X1, Y1); Cut0, Cut1 when cut
	// at the top or bottom edge; Head when it ends in an arrowhead; Dashed
	// when still in flight at the end of the run.
	X0, Y0, X1, Y1 float64
	Cut0, Cut1     bool
	Head, Dashed   bool
	// The label along the arrow ("ACK  SEQ=101 ACK=301 WIN=65535 LEN=1460");
	// HasLabel false when the arrow is too short to hold it.
	Label      string
	HasLabel   bool
	LabelX     float64
	LabelY     float64
	LabelAngle float64 // radians, clockwise
	// The application messages the segment carries ("GET /2", "200 OK,
	// 1000 B body"), beside the label at LabelAngle: in MessageColor on a
	// tint of it (MessageTint), its baseline from (MessageX, MessageY);
	// HasMessage false for none.
	Message      string
	HasMessage   bool
	MessageX     float64
	MessageY     float64
	MessageColor uint32
	MessageTint  uint32
	// The drop's reason past the ✗ ("dropped: queue full"), and the bare reason.
	ReasonText   string
	Reason       string
	ReasonX      float64
	ReasonY      float64
	ReasonAngle  float64
	Tag, RTag    string // notes beside the sender and the receiver, cut to their columns
	TagX, RTagX  float64
	TagAnchorEnd bool // Tag ends at TagX (left timeline); else starts there
}

// NoteKind says how a note beside a timeline looks.
type NoteKind int

// The note kinds.
const (
	NoteState   NoteKind = iota // a state badge
	NoteAlert                   // red text: an abort, a crash
	NoteInfo                    // grey text between the timelines: a link going down or up
	NoteMessage                 // teal text beside a timeline: an application message (HTTP)
)

// Note is text at one record: a state badge, an alert, a link event.
type Note struct {
	Rec       int
	Side      int
	Kind      NoteKind
	Text      string // cut to its column
	X, Y      float64
	W         float64 // NoteState: the badge's width
	AnchorEnd bool    // the text ends at X (left timeline); else starts there (NoteInfo: centred)
	// Conn is the note's connection, an index into Layout.Conns, when the
	// diagram colours several (-1 otherwise): its text is then in the
	// connection's Text colour, a state badge's border in its Line colour.
	Conn int
}

// Conn is a connection of a diagram that draws several, each in its own
// colour, as the legend names it.
type Conn struct {
	Name       string // "conn 2: 49153 → 80"
	Line, Text uint32
}

// TimerEnd says how a timer bracket ends.
type TimerEnd int

// The ends of a timer bracket.
const (
	TimerOpen      TimerEnd = iota // still pending at the bottom edge
	TimerFired                     // it fired: a dot
	TimerCancelled                 // it was cancelled: a cap
	TimerReset                     // it was set again: a cap
)

// Bracket is a timer from set to fired, cancelled or set again, beside a
// timeline.
type Bracket struct {
	Side        int
	Node        string
	Conn        uint32
	Timer       trace.Timer
	Start, Stop int // record indexes; Stop -1 while open
	End         TimerEnd
	X           float64 // its lane
	Toward      float64 // the caps' length, signed towards the timeline
	Y0, Y1      float64
	Cut0        bool
	Dashed      [][2]float64 // the stretches (y0, y1) across cut-out gaps, drawn dashed
	Color       uint32
	Name        string  // "RTO"; "" when it does not fit along the bracket
	NameX       float64 // the name's baseline start
	NameY       float64
	NameAngle   float64
}

// LegendItem is one entry of the legend.
type LegendItem struct {
	Style int // index into Layout.Styles, or -1
	Drop  bool
	Timer bool
	Fired bool
	Text  string
	X, Y  float64 // the entry's left end and middle
}

// Style is how a kind of segment is drawn.
type Style struct {
	Name  string // data, control, retransmission, dup-ack, window, update, keepalive, reset
	Line  uint32
	Text  uint32
	Width float64
}

// Colors are the diagram's other colours.
type Colors struct {
	Timeline, Drop, Header, StateBg, StateFg, StateBorder, Idle, Ink, Axis, Grid, Message uint32
}

// Fonts are the diagram's font sizes, in points, and the font family.
type Fonts struct {
	Family                                              string
	Title, Node, Label, Note, Axis, Timer, Legend, Idle float64
}

// styleNames name the segment styles, in the order of dSegStyles.
var styleNames = map[*dSegStyle]string{
	dStyleData: "data", dStyleControl: "control", dStyleRetrans: "retransmission", dStyleDupACK: "dup-ack",
	dStyleWindow: "window", dStyleUpdate: "update", dStyleKeep: "keepalive", dStyleRST: "reset",
}

// allStyles returns the styles the diagram's arrows and legend use, in the
// order of Layout.Styles: the kinds of segment, then, with several
// connections, each connection's with and without data, and the legend's
// widths.
func (d *diagram) allStyles() []*dSegStyle {
	all := slices.Clone(dSegStyles)
	if len(d.connStyles) > 0 {
		for _, cs := range d.connStyles {
			all = append(all, cs[0], cs[1])
		}
		all = append(all, dStyleConnData, dStyleConnCtl)
	}
	return all
}

// styleName names a style in Layout.Styles: its kind ("data"), or its
// connection's number on the left node and whether with data ("conn
// 2 data", "conn 2 control"), or the legend's widths ("width data").
func (d *diagram) styleName(s *dSegStyle) string {
	if n, ok := styleNames[s]; ok {
		return n
	}
	for k, cs := range d.connStyles {
		for i, what := range [2]string{"data", "control"} {
			if cs[i] == s {
				return "conn " + strconv.Itoa(int(d.conns[k].leftConn)) + " " + what
			}
		}
	}
	if s == dStyleConnData {
		return "width data"
	}
	return "width control"
}

// Lay returns the geometry of the diagram Write would draw from records
// with opt: the same layout, label placement and texts. It paints the
// diagram on a canvas that keeps only the time axis' labels, so that what
// Lay returns is what Write draws, computed by the same code.
func Lay(records []trace.Record, opt Options) (*Layout, error) {
	// The geometry indexes records as given (the page pairs its events
	// with them), so the diagram is laid out from them whole, as Write did
	// before its collector kept only a window.
	if err := opt.prepare(); err != nil {
		return nil, err
	}
	multiConn := false
	for i := range records {
		if r := &records[i]; r.Kind == trace.KindState && r.Conn > 1 {
			multiConn = true
		}
	}
	d := &diagram{opt: opt, cat: opt.Lang.Phrases(), recs: records, width: opt.Width * 72, multiConn: multiConn}
	cut := -1
	if opt.MaxSegments > 0 {
		n := 0
		for i := range records {
			if r := &records[i]; r.Kind == trace.KindSend && d.between(r) && r.T >= opt.From {
				if n++; n > opt.MaxSegments {
					cut = i
					break
				}
			}
		}
	}
	d.window(cut, 0)
	d.collect()
	d.layout()
	// Paint what places things as it paints: the axis (its labels, which
	// rec keeps) and the arrows (their labels and the drops' reasons).
	rec := &recorder{height: d.height, keep: true}
	p := canvas.Painter{Canvas: rec, Height: d.height}
	d.drawAxis(p)
	rec.keep = false
	d.drawArrows(p)
	l := &Layout{
		Width: d.width, Height: d.height, Title: d.title,
		Nodes: [2]string{d.opt.Left, d.opt.Right}, X: d.x,
		YHead: d.yHead, HeaderH: dHeaderH, YTop: d.yTop, YBottom: d.yBottom, YFoot: d.yFoot,
		AxisRight: d.axisRight, Scale: d.scale, From: d.from, To: d.to, Lo: d.lo, Hi: d.hi,
		AnchorT: d.ts, AnchorY: d.ys, CutBefore: d.cutBefore, Omitted: d.omitted,
		Colors: Colors{
			Timeline: hex(dcolTimeline), Drop: hex(dcolDrop), Header: hex(dcolHeader),
			StateBg: hex(dcolStateBg), StateFg: hex(dcolStateFg), StateBorder: hex(dcolStateBd),
			Idle: hex(dcolIdle), Ink: hex(canvas.Ink), Axis: hex(canvas.Axis), Grid: hex(canvas.Grid),
			Message: hex(dcolMessage),
		},
		Fonts: Fonts{Family: "'Liberation Sans',Arial,Helvetica,sans-serif",
			Title: dfsTitle, Node: dfsNode, Label: dfsLabel, Note: dfsNote, Axis: dfsAxis,
			Timer: dfsTimer, Legend: dfsLegend, Idle: dfsIdle},
	}
	l.TimerColors = make(map[string]uint32)
	for t := trace.TimerRetransmission; t <= trace.TimerTimeWait; t++ {
		l.TimerColors[t.String()] = hex(dTimerColor(t))
	}
	if d.omitted > 0 {
		l.More = d.cat.Sprintf(catalog.MsgMoreSegments, d.omitted)
	}
	if n := len(rec.texts); n > 0 { // drawAxis writes the word "time" last
		l.Axis, l.TimeWord = rec.texts[:n-1], rec.texts[n-1]
	}
	styleIndex := make(map[*dSegStyle]int)
	for i, s := range d.allStyles() {
		styleIndex[s] = i
		l.Styles = append(l.Styles, Style{Name: d.styleName(s), Line: hex(s.line), Text: hex(s.text), Width: s.width})
	}
	for _, g := range d.gaps {
		l.Gaps = append(l.Gaps, Gap{T0: g.t0, T1: g.t1, Y0: g.y0, Y1: g.y1,
			Text: d.cat.Sprintf(catalog.MsgIdle, dIdleText(g.t1.Sub(g.t0)))})
	}
	nf := canvas.Face(dfsNote)
	for _, a := range d.arrows {
		la := Arrow{Send: a.send, End: a.end, From: int(a.from), Dropped: a.dropped, Style: styleIndex[a.style],
			X0: a.x0, Y0: a.y0, X1: a.x1, Y1: a.y1, Cut0: a.cut0, Cut1: a.cut1,
			Head: !a.dropped && !a.cut1 && a.end >= 0, Dashed: a.end < 0,
			Label: a.label, HasLabel: !math.IsNaN(a.labelAt[0]), LabelAngle: a.labelAngle, Reason: a.reason}
		if la.HasLabel {
			la.LabelX, la.LabelY = a.labelAt[0], a.labelAt[1]
		}
		if !math.IsNaN(a.msgAt[0]) {
			col := d.msgColor(a)
			la.Message, la.HasMessage, la.MessageX, la.MessageY = a.msg, true, a.msgAt[0], a.msgAt[1]
			la.MessageColor, la.MessageTint, la.LabelAngle = hex(col), hex(dTint(col, dTintWhite)), a.labelAngle
		}
		if a.dropped && !a.cut1 {
			la.ReasonText, la.ReasonX, la.ReasonY, la.ReasonAngle = a.reasonText, a.reasonAt[0], a.reasonAt[1], a.reasonAngle
		}
		if a.tag != "" && !a.cut0 {
			la.Tag, la.TagX = dFitWidth(nf, a.tag, d.noteW[a.from]), d.noteX(a.from)
			la.TagAnchorEnd = a.from == dLeft
		}
		if a.rtag != "" && !a.cut1 && !a.dropped {
			la.RTag, la.RTagX = dFitWidth(nf, a.rtag, d.noteW[1-a.from]), d.noteX(1-a.from)
		}
		l.Arrows = append(l.Arrows, la)
	}
	for _, n := range d.notes {
		y, _ := d.recY(n.rec)
		ln := Note{Rec: n.rec, Side: int(n.side), Kind: NoteKind(n.kind), Y: y, Conn: n.conn}
		switch n.kind {
		case dNoteState:
			ln.Text = dFitWidth(nf, n.text, d.noteW[n.side]-8)
			ln.W = canvas.Width(nf, ln.Text) + 8
			ln.X = d.noteX(n.side)
			if n.side == dLeft {
				ln.X -= ln.W
			}
		case dNoteAlert, dNoteMessage:
			ln.Text, ln.X, ln.AnchorEnd = dFitWidth(nf, n.text, d.noteW[n.side]), d.noteX(n.side), n.side == dLeft
		case dNoteInfo:
			ln.Text, ln.X = n.text, (d.x[0]+d.x[1])/2
		}
		l.Notes = append(l.Notes, ln)
	}
	for k, cs := range d.connStyles {
		l.Conns = append(l.Conns, Conn{Name: d.connLegend(k), Line: hex(cs[0].line), Text: hex(cs[0].text)})
	}
	l.Brackets = d.layBrackets()
	l.Legend = d.legendLaid()
	return l, nil
}

// layBrackets returns the timer brackets as drawBrackets draws them.
func (d *diagram) layBrackets() []Bracket {
	tf := canvas.Face(dfsTimer)
	var out []Bracket
	d.names = d.names[:0]
	for _, b := range d.brackets {
		if b.y1-b.y0 < 2 || (b.stop >= 0 && d.recs[b.stop].T == d.recs[b.start].T) {
			continue // set and stopped at once: drawBrackets skips it too
		}
		lb := Bracket{Side: int(b.side), Node: b.node, Conn: b.conn, Timer: b.timer, Start: b.start, Stop: b.stop,
			End: TimerEnd(b.end), X: d.laneX(b.side, b.lane), Toward: 2.5, Y0: b.y0, Y1: b.y1, Cut0: b.cut0,
			Color: hex(d.bracketColor(b))}
		if b.side == dRight {
			lb.Toward = -2.5
		}
		for _, g := range d.gaps {
			if g.y0 >= b.y0 && g.y1 <= b.y1 {
				lb.Dashed = append(lb.Dashed, [2]float64{g.y0, g.y1})
			}
		}
		name := d.cat.TimerName(b.timer)
		nw := canvas.Width(tf, name)
		if mid, ok := d.nameSpot(b, nw); ok {
			d.names = append(d.names, dTimerName{side: b.side, lane: b.lane, y0: mid - nw/2, y1: mid + nw/2})
			lb.Name = name
			if b.side == dLeft {
				lb.NameX, lb.NameY, lb.NameAngle = lb.X-1.8, mid+nw/2, -math.Pi/2
			} else {
				lb.NameX, lb.NameY, lb.NameAngle = lb.X+1.8, mid-nw/2, math.Pi/2
			}
		}
		out = append(out, lb)
	}
	return out
}

// legendLaid returns the legend's entries where drawFoot puts them.
func (d *diagram) legendLaid() []LegendItem {
	f := canvas.Face(dfsLegend)
	styleIndex := make(map[*dSegStyle]int)
	for i, s := range d.allStyles() {
		styleIndex[s] = i
	}
	var out []LegendItem
	y := d.yFoot
	if d.omitted > 0 {
		y += 18
	}
	y += 8
	for _, row := range d.legendRows() {
		x := d.x[dLeft]
		for _, it := range row {
			li := LegendItem{Style: -1, Drop: it.drop, Timer: it.timer, Fired: it.fired, Text: it.text, X: x, Y: y + 4}
			if it.style != nil {
				li.Style = styleIndex[it.style]
			}
			out = append(out, li)
			x += 28 + canvas.Width(f, it.text) + 14
		}
		y += 15
	}
	return out
}

// TimeY returns the y of instant t in l, as Write places it: that of the
// first record at t, or further down at the scale from the record before
// it (never below the next one); false in a cut-out stretch.
func (l *Layout) TimeY(t sim.Time) (float64, bool) {
	n := len(l.AnchorT)
	switch {
	case n == 0:
		return l.YTop, true
	case t < l.From:
		return l.YTop - l.Scale*float64(l.From.Sub(t)), true
	case t > l.To:
		return l.YBottom + l.Scale*float64(t.Sub(l.To)), true
	}
	lo, hi := 0, n // the first anchor at or after t
	for lo < hi {
		m := (lo + hi) / 2
		if l.AnchorT[m] < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < n && l.AnchorT[lo] == t || lo == 0 {
		return l.AnchorY[min(lo, n-1)], true
	}
	if lo == n {
		return l.AnchorY[n-1], true
	}
	if l.CutBefore[lo] {
		return 0, false
	}
	return min(l.AnchorY[lo-1]+l.Scale*float64(t.Sub(l.AnchorT[lo-1])), l.AnchorY[lo]), true
}

// hex returns c as 0xRRGGBB.
func hex(c color.RGBA) uint32 { return uint32(c.R)<<16 | uint32(c.G)<<8 | uint32(c.B) }

// recorder is a canvas that draws nothing and keeps the texts written on
// it while no transform is in force (the time axis' labels; rotated labels
// are placed by the layout itself), in points from the top left.
type recorder struct {
	height float64
	depth  int
	col    color.Color
	texts  []Text
	keep   bool
}

func (r *recorder) SetLineWidth(vg.Length)              {}
func (r *recorder) SetLineDash([]vg.Length, vg.Length)  {}
func (r *recorder) SetColor(c color.Color)              { r.col = c }
func (r *recorder) Rotate(float64)                      {}
func (r *recorder) Translate(vg.Point)                  {}
func (r *recorder) Scale(float64, float64)              {}
func (r *recorder) Push()                               { r.depth++ }
func (r *recorder) Pop()                                { r.depth-- }
func (r *recorder) Stroke(vg.Path)                      {}
func (r *recorder) Fill(vg.Path)                        {}
func (r *recorder) DrawImage(vg.Rectangle, image.Image) {}
func (r *recorder) FillString(f font.Face, pt vg.Point, s string) {
	if !r.keep || r.depth > 0 {
		return
	}
	c := color.RGBAModel.Convert(r.col).(color.RGBA)
	y := r.height - pt.Y.Points()
	r.texts = append(r.texts, Text{X: pt.X.Points(), Y: y, Mid: y - canvas.CapHeight(f)/2, Text: s, Color: hex(c), Strong: c == canvas.Ink})
}
