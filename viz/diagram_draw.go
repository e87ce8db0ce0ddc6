package viz

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// dSegStyle is how a kind of segment is drawn.
type dSegStyle struct {
	line, text color.RGBA
	width      float64 // line width, points
	legend     msg
}

// rgb returns an opaque colour from 0xRRGGBB.
func dRGB(c uint32) color.RGBA {
	return color.RGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 0xFF}
}

// The segment styles, after the Okabe–Ito palette (readable with colour
// blindness), darkened for text on white.
var (
	dStyleData    = &dSegStyle{line: dRGB(0x0072B2), text: dRGB(0x005A8C), width: 1.2, legend: msgLegendData}
	dStyleControl = &dSegStyle{line: dRGB(0x4A4A4A), text: dRGB(0x333333), width: 1.0, legend: msgLegendControl}
	dStyleRetrans = &dSegStyle{line: dRGB(0xD55E00), text: dRGB(0xB34700), width: 1.5, legend: msgLegendRetrans}
	dStyleDupACK  = &dSegStyle{line: dRGB(0xCC79A7), text: dRGB(0xA3457C), width: 1.2, legend: msgLegendDupACK}
	dStyleWindow  = &dSegStyle{line: dRGB(0xE69F00), text: dRGB(0xA86E00), width: 1.3, legend: msgLegendWindow}
	dStyleUpdate  = &dSegStyle{line: dRGB(0x009E73), text: dRGB(0x007556), width: 1.3, legend: msgLegendUpdate}
	dStyleKeep    = &dSegStyle{line: dRGB(0x8E5DB5), text: dRGB(0x6C3F94), width: 1.3, legend: msgLegendKeep}
	dStyleRST     = &dSegStyle{line: dRGB(0x9E1B32), text: dRGB(0x9E1B32), width: 1.4, legend: msgLegendRST}
	// The order of the legend.
	dSegStyles = []*dSegStyle{dStyleData, dStyleControl, dStyleRetrans, dStyleDupACK, dStyleWindow, dStyleUpdate, dStyleKeep, dStyleRST}
)

// Other colours.
var (
	dcolInk      = dRGB(0x222222)
	dcolTimeline = dRGB(0x5A6570)
	dcolAxis     = dRGB(0x707070)
	dcolGrid     = dRGB(0xEEF0F2)
	dcolDrop     = dRGB(0xD7191C)
	dcolHeader   = dRGB(0x2F3E4E)
	dcolWhite    = dRGB(0xFFFFFF)
	dcolStateBg  = dRGB(0xE6F0F7)
	dcolStateFg  = dRGB(0x1F4E6E)
	dcolStateBd  = dRGB(0xA9C4D8)
	dcolIdle     = dRGB(0x808080)
	dcolHalo     = dRGB(0xFFFFFF)
)

// dTimerColors colour the timer brackets, by trace.Timer.
var dTimerColors = [...]color.RGBA{
	trace.TimerRetransmission: dRGB(0xD55E00),
	trace.TimerPersist:        dRGB(0xE69F00),
	trace.TimerKeepalive:      dRGB(0x8E5DB5),
	trace.TimerDelayedACK:     dRGB(0x56B4E9),
	trace.TimerTimeWait:       dRGB(0x7A7A7A),
}

func dTimerColor(t trace.Timer) color.RGBA {
	if int(t) < len(dTimerColors) && dTimerColors[t].A != 0 {
		return dTimerColors[t]
	}
	return dcolAxis
}

