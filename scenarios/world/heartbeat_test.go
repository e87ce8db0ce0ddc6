package world

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// heartbeatRun is one heartbeat run: its applications and trace.
type heartbeatRun struct {
	client *HeartbeatClient
	server *HeartbeatServer
	recs   []trace.Record
	res    *Result
}

// runHeartbeat runs a heartbeat client and server 10 ms apart (one way)
// for limit, with TCP settings cfg on both hosts; setup, when set, adds
// events to the world before it runs.
func runHeartbeat(t *testing.T, cfg tcp.Config, hc HeartbeatConfig, limit time.Duration, lc link.Config, setup func(w *World, c, s *Host)) *heartbeatRun {
	t.Helper()
	var l trace.Log
	w := New("heartbeat", 1, 10_000_000, &l)
	c := w.AddHost("client", addr("10.0.0.1"), cfg)
	s := w.AddHost("server", addr("10.0.0.2"), cfg)
	if lc.Delay == 0 {
		lc.Delay = 10 * time.Millisecond
	}
	lc.Bandwidth, lc.QueuePackets = 10e6, 100
	w.AddLink(c, s, lc, "link/client→server")
	w.AddLink(s, c, lc, "link/server→client")
	if hc.Size == 0 {
		hc.Size = 17
	}
	r := &heartbeatRun{}
	r.server = NewHeartbeatServer(s, 8080)
	r.client = NewHeartbeatClient(c, netip.AddrPortFrom(s.Addr(), 8080), &hc)
	if setup != nil {
		setup(w, c, s)
	}
	r.client.Start()
	res, err := w.Run(limit)
	require.NoError(t, err)
	r.recs, r.res = l.Records, res
	return r
}

// times returns the instants of the records that match.
func (r *heartbeatRun) times(f func(*trace.Record) bool) []time.Duration {
	var ts []time.Duration
	for i := range r.recs {
		if f(&r.recs[i]) {
			ts = append(ts, time.Duration(r.recs[i].T))
		}
	}
	return ts
}

func (r *heartbeatRun) count(f func(*trace.Record) bool) int { return len(r.times(f)) }

// A live peer: a ping every interval, each answered; the pings and pongs
// follow one another in each direction's byte stream, each exactly Size
// bytes, and nothing else is written.
func TestHeartbeat_PingEveryInterval(t *testing.T) {
	r := runHeartbeat(t, tcp.DefaultConfig(), HeartbeatConfig{Interval: 2 * time.Second, Timeout: time.Second, Size: 17},
		10500*time.Millisecond, link.Config{}, nil)
	pings := r.times(msgs("client", trace.MsgSend))
	require.Len(t, pings, 5, "pings at 2, 4, 6, 8 and 10 s after the handshake")
	for i := 1; i < len(pings); i++ {
		assert.Equal(t, 2*time.Second, pings[i]-pings[i-1], "ping %d", i+1)
	}
	assert.Equal(t, 5, r.client.Pongs)
	assert.Equal(t, 5, r.server.Pongs)
	assert.Zero(t, r.client.Timeouts)
	assert.Equal(t, 1, r.count(isSYN("client")), "one connection")
	for _, node := range []string{"client", "server"} {
		var next int64
		for _, rec := range r.recs {
			if rec.Kind == trace.KindMsg && rec.Node == node && rec.Msg == trace.MsgSend {
				assert.Equal(t, next, rec.Off, "%s %s", node, rec.Text)
				assert.Equal(t, int64(17), rec.Value)
				next += rec.Value
			}
		}
		var sent int64
		for _, rec := range r.recs {
			if rec.Kind == trace.KindSend && rec.Node == node {
				sent += int64(rec.Pkt.Seg.Len)
			}
		}
		assert.Equal(t, next, sent, "%s: the data on the wire is the pings or pongs", node)
	}
	assert.Equal(t, "PING 1", r.recs[firstIndex(r.recs, msgs("client", trace.MsgSend))].Text)
	assert.Equal(t, "PONG 1", r.recs[firstIndex(r.recs, msgs("server", trace.MsgSend))].Text)
}

func firstIndex(recs []trace.Record, f func(*trace.Record) bool) int {
	for i := range recs {
		if f(&recs[i]) {
			return i
		}
	}
	return -1
}

