package diagram

import (
	"cmp"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/wire"
)

// dSegStyle is how a kind of segment is drawn.
type dSegStyle struct {
	line, text color.RGBA
	width      float64 // line width, points
	legend     catalog.Msg
}

// The segment styles, after the Okabe–Ito palette (readable with colour
// blindness), darkened for text on white.
var (
	dStyleData    = &dSegStyle{line: canvas.RGB(0x0072B2), text: canvas.RGB(0x005A8C), width: 1.2, legend: catalog.MsgLegendData}
	dStyleControl = &dSegStyle{line: canvas.RGB(0x4A4A4A), text: canvas.RGB(0x333333), width: 1.0, legend: catalog.MsgLegendControl}
	dStyleRetrans = &dSegStyle{line: canvas.RGB(0xD55E00), text: canvas.RGB(0xB34700), width: 1.5, legend: catalog.MsgLegendRetrans}
	dStyleDupACK  = &dSegStyle{line: canvas.RGB(0xCC79A7), text: canvas.RGB(0xA3457C), width: 1.2, legend: catalog.MsgLegendDupACK}
	dStyleWindow  = &dSegStyle{line: canvas.RGB(0xE69F00), text: canvas.RGB(0xA86E00), width: 1.3, legend: catalog.MsgLegendWindow}
	dStyleUpdate  = &dSegStyle{line: canvas.RGB(0x009E73), text: canvas.RGB(0x007556), width: 1.3, legend: catalog.MsgLegendUpdate}
	dStyleKeep    = &dSegStyle{line: canvas.RGB(0x8E5DB5), text: canvas.RGB(0x6C3F94), width: 1.3, legend: catalog.MsgLegendKeep}
	dStyleRST     = &dSegStyle{line: canvas.RGB(0x9E1B32), text: canvas.RGB(0x9E1B32), width: 1.4, legend: catalog.MsgLegendRST}
	// The order of the legend.
	dSegStyles = []*dSegStyle{dStyleData, dStyleControl, dStyleRetrans, dStyleDupACK, dStyleWindow, dStyleUpdate, dStyleKeep, dStyleRST}
	// In the legend of a diagram of several connections, drawn each in
	// its own colour: what the widths of their arrows mean.
	dStyleConnData = &dSegStyle{line: canvas.RGB(0x5A6570), text: canvas.RGB(0x333333), width: dConnDataWidth, legend: catalog.MsgLegendData}
	dStyleConnCtl  = &dSegStyle{line: canvas.RGB(0x5A6570), text: canvas.RGB(0x333333), width: dConnCtlWidth, legend: catalog.MsgLegendControl}
)

// Other colours.
var (
	dcolTimeline = canvas.RGB(0x5A6570)
	dcolDrop     = canvas.RGB(0xD7191C)
	dcolHeader   = canvas.RGB(0x2F3E4E)
	dcolWhite    = canvas.RGB(0xFFFFFF)
	dcolStateBg  = canvas.RGB(0xE6F0F7)
	dcolStateFg  = canvas.RGB(0x1F4E6E)
	dcolStateBd  = canvas.RGB(0xA9C4D8)
	dcolIdle     = canvas.RGB(0x808080)
	dcolMessage  = canvas.RGB(0x00707A) // an application's messages, as the ladder's cyan
	dcolHalo     = canvas.RGB(0xFFFFFF)
	dcolDesc     = canvas.RGB(0x444444)
)

// dTimerColors colour the timer brackets, by trace.Timer.
var dTimerColors = [...]color.RGBA{
	trace.TimerRetransmission: canvas.RGB(0xD55E00),
	trace.TimerPersist:        canvas.RGB(0xE69F00),
	trace.TimerKeepalive:      canvas.RGB(0x8E5DB5),
	trace.TimerDelayedACK:     canvas.RGB(0x56B4E9),
	trace.TimerTimeWait:       canvas.RGB(0x7A7A7A),
}

func dTimerColor(t trace.Timer) color.RGBA {
	if int(t) < len(dTimerColors) && dTimerColors[t].A != 0 {
		return dTimerColors[t]
	}
	return canvas.Axis
}

// bracketColor is the colour of timer bracket b: its timer's, or with
// several connections its connection's (the name along it says which
// timer). The legend's bracket is then grey.
func (d *diagram) bracketColor(b *dBracket) color.RGBA {
	if len(d.conns) < 2 {
		return dTimerColor(b.timer)
	}
	if k, ok := d.connOf[dNodeConn{b.node, b.conn}]; ok {
		return d.connStyles[k][0].line
	}
	return dcolTimeline
}

