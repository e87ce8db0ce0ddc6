package viz_test

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz"
	"github.com/tcpsim/tcpsim/wire"
)

// diagramUpdating reports whether -update (declared by the package's own
// tests) asks to rewrite the golden files.
func diagramUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

var (
	diagramTracesMu sync.Mutex
	diagramTraces   = map[string][]trace.Record{}
)

// diagramScenario returns the trace of a built-in scenario, run once per
// test binary.
func diagramScenario(t testing.TB, name string) []trace.Record {
	t.Helper()
	diagramTracesMu.Lock()
	defer diagramTracesMu.Unlock()
	if recs, ok := diagramTraces[name]; ok {
		return recs
	}
	s, err := scenarios.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	var log trace.Log
	if _, err := scenarios.Run(s, &log); err != nil {
		t.Fatal(err)
	}
	diagramTraces[name] = log.Records
	return log.Records
}

// drawDiagram returns the diagram of recs in format.
func drawDiagram(t testing.TB, format string, recs []trace.Record, opt viz.DiagramOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := viz.WriteDiagram(&buf, format, recs, opt); err != nil {
		t.Fatalf("WriteDiagram(%s): %v", format, err)
	}
	return buf.Bytes()
}

// diagramGolden compares got with testdata/diagram/name, or rewrites it
// under -update.
func diagramGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "diagram", name)
	if diagramUpdating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./viz -run Diagram -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./viz -run Diagram -update rewrites it; read the diff, and look at the PNG)", path)
	}
}

// The golden SVGs of the built-in scenarios. The PNG next to each is for
// people to look at (and is rewritten with it); it is not compared.
func TestDiagram_GoldenSVG(t *testing.T) {
	for _, name := range []string{"handshake", "lost-segment"} {
		t.Run(name, func(t *testing.T) {
			recs := diagramScenario(t, name)
			diagramGolden(t, name+".svg", drawDiagram(t, viz.FormatSVG, recs, viz.DiagramOptions{}))
			if diagramUpdating() {
				diagramGolden(t, name+".png", drawDiagram(t, viz.FormatPNG, recs, viz.DiagramOptions{}))
			}
		})
	}
}

// More pictures to look at, rewritten under -update: a lost SYN, a
// two-hour keepalive with its idle stretch cut, and a slide-sized window of
// the lost segment with relative sequence numbers. Otherwise they are only
// drawn.
func TestDiagram_Examples(t *testing.T) {
	for _, ex := range []struct {
		file string
		recs []trace.Record
		opt  viz.DiagramOptions
	}{
		{"syn-lost.png", diagramScenario(t, "syn-lost"), viz.DiagramOptions{}},
		{"keepalive.png", diagramKeepalive(), viz.DiagramOptions{}},
		{"lost-segment-window.png", diagramScenario(t, "lost-segment"),
			viz.DiagramOptions{From: diagramMS(190), To: diagramMS(420), SeqNumbers: viz.SeqRelative}},
	} {
		png := drawDiagram(t, viz.FormatPNG, ex.recs, ex.opt)
		if diagramUpdating() {
			diagramGolden(t, ex.file, png)
		}
	}
}

// The SVG is well-formed enough to hold the words a reader looks for.
func TestDiagram_SVGContent(t *testing.T) {
	svg := string(drawDiagram(t, viz.FormatSVG, diagramScenario(t, "lost-segment"), viz.DiagramOptions{}))
	for _, want := range []string{
		"<svg", "</svg>", "client", "server",
		"SYN\u00a0 SEQ=100 WIN=65535 MSS=1460",
		"SYN,ACK\u00a0 SEQ=300 ACK=101 WIN=65535 MSS=1460",
		"dropped: data_segment 3",  // the drop reason beside the ✗
		"#3</text>",                // dup ACK #3, beside the server
		"retransmission",           // the fast retransmission, beside the client
		"ESTABLISHED", "TIME-WAIT", // state badges
		"RTO",                                    // a timer bracket's name
		"idle",                                   // the end of the run is cut
		"'Liberation Sans',Arial,Helvetica,sans", // fonts fall back in browsers
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("the lost-segment SVG lacks %q", want)
		}
	}
	if strings.Contains(svg, "✗") {
		t.Error("the SVG writes ✗ as text; it is drawn with two strokes (the font lacks it)")
	}
}

// diagramPNG decodes a PNG diagram.
func diagramPNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding the PNG: %v", err)
	}
	return img
}

