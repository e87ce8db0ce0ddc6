package viz

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/tcpsim/tcpsim/"

// Libraries, by import path prefix.
const (
	gonum    = "gonum.org/v1/plot"
	gg       = "git.sr.ht/~sbinet/gg" // gonum/plot's raster backend
	xtext    = "golang.org/x/text"    // Unicode decomposition, for the PDF code page
	gopacket = "github.com/google/gopacket"
	testify  = "github.com/stretchr/testify"
)

// libraries says, for every package under viz, which third-party
// libraries it may import: each output its own. Which of the module's
// packages each may import, cmd/tcpsim's import test holds (the outputs
// read trace, wire and sim, never tcp, link or scenarios).
var libraries = map[string][]string{
	"viz":                    nil,
	"viz/catalog":            nil,
	"viz/ladder":             nil,
	"viz/textdiagram":        nil,
	"viz/canvas":             {gonum, gg, xtext}, // gg: to draw a PNG on its image, not on a copy; x/text: the PDF code page
	"viz/diagram":            {gonum},
	"viz/plot":               {gonum},
	"viz/pcap":               {gopacket},
	"viz/compare":            nil,
	"viz/html":               {gonum},   // through viz/diagram, whose layout it draws
	"viz/internal/testtrace": {testify}, // for tests only
	"viz/internal/builtin":   {testify}, // for tests only
}

// goList returns, for each package under viz, its imports (deps false) or
// every package it depends on, directly or not (deps true).
func goList(t *testing.T, deps bool) map[string][]string {
	t.Helper()
	field := ".Imports"
	if deps {
		field = ".Deps"
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join "+field+" \" \"}}|{{.Dir}}|{{join .GoFiles \" \"}}", module+"viz/...").Output()
	if err != nil {
		t.Skipf("go list is not available: %v", err)
	}
	pkgs := make(map[string][]string)
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		require.Len(t, f, 4, line)
		pkgs[strings.TrimPrefix(f[0], module)] = strings.Fields(f[1])
		// Look at each file go list read, so that go test's cache runs the
		// test again when one changes rather than replay a pass.
		for _, name := range strings.Fields(f[3]) {
			_, err := os.Stat(filepath.Join(f[2], name))
			require.NoError(t, err)
		}
	}
	return pkgs
}

// library returns the library of import path imp, or "" for the standard
// library and the module.
func library(imp string) string {
	if strings.HasPrefix(imp, module) || !strings.Contains(strings.Split(imp, "/")[0], ".") {
		return ""
	}
	for _, l := range []string{gonum, gg, xtext, gopacket, testify} {
		if imp == l || strings.HasPrefix(imp, l+"/") {
			return l
		}
	}
	return imp
}

// Every package under viz imports no third-party library but its own.
// (External tests, package x_test, may import more, such as scenarios to
// get traces; go list does not count them as the package's imports.)
func TestImports(t *testing.T) {
	pkgs := goList(t, false)
	for pkg, imports := range pkgs {
		allowed, known := libraries[pkg]
		if !assert.True(t, known, "package %s is not in libraries; add it here, to cmd/tcpsim's import test and to the README's layout", pkg) {
			continue
		}
		for _, imp := range imports {
			if l := library(imp); l != "" {
				assert.Contains(t, allowed, l, "%s imports %s", pkg, imp)
			}
		}
	}
	for pkg := range libraries {
		assert.Contains(t, pkgs, pkg, "libraries lists a package that is not there")
	}
}

// The libraries stay with their outputs, through every indirect import
// too (their own dependencies come with them): the ladder and summary,
// the text diagrams, the comparison and the catalogue pull in no
// third-party code at all, no viz package depends on the simulator
// proper, and nothing but tests uses the test helpers.
func TestLibrariesStayWithTheirOutputs(t *testing.T) {
	deps := goList(t, true)
	require.NotEmpty(t, deps)
	for pkg, all := range deps {
		for _, dep := range all {
			if l := library(dep); l == gonum || l == gopacket || l == testify {
				assert.Contains(t, libraries[pkg], l, "%s depends on %s", pkg, dep)
			}
			if pkg == "viz/internal/builtin" {
				continue // the test helper that runs the built-in scenarios
			}
			if pkg != "viz/internal/testtrace" {
				assert.NotEqual(t, module+"viz/internal/testtrace", dep, "%s depends on the test helpers", pkg)
			}
			assert.NotEqual(t, module+"viz/internal/builtin", dep, "%s depends on the test helpers", pkg)
			for _, simulator := range []string{"tcp", "link", "scenarios", "cmd/tcpsim"} {
				assert.NotEqual(t, module+simulator, dep, "%s depends on %s", pkg, simulator)
			}
		}
	}
	for _, plain := range []string{"viz/catalog", "viz/ladder", "viz/textdiagram", "viz/compare"} {
		assert.False(t, slices.ContainsFunc(deps[plain], func(d string) bool { return library(d) != "" }),
			"%s pulls in a third-party library", plain)
	}
}
