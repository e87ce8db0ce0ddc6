package tcp

import (
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Delayed ACKs (RFC 1122 §4.2.3.2, RFC 5681 §4.2, RFC 9293 §3.8.6.3): an ACK
// for in-order data waits up to DelayedACK for data of our own to ride on,
// but goes at once for every second full-sized segment, for out-of-order
// data and for data that fills a gap. When it goes is the connection's
// ackRules, chosen once by the policy (delayedACKs): rfcACKs, the RFCs'
// rule with an optional quick-ack start, or linuxACKs, Linux's quick-ack
// and interactive ("ping-pong") modes with an adaptive timeout. The
// connection tells its rules what happens (data in, data out, an ACK out,
// the timer, a read) and acts on what they answer; the rules keep only
// their own state and read the connection through an ackView.

// ackRules decides when the ACK of received data goes.
type ackRules interface {
	// dataIn is told that n in-order bytes arrived at now in a segment
	// with flags (Linux's tcp_event_data_recv); FIN is among them only when
	// the FIN is accepted right after the data (it is then told to finIn).
	dataIn(now sim.Time, v ackView, n uint32, flags wire.Flags)
	// finIn is told that the peer's FIN was accepted in state from, and
	// reports whether its ACK must go at once.
	finIn(from State) bool
	// resent is told that data arrived that had all been received before,
	// or beyond the window (Linux's tcp_enter_quickack_mode).
	resent(v ackView)
	// owe is asked, after a segment of new data has been processed, when
	// its ACK goes: now (at once), or by the delayed-ACK timer at at. urgent
	// is set when the RFCs want it at once (a gap filled).
	owe(now sim.Time, v ackView, urgent bool) (ackNow bool, at sim.Time)
	// ackSent is told that a segment carrying ACK went.
	ackSent(now sim.Time, v ackView)
	// dataSent is told that a segment carrying data went.
	dataSent(now sim.Time)
	// timerFired is told that the delayed-ACK timer expired with an ACK owed.
	timerFired(now sim.Time, v ackView)
	// windowGrew is told that the receive window may grow (Linux's
	// tcp_grow_window: icsk_ack.quick |= 1); bufferTight that less than
	// half the receive buffer is free (__tcp_select_window: quick = 0).
	windowGrew()
	bufferTight()
	// segSize is the peer's segment size as the rules guess it (Linux's
	// icsk_ack.rcv_mss), or 0.
	segSize() uint32
	// read is told that the application took copied bytes, and says what
	// that does to the ACK.
	read(now sim.Time, v ackView, copied uint32) readVerdict
}

// readVerdict is what a read does to the ACK.
type readVerdict uint8

const (
	readNothing    readVerdict = iota
	readWindowRule             // an ACK is owed if the window grew enough (windowUpdateDue)
	readACKNow                 // an ACK goes now, from the read path, before anything the application sends next
)

// ackView is what the ACK rules read of the connection. Each value is read
// (or computed) only when a rule asks for it: the rules ask for a few of
// them at each event, and the rfc rules for almost none.
type ackView struct{ c *Conn }

// unacked is how many bytes were received in order since the last segment
// we sent (RCV.NXT − rcv_wup).
func (v ackView) unacked() uint32 { return v.c.rcvUnacked }

// unread is how many bytes were received and not yet read.
func (v ackView) unread() uint32 { return v.c.rcvUnread }

// lastWnd is the window the last segment advertised (Linux's rcv_wnd).
func (v ackView) lastWnd() uint32 { return v.c.rcvWnd }

// rcvMSS is the largest segment received.
func (v ackView) rcvMSS() uint32 { return v.c.rcvMSS }

// hdrLen is how many TCP header bytes a segment from the peer has: 20, and
// 12 of timestamps.
func (v ackView) hdrLen() uint32 {
	if v.c.tsOK {
		return 20 + tsOptionLen
	}
	return 20
}

// open reports whether more data may come (no FIN received, a state that
// receives).
func (v ackView) open() bool { return v.c.state.canReceiveData() && !v.c.finRcvd }

// estab reports whether the state is ESTABLISHED or SYN-RECEIVED.
func (v ackView) estab() bool { return v.c.state == StateEstablished || v.c.state == StateSynReceived }

// srtt is the smoothed RTT, 0 before any sample.
func (v ackView) srtt() time.Duration { return v.c.rtt.srtt }

// delackAt is when the delayed-ACK timer fires; sim.Never when it is off.
func (v ackView) delackAt() sim.Time { return v.c.timers.at[trace.TimerDelayedACK] }

// offered is what is still open of the window the last segment advertised.
func (v ackView) offered() uint32 { return v.c.offered() }

// window is the window a segment sent now would advertise.
func (v ackView) window() uint32 { return v.c.rcvWindow() }

// clamp is the largest window the receive buffer can offer (Linux's
// window_clamp).
func (v ackView) clamp() uint32 { return min(v.c.rbuf.clamp(), v.c.largestWindow()) }

// rto is the current RTO, backed off.
func (v ackView) rto() time.Duration { return v.c.rto() }

// ackView returns what the ACK rules see of c.
func (c *Conn) ackView() ackView { return ackView{c} }

// scheduleACK decides when the ACK for data just received goes: now, or
// when the delayed-ACK timer fires.
func (c *Conn) scheduleACK(now sim.Time, immediate bool) {
	var ackNow bool
	var at sim.Time
	if r := c.rfcACK; r != nil {
		ackNow, at = r.owe(now, c.ackView(), immediate) // a direct call
	} else {
		ackNow, at = c.acks.owe(now, c.ackView(), immediate)
	}
	switch {
	case ackNow:
		c.ackNow = true
	case at != sim.Never && at != c.timers.at[trace.TimerDelayedACK]:
		c.setTimer(now, trace.TimerDelayedACK, at, 0)
	}
}

// onDelayedACK is the delayed-ACK timer's expiry: the ACK goes now.
func (c *Conn) onDelayedACK(now sim.Time, _ func(*trace.Packet)) {
	c.fired(now, trace.TimerDelayedACK, 0)
	c.acks.timerFired(now, c.ackView())
	c.ackNow = true
	c.ackLabel |= trace.LabelDelayedACK
	c.h.pending = true
}

// ackSentNow clears what an ACK, piggybacked or not, settles.
func (c *Conn) ackSentNow(now sim.Time) {
	c.ackNow = false
	if r := c.rfcACK; r != nil {
		r.sent(c.rcvUnacked) // all of ackSent that it reads
	} else {
		c.acks.ackSent(now, c.ackView())
	}
	c.rcvUnacked = 0
	if c.timerOn(trace.TimerDelayedACK) { // stopTimer, checked here: see there
		c.cancelTimer(now, trace.TimerDelayedACK)
	}
}

// ackSettled reports whether ackSentNow would only clear ackNow: under the
// RFC's rules, nothing received since the last ACK and the delayed-ACK
// timer off (each segment of a connection that only sends).
func (c *Conn) ackSettled() bool {
	return c.rcvUnacked == 0 && c.rfcACK != nil && !c.timerOn(trace.TimerDelayedACK)
}

// sendACK sends a pure ACK from outside output (the receive or read path):
// it is queued for the host's next flush, ahead of anything output sends.
func (c *Conn) sendACK(now sim.Time) {
	c.send(now, c.h.enqueue, c.sndNxt, 0, wire.ACK, 0, notProbe)
	c.h.pending = true
}

// rfcACKs is RFC 1122 §4.2.3.2 and RFC 5681 §4.2: an ACK waits at most
// delay, goes at once for every second full-sized segment (the largest
// seen, rcvMSS), and for the first quick ACKs of a connection (a number a
// scenario may set under either profile).
type rfcACKs struct {
	delay time.Duration // DelayedACK; 0: every segment is ACKed at once
	// quick counts the ACKs still to send at once (QuickACKs); it counts
	// ACKs of data, not the handshake's.
	quick int
}

func (r *rfcACKs) dataIn(sim.Time, ackView, uint32, wire.Flags) {}
func (r *rfcACKs) finIn(State) bool                             { return true }
func (r *rfcACKs) resent(ackView)                               {}
func (r *rfcACKs) dataSent(sim.Time)                            {}
func (r *rfcACKs) timerFired(sim.Time, ackView)                 {}
func (r *rfcACKs) windowGrew()                                  {}
func (r *rfcACKs) bufferTight()                                 {}
func (r *rfcACKs) segSize() uint32                              { return 0 }

// owe: "full-sized" is the largest segment received (Linux's rcv_mss is
// its own guess; RFC 5681 §4.2 leaves it open: docs/profiles.md).
func (r *rfcACKs) owe(now sim.Time, v ackView, urgent bool) (bool, sim.Time) {
	if r.delay <= 0 || urgent || r.quick > 0 || v.unacked() >= 2*v.rcvMSS() {
		return true, sim.Never
	}
	at := v.delackAt() // the timer runs from the first segment it waits for
	if at == sim.Never {
		at = now.Add(r.delay)
	}
	return false, at
}

func (r *rfcACKs) ackSent(_ sim.Time, v ackView) { r.sent(v.unacked()) }

// sent spends a quick ACK on an ACK of data (unacked bytes of it).
func (r *rfcACKs) sent(unacked uint32) {
	if unacked > 0 && r.quick > 0 {
		r.quick--
	}
}

// read: the window-update rule decides (windowUpdateDue); the ACK goes at
// the next output, so what the application sends at once carries it.
func (r *rfcACKs) read(sim.Time, ackView, uint32) readVerdict { return readWindowRule }

// linuxACKs is Linux's delayed-ACK engine (net/ipv4/tcp_input.c,
// tcp_output.c, tcp_timer.c, include/net/inet_connection_sock.h):
//
//   - quick-ack mode: the first data of a connection (and data after a
//     silence longer than the RTO) earns up to TCP_MAX_QUICKACKS ACKs sent
//     at once, as many as half the window holds segments of the peer's
//     size (tcp_incr_quickack); each ACK of new data spends one
//     (tcp_dec_quickack_mode).
//   - interactive ("ping-pong") mode: data sent within ato of the last data
//     received makes the connection interactive (tcp_event_data_sent;
//     tcp_pingpong_thresh 1); the peer's FIN does too (tcp_fin). Quick ACKs
//     are not sent in it: the ACK of a request waits for the response. A
//     delayed-ACK timer that expires with the ACK still owed ends it
//     (tcp_delack_timer_handler).
//   - the ACK timeout (ato) starts at TCP_ATO_MIN and follows the gaps
//     between arriving segments (tcp_event_data_recv); it is doubled, up to
//     the RTO, when the timer fires outside ping-pong mode, and bounded by
//     200 ms (TCP_DELACK_MAX, or rto_min less a tick), by the RTT, and
//     otherwise by 500 ms (tcp_send_delayed_ack).
//   - an ACK goes at once for more than one full segment unacknowledged
//     when the window would not shrink (__tcp_ack_snd_check), and from the
//     read path when the application has read it all after a small pushed
//     segment outside ping-pong mode, or two of them in it, or when the read
//     at least doubles the window (__tcp_cleanup_rbuf).
type linuxACKs struct {
	maxQuick  int           // TCP_MAX_QUICKACKS (the QuickACKs setting)
	atoMin    time.Duration // TCP_ATO_MIN = TCP_DELACK_MIN (the DelayedACK setting)
	delackMax time.Duration // tcp_delack_max: TCP_DELACK_MAX, at most rto_min less a tick
	advMSS    uint32        // the MSS we announced (tp->advmss)

	quick     int           // icsk_ack.quick: ACKs still to send at once
	pingpong  bool          // icsk_ack.pingpong ≥ tcp_pingpong_thresh (1)
	ato       time.Duration // icsk_ack.ato; 0 until the first data
	lrcvtime  sim.Time      // icsk_ack.lrcvtime: when data last arrived
	scheduled bool          // ICSK_ACK_SCHED: an ACK is owed
	pushed    bool          // ICSK_ACK_PUSHED: a small (or pushed) segment arrived since the last ACK
	pushed2   bool          // ICSK_ACK_PUSHED2: two of them did
	rcvMSS    uint32        // icsk_ack.rcv_mss: the peer's segment size as guessed
	lastSeg   uint32        // icsk_ack.last_seg_size
}

// Linux's constants for the ACK engine, at HZ=1000 (the timer wheel
// rounds them: timer.go).
const (
	linuxDelackMax  = 200 * time.Millisecond // TCP_DELACK_MAX
	linuxMaxATO     = 500 * time.Millisecond // HZ/2: tcp_send_delayed_ack's bound outside ping-pong mode
	linuxMinMSS     = 88                     // TCP_MIN_MSS
	linuxDefaultMSS = 536                    // TCP_MSS_DEFAULT
)

// newLinuxACKs returns Linux's ACK engine for a host with settings cfg.
func newLinuxACKs(cfg *Config) *linuxACKs {
	tick := cfg.tick()
	return &linuxACKs{
		maxQuick: cfg.QuickACKs, atoMin: cfg.DelayedACK, advMSS: uint32(cfg.MSS),
		delackMax: min(linuxDelackMax, max(cfg.RTOMin, 2*tick)-tick), // tcp_delack_max
		lrcvtime:  sim.Never,
	}
}

// initRcvMSS is tcp_initialize_rcv_mss: the guess of the peer's segment
// size before any has arrived: at most 536 and half the window, at least
// TCP_MIN_MSS.
func (r *linuxACKs) initRcvMSS(v ackView) {
	hint := min(r.advMSS, linuxDefaultMSS)
	if v.lastWnd() > 0 {
		hint = min(hint, v.lastWnd()/2)
	}
	r.rcvMSS = max(hint, linuxMinMSS)
}

// measureRcvMSS is tcp_measure_rcv_mss: a segment at least as large as the
// guess raises it; a smaller one lowers it only when two in a row look
// full-sized, and otherwise marks the ACK as owed to a pushed segment.
func (r *linuxACKs) measureRcvMSS(v ackView, n uint32, flags wire.Flags) {
	lss := r.lastSeg
	r.lastSeg = 0
	if n >= r.rcvMSS {
		r.rcvMSS = min(n, r.advMSS)
		if flags&wire.PSH != 0 {
			r.pushed = true // "likely the end of an application write"
		}
		return
	}
	withHdr := n + v.hdrLen()
	if withHdr >= linuxDefaultMSS+20 || withHdr >= linuxMinMSS+20 && flags&(wire.FIN|wire.PSH|wire.URG|wire.SYN) == 0 {
		r.lastSeg = n
		if n == lss {
			r.rcvMSS = n
			return
		}
	}
	if r.pushed {
		r.pushed2 = true
	}
	r.pushed = true
}

// incrQuick is tcp_incr_quickack: as many quick ACKs as half the window
// holds segments of the peer's size (2 if none), at most TCP_MAX_QUICKACKS.
func (r *linuxACKs) incrQuick(v ackView) {
	q := 2
	if r.rcvMSS > 0 && v.lastWnd()/(2*r.rcvMSS) > 0 {
		q = int(v.lastWnd() / (2 * r.rcvMSS))
	}
	r.quick = max(r.quick, min(q, r.maxQuick))
}

// enterQuick is tcp_enter_quickack_mode.
func (r *linuxACKs) enterQuick(v ackView) {
	r.incrQuick(v)
	r.pingpong = false
	r.ato = r.atoMin
}

// dataIn is tcp_event_data_recv.
func (r *linuxACKs) dataIn(now sim.Time, v ackView, n uint32, flags wire.Flags) {
	r.scheduled = true
	if r.rcvMSS == 0 {
		r.initRcvMSS(v)
	}
	r.measureRcvMSS(v, n, flags)
	switch m := now.Sub(r.lrcvtime); {
	case r.ato == 0:
		// The first data: start the delayed-ACK engine in quick-ack mode.
		r.incrQuick(v)
		r.ato = r.atoMin
	case m <= r.atoMin/2:
		r.ato = r.ato/2 + r.atoMin/2
	case m < r.ato:
		r.ato = min(r.ato/2+m, v.rto())
	case m > v.rto():
		r.incrQuick(v) // "Too long gap": the sender restarts its window
	}
	r.lrcvtime = now
	if flags&wire.FIN != 0 && v.estab() {
		// tcp_data_queue calls tcp_fin before the ACK is decided: the
		// FIN that comes with the data makes the exchange interactive.
		r.pingpong = true
	}
}

// finIn is tcp_fin: a FIN in ESTABLISHED (or SYN-RECEIVED) makes the
// connection interactive, so its ACK waits to ride on the application's
// own FIN; in FIN-WAIT-1 and -2 it is ACKed at once.
func (r *linuxACKs) finIn(from State) bool {
	r.scheduled = true
	if from == StateEstablished || from == StateSynReceived {
		r.pingpong = true
		return false
	}
	return true
}

// resent is tcp_send_dupack's and the out-of-window path's
// tcp_enter_quickack_mode; the ACK goes at once anyway.
func (r *linuxACKs) resent(v ackView) {
	if r.rcvMSS == 0 {
		r.initRcvMSS(v)
	}
	r.scheduled = true
	r.enterQuick(v)
}

// owe is __tcp_ack_snd_check, then tcp_send_delayed_ack.
func (r *linuxACKs) owe(now sim.Time, v ackView, urgent bool) (bool, sim.Time) {
	if r.atoMin <= 0 || urgent || r.quick > 0 && !r.pingpong || v.unacked() > r.rcvMSS && v.window() >= v.lastWnd() {
		return true, sim.Never
	}
	ato := r.ato
	if ato > r.atoMin {
		maxATO := linuxMaxATO
		if r.pingpong || r.pushed {
			maxATO = linuxDelackMax
		}
		if v.srtt() > 0 {
			maxATO = min(maxATO, max(v.srtt(), r.atoMin))
		}
		ato = min(ato, maxATO)
	}
	ato = min(ato, r.delackMax)
	at := now.Add(ato)
	if v.delackAt() != sim.Never {
		if v.delackAt() <= now.Add(ato/4) {
			return true, sim.Never // the timer is about to fire: send it now
		}
		at = min(at, v.delackAt())
	}
	return false, at
}

// ackSent is tcp_event_ack_sent: an ACK of new data spends a quick ACK
// (tcp_dec_quickack_mode); whatever was owed is settled.
func (r *linuxACKs) ackSent(sim.Time, ackView) {
	if r.quick > 0 && r.scheduled {
		r.quick--
		if r.quick == 0 {
			r.ato = r.atoMin // leaving quick-ack mode deflates the ATO
		}
	}
	r.scheduled, r.pushed, r.pushed2 = false, false, false
}

// dataSent is tcp_event_data_sent: a reply within ato of the last data
// received makes the connection interactive.
func (r *linuxACKs) dataSent(now sim.Time) {
	if r.ato > 0 && now.Sub(r.lrcvtime) < r.ato {
		r.pingpong = true
	}
}

// windowGrew is tcp_grow_window's icsk_ack.quick |= 1: while the window
// grows, its ACKs go at once.
func (r *linuxACKs) windowGrew() { r.quick |= 1 }

// bufferTight is __tcp_select_window's icsk_ack.quick = 0.
func (r *linuxACKs) bufferTight() { r.quick = 0 }

// segSize is icsk_ack.rcv_mss.
func (r *linuxACKs) segSize() uint32 { return r.rcvMSS }

// timerFired is tcp_delack_timer_handler: the timer "missed" the data it
// waited for: outside ping-pong mode the ATO grows, in it the mode ends.
func (r *linuxACKs) timerFired(_ sim.Time, v ackView) {
	if !r.pingpong {
		r.ato = min(2*r.ato, v.rto())
	} else {
		r.pingpong = false
		r.ato = r.atoMin
	}
}

// read is __tcp_cleanup_rbuf, told after the read: the ACK owed goes now
// for more than one segment unacknowledged, or when the application has
// read everything after a pushed segment (two of them in ping-pong mode);
// a window update goes when the read has at least doubled the window.
func (r *linuxACKs) read(_ sim.Time, v ackView, copied uint32) readVerdict {
	if r.scheduled && (v.unacked() > r.rcvMSS ||
		copied > 0 && (r.pushed2 || r.pushed && !r.pingpong) && v.unread() == 0) {
		return readACKNow
	}
	if copied > 0 && v.open() && 2*v.offered() <= v.clamp() && v.window() > 0 && v.window() >= 2*v.offered() {
		return readACKNow
	}
	return readNothing
}
