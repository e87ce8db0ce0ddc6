package viz

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// textDiagram is WriteMermaid or WritePlantUML.
type textDiagram struct {
	name  string
	write func(w *bytes.Buffer, recs []trace.Record, opt TextDiagramOptions) error
}

var textDiagrams = []textDiagram{
	{"mermaid", func(w *bytes.Buffer, recs []trace.Record, opt TextDiagramOptions) error {
		return WriteMermaid(w, recs, opt)
	}},
	{"plantuml", func(w *bytes.Buffer, recs []trace.Record, opt TextDiagramOptions) error {
		return WritePlantUML(w, recs, opt)
	}},
}

func drawText(t *testing.T, d textDiagram, recs []trace.Record, opt TextDiagramOptions) string {
	t.Helper()
	var out bytes.Buffer
	if err := d.write(&out, recs, opt); err != nil {
		t.Fatalf("%s: %v", d.name, err)
	}
	return out.String()
}

func mermaid(t *testing.T, recs []trace.Record, opt TextDiagramOptions) string {
	return drawText(t, textDiagrams[0], recs, opt)
}

func plantUML(t *testing.T, recs []trace.Record, opt TextDiagramOptions) string {
	return drawText(t, textDiagrams[1], recs, opt)
}

// The forms of Mermaid's sequenceDiagram grammar that WriteMermaid uses
// (mermaid.js.org/syntax/sequenceDiagram.html): participants with an
// optional alias, messages ->> (solid, arrowhead), -x (cross) and -) (open,
// async), notes over one or two participants, a title. Text holds no ; or #
// (they end the statement or start a comment) and no raw : < > % & ".
var (
	reMermaidID   = `[A-Za-z_][A-Za-z0-9_]*`
	reMermaidText = `(?:[^;#:<>%&"\x00-\x1f]|#\d+;|<br/>)*`
	mermaidLine   = regexp.MustCompile(`^(?:sequenceDiagram` +
		`|    title ` + reMermaidText +
		`|    participant ` + reMermaidID + `(?: as ` + reMermaidText + `)?` +
		`|    ` + reMermaidID + `(?:->>|-x|-\))` + reMermaidID + `: ` + reMermaidText +
		`|    Note over ` + reMermaidID + `(?:,` + reMermaidID + `)?: ` + reMermaidText + `)$`)
)

// The forms of PlantUML's sequence diagrams that WritePlantUML uses
// (plantuml.com/sequence-diagram, plantuml.com/teoz). Text holds no
// character Creole or the preprocessor reads, except as &#N;.
var (
	rePlantUMLID   = `[A-Za-z_][A-Za-z0-9_]*`
	rePlantUMLText = `(?:[^\\&~<>%$"\x00-\x1f]|&#\d+;)*`
	plantUMLLine   = regexp.MustCompile(`^(?:@startuml|!pragma teoz true|@enduml|' .*` +
		`|title ` + rePlantUMLText +
		`|participant ` + rePlantUMLID + `|participant "` + rePlantUMLText + `" as ` + rePlantUMLID +
		`|` + rePlantUMLID + ` (?:->|->\(\d+\)|-\[#red\]>x|->>) ` + rePlantUMLID + ` : ` + rePlantUMLText + `(?:\\n` + rePlantUMLText + `)?` +
		`|note over ` + rePlantUMLID + `(?:, ` + rePlantUMLID + `)? : ` + rePlantUMLText +
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
	if !strings.HasSuffix(out, "\n") {
		t.Errorf("%s: no final newline", name)
	}
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !re.MatchString(line) {
			t.Errorf("%s line %d is not one of the grammar's forms: %q", name, i+1, line)
		}
		if name == "plantuml" && !strings.HasPrefix(line, "' ") {
			if _, text, ok := strings.Cut(line, " : "); ok && plantUMLMarkup.MatchString(text) {
				t.Errorf("%s line %d has Creole markup: %q", name, i+1, line)
			}
		}
	}
}

func TestTextDiagramSyntax(t *testing.T) {
	for _, d := range textDiagrams {
		for _, opt := range []TextDiagramOptions{{}, {Lang: Vietnamese, SeqNumbers: "relative"}} {
			checkSyntax(t, d.name, drawText(t, d, synthetic(), opt))
		}
		checkSyntax(t, d.name, drawText(t, d, awkward(), TextDiagramOptions{}))
		checkSyntax(t, d.name, drawText(t, d, nil, TextDiagramOptions{}))
	}
}

