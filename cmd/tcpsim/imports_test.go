package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection holds the architecture's one-way imports (see
// ../shared/style.md): sim and wire import nothing of the module; trace
// only those two; tcp and link never import each other; viz reads only
// trace, wire and sim; only the world (scenarios/world) puts tcp and link
// together, and scenarios, the YAML layer, builds worlds; scenarios/kernel
// runs a scenario on the real kernel instead, with the links but not tcp.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", "github.com/tcpsim/tcpsim/...").Output()
	if err != nil {
		t.Skipf("go list is not available: %v", err)
	}
	const mod = "github.com/tcpsim/tcpsim/"
	allowed := map[string][]string{
		"sim":              {},
		"wire":             {},
		"trace":            {"sim", "wire"},
		"tcp":              {"sim", "wire", "trace"},
		"link":             {"sim", "wire", "trace"},
		"viz":              {"sim", "wire", "trace"},
		"scenarios/world":  {"sim", "wire", "trace", "tcp", "link"},
		"scenarios":        {"sim", "wire", "trace", "tcp", "link", "scenarios/world"},
		"scenarios/kernel": {"sim", "wire", "trace", "link", "scenarios", "scenarios/world"},
		"cmd/tcpsim":       {"sim", "wire", "trace", "scenarios", "scenarios/kernel", "viz"},
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		name := strings.TrimPrefix(pkg, mod)
		ok, known := allowed[name]
		if !known {
			t.Errorf("package %s is not in the architecture; add it to this test and to the README's layout", pkg)
			continue
		}
		seen++
		for _, imp := range strings.Fields(imports) {
			dep, ours := strings.CutPrefix(imp, mod)
			if !ours {
				continue
			}
			if !contains(ok, dep) {
				t.Errorf("%s imports %s: imports point down only (sim, wire ← trace ← tcp, link ← scenarios/world ← scenarios ← cmd; viz reads trace, wire, sim)", name, dep)
			}
		}
	}
	if seen != len(allowed) {
		t.Errorf("saw %d of the %d packages", seen, len(allowed))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
