package diagram

import (
	"io"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
)

// Layout tests: the geometry of what a teacher projects, checked on the
// diagram as drawn (so the placement of labels, names and notes, which the
// drawing chooses, is final).

var (
	layoutMu     sync.Mutex
	layoutTraces = map[string][]trace.Record{}
)

// drawn returns the diagram of a built-in scenario as Write draws it.
func drawn(t *testing.T, name string, opt Options) *diagram {
	t.Helper()
	layoutMu.Lock()
	recs, ok := layoutTraces[name]
	if !ok {
		s, err := scenarios.Load(name)
		require.NoError(t, err)
		var log trace.Log
		_, err = scenarios.Run(s, &log)
		require.NoError(t, err)
		recs = log.Records
		layoutTraces[name] = recs
	}
	layoutMu.Unlock()
	c0 := NewCollector(opt)
	for i := range recs {
		c0.Record(&recs[i])
	}
	require.NoError(t, c0.err)
	d := newDiagram(c0)
	d.layout()
	c, err := canvas.New(canvas.SVG, 100, 100, 0) // the drawing places the labels
	require.NoError(t, err)
	d.draw(c)
	_, err = c.WriteTo(io.Discard)
	require.NoError(t, err)
	return d
}

var langs = []catalog.Lang{catalog.English, catalog.Vietnamese}

// The message that matters most, why a connection was aborted, is written
// in full: wrapped in its column, every word there, nothing cut with "…",
// and the record below it (the CLOSED badge) starts below its last line.
func TestLayout_AbortNoteWrapped(t *testing.T) {
	for _, name := range []string{"keepalive-dead-peer", "keepalive-reboot", "link-outage", "failover"} {
		for _, lang := range langs {
			d := drawn(t, name, Options{Lang: lang})
			var found bool
			for k, n := range d.notes {
				if n.kind != dNoteAlert || !strings.Contains(n.text, d.cat.Str(catalog.MsgAbortedSide)) {
					continue
				}
				found = true
				lines := d.noteLines(n.side, n.text)
				assert.Equal(t, strings.Join(strings.Fields(n.text), " "), strings.Join(lines, " "), "%s %s: the abort note is cut", name, lang)
				assert.Greater(t, len(lines), 1, "%s %s: %q fits on one line of %.0f pt?", name, lang, n.text, d.noteW[n.side])
				y, _ := d.recY(n.rec)
				last := y + float64(len(lines)-1)*dNoteLine
				for _, m := range d.notes[k+1:] {
					if m.side == n.side {
						ny, _ := d.recY(m.rec)
						assert.GreaterOrEqual(t, ny-6, last+3, "%s %s: %q runs into %q below it", name, lang, n.text, m.text)
						break
					}
				}
			}
			assert.True(t, found, "%s %s: no abort note", name, lang)
		}
	}
}

// A stretch of many round trips without a record is cut, not only an
// hours-long one: failover's one-second wait before reconnecting, with
// round trips of 40 and 120 ms, takes no page.
func TestLayout_IdleCutRelativeToRTT(t *testing.T) {
	d := drawn(t, "failover", Options{})
	var cuts []time.Duration
	for _, g := range d.gaps {
		cuts = append(cuts, g.t1.Sub(g.t0))
	}
	assert.Contains(t, cuts, time.Second, "the reconnect delay is cut: %v", cuts)
	assert.Equal(t, IdleRTTs*120*time.Millisecond, d.maxIdle.Truncate(10*time.Millisecond), "eight round trips of the median path")
	// A wait below MinAutoIdle stays to scale: the delayed ACK's 200 ms in
	// nagle-delayed-ack is the lesson.
	d = drawn(t, "nagle-delayed-ack", Options{})
	for _, g := range d.gaps {
		assert.Greater(t, g.t1.Sub(g.t0), MinAutoIdle, "nagle-delayed-ack: a stretch of %v is cut", g.t1.Sub(g.t0))
	}
	// MaxIdle set by hand wins.
	d = drawn(t, "failover", Options{MaxIdle: 30 * time.Second})
	assert.Empty(t, d.gaps, "no stretch of failover is longer than 30 s")
}

// A dropped segment's label ends before its ✗, and the reason stays
// between the timelines instead of running over the far one.
func TestLayout_DropLabels(t *testing.T) {
	lf := canvas.Face(dfsLabel)
	asc, desc := canvas.CapHeight(lf)+0.8, lf.Extents().Descent.Points()
	for _, name := range []string{"link-outage", "lost-segment", "keepalive-dead-peer", "failover"} {
		for _, lang := range langs {
			d := drawn(t, name, Options{Lang: lang})
			n := 0
			for _, a := range d.arrows {
				if !a.dropped || a.cut1 {
					continue
				}
				n++
				cross := dQuad{{a.x1 - 5, a.y1 - 5}, {a.x1 + 5, a.y1 - 5}, {a.x1 + 5, a.y1 + 5}, {a.x1 - 5, a.y1 + 5}}
				if !math.IsNaN(a.labelAt[0]) {
					q := dBox(a.labelAt[0], a.labelAt[1], math.Cos(a.labelAngle), math.Sin(a.labelAngle), canvas.Width(lf, a.label), asc, desc)
					assert.False(t, q.overlaps(&cross), "%s %s: the label %q runs under its ✗", name, lang, a.label)
				}
				r := dBox(a.reasonAt[0], a.reasonAt[1], math.Cos(a.reasonAngle), math.Sin(a.reasonAngle), canvas.Width(canvas.Face(dfsNote), a.reasonText), asc, desc)
				for _, c := range r {
					assert.True(t, c[0] > d.x[dLeft]+2 && c[0] < d.x[dRight]-2, "%s %s: %q crosses a timeline (x %.1f; timelines at %.1f and %.1f)",
						name, lang, a.reasonText, c[0], d.x[dLeft], d.x[dRight])
				}
			}
			assert.NotZero(t, n, "%s: no drop", name)
		}
	}
}

