//go:build linux

package kernel

import (
	"bufio"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// The HTTP/1.1 applications (scenarios/world/http.go) over real sockets:
// the same requests and responses, byte for byte (the heads are the
// world's text, the bodies their exact sizes), the same choices (how many
// connections, the pipeline, think and processing times, keep-alive or
// close, split writes, the idle timeout and the request limit). Like the
// scripted applications (app_linux.go), each is one goroutine (its loop)
// holding the state, fed events by the sockets' goroutines and by timers.

// requestHead and responseHead are the world's (world/http.go).
func requestHead(n int, host string, close bool) string {
	h := "GET /" + strconv.Itoa(n) + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: tcpsim\r\nAccept: */*\r\n"
	if close {
		h += "Connection: close\r\n"
	}
	return h + "\r\n"
}

func responseHead(n int64, close bool) string {
	h := "HTTP/1.1 200 OK\r\nServer: tcpsim\r\nContent-Type: text/plain\r\nContent-Length: " + strconv.FormatInt(n, 10) + "\r\n"
	if close {
		h += "Connection: close\r\n"
	}
	return h + "\r\n"
}

// readHead reads a message head, up to and including its empty line.
func readHead(br *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			if err == io.EOF && b.Len() > 0 {
				err = io.ErrUnexpectedEOF
			}
			return b.String(), err
		}
		if line == "\r\n" {
			return b.String(), nil
		}
	}
}

// header returns the value of header name in head ("" for none).
func header(head, name string) string {
	for _, line := range strings.Split(head, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// httpLoop is what the client and the server share: the event channel
// and the run.
type httpLoop struct {
	run  *runState
	name string
	ns   *namespace
	opts sockOpts
	ev   chan event
	// onRebooted: see app.
	onRebooted func()
}

func (l *httpLoop) send(e event) {
	select {
	case l.ev <- e:
	case <-l.run.ctx.Done():
	}
}

func (l *httpLoop) now() sim.Time { return l.run.rec.now() }

// timer sends e to the loop after d; the returned timer may be stopped.
func (l *httpLoop) timer(d time.Duration, e event) *time.Timer {
	return time.AfterFunc(d, func() { l.send(e) })
}

func (l *httpLoop) recordApp(op trace.AppOp, n int64, local, remote netip.AddrPort) {
	r := trace.Record{T: l.now(), Kind: trace.KindApp, Node: l.name, App: op, Value: n}
	if local.IsValid() {
		r.Conn = l.run.conns.lookup(local, remote)
	}
	l.run.rec.record(&r)
}

func (l *httpLoop) recordAbort(err error, local, remote netip.AddrPort) {
	r := trace.Record{T: l.now(), Kind: trace.KindAbort, Node: l.name, Abort: abortCause(err)}
	if local.IsValid() {
		r.Conn = l.run.conns.lookup(local, remote)
	}
	l.run.rec.record(&r)
}

func addrs(c *net.TCPConn) (netip.AddrPort, netip.AddrPort) {
	l, r := c.LocalAddr().(*net.TCPAddr).AddrPort(), c.RemoteAddr().(*net.TCPAddr).AddrPort()
	return netip.AddrPortFrom(l.Addr().Unmap(), l.Port()), netip.AddrPortFrom(r.Addr().Unmap(), r.Port())
}

// The client.

type httpClient struct {
	httpLoop
	cfg    *scenarios.HTTPClient
	addr   netip.Addr
	ports  *portAlloc // the host's local ports, shared with its other applications
	server netip.AddrPort

	queue    []int
	conns    []*hcConn
	dialing  []*hcConn   // connections dialled whose connect is not yet taken, in order
	next     *time.Timer // opens more connections (the start, and the think time in close mode)
	done     int
	started  bool
	crashed  bool
	finished atomic.Bool
}

type hcConn struct {
	c             *net.TCPConn // nil until connected
	local, remote netip.AddrPort
	outstanding   []int
	sent          int
	think         *time.Timer
	closing       bool // no more requests here
	shut          bool // our FIN is sent
	eof           bool // the server's FIN has come
	dead          bool
	connected     *evHConnected // the connect's result, until taken (see dialing)
}

type (
	evHOpen      struct{}
	evHConnected struct {
		k   *hcConn
		c   *net.TCPConn
		err error
	}
	evHResponse struct {
		k *hcConn
		n int64
	}
	evHEOF   struct{ k *hcConn }
	evHError struct {
		k   *hcConn
		err error
	}
	evHThink struct{ k *hcConn }
)

func (a *httpClient) start() error {
	for n := 1; n <= a.cfg.Requests; n++ {
		a.queue = append(a.queue, n)
	}
	a.run.wg.Add(1)
	go a.loop()
	a.next = a.timer(time.Until(a.run.rec.wall(sim.At(a.cfg.StartAt))), evHOpen{})
	return nil
}

func (a *httpClient) isFinished() bool { return a.finished.Load() }
func (a *httpClient) isBusy() bool     { return false }

func (a *httpClient) loop() {
	defer a.run.wg.Done()
	for {
		select {
		case <-a.run.ctx.Done():
			a.next.Stop()
			for _, k := range a.conns {
				if k.c != nil {
					k.c.Close()
				}
				if k.think != nil {
					k.think.Stop()
				}
			}
			return
		case e := <-a.ev:
			if !a.crashed {
				a.handle(e)
			}
			a.finished.Store(a.crashed || a.started && len(a.queue) == 0 && len(a.conns) == 0)
		}
	}
}

func (a *httpClient) handle(e event) {
	switch e := e.(type) {
	case evCrash:
		a.crashed = true
	case evReboot:
		a.reboot()
	case evHOpen:
		a.started = true
		a.openMore()
	case evHConnected:
		// Connections dialled together are taken in the order they were
		// dialled, as the simulation's handshakes complete: the kernel's
		// complete within microseconds of each other, and which request
		// goes on which connection would otherwise follow the goroutines.
		e.k.connected = &e
		for len(a.dialing) > 0 && a.dialing[0].connected != nil {
			k := a.dialing[0]
			a.dialing = a.dialing[1:]
			a.connected(k, *k.connected)
		}
	case evHResponse:
		k := e.k
		if k.dead {
			return
		}
		a.recordApp(trace.AppRead, e.n, k.local, k.remote)
		if len(k.outstanding) > 0 {
			k.outstanding = k.outstanding[1:]
		}
		a.done++
		switch {
		case k.closing:
		case a.cfg.Mode == scenarios.HTTPClose:
			// The server closes after its response; the next request
			// goes on a new connection after the think time.
			if len(a.queue) > 0 {
				a.next.Stop()
				a.next = a.timer(a.cfg.ThinkTime, evHOpen{})
			}
		case len(a.queue) == 0 && len(k.outstanding) == 0:
			k.closing = true // nothing left to ask: the client closes
			a.shut(k)
		case len(k.outstanding) == 0:
			a.thinkThenSend(k)
		default:
			a.sendRequests(k)
		}
	case evHEOF:
		k := e.k
		if k.dead {
			return
		}
		k.eof = true
		unanswered := len(k.outstanding) > 0
		a.retry(k)
		if !k.closing {
			k.closing = true
		}
		a.shut(k)
		if unanswered || k.think == nil {
			a.openMore()
		}
	case evHError:
		k := e.k
		if k.dead {
			return
		}
		a.recordAbort(e.err, k.local, k.remote)
		k.c.Close()
		a.aborted(k)
	case evHThink:
		k := e.k
		k.think = nil // no longer pending
		if k.closing {
			a.openMore()
		} else {
			a.sendRequests(k)
		}
	}
}

// connected takes a connection whose connect has returned.
func (a *httpClient) connected(k *hcConn, e evHConnected) {
	if e.err != nil {
		a.recordAbort(e.err, netip.AddrPort{}, netip.AddrPort{})
		a.aborted(k)
		return
	}
	k.c = e.c
	k.local, k.remote = addrs(e.c)
	if k.dead {
		e.c.SetLinger(0)
		e.c.Close()
		return
	}
	if err := a.opts.afterConnect(e.c); err != nil {
		a.recordAbort(err, k.local, k.remote)
		e.c.Close()
		a.aborted(k)
		return
	}
	a.run.wg.Add(1)
	go a.reader(k)
	a.sendRequests(k)
}

// aborted forgets a connection that failed and opens another for what it
// carried.
func (a *httpClient) aborted(k *hcConn) {
	a.retry(k)
	k.closing = true
	k.dead = true
	a.drop(k)
	a.openMore()
}

// shut sends the client's FIN (RFC 9293's CLOSE), and closes the socket
// once the server's has come.
func (a *httpClient) shut(k *hcConn) {
	if !k.shut {
		k.shut = true
		a.recordApp(trace.AppClose, 0, k.local, k.remote)
		if err := k.c.CloseWrite(); err != nil {
			a.recordAbort(err, k.local, k.remote)
			k.c.Close()
			k.dead = true
			a.drop(k)
			return
		}
	}
	if k.eof && !k.dead {
		k.dead = true
		k.c.Close()
		a.drop(k)
	}
}

func (a *httpClient) retry(k *hcConn) {
	if len(k.outstanding) > 0 {
		a.queue = append(append([]int(nil), k.outstanding...), a.queue...)
		k.outstanding = nil
	}
}

func (a *httpClient) drop(k *hcConn) {
	for i, x := range a.conns {
		if x == k {
			a.conns = append(a.conns[:i], a.conns[i+1:]...)
			return
		}
	}
}

// open and carrying are the world's.
func (a *httpClient) open() int {
	n := 0
	for _, k := range a.conns {
		if !k.closing {
			n++
		}
	}
	return n
}

func (a *httpClient) carrying() int {
	n := 0
	for _, k := range a.conns {
		n += a.cfg.Room(k.closing, k.sent, len(k.outstanding))
	}
	return n
}

// dialStagger spaces the connects of connections opened together, so
// that their SYNs leave in the order they were dialled (as the
// simulation's do, a serialisation time apart): dials in goroutines of
// their own would otherwise race to the kernel, and which connection
// carries which request, and gets which response, would change from run
// to run.
const dialStagger = time.Millisecond

func (a *httpClient) openMore() {
	var wait time.Duration
	for len(a.queue) > a.carrying() && a.open() < max(a.cfg.Connections, 1) {
		k := &hcConn{}
		a.conns = append(a.conns, k)
		a.dialing = append(a.dialing, k)
		a.dial(k, wait)
		wait += dialStagger
	}
}

func (a *httpClient) dial(k *hcConn, wait time.Duration) {
	local := netip.AddrPortFrom(a.addr, a.ports.take())
	a.recordApp(trace.AppConnect, 0, netip.AddrPort{}, netip.AddrPort{})
	dialIn(a.run, a.ns, a.opts, local, a.server, wait, func(tc *net.TCPConn, err error) {
		a.send(evHConnected{k, tc, err})
	})
}

func (a *httpClient) thinkThenSend(k *hcConn) {
	if len(a.queue) == 0 {
		return
	}
	if a.cfg.ThinkTime <= 0 {
		a.sendRequests(k)
		return
	}
	if k.think != nil {
		k.think.Stop()
	}
	k.think = a.timer(a.cfg.ThinkTime, evHThink{k})
}

func (a *httpClient) sendRequests(k *hcConn) {
	depth := max(a.cfg.Pipeline, 1)
	for len(a.queue) > 0 && len(k.outstanding) < depth && !k.closing && k.c != nil && !k.shut {
		if a.cfg.Mode == scenarios.HTTPClose && k.sent > 0 {
			return
		}
		n := a.queue[0]
		a.queue = a.queue[1:]
		head := requestHead(n, a.cfg.Host, a.cfg.Mode == scenarios.HTTPClose)
		k.outstanding = append(k.outstanding, n)
		k.sent++
		a.recordApp(trace.AppWrite, int64(len(head)), k.local, k.remote)
		if _, err := k.c.Write([]byte(head)); err != nil {
			a.recordAbort(err, k.local, k.remote)
			k.c.Close()
			a.aborted(k)
			return
		}
	}
}

// reader reads the responses of k: each head, then its Content-Length.
func (a *httpClient) reader(k *hcConn) {
	defer a.run.wg.Done()
	br := bufio.NewReaderSize(k.c, 64<<10)
	for {
		head, err := readHead(br)
		if err == nil {
			var n int64
			if n, err = strconv.ParseInt(header(head, "Content-Length"), 10, 64); err == nil {
				_, err = io.CopyN(io.Discard, br, n)
				if err == nil {
					a.send(evHResponse{k, int64(len(head)) + n})
					continue
				}
			}
		}
		switch {
		case errors.Is(err, io.EOF) && head == "":
			a.send(evHEOF{k})
		case errors.Is(err, net.ErrClosed):
		default:
			a.send(evHError{k, err})
		}
		return
	}
}

// reboot is the world's Crash and Boot: the connections are aborted
// silently and the requests not answered go again on new ones.
func (a *httpClient) reboot() {
	for _, k := range a.conns {
		a.retry(k)
		k.dead = true
		if k.think != nil {
			k.think.Stop()
		}
		if k.c != nil {
			k.c.SetLinger(0)
			k.c.Close()
		}
	}
	a.conns = nil
	a.dialing = nil
	if a.onRebooted != nil {
		a.onRebooted()
	}
	a.openMore()
}

// The server.

type httpServer struct {
	httpLoop
	cfg     *scenarios.HTTPServer
	addr    netip.Addr
	port    uint16
	rng     *rand.Rand
	ln      *net.TCPListener
	conns   []*hsConn
	busy    atomic.Bool
	crashed bool
}

type hsConn struct {
	c             *net.TCPConn
	local, remote netip.AddrPort
	waiting       []reqMeta
	working       bool
	served        int
	closing       bool
	shut, eof     bool
	dead          bool
	writing       int64
	writes        chan []byte
	work, idle    *time.Timer
}

type reqMeta struct {
	n     int
	close bool
}

type (
	evSAccepted struct{ c *net.TCPConn }
	evSRequest  struct {
		k *hsConn
		m reqMeta
		n int64
	}
	evSEOF   struct{ k *hsConn }
	evSError struct {
		k   *hsConn
		err error
	}
	evSWork  struct{ k *hsConn }
	evSIdle  struct{ k *hsConn }
	evSWrote struct {
		k   *hsConn
		n   int
		err error
	}
)

func (a *httpServer) start() error {
	if err := a.listen(); err != nil {
		return err
	}
	a.run.wg.Add(1)
	go a.loop()
	return nil
}

func (a *httpServer) isFinished() bool { return true }
func (a *httpServer) isBusy() bool     { return a.busy.Load() }

func (a *httpServer) listen() error {
	return listenIn(a.run, a.ns, a.opts, netip.AddrPortFrom(a.addr, a.port), func(tl *net.TCPListener) {
		a.ln = tl
		a.recordApp(trace.AppListen, int64(a.port), netip.AddrPort{}, netip.AddrPort{})
	}, func(c *net.TCPConn) { a.send(evSAccepted{c}) })
}

func (a *httpServer) loop() {
	defer a.run.wg.Done()
	for {
		select {
		case <-a.run.ctx.Done():
			if a.ln != nil {
				a.ln.Close()
			}
			for _, k := range a.conns {
				a.kill(k, false)
			}
			return
		case e := <-a.ev:
			a.handle(e)
			a.busy.Store(len(a.conns) > 0)
		}
	}
}

func (a *httpServer) handle(e event) {
	if a.crashed {
		return
	}
	switch e := e.(type) {
	case evCrash:
		a.crashed = true
	case evReboot:
		a.reboot()
	case evSAccepted:
		if err := a.opts.afterConnect(e.c); err != nil {
			e.c.Close()
			return
		}
		k := &hsConn{c: e.c, writes: make(chan []byte, 1024)}
		k.local, k.remote = addrs(e.c)
		a.conns = append(a.conns, k)
		a.run.wg.Add(2)
		go a.reader(k)
		go a.writer(k)
		a.armIdle(k)
	case evSRequest:
		k := e.k
		if k.dead {
			return
		}
		a.recordApp(trace.AppRead, e.n, k.local, k.remote)
		if k.closing {
			return // a request after the last is not answered (RFC 9112 §9.6)
		}
		k.waiting = append(k.waiting, e.m)
		if k.idle != nil {
			k.idle.Stop()
		}
		a.startNext(k)
	case evSEOF:
		k := e.k
		if k.dead {
			return
		}
		k.eof = true
		if !k.working && len(k.waiting) == 0 {
			k.closing = true
		}
		a.maybeClose(k)
	case evSError:
		if !e.k.dead {
			a.recordAbort(e.err, e.k.local, e.k.remote)
			a.kill(e.k, false)
		}
	case evSWork:
		a.respond(e.k)
	case evSIdle:
		k := e.k
		if k.dead || k.working || len(k.waiting) > 0 {
			return
		}
		k.closing = true
		a.maybeClose(k)
	case evSWrote:
		k := e.k
		k.writing -= int64(e.n)
		if e.n > 0 {
			a.recordApp(trace.AppWrite, int64(e.n), k.local, k.remote)
		}
		if e.err != nil && !k.dead {
			a.recordAbort(e.err, k.local, k.remote)
			a.kill(k, false)
			return
		}
		a.maybeClose(k)
	}
}

func (a *httpServer) startNext(k *hsConn) {
	if k.working || len(k.waiting) == 0 || k.closing {
		return
	}
	k.working = true
	k.work = a.timer(a.cfg.ProcessingTime, evSWork{k})
}

func (a *httpServer) respond(k *hsConn) {
	k.working = false
	if k.dead || len(k.waiting) == 0 {
		return
	}
	req := k.waiting[0]
	k.waiting = k.waiting[1:]
	k.served++
	last := req.close || a.cfg.MaxRequests > 0 && k.served >= a.cfg.MaxRequests
	body := a.bodySize(req.n)
	head := responseHead(body, last)
	if a.cfg.SplitWrites && body > 0 {
		a.write(k, []byte(head))
		a.write(k, make([]byte, body))
	} else {
		b := make([]byte, int64(len(head))+body)
		copy(b, head)
		a.write(k, b)
	}
	if last {
		k.closing = true
		k.waiting = nil
		a.maybeClose(k)
		return
	}
	if len(k.waiting) > 0 {
		a.startNext(k)
		return
	}
	if k.eof {
		k.closing = true
		a.maybeClose(k)
		return
	}
	a.armIdle(k)
}

func (a *httpServer) write(k *hsConn, b []byte) {
	k.writing += int64(len(b))
	k.writes <- b
}

func (a *httpServer) bodySize(n int) int64 {
	if len(a.cfg.Bodies) > 0 {
		return a.cfg.Bodies[(n-1)%len(a.cfg.Bodies)]
	}
	lo, hi := a.cfg.BodyMin, max(a.cfg.BodyMax, a.cfg.BodyMin)
	return lo + a.rng.Int64N(hi-lo+1)
}

func (a *httpServer) armIdle(k *hsConn) {
	if a.cfg.IdleTimeout > 0 {
		if k.idle != nil {
			k.idle.Stop()
		}
		k.idle = a.timer(a.cfg.IdleTimeout, evSIdle{k})
	}
}

// maybeClose sends the server's FIN once it is closing and all it wrote
// has gone to the socket, and closes the socket once the client's FIN has
// come too.
func (a *httpServer) maybeClose(k *hsConn) {
	if k.dead || !k.closing || k.writing > 0 {
		return
	}
	if !k.shut {
		k.shut = true
		close(k.writes)
		a.recordApp(trace.AppClose, 0, k.local, k.remote)
		if err := k.c.CloseWrite(); err != nil {
			a.recordAbort(err, k.local, k.remote)
			a.kill(k, false)
			return
		}
	}
	if k.eof {
		a.kill(k, false)
	}
}

// kill closes k's socket (abort: with SO_LINGER 0) and forgets it.
func (a *httpServer) kill(k *hsConn, abort bool) {
	if k.dead {
		return
	}
	k.dead = true
	for _, t := range []*time.Timer{k.work, k.idle} {
		if t != nil {
			t.Stop()
		}
	}
	if !k.shut {
		k.shut = true
		close(k.writes)
	}
	if abort {
		k.c.SetLinger(0)
	}
	k.c.Close()
	for i, x := range a.conns {
		if x == k {
			a.conns = append(a.conns[:i], a.conns[i+1:]...)
			break
		}
	}
}

func (a *httpServer) reader(k *hsConn) {
	defer a.run.wg.Done()
	br := bufio.NewReaderSize(k.c, 64<<10)
	for {
		head, err := readHead(br)
		if err == nil {
			var m reqMeta
			if f := strings.Fields(head); len(f) >= 2 && strings.HasPrefix(f[1], "/") {
				m.n, _ = strconv.Atoi(f[1][1:])
			}
			m.close = strings.EqualFold(header(head, "Connection"), "close")
			a.send(evSRequest{k, m, int64(len(head))})
			continue
		}
		switch {
		case errors.Is(err, io.EOF) && head == "":
			a.send(evSEOF{k})
		case errors.Is(err, net.ErrClosed):
		default:
			a.send(evSError{k, err})
		}
		return
	}
}

func (a *httpServer) writer(k *hsConn) {
	defer a.run.wg.Done()
	var failed error
	for b := range k.writes {
		if failed != nil {
			a.send(evSWrote{k, 0, nil})
			continue
		}
		n, err := k.c.Write(b)
		if err != nil && !errors.Is(err, net.ErrClosed) {
			failed = err
		}
		a.send(evSWrote{k, n, failed})
		if n < len(b) {
			// What was not written is given up: count it as written.
			a.send(evSWrote{k, len(b) - n, nil})
		}
	}
}

// reboot aborts the server's connections silently and listens again.
func (a *httpServer) reboot() {
	for _, k := range append([]*hsConn(nil), a.conns...) {
		a.kill(k, true)
	}
	if a.ln != nil {
		a.ln.Close()
		a.ln = nil
	}
	if a.onRebooted != nil {
		a.onRebooted()
	}
	if err := a.listen(); err != nil {
		a.recordAbort(err, netip.AddrPort{}, netip.AddrPort{})
	}
}