func dTimerName(t trace.Timer, cat *catalog) string {
	switch t {
	case trace.TimerRetransmission:
		return cat.str(msgTimerRetransmission)
	case trace.TimerPersist:
		return cat.str(msgTimerPersist)
	case trace.TimerKeepalive:
		return cat.str(msgTimerKeepalive)
	case trace.TimerDelayedACK:
		return cat.str(msgTimerDelayedACK)
	case trace.TimerTimeWait:
		return cat.str(msgTimerTimeWait)
	}
	return t.String()
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

// dPainter draws on a vg.Canvas in points from the top left corner.
type dPainter struct {
	c vg.Canvas
	h float64 // the canvas height
}

func (p dPainter) pt(x, y float64) vg.Point { return vg.Point{X: vg.Length(x), Y: vg.Length(p.h - y)} }

// path returns the path through pts ({x, y} pairs).
func (p dPainter) path(pts ...[2]float64) vg.Path {
	var path vg.Path
	for i, q := range pts {
		if i == 0 {
			path.Move(p.pt(q[0], q[1]))
		} else {
			path.Line(p.pt(q[0], q[1]))
		}
	}
	return path
}

// line strokes the polyline through pts; dash nil is solid.
func (p dPainter) line(col color.Color, width float64, dash []vg.Length, pts ...[2]float64) {
	p.c.SetColor(col)
	p.c.SetLineWidth(vg.Length(width))
	p.c.SetLineDash(dash, 0)
	p.c.Stroke(p.path(pts...))
	if dash != nil {
		p.c.SetLineDash(nil, 0)
	}
}

// fill fills the polygon through pts.
func (p dPainter) fill(col color.Color, pts ...[2]float64) {
	p.c.SetColor(col)
	path := p.path(pts...)
	path.Close()
	p.c.Fill(path)
}

// rect fills (and with border set, strokes) a rectangle with rounded
// corners. Corners and circles are polygons, not arcs: gonum's backends
// draw arcs inside paths differently.
func (p dPainter) rect(x, y, w, h, r float64, bg, border color.Color) {
	var pts [][2]float64
	corner := func(cx, cy, from float64) {
		for k := 0; k <= 4; k++ {
			a := from + float64(k)*math.Pi/8
			pts = append(pts, [2]float64{cx + r*math.Cos(a), cy + r*math.Sin(a)})
		}
	}
	corner(x+w-r, y+r, -math.Pi/2) // top right, clockwise on screen
	corner(x+w-r, y+h-r, 0)
	corner(x+r, y+h-r, math.Pi/2)
	corner(x+r, y+r, math.Pi)
	p.fill(bg, pts...)
	if border != nil {
		p.line(border, 0.6, nil, append(pts, pts[0])...)
	}
}

// circle fills a circle.
func (p dPainter) circle(x, y, r float64, col color.Color) {
	pts := make([][2]float64, 16)
	for k := range pts {
		a := float64(k) * math.Pi / 8
		pts[k] = [2]float64{x + r*math.Cos(a), y + r*math.Sin(a)}
	}
	p.fill(col, pts...)
}

// Text alignment.
const (
	dAlignLeft = iota
	dAlignCenter
	dAlignRight
)

// text writes s with its baseline at y; align says where x is.
func (p dPainter) text(f font.Face, col color.Color, x, y float64, align int, s string) {
	switch align {
	case dAlignCenter:
		x -= dWidth(f, s) / 2
	case dAlignRight:
		x -= dWidth(f, s)
	}
	p.c.SetColor(col)
	p.c.FillString(f, p.pt(x, y), s)
}

// textMid writes s vertically centred on y.
func (p dPainter) textMid(f font.Face, col color.Color, x, y float64, align int, s string) {
	p.text(f, col, x, y+dCapHeight(f)/2, align, s)
}

// dCapHeight approximates the height of capitals and digits.
func dCapHeight(f font.Face) float64 { return 0.72 * f.Font.Size.Points() }

// rotated writes s with its baseline starting at (x, y), along the direction
// angle (radians, clockwise from the x axis, as y grows downwards), over a
// halo that keeps it readable where lines cross it.
func (p dPainter) rotated(f font.Face, col color.Color, x, y, angle float64, s string, halo bool) {
	p.c.Push()
	p.c.Translate(p.pt(x, y))
	p.c.Rotate(-angle)
	if halo {
		w := dWidth(f, s)
		ext := f.Extents()
		asc, desc := dCapHeight(f)+0.8, ext.Descent.Points()
		var path vg.Path
		path.Move(vg.Point{X: -1.5, Y: vg.Length(-desc)})
		path.Line(vg.Point{X: vg.Length(w + 1.5), Y: vg.Length(-desc)})
		path.Line(vg.Point{X: vg.Length(w + 1.5), Y: vg.Length(asc)})
		path.Line(vg.Point{X: -1.5, Y: vg.Length(asc)})
		path.Close()
		p.c.SetColor(dcolHalo)
		p.c.Fill(path)
	}
	p.c.SetColor(col)
	p.c.FillString(f, vg.Point{}, s)
	p.c.Pop()
}

// cross draws the ✗ of a dropped segment (two strokes: the fonts lack the
// glyph).
func (p dPainter) cross(x, y, r float64) {
	p.line(dcolWhite, 4.2, nil, [2]float64{x - r, y - r}, [2]float64{x + r, y + r})
	p.line(dcolWhite, 4.2, nil, [2]float64{x - r, y + r}, [2]float64{x + r, y - r})
	p.line(dcolDrop, 2.0, nil, [2]float64{x - r, y - r}, [2]float64{x + r, y + r})
	p.line(dcolDrop, 2.0, nil, [2]float64{x - r, y + r}, [2]float64{x + r, y - r})
}

// dLabelLookback is how many of the labels placed last a new label is
// kept clear of; arrows come in time order, so older ones are far above.
const dLabelLookback = 64

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
	p := dPainter{c: c, h: d.height}
	p.fill(dcolWhite, [2]float64{0, 0}, [2]float64{d.width, 0}, [2]float64{d.width, d.height}, [2]float64{0, d.height})
	d.drawAxis(p)
	d.drawTimelines(p)
	d.drawBrackets(p)
	d.drawNotes(p)
	d.drawArrows(p)
	d.drawFoot(p)
}

