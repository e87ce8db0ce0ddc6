package scenarios

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// lessonRun is a built-in scenario's trace, for checking that the run
// shows what the description says.
type lessonRun []trace.Record

func runLesson(t *testing.T, name string) lessonRun {
	t.Helper()
	s, err := Load(name)
	require.NoError(t, err)
	var l trace.Log
	_, err = Run(s, &l)
	require.NoError(t, err)
	return l.Records
}

// times returns the instants of the records that match.
func (r lessonRun) times(f func(*trace.Record) bool) []time.Duration {
	var ts []time.Duration
	for i := range r {
		if f(&r[i]) {
			ts = append(ts, time.Duration(r[i].T))
		}
	}
	return ts
}

func synFrom(node string) func(*trace.Record) bool {
	return func(r *trace.Record) bool {
		return r.Kind == trace.KindSend && r.Node == node && r.Pkt.Seg.Flags == wire.SYN
	}
}

func finFrom(node string) func(*trace.Record) bool {
	return func(r *trace.Record) bool {
		return r.Kind == trace.KindSend && r.Node == node && r.Pkt.Seg.Flags.Has(wire.FIN)
	}
}

func msg(node string, op trace.MsgOp) func(*trace.Record) bool {
	return func(r *trace.Record) bool { return r.Kind == trace.KindMsg && r.Node == node && r.Msg == op }
}

func timeWait(node string) func(*trace.Record) bool {
	return func(r *trace.Record) bool {
		return r.Kind == trace.KindState && r.Node == node && r.To == trace.StateTimeWait
	}
}

// The HTTP scenarios and keepalive-layers show what their descriptions
// say (under the default profile): connections opened, who holds
// TIME-WAIT, and when the timers act.
func TestBuiltins_HTTPLessons(t *testing.T) {
	t.Run("http-keepalive", func(t *testing.T) {
		r := runLesson(t, "http-keepalive")
		assert.Len(t, r.times(synFrom("client")), 1, "one connection")
		assert.Len(t, r.times(msg("client", trace.MsgRecv)), 5, "five responses")
		assert.Len(t, r.times(timeWait("client")), 1, "the client closes first")
		assert.Empty(t, r.times(timeWait("server")))
	})
	t.Run("http-close", func(t *testing.T) {
		r := runLesson(t, "http-close")
		assert.Len(t, r.times(synFrom("client")), 5, "a connection per request")
		assert.Len(t, r.times(msg("client", trace.MsgRecv)), 5)
		assert.Len(t, r.times(timeWait("server")), 5, "the server holds TIME-WAIT")
		assert.Empty(t, r.times(timeWait("client")))
	})
	t.Run("http-idle-timeout", func(t *testing.T) {
		r := runLesson(t, "http-idle-timeout")
		resp := r.times(msg("server", trace.MsgSend))
		got := r.times(msg("client", trace.MsgRecv))
		fins := r.times(finFrom("server"))
		syns := r.times(synFrom("client"))
		require.Len(t, resp, 2)
		require.Len(t, got, 2)
		require.Len(t, syns, 2, "the late request needs a new connection")
		assert.Equal(t, 5*time.Second, fins[0]-resp[0], "the server closes after 5 s idle")
		assert.Equal(t, 7*time.Second, syns[1]-got[0], "the second request comes 7 s after the first response")
		assert.Len(t, r.times(timeWait("server")), 1, "the idle connection's TIME-WAIT is the server's")
	})
	t.Run("http-pipelining", func(t *testing.T) {
		r := runLesson(t, "http-pipelining")
		reqs := r.times(msg("client", trace.MsgSend))
		require.Len(t, reqs, 5)
		assert.Equal(t, reqs[0], reqs[4], "all five requests go at once")
		assert.Len(t, r.times(synFrom("client")), 1)
		var order []string
		for _, rec := range r {
			if rec.Kind == trace.KindMsg && rec.Node == "server" && rec.Msg == trace.MsgRecv {
				order = append(order, strings.SplitN(rec.Text, "\r\n", 2)[0])
			}
		}
		assert.Equal(t, []string{"GET /1 HTTP/1.1", "GET /2 HTTP/1.1", "GET /3 HTTP/1.1", "GET /4 HTTP/1.1", "GET /5 HTTP/1.1"}, order)
	})
	t.Run("http-browser", func(t *testing.T) {
		r := runLesson(t, "http-browser")
		assert.Equal(t, []time.Duration{0, 0, 0}, r.times(synFrom("client")), "three handshakes at once")
		assert.Len(t, r.times(msg("client", trace.MsgRecv)), 6)
	})
	t.Run("keepalive-layers", func(t *testing.T) {
		r := runLesson(t, "keepalive-layers")
		probes := r.times(func(rec *trace.Record) bool {
			return rec.Kind == trace.KindSend && rec.Node == "server" && rec.Pkt.Labels.Has(trace.LabelKeepalive)
		})
		require.NotEmpty(t, probes)
		assert.Equal(t, 3250*time.Millisecond, probes[0].Truncate(time.Millisecond), "TCP keepalive probes the idle HTTP connection")
		assert.Len(t, r.times(func(rec *trace.Record) bool {
			return rec.Kind == trace.KindSend && rec.Node == "client" && rec.Pkt.Labels.Has(trace.LabelKeepaliveACK) && rec.T < 5e9
		}), 1, "and the client's TCP answers it")
		fins := r.times(finFrom("server"))
		require.NotEmpty(t, fins)
		assert.Equal(t, 5030*time.Millisecond, fins[0].Truncate(time.Millisecond), "the HTTP idle timeout closes it anyway")
		assert.Len(t, r.times(func(rec *trace.Record) bool {
			return rec.Kind == trace.KindMsg && rec.Node == "client" && rec.Msg == trace.MsgSend && strings.HasPrefix(rec.Text, "GET ")
		}), 2)
		gaveUp := r.times(func(rec *trace.Record) bool {
			return rec.Kind == trace.KindAbort && rec.Node == "client" && rec.Abort == trace.AbortByApplication
		})
		assert.Equal(t, []time.Duration{13020 * time.Millisecond}, truncateAll(gaveUp), "the heartbeat gives up 1 s after the lost ping")
		reset := r.times(func(rec *trace.Record) bool {
			return rec.Kind == trace.KindAbort && rec.Node == "server" && rec.Abort == trace.AbortReset
		})
		require.Len(t, reset, 1, "a keepalive probe finds the server's half-open connection")
		assert.Greater(t, reset[0], 14*time.Second)
		pongs := r.times(func(rec *trace.Record) bool {
			return rec.Kind == trace.KindMsg && rec.Node == "client" && rec.Msg == trace.MsgRecv && strings.HasPrefix(rec.Text, "PONG")
		})
		assert.Greater(t, pongs[len(pongs)-1], 14*time.Second, "pings resume on the new connection")
	})
}

