package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/trace"
)

// longKeepalive is the keepalive-idle scenario with a keepalive idle time
// of 1 ms, run for d: a probe and its answer every 51 ms (1 ms idle and a
// 50 ms round trip), 11.9 million of them in a week.
func longKeepalive(d time.Duration) string {
	src, err := scenarios.Source("keepalive-idle")
	if err != nil {
		panic(err)
	}
	s := strings.Replace(string(src), "idle: 2h", "idle: 1ms", 1)
	s = strings.Replace(s, "duration: 6h10m", "duration: "+d.String(), 1)
	return s + "event_budget: 1000000000\n"
}

// bulk1GiB is a 1 GiB transfer over 1 Gbit/s and 1 ms, with the bulk
// scenario's buffers and queue: 740,000 data segments.
const bulk1GiB = `duration: 1h
event_budget: 1000000000
link: {delay: 1ms, bandwidth: 1Gbps, queue: 100}
client: {isn: 0, send: 1GiB, mss: 1448, send_buffer: 16MiB, recv_buffer: 16MiB}
server: {isn: 0, mss: 1448, send_buffer: 16MiB, recv_buffer: 16MiB}
`

// drawingFlags asks for every output drawn from the run (not the trace or
// the pcap, which stream to their files) into dir.
func drawingFlags(dir string) []string {
	var args []string
	for _, f := range []string{"--svg x.svg", "--png x.png", "--pdf x.pdf", "--plot-seq seq.png", "--plot-window window.png", "--mermaid x.mmd", "--plantuml x.puml"} {
		flag, file, _ := strings.Cut(f, " ")
		args = append(args, flag, filepath.Join(dir, file))
	}
	return args
}

// drawingMemory runs tcpsim's run with args as run does, and returns the
// bytes its drawings' collectors keep when the run ends (live on the heap
// after a collection) and the bytes allocated during the run. It then
// draws them.
func drawingMemory(t testing.TB, args ...string) (kept, allocated uint64) {
	t.Helper()
	var o *runOptions
	cmd := newRunCmd(io.Discard, io.Discard, func(opt *runOptions) error { o = opt; return nil })
	cmd.SetArgs(args)
	require.NoError(t, cmd.Execute())
	dr := o.newDrawings(nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := scenarios.Run(o.s, trace.Tee(dr.sinks...))
	require.NoError(t, err)
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept, allocated = after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc), after.TotalAlloc-before.TotalAlloc
	assert.Empty(t, dr.write(o, newFileSet(o.files, io.Discard, io.Discard)))
	return kept, allocated
}

// Outputs drawn from the run keep what they draw, not the run: every
// drawing of six hours of 1 ms keepalive probes (423,000 probes and
// answers) keeps a few megabytes, as an hour's do; a PNG of the first
// 100 ms of a 1 GiB transfer keeps less than one megabyte. Kept in memory
// whole, the six hours' trace took 4 GB and the gigabyte's 5.6 GB.
// (BenchmarkDrawingMemory measures a week.)
func TestMemory_BoundedByWhatIsDrawn(t *testing.T) {
	if testing.Short() {
		t.Skip("long runs in -short mode")
	}
	dir := t.TempDir()
	write := func(name, yaml string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(yaml), 0o644))
		return p
	}
	hour, hours := write("hour.yaml", longKeepalive(time.Hour)), write("hours.yaml", longKeepalive(6*time.Hour))

	keptHour, _ := drawingMemory(t, append(append([]string{}, drawingFlags(dir)...), hour)...)
	kept, allocated := drawingMemory(t, append(append([]string{}, drawingFlags(dir)...), hours)...)
	t.Logf("every drawing of 6 h of keepalive probes: %.1f MB kept (an hour: %.1f MB), %.0f MB allocated", mb(kept), mb(keptHour), mb(allocated))
	assert.Less(t, kept, uint64(24<<20), "the drawings of 6 h of keepalive keep too much")
	assert.Less(t, kept, keptHour+8<<20, "the drawings keep more for a longer run")

	kept, allocated = drawingMemory(t, "--png", filepath.Join(dir, "bulk.png"), "--to", "100ms", write("bulk.yaml", bulk1GiB))
	t.Logf("a PNG of 100 ms of a 1 GiB transfer: %.2f MB kept, %.0f MB allocated", mb(kept), mb(allocated))
	assert.Less(t, kept, uint64(4<<20), "the PNG of 100 ms keeps too much")
}

func mb(b uint64) float64 { return float64(b) / 1e6 }

// BenchmarkDrawingMemory reports what the drawings keep (kept-MB) and
// allocate (B/op) on the longest runs: every drawing of a week of 1 ms
// keepalive probes, and a PNG of 100 ms of a 1 GiB transfer. Run it with
//
//	go test ./cmd/tcpsim -run '^$' -bench DrawingMemory -benchtime 1x -benchmem
func BenchmarkDrawingMemory(b *testing.B) {
	dir := b.TempDir()
	week := filepath.Join(dir, "week.yaml")
	bulk := filepath.Join(dir, "bulk.yaml")
	require.NoError(b, os.WriteFile(week, []byte(longKeepalive(7*24*time.Hour)), 0o644))
	require.NoError(b, os.WriteFile(bulk, []byte(bulk1GiB), 0o644))
	for _, c := range []struct {
		name string
		args []string
	}{
		{"keepalive-week/all-drawings", append(drawingFlags(dir), week)},
		{"bulk-1GiB/png-to-100ms", []string{"--png", filepath.Join(dir, "bulk.png"), "--to", "100ms", bulk}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var kept uint64
			for range b.N {
				kept, _ = drawingMemory(b, c.args...)
			}
			b.ReportMetric(mb(kept), "kept-MB")
		})
	}
}
