package viz

import (
	"go/build"
	"strings"
	"testing"
)

// viz reads the trace and nothing else of the simulator: it may import the
// standard library, trace, wire and sim, and its two drawing libraries
// (gopacket for pcap, gonum/plot for diagrams and plots); never tcp, link or
// scenarios. External tests (package viz_test) may run scenarios to get
// traces, which this check does not see.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	const module = "github.com/tcpsim/tcpsim/"
	allowed := map[string]bool{module + "trace": true, module + "wire": true, module + "sim": true}
	libraries := []string{"github.com/google/gopacket", "gonum.org/v1/plot"}
	for _, imp := range append(pkg.Imports, pkg.TestImports...) {
		std := !strings.Contains(strings.Split(imp, "/")[0], ".")
		lib := false
		for _, l := range libraries {
			lib = lib || imp == l || strings.HasPrefix(imp, l+"/")
		}
		if !std && !lib && !allowed[imp] {
			t.Errorf("viz imports %s", imp)
		}
	}
}
