package world

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// httpRun is one HTTP run's trace, digested.
type httpRun struct {
	client *HTTPClient
	server *HTTPServer
	recs   []trace.Record
}

// runHTTP runs an HTTP client and server 10 ms apart (one way) over links
// with the given loss, with TCP settings cfg on both hosts.
func runHTTP(t *testing.T, cfg tcp.Config, cc HTTPClientConfig, sc HTTPServerConfig, loss float64, seed uint64) *httpRun {
	t.Helper()
	var l trace.Log
	w := New("http", seed, 10_000_000, &l)
	c := w.AddHost("client", addr("10.0.0.1"), cfg)
	s := w.AddHost("server", addr("10.0.0.2"), cfg)
	lc := link.Config{Delay: 10 * time.Millisecond, Bandwidth: 10e6, QueuePackets: 100, Loss: loss}
	w.AddLink(c, s, lc, "link/client→server")
	w.AddLink(s, c, lc, "link/server→client")
	r := &httpRun{}
	r.server = NewHTTPServer(s, 80, &sc)
	if cc.Host == "" {
		cc.Host = "server"
	}
	c.SetFirstPort(40000)
	r.client = NewHTTPClient(c, netip.AddrPortFrom(s.Addr(), 80), &cc)
	r.client.Start()
	_, err := w.Run(time.Hour)
	require.NoError(t, err)
	r.recs = l.Records
	return r
}

// count returns how many records match.
func (r *httpRun) count(f func(*trace.Record) bool) int {
	n := 0
	for i := range r.recs {
		if f(&r.recs[i]) {
			n++
		}
	}
	return n
}

func isSYN(node string) func(*trace.Record) bool {
	return func(r *trace.Record) bool {
		return r.Kind == trace.KindSend && r.Node == node && r.Pkt.Seg.Flags == wire.SYN
	}
}

func msgs(node string, op trace.MsgOp) func(*trace.Record) bool {
	return func(r *trace.Record) bool { return r.Kind == trace.KindMsg && r.Node == node && r.Msg == op }
}

// states returns the states each side's connections ended in.
func (r *httpRun) finalStates(node string) map[uint32]trace.State {
	out := map[uint32]trace.State{}
	for _, rec := range r.recs {
		if rec.Kind == trace.KindState && rec.Node == node {
			out[rec.Conn] = rec.To
		}
	}
	return out
}

// timeWaits counts the connections of node that entered TIME-WAIT.
func (r *httpRun) timeWaits(node string) int {
	return r.count(func(rec *trace.Record) bool {
		return rec.Kind == trace.KindState && rec.Node == node && rec.To == trace.StateTimeWait
	})
}

// Five requests on one connection: one handshake, and the request and
// response messages follow one another in each direction, each starting
// exactly where the one before ended (the sequence numbers advance by
// exactly the message sizes).
func TestHTTP_KeepAliveOneConnection(t *testing.T) {
	r := runHTTP(t, tcp.DefaultConfig(), HTTPClientConfig{Mode: HTTPKeepAlive, Requests: 5},
		HTTPServerConfig{Bodies: []int64{1000}}, 0, 1)
	assert.Equal(t, 5, r.client.Done)
	assert.Equal(t, 1, r.count(isSYN("client")), "one connection")
	for _, node := range []string{"client", "server"} {
		var next int64
		for _, rec := range r.recs {
			if rec.Kind == trace.KindMsg && rec.Node == node && rec.Msg == trace.MsgSend {
				assert.Equal(t, next, rec.Off, "%s message %q", node, strings.SplitN(rec.Text, "\r\n", 2)[0])
				next += rec.Value
			}
		}
	}
	// Framing on the wire: the client's data segments carry exactly the
	// five requests' bytes.
	var reqBytes, sent int64
	for n := 1; n <= 5; n++ {
		reqBytes += int64(len(requestHead(n, "server", false)))
	}
	for _, rec := range r.recs {
		if rec.Kind == trace.KindSend && rec.Node == "client" {
			sent += int64(rec.Pkt.Seg.Len)
		}
	}
	assert.Equal(t, reqBytes, sent)
	assert.Equal(t, 5, r.count(msgs("server", trace.MsgRecv)))
	assert.Equal(t, 5, r.count(msgs("client", trace.MsgRecv)))
	assert.Equal(t, 1, r.timeWaits("client"), "the client, done, closes first")
}

