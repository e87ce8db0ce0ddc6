// Package world is the simulated network a scenario runs in: any number of
// hosts, each a TCP stack (package tcp) with applications on it, joined by
// one-way links (package link), driven by one engine (package sim) and
// observed through one trace. It is the composition root: the one package
// that connects TCP, links and applications. It knows nothing of YAML;
// package scenarios builds a World from a scenario file.
//
// A run is deterministic: the same construction and seed give the same
// trace, byte for byte. Every random stream is derived from the seed and a
// name ("tcp/client", "link/client→server"), so adding a component changes
// no other component's draws.
package world

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// World holds the hosts, links and applications of one run.
type World struct {
	name   string
	seed   uint64
	budget uint64
	e      *sim.Engine
	tr     trace.Sink
	hosts  []*Host
	nextID uint64 // the last packet id given out
	// ledgers holds the messages written on each direction of each
	// connection (stream.go).
	ledgers map[flow]*ledger
	// conns numbers connections world-wide by their endpoints, so that
	// both ends of a connection carry the same number in the trace.
	conns map[[2]netip.AddrPort]*connNumber
	connN uint32
}

// connNumber is a connection's number and the hosts that have used it.
type connNumber struct {
	id    uint32
	hosts []string
}

// connID numbers host's new connection from local to remote: the number
// the other end already has, or a new one. A host that opens a second
// connection with the same endpoints (after the first ended) gets a new
// number: it is another connection.
func (w *World) connID(host string, local, remote netip.AddrPort) uint32 {
	k := [2]netip.AddrPort{local, remote}
	if local.Compare(remote) > 0 {
		k = [2]netip.AddrPort{remote, local}
	}
	if w.conns == nil {
		w.conns = map[[2]netip.AddrPort]*connNumber{}
	}
	if n := w.conns[k]; n != nil && !slices.Contains(n.hosts, host) {
		n.hosts = append(n.hosts, host)
		return n.id
	}
	w.connN++
	w.conns[k] = &connNumber{id: w.connN, hosts: []string{host}}
	return w.connN
}

// New returns an empty world for the run called name, and writes the run's
// first record. budget is the most events the run may fire.
func New(name string, seed, budget uint64, tr trace.Sink) *World {
	if tr == nil {
		tr = trace.Discard
	}
	w := &World{name: name, seed: seed, budget: budget, e: sim.NewEngine(budget), tr: tr}
	rec := trace.Record{Kind: trace.KindRun, Name: name, Value: int64(seed)}
	tr.Record(&rec)
	return w
}

// Engine returns the world's engine, for scheduling what happens to it.
func (w *World) Engine() *sim.Engine { return w.e }

// Rand returns the random stream of the named component.
func (w *World) Rand(component string) *rand.Rand { return sim.NewRand(w.seed, component) }

// At runs f at simulated time t (an offset from the start of the run).
func (w *World) At(t time.Duration, f func(now sim.Time)) { w.e.After(t, f) }

// AddHost adds a host with the given name (unique in the world), address
// and TCP settings, and writes its node record.
func (w *World) AddHost(name string, addr netip.Addr, cfg tcp.Config) *Host {
	h := &Host{w: w, name: name, addr: addr, cfg: cfg, owners: map[*tcp.Conn]App{}}
	rec := trace.Record{Kind: trace.KindNode, Node: name, Addr: addr}
	w.tr.Record(&rec)
	h.init()
	w.hosts = append(w.hosts, h)
	return h
}

// AddLink adds a one-way link from one host to another and routes from's
// packets for to's address over it. stream names its random stream
// ("link/client→server"); the link is named "<from>→<to>" in the trace.
func (w *World) AddLink(from, to *Host, cfg link.Config, stream string) *link.Link {
	l := link.New(from.name, to.name, cfg, w.e, w.Rand(stream), w.tr, to.deliver)
	l.SetRefuse(to.refuse)
	l.SetIDSource(w.packetID)
	from.route(to.addr, l)
	return l
}

// Path is a pair of links between two hosts, one each way.
type Path struct {
	Name   string // the path's name in the trace ("client↔server")
	a, b   *Host
	ab, ba *link.Link
}

// AddPath adds a link each way between a and b. Unlike AddLink it routes
// nothing: traffic moves to the path when UsePath is called.
func (w *World) AddPath(a, b *Host, ab, ba link.Config, streamAB, streamBA string) *Path {
	p := &Path{Name: a.name + "↔" + b.name, a: a, b: b}
	p.ab = link.New(a.name, b.name, ab, w.e, w.Rand(streamAB), w.tr, b.deliver)
	p.ab.SetRefuse(b.refuse)
	p.ab.SetIDSource(w.packetID)
	p.ba = link.New(b.name, a.name, ba, w.e, w.Rand(streamBA), w.tr, a.deliver)
	p.ba.SetRefuse(a.refuse)
	p.ba.SetIDSource(w.packetID)
	return p
}

// UsePath moves the traffic between the path's hosts onto it, and writes
// the reroute record.
func (w *World) UsePath(now sim.Time, p *Path) {
	p.a.route(p.b.addr, p.ab)
	p.b.route(p.a.addr, p.ba)
	rec := trace.Record{T: now, Kind: trace.KindLink, Node: p.Name, Link: trace.LinkReroute}
	w.tr.Record(&rec)
}

// Result tells how a run ended.
type Result struct {
	End    sim.Time        // the simulated time when the run stopped
	Events uint64          // events the engine fired
	Reason trace.EndReason // why it stopped
}

// Run runs the world until nothing is left to happen or the time limit,
// then writes the end record. An error means the run was cut short (its
// event budget ran out); everything recorded until then is in the trace.
func (w *World) Run(limit time.Duration) (*Result, error) {
	end := sim.At(limit)
	err := w.e.Run(end)
	res := &Result{End: w.e.Now(), Events: w.e.Fired(), Reason: trace.EndFinished}
	if err == nil && w.e.Pending() > 0 {
		w.e.AdvanceTo(end)
		res.End, res.Reason = end, trace.EndTimeLimit
	}
	if errors.Is(err, sim.ErrBudget) {
		res.Reason = trace.EndBudgetExhausted
		err = fmt.Errorf("%s: the run fired its whole event budget (%d events) by %v; raise event_budget or shorten duration: %w",
			w.name, w.budget, w.e.Now(), err)
	}
	rec := trace.Record{T: res.End, Kind: trace.KindEnd, End: res.Reason}
	w.tr.Record(&rec)
	return res, err
}

// packetID gives out the next packet id: unique in the run, in send order.
func (w *World) packetID() uint64 {
	w.nextID++
	return w.nextID
}
