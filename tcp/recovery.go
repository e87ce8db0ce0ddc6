package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// Loss recovery: what the sender does between detecting a loss and
// having it repaired. Duplicate ACKs start fast retransmit and fast
// recovery (RFC 5681 §3.2); NewReno (RFC 6582) resends one hole per
// partial ACK; with SACK (RFC 2018, RFC 6675 in part, sack.go) the
// scoreboard lets the next hole go with every ACK and keeps data the peer
// holds from being sent again. The input path (processACK, onNewACK,
// onDupACK in retransmit.go) and the RTO hand each event to the
// connection's lossRecovery and apply what it returns; output asks it what
// to resend. No window arithmetic is done outside it.
//
// As gVisor's lossRecovery (reno_recovery.go, sack_recovery.go), the
// strategy is an interface chosen once per connection (initLossRecovery).
// Unlike gVisor's, which writes into the sender through a back-pointer,
// and like ns-3's TcpCongestionOps, a strategy reads a copy of the
// sender's variables (flight) and returns a decision the sender applies;
// it keeps only its own state. Window growth outside recovery, and how far
// ssthresh falls, is the congestion-control algorithm's (cc.go), which the
// strategy calls.

// lossRecovery is one loss-recovery strategy.
type lossRecovery interface {
	// name is the strategy's name ("newreno", "sack").
	name() string
	// onACK sees every acceptable ACK before it is processed, with the
	// sender as it was before it: SACK takes the blocks.
	onACK(f flight, seg *wire.Segment)
	// onNewACK is told that acked bytes were newly acknowledged; f is the
	// sender with SND.UNA already advanced.
	onNewACK(now sim.Time, f flight, acked uint32) decision
	// onDupACK is told of a duplicate ACK (RFC 5681 §2).
	onDupACK(now sim.Time, f flight) decision
	// onRTO is told that the retransmission timer expired; first is set on
	// the first expiry for this data (RFC 5681 §3.1 (4)).
	onRTO(now sim.Time, f flight, first bool) decision
	// inRecovery reports whether fast recovery is in progress.
	inRecovery() bool
	// open reports whether nothing suggests a loss: no recovery, fast or
	// after an RTO, under way, and no duplicate ACK or SACKed data since
	// the last new ACK (Linux's TCP_CA_Open): a tail loss probe may go.
	open() bool
	// onProbeRepair is told that a tail loss probe turned out to have
	// repaired a loss (tlp.go): the window is reduced once.
	onProbeRepair(now sim.Time, f flight) decision
	// resendFrom is asked, as output goes back over sent data after an
	// RTO, where the segment that would start at seq with n bytes should
	// start instead, and how many bytes it may carry: SACK skips data the
	// peer holds and stops before the next SACKed block.
	resendFrom(seq wire.Seq, n uint32, f flight) (wire.Seq, uint32)
	// nextHole returns the next hole to resend in recovery, if any (RFC
	// 6675 NextSeg, rule 1).
	nextHole(f flight) (seq wire.Seq, n uint32, ok bool)
	// resent is told that a retransmission in recovery reached end.
	resent(end wire.Seq)
}

// initLossRecovery chooses the connection's loss recovery, once, when the
// handshake has settled whether SACK is in use: the SACK scoreboard when
// both sides agreed to it, NewReno otherwise. It is the one place a
// strategy is chosen.
func (c *Conn) initLossRecovery() {
	fr := fastRecovery{cc: c.cc, iss: c.iss, recover: c.iss}
	if c.sackOK {
		c.lr = &sackRecovery{fastRecovery: fr, keepAfterRTO: c.h.policy.keepSACKedAfterRTO()}
		return
	}
	c.newReno = newRenoRecovery{fastRecovery: fr}
	c.lr = &c.newReno
}

// flight is the sender as loss recovery sees it: values copied from the
// sender, so that recovery reads them and cannot write them.
type flight struct {
	una, max wire.Seq // SND.UNA and SND.MAX
	end      wire.Seq // one past the last byte written (sndEnd)
	mss      uint32   // SMSS, bytes
	cwnd     uint32   // the congestion window, bytes
	ssthresh uint32   // the slow-start threshold, bytes
	// stalled is set when cwnd does not limit what is sent, so it must
	// not grow (congestion window validation, the policy's validateCwnd).
	stalled bool
}

