package link

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// pacer offers packets to a link at a steady rate from its own timer, the
// way an endpoint's glue code does, and counts what arrives.
type pacer struct {
	e         *sim.Engine
	l         *Link
	timer     sim.Timer
	p         trace.Packet
	gap       time.Duration
	left      int // packets still to offer
	delivered int
	records   int
}

func newPacer(cfg Config, gap time.Duration) *pacer {
	s := &pacer{e: sim.NewEngine(0), gap: gap, p: full(0)}
	sink := trace.SinkFunc(func(*trace.Record) { s.records++ })
	s.l = New("client", "server", cfg, s.e, sim.NewRand(1, "link"), sink, func(sim.Time, *trace.Packet) { s.delivered++ })
	s.timer.Init(s.e, s.tick)
	return s
}

func (s *pacer) tick(now sim.Time) {
	s.p.ID++
	s.p.Seg.Seq += 1460
	s.l.Send(now, &s.p)
	if s.left--; s.left > 0 {
		s.timer.Reset(now.Add(s.gap))
	}
}

// run offers n packets and runs until all have arrived or been lost.
func (s *pacer) run(n int) {
	s.left = n
	s.timer.Reset(s.e.Now())
	if err := s.e.Run(sim.Never - 1); err != nil {
		panic(err)
	}
}

// Steady-state configurations: a 1 Gbit/s link with 10 ms of delay fed at
// line rate (about 830 packets in flight), with and without reordering.
var benchConfigs = []struct {
	name string
	cfg  Config
}{
	{"fifo", Config{Delay: 10 * time.Millisecond, Bandwidth: 1000 * mbps, QueuePackets: 100}},
	{"jitter", Config{Delay: 10 * time.Millisecond, Jitter: 2 * time.Millisecond, Bandwidth: 1000 * mbps, QueuePackets: 100}},
	{"reorder", Config{Delay: 10 * time.Millisecond, Jitter: 2 * time.Millisecond, Reorder: true, Bandwidth: 1000 * mbps, QueuePackets: 100}},
	{"lossy", Config{Delay: 10 * time.Millisecond, Bandwidth: 1000 * mbps, QueuePackets: 100, Loss: 0.01, MTU: 1500,
		Rules: []Rule{{Desc: "never", Match: func(sim.Time, *trace.Packet) bool { return false }}}}},
}

const lineRate1G = 12 * time.Microsecond // a 1500-byte packet at 1 Gbit/s

func TestSteadyStateAllocatesNothing(t *testing.T) {
	for _, bc := range benchConfigs {
		s := newPacer(bc.cfg, lineRate1G)
		s.run(5000) // grow the buffers
		allocs := testing.AllocsPerRun(5, func() { s.run(2000) })
		assert.Zero(t, allocs, bc.name)
		require.Equal(t, 5000+6*2000, int(s.l.Stats().Sent.Packets))
	}
}

// BenchmarkLinkSendDeliver measures one packet's way through a link: Send
// (its records, draws and decisions), queueing, and delivery by the arrival
// timer, with the engine and the pacing timer that offers it.
func BenchmarkLinkSendDeliver(b *testing.B) {
	benchmarkLink(b, benchConfigs[0].cfg)
}

// BenchmarkLinkSendDeliverVariants runs the same with jitter, reordering and
// loss.
func BenchmarkLinkSendDeliverVariants(b *testing.B) {
	for _, bc := range benchConfigs {
		b.Run(bc.name, func(b *testing.B) { benchmarkLink(b, bc.cfg) })
	}
}

func benchmarkLink(b *testing.B, cfg Config) {
	s := newPacer(cfg, lineRate1G)
	s.run(5000)
	b.ReportAllocs()
	b.ResetTimer()
	s.run(b.N)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "packets/s")
	st := s.l.Stats()
	if st.Sent.Packets != int64(5000+b.N) || st.InFlight != 0 || s.delivered+int(st.Dropped.Total().Packets) != 5000+b.N {
		b.Fatalf("packets unaccounted for: %+v", st)
	}
}
