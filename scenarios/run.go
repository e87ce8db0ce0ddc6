package scenarios

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// Result tells how a run ended.
type Result struct {
	End    sim.Time        // the simulated time when the run stopped
	Events uint64          // events the engine fired
	Reason trace.EndReason // why it stopped
}

// Run simulates the scenario, writing every record to tr. It is the
// composition root: the one place that connects TCP hosts, links and the
// scripted applications. An error means the run was cut short (its event
// budget ran out); everything recorded until then is in the trace.
func Run(s *Scenario, tr trace.Sink) (*Result, error) {
	if tr == nil {
		tr = trace.Discard
	}
	r := &runner{s: s, tr: tr, e: sim.NewEngine(s.EventBudget)}
	r.start()
	end := sim.At(s.Duration)
	err := r.e.Run(end)
	res := &Result{End: r.e.Now(), Events: r.e.Fired(), Reason: trace.EndFinished}
	if err == nil && r.e.Pending() > 0 {
		r.e.AdvanceTo(end)
		res.End, res.Reason = end, trace.EndTimeLimit
	}
	if errors.Is(err, sim.ErrBudget) {
		res.Reason = trace.EndBudgetExhausted
		err = fmt.Errorf("%s: the run fired its whole event budget (%d events) by %v; raise event_budget or shorten duration: %w",
			s.Name, s.EventBudget, r.e.Now(), err)
	}
	rec := trace.Record{T: res.End, Kind: trace.KindEnd, End: res.Reason}
	tr.Record(&rec)
	return res, err
}

// runner wires one run together.
type runner struct {
	s      *Scenario
	tr     trace.Sink
	e      *sim.Engine
	nextID uint64
	client node
	server node
	// The backup path, and whether traffic has moved to it.
	backupC2S, backupS2C *link.Link
	onBackup             bool
}

// reroute moves both hosts' traffic to the backup path.
func (r *runner) reroute(now sim.Time) {
	if r.backupC2S == nil || r.onBackup {
		return
	}
	r.onBackup = true
	r.client.out, r.server.out = r.backupC2S, r.backupS2C
	rec := trace.Record{T: now, Kind: trace.KindLink, Node: "client↔server", Link: trace.LinkReroute}
	r.tr.Record(&rec)
}

// node is one host with its link out, its poll timer and its application.
type node struct {
	r     *runner
	ep    *Endpoint
	host  *tcp.Host
	out   *link.Link
	timer sim.Timer
	emit  func(p *trace.Packet)
	app   app
	down  bool // crashed: drops what arrives, sends nothing
	boots int  // how many times the host has rebooted
}

func (r *runner) start() {
	s := r.s
	rec := trace.Record{Kind: trace.KindRun, Name: s.Name, Value: int64(s.Seed)}
	r.tr.Record(&rec)
	for _, ep := range []*Endpoint{&s.Client, &s.Server} {
		rec = trace.Record{Kind: trace.KindNode, Node: ep.Name, Addr: ep.Addr}
		r.tr.Record(&rec)
	}
	r.client.init(r, &s.Client)
	r.server.init(r, &s.Server)
	r.client.out = link.New("client", "server", s.ClientToServer, r.e, sim.NewRand(s.Seed, "link/client→server"), r.tr, r.server.deliver)
	r.server.out = link.New("server", "client", s.ServerToClient, r.e, sim.NewRand(s.Seed, "link/server→client"), r.tr, r.client.deliver)
	r.client.out.SetRefuse(r.server.refuse)
	r.server.out.SetRefuse(r.client.refuse)

	if s.Backup != nil {
		r.backupC2S = link.New("client", "server", s.Backup.ClientToServer, r.e, sim.NewRand(s.Seed, "link/backup/client→server"), r.tr, r.server.deliver)
		r.backupS2C = link.New("server", "client", s.Backup.ServerToClient, r.e, sim.NewRand(s.Seed, "link/backup/server→client"), r.tr, r.client.deliver)
		r.backupC2S.SetRefuse(r.server.refuse)
		r.backupS2C.SetRefuse(r.client.refuse)
	}

	r.server.host.Listen(0, s.Server.Port)
	r.server.app = app{n: &r.server, expect: s.Client.App.total()}
	r.client.app = app{n: &r.client, expect: s.Server.App.Reply + s.Server.App.total()}
	r.server.app.reading.Init(r.e, r.server.app.onReadTick)
	r.client.app.reading.Init(r.e, r.client.app.onReadTick)
	r.server.app.schedule()
	r.client.app.schedule()
	for _, ev := range s.Events {
		nd := &r.client
		if ev.Node == "server" {
			nd = &r.server
		}
		r.e.After(ev.At, func(now sim.Time) {
			if ev.Op == "crash" {
				nd.crash(now)
			} else {
				nd.reboot(now)
			}
		})
	}
	r.client.app.connect = r.e.NewTimer(func(now sim.Time) {
		if r.client.down {
			return
		}
		a := &r.client.app
		port := s.Client.Port
		if a.attempt > 0 {
			port += uint16(a.attempt) // a new connection from the next local port
			r.reroute(now)
		}
		a.attempt++
		a.conn = r.client.host.Connect(now, port, netip.AddrPortFrom(s.Server.Addr, s.Server.Port))
		r.client.poll(now)
	})
	r.client.app.connect.Reset(sim.At(s.Client.App.ConnectAt))
}

