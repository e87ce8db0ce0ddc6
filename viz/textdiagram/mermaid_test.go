package textdiagram_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/textdiagram"
)

func TestMermaidGolden(t *testing.T) {
	for _, g := range textGoldens {
		t.Run(g.file, func(t *testing.T) {
			var out bytes.Buffer
			err := textdiagram.WriteMermaid(&out, builtin(t, g.scenario), textdiagram.Options{Lang: catalog.Lang(g.lang)})
			require.NoError(t, err)
			goldenText(t, g.file+".mmd", out.String())
		})
	}
}

// mermaidCLI returns the command line of Mermaid's CLI and a Puppeteer
// configuration file for a browser on this machine, or skips the test.
//
// mmdc is $TCPSIM_MMDC or mmdc on PATH (npm's @mermaid-js/mermaid-cli);
// the browser is $PUPPETEER_EXECUTABLE_PATH or chromium (Debian's), run
// without its sandbox as root must.
func mermaidCLI(t *testing.T) (argv []string, config string) {
	t.Helper()
	argv = command("TCPSIM_MMDC", "mmdc")
	if argv == nil {
		noTool(t, "Mermaid's CLI is not installed (npm install @mermaid-js/mermaid-cli with PUPPETEER_SKIP_DOWNLOAD=1, then put node_modules/.bin on PATH or set TCPSIM_MMDC)")
	}
	browser := os.Getenv("PUPPETEER_EXECUTABLE_PATH")
	if browser == "" {
		for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
			if p, err := exec.LookPath(n); err == nil {
				browser = p
				break
			}
		}
	}
	if browser == "" {
		noTool(t, "no browser for Mermaid's CLI (apt-get install chromium, or set PUPPETEER_EXECUTABLE_PATH)")
	}
	cfg, err := json.Marshal(map[string]any{"executablePath": browser, "args": []string{"--no-sandbox", "--disable-gpu"}})
	require.NoError(t, err)
	config = filepath.Join(t.TempDir(), "puppeteer.json")
	require.NoError(t, os.WriteFile(config, cfg, 0o644))
	return argv, config
}

// Mermaid's own CLI draws the golden diagrams, and a diagram whose names
// hold every character Mermaid reads, without an error and with the text
// as written.
func TestMermaidRenders(t *testing.T) {
	argv, config := mermaidCLI(t)
	dir := t.TempDir()
	files := map[string][]string{
		"handshake.mmd":       {"0.000 s SYN SEQ=100 WIN=65535 MSS=1460", "SYN-RECEIVED"},
		"lost-segment.mmd":    {"dropped: data_segment 3", "dup ACK #1", "fast retransmission"},
		"lost-segment.vi.mmd": {"bị loại bỏ: data_segment 3", "ACK trùng lặp #1", "truyền lại nhanh"},
	}
	for name := range files {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	var awkward bytes.Buffer
	require.NoError(t, textdiagram.WriteMermaid(&awkward, awkwardTrace(), textdiagram.Options{}))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "awkward.mmd"), awkward.Bytes(), 0o644))
	files["awkward.mmd"] = append(strings.Split(awkwardReason, " "), awkwardTitle, `serveur "#1"; <b>`, "end",
		"connection aborted: connection refused (ECONNREFUSED)")

	for _, name := range []string{"handshake.mmd", "lost-segment.mmd", "lost-segment.vi.mmd", "awkward.mmd"} {
		in := filepath.Join(dir, name)
		svg := strings.TrimSuffix(in, ".mmd") + ".svg"
		out, err := run(append(argv, "--quiet", "--puppeteerConfigFile", config, "--input", in, "--output", svg))
		if !assert.NoError(t, err, "mmdc %s:\n%s", name, out) {
			continue
		}
		checkSVG(t, svg, files[name]...)
	}
}

// The handshake of the built-in scenario, as a Mermaid diagram for a
// document.
func ExampleWriteMermaid() {
	s, err := scenarios.Load("handshake")
	if err != nil {
		fmt.Println(err)
		return
	}
	var log trace.Log
	if _, err := scenarios.Run(s, &log); err != nil {
		fmt.Println(err)
		return
	}
	opt := textdiagram.Options{To: sim.At(100 * time.Millisecond)} // the first 100 ms
	if err := textdiagram.WriteMermaid(os.Stdout, log.Records, opt); err != nil {
		fmt.Println(err)
	}
	// Output:
	// sequenceDiagram
	//     title handshake
	//     participant client
	//     participant server
	//     Note over client: SYN-SENT
	//     client->>server: 0.000 s SYN SEQ=100 WIN=65535 MSS=1460
	//     Note over server: SYN-RECEIVED
	//     server->>client: 0.050 s SYN,ACK SEQ=300 ACK=101 WIN=65535 MSS=1460
	//     Note over client: ESTABLISHED
	//     client->>server: 0.100 s ACK SEQ=101 ACK=301 WIN=65535
	//     client->>server: 0.100 s PSH,ACK SEQ=101 ACK=301 LEN=100 WIN=65535
}
