package plot_test

import (
	"bytes"
	"html"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
	builtins "github.com/tcpsim/tcpsim/viz/internal/builtin"
	"github.com/tcpsim/tcpsim/viz/internal/testtrace"
	"github.com/tcpsim/tcpsim/viz/plot"
)

// builtin returns the trace of a built-in scenario.
func builtin(t testing.TB, name string) []trace.Record { return builtins.Trace(t, name) }

// ms returns the instant n milliseconds into a run.
func ms(n int64) sim.Time { return sim.At(time.Duration(n) * time.Millisecond) }

// decodePNG decodes a PNG plot.
func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err, "decoding the PNG")
	return img
}

// colors counts the pixels of each colour.
func colors(img image.Image) map[color.RGBA]int {
	n := make(map[color.RGBA]int)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			n[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
		}
	}
	return n
}

// plotWriter is WriteSeq or WriteWindow.
type plotWriter func(w *bytes.Buffer, format canvas.Format, recs []trace.Record, node string, opt plot.Options) error

var plotWriters = []struct {
	name  string
	write plotWriter
}{
	{"seq", func(w *bytes.Buffer, f canvas.Format, r []trace.Record, n string, o plot.Options) error {
		return plot.WriteSeq(w, f, r, n, o)
	}},
	{"window", func(w *bytes.Buffer, f canvas.Format, r []trace.Record, n string, o plot.Options) error {
		return plot.WriteWindow(w, f, r, n, o)
	}},
}

// drawPlot returns a plot of recs in format.
func drawPlot(t testing.TB, write plotWriter, format canvas.Format, recs []trace.Record, opt plot.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, write(&buf, format, recs, "", opt), "plot (%s)", format)
	return buf.Bytes()
}

// The bulk transfer's 70,000 segments plot quickly and compactly: series are
// decimated to plot.Bins stretches of time. The PNGs are kept in
// testdata/plot to look at (rewritten under -update).
func TestPlot_Bulk(t *testing.T) {
	if testing.Short() {
		t.Skip("the bulk transfer in -short mode")
	}
	recs := builtin(t, "bulk")
	for _, p := range plotWriters {
		for _, f := range []canvas.Format{canvas.PNG, canvas.SVG, canvas.PDF} {
			start := time.Now()
			out := drawPlot(t, p.write, f, recs, plot.Options{})
			assert.Less(t, time.Since(start), 5*time.Second, "%s plot of bulk as %s", p.name, f)
			assert.LessOrEqual(t, len(out), 2<<20, "%s plot of bulk as %s: bytes (not decimated?)", p.name, f)
			if f == canvas.SVG {
				assert.LessOrEqual(t, strings.Count(string(out), "<path"), 8*plot.Bins+500, "%s plot of bulk as SVG: paths (not decimated?)", p.name)
			}
			if f == canvas.PNG && testtrace.Updating() {
				testtrace.Golden(t, filepath.Join("testdata", p.name+"-bulk.png"), out)
			}
		}
	}
}

func TestPlot_PNG(t *testing.T) {
	recs := builtin(t, "lost-segment")
	for _, p := range plotWriters {
		img := decodePNG(t, drawPlot(t, p.write, canvas.PNG, recs, plot.Options{}))
		b := img.Bounds()
		assert.Equal(t, [2]int{8 * canvas.DefaultDPI, 45 * canvas.DefaultDPI / 10}, [2]int{b.Dx(), b.Dy()},
			"%s plot: 8×4.5 in at %d dpi", p.name, canvas.DefaultDPI)
		colors := colors(img)
		want := map[string]color.RGBA{
			"blue (data, cwnd)":                 {0x00, 0x72, 0xB2, 0xFF},
			"green (ACKs, bytes in flight)":     {0x00, 0x9E, 0x73, 0xFF},
			"yellow (receive window)":           {0xE6, 0x9F, 0x00, 0xFF},
			"orange (retransmission, ssthresh)": {0xD5, 0x5E, 0x00, 0xFF},
		}
		for name, c := range want {
			assert.GreaterOrEqual(t, colors[c], 10, "%s plot: pixels of %s", p.name, name)
		}
		assert.GreaterOrEqual(t, len(colors), 20, "%s plot: colours", p.name)
		if testtrace.Updating() {
			testtrace.Golden(t, filepath.Join("testdata", p.name+"-lost-segment.png"), drawPlot(t, p.write, canvas.PNG, recs, plot.Options{}))
		}
	}
}

// Same trace, same bytes.
func TestPlot_Deterministic(t *testing.T) {
	recs := builtin(t, "lost-segment")
	for _, p := range plotWriters {
		for _, f := range []canvas.Format{canvas.SVG, canvas.PNG, canvas.PDF} {
			a := drawPlot(t, p.write, f, recs, plot.Options{})
			b := drawPlot(t, p.write, f, recs, plot.Options{})
			assert.True(t, bytes.Equal(a, b), "two %s plots as %s differ", p.name, f)
			if f == canvas.PDF {
				assert.True(t, bytes.HasPrefix(a, []byte("%PDF-")), "the %s PDF starts with %q", p.name, a[:min(8, len(a))])
			}
		}
	}
}

