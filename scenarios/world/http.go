package world

import (
	"math/rand/v2"
	"net/netip"
	"strconv"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/tcp"
)

// HTTP/1.1 over the simulated TCP: a client that sends GET requests and
// reads the responses, and a server that answers each complete request
// after a processing time. Messages are framed as RFC 9112 frames them
// (a head, then a body of Content-Length bytes), their heads are real text
// and their sizes exact; see stream.go for how the receiver finds where
// each ends.

// HTTPMode is how a client uses connections.
type HTTPMode uint8

const (
	// HTTPKeepAlive: persistent connections, HTTP/1.1's default (RFC 9112
	// §9.3): a connection carries request after request until the server
	// closes it (its idle timeout or request limit) or the client is done.
	HTTPKeepAlive HTTPMode = iota + 1
	// HTTPClose: "Connection: close" on every request (RFC 9112 §9.6): one
	// connection per request, which the server closes after its response.
	HTTPClose
)

var httpModeNames = []string{"", "keep-alive", "close"}

func (m HTTPMode) String() string {
	if int(m) < len(httpModeNames) {
		return httpModeNames[m]
	}
	return "unknown"
}

// HTTPClientConfig is what an HTTP client does.
type HTTPClientConfig struct {
	Mode HTTPMode
	// Requests is how many requests the client makes, for /1, /2, … in order.
	Requests int
	// Connections is how many connections the client may have open at once
	// (a browser opens up to 6 per host); at least 1.
	Connections int
	// Pipeline is how many requests a connection may have outstanding
	// (RFC 9112 §9.3.2); 1 is no pipelining.
	Pipeline int
	// StartAt is when the client starts; ThinkTime is its pause between a
	// response and the next request on a connection.
	StartAt   time.Duration
	ThinkTime time.Duration
	// Host is the Host header's value.
	Host string
}

// HTTPServerConfig is what an HTTP server does.
type HTTPServerConfig struct {
	// ProcessingTime is how long the server works on a request before its
	// response starts.
	ProcessingTime time.Duration
	// Bodies are the response bodies' sizes: request n (from 1) gets
	// Bodies[(n−1) mod len]. Empty: a body drawn uniformly from
	// [BodyMin, BodyMax] from the server's seeded stream for each response.
	Bodies           []int64
	BodyMin, BodyMax int64
	// SplitWrites writes each response's head and body in two writes, as
	// Python's http.server and many frameworks do; with Nagle on, the body
	// then waits for the head's ACK (the Nagle / delayed-ACK stall).
	SplitWrites bool
	// IdleTimeout closes a keep-alive connection that has been idle this
	// long (nginx's keepalive_timeout, 75 s; Apache's KeepAliveTimeout,
	// 5 s); 0 never does. It also bounds the wait for a first request.
	IdleTimeout time.Duration
	// MaxRequests closes a connection after this many responses (nginx's
	// keepalive_requests, 1000); 0 is no limit.
	MaxRequests int
}

// requestMeta is what a request tells the server beyond its size.
type requestMeta struct {
	n     int  // the request's number (/n)
	close bool // it asks to close the connection after the response
}

