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
// A packet thus crosses three links, but the trace tells its life as for
// one: the send record is the sender's access link's (at the moment the
// sender sends it, Node the sender and Peer the receiver), the deliver
// record the receiver's access link's, and a drop record, wherever the
// packet was lost, names the sender and the receiver too. The bottleneck
// also writes a queue record (trace.KindQueue) for each packet offered to
// it, when a sink reads them.
type Dumbbell struct {
	w        *World
	fwd, rev *link.Link
	// out routes what leaves each direction of the bottleneck to the
	// access link of the host it is for.
	out   [2][]route
	reads trace.KindSet // of the world's sink
	rec   trace.Record  // reused for the queue records
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
	d := &Dumbbell{w: w, reads: trace.Reads(w.tr)}
	bt := &hostNamer{w: w, s: w.tr, reads: trace.Kinds(trace.KindDrop, trace.KindLink) & trace.Reads(w.tr)}
	d.fwd = link.New(LeftRouter, RightRouter, fwd, w.e, w.Rand("link/"+LeftRouter+"→"+RightRouter), bt, func(now sim.Time, p *trace.Packet) {
		d.forward(now, p, 0)
	})
	d.rev = link.New(RightRouter, LeftRouter, rev, w.e, w.Rand("link/"+RightRouter+"→"+LeftRouter), bt, func(now sim.Time, p *trace.Packet) {
		d.forward(now, p, 1)
	})
	d.fwd.SetIDSource(w.packetID)
	d.rev.SetIDSource(w.packetID)
	return d
}

// Bottleneck returns the bottleneck's two directions: left→right (the
// data) and right→left (the ACKs).
func (d *Dumbbell) Bottleneck() (fwd, rev *link.Link) { return d.fwd, d.rev }

// Connect joins sender s (on the left) and receiver r (on the right)
// across the bottleneck. Each has an access link each way to its router,
// of one-way delay access and no rate limit (so no queue: the bottleneck
// is the only one), so the flow's round trip time is the bottleneck's two
// delays plus 4·access, plus serialization and queueing.
func (d *Dumbbell) Connect(s, r *Host, access time.Duration) {
	w := d.w
	acc := link.Config{Delay: access}
	stream := "link/" + s.name + "→" + r.name
	// The first hop writes the send record, the last the delivery; both
	// and the bottleneck write drops (an access link has no loss, but a
	// crashed receiver's link drops what arrives).
	sends := &kindFilter{s: w.tr, reads: trace.Kinds(trace.KindSend, trace.KindDrop) & trace.Reads(w.tr)}
	delivers := &kindFilter{s: w.tr, reads: trace.Kinds(trace.KindDeliver, trace.KindDrop) & trace.Reads(w.tr)}

	sIn := link.New(s.name, r.name, acc, w.e, w.Rand(stream+"/in"), sends, d.enter(d.fwd))
	rOut := link.New(s.name, r.name, acc, w.e, w.Rand(stream+"/out"), delivers, r.deliver)
	rOut.SetRefuse(r.refuse)
	rIn := link.New(r.name, s.name, acc, w.e, w.Rand("link/"+r.name+"→"+s.name+"/in"), sends, d.enter(d.rev))
	sOut := link.New(r.name, s.name, acc, w.e, w.Rand("link/"+r.name+"→"+s.name+"/out"), delivers, s.deliver)
	sOut.SetRefuse(s.refuse)
	for _, l := range []*link.Link{sIn, rOut, rIn, sOut} {
		l.SetIDSource(w.packetID)
	}
	s.route(r.addr, sIn)
	r.route(s.addr, rIn)
	d.out[0] = append(d.out[0], route{r.addr, rOut})
	d.out[1] = append(d.out[1], route{s.addr, sOut})
}

// enter returns the deliver function of an access link into a router: the
// packet is offered to that direction of the bottleneck, whose queue is
// then recorded.
func (d *Dumbbell) enter(b *link.Link) func(now sim.Time, p *trace.Packet) {
	return func(now sim.Time, p *trace.Packet) {
		b.Send(now, p)
		if d.reads.Has(trace.KindQueue) {
			packets, bytes := b.Queue(now)
			d.rec = trace.Record{T: now, Kind: trace.KindQueue, Node: b.Name(), Value: int64(packets), Off: int64(bytes)}
			d.w.tr.Record(&d.rec)
		}
	}
}

// forward hands a packet that crossed direction dir of the bottleneck (0:
// left→right) to the access link of the host it is for.
func (d *Dumbbell) forward(now sim.Time, p *trace.Packet, dir int) {
	dst := p.Seg.Dst.Addr()
	for _, r := range d.out[dir] {
		if r.dst == dst {
			r.l.Send(now, p)
			return
		}
	}
	// Connect routes every host it joins; a packet for another is a broken
	// invariant of the construction, never input.
	panic("world: the dumbbell has no route to " + dst.String())
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
// other hops do.
type hostNamer struct {
	w     *World
	s     trace.Sink
	reads trace.KindSet
	rec   trace.Record
}

func (n *hostNamer) Record(r *trace.Record) {
	if !n.reads.Has(r.Kind) {
		return
	}
	if r.Pkt == nil {
		n.s.Record(r)
		return
	}
	n.rec = *r
	n.rec.Node = n.w.hostName(r.Pkt.Seg.Src.Addr(), r.Node)
	n.rec.Peer = n.w.hostName(r.Pkt.Seg.Dst.Addr(), r.Peer)
	n.s.Record(&n.rec)
}

func (n *hostNamer) Reads() trace.KindSet { return n.reads }

// hostName returns the name of the host with address a, or def.
func (w *World) hostName(a netip.Addr, def string) string {
	for _, h := range w.hosts {
		if h.addr == a {
			return h.name
		}
	}
	return def
}