// size is RFC 5681's FlightSize: bytes sent and not yet acknowledged.
func (f flight) size() uint32 { return f.una.Size(f.max) }

// resendSet says what output should retransmit at its next run.
type resendSet uint8

const (
	// resendFirst resends the segment at SND.UNA: fast retransmit (RFC
	// 5681 §3.2 (3)), NewReno's partial ACK (RFC 6582 §3.2 (3)).
	resendFirst resendSet = 1 << iota
	// resendHole resends the next hole below the highest SACKed byte.
	resendHole
)

// decision is what loss recovery returns for an event: the windows the
// sender takes, what output should resend, and whether the retransmission
// timer keeps running as it is rather than being restarted for this ACK.
type decision struct {
	cwnd, ssthresh uint32
	resend         resendSet
	keepRTO        bool
}

// unchanged returns the decision that changes nothing.
func (f flight) unchanged() decision { return decision{cwnd: f.cwnd, ssthresh: f.ssthresh} }

// dupThresh is the number of duplicate ACKs that signals a loss (RFC 5681 §3.2).
const dupThresh = 3

// fastRecovery is the state and window arithmetic of RFC 5681 §3.2 fast
// retransmit and RFC 6582 NewReno fast recovery, which both strategies
// share: they differ only in what they resend (RFC 6675's pipe is not
// modelled, so SACK recovery keeps NewReno's window).
type fastRecovery struct {
	// cc grows the window outside recovery and sets ssthresh on a loss.
	cc congestionControl
	// iss is the initial send sequence number, "recover"'s initial value.
	iss wire.Seq
	// dupAcks counts duplicate ACKs in a row (RFC 5681 §3.2).
	dupAcks int
	// recovering is set during fast recovery.
	recovering bool
	// partialACKSeen is set once the retransmission timer was restarted on
	// this recovery's first partial ACK.
	partialACKSeen bool
	// recover is RFC 6582's "recover": the highest sequence number sent
	// when recovery (or the last RTO) began.
	recover wire.Seq
	// afterRTO is set from a retransmission timeout until SND.UNA reaches
	// "recover" (Linux's TCP_CA_Loss).
	afterRTO bool
}

func (r *fastRecovery) inRecovery() bool { return r.recovering }

// idle reports whether neither recovery is under way nor a duplicate ACK
// has come since the last new ACK.
func (r *fastRecovery) idle() bool { return !r.recovering && !r.afterRTO && r.dupAcks == 0 }

// probeRepair is tcp_process_tlp_ack's reduction: ssthresh as after a loss
// (Linux's Reno halves cwnd, tcp_reno_ssthresh: the window, not what is in
// flight, is halved), and cwnd down to it (tcp_end_cwnd_reduction in CWR).
func (r *fastRecovery) probeRepair(now sim.Time, f flight) decision {
	d := f.unchanged()
	d.ssthresh = r.cc.ssthreshAfterLoss(now, f.cwnd, f.cwnd, f.mss)
	d.cwnd = min(f.cwnd, d.ssthresh)
	return d
}

