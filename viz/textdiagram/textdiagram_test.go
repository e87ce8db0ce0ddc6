package textdiagram

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/internal/testtrace"
	"github.com/tcpsim/tcpsim/wire"
)

var (
	synthetic = testtrace.Synthetic
	ms, us    = testtrace.MS, testtrace.US
)

type seg = testtrace.Seg

// textDiagram is WriteMermaid or WritePlantUML.
type textDiagram struct {
	name  string
	write func(w *bytes.Buffer, recs []trace.Record, opt Options) error
}

var textDiagrams = []textDiagram{
	{"mermaid", func(w *bytes.Buffer, recs []trace.Record, opt Options) error {
		return WriteMermaid(w, recs, opt)
	}},
	{"plantuml", func(w *bytes.Buffer, recs []trace.Record, opt Options) error {
		return WritePlantUML(w, recs, opt)
	}},
}

func drawText(t *testing.T, d textDiagram, recs []trace.Record, opt Options) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, d.write(&out, recs, opt), d.name)
	return out.String()
}

func mermaid(t *testing.T, recs []trace.Record, opt Options) string {
	return drawText(t, textDiagrams[0], recs, opt)
}

func plantUML(t *testing.T, recs []trace.Record, opt Options) string {
	return drawText(t, textDiagrams[1], recs, opt)
}

// The forms of Mermaid's sequenceDiagram grammar that WriteMermaid uses
// (mermaid.js.org/syntax/sequenceDiagram.html): participants with an
// optional alias, messages ->> (solid, arrowhead), -x (cross) and -) (open,
// async), notes over one or two participants, a title, and with several
// connections a rect of a connection's colour around its lines. Text holds
// no ; or # (they end the statement or start a comment) and no raw : < > %
// & ".
var (
	reMermaidID   = `[A-Za-z_][A-Za-z0-9_]*`
	reMermaidText = `(?:[^;#:<>%&"\x00-\x1f]|#\d+;|<br/>)*`
	mermaidLine   = regexp.MustCompile(`^(?:sequenceDiagram` +
		`|    title ` + reMermaidText +
		`|    participant ` + reMermaidID + `(?: as ` + reMermaidText + `)?` +
		`|    ` + reMermaidID + `(?:->>|-x|-\))` + reMermaidID + `: ` + reMermaidText +
		`|    Note over ` + reMermaidID + `(?:,` + reMermaidID + `)?: ` + reMermaidText +
		`|    rect rgba\(\d{1,3}, \d{1,3}, \d{1,3}, 0\.14\)|    end)$`)
)

// The forms of PlantUML's sequence diagrams that WritePlantUML uses
// (plantuml.com/sequence-diagram, plantuml.com/teoz), with several
// connections each arrow and note in a connection's colour and a legend
// naming them. Text holds no character Creole or the preprocessor reads,
// except as &#N;.
var (
	rePlantUMLID   = `[A-Za-z_][A-Za-z0-9_]*`
	rePlantUMLText = `(?:[^\\&~<>%$"\x00-\x1f]|&#\d+;)*`
	plantUMLLine   = regexp.MustCompile(`^(?:@startuml|!pragma teoz true|@enduml|' .*` +
		`|title ` + rePlantUMLText +
		`|participant ` + rePlantUMLID + `|participant "` + rePlantUMLText + `" as ` + rePlantUMLID +
		`|` + rePlantUMLID + ` (?:-(?:\[#[0-9A-F]{6}\])?(?:>|>\(\d+\)|>>)|-\[#red\]>x) ` + rePlantUMLID + ` : ` + rePlantUMLText + `(?:\\n` + rePlantUMLText + `)?` +
		`|note over ` + rePlantUMLID + `(?:, ` + rePlantUMLID + `)?(?: #[0-9A-F]{6})? : ` + rePlantUMLText +
		`|legend right|endlegend|<color:#[0-9A-F]{6}>━━</color> ` + rePlantUMLText +
		`|\.\.\. ` + rePlantUMLText + ` \.\.\.)$`)
	plantUMLMarkup = regexp.MustCompile(`\*\*|//|--|__|\^\^|,,|\[\[|\]\]|==`)
)

// checkSyntax fails for a line of out that is none of the grammar's forms.
func checkSyntax(t *testing.T, name, out string) {
	t.Helper()
	re := mermaidLine
	if name == "plantuml" {
		re = plantUMLLine
	}
	assert.True(t, strings.HasSuffix(out, "\n"), "%s: no final newline", name)
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		assert.Regexp(t, re, line, "%s line %d is not one of the grammar's forms", name, i+1)
		if name == "plantuml" && !strings.HasPrefix(line, "' ") {
			if _, text, ok := strings.Cut(line, " : "); ok {
				assert.NotRegexp(t, plantUMLMarkup, text, "%s line %d has Creole markup", name, i+1)
			}
		}
	}
}