// Connection: close: a connection per request, which the server closes
// after its response, so the server holds TIME-WAIT for each.
func TestHTTP_CloseModeConnectionPerRequest(t *testing.T) {
	r := runHTTP(t, tcp.DefaultConfig(), HTTPClientConfig{Mode: HTTPClose, Requests: 5},
		HTTPServerConfig{Bodies: []int64{1000}}, 0, 1)
	assert.Equal(t, 5, r.client.Done)
	assert.Equal(t, 5, r.count(isSYN("client")), "five connections")
	assert.Equal(t, 5, r.timeWaits("server"), "the server closes first and holds TIME-WAIT")
	assert.Zero(t, r.timeWaits("client"))
	for conn, st := range r.finalStates("client") {
		assert.Equal(t, trace.StateClosed, st, "client conn %d", conn)
	}
	for _, rec := range r.recs {
		if rec.Kind == trace.KindMsg && rec.Msg == trace.MsgSend {
			assert.Contains(t, rec.Text, "Connection: close\r\n")
		}
	}
}

// The server's idle timeout closes a keep-alive connection; a request that
// comes later needs a new connection.
func TestHTTP_IdleTimeoutNeedsANewConnection(t *testing.T) {
	r := runHTTP(t, tcp.DefaultConfig(), HTTPClientConfig{Mode: HTTPKeepAlive, Requests: 3, ThinkTime: 3 * time.Second},
		HTTPServerConfig{Bodies: []int64{500}, IdleTimeout: 2 * time.Second}, 0, 1)
	assert.Equal(t, 3, r.client.Done)
	assert.Equal(t, 3, r.count(isSYN("client")), "each late request opens a connection")
	assert.Equal(t, 2, r.timeWaits("server"), "the server closed the idle connections first")
	assert.Equal(t, 1, r.timeWaits("client"), "the client, done after the third, closes the last")
	// The server's FIN comes 2 s after its response, but for the last: the
	// client closes that one at once.
	var resp, fin []time.Duration
	for _, rec := range r.recs {
		switch {
		case rec.Kind == trace.KindMsg && rec.Node == "server" && rec.Msg == trace.MsgSend:
			resp = append(resp, time.Duration(rec.T))
		case rec.Kind == trace.KindSend && rec.Node == "server" && rec.Pkt.Seg.Flags.Has(wire.FIN):
			fin = append(fin, time.Duration(rec.T))
		}
	}
	require.Len(t, resp, 3)
	require.Len(t, fin, 3)
	for i := range resp[:2] {
		assert.Equal(t, 2*time.Second, fin[i]-resp[i], "response %d", i+1)
	}
	assert.Less(t, fin[2]-resp[2], 100*time.Millisecond)
}

// max_requests closes a connection after that many responses.
func TestHTTP_MaxRequestsPerConnection(t *testing.T) {
	r := runHTTP(t, tcp.DefaultConfig(), HTTPClientConfig{Mode: HTTPKeepAlive, Requests: 5},
		HTTPServerConfig{Bodies: []int64{500}, MaxRequests: 2}, 0, 1)
	assert.Equal(t, 5, r.client.Done)
	assert.Equal(t, 3, r.count(isSYN("client")), "2 + 2 + 1 requests")
}

