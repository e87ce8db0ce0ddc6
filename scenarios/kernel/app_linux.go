//go:build linux

package kernel

import (
	"cmp"
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// app runs a scenario's scripted application on real sockets in its host's
// namespace, doing what the simulated one does (scenarios/world/script.go):
// the client connects at connect_at, both write send as soon as they are
// connected and their timed writes when due, the server writes its reply
// once it has read all the client's data, they read as the reader says, and
// they close as close says. Closing is shutdown(SHUT_WR), RFC 9293's CLOSE:
// the application still reads until the peer closes, then closes the socket.
//
// One goroutine (loop) holds the script's state; the socket's blocking
// calls run in goroutines of their own (dial, accept, one reader and one
// writer per connection) that report to it as events, and timers do the
// same. Like the world's scripts, it runs only between the kernel's steps,
// which here means whenever the kernel wakes the process.
type app struct {
	run    *runState
	name   string
	ns     *namespace
	role   role
	cfg    *scenarios.App
	addr   netip.Addr
	port   uint16 // the client's first local port, the server's listening port
	peer   netip.AddrPort
	expect int64 // what the peer will send: reading it all is the cue to reply or close
	opts   sockOpts

	// onReconnect, when set, is called as the client opens a connection
	// after the first (the failover scenario's backup path).
	onReconnect func()
	// onRebooted is called once the application has aborted its sockets
	// on a reboot: the relay lets the host's packets through again.
	onRebooted func()

	ev       chan event
	finished atomic.Bool // the script is over: closed, or aborted for good
	busy     atomic.Bool // it has a connection open

	// The loop's state.
	ln       *net.TCPListener
	cur      *conn
	all      []*conn // every connection opened, closed when the run ends
	pending  int64   // bytes the script wants written that no connection has taken yet
	timed    int     // timed writes whose time has come
	closed   bool
	closeDue bool // the client's close came before its connection existed
	attempt  int  // connections opened so far (client)
	crashed  bool
}

type role uint8

const (
	roleClient role = iota + 1
	roleServer
)

// runState is what the applications share with the harness.
type runState struct {
	ctx   context.Context
	rec   *recorder
	conns *connTable
	wg    sync.WaitGroup
}

// conn is one of the application's connections.
type conn struct {
	c       *net.TCPConn
	local   netip.AddrPort
	remote  netip.AddrPort
	read    int64
	replied bool
	writing int64      // bytes handed to the writer and not yet reported
	writes  chan int64 // to the writer
	shut    bool       // shutdown(SHUT_WR) done: the FIN follows the data
	closing bool       // close asked while a write was under way
	eof     bool       // the peer has closed and everything has been read
	dead    bool       // the socket is closed
	stop    chan struct{}
}

// event is something the loop learns: from a socket goroutine or a timer.
type event interface{}

type (
	evConnected struct {
		c   *net.TCPConn
		err error
	}
	evAccepted struct{ c *net.TCPConn }
	evRead     struct {
		k *conn
		n int
	}
	evEOF   struct{ k *conn }
	evError struct {
		k   *conn
		err error
	}
	evWrote struct {
		k         *conn
		at        sim.Time // when the write was made (see writer)
		n         int      // bytes the kernel took
		discarded int64    // bytes dropped after an error
		err       error
	}
	evTimedWrite struct{ bytes int64 }
	evCloseAt    struct{}
	evDial       struct{}
	evCrash      struct{}
	evReboot     struct{}
)

// send hands e to the loop, unless the run is over.
func (a *app) send(e event) {
	select {
	case a.ev <- e:
	case <-a.run.ctx.Done():
	}
}

// after sends e to the loop at run time t.
func (a *app) after(t time.Duration, e event) {
	d := time.Until(a.run.rec.wall(sim.At(t)))
	tm := time.AfterFunc(d, func() { a.send(e) })
	go func() {
		<-a.run.ctx.Done()
		tm.Stop()
	}()
}

func (a *app) isFinished() bool { return a.finished.Load() }
func (a *app) isBusy() bool     { return a.busy.Load() }

// now is the run's time.
func (a *app) now() sim.Time { return a.run.rec.now() }

// record writes an application record of the connection k (nil: none).
func (a *app) record(r trace.Record, k *conn) {
	r.T, r.Node = a.now(), a.name
	if k != nil {
		r.Conn = a.run.conns.lookup(k.local, k.remote)
	}
	a.run.rec.record(&r)
}

// start opens the server's port (at once, before anything else happens)
// and starts the loop and the script's timers.
func (a *app) start() error {
	if a.role == roleServer {
		if err := a.listen(); err != nil {
			return err
		}
	}
	a.run.wg.Add(1)
	go a.loop()
	// The script's timed events, in the order the world arms them (so
	// that events due at the same instant come in that order): the
	// writes, the close, and last the client's connect.
	var script []timed
	for _, w := range a.cfg.Writes {
		script = append(script, timed{w.At, evTimedWrite{w.Bytes}})
	}
	if a.cfg.Close == scenarios.CloseAt {
		script = append(script, timed{a.cfg.CloseAt, evCloseAt{}})
	}
	if a.role == roleClient {
		script = append(script, timed{a.cfg.ConnectAt, evDial{}})
	}
	slices.SortStableFunc(script, func(x, y timed) int { return cmp.Compare(x.at, y.at) })
	a.run.wg.Add(1)
	go a.clock(script)
	return nil
}

// timed is an event of the script due at a time in the run.
type timed struct {
	at time.Duration
	e  event
}

// clock hands the script's timed events to the loop when they are due, one
// after the other, so that those due at the same instant keep their order.
func (a *app) clock(script []timed) {
	defer a.run.wg.Done()
	for _, s := range script {
		tm := time.NewTimer(time.Until(a.run.rec.wall(sim.At(s.at))))
		select {
		case <-tm.C:
			a.send(s.e)
		case <-a.run.ctx.Done():
			tm.Stop()
			return
		}
	}
}

// dialIn connects from local to remote in ns, with the scenario's socket
// options, in a goroutine of its own after wait, and hands the connection
// (or the error) to done; a run that ends meanwhile closes what it got and
// calls nothing.
func dialIn(run *runState, ns *namespace, opts sockOpts, local, remote netip.AddrPort, wait time.Duration, done func(*net.TCPConn, error)) {
	d := net.Dialer{
		LocalAddr: &net.TCPAddr{IP: local.Addr().AsSlice(), Port: int(local.Port())},
		KeepAlive: -1,
		Control:   opts.control,
	}
	run.wg.Add(1)
	go func() {
		defer run.wg.Done()
		if wait > 0 {
			select {
			case <-time.After(wait):
			case <-run.ctx.Done():
				return
			}
		}
		var c net.Conn
		err := ns.do(func() error {
			var err error
			c, err = d.DialContext(run.ctx, "tcp4", remote.String())
			return err
		})
		if run.ctx.Err() != nil {
			if c != nil {
				c.Close()
			}
			return
		}
		var tc *net.TCPConn
		if err == nil {
			tc = c.(*net.TCPConn)
		}
		done(tc, err)
	}()
}

// listenIn opens a listening socket on ap in ns, with the scenario's
// socket options; listening is called with it before any connection is
// accepted (the application records its listen there, so that the record
// comes first), and accepted with each connection, from a goroutine of
// its own, until the listener is closed.
func listenIn(run *runState, ns *namespace, opts sockOpts, ap netip.AddrPort, listening func(*net.TCPListener), accepted func(*net.TCPConn)) error {
	lc := net.ListenConfig{KeepAlive: -1, Control: opts.control}
	var ln net.Listener
	err := ns.do(func() error {
		var err error
		ln, err = lc.Listen(run.ctx, "tcp4", ap.String())
		return err
	})
	if err != nil {
		return err
	}
	tl := ln.(*net.TCPListener)
	listening(tl)
	run.wg.Add(1)
	go func() {
		defer run.wg.Done()
		for {
			c, err := tl.AcceptTCP()
			if err != nil {
				return
			}
			accepted(c)
		}
	}()
	return nil
}

// listen opens the server's listening socket in its namespace.
func (a *app) listen() error {
	return listenIn(a.run, a.ns, a.opts, netip.AddrPortFrom(a.addr, a.port), func(tl *net.TCPListener) {
		a.ln = tl
		a.record(trace.Record{Kind: trace.KindApp, App: trace.AppListen, Value: int64(a.port)}, nil)
	}, func(c *net.TCPConn) { a.send(evAccepted{c}) })
}

// loop handles the events until the run ends, then closes what is open.
func (a *app) loop() {
	defer a.run.wg.Done()
	for {
		select {
		case <-a.run.ctx.Done():
			a.shutdownAll()
			return
		case e := <-a.ev:
			if !a.crashed {
				a.handle(e)
			}
			a.busy.Store(!a.crashed && a.cur != nil && !a.cur.dead)
		}
	}
}

// shutdownAll closes every socket when the run is over. The relay has
// stopped by then: what the kernels send now goes nowhere.
func (a *app) shutdownAll() {
	if a.ln != nil {
		a.ln.Close()
	}
	for _, k := range a.all {
		if !k.dead {
			k.dead = true
			k.close()
		}
	}
}

func (a *app) handle(e event) {
	switch e := e.(type) {
	case evDial:
		a.dial()
	case evConnected:
		if e.err != nil {
			a.failed(nil, e.err)
			return
		}
		a.established(e.c)
	case evAccepted:
		if a.closed && a.cur == nil {
			// Accepted just as the server closed its listening socket:
			// closing a listener resets what waits in its accept queue
			// (inet_csk_listen_stop), as the world's server does.
			e.c.SetLinger(0)
			e.c.Close()
			return
		}
		a.established(e.c)
	case evRead:
		if e.k != a.cur {
			return
		}
		a.record(trace.Record{Kind: trace.KindApp, App: trace.AppRead, Value: int64(e.n)}, e.k)
		e.k.read += int64(e.n)
		if e.k.read >= a.expect && a.cfg.Reply > 0 && !e.k.replied {
			e.k.replied = true
			a.write(a.cfg.Reply)
		}
		a.maybeClose()
	case evEOF:
		if e.k != a.cur {
			return
		}
		e.k.eof = true
		a.maybeClose()
		a.maybeFinish()
	case evError:
		if e.k == a.cur && !e.k.dead {
			a.failed(e.k, e.err)
		}
	case evWrote:
		k := e.k
		k.writing -= int64(e.n) + e.discarded
		if e.n > 0 && k == a.cur {
			r := trace.Record{T: e.at, Kind: trace.KindApp, Node: a.name, App: trace.AppWrite, Value: int64(e.n),
				Conn: a.run.conns.lookup(k.local, k.remote)}
			a.run.rec.record(&r)
		}
		if k != a.cur || k.dead {
			return
		}
		if e.err != nil && !k.closing {
			a.failed(k, e.err)
			return
		}
		if k.closing && k.writing == 0 {
			a.shutdownWrite(k)
		}
		a.maybeClose()
	case evTimedWrite:
		a.timed++
		a.write(e.bytes)
		a.maybeClose()
	case evCloseAt:
		a.close()
	case evCrash:
		// The host went silent: the relay drops all it sends and all sent
		// to it; its application does nothing more.
		a.crashed = true
	case evReboot:
		a.reboot()
	}
}

// reboot is the host's reboot (scenarios/world/host.go, Reboot): a fresh
// stack that knows no connection, so it answers the old ones' segments
// with RST. The old sockets are aborted (SO_LINGER 0: the kernel forgets
// them at once; the relay swallows the RSTs they send), the listening
// socket is closed and opened again, and the script starts again as the
// world's Boot does: a server listens again, a client with reconnect
// connects again after its delay.
func (a *app) reboot() {
	for _, k := range a.all {
		if !k.dead {
			k.dead = true
			k.c.SetLinger(0)
			k.close()
		}
	}
	a.cur = nil
	a.pending, a.closed, a.closeDue = 0, false, false
	if a.ln != nil {
		a.ln.Close()
		a.ln = nil
	}
	if a.onRebooted != nil {
		a.onRebooted()
	}
	switch {
	case a.role == roleServer:
		if err := a.listen(); err != nil {
			a.run.rec.record(&trace.Record{T: a.now(), Kind: trace.KindAbort, Node: a.name, Abort: trace.AbortByApplication})
		}
	case a.cfg.Reconnect && a.attempt > 0:
		a.after(time.Duration(a.now())+a.cfg.ReconnectDelay, evDial{})
	}
}

// dial opens the client's connection from the next local port on each
// attempt after the first.
func (a *app) dial() {
	port := a.port + uint16(a.attempt)
	if a.attempt > 0 && a.onReconnect != nil {
		a.onReconnect()
	}
	a.attempt++
	a.record(trace.Record{Kind: trace.KindApp, App: trace.AppConnect}, nil)
	dialIn(a.run, a.ns, a.opts, netip.AddrPortFrom(a.addr, port), a.peer, 0, func(tc *net.TCPConn, err error) {
		a.send(evConnected{tc, err})
	})
}

// established starts serving a new connection: the socket options that
// apply after connect, its reader and writer, and the first write.
func (a *app) established(c *net.TCPConn) {
	if err := a.opts.afterConnect(c); err != nil {
		a.run.rec.record(&trace.Record{T: a.now(), Kind: trace.KindAbort, Node: a.name, Abort: trace.AbortByApplication})
		c.Close()
		return
	}
	if a.cur != nil && a.role == roleServer {
		a.closed = false // a new client connection: serve it afresh
	}
	k := &conn{
		c:      c,
		local:  c.LocalAddr().(*net.TCPAddr).AddrPort(),
		remote: c.RemoteAddr().(*net.TCPAddr).AddrPort(),
		writes: make(chan int64, 1024),
		stop:   make(chan struct{}),
	}
	k.local = netip.AddrPortFrom(k.local.Addr().Unmap(), k.local.Port())
	k.remote = netip.AddrPortFrom(k.remote.Addr().Unmap(), k.remote.Port())
	a.cur = k
	a.all = append(a.all, k)
	a.run.wg.Add(2)
	go a.reader(k)
	go a.writer(k)
	a.write(a.cfg.Send)
	if a.closeDue {
		a.close()
	}
	a.maybeClose()
}

// write adds n bytes to what the script wants written and hands all of it
// to the connection's writer, if there is a connection to take it.
func (a *app) write(n int64) {
	a.pending += n
	k := a.cur
	if k == nil || k.dead || k.shut || k.closing || a.pending == 0 {
		return
	}
	k.writing += a.pending
	k.writes <- a.pending
	a.pending = 0
}

// maybeClose closes the connection when the script is done with it (close: auto).
func (a *app) maybeClose() {
	k := a.cur
	if a.closed || k == nil || k.dead || a.cfg.Close != scenarios.CloseAuto || a.pending > 0 || k.writing > 0 ||
		a.timed < len(a.cfg.Writes) {
		return
	}
	if a.cfg.Reply > 0 && !k.replied {
		return
	}
	done := k.read >= a.expect
	if a.role == roleServer {
		done = k.eof // the server closes after the client, once it has read to the end
	}
	if done {
		a.close()
	}
}

// close is the script's close.
func (a *app) close() {
	if a.closed {
		return
	}
	k := a.cur
	if k == nil {
		switch a.role {
		case roleServer:
			// No client yet: the server closes its listening socket, and
			// later SYNs are refused.
			a.closed = true
			if a.ln != nil {
				a.ln.Close()
			}
		case roleClient:
			a.closeDue = true // a program closes after its connect and its writes
		}
		return
	}
	if k.dead {
		return
	}
	a.closed = true
	if k.writing > 0 {
		// A write is under way (a closed window holds it): what the
		// kernel has not taken yet is not written, as in the simulation.
		k.closing = true
		k.c.SetWriteDeadline(time.Unix(1, 0))
		return
	}
	a.shutdownWrite(k)
}

// shutdownWrite sends the FIN after the data: the application's close.
func (a *app) shutdownWrite(k *conn) {
	if k.shut {
		return
	}
	k.shut = true
	close(k.writes)
	a.record(trace.Record{Kind: trace.KindApp, App: trace.AppClose}, k)
	if err := k.c.CloseWrite(); err != nil {
		a.failed(k, err)
		return
	}
	a.maybeFinish()
}

// maybeFinish closes the socket once both directions are closed.
func (a *app) maybeFinish() {
	k := a.cur
	if k == nil || k.dead || !k.shut || !k.eof {
		return
	}
	k.dead = true
	k.close()
	if a.role == roleClient {
		a.finished.Store(true)
	}
}

// failed handles a connection that failed: an abort, or a connect that did
// not succeed; k is nil for the connect.
func (a *app) failed(k *conn, err error) {
	cause := abortCause(err)
	r := trace.Record{T: a.now(), Kind: trace.KindAbort, Node: a.name, Abort: cause}
	if k != nil {
		r.Conn = a.run.conns.lookup(k.local, k.remote)
		k.dead = true
		k.close()
	}
	a.run.rec.record(&r)
	if a.role == roleClient && a.cfg.Reconnect {
		// Start over on a new connection: the script runs again.
		a.cur, a.pending, a.closed = nil, 0, false
		a.after(time.Duration(a.now())+a.cfg.ReconnectDelay, evDial{})
		return
	}
	if a.role == roleClient {
		a.finished.Store(true)
	}
}

// abortCause names the error a socket reported as the trace does.
func abortCause(err error) trace.AbortCause {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return trace.AbortRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return trace.AbortReset
	case errors.Is(err, syscall.ETIMEDOUT):
		return trace.AbortTimedOut
	}
	return trace.AbortByApplication
}

// pausedUntil reports whether the reader is in a pause at now, and when it ends.
func (a *app) pausedUntil(now sim.Time) (sim.Time, bool) {
	for _, p := range a.cfg.Reader.Pauses {
		if now >= sim.At(p.From) && now < sim.At(p.To) {
			return sim.At(p.To), true
		}
	}
	return 0, false
}

// nextPause returns the start of the first pause after now.
func (a *app) nextPause(now sim.Time) (sim.Time, bool) {
	best, ok := sim.Never, false
	for _, p := range a.cfg.Reader.Pauses {
		if from := sim.At(p.From); from > now && from < best {
			best, ok = from, true
		}
	}
	return best, ok
}
