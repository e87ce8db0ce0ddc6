package canvas

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// Painter draws on a vg.Canvas in points from the top left corner, y
// growing downwards, as a page is read.
type Painter struct {
	Canvas vg.Canvas
	Height float64 // the canvas height, in points
}

// pt returns the canvas point of (x, y).
func (p Painter) pt(x, y float64) vg.Point {
	return vg.Point{X: vg.Length(x), Y: vg.Length(p.Height - y)}
}

// path returns the path through pts ({x, y} pairs).
func (p Painter) path(pts ...[2]float64) vg.Path {
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

// Line strokes the polyline through pts; dash nil is solid.
func (p Painter) Line(col color.Color, width float64, dash []vg.Length, pts ...[2]float64) {
	p.Canvas.SetColor(col)
	p.Canvas.SetLineWidth(vg.Length(width))
	p.Canvas.SetLineDash(dash, 0)
	p.Canvas.Stroke(p.path(pts...))
	if dash != nil {
		p.Canvas.SetLineDash(nil, 0)
	}
}

// Fill fills the polygon through pts.
func (p Painter) Fill(col color.Color, pts ...[2]float64) {
	p.Canvas.SetColor(col)
	path := p.path(pts...)
	path.Close()
	p.Canvas.Fill(path)
}

// Rect fills (and with border set, strokes) a rectangle with rounded
// corners. Corners and circles are polygons, not arcs: gonum's backends
// draw arcs inside paths differently.
func (p Painter) Rect(x, y, w, h, r float64, bg, border color.Color) {
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
	p.Fill(bg, pts...)
	if border != nil {
		p.Line(border, 0.6, nil, append(pts, pts[0])...)
	}
}

// Circle fills a circle.
func (p Painter) Circle(x, y, r float64, col color.Color) {
	pts := make([][2]float64, 16)
	for k := range pts {
		a := float64(k) * math.Pi / 8
		pts[k] = [2]float64{x + r*math.Cos(a), y + r*math.Sin(a)}
	}
	p.Fill(col, pts...)
}

// Align says where a text's x is: at its left, its centre or its right.
type Align int

// The alignments.
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// Text writes s with its baseline at y; align says where x is.
func (p Painter) Text(f font.Face, col color.Color, x, y float64, align Align, s string) {
	switch align {
	case AlignCenter:
		x -= Width(f, s) / 2
	case AlignRight:
		x -= Width(f, s)
	}
	p.Canvas.SetColor(col)
	p.Canvas.FillString(f, p.pt(x, y), s)
}

// TextMid writes s vertically centred on y.
func (p Painter) TextMid(f font.Face, col color.Color, x, y float64, align Align, s string) {
	p.Text(f, col, x, y+CapHeight(f)/2, align, s)
}

// CapHeight approximates the height of capitals and digits in f.
func CapHeight(f font.Face) float64 { return 0.72 * f.Font.Size.Points() }

// Rotated writes s with its baseline starting at (x, y), along the
// direction angle (radians, clockwise from the x axis, as y grows
// downwards); with halo, over a box of that colour that keeps it readable
// where lines cross it.
func (p Painter) Rotated(f font.Face, col color.Color, x, y, angle float64, s string, halo color.Color) {
	p.Canvas.Push()
	p.Canvas.Translate(p.pt(x, y))
	p.Canvas.Rotate(-angle)
	if halo != nil {
		w := Width(f, s)
		ext := f.Extents()
		asc, desc := CapHeight(f)+0.8, ext.Descent.Points()
		var path vg.Path
		path.Move(vg.Point{X: -1.5, Y: vg.Length(-desc)})
		path.Line(vg.Point{X: vg.Length(w + 1.5), Y: vg.Length(-desc)})
		path.Line(vg.Point{X: vg.Length(w + 1.5), Y: vg.Length(asc)})
		path.Line(vg.Point{X: -1.5, Y: vg.Length(asc)})
		path.Close()
		p.Canvas.SetColor(halo)
		p.Canvas.Fill(path)
	}
	p.Canvas.SetColor(col)
	p.Canvas.FillString(f, vg.Point{}, s)
	p.Canvas.Pop()
}
