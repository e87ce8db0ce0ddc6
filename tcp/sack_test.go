package tcp

// RFC 2018: SACK-permitted on the SYNs (§2), the receiver's SACK blocks
// (§3, §4), and the sender's scoreboard (sack.go): fast retransmission of
// the first hole, one further hole per duplicate ACK in recovery (RFC 6675
// NextSeg rule 1), SACKed data never resent, and after an RTO only the
// holes resent.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// The scoreboard's lookups on a built scoreboard.

func TestSACK_SackedRangeAndHighest(t *testing.T) {
	const w = 0xFFFFFF00 // 256 below the wrap
	tests := []struct {
		name        string
		una, max    wire.Seq
		blocks      spans
		seq         wire.Seq
		wantEnd     wire.Seq
		wantSacked  bool
		wantHighest wire.Seq
	}{
		{"empty: SND.MAX", 1000, 9000, nil, 1000, 9000, false, 1000},
		{"empty, inside the flight", 1000, 9000, nil, 5000, 9000, false, 1000},
		{"hole at SND.UNA: next block", 1000, 9000, spans{{2000, 3000}, {4000, 5000}}, 1000, 2000, false, 5000},
		{"last byte of a hole", 1000, 9000, spans{{2000, 3000}, {4000, 5000}}, 1999, 2000, false, 5000},
		{"first byte of a block", 1000, 9000, spans{{2000, 3000}, {4000, 5000}}, 2000, 3000, true, 5000},
		{"last byte of a block", 1000, 9000, spans{{2000, 3000}, {4000, 5000}}, 2999, 3000, true, 5000},
		{"right edge is not SACKed", 1000, 9000, spans{{2000, 3000}, {4000, 5000}}, 3000, 4000, false, 5000},
		{"inside the second block", 1000, 9000, spans{{2000, 3000}, {4000, 5000}}, 4500, 5000, true, 5000},
		{"past the last block: SND.MAX", 1000, 9000, spans{{2000, 3000}, {4000, 5000}}, 5000, 9000, false, 5000},
		{"last byte sent", 1000, 9000, spans{{2000, 3000}, {4000, 5000}}, 8999, 9000, false, 5000},
		{"block up to SND.MAX", 1000, 9000, spans{{8000, 9000}}, 8500, 9000, true, 9000},
		{"across the wrap: hole", w, 0x1000, spans{{0xFFFFFFF0, 0x10}, {0x100, 0x200}}, w, 0xFFFFFFF0, false, 0x200},
		{"across the wrap: before 0", w, 0x1000, spans{{0xFFFFFFF0, 0x10}, {0x100, 0x200}}, 0xFFFFFFFF, 0x10, true, 0x200},
		{"across the wrap: after 0", w, 0x1000, spans{{0xFFFFFFF0, 0x10}, {0x100, 0x200}}, 0x5, 0x10, true, 0x200},
		{"across the wrap: next hole", w, 0x1000, spans{{0xFFFFFFF0, 0x10}, {0x100, 0x200}}, 0x10, 0x100, false, 0x200},
		{"across the wrap: past the last", w, 0x1000, spans{{0xFFFFFFF0, 0x10}, {0x100, 0x200}}, 0x200, 0x1000, false, 0x200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &sackRecovery{}
			r.sacked.blocks = blocksOf(tt.blocks)
			end, sacked := r.sackedRange(tt.seq, tt.max)
			assert.Equal(t, tt.wantEnd, end, "end")
			assert.Equal(t, tt.wantSacked, sacked, "sacked")
			assert.Equal(t, tt.wantHighest, r.highestSACKed(tt.una), "highestSACKed")
		})
	}
}