// legendBracketColor is the colour of the legend's timer bracket.
func (d *diagram) legendBracketColor() color.RGBA {
	if len(d.conns) > 1 {
		return dcolTimeline
	}
	return dTimerColor(d.brackets[0].timer)
}

// dStyleOf picks the style of a segment from its labels and flags.
func dStyleOf(p *trace.Packet) *dSegStyle {
	lb := p.Labels
	switch {
	case lb&(trace.LabelRetransmission|trace.LabelFastRetransmission) != 0:
		return dStyleRetrans
	case lb&(trace.LabelZeroWindow|trace.LabelZeroWindowProbe) != 0:
		return dStyleWindow
	case lb.Has(trace.LabelWindowUpdate):
		return dStyleUpdate
	case lb&(trace.LabelKeepalive|trace.LabelKeepaliveACK) != 0:
		return dStyleKeep
	case lb.Has(trace.LabelDupACK):
		return dStyleDupACK
	case p.Seg.Flags.Has(wire.RST):
		return dStyleRST
	case p.Seg.Len > 0:
		return dStyleData
	}
	return dStyleControl
}

// dCross draws the ✗ of a dropped segment (two strokes: the fonts lack the
// glyph).
func dCross(p canvas.Painter, x, y, r float64) {
	p.Line(dcolWhite, 4.2, nil, [2]float64{x - r, y - r}, [2]float64{x + r, y + r})
	p.Line(dcolWhite, 4.2, nil, [2]float64{x - r, y + r}, [2]float64{x + r, y - r})
	p.Line(dcolDrop, 2.0, nil, [2]float64{x - r, y - r}, [2]float64{x + r, y + r})
	p.Line(dcolDrop, 2.0, nil, [2]float64{x - r, y + r}, [2]float64{x + r, y - r})
}

// dLabelLookback is how many of the labels placed last a new label is
// kept clear of; arrows come in time order, so older ones are far above.
const dLabelLookback = 64

// dLabelSpots is in how many steps a label that does not fit at either
// end or in the middle of its arrow looks for room along it.
const dLabelSpots = 8

// dLabelPad is the room left between a segment's label and the ends of its
// arrow.
const dLabelPad = 10.0

// dQuad is a label's box: four corners in order.
type dQuad [4][2]float64

// overlaps reports whether two convex quads overlap (separating axes).
func (q *dQuad) overlaps(o *dQuad) bool {
	for _, poly := range [2]*dQuad{q, o} {
		for i := 0; i < 4; i++ {
			a, b := poly[i], poly[(i+1)%4]
			nx, ny := b[1]-a[1], a[0]-b[0]
			qmin, qmax := dProject(q, nx, ny)
			omin, omax := dProject(o, nx, ny)
			if qmax <= omin || omax <= qmin {
				return false
			}
		}
	}
	return true
}

