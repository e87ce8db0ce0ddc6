package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// tcpsim runs the command line args and returns its exit code and output.
func tcpsim(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = execute(args, &o, &e)
	return code, o.String(), e.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run 'go test ./cmd/tcpsim -update' to create it")
	assert.Equal(t, string(want), got, "output differs from %s (update with -update after reading the diff)", path)
}

// The README's first command, as a golden file: the ladder a new user sees.
func TestRun_LostSegmentLadder(t *testing.T) {
	code, out, errOut := tcpsim(t, "run", "--no-color", "../../scenarios/lost-segment.yaml")
	require.Equal(t, exitOK, code, errOut)
	golden(t, "lost-segment", out)
	for _, want := range []string{"SYN seq=100", "SYN,ACK seq=300 ack=101", "ACK seq=101 ack=301", "dup ACK #3", "fast retransmission", "dropped"} {
		assert.Contains(t, out, want)
	}
}

func TestRun_HandshakeRelative(t *testing.T) {
	code, out, errOut := tcpsim(t, "run", "--no-color", "--relative", "handshake")
	require.Equal(t, exitOK, code, errOut)
	golden(t, "handshake-relative", out)
	// --seq-numbers relative is the same; so is it with --relative too.
	for _, args := range [][]string{{"--seq-numbers", "relative"}, {"--seq-numbers", "relative", "--relative"}} {
		_, again, _ := tcpsim(t, append([]string{"run", "--no-color", "handshake"}, args...)...)
		assert.Equal(t, out, again, args)
	}
}

func TestRun_TraceToStdoutIsOnlyJSON(t *testing.T) {
	code, out, errOut := tcpsim(t, "run", "--trace", "-", "handshake")
	require.Equal(t, exitOK, code, errOut)
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		require.True(t, strings.HasPrefix(line, `{"t_ns":`) && strings.HasSuffix(line, "}"), "stdout line %d is not a trace record: %q", i+1, line)
	}
	assert.Contains(t, errOut, "summary", "the summary goes to stderr")
}

func TestRun_TraceFileAndSeedAreDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	for _, p := range []string{a, b} {
		code, _, e := tcpsim(t, "run", "--ladder", "none", "--seed", "42", "--trace", p, "lost-segment")
		require.Equal(t, exitOK, code, e)
	}
	x, err := os.ReadFile(a)
	require.NoError(t, err)
	y, err := os.ReadFile(b)
	require.NoError(t, err)
	assert.NotEmpty(t, x)
	assert.True(t, bytes.Equal(x, y), "two traces of one seed differ")
}

func TestErrors_ExitCode2WithPlace(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("link: {delay: -5ms}\nclinet: {isn: 1}\n"), 0o644))
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"run", bad}, []string{"bad.yaml:1:", "link.delay", "bad.yaml:2:", "clinet", "client"}},
		{[]string{"validate", bad}, []string{"bad.yaml:1:"}},
		{[]string{"run", "no-such-scenario"}, []string{"no-such-scenario"}},
		{[]string{"run"}, []string{"needs a scenario"}},
		{[]string{"run", "--ladder", "sideways", "handshake"}, []string{"--ladder", "auto, full or none"}},
		{[]string{"run", "--bogus", "handshake"}, []string{"bogus"}},
		{[]string{"show", "nope"}, []string{"nope"}},
		{[]string{"frobnicate"}, []string{"frobnicate"}},
	} {
		code, _, errOut := tcpsim(t, c.args...)
		assert.Equal(t, exitBadInput, code, "%v: stderr %q", c.args, errOut)
		for _, w := range c.want {
			assert.Contains(t, errOut, w, c.args)
		}
		assert.NotContains(t, errOut, "goroutine", "%v: a stack trace leaked", c.args)
		assert.NotContains(t, errOut, "panic", "%v: a stack trace leaked", c.args)
	}
}

func TestListShowValidate(t *testing.T) {
	code, out, _ := tcpsim(t, "list")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "lost-segment")
	assert.Contains(t, out, "handshake")
	code, out, _ = tcpsim(t, "show", "lost-segment")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "data_segment: 3")
	code, out, _ = tcpsim(t, "validate", "../../scenarios/syn-lost.yaml")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "ok")
}

