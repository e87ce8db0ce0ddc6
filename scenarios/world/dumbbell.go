package world

import (
	"net/netip"
	"time"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// Dumbbell is the classic topology of many flows sharing one link: senders
// on the left, receivers on the right, each with an access link of its own
// to a router, and between the two routers the bottleneck, one link each
// way. All the flows' data crosses the left→right direction in the order it
// arrives there, through ONE drop-tail queue; their ACKs come back through
// right→left.
//
// A packet thus crosses up to three links, but the trace tells its life as
// for one: one send record (at the moment its sender sends it), one
// deliver record (at its receiver) or one drop record, wherever it was
// lost, each naming the sender (Node) and the receiver (Peer), never a
// router. The bottleneck also writes a queue record (trace.KindQueue) for
// each packet offered to it, when a sink reads them.
//
// An access link of delay 0 is left out: the host sends straight into the
// bottleneck, or the bottleneck delivers straight to it (which is
// faster to simulate, and the same to the packets). Its hosts never crash:
// a scenario with flows has no host events.
type Dumbbell struct {
	w        *World
	fwd, rev *link.Link
	// ends are the hosts joined, by address.
	ends  map[netip.Addr]*dumbbellEnd
	reads trace.KindSet // of the world's sink
	rec   trace.Record  // reused for the queue records
}

// dumbbellEnd is a host on one side of the bottleneck.
type dumbbellEnd struct {
	h *Host
	// in is its access link into its router and out the one from its
	// router to it; both nil when they have no delay (the host is joined
	// straight to the bottleneck).
	in, out *link.Link
}

// The bottleneck's routers, as its directions are named in the trace.
const (
	LeftRouter  = "left"
	RightRouter = "right"
)

// AddDumbbell adds the bottleneck: fwd carries the senders' packets from
// the left router to the right one, rev the receivers' back. Connect puts
// flows on it.
func (w *World) AddDumbbell(fwd, rev link.Config) *Dumbbell {
	d := &Dumbbell{w: w, ends: map[netip.Addr]*dumbbellEnd{}, reads: trace.Reads(w.tr)}
	bt := &hostNamer{d: d, s: w.tr, reads: trace.Reads(w.tr) & trace.Kinds(trace.KindSend, trace.KindDeliver, trace.KindDrop, trace.KindLink)}
	d.fwd = link.New(LeftRouter, RightRouter, fwd, w.e, w.Rand("link/"+LeftRouter+"→"+RightRouter), bt, d.forward)
	d.rev = link.New(RightRouter, LeftRouter, rev, w.e, w.Rand("link/"+RightRouter+"→"+LeftRouter), bt, d.forward)
	d.fwd.SetIDSource(w.packetID)
	d.rev.SetIDSource(w.packetID)
	return d
}

// Connect joins sender s (on the left) and receiver r (on the right)
// across the bottleneck. Each has an access link each way to its router,
// of one-way delay access and no rate limit (so no queue: the bottleneck
// is the only one), so the flow's round trip time is the bottleneck's two
// delays plus 4·access, plus serialization and queueing.
func (d *Dumbbell) Connect(s, r *Host, access time.Duration) {
	d.join(s, r, access, d.fwd)
	d.join(r, s, access, d.rev)
}

// join routes h's packets for peer through the bottleneck direction b,
// over an access link of delay access when it is not 0, and makes h
// reachable from the other direction.
func (d *Dumbbell) join(h, peer *Host, access time.Duration, b *link.Link) {
	w := d.w
	e := d.ends[h.addr]
	if e == nil {
		e = &dumbbellEnd{h: h}
		d.ends[h.addr] = e
	}
	queued := func(now sim.Time) { d.queued(now, b) }
	if access == 0 {
		h.routeVia(peer.addr, b, queued)
		return
	}
	// The first hop writes the send record, the last the delivery; all
	// write drops (a crashed host's link drops what arrives).
	sends := &kindFilter{s: w.tr, reads: trace.Reads(w.tr) & trace.Kinds(trace.KindSend, trace.KindDrop)}
	delivers := &kindFilter{s: w.tr, reads: trace.Reads(w.tr) & trace.Kinds(trace.KindDeliver, trace.KindDrop)}
	stream := "link/" + h.name + "→" + peer.name
	in := link.New(h.name, peer.name, link.Config{Delay: access}, w.e, w.Rand(stream+"/in"), sends, func(now sim.Time, p *trace.Packet) {
		b.Send(now, p)
		queued(now)
	})
	in.SetIDSource(w.packetID)
	h.route(peer.addr, in)
	// h's own access link out of its router: its peer's packets to it
	// take it (the same delay each way).
	out := link.New(peer.name, h.name, link.Config{Delay: access}, w.e, w.Rand("link/"+peer.name+"→"+h.name+"/out"), delivers, h.deliver)
	out.SetRefuse(h.refuse)
	out.SetIDSource(w.packetID)
	e.in, e.out = in, out
}

// queued writes the queue record of bottleneck direction b, after a
// packet was offered to it.
func (d *Dumbbell) queued(now sim.Time, b *link.Link) {
	if !d.reads.Has(trace.KindQueue) {
		return
	}
	packets, bytes := b.Queue(now)
	d.rec = trace.Record{T: now, Kind: trace.KindQueue, Node: b.Name(), Value: int64(packets), Off: int64(bytes)}
	d.w.tr.Record(&d.rec)
}

// forward hands a packet that crossed the bottleneck to its receiver: over
// its access link, or straight to it.
func (d *Dumbbell) forward(now sim.Time, p *trace.Packet) {
	e := d.ends[p.Seg.Dst.Addr()]
	switch {
	case e == nil:
		// Connect routes every host it joins; a packet for another is a
		// broken invariant of the construction, never input.
		panic("world: the dumbbell has no route to " + p.Seg.Dst.Addr().String())
	case e.out != nil:
		e.out.Send(now, p)
	default:
		e.h.deliver(now, p)
	}
}

// kindFilter passes on the records of some kinds only: a link of a
// dumbbell's path writes only its share of a packet's records.
type kindFilter struct {
	s     trace.Sink
	reads trace.KindSet
}

func (f *kindFilter) Record(r *trace.Record) {
	if f.reads.Has(r.Kind) {
		f.s.Record(r)
	}
}

func (f *kindFilter) Reads() trace.KindSet { return f.reads }

// hostNamer passes on a bottleneck's records, naming in a packet's the
// hosts it goes between rather than the routers, as the records of its
// other hops do: its drops always, its sends for a sender with no access
// link, its deliveries for a receiver with none.
type hostNamer struct {
	d     *Dumbbell
	s     trace.Sink
	reads trace.KindSet
	rec   trace.Record
}

func (n *hostNamer) Record(r *trace.Record) {
	if r.Pkt == nil {
		n.s.Record(r)
		return
	}
	src, dst := n.d.ends[r.Pkt.Seg.Src.Addr()], n.d.ends[r.Pkt.Seg.Dst.Addr()]
	if src == nil || dst == nil ||
		r.Kind == trace.KindSend && src.in != nil ||
		r.Kind == trace.KindDeliver && dst.out != nil {
		return // its access link writes it
	}
	n.rec = *r
	n.rec.Node, n.rec.Peer = src.h.name, dst.h.name
	n.s.Record(&n.rec)
}

func (n *hostNamer) Reads() trace.KindSet { return n.reads }
