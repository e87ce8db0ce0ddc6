package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// The sender's SACK scoreboard and loss recovery (RFC 2018, RFC 6675).
// When both sides agreed to SACK, the blocks in the peer's ACKs tell which
// data beyond SND.UNA has arrived. The sender then never retransmits it:
// after an RTO it goes back over the holes only (as Linux's tcp_enter_loss
// marks only un-SACKed data lost), and in fast recovery RFC 6675's
// conservative algorithm replaces NewReno's window arithmetic (RFC 6582):
//
//   - IsLost(S): DupThresh discontiguous SACKed blocks above S, or more
//     than (DupThresh−1)·SMSS SACKed bytes above it (§4).
//   - Recovery starts on the DupThresh-th duplicate ACK, or on an earlier
//     one when IsLost(HighACK+1) (§5 (1), (2)); RecoveryPoint = HighData
//     (here "recover" = SND.MAX); cwnd = ssthresh = the algorithm's
//     ssthreshAfterLoss (RFC 5681's FlightSize/2 for newreno, CUBIC's
//     β·cwnd), FlightSize counted without limited transmit (§5 (4.2)).
//   - pipe (SetPipe, §4) is every un-SACKed byte between HighACK and
//     HighData not deemed lost, plus every one retransmitted (at or below
//     HighRxt); segments go while cwnd − pipe ≥ 1 SMSS (§5 (C)), chosen by
//     NextSeg (§4): (1) the first lost hole above HighRxt, (2) new data,
//     (3) the first hole above HighRxt below the highest SACKed byte, (4)
//     once per recovery, a rescue retransmission of the highest un-SACKed
//     segment. The window neither inflates on duplicates nor deflates on
//     partial ACKs; recovery ends when HighACK reaches RecoveryPoint (§5
//     (A)), with cwnd = ssthresh.
//   - On the duplicate ACKs before recovery, limited transmit is §5 (3)'s:
//     new data while cwnd − pipe ≥ 1 SMSS, HighRxt = HighACK.
//   - An RTO (§5.1) ends recovery, sets RecoveryPoint (recover) to HighData
//     and starts no new recovery until HighACK reaches it
//     (fastRecovery.rto, dupACK's RFC 6582 guard).
//
// The linux profile: Linux's tcp_xmit_retransmit_queue resends only data
// marked lost (rule 1) and new data (rule 2); it has neither rule (3) nor
// (4) (the tail is the loss probe's, tlp.go), so the policy leaves them out
// (sackRescue). Linux paces the sending in recovery by PRR (RFC 6937,
// tcp_cwnd_reduction: in_flight falls to ssthresh in proportion to what
// is delivered) rather than by cwnd − pipe; PRR is not modelled: both
// profiles send as RFC 6675 says, which after a halving sends nothing
// until pipe has fallen below the new cwnd (about half a round trip), then
// a segment for each one delivered, where PRR spreads the reduction over
// the whole round trip (about one segment for every two delivered). Whether
// SACKed data is remembered through an RTO is the policy's (RFC 2018 §8
// says forget it; Linux keeps it).