// newACK applies RFC 6582 §3.2 (3) to an ACK of acked new bytes in
// recovery, and the congestion-control algorithm's growth outside it. It
// reports whether the ACK was partial: the strategy then resends.
func (r *fastRecovery) newACK(now sim.Time, f flight, acked uint32) (decision, bool) {
	d := f.unchanged()
	r.dupAcks = 0
	if r.afterRTO && !f.una.LessThan(r.recover) {
		r.afterRTO = false // all that was outstanding at the RTO is acknowledged
	}
	partial := false
	switch {
	case r.recovering && !f.una.LessThan(r.recover):
		// A full acknowledgment ends recovery; the window deflates to
		// min(ssthresh, max(FlightSize, SMSS) + SMSS).
		d.cwnd = min(f.ssthresh, max(f.size(), f.mss)+f.mss)
		r.recovering = false
	case r.recovering:
		// A partial acknowledgment: the next hole is lost too. Deflate by
		// what was acknowledged, add back one SMSS "if the partial ACK
		// acknowledges at least one SMSS".
		partial = true
		d.cwnd = f.cwnd - min(f.cwnd, acked)
		if acked >= f.mss {
			d.cwnd += f.mss
		}
		d.cwnd = max(d.cwnd, f.mss)
	case acked > 0 && !f.stalled:
		d.cwnd = r.cc.onAck(now, f.cwnd, f.ssthresh, acked, f.mss)
	}
	// RFC 6298 (5.3) restarts the timer for every new ACK; in recovery
	// only the first partial ACK does (RFC 6582 §3.2 (3), "Impatient").
	d.keepRTO = r.recovering && r.partialACKSeen
	r.partialACKSeen = r.recovering
	return d, partial
}

// dupACK counts a duplicate ACK; the third starts fast retransmit and
// fast recovery (RFC 5681 §3.2, RFC 6582 §3.2 (2)). It reports whether the
// ACK came during recovery (a "further" duplicate).
func (r *fastRecovery) dupACK(now sim.Time, f flight) (decision, bool) {
	d := f.unchanged()
	r.dupAcks++
	if r.recovering {
		d.cwnd += f.mss // (4): each further duplicate inflates the window
		return d, true
	}
	if r.dupAcks != dupThresh {
		return d, false
	}
	// RFC 6582 §3.2 (2): only when the ACK covers more than "recover", so a
	// burst of duplicates after an RTO does not start a second recovery.
	if !r.recover.LessThan(f.una) && r.recover != r.iss {
		return d, false
	}
	r.recover = f.max
	d.ssthresh = r.cc.ssthreshAfterLoss(now, f.cwnd, f.size(), f.mss)
	d.cwnd = d.ssthresh + dupThresh*f.mss
	d.resend = resendFirst
	r.recovering = true
	r.partialACKSeen = false
	return d, false
}

// rto ends any recovery at a retransmission timeout: RFC 5681 §3.1 (4)
// sets ssthresh on the first timeout of a segment and cwnd to the loss
// window, one SMSS; RFC 6582 §3.2 (5) sets "recover".
func (r *fastRecovery) rto(now sim.Time, f flight, first bool) decision {
	d := f.unchanged()
	if first {
		d.ssthresh = r.cc.ssthreshAfterLoss(now, f.cwnd, f.size(), f.mss)
	}
	d.cwnd = f.mss
	r.recovering = false
	r.afterRTO = true
	r.dupAcks = 0
	r.recover = f.max
	return d
}

// newRenoRecovery is RFC 6582's NewReno without SACK: the segment at
// SND.UNA is resent on the third duplicate ACK and on every partial ACK,
// one hole per round trip.
type newRenoRecovery struct {
	fastRecovery
}

func (r *newRenoRecovery) name() string { return "newreno" }

func (r *newRenoRecovery) onACK(flight, *wire.Segment) {}

func (r *newRenoRecovery) onNewACK(now sim.Time, f flight, acked uint32) decision {
	d, partial := r.newACK(now, f, acked)
	if partial {
		d.resend |= resendFirst
	}
	return d
}

func (r *newRenoRecovery) onDupACK(now sim.Time, f flight) decision {
	d, _ := r.dupACK(now, f)
	return d
}

func (r *newRenoRecovery) onRTO(now sim.Time, f flight, first bool) decision {
	return r.rto(now, f, first)
}

// resendFrom: without SACK everything after an RTO is sent again, as first cut.
func (r *newRenoRecovery) resendFrom(seq wire.Seq, n uint32, _ flight) (wire.Seq, uint32) {
	return seq, n
}

func (r *newRenoRecovery) nextHole(flight) (wire.Seq, uint32, bool) { return 0, 0, false }

func (r *newRenoRecovery) open() bool { return r.idle() }

func (r *newRenoRecovery) onProbeRepair(now sim.Time, f flight) decision {
	return r.probeRepair(now, f)
}

func (r *newRenoRecovery) resent(wire.Seq) {}