func dProject(q *dQuad, nx, ny float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, c := range q {
		v := c[0]*nx + c[1]*ny
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// box returns the dQuad of text of width w, ascent asc and descent desc with
// its baseline starting at (x, y) along the unit direction (ux, uy).
func dBox(x, y, ux, uy, w, asc, desc float64) dQuad {
	nx, ny := uy, -ux // the normal pointing up from the baseline
	return dQuad{
		{x - nx*desc, y - ny*desc},
		{x + ux*w - nx*desc, y + uy*w - ny*desc},
		{x + ux*w + nx*asc, y + uy*w + ny*asc},
		{x + nx*asc, y + ny*asc},
	}
}

// draw paints the whole diagram.
func (d *diagram) draw(c vg.Canvas) {
	p := canvas.Painter{Canvas: c, Height: d.height}
	p.Fill(dcolWhite, [2]float64{0, 0}, [2]float64{d.width, 0}, [2]float64{d.width, d.height}, [2]float64{0, d.height})
	d.drawAxis(p)
	d.drawTimelines(p)
	d.drawBrackets(p)
	d.drawNotes(p)
	d.drawArrows(p)
	d.drawFoot(p)
}

// drawAxis writes the time labels on the left, with faint lines across.
func (d *diagram) drawAxis(p canvas.Painter) {
	f := canvas.Face(dfsAxis)
	type label struct {
		y      float64
		t      sim.Time
		text   string
		strong bool
	}
	var labels []label
	// The instants around each cut come first: they win over round ticks.
	for _, g := range d.gaps {
		if g.t0 != d.from {
			labels = append(labels, label{g.y0, g.t0, catalog.Seconds(g.t0), true})
		}
		labels = append(labels, label{g.y1, g.t1, catalog.Seconds(g.t1), true})
	}
	for _, t := range d.ticks() {
		if y, ok := d.timeY(t); ok {
			labels = append(labels, label{y, t, catalog.Seconds(t), false})
		}
	}
	var kept []label
	for _, l := range labels {
		clash := false
		for _, k := range kept {
			if math.Abs(k.y-l.y) < 11 || k.text == l.text {
				clash = true
				break
			}
		}
		if !clash {
			kept = append(kept, l)
		}
	}
	// A long run's times get their hours, minutes and seconds too, where
	// these change from the label above.
	down := make([]*label, len(kept))
	for i := range kept {
		down[i] = &kept[i]
	}
	slices.SortStableFunc(down, func(a, b *label) int { return cmp.Compare(a.y, b.y) })
	clock := ""
	for _, l := range down {
		if long, c := d.axisText(l.t), catalog.Clock(l.t); long != l.text && c != clock {
			l.text, clock = long, c
		}
	}
	x := d.axisRight
	right := d.width - dMargin
	for _, l := range kept {
		if !l.strong {
			p.Line(canvas.Grid, 0.6, nil, [2]float64{x + 4, l.y}, [2]float64{right, l.y})
		}
		col := canvas.Axis
		if l.strong {
			col = canvas.Ink
		}
		p.Line(canvas.Axis, 0.6, nil, [2]float64{x + 1, l.y}, [2]float64{x + 4, l.y})
		p.TextMid(f, col, x-1, l.y, canvas.AlignRight, l.text)
	}
	// The axis line, broken at the cuts.
	y := d.yTop
	for _, g := range d.gaps {
		p.Line(canvas.Axis, 0.6, nil, [2]float64{x + 4, y}, [2]float64{x + 4, g.y0})
		y = g.y1
	}
	p.Line(canvas.Axis, 0.6, nil, [2]float64{x + 4, y}, [2]float64{x + 4, d.yBottom})
	p.Text(canvas.Face(dfsAxis), canvas.Axis, x+4, d.yTop-8, canvas.AlignRight, d.cat.Str(catalog.MsgTime))
}

// drawTimelines draws the title and the description, the node names and
// the two timelines with their breaks.
func (d *diagram) drawTimelines(p canvas.Painter) {
	y := dMargin
	if d.title != "" {
		p.Text(canvas.Face(dfsTitle), canvas.Ink, dMargin, y+dfsTitle, canvas.AlignLeft, d.title)
		y += 24
	}
	for i, line := range d.desc {
		p.Text(canvas.Face(dfsDesc), dcolDesc, dMargin, y+dfsDesc+float64(i)*dDescLine, canvas.AlignLeft, line)
	}
	nf := canvas.Face(dfsNode)
	for s, name := range [2]string{d.opt.Left, d.opt.Right} {
		x := d.x[s]
		bw := max(canvas.Width(nf, name)+20, 64)
		p.Rect(x-bw/2, d.yHead, bw, dHeaderH, 4, dcolHeader, nil)
		p.TextMid(nf, dcolWhite, x, d.yHead+dHeaderH/2, canvas.AlignCenter, name)
		y := d.yHead + dHeaderH
		for _, g := range d.gaps {
			p.Line(dcolTimeline, 1.4, nil, [2]float64{x, y}, [2]float64{x, g.y0})
			p.Line(dcolTimeline, 1.0, []vg.Length{2, 3}, [2]float64{x, g.y0}, [2]float64{x, g.y1})
			// A break mark: two slanted strokes over a white gap.
			mid := g.mid
			p.Fill(dcolWhite, [2]float64{x - 7, mid - 2}, [2]float64{x + 7, mid - 6}, [2]float64{x + 7, mid + 2}, [2]float64{x - 7, mid + 6})
			p.Line(dcolTimeline, 1.2, nil, [2]float64{x - 7, mid - 2}, [2]float64{x + 7, mid - 6})
			p.Line(dcolTimeline, 1.2, nil, [2]float64{x - 7, mid + 6}, [2]float64{x + 7, mid + 2})
			y = g.y1
		}
		p.Line(dcolTimeline, 1.4, nil, [2]float64{x, y}, [2]float64{x, d.yBottom + 6})
		p.Line(dcolTimeline, 1.4, nil, [2]float64{x - 5, d.yBottom + 6}, [2]float64{x + 5, d.yBottom + 6})
	}
	idle := canvas.Face(dfsIdle)
	for _, g := range d.gaps {
		mid := g.mid
		p.TextMid(idle, dcolIdle, (d.x[0]+d.x[1])/2, mid, canvas.AlignCenter, d.cat.Sprintf(catalog.MsgIdle, dIdleText(g.t1.Sub(g.t0))))
	}
}

// laneX returns the x of a timer lane beside timeline s.
func (d *diagram) laneX(s dSide, lane int) float64 {
	off := 6 + float64(lane)*dLane
	if s == dLeft {
		return d.x[s] - off
	}
	return d.x[s] + off
}

// drawBrackets draws the timers beside the timelines.
func (d *diagram) drawBrackets(p canvas.Painter) {
	tf := canvas.Face(dfsTimer)
	d.names = d.names[:0]
	for _, b := range d.brackets {
		if b.y1-b.y0 < 2 || (b.stop >= 0 && d.recs[b.stop].T == d.recs[b.start].T) {
			continue // set and stopped at once: nothing to see
		}
		col := d.bracketColor(b)
		x := d.laneX(b.side, b.lane)
		toward := 2.5 // the caps point at the timeline
		if b.side == dRight {
			toward = -2.5
		}
		// The bracket, dashed across cut-out stretches.
		y := b.y0
		for _, g := range d.gaps {
			if g.y0 >= b.y0 && g.y1 <= b.y1 {
				p.Line(col, 1.0, nil, [2]float64{x, y}, [2]float64{x, g.y0})
				p.Line(col, 0.8, []vg.Length{1.5, 2}, [2]float64{x, g.y0}, [2]float64{x, g.y1})
				y = g.y1
			}
		}
		p.Line(col, 1.0, nil, [2]float64{x, y}, [2]float64{x, b.y1})
		if !b.cut0 {
			p.Line(col, 1.0, nil, [2]float64{x + toward, b.y0}, [2]float64{x, b.y0})
		}
		switch b.end {
		case dTimerFired:
			p.Circle(x, b.y1, 2.3, col)
		case dTimerCancelled, dTimerReset:
			p.Line(col, 1.0, nil, [2]float64{x, b.y1}, [2]float64{x + toward, b.y1})
		case dTimerOpen:
			p.Fill(col, [2]float64{x - 2.2, b.y1 - 3}, [2]float64{x + 2.2, b.y1 - 3}, [2]float64{x, b.y1 + 1})
		}
		// The name, along the bracket on its outer side.
		name := d.cat.TimerName(b.timer)
		nw := canvas.Width(tf, name)
		mid, ok := d.nameSpot(b, nw)
		if !ok {
			continue
		}
		d.names = append(d.names, dTimerName{side: b.side, lane: b.lane, y0: mid - nw/2, y1: mid + nw/2})
		if b.side == dLeft {
			p.Rotated(tf, col, x-1.8, mid+nw/2, -math.Pi/2, name, nil)
		} else {
			p.Rotated(tf, col, x+1.8, mid-nw/2, math.Pi/2, name, nil)
		}
	}
}

// dTimerName is where a timer's name was written: along a lane, from y0
// to y1.
type dTimerName struct {
	side   dSide
	lane   int
	y0, y1 float64
}

// nameSpot returns the middle of a place for a timer name nw long along b:
// on a solid stretch of the bracket (not across a cut), clear of the names
// already written in its lane and beside it, nearest the middle of the
// longest stretch. It reports false when there is none.
func (d *diagram) nameSpot(b *dBracket, nw float64) (float64, bool) {
	const end, step = 4.0, 3.0 // room at the stretch's ends; how far a name moves at a time
	var pieces [][2]float64
	top := b.y0
	for _, g := range d.gaps {
		if g.y0 >= b.y0 && g.y1 <= b.y1 {
			pieces = append(pieces, [2]float64{top, g.y0})
			top = g.y1
		}
	}
	pieces = append(pieces, [2]float64{top, b.y1})
	slices.SortStableFunc(pieces, func(a, b [2]float64) int { return cmp.Compare(b[1]-b[0], a[1]-a[0]) })
	clear := func(y0, y1 float64) bool {
		for _, n := range d.names {
			pad := 2.0 // beside it: the two names must not read as one
			if n.lane == b.lane {
				pad = 8
			}
			if n.side == b.side && n.lane >= b.lane-1 && n.lane <= b.lane+1 && y0 < n.y1+pad && n.y0 < y1+pad {
				return false
			}
		}
		return true
	}
	for _, pc := range pieces {
		lo, hi := pc[0]+end+nw/2, pc[1]-end-nw/2
		if lo > hi {
			continue
		}
		mid := (lo + hi) / 2
		for k := 0; mid-float64(k)*step >= lo || mid+float64(k)*step <= hi; k++ {
			for _, y := range [2]float64{mid - float64(k)*step, mid + float64(k)*step} {
				if y >= lo && y <= hi && clear(y-nw/2, y+nw/2) {
					return y, true
				}
			}
		}
	}
	return 0, false
}

// noteX returns where a note beside timeline s starts (left side: ends).
func (d *diagram) noteX(s dSide) float64 {
	off := 8 + float64(d.lanes[s])*dLane
	if s == dLeft {
		return d.x[s] - off
	}
	return d.x[s] + off
}

// drawNote writes text beside timeline s, its first line at y, wrapped to
// the note column (placeRecords left room for the lines below).
func (d *diagram) drawNote(p canvas.Painter, s dSide, y float64, col color.Color, text string) {
	f := canvas.Face(dfsNote)
	align := canvas.AlignLeft
	if s == dLeft {
		align = canvas.AlignRight
	}
	for i, line := range d.noteLines(s, text) {
		p.TextMid(f, col, d.noteX(s), y+float64(i)*dNoteLine, align, line)
	}
}

// dWrap breaks s at spaces into lines at most w points wide, and at most
// maxLines of them: a word wider than w is cut with "…", and so is the
// last line when the text needs more.
func dWrap(f font.Face, s string, w float64, maxLines int) []string {
	words := strings.Fields(s)
	var lines []string
	for len(words) > 0 {
		if len(lines) == maxLines-1 {
			return append(lines, dFitWidth(f, strings.Join(words, " "), w))
		}
		n := 1
		for n < len(words) && canvas.Width(f, strings.Join(words[:n+1], " ")) <= w {
			n++
		}
		lines = append(lines, dFitWidth(f, strings.Join(words[:n], " "), w))
		words = words[n:]
	}
	return lines
}

// dFitWidth cuts s with "…" to fit in w points.
func dFitWidth(f font.Face, s string, w float64) string {
	if canvas.Width(f, s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && canvas.Width(f, string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// drawNotes writes the state changes, aborts, crashes and link events.
func (d *diagram) drawNotes(p canvas.Painter) {
	f := canvas.Face(dfsNote)
	for _, n := range d.notes {
		y, _ := d.recY(n.rec)
		switch n.kind {
		case dNoteState:
			text := dFitWidth(f, n.text, d.noteW[n.side]-8)
			w := canvas.Width(f, text) + 8
			x := d.noteX(n.side)
			if n.side == dLeft {
				x -= w
			}
			fg, bd := dcolStateFg, dcolStateBd
			if n.conn >= 0 {
				fg, bd = d.connStyles[n.conn][0].text, d.connStyles[n.conn][0].line
			}
			p.Rect(x, y-6, w, 12, 3, dcolStateBg, bd)
			p.TextMid(f, fg, x+4, y, canvas.AlignLeft, text)
		case dNoteAlert:
			d.drawNote(p, n.side, y, dcolDrop, n.text)
		case dNoteMessage:
			col := dcolMessage
			if n.conn >= 0 {
				col = d.connStyles[n.conn][0].text
			}
			d.drawNote(p, n.side, y, col, n.text)
		case dNoteInfo:
			p.TextMid(f, dcolIdle, (d.x[0]+d.x[1])/2, y, canvas.AlignCenter, n.text)
		}
	}
}

// drawArrows draws the segments, their labels, the ✗ of drops with their
// reasons and the notes beside the timelines.
func (d *diagram) drawArrows(p canvas.Painter) {
	lf := canvas.Face(dfsLabel)
	asc, desc := canvas.CapHeight(lf)+0.8, lf.Extents().Descent.Points()
	// Lines first, so that labels and crosses lie on top of them.
	for _, a := range d.arrows {
		var dash []vg.Length
		if a.end < 0 {
			dash = []vg.Length{3, 2}
		}
		dx, dy := a.x1-a.x0, a.y1-a.y0
		l := math.Hypot(dx, dy)
		ux, uy := dx/l, dy/l
		end := [2]float64{a.x1, a.y1}
		head := !a.dropped && !a.cut1 && a.end >= 0
		if head {
			end = [2]float64{a.x1 - ux*6, a.y1 - uy*6}
		}
		p.Line(a.style.line, a.style.width, dash, [2]float64{a.x0, a.y0}, end)
		if head {
			hx, hy := a.x1-ux*7.5, a.y1-uy*7.5
			p.Fill(a.style.line, [2]float64{a.x1, a.y1}, [2]float64{hx + uy*3, hy - ux*3}, [2]float64{hx - uy*3, hy + ux*3})
		}
	}
	// Labels, each where it overlaps the fewest labels placed before it.
	var placed []dQuad
	for _, a := range d.arrows {
		if a.dropped && !a.cut1 {
			placed = append(placed, d.placeReason(a, asc, desc))
		}
		// The label reads left to right: along the arrow from its left end.
		lx, ly, rx, ry := a.x0, a.y0, a.x1, a.y1
		if rx < lx {
			lx, ly, rx, ry = rx, ry, lx, ly
		}
		l := math.Hypot(rx-lx, ry-ly)
		ux, uy := (rx-lx)/l, (ry-ly)/l
		// spot finds where a text tw long overlaps the fewest labels: at
		// the offsets along the arrow, above it first or below it first.
		spot := func(tw float64, offsets []float64, aboveFirst bool) (x, y float64, above bool) {
			bestHits := math.MaxInt
			for _, up := range []bool{aboveFirst, !aboveFirst} {
				for _, off := range offsets {
					nx, ny := uy, -ux
					gapUp := 2.2
					if !up {
						gapUp = -(asc + 2.2 + desc)
					}
					cx, cy := lx+ux*off+nx*gapUp, ly+uy*off+ny*gapUp
					q := dBox(cx, cy, ux, uy, tw, asc, desc)
					hits := 0
					// Only recent labels can be near: arrows come in time order.
					for i := max(0, len(placed)-dLabelLookback); i < len(placed); i++ {
						if q.overlaps(&placed[i]) {
							hits++
						}
					}
					if hits < bestHits {
						bestHits, x, y, above = hits, cx, cy, up
					}
					if hits == 0 {
						return
					}
				}
			}
			return
		}
		pad := dLabelPad
		room := l - 2*pad
		senderFirst := a.from == dRight && !a.dropped // the sender is at the arrow's right end
		tw := canvas.Width(lf, a.label)
		a.labelAt = [2]float64{math.NaN(), math.NaN()}
		above := true
		if offsets := dLabelOffsets(tw, room, pad, l, a.cut0 || a.cut1, senderFirst, false); len(offsets) > 0 {
			var x, y float64
			x, y, above = spot(tw, offsets, true)
			placed = append(placed, dBox(x, y, ux, uy, tw, asc, desc))
			a.labelAt, a.labelAngle = [2]float64{x, y}, math.Atan2(uy, ux)
		}
		// The messages it carries on the other side, near the sender.
		a.msgAt = [2]float64{math.NaN(), math.NaN()}
		if a.msg == "" {
			continue
		}
		mw := canvas.Width(lf, a.msg) + 2*dPillPad
		if offsets := dLabelOffsets(mw, room, pad, l, a.cut0 || a.cut1, senderFirst, true); len(offsets) > 0 {
			x, y, _ := spot(mw, offsets, !above)
			placed = append(placed, dBox(x, y, ux, uy, mw, asc, desc))
			a.msgAt, a.labelAngle = [2]float64{x + ux*dPillPad, y + uy*dPillPad}, math.Atan2(uy, ux)
		}
	}
	for _, a := range d.arrows {
		if !math.IsNaN(a.labelAt[0]) {
			p.Rotated(lf, a.style.text, a.labelAt[0], a.labelAt[1], a.labelAngle, a.label, dcolHalo)
		}
		if !math.IsNaN(a.msgAt[0]) {
			// In its own colour on a tint of it.
			ux, uy := math.Cos(a.labelAngle), math.Sin(a.labelAngle)
			col := d.msgColor(a)
			tint := dTint(col, dTintWhite)
			x, y := a.msgAt[0], a.msgAt[1]
			q := dBox(x-ux*dPillPad, y-uy*dPillPad, ux, uy, canvas.Width(lf, a.msg)+2*dPillPad, asc+0.6, desc+0.6)
			p.Fill(tint, q[:]...)
			p.Rotated(lf, col, x, y, a.labelAngle, a.msg, tint)
		}
	}
	nf := canvas.Face(dfsNote)
	for _, a := range d.arrows {
		if a.dropped && !a.cut1 {
			dCross(p, a.x1, a.y1, 4)
			p.Rotated(nf, dcolDrop, a.reasonAt[0], a.reasonAt[1], a.reasonAngle, a.reasonText, dcolHalo)
		}
		if a.tag != "" && !a.cut0 {
			d.drawNote(p, a.from, a.y0, a.kind.text, a.tag)
		}
		if a.rtag != "" && !a.cut1 && !a.dropped {
			d.drawNote(p, 1-a.from, a.y1, a.kind.text, a.rtag)
		}
	}
}

// dTintWhite is white's share in the tint under a message on an arrow.
const dTintWhite = 0.86

// dTint mixes c with white: f is white's share.
func dTint(c color.RGBA, f float64) color.RGBA {
	mix := func(v uint8) uint8 { return uint8(math.Round(float64(v)*(1-f) + 255*f)) }
	return color.RGBA{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: 0xFF}
}

// dPillPad is the room around the messages on an arrow, on their tint.
const dPillPad = 1.5

// dLabelOffsets returns where along an arrow l long a text tw long may
// start, in order of preference: with pad left at the ends, in the middle,
// at the sender's end, at the receiver's, then anywhere in dLabelSpots
// steps (with several connections, labels of parallel arrows crowd); for
// a message (msg), at the sender's end first. senderFirst says the sender
// is at the right end. One offset, centred, when the text does not fit;
// none when the arrow is cut at an edge and too short to say what it is.
func dLabelOffsets(tw, room, pad, l float64, cut, senderFirst, msg bool) []float64 {
	switch {
	case cut && tw > room:
		return nil
	case tw >= room:
		return []float64{pad + (room-tw)/2}
	}
	senderEnd := pad
	if senderFirst {
		senderEnd = l - pad - tw
	}
	receiverEnd := l - pad - tw - (senderEnd - pad)
	offsets := []float64{pad + (room-tw)/2, senderEnd, receiverEnd}
	if msg {
		offsets = []float64{senderEnd, pad + (room-tw)/2, receiverEnd}
	}
	for k := 1; k < dLabelSpots; k++ {
		offsets = append(offsets, pad+(room-tw)*float64(k)/dLabelSpots)
	}
	return offsets
}

// msgColor is the colour of the messages on a's arrow: its connection's
// when the diagram has several, else that of the notes about messages.
func (d *diagram) msgColor(a *dArrow) color.RGBA {
	if len(d.conns) > 1 {
		return a.style.text
	}
	return dcolMessage
}

// placeReason places the reason of a dropped segment and returns its box:
// on along the arrow's way past the ✗ when it ends before the far
// timeline, else below the arrow, ending at the ✗.
func (d *diagram) placeReason(a *dArrow, asc, desc float64) dQuad {
	a.reasonText = d.cat.Sprintf(catalog.MsgDropped, a.reason)
	rw := canvas.Width(canvas.Face(dfsNote), a.reasonText)
	dx, dy := a.x1-a.x0, a.y1-a.y0
	l := math.Hypot(dx, dy)
	vx, vy := dx/l, dy/l
	mid := (canvas.CapHeight(canvas.Face(dfsNote))) / 2
	x, y := a.x1+vx*9, a.y1+vy*9
	far := d.x[1-a.from]
	if end := x + vx*rw; (vx > 0 && end > far-6) || (vx < 0 && end < far+6) {
		// Past the ✗ it would cross the far timeline: end at the ✗
		// instead, below the line.
		x, y = a.x1-vx*(9+rw), a.y1-vy*(9+rw)
		mid = asc + 2.2
	}
	if vx < 0 { // reads left to right: start at the far end
		x, y = x+vx*rw, y+vy*rw
		vx, vy = -vx, -vy
	}
	nx, ny := vy, -vx
	x, y = x-nx*mid, y-ny*mid
	a.reasonAt = [2]float64{x, y}
	a.reasonAngle = math.Atan2(vy, vx)
	return dBox(x, y, vx, vy, rw, asc, desc)
}

// dLegendItem is one entry of the legend.
type dLegendItem struct {
	style *dSegStyle // a segment colour, or nil
	drop  bool       // the ✗
	timer bool       // a timer bracket
	fired bool       // the dot of a timer that fired
	text  string
}

// legend returns the entries for what the diagram shows.
func (d *diagram) legend() []dLegendItem {
	used := make(map[*dSegStyle]bool)
	drops := false
	for _, a := range d.arrows {
		used[a.style] = true
		drops = drops || a.dropped
	}
	var items []dLegendItem
	if len(d.conns) > 1 {
		// A colour per connection, then what the widths mean.
		data, ctl := false, false
		for k := range d.conns {
			items = append(items, dLegendItem{style: d.connStyles[k][0], text: d.connLegend(k)})
			data = data || used[d.connStyles[k][0]]
			ctl = ctl || used[d.connStyles[k][1]]
		}
		if data {
			items = append(items, dLegendItem{style: dStyleConnData, text: d.cat.Str(catalog.MsgLegendData)})
		}
		if ctl {
			items = append(items, dLegendItem{style: dStyleConnCtl, text: d.cat.Str(catalog.MsgLegendControl)})
		}
	}
	for _, s := range dSegStyles {
		if used[s] {
			items = append(items, dLegendItem{style: s, text: d.cat.Str(s.legend)})
		}
	}
	if drops {
		items = append(items, dLegendItem{drop: true, text: d.cat.Str(catalog.MsgLegendDropped)})
	}
	if len(d.brackets) > 0 {
		items = append(items, dLegendItem{timer: true, text: d.cat.Str(catalog.MsgTimer)})
		for _, b := range d.brackets {
			if b.end == dTimerFired {
				items = append(items, dLegendItem{fired: true, text: d.cat.Str(catalog.MsgFired)})
				break
			}
		}
	}
	return items
}

// legendRows lays the legend out in rows that fit the width.
func (d *diagram) legendRows() [][]dLegendItem {
	f := canvas.Face(dfsLegend)
	var rows [][]dLegendItem
	var row []dLegendItem
	x, right := d.x[dLeft], d.x[dRight]
	for _, it := range d.legend() {
		w := 28 + canvas.Width(f, it.text) + 14
		if len(row) > 0 && x+w > right {
			rows = append(rows, row)
			row, x = nil, d.x[dLeft]
		}
		row = append(row, it)
		x += w
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

func (d *diagram) legendHeight() float64 {
	if n := len(d.legendRows()); n > 0 {
		return 8 + 15*float64(n)
	}
	return 0
}

// drawFoot writes the "more segments" line and the legend.
func (d *diagram) drawFoot(p canvas.Painter) {
	f := canvas.Face(dfsLegend)
	y := d.yFoot
	if d.omitted > 0 {
		p.TextMid(canvas.Face(dfsIdle), dcolIdle, (d.x[0]+d.x[1])/2, y+6, canvas.AlignCenter, d.cat.Sprintf(catalog.MsgMoreSegments, d.omitted))
		y += 18
	}
	y += 8
	for _, row := range d.legendRows() {
		x := d.x[dLeft]
		for _, it := range row {
			mid := y + 4
			switch {
			case it.style != nil:
				p.Line(it.style.line, it.style.width, nil, [2]float64{x, mid}, [2]float64{x + 16, mid})
				p.Fill(it.style.line, [2]float64{x + 22, mid}, [2]float64{x + 15, mid - 3}, [2]float64{x + 15, mid + 3})
			case it.drop:
				p.Line(dStyleData.line, 1.2, nil, [2]float64{x, mid}, [2]float64{x + 12, mid})
				dCross(p, x+15, mid, 3.5)
			case it.timer:
				col := d.legendBracketColor()
				p.Line(col, 1.0, nil, [2]float64{x + 11, mid - 5}, [2]float64{x + 11, mid + 5})
				p.Line(col, 1.0, nil, [2]float64{x + 13.5, mid - 5}, [2]float64{x + 11, mid - 5})
				p.Line(col, 1.0, nil, [2]float64{x + 13.5, mid + 5}, [2]float64{x + 11, mid + 5})
			case it.fired:
				col := d.legendBracketColor()
				p.Line(col, 1.0, nil, [2]float64{x + 11, mid - 6}, [2]float64{x + 11, mid + 3})
				p.Circle(x+11, mid+3, 2.3, col)
			}
			p.TextMid(f, canvas.Ink, x+28, mid, canvas.AlignLeft, it.text)
			x += 28 + canvas.Width(f, it.text) + 14
		}
		y += 15
	}
}
