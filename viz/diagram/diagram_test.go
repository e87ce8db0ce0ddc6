package diagram_test

import (
	"bytes"
	"html"
	"image"
	"image/color"
	"image/png"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/diagram"
	"github.com/tcpsim/tcpsim/viz/internal/builtin"
	"github.com/tcpsim/tcpsim/viz/internal/testtrace"
	"github.com/tcpsim/tcpsim/wire"
)

// diagramScenario returns the trace of a built-in scenario.
func diagramScenario(t testing.TB, name string) []trace.Record { return builtin.Trace(t, name) }

// drawDiagram returns the diagram of recs in format.
func drawDiagram(t testing.TB, format canvas.Format, recs []trace.Record, opt diagram.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, diagram.Write(&buf, format, recs, opt), "Write(%s)", format)
	return buf.Bytes()
}

// diagramGolden compares got with testdata/name, or rewrites it under
// -update (look at the PNG next to an SVG that changed).
func diagramGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	testtrace.Golden(t, filepath.Join("testdata", name), got)
}

// The golden SVGs of the built-in scenarios. The PNG next to each is for
// people to look at (and is rewritten with it); it is not compared.
func TestDiagram_GoldenSVG(t *testing.T) {
	for _, name := range []string{"handshake", "lost-segment", "http-keepalive", "http-browser"} {
		t.Run(name, func(t *testing.T) {
			recs := diagramScenario(t, name)
			diagramGolden(t, name+".svg", drawDiagram(t, canvas.SVG, recs, diagram.Options{}))
			if testtrace.Updating() {
				diagramGolden(t, name+".png", drawDiagram(t, canvas.PNG, recs, diagram.Options{}))
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
		opt  diagram.Options
	}{
		{"syn-lost.png", diagramScenario(t, "syn-lost"), diagram.Options{}},
		{"keepalive.png", diagramKeepalive(), diagram.Options{}},
		{"lost-segment-window.png", diagramScenario(t, "lost-segment"),
			diagram.Options{From: diagramMS(190), To: diagramMS(420), SeqNumbers: catalog.SeqRelative}},
	} {
		png := drawDiagram(t, canvas.PNG, ex.recs, ex.opt)
		if testtrace.Updating() {
			diagramGolden(t, ex.file, png)
		}
	}
}

// An application's message is named on the arrow of the segment that
// carries its first byte, in teal on a tint ("GET /1", "200 OK, 1000 B
// body"), and not beside its sender; a message read is a teal note beside
// its reader, in the layout the classroom page draws too.
func TestDiagram_MessageLabels(t *testing.T) {
	recs := diagramScenario(t, "http-keepalive")
	svg := string(drawDiagram(t, canvas.SVG, recs, diagram.Options{}))
	for _, want := range []string{">GET /1<", ">200 OK, 1000 B body<", "has read GET /1 HTTP/1.1 (71 bytes)"} {
		assert.Contains(t, svg, want)
	}
	assert.NotContains(t, svg, "sends GET /1", "a message on an arrow has no note beside its sender")
	assert.Contains(t, svg, "fill:#00707A", "the messages' colour")
	l, err := diagram.Lay(recs, diagram.Options{})
	require.NoError(t, err)
	var notes, msgs []string
	for _, n := range l.Notes {
		if n.Kind == diagram.NoteMessage {
			notes = append(notes, n.Text)
		}
	}
	assert.Len(t, notes, 10, "5 requests and 5 responses, each read")
	assert.Equal(t, "has read GET /1 HTTP/1.1 (71 bytes)", notes[0])
	for _, a := range l.Arrows {
		if a.HasMessage {
			msgs = append(msgs, a.Message)
			assert.Equal(t, uint32(0x00707A), a.MessageColor)
			assert.Positive(t, recs[a.Send].Pkt.Seg.Len, "a message rides on data")
		}
	}
	assert.Equal(t, []string{"GET /1", "200 OK, 1000 B body", "GET /2", "200 OK, 1000 B body", "GET /3",
		"200 OK, 1000 B body", "GET /4", "200 OK, 1000 B body", "GET /5", "200 OK, 1000 B body"}, msgs)
	assert.Equal(t, uint32(0x00707A), l.Colors.Message)
	assert.Nil(t, l.Conns, "one connection: no colour of its own")
}

// A diagram of several connections draws each in a colour of its own,
// after the Okabe–Ito palette, the first in the blue of data; its states,
// timers and the messages it carries are in that colour too, and the
// legend names each by its ports.
func TestDiagram_ConnectionColours(t *testing.T) {
	recs := diagramScenario(t, "http-browser")
	l, err := diagram.Lay(recs, diagram.Options{})
	require.NoError(t, err)
	require.Len(t, l.Conns, 3)
	assert.Equal(t, []diagram.Conn{
		{Name: "conn 1: 49152 → 80", Line: 0x0072B2, Text: 0x005A8C},
		{Name: "conn 2: 49153 → 80", Line: 0xD55E00, Text: 0xB34700},
		{Name: "conn 3: 49154 → 80", Line: 0x009E73, Text: 0x007556},
	}, l.Conns)
	// Each arrow in its connection's colour, thicker with data.
	k := map[uint16]int{49152: 0, 49153: 1, 49154: 2}
	syns := make(map[int]int)
	for _, a := range l.Arrows {
		seg := &recs[a.Send].Pkt.Seg
		port := seg.Src.Port()
		if a.From == 1 {
			port = seg.Dst.Port()
		}
		c := k[port]
		st := l.Styles[a.Style]
		assert.Equal(t, l.Conns[c].Line, st.Line, "arrow of %v", seg)
		if seg.Len > 0 {
			assert.Greater(t, st.Width, 1.5)
		} else {
			assert.Less(t, st.Width, 1.0)
		}
		if seg.Flags.Has(wire.SYN) {
			syns[c]++
		}
		if a.HasMessage {
			assert.Equal(t, l.Conns[c].Text, a.MessageColor)
		}
	}
	assert.Equal(t, map[int]int{0: 2, 1: 2, 2: 2}, syns, "each its own SYN and SYN,ACK")
	for _, n := range l.Notes {
		if n.Kind == diagram.NoteState || n.Kind == diagram.NoteMessage {
			require.GreaterOrEqual(t, n.Conn, 0, "note %q", n.Text)
			assert.Contains(t, n.Text, "[conn "+string(rune('1'+n.Conn))+"]", "the note's connection")
		}
	}
	for _, b := range l.Brackets {
		assert.Equal(t, l.Conns[b.Conn-1].Line, b.Color, "a timer in its connection's colour")
	}
	var legend []string
	for _, it := range l.Legend {
		legend = append(legend, it.Text)
	}
	assert.Equal(t, []string{"conn 1: 49152 → 80", "conn 2: 49153 → 80", "conn 3: 49154 → 80", "data", "no data", "timer"}, legend)
	// The same in the picture.
	svg := string(drawDiagram(t, canvas.SVG, recs, diagram.Options{}))
	for _, want := range []string{"stroke:#D55E00;stroke-width:1.7", "stroke:#009E73;stroke-width:0.9", ">conn 2: 49153 → 80<", ">GET /6<"} {
		assert.Contains(t, svg, want)
	}
}

// The SVG is well-formed enough to hold the words a reader looks for.
func TestDiagram_SVGContent(t *testing.T) {
	svg := string(drawDiagram(t, canvas.SVG, diagramScenario(t, "lost-segment"), diagram.Options{}))
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
		assert.Contains(t, svg, want)
	}
	assert.NotContains(t, svg, "✗", "the SVG writes ✗ as text; it is drawn with two strokes (the font lacks it)")
}

// diagramPNG decodes a PNG diagram.
func diagramPNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err, "decoding the PNG")
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
	img := diagramPNG(t, drawDiagram(t, canvas.PNG, diagramScenario(t, "lost-segment"), diagram.Options{}))
	b := img.Bounds()
	assert.Equal(t, 8*canvas.DefaultDPI, b.Dx(), "8 in at %d dpi", canvas.DefaultDPI)
	assert.True(t, b.Dy() >= b.Dx() && b.Dy() <= 40*canvas.DefaultDPI, "the PNG is %d pixels high; want between its width and 40 in", b.Dy())
	colors := diagramColors(img)
	white := colors[color.RGBA{255, 255, 255, 255}]
	assert.True(t, white < b.Dx()*b.Dy() && white >= b.Dx()*b.Dy()/2, "%d of %d pixels are white: blank, or not a drawing on white", white, b.Dx()*b.Dy())
	// The arrows' own colours, at full strength along the lines.
	for name, c := range map[string]color.RGBA{
		"data (blue)":              {0x00, 0x72, 0xB2, 0xFF},
		"retransmission (orange)":  {0xD5, 0x5E, 0x00, 0xFF},
		"dup ACK (pink)":           {0xCC, 0x79, 0xA7, 0xFF},
		"drop ✗ (red)":             {0xD7, 0x19, 0x1C, 0xFF},
		"node name boxes (slate)":  {0x2F, 0x3E, 0x4E, 0xFF},
		"state badges (pale blue)": {0xE6, 0xF0, 0xF7, 0xFF},
	} {
		assert.GreaterOrEqual(t, colors[c], 20, "pixels of %s #%02X%02X%02X: arrows, crosses and boxes are drawn in it", name, c.R, c.G, c.B)
	}
	assert.GreaterOrEqual(t, len(colors), 50, "distinct colours: anti-aliased text and lines in several colours")
}

