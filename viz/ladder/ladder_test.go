package ladder

import (
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/internal/builtin"
	"github.com/tcpsim/tcpsim/viz/internal/testtrace"
	"github.com/tcpsim/tcpsim/wire"
)

var (
	synthetic = testtrace.Synthetic
	ms        = testtrace.MS
)

type seg = testtrace.Seg

// render draws recs with opt and returns the output.
func render(t testing.TB, recs []trace.Record, opt Options) string {
	t.Helper()
	var out bytes.Buffer
	l := New(&out, opt)
	for i := range recs {
		l.Record(&recs[i])
	}
	require.NoError(t, l.Flush())
	return out.String()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testtrace.Golden(t, filepath.Join("testdata", name), []byte(got))
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// checkWidth fails for a line wider than w columns once colour codes are
// removed.
func checkWidth(t *testing.T, out string, w int) {
	t.Helper()
	for i, line := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, width(ansi.ReplaceAllString(line, "")), w, "line %d is too wide:\n%s", i+1, line)
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
		assert.True(t, len(r) > right && r[left] == '│' && r[right] == '│',
			"line %d: timelines not in columns %d and %d:\n%s", i+1, left, right, line)
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
		opt  Options
	}{
		{"ladder.golden", Options{Width: 100}},
		{"ladder_relative.golden", Options{Width: 100, SeqNumbers: catalog.SeqRelative}},
		{"ladder_color.golden", Options{Width: 100, Color: true}},
		{"ladder_maxlines.golden", Options{Width: 100, MaxLines: 10}},
		{"ladder_narrow.golden", Options{Width: 64}},
		{"ladder_wide.golden", Options{Width: 140, ShowReads: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := render(t, recs, tc.opt)
			golden(t, tc.name, got)
			checkWidth(t, got, tc.opt.Width)
			checkTimelines(t, got, tc.opt.Width)
			if !tc.opt.Color {
				assert.NotContains(t, got, "\x1b", "escape codes without Color")
			}
		})
	}
}

func TestLadderDefaults(t *testing.T) {
	assert.Equal(t, render(t, synthetic(), Options{Width: 100, Left: "client", Right: "server"}), render(t, synthetic(), Options{}),
		"zero options are width 100, client and server")
	checkWidth(t, render(t, synthetic(), Options{Width: 10}), MinWidth)
}

func TestLadderDeterministic(t *testing.T) {
	opt := Options{SeqNumbers: catalog.SeqRelative, Color: true}
	assert.Equal(t, render(t, synthetic(), opt), render(t, synthetic(), opt))
}

func TestLadderColor(t *testing.T) {
	got := render(t, synthetic(), Options{Color: true})
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
		assert.True(t, found, "no %s line %q coloured %q", c.what, c.line, c.code)
	}
	assert.Equal(t, render(t, synthetic(), Options{}), ansi.ReplaceAllString(got, ""),
		"the coloured ladder without its escape codes is the plain one")
}

func TestLadderRelative(t *testing.T) {
	got := render(t, synthetic(), Options{SeqNumbers: catalog.SeqRelative})
	for _, want := range []string{
		"── SYN seq=0 win=65535 <mss 1460> ─", // client's ISN 100
		"─ SYN,ACK seq=0 ack=1 win=65535 <mss 1460> ──",
		"── ACK seq=1 ack=1 win=65535 ─",
		"── seq=1461 ack=1 len=1460 win=65535 ─",
		"── FIN,ACK seq=5841 ack=1 win=65535 ─",
		"── SYN seq=0 win=65535 <mss 1460,sackOK,wscale 7> ─", // second connection: ISN 900
	} {
		assert.Contains(t, got, want)
	}
}