func TestTextDiagramSyntax(t *testing.T) {
	for _, d := range textDiagrams {
		for _, opt := range []Options{{}, {Lang: catalog.Vietnamese, SeqNumbers: catalog.SeqRelative}} {
			checkSyntax(t, d.name, drawText(t, d, synthetic(), opt))
		}
		checkSyntax(t, d.name, drawText(t, d, awkward(), Options{}))
		checkSyntax(t, d.name, drawText(t, d, nil, Options{}))
	}
}

func TestMermaidSynthetic(t *testing.T) {
	got := mermaid(t, synthetic(), Options{})
	for _, want := range []string{
		"sequenceDiagram\n    title synthetic\n    participant client\n    participant server\n",
		"    Note over server: LISTEN\n",
		"    client->>server: 0.000 s SYN SEQ=100 WIN=65535 MSS=1460\n",
		"    server->>client: 0.050 s SYN,ACK SEQ=300 ACK=101 WIN=65535 MSS=1460\n",
		"    client->>server: 0.100 s SEQ=101 ACK=301 LEN=1460 WIN=65535\n",
		"    client-xserver: 0.101200 s SEQ=1561 ACK=301 LEN=1460 WIN=65535<br/>dropped#58; rule #34;client data_segment 2, times 1#34;\n",
		"    server->>client: 0.152400 s ACK SEQ=301 ACK=1561 WIN=65535<br/>dup ACK #35;1\n",
		"    server-xclient: 0.153600 s ACK SEQ=301 ACK=1561 WIN=65535<br/>dup ACK #35;2, dropped#58; random loss\n",
		"    Note over client: RTO fired (timeout #35;1)\n",
		"    client->>server: 1.200 s SEQ=1561 ACK=301 LEN=1460 WIN=65535<br/>retransmission\n",
		// Two connections: each run of lines about one on a tint of its colour.
		"    end\n    rect rgba(213, 94, 0, 0.14)\n    Note over client: [conn 2] SYN-SENT\n",
		"    rect rgba(0, 114, 178, 0.14)\n    Note over server: LISTEN\n",
		"    Note over client,server: link client→server down\n",
		"    client-xserver: 3.000 s [conn 2] SYN SEQ=900 WIN=65535 MSS=1460 WS=7 SACK_PERM<br/>retransmission, dropped#58; link down\n",
		"    Note over client: [conn 2] connection aborted#58; connection timed out (ETIMEDOUT)\n",
	} {
		assert.Contains(t, got, want)
	}
	// The SYN of conn 2 sent at 2.000 s dies in flight at 2.020 s.
	assert.Contains(t, got, "client-xserver: 2.000 s [conn 2] SYN SEQ=900 WIN=65535 MSS=1460 WS=7 SACK_PERM<br/>dropped in flight#58; link down\n")
	for _, silent := range []string{"app:", "cwnd"} {
		assert.NotContains(t, got, silent)
	}
}

func TestPlantUMLSynthetic(t *testing.T) {
	got := plantUML(t, synthetic(), Options{})
	for _, want := range []string{
		"@startuml\n!pragma teoz true\ntitle synthetic\nparticipant client\nparticipant server\n",
		"' tcpsim: an arrow slants 1 px for each 1ms of flight time\n",
		// Two connections: each in its colour, conn 1 blue, conn 2 vermillion.
		"client -[#0072B2]>(50) server : 0.000 s SYN SEQ=100 WIN=65535 MSS=1460\n",
		"server -[#0072B2]>(50) client : 0.050 s SYN,ACK SEQ=300 ACK=101 WIN=65535 MSS=1460\n",
		"client -[#red]>x server : 0.101200 s SEQ=1561 ACK=301 LEN=1460 WIN=65535\\ndropped: rule &#34;client data_segment 2, times 1&#34;\n",
		"server -[#0072B2]>(50) client : 0.152400 s ACK SEQ=301 ACK=1561 WIN=65535\\ndup ACK #1\n",
		// 1.000 s passes between the last dup ACK and the RTO.
		"server -[#red]>x client : 0.153600 s ACK SEQ=301 ACK=1561 WIN=65535\\ndup ACK #2, dropped: random loss\n... 1.046400 s later ...\nnote over client #D9EAF3 : RTO fired (timeout #1)\n",
		"note over client, server : link client→server down\n",
		"note over client #F9E7D9 : [conn 2] connection aborted: connection timed out (ETIMEDOUT)\n",
		"note over client #F9E7D9 : [conn 2] SYN-SENT\nclient -[#red]>x server : 2.000 s [conn 2] SYN", // dropped: red
	} {
		assert.Contains(t, got, want)
	}
	assert.True(t, strings.HasSuffix(got, "note over client #F9E7D9 : [conn 2] CLOSED\n"+
		"legend right\n<color:#0072B2>━━</color> conn 1: 40000 → 80\n<color:#D55E00>━━</color> conn 2: 40001 → 80\nendlegend\n@enduml\n"),
		"PlantUML diagram ends wrong:\n%s", got)
}