// A crashed server answers nothing: the pong's timeout ends the connection
// (a RST, exactly Timeout after the ping), and the client connects again
// after its reconnect delay; once the server is back, pings resume on the
// new connection.
func TestHeartbeat_TimeoutResetsAndReconnects(t *testing.T) {
	hc := HeartbeatConfig{Interval: 2 * time.Second, Timeout: 500 * time.Millisecond, Reconnect: true, ReconnectDelay: time.Second}
	r := runHeartbeat(t, tcp.DefaultConfig(), hc, 20*time.Second, link.Config{}, func(w *World, _, s *Host) {
		w.At(5*time.Second, s.Crash)
		w.At(8*time.Second, s.Reboot)
	})
	assert.Equal(t, 1, r.client.Timeouts)
	pings := r.times(msgs("client", trace.MsgSend))
	resets := r.times(func(rec *trace.Record) bool {
		return rec.Kind == trace.KindSend && rec.Node == "client" && rec.Pkt.Seg.Flags.Has(wire.RST)
	})
	require.Len(t, resets, 1)
	// Pings at 2.02 and 4.02 are answered; 6.02 is not: the RST goes at 6.52.
	require.GreaterOrEqual(t, len(pings), 3)
	assert.Equal(t, hc.Timeout, resets[0]-pings[2], "the client gives up Timeout after the unanswered ping")
	syns := r.times(isSYN("client"))
	require.GreaterOrEqual(t, len(syns), 2)
	assert.Equal(t, hc.ReconnectDelay, syns[1]-resets[0], "it reconnects after the delay")
	aborts := r.count(func(rec *trace.Record) bool {
		return rec.Kind == trace.KindAbort && rec.Node == "client" && rec.Abort == trace.AbortByApplication
	})
	assert.Equal(t, 1, aborts)
	// After the reboot the new connection is established and pings resume.
	assert.Greater(t, r.client.Pongs, 2)
	last := pings[len(pings)-1]
	assert.Greater(t, last, 10*time.Second)
	assert.Equal(t, r.count(msgs("client", trace.MsgSend)), r.count(msgs("client", trace.MsgRecv))+1,
		"every ping but the one lost in the crash got its pong")
}

// A pong slower than the interval delays the next ping: a ping waits for
// the previous one's pong (or its timeout).
func TestHeartbeat_NextPingWaitsForThePong(t *testing.T) {
	// One way 1.5 s: a pong comes 3 s after its ping.
	r := runHeartbeat(t, tcp.DefaultConfig(), HeartbeatConfig{Interval: time.Second, Timeout: 5 * time.Second},
		20*time.Second, link.Config{Delay: 1500 * time.Millisecond}, nil)
	pings := r.times(msgs("client", trace.MsgSend))
	require.GreaterOrEqual(t, len(pings), 3)
	for i := 1; i < len(pings); i++ {
		gap := pings[i] - pings[i-1]
		assert.GreaterOrEqual(t, gap, 3*time.Second, "ping %d waited for pong %d", i+1, i)
		assert.Less(t, gap, 3100*time.Millisecond)
	}
	assert.Zero(t, r.client.Timeouts)
}

// At StopAt the client closes its connection in order (a FIN, which the
// server answers with its own) and pings no more; the run ends.
func TestHeartbeat_StopClosesTheConnection(t *testing.T) {
	r := runHeartbeat(t, tcp.DefaultConfig(), HeartbeatConfig{Interval: time.Second, Timeout: 500 * time.Millisecond, StopAt: 3500 * time.Millisecond},
		time.Hour, link.Config{}, nil)
	pings := r.times(msgs("client", trace.MsgSend))
	assert.Len(t, pings, 3)
	fins := r.times(func(rec *trace.Record) bool {
		return rec.Kind == trace.KindSend && rec.Pkt.Seg.Flags.Has(wire.FIN)
	})
	require.Len(t, fins, 2, "the client's FIN, then the server's")
	assert.Equal(t, 3500*time.Millisecond, fins[0])
	assert.Equal(t, trace.EndFinished, r.res.Reason, "nothing is left to happen once TIME-WAIT ends")
	assert.Equal(t, 1, r.count(func(rec *trace.Record) bool {
		return rec.Kind == trace.KindState && rec.Node == "client" && rec.To == trace.StateTimeWait
	}))
}

// Pings keep a connection busy, so TCP keepalive (whose idle time is
// longer than the interval) never probes it.
func TestHeartbeat_KeepsTCPKeepaliveQuiet(t *testing.T) {
	cfg := tcp.DefaultConfig()
	cfg.Keepalive, cfg.KeepaliveIdle, cfg.KeepaliveInterval, cfg.KeepaliveProbes = true, 3*time.Second, time.Second, 3
	r := runHeartbeat(t, cfg, HeartbeatConfig{Interval: 2 * time.Second, Timeout: time.Second}, 20*time.Second, link.Config{}, nil)
	probes := r.count(func(rec *trace.Record) bool {
		return rec.Kind == trace.KindSend && rec.Pkt.Labels.Has(trace.LabelKeepalive)
	})
	assert.Zero(t, probes)
	assert.Equal(t, 9, r.client.Pongs)
}