// diagramColors counts the pixels of each colour.
func diagramColors(img image.Image) map[color.RGBA]int {
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

func TestDiagram_PNG(t *testing.T) {
	img := diagramPNG(t, drawDiagram(t, viz.FormatPNG, diagramScenario(t, "lost-segment"), viz.DiagramOptions{}))
	b := img.Bounds()
	if want := int(8 * viz.DefaultDPI); b.Dx() != want {
		t.Errorf("the PNG is %d pixels wide, want %d (8 in at %d dpi)", b.Dx(), want, viz.DefaultDPI)
	}
	if b.Dy() < b.Dx() || b.Dy() > 40*viz.DefaultDPI {
		t.Errorf("the PNG is %d pixels high; want between its width and 40 in", b.Dy())
	}
	colors := diagramColors(img)
	white := colors[color.RGBA{255, 255, 255, 255}]
	if white == b.Dx()*b.Dy() || white < b.Dx()*b.Dy()/2 {
		t.Errorf("%d of %d pixels are white: blank, or not a drawing on white", white, b.Dx()*b.Dy())
	}
	// The arrows' own colours, at full strength along the lines.
	for name, c := range map[string]color.RGBA{
		"data (blue)":              {0x00, 0x72, 0xB2, 0xFF},
		"retransmission (orange)":  {0xD5, 0x5E, 0x00, 0xFF},
		"dup ACK (pink)":           {0xCC, 0x79, 0xA7, 0xFF},
		"drop ✗ (red)":             {0xD7, 0x19, 0x1C, 0xFF},
		"node name boxes (slate)":  {0x2F, 0x3E, 0x4E, 0xFF},
		"state badges (pale blue)": {0xE6, 0xF0, 0xF7, 0xFF},
	} {
		if colors[c] < 20 {
			t.Errorf("the PNG has %d pixels of %s #%02X%02X%02X; want arrows, crosses and boxes drawn in it", colors[c], name, c.R, c.G, c.B)
		}
	}
	if len(colors) < 50 {
		t.Errorf("the PNG has %d distinct colours; want anti-aliased text and lines in several colours", len(colors))
	}
}

func TestDiagram_PDF(t *testing.T) {
	recs := diagramScenario(t, "handshake")
	a := drawDiagram(t, viz.FormatPDF, recs, viz.DiagramOptions{})
	if !bytes.HasPrefix(a, []byte("%PDF-")) {
		t.Fatalf("the PDF starts with %q", a[:min(len(a), 8)])
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20260101000000)")) {
		t.Error("the PDF's creation date is not the fixed one")
	}
	if b := drawDiagram(t, viz.FormatPDF, recs, viz.DiagramOptions{}); !bytes.Equal(a, b) {
		t.Error("two PDFs of the same trace differ")
	}
}

// Same trace, same bytes, in every format.
func TestDiagram_Deterministic(t *testing.T) {
	for _, name := range []string{"lost-segment", "syn-lost"} {
		recs := diagramScenario(t, name)
		for _, f := range []string{viz.FormatSVG, viz.FormatPNG, viz.FormatPDF} {
			a := drawDiagram(t, f, recs, viz.DiagramOptions{})
			b := drawDiagram(t, f, recs, viz.DiagramOptions{})
			if !bytes.Equal(a, b) {
				t.Errorf("%s: two %s drawings differ", name, f)
			}
		}
	}
}

func TestDiagram_Errors(t *testing.T) {
	recs := diagramScenario(t, "handshake")
	for _, tc := range []struct {
		format string
		opt    viz.DiagramOptions
		want   string
	}{
		{"gif", viz.DiagramOptions{}, `unknown drawing format "gif"`},
		{"svg", viz.DiagramOptions{SeqNumbers: "wrapped"}, `unknown sequence numbers "wrapped"`},
		{"svg", viz.DiagramOptions{From: diagramMS(500), To: diagramMS(100)}, "before it starts"},
		{"svg", viz.DiagramOptions{Left: "server"}, "same node"},
		{"svg", viz.DiagramOptions{Lang: "xx"}, `unknown language "xx"`},
	} {
		err := viz.WriteDiagram(&bytes.Buffer{}, tc.format, recs, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WriteDiagram(%s, %+v) = %v, want an error with %q", tc.format, tc.opt, err, tc.want)
		}
	}
}

func TestDiagram_Relative(t *testing.T) {
	svg := string(drawDiagram(t, viz.FormatSVG, diagramScenario(t, "handshake"), viz.DiagramOptions{SeqNumbers: viz.SeqRelative}))
	for _, want := range []string{"SYN\u00a0 SEQ=0 WIN", "SYN,ACK\u00a0 SEQ=0 ACK=1 WIN", "ACK\u00a0 SEQ=1 ACK=1 WIN"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the relative handshake lacks %q", want)
		}
	}
}

