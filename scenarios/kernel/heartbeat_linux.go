//go:build linux

package kernel

import (
	"errors"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// The heartbeat applications (scenarios/world/heartbeat.go) over real
// sockets: a client that sends a ping of Size bytes every Interval and
// gives up on the connection (SO_LINGER 0) when the pong does not come
// within Timeout, reconnecting after ReconnectDelay; a server that answers
// each ping with a pong of the same size at once. A ping is Size bytes on
// the stream, so each side reads exactly that much per message.

// portAlloc hands out a host's local ports in order, to all its
// applications (world.Host's LocalPort).
type portAlloc struct {
	mu   sync.Mutex
	next uint16
}

func (p *portAlloc) take() uint16 {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.next
	p.next++
	return n
}

// runners is several applications of one host, as one.
type runners []runner

func (rs runners) start() error {
	for _, r := range rs {
		if err := r.start(); err != nil {
			return err
		}
	}
	return nil
}

func (rs runners) send(e event) {
	for _, r := range rs {
		r.send(e)
	}
}

func (rs runners) isFinished() bool {
	for _, r := range rs {
		if !r.isFinished() {
			return false
		}
	}
	return true
}

func (rs runners) isBusy() bool {
	for _, r := range rs {
		if r.isBusy() {
			return true
		}
	}
	return false
}

// The client.

type hbClient struct {
	httpLoop
	cfg         *scenarios.HeartbeatConfig
	addr        netip.Addr
	ports       *portAlloc
	server      netip.AddrPort
	onReconnect func()

	k        *hbConn // the current connection; nil between connections
	all      []*hbConn
	n        int
	waiting  bool
	sentAt   sim.Time
	attempt  int
	stopped  bool
	crashed  bool
	ping     *time.Timer
	timeout  *time.Timer
	dialT    *time.Timer
	finished atomic.Bool
}

type hbConn struct {
	c             *net.TCPConn
	local, remote netip.AddrPort
	forgotten     bool // given up on, or closed: its news no longer matters
	closed        bool
}

type (
	evBDial      struct{}
	evBStop      struct{}
	evBConnected struct {
		k   *hbConn
		c   *net.TCPConn
		err error
	}
	evBPing    struct{ k *hbConn }
	evBTimeout struct{ k *hbConn }
	evBPong    struct{ k *hbConn }
	evBEOF     struct{ k *hbConn }
	evBError   struct {
		k   *hbConn
		err error
	}
)

func (a *hbClient) start() error {
	a.run.wg.Add(1)
	go a.loop()
	a.dialT = a.timer(time.Until(a.run.rec.wall(sim.At(a.cfg.StartAt))), evBDial{})
	if a.cfg.StopAt > 0 {
		a.timer(time.Until(a.run.rec.wall(sim.At(a.cfg.StopAt))), evBStop{})
	}
	return nil
}

func (a *hbClient) isFinished() bool { return a.finished.Load() }
func (a *hbClient) isBusy() bool     { return false }

func (a *hbClient) loop() {
	defer a.run.wg.Done()
	for {
		select {
		case <-a.run.ctx.Done():
			for _, t := range []*time.Timer{a.ping, a.timeout, a.dialT} {
				if t != nil {
					t.Stop()
				}
			}
			for _, k := range a.all {
				a.closeSocket(k)
			}
			return
		case e := <-a.ev:
			if !a.crashed {
				a.handle(e)
			}
			a.finished.Store(a.crashed || a.k == nil && (a.stopped || !a.cfg.Reconnect && a.attempt > 0))
		}
	}
}

func (a *hbClient) closeSocket(k *hbConn) {
	if !k.closed && k.c != nil {
		k.closed = true
		k.c.Close()
	}
}

func (a *hbClient) handle(e event) {
	switch e := e.(type) {
	case evCrash:
		a.crashed = true
	case evReboot:
		if a.k != nil {
			k := a.k
			a.forget()
			if k.c != nil {
				k.c.SetLinger(0)
			}
			a.closeSocket(k)
		}
		if a.onRebooted != nil {
			a.onRebooted()
		}
		if a.attempt > 0 {
			a.redial()
		}
	case evBDial:
		a.connect()
	case evBStop:
		a.stopped = true
		a.dialT.Stop()
		if k := a.k; k != nil {
			a.forget()
			if k.c != nil {
				a.recordApp(trace.AppClose, 0, k.local, k.remote)
				k.c.CloseWrite() // the FIN; the socket closes at the server's
			}
		}
	case evBConnected:
		k := e.k
		if e.err != nil {
			if !k.forgotten {
				a.recordAbort(e.err, netip.AddrPort{}, netip.AddrPort{})
				a.forget()
				a.redial()
			}
			return
		}
		k.c = e.c
		k.local, k.remote = addrs(e.c)
		if k.forgotten {
			a.closeSocket(k)
			return
		}
		if err := a.opts.afterConnect(e.c); err != nil {
			a.recordAbort(err, k.local, k.remote)
			a.forget()
			a.closeSocket(k)
			return
		}
		a.run.wg.Add(1)
		go a.reader(k)
		a.ping = a.timer(a.cfg.Interval, evBPing{k})
	case evBPing:
		k := e.k
		if k != a.k || a.stopped || a.waiting || k.c == nil {
			return
		}
		a.n++
		a.recordApp(trace.AppWrite, a.cfg.Size, k.local, k.remote)
		if _, err := k.c.Write(make([]byte, a.cfg.Size)); err != nil {
			a.lost(k, err)
			return
		}
		a.waiting, a.sentAt = true, a.now()
		a.timeout = a.timer(a.cfg.Timeout, evBTimeout{k})
	case evBPong:
		k := e.k
		if k != a.k {
			return
		}
		a.recordApp(trace.AppRead, a.cfg.Size, k.local, k.remote)
		if a.waiting {
			a.waiting = false
			a.timeout.Stop()
			// The next ping an interval after this one, or now if the pong
			// took longer than that.
			next := a.sentAt.Add(a.cfg.Interval)
			a.ping = a.timer(time.Until(a.run.rec.wall(max(next, a.now()))), evBPing{k})
		}
	case evBTimeout:
		k := e.k
		if k != a.k || !a.waiting {
			return
		}
		// Give up: reset the connection (close with SO_LINGER 0, as the
		// world's Abort).
		a.forget()
		a.recordAbort(nil, k.local, k.remote)
		k.c.SetLinger(0)
		a.closeSocket(k)
		a.redial()
	case evBEOF:
		k := e.k
		if k != a.k {
			a.closeSocket(k) // the server's FIN after ours (stop)
			return
		}
		// The server closed: close ours too and start over.
		a.forget()
		a.recordApp(trace.AppClose, 0, k.local, k.remote)
		a.closeSocket(k)
		a.redial()
	case evBError:
		if e.k == a.k {
			a.lost(e.k, e.err)
		} else {
			a.closeSocket(e.k)
		}
	}
}

// lost ends a connection that failed.
func (a *hbClient) lost(k *hbConn, err error) {
	a.recordAbort(err, k.local, k.remote)
	a.forget()
	a.closeSocket(k)
	a.redial()
}

// forget drops the current connection and its timers.
func (a *hbClient) forget() {
	if a.k != nil {
		a.k.forgotten = true
	}
	a.k = nil
	a.waiting = false
	for _, t := range []*time.Timer{a.ping, a.timeout} {
		if t != nil {
			t.Stop()
		}
	}
}

func (a *hbClient) redial() {
	if a.cfg.Reconnect && !a.stopped {
		a.dialT.Stop()
		a.dialT = a.timer(a.cfg.ReconnectDelay, evBDial{})
	}
}

func (a *hbClient) connect() {
	if a.stopped || a.k != nil {
		return
	}
	if a.attempt > 0 && a.onReconnect != nil {
		a.onReconnect()
	}
	a.attempt++
	a.waiting = false
	k := &hbConn{}
	a.k = k
	a.all = append(a.all, k)
	local := netip.AddrPortFrom(a.addr, a.ports.take())
	a.recordApp(trace.AppConnect, 0, netip.AddrPort{}, netip.AddrPort{})
	dialIn(a.run, a.ns, a.opts, local, a.server, 0, func(tc *net.TCPConn, err error) {
		a.send(evBConnected{k, tc, err})
	})
}

func (a *hbClient) reader(k *hbConn) {
	defer a.run.wg.Done()
	readMessages(k, a.cfg.Size, evBPong{k}, a.send)
}

// readMessages reads k's messages of size bytes, sending read for each;
// then EOF or the error (nothing once the socket was closed here).
func readMessages(k *hbConn, size int64, read event, send func(event)) {
	buf := make([]byte, max(size, 1))
	for {
		_, err := io.ReadFull(k.c, buf)
		switch {
		case err == nil:
			send(read)
			continue
		case errors.Is(err, io.EOF):
			send(evBEOF{k})
		case errors.Is(err, net.ErrClosed):
		default:
			send(evBError{k, err})
		}
		return
	}
}

// The server.

type hbServer struct {
	httpLoop
	addr    netip.Addr
	port    uint16
	size    int64
	ln      *net.TCPListener
	conns   []*hbConn
	busy    atomic.Bool
	crashed bool
}

type (
	evBAccepted struct{ c *net.TCPConn }
	evBPing2    struct{ k *hbConn } // a ping read by the server
)

func (a *hbServer) start() error {
	if err := a.listen(); err != nil {
		return err
	}
	a.run.wg.Add(1)
	go a.loop()
	return nil
}

func (a *hbServer) isFinished() bool { return true }
func (a *hbServer) isBusy() bool     { return a.busy.Load() }

func (a *hbServer) listen() error {
	return listenIn(a.run, a.ns, a.opts, netip.AddrPortFrom(a.addr, a.port), func(tl *net.TCPListener) {
		a.ln = tl
		a.recordApp(trace.AppListen, int64(a.port), netip.AddrPort{}, netip.AddrPort{})
	}, func(c *net.TCPConn) { a.send(evBAccepted{c}) })
}

func (a *hbServer) loop() {
	defer a.run.wg.Done()
	for {
		select {
		case <-a.run.ctx.Done():
			if a.ln != nil {
				a.ln.Close()
			}
			for _, k := range a.conns {
				k.c.Close()
			}
			return
		case e := <-a.ev:
			if !a.crashed {
				a.handle(e)
			}
			a.busy.Store(len(a.conns) > 0)
		}
	}
}

func (a *hbServer) handle(e event) {
	switch e := e.(type) {
	case evCrash:
		a.crashed = true
	case evReboot:
		for _, k := range a.conns {
			k.c.SetLinger(0)
			k.c.Close()
		}
		a.conns = nil
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
	case evBAccepted:
		if err := a.opts.afterConnect(e.c); err != nil {
			e.c.Close()
			return
		}
		k := &hbConn{c: e.c}
		k.local, k.remote = addrs(e.c)
		a.conns = append(a.conns, k)
		a.run.wg.Add(1)
		go a.reader(k)
	case evBPing2:
		k := e.k
		if k.closed {
			return
		}
		a.recordApp(trace.AppRead, a.size, k.local, k.remote)
		a.recordApp(trace.AppWrite, a.size, k.local, k.remote)
		if _, err := k.c.Write(make([]byte, a.size)); err != nil {
			a.recordAbort(err, k.local, k.remote)
			a.drop(k)
		}
	case evBEOF:
		if !e.k.closed {
			a.recordApp(trace.AppClose, 0, e.k.local, e.k.remote)
			a.drop(e.k)
		}
	case evBError:
		if !e.k.closed {
			a.recordAbort(e.err, e.k.local, e.k.remote)
			a.drop(e.k)
		}
	}
}

func (a *hbServer) drop(k *hbConn) {
	k.closed = true
	k.c.Close()
	for i, x := range a.conns {
		if x == k {
			a.conns = append(a.conns[:i], a.conns[i+1:]...)
			return
		}
	}
}

func (a *hbServer) reader(k *hbConn) {
	defer a.run.wg.Done()
	readMessages(k, a.size, evBPing2{k}, a.send)
}
