package tcp

import (
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
// §3.3.1. Its variables are grouped by who owns them, each part embedded
// so that they keep their RFC names (c.sndUna, c.rcvNxt): the sender
// (sender.go), the receiver (receiver.go), the timers (timer.go) and the
// labeler (labeler.go), which only the trace reads. What is left here is
// the connection's identity, its state, and the options both sides agreed
// to in the handshake, which both halves use.
type Conn struct {
	// h is the host the connection belongs to: its settings, policy and trace.
	h *Host
	// id is the connection's number on its host, for the trace.
	id uint32
	// local and peer are the connection's two endpoints.
	local, peer netip.AddrPort
	// state is the RFC 9293 §3.3.2 state.
	state State
	// passive is set on connections created by a listener (RFC 9293 §3.10.7.4:
	// a reset SYN-RECEIVED connection returns to LISTEN).
	passive bool
	// err is why the connection was aborted, or nil.
	err error

	// Options agreed in the handshake: window scaling (RFC 7323 §2),
	// timestamps (RFC 7323 §3) and SACK (RFC 2018), each set only when both
	// sides offered it.
	wscaleOK, tsOK, sackOK bool

	sender
	receiver
	// xmits is when each segment of new data in flight was sent, for the
	// policies that sample the RTT on every ACK (rttsample.go).
	xmits xmitLog
	// rfcACK and rfcBuf are the ACK rules and the receive buffer when they
	// are the RFCs' (the rfc profile): the per-segment paths then call
	// them directly, and skip what only Linux's rules and buffer read
	// (the views and events they would ignore). nil and false otherwise.
	rfcACK *rfcACKs
	rfcBuf bool
	// timers says when each timer fires (timer.go).
	timers connTimers
	labeler
	// pkt is the segment send builds, reused for each: what every segment
	// of the connection shares, its number and addresses, is set once by
	// newConn, and build fills in the rest.
	pkt trace.Packet
	// winMemo is the last window the RFC's buffer chose (chooseWindow).
	winMemo rfcWindowMemo
}

// State returns the connection's state.
func (c *Conn) State() State { return c.state }

// ID returns the connection's number: 1, 2, … in order of creation on its
// host, or what Host.ConnID gave it.
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
	space := c.sndBuf - int(used)
	return max(space, 0)
}

// synUnacked reports whether our SYN (or SYN,ACK) awaits its acknowledgment.
func (c *Conn) synUnacked() bool { return !c.synAcked && c.state != StateClosed }

// Write queues up to n bytes for sending and returns how many fit in the
// send buffer (RFC 9293 §3.10.2 SEND). Data written before the connection is
// established waits for it.
func (c *Conn) Write(now sim.Time, n int) int {
	if space := c.WriteSpace(); n > space {
		n = space
		c.sndBufShort = true // sk_stream_wait_memory: SOCK_NOSPACE
	}
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
	if !c.rfcBuf {
		c.rbuf.read(c.copiedSeq()) // rfcBuffer's read does nothing
	}
	c.h.appRecord(now, c, trace.AppRead, int64(n))
	verdict := readWindowRule // rfcACKs.read's
	if c.rfcACK == nil {
		verdict = c.acks.read(now, c.ackView(), uint32(n))
	}
	switch verdict {
	case readWindowRule:
		if !c.ackNow && c.windowUpdateDue() { // an ACK already owed carries the window anyway
			c.ackNow = true
		}
	case readACKNow:
		if c.state.synchronized() {
			c.sendACK(now) // from the read path, before what the application sends next
		}
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
	offered, buf := c.offered(), uint32(c.h.cfg.RecvBuffer)
	if room := buf - min(offered, buf); offered > 0 && room < 2*c.sndMSS && 2*room < buf {
		// The window cannot grow past the buffer: no increase it could
		// make is worth announcing, so rcvWindow need not be asked.
		return false
	}
	w := c.rcvWindow()
	if w <= offered {
		return false
	}
	inc := w - offered
	return inc >= 2*c.sndMSS || 2*inc >= buf || offered == 0
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
		c.activeReset(now)
	}
	c.abort(now, ErrAborted)
}

