package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Loss recovery: what the sender does between detecting a loss and
// having it repaired. Duplicate ACKs start fast retransmit and fast
// recovery (RFC 5681 §3.2); NewReno (RFC 6582) resends one hole per
// partial ACK; with SACK (RFC 2018, RFC 6675, sack.go) the scoreboard
// says which holes are lost, RFC 6675's pipe replaces NewReno's window
// arithmetic, several holes go in one round trip, and data the peer holds
// is never sent again. The input path (processACK, onNewACK,
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
	// nextHole returns the next segment to resend in recovery, if any,
	// and if the window has room for it (RFC 6675 §4 NextSeg, rule (1);
	// rules (3) and (4) too when later is set, after output found no new
	// data to send, rule (2)).
	nextHole(f flight, later bool) (seq wire.Seq, n uint32, ok bool)
	// resent is told that a retransmission in recovery reached end.
	resent(end wire.Seq)
	// pipe returns RFC 6675's pipe, the sender's estimate of the bytes in
	// the network, when it, rather than SND.UNA + cwnd, governs what may
	// be sent now (ok): during SACK recovery and, for limited transmit,
	// on the duplicate ACKs before it (RFC 6675 §5 (3), (C)).
	pipe(f flight) (pipe uint32, ok bool)
}

// initLossRecovery chooses the connection's loss recovery, once, when the
// handshake has settled whether SACK is in use: the SACK scoreboard when
// both sides agreed to it and the algorithm recovers as NewReno does
// (newreno, cubic); otherwise recovery from cumulative ACKs alone, in the
// algorithm's style. Tahoe, Reno and none predate SACK and keep their own
// recovery when it is negotiated: the blocks still go in the peer's ACKs
// (the receiver side is unchanged), the sender ignores them (as a 1990s
// BSD sender that offered no SACK would never have seen them). It is the
// one place a strategy is chosen.
func (c *Conn) initLossRecovery() {
	style := recoveryStyleOf(c.h.cfg.CongestionControl)
	if style == styleReno && c.h.policy.renoRecoversAsNewReno() {
		style = styleNewReno
	}
	fr := fastRecovery{cc: c.cc, style: style, iss: c.iss, recover: c.iss,
		impatient: c.h.policy.impatientRTO()}
	if c.sackOK && fr.style == styleNewReno {
		c.sack = &sackRecovery{fastRecovery: fr, keepAfterRTO: c.h.policy.keepSACKedAfterRTO(),
			rescue: c.h.policy.sackRescue()}
		c.lr = c.sack
		return
	}
	c.cumulative = cumulativeRecovery{fastRecovery: fr}
	c.lr = &c.cumulative
	c.sack = nil
}

// recoveryStyle is how fast recovery goes for an algorithm: the algorithms
// differ there, not in the strategy (what to resend).
type recoveryStyle uint8

const (
	// styleNewReno is RFC 6582 (newreno; cubic too, RFC 9438 §4.6 leaves
	// recovery to the standard algorithms).
	styleNewReno recoveryStyle = iota
	// styleReno is RFC 5681 §3.2: the first ACK of new data ends recovery.
	styleReno
	// styleTahoe has no fast recovery: after the fast retransmit, the loss
	// window and slow start.
	styleTahoe
	// styleNone fast-retransmits and leaves the windows alone.
	styleNone
)

// recoveryStyleOf is the recovery of the algorithm cc.
func recoveryStyleOf(cc CongestionControl) recoveryStyle {
	switch cc {
	case CCReno:
		return styleReno
	case CCTahoe:
		return styleTahoe
	case CCNone:
		return styleNone
	}
	return styleNewReno
}

// flight is the sender as loss recovery sees it: values copied from the
// sender, so that recovery reads them and cannot write them.
type flight struct {
	una, max wire.Seq // SND.UNA and SND.MAX
	end      wire.Seq // one past the last byte written (sndEnd)
	mss      uint32   // SMSS, bytes
	cwnd     uint32   // the congestion window, bytes
	ssthresh uint32   // the slow-start threshold, bytes
	// srtt is the smoothed round-trip time (0 before the first sample).
	srtt sim.Duration
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
)

