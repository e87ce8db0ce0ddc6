package scenarios

import (
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// bulkScenario has the shapes of the ns-3 reference runs: a NewReno bulk
// transfer with MSS 1448, large buffers and a 100-packet drop-tail queue.
func bulkScenario(bytes int64, rate int64, delay time.Duration, loss float64) *Scenario {
	lc := link.Config{Delay: delay, Bandwidth: rate, QueuePackets: 100, MTU: 1500}
	data := lc
	data.Loss = loss
	cfg := tcp.DefaultConfig()
	cfg.MSS = 1448
	cfg.SendBuffer, cfg.RecvBuffer, cfg.WindowScaling = 16<<20, 16<<20, true
	cfg.MSL = time.Millisecond // the benchmark measures the transfer, not TIME-WAIT
	return &Scenario{
		Name: "bulk", Seed: 1, Duration: time.Hour, EventBudget: 1 << 40,
		ClientToServer: data, ServerToClient: lc,
		Client: Endpoint{Name: "client", Addr: netip.MustParseAddr("10.0.0.1"), Port: 49152, TCP: cfg, App: App{Send: bytes}},
		Server: Endpoint{Name: "server", Addr: netip.MustParseAddr("10.0.0.2"), Port: 80, TCP: cfg},
	}
}

// packetCounter counts packets sent and the bytes the server read.
type packetCounter struct {
	packets, read int64
}

func (c *packetCounter) Record(r *trace.Record) {
	switch r.Kind {
	case trace.KindSend:
		c.packets++
	case trace.KindApp:
		if r.Node == "server" && r.App == trace.AppRead {
			c.read += r.Value
		}
	}
}

func benchBulk(b *testing.B, s *Scenario) {
	b.ReportAllocs()
	var c packetCounter
	var events uint64
	for i := 0; i < b.N; i++ {
		c = packetCounter{}
		res, err := Run(s, &c)
		if err != nil {
			b.Fatal(err)
		}
		if c.read != s.Client.App.Send {
			b.Fatalf("server read %d of %d bytes", c.read, s.Client.App.Send)
		}
		events = res.Events
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(c.packets)/sec, "packets/s")
	b.ReportMetric(float64(events)/sec, "events/s")
	b.ReportMetric(float64(c.packets), "packets/op")
}

func BenchmarkBulk_1GB_1Gbps_1ms(b *testing.B) {
	benchBulk(b, bulkScenario(1e9, 1e9, time.Millisecond, 0))
}

func BenchmarkBulk_100MB_100Mbps_10ms(b *testing.B) {
	benchBulk(b, bulkScenario(100e6, 100e6, 10*time.Millisecond, 0))
}

// selectiveCounter is packetCounter declaring what it reads, as the
// summary does: hosts and links then build no timer, variable or delivery
// records.
type selectiveCounter struct{ packetCounter }

func (c *selectiveCounter) Reads() trace.KindSet { return trace.Kinds(trace.KindSend, trace.KindApp) }

// BenchmarkBulk_100MB_100Mbps_10ms_Selective is the 100 MB transfer with a
// sink that reads only what it counts.
func BenchmarkBulk_100MB_100Mbps_10ms_Selective(b *testing.B) {
	s := bulkScenario(100e6, 100e6, 10*time.Millisecond, 0)
	b.ReportAllocs()
	var c selectiveCounter
	for i := 0; i < b.N; i++ {
		c = selectiveCounter{}
		if _, err := Run(s, &c); err != nil {
			b.Fatal(err)
		}
		if c.read != s.Client.App.Send {
			b.Fatalf("server read %d of %d bytes", c.read, s.Client.App.Send)
		}
	}
	b.ReportMetric(float64(c.packets)/(b.Elapsed().Seconds()/float64(b.N)), "packets/s")
}

func BenchmarkBulk_100MB_100Mbps_10ms_Loss1pct(b *testing.B) {
	benchBulk(b, bulkScenario(100e6, 100e6, 10*time.Millisecond, 0.01))
}

// dumbbellBench is issue 9's speed goal: 10 long-lived flows through a
// 1 Gbit/s bottleneck (10 ms each way, 1000-packet queue) for 60
// simulated seconds, with buffers large enough that cwnd is the limit.
const dumbbellBench = `
duration: 60s
event_budget: 1000000000
bottleneck: {rate: 1Gbps, delay: 10ms, queue: 1000 packets}
flows: [{count: 10, stagger: 10ms, mss: 1448, send_buffer: 16MiB, recv_buffer: 16MiB}]
`

// BenchmarkDumbbell_10Flows_1Gbps_60s reports packets per second of
// wall time beside the single-flow bulk benchmarks, and the heap
// allocations per packet.
func BenchmarkDumbbell_10Flows_1Gbps_60s(b *testing.B) {
	s, err := Parse("dumbbell.yaml", []byte(dumbbellBench))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var c packetCounter
	var events uint64
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for i := 0; i < b.N; i++ {
		c = packetCounter{}
		res, err := Run(s, &c)
		if err != nil {
			b.Fatal(err)
		}
		events = res.Events
	}
	runtime.ReadMemStats(&ms1)
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(c.packets)/sec, "packets/s")
	b.ReportMetric(float64(events)/sec, "events/s")
	b.ReportMetric(float64(c.packets), "packets/op")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/float64(c.packets), "allocs/packet")
}
