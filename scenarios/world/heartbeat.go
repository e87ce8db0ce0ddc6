package world

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/tcp"
)

// An application heartbeat: a client that sends a small ping on its
// connection every Interval and expects a pong within Timeout, and a
// server that answers each ping at once. A missing pong means the peer is
// gone — its host, its application or the path to it — and the client
// gives up on the connection and opens a new one after ReconnectDelay.
// WebSocket pings (RFC 6455 §5.5.2, §5.5.3) and gRPC keepalive (HTTP/2
// PING frames, RFC 9113 §6.7) work this way. Unlike TCP keepalive (RFC
// 1122 §4.2.3.6), a heartbeat is the application's own: it goes on a busy
// connection as on an idle one, it is answered by the peer application and
// not only by its TCP, and its timings are the application's to choose.
// Pings and pongs are messages (stream.go), so each is a msg record.

// HeartbeatConfig is what a heartbeat client does.
type HeartbeatConfig struct {
	// StartAt is when the client opens its connection. StopAt, unless 0,
	// is when it stops: it pings no more and closes the connection.
	StartAt, StopAt time.Duration
	// Interval is the time from one ping to the next. A ping waits for the
	// previous one's pong, so a Timeout longer than Interval delays it.
	Interval time.Duration
	// Timeout is how long the client waits for a pong before it gives up
	// on the connection: it resets it (as a close with SO_LINGER 0 does).
	Timeout time.Duration
	// Reconnect makes the client open a new connection ReconnectDelay after
	// it gave up on one, or after the connection was aborted or closed by
	// the server.
	Reconnect      bool
	ReconnectDelay time.Duration
	// Size is the size in bytes of a ping and of a pong (17 is an HTTP/2
	// PING frame: a 9-byte frame header and 8 bytes of data).
	Size int64
}

// heartbeatMeta is a ping's or a pong's number.
type heartbeatMeta struct{ n int }

// pingHead and pongHead are the text of ping n and of its pong.
func pingHead(n int) string { return "PING " + strconv.Itoa(n) }
func pongHead(n int) string { return "PONG " + strconv.Itoa(n) }

// HeartbeatClient is a heartbeat client application on a host.
type HeartbeatClient struct {
	h      *Host
	cfg    *HeartbeatConfig
	server netip.AddrPort
	// OnReconnect, when set, is called as the client opens a connection
	// after its first (a failover scenario moves traffic to its backup path).
	OnReconnect func(now sim.Time)

	conn    *msgConn // the current connection; nil between connections
	n       int      // the number of the last ping sent
	waiting bool     // the last ping has had no pong yet
	sentAt  sim.Time // when the last ping went
	attempt int      // connections opened so far
	stopped bool     // StopAt has come

	ping, timeout, dial *sim.Timer

	// Pongs is how many pongs the client has received; Timeouts is how many
	// times it gave up on a connection for want of one.
	Pongs, Timeouts int
}

// NewHeartbeatClient puts a heartbeat client on h that connects to server,
// each connection from the host's next local port (Host.LocalPort).
func NewHeartbeatClient(h *Host, server netip.AddrPort, cfg *HeartbeatConfig) *HeartbeatClient {
	a := &HeartbeatClient{h: h, cfg: cfg, server: server}
	e := h.w.e
	a.ping = e.NewTimer(func(now sim.Time) { a.sendPing(now); a.h.Poll(now) })
	a.timeout = e.NewTimer(func(now sim.Time) { a.giveUp(now); a.h.Poll(now) })
	a.dial = e.NewTimer(func(now sim.Time) { a.connect(now); a.h.Poll(now) })
	h.AddApp(a)
	return a
}

// Start arms the client's first connection, and its stop.
func (a *HeartbeatClient) Start() {
	a.dial.Reset(sim.At(a.cfg.StartAt))
	if a.cfg.StopAt > 0 {
		a.h.w.e.After(a.cfg.StopAt, func(now sim.Time) { a.stop(now); a.h.Poll(now) })
	}
}

// connect opens a connection to the server.
func (a *HeartbeatClient) connect(now sim.Time) {
	if a.h.down || a.stopped || a.conn != nil {
		return
	}
	if a.attempt > 0 && a.OnReconnect != nil {
		a.OnReconnect(now)
	}
	a.attempt++
	a.waiting = false
	a.conn = newMsgConn(a.h, a.h.Dial(now, a.h.LocalPort(), a.server, a))
}

// sendPing sends the next ping and starts waiting for its pong.
func (a *HeartbeatClient) sendPing(now sim.Time) {
	if a.conn == nil || a.stopped || a.waiting || a.conn.c.State() != tcp.StateEstablished {
		return
	}
	a.n++
	a.conn.send(now, pingHead(a.n), a.cfg.Size, heartbeatMeta{a.n}, false)
	a.waiting, a.sentAt = true, now
	a.timeout.Reset(now.Add(a.cfg.Timeout))
}