// An HTTP client and a heartbeat on one host take their local ports from
// one sequence: no two connections share a port.
func TestHeartbeat_BesideHTTPOwnPorts(t *testing.T) {
	var l trace.Log
	w := New("both", 1, 10_000_000, &l)
	c := w.AddHost("client", addr("10.0.0.1"), tcp.DefaultConfig())
	s := w.AddHost("server", addr("10.0.0.2"), tcp.DefaultConfig())
	lc := link.Config{Delay: 10 * time.Millisecond, Bandwidth: 10e6, QueuePackets: 100}
	w.AddLink(c, s, lc, "link/client→server")
	w.AddLink(s, c, lc, "link/server→client")
	NewHTTPServer(s, 80, &HTTPServerConfig{Bodies: []int64{1000}})
	NewHeartbeatServer(s, 8080)
	hc := NewHTTPClient(c, netip.AddrPortFrom(s.Addr(), 80), &HTTPClientConfig{Mode: HTTPClose, Requests: 3, Host: "server"})
	hb := NewHeartbeatClient(c, netip.AddrPortFrom(s.Addr(), 8080), &HeartbeatConfig{Interval: time.Second, Timeout: time.Second, StopAt: 5 * time.Second, Size: 17})
	hc.Start()
	hb.Start()
	_, err := w.Run(time.Hour)
	require.NoError(t, err)
	assert.Equal(t, 3, hc.Done)
	assert.Equal(t, 4, hb.Pongs)
	ports := map[uint16]int{}
	for _, rec := range l.Records {
		if rec.Kind == trace.KindSend && rec.Node == "client" && rec.Pkt.Seg.Flags == wire.SYN {
			ports[rec.Pkt.Seg.Src.Port()]++
		}
	}
	assert.Equal(t, map[uint16]int{49152: 1, 49153: 1, 49154: 1, 49155: 1}, ports)
}

// LocalPort counts up from the first port and wraps to it after 65535.
func TestHost_LocalPortWraps(t *testing.T) {
	w := New("ports", 1, 1000, nil)
	h := w.AddHost("client", addr("10.0.0.1"), tcp.DefaultConfig())
	assert.Equal(t, uint16(49152), h.LocalPort())
	h.SetFirstPort(65534)
	assert.Equal(t, []uint16{65534, 65535, 65534}, []uint16{h.LocalPort(), h.LocalPort(), h.LocalPort()})
}

// Under loss TCP repairs the stream: with a timeout long enough for the
// retransmissions, every ping gets exactly one pong, in order, and a
// heartbeat whose timeout is short gives up and starts over instead, never
// taking a pong of an earlier connection for its own.
func TestHeartbeat_UnderLoss(t *testing.T) {
	cfg := tcp.DefaultConfig()
	cfg.Retries, cfg.SynRetries = 100, 100
	gaveUp := 0
	for seed := uint64(1); seed <= 8; seed++ {
		for _, timeout := range []time.Duration{20 * time.Second, 300 * time.Millisecond} {
			hc := HeartbeatConfig{Interval: time.Second, Timeout: timeout, StopAt: 30 * time.Second, Reconnect: true, ReconnectDelay: 100 * time.Millisecond}
			r := runHeartbeatSeed(t, cfg, hc, link.Config{Loss: 0.1}, seed)
			pongs := map[string]int{}
			var order []string
			for _, rec := range r.recs {
				if rec.Kind == trace.KindMsg && rec.Node == "client" && rec.Msg == trace.MsgRecv {
					pongs[rec.Text]++
					order = append(order, rec.Text)
				}
			}
			for text, n := range pongs {
				assert.Equal(t, 1, n, "seed %d timeout %v: %s received %d times", seed, timeout, text, n)
			}
			if timeout > time.Second {
				assert.Zero(t, r.client.Timeouts, "seed %d", seed)
				// The last ping may be on its way at StopAt.
				assert.LessOrEqual(t, r.count(msgs("client", trace.MsgSend))-len(order), 1, "seed %d: every ping answered", seed)
			}
			assert.Equal(t, r.client.Pongs, len(order), "seed %d timeout %v: every pong received is counted", seed, timeout)
			gaveUp += r.client.Timeouts
		}
	}
	assert.Positive(t, gaveUp, "the short timeout should give up on some connections")
}

// runHeartbeatSeed is runHeartbeat with a seed, until nothing is left to happen.
func runHeartbeatSeed(t *testing.T, cfg tcp.Config, hc HeartbeatConfig, lc link.Config, seed uint64) *heartbeatRun {
	t.Helper()
	var l trace.Log
	w := New("heartbeat", seed, 10_000_000, &l)
	c := w.AddHost("client", addr("10.0.0.1"), cfg)
	s := w.AddHost("server", addr("10.0.0.2"), cfg)
	lc.Delay, lc.Bandwidth, lc.QueuePackets = 10*time.Millisecond, 10e6, 100
	w.AddLink(c, s, lc, "link/client→server")
	w.AddLink(s, c, lc, "link/server→client")
	hc.Size = 17
	r := &heartbeatRun{}
	r.server = NewHeartbeatServer(s, 8080)
	r.client = NewHeartbeatClient(c, netip.AddrPortFrom(s.Addr(), 8080), &hc)
	r.client.Start()
	res, err := w.Run(time.Hour)
	require.NoError(t, err)
	r.recs, r.res = l.Records, res
	return r
}
