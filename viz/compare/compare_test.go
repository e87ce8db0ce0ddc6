package compare_test

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/compare"
	"github.com/tcpsim/tcpsim/viz/internal/testtrace"
	"github.com/tcpsim/tcpsim/wire"
)

// kernelLike is testtrace.Synthetic's first connection as another stack
// might send it: other ISNs (5000 and 9000), other windows and SYN
// options, PSH on the second data segment too, the second data segment
// not lost (so no dup ACK #2), a window update among the dup ACKs, the ACK
// of the FIN on the server's FIN, no second connection, and other times.
func kernelLike() []trace.Record {
	b := testtrace.NewBuilder()
	t := func(ms, us int64) int64 { return ms*1000 + us }
	send := func(micros int64, from string, s testtrace.Seg) { b.Send(testtrace.US(micros), from, s) }
	b.Add(trace.Record{Kind: trace.KindRun, Name: "kernel-like"})
	b.Add(trace.Record{Kind: trace.KindNode, Node: "client", Addr: netip.MustParseAddr("10.0.0.1")})
	b.Add(trace.Record{Kind: trace.KindNode, Node: "server", Addr: netip.MustParseAddr("10.0.0.2")})
	mss := wire.Options{MSS: 1460, SACKPermitted: true}
	const c, s = 5000, 9000
	send(t(3, 0), "client", testtrace.Seg{Flags: wire.SYN, Seq: c, Opt: mss})
	send(t(53, 400), "server", testtrace.Seg{Flags: wire.SYN | wire.ACK, Seq: s, Ack: c + 1, Opt: mss})
	send(t(103, 800), "client", testtrace.Seg{Flags: wire.ACK, Seq: c + 1, Ack: s + 1})
	send(t(103, 900), "client", testtrace.Seg{Flags: wire.ACK, Seq: c + 1, Ack: s + 1, Len: 1460})
	send(t(104, 0), "client", testtrace.Seg{Flags: wire.PSH | wire.ACK, Seq: c + 1461, Ack: s + 1, Len: 1460})
	send(t(104, 100), "client", testtrace.Seg{Flags: wire.ACK, Seq: c + 2921, Ack: s + 1, Len: 1460})
	send(t(104, 200), "client", testtrace.Seg{Flags: wire.PSH | wire.ACK, Seq: c + 4381, Ack: s + 1, Len: 1460})
	send(t(154, 0), "server", testtrace.Seg{Flags: wire.ACK, Seq: s + 1, Ack: c + 1461})
	send(t(155, 0), "server", testtrace.Seg{Flags: wire.ACK, Seq: s + 1, Ack: c + 1461, Labels: trace.LabelDupACK, N: 1})
	send(t(155, 500), "server", testtrace.Seg{Flags: wire.ACK, Seq: s + 1, Ack: c + 1461, Labels: trace.LabelWindowUpdate})
	send(t(156, 0), "server", testtrace.Seg{Flags: wire.ACK, Seq: s + 1, Ack: c + 1461, Labels: trace.LabelDupACK, N: 2})
	send(t(1203, 0), "client", testtrace.Seg{Flags: wire.ACK, Seq: c + 1461, Ack: s + 1, Len: 1460, Labels: trace.LabelRetransmission})
	send(t(1253, 0), "server", testtrace.Seg{Flags: wire.ACK, Seq: s + 1, Ack: c + 5841})
	send(t(1303, 0), "client", testtrace.Seg{Flags: wire.FIN | wire.ACK, Seq: c + 5841, Ack: s + 1})
	send(t(1353, 0), "server", testtrace.Seg{Flags: wire.FIN | wire.ACK, Seq: s + 1, Ack: c + 5842})
	send(t(1403, 0), "client", testtrace.Seg{Flags: wire.ACK, Seq: c + 5842, Ack: s + 2})
	recs := b.Recs
	for i := range recs {
		if r := &recs[i]; r.Pkt != nil && r.Node == "server" {
			r.Pkt.Win = 65160
		}
	}
	return recs
}