func TestSACK_TakeSACK(t *testing.T) {
	tests := []struct {
		name   string
		before spans // the scoreboard already
		blocks spans // in the arriving ACK
		sackOK bool
		want   spans
	}{
		{"one block", nil, spans{{2000, 3000}}, true, spans{{2000, 3000}}},
		{"not agreed: ignored", nil, spans{{2000, 3000}}, false, nil},
		{"kept sorted", nil, spans{{6000, 7000}, {4000, 5000}, {2000, 3000}}, true, spans{{2000, 3000}, {4000, 5000}, {6000, 7000}}},
		{"four blocks", nil, spans{{2000, 2100}, {3000, 3100}, {4000, 4100}, {5000, 5100}}, true,
			spans{{2000, 2100}, {3000, 3100}, {4000, 4100}, {5000, 5100}}},
		{"adjacent to one held: merged", spans{{2000, 3000}}, spans{{3000, 4000}}, true, spans{{2000, 4000}}},
		{"repeated: no change", spans{{2000, 3000}}, spans{{2000, 3000}}, true, spans{{2000, 3000}}},
		{"grown block", spans{{2000, 3000}}, spans{{2000, 5000}}, true, spans{{2000, 5000}}},
		{"past SND.MAX: ignored", nil, spans{{8000, 9001}}, true, nil},
		{"below SND.UNA (D-SACK): ignored", nil, spans{{500, 1000}}, true, nil},
		{"empty block: ignored", nil, spans{{3000, 3000}}, true, nil},
		{"reversed block: ignored", nil, spans{{3000, 2000}}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Without SACK agreed the connection's recovery is NewReno's,
			// which has no scoreboard.
			r := &sackRecovery{}
			r.sacked.blocks = blocksOf(tt.before)
			var lr lossRecovery = &cumulativeRecovery{}
			if tt.sackOK {
				lr = r
			}
			seg := wire.Segment{Opt: sack(wire.Options{}, tt.blocks...)}
			lr.onACK(flight{una: 1000, max: 9000}, &seg)
			assert.Equal(t, tt.want, spansOf(r.sacked.blocks))
		})
	}
}

// SACK-permitted (RFC 2018 §2): agreed only when both SYNs carry it.

// oooACK is what the client sends at time at when the peer's data
// segment 1 arrives before segment 0 on a connection built by
// newLinuxEstablished with timestamps: a duplicate ACK, with a SACK block
// if SACK was agreed.
func oooACK(h tsHarness, at sim.Time, sackOK bool) withOpt {
	o := ts(h.tsval(at), 7050)
	if sackOK {
		o = sack(o, [2]wire.Seq{pseq(1), pseq(2)})
	}
	return withOpt{ackTo(0), o}
}

func TestSACK_PermittedOnlyWhenBothOffer(t *testing.T) {
	t.Run("both offer", func(t *testing.T) {
		h := newLinuxEstablished(t, linuxConfig(t), true, true)
		assert.True(t, h.conn.sackOK)
		h.sendOpt(ms(100), peerData(1), h.peerOpt(ms(100), 0))
		h.expectOpt(ms(100), oooACK(h, ms(100), true))
	})
	t.Run("the SYN,ACK does not", func(t *testing.T) {
		h := newLinuxEstablished(t, linuxConfig(t), false, true)
		assert.False(t, h.conn.sackOK)
		h.sendOpt(ms(100), peerData(1), h.peerOpt(ms(100), 0))
		h.expectOpt(ms(100), oooACK(h, ms(100), false))
	})
	t.Run("we do not, as client", func(t *testing.T) {
		cfg := linuxConfig(t)
		cfg.SACK = false
		h := tsHarness{harness: newHarness(t, cfg), off: tsOffsets(1)[0]}
		h.conn = h.host.Connect(0, localAddr.Port(), remoteAddr)
		h.poll()
		syn := h.linuxSYN(0)
		syn.opt.SACKPermitted = false
		h.expectOpt(0, syn)
		// The SYN,ACK carries SACK-permitted anyway: not agreed.
		h.sendOpt(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck}, peerSYNOpt(ms(50), true, true, h.tsval(0)))
		h.expectOpt(ms(50), withOpt{seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack}, ts(h.tsval(ms(50)), 7050)})
		assert.False(t, h.conn.sackOK)
		h.sendOpt(ms(100), peerData(1), h.peerOpt(ms(100), 0))
		h.expectOpt(ms(100), oooACK(h, ms(100), false))
	})
	for _, tt := range []struct {
		name         string
		ours, theirs bool
		want         bool
	}{
		{"server: both offer", true, true, true},
		{"server: the SYN does not", true, false, false},
		{"server: we do not", false, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := linuxConfig(t)
			cfg.SACK = tt.ours
			h := tsHarness{harness: newHarness(t, cfg), off: tsOffsets(1)[0]}
			h.host.Listen(0, localAddr.Port())
			h.sendOpt(ms(10), seg{seq: remoteISS, flags: wire.SYN}, peerSYNOpt(ms(10), tt.theirs, true, 0))
			// RFC 2018 §2: SACK-permitted in a SYN,ACK only if the SYN had it.
			o := ts(h.tsval(ms(10)), 7010)
			o.MSS, o.SACKPermitted, o.HasWScale, o.WScale = 1460, tt.want, true, 10
			h.expectOpt(ms(10), withOpt{seg{seq: localISS, ack: remoteISS + 1, flags: synAck}, o})
			h.conn = h.host.Conns()[0]
			assert.Equal(t, tt.want, h.conn.sackOK)
			h.sendOpt(ms(60), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack}, ts(7060, h.tsval(ms(10))))
			h.sendOpt(ms(100), peerData(1), ts(7100, h.tsval(ms(10))))
			want := ts(h.tsval(ms(100)), 7060)
			if tt.want {
				want = sack(want, [2]wire.Seq{pseq(1), pseq(2)})
			}
			h.expectOpt(ms(100), withOpt{ackTo(0), want})
		})
	}
}

