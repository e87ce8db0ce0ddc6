package link

import (
	"cmp"
	"slices"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// flight is a packet that will arrive: queued, on the wire or propagating.
type flight struct {
	at  sim.Time // arrival; flights arrive in send order (see flights)
	pkt trace.Packet
	// size is the packet's IP length, computed once at Send.
	size int32
	// corrupt marks a packet damaged on the wire: it arrives, and the
	// receiver's checksum fails.
	corrupt bool
}

// flights holds the packets that will arrive, earliest arrival first, by
// value. Without reordering arrivals are never earlier than those of packets
// sent before (Link.Send clamps them), so a FIFO ring suffices. With
// reordering, the packets sit in a slab of reused slots and a binary
// min-heap of small keys, ordered by (at, seq), says which comes first; the
// heap moves 24-byte keys, not 200-byte packets. Both reuse their storage.
type flights struct {
	reorder bool
	fifo    ring[flight]
	heap    []flightKey
	slab    []trace.Packet // the packets the heap keys point to
	free    []int32        // unused slots of slab
	out     trace.Packet   // the packet pop took from the slab last
}

// flightKey orders one packet of the slab in the heap.
type flightKey struct {
	at      sim.Time
	seq     uint64
	slot    int32
	size    int32 // see flight.size
	corrupt bool  // see flight.corrupt
}

func (f *flights) len() int {
	if f.reorder {
		return len(f.heap)
	}
	return f.fifo.len()
}

// nextAt returns the earliest arrival; f must not be empty.
func (f *flights) nextAt() sim.Time {
	if f.reorder {
		return f.heap[0].at
	}
	return f.fifo.front().at
}

// push adds p, of size IP bytes, arriving at at, corrupt or not; seq
// must exceed every seq pushed before.
func (f *flights) push(at sim.Time, seq uint64, p *trace.Packet, size int, corrupt bool) {
	if !f.reorder {
		fl := f.fifo.pushSlot()
		fl.at = at
		fl.pkt = *p
		fl.size = int32(size)
		fl.corrupt = corrupt
		return
	}
	var slot int32
	if n := len(f.free); n > 0 {
		slot = f.free[n-1]
		f.free = f.free[:n-1]
		f.slab[slot] = *p
	} else {
		slot = int32(len(f.slab))
		f.slab = append(f.slab, *p)
	}
	f.heap = append(f.heap, flightKey{at: at, seq: seq, slot: slot, size: int32(size), corrupt: corrupt})
	f.up(len(f.heap) - 1)
}

// pop removes the packet that arrives first and returns it, with its size
// and whether it was corrupted; f must not be empty. The packet stays valid
// until the next pop, whatever is pushed or removed meanwhile: a packet of
// the FIFO is handed out where it lies (see ring.popFront), one of the heap
// is copied out of the slab, whose slot the next push may take.
func (f *flights) pop() (p *trace.Packet, size int, corrupt bool) {
	if !f.reorder {
		fl := f.fifo.popFront()
		return &fl.pkt, int(fl.size), fl.corrupt
	}
	k := f.heap[0]
	f.out = f.slab[k.slot]
	f.free = append(f.free, k.slot)
	f.removeTop()
	return &f.out, int(k.size), k.corrupt
}

// removeTop removes the heap's root the bottom-up way (Floyd): the hole it
// leaves sinks along the smaller children to a leaf, one comparison a level,
// and the last key fills it and rises, usually not far since it came from
// the bottom.
func (f *flights) removeTop() {
	h := f.heap
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	f.heap = h
	if n == 0 {
		return
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && f.less(r, c) {
			c = r
		}
		h[i] = h[c]
		i = c
	}
	h[i] = last
	f.up(i)
}

// removeAll empties f, calling fn for each packet in the order they were sent.
func (f *flights) removeAll(fn func(p *trace.Packet)) {
	if !f.reorder {
		for i := 0; i < f.fifo.len(); i++ {
			fn(&f.fifo.at(i).pkt)
		}
		f.fifo.clear()
		return
	}
	slices.SortFunc(f.heap, func(a, b flightKey) int { return cmp.Compare(a.seq, b.seq) })
	for _, k := range f.heap {
		fn(&f.slab[k.slot])
	}
	f.heap, f.slab, f.free = f.heap[:0], f.slab[:0], f.free[:0]
}

func (f *flights) less(i, j int) bool {
	a, b := &f.heap[i], &f.heap[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (f *flights) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !f.less(j, i) {
			break
		}
		f.heap[i], f.heap[j] = f.heap[j], f.heap[i]
		j = i
	}
}