func TestLadderRelativeSACK(t *testing.T) {
	b := testtrace.NewBuilder()
	b.Send(0, "client", seg{Flags: wire.SYN, Seq: 1000})
	b.Send(ms(50), "server", seg{Flags: wire.SYN | wire.ACK, Seq: 5000, Ack: 1001})
	b.Send(ms(100), "server", seg{Flags: wire.ACK, Seq: 5001, Ack: 1001, Opt: wire.Options{
		NumSACK: 2, SACK: [wire.MaxSACKBlocks]wire.SACKBlock{{Left: 2461, Right: 3921}, {Left: 5381, Right: 6841}}}})
	assert.Contains(t, render(t, b.Recs, Options{SeqNumbers: catalog.SeqRelative, Width: 140}),
		"ACK seq=1 ack=1 win=65535 <sack 1461-2921 4381-5841> ──")
	assert.Contains(t, render(t, b.Recs, Options{Width: 140}),
		"ACK seq=5001 ack=1001 win=65535 <sack 2461-3921 5381-6841> ──")
}

// The drop of a segment merges into its send's line when nothing visible
// came between them at that instant, even past silent records.
func TestLadderDropMerge(t *testing.T) {
	got := render(t, synthetic(), Options{})
	for _, want := range []string{
		"│── seq=1561 ack=301 len=1460 win=65535 ──✗             │ dropped: rule",
		"│                  ✗── ACK seq=301 ack=1561 win=65535 ──│ dup ACK #2\n",
		"│ dropped: random loss\n",
		"SYN seq=900 ✗",
		"│ dropped in flight: link down",
	} {
		assert.Contains(t, got, want)
	}
	// A visible line between send and drop keeps them apart.
	b := testtrace.NewBuilder()
	id := b.Send(0, "client", seg{Flags: wire.SYN, Seq: 100})
	b.State(0, "client", 1, "CLOSED", "SYN-SENT")
	b.Drop(0, id, "loss")
	got = render(t, b.Recs, Options{})
	assert.Contains(t, got, "──▶│\n", "send and drop are two lines")
	assert.Contains(t, got, "dropped in flight: loss", "send and drop are two lines")
}

// Past MaxLines the ladder counts exactly the lines it would have drawn.
// So it does in HTTP runs, where a message's "sends …" line is drawn only
// when no segment of its instant carries it.
func TestLadderMaxLinesCount(t *testing.T) {
	t.Run("synthetic", func(t *testing.T) { checkMaxLinesCount(t, synthetic(), 30) })
	for _, name := range []string{"http-pipelining", "http-browser"} {
		t.Run(name, func(t *testing.T) { checkMaxLinesCount(t, builtin.Trace(t, name), 50) })
	}
}

func checkMaxLinesCount(t *testing.T, recs []trace.Record, least int) {
	t.Helper()
	total := eventLines(render(t, recs, Options{}))
	require.GreaterOrEqual(t, total, least, "the trace draws too few event lines")
	for n := 1; n <= total+1; n++ {
		got := render(t, recs, Options{MaxLines: n})
		assert.Equal(t, min(n, total), eventLines(got), "MaxLines %d: event lines shown", n)
		more := "… " + strconv.Itoa(total-n) + " more events not shown (use --ladder full)\n"
		if total-n == 1 {
			more = "… 1 more event not shown (use --ladder full)\n"
		}
		if n >= total {
			assert.NotContains(t, got, "not shown", "MaxLines %d of %d", n, total)
		} else {
			assert.True(t, strings.HasSuffix(got, more), "MaxLines %d of %d: want it to end %q, got\n%s", n, total, more, got)
		}
	}
}

func TestLadderFlushError(t *testing.T) {
	l := New(testtrace.FailWriter{}, Options{})
	recs := synthetic()
	for i := range recs {
		l.Record(&recs[i])
	}
	assert.ErrorIs(t, l.Flush(), testtrace.ErrDiskFull)
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
	got := render(t, recs, Options{})
	for _, want := range []string{"server crashed", "server rebooted", "link client down",
		"app: unknown │", "│ RTO fired  ", "[conn 3] LISTEN → SYN-RECEIVED │"} {
		assert.Contains(t, got, want)
	}
	assert.NotContains(t, got, "read", "reads are silent")
	assert.NotContains(t, got, "persist", "persist timers are silent")
	assert.Contains(t, render(t, recs, Options{ShowReads: true}), "app: read 10 bytes │")
}

