package tcp

import (
	"net/netip"

	"github.com/tcpsim/tcpsim/wire"
)

// Holds reports whether the connection from local to peer has received
// every byte of [seq, seq+n): below RCV.NXT, or held out of order. It is
// the receiver's side of the "spurious-retransmission" label: the world
// that joins two hosts asks the receiving host about each retransmission
// as it is sent (scenarios/world), since a sender cannot know what its
// peer holds. It changes nothing. A connection the host does not have
// (never opened, closed, or lost in a reboot) holds nothing.
func (h *Host) Holds(local, peer netip.AddrPort, seq wire.Seq, n uint32) bool {
	c := h.lookup(local, peer)
	if c == nil || n == 0 {
		return false
	}
	end := seq.Add(n)
	if end.LessThanEq(c.rcvNxt) {
		return true
	}
	from := wire.Max(seq, c.rcvNxt)
	for _, b := range c.ooo.blocks {
		if from.InRange(b.Left, b.Right) {
			return end.LessThanEq(b.Right)
		}
	}
	return false
}