func TestDiagram_PDF(t *testing.T) {
	recs := diagramScenario(t, "handshake")
	a := drawDiagram(t, canvas.PDF, recs, diagram.Options{})
	require.True(t, bytes.HasPrefix(a, []byte("%PDF-")), "the PDF starts with %q", a[:min(len(a), 8)])
	assert.Contains(t, string(a), "/CreationDate (D:20260101000000)", "the PDF's creation date is the fixed one")
	assert.Equal(t, a, drawDiagram(t, canvas.PDF, recs, diagram.Options{}), "two PDFs of the same trace")
}

// Same trace, same bytes, in every format.
func TestDiagram_Deterministic(t *testing.T) {
	for _, name := range []string{"lost-segment", "syn-lost"} {
		recs := diagramScenario(t, name)
		for _, f := range []canvas.Format{canvas.SVG, canvas.PNG, canvas.PDF} {
			a := drawDiagram(t, f, recs, diagram.Options{})
			b := drawDiagram(t, f, recs, diagram.Options{})
			assert.True(t, bytes.Equal(a, b), "%s: two %s drawings differ", name, f)
		}
	}
}

func TestDiagram_Errors(t *testing.T) {
	recs := diagramScenario(t, "handshake")
	for _, tc := range []struct {
		format canvas.Format
		opt    diagram.Options
		want   string
	}{
		{"gif", diagram.Options{}, `unknown drawing format "gif"`},
		{"svg", diagram.Options{SeqNumbers: 7}, `unknown sequence numbering SeqNumbers(7)`},
		{"svg", diagram.Options{From: diagramMS(500), To: diagramMS(100)}, "before it starts"},
		{"svg", diagram.Options{Left: "server"}, "same node"},
		{"svg", diagram.Options{Lang: "xx"}, `unknown language "xx"`},
	} {
		err := diagram.Write(&bytes.Buffer{}, tc.format, recs, tc.opt)
		if assert.Error(t, err, "Write(%s, %+v)", tc.format, tc.opt) {
			assert.Contains(t, err.Error(), tc.want)
		}
	}
}