// A close asked for with data still unsent takes TCP to FIN-WAIT-1 (or
// LAST-ACK) at once, before the data leaves (RFC 9293 §3.10.4): the state
// line says that the FIN follows the data. A close after the data went
// says nothing more; nor does the other side's.
func TestLadderCloseQueued(t *testing.T) {
	b := testtrace.NewBuilder()
	b.Send(0, "client", seg{Flags: wire.SYN, Seq: 100})
	b.Send(ms(50), "server", seg{Flags: wire.SYN | wire.ACK, Seq: 300, Ack: 101})
	b.State(ms(100), "client", 1, "SYN-SENT", "ESTABLISHED")
	b.App(ms(100), "client", 1, "write", 2000)
	b.App(ms(100), "client", 1, "close", 0)
	b.State(ms(100), "client", 1, "ESTABLISHED", "FIN-WAIT-1")
	b.Send(ms(100), "client", seg{Flags: wire.ACK, Seq: 101, Ack: 301, Len: 1460})
	b.Send(ms(100), "client", seg{Flags: wire.PSH | wire.ACK, Seq: 1561, Ack: 301, Len: 540})
	b.Send(ms(100), "client", seg{Flags: wire.FIN | wire.ACK, Seq: 2101, Ack: 301})
	b.App(ms(150), "server", 1, "write", 100)
	b.Send(ms(150), "server", seg{Flags: wire.PSH | wire.ACK, Seq: 301, Ack: 2102, Len: 100})
	b.App(ms(150), "server", 1, "close", 0)
	b.State(ms(150), "server", 1, "CLOSE-WAIT", "LAST-ACK")
	b.Send(ms(150), "server", seg{Flags: wire.FIN | wire.ACK, Seq: 401, Ack: 2102})
	for _, tc := range []struct {
		lang  catalog.Lang
		queue string
	}{
		{catalog.English, "close queued: FIN follows the data"},
		{catalog.Vietnamese, "lệnh đóng xếp hàng: FIN gửi sau dữ liệu"},
	} {
		got := render(t, b.Recs, Options{Width: 140, Lang: tc.lang})
		assert.Regexp(t, `ESTABLISHED → FIN-WAIT-1 +│ `+regexp.QuoteMeta(tc.queue)+"\n", got, "%s: the client's close, queued behind 2000 bytes", tc.lang)
		assert.Equal(t, 1, strings.Count(got, tc.queue), "%s: the server's close comes after its data:\n%s", tc.lang, got)
	}
}

// A note between the timelines wider than the space there wraps onto
// continuation lines instead of being cut: the Vietnamese reroute of
// failover, at the default width.
func TestLadderCentreLineWraps(t *testing.T) {
	recs := []trace.Record{{T: ms(1), Kind: trace.KindLink, Node: "client↔server", Link: trace.LinkReroute}}
	for _, w := range []int{MinWidth, DefaultWidth} {
		got := render(t, recs, Options{Width: w, Lang: catalog.Vietnamese})
		checkWidth(t, got, w)
		checkTimelines(t, got, w)
		assert.NotContains(t, got, "…", "width %d", w)
		words := strings.Join(strings.Fields(strings.ReplaceAll(got, "│", " ")), " ")
		assert.Contains(t, words, "đường truyền client↔server: chuyển sang đường dự phòng", "width %d", w)
	}
}

