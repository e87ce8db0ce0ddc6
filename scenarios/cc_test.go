package scenarios

import (
	"fmt"
	"testing"

	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// TestInvariant_EveryAlgorithmDeliversEverything is the invariant sweep
// for each congestion-control algorithm, under both profiles (so with and
// without SACK): every byte is read once, in order, both sides close, no
// timer is left running, whatever the loss and reordering.
func TestInvariant_EveryAlgorithmDeliversEverything(t *testing.T) {
	seeds := uint64(4)
	if testing.Short() {
		seeds = 2
	}
	for _, name := range tcp.CongestionControls {
		cc, err := tcp.ParseCongestionControl(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, profile := range tcp.Profiles {
			for _, loss := range []float64{0.02, 0.1, 0.3} {
				for _, reorder := range []bool{false, true} {
					for seed := uint64(1); seed <= seeds; seed++ {
						t.Run(fmt.Sprintf("%s/%s/loss=%g/reorder=%v/seed=%d", name, profile, loss, reorder, seed), func(t *testing.T) {
							send, reply := int64(60_000+40_000*int64(seed)), int64(3_000*(seed%2))
							s := sweepScenarioProfile(profile, seed, loss, reorder, send, reply)
							s.Client.TCP.CongestionControl, s.Server.TCP.CongestionControl = cc, cc
							c, timers := newStreamCheck(), newTimerCheck()
							res, err := Run(s, trace.Tee(c, timers))
							switch {
							case err != nil:
								t.Fatalf("run: %v", err)
							case len(timers.violations) > 0:
								t.Fatalf("timers left running: %v", timers.violations)
							case len(c.aborts) > 0:
								t.Fatalf("aborted: %v", c.aborts)
							case c.read["server"] != send || c.read["client"] != reply:
								t.Fatalf("server read %d of %d, client %d of %d", c.read["server"], send, c.read["client"], reply)
							case c.final["client"] != "CLOSED" || c.final["server"] != "CLOSED":
								t.Fatalf("final states client %s server %s (ended %v: %s)", c.final["client"], c.final["server"], res.End, res.Reason)
							}
						})
					}
				}
			}
		}
	}
}
