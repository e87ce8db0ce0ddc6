package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// architecture lists every package of the module with the module's
// packages it may import (see ../../shared/style.md and the README's
// layout): sim and wire import nothing of the module; trace only those
// two; tcp and link never import each other; the outputs under viz read
// only trace, wire and sim, take their words from viz/catalog, and diagram
// and plot share viz/canvas; only the world (scenarios/world) puts tcp and
// link together, and scenarios, the YAML layer, builds worlds;
// scenarios/kernel runs a scenario on the real kernel instead, with the
// links but not tcp; scenarios/sweep runs scenarios over a grid and
// measures them from their traces; trace/analysis labels captured segments
// for both the kernel harness and viz/pcap's reader. Which third-party
// library each output may use, ../../viz/deps_test.go holds.
var architecture = map[string][]string{
	"sim":                    {},
	"wire":                   {},
	"trace":                  {"sim", "wire"},
	"trace/analysis":         {"sim", "wire", "trace"},
	"tcp":                    {"sim", "wire", "trace"},
	"link":                   {"sim", "wire", "trace"},
	"scenarios/world":        {"sim", "wire", "trace", "tcp", "link"},
	"scenarios":              {"sim", "wire", "trace", "tcp", "link", "scenarios/world"},
	"scenarios/kernel":       {"sim", "wire", "trace", "trace/analysis", "link", "scenarios", "scenarios/world"},
	"scenarios/sweep":        {"sim", "wire", "trace", "scenarios"},
	"viz":                    {},
	"viz/catalog":            {"sim", "wire", "trace"},
	"viz/ladder":             {"sim", "wire", "trace", "viz/catalog"},
	"viz/textdiagram":        {"sim", "wire", "trace", "viz/catalog"},
	"viz/canvas":             {},
	"viz/diagram":            {"sim", "wire", "trace", "viz/catalog", "viz/canvas"},
	"viz/plot":               {"sim", "wire", "trace", "viz/catalog", "viz/canvas"},
	"viz/pcap":               {"sim", "wire", "trace", "trace/analysis"},
	"viz/html":               {"sim", "wire", "trace", "viz/catalog", "viz/diagram"},
	"viz/compare":            {"sim", "wire", "trace", "viz/catalog"},
	"viz/internal/testtrace": {"sim", "wire", "trace"}, // for tests only
	"viz/internal/builtin":   {"trace", "scenarios"},   // for tests only: the built-ins' traces
	"cmd/tcpsim": {"sim", "wire", "trace", "scenarios", "scenarios/kernel", "scenarios/sweep",
		"viz/catalog", "viz/ladder", "viz/textdiagram", "viz/canvas", "viz/diagram", "viz/plot", "viz/pcap", "viz/html", "viz/compare"},
}

const mod = "github.com/tcpsim/tcpsim/"

// TestImportDirection holds the architecture's one-way imports.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{.Dir}}|{{join .GoFiles \" \"}}", mod+"...").Output()
	if err != nil {
		t.Skipf("go list is not available: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		require.Len(t, f, 4, line)
		pkg, imports := f[0], f[1]
		// Look at each file go list read, so that go test's cache runs the
		// test again when one changes rather than replay a pass.
		for _, name := range strings.Fields(f[3]) {
			_, err := os.Stat(filepath.Join(f[2], name))
			require.NoError(t, err)
		}
		name := strings.TrimPrefix(pkg, mod)
		ok, known := architecture[name]
		if !assert.True(t, known, "package %s is not in the architecture; add it to this test and to the README's layout", pkg) {
			continue
		}
		seen++
		for _, imp := range strings.Fields(imports) {
			if dep, ours := strings.CutPrefix(imp, mod); ours {
				assert.Contains(t, ok, dep, "%s imports %s: imports point one way (sim, wire ← trace ← tcp, link ← scenarios ← cmd; the outputs under viz read trace, wire and sim)", name, dep)
			}
		}
	}
	assert.Equal(t, len(architecture), seen, "packages seen of the architecture's")
}

// The README's layout names every package of the architecture, and no
// other directory that holds Go code.
func TestReadmeLayout(t *testing.T) {
	f, err := os.Open("../../README.md")
	require.NoError(t, err)
	defer f.Close()
	var dirs []string
	var parents []string // by indentation, in steps of two spaces
	in, block := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "## Layout":
			in = true
		case in && strings.HasPrefix(line, "## "):
			in = false
		case in && line == "```":
			block = !block
		case in && block && strings.TrimSpace(line) != "":
			depth := (len(line) - len(strings.TrimLeft(line, " "))) / 2
			field := strings.Fields(line)[0]
			if depth > len(parents) || !strings.HasSuffix(field, "/") {
				continue // a description's second line
			}
			parents = append(parents[:min(depth, len(parents))], strings.TrimSuffix(field, "/"))
			dirs = append(dirs, strings.Join(parents, "/"))
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, dirs, "no layout block in the README")
	for pkg := range architecture {
		assert.Contains(t, dirs, pkg, "the README's layout does not name %s/", pkg)
	}
	for _, d := range dirs {
		goFiles, _ := filepath.Glob(filepath.Join("../..", d, "*.go"))
		if len(goFiles) > 0 {
			_, known := architecture[d]
			assert.True(t, known, "the README's layout names %s/, which is not in the architecture", d)
		}
	}
}
