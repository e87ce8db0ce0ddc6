package sweep

import (
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
)

// mathisModel is Mathis, Semke, Mahdavi and Ott (1997), "The macroscopic
// behavior of the TCP congestion avoidance algorithm", equation (3): a
// sawtooth with one loss per cycle and an ACK per segment gives
// BW = (MSS/RTT)·C/sqrt(p) with C = sqrt(3/2), in bits per second.
func mathisModel(mss int, rttSeconds, p float64) float64 {
	return float64(mss*8) / rttSeconds * math.Sqrt(1.5) / math.Sqrt(p)
}

// The built-in mathis scenario holds NewReno within 20 % of the model for
// loss rates of 0.5 %, 1 % and 2 %, on the mean over seeds (each run's own
// MSS and mean RTT in the formula, the configured loss rate as p). The
// normal suite runs 300 s per point and 2 seeds (about a second);
// TCPSIM_LONG=1 runs the scenario's own sweep length, 1000 s, and 8 seeds.
func TestMathis_WithinTwentyPercent(t *testing.T) {
	if testing.Short() {
		t.Skip("long bulk transfers in -short mode")
	}
	duration, seeds := "300s", 2
	if os.Getenv("TCPSIM_LONG") != "" {
		duration, seeds = "1000s", 8
	}
	base, err := scenarios.Load("mathis")
	require.NoError(t, err)
	require.NotNil(t, base.Sweep)
	require.Len(t, base.Sweep.Set, 1)
	assert.Equal(t, "duration=1000s", base.Sweep.Set[0].String(), "the scenario's own sweep")

	loss, err := ParseParam("links.client_to_server.loss=0.5%,1%,2%", "test")
	require.NoError(t, err)
	g := &Grid{Scenario: "mathis", Set: []scenarios.Override{{Path: "duration", Value: duration}}, Params: []Param{loss}, Seeds: Seeds(seeds)}
	ps := []float64{0.005, 0.01, 0.02}
	for k, p := range ps {
		sum := 0.0
		for s := range seeds {
			pt := g.Point(k*seeds + s)
			r, err := g.Run(pt)
			require.NoError(t, err)
			model := mathisModel(r.MSS, r.RTT.Seconds(), p)
			sum += r.Throughput / model
			t.Logf("p %v seed %d: %.0f bit/s, model %.0f bit/s (MSS %d, RTT %v, measured loss %.4f): ratio %.3f",
				pt.Values[0], r.Seed, r.Throughput, model, r.MSS, r.RTT, r.Loss, r.Throughput/model)
		}
		mean := sum / float64(seeds)
		t.Logf("p %v: mean ratio %.3f over %d seeds of %s", p, mean, seeds, duration)
		assert.InDelta(t, 1, mean, 0.2, "p = %v: simulated / model throughput", p)
	}
}