// Past MaxSegments the diagram stops and says how many it left out.
func TestDiagram_MaxSegments(t *testing.T) {
	if testing.Short() {
		t.Skip("the bulk transfer in -short mode")
	}
	recs := diagramScenario(t, "bulk")
	start := time.Now()
	svg := string(drawDiagram(t, viz.FormatSVG, recs, viz.DiagramOptions{}))
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the bulk diagram took %v", d)
	}
	// Segments still in flight at the bottom edge are drawn cut, without
	// their labels.
	if n := strings.Count(svg, "SEQ="); n > viz.DefaultDiagramSegments || n < viz.DefaultDiagramSegments*9/10 {
		t.Errorf("the bulk diagram labels %d segments, want about %d", n, viz.DefaultDiagramSegments)
	}
	if !strings.Contains(svg, "more segments not drawn") {
		t.Error("the bulk diagram does not say that segments were left out")
	}
	svg = string(drawDiagram(t, viz.FormatSVG, recs, viz.DiagramOptions{MaxSegments: 12}))
	if n := strings.Count(svg, "SEQ="); n > 12 || n < 6 {
		t.Errorf("with MaxSegments 12 the diagram labels %d segments", n)
	}
}

// diagramMS returns the instant n milliseconds into a run.
func diagramMS(n int64) sim.Time { return sim.At(time.Duration(n) * time.Millisecond) }

// diagramKeepalive is a synthetic trace: a handshake over 50 ms each way,
// two hours of silence, then a keepalive probe and its answer; then the
// link goes down.
func diagramKeepalive() []trace.Record {
	client := netip.MustParseAddrPort("10.0.0.1:40000")
	server := netip.MustParseAddrPort("10.0.0.2:80")
	var recs []trace.Record
	add := func(r trace.Record) { recs = append(recs, r) }
	var id uint64
	pkt := func(from string, flags wire.Flags, seq, ack wire.Seq, labels trace.Label, n int32) trace.Packet {
		id++
		src, dst := client, server
		if from == "server" {
			src, dst = server, client
		}
		seg := wire.Segment{Src: src, Dst: dst, Seq: seq, Ack: ack, Flags: flags, Window: 65535}
		if flags.Has(wire.SYN) {
			seg.Opt.MSS = 1460
		}
		return trace.Packet{ID: id, Seg: seg, Win: 65535, Labels: labels, N: n, Conn: 1}
	}
	peer := map[string]string{"client": "server", "server": "client"}
	send := func(t sim.Time, from string, p trace.Packet) {
		add(trace.Record{T: t, Kind: trace.KindSend, Node: from, Peer: peer[from], Conn: 1, Pkt: &p})
	}
	deliver := func(t sim.Time, from string, p trace.Packet) {
		add(trace.Record{T: t, Kind: trace.KindDeliver, Node: from, Peer: peer[from], Conn: 1, Pkt: &p})
	}
	state := func(t sim.Time, node, from, to string) {
		add(trace.Record{T: t, Kind: trace.KindState, Node: node, Conn: 1, From: word(trace.ParseState(from)), To: word(trace.ParseState(to))})
	}
	timer := func(t sim.Time, node, op string, at sim.Time) {
		add(trace.Record{T: t, Kind: trace.KindTimer, Node: node, Conn: 1, Timer: trace.TimerKeepalive, TimerOp: word(trace.ParseTimerOp(op)), At: at})
	}
	ms := diagramMS
	probe := 7_200_100 * time.Millisecond
	at := func(d time.Duration) sim.Time { return sim.At(probe + d) }

	add(trace.Record{Kind: trace.KindRun, Name: "keepalive", Value: 1})
	state(0, "client", "CLOSED", "SYN-SENT")
	syn := pkt("client", wire.SYN, 1000, 0, 0, 0)
	send(0, "client", syn)
	deliver(ms(50), "client", syn)
	state(ms(50), "server", "LISTEN", "SYN-RECEIVED")
	synack := pkt("server", wire.SYN|wire.ACK, 5000, 1001, 0, 0)
	send(ms(50), "server", synack)
	deliver(ms(100), "server", synack)
	state(ms(100), "client", "SYN-SENT", "ESTABLISHED")
	ack := pkt("client", wire.ACK, 1001, 5001, 0, 0)
	send(ms(100), "client", ack)
	timer(ms(100), "client", "set", at(0))
	deliver(ms(150), "client", ack)
	state(ms(150), "server", "SYN-RECEIVED", "ESTABLISHED")
	// Two hours later.
	timer(at(0), "client", "fired", 0)
	ka := pkt("client", wire.ACK, 1000, 5001, trace.LabelKeepalive, 1)
	send(at(0), "client", ka)
	timer(at(0), "client", "set", at(75*time.Second))
	deliver(at(50*time.Millisecond), "client", ka)
	kaack := pkt("server", wire.ACK, 5001, 1001, trace.LabelKeepaliveACK, 0)
	send(at(50*time.Millisecond), "server", kaack)
	deliver(at(100*time.Millisecond), "server", kaack)
	timer(at(100*time.Millisecond), "client", "cancelled", 0)
	timer(at(100*time.Millisecond), "client", "set", at(7200*time.Second))
	add(trace.Record{T: at(300 * time.Millisecond), Kind: trace.KindLink, Node: "client→server", Link: trace.LinkDown})
	add(trace.Record{T: at(310 * time.Millisecond), Kind: trace.KindEnd, End: trace.EndTimeLimit})
	return recs
}

