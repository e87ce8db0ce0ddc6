package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tcpsim/tcpsim/trace"
)

// TestBuiltins_GoldenTraceLinux runs every built-in scenario as
// `tcpsim run --profile linux` does and compares its JSON-lines trace with
// testdata/golden/linux/NAME.jsonl: the linux profile's options (window
// scale, SACK, timestamps), windows and timers, end to end.
func TestBuiltins_GoldenTraceLinux(t *testing.T) {
	for _, info := range List() {
		if bigScenarios[info.Name] {
			continue
		}
		t.Run(info.Name, func(t *testing.T) {
			got := runJSONWith(t, info.Name, Options{Profile: "linux"})
			path := filepath.Join("testdata", "golden", "linux", info.Name+".jsonl")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run 'go test ./scenarios -run Golden -update' to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("trace of %s --profile linux differs from %s; read the diff, then update with -update:\n%s", info.Name, path, firstDiff(want, got))
			}
		})
	}
}

// TestBuiltins_BulkLinux runs the bulk scenario, too long for a golden
// trace, under the linux profile and checks every byte arrives, both sides
// close normally, and SACK recovery resent only what was dropped.
func TestBuiltins_BulkLinux(t *testing.T) {
	if testing.Short() {
		t.Skip("bulk transfer in -short mode")
	}
	s, err := LoadWith("bulk", Options{Profile: "linux"})
	if err != nil {
		t.Fatal(err)
	}
	c := newStreamCheck()
	var drops, retransmits int
	counts := trace.SinkFunc(func(r *trace.Record) {
		c.Record(r)
		switch {
		case r.Kind == trace.KindDrop:
			drops++
		case r.Kind == trace.KindSend && r.Pkt.Labels.Has(trace.LabelRetransmission):
			retransmits++
		}
	})
	if _, err := Run(s, counts); err != nil {
		t.Fatal(err)
	}
	if c.read["server"] != s.Client.App.Send || len(c.aborts) > 0 {
		t.Fatalf("server read %d of %d bytes; aborts %v", c.read["server"], s.Client.App.Send, c.aborts)
	}
	if c.final["client"] != "CLOSED" || c.final["server"] != "CLOSED" {
		t.Errorf("final states %v, want both CLOSED", c.final)
	}
	if drops == 0 || retransmits != drops {
		t.Errorf("%d segments dropped, %d retransmitted; want some, and as many resent as dropped", drops, retransmits)
	}
}

// runJSONWith is runJSON with load options.
func runJSONWith(t *testing.T, name string, o Options) []byte {
	t.Helper()
	s, err := LoadWith(name, o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := trace.NewJSONWriter(&buf)
	if _, err := Run(s, w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
