package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

const (
	carriedGet  = "GET /1 HTTP/1.1\r\nHost: example.com\r\n\r\n" // 39 bytes
	carriedResp = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
)

func carriedSend(node string, conn uint32, flags wire.Flags, seq wire.Seq, n uint32) *trace.Record {
	return &trace.Record{Kind: trace.KindSend, Node: node, Conn: conn,
		Pkt: &trace.Packet{Seg: wire.Segment{Seq: seq, Flags: flags, Len: n}}}
}

func carriedMsgRec(node string, conn uint32, off int64, text string, size int64) *trace.Record {
	return &trace.Record{Kind: trace.KindMsg, Msg: trace.MsgSend, Node: node, Conn: conn, Off: off, Text: text, Value: size}
}

// A message is named on the segment that holds its first byte, counted
// from ISS+1, and on a retransmission of it; two messages that start in
// one segment (pipelined) are named together; another connection of the
// same node is another stream.
func TestCarried(t *testing.T) {
	m := NewCarried(English.Phrases())
	m.Learn(carriedSend("client", 1, wire.SYN, 100, 0))
	m.Learn(carriedSend("client", 2, wire.SYN, 5000, 0))
	m.Learn(carriedMsgRec("client", 1, 0, carriedGet, 39))
	m.Learn(carriedMsgRec("client", 1, 39, "GET /2 HTTP/1.1\r\n\r\n", 19))
	m.Learn(carriedMsgRec("client", 1, 58, "GET /3 HTTP/1.1\r\n\r\n", 19))
	m.Learn(carriedMsgRec("client", 2, 0, "GET /9 HTTP/1.1\r\n\r\n", 19))
	for _, c := range []struct {
		seg      *trace.Record
		want     string
		wantOffs []int64
	}{
		{carriedSend("client", 1, wire.ACK, 101, 0), "", nil},
		{carriedSend("client", 1, wire.PSH|wire.ACK, 101, 58), "GET /1, GET /2", []int64{0, 39}},
		{carriedSend("client", 1, wire.PSH|wire.ACK, 101, 39), "GET /1", []int64{0}}, // resent alone
		{carriedSend("client", 1, wire.ACK, 102, 57), "GET /2", []int64{39}},         // from its second byte
		{carriedSend("client", 1, wire.ACK, 159, 19), "GET /3", []int64{58}},
		{carriedSend("client", 1, wire.ACK, 160, 10), "", nil}, // the middle of GET /3
		{carriedSend("client", 2, wire.ACK, 5001, 19), "GET /9", []int64{0}},
		{carriedSend("server", 1, wire.ACK, 101, 19), "", nil}, // no ISS known
	} {
		got, offs := m.Label(c.seg)
		assert.Equal(t, c.want, got, "%v conn %d", c.seg.Pkt.Seg, c.seg.Conn)
		assert.Equal(t, c.wantOffs, offs)
	}
}

// Forget drops one connection's stream, not another's.
func TestCarried_Forget(t *testing.T) {
	m := NewCarried(English.Phrases())
	for conn := uint32(1); conn <= 2; conn++ {
		m.Learn(carriedSend("client", conn, wire.SYN, 100, 0))
		m.Learn(carriedMsgRec("client", conn, 0, carriedGet, 39))
	}
	m.Forget("client", 1)
	got, _ := m.Label(carriedSend("client", 1, wire.ACK, 101, 39))
	assert.Empty(t, got, "forgotten")
	got, _ = m.Label(carriedSend("client", 2, wire.ACK, 101, 39))
	assert.Equal(t, "GET /1", got, "the other connection remembered")
	assert.Len(t, m.streams, 1)
}

func TestMessageLabel(t *testing.T) {
	for _, c := range []struct {
		text string
		size int64
		lang Lang
		want string
	}{
		{carriedGet, 39, English, "GET /1"},
		{carriedResp, int64(len(carriedResp)) + 1000, English, "200 OK, 1000 B body"},
		{carriedResp, int64(len(carriedResp)) + 1000, Vietnamese, "200 OK, thân 1000 B"},
		{"HTTP/1.1 304 Not Modified\r\n\r\n", 29, English, "304 Not Modified"},
		{"PING\r\n", 6, English, "PING"},
	} {
		r := carriedMsgRec("server", 1, 0, c.text, c.size)
		assert.Equal(t, c.want, c.lang.Phrases().MessageLabel(r), "%q", c.text)
	}
}