// decision is what loss recovery returns for an event: the windows the
// sender takes, what output should resend, and whether the retransmission
// timer keeps running as it is rather than being restarted for this ACK.
type decision struct {
	cwnd, ssthresh uint32
	resend         resendSet
	keepRTO        bool
	// limitedTransmit is how many bytes beyond cwnd new data may take
	// (RFC 3042): one SMSS on the first duplicate ACK, two on the second.
	limitedTransmit uint32
}

// unchanged returns the decision that changes nothing.
func (f flight) unchanged() decision { return decision{cwnd: f.cwnd, ssthresh: f.ssthresh} }

// dupThresh is the number of duplicate ACKs that signals a loss (RFC 5681 §3.2).
const dupThresh = 3

// fastRecovery is the state and window arithmetic of RFC 5681 §3.2 fast
// retransmit and fast recovery, in the algorithm's style (Tahoe's none,
// Reno's, RFC 6582 NewReno's), which both strategies share: the
// cumulative strategy takes its windows as they are; SACK recovery keeps
// its state (dupAcks, "recover", the RTO's) and replaces the window
// arithmetic with RFC 6675's (sack.go): cwnd = ssthresh from the start of
// recovery, sending governed by pipe.
type fastRecovery struct {
	// cc grows the window outside recovery and sets ssthresh on a loss.
	cc congestionControl
	// style is the algorithm's recovery.
	style recoveryStyle
	// impatient keeps the retransmission timer running through recovery
	// after the first partial ACK (RFC 6582 §3.2 (3)'s Impatient variant;
	// the policy's impatientRTO).
	impatient bool
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
	// when recovery (or the last RTO) began, as one past it (SND.MAX then).
	recover wire.Seq
	// guard is set from when recover is set until SND.UNA reaches it:
	// while set, NewReno starts no new recovery. A flag rather than a
	// comparison alone, which would turn over after 2³¹ bytes (serial
	// arithmetic) and refuse a fast retransmit then; Linux likewise reads
	// high_seq only in the Recovery and Loss states.
	guard bool
	// afterRTO is set from a retransmission timeout until SND.UNA reaches
	// "recover" (Linux's TCP_CA_Loss).
	afterRTO bool
	// ltFlight is FlightSize at the first duplicate ACK: what RFC 5681 §3.2
	// (2) halves, "additional data sent in limited transmit MUST NOT be
	// included".
	ltFlight uint32
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
	if r.style == styleNone {
		return d
	}
	d.ssthresh = r.cc.ssthreshAfterLoss(now, f, f.cwnd, false)
	d.cwnd = min(f.cwnd, d.ssthresh)
	return d
}

// newACK applies RFC 6582 §3.2 (3) to an ACK of acked new bytes in
// recovery, and the congestion-control algorithm's growth outside it. It
// reports whether the ACK was partial: the strategy then resends.
func (r *fastRecovery) newACK(now sim.Time, f flight, acked uint32) (decision, bool) {
	d := f.unchanged()
	r.dupAcks = 0
	if !f.una.LessThan(r.recover) {
		r.afterRTO = false // all that was outstanding at the RTO is acknowledged
		r.guard = false
	}
	partial := false
	switch {
	case r.recovering && r.style == styleReno:
		// RFC 5681 §3.2 (6): the next ACK of new data ends recovery, a
		// partial one too; cwnd = ssthresh ("deflating" the window). A
		// further loss in the window waits for three new duplicates (a
		// second halving) or the RTO.
		d.cwnd = f.ssthresh
		r.recovering = false
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
		d.cwnd = r.cc.onAck(now, f, acked)
	}
	// RFC 6298 (5.3) restarts the timer for every new ACK; in recovery
	// only the first partial ACK does (RFC 6582 §3.2 (3), "Impatient").
	// Linux restarts it on every ACK of new data, in recovery too
	// (tcp_clean_rtx_queue's FLAG_SET_XMIT_TIMER): the policy's.
	d.keepRTO = r.impatient && r.recovering && r.partialACKSeen
	r.partialACKSeen = r.recovering
	return d, partial
}

