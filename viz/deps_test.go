package viz

import (
	"go/build"
	"strings"
	"testing"
)

// viz reads the trace and nothing else of the simulator: it may import the
// standard library, trace, wire and sim, never tcp, link or scenarios.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	const module = "github.com/tcpsim/tcpsim/"
	allowed := map[string]bool{module + "trace": true, module + "wire": true, module + "sim": true}
	for _, imp := range append(pkg.Imports, pkg.TestImports...) {
		std := !strings.Contains(strings.Split(imp, "/")[0], ".")
		if !std && !allowed[imp] {
			t.Errorf("viz imports %s", imp)
		}
	}
}
