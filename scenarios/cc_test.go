package scenarios

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// runLessonWith is runLesson with a profile and overrides ("PATH=VALUE").
func runLessonWith(t *testing.T, name, profile string, sets ...string) lessonRun {
	t.Helper()
	var o Options
	o.Profile = profile
	for _, s := range sets {
		ov, err := ParseOverride(s, "--set")
		require.NoError(t, err)
		o.Overrides = append(o.Overrides, ov)
	}
	s, err := LoadWith(name, o)
	require.NoError(t, err)
	var l trace.Log
	_, err = Run(s, &l)
	require.NoError(t, err)
	return l.Records
}

// cwnds returns the client's cwnd values in order.
func (r lessonRun) cwnds() []int64 {
	var v []int64
	for _, rec := range r {
		if rec.Kind == trace.KindVar && rec.Node == "client" && rec.Var == trace.VarCwnd {
			v = append(v, rec.Value)
		}
	}
	return v
}

// cuts returns when the client's cwnd fell.
func (r lessonRun) cuts() []time.Duration {
	var ts []time.Duration
	last := int64(-1)
	for _, rec := range r {
		if rec.Kind == trace.KindVar && rec.Node == "client" && rec.Var == trace.VarCwnd {
			if rec.Value < last {
				ts = append(ts, time.Duration(rec.T))
			}
			last = rec.Value
		}
	}
	return ts
}

// clientSends returns the client's data segments sent that carry label
// l (0: every data segment), with their times.
func (r lessonRun) clientSends(l trace.Label) []trace.Record {
	var out []trace.Record
	for _, rec := range r {
		if rec.Kind == trace.KindSend && rec.Node == "client" && rec.Pkt.Seg.Len > 0 && rec.Pkt.Labels.Has(l) {
			out = append(out, rec)
		}
	}
	return out
}

func rtoFired(r *trace.Record) bool {
	return r.Kind == trace.KindTimer && r.Node == "client" && r.Timer == trace.TimerRetransmission && r.TimerOp == trace.TimerFired
}

// The congestion-control lessons show what their descriptions say.
func TestBuiltins_CongestionLessons(t *testing.T) {
	t.Run("slow-start", func(t *testing.T) {
		for _, profile := range tcp.Profiles {
			r := runLessonWith(t, "slow-start", profile)
			v := r.cwnds()
			require.NotEmpty(t, v)
			for i := 1; i < len(v); i++ {
				assert.Greater(t, v[i], v[i-1], "%s: cwnd only grows", profile)
			}
			assert.Empty(t, r.clientSends(trace.LabelRetransmission), profile)
			assert.GreaterOrEqual(t, v[len(v)-1], int64(44*1448), "%s: cwnd outgrows the 64 KiB window", profile)
		}
	})
	t.Run("congestion-sawtooth", func(t *testing.T) {
		for _, run := range []struct {
			profile string
			sets    []string
		}{
			{"rfc", nil},
			{"rfc", []string{"client.congestion_control=cubic"}},
			{"rfc", []string{"client.congestion_control=tahoe"}},
			{"linux", nil},
		} {
			r := runLessonWith(t, "congestion-sawtooth", run.profile, run.sets...)
			cuts := r.cuts()
			assert.GreaterOrEqual(t, len(cuts), 4, "%s %v: several sawteeth", run.profile, run.sets)
			assert.NotEmpty(t, r.clientSends(trace.LabelFastRetransmission), "%s %v", run.profile, run.sets)
			fin := r.times(finFrom("client"))
			// The FIN may be lost at the queue too and go again (under
			// linux, as a loss probe): the first one marks the end.
			require.NotEmpty(t, fin, "%s %v: the transfer completes", run.profile, run.sets)
			// The window keeps growing into the queue until the end (a
			// cwnd that is no multiple of the MSS still counts as limiting).
			assert.Greater(t, cuts[len(cuts)-1], fin[0]*6/10, "%s %v: sawteeth to the end", run.profile, run.sets)
		}
	})
	t.Run("fast-retransmit", func(t *testing.T) {
		r := runLesson(t, "fast-retransmit")
		fast := r.clientSends(trace.LabelFastRetransmission)
		require.Len(t, fast, 1)
		assert.Len(t, r.clientSends(trace.LabelRetransmission), 1, "no other retransmission")
		assert.Empty(t, r.times(rtoFired), "repaired before any timeout")
		// Limited transmit: a new segment goes on the second duplicate ACK,
		// just before the third brings the fast retransmission.
		var before trace.Record
		for _, s := range r.clientSends(0) {
			if s.T < fast[0].T {
				before = s
			}
		}
		assert.False(t, before.Pkt.Labels.Has(trace.LabelRetransmission))
		assert.Greater(t, before.Pkt.Seg.Seq, fast[0].Pkt.Seg.Seq, "new data")
		assert.Less(t, time.Duration(fast[0].T-before.T), 2*time.Millisecond)
	})
	t.Run("newreno-multiple-loss", func(t *testing.T) {
		r := runLesson(t, "newreno-multiple-loss")
		assert.Len(t, r.clientSends(trace.LabelFastRetransmission), 3, "newreno: each hole on a partial ACK")
		assert.Empty(t, r.times(rtoFired))
		reno := runLessonWith(t, "newreno-multiple-loss", "", "client.congestion_control=reno")
		assert.Len(t, reno.clientSends(trace.LabelFastRetransmission), 2, "reno: a second fast retransmit")
		assert.Len(t, reno.times(rtoFired), 1, "reno: the last hole waits for the RTO")
		assert.Greater(t, reno.times(finFrom("server"))[0], r.times(finFrom("server"))[0]+time.Second)
	})
}

// congestion_control is an endpoint key: each side's own, its profile's
// default otherwise (rfc: newreno, linux: cubic), and --set reaches it.
func TestLoad_CongestionControlPerEndpoint(t *testing.T) {
	s, err := Parse("cc.yaml", []byte("client: {congestion_control: Tahoe}\nserver: {profile: linux}\n"))
	require.NoError(t, err)
	assert.Equal(t, tcp.CCTahoe, s.Client.TCP.CongestionControl)
	assert.Equal(t, tcp.CCCubic, s.Server.TCP.CongestionControl, "the linux profile's default")
	s, err = Parse("cc.yaml", []byte("profile: linux\nclient: {congestion_control: none}\n"))
	require.NoError(t, err)
	assert.Equal(t, tcp.CCNone, s.Client.TCP.CongestionControl)
	assert.Equal(t, tcp.CCCubic, s.Server.TCP.CongestionControl)
	s, err = Parse("cc.yaml", []byte("client: {send: 1KiB}\n"))
	require.NoError(t, err)
	assert.Equal(t, tcp.CCNewReno, s.Client.TCP.CongestionControl, "the rfc profile's default")
	ov, err := ParseOverride("server.congestion_control=reno", "--set")
	require.NoError(t, err)
	s, err = LoadWith("newreno-multiple-loss", Options{Overrides: []Override{ov}})
	require.NoError(t, err)
	assert.Equal(t, tcp.CCReno, s.Server.TCP.CongestionControl)
	assert.Equal(t, tcp.CCNewReno, s.Client.TCP.CongestionControl, "the file's own")
}