// sackRecovery is loss recovery with the SACK scoreboard.
type sackRecovery struct {
	fastRecovery
	// sacked holds what the peer has SACKed beyond SND.UNA, as sorted,
	// disjoint sequence ranges.
	sacked reassembly
	// rexmitNxt is one past HighRxt, the highest byte retransmitted in
	// this recovery (RFC 6675 §2).
	rexmitNxt wire.Seq
	// rescueEnd is one past RescueRxt (§2): a rescue retransmission
	// (NextSeg rule (4)) may go once SND.UNA has reached it; rescueNext is
	// set while the segment nextHole named is that rescue, which leaves
	// HighRxt alone (§5 (C.2)).
	rescueEnd  wire.Seq
	rescueNext bool
	// entering is set from the start of recovery until its first
	// retransmission, which sets RescueRxt (§5 (4.3)).
	entering bool
	// rescue allows NextSeg rules (3) and (4) (the policy's sackRescue).
	rescue bool
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

// onNewACK forgets blocks SND.UNA has passed. In recovery the window
// stays (RFC 6675 §5 (B)): a partial ACK lowers pipe, and output sends
// what it makes room for; the ACK that reaches RecoveryPoint ends recovery
// (§5 (A)) with cwnd = ssthresh (Linux's tcp_end_cwnd_reduction).
func (r *sackRecovery) onNewACK(now sim.Time, f flight, acked uint32) decision {
	r.sacked.dropBelow(f.una)
	recovering := r.recovering
	d, _ := r.newACK(now, f, acked)
	if recovering {
		d.cwnd = f.cwnd
		if !r.recovering {
			d.cwnd = f.ssthresh
		}
	}
	return d
}

// onDupACK: the third duplicate, or an earlier one when the scoreboard
// shows the segment at SND.UNA lost (RFC 6675 §5 (2)), starts recovery
// with the segment at SND.UNA, and cwnd = ssthresh (§5 (4.2)); further
// ones change no window (pipe falls with what they SACK).
func (r *sackRecovery) onDupACK(now sim.Time, f flight) decision {
	lost := !r.recovering && r.isLost(f.una, f.mss)
	d, further := r.dupACK(now, f, lost)
	d.limitedTransmit = 0 // §5 (3): pipe governs limited transmit (pipe)
	switch {
	case further:
		d.cwnd = f.cwnd
	case d.resend&resendFirst != 0 && f.una.LessThan(r.rexmitNxt):
		// Recovery begins again while the segment at SND.UNA, a hole of
		// the recovery before, has been resent and that copy is not yet
		// acknowledged: it is not resent twice (RFC 6675's scoreboard
		// remembers what was retransmitted, and pipe counts that copy in
		// flight; Linux's TCPCB_SACKED_RETRANS keeps
		// tcp_xmit_retransmit_queue from sending it again). HighRxt stays
		// and NextSeg goes on from it; if the copy was lost, the RTO finds
		// it.
		d.resend &^= resendFirst
		r.entering = true
		r.rescueNext = false
		if r.recovering {
			d.cwnd = d.ssthresh
		}
	case d.resend&resendFirst != 0:
		// Recovery begins: holes are resent from SND.UNA (HighRxt).
		r.rexmitNxt = f.una
		r.entering = true
		r.rescueNext = false
		if r.recovering {
			d.cwnd = d.ssthresh
		}
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

// nextHole is RFC 6675 §4's NextSeg, when the window has room (§5 (C):
// cwnd − pipe ≥ 1 SMSS): rule (1), the first un-SACKed byte above HighRxt
// and below the highest SACKed byte that IsLost; with later, rule (3), the
// first such byte lost or not, then rule (4), once per recovery, the
// highest un-SACKed segment. A segment is at most one SMSS, ends before
// the next SACKed block, and carries data only (no FIN).
func (r *sackRecovery) nextHole(f flight, later bool) (wire.Seq, uint32, bool) {
	if !r.recovering {
		return 0, 0, false
	}
	if pipe := r.setPipe(f); f.cwnd < pipe || f.cwnd-pipe < f.mss {
		return 0, 0, false
	}
	high := r.highestSACKed(f.una)
	for seq := wire.Max(r.rexmitNxt, f.una); seq.LessThan(high); {
		end, sacked := r.sackedRange(seq, f.max)
		if sacked {
			seq = end
			continue
		}
		if !(later && r.rescue) && !r.isLost(seq, f.mss) {
			break // IsLost only falls going up: no later hole is lost either
		}
		if n := min(f.mss, seq.Size(end), seq.Size(wire.Min(f.end, f.max))); n > 0 {
			return seq, n, true
		}
		break
	}
	// Rule (4) needs HighACK > RescueRxt; HighACK is the highest byte
	// acknowledged (SND.UNA − 1) and RescueRxt the highest byte of the
	// first retransmission (rescueEnd − 1): SND.UNA > rescueEnd.
	if !later || !r.rescue || !r.rescueEnd.LessThan(f.una) {
		return 0, 0, false
	}
	// Rule (4): a segment that includes the highest un-SACKed byte of
	// data. Read here for a tail above every SACKed byte, which rules (1)
	// and (3) never reach: below the highest SACKed byte they have resent
	// every hole already, and the rule read literally would send one of
	// them a second time in the round trip.
	last, lastEnd := high, wire.Min(f.max, f.end)
	if !last.LessThan(lastEnd) {
		return 0, 0, false
	}
	if last.Size(lastEnd) > f.mss {
		last = lastEnd.Add(-f.mss)
	}
	r.rescueEnd = r.recover // RescueRxt = RecoveryPoint: once per recovery
	r.rescueNext = true
	return last, last.Size(lastEnd), true
}

// resent takes a retransmission in recovery: HighRxt rises to it (§5
// (C.2)), unless it was the rescue; the first one of a recovery sets
// RescueRxt (§5 (4.3)).
func (r *sackRecovery) resent(end wire.Seq) {
	if r.entering {
		r.entering = false
		r.rescueEnd = end
	}
	if r.rescueNext {
		r.rescueNext = false
		return
	}
	r.rexmitNxt = wire.Max(r.rexmitNxt, end)
}

// isLost is RFC 6675 §4's IsLost(seq): "DupThresh discontiguous SACKed
// sequences have arrived above 'SeqNum' or more than (DupThresh − 1) ·
// SMSS bytes with sequence numbers greater than 'SeqNum' have been
// SACKed". The discontiguous sequences are counted as the scoreboard's
// blocks (contiguous SACKed segments merge into one; their bytes then
// count under the second rule).
func (r *sackRecovery) isLost(seq wire.Seq, mss uint32) bool {
	blocks, bytes := 0, uint32(0)
	for _, b := range r.sacked.blocks {
		if above := wire.Max(b.Left, seq.Add(1)); above.LessThan(b.Right) {
			blocks++
			bytes += above.Size(b.Right)
		}
	}
	return blocks >= dupThresh || bytes > (dupThresh-1)*mss
}

// setPipe is RFC 6675 §4's SetPipe: for each un-SACKed byte between
// HighACK (SND.UNA) and HighData (SND.MAX), one if it is not lost and one
// more if it was retransmitted (at or below HighRxt). Outside recovery
// HighRxt is HighACK (§5 (3.1)). IsLost is the same for every byte of a
// hole, so holes are counted whole.
func (r *sackRecovery) setPipe(f flight) uint32 {
	highRxt := f.una
	if r.recovering {
		highRxt = wire.Max(r.rexmitNxt, f.una)
	}
	var pipe uint32
	for seq := f.una; seq.LessThan(f.max); {
		end, sacked := r.sackedRange(seq, f.max)
		if !sacked {
			if !r.isLost(seq, f.mss) {
				pipe += seq.Size(end)
			}
			if seq.LessThan(highRxt) {
				pipe += seq.Size(wire.Min(end, highRxt))
			}
		}
		seq = end
	}
	return pipe
}

// pipe governs sending in recovery, and on the duplicate ACKs before it
// (limited transmit, §5 (3)); not after an RTO (§5.1: the RTO's recovery
// is RFC 5681's).
func (r *sackRecovery) pipe(f flight) (uint32, bool) {
	if !r.pipeGoverns() {
		return 0, false
	}
	return r.setPipe(f), true
}

// pipeGoverns reports whether pipe governs sending now: pipe's test, which
// the sender asks before it copies its variables for pipe.
func (r *sackRecovery) pipeGoverns() bool {
	return r.recovering || r.dupAcks > 0 && !r.afterRTO
}

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
