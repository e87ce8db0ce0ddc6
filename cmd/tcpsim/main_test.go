package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = execute(args, &o, &e)
	return code, o.String(), e.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run 'go test ./cmd/tcpsim -update' to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (update with -update after reading the diff)\n--- got:\n%s", path, got)
	}
}

// The README's first command, as a golden file: the ladder a new user sees.
func TestRun_LostSegmentLadder(t *testing.T) {
	code, out, errOut := run(t, "run", "--no-color", "../../scenarios/lost-segment.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "lost-segment", out)
	for _, want := range []string{"SYN seq=100", "SYN,ACK seq=300 ack=101", "ACK seq=101 ack=301", "dup ACK #3", "fast retransmission", "dropped"} {
		if !strings.Contains(out, want) {
			t.Errorf("ladder lacks %q", want)
		}
	}
}

func TestRun_HandshakeRelative(t *testing.T) {
	code, out, errOut := run(t, "run", "--no-color", "--relative", "handshake")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "handshake-relative", out)
}

func TestRun_TraceToStdoutIsOnlyJSON(t *testing.T) {
	code, out, errOut := run(t, "run", "--trace", "-", "handshake")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, `{"t_ns":`) || !strings.HasSuffix(line, "}") {
			t.Fatalf("stdout line %d is not a trace record: %q", i+1, line)
		}
	}
	if !strings.Contains(errOut, "summary") {
		t.Errorf("the summary should go to stderr, got %q", errOut)
	}
}

func TestRun_TraceFileAndSeedAreDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	for _, p := range []string{a, b} {
		if code, _, e := run(t, "run", "--ladder", "none", "--seed", "42", "--trace", p, "lost-segment"); code != 0 {
			t.Fatalf("exit %d: %s", code, e)
		}
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Fatalf("traces differ or are empty (%d, %d bytes)", len(x), len(y))
	}
}

func TestErrors_ExitCode2WithPlace(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("link: {delay: -5ms}\nclinet: {isn: 1}\n"), 0o644)
	cases := []struct {
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
	}
	for _, c := range cases {
		code, _, errOut := run(t, c.args...)
		if code != exitBadInput {
			t.Errorf("%v: exit %d, want 2; stderr %q", c.args, code, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q lacks %q", c.args, errOut, w)
			}
		}
		if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "panic") {
			t.Errorf("%v: a stack trace leaked: %q", c.args, errOut)
		}
	}
}

func TestListShowValidate(t *testing.T) {
	code, out, _ := run(t, "list")
	if code != 0 || !strings.Contains(out, "lost-segment") || !strings.Contains(out, "handshake") {
		t.Fatalf("list: %d %q", code, out)
	}
	code, out, _ = run(t, "show", "lost-segment")
	if code != 0 || !strings.Contains(out, "data_segment: 3") {
		t.Fatalf("show: %d %q", code, out)
	}
	code, out, _ = run(t, "validate", "../../scenarios/syn-lost.yaml")
	if code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("validate: %d %q", code, out)
	}
}

func TestRun_OutputDirWritesEverything(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := run(t, "run", "--ladder", "none", "-o", dir, "--to", "1s", "lost-segment")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, suffix := range []string{".txt", ".jsonl", ".pcap", ".svg", ".png", ".pdf", "-seq.png", "-window.png", ".mmd", ".puml"} {
		fi, err := os.Stat(filepath.Join(dir, "lost-segment"+suffix))
		if err != nil || fi.Size() == 0 {
			t.Errorf("lost-segment%s: %v (size %v)", suffix, err, fi)
		}
	}
	png, _ := os.ReadFile(filepath.Join(dir, "lost-segment.png"))
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Error("lost-segment.png is not a PNG")
	}
	pdf, _ := os.ReadFile(filepath.Join(dir, "lost-segment.pdf"))
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Error("lost-segment.pdf is not a PDF")
	}
}

func TestRun_Vietnamese(t *testing.T) {
	code, out, errOut := run(t, "run", "--no-color", "--lang", "vi", "handshake")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"thời gian", "ứng dụng", "tổng kết", "SYN seq=100"} {
		if !strings.Contains(out, want) {
			t.Errorf("Vietnamese output lacks %q", want)
		}
	}
}

func TestErrors_OutputFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--lang", "fr", "handshake"}, "--lang"},
		{[]string{"run", "--plot-seq", filepath.Join(dir, "x.gif"), "handshake"}, ".png, .svg or .pdf"},
		{[]string{"run", "--seq-numbers", "hex", "handshake"}, "--seq-numbers"},
		{[]string{"run", "--from", "2s", "--to", "1s", "--svg", filepath.Join(dir, "x.svg"), "handshake"}, "--to"},
		{[]string{"run", "--capture", "moon", "--pcap", filepath.Join(dir, "x.pcap"), "handshake"}, "capture"},
		{[]string{"run", "--profile", "bsd", "handshake"}, "profile"},
	} {
		code, _, errOut := run(t, c.args...)
		if code != exitBadInput || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 mentioning %q", c.args, code, errOut, c.want)
		}
	}
}
