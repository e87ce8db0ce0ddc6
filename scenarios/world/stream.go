package world

import (
	"net/netip"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// Message streams: applications that exchange messages (HTTP) over the
// simulated TCP. Payload is not simulated byte by byte: a message is its
// head (real text) and a body of a given length. The receiver learns where
// each message ends from the world's ledger of the messages written on
// each direction of each connection, which stands in for a parser reading
// the head and its Content-Length. Sizes, and so the segments on the wire,
// are exact.

// message is one message written on a connection.
type message struct {
	off, size int64
	head      string
	// meta is the sender's note for the receiver (the request's number and
	// whether it asks to close, for HTTP).
	meta any
}

// flow names one direction of a connection.
type flow struct{ src, dst netip.AddrPort }

// ledger is the messages written one way on a connection, in order.
type ledger struct {
	msgs []message
}

// ledgerOf returns the ledger of the direction from src to dst.
func (w *World) ledgerOf(src, dst netip.AddrPort) *ledger {
	if w.ledgers == nil {
		w.ledgers = map[flow]*ledger{}
	}
	f := flow{src, dst}
	l := w.ledgers[f]
	if l == nil {
		l = &ledger{}
		w.ledgers[f] = l
	}
	return l
}

// msgConn is one application's side of a connection that carries
// messages: what it has written (and what the socket has not yet taken)
// and what it has read.
type msgConn struct {
	h       *Host
	c       *tcp.Conn
	out     *ledger // the messages we write
	in      *ledger // the messages the peer writes
	written int64   // bytes of our messages so far, taken or not
	pending int64   // bytes not yet taken by the socket (its send buffer was full)
	read    int64   // bytes read
	next    int     // index in in.msgs of the next message to complete
}

func newMsgConn(h *Host, c *tcp.Conn) *msgConn {
	return &msgConn{h: h, c: c,
		out: h.w.ledgerOf(c.LocalAddr(), c.RemoteAddr()),
		in:  h.w.ledgerOf(c.RemoteAddr(), c.LocalAddr())}
}

// send writes a message of size bytes whose head is head (its body is the
// rest), recording it. With split the head and the body go in two writes,
// as servers that write headers and body apart do.
func (m *msgConn) send(now sim.Time, head string, size int64, meta any, split bool) {
	m.out.msgs = append(m.out.msgs, message{off: m.written, size: size, head: head, meta: meta})
	m.record(now, trace.MsgSend, m.written, size, head)
	m.written += size
	if split && size > int64(len(head)) {
		m.write(now, int64(len(head)))
		m.write(now, size-int64(len(head)))
		return
	}
	m.write(now, size)
}

// write gives the socket n more bytes, as much as it takes now; the rest
// waits for flush. Each write is a system call at whose end the stack sends
// what it may (Linux's tcp_sendmsg ends in tcp_push), so a second write
// finds the first one's segment already in flight: that is when Nagle's
// algorithm holds a small second write.
func (m *msgConn) write(now sim.Time, n int64) {
	m.pending += n
	m.flush(now)
	m.h.push(now)
}

// flush gives the socket what it did not take before.
func (m *msgConn) flush(now sim.Time) {
	for m.pending > 0 {
		n := int(min(m.pending, 1<<30))
		k := m.c.Write(now, n)
		m.pending -= int64(k)
		if k < n {
			return // the send buffer is full: a second Write would take nothing
		}
	}
}

// receive reads everything readable and returns the messages it completed.
func (m *msgConn) receive(now sim.Time) []message {
	if n := m.c.Readable(); n > 0 {
		m.read += int64(m.c.Read(now, n))
	}
	var done []message
	for m.next < len(m.in.msgs) {
		msg := m.in.msgs[m.next]
		if msg.off+msg.size > m.read {
			break
		}
		m.next++
		m.record(now, trace.MsgRecv, msg.off, msg.size, msg.head)
		done = append(done, msg)
	}
	return done
}

func (m *msgConn) record(now sim.Time, op trace.MsgOp, off, size int64, head string) {
	rec := trace.Record{T: now, Kind: trace.KindMsg, Node: m.h.name, Conn: m.c.ID(), Msg: op, Off: off, Value: size, Text: head}
	m.h.w.tr.Record(&rec)
}
