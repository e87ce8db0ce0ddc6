package plot

import (
	"bytes"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
)

// unwindowed returns a Collector that keeps every point of the run, as the
// plots did when they read the whole trace, and clips them to the window
// only when it draws: the oracle a windowed Collector is held to.
func unwindowed(kind plotKind, node string, opt Options) *Collector {
	col := newCollector(kind, node, opt)
	for _, a := range []*pointAcc{&col.ack, &col.wnd, &col.cwnd, &col.sndWnd, &col.peerWin, &col.rcvBuf, &col.flight} {
		a.from, a.to = 0, 0
	}
	col.data.from, col.data.to = 0, 0
	col.retrans.from, col.retrans.to = 0, 0
	col.c.opt.From, col.c.opt.To = 0, 0 // for the stretches of ssthresh
	return col
}

// A windowed plot keeps only the points of its window and the value in
// force when it starts, and draws what the plot of every point drew.
func TestCollector_WindowKeepsOnlyWhatIsDrawn(t *testing.T) {
	for _, name := range []string{"lost-segment", "zero-window", "sliding-window", "link-outage", "keepalive-reboot", "failover"} {
		s, err := scenarios.Load(name)
		require.NoError(t, err)
		var log trace.Log
		_, err = scenarios.Run(s, &log)
		require.NoError(t, err)
		recs := log.Records
		end := recs[len(recs)-1].T
		at := func(f float64) sim.Time { return sim.Time(float64(end) * f) }
		for _, node := range []string{"client", "server"} {
			for _, opt := range []Options{{}, {To: at(0.3)}, {From: at(0.2), To: at(0.5)}, {From: at(0.6)}} {
				for _, kind := range []plotKind{seqPlot, windowPlot} {
					t.Run(fmt.Sprintf("%s/%s/%v-%v/%d", name, node, opt.From, opt.To, kind), func(t *testing.T) {
						ref, got := unwindowed(kind, node, opt), newCollector(kind, node, opt)
						for i := range recs {
							ref.Record(&recs[i])
							got.Record(&recs[i])
						}
						ref.c.opt = opt
						var a, b bytes.Buffer
						errA, errB := ref.Write(&a, canvas.SVG), got.Write(&b, canvas.SVG)
						require.Equal(t, errA, errB)
						assert.True(t, bytes.Equal(a.Bytes(), b.Bytes()), "the windowed plot differs")
					})
				}
			}
		}
	}
}

// A series longer than rawPoints is summarised per stretch of time: it
// keeps at most 4·maxBins points, its ends and its envelope.
func TestPointAcc_Summarises(t *testing.T) {
	var a pointAcc
	n := 3 * rawPoints
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range n {
		v := float64(i%1013) + float64(i)/1e3
		lo, hi = min(lo, v), max(hi, v)
		a.add(sim.At(time.Duration(i)*time.Millisecond), v)
		require.LessOrEqual(t, len(a.pts), max(rawPoints, 4*maxBins)+1, "point %d", i)
	}
	s := a.series()
	gotLo, gotHi := math.Inf(1), math.Inf(-1)
	for i, p := range s {
		if i > 0 {
			require.Greater(t, p.t, s[i-1].t, "point %d is out of order", i)
		}
		gotLo, gotHi = min(gotLo, p.v), max(gotHi, p.v)
	}
	assert.Equal(t, [2]float64{lo, hi}, [2]float64{gotLo, gotHi}, "the envelope")
	assert.Equal(t, 0.0, s[0].t, "the first point")
	assert.Equal(t, float64(n-1)/1e3, s[len(s)-1].t, "the last point")

	// The window: the value in force at From, nothing after To.
	w := pointAcc{from: sim.At(time.Second), to: sim.At(2 * time.Second)}
	for i := range 3000 {
		w.add(sim.At(time.Duration(i)*time.Millisecond), float64(i))
	}
	s = w.series()
	assert.Equal(t, plotPoint{0.999, 999}, s[0], "the value in force at From")
	assert.Equal(t, plotPoint{2, 2000}, s[len(s)-1], "the last point at To")
	assert.Len(t, s, 1002)
}

// Bars past rawPoints become one bar per stretch, covering the same
// sequence numbers.
func TestBarAcc_Summarises(t *testing.T) {
	var a barAcc
	n := 3 * rawPoints
	for i := range n {
		at := sim.At(time.Duration(i) * time.Microsecond)
		a.add(at, seqBar{t: at.Seconds(), lo: float64(i * 1448), hi: float64((i + 1) * 1448)})
		require.LessOrEqual(t, len(a.bars), max(rawPoints, maxBins)+1, "bar %d", i)
	}
	assert.Equal(t, 0.0, a.bars[0].lo)
	assert.Equal(t, float64(n*1448), a.bars[len(a.bars)-1].hi)
	for i := 1; i < len(a.bars); i++ {
		require.Equal(t, a.bars[i-1].hi, a.bars[i].lo, "bar %d starts where the one before ends", i)
	}
}