func TestMermaidSynthetic(t *testing.T) {
	got := mermaid(t, synthetic(), TextDiagramOptions{})
	for _, want := range []string{
		"sequenceDiagram\n    title synthetic\n    participant client\n    participant server\n",
		"    Note over server: LISTEN\n",
		"    client->>server: 0.000 s SYN SEQ=100 WIN=65535 MSS=1460\n",
		"    server->>client: 0.050 s SYN,ACK SEQ=300 ACK=101 WIN=65535 MSS=1460\n",
		"    client->>server: 0.100 s SEQ=101 ACK=301 LEN=1460 WIN=65535\n",
		"    client-xserver: 0.101200 s SEQ=1561 ACK=301 LEN=1460 WIN=65535<br/>dropped#58; rule #34;client data_segment 2, times 1#34;\n",
		"    server->>client: 0.152400 s ACK SEQ=301 ACK=1561 WIN=65535<br/>dup ACK #35;1\n",
		"    server-xclient: 0.153600 s ACK SEQ=301 ACK=1561 WIN=65535<br/>dup ACK #35;2, dropped#58; random loss\n",
		"    Note over client: RTO fired (backoff #35;1)\n",
		"    client->>server: 1.200 s SEQ=1561 ACK=301 LEN=1460 WIN=65535<br/>retransmission\n",
		"    Note over client: [conn 2] SYN-SENT\n",
		"    Note over client,server: link client→server down\n",
		"    client-xserver: 3.000 s [conn 2] SYN SEQ=900 WIN=65535 MSS=1460 WS=7 SACK_PERM<br/>retransmission, dropped#58; link down\n",
		"    Note over client: [conn 2] connection aborted#58; connection timed out (ETIMEDOUT)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Mermaid diagram lacks %q:\n%s", want, got)
		}
	}
	// The SYN of conn 2 sent at 2.000 s dies in flight at 2.020 s.
	if want := "client-xserver: 2.000 s [conn 2] SYN SEQ=900 WIN=65535 MSS=1460 WS=7 SACK_PERM<br/>dropped in flight#58; link down\n"; !strings.Contains(got, want) {
		t.Errorf("Mermaid diagram lacks %q:\n%s", want, got)
	}
	for _, silent := range []string{"app:", "cwnd"} {
		if strings.Contains(got, silent) {
			t.Errorf("Mermaid diagram has %q:\n%s", silent, got)
		}
	}
}