func truncateAll(ts []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ts))
	for i, t := range ts {
		out[i] = t.Truncate(time.Millisecond)
	}
	return out
}

// zero-window shows what its description and the README promise: the
// window closes, the client's probes back off (at least three, each gap
// longer than the one before) until the reader resumes, and a window
// update reopens the window; in both profiles.
func TestBuiltins_ZeroWindowLesson(t *testing.T) {
	for _, profile := range tcp.Profiles {
		t.Run(profile, func(t *testing.T) {
			s, err := LoadWith("zero-window", Options{Profile: profile})
			require.NoError(t, err)
			var l trace.Log
			_, err = Run(s, &l)
			require.NoError(t, err)
			r := lessonRun(l.Records)
			all := r.times(func(rec *trace.Record) bool {
				return rec.Kind == trace.KindSend && rec.Node == "client" && rec.Pkt.Labels.Has(trace.LabelZeroWindowProbe)
			})
			probes := longestBackoff(all)
			require.GreaterOrEqual(t, len(probes), 3, "probes backing off: %v (all probes %v)", probes, all)
			updates := r.times(func(rec *trace.Record) bool {
				return rec.Kind == trace.KindSend && rec.Node == "server" && rec.Pkt.Labels.Has(trace.LabelWindowUpdate)
			})
			assert.True(t, slices.ContainsFunc(updates, func(u time.Duration) bool { return u > probes[len(probes)-1] }),
				"a window update reopens the window after the last probe %v: %v", probes[len(probes)-1], updates)
		})
	}
}

// longestBackoff returns the longest run of instants whose gaps grow.
func longestBackoff(ts []time.Duration) []time.Duration {
	var best []time.Duration
	start := 0
	for i := range ts {
		if i >= 2 && ts[i]-ts[i-1] <= ts[i-1]-ts[i-2] {
			start = i - 1
		}
		if i+1-start > len(best) {
			best = ts[start : i+1]
		}
	}
	return best
}
