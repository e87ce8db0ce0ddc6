package main

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	gonumplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/tcpsim/tcpsim/scenarios/sweep"
	"github.com/tcpsim/tcpsim/viz/canvas"
)

// This file draws a sweep's --plot: the throughput of every run against
// the loss it measured, on log-log axes, beside the model of Mathis,
// Semke, Mahdavi and Ott (1997), "The macroscopic behavior of the TCP
// congestion avoidance algorithm": throughput ≈ (MSS/RTT)·√(3/2)/√p,
// a straight line of slope −½ on these axes.

// sweepRun is one run's place in the grid and what it measured.
type sweepRun struct {
	p sweep.Point
	r sweep.Result
}

// mathisModel is the model's throughput in bit/s for a run's MSS, mean RTT
// and loss rate; 0 when the run has no loss or no RTT sample.
func mathisModel(m sweep.Metrics) float64 {
	if m.Loss <= 0 || m.RTT <= 0 || m.MSS <= 0 {
		return 0
	}
	return float64(m.MSS) * 8 / m.RTT.Seconds() * math.Sqrt(1.5) / math.Sqrt(m.Loss)
}

// sweepCurve is one line of the plot: the points that differ only in the
// swept loss and in the seed.
type sweepCurve struct {
	name   string
	points []sweepMean // by loss
	seeds  plotter.XYs // every run: measured loss, throughput
}

// sweepMean is a point of the grid, its seeds averaged.
type sweepMean struct{ loss, throughput, model float64 }

// sweepCurves groups the runs: a curve for each combination of the
// parameters other than a loss rate (".loss" paths), a point of it for
// each value of the loss, the mean of its seeds.
func sweepCurves(params []sweep.Param, runs []sweepRun) []sweepCurve {
	type acc struct {
		n, loss, thr float64
		model, nm    float64
	}
	var curves []sweepCurve
	index := map[string]int{}
	points := map[string]map[string]*acc{}
	var pointOrder = map[string][]string{}
	for _, run := range runs {
		if run.r.Throughput <= 0 || run.r.Loss <= 0 {
			continue // nothing to place on log axes
		}
		var others, all []string
		for i, v := range run.p.Values {
			kv := params[i].Path + "=" + v
			all = append(all, kv)
			if !strings.HasSuffix(params[i].Path, ".loss") {
				others = append(others, kv)
			}
		}
		name := strings.Join(others, ", ")
		k, ok := index[name]
		if !ok {
			k = len(curves)
			index[name] = k
			curves = append(curves, sweepCurve{name: name})
			points[name] = map[string]*acc{}
		}
		c := &curves[k]
		c.seeds = append(c.seeds, plotter.XY{X: run.r.Loss, Y: run.r.Throughput})
		key := strings.Join(all, ", ")
		a := points[name][key]
		if a == nil {
			a = &acc{}
			points[name][key] = a
			pointOrder[name] = append(pointOrder[name], key)
		}
		a.n++
		a.loss += run.r.Loss
		a.thr += run.r.Throughput
		if m := mathisModel(run.r.Metrics); m > 0 {
			a.model += m
			a.nm++
		}
	}
	for i := range curves {
		c := &curves[i]
		for _, key := range pointOrder[c.name] {
			a := points[c.name][key]
			m := sweepMean{loss: a.loss / a.n, throughput: a.thr / a.n}
			if a.nm > 0 {
				m.model = a.model / a.nm
			}
			c.points = append(c.points, m)
		}
		slices.SortStableFunc(c.points, func(a, b sweepMean) int { return cmp.Compare(a.loss, b.loss) })
	}
	return curves
}

// sweepColours are the curves' colours (Okabe and Ito's, as the plots).
var sweepColours = []color.Color{
	canvas.RGB(0x0072B2), canvas.RGB(0xD55E00), canvas.RGB(0x009E73),
	canvas.RGB(0xCC79A7), canvas.RGB(0xE69F00), canvas.RGB(0x56B4E9),
}