func (n *node) init(r *runner, ep *Endpoint) {
	n.r, n.ep = r, ep
	n.newHost()
	n.timer.Init(r.e, n.poll)
	n.emit = func(p *trace.Packet) {
		r.nextID++
		p.ID = r.nextID
		n.out.Send(r.e.Now(), p)
	}
}

// newHost gives the node a fresh TCP with no connections: at the start, and
// after a reboot (with a random stream of its own for each boot).
func (n *node) newHost() {
	stream := "tcp/" + n.ep.Name
	if n.boots > 0 {
		stream += "/boot" + strconv.Itoa(n.boots)
	}
	n.host = tcp.NewHost(n.ep.Name, n.ep.Addr, n.ep.TCP, sim.NewRand(n.r.s.Seed, stream), n.r.tr)
}

// deliver hands an arriving packet to the host.
func (n *node) deliver(now sim.Time, p *trace.Packet) {
	n.host.Input(now, p, n.emit)
	n.poll(now)
}

// refuse is the check the links into this node make on arrival: a crashed
// host takes nothing, so the packet is dropped there.
func (n *node) refuse(sim.Time) bool { return n.down }

// crash silences the host: its connections are frozen and it answers nothing.
func (n *node) crash(now sim.Time) {
	if n.down {
		return
	}
	n.down = true
	n.timer.Stop()
	n.app.reset()
	rec := trace.Record{T: now, Kind: trace.KindHost, Node: n.ep.Name, Host: trace.HostCrash}
	n.r.tr.Record(&rec)
}

// reboot brings the host back with no connection state; a server starts
// listening again, as its service would on boot.
func (n *node) reboot(now sim.Time) {
	n.down = true // what was in flight for the old host dies with it
	n.timer.Stop()
	n.app.reset()
	n.boots++
	rec := trace.Record{T: now, Kind: trace.KindHost, Node: n.ep.Name, Host: trace.HostReboot}
	n.r.tr.Record(&rec)
	n.newHost()
	n.down = false
	if n.ep.Name == "server" {
		n.host.Listen(now, n.ep.Port)
	}
}

// poll lets the application act on what the host told it, then the host
// send what it has, until neither has more to do at this instant, and
// re-arms the host's timer. The application runs only between the host's
// steps, never inside them, as a process runs after the kernel has
// processed the segment that woke it.
func (n *node) poll(now sim.Time) {
	if n.down {
		return
	}
	n.notify(now)
	n.host.Poll(now, n.emit)
	for n.notify(now) {
		n.host.Poll(now, n.emit)
	}
	n.timer.Reset(n.host.Deadline())
}

// notify hands the application the host's queued events and reports
// whether there were any.
func (n *node) notify(now sim.Time) bool {
	ns := n.host.Notices()
	for _, x := range ns {
		n.app.on(now, x.Conn, x.Event)
	}
	return len(ns) > 0
}

// total is how many bytes an application writes, not counting a reply.
func (a *App) total() int64 {
	t := a.Send
	for _, w := range a.Writes {
		t += w.Bytes
	}
	return t
}

// app is the scripted application of one endpoint (see App).
type app struct {
	n       *node
	conn    *tcp.Conn
	expect  int64 // bytes the peer will send us; reading them all is the cue to reply or close
	pending int64 // bytes written by the script and not yet taken by the socket
	read    int64
	replied bool
	timed   int  // timed writes whose time has come
	closed  bool // Close was called
	reading sim.Timer
	connect *sim.Timer // the client's connect, armed again to reconnect
	attempt int        // connections opened so far
}

