package viz

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// render draws recs with opt and returns the output.
func render(t testing.TB, recs []trace.Record, opt LadderOptions) string {
	t.Helper()
	var out bytes.Buffer
	l := NewLadder(&out, opt)
	for i := range recs {
		l.Record(&recs[i])
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./viz -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test ./viz -update rewrites it; read the diff)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// checkWidth fails for a line wider than w columns once colour codes are
// removed.
func checkWidth(t *testing.T, out string, w int) {
	t.Helper()
	for i, line := range strings.Split(out, "\n") {
		if n := width(ansi.ReplaceAllString(line, "")); n > w {
			t.Errorf("line %d is %d columns wide, more than %d:\n%s", i+1, n, w, line)
		}
	}
}

// checkTimelines fails when a line's timelines are not in the columns of
// the first line's: every arrow must end exactly on them.
func checkTimelines(t *testing.T, out string, w int) {
	t.Helper()
	notes := noteWidth(w)
	left, right := prefixWidth, w-notes-1 // runs under 10,000 s
	for i, line := range strings.Split(ansi.ReplaceAllString(out, ""), "\n") {
		r := []rune(line)
		if len(r) <= prefixWidth || r[prefixWidth] != '│' {
			continue // the header, the "more events" line
		}
		if len(r) <= right || r[left] != '│' || r[right] != '│' {
			t.Errorf("line %d: timelines not in columns %d and %d:\n%s", i+1, left, right, line)
		}
	}
}

// eventLines counts the lines that start with a time.
func eventLines(out string) int {
	return len(regexp.MustCompile(`(?m)^ *\d+\.\d+ s`).FindAllString(out, -1))
}

func TestLadderGolden(t *testing.T) {
	recs := synthetic()
	for _, tc := range []struct {
		name string
		opt  LadderOptions
	}{
		{"ladder.golden", LadderOptions{Width: 100}},
		{"ladder_relative.golden", LadderOptions{Width: 100, Relative: true}},
		{"ladder_color.golden", LadderOptions{Width: 100, Color: true}},
		{"ladder_maxlines.golden", LadderOptions{Width: 100, MaxLines: 10}},
		{"ladder_narrow.golden", LadderOptions{Width: 64}},
		{"ladder_wide.golden", LadderOptions{Width: 140, ShowReads: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, recs, tc.opt)
			golden(t, tc.name, got)
			checkWidth(t, got, tc.opt.Width)
			checkTimelines(t, got, tc.opt.Width)
			if !tc.opt.Color && strings.Contains(got, "\x1b") {
				t.Error("escape codes without Color")
			}
		})
	}
}

func TestLadderDefaults(t *testing.T) {
	got := render(t, synthetic(), LadderOptions{})
	if want := render(t, synthetic(), LadderOptions{Width: 100, Left: "client", Right: "server"}); got != want {
		t.Error("zero options differ from width 100, client and server")
	}
	checkWidth(t, render(t, synthetic(), LadderOptions{Width: 10}), MinLadderWidth)
}

func TestLadderDeterministic(t *testing.T) {
	opt := LadderOptions{Relative: true, Color: true}
	if render(t, synthetic(), opt) != render(t, synthetic(), opt) {
		t.Error("two renderings of one trace differ")
	}
}

func TestLadderColor(t *testing.T) {
	got := render(t, synthetic(), LadderOptions{Color: true})
	for _, c := range []struct{ code, what, line string }{
		{colorRed, "drop", "dropped: random loss"},
		{colorYellow, "retransmission", "retransmission"},
		{colorMagenta, "dup ACK", "dup ACK #1"},
		{colorCyan, "state change", "SYN-SENT → ESTABLISHED"},
		{colorBoldRed, "abort", "connection aborted"},
	} {
		found := false
		for _, line := range strings.Split(got, "\n") {
			if strings.Contains(line, c.line) && strings.Contains(line, c.code) && strings.Contains(line, colorReset) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s line %q coloured %q", c.what, c.line, c.code)
		}
	}
	if plain := render(t, synthetic(), LadderOptions{}); ansi.ReplaceAllString(got, "") != plain {
		t.Error("the coloured ladder without its escape codes differs from the plain one")
	}
}

