package world

import (
	"net/netip"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/tcp"
)

// Role is what a scripted application does with its connection.
type Role uint8

const (
	// Client opens the connection (an active OPEN) at ConnectAt.
	Client Role = iota + 1
	// Server listens, and serves each connection it accepts afresh.
	Server
)

// CloseMode says when a scripted application closes its connection.
type CloseMode uint8

const (
	// CloseAuto: the client closes once it has written Send and read the
	// server's Reply; the server closes once the client has closed and it has
	// written its Reply.
	CloseAuto CloseMode = iota
	// CloseNever: the application never closes.
	CloseNever
	// CloseAt: the application closes at ScriptConfig.CloseAt.
	CloseAt
)

// ScriptConfig is what a scripted application does.
type ScriptConfig struct {
	// ConnectAt is when the client opens its connection (client only).
	ConnectAt time.Duration
	// Send is how many bytes the application writes as soon as the connection
	// is established (the client's request; for the server, unsolicited data).
	Send int64
	// Writes are further writes at given times.
	Writes []Write
	// Reply is how many bytes the server writes once it has read all the
	// client's data (Send plus Writes) (server only).
	Reply   int64
	Close   CloseMode
	CloseAt time.Duration
	// Reader is how the application reads what arrives.
	Reader Reader
	// Reconnect makes the client open a new connection ReconnectDelay after
	// its connection was aborted, and run its script again (client only).
	Reconnect      bool
	ReconnectDelay time.Duration
	// ProcessingTime is how long the server works on the client's data,
	// once it has read it all, before its reply (server only); ThinkTime is
	// how long the client takes, once it has read the reply, before it
	// closes (client only, with close auto). No real program answers or
	// closes in the instant its input arrives.
	ProcessingTime time.Duration
	ThinkTime      time.Duration
}

// Total is how many bytes the application writes, not counting a reply.
func (c *ScriptConfig) Total() int64 {
	t := c.Send
	for _, w := range c.Writes {
		t += w.Bytes
	}
	return t
}

// Reader models a receiving application. The zero Reader reads everything
// the moment it arrives. Otherwise it reads up to Bytes every Every, and
// not at all during its pauses: a slow reader fills the receive buffer and
// closes the window.
type Reader struct {
	Bytes  int64
	Every  time.Duration
	Pauses []Pause
}

// Pause is an interval [From, To) during which the reader reads nothing.
type Pause struct {
	From, To time.Duration
}

// Write is one timed application write.
type Write struct {
	At    time.Duration
	Bytes int64
}

// Script is a scripted application on one host: a client that connects,
// writes, reads the reply and closes, or a server that answers it.
type Script struct {
	h    *Host
	cfg  *ScriptConfig
	role Role
	// port is the client's first local port, or the server's listening port.
	port uint16
	// peer is the server the client connects to.
	peer netip.AddrPort
	// expect is how many bytes the peer will send; reading them all is the
	// cue to reply or close.
	expect int64
	// OnReconnect, when set, is called as the client opens a connection
	// after the first (a failover scenario moves traffic to its backup path).
	OnReconnect func(now sim.Time)

	conn    *tcp.Conn
	pending int64 // bytes written by the script and not yet taken by the socket
	read    int64
	replied bool
	timed   int  // timed writes whose time has come
	closed  bool // Close was called (for a server without a connection: its listening socket's)
	// closeDue: the client's close came before its connection existed; it
	// closes once connected and its first data is written.
	closeDue bool
	// working is set while the server prepares its reply (ProcessingTime),
	// thinking while the client thinks before closing (ThinkTime); their
	// timer is later.
	working, thinking, thought bool
	later                      sim.Timer
	reading                    sim.Timer
	connect                    *sim.Timer // the client's connect, armed again to reconnect
	attempt                    int        // connections opened so far
}

// NewServer puts a scripted server on h listening on port, expecting
// expect bytes from each client, and opens the port at once.
func NewServer(h *Host, port uint16, cfg *ScriptConfig, expect int64) *Script {
	s := &Script{h: h, cfg: cfg, role: Server, port: port, expect: expect}
	h.AddApp(s)
	h.Listen(0, port, s)
	return s
}

