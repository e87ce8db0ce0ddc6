package viz_test

import (
	"bytes"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz"
)

// plotWriter is WriteSeqPlot or WriteWindowPlot.
type plotWriter func(w *bytes.Buffer, format string, recs []trace.Record, node string, opt viz.PlotOptions) error

var plotWriters = []struct {
	name  string
	write plotWriter
}{
	{"seq", func(w *bytes.Buffer, f string, r []trace.Record, n string, o viz.PlotOptions) error {
		return viz.WriteSeqPlot(w, f, r, n, o)
	}},
	{"window", func(w *bytes.Buffer, f string, r []trace.Record, n string, o viz.PlotOptions) error {
		return viz.WriteWindowPlot(w, f, r, n, o)
	}},
}

// drawPlot returns a plot of recs in format.
func drawPlot(t testing.TB, write plotWriter, format string, recs []trace.Record, opt viz.PlotOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf, format, recs, "", opt); err != nil {
		t.Fatalf("plot (%s): %v", format, err)
	}
	return buf.Bytes()
}

// The bulk transfer's 70,000 segments plot quickly and compactly: series are
// decimated to viz.PlotBins stretches of time. The PNGs are kept in
// testdata/plot to look at (rewritten under -update).
func TestPlot_Bulk(t *testing.T) {
	if testing.Short() {
		t.Skip("the bulk transfer in -short mode")
	}
	recs := diagramScenario(t, "bulk")
	for _, p := range plotWriters {
		for _, f := range []string{viz.FormatPNG, viz.FormatSVG, viz.FormatPDF} {
			start := time.Now()
			out := drawPlot(t, p.write, f, recs, viz.PlotOptions{})
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%s plot of bulk as %s took %v", p.name, f, d)
			}
			if len(out) > 2<<20 {
				t.Errorf("%s plot of bulk as %s is %d bytes: not decimated?", p.name, f, len(out))
			}
			if f == viz.FormatSVG {
				if n := strings.Count(string(out), "<path"); n > 8*viz.PlotBins+500 {
					t.Errorf("%s plot of bulk as SVG has %d paths: not decimated?", p.name, n)
				}
			}
			if f == viz.FormatPNG && diagramUpdating() {
				path := filepath.Join("testdata", "plot", p.name+"-bulk.png")
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

func TestPlot_PNG(t *testing.T) {
	recs := diagramScenario(t, "lost-segment")
	for _, p := range plotWriters {
		img := diagramPNG(t, drawPlot(t, p.write, viz.FormatPNG, recs, viz.PlotOptions{}))
		b := img.Bounds()
		if b.Dx() != 8*viz.DefaultDPI || b.Dy() != 45*viz.DefaultDPI/10 {
			t.Errorf("%s plot is %d×%d pixels, want 8×4.5 in at %d dpi", p.name, b.Dx(), b.Dy(), viz.DefaultDPI)
		}
		colors := diagramColors(img)
		want := map[string]color.RGBA{
			"blue (data, cwnd)":                 {0x00, 0x72, 0xB2, 0xFF},
			"green (ACKs, bytes in flight)":     {0x00, 0x9E, 0x73, 0xFF},
			"yellow (receive window)":           {0xE6, 0x9F, 0x00, 0xFF},
			"orange (retransmission, ssthresh)": {0xD5, 0x5E, 0x00, 0xFF},
		}
		for name, c := range want {
			if colors[c] < 10 {
				t.Errorf("%s plot has %d pixels of %s", p.name, colors[c], name)
			}
		}
		if len(colors) < 20 {
			t.Errorf("%s plot has %d colours", p.name, len(colors))
		}
		if diagramUpdating() {
			path := filepath.Join("testdata", "plot", p.name+"-lost-segment.png")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, drawPlot(t, p.write, viz.FormatPNG, recs, viz.PlotOptions{}), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Same trace, same bytes.
func TestPlot_Deterministic(t *testing.T) {
	recs := diagramScenario(t, "lost-segment")
	for _, p := range plotWriters {
		for _, f := range []string{viz.FormatSVG, viz.FormatPNG, viz.FormatPDF} {
			a := drawPlot(t, p.write, f, recs, viz.PlotOptions{})
			b := drawPlot(t, p.write, f, recs, viz.PlotOptions{})
			if !bytes.Equal(a, b) {
				t.Errorf("two %s plots as %s differ", p.name, f)
			}
			if f == viz.FormatPDF && !bytes.HasPrefix(a, []byte("%PDF-")) {
				t.Errorf("the %s PDF starts with %q", p.name, a[:min(8, len(a))])
			}
		}
	}
}

func TestPlot_Content(t *testing.T) {
	recs := diagramScenario(t, "lost-segment")
	seq := string(drawPlot(t, plotWriters[0].write, viz.FormatSVG, recs, viz.PlotOptions{}))
	for _, want := range []string{"Time–sequence graph: data from client to server", "data sent", "retransmitted", "ACK received", "ACK + receive window", "time (s)", " kB"} {
		if !strings.Contains(seq, want) {
			t.Errorf("the sequence plot lacks %q", want)
		}
	}
	win := string(drawPlot(t, plotWriters[1].write, viz.FormatSVG, recs, viz.PlotOptions{}))
	for _, want := range []string{"Windows of client", "cwnd", "ssthresh", "bytes in flight", "peer&#39;s receive window"} {
		if !strings.Contains(win, want) {
			t.Errorf("the window plot lacks %q", want)
		}
	}
	if strings.Contains(win, "receive buffer") {
		t.Error("the window plot shows a receive buffer the trace does not have")
	}
	// With a receive buffer variable, it is plotted.
	withBuf := append([]trace.Record(nil), recs...)
	for i := range recs {
		if r := recs[i]; r.Kind == trace.KindDeliver && r.Node == "client" && r.Pkt.Seg.Len > 0 {
			withBuf = append(withBuf, trace.Record{T: r.T, Kind: trace.KindVar, Node: "server", Conn: 1, Var: trace.VarRcvBuffer, Value: int64(r.Pkt.Seg.Len)})
		}
	}
	sortRecords(withBuf)
	win = string(drawPlot(t, plotWriters[1].write, viz.FormatSVG, withBuf, viz.PlotOptions{Title: "my title"}))
	for _, want := range []string{"server receive buffer", "my title"} {
		if !strings.Contains(win, want) {
			t.Errorf("the window plot with rcv_buffer lacks %q", want)
		}
	}
}

// sortRecords orders records by time, keeping the order of equal times.
func sortRecords(recs []trace.Record) {
	for i := 1; i < len(recs); i++ {
		for j := i; j > 0 && recs[j].T < recs[j-1].T; j-- {
			recs[j], recs[j-1] = recs[j-1], recs[j]
		}
	}
}

// From and To narrow the time axis; the server's data works as well as the
// client's.
func TestPlot_WindowAndNode(t *testing.T) {
	recs := diagramScenario(t, "handshake")
	for _, p := range plotWriters {
		var a, b bytes.Buffer
		if err := p.write(&a, viz.FormatSVG, recs, "server", viz.PlotOptions{}); err != nil {
			t.Errorf("%s plot of the server: %v", p.name, err)
		}
		if err := p.write(&b, viz.FormatSVG, recs, "server", viz.PlotOptions{From: diagramMS(100), To: diagramMS(200)}); err != nil {
			t.Errorf("%s plot of the server, windowed: %v", p.name, err)
		}
		if bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s plot: From/To changed nothing", p.name)
		}
	}
}

func TestPlot_Errors(t *testing.T) {
	recs := diagramScenario(t, "handshake")
	for _, p := range plotWriters {
		for _, tc := range []struct {
			format, node string
			opt          viz.PlotOptions
			want         string
		}{
			{"jpeg", "", viz.PlotOptions{}, `unknown drawing format "jpeg"`},
			{"png", "router", viz.PlotOptions{}, "router sends nothing"},
			{"png", "", viz.PlotOptions{Conn: 7}, "client sends nothing on connection 7"},
			{"png", "", viz.PlotOptions{From: diagramMS(9), To: diagramMS(1)}, "before it starts"},
		} {
			var buf bytes.Buffer
			err := p.write(&buf, tc.format, recs, tc.node, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s plot (%s, %q, %+v) = %v, want an error with %q", p.name, tc.format, tc.node, tc.opt, err, tc.want)
			}
		}
	}
}