// dupACK counts a duplicate ACK; the third starts fast retransmit and, but
// for Tahoe (and none), fast recovery (RFC 5681 §3.2, RFC 6582 §3.2 (2)).
// The first and second let new data go beyond cwnd (limited transmit). It
// reports whether the ACK came during recovery (a "further" duplicate).
//
// lost is set when the scoreboard says the segment at SND.UNA is lost
// already (RFC 6675 §5 (2), IsLost(HighACK+1)): recovery then starts on
// this duplicate, the third or not.
func (r *fastRecovery) dupACK(now sim.Time, f flight, lost bool) (decision, bool) {
	d := f.unchanged()
	r.dupAcks++
	if r.recovering {
		d.cwnd += f.mss // (4): each further duplicate inflates the window
		return d, true
	}
	if r.dupAcks == 1 {
		r.ltFlight = f.size()
	}
	if r.dupAcks < dupThresh && !lost {
		// RFC 3042 §2, recommended by RFC 5681 §3.2 (1): a previously
		// unsent segment may go on each of the first two duplicate ACKs,
		// if FlightSize stays within cwnd + 2·SMSS; cwnd is not changed.
		// Linux does the same by counting each duplicate as a segment that
		// left the network (tcp_add_reno_sack, or the SACKed segment, in
		// tcp_packets_in_flight) while in TCP_CA_Disorder.
		d.limitedTransmit = uint32(r.dupAcks) * f.mss
		return d, false
	}
	if r.dupAcks != dupThresh && !lost {
		return d, false
	}
	// RFC 6582 §3.2 (2): only when the ACK "covers more than recover", the
	// highest sequence number sent (SND.MAX − 1): SND.UNA ≥ SND.MAX then,
	// so a burst of duplicates after an RTO does not start a second
	// recovery (RFC 6675 §5.1: not "until HighACK is greater than or equal
	// to the new value of RecoveryPoint"). Reno and Tahoe have no such
	// guard (RFC 5681 §3.2; RFC 6582 §1 names the unnecessary fast
	// retransmits it avoids).
	if r.style == styleNewReno && r.guard && f.una.LessThan(r.recover) {
		return d, false
	}
	r.recover, r.guard = f.max, true
	d.resend = resendFirst
	switch r.style {
	case styleNone:
		// Flow control only: the segment goes again, the windows stay.
		return d, false
	case styleTahoe:
		// 4.3BSD-Tahoe's tcp_input: ssthresh as for a timeout, cwnd = one
		// segment, and slow start with the ACKs that follow; the
		// duplicates after the third change nothing.
		d.ssthresh = r.cc.ssthreshAfterLoss(now, f, r.ltFlight, false)
		d.cwnd = f.mss
		return d, false
	}
	d.ssthresh = r.cc.ssthreshAfterLoss(now, f, r.ltFlight, false)
	d.cwnd = d.ssthresh + dupThresh*f.mss
	r.recovering = true
	r.partialACKSeen = false
	return d, false
}

// rto ends any recovery at a retransmission timeout: RFC 5681 §3.1 (4)
// sets ssthresh on the first timeout of a segment and cwnd to the loss
// window, one SMSS; RFC 6582 §3.2 (5) sets "recover".
//
// A timeout during fast recovery keeps the ssthresh that recovery set: the
// window was reduced once for this loss already, and FlightSize and cwnd
// have grown during recovery (NewReno's inflation, the data it let out),
// so eq. (4) on them would raise ssthresh far above the window before the
// loss. This is Linux's tcp_enter_loss ("Reduce ssthresh if it has not
// yet been made inside this window": not in TCP_CA_Recovery before
// high_seq is acknowledged) and the once-per-window rule RFC 6582's
// "recover" keeps; the algorithm is still told of the timeout (CUBIC
// forgets W_max, as cubictcp_state does on entering TCP_CA_Loss).
func (r *fastRecovery) rto(now sim.Time, f flight, first bool) decision {
	d := f.unchanged()
	if r.style != styleNone {
		switch {
		case first && r.recovering:
			r.cc.onTimeout()
		case first:
			d.ssthresh = r.cc.ssthreshAfterLoss(now, f, f.size(), true)
		}
		d.cwnd = f.mss
	}
	r.recovering = false
	r.afterRTO = true
	r.dupAcks = 0
	r.recover, r.guard = f.max, true
	return d
}