func TestRun_OutputDirWritesEverything(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := tcpsim(t, "run", "--ladder", "none", "-o", dir, "--to", "1s", "lost-segment")
	require.Equal(t, exitOK, code, errOut)
	for _, suffix := range []string{".txt", ".jsonl", ".pcap", ".svg", ".png", ".pdf", "-seq.png", "-window.png", ".mmd", ".puml", ".html"} {
		fi, err := os.Stat(filepath.Join(dir, "lost-segment"+suffix))
		if assert.NoError(t, err, suffix) {
			assert.NotZero(t, fi.Size(), suffix)
		}
	}
	png, err := os.ReadFile(filepath.Join(dir, "lost-segment.png"))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")), "lost-segment.png is a PNG")
	pdf, err := os.ReadFile(filepath.Join(dir, "lost-segment.pdf"))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(pdf, []byte("%PDF")), "lost-segment.pdf is a PDF")
	page, err := os.ReadFile(filepath.Join(dir, "lost-segment.html"))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(page, []byte("<!DOCTYPE html>")), "lost-segment.html is a page")
}

// --html writes the page alone, in the language asked for.
func TestRun_HTML(t *testing.T) {
	page := filepath.Join(t.TempDir(), "page.html")
	code, _, errOut := tcpsim(t, "run", "--ladder", "none", "--html", page, "--lang", "vi", "zero-window")
	require.Equal(t, exitOK, code, errOut)
	b, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.Contains(t, string(b), `<html lang="vi">`)
	assert.Contains(t, string(b), "cửa sổ")
}

// A file flag given with -o names its own file; -o names the others.
func TestRun_OutputDirAndAFileFlag(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	mine := filepath.Join(other, "mine.svg")
	code, _, errOut := tcpsim(t, "run", "--ladder", "none", "-o", dir, "--svg", mine, "handshake")
	require.Equal(t, exitOK, code, errOut)
	assert.FileExists(t, mine)
	assert.NoFileExists(t, filepath.Join(dir, "handshake.svg"))
	assert.FileExists(t, filepath.Join(dir, "handshake.png"))
}

// --set changes a key as if the file said so: the same run, byte for
// byte, as the scenario written with that value.
func TestRun_Set(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "handshake.yaml")
	src, err := os.ReadFile(filepath.Join("..", "..", "scenarios", "handshake.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, append(src, "seed: 1\nlinks: {client_to_server: {loss: 50%}}\n"...), 0o644))
	_, want, _ := tcpsim(t, "run", "--no-color", file)
	require.NoError(t, os.WriteFile(file, src, 0o644))
	code, got, errOut := tcpsim(t, "run", "--no-color", "--set", "seed=1", "--set", "links.client_to_server.loss=50%", file)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, want, got)
	_, plain, _ := tcpsim(t, "run", "--no-color", file)
	assert.NotEqual(t, plain, got, "the loss changed nothing: the test cannot fail")
}

func TestRun_Vietnamese(t *testing.T) {
	code, out, errOut := tcpsim(t, "run", "--no-color", "--lang", "vi", "handshake")
	require.Equal(t, exitOK, code, errOut)
	for _, want := range []string{"thời gian", "ứng dụng", "tổng kết", "SYN seq=100"} {
		assert.Contains(t, out, want)
	}
}

