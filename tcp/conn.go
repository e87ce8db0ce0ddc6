package tcp

import (
	"math"
	"net/netip"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Error is why a connection was aborted, as a socket would report it. Its
// Cause is the code the trace's abort record carries.
type Error struct {
	Cause trace.AbortCause
}

func (e *Error) Error() string { return e.Cause.String() }

// Errors a connection can end with. Compare with errors.Is.
var (
	ErrTimedOut = &Error{trace.AbortTimedOut} // retransmissions unanswered (ETIMEDOUT)
	ErrReset    = &Error{trace.AbortReset}    // the peer reset the connection (ECONNRESET)
	ErrRefused  = &Error{trace.AbortRefused}  // the peer refused it (ECONNREFUSED)
	ErrAborted  = &Error{trace.AbortByApplication}
	// ErrKeepaliveTimeout: keepalive probes went unanswered (ETIMEDOUT).
	ErrKeepaliveTimeout = &Error{trace.AbortKeepaliveTimeout}
	// ErrUserTimeout: data stayed unacknowledged longer than the user timeout (ETIMEDOUT).
	ErrUserTimeout = &Error{trace.AbortUserTimeout}
)

// Event tells the application something happened on a connection.
type Event uint8

// The events a Host queues for the application (Host.Notices).
const (
	EventEstablished Event = iota + 1 // the handshake completed
	EventReadable                     // new in-order data can be read
	EventWritable                     // acknowledged data freed send-buffer space
	EventPeerClosed                   // the peer's FIN arrived after all its data
	EventClosed                       // the connection reached CLOSED normally
	EventAborted                      // the connection was reset or timed out; see Conn.Err
)

// Conn is one TCP connection: the transmission control block of RFC 9293
// §3.3.1, named after its variables.
type Conn struct {
	h     *Host
	id    uint32
	local netip.AddrPort
	peer  netip.AddrPort
	state State
	// passive is set on connections created by a listener (RFC 9293 §3.10.7.4:
	// a reset SYN-RECEIVED connection returns to LISTEN).
	passive bool
	err     error

	// Send sequence variables (RFC 9293 §3.3.1).
	iss    wire.Seq // initial send sequence number
	sndUna wire.Seq // oldest unacknowledged sequence number
	sndNxt wire.Seq // next sequence number to send
	sndMax wire.Seq // one past the highest sequence number ever sent (rewinding sndNxt on RTO leaves it)
	sndWnd uint32   // the peer's receive window, bytes, after scaling
	sndWl1 wire.Seq // segment sequence number used for the last window update
	sndWl2 wire.Seq // segment acknowledgment number used for the last window update
	// maxSndWnd is the largest window the peer has offered, bytes (RFC 9293 §3.8.6.2.1).
	maxSndWnd uint32
	// sndEnd is one past the last byte the application has written.
	sndEnd wire.Seq
	// finQueued is set once the application closed: a FIN follows the data, at sndEnd.
	finQueued bool
	synSent   bool // our SYN (or SYN,ACK) has been sent at least once

	// Receive sequence variables.
	irs    wire.Seq // initial receive sequence number
	rcvNxt wire.Seq // next sequence number expected
	rcvAdv wire.Seq // right edge of the window last advertised (RCV.NXT + RCV.WND); never moves left
	// rcvUnread counts in-order bytes received and not yet read by the application.
	rcvUnread uint32
	ooo       reassembly
	finRcvd   bool // the peer's FIN has been accepted (in order)

	// Segment sizes (RFC 9293 §3.7.1): what we may send and what we announced.
	sndMSS uint32
	// Window scale shifts (RFC 7323 §2.3): applied to windows we receive and
	// to windows we send, both 0 unless both sides offered the option.
	sndWscale, rcvWscale uint8
	wscaleOK             bool

	// Timestamps (RFC 7323 §3) and SACK (RFC 2018), when both sides agreed.
	tsOK     bool
	tsOffset uint32 // added to the millisecond clock, per connection (as Linux since 4.10)
	tsRecent uint32 // TS.Recent: the timestamp to echo
	sackOK   bool

	// timers says when each timer fires (timer.go).
	timers connTimers

	// Retransmission (RFC 6298).
	rtt            rttEstimator
	backoff        int      // RTO doublings in force (RFC 6298 (5.5)); 0 after a valid RTT sample
	retries        int      // consecutive expiries without progress, against the retry limits
	synRetrans     bool     // the SYN or SYN,ACK was retransmitted (RFC 6298 (5.7))
	synRetransmits int      // how many times the RTO resent it
	rttTiming      bool     // a segment is being timed (Karn's algorithm)
	rttSeq         wire.Seq // the timed segment is acknowledged when SND.UNA passes this
	rttSentAt      sim.Time
	retransmits    uint64

	// stallSince is when the oldest unacknowledged data was sent (or, once
	// data is acknowledged with more outstanding, when that ACK came: the
	// next segment's own send time is not kept); the time-based limits
	// count from it.
	stallSince sim.Time

	// Persist timer and probes (persist.go).
	persistBackoff int      // doublings of the probe interval
	probesOut      int      // zero-window probes sent since the last ACK
	persistN       int      // zero-window probes sent in this stall, for their ordinals
	probing        bool     // the segment being sent is a probe
	probeN         int32    // its ordinal, for the trace
	persistSince   sim.Time // when the first probe of this zero-window spell went; sim.Never otherwise

	// Keepalive (keepalive.go).
	kaProbesOut int // keepalive probes sent since the peer was last heard

	// Delayed ACK (delack.go).
	rcvUnacked  uint32 // in-order bytes received since the last ACK we sent
	rcvMSS      uint32 // the largest segment received: what "full-sized" means
	quickACKs   int    // ACKs still to send at once (quick-ack mode)
	ackLabel    trace.Label
	ackForProbe bool // the ACK owed answers a probe: not a duplicate ACK

	// Congestion control and loss recovery (RFC 5681, RFC 6582).
	cc         congestionControl
	cwnd       uint32
	ssthresh   uint32
	dupAcks    int
	inRecovery bool
	// partialACKSeen: the retransmission timer was reset on this recovery's first partial ACK.
	partialACKSeen bool
	recover        wire.Seq // RFC 6582's "recover": highest sequence sent when recovery began
	// fastRetransmit asks output to resend the segment at SND.UNA now.
	fastRetransmit bool
	// With SACK (sack.go): what the peer has SACKed beyond SND.UNA, whether
	// output should resend the next hole, and how far holes have been
	// resent in this recovery.
	sacked     reassembly
	sackRexmit bool
	rexmitNxt  wire.Seq

	// ACK generation.
	ackNow      bool     // an ACK must go out at the next output
	lastAckSent wire.Seq // the last acknowledgment number sent
	lastWinSent uint32   // the last window advertised, bytes
	dupAckCount int32    // how many duplicate ACKs in a row we have sent for lastAckSent
	ackSent     bool     // an ACK has been sent (lastAckSent is meaningful)

	// Values last written to the trace as "var" records, to write changes only.
	tracedCwnd, tracedSsthresh, tracedSndWnd uint32
	tracedRcvBuf                             uint32
	tracedRTO                                int64
}

// State returns the connection's state.
func (c *Conn) State() State { return c.state }

// ID returns the connection's number on its host: 1, 2, … in order of creation.
func (c *Conn) ID() uint32 { return c.id }

// Err returns why the connection was aborted, or nil.
func (c *Conn) Err() error { return c.err }

// LocalAddr and RemoteAddr return the connection's endpoints.
func (c *Conn) LocalAddr() netip.AddrPort  { return c.local }
func (c *Conn) RemoteAddr() netip.AddrPort { return c.peer }

// Readable returns how many in-order bytes wait to be read.
func (c *Conn) Readable() int { return int(c.rcvUnread) }

// PeerClosed reports whether the peer's FIN has arrived.
func (c *Conn) PeerClosed() bool { return c.finRcvd }

// WriteSpace returns how many bytes Write would accept now.
func (c *Conn) WriteSpace() int {
	if c.finQueued || !(c.state == StateEstablished || c.state == StateCloseWait || c.state == StateSynSent || c.state == StateSynReceived) {
		return 0
	}
	used := c.sndEnd.Sub(c.dataUna())
	space := c.h.cfg.SendBuffer - int(used)
	return max(space, 0)
}

// synUnacked reports whether our SYN (or SYN,ACK) awaits its acknowledgment.
func (c *Conn) synUnacked() bool { return c.sndUna == c.iss && c.state != StateClosed }

// dataUna is the first unacknowledged data byte: SND.UNA, past the SYN.
func (c *Conn) dataUna() wire.Seq {
	if c.sndUna == c.iss {
		return c.iss.Add(1)
	}
	return c.sndUna
}

// Write queues up to n bytes for sending and returns how many fit in the
// send buffer (RFC 9293 §3.10.2 SEND). Data written before the connection is
// established waits for it.
func (c *Conn) Write(now sim.Time, n int) int {
	n = min(n, c.WriteSpace())
	if n <= 0 {
		return 0
	}
	c.sndEnd = c.sndEnd.Add(uint32(n))
	c.h.appRecord(now, c, trace.AppWrite, int64(n))
	c.h.markActive(c)
	return n
}

// Read takes up to n in-order bytes from the receive buffer and returns how
// many it took (RFC 9293 §3.10.3 RECEIVE). Freeing space may open the window.
func (c *Conn) Read(now sim.Time, n int) int {
	n = min(n, int(c.rcvUnread))
	if n <= 0 {
		return 0
	}
	c.rcvUnread -= uint32(n)
	c.h.appRecord(now, c, trace.AppRead, int64(n))
	if c.windowUpdateDue() {
		c.ackNow = true
	}
	c.h.markActive(c)
	return n
}

// windowUpdateDue reports whether reading has opened the window enough to
// tell the peer at once: the right edge would move by at least two segments
// or half the buffer (BSD's tcp_output rule, which RFC 9293 §3.8.6.2.2's
// receiver-side SWS avoidance allows).
func (c *Conn) windowUpdateDue() bool {
	if !c.state.canReceiveData() || c.finRcvd {
		return false
	}
	offered := uint32(0)
	if c.rcvNxt.LessThan(c.rcvAdv) {
		offered = c.rcvNxt.Size(c.rcvAdv)
	}
	w := c.rcvWindow()
	if w <= offered {
		return false
	}
	inc := w - offered
	return inc >= 2*c.sndMSS || 2*inc >= uint32(c.h.cfg.RecvBuffer) || offered == 0
}

// Close asks for an orderly close (RFC 9293 §3.10.4): a FIN follows the data
// already written.
func (c *Conn) Close(now sim.Time) {
	c.h.appRecord(now, c, trace.AppClose, 0)
	switch c.state {
	case StateSynSent:
		// RFC 9293 §3.10.4: "Delete the TCB"; the SYN's retransmission
		// timer goes with it, and the application hears it is closed.
		c.close(now)
	case StateSynReceived, StateEstablished:
		// RFC 9293 §3.10.4: from SYN-RECEIVED too a FIN goes now; the
		// SYN,ACK goes on being retransmitted until it is acknowledged.
		c.finQueued = true
		c.setState(now, StateFinWait1)
	case StateCloseWait:
		c.finQueued = true
		c.setState(now, StateLastAck)
	}
	c.h.markActive(c)
}

// Abort resets the connection (RFC 9293 §3.10.5): in a synchronized state a
// RST goes to the peer; everything queued is discarded.
func (c *Conn) Abort(now sim.Time) {
	c.h.appRecord(now, c, trace.AppAbort, 0)
	// RFC 9293 §3.10.5: a RST goes from SYN-RECEIVED, ESTABLISHED,
	// FIN-WAIT-1, FIN-WAIT-2 and CLOSE-WAIT; CLOSING, LAST-ACK and
	// TIME-WAIT just delete the connection.
	switch c.state {
	case StateSynReceived, StateEstablished, StateFinWait1, StateFinWait2, StateCloseWait:
		c.h.sendRST(c.local, c.peer, c.sndNxt, 0, false, c.id)
	}
	c.abort(now, ErrAborted)
}

// abort ends the connection with err, recording why.
func (c *Conn) abort(now sim.Time, err *Error) {
	c.err = err
	h := c.h
	r := h.record(now, trace.KindAbort, c.id)
	r.Abort = err.Cause
	h.tr.Record(r)
	c.stopTimers(now)
	c.setState(now, StateClosed)
	h.remove(c)
	h.notify(c, EventAborted)
}

// setState moves the connection to s and records the transition.
func (c *Conn) setState(now sim.Time, s State) {
	if s == c.state {
		return
	}
	r := c.h.record(now, trace.KindState, c.id)
	r.From = trace.State(c.state)
	r.To = trace.State(s)
	c.state = s
	c.h.tr.Record(r)
}

// rcvWindow returns the window to advertise, in bytes: the free receive
// buffer, moving the right edge only in steps of at least min(buffer/2, MSS)
// to avoid the silly window syndrome (RFC 9293 §3.8.6.2.2), and never
// shrinking what was offered before.
func (c *Conn) rcvWindow() uint32 {
	bufSize := uint32(c.h.cfg.RecvBuffer)
	free := bufSize - min(c.rcvUnread, bufSize)
	maxWnd := uint32(65535) << c.rcvWscale
	free = min(free, maxWnd)
	offered := uint32(0)
	if c.rcvNxt.LessThan(c.rcvAdv) {
		offered = c.rcvNxt.Size(c.rcvAdv)
	}
	if free <= offered {
		return offered
	}
	// RFC 9293 §3.8.6.2.2: the step is min(RCV.BUFF/2, Eff.snd.MSS).
	step := min(bufSize/2, c.sndMSS)
	if c.h.cfg.LinuxWindowSelection {
		return max(c.linuxWindow(free, bufSize), offered)
	}
	if free-offered >= step || free == min(bufSize, maxWnd) {
		return free
	}
	return offered
}

// linuxWindow is the window Linux's __tcp_select_window offers for free
// bytes of a buffer of bufSize: 0 when less than half the buffer and less
// than one segment is free; with window scaling the free space itself,
// without it a whole number of segments (the peer's segment size as seen).
func (c *Conn) linuxWindow(free, bufSize uint32) uint32 {
	mss := c.rcvMSS
	if mss == 0 {
		mss = c.sndMSS
	}
	if free < bufSize/2 && free < mss {
		return 0
	}
	if c.rcvWscale > 0 || mss == 0 {
		return free
	}
	return free / mss * mss
}

// flightSize returns the bytes sent and not yet acknowledged (RFC 5681's FlightSize).
func (c *Conn) flightSize() uint32 { return c.sndUna.Size(c.sndMax) }

// sndWndLimit returns the right edge of what may be sent: SND.UNA plus the
// smaller of the peer's window and the congestion window.
func (c *Conn) sndWndLimit() wire.Seq {
	return c.sndUna.Add(min(c.sndWnd, c.cwnd))
}

// traceVars writes "var" records for congestion and window variables that changed.
func (c *Conn) traceVars(now sim.Time) {
	h := c.h
	if c.cwnd != c.tracedCwnd {
		c.tracedCwnd = c.cwnd
		h.varRecord(now, c, trace.VarCwnd, int64(c.cwnd))
	}
	if c.ssthresh != c.tracedSsthresh {
		c.tracedSsthresh = c.ssthresh
		v := int64(c.ssthresh)
		if c.ssthresh == math.MaxUint32 {
			v = -1
		}
		h.varRecord(now, c, trace.VarSsthresh, v)
	}
	if c.rcvUnread != c.tracedRcvBuf {
		c.tracedRcvBuf = c.rcvUnread
		h.varRecord(now, c, trace.VarRcvBuffer, int64(c.rcvUnread))
	}
	if c.sndWnd != c.tracedSndWnd {
		c.tracedSndWnd = c.sndWnd
		h.varRecord(now, c, trace.VarSndWnd, int64(c.sndWnd))
	}
	if rto := int64(c.rtt.backedOff(c.backoff)); rto != c.tracedRTO {
		c.tracedRTO = rto
		h.varRecord(now, c, trace.VarRTO, rto)
		if c.rtt.samples > 0 {
			h.varRecord(now, c, trace.VarSRTT, int64(c.rtt.srtt))
		}
	}
}
