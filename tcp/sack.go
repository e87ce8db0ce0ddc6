package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// The sender's SACK scoreboard (RFC 2018; RFC 6675 in part). When both
// sides agreed to SACK, the blocks in the peer's ACKs tell which data
// beyond SND.UNA has arrived. The sender then never retransmits it: after
// an RTO it goes back over the holes only (as Linux's tcp_enter_loss marks
// only un-SACKed data lost), and during fast recovery each further ACK lets
// the next hole go, rather than NewReno's one hole per round trip. The
// window arithmetic stays NewReno's (RFC 6582); RFC 6675's pipe is not
// modelled. SACKed data is kept through an RTO, as Linux keeps it while
// the receiver does not renege.

// takeSACK records the SACK blocks of an arriving ACK.
func (c *Conn) takeSACK(seg *wire.Segment) {
	if !c.sackOK {
		return
	}
	for _, b := range seg.Opt.SACK[:min(int(seg.Opt.NumSACK), wire.MaxSACKBlocks)] {
		left, right := wire.Max(b.Left, c.sndUna), b.Right
		if left.LessThan(right) && right.LessThanEq(c.sndMax) {
			c.sacked.add(left, right)
		}
	}
}

// trimSACKed forgets blocks SND.UNA has passed.
func (c *Conn) trimSACKed() {
	c.sacked.dropBelow(c.sndUna)
}

// sackedRange reports whether seq has been SACKed and, if so, where that
// block ends; otherwise it returns where the next SACKed block begins
// (SND.MAX when none does).
func (c *Conn) sackedRange(seq wire.Seq) (end wire.Seq, sacked bool) {
	for _, b := range c.sacked.blocks {
		if seq.InRange(b.Left, b.Right) {
			return b.Right, true
		}
		if seq.LessThan(b.Left) {
			return b.Left, false
		}
	}
	return c.sndMax, false
}

// highestSACKed returns the end of the highest SACKed block, or SND.UNA.
func (c *Conn) highestSACKed() wire.Seq {
	if n := len(c.sacked.blocks); n > 0 {
		return c.sacked.blocks[n-1].Right
	}
	return c.sndUna
}

// retransmitNextHole resends the first hole at or after rexmitNxt that lies
// below the highest SACKed byte (RFC 6675 NextSeg, rule 1), if any.
func (c *Conn) retransmitNextHole(now sim.Time, emit func(*trace.Packet)) {
	seq := wire.Max(c.rexmitNxt, c.sndUna)
	for {
		end, sacked := c.sackedRange(seq)
		if !sacked {
			break
		}
		seq = end
	}
	if !seq.LessThan(c.highestSACKed()) {
		return
	}
	next, _ := c.sackedRange(seq)
	n := min(c.sndMSS, seq.Size(next), seq.Size(wire.Min(c.sndEnd, c.sndMax)))
	if n == 0 {
		return
	}
	flags := wire.ACK
	if seq.Add(n) == c.sndEnd {
		flags |= wire.PSH
	}
	c.send(now, emit, seq, n, flags, trace.LabelFastRetransmission, notProbe)
	c.rexmitNxt = seq.Add(n)
}
