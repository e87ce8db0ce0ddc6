package world

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// tally follows a trace: bytes each node's applications wrote and read,
// final states by node and connection, and the nodes' names.
type tally struct {
	written, read map[string]int64
	final         map[string]map[uint32]trace.State
	nodes         []string
	aborts        int
}

func newTally() *tally {
	return &tally{written: map[string]int64{}, read: map[string]int64{}, final: map[string]map[uint32]trace.State{}}
}

func (t *tally) Record(r *trace.Record) {
	switch r.Kind {
	case trace.KindNode:
		t.nodes = append(t.nodes, r.Node)
	case trace.KindApp:
		switch r.App {
		case trace.AppWrite:
			t.written[r.Node] += r.Value
		case trace.AppRead:
			t.read[r.Node] += r.Value
		}
	case trace.KindState:
		if t.final[r.Node] == nil {
			t.final[r.Node] = map[uint32]trace.State{}
		}
		t.final[r.Node][r.Conn] = r.To
	case trace.KindAbort:
		t.aborts++
	}
}

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

var path = link.Config{Delay: 5 * time.Millisecond, Bandwidth: 10e6, QueuePackets: 100}

// A world is not two hosts: here one host runs two clients, each talking
// to a server on its own host, and a third host serves two clients from two
// hosts on two ports. Every byte arrives, every connection closes.
func TestWorld_ManyHostsLinksAndConnections(t *testing.T) {
	tl := newTally()
	w := New("many", 1, 1_000_000, tl)
	cfg := tcp.DefaultConfig()
	a := w.AddHost("a", addr("10.0.0.1"), cfg)
	b := w.AddHost("b", addr("10.0.0.2"), cfg)
	c := w.AddHost("c", addr("10.0.0.3"), cfg)
	d := w.AddHost("d", addr("10.0.0.4"), cfg)
	for _, pair := range [][2]*Host{{a, b}, {a, c}, {d, c}} {
		w.AddLink(pair[0], pair[1], path, "link/"+pair[0].Name()+"→"+pair[1].Name())
		w.AddLink(pair[1], pair[0], path, "link/"+pair[1].Name()+"→"+pair[0].Name())
	}
	scripts := []*Script{
		NewServer(b, 80, &ScriptConfig{Reply: 3000}, 10_000),
		NewServer(c, 80, &ScriptConfig{Reply: 500}, 20_000),
		NewServer(c, 8080, &ScriptConfig{Reply: 700}, 4_000),
		NewClient(a, 40000, netip.AddrPortFrom(b.Addr(), 80), &ScriptConfig{Send: 10_000}, 3000),
		NewClient(a, 40001, netip.AddrPortFrom(c.Addr(), 80), &ScriptConfig{Send: 20_000, ConnectAt: time.Millisecond}, 500),
		NewClient(d, 40000, netip.AddrPortFrom(c.Addr(), 8080), &ScriptConfig{Send: 4_000}, 700),
	}
	for _, s := range scripts {
		s.Start()
	}
	for _, s := range scripts[3:] {
		s.StartConnect()
	}
	res, err := w.Run(time.Hour)
	require.NoError(t, err)
	assert.Equal(t, trace.EndFinished, res.Reason)
	assert.Equal(t, []string{"a", "b", "c", "d"}, tl.nodes)
	assert.Equal(t, int64(30_000), tl.written["a"])
	assert.Equal(t, int64(3000+500), tl.read["a"])
	assert.Equal(t, int64(10_000), tl.read["b"])
	assert.Equal(t, int64(24_000), tl.read["c"], "c serves two ports")
	assert.Equal(t, int64(500+700), tl.written["c"])
	assert.Equal(t, int64(700), tl.read["d"])
	assert.Zero(t, tl.aborts)
	for node, conns := range tl.final {
		for conn, st := range conns {
			assert.Equal(t, trace.StateClosed, st, "%s conn %d", node, conn)
		}
	}
	assert.Len(t, tl.final["a"], 2, "a opened two connections")
	assert.Len(t, tl.final["c"], 2, "c accepted two connections")
}

// The same construction and seed give the same trace, byte for byte.
func TestWorld_Deterministic(t *testing.T) {
	run := func() string {
		var out []byte
		w := New("det", 7, 1_000_000, trace.SinkFunc(func(r *trace.Record) {
			out = append(trace.AppendJSON(out, r), '\n')
		}))
		cfg := tcp.DefaultConfig()
		x := w.AddHost("x", addr("10.0.0.1"), cfg)
		y := w.AddHost("y", addr("10.0.0.2"), cfg)
		lossy := path
		lossy.Loss = 0.05
		w.AddLink(x, y, lossy, "link/x→y")
		w.AddLink(y, x, lossy, "link/y→x")
		srv := NewServer(y, 80, &ScriptConfig{Reply: 5000}, 50_000)
		cli := NewClient(x, 40000, netip.AddrPortFrom(y.Addr(), 80), &ScriptConfig{Send: 50_000}, 5000)
		srv.Start()
		cli.Start()
		cli.StartConnect()
		_, err := w.Run(time.Hour)
		require.NoError(t, err)
		return string(out)
	}
	first := run()
	assert.Equal(t, first, run())
	assert.Greater(t, len(first), 10_000)
}

// A host with no route to where its TCP sends is a broken construction.
func TestWorld_NoRouteIsABrokenInvariant(t *testing.T) {
	w := New("noroute", 1, 1000, nil)
	x := w.AddHost("x", addr("10.0.0.1"), tcp.DefaultConfig())
	cli := NewClient(x, 40000, netip.MustParseAddrPort("10.0.0.9:80"), &ScriptConfig{}, 0)
	cli.StartConnect()
	assert.PanicsWithValue(t, "world: host x has no route to 10.0.0.9", func() { _, _ = w.Run(time.Second) })
}