// cumulativeRecovery is recovery from cumulative ACKs alone, without SACK:
// the segment at SND.UNA is resent on the third duplicate ACK and, under
// NewReno (RFC 6582), on every partial ACK, one hole per round trip.
type cumulativeRecovery struct {
	fastRecovery
}

// name is the algorithm's recovery: "tahoe", "reno", "newreno" or "none".
func (r *cumulativeRecovery) name() string {
	return [...]string{styleNewReno: "newreno", styleReno: "reno", styleTahoe: "tahoe", styleNone: "none"}[r.style]
}

func (r *cumulativeRecovery) onACK(flight, *wire.Segment) {}

func (r *cumulativeRecovery) onNewACK(now sim.Time, f flight, acked uint32) decision {
	d, partial := r.newACK(now, f, acked)
	if partial && r.style == styleNewReno {
		d.resend |= resendFirst // RFC 6582 §3.2 (3)
	}
	return d
}

func (r *cumulativeRecovery) onDupACK(now sim.Time, f flight) decision {
	d, _ := r.dupACK(now, f, false)
	return d
}

func (r *cumulativeRecovery) onRTO(now sim.Time, f flight, first bool) decision {
	return r.rto(now, f, first)
}

// resendFrom: without SACK everything after an RTO is sent again, as first cut.
func (r *cumulativeRecovery) resendFrom(seq wire.Seq, n uint32, _ flight) (wire.Seq, uint32) {
	return seq, n
}

func (r *cumulativeRecovery) nextHole(flight, bool) (wire.Seq, uint32, bool) { return 0, 0, false }

func (r *cumulativeRecovery) pipe(flight) (uint32, bool) { return 0, false }

func (r *cumulativeRecovery) open() bool { return r.idle() }

func (r *cumulativeRecovery) onProbeRepair(now sim.Time, f flight) decision {
	return r.probeRepair(now, f)
}

func (r *cumulativeRecovery) resent(wire.Seq) {}

// retransmitHoles resends, in recovery, the segments loss recovery names
// (with SACK, RFC 6675 §5 (C): NextSeg while cwnd − pipe ≥ 1 SMSS) without
// moving SND.NXT. later is set once output has sent what new data it could
// (NextSeg rule (2)): rules (3) and (4) may then go.
func (c *Conn) retransmitHoles(now sim.Time, emit func(*trace.Packet), later bool) {
	// Only the SACK scoreboard names holes (cumulativeRecovery.nextHole
	// names none), and only in recovery: the test, inlined, spares every
	// output the interface calls.
	if c.sack != nil && c.sack.recovering {
		c.resendHoles(now, emit, later)
	}
}

// resendHoles is retransmitHoles in SACK recovery.
func (c *Conn) resendHoles(now sim.Time, emit func(*trace.Packet), later bool) {
	for {
		seq, n, ok := c.lr.nextHole(c.flight(), later)
		if !ok {
			return
		}
		n = min(n, c.segMSS()) // room for the options this segment carries (RFC 6691 §2)
		flags := wire.ACK
		if seq.Add(n) == c.sndEnd {
			flags |= wire.PSH
		}
		c.send(now, emit, seq, n, flags, trace.LabelFastRetransmission, notProbe)
		c.lr.resent(seq.Add(n))
	}
}
