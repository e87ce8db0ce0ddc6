package catalog

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

func TestParseSeqNumbers(t *testing.T) {
	for _, s := range []SeqNumbers{SeqAbsolute, SeqRelative} {
		got, err := ParseSeqNumbers(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
		assert.NoError(t, s.Check())
	}
	_, err := ParseSeqNumbers("hex")
	assert.EqualError(t, err, `unknown sequence numbering "hex"; it is "absolute" or "relative"`)
	assert.EqualError(t, SeqNumbers(7).Check(), `unknown sequence numbering SeqNumbers(7); it is "absolute" or "relative"`)
	assert.Equal(t, SeqAbsolute, SeqNumbers(0), "the zero value is absolute")
}

// Each side's numbers are relative to the ISN of the SYN it sent: SEQ to
// the sender's, ACK and SACK edges to the receiver's; absolute until then.
func TestISNs(t *testing.T) {
	client := netip.MustParseAddrPort("10.0.0.1:40000")
	server := netip.MustParseAddrPort("10.0.0.2:80")
	send := func(node, peer string, src, dst netip.AddrPort, flags wire.Flags, seq, ack wire.Seq) *trace.Record {
		return &trace.Record{Kind: trace.KindSend, Node: node, Peer: peer, Pkt: &trace.Packet{
			Seg: wire.Segment{Src: src, Dst: dst, Flags: flags, Seq: seq, Ack: ack}}}
	}
	syn := send("client", "server", client, server, wire.SYN, 1000, 0)
	synACK := send("server", "client", server, client, wire.SYN|wire.ACK, 5000, 1001)
	ack := send("client", "server", client, server, wire.ACK, 1001, 5001)

	abs, rel := NewISNs(SeqAbsolute), NewISNs(SeqRelative)
	for _, r := range []*trace.Record{syn, synACK, ack} {
		abs.Learn(r)
	}
	assert.Equal(t, uint64(1001), abs.Seq(ack))
	assert.Equal(t, uint64(5001), abs.Ack(ack))

	rel.Learn(syn)
	assert.Equal(t, uint64(0), rel.Seq(syn))
	assert.Equal(t, uint64(5000), rel.Seq(synACK), "the server's ISN is not known yet")
	assert.Equal(t, uint64(1), rel.Ack(synACK))
	rel.Learn(synACK)
	assert.Equal(t, uint64(0), rel.Seq(synACK))
	assert.Equal(t, uint64(1), rel.Seq(ack))
	assert.Equal(t, uint64(1), rel.Ack(ack))
	assert.Equal(t, uint64(0xffffffff), rel.Edge(ack, 4999), "modulo 2^32")
	rel.Learn(ack) // no SYN: nothing learned
	assert.Equal(t, uint64(1), rel.Seq(ack))
}

// A server's one port serves many connections, each with its own ISN: the
// numbers of every connection are shown relative to its own ISNs (only the
// last connection's were, when the server's side was known by its port).
func TestISNs_ManyConnectionsOnOneServerPort(t *testing.T) {
	srv := netip.MustParseAddrPort("10.0.0.2:80")
	c1 := netip.MustParseAddrPort("10.0.0.1:40000")
	c2 := netip.MustParseAddrPort("10.0.0.1:40001")
	send := func(node, peer string, src, dst netip.AddrPort, f wire.Flags, seq, ack wire.Seq) *trace.Record {
		return &trace.Record{Kind: trace.KindSend, Node: node, Peer: peer,
			Pkt: &trace.Packet{Seg: wire.Segment{Src: src, Dst: dst, Flags: f, Seq: seq, Ack: ack}}}
	}
	n := NewISNs(SeqRelative)
	for _, r := range []*trace.Record{
		send("client", "server", c1, srv, wire.SYN, 1000, 0),
		send("server", "client", srv, c1, wire.SYN|wire.ACK, 5000, 1001),
		send("client", "server", c2, srv, wire.SYN, 2000, 0),
		send("server", "client", srv, c2, wire.SYN|wire.ACK, 9000, 2001),
	} {
		n.Learn(r)
	}
	data1 := send("server", "client", srv, c1, wire.ACK, 5001, 1001)
	data2 := send("server", "client", srv, c2, wire.ACK, 9001, 2001)
	assert.Equal(t, []uint64{1, 1}, []uint64{n.Seq(data1), n.Ack(data1)})
	assert.Equal(t, []uint64{1, 1}, []uint64{n.Seq(data2), n.Ack(data2)})
	ack1 := send("client", "server", c1, srv, wire.ACK, 1001, 5001)
	assert.Equal(t, []uint64{1, 1}, []uint64{n.Seq(ack1), n.Ack(ack1)})
}