func TestPlantUMLSynthetic(t *testing.T) {
	got := plantUML(t, synthetic(), TextDiagramOptions{})
	for _, want := range []string{
		"@startuml\n!pragma teoz true\ntitle synthetic\nparticipant client\nparticipant server\n",
		"' tcpsim: an arrow slants 1 px for each 1ms of flight time\n",
		"client ->(50) server : 0.000 s SYN SEQ=100 WIN=65535 MSS=1460\n",
		"server ->(50) client : 0.050 s SYN,ACK SEQ=300 ACK=101 WIN=65535 MSS=1460\n",
		"client -[#red]>x server : 0.101200 s SEQ=1561 ACK=301 LEN=1460 WIN=65535\\ndropped: rule &#34;client data_segment 2, times 1&#34;\n",
		"server ->(50) client : 0.152400 s ACK SEQ=301 ACK=1561 WIN=65535\\ndup ACK #1\n",
		// 1.000 s passes between the last dup ACK and the RTO.
		"server -[#red]>x client : 0.153600 s ACK SEQ=301 ACK=1561 WIN=65535\\ndup ACK #2, dropped: random loss\n... 1.046400 s later ...\nnote over client : RTO fired (backoff #1)\n",
		"note over client, server : link client→server down\n",
		"note over client : [conn 2] connection aborted: connection timed out (ETIMEDOUT)\n",
		"@enduml\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("PlantUML diagram lacks %q:\n%s", want, got)
		}
	}
	if !strings.HasSuffix(got, "note over client : [conn 2] CLOSED\n@enduml\n") {
		t.Errorf("PlantUML diagram ends wrong:\n%s", got)
	}
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
		if got := slantScale(tc.flight, 0); got != tc.want {
			t.Errorf("slantScale(%v) = %v, want %v", tc.flight, got, tc.want)
		}
	}
	if got := slantScale(time.Second, 3*time.Millisecond); got != 3*time.Millisecond {
		t.Errorf("a fixed scale is not kept: %v", got)
	}

	b := newBuilder()
	a := b.send(0, "client", seg{flags: wire.SYN, seq: 1})
	b.deliver(ms(10), a)
	c := b.send(ms(10), "server", seg{flags: wire.SYN | wire.ACK, seq: 1, ack: 2})
	b.deliver(ms(13), c) // 3 ms: 18 px at 10 ms = 60 px
	d := b.send(ms(500), "client", seg{flags: wire.ACK, seq: 2, ack: 2})
	b.deliver(us(500050), d) // 0.05 ms: 0 px, a level arrow
	got := plantUML(t, b.recs, TextDiagramOptions{})
	for _, want := range []string{
		"' tcpsim: an arrow slants 1 px for each 200µs of flight time\n",
		"client ->(50) server : 0.000 s SYN",
		"server ->(15) client : 0.010 s SYN,ACK",
		"... 0.490 s later ...\nclient -> server : 0.500 s ACK",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	got = plantUML(t, b.recs, TextDiagramOptions{SlantScale: time.Millisecond, Lang: Vietnamese})
	for _, want := range []string{"1 px for each 1ms", "->(10) server", "->(3) client", "... 0.490 s sau ...\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("SlantScale 1 ms, Vietnamese: lacks %q:\n%s", want, got)
		}
	}
}

// A segment neither delivered nor dropped when the trace ends is drawn as
// such.
func TestTextDiagramInFlight(t *testing.T) {
	b := newBuilder()
	b.send(ms(7), "client", seg{flags: wire.SYN, seq: 1})
	if got := mermaid(t, b.recs, TextDiagramOptions{}); !strings.Contains(got, "client-)server: 0.007 s SYN SEQ=1 WIN=65535<br/>still in flight when the run ended\n") {
		t.Errorf("Mermaid:\n%s", got)
	}
	got := plantUML(t, b.recs, TextDiagramOptions{Lang: Vietnamese})
	if !strings.Contains(got, "client ->> server : 0.007 s SYN SEQ=1 WIN=65535\\nvẫn đang truyền khi mô phỏng kết thúc\n") {
		t.Errorf("PlantUML:\n%s", got)
	}
	if strings.Contains(got, "slants") {
		t.Errorf("a scale without a slanted arrow:\n%s", got)
	}
}

// From and To select the segments sent and the events in the window; a
// segment keeps its fate and flight past To; ISNs are learned before From.
func TestTextDiagramWindow(t *testing.T) {
	opt := TextDiagramOptions{From: ms(100), To: ms(150), SeqNumbers: "relative"}
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
	if strings.Join(arrows, "\n") != strings.Join(want, "\n") {
		t.Errorf("arrows in the window:\n%s\nwant\n%s", strings.Join(arrows, "\n"), strings.Join(want, "\n"))
	}
	if want := []string{"note over client : ESTABLISHED", "note over server : ESTABLISHED"}; strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes in the window: %q, want %q", notes, want)
	}
	// Absolute numbers by default.
	if got := mermaid(t, synthetic(), TextDiagramOptions{From: ms(100), To: ms(100)}); !strings.Contains(got, "0.100 s ACK SEQ=101 ACK=301 WIN=65535\n") {
		t.Errorf("absolute:\n%s", got)
	}
}

