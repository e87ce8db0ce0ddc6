package tcp

// RFC 6675: SACK-based loss recovery with pipe (sack.go). The sender is
// the rfc profile's (newreno, SMSS 1460, no timestamps, so up to four SACK
// blocks in an ACK), with an initial window of 10 segments.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// newPipeFlight returns a SACK connection that wrote n segments at 100 ms,
// of which the first 10 (the initial window) went at once.
func newPipeFlight(t *testing.T, n int, pol ...policy) *harness {
	t.Helper()
	p := policy(rfcPolicy{})
	if len(pol) > 0 {
		p = pol[0]
	}
	h := newSACKEstablished(t, p)
	h.write(ms(100), n*smss)
	var want []seg
	for i := range min(n, 10) {
		want = append(want, dataSeg(i))
	}
	if n <= 10 {
		want[n-1].flags = psh
	}
	h.expect(ms(100), want...)
	require.Equal(t, uint32(10*smss), h.conn.cwnd)
	return h
}

// sacks are SACK blocks given as [from, to) segment indexes.
func sacks(bs ...[2]int) []wire.SACKBlock {
	var out []wire.SACKBlock
	for _, b := range bs {
		out = append(out, wire.SACKBlock{Left: seqOf(b[0]), Right: seqOf(b[1])})
	}
	return out
}

// sackACK is the peer's ACK up to segment i with SACK blocks.
func sackACK(i int, bs ...[2]int) seg {
	s := ackOf(i)
	s.sack = sacks(bs...)
	return s
}

// pipeNow returns RFC 6675's pipe, in segments, and whether it governs
// sending now.
func pipeNow(h *harness) (float64, bool) {
	p, ok := h.conn.lr.pipe(h.conn.flight())
	return float64(p) / smss, ok
}

func fast(i int) seg { return retx(dataSeg(i), trace.LabelFastRetransmission) }

func TestSACKPipe_LimitedTransmitAndEntryOnThirdDuplicate(t *testing.T) {
	h := newPipeFlight(t, 20)
	_, ok := pipeNow(h)
	assert.False(t, ok, "no duplicate ACK yet: SND.UNA + cwnd governs")
	// Segment 0 is lost. RFC 6675 §5 (3): on the first duplicate ACK,
	// HighRxt = HighACK and pipe = the 9 un-SACKed segments, none lost:
	// cwnd − pipe = 1 SMSS lets segment 10, new data, go.
	h.send(ms(150), sackACK(0, [2]int{1, 2}))
	h.expect(ms(150), dataSeg(10))
	p, ok := pipeNow(h)
	assert.True(t, ok)
	assert.Equal(t, 10.0, p)
	// Second duplicate: two SACKed segments above segment 0 are not
	// enough for IsLost (not more than (DupThresh−1)·SMSS bytes, fewer
	// than DupThresh blocks): segment 11 goes as limited transmit.
	h.send(ms(151), sackACK(0, [2]int{1, 3}))
	h.expect(ms(151), dataSeg(11))
	assert.False(t, h.conn.lr.inRecovery())
	// Third: recovery (§5 (4)). RecoveryPoint = HighData (segment 11's
	// end); cwnd = ssthresh = FlightSize/2 with FlightSize taken at the
	// first duplicate, before limited transmit (§5 (4.2)): 5 segments.
	// Segment 0 goes again (4.3); pipe = 1 (its retransmission) + 8 (4–11),
	// over cwnd: nothing more.
	h.send(ms(152), sackACK(0, [2]int{1, 4}))
	h.expect(ms(152), fast(0))
	assert.True(t, h.conn.lr.inRecovery())
	assert.Equal(t, uint32(5*smss), h.conn.cwnd)
	assert.Equal(t, uint32(5*smss), h.conn.ssthresh)
	p, _ = pipeNow(h)
	assert.Equal(t, 9.0, p)
	// A further duplicate neither inflates cwnd (RFC 5681's +SMSS) nor
	// sends while pipe ≥ cwnd: 8 − 1 + 1.
	h.send(ms(153), sackACK(0, [2]int{1, 5}))
	h.expectNothing(ms(153))
	assert.Equal(t, uint32(5*smss), h.conn.cwnd)
	p, _ = pipeNow(h)
	assert.Equal(t, 8.0, p)
}

