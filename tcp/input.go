package tcp

import (
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// takeSYNOptions applies the options of a received SYN: the peer's MSS
// (RFC 9293 §3.7.1) and window scale (RFC 7323 §2.2).
func (c *Conn) takeSYNOptions(seg *wire.Segment) {
	peerMSS := uint32(536)
	if seg.Opt.MSS != 0 {
		peerMSS = uint32(seg.Opt.MSS)
	}
	c.sndMSS = min(peerMSS, uint32(c.h.cfg.MSS))
	c.tsOK = c.h.cfg.Timestamps && seg.Opt.HasTimestamp
	if c.tsOK {
		c.tsRecent = seg.Opt.TSVal
		c.sndMSS -= tsOptionLen // RFC 7323 §3.2 / Linux's mss_cache: the option takes 12 bytes of each segment
	}
	c.sackOK = c.h.cfg.SACK && seg.Opt.SACKPermitted
	c.initLossRecovery()
	c.cwnd = initialWindow(c.h.cfg.InitialWindow, c.sndMSS)
	if seg.Opt.HasWScale && c.h.cfg.WindowScaling {
		c.wscaleOK = true
		c.sndWscale = min(seg.Opt.WScale, 14) // RFC 7323 §2.3: larger shifts are taken as 14
	} else {
		c.rcvWscale = 0
	}
}

// input processes a segment for this connection (RFC 9293 §3.10.7.3–4).
func (c *Conn) input(now sim.Time, seg *wire.Segment) {
	if c.state == StateSynSent {
		c.inputSynSent(now, seg)
	} else {
		c.inputSynchronized(now, seg)
	}
	if c.state != StateClosed && c.state != StateSynSent {
		c.touchKeepalive(now) // any segment from the peer restarts the idle clock
	}
}

// inputSynSent is RFC 9293 §3.10.7.3.
func (c *Conn) inputSynSent(now sim.Time, seg *wire.Segment) {
	f := seg.Flags
	if f&wire.ACK != 0 {
		// First: an ACK for something we never sent gets a reset.
		if seg.Ack.LessThanEq(c.iss) || c.sndMax.LessThan(seg.Ack) {
			if f&wire.RST == 0 {
				c.h.sendRST(c.local, c.peer, seg.Ack, 0, false, c.id)
			}
			return
		}
	}
	if f&wire.RST != 0 {
		// Second: a RST is believed only with an acceptable ACK.
		if f&wire.ACK != 0 {
			c.abort(now, ErrRefused)
		}
		return
	}
	if f&wire.SYN == 0 {
		return // Fifth: neither SYN nor RST: drop.
	}
	// Fourth: the peer's SYN.
	c.irs = seg.Seq
	c.rcvNxt = seg.Seq.Add(1)
	c.rcvAdv = c.rcvNxt.Add(c.synWnd) // RCV.WND: what our SYN offered
	c.takeSYNOptions(seg)
	if f&wire.ACK == 0 {
		// Simultaneous open: answer SYN,ACK from SYN-RECEIVED (RFC 9293 figure 7).
		c.sndWnd = uint32(seg.Window)
		c.sndWl1, c.sndWl2 = seg.Seq, c.iss
		c.synSent = false // our SYN goes again, now with ACK
		c.setState(now, StateSynReceived)
		return
	}
	c.sndWnd = uint32(seg.Window) // a SYN's window is never scaled (RFC 7323 §2.2)
	c.maxSndWnd = c.sndWnd
	c.sndWl1, c.sndWl2 = seg.Seq, seg.Ack
	c.ackSYN(now, seg.Ack)
	c.setState(now, StateEstablished)
	c.initSendBuffer() // tcp_finish_connect → tcp_init_transfer
	c.traceVars(now)
	// The handshake's third segment, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
	// (RFC 9293 §3.10.7.3), goes from the receive path, before the
	// application hears of the connection and writes.
	c.send(now, c.h.enqueue, c.sndNxt, 0, wire.ACK, 0, notProbe)
	c.h.notify(c, EventEstablished)
}

// ackSYN takes the acknowledgment of our SYN: SND.UNA passes ISS, the RTT of
// the SYN is sampled unless it was retransmitted (Karn), and the timer stops.
func (c *Conn) ackSYN(now sim.Time, ack wire.Seq) {
	c.sndUna = ack
	c.synAcked = true
	if c.sndNxt.LessThan(ack) {
		c.sndNxt = ack
	}
	c.sampleRTT(now, ack)
	if c.synRetrans && c.rtt.samples == 0 {
		// RFC 6298 (5.7): a SYN timed out, so start data with an RTO of 3 s.
		c.rtt.rto = max(c.rtt.rto, rtoAfterSYNTimeout)
	}
	c.retries = 0
	c.backoff = 0
	c.retransStamp = sim.Never // tcp_clean_rtx_queue: FLAG_SYN_ACKED
	c.stopRTO(now)
	c.rbuf.established(uint32(c.h.cfg.MSS), c.synWnd) // tcp_init_buffer_space
	// After a lost SYN or SYN,ACK data starts with one segment (RFC 5681
	// §3.1; Linux only after more than one loss).
	if c.synRetransmits > 0 && c.h.policy.oneSegmentAfterSYN(c.synRetransmits) {
		c.cwnd = c.sndMSS
	}
}

// inputSynchronized is RFC 9293 §3.10.7.4 for every state from SYN-RECEIVED on.
func (c *Conn) inputSynchronized(now sim.Time, seg *wire.Segment) {
	if c.predicted(seg) {
		// The first four steps would let it through untouched; of the
		// rest (inputAccepted) only the ACK field and the text apply:
		// processACK leaves the state as it is.
		c.takeTSRecent(seg)
		if c.processACK(now, seg) && seg.Len > 0 {
			c.receive(now, seg.Seq, seg.Len, seg.Flags)
		}
		return
	}
	f := seg.Flags
	rcvWnd := c.offered()

	// A retransmitted SYN while our SYN,ACK is unanswered: the SYN,ACK was
	// probably lost, so send it again now, as Linux does (tcp_check_req).
	// Under the RFC it is an unacceptable segment, ACKed below.
	if c.state == StateSynReceived && f&wire.SYN != 0 && f&wire.ACK == 0 && seg.Seq == c.irs &&
		c.h.policy.answerRetransmittedSYN() {
		c.synSent = false
		c.synRetrans = true
		return
	}

	// Simultaneous open (RFC 9293 figure 7): in SYN-RECEIVED the peer's
	// SYN,ACK repeats its SYN (SEQ = RCV.NXT−1) and acknowledges ours; it
	// completes the handshake, as the figure shows and Linux lets it
	// (tcp_validate_incoming). Both profiles: docs/profiles.md.
	simOpenSYNACK := c.state == StateSynReceived && !c.passive && f&(wire.SYN|wire.ACK) == wire.SYN|wire.ACK &&
		seg.Seq == c.irs && seg.Ack == c.iss.Add(1) && c.synSent

	// First: sequence number check.
	if !simOpenSYNACK && !c.acceptable(seg.Seq, seg.SeqLen(), rcvWnd) {
		if c.h.policy.duplicateUpdatesTSRecent() {
			c.duplicateTSRecent(seg)
		}
		if f&wire.RST == 0 && c.oowACKAllowed(now, seg) {
			c.ackNow = true // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
			if seg.Seq == c.rcvNxt.Add(^uint32(0)) && seg.Len <= 1 && f&(wire.SYN|wire.FIN) == 0 {
				// SEQ = RCV.NXT−1 with at most one byte: a keepalive probe
				// (or, into a closed window, a zero-window probe).
				c.ackForProbe = true
				if rcvWnd > 0 {
					c.ackLabel |= trace.LabelKeepaliveACK
				}
			} else if segLen := seg.SeqLen(); segLen > 0 && seg.Seq.Add(segLen).LessThanEq(c.rcvNxt) {
				// All of it was received before: its sender resent it (our
				// ACK was lost, or its timer fired early). Our ACK repeats
				// the last, but at the sender it is no duplicate ACK (RFC
				// 5681 §2): it usually acknowledges new data there.
				c.ackLabel |= trace.LabelACKOfDuplicate
				c.acks.resent(c.ackView())
			}

		}
		if c.state == StateTimeWait && f&(wire.RST|wire.FIN) == wire.FIN {
			c.startTimeWait(now) // a retransmitted FIN restarts the 2·MSL wait
		}
		return
	}

	// RFC 7323 §4.3, §5.3 R3: TS.Recent from an acceptable segment (R2,
	// the check above, comes first).
	c.takeTSRecent(seg)

	// Trim the segment to the window: what lies before RCV.NXT was received
	// already; what lies past the window is not accepted.
	seq, dataLen, syn, fin := seg.Seq, seg.Len, f&wire.SYN != 0, f&wire.FIN != 0
	if simOpenSYNACK {
		syn = false
		seq = seq.Add(1)
		c.ackNow = true // the repeated SYN is acknowledged, as Linux does
	}
	if seq.LessThan(c.rcvNxt) {
		d := min(seq.Size(c.rcvNxt), dataLen)
		dataLen -= d
		seq = seq.Add(d)
	}
	if seq.LessThan(c.rcvNxt) { // a FIN already received
		fin = false
	}
	if room := uint32(0); dataLen > 0 || fin {
		if c.rcvNxt.LessThan(c.rcvAdv) && !c.rcvAdv.LessThan(seq) {
			room = seq.Size(c.rcvAdv)
		}
		if dataLen > room {
			// Data beyond the window is dropped; the ACK tells the peer
			// where the window stands (and answers a zero-window probe).
			dataLen, fin = room, false
			c.ackNow = true
			c.ackForProbe = room == 0
			c.acks.resent(c.ackView())
		} else if fin && dataLen == room {
			// The FIN takes one sequence number; it fits only inside the window.
			fin = room > dataLen
		}
	}

	// Second: RST, with the stricter check of RFC 5961 §3.2.
	if f&wire.RST != 0 {
		if seg.Seq != c.rcvNxt {
			if c.oowACKAllowed(now, seg) {
				c.ackNow = true // a challenge ACK: a real peer answers it with a good RST
			}
			return
		}
		switch c.state {
		case StateSynReceived:
			if c.passive {
				c.setState(now, StateListen) // back to LISTEN: the listener stays
				c.stopTimers(now)
				c.h.remove(c)
				return
			}
			c.abort(now, ErrRefused)
		case StateEstablished, StateFinWait1, StateFinWait2, StateCloseWait:
			c.abort(now, ErrReset)
		default: // CLOSING, LAST-ACK, TIME-WAIT
			c.close(now)
		}
		return
	}

	// Fourth: a SYN in a synchronized state gets a challenge ACK (RFC 5961 §4).
	if syn {
		if c.oowACKAllowed(now, seg) {
			c.ackNow = true
		}
		return
	}

	// Fifth: the ACK field.
	if f&wire.ACK == 0 {
		return
	}
	c.inputAccepted(now, seg, seq, dataLen, fin)
}

// predicted reports whether seg is what an established connection expects
// next: Van Jacobson's header prediction, as BSD's tcp_input and Linux's
// tcp_rcv_established make it. A segment with ACK and no SYN, FIN or RST,
// at RCV.NXT, with no more data than the window still open, passes the
// first four steps of inputSynchronized unchanged: SEG.SEQ = RCV.NXT is
// acceptable whatever the window (RFC 9293 §3.10.7.4's four cases), nothing
// of it lies before RCV.NXT or past the window to trim, and it is neither
// RST nor SYN. With our SYN acknowledged, in ESTABLISHED, and no FIN, all
// that is left of the fifth step on (inputAccepted) is the ACK field and
// the text; only TS.Recent is taken on the way, as the general path does.
func (c *Conn) predicted(seg *wire.Segment) bool {
	// ESTABLISHED is reached only once our SYN is acknowledged (ackSYN).
	return c.state == StateEstablished && seg.Flags&(wire.SYN|wire.FIN|wire.RST|wire.ACK) == wire.ACK &&
		seg.Seq == c.rcvNxt && seg.Len <= c.offered() && !c.h.noPrediction
}

// takeTSRecent is RFC 7323 §4.3, §5.3 R3: remember the peer's timestamp
// from an acceptable segment (R2, the sequence check, comes first, so an
// old duplicate or a probe below the window does not count) that starts at
// or before the edge we acknowledged, Last.ACK.sent — not RCV.NXT: while an
// ACK is delayed, it must echo the earliest segment it covers (case (A)).
// Linux does the same (tcp_replace_ts_recent, rcv_wup).
func (c *Conn) takeTSRecent(seg *wire.Segment) {
	lastACKSent := c.rcvNxt
	if c.ackSent {
		lastACKSent = c.lastAckSent
	}
	if c.tsOK && seg.Opt.HasTimestamp && seg.Seq.LessThanEq(lastACKSent) && int32(seg.Opt.TSVal-c.tsRecent) >= 0 {
		c.tsRecent = seg.Opt.TSVal
	}
}

// inputAccepted is the fifth step on (RFC 9293 §3.10.7.4) for an acceptable
// segment with ACK, neither RST nor SYN: its ACK field, then its text
// [seq, seq+dataLen) and its FIN (fin), trimmed to the window.
func (c *Conn) inputAccepted(now sim.Time, seg *wire.Segment, seq wire.Seq, dataLen uint32, fin bool) {
	if c.synUnacked() {
		// SYN-RECEIVED (or FIN-WAIT-1 after a CLOSE there): the ACK must
		// cover our SYN, else <SEQ=SEG.ACK><CTL=RST>.
		if !(c.sndUna.LessThan(seg.Ack) && seg.Ack.LessThanEq(c.sndMax)) {
			c.h.sendRST(c.local, c.peer, seg.Ack, 0, false, c.id)
			return
		}
		c.sndWnd = uint32(seg.Window) << c.sndWscale
		c.maxSndWnd = max(c.maxSndWnd, c.sndWnd)
		c.sndWl1, c.sndWl2 = seg.Seq, seg.Ack
		c.ackSYN(now, c.iss.Add(1))
		if c.state == StateSynReceived {
			c.setState(now, StateEstablished)
		}
		c.initSendBuffer() // tcp_rcv_state_process → tcp_init_transfer
		c.traceVars(now)
		c.h.notify(c, EventEstablished)
	}
	if !c.processACK(now, seg) {
		return
	}
	switch c.state {
	case StateFinWait1:
		if c.finAcked() {
			c.setState(now, StateFinWait2)
		}
	case StateClosing:
		if c.finAcked() {
			c.startTimeWait(now)
		}
		return
	case StateLastAck:
		if c.finAcked() {
			c.close(now)
		}
		return
	case StateTimeWait:
		// Only a retransmitted FIN can arrive here; handled below.
	}

	// Seventh: segment text.
	if dataLen > 0 && c.state.canReceiveData() {
		flags := seg.Flags &^ wire.FIN
		if fin && seq == c.rcvNxt {
			flags |= wire.FIN // the FIN is accepted right after this data
		}
		c.receive(now, seq, dataLen, flags)
	}

	// Eighth: FIN.
	if fin {
		finSeq := seq.Add(dataLen)
		if finSeq == c.rcvNxt {
			c.receiveFIN(now, false)
		} else if c.state.canReceiveData() {
			c.ooo.hasFin, c.ooo.finAt = true, finSeq
			c.ackNow = true // out of order: a duplicate ACK (RFC 5681 §4.2)
		}
	}
}

// processACK is the fifth step for synchronized states: SND.UNA advances,
// the send window is updated, duplicate ACKs are counted. It reports false
// when the segment must be dropped.
//
// An ACK ackPredicted accepts takes a short path: processAnyACK's, with
// the tests that cannot fail for it left out.
func (c *Conn) processACK(now sim.Time, seg *wire.Segment) bool {
	if !c.ackPredicted(seg) {
		return c.processAnyACK(now, seg)
	}
	ack := seg.Ack
	c.probesOut = 0 // any acceptable ACK answers the window probes (RFC 1122 §4.2.2.17; Linux's tcp_ack)
	if c.sndWl1.LessThan(seg.Seq) || c.sndWl1 == seg.Seq && c.sndWl2.LessThanEq(ack) {
		c.maxSndWnd = max(c.maxSndWnd, c.sndWnd) // SND.WND itself stays
		c.sndWl1, c.sndWl2 = seg.Seq, ack
	}
	if ack != c.sndUna {
		c.ackTSecr = 0
		if c.tsOK && seg.Opt.HasTimestamp {
			c.ackTSecr = seg.Opt.TSEcr
		}
		c.onNewACK(now, ack)
	} else {
		c.persistAnswered(now) // nothing was in flight
	}
	c.traceVars(now)
	return true
}

// ackPredicted is header prediction (BSD's tcp_input, after Van
// Jacobson; Linux's tcp_ack fast path) for the ACKs of a bulk transfer:
// SND.UNA ≤ SEG.ACK ≤ SND.MAX, the window as it was, no SACK blocks for
// the scoreboard, no loss probe out, and either new data acknowledged or
// nothing in flight (no duplicate to count).
func (c *Conn) ackPredicted(seg *wire.Segment) bool {
	if c.tlpOut || c.sack != nil && seg.Opt.NumSACK > 0 {
		return false
	}
	adv, out := c.sndUna.Size(seg.Ack), c.flightSize()
	return adv <= out && (adv > 0 || out == 0) && uint32(seg.Window)<<c.sndWscale == c.sndWnd
}

// processAnyACK is processACK for any ACK.
func (c *Conn) processAnyACK(now sim.Time, seg *wire.Segment) bool {
	ack := seg.Ack
	if c.sndMax.LessThan(ack) {
		c.ackNow = true // it acknowledges something not yet sent
		return false
	}
	old := ack.LessThan(c.sndUna)
	idle := c.sndUna == c.sndMax // nothing in flight before this ACK (tcp_ack's prior_packets == 0)
	windowChanged := false
	if c.sack != nil && seg.Opt.NumSACK > 0 {
		c.sack.onACK(c.flight(), seg) // the scoreboard takes the blocks; the cumulative strategy has nothing to do
	}
	c.probesOut = 0 // any acceptable ACK answers the window probes (RFC 1122 §4.2.2.17; Linux's tcp_ack)
	if !old && (c.sndWl1.LessThan(seg.Seq) || c.sndWl1 == seg.Seq && c.sndWl2.LessThanEq(ack)) {
		w := uint32(seg.Window) << c.sndWscale
		windowChanged = w != c.sndWnd
		if c.sndWnd == 0 && w > 0 && !c.asks.persistFromAnswer {
			c.persistBackoff = 0 // the window opened: the next episode starts afresh (BSD; Linux: persistAnswered)
		}
		c.sndWnd = w
		c.maxSndWnd = max(c.maxSndWnd, w)
		c.sndWl1, c.sndWl2 = seg.Seq, ack
	}
	pure := !old && ack == c.sndUna && seg.Len == 0 && seg.Flags&(wire.SYN|wire.FIN) == 0 && !windowChanged
	if !old {
		c.tlpACK(now, ack, pure) // before the window grows for this ACK, as in tcp_ack
	}
	switch {
	case old:
	case ack == c.sndUna:
		// RFC 5681 §2 "DUPLICATE ACKNOWLEDGMENT": data outstanding, no data
		// or SYN/FIN in the segment, the same window.
		// Answers to window probes while the window is closed are not
		// duplicates of anything.
		if c.sndUna != c.sndMax && pure && c.sndWnd > 0 {
			c.onDupACK(now)
		}
	default:
		c.ackTSecr = 0
		if c.tsOK && seg.Opt.HasTimestamp {
			c.ackTSecr = seg.Opt.TSEcr
		}
		c.onNewACK(now, ack)
	}
	if idle && !old {
		c.persistAnswered(now)
	}
	c.traceVars(now)
	return true
}

// receive takes in-window data [seq, seq+n) that came with flags.
func (c *Conn) receive(now sim.Time, seq wire.Seq, n uint32, flags wire.Flags) {
	c.rcvMSS = max(c.rcvMSS, n)
	if seq != c.rcvNxt {
		// Out of order: keep it and send a duplicate ACK now (RFC 5681 §4.2).
		c.ooo.arrived(seq, seq.Add(n))
		if c.rbuf.arrived(arrival{seq: seq, n: n, sack: c.sackOK, rcvMSS: c.acks.segSize(), rcvWnd: c.rcvWnd}) {
			c.acks.windowGrew()
		}
		c.ackNow = true
		return
	}
	c.rcvNxt = c.rcvNxt.Add(n)
	c.rcvUnread += n
	c.rcvUnacked += n
	filledGap := false
	if !c.ooo.empty() {
		var more uint32
		c.rcvNxt, more = c.ooo.pull(c.rcvNxt)
		c.rcvUnread += more
		c.rcvUnacked += more
		filledGap = true // RFC 5681 §4.2: ACK at once when a gap (partly) fills
	}
	if c.rfcACK == nil {
		c.acks.dataIn(now, c.ackView(), n, flags) // rfcACKs' does nothing
	}
	if !c.rfcBuf && c.rbuf.arrived(arrival{seq: seq, n: n, inOrder: true, sack: c.sackOK, rcvMSS: c.acks.segSize(), rcvWnd: c.rcvWnd}) {
		c.acks.windowGrew() // rfcBuffer's arrived is always false
	}
	// The data is news before the FIN that may follow it ends the stream.
	c.h.notify(c, EventReadable)
	if c.ooo.hasFin && c.ooo.finAt == c.rcvNxt {
		c.ooo.hasFin = false
		filledGap = true
		c.receiveFIN(now, true)
	}
	c.scheduleACK(now, filledGap)
}

// receiveFIN accepts the peer's FIN (eighth step). Its ACK goes at once,
// unless the ACK rules let it wait (Linux, in ESTABLISHED: it rides on the
// application's own FIN); scheduled says the caller decides the ACK next.
func (c *Conn) receiveFIN(now sim.Time, scheduled bool) {
	c.rcvNxt = c.rcvNxt.Add(1)
	c.finRcvd = true
	if c.acks.finIn(c.state) {
		c.ackNow = true
	} else if !scheduled {
		c.scheduleACK(now, false)
	}
	switch c.state {
	case StateSynReceived, StateEstablished:
		c.setState(now, StateCloseWait)
	case StateFinWait1:
		if c.finAcked() {
			c.startTimeWait(now)
		} else {
			c.setState(now, StateClosing)
		}
	case StateFinWait2:
		c.startTimeWait(now)
	case StateTimeWait:
		c.startTimeWait(now)
		return
	}
	c.h.notify(c, EventPeerClosed)
}

// close ends a connection normally: CLOSED, forgotten, the application told.
func (c *Conn) close(now sim.Time) {
	c.stopTimers(now)
	c.setState(now, StateClosed)
	c.h.remove(c)
	c.h.notify(c, EventClosed)
}

// duplicateTSRecent is Linux's TS.Recent rule for a segment received
// before, that ends exactly where our last ACK did (an RTO's resend of the
// last segment whose ACK was lost): tcp_sequence lets it through
// (end_seq is not before rcv_wup), so tcp_replace_ts_recent keeps its
// TSval, and the ACK echoes the resend, not the first send (RFC 7323 §4.3
// keeps the first: Last.ACK.sent is not inside the segment).
func (c *Conn) duplicateTSRecent(seg *wire.Segment) {
	lastACKSent := c.rcvNxt
	if c.ackSent {
		lastACKSent = c.lastAckSent
	}
	if c.tsOK && seg.Opt.HasTimestamp && seg.SeqLen() > 0 && seg.Seq.Add(seg.SeqLen()) == lastACKSent &&
		int32(seg.Opt.TSVal-c.tsRecent) >= 0 {
		c.tsRecent = seg.Opt.TSVal
	}
}

// oowACKAllowed reports whether an ACK may answer seg, a segment out of the
// window or a challenge (RFC 5961), at now. The policy's interval
// (oowACKInterval; Linux's tcp_invalid_ratelimit, 500 ms) rate-limits
// these ACKs per connection, against ACK loops: one within the interval of
// the last is not sent (tcp_oow_rate_limited, __tcp_oow_rate_limited).
// Segments that carry data or a FIN (but no SYN) are always answered.
func (c *Conn) oowACKAllowed(now sim.Time, seg *wire.Segment) bool {
	gap := c.h.policy.oowACKInterval()
	if gap <= 0 || seg.SeqLen() > 0 && seg.Flags&wire.SYN == 0 {
		return true
	}
	if c.oowACKAt != sim.Never {
		elapsed := now.Sub(c.oowACKAt)
		if tick := c.h.cfg.tick(); c.h.cfg.TimerHZ > 0 {
			// Linux compares jiffies (tcp_jiffies32).
			elapsed = time.Duration(int64(now)/int64(tick)-int64(c.oowACKAt)/int64(tick)) * tick
		}
		if elapsed >= 0 && elapsed < gap {
			return false
		}
	}
	c.oowACKAt = now
	return true
}
