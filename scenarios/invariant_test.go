package scenarios

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// sweepScenario is a transfer over a lossy, jittery, reordering path.
func sweepScenario(seed uint64, loss float64, reorder bool, send, reply int64) *Scenario {
	return sweepScenarioProfile("rfc", seed, loss, reorder, send, reply)
}

// sweepScenarioProfile is sweepScenario with the given behaviour profile.
func sweepScenarioProfile(profile string, seed uint64, loss float64, reorder bool, send, reply int64) *Scenario {
	lc := link.Config{Delay: 20 * time.Millisecond, Bandwidth: 10e6, QueuePackets: 50, MTU: 1500, Loss: loss}
	if reorder {
		lc.Jitter, lc.Reorder = 15*time.Millisecond, true
	}
	cfg, err := tcp.Profile(profile)
	if err != nil {
		panic(err)
	}
	cfg.Retries = 100 // at 30 % loss a long run of losses must not end the test
	cfg.SynRetries = 100
	cfg.RTOMax = 10 * time.Second
	return &Scenario{
		Name: "sweep", Seed: seed, Duration: 2 * time.Hour, EventBudget: 5_000_000,
		ClientToServer: lc, ServerToClient: lc,
		Client: Endpoint{Name: "client", Addr: netip.MustParseAddr("10.0.0.1"), Port: 49152, TCP: cfg,
			App: App{Send: send}},
		Server: Endpoint{Name: "server", Addr: netip.MustParseAddr("10.0.0.2"), Port: 80, TCP: cfg,
			App: App{Reply: reply}},
	}
}

// streamCheck follows the trace and checks that each side's application
// reads exactly the bytes the other wrote, and that every delivered data
// segment the receiver accepted lies within what was written.
type streamCheck struct {
	written, read map[string]int64
	aborts        []string
	final         map[string]string
}

func newStreamCheck() *streamCheck {
	return &streamCheck{written: map[string]int64{}, read: map[string]int64{}, final: map[string]string{}}
}

func (s *streamCheck) Record(r *trace.Record) {
	switch r.Kind {
	case trace.KindApp:
		switch r.App {
		case trace.AppWrite:
			s.written[r.Node] += r.Value
		case trace.AppRead:
			s.read[r.Node] += r.Value
		}
	case trace.KindAbort:
		s.aborts = append(s.aborts, r.Node+": "+r.Abort.String())
	case trace.KindState:
		s.final[r.Node] = r.To.String()
	}
}

// timerCheck follows the trace and reports every connection that reaches
// CLOSED with a timer still set: a closed connection has none running (a
// diagram would draw the timer's bracket to the bottom of the page).
type timerCheck struct {
	set        map[timerKey]bool
	violations []string
}

type timerKey struct {
	node  string
	conn  uint32
	timer trace.Timer
}

func newTimerCheck() *timerCheck { return &timerCheck{set: map[timerKey]bool{}} }

func (c *timerCheck) Record(r *trace.Record) {
	switch r.Kind {
	case trace.KindTimer:
		c.set[timerKey{r.Node, r.Conn, r.Timer}] = r.TimerOp == trace.TimerSet
	case trace.KindHost:
		// A crashed or rebooted host's connections are gone with their
		// timers, and a rebooted host numbers its connections from 1 again.
		for k := range c.set {
			if k.node == r.Node {
				delete(c.set, k)
			}
		}
	case trace.KindState:
		if r.To != trace.StateClosed {
			return
		}
		for t := trace.TimerRetransmission; t <= trace.TimerTimeWait; t++ {
			if c.set[timerKey{r.Node, r.Conn, t}] {
				c.violations = append(c.violations, fmt.Sprintf("%v %s conn %d: CLOSED with the %v timer set", r.T, r.Node, r.Conn, t))
			}
		}
	}
}

// TestInvariant_EveryByteDeliveredOnceInOrder sweeps seeds and loss rates up
// to 30 %, with and without reordering: every byte written is read by the
// peer exactly once, both sides close normally, and no run hits its budget.
func TestInvariant_EveryByteDeliveredOnceInOrder(t *testing.T) {
	losses := []float64{0, 0.01, 0.05, 0.1, 0.2, 0.3}
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for _, profile := range tcp.Profiles {
		for _, loss := range losses {
			for _, reorder := range []bool{false, true} {
				for seed := uint64(1); seed <= uint64(seeds); seed++ {
					name := fmt.Sprintf("%s/loss=%g/reorder=%v/seed=%d", profile, loss, reorder, seed)
					t.Run(name, func(t *testing.T) {
						send := int64(20_000 + 30_000*int64(seed))
						reply := int64(5_000 * (seed % 3))
						s := sweepScenarioProfile(profile, seed, loss, reorder, send, reply)
						c, timers := newStreamCheck(), newTimerCheck()
						res, err := Run(s, trace.Tee(c, timers))
						if err != nil {
							t.Fatalf("run: %v", err)
						}
						if len(timers.violations) > 0 {
							t.Fatalf("timers left running: %v", timers.violations)
						}
						if len(c.aborts) > 0 {
							t.Fatalf("aborted: %v", c.aborts)
						}
						if c.read["server"] != send || c.written["client"] != send {
							t.Fatalf("client wrote %d, server read %d, want %d", c.written["client"], c.read["server"], send)
						}
						if c.read["client"] != reply || c.written["server"] != reply {
							t.Fatalf("server wrote %d, client read %d, want %d", c.written["server"], c.read["client"], reply)
						}
						if c.final["client"] != "CLOSED" || c.final["server"] != "CLOSED" {
							t.Fatalf("final states client %s server %s (ended %v: %s)", c.final["client"], c.final["server"], res.End, res.Reason)
						}
					})
				}
			}
		}
	}
}

// TestRun_Deterministic runs the same lossy scenario twice: the traces must
// be identical to the byte.
func TestRun_Deterministic(t *testing.T) {
	run := func() []byte {
		var b []byte
		_, err := Run(sweepScenario(7, 0.1, true, 50_000, 10_000), trace.SinkFunc(func(r *trace.Record) {
			b = trace.AppendJSON(b, r)
			b = append(b, '\n')
		}))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := run(), run()
	if string(a) != string(b) {
		t.Fatal("two runs of the same scenario and seed gave different traces")
	}
	if len(a) < 10_000 {
		t.Fatalf("suspiciously short trace: %d bytes", len(a))
	}
}

// TestRun_BudgetIsAnError: a run that needs more events than its budget
// stops with an error instead of running on.
func TestRun_BudgetIsAnError(t *testing.T) {
	s := sweepScenario(1, 0, false, 1_000_000, 0)
	s.EventBudget = 500
	res, err := Run(s, nil)
	if err == nil || res.Reason != trace.EndBudgetExhausted {
		t.Fatalf("got %v, %+v; want an event budget error", err, res)
	}
	if res.End >= sim.At(s.Duration) {
		t.Fatalf("ended at %v", res.End)
	}
}
