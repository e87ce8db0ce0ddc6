package tcp

import (
	"slices"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// output sends what the connection should send at now: its SYN, a fast
// retransmission, new data and FIN as the windows allow, and an ACK if one
// is owed and nothing else carried it.
func (c *Conn) output(now sim.Time, emit func(*trace.Packet)) {
	switch c.state {
	case StateClosed, StateListen:
		return
	}
	if c.synUnacked() && !c.synSent {
		c.sendSYN(now, emit)
	}
	if c.state == StateSynSent {
		return
	}
	if c.resend&resendFirst != 0 {
		c.resend &^= resendFirst
		if c.sndUna.LessThan(c.sndMax) {
			c.retransmitFirst(now, emit)
		}
	}
	c.retransmitHoles(now, emit, false) // in SACK recovery, RFC 6675 NextSeg rule (1) first
	if c.state.canSendData() {
		sent := false
		if c.asks.gsoPackets {
			sent = c.sendGSO(now, emit) // tcp_write_xmit: the segments go in GSO packets (gso.go)
		} else {
			for c.sendNext(now, emit) {
				sent = true
			}
		}
		c.retransmitHoles(now, emit, true) // no more new data: NextSeg rules (3), (4)
		if c.validatesCwnd {
			// Limited when cwnd has no room left for a full segment
			// (tcp_cwnd_test's quota, in whole segments, is 0): a cwnd
			// that is no multiple of the MSS (CUBIC's) leaves less.
			if limited := c.flightSize()+c.segMSS() > c.cwnd; sent || limited {
				c.cwndValidate(limited) // tcp_write_xmit → tcp_cwnd_validate
			}
		}
	}
	if c.ackNow {
		c.send(now, emit, c.sndNxt, 0, wire.ACK, 0, notProbe)
	}
	if !c.persistSettled() {
		c.updatePersist(now)
	}
	c.traceVars(now)
}

// sendGSO sends what sendNext lets go, as output does, collecting the
// segments into GSO packets (gso.go). It reports whether it sent any.
func (c *Conn) sendGSO(now sim.Time, emit func(*trace.Packet)) bool {
	if !c.finQueued && !c.sndNxt.LessThan(c.sndEnd) {
		return false // nothing to send (sendNext's first test): no packet to size
	}
	sent := false
	b := &c.h.burst
	b.max, b.emit = c.gsoSegs(), emit
	for c.sendNext(now, b.add) {
		sent = true
		if n := len(b.segs); n > 0 && b.segs[n-1].Seg.Seq.Add(b.segs[n-1].Seg.Len) != c.sndNxt {
			b.flush() // sendNext skipped what the peer holds: a new packet
		}
	}
	b.flush()
	b.emit = nil
	return sent
}

// sendSYN sends our SYN (SYN-SENT) or SYN,ACK (SYN-RECEIVED) with our MSS
// and, when configured, window scale options.
func (c *Conn) sendSYN(now sim.Time, emit func(*trace.Packet)) {
	flags := wire.SYN
	if c.state != StateSynSent {
		flags |= wire.ACK // SYN-RECEIVED, or FIN-WAIT-1 after a CLOSE there
	}
	c.send(now, emit, c.iss, 0, flags, 0, notProbe)
	c.synSent = true
}

// retransmitFirst resends the segment at SND.UNA (fast retransmit, RFC 5681
// §3.2 (3); NewReno partial ACK, RFC 6582 §3.2 (3)) without moving SND.NXT.
func (c *Conn) retransmitFirst(now sim.Time, emit func(*trace.Packet)) {
	seq := c.sndUna
	flags := wire.ACK
	n := uint32(0)
	if seq.LessThan(c.sndEnd) {
		n = min(c.segMSS(), seq.Size(c.sndEnd), seq.Size(c.sndMax))
	}
	if c.finQueued && seq.Add(n) == c.sndEnd && c.sndEnd.LessThan(c.sndMax) {
		flags |= wire.FIN
	}
	if n == 0 && flags&wire.FIN == 0 {
		return
	}
	if n > 0 && seq.Add(n) == c.sndEnd {
		flags |= wire.PSH // as when first sent: the segment emptied the queue
	}
	c.send(now, emit, seq, n, flags, trace.LabelFastRetransmission, notProbe)
	c.lr.resent(seq.Add(n))
}

// sendNext sends the next segment at SND.NXT if the windows and the sender's
// silly window syndrome avoidance with Nagle's algorithm allow it (RFC 9293
// §3.8.6.2.1, RFC 1122 §4.2.3.4). It reports whether it sent one.
func (c *Conn) sendNext(now sim.Time, emit func(*trace.Packet)) bool {
	if !c.sndNxt.LessThan(c.sndEnd) {
		// No data: only the FIN may be left; it takes one sequence number
		// of window.
		if c.finQueued && c.sndNxt == c.sndEnd && c.sndNxt.LessThan(c.sndWndLimit()) {
			c.send(now, emit, c.sndNxt, 0, wire.FIN|wire.ACK, 0, notProbe)
			return true
		}
		return false
	}
	avail := c.sndNxt.Size(c.sndEnd)
	limit := c.sndUna.Add(min(c.sndWnd, c.cwnd)) // sndWndLimit's common case, inlined
	if c.cwndOff || c.limitedTransmit > 0 || c.sack != nil && c.sack.pipeGoverns() {
		limit = c.sndWndLimit()
	}
	usable := uint32(0)
	if c.sndNxt.LessThan(limit) {
		usable = c.sndNxt.Size(limit)
	}
	retransmission := c.sndNxt.LessThan(c.sndMax)
	if retransmission {
		// Going back over sent data (after an RTO): loss recovery may skip
		// what the peer holds (SACK) and end the segment before it.
		from, m := c.lr.resendFrom(c.sndNxt, avail, c.flight())
		if from != c.sndNxt {
			c.sndNxt = from
			return true
		}
		avail = m
	}
	mss := c.segMSS()
	n := min(avail, mss, usable)
	if n == 0 {
		return false
	}
	if n < mss && !retransmission {
		switch {
		case n == avail:
			// All queued data fits: send it unless Nagle holds a small
			// segment while earlier data is unacknowledged. Once the
			// application has closed, nothing more will join it, so it goes
			// (Linux pushes with Nagle off when it queues the FIN; BSD sends
			// the FIN's segment). Both profiles, deliberately: see
			// docs/profiles.md.
			if !c.h.cfg.NoDelay && !c.finQueued && c.h.policy.nagleHolds(c.sndUna, c.sndNxt, c.sndSml) {
				return false
			}
		case n >= c.maxSndWnd/2 && c.maxSndWnd > 0:
			// At least half the largest window the peer offered (Fs = 1/2).
		default:
			return false
		}
	}
	flags := wire.ACK
	if c.sndNxt.Add(n) == c.sndEnd {
		flags |= wire.PSH // the segment empties the send queue
		if c.finQueued && usable > n {
			flags |= wire.FIN
		}
	}
	if c.sndNxt == c.sndMax && c.probeFrom == c.probeTo && !c.h.noSendFastPath {
		c.sendNew(now, emit, n, flags)
	} else {
		c.send(now, emit, c.sndNxt, n, flags, 0, notProbe)
	}
	return true
}

// probeKind says whether a segment is a probe, and of which kind: probes
// are numbered and labelled, and move neither SND.NXT nor the
// retransmission timer.
type probeKind uint8

const (
	notProbe        probeKind = iota
	zeroWindowProbe           // the persist timer's (persist.go)
	keepaliveProbe            // the keepalive timer's (keepalive.go)
)

// isRetransmission reports whether a segment [seq, seq+segLen) with flags
// sends again what was sent before: data or FIN below SND.MAX (a probe's
// byte aside), or a SYN already sent.
func (c *Conn) isRetransmission(seq wire.Seq, segLen uint32, flags wire.Flags, probe probeKind) bool {
	retx, _ := c.sentBefore(seq, segLen, flags, probe)
	return retx
}

// sentBefore returns isRetransmission and isProbeByteResent of a segment,
// the second worked out once for both.
func (c *Conn) sentBefore(seq wire.Seq, segLen uint32, flags wire.Flags, probe probeKind) (retx, probeResent bool) {
	if probe == notProbe && segLen > 0 {
		probeResent = c.probeFrom != c.probeTo && seq.InRange(c.probeFrom, c.probeTo) // isProbeByteResent
		retx = !probeResent && seq.LessThan(c.sndMax)
	}
	return retx || flags&wire.SYN != 0 && c.synSent, probeResent
}

// isProbeByteResent reports whether data starting at seq starts with bytes
// sent before only as zero-window probes: the data they were a sample of.
func (c *Conn) isProbeByteResent(seq wire.Seq, segLen uint32, probe probeKind) bool {
	return probe == notProbe && segLen > 0 && c.probeFrom != c.probeTo && seq.InRange(c.probeFrom, c.probeTo)
}

// send sends one segment: [seq, seq+n) with flags, carrying labels from
// the caller (a fast retransmission), or a probe of the given kind. It
// goes in three steps, so that what a segment looks like, what the trace
// says of it and what sending it changes are apart: build fills the header
// and options from the state, label computes its labels without changing
// anything, and commit moves the sequence variables, timers and ACK
// bookkeeping. The segment is then handed to emit.
func (c *Conn) send(now sim.Time, emit func(*trace.Packet), seq wire.Seq, n uint32, flags wire.Flags, labels trace.Label, probe probeKind) {
	p := c.build(now, seq, n, flags)
	segLen := p.Seg.SeqLen()
	retx, probeResent := c.sentBefore(seq, segLen, flags, probe)
	var dups int32
	p.Labels, p.N, dups = c.label(p, segLen, labels, probe, retx, probeResent)
	c.commit(now, p, segLen, dups, labels&trace.LabelFastRetransmission != 0, probe, retx)
	emit(p)
}

// sendNew is send for the segment a transfer sends most: new data, n > 0
// bytes at SND.NXT = SND.MAX with flags (ACK, with PSH or FIN as sendNext
// chose), while no zero-window probe's byte is out. What label and commit
// ask of a segment is known for it in advance: it is no retransmission
// and no probe, carries no label from its caller, is no pure ACK (so no
// duplicate), and moves SND.NXT and SND.MAX to its end. send is the
// general path; a test holds the two alike (Host.noSendFastPath).
func (c *Conn) sendNew(now sim.Time, emit func(*trace.Packet), n uint32, flags wire.Flags) {
	seq := c.sndNxt
	p := c.build(now, seq, n, flags)
	end := seq.Add(n)
	if flags&wire.FIN != 0 {
		end++
	}

	// label: only a zero window has something to say of it.
	p.Labels, p.N = 0, 0
	if p.Win == 0 {
		p.Labels = trace.LabelZeroWindow
	}

	// commit: the window advertised and the ACK carried.
	if edge := c.rcvNxt.Add(p.Win); c.rcvAdv.LessThan(edge) {
		c.rcvAdv = edge
	}
	c.rcvWnd = p.Win
	if c.ackSettled() {
		c.ackNow = false // all ackSentNow would do
	} else {
		c.ackSentNow(now)
	}
	c.ackLabelled(p.Seg.Ack, p.Win, 0)
	if c.rfcACK == nil {
		c.acks.dataSent(now) // rfcACKs' does nothing
	}

	// The sequence variables: new data is timed unless a segment already
	// is, and leaves SND.NXT and SND.MAX at its end.
	idleBefore := c.sndUna == c.sndMax
	if !c.rttTiming {
		c.rttTiming, c.rttSeq, c.rttSentAt = true, end, now
	}
	if c.asks.rttEveryACK {
		c.xmits.sent(seq.Add(n), now) // skb_mstamp_ns of new data (rttsample.go)
	}
	if n < c.segMSS() {
		c.sndSml = end // tcp_minshall_update
	}
	c.sndMax, c.sndNxt = end, end
	c.lastSegStart = seq // the highest segment sent: a tail loss probe sends it again

	c.dataSentTimers(now, idleBefore)
	emit(p)
}

// build fills the connection's reusable packet with the segment [seq,
// seq+n): header, window and options, from the connection's state, which
// it does not change. The packet keeps its number and addresses from one
// segment to the next; everything else is set afresh (send sets the
// labels), so that nothing of the last segment carries over.
func (c *Conn) build(now sim.Time, seq wire.Seq, n uint32, flags wire.Flags) *trace.Packet {
	h := c.h
	p := &c.pkt
	p.ID = 0
	s := &p.Seg
	s.Seq = seq
	s.Flags = flags
	s.Len = n
	s.Ack = 0
	if flags&wire.ACK != 0 {
		s.Ack = c.rcvNxt
	}
	s.Opt = wire.Options{}

	// The window: never scaled in a SYN (RFC 7323 §2.2).
	if flags&wire.SYN != 0 {
		mss := uint32(h.cfg.MSS)
		if c.tsOK {
			mss -= tsOptionLen // a SYN,ACK echoing timestamps (tcp_openreq_init_rwin)
		}
		s.Window = uint16(min(c.rbuf.synWindow(c.windowRoom(), mss), 65535))
		c.winMemo.ok = false // chooseWindow's shift and MSS may change with the handshake
		p.Win = uint32(s.Window)
		s.Opt.MSS = uint16(h.cfg.MSS)
		if h.cfg.WindowScaling && (c.state == StateSynSent || c.wscaleOK) {
			s.Opt.HasWScale = true
			s.Opt.WScale = c.rcvWscale
		}
		// A SYN,ACK carries SACK-permitted and timestamps only if the SYN
		// did (RFC 2018 §2, RFC 7323 §3.2).
		s.Opt.SACKPermitted = h.cfg.SACK && (c.state == StateSynSent || c.sackOK)
		if h.cfg.Timestamps && (c.state == StateSynSent || c.tsOK) {
			c.setTimestamp(now, &s.Opt, c.state != StateSynSent)
		}
	} else if field, win, ok := c.winMemo.lookup(c.rcvNxt, c.rcvAdv, c.rcvUnread); ok {
		s.Window, p.Win = field, win // nothing the window is chosen from has changed
	} else {
		s.Window, p.Win = c.chooseWindow()
	}

	if flags&wire.RST != 0 && flags&wire.SYN == 0 && c.tsOK && c.h.policy.timestampOnRST() {
		c.setTimestamp(now, &s.Opt, true) // a connection's own RST (tcp_send_active_reset)
	}
	if flags&(wire.SYN|wire.RST) == 0 {
		if c.tsOK {
			c.setTimestamp(now, &s.Opt, true)
		}
		if c.sackOK && flags&wire.ACK != 0 && !c.ooo.empty() {
			c.setSACKBlocks(&s.Opt)
		}
	}
	return p
}

// commit records that p is being sent: the window advertised, the ACK
// owed now settled, the labeler's count of duplicate ACKs (dups), and, for
// data, SYN and FIN, SND.NXT and SND.MAX, RTT timing (Karn's rule) and the
// retransmission timer. A fast retransmission (fast) leaves SND.NXT
// where it is; a probe moves neither SND.NXT nor the timers. segLen is
// p's SEG.LEN; retx says whether p sends again what was sent before
// (isRetransmission).
func (c *Conn) commit(now sim.Time, p *trace.Packet, segLen uint32, dups int32, fast bool, probe probeKind, retx bool) {
	s := &p.Seg
	seq := s.Seq
	end := seq.Add(segLen)
	if edge := c.rcvNxt.Add(p.Win); c.rcvAdv.LessThan(edge) {
		c.rcvAdv = edge
	}
	if s.Flags&wire.SYN != 0 {
		c.synWnd = p.Win
	}
	if s.Flags&wire.RST == 0 {
		c.rcvWnd = p.Win // tcp_select_window: tp->rcv_wnd
	}
	if retx {
		c.retransmits++
		c.rttTiming = false // Karn: never time a retransmitted segment
		if c.retxHigh.LessThan(end) {
			c.retxHigh = end
		}
		if c.retransStamp == sim.Never && !p.Labels.Has(trace.LabelTLP) {
			c.retransStamp = now // the first retransmission of this stall (tcp_retransmit_skb)
		}
	}
	if s.Flags&wire.ACK != 0 {
		c.ackSentNow(now)
		c.ackLabelled(s.Ack, p.Win, dups)
	}
	if s.Len > 0 && probe == notProbe && c.rfcACK == nil {
		c.acks.dataSent(now) // rfcACKs' does nothing
	}

	// Sequence variables and timers.
	idleBefore := c.sndUna == c.sndMax // nothing was outstanding before this segment
	switch {
	case segLen == 0:
	case probe != notProbe:
		if c.sndMax.LessThan(end) {
			if c.probeFrom == c.probeTo {
				c.probeFrom = c.sndMax
			}
			c.sndMax = end // a zero-window probe's new byte (BSD); SND.NXT stays
			c.probeTo = end
		}
	default:
		if !seq.LessThan(c.sndMax) && !c.rttTiming {
			c.rttTiming, c.rttSeq, c.rttSentAt = true, end, now
		}
		if c.asks.rttEveryACK && s.Len > 0 {
			c.xmits.sent(seq.Add(s.Len), now) // skb_mstamp_ns of new data (rttsample.go)
		}
		if c.sndMax.LessThan(end) {
			if s.Len < c.segMSS() {
				c.sndSml = end // tcp_minshall_update
			}
			c.sndMax = end
			c.lastSegStart = seq // the highest segment sent: a tail loss probe sends it again
		}
		if c.probeFrom != c.probeTo && !c.sndMax.LessThan(c.probeTo) && !seq.LessThan(c.probeFrom) {
			c.probeFrom = c.probeTo // the probe bytes have gone as data
		}
		if !fast && c.sndNxt.LessThan(end) {
			c.sndNxt = end
		}
		c.dataSentTimers(now, idleBefore)
	}
}

// dataSentTimers starts the retransmission timer for data (or SYN, FIN)
// just sent if it is not running (RFC 6298 (5.1)), or moves a tail loss
// probe's timeout; idleBefore says nothing was outstanding before it.
func (c *Conn) dataSentTimers(now sim.Time, idleBefore bool) {
	if !c.timerOn(trace.TimerRetransmission) {
		if idleBefore {
			c.stallSince = now // the limits count from this first transmission
		}
		c.startRTO(now)
	} else if c.tlpArmed && !c.armProbe(now, c.rtoAt) {
		// More was sent: the probe timeout runs from now
		// (tcp_write_xmit → tcp_schedule_loss_probe), unless no
		// probe may go any more: then the RTO stands.
		c.resumeRTO(now)
	}
}

// tsOptionLen is what the timestamps option takes in every segment, padded
// (RFC 7323 §3.2: 10 bytes, laid out with two NOPs).
const tsOptionLen = 12

// setTimestamp fills the timestamps option: TSval from a 1 ms clock plus the
// connection's offset (Linux's granularity), TSecr echoing TS.Recent.
func (c *Conn) setTimestamp(now sim.Time, o *wire.Options, echo bool) {
	o.HasTimestamp = true
	o.TSVal = uint32(int64(now)/int64(time.Millisecond)) + c.tsOffset
	if echo {
		o.TSEcr = c.tsRecent
	}
}

// setSACKBlocks reports the out-of-order data held, as many blocks as fit
// beside the other options (3 with timestamps, 4 without). RFC 2018 §4:
// the first block holds the segment that triggered the ACK (the latest to
// arrive out of order), then come the blocks most recently reported first,
// newest first, so each is repeated in the next ACKs; then, if room is
// left, the others, highest first.
func (c *Conn) setSACKBlocks(o *wire.Options) {
	room := c.sackRoom()
	put := func(b wire.SACKBlock) {
		if int(o.NumSACK) < room && !slices.Contains(o.SACK[:o.NumSACK], b) {
			o.SACK[o.NumSACK] = b
			o.NumSACK++
		}
	}
	for _, seq := range c.ooo.recent {
		if b, ok := c.ooo.blockOf(seq); ok {
			put(b)
		}
	}
	for i := len(c.ooo.blocks) - 1; i >= 0; i-- {
		put(c.ooo.blocks[i])
	}
}

// sackRoom is how many SACK blocks fit in a segment beside the other
// options: 3 with timestamps, 4 without (RFC 2018 §3).
func (c *Conn) sackRoom() int {
	if c.tsOK {
		return 3
	}
	return wire.MaxSACKBlocks
}

// segMSS is the most data a segment sent now may carry: SND.MSS (the
// timestamps option already taken out) less the SACK blocks the segment
// carries while the peer's data is held out of order, so that a full
// segment stays within the MTU the MSS was announced for. RFC 6691 §2: the
// sender "MUST reduce the TCP data length to account for any IP or TCP
// options that it is including"; Linux's tcp_current_mss does so.
func (c *Conn) segMSS() uint32 {
	if !c.sackOK || c.ooo.empty() {
		return c.sndMSS
	}
	opt := uint32(4 + 8*min(c.sackRoom(), len(c.ooo.blocks))) // NOP, NOP, kind, length, blocks
	return max(c.sndMSS-min(opt, c.sndMSS), 1)
}