func TestSACKPipe_EntryByIsLostWithoutThreeDuplicates(t *testing.T) {
	// The first duplicate ACK already SACKs three segments (the ACKs of 1
	// and 2 were lost): IsLost(HighACK+1) holds, and recovery starts at
	// once (RFC 6675 §5 (2)), where RFC 5681 would wait for two more.
	h := newPipeFlight(t, 10)
	h.send(ms(150), sackACK(0, [2]int{1, 4}))
	h.expect(ms(150), fast(0))
	assert.True(t, h.conn.lr.inRecovery())
	assert.Equal(t, 1, h.recovery().dupAcks)
	assert.Equal(t, uint32(5*smss), h.conn.cwnd)
	// Three discontiguous blocks of one segment each are lost too (the
	// first rule of IsLost): segment 0 again, in a new flight.
	h2 := newPipeFlight(t, 10)
	h2.send(ms(150), sackACK(0, [2]int{1, 2}))
	h2.expectNothing(ms(150))
	h2.send(ms(151), sackACK(0, [2]int{3, 4}, [2]int{1, 2}))
	h2.expectNothing(ms(151))
	assert.False(t, h2.conn.lr.inRecovery())
	// The second duplicate's scoreboard has 2 blocks, 2 segments: not lost.
	h2.send(ms(152), sackACK(0, [2]int{5, 6}, [2]int{3, 4}, [2]int{1, 2}))
	h2.expect(ms(152), fast(0))
}

func TestSACKPipe_SeveralHolesInOneRoundTrip(t *testing.T) {
	// Segments 0, 2, 4 and 6 are lost; 1, 3, 5, 7, 8, 9 arrive, and so do
	// 10 and 11 (limited transmit). Every hole goes again before the
	// first retransmission's ACK (at 200 ms, one RTT after 150 ms):
	// NewReno would need four round trips.
	h := newPipeFlight(t, 20)
	h.send(ms(150), sackACK(0, [2]int{1, 2}))
	h.expect(ms(150), dataSeg(10))
	h.send(ms(151), sackACK(0, [2]int{3, 4}, [2]int{1, 2}))
	h.expect(ms(151), dataSeg(11))
	h.send(ms(152), sackACK(0, [2]int{5, 6}, [2]int{3, 4}, [2]int{1, 2}))
	h.expect(ms(152), fast(0)) // three blocks above segment 0
	p, _ := pipeNow(h)
	assert.Equal(t, 9.0, p, "0 (resent) + 2 + 4 + 6..11, none of them lost")
	// Segment 7 arrives: segment 2 has three blocks above it, lost, but
	// pipe (1 + 0 + 1 + 1 + 4 = 7) exceeds cwnd (5): it waits.
	h.send(ms(153), sackACK(0, [2]int{7, 8}, [2]int{5, 6}, [2]int{3, 4}, [2]int{1, 2}))
	h.expectNothing(ms(153))
	p, _ = pipeNow(h)
	assert.Equal(t, 7.0, p)
	// 8: segment 4 is lost too (3 SACKed segments above it); pipe 5.
	h.send(ms(154), sackACK(0, [2]int{7, 9}, [2]int{5, 6}, [2]int{3, 4}, [2]int{1, 2}))
	h.expectNothing(ms(154))
	p, _ = pipeNow(h)
	assert.Equal(t, 5.0, p)
	// 9: segment 6 is lost; pipe 3 (0 resent, 10, 11): NextSeg rule (1)
	// sends the lost holes above HighRxt while cwnd − pipe ≥ 1 SMSS.
	h.send(ms(155), sackACK(0, [2]int{7, 10}, [2]int{5, 6}, [2]int{3, 4}, [2]int{1, 2}))
	h.expect(ms(155), fast(2), fast(4))
	p, _ = pipeNow(h)
	assert.Equal(t, 5.0, p)
	// 10: pipe 4; segment 6.
	h.send(ms(156), sackACK(0, [2]int{7, 11}, [2]int{5, 6}, [2]int{3, 4}, [2]int{1, 2}))
	h.expect(ms(156), fast(6))
	// 11: pipe 4 (the four retransmissions): no hole is left above
	// HighRxt, so rule (2), new data: segment 12.
	h.send(ms(157), sackACK(0, [2]int{7, 12}, [2]int{5, 6}, [2]int{3, 4}, [2]int{1, 2}))
	h.expect(ms(157), dataSeg(12))
	assert.Equal(t, uint64(4), h.conn.retransmits)

	// The retransmissions arrive: partial ACKs change no window (no
	// NewReno deflation) and resend nothing; pipe falls (0 and 1 leave it,
	// 12 is SACKed: 2, 4, 6 resent = 3), and new data goes.
	h.send(ms(202), sackACK(2, [2]int{7, 13}, [2]int{5, 6}, [2]int{3, 4}))
	h.expect(ms(202), dataSeg(13), dataSeg(14))
	assert.Equal(t, uint32(5*smss), h.conn.cwnd)
	h.send(ms(205), sackACK(4, [2]int{7, 13}, [2]int{5, 6}))
	h.expect(ms(205), dataSeg(15))
	h.send(ms(206), sackACK(6, [2]int{7, 14}))
	h.expect(ms(206), dataSeg(16), dataSeg(17))
	assert.True(t, h.conn.lr.inRecovery())
	// RecoveryPoint is segment 11's last byte: the ACK of everything up
	// to 14 ends recovery (§5 (A)); cwnd stays at ssthresh, and SND.UNA +
	// cwnd governs again (14–17 in flight: one more goes).
	h.send(ms(207), ackOf(14))
	assert.False(t, h.conn.lr.inRecovery())
	assert.Equal(t, uint32(5*smss), h.conn.cwnd)
	_, ok := pipeNow(h)
	assert.False(t, ok)
	h.expect(ms(207), dataSeg(18))
	assert.Equal(t, uint64(4), h.conn.retransmits)
}