// Every flag and every output file is checked before the run starts: a
// mistake is exit status 2, names the flag, and leaves no file behind.
func TestErrors_OutputFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	scenario := filepath.Join(dir, "my.yaml")
	require.NoError(t, os.WriteFile(scenario, []byte("duration: 1s\n"), 0o644))
	trace := filepath.Join(dir, "trace.jsonl") // asked for in every case: it must not be written
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "fr"}, "--lang"},
		{[]string{"--plot-seq", filepath.Join(dir, "x.gif")}, ".png, .svg or .pdf"},
		{[]string{"--seq-numbers", "hex"}, "--seq-numbers"},
		{[]string{"--seq-numbers", "absolute", "--relative"}, "--relative and --seq-numbers absolute contradict"},
		{[]string{"--from", "2s", "--to", "1s", "--svg", filepath.Join(dir, "x.svg")}, "--to"},
		{[]string{"--from", "-1s"}, "--from"},
		{[]string{"--capture", "moon", "--pcap", filepath.Join(dir, "x.pcap")}, "--capture"},
		{[]string{"--capture", "moon"}, "--capture"},
		{[]string{"--profile", "bsd"}, "profile"},
		{[]string{"--set", "link.los=1%"}, `--set link.los: unknown key "los"; did you mean "loss"?`},
		{[]string{"--set", "client.mss"}, "--set client.mss: no value"},
		{[]string{"--set", "client.mss=-5"}, "--set client.mss"},
		// Output files.
		{[]string{"--png", filepath.Join(dir, "no-such-folder", "x.png")}, "--png " + filepath.Join(dir, "no-such-folder", "x.png") + ": its folder"},
		{[]string{"-o", filepath.Join(dir, "new"), "--png", filepath.Join(dir, "no-such-folder", "x.png")}, "--png"}, // and -o's folder is not made
		{[]string{"--pcap", filepath.Join(file, "x.pcap")}, "--pcap " + filepath.Join(file, "x.pcap") + ": not a directory"},
		{[]string{"--svg", dir}, "--svg " + dir + ": is a folder"},
		{[]string{"--svg", filepath.Join(dir, "x"), "--mermaid", filepath.Join(dir, "x")}, "--svg and --mermaid both write"},
		{[]string{"--pcap", filepath.Join(dir, "x"), "--trace", filepath.Join(dir, "x")}, "--trace and --pcap both write"},
		{[]string{"-o", dir, "--mermaid", filepath.Join(dir, "handshake.txt")}, "-o and --mermaid both write " + filepath.Join(dir, "handshake.txt")},
		{[]string{"-o", file}, "-o:"},
		{[]string{"--svg", scenario, scenario}, "--svg " + scenario + ": that is the scenario file"},
	} {
		args := append([]string{"run", "--trace", trace}, c.args...)
		if !strings.HasSuffix(args[len(args)-1], ".yaml") {
			args = append(args, "handshake")
		}
		code, _, errOut := tcpsim(t, args...)
		assert.Equal(t, exitBadInput, code, "%v: stderr %q", c.args, errOut)
		assert.Contains(t, errOut, c.want, c.args)
		assert.NoFileExists(t, trace, "%v: the run started", c.args)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "only a-file and my.yaml: the checks leave nothing behind")
}

// A file that cannot be written is exit status 1, with a message naming
// the file; the other outputs are still written. (/dev/full takes any
// open and fails every write, as a full disk does.)
func TestErrors_WriteFailures(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	dir := t.TempDir()
	svg := filepath.Join(dir, "ok.svg")
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--trace", "/dev/full"}, []string{"tcpsim: --trace /dev/full: no space left on device"}},
		{[]string{"--pcap", "/dev/full"}, []string{"tcpsim: --pcap /dev/full: no space left on device"}},
		{[]string{"--png", "/dev/full", "--svg", svg}, []string{"tcpsim: --png /dev/full: no space left on device"}},
	} {
		require.NoError(t, os.RemoveAll(svg))
		code, _, errOut := tcpsim(t, append(append([]string{"run", "--ladder", "none"}, c.args...), "handshake")...)
		assert.Equal(t, exitFailed, code, "%v: stderr %q", c.args, errOut)
		for _, w := range c.want {
			assert.Contains(t, errOut, w, c.args)
		}
		if strings.Contains(strings.Join(c.args, " "), svg) {
			assert.FileExists(t, svg, "%v: the other outputs are written", c.args)
		}
	}

	// -o's NAME.txt, which a failed flush used to lose without a word.
	out := t.TempDir()
	require.NoError(t, os.Symlink("/dev/full", filepath.Join(out, "handshake.txt")))
	code, _, errOut := tcpsim(t, "run", "--ladder", "none", "-o", out, "handshake")
	assert.Equal(t, exitFailed, code, errOut)
	assert.Contains(t, errOut, "tcpsim: -o "+filepath.Join(out, "handshake.txt")+": no space left on device")
	assert.FileExists(t, filepath.Join(out, "handshake.svg"), "the other outputs are written")

	// The terminal's output.
	var e bytes.Buffer
	code = execute([]string{"run", "handshake"}, failWriter{}, &e)
	assert.Equal(t, exitFailed, code, e.String())
	assert.Contains(t, e.String(), "tcpsim: writing the ladder and summary to stdout: disk full")
}