// consume reads up to n bytes and reacts to what has been read.
func (a *app) consume(now sim.Time, n int) {
	if a.conn == nil || n <= 0 {
		return
	}
	a.read += int64(a.conn.Read(now, n))
	if a.read >= a.expect && a.cfg().Reply > 0 && !a.replied {
		a.replied = true
		a.write(now, a.cfg().Reply)
	}
}

// onReadTick is the slow reader's clock: it reads Bytes every Every,
// except during a pause.
func (a *app) onReadTick(now sim.Time) {
	rd := &a.cfg().Reader
	if a.conn == nil || a.conn.State() == tcp.StateClosed {
		return
	}
	paused := false
	for _, p := range rd.Pauses {
		if now >= sim.At(p.From) && now < sim.At(p.To) {
			paused = true
		}
	}
	if !paused {
		a.consume(now, int(min(rd.Bytes, int64(a.conn.Readable()))))
		a.maybeClose(now)
	}
	a.reading.Reset(now.Add(rd.Every))
	a.n.poll(now)
}

// reset forgets the connection: the host crashed or rebooted.
func (a *app) reset() {
	a.conn = nil
	a.reading.Stop()
}

func (a *app) cfg() *App { return &a.n.ep.App }

// schedule arms the timers of the timed writes and a timed close.
func (a *app) schedule() {
	e := a.n.r.e
	for _, w := range a.cfg().Writes {
		e.After(w.At, func(now sim.Time) {
			a.timed++
			a.write(now, w.Bytes)
			a.n.poll(now)
		})
	}
	if a.cfg().Close == CloseAt {
		e.After(a.cfg().CloseAt, func(now sim.Time) {
			a.close(now)
			a.n.poll(now)
		})
	}
}

func (a *app) on(now sim.Time, c *tcp.Conn, ev tcp.Event) {
	if ev == tcp.EventEstablished && a.conn != c {
		if a.conn != nil && a.n.ep.Name == "server" {
			a.read, a.replied, a.closed = 0, false, false // a new client connection: serve it afresh
		}
		a.conn = c
	}
	if c != a.conn {
		return // an old connection's news
	}
	switch ev {
	case tcp.EventEstablished:
		if rd := a.cfg().Reader; rd.Every > 0 && !a.reading.Pending() {
			a.reading.Reset(now.Add(rd.Every))
		}
		a.write(now, a.cfg().Send)
	case tcp.EventReadable:
		if a.cfg().Reader.Every == 0 {
			a.consume(now, c.Readable()) // an application that reads at once
		}
	case tcp.EventWritable:
		a.write(now, 0)
	case tcp.EventAborted:
		if a.cfg().Reconnect && a.connect != nil {
			// Start over on a new connection: the script runs again.
			a.conn, a.pending, a.read, a.replied, a.closed = nil, 0, 0, false, false
			a.connect.Reset(now.Add(a.cfg().ReconnectDelay))
		}
		return
	}
	a.maybeClose(now)
}

// write adds n bytes to what the script wants written and gives the socket
// as much as it takes.
func (a *app) write(now sim.Time, n int64) {
	a.pending += n
	if a.conn == nil || a.pending == 0 {
		return
	}
	s := a.conn.State()
	if s != tcp.StateEstablished && s != tcp.StateCloseWait {
		return
	}
	for a.pending > 0 {
		k := a.conn.Write(now, int(min(a.pending, 1<<30)))
		if k == 0 {
			break
		}
		a.pending -= int64(k)
	}
}

// maybeClose closes the connection when the script is done (CloseAuto).
func (a *app) maybeClose(now sim.Time) {
	if a.closed || a.conn == nil || a.cfg().Close != CloseAuto || a.pending > 0 || a.timed < len(a.cfg().Writes) {
		return
	}
	if a.cfg().Reply > 0 && !a.replied {
		return
	}
	done := a.read >= a.expect
	if a.n.ep.Name == "server" {
		// The server closes after the client, once it has read to the end.
		done = a.conn.PeerClosed() && a.conn.Readable() == 0
	}
	if done {
		a.close(now)
	}
}

func (a *app) close(now sim.Time) {
	if a.closed || a.conn == nil {
		return
	}
	switch a.conn.State() {
	case tcp.StateClosed, tcp.StateTimeWait:
		return
	}
	a.closed = true
	a.conn.Close(now)
}