// drawAxis writes the time labels on the left, with faint lines across.
func (d *diagram) drawAxis(p dPainter) {
	f := drawFace(dfsAxis)
	type label struct {
		y      float64
		text   string
		strong bool
	}
	var labels []label
	// The instants around each cut come first: they win over round ticks.
	for _, g := range d.gaps {
		if g.t0 != d.from {
			labels = append(labels, label{g.y0, string(appendSeconds(nil, g.t0, false)), true})
		}
		labels = append(labels, label{g.y1, string(appendSeconds(nil, g.t1, false)), true})
	}
	for _, t := range d.ticks() {
		if y, ok := d.timeY(t); ok {
			labels = append(labels, label{y, string(appendSeconds(nil, t, false)), false})
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
	x := d.axisRight
	right := d.width - dMargin
	for _, l := range kept {
		if !l.strong {
			p.line(dcolGrid, 0.6, nil, [2]float64{x + 4, l.y}, [2]float64{right, l.y})
		}
		col := dcolAxis
		if l.strong {
			col = dcolInk
		}
		p.line(dcolAxis, 0.6, nil, [2]float64{x + 1, l.y}, [2]float64{x + 4, l.y})
		p.textMid(f, col, x-1, l.y, dAlignRight, l.text)
	}
	// The axis line, broken at the cuts.
	y := d.yTop
	for _, g := range d.gaps {
		p.line(dcolAxis, 0.6, nil, [2]float64{x + 4, y}, [2]float64{x + 4, g.y0})
		y = g.y1
	}
	p.line(dcolAxis, 0.6, nil, [2]float64{x + 4, y}, [2]float64{x + 4, d.yBottom})
	p.text(drawFace(dfsAxis), dcolAxis, x+4, d.yTop-8, dAlignRight, d.cat.str(msgTime))
}

// drawTimelines draws the title, the node names and the two timelines with
// their breaks.
func (d *diagram) drawTimelines(p dPainter) {
	if d.title != "" {
		p.text(drawFace(dfsTitle), dcolInk, dMargin, dMargin+dfsTitle, dAlignLeft, d.title)
	}
	nf := drawFace(dfsNode)
	for s, name := range [2]string{d.opt.Left, d.opt.Right} {
		x := d.x[s]
		bw := max(dWidth(nf, name)+20, 64)
		p.rect(x-bw/2, d.yHead, bw, dHeaderH, 4, dcolHeader, nil)
		p.textMid(nf, dcolWhite, x, d.yHead+dHeaderH/2, dAlignCenter, name)
		y := d.yHead + dHeaderH
		for _, g := range d.gaps {
			p.line(dcolTimeline, 1.4, nil, [2]float64{x, y}, [2]float64{x, g.y0})
			p.line(dcolTimeline, 1.0, []vg.Length{2, 3}, [2]float64{x, g.y0}, [2]float64{x, g.y1})
			// A break mark: two slanted strokes over a white gap.
			mid := (g.y0 + g.y1) / 2
			p.fill(dcolWhite, [2]float64{x - 7, mid - 2}, [2]float64{x + 7, mid - 6}, [2]float64{x + 7, mid + 2}, [2]float64{x - 7, mid + 6})
			p.line(dcolTimeline, 1.2, nil, [2]float64{x - 7, mid - 2}, [2]float64{x + 7, mid - 6})
			p.line(dcolTimeline, 1.2, nil, [2]float64{x - 7, mid + 6}, [2]float64{x + 7, mid + 2})
			y = g.y1
		}
		p.line(dcolTimeline, 1.4, nil, [2]float64{x, y}, [2]float64{x, d.yBottom + 6})
		p.line(dcolTimeline, 1.4, nil, [2]float64{x - 5, d.yBottom + 6}, [2]float64{x + 5, d.yBottom + 6})
	}
	idle := drawFace(dfsIdle)
	for _, g := range d.gaps {
		mid := (g.y0 + g.y1) / 2
		p.textMid(idle, dcolIdle, (d.x[0]+d.x[1])/2, mid, dAlignCenter, d.cat.sprintf(msgIdle, dIdleText(g.t1.Sub(g.t0))))
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
func (d *diagram) drawBrackets(p dPainter) {
	tf := drawFace(dfsTimer)
	for _, b := range d.brackets {
		if b.y1-b.y0 < 2 || (b.stop >= 0 && d.recs[b.stop].T == d.recs[b.start].T) {
			continue // set and stopped at once: nothing to see
		}
		col := dTimerColor(b.timer)
		x := d.laneX(b.side, b.lane)
		toward := 2.5 // the caps point at the timeline
		if b.side == dRight {
			toward = -2.5
		}
		// The bracket, dashed across cut-out stretches.
		y := b.y0
		for _, g := range d.gaps {
			if g.y0 >= b.y0 && g.y1 <= b.y1 {
				p.line(col, 1.0, nil, [2]float64{x, y}, [2]float64{x, g.y0})
				p.line(col, 0.8, []vg.Length{1.5, 2}, [2]float64{x, g.y0}, [2]float64{x, g.y1})
				y = g.y1
			}
		}
		p.line(col, 1.0, nil, [2]float64{x, y}, [2]float64{x, b.y1})
		if !b.cut0 {
			p.line(col, 1.0, nil, [2]float64{x + toward, b.y0}, [2]float64{x, b.y0})
		}
		switch b.end {
		case dTimerFired:
			p.circle(x, b.y1, 2.3, col)
		case dTimerCancelled, dTimerReset:
			p.line(col, 1.0, nil, [2]float64{x, b.y1}, [2]float64{x + toward, b.y1})
		case dTimerOpen:
			p.fill(col, [2]float64{x - 2.2, b.y1 - 3}, [2]float64{x + 2.2, b.y1 - 3}, [2]float64{x, b.y1 + 1})
		}
		// The name, along the bracket on its outer side, where it fits.
		name := dTimerName(b.timer, d.cat)
		nw := dWidth(tf, name)
		top, bottom := b.y0, b.y1
		if b.crossesBreak {
			for _, g := range d.gaps {
				if g.y0 >= b.y0 && g.y0-b.y0 > nw+8 {
					bottom = g.y0
					break
				}
			}
		}
		if bottom-top < nw+8 {
			continue
		}
		mid := (top + bottom) / 2
		if b.side == dLeft {
			p.rotated(tf, col, x-1.8, mid+nw/2, -math.Pi/2, name, false)
		} else {
			p.rotated(tf, col, x+1.8, mid-nw/2, math.Pi/2, name, false)
		}
	}
}

// noteX returns where a note beside timeline s starts (left side: ends).
func (d *diagram) noteX(s dSide) float64 {
	off := 8 + float64(d.lanes[s])*dLane
	if s == dLeft {
		return d.x[s] - off
	}
	return d.x[s] + off
}

// drawNote writes text beside timeline s at y, cut to the note column.
func (d *diagram) drawNote(p dPainter, s dSide, y float64, col color.Color, text string) {
	f := drawFace(dfsNote)
	text = dFitWidth(f, text, d.noteW[s])
	if s == dLeft {
		p.textMid(f, col, d.noteX(s), y, dAlignRight, text)
	} else {
		p.textMid(f, col, d.noteX(s), y, dAlignLeft, text)
	}
}

// dFitWidth cuts s with "…" to fit in w points.
func dFitWidth(f font.Face, s string, w float64) string {
	if dWidth(f, s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && dWidth(f, string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// drawNotes writes the state changes, aborts, crashes and link events.
func (d *diagram) drawNotes(p dPainter) {
	f := drawFace(dfsNote)
	for _, n := range d.notes {
		y, _ := d.recY(n.rec)
		switch n.kind {
		case dNoteState:
			text := dFitWidth(f, n.text, d.noteW[n.side]-8)
			w := dWidth(f, text) + 8
			x := d.noteX(n.side)
			if n.side == dLeft {
				x -= w
			}
			p.rect(x, y-6, w, 12, 3, dcolStateBg, dcolStateBd)
			p.textMid(f, dcolStateFg, x+4, y, dAlignLeft, text)
		case dNoteAlert:
			d.drawNote(p, n.side, y, dcolDrop, n.text)
		case dNoteInfo:
			p.textMid(f, dcolIdle, (d.x[0]+d.x[1])/2, y, dAlignCenter, n.text)
		}
	}
}

// drawArrows draws the segments, their labels, the ✗ of drops with their
// reasons and the notes beside the timelines.
func (d *diagram) drawArrows(p dPainter) {
	lf := drawFace(dfsLabel)
	asc, desc := dCapHeight(lf)+0.8, lf.Extents().Descent.Points()
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
		p.line(a.style.line, a.style.width, dash, [2]float64{a.x0, a.y0}, end)
		if head {
			hx, hy := a.x1-ux*7.5, a.y1-uy*7.5
			p.fill(a.style.line, [2]float64{a.x1, a.y1}, [2]float64{hx + uy*3, hy - ux*3}, [2]float64{hx - uy*3, hy + ux*3})
		}
	}
	// Labels, each where it overlaps the fewest labels placed before it.
	var placed []dQuad
	for _, a := range d.arrows {
		// The label reads left to right: along the arrow from its left end.
		lx, ly, rx, ry := a.x0, a.y0, a.x1, a.y1
		if rx < lx {
			lx, ly, rx, ry = rx, ry, lx, ly
		}
		l := math.Hypot(rx-lx, ry-ly)
		ux, uy := (rx-lx)/l, (ry-ly)/l
		tw := dWidth(lf, a.label)
		pad := 10.0
		room := l - 2*pad
		a.labelAt = [2]float64{math.NaN(), math.NaN()}
		if (a.cut0 || a.cut1) && tw > room {
			tw = -1 // cut too short to say what it is: no label
		}
		var offsets []float64
		switch {
		case tw < 0:
		case tw >= room:
			offsets = []float64{pad + (room-tw)/2}
		default:
			senderEnd := pad
			if a.from == dRight && !a.dropped {
				senderEnd = l - pad - tw
			}
			offsets = []float64{pad + (room-tw)/2, senderEnd, l - pad - tw - (senderEnd - pad)}
		}
		bestHits := math.MaxInt
		var bx, by float64
		for _, above := range []bool{true, false} {
			for _, off := range offsets {
				nx, ny := uy, -ux
				gapUp := 2.2
				if !above {
					gapUp = -(asc + 2.2 + desc)
				}
				x, y := lx+ux*off+nx*gapUp, ly+uy*off+ny*gapUp
				q := dBox(x, y, ux, uy, tw, asc, desc)
				hits := 0
				// Only recent labels can be near: arrows come in time order.
				for i := max(0, len(placed)-dLabelLookback); i < len(placed); i++ {
					if q.overlaps(&placed[i]) {
						hits++
					}
				}
				if hits < bestHits {
					bestHits, bx, by = hits, x, y
				}
				if hits == 0 {
					break
				}
			}
			if bestHits == 0 {
				break
			}
		}
		if len(offsets) > 0 {
			placed = append(placed, dBox(bx, by, ux, uy, tw, asc, desc))
			a.labelAt, a.labelAngle = [2]float64{bx, by}, math.Atan2(uy, ux)
		}
		if a.dropped && !a.cut1 {
			// The reason goes on along the arrow's way, past the ✗.
			a.reasonText = d.cat.sprintf(msgDropped, a.reason)
			rw := dWidth(drawFace(dfsNote), a.reasonText)
			dx, dy := a.x1-a.x0, a.y1-a.y0
			l := math.Hypot(dx, dy)
			vx, vy := dx/l, dy/l
			mid := (dCapHeight(drawFace(dfsNote))) / 2
			x, y := a.x1+vx*9, a.y1+vy*9
			if end := x + vx*rw; end > d.width-4 || end < 4 {
				// Past the ✗ it would leave the page (a drop at the far
				// timeline): end at the ✗ instead, below the line.
				x, y = a.x1-vx*(9+rw), a.y1-vy*(9+rw)
				mid = -(asc + desc)
			}
			if vx < 0 { // reads left to right: start at the far end
				x, y = x+vx*rw, y+vy*rw
				vx, vy = -vx, -vy
			}
			nx, ny := vy, -vx
			x, y = x-nx*mid, y-ny*mid
			a.reasonAt = [2]float64{x, y}
			a.reasonAngle = math.Atan2(vy, vx)
			placed = append(placed, dBox(x, y, vx, vy, rw, asc, desc))
		}
	}
	for _, a := range d.arrows {
		if !math.IsNaN(a.labelAt[0]) {
			p.rotated(lf, a.style.text, a.labelAt[0], a.labelAt[1], a.labelAngle, a.label, true)
		}
	}
	nf := drawFace(dfsNote)
	for _, a := range d.arrows {
		if a.dropped && !a.cut1 {
			p.cross(a.x1, a.y1, 4)
			p.rotated(nf, dcolDrop, a.reasonAt[0], a.reasonAt[1], a.reasonAngle, a.reasonText, true)
		}
		if a.tag != "" && !a.cut0 {
			d.drawNote(p, a.from, a.y0, a.style.text, a.tag)
		}
		if a.rtag != "" && !a.cut1 && !a.dropped {
			d.drawNote(p, 1-a.from, a.y1, a.style.text, a.rtag)
		}
	}
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
	for _, s := range dSegStyles {
		if used[s] {
			items = append(items, dLegendItem{style: s, text: d.cat.str(s.legend)})
		}
	}
	if drops {
		items = append(items, dLegendItem{drop: true, text: d.cat.str(msgLegendDropped)})
	}
	if len(d.brackets) > 0 {
		items = append(items, dLegendItem{timer: true, text: d.cat.str(msgTimer)})
		for _, b := range d.brackets {
			if b.end == dTimerFired {
				items = append(items, dLegendItem{fired: true, text: d.cat.str(msgFired)})
				break
			}
		}
	}
	return items
}

// legendRows lays the legend out in rows that fit the width.
func (d *diagram) legendRows() [][]dLegendItem {
	f := drawFace(dfsLegend)
	var rows [][]dLegendItem
	var row []dLegendItem
	x, right := d.x[dLeft], d.x[dRight]
	for _, it := range d.legend() {
		w := 28 + dWidth(f, it.text) + 14
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
func (d *diagram) drawFoot(p dPainter) {
	f := drawFace(dfsLegend)
	y := d.yFoot
	if d.omitted > 0 {
		p.textMid(drawFace(dfsIdle), dcolIdle, (d.x[0]+d.x[1])/2, y+6, dAlignCenter, d.cat.sprintf(msgMoreSegments, d.omitted))
		y += 18
	}
	y += 8
	for _, row := range d.legendRows() {
		x := d.x[dLeft]
		for _, it := range row {
			mid := y + 4
			switch {
			case it.style != nil:
				p.line(it.style.line, it.style.width, nil, [2]float64{x, mid}, [2]float64{x + 16, mid})
				p.fill(it.style.line, [2]float64{x + 22, mid}, [2]float64{x + 15, mid - 3}, [2]float64{x + 15, mid + 3})
			case it.drop:
				p.line(dStyleData.line, 1.2, nil, [2]float64{x, mid}, [2]float64{x + 12, mid})
				p.cross(x+15, mid, 3.5)
			case it.timer:
				col := dTimerColor(d.brackets[0].timer)
				p.line(col, 1.0, nil, [2]float64{x + 11, mid - 5}, [2]float64{x + 11, mid + 5})
				p.line(col, 1.0, nil, [2]float64{x + 13.5, mid - 5}, [2]float64{x + 11, mid - 5})
				p.line(col, 1.0, nil, [2]float64{x + 13.5, mid + 5}, [2]float64{x + 11, mid + 5})
			case it.fired:
				col := dTimerColor(d.brackets[0].timer)
				p.line(col, 1.0, nil, [2]float64{x + 11, mid - 6}, [2]float64{x + 11, mid + 3})
				p.circle(x+11, mid+3, 2.3, col)
			}
			p.textMid(f, dcolInk, x+28, mid, dAlignLeft, it.text)
			x += 28 + dWidth(f, it.text) + 14
		}
		y += 15
	}
}
