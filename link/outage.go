package link

import (
	"cmp"
	"slices"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// mergeOutages returns the outages sorted by start, with empty ones left out
// and overlapping or touching ones merged, so that they are disjoint and the
// link's down/up records alternate.
func mergeOutages(in []Outage) []Outage {
	out := make([]Outage, 0, len(in))
	for _, o := range in {
		if o.To > o.From {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b Outage) int { return cmp.Compare(a.From, b.From) })
	merged := out[:0]
	for _, o := range out {
		if n := len(merged); n > 0 && o.From <= merged[n-1].To {
			merged[n-1].To = max(merged[n-1].To, o.To)
			continue
		}
		merged = append(merged, o)
	}
	return merged
}

// outageOverlaps reports whether a packet offered at now and arriving at
// arrival would be on the link during an outage: whether some outage
// [From, To) meets the closed interval [now, arrival]. A packet offered at
// an outage's end passes; one arriving at its start is lost. now must not
// decrease from call to call.
func (l *Link) outageOverlaps(now, arrival sim.Time) bool {
	for l.nextOutage < len(l.outages) && l.outages[l.nextOutage].To <= now {
		l.nextOutage++
	}
	// The outages are disjoint and sorted, so the first one not over by now
	// is the only one that can start soonest.
	return l.nextOutage < len(l.outages) && l.outages[l.nextOutage].From <= arrival
}

// boundary returns the instant of the i-th outage boundary: even i are
// starts, odd i are ends.
func (l *Link) boundary(i int) sim.Time {
	if i%2 == 0 {
		return l.outages[i/2].From
	}
	return l.outages[i/2].To
}

// armOutage arms the boundary timer for the next outage boundary, if any.
func (l *Link) armOutage() {
	if l.nextBoundary < 2*len(l.outages) {
		l.outageTimer.Reset(l.boundary(l.nextBoundary)) // Reset(Never) stops it
	}
}

// onBoundary writes the link record of an outage starting or ending. The
// packets an outage loses were already dropped when they were sent.
func (l *Link) onBoundary(now sim.Time) {
	op := trace.LinkUp
	if l.nextBoundary%2 == 0 {
		op = trace.LinkDown
	}
	l.nextBoundary++
	l.emitLink(now, op)
	l.armOutage()
}

// SetDown takes the link down at now, which must be the engine's time. It
// writes a KindLink record (Node: the link's name, trace.LinkDown), then
// drops every packet queued, on the wire or propagating, in the order they
// were sent, each with a KindDrop record (trace.DropLinkDown); the serializer
// is then idle. Until [Link.SetUp], every packet offered is dropped as
// trace.DropLinkDown. Taking a link that is already down down again does
// nothing. SetDown and SetUp are independent of [Config.Outages]: the link
// carries nothing while either says it is down.
func (l *Link) SetDown(now sim.Time) {
	if l.down {
		return
	}
	l.down = true
	l.emitLink(now, trace.LinkDown)
	l.flights.removeAll(func(p *trace.Packet) {
		l.stats.Dropped.LinkDown.add(p.Seg.IPLen())
		l.emitDrop(now, p, trace.Drop{Code: trace.DropLinkDown})
	})
	l.arrivalTimer.Stop()
	l.ser.reset(now)
	l.lastArrival = now
}

// SetUp brings the link back up at now after [Link.SetDown], writing a
// KindLink record (trace.LinkUp). Bringing up a link that is up does
// nothing; an outage from the configuration still in progress goes on.
func (l *Link) SetUp(now sim.Time) {
	if !l.down {
		return
	}
	l.down = false
	l.emitLink(now, trace.LinkUp)
}
