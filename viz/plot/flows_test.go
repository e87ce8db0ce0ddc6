package plot_test

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/plot"
)

func TestJain(t *testing.T) {
	for _, tc := range []struct {
		x    []float64
		want float64
	}{
		{[]float64{5, 5, 5, 5}, 1},           // all equal
		{[]float64{1, 0, 0, 0}, 0.25},        // one has everything: 1/n
		{[]float64{1, 2, 3}, 36.0 / 42},      // (1+2+3)² / (3·(1+4+9))
		{[]float64{3, 1}, 16.0 / 20},         // (3+1)² / (2·(9+1))
		{[]float64{2e6, 2e6, 1e6, 1e6}, 0.9}, // 36e12 / (4·10e12)
		{[]float64{7}, 1},
		{nil, 0},
		{[]float64{0, 0}, 0},
	} {
		assert.InDelta(t, tc.want, plot.Jain(tc.x), 1e-12, "%v", tc.x)
	}
}

// flowTrace is two flows: s1→r1 from 0 reading 1000 bytes at 1 s and 2 s;
// s2→r2 from 1 s reading 500 bytes at 2 s; cwnds, queue samples and drops.
func flowTrace() []trace.Record {
	at := func(ms int64) sim.Time { return sim.At(time.Duration(ms) * time.Millisecond) }
	pkt := &trace.Packet{}
	return []trace.Record{
		{T: 0, Kind: trace.KindApp, Node: "s1", Conn: 1, App: trace.AppConnect},
		{T: 0, Kind: trace.KindApp, Node: "r1", Conn: 1, App: trace.AppListen, Value: 80},
		{T: at(10), Kind: trace.KindVar, Node: "s1", Conn: 1, Var: trace.VarCwnd, Value: 2920},
		{T: at(10), Kind: trace.KindVar, Node: "r1", Conn: 1, Var: trace.VarCwnd, Value: 99999}, // the receiver's: not plotted
		{T: at(20), Kind: trace.KindQueue, Node: "left→right", Value: 3, Off: 4500},
		{T: at(1000), Kind: trace.KindApp, Node: "r1", Conn: 1, App: trace.AppRead, Value: 1000},
		{T: at(1000), Kind: trace.KindApp, Node: "s2", Conn: 1, App: trace.AppConnect},
		{T: at(1500), Kind: trace.KindDrop, Node: "s2", Peer: "r2", Pkt: pkt, Drop: trace.Drop{Code: trace.DropQueueFull}},
		{T: at(1500), Kind: trace.KindDrop, Node: "s1", Peer: "r1", Pkt: pkt, Drop: trace.Drop{Code: trace.DropRandomLoss}}, // not the queue's
		{T: at(2000), Kind: trace.KindApp, Node: "r1", Conn: 1, App: trace.AppRead, Value: 1000},
		{T: at(2000), Kind: trace.KindApp, Node: "r2", Conn: 1, App: trace.AppRead, Value: 500},
		{T: at(2000), Kind: trace.KindApp, Node: "x", Conn: 1, App: trace.AppRead, Value: 7777}, // no flow's
		{T: at(3000), Kind: trace.KindEnd},
	}
}

var twoFlows = []plot.Flow{{Sender: "s1", Receiver: "r1"}, {Sender: "s2", Receiver: "r2"}}

func TestFlowsCollector_Stats(t *testing.T) {
	c := plot.NewFlowsCollector(twoFlows, 0, plot.Options{})
	for _, r := range flowTrace() {
		c.Record(&r)
	}
	st := c.Stats()
	require.Len(t, st, 2)
	assert.Equal(t, plot.FlowStats{Flow: twoFlows[0], Started: true, Start: 0, Read: 2000, Last: sim.At(2 * time.Second), Goodput: 8000}, st[0],
		"2000 bytes from its connect at 0 to its last read at 2 s: 8000 bit/s")
	assert.Equal(t, plot.FlowStats{Flow: twoFlows[1], Started: true, Start: sim.At(time.Second), Read: 500, Last: sim.At(2 * time.Second), Goodput: 4000}, st[1])
	assert.InDelta(t, 0.9, c.Fairness(), 1e-12, "(8000+4000)² / (2·(8000²+4000²))")
}

func TestFlowsCollector_Plots(t *testing.T) {
	c := plot.NewFlowsCollector(twoFlows, 100*time.Millisecond, plot.Options{})
	for _, r := range flowTrace() {
		c.Record(&r)
	}
	var flows, queue bytes.Buffer
	require.NoError(t, c.WriteFlows(&flows, canvas.SVG))
	require.NoError(t, c.WriteQueue(&queue, canvas.SVG))
	f, q := strings.Join(svgTexts(flows.String()), "\n"), strings.Join(svgTexts(queue.String()), "\n")
	assert.Contains(t, f, "Throughput and cwnd of 2 flows on one bottleneck")
	assert.Contains(t, f, "s1→r1")
	assert.Contains(t, f, "s2→r2")
	assert.Contains(t, f, "throughput (Mbit/s)")
	assert.Contains(t, f, "cwnd")
	assert.Contains(t, q, "The bottleneck's queue")
	assert.Contains(t, q, "left→right")
	assert.Contains(t, q, "left→right: dropped, queue full (1)", "one drop of the queue, not the random loss")

	var png bytes.Buffer
	require.NoError(t, c.WriteFlows(&png, canvas.PNG))
	decodePNG(t, png.Bytes())

	empty := plot.NewFlowsCollector(twoFlows, 0, plot.Options{})
	assert.ErrorContains(t, empty.WriteQueue(&png, canvas.SVG), "no queue records")
}

// The goodput bins widen as the run grows, so a long run keeps a bounded
// number of them, and the bytes stay counted.
func TestFlowsCollector_LongRunBinsWiden(t *testing.T) {
	c := plot.NewFlowsCollector(twoFlows[:1], time.Millisecond, plot.Options{})
	c.Record(&trace.Record{T: 0, Kind: trace.KindApp, Node: "s1", App: trace.AppConnect})
	for s := int64(1); s <= 100; s++ {
		c.Record(&trace.Record{T: sim.At(time.Duration(s) * time.Second), Kind: trace.KindApp, Node: "r1", App: trace.AppRead, Value: 1250})
	}
	st := c.Stats()[0]
	assert.Equal(t, int64(125_000), st.Read)
	assert.InDelta(t, 10_000, st.Goodput, 1e-9)
	var b bytes.Buffer
	require.NoError(t, c.WriteFlows(&b, canvas.SVG))
	assert.False(t, math.IsNaN(st.Goodput))
}