// failWriter fails every write, as a full disk does.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// The command maps its flags to runOptions: validate resolves them, and
// run would get them (runF stands in for it).
func TestRunOptions(t *testing.T) {
	var got *runOptions
	cmd := newRunCmd(&bytes.Buffer{}, &bytes.Buffer{}, func(o *runOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--lang", "VI", "--capture", "link", "--pcap", filepath.Join(t.TempDir(), "x.pcap"), "--seed", "7", "lost-segment"})
	require.NoError(t, cmd.Execute())
	require.NotNil(t, got)
	assert.Equal(t, "vi", string(got.language))
	assert.Equal(t, "link", string(got.where))
	assert.Equal(t, uint64(7), got.s.Seed)
	assert.Equal(t, "absolute", got.seq.String(), "lost-segment sets both ISNs")
	require.Len(t, got.files, 1)
	assert.Equal(t, "--pcap", got.files[0].flag)

	random := filepath.Join(t.TempDir(), "random.yaml")
	require.NoError(t, os.WriteFile(random, []byte("duration: 1s\n"), 0o644))
	cmd = newRunCmd(&bytes.Buffer{}, &bytes.Buffer{}, func(o *runOptions) error { got = o; return nil })
	cmd.SetArgs([]string{random})
	require.NoError(t, cmd.Execute())
	assert.Equal(t, "relative", got.seq.String(), "a scenario without ISNs gets random ones")
}

// Flags that used to be taken silently are each a usage error (exit status
// 2) naming the flag and what is allowed, before the run starts.
func TestErrors_FlagValues(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace.jsonl") // asked for in every case: it must not be written
	target := filepath.Join(dir, "target.svg")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o644))
	link := filepath.Join(dir, "link.mmd")
	require.NoError(t, os.Symlink(target, link))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--width", "5"}, "--width 5: the ladder is 64 to 1000 columns wide"},
		{[]string{"--width", "-3"}, "--width -3: the ladder is 64 to 1000 columns wide"},
		{[]string{"--width", "100000"}, "--width 100000: the ladder is 64 to 1000 columns wide"},
		{[]string{"--from", "20s"}, "--from 20s is past the end of the run: handshake lasts 10s (its duration)"},
		{[]string{"--from", "10s"}, "--from 10s is past the end of the run"},
		{[]string{"--from", "2s", "--to", "1s"}, "--to 1s is not after --from 2s"},
		{[]string{"--from", "-1s"}, "not negative"},
		{[]string{"--png", filepath.Join(dir, "x.svg")}, "--png " + filepath.Join(dir, "x.svg") + ": .svg is the extension of --svg's files: name it " + filepath.Join(dir, "x.png")},
		{[]string{"--svg", filepath.Join(dir, "x.png")}, ".png is the extension of --png's files"},
		{[]string{"--trace", filepath.Join(dir, "x.pcap")}, ".pcap is the extension of --pcap's files"},
		{[]string{"--mermaid", filepath.Join(dir, "x.puml")}, ".puml is the extension of --plantuml's files"},
		{[]string{"--pcap", filepath.Join(dir, "x.pcapng")}, "tcpsim writes pcap, not pcapng"},
		{[]string{"--plot-seq", "-"}, "--plot-seq -: a plot's format is its file's extension, so it cannot go to stdout"},
		{[]string{"--trace", "-", "--png", "-"}, "--trace - and --png - both write to stdout"},
		{[]string{"--svg", target, "--mermaid", link}, "--svg " + target + " and --mermaid " + link + " are the same file"},
		{[]string{"--capture", "server"}, "--capture server: no capture is written; add --pcap FILE (or -o DIR)"},
	} {
		args := append([]string{"run", "--trace", trace}, c.args...)
		if c.args[0] == "--trace" {
			args = append([]string{"run"}, c.args...)
		}
		code, _, errOut := tcpsim(t, append(args, "handshake")...)
		assert.Equal(t, exitBadInput, code, "%v: stderr %q", c.args, errOut)
		assert.Contains(t, errOut, c.want, c.args)
		assert.NoFileExists(t, trace, "%v: the run started", c.args)
	}
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "old", string(got))

	// The same flags with right values pass.
	code, _, errOut := tcpsim(t, "run", "--ladder", "none", "--width", "64", "--from", "9s", "--capture", "server", "--pcap", filepath.Join(dir, "ok.cap"), "--mermaid", filepath.Join(dir, "ok.txt"), "handshake")
	assert.Equal(t, exitOK, code, errOut)
}

// A command without arguments says so, and its example only when it has one.
func TestErrors_ArgsMessage(t *testing.T) {
	code, _, errOut := tcpsim(t, "list", "x")
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, `tcpsim: tcpsim list takes no arguments (got ["x"])`+"\n")
	assert.NotContains(t, errOut, "for example")
	_, _, errOut = tcpsim(t, "run")
	assert.Contains(t, errOut, "needs a scenario file or built-in name (got 0 arguments); for example: tcpsim run scenarios/lost-segment.yaml\n")
}