// requestHead returns the head of GET /n.
func requestHead(n int, host string, close bool) string {
	h := "GET /" + strconv.Itoa(n) + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: tcpsim\r\nAccept: */*\r\n"
	if close {
		h += "Connection: close\r\n"
	}
	return h + "\r\n"
}

// responseHead returns the head of a 200 response with a body of n bytes.
func responseHead(n int64, close bool) string {
	h := "HTTP/1.1 200 OK\r\nServer: tcpsim\r\nContent-Type: text/plain\r\nContent-Length: " + strconv.FormatInt(n, 10) + "\r\n"
	if close {
		h += "Connection: close\r\n"
	}
	return h + "\r\n"
}

// HTTPClient is an HTTP client application on a host.
type HTTPClient struct {
	h      *Host
	cfg    *HTTPClientConfig
	server netip.AddrPort

	queue []int // requests not yet sent, by number, in order
	conns []*httpClientConn
	next  *sim.Timer // opens the next connection after the think time (close mode)
	// Done is how many responses the client has received.
	Done int
}

type httpClientConn struct {
	*msgConn
	outstanding []int // requests sent and not yet answered, in order
	sent        int   // requests sent on this connection
	think       *sim.Timer
	closing     bool // we closed (or the peer did): no more requests here
}

// NewHTTPClient puts an HTTP client on h that connects to server, each
// connection from the host's next local port (Host.LocalPort).
func NewHTTPClient(h *Host, server netip.AddrPort, cfg *HTTPClientConfig) *HTTPClient {
	a := &HTTPClient{h: h, cfg: cfg, server: server}
	for n := 1; n <= cfg.Requests; n++ {
		a.queue = append(a.queue, n)
	}
	h.AddApp(a)
	return a
}

// Start arms the client's start.
func (a *HTTPClient) Start() {
	a.next = a.h.w.e.NewTimer(func(now sim.Time) {
		a.openMore(now)
		a.h.Poll(now)
	})
	a.next.Reset(sim.At(a.cfg.StartAt))
}

// openMore opens connections while requests wait that the open ones will
// not carry, up to the connection limit.
func (a *HTTPClient) openMore(now sim.Time) {
	if a.h.down {
		return
	}
	for len(a.queue) > a.carrying() && a.open() < max(a.cfg.Connections, 1) {
		c := a.h.Dial(now, a.h.LocalPort(), a.server, a)
		a.conns = append(a.conns, &httpClientConn{msgConn: newMsgConn(a.h, c)})
	}
}

// open is how many of the client's connections still carry requests.
func (a *HTTPClient) open() int {
	n := 0
	for _, cc := range a.conns {
		if !cc.closing {
			n++
		}
	}
	return n
}

// carrying is how many waiting requests the open connections can take
// now (HTTPClientConfig.Room).
func (a *HTTPClient) carrying() int {
	n := 0
	for _, cc := range a.conns {
		n += a.cfg.Room(cc.closing, cc.sent, len(cc.outstanding))
	}
	return n
}

// Room is how many more requests a client connection can take now: none
// once it is closing; in close mode one if it has carried none yet; on a
// keep-alive connection the room in its pipeline (sent requests awaiting
// their response are outstanding). A browser opens another connection
// (up to its limit) rather than queue a request behind another. The kernel
// harness's client asks the same.
func (c *HTTPClientConfig) Room(closing bool, sent, outstanding int) int {
	switch {
	case closing:
		return 0
	case c.Mode == HTTPClose:
		if sent == 0 {
			return 1
		}
		return 0
	}
	return max(c.Pipeline, 1) - outstanding
}

func (a *HTTPClient) conn(c *tcp.Conn) *httpClientConn {
	for _, cc := range a.conns {
		if cc.c == c {
			return cc
		}
	}
	return nil
}

// Notify is told of the events on the client's connections.
func (a *HTTPClient) Notify(now sim.Time, c *tcp.Conn, ev tcp.Event) {
	cc := a.conn(c)
	if cc == nil {
		return
	}
	switch ev {
	case tcp.EventEstablished:
		a.sendRequests(now, cc)
	case tcp.EventWritable:
		cc.flush(now)
	case tcp.EventReadable:
		got := 0
		for range cc.receive(now) {
			if len(cc.outstanding) > 0 {
				cc.outstanding = cc.outstanding[1:]
			}
			a.Done++
			got++
		}
		switch {
		case got == 0 || cc.closing:
		case a.cfg.Mode == HTTPClose:
			// The response is complete (Content-Length). The server closes
			// the connection after it (the client closes when it sees the
			// server's FIN, so the server holds TIME-WAIT, as with real
			// servers); the next request goes on a new connection after
			// the think time.
			a.later(now)
		case len(a.queue) == 0 && len(cc.outstanding) == 0:
			cc.closing = true // nothing left to ask: the client closes
			c.Close(now)
		case len(cc.outstanding) == 0:
			a.thinkThenSend(now, cc)
		default:
			a.sendRequests(now, cc) // refill the pipeline
		}
	case tcp.EventPeerClosed:
		// The server closed: when idle or at its request limit (or after
		// its response in close mode). Requests it did not answer go again
		// on a new connection at once (RFC 9112 §9.3.1: a client may retry
		// a request whose connection closed before the response); the next
		// request goes when it is due.
		unanswered := len(cc.outstanding) > 0
		a.retry(cc)
		if !cc.closing {
			cc.closing = true
			c.Close(now)
		}
		if unanswered || cc.think == nil || !cc.think.Pending() {
			a.openMore(now)
		}
	case tcp.EventAborted:
		a.retry(cc)
		cc.closing = true
		a.drop(cc)
		a.openMore(now)
	case tcp.EventClosed:
		a.drop(cc)
	}
}

// later opens the next connection after the think time.
func (a *HTTPClient) later(now sim.Time) {
	if len(a.queue) > 0 && !a.next.Pending() {
		a.next.Reset(now.Add(a.cfg.ThinkTime))
	}
}

// retry puts the connection's unanswered requests back at the front.
func (a *HTTPClient) retry(cc *httpClientConn) {
	if len(cc.outstanding) > 0 {
		a.queue = append(append([]int(nil), cc.outstanding...), a.queue...)
		cc.outstanding = nil
	}
}

// drop forgets a connection that ended. A think timer still running goes
// on: when it fires, the next request opens a new connection.
func (a *HTTPClient) drop(cc *httpClientConn) {
	for i, x := range a.conns {
		if x == cc {
			a.conns = append(a.conns[:i], a.conns[i+1:]...)
			return
		}
	}
}

// thinkThenSend sends the next requests on cc after the think time.
func (a *HTTPClient) thinkThenSend(now sim.Time, cc *httpClientConn) {
	if len(a.queue) == 0 {
		return
	}
	if a.cfg.ThinkTime <= 0 {
		a.sendRequests(now, cc)
		return
	}
	if cc.think == nil {
		cc.think = a.h.w.e.NewTimer(func(now sim.Time) {
			if cc.closing {
				a.openMore(now) // the server closed meanwhile: a new connection
			} else {
				a.sendRequests(now, cc)
			}
			a.h.Poll(now)
		})
	}
	cc.think.Reset(now.Add(a.cfg.ThinkTime))
}

// sendRequests sends waiting requests on cc while its pipeline has room.
func (a *HTTPClient) sendRequests(now sim.Time, cc *httpClientConn) {
	depth := max(a.cfg.Pipeline, 1)
	for len(a.queue) > 0 && len(cc.outstanding) < depth && !cc.closing {
		s := cc.c.State()
		if s != tcp.StateEstablished && s != tcp.StateCloseWait {
			return
		}
		if a.cfg.Mode == HTTPClose && cc.sent > 0 {
			return
		}
		n := a.queue[0]
		a.queue = a.queue[1:]
		close := a.cfg.Mode == HTTPClose
		head := requestHead(n, a.cfg.Host, close)
		cc.send(now, head, int64(len(head)), requestMeta{n: n, close: close}, false)
		cc.outstanding = append(cc.outstanding, n)
		cc.sent++
	}
}

// Crash forgets the client's connections; Boot starts over with the
// requests not yet answered.
func (a *HTTPClient) Crash(sim.Time) {
	for _, cc := range a.conns {
		a.retry(cc)
		if cc.think != nil {
			cc.think.Stop()
		}
	}
	a.conns = nil
}

// Boot opens connections again for the requests left.
func (a *HTTPClient) Boot(now sim.Time) { a.openMore(now) }

// HTTPServer is an HTTP server application on a host.
type HTTPServer struct {
	h     *Host
	cfg   *HTTPServerConfig
	port  uint16
	rng   *rand.Rand
	conns []*httpServerConn
	// Served is how many responses the server has written.
	Served int
}

type httpServerConn struct {
	*msgConn
	waiting []requestMeta // complete requests not yet answered, in order
	busy    bool          // a response is being prepared
	served  int
	closing bool // the last response is written: close once it has gone to the socket
	work    *sim.Timer
	idle    *sim.Timer
}

// NewHTTPServer puts an HTTP server on h listening on port.
func NewHTTPServer(h *Host, port uint16, cfg *HTTPServerConfig) *HTTPServer {
	a := &HTTPServer{h: h, cfg: cfg, port: port, rng: h.w.Rand("app/" + h.name + "/http")}
	h.AddApp(a)
	h.Listen(0, port, a)
	return a
}

func (a *HTTPServer) conn(c *tcp.Conn) *httpServerConn {
	for _, sc := range a.conns {
		if sc.c == c {
			return sc
		}
	}
	return nil
}

// Notify is told of the events on the server's connections.
func (a *HTTPServer) Notify(now sim.Time, c *tcp.Conn, ev tcp.Event) {
	sc := a.conn(c)
	if ev == tcp.EventEstablished && sc == nil {
		sc = &httpServerConn{msgConn: newMsgConn(a.h, c)}
		sc.work = a.h.w.e.NewTimer(func(now sim.Time) { a.respond(now, sc); a.h.Poll(now) })
		sc.idle = a.h.w.e.NewTimer(func(now sim.Time) { a.idleTimeout(now, sc); a.h.Poll(now) })
		a.conns = append(a.conns, sc)
		a.armIdle(now, sc)
		return
	}
	if sc == nil {
		return
	}
	switch ev {
	case tcp.EventReadable:
		for _, m := range sc.receive(now) {
			if req, ok := m.meta.(requestMeta); ok {
				sc.waiting = append(sc.waiting, req)
			}
		}
		if len(sc.waiting) > 0 {
			sc.idle.Stop()
			a.startNext(now, sc)
		}
	case tcp.EventWritable:
		sc.flush(now)
		a.maybeClose(now, sc)
	case tcp.EventPeerClosed:
		// The client is done; once nothing is left to answer, so are we.
		if !sc.busy && len(sc.waiting) == 0 {
			sc.closing = true
			a.maybeClose(now, sc)
		}
	case tcp.EventAborted, tcp.EventClosed:
		sc.work.Stop()
		sc.idle.Stop()
		for i, x := range a.conns {
			if x == sc {
				a.conns = append(a.conns[:i], a.conns[i+1:]...)
				break
			}
		}
	}
}

// startNext starts work on the next waiting request, if not busy.
func (a *HTTPServer) startNext(now sim.Time, sc *httpServerConn) {
	if sc.busy || len(sc.waiting) == 0 || sc.closing {
		return
	}
	sc.busy = true
	sc.work.Reset(now.Add(a.cfg.ProcessingTime))
}

// respond writes the response to the oldest waiting request.
func (a *HTTPServer) respond(now sim.Time, sc *httpServerConn) {
	sc.busy = false
	if len(sc.waiting) == 0 || sc.c.State() == tcp.StateClosed {
		return
	}
	req := sc.waiting[0]
	sc.waiting = sc.waiting[1:]
	sc.served++
	a.Served++
	last := req.close || a.cfg.MaxRequests > 0 && sc.served >= a.cfg.MaxRequests
	body := a.bodySize(req.n)
	head := responseHead(body, last)
	sc.send(now, head, int64(len(head))+body, nil, a.cfg.SplitWrites)
	if last {
		sc.closing = true
		sc.waiting = nil // a request after the last is not answered (RFC 9112 §9.6)
		a.maybeClose(now, sc)
		return
	}
	if len(sc.waiting) > 0 {
		a.startNext(now, sc)
		return
	}
	if sc.c.PeerClosed() {
		sc.closing = true
		a.maybeClose(now, sc)
		return
	}
	a.armIdle(now, sc)
}

// bodySize returns the body size of the response to request n.
func (a *HTTPServer) bodySize(n int) int64 {
	if len(a.cfg.Bodies) > 0 {
		return a.cfg.Bodies[(n-1)%len(a.cfg.Bodies)]
	}
	lo, hi := a.cfg.BodyMin, max(a.cfg.BodyMax, a.cfg.BodyMin)
	return lo + a.rng.Int64N(hi-lo+1)
}

// armIdle starts the idle timeout.
func (a *HTTPServer) armIdle(now sim.Time, sc *httpServerConn) {
	if a.cfg.IdleTimeout > 0 {
		sc.idle.Reset(now.Add(a.cfg.IdleTimeout))
	}
}

// idleTimeout closes a connection that stayed idle.
func (a *HTTPServer) idleTimeout(now sim.Time, sc *httpServerConn) {
	if sc.busy || len(sc.waiting) > 0 {
		return
	}
	sc.closing = true
	a.maybeClose(now, sc)
}

// maybeClose closes the connection once it is closing and everything
// written has gone to the socket.
func (a *HTTPServer) maybeClose(now sim.Time, sc *httpServerConn) {
	if !sc.closing || sc.pending > 0 {
		return
	}
	switch sc.c.State() {
	case tcp.StateEstablished, tcp.StateCloseWait, tcp.StateSynReceived:
		sc.c.Close(now)
	}
}

// Crash forgets the server's connections; Boot listens again.
func (a *HTTPServer) Crash(sim.Time) {
	for _, sc := range a.conns {
		sc.work.Stop()
		sc.idle.Stop()
	}
	a.conns = nil
}

// Boot listens again after a reboot.
func (a *HTTPServer) Boot(now sim.Time) { a.h.Listen(now, a.port, a) }