// NewClient puts a scripted client on h that connects from local port to
// server, expecting expect bytes back.
func NewClient(h *Host, port uint16, server netip.AddrPort, cfg *ScriptConfig, expect int64) *Script {
	s := &Script{h: h, cfg: cfg, role: Client, port: port, peer: server, expect: expect}
	h.AddApp(s)
	return s
}

// Start arms the script's timers: the reader, the timed writes and close,
// and the client's connect. Scripts start in the order the caller starts
// them; timers armed at the same instant fire in that order.
func (a *Script) Start() {
	e := a.h.w.e
	a.reading.Init(e, a.onReadTick)
	a.later.Init(e, a.onLater)
	for _, w := range a.cfg.Writes {
		e.After(w.At, func(now sim.Time) {
			a.timed++
			a.write(now, w.Bytes)
			a.h.Poll(now)
		})
	}
	if a.cfg.Close == CloseAt {
		e.After(a.cfg.CloseAt, func(now sim.Time) {
			a.close(now)
			a.h.Poll(now)
		})
	}
}

// StartConnect arms the client's connect at ConnectAt. It is separate from
// Start so that a caller can order it after other events of the same
// instant.
func (a *Script) StartConnect() {
	a.connect = a.h.w.e.NewTimer(a.dial)
	a.connect.Reset(sim.At(a.cfg.ConnectAt))
}

// dial opens the client's connection: from the next local port on each
// attempt after the first.
func (a *Script) dial(now sim.Time) {
	if a.h.down {
		return
	}
	port := a.port
	if a.attempt > 0 {
		port += uint16(a.attempt)
		if a.OnReconnect != nil {
			a.OnReconnect(now)
		}
	}
	a.attempt++
	a.conn = a.h.Dial(now, port, a.peer, a)
	a.h.Poll(now)
}

// Crash forgets the connection: the host crashed or rebooted.
func (a *Script) Crash(sim.Time) {
	a.conn = nil
	a.reading.Stop()
	a.later.Stop()
	a.working, a.thinking, a.thought = false, false, false
}

// Boot starts the script again after a reboot, as a service started on
// boot would: a server listens on its port again; a client with reconnect
// opens a new connection after its reconnect delay and runs its script
// again.
func (a *Script) Boot(now sim.Time) {
	a.pending, a.read, a.replied, a.closed, a.closeDue = 0, 0, false, false, false
	switch {
	case a.role == Server:
		a.h.Listen(now, a.port, a)
	case a.cfg.Reconnect && a.connect != nil && a.attempt > 0:
		a.connect.Reset(now.Add(a.cfg.ReconnectDelay))
	}
}

// Notify is told of the events on the script's connections.
func (a *Script) Notify(now sim.Time, c *tcp.Conn, ev tcp.Event) {
	if c != a.conn {
		if ev != tcp.EventEstablished {
			return // an old connection's news
		}
		if a.role == Server && a.conn == nil && a.closed {
			// Accepted just before the server closed its listening
			// socket: closing a listener resets the connections waiting
			// in its accept queue (Linux's inet_csk_listen_stop).
			c.Abort(now)
			return
		}
		if a.conn != nil && a.role == Server {
			a.read, a.replied, a.closed = 0, false, false // a new client connection: serve it afresh
			a.working = false
			a.later.Stop()
		}
		a.conn = c
	}
	switch ev {
	case tcp.EventEstablished:
		if rd := a.cfg.Reader; rd.Every > 0 && !a.reading.Pending() {
			a.reading.Reset(now.Add(rd.Every))
		}
		a.write(now, a.cfg.Send)
		if a.closeDue {
			a.close(now)
		}
	case tcp.EventReadable:
		if a.cfg.Reader.Every > 0 {
			break // the slow reader reads on its own clock
		}
		if end, paused := a.pausedUntil(now); paused {
			// An application that reads at once, except during a pause:
			// it reads what has come when the pause ends.
			if !a.reading.Pending() {
				a.reading.Reset(end)
			}
			break
		}
		a.consume(now, c.Readable())
	case tcp.EventWritable:
		a.write(now, 0)
	case tcp.EventAborted:
		if a.cfg.Reconnect && a.connect != nil {
			// Start over on a new connection: the script runs again.
			a.conn, a.pending, a.read, a.replied, a.closed = nil, 0, 0, false, false
			a.connect.Reset(now.Add(a.cfg.ReconnectDelay))
		}
		return
	}
	a.maybeClose(now)
}