func TestPlot_Content(t *testing.T) {
	recs := builtin(t, "lost-segment")
	seq := string(drawPlot(t, plotWriters[0].write, canvas.SVG, recs, plot.Options{}))
	for _, want := range []string{"Time–sequence graph: data from client to server", "data sent", "retransmitted", "ACK received", "ACK + receive window", "time (s)", " kB"} {
		assert.Contains(t, seq, want)
	}
	win := string(drawPlot(t, plotWriters[1].write, canvas.SVG, recs, plot.Options{}))
	for _, want := range []string{"Windows of client", "cwnd", "ssthresh", "bytes in flight", "peer&#39;s receive window"} {
		assert.Contains(t, win, want)
	}
	assert.NotContains(t, win, "receive buffer", "the window plot shows a receive buffer the trace does not have")
	// With a receive buffer variable, it is plotted.
	withBuf := append([]trace.Record(nil), recs...)
	for i := range recs {
		if r := recs[i]; r.Kind == trace.KindDeliver && r.Node == "client" && r.Pkt.Seg.Len > 0 {
			withBuf = append(withBuf, trace.Record{T: r.T, Kind: trace.KindVar, Node: "server", Conn: 1, Var: trace.VarRcvBuffer, Value: int64(r.Pkt.Seg.Len)})
		}
	}
	sortRecords(withBuf)
	win = string(drawPlot(t, plotWriters[1].write, canvas.SVG, withBuf, plot.Options{Title: "my title"}))
	for _, want := range []string{"server receive buffer", "my title"} {
		assert.Contains(t, win, want)
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
	recs := builtin(t, "handshake")
	for _, p := range plotWriters {
		var a, b bytes.Buffer
		assert.NoError(t, p.write(&a, canvas.SVG, recs, "server", plot.Options{}), "%s plot of the server", p.name)
		assert.NoError(t, p.write(&b, canvas.SVG, recs, "server", plot.Options{From: ms(100), To: ms(200)}), "%s plot of the server, windowed", p.name)
		assert.NotEqual(t, a.String(), b.String(), "%s plot: From/To change the plot", p.name)
	}
}

func TestPlot_Errors(t *testing.T) {
	recs := builtin(t, "handshake")
	for _, p := range plotWriters {
		for _, tc := range []struct {
			format canvas.Format
			node   string
			opt    plot.Options
			want   string
		}{
			{"jpeg", "", plot.Options{}, `unknown drawing format "jpeg"`},
			{"png", "router", plot.Options{}, "router sends nothing"},
			{"png", "", plot.Options{Conn: 7}, "client sends nothing on connection 7"},
			{"png", "", plot.Options{From: ms(9), To: ms(1)}, "before it starts"},
		} {
			var buf bytes.Buffer
			err := p.write(&buf, tc.format, recs, tc.node, tc.opt)
			if assert.Error(t, err, "%s plot (%s, %q, %+v)", p.name, tc.format, tc.node, tc.opt) {
				assert.Contains(t, err.Error(), tc.want)
			}
		}
	}
}

// svgTexts returns the text of every <text> element of an SVG.
func svgTexts(svg string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllStringSubmatch(svg, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// The lost segment is marked: a red ✗ over it, and a legend entry.
func TestPlot_SeqMarksDrops(t *testing.T) {
	recs := builtin(t, "lost-segment")
	for lang, want := range map[catalog.Lang]string{catalog.English: "dropped", catalog.Vietnamese: "bị loại bỏ"} {
		texts := svgTexts(string(drawPlot(t, plotWriters[0].write, canvas.SVG, recs, plot.Options{Lang: lang})))
		assert.Contains(t, texts, want, "%s: the legend", lang)
	}
	red := colors(decodePNG(t, drawPlot(t, plotWriters[0].write, canvas.PNG, recs, plot.Options{})))[color.RGBA{0xD7, 0x19, 0x1C, 0xFF}]
	assert.GreaterOrEqual(t, red, 40, "pixels of the red ✗ (#D7191C): one over the lost segment, one in the legend")
	// The handshake loses nothing: no ✗, no legend entry.
	assert.NotContains(t, svgTexts(string(drawPlot(t, plotWriters[0].write, canvas.SVG, builtin(t, "handshake"), plot.Options{}))), "dropped")
}

// The sequence axis fits the data and the ACKs (16.4 kB sent in
// lost-segment), not the receive window line far above them (ACK + 64 KiB),
// which is cut at the top with a note in the legend.
func TestPlot_SeqAxisFitsTheData(t *testing.T) {
	texts := svgTexts(string(drawPlot(t, plotWriters[0].write, canvas.SVG, builtin(t, "lost-segment"), plot.Options{})))
	top := 0.0
	for _, s := range texts {
		if v, ok := strings.CutSuffix(s, " kB"); ok {
			n, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err, s)
			top = max(top, n)
		}
	}
	assert.True(t, top >= 16 && top <= 20, "the highest sequence label is %v kB; the data end at 16.4 kB", top)
	assert.Contains(t, texts, "ACK + receive window (above the top, up to 81.9 kB)")
	// A window line close above the data stays whole: sliding-window's
	// four segments.
	texts = svgTexts(string(drawPlot(t, plotWriters[0].write, canvas.SVG, builtin(t, "sliding-window"), plot.Options{})))
	assert.Contains(t, texts, "ACK + receive window")
}
