package catalog

import (
	"cmp"
	"slices"
	"strings"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Carried finds the application messages a segment carries, for a label
// on its arrow ("GET /2", "200 OK, 1000 B body"). Feed it every record in
// order with Learn; Label then names the messages that start in a sent
// segment's payload. A message belongs to the segment holding its first
// byte (a retransmission of that byte carries it too): the offset of a msg
// record is where the message starts in its sender's byte stream, which
// begins at ISS+1 (RFC 9293 §3.4).
type Carried struct {
	c       *Phrases
	streams map[carriedKey]*carriedStream
}

type carriedKey struct {
	node string
	conn uint32
}

type carriedStream struct {
	iss      wire.Seq
	issKnown bool
	msgs     []carriedMsg // in order of offset
}

type carriedMsg struct {
	off   int64
	label string
}

// maxCarried bounds the messages a stream remembers: the oldest are
// forgotten first (their segments were sent long ago).
const maxCarried = 1024

// NewCarried returns a Carried writing its labels with c.
func NewCarried(c *Phrases) *Carried {
	return &Carried{c: c, streams: make(map[carriedKey]*carriedStream)}
}

func (m *Carried) stream(node string, conn uint32) *carriedStream {
	k := carriedKey{node, conn}
	st := m.streams[k]
	if st == nil {
		st = &carriedStream{}
		m.streams[k] = st
	}
	return st
}

// Learn takes note of r: a SYN's ISS, or a message sent.
func (m *Carried) Learn(r *trace.Record) {
	switch {
	case r.Kind == trace.KindSend && r.Pkt.Seg.Flags.Has(wire.SYN):
		st := m.stream(r.Node, r.Conn)
		st.iss, st.issKnown = r.Pkt.Seg.Seq, true
	case r.Kind == trace.KindMsg && r.Msg == trace.MsgSend:
		st := m.stream(r.Node, r.Conn)
		if len(st.msgs) == maxCarried {
			st.msgs = append(st.msgs[:0], st.msgs[1:]...)
		}
		st.msgs = append(st.msgs, carriedMsg{off: r.Off, label: m.c.MessageLabel(r)})
	}
}

// Forget drops what m knows of a node's connection, once that sends no
// more data (it entered TIME-WAIT or CLOSED), so that a long run of many
// connections keeps only those open.
func (m *Carried) Forget(node string, conn uint32) {
	delete(m.streams, carriedKey{node, conn})
}

// Label returns the labels of the messages whose first byte is in the
// payload of r, a sent segment, joined by ", " ("" for none), and where
// each starts in the stream (the Off of its msg record).
func (m *Carried) Label(r *trace.Record) (string, []int64) {
	s := &r.Pkt.Seg
	st := m.streams[carriedKey{r.Node, r.Conn}]
	if s.Len == 0 || st == nil || !st.issKnown || len(st.msgs) == 0 {
		return "", nil
	}
	start := s.Seq
	if s.Flags.Has(wire.SYN) {
		start = start.Add(1)
	}
	off := int64(st.iss.Add(1).Size(start)) // the segment's first byte in the stream
	end := off + int64(s.Len)
	var labels []string
	var offs []int64
	// The messages are in the order written, so of offset.
	i, _ := slices.BinarySearchFunc(st.msgs, off, func(m carriedMsg, off int64) int { return cmp.Compare(m.off, off) })
	for ; i < len(st.msgs) && st.msgs[i].off < end; i++ {
		labels = append(labels, st.msgs[i].label)
		offs = append(offs, st.msgs[i].off)
	}
	return strings.Join(labels, ", "), offs
}

// MessageLabel returns the short name of a message for the segment that
// carries it: a request's method and target ("GET /2"), a response's
// status and the size of its body ("200 OK, 1000 B body"; the body is what
// follows the head in Text), or the first line of any other message.
func (c *Phrases) MessageLabel(r *trace.Record) string {
	first, _, _ := strings.Cut(r.Text, "\r\n")
	if status, ok := strings.CutPrefix(first, "HTTP/"); ok {
		_, status, _ = strings.Cut(status, " ") // after the version
		if body := r.Value - int64(len(r.Text)); body > 0 {
			return c.Sprintf(MsgMessageBody, status, body)
		}
		return status
	}
	if i := strings.LastIndex(first, " HTTP/"); i > 0 {
		return first[:i] // a request line without its version
	}
	return first
}