func TestDiagram_Relative(t *testing.T) {
	svg := string(drawDiagram(t, canvas.SVG, diagramScenario(t, "handshake"), diagram.Options{SeqNumbers: catalog.SeqRelative}))
	for _, want := range []string{"SYN\u00a0 SEQ=0 WIN", "SYN,ACK\u00a0 SEQ=0 ACK=1 WIN", "ACK\u00a0 SEQ=1 ACK=1 WIN"} {
		assert.Contains(t, svg, want)
	}
}

// Past MaxSegments the diagram stops and says how many it left out.
func TestDiagram_MaxSegments(t *testing.T) {
	if testing.Short() {
		t.Skip("the bulk transfer in -short mode")
	}
	recs := diagramScenario(t, "bulk")
	start := time.Now()
	svg := string(drawDiagram(t, canvas.SVG, recs, diagram.Options{}))
	assert.Less(t, time.Since(start), 10*time.Second, "the bulk diagram's drawing time")
	// Segments still in flight at the bottom edge are drawn cut, without
	// their labels.
	n := strings.Count(svg, "SEQ=")
	assert.True(t, n <= diagram.DefaultSegments && n >= diagram.DefaultSegments*9/10, "the bulk diagram labels %d segments, want about %d", n, diagram.DefaultSegments)
	assert.Contains(t, svg, "more segments not drawn", "the bulk diagram does not say that segments were left out")
	svg = string(drawDiagram(t, canvas.SVG, recs, diagram.Options{MaxSegments: 12}))
	n = strings.Count(svg, "SEQ=")
	assert.True(t, n <= 12 && n >= 6, "with MaxSegments 12 the diagram labels %d segments", n)
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
		add(trace.Record{T: t, Kind: trace.KindState, Node: node, Conn: 1, From: testtrace.Must(trace.ParseState(from)), To: testtrace.Must(trace.ParseState(to))})
	}
	timer := func(t sim.Time, node, op string, at sim.Time) {
		add(trace.Record{T: t, Kind: trace.KindTimer, Node: node, Conn: 1, Timer: trace.TimerKeepalive, TimerOp: testtrace.Must(trace.ParseTimerOp(op)), At: at})
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
	svg := string(drawDiagram(t, canvas.SVG, recs, diagram.Options{}))
	for _, want := range []string{"… 7200 s idle …", "#1</text>", "SEQ=5001 ACK=1001", "SYN\u00a0 SEQ=1000", "7200.100 s", "client→server"} {
		assert.Contains(t, svg, want)
	}
	// Two hours read as such: h:mm:ss beside the seconds, where it changes.
	assert.Contains(t, svg, ">7200.100 s  2:00:00</text>")
	assert.Contains(t, svg, ">7200.150 s</text>")
	img := diagramPNG(t, drawDiagram(t, canvas.PNG, recs, diagram.Options{}))
	assert.LessOrEqual(t, img.Bounds().Dy(), 14*canvas.DefaultDPI, "the keepalive diagram's height: the idle stretch is cut")
	assert.NotContains(t, string(drawDiagram(t, canvas.SVG, recs, diagram.Options{MaxIdle: -1})), "idle", "with MaxIdle -1 the diagram does not cut")
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
			[]string{"#1</text>", "SEQ=5001 ACK=1001", "7200.100 s", "… 1 s idle …"}, // ten round trips of nothing are cut, at the edges too
			[]string{"SYN", "ESTABLISHED"}},
		{"the probe in flight at the top edge", ka.Add(20 * time.Millisecond), ka.Add(time.Second),
			[]string{"ACK\u00a0 SEQ=1000 ACK=5001", "SEQ=5001 ACK=1001"},
			[]string{"SYN", "#1</text>"}}, // the note beside the sender is above the edge
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg := string(drawDiagram(t, canvas.SVG, recs, diagram.Options{From: tc.from, To: tc.to}))
			for _, w := range tc.want {
				assert.Contains(t, svg, w)
			}
			for _, n := range tc.not {
				assert.NotContains(t, svg, n)
			}
		})
	}
}