// activeReset queues the RST of an abort: <SEQ=SND.NXT><CTL=RST> (RFC 9293
// §3.10.5), or, as the policy says, Linux's tcp_send_active_reset, which
// sends RST,ACK through tcp_transmit_skb: ACK = RCV.NXT, the window
// tcp_select_window offers, and the timestamps option.
func (c *Conn) activeReset(now sim.Time) {
	h := c.h
	if !h.policy.activeResetACK() {
		h.sendRST(c.local, c.peer, c.sndNxt, 0, false, c.id)
		return
	}
	p := trace.Packet{Conn: c.id}
	p.Seg.Src, p.Seg.Dst = c.local, c.peer
	p.Seg.Seq, p.Seg.Ack = c.sndNxt, c.rcvNxt
	p.Seg.Flags = wire.RST | wire.ACK
	wnd, _ := c.window()
	field := min(wnd>>c.rcvWscale, 65535)
	p.Seg.Window = uint16(field)
	p.Win = field << c.rcvWscale
	if c.tsOK {
		c.setTimestamp(now, &p.Seg.Opt, true)
	}
	h.out = append(h.out, p)
	h.pending = true
}

// abort ends the connection with err, recording why.
func (c *Conn) abort(now sim.Time, err *Error) {
	c.err = err
	h := c.h
	if r := h.record(now, trace.KindAbort, c.id); r != nil {
		r.Abort = err.Cause
		h.tr.Record(r)
	}
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
	from := c.state
	c.state = s
	if r := c.h.record(now, trace.KindState, c.id); r != nil {
		r.From = trace.State(from)
		r.To = trace.State(s)
		c.h.tr.Record(r)
	}
}

// rcvWindow returns the window to advertise, in bytes: the free receive
// buffer as the connection's buffer offers it (rcvbuf.go: RFC 9293
// §3.8.6.2.2's silly window avoidance, or Linux's __tcp_select_window),
// never shrinking what was offered before.
func (c *Conn) rcvWindow() uint32 {
	w, _ := c.window()
	return w
}

// window is the receive buffer's window and whether the buffer is tight
// (rcvBuffer.window), called directly for the RFC's buffer.
func (c *Conn) window() (uint32, bool) {
	if c.rfcBuf {
		// What rfcBuffer.window reads of the room, without building it.
		return c.rbuf.(rfcBuffer).windowOf(c.rcvUnread, c.offered(), c.largestWindow(), c.sndMSS), false
	}
	return c.rbuf.window(c.windowRoom())
}

// chooseWindow returns what a segment other than a SYN advertises: the
// window field, the window scaled down by our shift (RFC 7323 §2.3), and
// the window in bytes that the field stands for. Under the RFC's buffer
// it remembers them (winMemo).
func (c *Conn) chooseWindow() (uint16, uint32) {
	if c.rfcBuf {
		wnd, _ := c.window()
		field := min(wnd>>c.rcvWscale, 65535)
		win := field << c.rcvWscale
		if !c.h.noSendFastPath {
			c.winMemo = rfcWindowMemo{nxt: c.rcvNxt, adv: c.rcvAdv, unread: c.rcvUnread, field: uint16(field), win: win, ok: true}
		}
		return uint16(field), win
	}
	wnd, tight := c.rbuf.window(c.windowRoom())
	if tight {
		c.acks.bufferTight()
	}
	field := min(wnd>>c.rcvWscale, 65535)
	return uint16(field), field << c.rcvWscale
}

// rfcWindowMemo is the window the RFC's buffer chose last
// (chooseWindow), and what it chose it from: RCV.NXT, the right edge last
// advertised and the bytes unread. The window is a function of these three
// (with the shift and the MSS, which change only in the handshake: a SYN
// forgets the memo), and is asked for with every segment sent; a
// connection that only sends data asks the same question each time.
type rfcWindowMemo struct {
	nxt, adv    wire.Seq
	unread, win uint32
	field       uint16
	ok          bool
}

// lookup returns the window field and the window chosen last, if they
// were chosen from the same RCV.NXT, right edge and bytes unread.
func (m *rfcWindowMemo) lookup(nxt, adv wire.Seq, unread uint32) (uint16, uint32, bool) {
	if m.ok && m.nxt == nxt && m.adv == adv && m.unread == unread {
		return m.field, m.win, true
	}
	return 0, 0, false
}

// windowRoom is what the receive buffer decides the window from.
func (c *Conn) windowRoom() windowRoom {
	return windowRoom{unread: c.rcvUnread, lastWnd: c.rcvWnd, largest: c.largestWindow(), offered: c.offered(), sndMSS: c.sndMSS}
}

// largestWindow is the largest window the window field can advertise at
// our scale (RFC 7323 §2.3).
func (c *Conn) largestWindow() uint32 { return uint32(maxUnscaledWindow) << c.rcvWscale }

// copiedSeq is the sequence number of the next byte the application will
// read (Linux's copied_seq).
func (c *Conn) copiedSeq() wire.Seq {
	fin := uint32(0)
	if c.finRcvd {
		fin = 1
	}
	return c.rcvNxt.Add(-(c.rcvUnread + fin))
}
