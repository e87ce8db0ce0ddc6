package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpsim/tcpsim/link"
)

// FuzzParse feeds the loader arbitrary bytes: it must never panic, and it
// must either load a scenario that keeps the format's promises or explain
// itself with *Error values.
func FuzzParse(f *testing.F) {
	for _, n := range names() {
		src, err := builtin.ReadFile(n + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	bad, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	for _, file := range bad {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{"[[[[[[[[", "- - - - -", "a: &a [*a]", "!!str !!str x", "x-a: &a {delay: 1s}\nlink: *a\n", "\ufeffseed: 1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		sc, err := Parse("fuzz.yaml", src)
		if err != nil {
			if sc != nil {
				t.Fatal("both a scenario and an error")
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("%T %v is not a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e == nil || e.Msg == "" || e.File != "fuzz.yaml" {
					t.Fatalf("bad Error %#v", e)
				}
				if strings.HasPrefix(e.Msg, "the YAML parser failed") {
					// Recovered, so users are safe, but worth a regression seed.
					t.Fatalf("the YAML parser panicked: %s", e.Msg)
				}
				_ = e.Snippet()
			}
			_ = err.Error()
			return
		}
		checkInvariants(t, sc)
	})
}

// checkInvariants holds a loaded scenario to the format's limits.
func checkInvariants(t *testing.T, sc *Scenario) {
	t.Helper()
	if sc.Name == "" || sc.Duration <= 0 || sc.Duration > maxDuration || sc.EventBudget == 0 {
		t.Fatalf("bad run settings: %+v", sc)
	}
	if p := nameProblem(sc.Name); p != "" {
		t.Fatalf("the name %q %s: it names the output files", sc.Name, p)
	}
	eps := []Endpoint{sc.Client, sc.Server}
	links := []struct {
		name string
		c    link.Config
	}{{"client_to_server", sc.ClientToServer}, {"server_to_client", sc.ServerToClient}}
	if db := sc.Dumbbell; db != nil {
		if len(db.Flows) == 0 || len(db.Flows) > maxFlows {
			t.Fatalf("%d flows", len(db.Flows))
		}
		eps = nil
		for _, f := range db.Flows {
			eps = append(eps, f.Sender, f.Receiver)
			if f.Start < 0 || f.Start >= sc.Duration || f.Access < 0 || f.RTT < 2*db.Bottleneck.Delay || f.Size < 0 {
				t.Fatalf("bad flow %+v", f)
			}
		}
		links = links[:1]
		links[0].name, links[0].c = "bottleneck", db.Bottleneck
	}
	for _, ep := range eps {
		c := ep.TCP
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: %v", ep.Name, err)
		}
		if !(c.RTOMin <= c.RTOInitial && c.RTOInitial <= c.RTOMax) || c.RTOMin <= 0 {
			t.Fatalf("%s: RTOs out of order: %+v", ep.Name, c)
		}
		if c.MSS < 88 || c.SendBuffer < 1 || c.RecvBuffer < 1 || ep.Port == 0 || !ep.Addr.Is4() {
			t.Fatalf("%s: bad endpoint %+v", ep.Name, ep)
		}
		a := ep.App
		if a.Close == CloseAt && (a.CloseAt >= sc.Duration || a.CloseAt < a.ConnectAt) {
			t.Fatalf("%s: close at %v", ep.Name, a.CloseAt)
		}
		for i, w := range a.Writes {
			if w.Bytes < 1 || w.At >= sc.Duration || i > 0 && w.At < a.Writes[i-1].At {
				t.Fatalf("%s: bad writes %+v", ep.Name, a.Writes)
			}
		}
	}
	if sc.Client.Addr == sc.Server.Addr {
		t.Fatal("same addresses")
	}
	for _, l := range links {
		c := l.c
		if c.Delay < 0 || c.Jitter < 0 || c.Bandwidth < 0 || c.QueuePackets < 0 || c.QueueBytes < 0 ||
			c.MTU < 68 || !(c.Loss >= 0 && c.Loss <= 1) || c.Reorder && c.Jitter == 0 ||
			c.QueuePackets > 0 && c.QueueBytes > 0 {
			t.Fatalf("%s: bad link %+v", l.name, c)
		}
		for _, r := range c.Rules {
			if r.Match == nil || r.Desc == "" || r.Times < 0 {
				t.Fatalf("%s: bad rule %+v", l.name, r)
			}
		}
		for _, o := range c.Outages {
			if o.From < 0 || o.To <= o.From {
				t.Fatalf("%s: bad outage %+v", l.name, o)
			}
		}
	}
}
