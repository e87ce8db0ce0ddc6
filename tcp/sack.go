package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// The sender's SACK scoreboard (RFC 2018; RFC 6675 in part). When both
// sides agreed to SACK, the blocks in the peer's ACKs tell which data
// beyond SND.UNA has arrived. The sender then never retransmits it: after
// an RTO it goes back over the holes only (as Linux's tcp_enter_loss marks
// only un-SACKed data lost), and during fast recovery each further ACK lets
// the next hole go, rather than NewReno's one hole per round trip. The
// window arithmetic stays NewReno's (RFC 6582, fastRecovery); RFC 6675's
// pipe is not modelled. Whether SACKed data is remembered through an RTO is
// the policy's (RFC 2018 §8 says forget it; Linux keeps it).

// sackRecovery is loss recovery with the SACK scoreboard.
type sackRecovery struct {
	fastRecovery
	// sacked holds what the peer has SACKed beyond SND.UNA, as sorted,
	// disjoint sequence ranges.
	sacked reassembly
	// rexmitNxt is how far holes have been resent in this recovery.
	rexmitNxt wire.Seq
	// keepAfterRTO keeps the scoreboard through a retransmission timeout
	// (the policy's keepSACKedAfterRTO); otherwise an RTO clears it.
	keepAfterRTO bool
}

func (r *sackRecovery) name() string { return "sack" }

// onACK records the SACK blocks of an arriving ACK that lie between SND.UNA
// and SND.MAX.
func (r *sackRecovery) onACK(f flight, seg *wire.Segment) {
	for _, b := range seg.Opt.SACK[:min(int(seg.Opt.NumSACK), wire.MaxSACKBlocks)] {
		left, right := wire.Max(b.Left, f.una), b.Right
		if left.LessThan(right) && right.LessThanEq(f.max) {
			r.sacked.add(left, right)
		}
	}
}

// onNewACK forgets blocks SND.UNA has passed; a partial ACK in recovery
// lets the next hole go.
func (r *sackRecovery) onNewACK(now sim.Time, f flight, acked uint32) decision {
	r.sacked.dropBelow(f.una)
	d, partial := r.newACK(now, f, acked)
	if partial {
		d.resend |= resendHole
	}
	return d
}

// onDupACK: the third starts recovery with the segment at SND.UNA; each
// further one lets the next hole go.
func (r *sackRecovery) onDupACK(now sim.Time, f flight) decision {
	d, further := r.dupACK(now, f)
	switch {
	case further:
		d.resend |= resendHole
	case d.resend&resendFirst != 0 && f.una.LessThan(r.rexmitNxt):
		// Recovery begins again while the segment at SND.UNA, a hole of
		// the recovery before, has been resent and that copy is not yet
		// acknowledged: it is not resent twice (RFC 6675's scoreboard
		// remembers what was retransmitted; Linux's TCPCB_SACKED_RETRANS
		// keeps tcp_xmit_retransmit_queue from sending it again). The next
		// hole goes instead; if the copy was lost, the RTO finds it.
		d.resend = d.resend&^resendFirst | resendHole
	case d.resend&resendFirst != 0:
		r.rexmitNxt = f.una // recovery begins: holes are resent from SND.UNA
	}
	return d
}

// onRTO clears the scoreboard unless the policy keeps it: RFC 2018 §8
// fears the receiver reneged, Linux's tcp_enter_loss trusts it did not,
// unless the data at SND.UNA itself is marked SACKed, which proves it did
// (tcp_timeout_mark_lost). Either way the segment at SND.UNA goes again
// (RFC 2018 §8: "MUST retransmit the segment at the left edge of the window
// after a retransmit timeout"), and SACK blocks arriving after the timeout
// are used.
func (r *sackRecovery) onRTO(now sim.Time, f flight, first bool) decision {
	if _, reneged := r.sackedRange(f.una, f.max); !r.keepAfterRTO || reneged {
		r.sacked.reset()
	}
	r.rexmitNxt = f.una // after the timeout everything unSACKed goes again
	return r.rto(now, f, first)
}

// resendFrom skips what the peer has SACKed and stops the segment at the
// next SACKed block (or SND.MAX).
func (r *sackRecovery) resendFrom(seq wire.Seq, n uint32, f flight) (wire.Seq, uint32) {
	end, sacked := r.sackedRange(seq, f.max)
	if sacked {
		return end, 0
	}
	if seq.LessThan(end) {
		n = min(n, seq.Size(end))
	}
	return seq, n
}

// nextHole returns the first hole at or after rexmitNxt that lies below
// the highest SACKed byte (RFC 6675 NextSeg, rule 1), at most one SMSS,
// and not past the data written or sent.
func (r *sackRecovery) nextHole(f flight) (wire.Seq, uint32, bool) {
	seq := wire.Max(r.rexmitNxt, f.una)
	for {
		end, sacked := r.sackedRange(seq, f.max)
		if !sacked {
			break
		}
		seq = end
	}
	if !seq.LessThan(r.highestSACKed(f.una)) {
		return 0, 0, false
	}
	next, _ := r.sackedRange(seq, f.max)
	n := min(f.mss, seq.Size(next), seq.Size(wire.Min(f.end, f.max)))
	return seq, n, n > 0
}

func (r *sackRecovery) resent(end wire.Seq) { r.rexmitNxt = wire.Max(r.rexmitNxt, end) }

// open: with SACK, SACKed data beyond SND.UNA is a sign of loss too
// (Linux's TCP_CA_Disorder).
func (r *sackRecovery) open() bool { return r.idle() && r.sacked.empty() }

func (r *sackRecovery) onProbeRepair(now sim.Time, f flight) decision { return r.probeRepair(now, f) }

// sackedRange reports whether seq has been SACKed and, if so, where that
// block ends; otherwise it returns where the next SACKed block begins
// (max, SND.MAX, when none does).
func (r *sackRecovery) sackedRange(seq, max wire.Seq) (end wire.Seq, sacked bool) {
	for _, b := range r.sacked.blocks {
		if seq.InRange(b.Left, b.Right) {
			return b.Right, true
		}
		if seq.LessThan(b.Left) {
			return b.Left, false
		}
	}
	return max, false
}

// highestSACKed returns the end of the highest SACKed block, or una
// (SND.UNA) when nothing is SACKed.
func (r *sackRecovery) highestSACKed(una wire.Seq) wire.Seq {
	if n := len(r.sacked.blocks); n > 0 {
		return r.sacked.blocks[n-1].Right
	}
	return una
}