// The report of the synthetic trace against a kernel-like one, as a golden
// file: a row per segment, what differs, and the summary.
func TestCompare_Report(t *testing.T) {
	r := compare.Compare(testtrace.Synthetic(), kernelLike(), 0)
	var out bytes.Buffer
	require.NoError(t, r.Write(&out, compare.Options{Names: [2]string{"simulation", "kernel"}}))
	testtrace.Golden(t, filepath.Join("testdata", "synthetic.golden"), out.Bytes())

	assert.Equal(t, 15, r.Matched)
	assert.Equal(t, []int{18, 16}, []int{len(r.A), len(r.B)})
	assert.Equal(t, []int{3, 1}, []int{r.OnlyA, r.OnlyB}, "the simulation's second connection and ACK of the FIN; the kernel's window update")
	assert.InDelta(t, 2*15/34.0, r.Similarity(), 1e-9)
	assert.Equal(t, 1, r.Differ[compare.FieldPSH])
	assert.Equal(t, []any{2400 * time.Microsecond, 7}, []any{r.MaxDelta, r.MaxRow})
}

// A trace against itself: every segment matched, identical, at Δt 0.
func TestCompare_Itself(t *testing.T) {
	r := compare.Compare(testtrace.Synthetic(), testtrace.Synthetic(), 0)
	assert.Equal(t, 1.0, r.Similarity())
	assert.Equal(t, []int{18, 18, 0, 0}, []int{r.Matched, r.Identical, r.OnlyA, r.OnlyB})
	assert.Zero(t, r.MaxDelta)
	var out bytes.Buffer
	require.NoError(t, r.WriteSummary(&out, compare.Options{}))
	assert.Contains(t, out.String(), "similarity 100.0%: 18 segments sent by both, of 18 (first) and 18 (second)")
}

// Nothing to compare is a report, not a failure.
func TestCompare_Empty(t *testing.T) {
	r := compare.Compare(nil, testtrace.Synthetic(), 0)
	assert.Zero(t, r.Similarity())
	var out bytes.Buffer
	require.NoError(t, r.Write(&out, compare.Options{Names: [2]string{"simulation", "capture"}, MaxRows: 5}))
	assert.Contains(t, out.String(), "… 13 more rows")
	assert.Contains(t, out.String(), "similarity 0.0%: 0 segments sent by both")
	assert.Equal(t, 1.0, compare.Compare(nil, nil, 0).Similarity())
}

// Sequence numbers relative to each direction's ISN; a side whose SYN the
// trace lacks numbered from its first segment; the first node is the
// client.
func TestSegments(t *testing.T) {
	segs := compare.Segments(kernelLike())
	require.Len(t, segs, 16)
	assert.Equal(t, []uint32{0, 0, 0}, []uint32{segs[0].Seq, segs[1].Seq, segs[1].Ack - 1})
	assert.Equal(t, []uint32{2921, 1, 1460}, []uint32{segs[5].Seq, segs[5].Ack, segs[5].Len})
	assert.Equal(t, compare.ServerToClient, segs[1].Dir)
	assert.Equal(t, 50400*time.Microsecond, segs[1].T, "from the first segment")

	// A capture that starts after the handshake.
	b := testtrace.NewBuilder()
	b.Add(trace.Record{Kind: trace.KindNode, Node: "server"})
	b.Send(testtrace.MS(7), "client", testtrace.Seg{Flags: wire.ACK, Seq: 70000, Ack: 123, Len: 10})
	b.Send(testtrace.MS(8), "server", testtrace.Seg{Flags: wire.ACK, Seq: 123, Ack: 70010,
		Opt: wire.Options{NumSACK: 1, SACK: [wire.MaxSACKBlocks]wire.SACKBlock{{Left: 70020, Right: 70030}}}})
	segs = compare.Segments(b.Recs)
	assert.Equal(t, []uint32{1, 1, 1, 11}, []uint32{segs[0].Seq, segs[0].Ack, segs[1].Seq, segs[1].Ack})
	assert.Equal(t, wire.SACKBlock{Left: 21, Right: 31}, segs[1].Opt.SACK[0])
	assert.Equal(t, []compare.Dir{compare.ServerToClient, compare.ClientToServer}, []compare.Dir{segs[0].Dir, segs[1].Dir},
		"the first node named is the client")
	assert.True(t, strings.HasPrefix(compare.ClientToServer.String(), "c"))
}
