package scenarios

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// A criterion is one test of a drop rule, as a link.Rule's Match calls it:
// once for every packet offered to the link, in order. Criteria that count
// (the Nth segment) keep their count in the closure, so each rule needs its
// own; they count every packet offered, whether or not another rule, or
// another criterion of the same rule, drops or rejects it.
type criterion func(now sim.Time, p *trace.Packet) bool

// all is the conjunction of the criteria. It calls every one for every
// packet (no short cut), so each one's count sees every packet.
func all(cs []criterion) func(now sim.Time, p *trace.Packet) bool {
	return func(now sim.Time, p *trace.Packet) bool {
		match := true
		for _, c := range cs {
			if !c(now, p) {
				match = false
			}
		}
		return match
	}
}

// segmentN picks the nth segment offered, of any kind (1-based).
func segmentN(n int) criterion {
	count := 0
	return func(_ sim.Time, _ *trace.Packet) bool {
		if count < n { // stop counting once past n: no overflow in long runs
			count++
			return count == n
		}
		return false
	}
}

// dataSegmentN picks the nth distinct segment of data and every
// retransmission of it. A data segment is new when it starts at or beyond
// the highest sequence number sent so far (sndMax, as the receiver of these
// packets could tell); a retransmission starts before it. The nth new one's
// starting sequence number is remembered, and from then on every data
// segment starting there matches, so times: 2 drops the first transmission
// and the first retransmission.
func dataSegmentN(n int) criterion {
	var (
		count   int
		started bool     // a segment occupying sequence space has been seen
		highest wire.Seq // the highest sequence number sent, plus one
		target  wire.Seq // the nth new data segment's seq, once found
		found   bool
	)
	return func(_ sim.Time, p *trace.Packet) bool {
		s := &p.Seg
		if found {
			return s.Len > 0 && s.Seq == target
		}
		if s.Flags.Has(wire.SYN) {
			// A SYN starts the sequence space: ISS is its own seq.
			highest, started = s.Seq, true
		}
		if s.SeqLen() == 0 {
			return false
		}
		isNew := !started || !s.Seq.LessThan(highest)
		if !started || highest.LessThan(s.End()) {
			highest = s.End()
		}
		started = true
		if s.Len == 0 || !isNew {
			return false
		}
		count++
		if count == n {
			target, found = s.Seq, true
			return true
		}
		return false
	}
}

// seqIs picks the segments starting at seq that occupy sequence space:
// data, SYN or FIN (pure ACKs carry a seq too, but none of their own).
func seqIs(seq wire.Seq) criterion {
	return func(_ sim.Time, p *trace.Packet) bool {
		return p.Seg.Seq == seq && p.Seg.SeqLen() > 0
	}
}

// flagsAre picks the segments whose flags are exactly f; with nth > 0, only
// the nth of them.
func flagsAre(f wire.Flags, nth int) criterion {
	count := 0
	return func(_ sim.Time, p *trace.Packet) bool {
		if p.Seg.Flags != f {
			return false
		}
		if nth == 0 {
			return true
		}
		if count < nth {
			count++
			return count == nth
		}
		return false
	}
}

// within picks the packets offered in [from, to).
func within(from, to sim.Time) criterion {
	return func(now sim.Time, _ *trace.Packet) bool {
		return !now.Before(from) && now.Before(to)
	}
}