// "-" sends an output to stdout (the summary then goes to stderr) and
// creates no file named "-"; a binary output is not sent to a terminal.
func TestRun_StdoutDash(t *testing.T) {
	for _, c := range []struct {
		flag, prefix string
	}{
		{"--png", "\x89PNG"},
		{"--pcap", "\x4d\x3c\xb2\xa1"}, // the nanosecond pcap magic, little-endian
		{"--svg", "<?xml"},
		{"--pdf", "%PDF"},
		{"--mermaid", "sequenceDiagram"},
		{"--plantuml", "@startuml"},
		{"--trace", `{"t_ns":0,"event":"run"`},
	} {
		code, out, errOut := tcpsim(t, "run", c.flag, "-", "handshake")
		require.Equal(t, exitOK, code, errOut)
		assert.True(t, strings.HasPrefix(out, c.prefix), "%s -: stdout starts %q", c.flag, out[:min(len(out), 20)])
		assert.Contains(t, errOut, "summary (simulated time", "%s -: the summary goes to stderr", c.flag)
		assert.NotContains(t, out, "summary (simulated time", c.flag)
		assert.NoFileExists(t, "-", c.flag)
	}

	o := &runOptions{scenario: "handshake", png: "-", stdoutTerminal: true, ladder: "auto", width: 100, lang: "en"}
	err := o.validate()
	if assert.Error(t, err) {
		assert.Contains(t, err.Error(), "--png -: --png writes binary data, which is not for a terminal")
	}
	o = &runOptions{scenario: "handshake", svg: "-", stdoutTerminal: true, ladder: "auto", width: 100, lang: "en"}
	assert.NoError(t, o.validate(), "an SVG is text")
}

// --from and --to apply to the ladder and the capture as well as to the
// drawings; the heading says so, and that the summary counts the whole run.
func TestRun_WindowAppliesToLadderAndPcap(t *testing.T) {
	dir := t.TempDir()
	all, part := filepath.Join(dir, "all.pcap"), filepath.Join(dir, "part.pcap")
	code, _, errOut := tcpsim(t, "run", "--ladder", "none", "--pcap", all, "lost-segment")
	require.Equal(t, exitOK, code, errOut)
	code, out, errOut := tcpsim(t, "run", "--no-color", "--pcap", part, "--from", "150ms", "--to", "260ms", "lost-segment")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "from 0.150 s to 0.260 s only (--from, --to); the summary counts the whole run")
	times := regexp.MustCompile(`(?m)^ *(\d+\.\d+) s `).FindAllStringSubmatch(out, -1)
	require.NotEmpty(t, times)
	for _, m := range times {
		v, err := strconv.ParseFloat(m[1], 64)
		require.NoError(t, err)
		assert.True(t, v >= 0.150 && v <= 0.260, "a ladder line at %s s", m[1])
	}
	assert.Contains(t, out, "dup ACK #3")
	assert.NotContains(t, out, "SYN seq")
	assert.Regexp(t, `segments sent +16 +10\n`, out, "the summary counts the whole run")

	stamps := func(path string) []time.Duration {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		epoch := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC).Unix()
		var ts []time.Duration
		for off := 24; off+16 <= len(b); {
			sec, ns := binary.LittleEndian.Uint32(b[off:]), binary.LittleEndian.Uint32(b[off+4:])
			ts = append(ts, time.Duration(int64(sec)-epoch)*time.Second+time.Duration(ns))
			off += 16 + int(binary.LittleEndian.Uint32(b[off+8:]))
		}
		return ts
	}
	var want []time.Duration
	for _, ts := range stamps(all) {
		if ts >= 150*time.Millisecond && ts <= 260*time.Millisecond {
			want = append(want, ts)
		}
	}
	require.NotEmpty(t, want)
	assert.Equal(t, want, stamps(part), "the windowed capture holds the frames of the window")
}

// A crashed or rebooted server's connection ends "crashed" or "lost in
// reboot", not in the state it was in when its host went down.
func TestRun_SummaryCrashedAndRebooted(t *testing.T) {
	finalState := func(out string) string {
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "final state") || strings.Contains(line, "trạng thái cuối") {
				return strings.Join(strings.Fields(line), " ")
			}
		}
		return ""
	}
	for _, c := range []struct{ name, lang, want string }{
		{"keepalive-dead-peer", "en", "final state CLOSED crashed"},
		{"keepalive-reboot", "en", "final state CLOSED lost in reboot"},
		{"keepalive-dead-peer", "vi", "trạng thái cuối CLOSED máy bị sập"},
		{"keepalive-reboot", "vi", "trạng thái cuối CLOSED mất khi khởi động lại"},
	} {
		code, out, errOut := tcpsim(t, "run", "--ladder", "none", "--lang", c.lang, c.name)
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, c.want, finalState(out), c.name)
	}
}