// Pipelining: the client sends requests back to back without waiting;
// the responses come in order.
func TestHTTP_Pipelining(t *testing.T) {
	r := runHTTP(t, tcp.DefaultConfig(), HTTPClientConfig{Mode: HTTPKeepAlive, Requests: 4, Pipeline: 4},
		HTTPServerConfig{Bodies: []int64{2000}}, 0, 1)
	assert.Equal(t, 4, r.client.Done)
	var sends []string
	firstResp := time.Duration(-1)
	for _, rec := range r.recs {
		if rec.Kind == trace.KindMsg && rec.Node == "client" && rec.Msg == trace.MsgSend {
			sends = append(sends, fmt.Sprint(time.Duration(rec.T)))
		}
		if rec.Kind == trace.KindMsg && rec.Node == "client" && rec.Msg == trace.MsgRecv && firstResp < 0 {
			firstResp = time.Duration(rec.T)
		}
	}
	require.Len(t, sends, 4)
	assert.Equal(t, sends[0], sends[3], "all four requests go at once")
	var order []string
	for _, rec := range r.recs {
		if rec.Kind == trace.KindMsg && rec.Node == "server" && rec.Msg == trace.MsgSend {
			order = append(order, strings.SplitN(rec.Text, "\r\n", 2)[0])
		}
	}
	assert.Len(t, order, 4)
}

// A browser-like client opens up to N connections at once.
func TestHTTP_ParallelConnections(t *testing.T) {
	r := runHTTP(t, tcp.DefaultConfig(), HTTPClientConfig{Mode: HTTPKeepAlive, Requests: 6, Connections: 3},
		HTTPServerConfig{Bodies: []int64{3000}}, 0, 1)
	assert.Equal(t, 6, r.client.Done)
	assert.Equal(t, 3, r.count(isSYN("client")))
	syn0 := -1
	for i, rec := range r.recs {
		if isSYN("client")(&rec) {
			if syn0 < 0 {
				syn0 = i
			}
			assert.Equal(t, r.recs[syn0].T, rec.T, "the three SYNs go together")
		}
	}
}

// Every response arrives exactly once under loss, in every mode.
func TestHTTP_EveryResponseOnceUnderLoss(t *testing.T) {
	cfg := tcp.DefaultConfig()
	cfg.Retries, cfg.SynRetries = 100, 100
	for _, mode := range []HTTPMode{HTTPKeepAlive, HTTPClose} {
		for seed := uint64(1); seed <= 8; seed++ {
			for _, loss := range []float64{0.02, 0.1} {
				name := fmt.Sprintf("%v/seed=%d/loss=%g", mode, seed, loss)
				t.Run(name, func(t *testing.T) {
					r := runHTTP(t, cfg, HTTPClientConfig{Mode: mode, Requests: 6, Pipeline: 2, Connections: 2, ThinkTime: 50 * time.Millisecond},
						HTTPServerConfig{BodyMin: 100, BodyMax: 20_000, IdleTimeout: 500 * time.Millisecond, MaxRequests: 3}, loss, seed)
					assert.Equal(t, 6, r.client.Done)
					recv := map[string]int{}
					for _, rec := range r.recs {
						if rec.Kind == trace.KindMsg && rec.Node == "server" && rec.Msg == trace.MsgRecv {
							recv[strings.SplitN(rec.Text, "\r\n", 2)[0]]++
						}
					}
					assert.Len(t, recv, 6, "every request reached the server")
				})
			}
		}
	}
}

// Headers and body in two writes with Nagle on: the body waits for the
// ACK of the head, which the client delays (RFC 1122's delayed ACK, 200 ms
// in the rfc profile): each response after the first stalls. TCP_NODELAY
// removes the stall.
func TestHTTP_SplitWritesNagleStall(t *testing.T) {
	elapsed := func(nodelay bool) time.Duration {
		cfg := tcp.DefaultConfig()
		cfg.NoDelay = nodelay
		r := runHTTP(t, cfg, HTTPClientConfig{Mode: HTTPKeepAlive, Requests: 3},
			HTTPServerConfig{Bodies: []int64{1000}, SplitWrites: true}, 0, 1)
		require.Equal(t, 3, r.client.Done)
		var last time.Duration
		for _, rec := range r.recs {
			if rec.Kind == trace.KindMsg && rec.Node == "client" && rec.Msg == trace.MsgRecv {
				last = time.Duration(rec.T)
			}
		}
		return last
	}
	nagle, nodelay := elapsed(false), elapsed(true)
	assert.Greater(t, nagle-nodelay, 300*time.Millisecond, "Nagle %v, nodelay %v", nagle, nodelay)
}