// Arrows slant by their flight time at a scale picked for the diagram or
// given; pauses longer than a round trip become delay lines.
func TestPlantUMLSlant(t *testing.T) {
	for _, tc := range []struct {
		flight, want time.Duration
	}{
		{0, 1},
		{60, 1},
		{61, 2},
		{50 * time.Millisecond, time.Millisecond},
		{60 * time.Millisecond, time.Millisecond},
		{61 * time.Millisecond, 2 * time.Millisecond},
		{300 * time.Millisecond, 5 * time.Millisecond},
		{10 * time.Millisecond, 200 * time.Microsecond},
		{2 * time.Hour, 200 * time.Second},
	} {
		assert.Equal(t, tc.want, slantScale(tc.flight, 0), "slantScale(%v)", tc.flight)
	}
	assert.Equal(t, 3*time.Millisecond, slantScale(time.Second, 3*time.Millisecond), "a fixed scale is kept")

	b := testtrace.NewBuilder()
	a := b.Send(0, "client", seg{Flags: wire.SYN, Seq: 1})
	b.Deliver(ms(10), a)
	c := b.Send(ms(10), "server", seg{Flags: wire.SYN | wire.ACK, Seq: 1, Ack: 2})
	b.Deliver(ms(13), c) // 3 ms: 18 px at 10 ms = 60 px
	d := b.Send(ms(500), "client", seg{Flags: wire.ACK, Seq: 2, Ack: 2})
	b.Deliver(us(500050), d) // 0.05 ms: 0 px, a level arrow
	got := plantUML(t, b.Recs, Options{})
	for _, want := range []string{
		"' tcpsim: an arrow slants 1 px for each 200µs of flight time\n",
		"client ->(50) server : 0.000 s SYN",
		"server ->(15) client : 0.010 s SYN,ACK",
		"... 0.490 s later ...\nclient -> server : 0.500 s ACK",
	} {
		assert.Contains(t, got, want)
	}
	got = plantUML(t, b.Recs, Options{SlantScale: time.Millisecond, Lang: catalog.Vietnamese})
	for _, want := range []string{"1 px for each 1ms", "->(10) server", "->(3) client", "... 0.490 s sau ...\n"} {
		assert.Contains(t, got, want)
	}
}

// A segment neither delivered nor dropped when the trace ends is drawn as
// such.
func TestTextDiagramInFlight(t *testing.T) {
	b := testtrace.NewBuilder()
	b.Send(ms(7), "client", seg{Flags: wire.SYN, Seq: 1})
	assert.Contains(t, mermaid(t, b.Recs, Options{}), "client-)server: 0.007 s SYN SEQ=1 WIN=65535<br/>still in flight when the run ended\n")
	got := plantUML(t, b.Recs, Options{Lang: catalog.Vietnamese})
	assert.Contains(t, got, "client ->> server : 0.007 s SYN SEQ=1 WIN=65535\\nvẫn đang truyền khi mô phỏng kết thúc\n")
	assert.NotContains(t, got, "slants")
}

// From and To select the segments sent and the events in the window; a
// segment keeps its fate and flight past To; ISNs are learned before From.
func TestTextDiagramWindow(t *testing.T) {
	opt := Options{From: ms(100), To: ms(150), SeqNumbers: catalog.SeqRelative}
	got := plantUML(t, synthetic(), opt)
	var arrows, notes []string
	for _, line := range strings.Split(got, "\n") {
		switch {
		case strings.Contains(line, " : 0."):
			arrows = append(arrows, line)
		case strings.HasPrefix(line, "note"):
			notes = append(notes, line)
		}
	}
	want := []string{
		"client ->(50) server : 0.100 s ACK SEQ=1 ACK=1 WIN=65535",
		"client ->(50) server : 0.100 s SEQ=1 ACK=1 LEN=1460 WIN=65535",
		"client -[#red]>x server : 0.101200 s SEQ=1461 ACK=1 LEN=1460 WIN=65535\\ndropped: rule &#34;client data_segment 2, times 1&#34;",
		"client ->(50) server : 0.102400 s SEQ=2921 ACK=1 LEN=1460 WIN=65535",
		"client ->(50) server : 0.103600 s PSH,ACK SEQ=4381 ACK=1 LEN=1460 WIN=65535",
		"server ->(50) client : 0.150 s ACK SEQ=1 ACK=1461 WIN=65535",
	}
	assert.Equal(t, want, arrows, "arrows in the window")
	assert.Equal(t, []string{"note over client : ESTABLISHED", "note over server : ESTABLISHED"}, notes, "notes in the window")
	// Absolute numbers by default.
	assert.Contains(t, mermaid(t, synthetic(), Options{From: ms(100), To: ms(100)}), "0.100 s ACK SEQ=101 ACK=301 WIN=65535\n")
}