// A two-hour silence is cut out, so that the keepalive fits on a page.
func TestDiagram_IdleGapIsCut(t *testing.T) {
	recs := diagramKeepalive()
	svg := string(drawDiagram(t, viz.FormatSVG, recs, viz.DiagramOptions{}))
	for _, want := range []string{"… 7200 s idle …", "#1</text>", "SEQ=5001 ACK=1001", "SYN\u00a0 SEQ=1000", "7200.100 s", "client→server"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the keepalive diagram lacks %q", want)
		}
	}
	img := diagramPNG(t, drawDiagram(t, viz.FormatPNG, recs, viz.DiagramOptions{}))
	if h := img.Bounds().Dy(); h > 14*viz.DefaultDPI {
		t.Errorf("the keepalive diagram is %d pixels (%.1f in) high; the idle stretch should be cut", h, float64(h)/viz.DefaultDPI)
	}
	if strings.Contains(string(drawDiagram(t, viz.FormatSVG, recs, viz.DiagramOptions{MaxIdle: -1})), "idle") {
		t.Error("with MaxIdle -1 the diagram still cuts")
	}
}

// From and To select a window; segments crossing its edges are cut there.
func TestDiagram_Window(t *testing.T) {
	recs := diagramKeepalive()
	ka := sim.At(7_200_100 * time.Millisecond)
	for _, tc := range []struct {
		name      string
		from, to  sim.Time
		want, not []string
	}{
		{"the handshake only", 0, diagramMS(200),
			[]string{"SYN\u00a0 SEQ=1000", "ESTABLISHED", "keepalive   0.000 s – 0.200 s"},
			[]string{"#1</text>", "idle"}},
		{"the keepalive only", ka.Add(-time.Second), ka.Add(time.Second),
			[]string{"#1</text>", "SEQ=5001 ACK=1001", "7200.100 s"},
			[]string{"SYN", "ESTABLISHED", "idle"}},
		{"the probe in flight at the top edge", ka.Add(20 * time.Millisecond), ka.Add(time.Second),
			[]string{"ACK\u00a0 SEQ=1000 ACK=5001", "SEQ=5001 ACK=1001"},
			[]string{"SYN", "#1</text>"}}, // the note beside the sender is above the edge
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg := string(drawDiagram(t, viz.FormatSVG, recs, viz.DiagramOptions{From: tc.from, To: tc.to}))
			for _, w := range tc.want {
				if !strings.Contains(svg, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(svg, n) {
					t.Errorf("has %q", n)
				}
			}
		})
	}
}

// A window that holds nothing still draws the timelines.
func TestDiagram_EmptyWindow(t *testing.T) {
	recs := diagramKeepalive()
	svg := string(drawDiagram(t, viz.FormatSVG, recs, viz.DiagramOptions{From: diagramMS(1000), To: diagramMS(2000)}))
	if !strings.Contains(svg, "client") || strings.Contains(svg, "SEQ=") {
		t.Error("an empty window should draw the two timelines and no segment")
	}
	if err := viz.WriteDiagram(&bytes.Buffer{}, viz.FormatPNG, nil, viz.DiagramOptions{}); err != nil {
		t.Errorf("an empty trace: %v", err)
	}
}

// A diagram too tall for a PNG is an error, not gigabytes of pixels.
func TestDiagram_TooTallForPNG(t *testing.T) {
	if testing.Short() {
		t.Skip("the bulk transfer in -short mode")
	}
	recs := diagramScenario(t, "bulk")
	err := viz.WriteDiagram(&bytes.Buffer{}, viz.FormatPNG, recs, viz.DiagramOptions{MaxSegments: 20_000})
	if err == nil || !strings.Contains(err.Error(), "too large for a PNG") {
		t.Errorf("a 20,000-segment PNG: %v, want an error", err)
	}
}

// word returns a trace vocabulary word a test spells out, failing loudly on a typo.
func word[T any](v T, ok bool) T {
	if !ok {
		panic(fmt.Sprintf("not a trace word: %v", v))
	}
	return v
}