// Timer names sit on their own bracket, on a drawn stretch of it, and
// never run into another name in their lane or beside it (two keepalive
// brackets side by side read "keepalivekeepalive").
func TestLayout_TimerNames(t *testing.T) {
	for _, name := range []string{"failover", "keepalive-layers", "keepalive-dead-peer", "zero-window", "link-outage"} {
		d := drawn(t, name, Options{})
		require.NotEmpty(t, d.names, name)
		for i, a := range d.names {
			for _, g := range d.gaps {
				assert.False(t, a.y0 < g.y1 && g.y0 < a.y1, "%s: a timer name (%.0f–%.0f) floats over a cut (%.0f–%.0f)", name, a.y0, a.y1, g.y0, g.y1)
			}
			for _, b := range d.names[i+1:] {
				if a.side == b.side && a.lane-b.lane <= 1 && b.lane-a.lane <= 1 {
					assert.False(t, a.y0 < b.y1 && b.y0 < a.y1, "%s: timer names in lanes %d and %d overlap (%.0f–%.0f, %.0f–%.0f)", name, a.lane, b.lane, a.y0, a.y1, b.y0, b.y1)
				}
			}
		}
		// Each name lies along a bracket of its lane.
		for _, nm := range d.names {
			ok := false
			for _, b := range d.brackets {
				ok = ok || b.side == nm.side && b.lane == nm.lane && b.y0 <= nm.y0 && nm.y1 <= b.y1
			}
			assert.True(t, ok, "%s: a timer name (%.0f–%.0f) away from its bracket", name, nm.y0, nm.y1)
		}
	}
}

// A long run's times read in hours, minutes and seconds beside the seconds.
func TestLayout_LongRunClock(t *testing.T) {
	d := drawn(t, "keepalive-idle", Options{})
	assert.Equal(t, "7200.100112 s  2:00:00", d.axisText(d.gaps[0].t1))
	assert.Equal(t, "0.050 s", d.axisText(50_000_000), "the first minute has no clock")
	d = drawn(t, "link-outage", Options{})
	assert.Equal(t, "256.000 s", d.axisText(256e9), "a run shorter than 1000 s reads in seconds")
}

// The description goes under the title, wrapped to the width, in full.
func TestLayout_Description(t *testing.T) {
	s, err := scenarios.Load("keepalive-layers")
	require.NoError(t, err)
	for _, lang := range langs {
		text := s.DescriptionIn(string(lang))
		d := drawn(t, "keepalive-layers", Options{Lang: lang, Description: text})
		require.Greater(t, len(d.desc), 3, lang)
		assert.Equal(t, text, strings.Join(d.desc, " "), "%s: the description is cut", lang)
		for _, line := range d.desc {
			assert.LessOrEqual(t, canvas.Width(canvas.Face(dfsDesc), line), d.width-2*dMargin, lang)
		}
		assert.Greater(t, d.yHead, dMargin+24+float64(len(d.desc))*dDescLine, "%s: the node names are below the description", lang)
	}
}

// labelBoxes returns the boxes of the labels and messages d placed along
// its arrows.
func labelBoxes(d *diagram) (boxes []dQuad, names []string) {
	lf := canvas.Face(dfsLabel)
	asc, desc := canvas.CapHeight(lf)+0.8, lf.Extents().Descent.Points()
	for _, a := range d.arrows {
		ux, uy := math.Cos(a.labelAngle), math.Sin(a.labelAngle)
		if !math.IsNaN(a.labelAt[0]) {
			boxes = append(boxes, dBox(a.labelAt[0], a.labelAt[1], ux, uy, canvas.Width(lf, a.label), asc, desc))
			names = append(names, a.label)
		}
		if !math.IsNaN(a.msgAt[0]) {
			boxes = append(boxes, dBox(a.msgAt[0], a.msgAt[1], ux, uy, canvas.Width(lf, a.msg), asc, desc))
			names = append(names, a.msg)
		}
	}
	return boxes, names
}

// Three connections' segments cross and run parallel in bursts, yet no
// label or message covers another: each finds a free place along its
// arrow (the middle, an end, or one of the steps between).
func TestLayout_LabelsOfSeveralConnectionsApart(t *testing.T) {
	d := drawn(t, "http-browser", Options{})
	boxes, names := labelBoxes(d)
	require.Len(t, boxes, 44+12, "a label per segment, a message per request and response")
	for i := range boxes {
		for j := i + 1; j < len(boxes); j++ {
			assert.False(t, boxes[i].overlaps(&boxes[j]), "%q covers %q", names[i], names[j])
		}
	}
	for _, a := range d.arrows {
		if a.msg != "" {
			assert.False(t, math.IsNaN(a.msgAt[0]), "the message %q is drawn", a.msg)
		}
	}
}

// In the first second of bulk, segments come back to back and their
// labels crowd: a label that finds neither the middle nor an end of its
// arrow free looks along it, so that few still cover another (9 did when
// only the middle and the ends were tried).
func TestLayout_CrowdedLabelsLookAlongTheArrow(t *testing.T) {
	if testing.Short() {
		t.Skip("bulk takes a while")
	}
	d := drawn(t, "bulk", Options{To: sim.At(time.Second)})
	boxes, _ := labelBoxes(d)
	n := 0
	for i := range boxes {
		for j := i + 1; j < len(boxes); j++ {
			if boxes[i].overlaps(&boxes[j]) {
				n++
			}
		}
	}
	assert.LessOrEqual(t, n, 2, "labels covering another, of %d", len(boxes))
}