// The receiver's SACK blocks (RFC 2018 §3, §4).

// oooBlock is the SACK block of the peer's data segments i..j−1.
func oooBlock(i, j int) [2]wire.Seq { return [2]wire.Seq{pseq(i), pseq(j)} }

// arrive has the peer's data segment k arrive at time at and expects our
// ACK up to segment upTo carrying TS.Recent echo and exactly blocks.
func arrive(h tsHarness, at sim.Time, k, upTo int, echo uint32, blocks ...[2]wire.Seq) {
	h.t.Helper()
	h.sendOpt(at, peerData(k), h.peerOpt(at, 0))
	var o wire.Options
	if h.conn.tsOK {
		o = ts(h.tsval(at), echo)
	}
	h.expectOpt(at, withOpt{ackTo(upTo), sack(o, blocks...)})
}

func TestSACK_ReceiverBlocksMostRecentFirst(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	// Segment 0 is lost; 2, 4, 6 and 8 arrive (1, 3, 5, 7 lost too). RFC
	// 2018 §4: the first block holds the segment that triggered the ACK;
	// with timestamps (12 bytes) only 3 blocks fit in the 40 bytes of
	// options (§3).
	arrive(h, ms(100), 2, 0, 7050, oooBlock(2, 3))
	arrive(h, ms(101), 4, 0, 7050, oooBlock(4, 5), oooBlock(2, 3))
	arrive(h, ms(102), 6, 0, 7050, oooBlock(6, 7), oooBlock(4, 5), oooBlock(2, 3))
	arrive(h, ms(103), 8, 0, 7050, oooBlock(8, 9), oooBlock(6, 7), oooBlock(4, 5))
	// Segment 3 joins 2 and 4 into one block, reported first.
	arrive(h, ms(104), 3, 0, 7050, oooBlock(2, 5), oooBlock(8, 9), oooBlock(6, 7))
	// A duplicate of data held is reported first too.
	arrive(h, ms(105), 6, 0, 7050, oooBlock(6, 7), oooBlock(2, 5), oooBlock(8, 9))
}