func TestTextDiagramRelativeSACK(t *testing.T) {
	b := testtrace.NewBuilder()
	b.Send(0, "client", seg{Flags: wire.SYN, Seq: 1000, Opt: wire.Options{HasTimestamp: true, TSVal: 7, TSEcr: 0}})
	b.Send(ms(50), "server", seg{Flags: wire.SYN | wire.ACK, Seq: 5000, Ack: 1001})
	b.Send(ms(100), "server", seg{Flags: wire.ACK, Seq: 5001, Ack: 1001, Opt: wire.Options{
		NumSACK: 2, SACK: [wire.MaxSACKBlocks]wire.SACKBlock{{Left: 2461, Right: 3921}, {Left: 5381, Right: 6841}}}})
	got := mermaid(t, b.Recs, Options{SeqNumbers: catalog.SeqRelative})
	for _, want := range []string{
		"0.000 s SYN SEQ=0 WIN=65535 TSVAL=7 TSECR=0<br/>",
		"0.050 s SYN,ACK SEQ=0 ACK=1 WIN=65535<br/>",
		"0.100 s ACK SEQ=1 ACK=1 WIN=65535 SACK=1461-2921,4381-5841<br/>",
	} {
		assert.Contains(t, got, want)
	}
}

// awkward is a trace whose names and reasons hold every character the
// diagram languages read.
func awkward() []trace.Record {
	const left, right = `end`, `serveur "#1"; <b>`
	b := testtrace.NewBuilder()
	b.Add(trace.Record{Kind: trace.KindRun, Name: "a;b #c: **d** %% e"})
	b.Add(trace.Record{Kind: trace.KindNode, Node: left})
	b.Add(trace.Record{Kind: trace.KindNode, Node: right})
	id := b.Send(0, "client", seg{Flags: wire.SYN, Seq: 1})
	b.Recs[len(b.Recs)-1].Node, b.Recs[len(b.Recs)-1].Peer = left, right
	b.Pkts[id] = b.Recs[len(b.Recs)-1]
	b.Drop(ms(1), id, "rule: a;b #c <i>x</i> **bold** //it// --s-- __u__ ~~w~~ [[l]] \\n & &#65; %date% $v\n"+`"q"`)
	b.Add(trace.Record{T: ms(2), Kind: trace.KindState, Node: right, Conn: 1, From: trace.StateListen, To: trace.StateSynReceived})
	b.Add(trace.Record{T: ms(3), Kind: trace.KindHost, Node: "third-node", Host: trace.HostCrash})
	return b.Recs
}

// Names and reasons are escaped; participants that are no plain
// identifier get aliases; other nodes get participants of their own.
func TestTextDiagramEscaping(t *testing.T) {
	got := mermaid(t, awkward(), Options{})
	want := "sequenceDiagram\n" +
		"    title a#59;b #35;c#58; **d** #37;#37; e\n" +
		"    participant p1 as end\n" +
		"    participant p2 as serveur #34;#35;1#34;#59; #60;b#62;\n" +
		"    participant p3 as third-node\n" +
		"    p1-xp2: 0.000 s SYN SEQ=1 WIN=65535<br/>dropped in flight#58; rule#58; a#59;b #35;c #60;i#62;x#60;/i#62; **bold** //it// --s-- __u__ ~~w~~ [[l]] \\n #38; #38;#35;65#59; #37;date#37; $v #34;q#34;\n" +
		"    Note over p2: SYN-RECEIVED\n" +
		"    Note over p3: third-node crashed\n"
	assert.Equal(t, want, got, "Mermaid")
	got = plantUML(t, awkward(), Options{})
	want = "@startuml\n!pragma teoz true\n" +
		"title a;b #c: &#42;&#42;d&#42;&#42; &#37;&#37; e\n" +
		"participant \"end\" as p1\n" +
		"participant \"serveur &#34;#1&#34;; &#60;b&#62;\" as p2\n" +
		"participant \"third-node\" as p3\n" +
		"p1 -[#red]>x p2 : 0.000 s SYN SEQ=1 WIN=65535\\ndropped in flight: rule: a;b #c &#60;i&#62;x&#60;/i&#62; &#42;&#42;bold&#42;&#42; &#47;&#47;it&#47;&#47; &#45;&#45;s&#45;&#45; &#95;&#95;u&#95;&#95; &#126;&#126;w&#126;&#126; &#91;&#91;l&#93;&#93; &#92;n &#38; &#38;#65; &#37;date&#37; &#36;v &#34;q&#34;\n" +
		"note over p2 : SYN-RECEIVED\n" +
		"note over p3 : third-node crashed\n" +
		"@enduml\n"
	assert.Equal(t, want, got, "PlantUML")
}