// writeSweepPlot draws the runs (see the top of the file) in format.
func writeSweepPlot(w io.Writer, format canvas.Format, scenario string, params []sweep.Param, runs []sweepRun) error {
	curves := sweepCurves(params, runs)
	if len(curves) == 0 {
		return fmt.Errorf("no run both lost data and carried some: a throughput-against-loss plot needs loss (sweep a loss rate such as link.loss)")
	}
	p := gonumplot.New()
	f := func(size vg.Length) font.Font { return font.From(canvas.Font, size) }
	p.Title.Text = fmt.Sprintf("%s: throughput against loss, and Mathis et al.'s model", scenario)
	p.Title.TextStyle.Font = f(12)
	p.Title.TextStyle.Color = canvas.Ink
	p.X.Label.Text = "data segments lost (measured)"
	p.Y.Label.Text = "throughput"
	for _, ax := range []*gonumplot.Axis{&p.X, &p.Y} {
		ax.Scale = gonumplot.LogScale{}
		ax.Label.TextStyle.Font = f(9.5)
		ax.Tick.Label.Font = f(8.5)
		ax.Color, ax.Tick.Color = canvas.Axis, canvas.Axis
		ax.Tick.Label.Color, ax.Label.TextStyle.Color = canvas.Ink, canvas.Ink
	}
	p.X.Tick.Marker = ticks125{format: func(v float64) string { return trimFloat(v*100) + " %" }}
	p.Y.Tick.Marker = ticks125{format: bitRate}
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = canvas.Grid, canvas.Grid
	p.Add(grid)
	p.Legend.Left = true // the data fall from top left to bottom right
	p.Legend.XOffs, p.Legend.YOffs = 6, 6
	p.Legend.TextStyle.Font = f(8.5)
	p.Legend.TextStyle.Color = canvas.Ink
	for i, c := range curves {
		col := sweepColours[i%len(sweepColours)]
		suffix := ""
		if c.name != "" {
			suffix = " (" + c.name + ")"
		}
		seeds, err := plotter.NewScatter(c.seeds)
		if err != nil {
			return err
		}
		seeds.GlyphStyle = draw.GlyphStyle{Color: col, Radius: 1.6, Shape: draw.RingGlyph{}}
		mean := make(plotter.XYs, len(c.points))
		var model plotter.XYs
		for j, m := range c.points {
			mean[j] = plotter.XY{X: m.loss, Y: m.throughput}
			if m.model > 0 {
				model = append(model, plotter.XY{X: m.loss, Y: m.model})
			}
		}
		line, points, err := plotter.NewLinePoints(mean)
		if err != nil {
			return err
		}
		line.LineStyle = draw.LineStyle{Color: col, Width: 1.5}
		points.GlyphStyle = draw.GlyphStyle{Color: col, Radius: 2.4, Shape: draw.CircleGlyph{}}
		p.Add(seeds, line, points)
		p.Legend.Add("simulated, mean of the seeds"+suffix, line, points)
		p.Legend.Add("simulated, each seed"+suffix, seeds)
		if len(model) > 0 {
			ml, err := plotter.NewLine(model)
			if err != nil {
				return err
			}
			ml.LineStyle = draw.LineStyle{Color: col, Width: 1.2, Dashes: []vg.Length{5, 3}}
			p.Add(ml)
			p.Legend.Add("model: (MSS/RTT)·√(3/2)/√p"+suffix, ml)
		}
	}
	const width, height = 7.0, 4.5 // inches
	cv, err := canvas.New(format, width*vg.Inch, height*vg.Inch, 0)
	if err != nil {
		return err
	}
	dc := draw.New(cv)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	p.BackgroundColor = nil
	p.Draw(draw.Crop(dc, 8, -8, 8, -8))
	return canvas.Write(w, format, cv)
}

// ticks125 marks a log axis at 1, 2 and 5 times each power of ten, and
// labels them with format.
type ticks125 struct{ format func(float64) string }

func (t ticks125) Ticks(lo, hi float64) []gonumplot.Tick {
	var ticks []gonumplot.Tick
	if lo <= 0 || hi <= lo {
		return nil
	}
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= lo*0.999 && v <= hi*1.001 {
				ticks = append(ticks, gonumplot.Tick{Value: v, Label: t.format(v)})
			}
		}
	}
	return ticks
}

// trimFloat writes v with up to 3 significant digits and no trailing zeros.
func trimFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', 3, 64)
	if strings.Contains(s, "e") {
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return s
}

// bitRate writes bit/s as 500 kbit/s, 2 Mbit/s, 1 Gbit/s.
func bitRate(v float64) string {
	for _, u := range []struct {
		scale float64
		name  string
	}{{1e9, "Gbit/s"}, {1e6, "Mbit/s"}, {1e3, "kbit/s"}} {
		if v >= u.scale {
			return trimFloat(v/u.scale) + " " + u.name
		}
	}
	return trimFloat(v) + " bit/s"
}