func TestSACK_ReceiverRepeatsMostRecentlyReported(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	// RFC 2018 §4: after the first, the blocks most recently reported (as
	// first blocks) follow, newest first, so each block is repeated in the
	// next ACKs whatever its place in the sequence space. Arrivals in the
	// order 8, 2, 6, 4: the block of 8, the oldest, is the one left out,
	// not the lowest (Linux's tcp_sack_new_ofo_skb keeps the same order).
	arrive(h, ms(100), 8, 0, 7050, oooBlock(8, 9))
	arrive(h, ms(101), 2, 0, 7050, oooBlock(2, 3), oooBlock(8, 9))
	arrive(h, ms(102), 6, 0, 7050, oooBlock(6, 7), oooBlock(2, 3), oooBlock(8, 9))
	arrive(h, ms(103), 4, 0, 7050, oooBlock(4, 5), oooBlock(6, 7), oooBlock(2, 3))
}

func TestSACK_ReceiverFourBlocksWithoutTimestamps(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, false)
	require.False(t, h.conn.tsOK)
	// RFC 2018 §3: without timestamps, 4 blocks fit (2 + 8·4 = 34 bytes).
	arrive(h, ms(100), 2, 0, 0, oooBlock(2, 3))
	arrive(h, ms(101), 4, 0, 0, oooBlock(4, 5), oooBlock(2, 3))
	arrive(h, ms(102), 6, 0, 0, oooBlock(6, 7), oooBlock(4, 5), oooBlock(2, 3))
	arrive(h, ms(103), 8, 0, 0, oooBlock(8, 9), oooBlock(6, 7), oooBlock(4, 5), oooBlock(2, 3))
	arrive(h, ms(104), 10, 0, 0, oooBlock(10, 11), oooBlock(8, 9), oooBlock(6, 7), oooBlock(4, 5))
	// A fifth block stays held: when the newer blocks are gone, it is reported.
	arrive(h, ms(105), 0, 1, 0, oooBlock(10, 11), oooBlock(8, 9), oooBlock(6, 7), oooBlock(4, 5))
	arrive(h, ms(106), 1, 3, 0, oooBlock(10, 11), oooBlock(8, 9), oooBlock(6, 7), oooBlock(4, 5))
	// Segment 9 joins 8 and 10 into one block.
	arrive(h, ms(107), 9, 3, 0, oooBlock(8, 11), oooBlock(6, 7), oooBlock(4, 5))
}

func TestSACK_ReceiverBlocksTrimmedAsRCVNXTAdvances(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	arrive(h, ms(100), 2, 0, 7050, oooBlock(2, 3))
	arrive(h, ms(101), 4, 0, 7050, oooBlock(4, 5), oooBlock(2, 3))
	arrive(h, ms(102), 6, 0, 7050, oooBlock(6, 7), oooBlock(4, 5), oooBlock(2, 3))
	// The holes fill one by one: each ACK moves RCV.NXT on (and takes the
	// segment's TSval: it starts at Last.ACK.sent), and a block RCV.NXT
	// has passed is never reported again.
	arrive(h, ms(110), 0, 1, 7110, oooBlock(6, 7), oooBlock(4, 5), oooBlock(2, 3))
	arrive(h, ms(111), 1, 3, 7111, oooBlock(6, 7), oooBlock(4, 5))
	arrive(h, ms(112), 3, 5, 7112, oooBlock(6, 7))
	arrive(h, ms(113), 5, 7, 7113) // nothing out of order: no SACK option
	arrive(h, ms(114), 7, 8, 7114)
}

// The sender (sack.go): loss recovery with the scoreboard.

// tsMSS is the segment size of a linux connection with timestamps.
const tsMSS = 1448

// sseq is the sequence number of our i-th full-sized segment.
func sseq(i int) wire.Seq { return localISS + 1 + wire.Seq(tsMSS*i) }

// sdata is our i-th full-sized segment, as first sent.
func sdata(i int) seg { return seg{seq: sseq(i), ack: remoteISS + 1, flags: ack, len: tsMSS} }