func TestLadderRelative(t *testing.T) {
	got := render(t, synthetic(), LadderOptions{Relative: true})
	for _, want := range []string{
		"── SYN seq=0 win=65535 <mss 1460> ─", // client's ISN 100
		"─ SYN,ACK seq=0 ack=1 win=65535 <mss 1460> ──",
		"── ACK seq=1 ack=1 win=65535 ─",
		"── seq=1461 ack=1 len=1460 win=65535 ─",
		"── FIN,ACK seq=5841 ack=1 win=65535 ─",
		"── SYN seq=0 win=65535 <mss 1460,sackOK,wscale 7> ─", // second connection: ISN 900
	} {
		if !strings.Contains(got, want) {
			t.Errorf("relative ladder lacks %q", want)
		}
	}
}

func TestLadderRelativeSACK(t *testing.T) {
	b := newBuilder()
	b.send(0, "client", seg{flags: wire.SYN, seq: 1000})
	b.send(ms(50), "server", seg{flags: wire.SYN | wire.ACK, seq: 5000, ack: 1001})
	b.send(ms(100), "server", seg{flags: wire.ACK, seq: 5001, ack: 1001, opt: wire.Options{
		NumSACK: 2, SACK: [wire.MaxSACKBlocks]wire.SACKBlock{{Left: 2461, Right: 3921}, {Left: 5381, Right: 6841}}}})
	got := render(t, b.recs, LadderOptions{Relative: true, Width: 140})
	if want := "ACK seq=1 ack=1 win=65535 <sack 1461-2921 4381-5841> ──"; !strings.Contains(got, want) {
		t.Errorf("want %q in\n%s", want, got)
	}
	got = render(t, b.recs, LadderOptions{Width: 140})
	if want := "ACK seq=5001 ack=1001 win=65535 <sack 2461-3921 5381-6841> ──"; !strings.Contains(got, want) {
		t.Errorf("want %q in\n%s", want, got)
	}
}

// The drop of a segment merges into its send's line when nothing visible
// came between them at that instant, even past silent records.
func TestLadderDropMerge(t *testing.T) {
	got := render(t, synthetic(), LadderOptions{})
	for _, want := range []string{
		"│── seq=1561 ack=301 len=1460 win=65535 ──✗             │ dropped: rule",
		"│                  ✗── ACK seq=301 ack=1561 win=65535 ──│ dup ACK #2\n",
		"│ dropped: random loss\n",
		"SYN seq=900 ✗",
		"│ dropped in flight: link down",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("ladder lacks %q:\n%s", want, got)
		}
	}
	// A visible line between send and drop keeps them apart.
	b := newBuilder()
	id := b.send(0, "client", seg{flags: wire.SYN, seq: 100})
	b.state(0, "client", 1, "CLOSED", "SYN-SENT")
	b.drop(0, id, "loss")
	got = render(t, b.recs, LadderOptions{})
	if !strings.Contains(got, "──▶│\n") || !strings.Contains(got, "dropped in flight: loss") {
		t.Errorf("send and drop should be two lines:\n%s", got)
	}
}

