package world

import (
	"net/netip"
	"slices"
	"strconv"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// An App is an application on a host. The host tells it of events on its
// connections after TCP has processed what caused them, never in the middle
// of that work; the app may then call its connections' methods.
type App interface {
	// Notify tells the app of an event on one of its connections.
	Notify(now sim.Time, c *tcp.Conn, ev tcp.Event)
	// Crash tells the app its host went down: its connections are gone.
	Crash(now sim.Time)
	// Boot tells the app its host came back up with a fresh TCP, after a
	// reboot: it may listen and connect again.
	Boot(now sim.Time)
}

// Host is a node of the world: a TCP stack, the routes of its packets, its
// applications, and one engine timer for the stack's next deadline.
type Host struct {
	w     *World
	name  string
	addr  netip.Addr
	cfg   tcp.Config
	stack *tcp.Host
	timer sim.Timer
	emit  func(p *trace.Packet)

	routes    []route
	lastRoute *route // the route routeTo found last: a host sends to one peer at a time
	listeners []listener
	// owners maps each connection to the application that opened it, or
	// that listens on the port it was accepted on.
	owners map[*tcp.Conn]App
	// lastConn and lastApp remember the last lookup in owners: most events
	// in a row are one connection's.
	lastConn *tcp.Conn
	lastApp  App
	apps     []App // every application on the host, told of crashes and boots

	down  bool // crashed: drops what arrives, sends nothing
	boots int  // how many times the host has rebooted

	// firstPort and nextPort are the host's ephemeral ports (LocalPort).
	firstPort, nextPort uint16
}

// firstEphemeralPort is the first dynamic port (RFC 6335 §6).
const firstEphemeralPort = 49152

// SetFirstPort makes port the first local port LocalPort hands out.
func (h *Host) SetFirstPort(port uint16) { h.firstPort, h.nextPort = port, port }

// LocalPort returns the next local port for a connection the host opens:
// from the first (SetFirstPort, else 49152, RFC 6335 §6) upward, back to
// the first after 65535. The applications of a host share the sequence, as
// a host's sockets share its ephemeral range, so an HTTP client and a
// heartbeat beside it never open two connections from one port.
func (h *Host) LocalPort() uint16 {
	if h.nextPort == 0 {
		h.SetFirstPort(firstEphemeralPort)
	}
	p := h.nextPort
	if h.nextPort == 65535 {
		h.nextPort = h.firstPort
	} else {
		h.nextPort++
	}
	return p
}

type route struct {
	dst netip.Addr
	l   *link.Link
	// sent, when set, is called after each packet the host sends on l (a
	// dumbbell records its bottleneck's queue).
	sent func(now sim.Time)
}

type listener struct {
	port uint16
	app  App
}

// Name returns the host's name.
func (h *Host) Name() string { return h.name }

// Addr returns the host's address.
func (h *Host) Addr() netip.Addr { return h.addr }

// Engine returns the world's engine.
func (h *Host) Engine() *sim.Engine { return h.w.e }

func (h *Host) init() {
	h.newStack()
	h.timer.Init(h.w.e, h.Poll)
	h.emit = func(p *trace.Packet) {
		p.ID = h.w.packetID()
		h.w.labelSpurious(p)
		now := h.w.e.Now()
		r := h.routeTo(p.Seg.Dst.Addr())
		r.l.Send(now, p)
		if r.sent != nil {
			r.sent(now)
		}
	}
}

// newStack gives the host a fresh TCP with no connections: at the start,
// and after a reboot (with a random stream of its own for each boot).
func (h *Host) newStack() {
	stream := "tcp/" + h.name
	if h.boots > 0 {
		stream += "/boot" + strconv.Itoa(h.boots)
	}
	h.stack = tcp.NewHost(h.name, h.addr, h.cfg, h.w.Rand(stream), h.w.tr)
	h.stack.ConnID = func(local, remote netip.AddrPort) uint32 { return h.w.connID(h.name, local, remote) }
	h.owners = map[*tcp.Conn]App{}
	h.lastConn, h.lastApp = nil, nil
	h.listeners = h.listeners[:0]
}

// route sends the host's packets for dst over l, replacing any route there was.
func (h *Host) route(dst netip.Addr, l *link.Link) { h.routeVia(dst, l, nil) }

// routeVia is route with a function called after each packet sent on l.
func (h *Host) routeVia(dst netip.Addr, l *link.Link, sent func(now sim.Time)) {
	h.lastRoute = nil // the slice may move
	for i := range h.routes {
		if h.routes[i].dst == dst {
			h.routes[i].l, h.routes[i].sent = l, sent
			return
		}
	}
	h.routes = append(h.routes, route{dst: dst, l: l, sent: sent})
}

// routeTo returns the route of the host's packets for dst.
func (h *Host) routeTo(dst netip.Addr) *route {
	if r := h.lastRoute; r != nil && r.dst == dst {
		return r
	}
	return h.findRoute(dst)
}

// findRoute is routeTo when the last route is not dst's.
func (h *Host) findRoute(dst netip.Addr) *route {
	for i := range h.routes {
		r := &h.routes[i]
		if r.dst == dst {
			h.lastRoute = r
			return r
		}
	}
	// The world routes every address its hosts send to; a packet for
	// another is a broken invariant of the construction, never input.
	panic("world: host " + h.name + " has no route to " + dst.String())
}

// AddApp puts an application on the host, to be told of crashes and boots.
func (h *Host) AddApp(a App) { h.apps = append(h.apps, a) }

// Listen opens a passive port for app at now (RFC 9293 §3.10.1): the
// connections accepted on it are app's.
func (h *Host) Listen(now sim.Time, port uint16, app App) {
	h.stack.Listen(now, port)
	if !slices.ContainsFunc(h.listeners, func(l listener) bool { return l.port == port }) {
		h.listeners = append(h.listeners, listener{port, app})
	}
}

// Unlisten closes app's passive port at now: later SYNs for it are refused.
func (h *Host) Unlisten(now sim.Time, port uint16) {
	h.stack.Unlisten(now, port)
	h.listeners = slices.DeleteFunc(h.listeners, func(l listener) bool { return l.port == port })
}

// Dial opens a connection for app from local port lport to remote at now
// (an active OPEN); its SYN goes at the host's next Poll.
func (h *Host) Dial(now sim.Time, lport uint16, remote netip.AddrPort, app App) *tcp.Conn {
	c := h.stack.Connect(now, lport, remote)
	h.owners[c] = app
	return c
}

// deliver hands an arriving packet to the stack.
func (h *Host) deliver(now sim.Time, p *trace.Packet) {
	h.stack.Input(now, p, h.emit)
	h.Poll(now)
}

// refuse is the check the links into this host make on arrival: a crashed
// host takes nothing, so the packet is dropped there.
func (h *Host) refuse(sim.Time) bool { return h.down }

// Poll lets the applications act on what the stack told them, then the
// stack send what it has, until neither has more to do at this instant, and
// re-arms the host's timer. Applications run only between the stack's
// steps, as a process runs after the kernel has processed the segment that
// woke it. Call it after an application acts on its own (a timer of its).
func (h *Host) Poll(now sim.Time) {
	if h.down {
		return
	}
	if h.stack.HasNotices() {
		h.notify(now)
	}
	d := h.stack.Poll(now, h.emit)
	for h.stack.HasNotices() {
		h.notify(now)
		d = h.stack.Poll(now, h.emit)
	}
	// d is the stack's deadline: no application has acted since the last
	// Poll computed it. The timer is re-armed only when the deadline
	// moved: most polls leave it where it was (the timer keeps its place
	// among same-instant events, as a link's arrival timer does).
	if d != h.timer.When() {
		h.timer.Reset(d)
	}
}

// push lets the stack send what it may now, as the end of a write system
// call does, without telling the applications anything yet: they hear of
// events when the host polls after them.
func (h *Host) push(now sim.Time) {
	if !h.down {
		h.stack.Poll(now, h.emit)
	}
}

// notify hands each queued event to the application that owns its
// connection.
func (h *Host) notify(now sim.Time) {
	for _, n := range h.stack.Notices() {
		if n.Conn != h.lastConn {
			h.lastConn, h.lastApp = n.Conn, h.ownerOf(n.Conn)
		}
		if app := h.lastApp; app != nil {
			app.Notify(now, n.Conn, n.Event)
		}
		if n.Event == tcp.EventClosed || n.Event == tcp.EventAborted {
			delete(h.owners, n.Conn)
			h.lastConn, h.lastApp = nil, nil
		}
	}
}

// ownerOf returns the application that owns c, or nil.
func (h *Host) ownerOf(c *tcp.Conn) App {
	if app, ok := h.owners[c]; ok {
		return app
	}
	// A connection accepted on a listening port is its listener's.
	port := c.LocalAddr().Port()
	if i := slices.IndexFunc(h.listeners, func(l listener) bool { return l.port == port }); i >= 0 {
		app := h.listeners[i].app
		h.owners[c] = app
		return app
	}
	return nil
}

// Crash silences the host at now: its connections are frozen and it answers
// nothing; what arrives is dropped.
func (h *Host) Crash(now sim.Time) {
	if h.down {
		return
	}
	h.down = true
	h.timer.Stop()
	for _, a := range h.apps {
		a.Crash(now)
	}
	rec := trace.Record{T: now, Kind: trace.KindHost, Node: h.name, Host: trace.HostCrash}
	h.w.tr.Record(&rec)
}

// Reboot brings the host back at now with a fresh TCP that knows no
// connection, so it answers segments of old ones with RST; its
// applications start again (a server listens again, as its service would
// on boot).
func (h *Host) Reboot(now sim.Time) {
	h.down = true // what was in flight for the old stack dies with it
	h.timer.Stop()
	for _, a := range h.apps {
		a.Crash(now)
	}
	h.boots++
	rec := trace.Record{T: now, Kind: trace.KindHost, Node: h.name, Host: trace.HostReboot}
	h.w.tr.Record(&rec)
	h.newStack()
	h.down = false
	for _, a := range h.apps {
		a.Boot(now)
	}
}