// newSACKFlight returns a linux-profile connection (SACK and timestamps)
// that wrote 10 segments at 100 ms — the initial window, all sent at once —
// of which the peer acknowledged the first at 150 ms. The RTO is 250 ms
// (50 ms RTT: 50 + max(4·RTTVAR, TCP_RTO_MIN)), so it would fire at 400;
// the timer runs for a tail loss probe first (tlp.go): 2·SRTT + 2 ms after
// the ACK, at 252 ms, unless a duplicate ACK comes first.
func newSACKFlight(t *testing.T) tsHarness {
	t.Helper()
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	h.write(ms(100), 10*tsMSS)
	var want []seg
	for i := range 10 {
		want = append(want, sdata(i))
	}
	// In GSO packets of two (50 ms RTT: a millisecond at the pacing rate
	// is less than a segment, tcp_min_tso_segs): PSH on every second.
	h.expect(ms(100), inGSO(2, want...)...)
	h.peerACK(ms(150), 1)
	h.expectNothing(ms(150))
	require.Equal(t, ms(252), h.conn.timers.at[trace.TimerRetransmission])
	require.True(t, h.conn.tlpArmed)
	require.Equal(t, ms(400), h.conn.rtoAt)
	return h
}

// peerACK has the peer acknowledge up to our segment i at time at, with
// the SACK blocks given as [from, to) segment indexes.
func (h tsHarness) peerACK(at sim.Time, i int, blocks ...[2]int) {
	h.t.Helper()
	var bs [][2]wire.Seq
	for _, b := range blocks {
		bs = append(bs, [2]wire.Seq{sseq(b[0]), sseq(b[1])})
	}
	h.sendOpt(at, seg{seq: remoteISS + 1, ack: sseq(i), flags: ack}, h.peerOpt(at, h.tsval(ms(100)), bs...))
}

// fastRexmit is our i-th segment as resent on duplicate ACKs.
func fastRexmit(i int) seg { return retx(sdata(i), trace.LabelFastRetransmission) }

func TestSACK_SenderHolesOnePerDuplicateACK(t *testing.T) {
	h := newSACKFlight(t)
	// Segments 1, 3 and 5 are lost; 2, 4, 6, 7, 8, 9 arrive, each answered
	// by a duplicate ACK with the receiver's blocks (newest first).
	h.peerACK(ms(160), 1, [2]int{2, 3})
	h.expectNothing(ms(160))
	h.peerACK(ms(161), 1, [2]int{4, 5}, [2]int{2, 3})
	h.expectNothing(ms(161))
	// RFC 6675 §5 (2): the third (three SACKed blocks above SND.UNA) starts
	// fast retransmit: the first hole, at SND.UNA.
	before := h.conn.cwnd
	h.peerACK(ms(162), 1, [2]int{6, 7}, [2]int{4, 5}, [2]int{2, 3})
	h.expect(ms(162), fastRexmit(1))
	require.True(t, h.conn.lr.inRecovery())
	// RFC 6675 §5 (4.2) with CUBIC's decrease (RFC 9438 §4.6): cwnd =
	// ssthresh = 0.7 · cwnd (11 segments after the first ACK's growth).
	assert.Equal(t, uint32(11*tsMSS), before)
	assert.Equal(t, uint32(float64(before)*0.7), h.conn.ssthresh)
	assert.Equal(t, h.conn.ssthresh, h.conn.cwnd)
	// RFC 6675 NextSeg (1): each further duplicate makes the next hole
	// lost (three SACKed segments above it) and lowers pipe, so it goes,
	// skipping the SACKed segments 2 and 4 …
	h.peerACK(ms(163), 1, [2]int{6, 8}, [2]int{4, 5}, [2]int{2, 3})
	h.expect(ms(163), fastRexmit(3))
	h.peerACK(ms(164), 1, [2]int{6, 9}, [2]int{4, 5}, [2]int{2, 3})
	h.expect(ms(164), fastRexmit(5))
	// … and once every hole went, SACKed data is never sent again.
	h.peerACK(ms(165), 1, [2]int{6, 10}, [2]int{4, 5}, [2]int{2, 3})
	h.expectNothing(ms(165))
	h.peerACK(ms(166), 1, [2]int{6, 10}, [2]int{4, 5}, [2]int{2, 3})
	h.expectNothing(ms(166))
	// The retransmissions arrive: partial ACKs up to the next hole, already
	// resent, so nothing goes again; then the full ACK.
	h.peerACK(ms(210), 3, [2]int{6, 10}, [2]int{4, 5})
	h.expectNothing(ms(210))
	h.peerACK(ms(211), 5, [2]int{6, 10})
	h.expectNothing(ms(211))
	assert.True(t, h.conn.lr.inRecovery())
	h.peerACK(ms(212), 10)
	assert.False(t, h.conn.lr.inRecovery())
	h.expectNothing(ms(60_000)) // all acknowledged: no timeout
	assert.Equal(t, uint64(3), h.conn.retransmits)
}

