package main

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios/sweep"
	"github.com/tcpsim/tcpsim/viz/canvas"
)

// The model is Mathis et al.'s (MSS/RTT)·√(3/2)/√p, in bit/s.
func TestMathisModel(t *testing.T) {
	// 1460 bytes (11680 bits) per 100 ms is 116800 bit/s; at 1 %: · 1.22474 / √0.01.
	got := mathisModel(sweep.Metrics{MSS: 1460, RTT: 100 * time.Millisecond, Loss: 0.01})
	assert.InDelta(t, 1_430_502.0, got, 0.1)
	assert.Zero(t, mathisModel(sweep.Metrics{MSS: 1460, RTT: 100 * time.Millisecond}), "no loss: no model")
	assert.Zero(t, mathisModel(sweep.Metrics{MSS: 1460, Loss: 0.01}), "no RTT sample: no model")
}

// Runs group into a curve per value of the parameters other than a loss
// rate, a point per loss value with its seeds averaged, sorted by loss;
// runs that lost nothing or carried nothing stay off the log axes.
func TestSweepCurves(t *testing.T) {
	params := []sweep.Param{{Path: "link.loss"}, {Path: "link.delay"}}
	run := func(loss, delay string, p, thr float64) sweepRun {
		return sweepRun{p: sweep.Point{Values: []string{loss, delay}},
			r: sweep.Result{Metrics: sweep.Metrics{Loss: p, Throughput: thr, MSS: 1000, RTT: time.Second / 10}}}
	}
	curves := sweepCurves(params, []sweepRun{
		run("2%", "10ms", 0.020, 100), run("2%", "10ms", 0.022, 300),
		run("1%", "10ms", 0.010, 500),
		run("1%", "50ms", 0.011, 50),
		run("0%", "50ms", 0, 900),   // no loss
		run("1%", "50ms", 0.012, 0), // nothing carried
	})
	require.Len(t, curves, 2)
	assert.Equal(t, "link.delay=10ms", curves[0].name)
	require.Len(t, curves[0].points, 2)
	assert.Equal(t, 0.010, curves[0].points[0].loss, "sorted by loss")
	assert.InDelta(t, 0.021, curves[0].points[1].loss, 1e-12)
	assert.Equal(t, 200.0, curves[0].points[1].throughput, "the seeds' mean")
	assert.Len(t, curves[0].seeds, 3)
	assert.InDelta(t, 8000/0.1*math.Sqrt(1.5)/math.Sqrt(0.01), curves[0].points[0].model, 1e-6)
	assert.Equal(t, "link.delay=50ms", curves[1].name)
	assert.Len(t, curves[1].points, 1)
}

func TestTicks125(t *testing.T) {
	var labels []string
	for _, tk := range (ticks125{format: bitRate}).Ticks(300e3, 3.5e6) {
		labels = append(labels, tk.Label)
	}
	assert.Equal(t, []string{"500 kbit/s", "1 Mbit/s", "2 Mbit/s"}, labels)
	assert.Equal(t, "1.5 Gbit/s", bitRate(1.5e9))
	assert.Equal(t, "20 bit/s", bitRate(20))
	assert.Nil(t, (ticks125{format: bitRate}).Ticks(0, 1))
}

// tcpsim sweep --plot draws a PNG of the sweep; a sweep without loss says
// why it cannot be drawn; a bad extension is exit status 2.
func TestSweep_Plot(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "m.png")
	code, _, errOut := tcpsim(t, "sweep", "mathis", "--set", "duration=20s", "--param", "links.client_to_server.loss=1%,2%", "--seeds", "2", "--plot", file)
	require.Equal(t, exitOK, code, errOut)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 7*canvas.DefaultDPI, img.Bounds().Dx())

	code, _, errOut = tcpsim(t, "sweep", "handshake", "--param", "link.delay=10ms,20ms", "--plot", filepath.Join(dir, "h.png"))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errOut, "--plot "+filepath.Join(dir, "h.png")+": no run both lost data and carried some")
	assert.NoFileExists(t, filepath.Join(dir, "h.png"))

	code, _, errOut = tcpsim(t, "sweep", "mathis", "--plot", filepath.Join(dir, "m.gif"))
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "--plot "+filepath.Join(dir, "m.gif")+": the extension picks the format")
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "only m.png: no temporary file is left")
}