func TestTextDiagramParticipants(t *testing.T) {
	recs := synthetic()
	for _, tc := range []struct {
		opt  Options
		want string
	}{
		{Options{}, "participant client\n    participant server\n"},
		{Options{Left: "server"}, "participant server\n    participant client\n"},
		{Options{Right: "client"}, "participant server\n    participant client\n"},
		{Options{Left: "A", Right: "B"}, "participant A\n    participant B\n    participant server\n    participant client\n"},
	} {
		assert.Contains(t, mermaid(t, recs, tc.opt), tc.want, "%+v", tc.opt)
	}
	assert.Equal(t, "sequenceDiagram\n    participant client\n    participant server\n", mermaid(t, nil, Options{}), "no records")
	assert.Equal(t, []string{"p1_", "p1", "x"}, participantIDs([]string{"a b", "p1", "x"}))
}

func TestTextDiagramOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		opt  Options
		want string
	}{
		{Options{SeqNumbers: 7}, `unknown sequence numbering SeqNumbers(7); it is "absolute" or "relative"`},
		{Options{Lang: "fr"}, `unknown language "fr"; the languages are en (English), vi (Tiếng Việt)`},
		{Options{From: ms(2), To: ms(1)}, "the window ends (0.001s) before it starts (0.002s)"},
		{Options{SlantScale: -1}, "negative slant scale -1ns"},
	} {
		for _, d := range textDiagrams {
			var out bytes.Buffer
			assert.EqualError(t, d.write(&out, synthetic(), tc.opt), tc.want, "%s %+v", d.name, tc.opt)
			assert.Zero(t, out.Len(), "%s %+v: wrote %q", d.name, tc.opt, out.String())
		}
	}
}

func TestTextDiagramDeterministic(t *testing.T) {
	for _, d := range textDiagrams {
		opt := Options{SeqNumbers: catalog.SeqRelative, Lang: catalog.Vietnamese}
		assert.Equal(t, drawText(t, d, synthetic(), opt), drawText(t, d, synthetic(), opt), d.name)
	}
}

func TestTextDiagramWriteError(t *testing.T) {
	assert.ErrorIs(t, WriteMermaid(testtrace.FailWriter{}, synthetic(), Options{}), testtrace.ErrDiskFull)
	assert.ErrorIs(t, WritePlantUML(testtrace.FailWriter{}, synthetic(), Options{}), testtrace.ErrDiskFull)
}

// Past MaxSegments nothing more is drawn but a note counting the segments
// left out.
func TestTextDiagramMaxSegments(t *testing.T) {
	got := mermaid(t, synthetic(), Options{MaxSegments: 3})
	assert.Equal(t, 3, strings.Count(got, "->>")+strings.Count(got, "-x"), "arrows:\n%s", got)
	assert.True(t, strings.HasSuffix(got, "0.100 s ACK SEQ=101 ACK=301 WIN=65535\n    Note over client,server: … 15 more segments not drawn#58; choose a time window (--from, --to)\n"),
		"wrong end:\n%s", got)
	got = plantUML(t, synthetic(), Options{MaxSegments: 3, Lang: catalog.Vietnamese})
	assert.True(t, strings.HasSuffix(got, "note over client, server : … còn 15 phân đoạn không được vẽ: hãy chọn khoảng thời gian (&#45;&#45;from, &#45;&#45;to)\n@enduml\n"),
		"wrong end:\n%s", got)
	all := mermaid(t, synthetic(), Options{MaxSegments: -1})
	assert.Equal(t, mermaid(t, synthetic(), Options{MaxSegments: 18}), all, "no limit is a limit of all 18 segments")
	assert.NotContains(t, all, "not drawn")
	assert.Equal(t, all, mermaid(t, synthetic(), Options{}), "the default limit does not cut the synthetic trace")
}