// A window that holds nothing still draws the timelines.
func TestDiagram_EmptyWindow(t *testing.T) {
	recs := diagramKeepalive()
	svg := string(drawDiagram(t, canvas.SVG, recs, diagram.Options{From: diagramMS(1000), To: diagramMS(2000)}))
	assert.Contains(t, svg, "client", "an empty window draws the two timelines")
	assert.NotContains(t, svg, "SEQ=", "an empty window draws no segment")
	assert.NoError(t, diagram.Write(&bytes.Buffer{}, canvas.PNG, nil, diagram.Options{}), "an empty trace")
}

// A diagram too tall for a PNG is an error, not gigabytes of pixels.
func TestDiagram_TooTallForPNG(t *testing.T) {
	if testing.Short() {
		t.Skip("the bulk transfer in -short mode")
	}
	recs := diagramScenario(t, "bulk")
	err := diagram.Write(&bytes.Buffer{}, canvas.PNG, recs, diagram.Options{MaxSegments: 20_000})
	if assert.Error(t, err, "a 20,000-segment PNG") {
		assert.Contains(t, err.Error(), "too large for a PNG")
	}
}

// svgTexts returns the text of every <text> element of an SVG, in order.
func svgTexts(svg string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllStringSubmatch(svg, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// Why a connection was aborted is the message a teacher needs most: the
// diagram writes it in full, wrapped over lines, in every language, and
// cuts no note with "…".
func TestDiagram_AbortMessageInFull(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cause trace.AbortCause
	}{
		{"keepalive-dead-peer", trace.AbortKeepaliveTimeout},
		{"keepalive-reboot", trace.AbortReset},
		{"link-outage", trace.AbortTimedOut},
	} {
		for _, lang := range []catalog.Lang{catalog.English, catalog.Vietnamese} {
			cat := lang.Phrases()
			texts := svgTexts(string(drawDiagram(t, canvas.SVG, diagramScenario(t, tc.name), diagram.Options{Lang: lang})))
			want := cat.Sprintf(catalog.MsgAborted, cat.AbortReason(tc.cause))
			assert.Contains(t, strings.Join(texts, " "), want, "%s, %s", tc.name, lang)
			for _, s := range texts {
				assert.False(t, strings.HasSuffix(s, "…") && !strings.HasPrefix(s, "…"), "%s, %s: %q is cut", tc.name, lang, s)
			}
		}
	}
}

// A wait much longer than the round trip is cut like an idle hour: the
// client's one-second wait before it reconnects in failover, where round
// trips take 40 and 120 ms.
func TestDiagram_IdleCutRelativeToRTT(t *testing.T) {
	svg := string(drawDiagram(t, canvas.SVG, diagramScenario(t, "failover"), diagram.Options{}))
	assert.Contains(t, svg, "… 1 s idle …")
	assert.NotContains(t, string(drawDiagram(t, canvas.SVG, diagramScenario(t, "failover"), diagram.Options{MaxIdle: diagram.DefaultMaxIdle})), "… 1 s idle …")
}