func TestSACK_SenderPartialACKResendsOnlyWhatIsLost(t *testing.T) {
	h := newSACKFlight(t)
	h.peerACK(ms(160), 1, [2]int{2, 3})
	h.peerACK(ms(161), 1, [2]int{4, 5}, [2]int{2, 3})
	h.peerACK(ms(162), 1, [2]int{6, 7}, [2]int{4, 5}, [2]int{2, 3})
	h.expect(ms(162), fastRexmit(1))
	// Segment 1's retransmission arrives before any further duplicate.
	// NewReno would take the partial ACK (up to the hole at 3) as a sign
	// that 3 is lost; RFC 6675 asks the scoreboard: two SACKed segments
	// above 3, in two blocks, are not enough (IsLost), so nothing goes.
	h.peerACK(ms(212), 3, [2]int{6, 7}, [2]int{4, 5})
	h.expectNothing(ms(212))
	// Segment 7 arrives: three SACKed segments above 3 (IsLost), two
	// above 5: 3 goes, 5 not yet.
	h.peerACK(ms(213), 3, [2]int{6, 8}, [2]int{4, 5})
	h.expect(ms(213), fastRexmit(3))
	// Segment 8: 5 is lost too.
	h.peerACK(ms(214), 3, [2]int{6, 9}, [2]int{4, 5})
	h.expect(ms(214), fastRexmit(5))
	// Nothing below the highest SACKed byte is left, and Linux has no
	// rescue retransmission (NextSeg rule (4)) of 9, above it.
	h.peerACK(ms(215), 3, [2]int{6, 9}, [2]int{4, 5})
	h.expectNothing(ms(215))
}

func TestSACK_SenderRTOResendsOnlyHoles(t *testing.T) {
	h := newSACKFlight(t)
	h.peerACK(ms(160), 1, [2]int{2, 3})
	h.peerACK(ms(161), 1, [2]int{4, 5}, [2]int{2, 3})
	h.peerACK(ms(162), 1, [2]int{6, 7}, [2]int{4, 5}, [2]int{2, 3})
	h.expect(ms(162), fastRexmit(1))
	h.peerACK(ms(163), 1, [2]int{6, 8}, [2]int{4, 5}, [2]int{2, 3})
	h.expect(ms(163), fastRexmit(3))
	h.peerACK(ms(164), 1, [2]int{6, 10}, [2]int{4, 5}, [2]int{2, 3})
	h.expect(ms(164), fastRexmit(5))
	// Every retransmission is lost too. RFC 6298 (5.4): at 400 ms the timer
	// resends the first unacknowledged segment; cwnd is one segment
	// (RFC 5681 §3.1).
	h.expectNothing(ms(399))
	h.expect(ms(400), retx(sdata(1), 0))
	assert.Equal(t, uint32(tsMSS), h.conn.cwnd)
	// Slow start goes on from SND.UNA; the scoreboard survives the timeout
	// (as Linux's tcp_enter_loss keeps SACKed data), so SND.NXT skips what
	// was SACKed: 3, not 2; then 5, not 4; then nothing, 6–9 being SACKed.
	h.peerACK(ms(450), 3, [2]int{6, 10}, [2]int{4, 5})
	h.expect(ms(450), retx(sdata(3), 0))
	h.peerACK(ms(500), 5, [2]int{6, 10})
	h.expect(ms(500), retx(sdata(5), 0))
	h.peerACK(ms(550), 10)
	h.expectNothing(ms(60_000))
	assert.Equal(t, uint64(6), h.conn.retransmits)
}