// giveUp ends a connection whose pong did not come in time.
func (a *HeartbeatClient) giveUp(now sim.Time) {
	if a.conn == nil || !a.waiting {
		return
	}
	a.Timeouts++
	c := a.conn.c
	a.forget()
	c.Abort(now)
	a.redial(now)
}

// forget drops the current connection and its timers.
func (a *HeartbeatClient) forget() {
	a.conn = nil
	a.waiting = false
	a.ping.Stop()
	a.timeout.Stop()
}

// redial opens a new connection after the reconnect delay.
func (a *HeartbeatClient) redial(now sim.Time) {
	if a.cfg.Reconnect && !a.stopped {
		a.dial.Reset(now.Add(a.cfg.ReconnectDelay))
	}
}

// stop ends the heartbeat: no more pings, and the connection closes.
func (a *HeartbeatClient) stop(now sim.Time) {
	a.stopped = true
	a.dial.Stop()
	if a.conn == nil {
		return
	}
	c := a.conn.c
	a.forget()
	switch c.State() {
	case tcp.StateSynSent, tcp.StateSynReceived, tcp.StateEstablished, tcp.StateCloseWait:
		c.Close(now)
	}
}

// Notify is told of the events on the client's connections.
func (a *HeartbeatClient) Notify(now sim.Time, c *tcp.Conn, ev tcp.Event) {
	if a.conn == nil || a.conn.c != c {
		return // a connection given up on: its news no longer matters
	}
	switch ev {
	case tcp.EventEstablished:
		a.ping.Reset(now.Add(a.cfg.Interval))
	case tcp.EventWritable:
		a.conn.flush(now)
	case tcp.EventReadable:
		for _, m := range a.conn.receive(now) {
			if p, ok := m.meta.(heartbeatMeta); ok && a.waiting && p.n == a.n {
				a.Pongs++
				a.waiting = false
				a.timeout.Stop()
				// The next ping goes an interval after this one, or now if
				// the pong took longer than that.
				a.ping.Reset(max(now, a.sentAt.Add(a.cfg.Interval)))
			}
		}
	case tcp.EventPeerClosed:
		// The server closed: close ours too and start over.
		a.forget()
		c.Close(now)
		a.redial(now)
	case tcp.EventAborted:
		a.forget()
		a.redial(now)
	case tcp.EventClosed:
		a.forget()
	}
}

// Crash forgets the connection: the host crashed or rebooted.
func (a *HeartbeatClient) Crash(sim.Time) { a.forget() }

// Boot starts over after a reboot: a client that had started opens a new
// connection after its reconnect delay.
func (a *HeartbeatClient) Boot(now sim.Time) {
	if a.attempt > 0 {
		a.redial(now)
	}
}

// HeartbeatServer answers each ping on its connections with a pong of the
// same size, at once.
type HeartbeatServer struct {
	h     *Host
	port  uint16
	conns []*msgConn
	// Pongs is how many pongs the server has sent.
	Pongs int
}

// NewHeartbeatServer puts a heartbeat server on h listening on port.
func NewHeartbeatServer(h *Host, port uint16) *HeartbeatServer {
	a := &HeartbeatServer{h: h, port: port}
	h.AddApp(a)
	h.Listen(0, port, a)
	return a
}

func (a *HeartbeatServer) conn(c *tcp.Conn) *msgConn {
	for _, m := range a.conns {
		if m.c == c {
			return m
		}
	}
	return nil
}

// Notify is told of the events on the server's connections.
func (a *HeartbeatServer) Notify(now sim.Time, c *tcp.Conn, ev tcp.Event) {
	m := a.conn(c)
	if ev == tcp.EventEstablished && m == nil {
		a.conns = append(a.conns, newMsgConn(a.h, c))
		return
	}
	if m == nil {
		return
	}
	switch ev {
	case tcp.EventReadable:
		for _, msg := range m.receive(now) {
			if p, ok := msg.meta.(heartbeatMeta); ok {
				m.send(now, pongHead(p.n), msg.size, p, false)
				a.Pongs++
			}
		}
	case tcp.EventWritable:
		m.flush(now)
	case tcp.EventPeerClosed:
		if c.State() == tcp.StateCloseWait {
			c.Close(now)
		}
	case tcp.EventAborted, tcp.EventClosed:
		for i, x := range a.conns {
			if x == m {
				a.conns = append(a.conns[:i], a.conns[i+1:]...)
				break
			}
		}
	}
}

// Crash forgets the server's connections.
func (a *HeartbeatServer) Crash(sim.Time) { a.conns = nil }

// Boot listens again after a reboot.
func (a *HeartbeatServer) Boot(now sim.Time) { a.h.Listen(now, a.port, a) }