func TestLadderLongLabelTruncated(t *testing.T) {
	b := testtrace.NewBuilder()
	opt := wire.Options{HasTimestamp: true, TSVal: 4000000000, TSEcr: 4000000001,
		NumSACK: 3, SACK: [wire.MaxSACKBlocks]wire.SACKBlock{{Left: 1, Right: 2}, {Left: 3, Right: 4}, {Left: 5, Right: 6}}}
	id := b.Send(0, "client", seg{Flags: wire.PSH | wire.ACK, Seq: 4000000000, Ack: 4000000000, Len: 1460, Opt: opt})
	b.Send(0, "server", seg{Flags: wire.ACK, Seq: 4000000000, Ack: 4000000000, Opt: opt,
		Labels: trace.LabelRetransmission | trace.LabelFastRetransmission | trace.LabelWindowUpdate | trace.LabelDupACK, N: 3})
	b.Drop(0, id+1, "a very long drop reason that needs wrapping over several lines of the note column")
	for _, w := range []int{64, 100} {
		got := render(t, b.Recs, Options{Width: w})
		checkWidth(t, got, w)
		checkTimelines(t, got, w)
		assert.Contains(t, got, "…", "width %d: a long label is cut", w)
		var notes []string
		for _, line := range strings.Split(got, "\n") {
			if i := strings.LastIndex(line, "│ "); i >= 0 {
				notes = append(notes, line[i+len("│ "):])
			}
		}
		assert.Contains(t, strings.Join(notes, " "),
			"dup ACK #3 window update dropped: a very long drop reason that needs wrapping over several lines of the note column",
			"width %d: the wrapped note lost words", w)
	}
}

// A Vietnamese ladder keeps its timelines in place and its lines within
// the width, and says nothing in English but protocol words.
func TestLadderVietnamese(t *testing.T) {
	for _, w := range []int{MinWidth, DefaultWidth, 140} {
		got := render(t, synthetic(), Options{Width: w, Lang: catalog.Vietnamese, ShowReads: true})
		checkWidth(t, got, w)
		checkTimelines(t, got, w)
		for _, english := range []string{"dropped", "dup ACK", "retransmission", "app:", "time ", "connection aborted"} {
			assert.NotContains(t, got, english, "width %d", w)
		}
		words := strings.Join(strings.Fields(strings.ReplaceAll(got, "│", " ")), " ")
		for _, vi := range []string{"thời gian", "ACK trùng lặp #1", "truyền lại", "bị loại bỏ: mất gói ngẫu nhiên", "kết nối bị"} {
			assert.Contains(t, words, vi, "width %d", w)
		}
	}
	assert.Equal(t, render(t, synthetic(), Options{}), render(t, synthetic(), Options{Lang: "fr"}),
		"an unknown language falls back to English")
}

// BenchmarkLadder is a full ladder (no MaxLines) of a long run.
func BenchmarkLadder(b *testing.B) {
	recs := synthetic()
	l := New(io.Discard, Options{SeqNumbers: catalog.SeqRelative})
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
	l := New(&bytes.Buffer{}, Options{MaxLines: 1})
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

// From and To draw only that stretch of the run; relative numbers stay
// relative, the ISNs learned from the SYNs before it.
func TestLadderWindow(t *testing.T) {
	got := render(t, synthetic(), Options{From: ms(150), To: ms(1250), SeqNumbers: catalog.SeqRelative})
	lines := regexp.MustCompile(`(?m)^ *(\d+\.\d+) s`).FindAllStringSubmatch(got, -1)
	require.NotEmpty(t, lines)
	for _, l := range lines {
		v, err := strconv.ParseFloat(l[1], 64)
		require.NoError(t, err)
		assert.True(t, v >= 0.150 && v <= 1.250, "a line at %s s, outside the window", l[1])
	}
	for _, want := range []string{"SYN-RECEIVED → ESTABLISHED", "ACK seq=1 ack=1461 win=65535", "dup ACK #2", "RTO fired", "ack=5841"} {
		assert.Contains(t, got, want)
	}
	for _, not := range []string{"SYN seq", "FIN"} {
		assert.NotContains(t, got, not)
	}
	// The header is the same; the window only leaves lines out.
	all := render(t, synthetic(), Options{SeqNumbers: catalog.SeqRelative})
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		assert.Contains(t, all, line+"\n")
	}
}