func TestSACK_SenderWithoutSACKIgnoresBlocks(t *testing.T) {
	// SACK not agreed: blocks in the peer's ACKs (from a broken peer) are
	// ignored, and recovery is NewReno's: one hole per round trip, and an
	// RTO goes back over everything from SND.UNA.
	h := newLinuxEstablished(t, linuxConfig(t), false, true)
	h.write(ms(100), 10*tsMSS)
	var want []seg
	for i := range 10 {
		want = append(want, sdata(i))
	}
	h.expect(ms(100), inGSO(2, want...)...)
	h.peerACK(ms(150), 1)
	h.peerACK(ms(160), 1, [2]int{2, 3})
	h.peerACK(ms(161), 1, [2]int{4, 5}, [2]int{2, 3})
	h.peerACK(ms(162), 1, [2]int{6, 7}, [2]int{4, 5}, [2]int{2, 3})
	h.expect(ms(162), fastRexmit(1))
	h.peerACK(ms(163), 1, [2]int{6, 8}, [2]int{4, 5}, [2]int{2, 3})
	h.expectNothing(ms(163))
	assert.IsType(t, &cumulativeRecovery{}, h.conn.lr, "without SACK, no scoreboard")
	// The timeout: segment 1, then 2 and 3 (the SACKed 2 too).
	h.expect(ms(400), retx(sdata(1), 0))
	h.peerACK(ms(450), 2)
	h.expect(ms(450), inGSO(2, retx(sdata(2), 0), retx(sdata(3), 0))...)
}

func TestSACK_BlocksTakeRoomFromData(t *testing.T) {
	// RFC 6691 §2: the sender "MUST reduce the TCP data length to account
	// for any IP or TCP options that it is including in the packets that
	// it sends" (Linux's tcp_current_mss). While we hold the peer's data
	// out of order, our data segments carry SACK blocks (4 + 8 bytes per
	// block) besides the timestamps (12): a full segment stays a 1500-byte
	// packet, the MTU the MSS of 1460 was announced for.
	tests := []struct {
		name    string
		tsOK    bool
		arrived []int  // the peer's segments that arrived out of order
		want    uint32 // the data a full segment carries
	}{
		{"timestamps, no blocks", true, nil, 1448},
		{"timestamps, 1 block", true, []int{1}, 1448 - 12},
		{"timestamps, 2 blocks", true, []int{1, 3}, 1448 - 20},
		{"timestamps, 3 blocks", true, []int{1, 3, 5}, 1448 - 28},
		{"timestamps, 4 blocks held, 3 sent", true, []int{1, 3, 5, 7}, 1448 - 28},
		{"no timestamps, 4 blocks", false, []int{1, 3, 5, 7}, 1460 - 36},
		{"no timestamps, 5 blocks held, 4 sent", false, []int{1, 3, 5, 7, 9}, 1460 - 36},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newLinuxEstablished(t, linuxConfig(t), true, tt.tsOK)
			for i, k := range tt.arrived {
				at := ms(100 + int64(i))
				h.sendOpt(at, peerData(k), h.peerOpt(at, 0))
				require.Len(t, h.out, 1)
				h.out = nil
			}
			h.write(ms(200), 2*int(tt.want))
			// Two full segments, one GSO packet.
			h.expect(ms(200), inGSO(2,
				seg{seq: 101, ack: 301, flags: ack, len: tt.want},
				seg{seq: 101 + wire.Seq(tt.want), ack: 301, flags: ack, len: tt.want})...)
			for _, s := range h.log.Records {
				if s.Kind == trace.KindSend && s.T == ms(200) {
					assert.Equal(t, 1500, s.Pkt.Seg.IPLen(), "%v", s.Pkt.Seg.String())
				}
			}
		})
	}
}
