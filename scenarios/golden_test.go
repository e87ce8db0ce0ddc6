package scenarios

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/tcpsim/tcpsim/trace"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// bigScenarios are too long for a golden trace; they are checked by their
// numbers (mathis: against the formula, in sweep/mathis_test.go).
var bigScenarios = map[string]bool{"bulk": true, "mathis": true, "fairness": true, "cubic-vs-reno": true, "tahoe-vs-reno": true}

// TestBuiltins_GoldenTrace runs every built-in scenario and compares its
// JSON-lines trace with testdata/golden/NAME.jsonl.
func TestBuiltins_GoldenTrace(t *testing.T) {
	for _, info := range List() {
		if bigScenarios[info.Name] {
			continue
		}
		t.Run(info.Name, func(t *testing.T) {
			got := runJSON(t, info.Name)
			path := filepath.Join("testdata", "golden", info.Name+".jsonl")
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
				t.Errorf("trace of %s differs from %s; read the diff, then update with -update:\n%s", info.Name, path, firstDiff(want, got))
			}
		})
	}
}

// TestBuiltins_Deterministic runs each built-in twice: byte-identical traces.
func TestBuiltins_Deterministic(t *testing.T) {
	for _, info := range List() {
		if bigScenarios[info.Name] {
			continue
		}
		a, b := runJSON(t, info.Name), runJSON(t, info.Name)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs differ", info.Name)
		}
	}
}

// TestBuiltins_Bulk runs the bulk scenario and checks every byte arrives.
func TestBuiltins_Bulk(t *testing.T) {
	if testing.Short() {
		t.Skip("bulk transfer in -short mode")
	}
	s, err := Load("bulk")
	if err != nil {
		t.Fatal(err)
	}
	c := newStreamCheck()
	if _, err := Run(s, c); err != nil {
		t.Fatal(err)
	}
	if c.read["server"] != s.Client.App.Send || len(c.aborts) > 0 {
		t.Fatalf("server read %d of %d bytes; aborts %v", c.read["server"], s.Client.App.Send, c.aborts)
	}
}

func runJSON(t *testing.T, name string) []byte {
	t.Helper()
	s, err := Load(name)
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

// firstDiff shows the first line where two outputs differ.
func firstDiff(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + string(w) + "\n  got:  " + string(g)
		}
	}
	return ""
}

// TestBuiltins_TraceContract checks docs/trace-format.md's promises on every
// built-in: every packet id has one send, then at most one deliver or drop,
// not before it; only packet records carry a packet; records come in time
// order; and no connection reaches CLOSED with a timer still set.
func TestBuiltins_TraceContract(t *testing.T) {
	for _, info := range List() {
		if bigScenarios[info.Name] {
			continue
		}
		s, err := Load(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		sent := map[uint64]bool{}
		ended := map[uint64]trace.Kind{}
		var last trace.Record
		check := trace.SinkFunc(func(r *trace.Record) {
			if r.T < last.T {
				t.Errorf("%s: record at %v after one at %v", info.Name, r.T, last.T)
			}
			last = *r
			isPacket := r.Kind == trace.KindSend || r.Kind == trace.KindDeliver || r.Kind == trace.KindDrop
			if isPacket != (r.Pkt != nil) {
				t.Fatalf("%s: a %v record with packet %v: packets go with packet records only", info.Name, r.Kind, r.Pkt)
			}
			if !isPacket {
				return
			}
			id := r.Pkt.ID
			switch r.Kind {
			case trace.KindSend:
				if sent[id] {
					t.Errorf("%s: packet %d sent twice", info.Name, id)
				}
				sent[id] = true
			case trace.KindDeliver, trace.KindDrop:
				if !sent[id] {
					t.Errorf("%s: packet %d %v before it was sent", info.Name, id, r.Kind)
				}
				if k, done := ended[id]; done {
					t.Errorf("%s: packet %d has both %v and %v", info.Name, id, k, r.Kind)
				}
				ended[id] = r.Kind
			}
		})
		timers := newTimerCheck()
		if _, err := Run(s, trace.Tee(check, timers)); err != nil {
			t.Fatal(err)
		}
		for _, v := range timers.violations {
			t.Errorf("%s: %s", info.Name, v)
		}
	}
}
