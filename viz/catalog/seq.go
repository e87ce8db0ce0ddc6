package catalog

import (
	"fmt"
	"net/netip"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// SeqNumbers says how the outputs show sequence numbers (SEQ, ACK and SACK
// edges). The zero value is SeqAbsolute.
type SeqNumbers uint8

const (
	// SeqAbsolute shows the numbers as they are in the header.
	SeqAbsolute SeqNumbers = iota
	// SeqRelative shows them relative to the initial sequence number of
	// their direction, as Wireshark does: SYN seq=0, SYN,ACK seq=0 ack=1.
	SeqRelative
)

var seqNumbersNames = [...]string{SeqAbsolute: "absolute", SeqRelative: "relative"}

// String returns "absolute" or "relative".
func (s SeqNumbers) String() string {
	if int(s) < len(seqNumbersNames) {
		return seqNumbersNames[s]
	}
	return fmt.Sprintf("SeqNumbers(%d)", uint8(s))
}

// ParseSeqNumbers returns the style named "absolute" or "relative".
func ParseSeqNumbers(s string) (SeqNumbers, error) {
	for i, n := range seqNumbersNames {
		if s == n {
			return SeqNumbers(i), nil
		}
	}
	return 0, fmt.Errorf("unknown sequence numbering %q; it is %q or %q", s, SeqAbsolute, SeqRelative)
}

// Check returns an error for a value that is neither SeqAbsolute nor
// SeqRelative.
func (s SeqNumbers) Check() error {
	if int(s) >= len(seqNumbersNames) {
		return fmt.Errorf("unknown sequence numbering %v; it is %q or %q", s, SeqAbsolute, SeqRelative)
	}
	return nil
}

// ISNs shows the sequence numbers of segments as its SeqNumbers says. For
// relative numbers it learns each side's initial sequence number from the
// SYNs that side sends (per node, address and port, so that traces without
// addresses work too): a side's numbers are absolute until its SYN has
// been seen. Its memory grows with the connections, not with the records.
type ISNs struct {
	style SeqNumbers
	isn   map[endpoint]wire.Seq
}

// endpoint is one side of a connection: its node, its own address and
// port, and the other side's (a server's port serves many connections).
type endpoint struct {
	node     string
	ap, peer netip.AddrPort
}

// NewISNs returns an ISNs that shows numbers in style.
func NewISNs(style SeqNumbers) *ISNs {
	return &ISNs{style: style, isn: make(map[endpoint]wire.Seq)}
}

// Learn takes the ISN of r's sender when r sends a SYN; other records it
// ignores. Call it for every send record, in the trace's order.
func (n *ISNs) Learn(r *trace.Record) {
	if n.style == SeqRelative && r.Kind == trace.KindSend && r.Pkt.Seg.Flags.Has(wire.SYN) {
		n.isn[endpoint{r.Node, r.Pkt.Seg.Src, r.Pkt.Seg.Dst}] = r.Pkt.Seg.Seq
	}
}

// Seq returns the sequence number of r's segment as shown.
func (n *ISNs) Seq(r *trace.Record) uint64 {
	return n.show(endpoint{r.Node, r.Pkt.Seg.Src, r.Pkt.Seg.Dst}, r.Pkt.Seg.Seq)
}

// Ack returns the acknowledgment number of r's segment as shown: relative
// to the receiver's ISN.
func (n *ISNs) Ack(r *trace.Record) uint64 {
	return n.show(endpoint{r.Peer, r.Pkt.Seg.Dst, r.Pkt.Seg.Src}, r.Pkt.Seg.Ack)
}

// Edge returns a SACK block's edge v in r's segment as shown: relative to
// the receiver's ISN, like the ACK.
func (n *ISNs) Edge(r *trace.Record, v wire.Seq) uint64 {
	return n.show(endpoint{r.Peer, r.Pkt.Seg.Dst, r.Pkt.Seg.Src}, v)
}

// show returns v, a number of the side e, as shown.
func (n *ISNs) show(e endpoint, v wire.Seq) uint64 {
	if n.style == SeqRelative {
		if isn, ok := n.isn[e]; ok {
			return uint64(uint32(v - isn))
		}
	}
	return uint64(v)
}
