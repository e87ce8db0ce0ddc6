// Package compare holds two traces of one exchange against each other,
// segment by segment: a simulation and what the real kernel sent, or a
// capture. It lines up the segments each side sent (an alignment that
// survives an extra or a missing segment), tells for each pair what
// differs — PSH, window, options, labels — and how far apart in time the
// two were sent, and sums it up in a similarity figure.
//
// Like every output it reads trace records and nothing else of the
// simulator.
package compare

import (
	"net/netip"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Dir is the direction of a segment: from the client to the server, or
// back.
type Dir uint8

// The directions.
const (
	ClientToServer Dir = iota
	ServerToClient
)

func (d Dir) String() string {
	if d == ClientToServer {
		return "c→s"
	}
	return "s→c"
}

// Segment is one segment a trace sent, as the comparison sees it: sequence
// and acknowledgment numbers (and SACK edges) relative to the ISN of their
// direction, the time since the trace's first segment.
type Segment struct {
	T      time.Duration // since the trace's first segment
	Dir    Dir
	Flags  wire.Flags
	Seq    uint32 // relative to the sender's ISN: a SYN is 0, the first data byte 1
	Ack    uint32 // relative to the receiver's ISN; 0 without ACK
	Len    uint32
	Win    uint32 // the window in bytes, after scaling
	Labels trace.Label
	N      int32        // the ordinal that goes with a label
	Opt    wire.Options // SACK edges relative, as Ack
	Conn   uint32       // the connection's number on its sender
}

// keyFlags are the flags that must agree for two segments to be the same
// segment. PSH is left out: where the stack sets it is a detail (Linux
// sets it about every other segment of a large write) that the report
// shows as a difference of the pair.
const keyFlags = ^wire.PSH

// key is what makes two segments the same segment.
type key struct {
	dir   Dir
	flags wire.Flags
	seq   uint32
	ack   uint32
	len   uint32
}

func (s *Segment) key() key {
	return key{s.Dir, s.Flags & keyFlags, s.Seq, s.Ack, s.Len}
}

// Segments returns the segments a trace sent, in the order of its send
// records. The client is the first node the trace names (its first node
// record), or the node called "client" when it names none. Each side's ISN
// is its SYN's sequence number; a side whose SYN the trace lacks (a
// capture started late) is numbered as though its SYN came just before
// its first segment, and its ACKs likewise.
func Segments(records []trace.Record) []Segment {
	client := "client"
	for i := range records {
		if records[i].Kind == trace.KindNode {
			client = records[i].Node
			break
		}
	}
	isn := make(map[flow]wire.Seq)
	var out []Segment
	var first sim.Time
	for i := range records {
		r := &records[i]
		if r.Kind != trace.KindSend || r.Pkt == nil {
			continue
		}
		s := &r.Pkt.Seg
		if len(out) == 0 {
			first = r.T
		}
		fwd, rev := flow{r.Node, s.Src, s.Dst}, flow{r.Peer, s.Dst, s.Src}
		if s.Flags.Has(wire.SYN) {
			isn[fwd] = s.Seq
		} else if _, ok := isn[fwd]; !ok {
			isn[fwd] = s.Seq.Add(^uint32(0)) // Seq − 1
		}
		seg := Segment{
			T: time.Duration(r.T - first), Flags: s.Flags, Seq: uint32(s.Seq - isn[fwd]), Len: s.Len,
			Win: r.Pkt.Win, Labels: r.Pkt.Labels, N: r.Pkt.N, Opt: s.Opt, Conn: r.Conn,
		}
		if r.Node != client {
			seg.Dir = ServerToClient
		}
		if s.Flags.Has(wire.ACK) {
			if _, ok := isn[rev]; !ok {
				isn[rev] = s.Ack.Add(^uint32(0))
			}
			seg.Ack = uint32(s.Ack - isn[rev])
		}
		for k := range seg.Opt.SACK[:seg.Opt.NumSACK] {
			b := &seg.Opt.SACK[k]
			b.Left, b.Right = b.Left-isn[rev], b.Right-isn[rev]
		}
		out = append(out, seg)
	}
	return out
}

// flow names one direction of a connection.
type flow struct {
	node     string
	src, dst netip.AddrPort
}
