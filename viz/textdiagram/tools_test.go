package textdiagram_test

import (
	"context"
	"html"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	builtins "github.com/tcpsim/tcpsim/viz/internal/builtin"
	"github.com/tcpsim/tcpsim/viz/internal/testtrace"
	"github.com/tcpsim/tcpsim/wire"
)

// This file holds what the external tests of the text diagrams share: the
// traces of built-in scenarios, golden files in testdata, and the
// renderers (PlantUML, Mermaid's mmdc) when they are installed.

// builtin returns the trace of a built-in scenario.
func builtin(t *testing.T, name string) []trace.Record { return builtins.Trace(t, name) }

// goldenText compares got with testdata/name, or rewrites it under
// -update.
func goldenText(t *testing.T, name, got string) {
	t.Helper()
	testtrace.Golden(t, filepath.Join("testdata", name), []byte(got))
}

// textGoldens are the golden text diagrams, rendered by the tool tests.
var textGoldens = []struct {
	scenario, file string
	lang           string
}{
	{"handshake", "handshake", "en"},
	{"lost-segment", "lost-segment", "en"},
	{"lost-segment", "lost-segment.vi", "vi"},
	{"http-keepalive", "http-keepalive", "en"}, // the application's messages on their segments' arrows
	{"http-browser", "http-browser", "en"},     // three connections, each in its colour
}

// toolsRequired reports whether TCPSIM_REQUIRE_TOOLS=1 asks that a missing
// renderer fail the tests rather than skip them (CI sets it where it
// installs them).
func toolsRequired() bool { return os.Getenv("TCPSIM_REQUIRE_TOOLS") == "1" }

// noTool skips the test, or fails it when tools are required.
func noTool(t *testing.T, why string) {
	t.Helper()
	if toolsRequired() {
		require.FailNow(t, why, "TCPSIM_REQUIRE_TOOLS=1")
	}
	t.Skip(why)
}

// toolTimeout bounds one run of a renderer.
const toolTimeout = 3 * time.Minute

// run runs argv with a time limit and returns its combined output.
func run(argv []string, env ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// command returns the command line in the environment variable env, or
// the first of names found on PATH, or nil.
func command(env string, names ...string) []string {
	if s := strings.Fields(os.Getenv(env)); len(s) > 0 {
		return s
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return []string{p}
		}
	}
	return nil
}

// checkSVG fails unless the SVG file holds each of texts, once its
// character references are decoded.
func checkSVG(t *testing.T, path string, texts ...string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if !assert.NoError(t, err) {
		return
	}
	svg := strings.ReplaceAll(html.UnescapeString(string(b)), "\u00a0", " ")
	for _, want := range texts {
		assert.Contains(t, svg, want)
	}
}

// awkwardTrace is a dropped SYN between nodes, a scenario and a drop rule
// whose names hold every character Mermaid or PlantUML read.
func awkwardTrace() []trace.Record {
	const left, right = "end", `serveur "#1"; <b>`
	seg := wire.Segment{
		Src: netip.MustParseAddrPort("10.0.0.1:40000"), Dst: netip.MustParseAddrPort("10.0.0.2:80"),
		Seq: 1, Flags: wire.SYN, Window: 65535,
	}
	pkt := trace.Packet{ID: 1, Seg: seg, Win: 65535, Conn: 1}
	return []trace.Record{
		{Kind: trace.KindRun, Name: awkwardTitle},
		{Kind: trace.KindNode, Node: left},
		{Kind: trace.KindNode, Node: right},
		{Kind: trace.KindState, Node: left, Conn: 1, From: trace.StateClosed, To: trace.StateSynSent},
		{Kind: trace.KindSend, Node: left, Peer: right, Conn: 1, Pkt: &pkt},
		{T: sim.At(time.Millisecond), Kind: trace.KindDrop, Node: left, Peer: right, Conn: 1, Pkt: &pkt, Drop: trace.Drop{Code: trace.DropRule, Rule: awkwardReason}},
		{T: sim.At(2 * time.Millisecond), Kind: trace.KindAbort, Node: left, Conn: 1, Abort: trace.AbortRefused},
	}
}

const (
	awkwardTitle  = "a;b #c: **d** %% e"
	awkwardReason = `rule: a;b #c <i>x</i> **bold** //it// --s-- __u__ ~~w~~ [[l]] ^^up^^ ,,lo,, ==h== \n & &#65; %date% $v "q" end`
)
