package diagram

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot/vg"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
)

// referenceSVG draws recs as the diagram did when it kept the whole trace:
// the window, its segment limit and the connections counted over every
// record. It is the oracle the Collector is held to.
func referenceSVG(t *testing.T, recs []trace.Record, opt Options) []byte {
	t.Helper()
	require.NoError(t, opt.prepare())
	d := &diagram{opt: opt, cat: opt.Lang.Phrases(), recs: recs, width: opt.Width * 72}
	for i := range recs {
		if r := &recs[i]; r.Conn > 1 && r.Kind == trace.KindState {
			d.multiConn = true
		}
	}
	lo := 0
	for lo < len(recs) && recs[lo].T < opt.From {
		lo++
	}
	hi := len(recs)
	if opt.To != 0 {
		hi = lo
		for hi < len(recs) && recs[hi].T <= opt.To {
			hi++
		}
	}
	cut, omitted, n := -1, 0, 0
	for i := lo; i < hi && opt.MaxSegments > 0; i++ {
		if r := &recs[i]; r.Kind == trace.KindSend && d.between(r) {
			n++
			if n == opt.MaxSegments+1 {
				cut = i
			}
			if cut >= 0 {
				omitted++
			}
		}
	}
	d.window(cut, omitted)
	d.collect()
	d.layout()
	c, err := canvas.New(canvas.SVG, vg.Length(d.width), vg.Length(d.height), 0)
	require.NoError(t, err)
	d.draw(c)
	var b bytes.Buffer
	require.NoError(t, canvas.Write(&b, canvas.SVG, c))
	return b.Bytes()
}

func runScenario(t *testing.T, name, profile string) []trace.Record {
	t.Helper()
	s, err := scenarios.LoadWith(name, scenarios.Options{Profile: profile})
	require.NoError(t, err)
	var log trace.Log
	_, err = scenarios.Run(s, &log)
	require.NoError(t, err)
	return log.Records
}

// A Collector keeps only the window and what it needs from around it, and
// draws exactly what the diagram drew from the whole trace: every built-in
// scenario, windows that start and end in the middle of things (segments
// in flight, timers pending, relative numbers whose SYNs are before the
// window), and segment limits that cut the window short.
func TestCollector_DrawsAsTheWholeTrace(t *testing.T) {
	names := []string{"handshake", "lost-segment", "sliding-window", "syn-lost", "zero-window",
		"nagle-delayed-ack", "keepalive-idle", "keepalive-dead-peer", "keepalive-reboot", "link-outage", "failover",
		"http-keepalive", "http-browser", "http-pipelining"} // messages on arrows, connections in colours
	if !testing.Short() {
		names = append(names, "bulk")
	}
	for _, name := range names {
		for _, profile := range []string{"rfc", "linux"} {
			recs := runScenario(t, name, profile)
			end := recs[len(recs)-1].T
			at := func(f float64) sim.Time { return sim.Time(float64(end) * f) }
			if name == "bulk" {
				end = sim.At(3 * time.Second) // the interesting part
			}
			for _, opt := range []Options{
				{},
				{SeqNumbers: catalog.SeqRelative},
				{To: at(0.25)},
				{From: at(0.1), To: at(0.3), SeqNumbers: catalog.SeqRelative},
				{From: at(0.5)},
				{From: at(0.3), To: at(0.9), MaxSegments: 5, SeqNumbers: catalog.SeqRelative},
				{From: at(0.6), MaxSegments: 3},
				{MaxSegments: -1, To: at(0.05)},
				{From: end + 1},
			} {
				t.Run(fmt.Sprintf("%s/%s/%v-%v/%d", name, profile, opt.From, opt.To, opt.MaxSegments), func(t *testing.T) {
					want := referenceSVG(t, recs, opt)
					c := NewCollector(opt)
					for i := range recs {
						c.Record(&recs[i])
					}
					var got bytes.Buffer
					require.NoError(t, c.Write(&got, canvas.SVG))
					assert.True(t, bytes.Equal(want, got.Bytes()), "the collector's diagram differs from the whole trace's")
					if opt.From > 0 || opt.To > 0 {
						assert.Less(t, len(c.win.Records()), len(recs), "a window keeps less than the run")
					}
				})
			}
		}
	}
}
