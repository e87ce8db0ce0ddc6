package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// receiver is the receive half of a connection's transmission control
// block: the receive sequence variables of RFC 9293 §3.3.1, the data held
// out of order, and what the delayed-ACK rules (delack.go) need to know
// about what has arrived and not yet been acknowledged. It is embedded in
// Conn, as gVisor's rcv.go is beside snd.go.
type receiver struct {
	// irs is the initial receive sequence number.
	irs wire.Seq
	// rcvNxt (RCV.NXT) is the next sequence number expected.
	rcvNxt wire.Seq
	// rcvAdv is the right edge of the window last advertised (RCV.NXT +
	// RCV.WND when it was sent); it never moves left (RFC 9293 §3.8.6).
	rcvAdv wire.Seq
	// rcvUnread counts in-order bytes received and not yet read by the application.
	rcvUnread uint32
	// ooo holds the ranges received beyond RCV.NXT, and an out-of-order FIN.
	ooo reassembly
	// lastOOO is where the most recent out-of-order segment began, for the
	// first SACK block (RFC 2018 §4).
	lastOOO wire.Seq
	// finRcvd is set once the peer's FIN has been accepted, in order.
	finRcvd bool
	// rcvMSS is the largest segment received, in bytes: what "full-sized"
	// means to the delayed-ACK rule and Linux's window selection.
	rcvMSS uint32
	// rcvWscale is the shift applied to windows we send (RFC 7323 §2.3); 0
	// unless both sides offered window scaling.
	rcvWscale uint8
	// tsRecent (TS.Recent, RFC 7323 §4.3) is the peer's timestamp to echo.
	tsRecent uint32

	// ACK generation (delack.go).

	// ackNow is set when an ACK must go out at the next output.
	ackNow bool
	// rcvUnacked counts in-order bytes received since the last ACK we sent.
	rcvUnacked uint32
	// oowACKAt is when the last ACK answering an out-of-window segment or a
	// challenge went (Linux's last_oow_ack_time), or sim.Never.
	oowACKAt sim.Time
	// synWnd is the window our SYN (or SYN,ACK) offered; rcvWnd the window
	// our last segment offered (Linux's rcv_wnd).
	synWnd, rcvWnd uint32
	// rbuf is the receive buffer's accounting and window, as the host's
	// policy chose it (rcvbuf.go).
	rbuf rcvBuffer
	// acks decides when the ACK of received data goes: the delayed-ACK
	// rules the host's policy chose (delack.go).
	acks ackRules
}

// offered returns the window last advertised that is still open, in
// bytes: from RCV.NXT to the right edge (0 if RCV.NXT has reached it).
func (r *receiver) offered() uint32 {
	if r.rcvNxt.LessThan(r.rcvAdv) {
		return r.rcvNxt.Size(r.rcvAdv)
	}
	return 0
}

// acceptable is the segment acceptability test of RFC 9293 §3.10.7.4 (first):
// four cases by segment length and receive window.
func (r *receiver) acceptable(seq wire.Seq, segLen, rcvWnd uint32) bool {
	switch {
	case segLen == 0 && rcvWnd == 0:
		return seq == r.rcvNxt
	case segLen == 0:
		return seq.InWindow(r.rcvNxt, rcvWnd)
	case rcvWnd == 0:
		// Not acceptable, but "special allowance should be made to accept
		// valid ACKs, URGs, and RSTs": the caller trims the text away.
		return seq == r.rcvNxt
	default:
		return seq.InWindow(r.rcvNxt, rcvWnd) || seq.Add(segLen-1).InWindow(r.rcvNxt, rcvWnd)
	}
}