// consume reads up to n bytes and reacts to what has been read.
func (a *Script) consume(now sim.Time, n int) {
	if a.conn == nil || n <= 0 {
		return
	}
	a.read += int64(a.conn.Read(now, n))
	if a.read >= a.expect && a.cfg.Reply > 0 && !a.replied && !a.working {
		if a.cfg.ProcessingTime > 0 {
			a.working = true
			a.later.Reset(now.Add(a.cfg.ProcessingTime))
			return
		}
		a.replied = true
		a.write(now, a.cfg.Reply)
	}
}

// onLater ends the server's processing (the reply goes) or the client's
// thinking (it closes).
func (a *Script) onLater(now sim.Time) {
	switch {
	case a.working:
		a.working, a.replied = false, true
		a.write(now, a.cfg.Reply)
		a.maybeClose(now)
	case a.thinking:
		a.thinking, a.thought = false, true
		a.maybeClose(now)
	}
	a.h.Poll(now)
}

// pausedUntil reports whether the reader is in a pause at now, and when
// the pause ends.
func (a *Script) pausedUntil(now sim.Time) (sim.Time, bool) {
	for _, p := range a.cfg.Reader.Pauses {
		if now >= sim.At(p.From) && now < sim.At(p.To) {
			return sim.At(p.To), true
		}
	}
	return 0, false
}

// onReadTick is the reader's clock. A slow reader reads Bytes every Every,
// except during a pause; a reader that reads at once wakes here when its
// pause ends and reads everything that came meanwhile.
func (a *Script) onReadTick(now sim.Time) {
	rd := &a.cfg.Reader
	if a.conn == nil || a.conn.State() == tcp.StateClosed {
		return
	}
	end, paused := a.pausedUntil(now)
	switch {
	case rd.Every == 0 && paused:
		a.reading.Reset(end) // pauses may follow one another
		return
	case rd.Every == 0:
		a.consume(now, a.conn.Readable())
		a.maybeClose(now)
	default:
		if !paused {
			a.consume(now, int(min(rd.Bytes, int64(a.conn.Readable()))))
			a.maybeClose(now)
		}
		a.reading.Reset(now.Add(rd.Every))
	}
	a.h.Poll(now)
}

// write adds n bytes to what the script wants written and gives the socket
// as much as it takes.
func (a *Script) write(now sim.Time, n int64) {
	a.pending += n
	if a.conn == nil || a.pending == 0 {
		return
	}
	s := a.conn.State()
	if s != tcp.StateEstablished && s != tcp.StateCloseWait {
		return
	}
	for a.pending > 0 {
		n := int(min(a.pending, 1<<30))
		k := a.conn.Write(now, n)
		a.pending -= int64(k)
		if k < n {
			break // the send buffer is full: a second Write would take nothing
		}
	}
}

// maybeClose closes the connection when the script is done (CloseAuto).
func (a *Script) maybeClose(now sim.Time) {
	if a.closed || a.pending > 0 || a.conn == nil {
		return
	}
	done := a.read >= a.expect
	if a.role == Server {
		// The server closes after the client, once it has read to the end.
		done = a.conn.PeerClosed() && a.conn.Readable() == 0
	}
	if !done || a.cfg.Close != CloseAuto || a.timed < len(a.cfg.Writes) || a.cfg.Reply > 0 && !a.replied {
		return
	}
	if a.role == Client && a.cfg.ThinkTime > 0 && !a.thought {
		if !a.thinking {
			a.thinking = true
			a.later.Reset(now.Add(a.cfg.ThinkTime))
		}
		return
	}
	a.close(now)
}

func (a *Script) close(now sim.Time) {
	if a.closed {
		return
	}
	if a.conn == nil {
		switch a.role {
		case Server:
			// No client yet: the server closes its listening socket,
			// and later SYNs are refused.
			a.closed = true
			a.h.Unlisten(now, a.port)
		case Client:
			// A program closes after its connect and its writes.
			a.closeDue = true
		}
		return
	}
	switch a.conn.State() {
	case tcp.StateClosed, tcp.StateTimeWait:
		return
	}
	a.closed = true
	a.conn.Close(now)
}