func TestSACKPipe_NextSegRuleFourRescue(t *testing.T) {
	// Segments 0, 2, 8 and 9 are lost, and no new data waits. Rule (4)
	// resends, once per recovery, the tail above every SACKed byte, which
	// no SACK block can show lost (rfc); Linux leaves it to the RTO (or a
	// loss probe, not armed in recovery).
	for _, tt := range []struct {
		name   string
		pol    policy
		rescue bool
	}{
		{"rfc", rfcPolicy{}, true},
		{"linux", mixedPolicy{linuxNoRescue: true}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newPipeFlight(t, 10, tt.pol)
			h.send(ms(150), sackACK(0, [2]int{1, 2}))
			h.send(ms(151), sackACK(0, [2]int{3, 4}, [2]int{1, 2}))
			h.expectNothing(ms(151)) // limited transmit: no new data
			h.send(ms(152), sackACK(0, [2]int{3, 5}, [2]int{1, 2}))
			h.expect(ms(152), fast(0))
			// pipe: 0 (resent) + 2 + 5, 6, 7, 8, 9 = 7 ≥ cwnd 5.
			// 5 arrives: segment 2 has 3 SACKed segments above it, lost;
			// pipe: 0 (resent) + 6..9 = 5, no room yet.
			h.send(ms(153), sackACK(0, [2]int{3, 6}, [2]int{1, 2}))
			h.expectNothing(ms(153))
			// 6: pipe 4: rule (1), segment 2.
			h.send(ms(154), sackACK(0, [2]int{3, 7}, [2]int{1, 2}))
			h.expect(ms(154), fast(2))
			// 7: pipe 0 + 2 (resent) + 8 + 9 = 4: room, but no lost hole
			// above HighRxt, no new data, no hole below the highest SACKed
			// byte, and SND.UNA has not passed RescueRxt: nothing.
			h.send(ms(155), sackACK(0, [2]int{3, 8}, [2]int{1, 2}))
			h.expectNothing(ms(155))
			p, _ := pipeNow(h)
			assert.Equal(t, 4.0, p)
			// The retransmission of 0 arrives: SND.UNA passes RescueRxt
			// (segment 0's end). pipe 3: room for 2 segments, no hole
			// below the highest SACKed byte left, no new data: rule (4)
			// resends segment 9, the one with the highest un-SACKed byte,
			// without moving HighRxt; then nothing (once per recovery).
			h.send(ms(202), sackACK(2, [2]int{3, 8}))
			if tt.rescue {
				last := fast(9)
				last.flags = psh
				h.expect(ms(202), last)
			} else {
				h.expectNothing(ms(202))
			}
			h.send(ms(203), sackACK(2, [2]int{3, 8}))
			h.expectNothing(ms(203))
			assert.True(t, h.conn.lr.inRecovery())
		})
	}
}

