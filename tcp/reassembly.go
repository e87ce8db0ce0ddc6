package tcp

import "github.com/tcpsim/tcpsim/wire"

// reassembly keeps out-of-order data: sequence ranges received beyond
// RCV.NXT, sorted and disjoint, and the sequence number of an out-of-order
// FIN. RFC 9293 §3.10.7.4 lets a receiver keep such segments "for later
// processing"; RFC 5681 §4.2 asks for an immediate ACK when they arrive and
// when they fill a gap.
type reassembly struct {
	blocks []wire.SACKBlock // [Left, Right) ranges beyond rcvNxt, sorted
	finAt  wire.Seq
	hasFin bool
	// recent holds where the latest out-of-order arrivals began, newest
	// first, one per block held, at most wire.MaxSACKBlocks: the order in
	// which a receiver reports its SACK blocks (RFC 2018 §4). The sender's
	// scoreboard does not use it.
	recent []wire.Seq
}

// arrived records out-of-order data [seq, end) that has just arrived, its
// block becoming the most recent.
func (r *reassembly) arrived(seq, end wire.Seq) {
	if n := len(r.blocks); n > 0 && len(r.recent) > 0 && seq.LessThan(end) {
		// The common case: the segment after the latest arrival extends
		// the last block, which the latest arrival's block is.
		last := &r.blocks[n-1]
		if last.Right == seq && r.recent[0].InRange(last.Left, last.Right) {
			last.Right = end
			r.recent[0] = seq
			return
		}
	}
	r.add(seq, end)
	b, ok := r.blockOf(seq)
	if !ok {
		return
	}
	// This arrival first, then the earlier ones still held in other blocks
	// (forgetting those whose block was pulled or has merged into this one).
	var keep [wire.MaxSACKBlocks]wire.Seq
	keep[0] = seq
	n := 1
	for _, s := range r.recent {
		if n == len(keep) {
			break
		}
		if s.InRange(b.Left, b.Right) {
			continue
		}
		if _, held := r.blockOf(s); held {
			keep[n] = s
			n++
		}
	}
	r.recent = append(r.recent[:0], keep[:n]...)
}

// blockOf returns the block holding seq, if any.
func (r *reassembly) blockOf(seq wire.Seq) (wire.SACKBlock, bool) {
	for _, b := range r.blocks {
		if seq.InRange(b.Left, b.Right) {
			return b, true
		}
	}
	return wire.SACKBlock{}, false
}

// add records [seq, end) as received.
func (r *reassembly) add(seq, end wire.Seq) {
	if !seq.LessThan(end) {
		return
	}
	// Find the first block that ends at or after seq.
	i := 0
	for i < len(r.blocks) && r.blocks[i].Right.LessThan(seq) {
		i++
	}
	// Merge every block overlapping or touching [seq, end).
	j := i
	for j < len(r.blocks) && r.blocks[j].Left.LessThanEq(end) {
		seq = wire.Min(seq, r.blocks[j].Left)
		end = wire.Max(end, r.blocks[j].Right)
		j++
	}
	nb := wire.SACKBlock{Left: seq, Right: end}
	switch {
	case i == j:
		r.blocks = append(r.blocks, wire.SACKBlock{})
		copy(r.blocks[i+1:], r.blocks[i:])
		r.blocks[i] = nb
	default:
		r.blocks[i] = nb
		r.blocks = append(r.blocks[:i+1], r.blocks[j:]...)
	}
}

// pull removes the data contiguous with rcvNxt and returns the new RCV.NXT
// and how many bytes became in order.
func (r *reassembly) pull(rcvNxt wire.Seq) (wire.Seq, uint32) {
	var n uint32
	for len(r.blocks) > 0 && r.blocks[0].Left.LessThanEq(rcvNxt) {
		b := r.blocks[0]
		if rcvNxt.LessThan(b.Right) {
			n += rcvNxt.Size(b.Right)
			rcvNxt = b.Right
		}
		r.blocks = r.blocks[:copy(r.blocks, r.blocks[1:])]
	}
	return rcvNxt, n
}

// dropBelow forgets what lies before seq.
func (r *reassembly) dropBelow(seq wire.Seq) {
	i := 0
	for i < len(r.blocks) && r.blocks[i].Right.LessThanEq(seq) {
		i++
	}
	r.blocks = r.blocks[:copy(r.blocks, r.blocks[i:])]
	if len(r.blocks) > 0 && r.blocks[0].Left.LessThan(seq) {
		r.blocks[0].Left = seq
	}
}

// bytes returns how many out-of-order bytes are held.
func (r *reassembly) bytes() uint32 {
	var n uint32
	for _, b := range r.blocks {
		n += b.Left.Size(b.Right)
	}
	return n
}

func (r *reassembly) empty() bool { return len(r.blocks) == 0 }

func (r *reassembly) reset() {
	r.blocks = r.blocks[:0]
	r.hasFin = false
	r.recent = r.recent[:0]
}
