package link

import (
	"time"

	"github.com/tcpsim/tcpsim/sim"
)

// serializationTime is how long a link of bandwidth bits per second takes to
// put size bytes on the wire, in whole nanoseconds rounded up, so that a
// packet is never on the wire for less than its true time.
func serializationTime(size int, bandwidth int64) time.Duration {
	bits := int64(size) * 8 * int64(time.Second) // exact up to 1 GB packets
	return time.Duration((bits + bandwidth - 1) / bandwidth)
}

// transmission is one packet's turn at the serializer: it waits in the queue
// until the transmission before it ends and is on the wire until end. Its
// start is not kept: once the finished transmissions are forgotten (advance),
// the first one has started (see waiting).
type transmission struct {
	end  sim.Time
	size int // IP packet bytes
}

// serializer is the drop-tail queue and the transmitter behind it. It holds
// the transmissions that have not finished, in order; transmissions follow one
// another back to back, so at any instant at most the first is on the wire
// and the rest are waiting.
type serializer struct {
	q     ring[transmission]
	bytes int      // sum of the sizes in q
	free  sim.Time // when the last transmission in q ends: the serializer's next free instant
}

// advance forgets the transmissions that have finished by now.
func (s *serializer) advance(now sim.Time) {
	for s.q.len() > 0 {
		t := s.q.front()
		if t.end > now {
			return
		}
		s.bytes -= t.size
		s.q.pop()
	}
}

// waiting returns the packets and bytes queued behind the wire at the time
// of the last advance. After advance(now) the first transmission, if any,
// is on the wire: it started at its send time, which was not after now, or
// when the one before it ended, which advance found not after now (reset
// sets free to its own time, which is not after later sends either).
func (s *serializer) waiting() (packets, bytes int) {
	if s.q.len() == 0 {
		return 0, 0
	}
	return s.q.len() - 1, s.bytes - s.q.front().size
}

// add appends a transmission that ends at end; it starts at max(now, free).
func (s *serializer) add(end sim.Time, size int) {
	if s.q.full() {
		s.q.grow()
	}
	*s.q.push() = transmission{end: end, size: size}
	s.bytes += size
	s.free = end
}

// reset empties the queue and frees the wire at now.
func (s *serializer) reset(now sim.Time) {
	s.q.clear()
	s.bytes = 0
	s.free = now
}