func TestSACKPipe_NextSegRuleThree(t *testing.T) {
	// Segments 0, 5, 8 and 9 are lost, no new data waits. Rule (3) resends
	// hole 5, below the highest SACKed byte but not lost by IsLost (one
	// block, two segments above it), when cwnd has room and rules (1)
	// and (2) have nothing (rfc); Linux resends only what is marked lost.
	for _, tt := range []struct {
		name   string
		pol    policy
		resend bool
	}{
		{"rfc", rfcPolicy{}, true},
		{"linux", mixedPolicy{linuxNoRescue: true}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newPipeFlight(t, 10, tt.pol)
			h.send(ms(150), sackACK(0, [2]int{1, 2}))
			h.send(ms(151), sackACK(0, [2]int{1, 3}))
			h.send(ms(152), sackACK(0, [2]int{1, 4}))
			h.expect(ms(152), fast(0))
			h.send(ms(153), sackACK(0, [2]int{1, 5}))
			// 6 arrives: pipe 0 (resent) + 5 + 7, 8, 9 = 5: no room.
			h.send(ms(154), sackACK(0, [2]int{6, 7}, [2]int{1, 5}))
			h.expectNothing(ms(154))
			// 7: pipe 4.
			h.send(ms(155), sackACK(0, [2]int{6, 8}, [2]int{1, 5}))
			if tt.resend {
				h.expect(ms(155), fast(5))
				p, _ := pipeNow(h)
				assert.Equal(t, 5.0, p, "hole 5 counts twice: in flight, and resent")
			} else {
				h.expectNothing(ms(155))
			}
		})
	}
}

func TestSACKPipe_RTOEndsRecovery(t *testing.T) {
	// RFC 6675 §5.1: an RTO in recovery ends it; RecoveryPoint becomes
	// HighData, and no new recovery starts until HighACK reaches it. The
	// RTO's own recovery is RFC 5681's: cwnd = 1 SMSS, and pipe no longer
	// governs.
	h := newPipeFlight(t, 10)
	h.send(ms(150), sackACK(0, [2]int{1, 4}))
	h.expect(ms(150), fast(0))
	require.True(t, h.conn.lr.inRecovery())
	// The retransmission is lost as well. RFC 6298 (5.3): the timer was
	// restarted by no ACK of new data, so it fires 1 s after the data.
	h.expectNothing(ms(1099))
	h.expect(ms(1100), retx(dataSeg(0), 0))
	assert.False(t, h.conn.lr.inRecovery())
	assert.Equal(t, uint32(smss), h.conn.cwnd)
	assert.Equal(t, uint32(5*smss), h.conn.ssthresh)
	_, ok := pipeNow(h)
	assert.False(t, ok)
	// Three more duplicates (late arrivals) SACK 4–7: no second recovery
	// (SND.UNA is below RecoveryPoint), nothing resent.
	h.send(ms(1101), sackACK(0, [2]int{1, 5}))
	h.send(ms(1102), sackACK(0, [2]int{1, 6}))
	h.send(ms(1103), sackACK(0, [2]int{1, 7}))
	h.expectNothing(ms(1103))
	assert.False(t, h.conn.lr.inRecovery())
	// Segment 0 arrives: the go-back goes over the holes only (rfc: the
	// scoreboard was cleared at the RTO, but these blocks came after it).
	h.send(ms(1150), sackACK(7))
	h.expect(ms(1150), retx(dataSeg(7), 0), retx(dataSeg(8), 0))
}