func TestTextDiagramRelativeSACK(t *testing.T) {
	b := newBuilder()
	b.send(0, "client", seg{flags: wire.SYN, seq: 1000, opt: wire.Options{HasTimestamp: true, TSVal: 7, TSEcr: 0}})
	b.send(ms(50), "server", seg{flags: wire.SYN | wire.ACK, seq: 5000, ack: 1001})
	b.send(ms(100), "server", seg{flags: wire.ACK, seq: 5001, ack: 1001, opt: wire.Options{
		NumSACK: 2, SACK: [wire.MaxSACKBlocks]wire.SACKBlock{{Left: 2461, Right: 3921}, {Left: 5381, Right: 6841}}}})
	got := mermaid(t, b.recs, TextDiagramOptions{SeqNumbers: "relative"})
	for _, want := range []string{
		"0.000 s SYN SEQ=0 WIN=65535 TSVAL=7 TSECR=0<br/>",
		"0.050 s SYN,ACK SEQ=0 ACK=1 WIN=65535<br/>",
		"0.100 s ACK SEQ=1 ACK=1 WIN=65535 SACK=1461-2921,4381-5841<br/>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
}

// awkward is a trace whose names and reasons hold every character the
// diagram languages read.
func awkward() []trace.Record {
	const left, right = `end`, `serveur "#1"; <b>`
	b := newBuilder()
	b.add(trace.Record{Kind: trace.KindRun, Name: "a;b #c: **d** %% e"})
	b.add(trace.Record{Kind: trace.KindNode, Node: left})
	b.add(trace.Record{Kind: trace.KindNode, Node: right})
	id := b.send(0, "client", seg{flags: wire.SYN, seq: 1})
	b.recs[len(b.recs)-1].Node, b.recs[len(b.recs)-1].Peer = left, right
	b.pkts[id] = b.recs[len(b.recs)-1]
	b.drop(ms(1), id, "rule: a;b #c <i>x</i> **bold** //it// --s-- __u__ ~~w~~ [[l]] \\n & &#65; %date% $v\n"+`"q"`)
	b.add(trace.Record{T: ms(2), Kind: trace.KindState, Node: right, Conn: 1, From: trace.StateListen, To: trace.StateSynReceived})
	b.add(trace.Record{T: ms(3), Kind: trace.KindHost, Node: "third-node", Host: trace.HostCrash})
	return b.recs
}

// Names and reasons are escaped; participants that are no plain
// identifier get aliases; other nodes get participants of their own.
func TestTextDiagramEscaping(t *testing.T) {
	got := mermaid(t, awkward(), TextDiagramOptions{})
	want := "sequenceDiagram\n" +
		"    title a#59;b #35;c#58; **d** #37;#37; e\n" +
		"    participant p1 as end\n" +
		"    participant p2 as serveur #34;#35;1#34;#59; #60;b#62;\n" +
		"    participant p3 as third-node\n" +
		"    p1-xp2: 0.000 s SYN SEQ=1 WIN=65535<br/>dropped in flight#58; rule#58; a#59;b #35;c #60;i#62;x#60;/i#62; **bold** //it// --s-- __u__ ~~w~~ [[l]] \\n #38; #38;#35;65#59; #37;date#37; $v #34;q#34;\n" +
		"    Note over p2: SYN-RECEIVED\n" +
		"    Note over p3: third-node crashed\n"
	if got != want {
		t.Errorf("Mermaid:\n%s\nwant\n%s", got, want)
	}
	got = plantUML(t, awkward(), TextDiagramOptions{})
	want = "@startuml\n!pragma teoz true\n" +
		"title a;b #c: &#42;&#42;d&#42;&#42; &#37;&#37; e\n" +
		"participant \"end\" as p1\n" +
		"participant \"serveur &#34;#1&#34;; &#60;b&#62;\" as p2\n" +
		"participant \"third-node\" as p3\n" +
		"p1 -[#red]>x p2 : 0.000 s SYN SEQ=1 WIN=65535\\ndropped in flight: rule: a;b #c &#60;i&#62;x&#60;/i&#62; &#42;&#42;bold&#42;&#42; &#47;&#47;it&#47;&#47; &#45;&#45;s&#45;&#45; &#95;&#95;u&#95;&#95; &#126;&#126;w&#126;&#126; &#91;&#91;l&#93;&#93; &#92;n &#38; &#38;#65; &#37;date&#37; &#36;v &#34;q&#34;\n" +
		"note over p2 : SYN-RECEIVED\n" +
		"note over p3 : third-node crashed\n" +
		"@enduml\n"
	if got != want {
		t.Errorf("PlantUML:\n%s\nwant\n%s", got, want)
	}
}

func TestTextDiagramParticipants(t *testing.T) {
	recs := synthetic()
	for _, tc := range []struct {
		opt  TextDiagramOptions
		want string
	}{
		{TextDiagramOptions{}, "participant client\n    participant server\n"},
		{TextDiagramOptions{Left: "server"}, "participant server\n    participant client\n"},
		{TextDiagramOptions{Right: "client"}, "participant server\n    participant client\n"},
		{TextDiagramOptions{Left: "A", Right: "B"}, "participant A\n    participant B\n    participant server\n    participant client\n"},
	} {
		if got := mermaid(t, recs, tc.opt); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: want %q in\n%s", tc.opt, tc.want, got)
		}
	}
	if got := mermaid(t, nil, TextDiagramOptions{}); got != "sequenceDiagram\n    participant client\n    participant server\n" {
		t.Errorf("no records: %q", got)
	}
	if got := participantIDs([]string{"a b", "p1", "x"}); strings.Join(got, " ") != "p1_ p1 x" {
		t.Errorf("participantIDs = %q", got)
	}
}

func TestTextDiagramOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		opt  TextDiagramOptions
		want string
	}{
		{TextDiagramOptions{SeqNumbers: "wireshark"}, `unknown sequence numbering "wireshark"; it is "absolute" or "relative"`},
		{TextDiagramOptions{Lang: "fr"}, `unknown language "fr"; the languages are en (English), vi (Tiếng Việt)`},
		{TextDiagramOptions{From: ms(2), To: ms(1)}, "the window ends (0.001s) before it starts (0.002s)"},
		{TextDiagramOptions{SlantScale: -1}, "negative slant scale -1ns"},
	} {
		for _, d := range textDiagrams {
			var out bytes.Buffer
			err := d.write(&out, synthetic(), tc.opt)
			if err == nil || err.Error() != tc.want {
				t.Errorf("%s %+v: error %v, want %q", d.name, tc.opt, err, tc.want)
			}
			if out.Len() > 0 {
				t.Errorf("%s %+v: wrote %q", d.name, tc.opt, out.String())
			}
		}
	}
}

func TestTextDiagramDeterministic(t *testing.T) {
	for _, d := range textDiagrams {
		opt := TextDiagramOptions{SeqNumbers: "relative", Lang: Vietnamese}
		if drawText(t, d, synthetic(), opt) != drawText(t, d, synthetic(), opt) {
			t.Errorf("%s: two drawings of one trace differ", d.name)
		}
	}
}

func TestTextDiagramWriteError(t *testing.T) {
	if err := WriteMermaid(failWriter{}, synthetic(), TextDiagramOptions{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteMermaid = %v", err)
	}
	if err := WritePlantUML(failWriter{}, synthetic(), TextDiagramOptions{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WritePlantUML = %v", err)
	}
}

// Past MaxSegments nothing more is drawn but a note counting the segments
// left out.
func TestTextDiagramMaxSegments(t *testing.T) {
	got := mermaid(t, synthetic(), TextDiagramOptions{MaxSegments: 3})
	if n := strings.Count(got, "->>") + strings.Count(got, "-x"); n != 3 {
		t.Errorf("%d arrows, want 3:\n%s", n, got)
	}
	if !strings.HasSuffix(got, "0.100 s ACK SEQ=101 ACK=301 WIN=65535\n    Note over client,server: … 15 more segments not drawn#58; choose a time window (From, To)\n") {
		t.Errorf("wrong end:\n%s", got)
	}
	got = plantUML(t, synthetic(), TextDiagramOptions{MaxSegments: 3, Lang: Vietnamese})
	if !strings.HasSuffix(got, "note over client, server : … còn 15 phân đoạn không được vẽ: hãy chọn khoảng thời gian (From, To)\n@enduml\n") {
		t.Errorf("wrong end:\n%s", got)
	}
	all := mermaid(t, synthetic(), TextDiagramOptions{MaxSegments: -1})
	if all != mermaid(t, synthetic(), TextDiagramOptions{MaxSegments: 18}) || strings.Contains(all, "not drawn") {
		t.Errorf("no limit differs from a limit of all 18 segments:\n%s", all)
	}
	if mermaid(t, synthetic(), TextDiagramOptions{}) != all {
		t.Error("the default limit cuts the synthetic trace")
	}
}