// Past MaxLines the ladder counts exactly the lines it would have drawn.
func TestLadderMaxLinesCount(t *testing.T) {
	recs := synthetic()
	total := eventLines(render(t, recs, LadderOptions{}))
	if total < 30 {
		t.Fatalf("the synthetic trace draws only %d event lines", total)
	}
	for n := 1; n <= total+1; n++ {
		got := render(t, recs, LadderOptions{MaxLines: n})
		if shown := eventLines(got); shown != min(n, total) {
			t.Errorf("MaxLines %d: %d event lines shown", n, shown)
		}
		more := "… " + strconv.Itoa(total-n) + " more events not shown (use --ladder full)\n"
		if total-n == 1 {
			more = "… 1 more event not shown (use --ladder full)\n"
		}
		switch {
		case n >= total && strings.Contains(got, "not shown"):
			t.Errorf("MaxLines %d of %d: says events were left out", n, total)
		case n < total && !strings.HasSuffix(got, more):
			t.Errorf("MaxLines %d of %d: want it to end %q, got\n%s", n, total, more, got)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestLadderFlushError(t *testing.T) {
	l := NewLadder(failWriter{}, LadderOptions{})
	recs := synthetic()
	for i := range recs {
		l.Record(&recs[i])
	}
	if err := l.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Flush = %v, want the write error", err)
	}
}

func TestLadderNotes(t *testing.T) {
	recs := []trace.Record{
		{T: ms(1), Kind: trace.KindHost, Node: "server", Host: trace.HostCrash},
		{T: ms(2), Kind: trace.KindHost, Node: "server", Host: trace.HostReboot},
		{T: ms(3), Kind: trace.KindLink, Node: "client", Link: trace.LinkDown},
		{T: ms(4), Kind: trace.KindApp, Node: "server", Conn: 1, App: trace.AppRead, Value: 10},
		{T: ms(5), Kind: trace.KindApp, Node: "server", Conn: 1, App: trace.AppOp(99)},
		{T: ms(6), Kind: trace.KindTimer, Node: "client", Conn: 1, Timer: trace.TimerPersist, TimerOp: trace.TimerFired},
		{T: ms(7), Kind: trace.KindTimer, Node: "client", Conn: 1, Timer: trace.TimerRetransmission, TimerOp: trace.TimerFired},
		{T: ms(8), Kind: trace.KindState, Node: "server", Conn: 3, From: trace.StateListen, To: trace.StateSynReceived},
	}
	got := render(t, recs, LadderOptions{})
	for _, want := range []string{"server crashed", "server rebooted", "link client down",
		"app: unknown │", "│ RTO fired  ", "[conn 3] LISTEN → SYN-RECEIVED │"} {
		if !strings.Contains(got, want) {
			t.Errorf("ladder lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "read") || strings.Contains(got, "persist") {
		t.Errorf("reads and persist timers should be silent:\n%s", got)
	}
	if got := render(t, recs, LadderOptions{ShowReads: true}); !strings.Contains(got, "app: read 10 bytes │") {
		t.Errorf("ShowReads: no read note:\n%s", got)
	}
}

func TestLadderLongLabelTruncated(t *testing.T) {
	b := newBuilder()
	opt := wire.Options{HasTimestamp: true, TSVal: 4000000000, TSEcr: 4000000001,
		NumSACK: 3, SACK: [wire.MaxSACKBlocks]wire.SACKBlock{{Left: 1, Right: 2}, {Left: 3, Right: 4}, {Left: 5, Right: 6}}}
	id := b.send(0, "client", seg{flags: wire.PSH | wire.ACK, seq: 4000000000, ack: 4000000000, len: 1460, opt: opt})
	b.send(0, "server", seg{flags: wire.ACK, seq: 4000000000, ack: 4000000000, opt: opt,
		labels: trace.LabelRetransmission | trace.LabelFastRetransmission | trace.LabelWindowUpdate | trace.LabelDupACK, n: 3})
	b.drop(0, id+1, "a very long drop reason that needs wrapping over several lines of the note column")
	for _, w := range []int{64, 100} {
		got := render(t, b.recs, LadderOptions{Width: w})
		checkWidth(t, got, w)
		checkTimelines(t, got, w)
		if !strings.Contains(got, "…") {
			t.Errorf("width %d: long label not cut:\n%s", w, got)
		}
		var notes []string
		for _, line := range strings.Split(got, "\n") {
			if i := strings.LastIndex(line, "│ "); i >= 0 {
				notes = append(notes, line[i+len("│ "):])
			}
		}
		if !strings.Contains(strings.Join(notes, " "), "dup ACK #3 window update dropped: a very long drop reason that needs wrapping over several lines of the note column") {
			t.Errorf("width %d: the wrapped note lost words:\n%s", w, got)
		}
	}
}

// BenchmarkLadder is a full ladder (no MaxLines) of a long run.
func BenchmarkLadder(b *testing.B) {
	recs := synthetic()
	l := NewLadder(io.Discard, LadderOptions{Relative: true})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := range recs {
			l.Record(&recs[i])
		}
		n += len(recs)
	}
	l.Flush()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/record")
}

// BenchmarkLadderPastMaxLines is a bulk run once MaxLines is reached.
func BenchmarkLadderPastMaxLines(b *testing.B) {
	recs := synthetic()
	l := NewLadder(&bytes.Buffer{}, LadderOptions{MaxLines: 1})
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := range recs {
			l.Record(&recs[i])
		}
		n += len(recs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/record")
}
