package link

import (
	"math/rand/v2"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// Link is a one-way link from one node to another. It is driven by one
// [sim.Engine] and must be used only from that engine's events.
//
// The model, for a packet offered by [Link.Send] at now:
//
//   - Its wire size is p.Seg.IPLen() bytes. Serializing it takes
//     size·8/Bandwidth seconds, rounded up to a whole nanosecond.
//   - Packets are serialized one at a time in the order offered. A packet
//     offered while the serializer is busy waits in a drop-tail queue;
//     QueuePackets and QueueBytes limit the packets waiting, not the one on
//     the wire. Bandwidth 0 is an infinitely fast link with no queue.
//   - Once serialized, a packet propagates for Delay plus a jitter drawn
//     uniformly from [0, Jitter). Without Reorder, a packet's arrival is
//     clamped to be no earlier than the arrival of the packet sent before it
//     on the link, so the jitter never reorders (packets bunch up instead);
//     with Reorder, arrivals may cross. Packets arriving at the same instant
//     arrive in the order they were sent.
//
// Every decision is made in Send, so the trace shows a lost packet's send and
// drop records next to each other. See [Link.Send] for the order of the
// checks.
type Link struct {
	from, to, name string
	cfg            Config        // Rules and Outages are the link's own copies
	outages        []Outage      // cfg.Outages, sorted and merged
	ruleDrops      []int         // how many packets each rule has acted on
	matched        []bool        // which rules matched the packet being sent
	bad            bool          // the Gilbert-Elliott chain is in its bad state
	ids            func() uint64 // gives a network-made copy its packet id
	ownIDs         uint64        // ids given out without a source
	rng            *rand.Rand
	tr             trace.Sink
	reads          trace.KindSet // the kinds tr reads: records of others are not built
	deliver        func(now sim.Time, p *trace.Packet)
	refuse         func(now sim.Time) bool // see SetRefuse

	ser         serializer
	flights     flights
	seq         uint64   // packets accepted so far
	lastArrival sim.Time // arrival of the last packet accepted, for the no-reorder clamp

	down bool // SetDown without SetUp
	// plain is set when the configuration has no fault at all: no loss,
	// jitter, reordering, duplication, corruption, rules or outages. Send
	// then takes its plain path, which draws nothing and checks only the MTU
	// and the queue, with the same outcome as the general path.
	plain        bool
	nextOutage   int // index of the first outage not over by the last Send
	nextBoundary int // the next outage boundary the boundary timer writes (see boundary)

	arrivalTimer sim.Timer // armed at the earliest arrival, if any
	outageTimer  sim.Timer // armed at the next outage boundary, if any

	stats Stats
	// pktRec is reused for every packet record: Node and Peer are set once,
	// and only the fields a packet record uses change.
	pktRec trace.Record
	// linkRec is reused for the link's own records (down, up).
	linkRec trace.Record
}

// New returns a link carrying packets from node from to node to, configured
// by cfg, on engine e. rng is the link's own random stream (see [sim.NewRand])
// and must not be shared. Records go to tr (nil means none). deliver is called
// with each packet as it arrives; p is valid only during the call.
//
// New arms a timer that writes a KindLink record at each start ("down") and
// end ("up") of the configured outages; overlapping outages count as one.
// cfg should have passed [Config.Validate].
func New(from, to string, cfg Config, e *sim.Engine, rng *rand.Rand, tr trace.Sink, deliver func(now sim.Time, p *trace.Packet)) *Link {
	if e == nil || rng == nil || deliver == nil {
		panic("link.New: nil engine, random stream or deliver function")
	}
	if tr == nil {
		tr = trace.Discard
	}
	cfg.Rules = append([]Rule(nil), cfg.Rules...)
	cfg.Outages = append([]Outage(nil), cfg.Outages...)
	l := &Link{
		from:      from,
		to:        to,
		name:      from + "→" + to,
		cfg:       cfg,
		outages:   mergeOutages(cfg.Outages),
		ruleDrops: make([]int, len(cfg.Rules)),
		matched:   make([]bool, len(cfg.Rules)),
		rng:       rng,
		tr:        tr,
		reads:     trace.Reads(tr),
		deliver:   deliver,
		flights:   flights{reorder: cfg.Reorder || cfg.ReorderProb > 0 || hasDelayRule(cfg.Rules)},
	}
	l.pktRec = trace.Record{Node: from, Peer: to}
	l.plain = cfg.Loss == 0 && cfg.Jitter == 0 && !cfg.Reorder && cfg.Burst == nil && cfg.ReorderProb == 0 &&
		cfg.Duplicate == 0 && cfg.Corrupt == 0 && len(cfg.Rules) == 0 && len(l.outages) == 0
	l.ser.free = e.Now()
	l.arrivalTimer.Init(e, l.onArrival)
	l.outageTimer.Init(e, l.onBoundary)
	l.armOutage()
	return l
}

// Name returns the link's name, "<from>→<to>" ("client→server").
func (l *Link) Name() string { return l.name }

// Stats returns the link's counters.
func (l *Link) Stats() Stats {
	s := l.stats
	s.InFlight = l.flights.len()
	return s
}

// Send offers p to the link at now, which must be the engine's time. It
// writes a KindSend record (Node from, Peer to, Conn p.Conn, the packet),
// then decides the packet's fate; a lost packet gets a KindDrop record, also
// at now, with the reason. Send copies p; the caller may reuse it.
//
// The decisions, in order; the first that applies drops the packet:
//
//  1. Link down: the link is down (SetDown), or the packet would be on the
//     link — from now until it arrives, both included — during a configured
//     outage. Drop code trace.DropLinkDown.
//  2. Rules: every rule's Match is called for every packet offered, in
//     order, even when the packet is dropped for another reason, so
//     stateful predicates count every packet. The packet is dropped by the
//     first rule that matched and still has drops left (Times 0: no limit);
//     the reason is the rule's Desc. A packet already lost to link down uses
//     up no rule's drops.
//  3. Random loss, with probability Loss: trace.DropRandomLoss. A randomly
//     lost packet is lost on the wire, after it was transmitted: if the MTU
//     and the queue admit it, it takes its turn in the queue and the
//     serializer like any other, delaying the packets behind it.
//  4. MTU: the packet is larger than MTU (when MTU > 0). trace.DropMTU,
//     with the packet's size and the MTU.
//  5. Queue full: the packet would have to wait, and QueuePackets packets
//     are waiting already or its bytes added to theirs would exceed
//     QueueBytes. trace.DropQueueFull.
//
// Each packet offered draws from the link's random stream exactly the same
// way whatever happens to it — one Float64 for the loss decision when Loss
// > 0, then one jitter value when Jitter > 0 — so no decision shifts
// another's numbers, and a link with neither draws nothing.
//
// A packet that survives is delivered at its arrival: the link writes a
// KindDeliver record (Node from, Peer to, Conn p.Conn, the packet) and then
// calls deliver.
func (l *Link) Send(now sim.Time, p *trace.Packet) {
	if !l.plain || l.down {
		l.sendFaulty(now, p)
		return
	}
	// A link without faults that is up: no draw, no rule, no outage, no
	// reordering; only the MTU and the queue can drop the packet, in that
	// order, as in sendFaulty.
	size := p.Seg.IPLen()
	l.stats.Sent.add(size)
	l.emit(now, trace.KindSend, p)
	if l.cfg.MTU > 0 && size > l.cfg.MTU {
		l.stats.Dropped.MTU.add(size)
		l.emitDrop(now, p, trace.Drop{Code: trace.DropMTU, Size: int32(size), MTU: int32(l.cfg.MTU)})
		return
	}
	end := now
	if l.cfg.Bandwidth > 0 {
		l.ser.advance(now)
		start := max(now, l.ser.free)
		if start > now {
			// queueAdmits, then transmit's maxima, counting the waiting
			// packets once.
			packets, bytes := l.ser.waiting()
			if !l.queueRoom(packets, bytes, size) {
				l.stats.Dropped.QueueFull.add(size)
				l.emitDrop(now, p, trace.Drop{Code: trace.DropQueueFull})
				return
			}
			l.stats.MaxQueuePackets = max(l.stats.MaxQueuePackets, packets+1)
			l.stats.MaxQueueBytes = max(l.stats.MaxQueueBytes, bytes+size)
		}
		end = later(start, serializationTime(size, l.cfg.Bandwidth))
		// serializer.add, written out: it does not inline.
		if l.ser.q.full() {
			l.ser.q.grow()
		}
		*l.ser.q.push() = transmission{end: end, size: size}
		l.ser.bytes += size
		l.ser.free = end
	}
	arrival := max(later(end, l.cfg.Delay), l.lastArrival)
	l.lastArrival = arrival
	// A plain link does not reorder: its flights are the FIFO (see push),
	// which needs no send order (l.seq).
	if l.flights.fifo.full() {
		l.flights.fifo.grow()
	}
	fl := l.flights.fifo.push()
	fl.at = arrival
	fl.pkt = *p
	fl.size = int32(size)
	fl.corrupt = false
	// armArrival, knowing the flights are not empty.
	if at := l.flights.fifo.front().at; l.arrivalTimer.When() != at {
		l.arrivalTimer.Reset(at)
	}
}

// later is t.Add(d), with fewer checks for the d ≥ 0 of a serialization
// time or a delay: t+d then overflows, to a time before t, only when the sum
// passes Never (or t is Never and d > 0), and saturates to Never as Add does.
func later(t sim.Time, d time.Duration) sim.Time {
	if d < 0 {
		return t.Add(d)
	}
	if s := t + sim.Time(d); s >= t {
		return s
	}
	return sim.Never
}

// sendFaulty is Send on a link with faults, or down: every decision.
func (l *Link) sendFaulty(now sim.Time, p *trace.Packet) {
	size := p.Seg.IPLen()
	l.stats.Sent.add(size)
	l.emit(now, trace.KindSend, p)

	lossDraw := 1.0 // a link without loss draws nothing for it
	if l.cfg.Loss > 0 {
		lossDraw = l.rng.Float64()
	}
	var jitter time.Duration
	if l.cfg.Jitter > 0 {
		jitter = time.Duration(l.rng.Int64N(int64(l.cfg.Jitter)))
	}
	burstLost := false
	if b := l.cfg.Burst; b != nil {
		// The chain moves first, then the packet meets the state's loss.
		move, lose := l.rng.Float64(), l.rng.Float64()
		if l.bad && move < b.R || !l.bad && move < b.P {
			l.bad = !l.bad
		}
		burstLost = l.bad && lose < b.LossBad || !l.bad && lose < b.LossGood
	}
	var extra time.Duration // held back by the reorder probability or a delay rule
	if l.cfg.ReorderProb > 0 && l.rng.Float64() < l.cfg.ReorderProb {
		extra = l.cfg.ReorderDelay
	}
	duplicate := l.cfg.Duplicate > 0 && l.rng.Float64() < l.cfg.Duplicate
	corrupt := l.cfg.Corrupt > 0 && l.rng.Float64() < l.cfg.Corrupt

	// Where the packet would go: its turn at the serializer and its arrival.
	start, end := now, now
	if l.cfg.Bandwidth > 0 {
		l.ser.advance(now)
		start = max(now, l.ser.free)
		end = start.Add(serializationTime(size, l.cfg.Bandwidth))
	}
	arrival := end.Add(l.cfg.Delay + jitter)
	if !l.cfg.Reorder {
		arrival = max(arrival, l.lastArrival)
	}

	rule := l.matchRules(now, p)
	mtuOK := l.cfg.MTU <= 0 || size <= l.cfg.MTU
	var why trace.Drop
	switch {
	case l.down || l.outageOverlaps(now, arrival):
		l.stats.Dropped.LinkDown.add(size)
		why.Code = trace.DropLinkDown
	case rule >= 0:
		l.ruleDrops[rule]++
		l.stats.Dropped.Rule.add(size)
		why = trace.Drop{Code: trace.DropRule, Rule: l.cfg.Rules[rule].Desc}
	case lossDraw < l.cfg.Loss || burstLost:
		l.stats.Dropped.RandomLoss.add(size)
		why.Code = trace.DropRandomLoss
		if burstLost {
			why.Code = trace.DropBurstLoss
		}
		if mtuOK && l.queueAdmits(now, start, size) {
			l.transmit(now, start, end, size)
		}
	case !mtuOK:
		l.stats.Dropped.MTU.add(size)
		why = trace.Drop{Code: trace.DropMTU, Size: int32(size), MTU: int32(l.cfg.MTU)}
	case !l.queueAdmits(now, start, size):
		l.stats.Dropped.QueueFull.add(size)
		why.Code = trace.DropQueueFull
	default:
		l.transmit(now, start, end, size)
		l.lastArrival = arrival
		d, dup := l.ruleEffects()
		extra += d
		duplicate = duplicate || dup
		l.seq++
		l.flights.push(arrival.Add(extra), l.seq, p, size, corrupt)
		if duplicate {
			l.duplicate(now, arrival.Add(extra), p)
		}
		l.armArrival()
		return
	}
	l.emitDrop(now, p, why)
}

// ruleEffects applies the delay and duplicate rules that matched the
// packet being sent, counting them, and returns the delay and whether to
// duplicate it.
func (l *Link) ruleEffects() (delay time.Duration, dup bool) {
	for i, m := range l.matched {
		r := &l.cfg.Rules[i]
		if !m || r.Action == ActionDrop || r.Times > 0 && l.ruleDrops[i] >= r.Times {
			continue
		}
		l.ruleDrops[i]++
		switch r.Action {
		case ActionDelay:
			delay += r.Delay
		case ActionDuplicate:
			dup = true
		}
	}
	return delay, dup
}

// duplicate sends a copy of p that the network made, arriving just after
// it: a send record of its own (labelled a network duplicate, with a new
// packet id) and its own arrival.
func (l *Link) duplicate(now, arrival sim.Time, p *trace.Packet) {
	cp := *p
	cp.ID = l.nextID()
	cp.Labels |= trace.LabelNetworkDuplicate
	size := cp.Seg.IPLen()
	l.stats.Duplicated.add(size)
	l.emit(now, trace.KindSend, &cp)
	l.seq++
	l.flights.push(arrival, l.seq, &cp, size, false)
}

// SetIDSource gives the link the world's packet numbering, for the copies
// it makes: each gets the next id.
func (l *Link) SetIDSource(next func() uint64) { l.ids = next }

// nextID returns an id for a copy: the world's, or one of the link's own,
// from a range no world reaches.
func (l *Link) nextID() uint64 {
	if l.ids != nil {
		return l.ids()
	}
	l.ownIDs++
	return 1<<62 + l.ownIDs
}

// hasDelayRule reports whether a rule delays packets (so the link must
// let packets overtake).
func hasDelayRule(rules []Rule) bool {
	for _, r := range rules {
		if r.Action == ActionDelay {
			return true
		}
	}
	return false
}

// matchRules calls every rule's Match on p, notes which matched, and
// returns the index of the first drop rule that matched and has drops
// left, or -1.
func (l *Link) matchRules(now sim.Time, p *trace.Packet) int {
	picked := -1
	for i := range l.cfg.Rules {
		r := &l.cfg.Rules[i]
		m := r.Match(now, p)
		l.matched[i] = m
		if m && r.Action == ActionDrop && picked < 0 && (r.Times <= 0 || l.ruleDrops[i] < r.Times) {
			picked = i
		}
	}
	return picked
}

// queueAdmits reports whether a packet of size bytes whose transmission
// would start at start finds room: it goes straight onto the wire, or the
// waiting packets leave room for it under both limits.
func (l *Link) queueAdmits(now, start sim.Time, size int) bool {
	if start <= now {
		return true
	}
	packets, bytes := l.ser.waiting()
	return l.queueRoom(packets, bytes, size)
}

// queueRoom reports whether a packet of size bytes fits behind packets
// waiting packets of bytes bytes.
func (l *Link) queueRoom(packets, bytes, size int) bool {
	return (l.cfg.QueuePackets <= 0 || packets < l.cfg.QueuePackets) &&
		(l.cfg.QueueBytes <= 0 || bytes+size <= l.cfg.QueueBytes)
}

// transmit gives a packet its turn at the serializer during [start, end).
func (l *Link) transmit(now, start, end sim.Time, size int) {
	if l.cfg.Bandwidth <= 0 {
		return
	}
	if start > now {
		packets, bytes := l.ser.waiting()
		l.stats.MaxQueuePackets = max(l.stats.MaxQueuePackets, packets+1)
		l.stats.MaxQueueBytes = max(l.stats.MaxQueueBytes, bytes+size)
	}
	l.ser.add(end, size)
}

// armArrival arms the arrival timer at the earliest arrival, touching it only
// when that changes so that its place among same-instant events stays put.
func (l *Link) armArrival() {
	if l.flights.len() == 0 {
		l.arrivalTimer.Stop()
		return
	}
	if at := l.flights.nextAt(); l.arrivalTimer.When() != at {
		l.arrivalTimer.Reset(at)
	}
}

// onArrival delivers every packet due by now, in (arrival, send) order.
// deliver may send on this link or take it down; both are safe here.
func (l *Link) onArrival(now sim.Time) {
	if !l.flights.reorder {
		// The FIFO's loop, without asking the flights which kind they
		// are three times a packet.
		q := &l.flights.fifo
		for q.len() > 0 {
			fl := q.front()
			if at := fl.at; at > now {
				// armArrival, with the earliest arrival at hand.
				if l.arrivalTimer.When() != at {
					l.arrivalTimer.Reset(at)
				}
				return
			}
			// fl stays put while deliver sends on this link or takes it
			// down (see ring.popFront).
			q.pop()
			if fl.corrupt || l.refuse != nil && l.refuse(now) {
				l.lose(now, &fl.pkt, int(fl.size), fl.corrupt)
				continue
			}
			l.stats.Delivered.add(int(fl.size))
			l.emit(now, trace.KindDeliver, &fl.pkt)
			l.deliver(now, &fl.pkt)
		}
		l.arrivalTimer.Stop()
		return
	}
	for l.flights.len() > 0 {
		if at := l.flights.nextAt(); at > now {
			// armArrival, with the earliest arrival at hand.
			if l.arrivalTimer.When() != at {
				l.arrivalTimer.Reset(at)
			}
			return
		}
		// p stays put while deliver sends on this link or takes it down
		// (see flights.pop).
		p, size, corrupt := l.flights.pop()
		if corrupt || l.refuse != nil && l.refuse(now) {
			l.lose(now, p, size, corrupt)
			continue
		}
		l.stats.Delivered.add(size)
		l.emit(now, trace.KindDeliver, p)
		l.deliver(now, p)
	}
	l.arrivalTimer.Stop()
}

// lose drops p, of size IP bytes, which arrived at now but is not
// delivered: it was corrupted on the wire, or else the receiver refused it.
func (l *Link) lose(now sim.Time, p *trace.Packet, size int, corrupt bool) {
	if corrupt {
		// It arrived damaged: the receiver's checksum fails and it
		// discards the segment, as if it had not come.
		l.stats.Dropped.Corrupt.add(size)
		l.emitDrop(now, p, trace.Drop{Code: trace.DropCorrupted})
		return
	}
	// The receiver is not there to take it (a crashed host): the packet
	// is lost at the far end, not delivered.
	l.stats.Dropped.Receiver.add(size)
	l.emitDrop(now, p, trace.Drop{Code: trace.DropReceiverDown})
}

// SetRefuse installs a check made when a packet arrives: true means the
// receiving end cannot take packets now (its host is down), and the packet
// is recorded as dropped (trace.DropReceiverDown) instead of delivered. The
// link knows nothing of hosts: the caller decides. nil removes it.
func (l *Link) SetRefuse(refuse func(now sim.Time) bool) { l.refuse = refuse }

// emit writes a packet record of kind k, a send or a delivery, if the sink
// reads that kind (a summary reads no deliveries).
func (l *Link) emit(now sim.Time, k trace.Kind, p *trace.Packet) {
	if l.reads.Has(k) {
		l.record(now, k, p)
	}
}

// record is emit once the sink is known to read kind k. The reusable
// record's Drop is zero but while emitDrop writes. Its Pkt is left
// pointing at the packet after the call: every record written sets it
// first, and no sink keeps the record.
func (l *Link) record(now sim.Time, k trace.Kind, p *trace.Packet) {
	r := &l.pktRec
	r.T, r.Kind, r.Conn, r.Pkt = now, k, p.Conn, p
	l.tr.Record(r)
}

// emitDrop writes a drop record; why is the reason.
func (l *Link) emitDrop(now sim.Time, p *trace.Packet, why trace.Drop) {
	if !l.reads.Has(trace.KindDrop) {
		return
	}
	r := &l.pktRec
	r.T, r.Kind, r.Conn, r.Pkt, r.Drop = now, trace.KindDrop, p.Conn, p, why
	l.tr.Record(r)
	r.Drop = trace.Drop{}
}

// emitLink writes a KindLink record (down or up).
func (l *Link) emitLink(now sim.Time, op trace.LinkOp) {
	if !l.reads.Has(trace.KindLink) {
		return
	}
	l.linkRec = trace.Record{T: now, Kind: trace.KindLink, Node: l.name, Link: op}
	l.tr.Record(&l.linkRec)
}
