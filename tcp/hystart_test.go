package tcp

// HyStart under the linux profile (net/ipv4/tcp_cubic.c: cubictcp_acked,
// hystart_update, bictcp_hystart_reset): slow start ends with ssthresh =
// cwnd when a round's RTT rises by more than clamp(delay_min/8, 4 ms,
// 16 ms) (HYSTART_DELAY) or its ACK train stretches over more than half
// delay_min (HYSTART_ACK_TRAIN); not below 16 segments; the rfc profile
// has none of it (RFC 9438 §4.10, RFC 5681 slow start).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// pumpRounds writes a long transfer at 100 ms and plays the peer: each
// data segment is ACKed on its own, rtt(round) after it was sent, where
// round 0 is the initial window and round n+1 the segments sent in answer
// to round n's ACKs. It stops after rounds rounds and returns cwnd and
// ssthresh (bytes) after each ACK, with the ACK's round.
type hsStep struct {
	round          int
	at             sim.Time
	cwnd, ssthresh uint32
}

func pumpRounds(t *testing.T, cfg Config, rounds int, rtt func(round int) time.Duration) []hsStep {
	t.Helper()
	cfg.Timestamps, cfg.SACK = false, false
	cfg.SendBuffer = 8 << 20
	h := newEstablishedCfg(t, cfg)
	h.write(ms(100), 4<<20)
	type pending struct {
		end   wire.Seq
		round int
		ackAt sim.Time
	}
	var q []pending
	take := func(round int) {
		for _, s := range h.out {
			if s.pkt.Seg.Len == 0 {
				continue
			}
			q = append(q, pending{s.pkt.Seg.Seq.Add(s.pkt.Seg.Len), round, s.at.Add(rtt(round))})
		}
		h.out = h.out[:0]
	}
	h.advance(ms(100))
	take(0)
	var steps []hsStep
	for len(q) > 0 && q[0].round < rounds {
		p := q[0]
		q = q[1:]
		h.send(p.ackAt, seg{seq: 301, ack: p.end, flags: ack, win: 60000})
		steps = append(steps, hsStep{p.round, p.ackAt, h.conn.cwnd, h.conn.ssthresh})
		take(p.round + 1)
		// Keep q in ACK order (later rounds' ACKs come later here).
		for i := len(q) - 1; i > 0 && q[i].ackAt < q[i-1].ackAt; i-- {
			q[i], q[i-1] = q[i-1], q[i]
		}
	}
	return steps
}

func TestHyStart_LinuxDelayEndsSlowStart(t *testing.T) {
	cfg := linuxConfig(t)
	require.Equal(t, CCCubic, cfg.CongestionControl)
	// 50 ms in the first two rounds (delay_min 50 ms), 60 ms from the
	// third: more than 50 + clamp(50/8, 4, 16) = 56.25 ms.
	steps := pumpRounds(t, cfg, 4, func(r int) time.Duration {
		if r < 2 {
			return 50 * time.Millisecond
		}
		return 60 * time.Millisecond
	})
	found := -1
	for i, s := range steps {
		if s.ssthresh != ^uint32(0) {
			found = i
			break
		}
	}
	require.GreaterOrEqual(t, found, 0, "HyStart never ended slow start")
	s := steps[found]
	assert.Equal(t, 2, s.round, "the round whose RTT rose")
	// The round's first 8 samples are only gathered (HYSTART_MIN_SAMPLES);
	// the 9th compares their minimum with delay_min.
	first := found
	for first > 0 && steps[first-1].round == 2 {
		first--
	}
	assert.Equal(t, 8, found-first, "the 9th ACK of the round")
	// ssthresh = cwnd as it was before this ACK grew it: the ACK then
	// grows cwnd in congestion avoidance, not slow start.
	assert.Equal(t, steps[found-1].cwnd, s.ssthresh)
	assert.Less(t, s.cwnd-s.ssthresh, uint32(smss), "no more slow-start growth")
	for _, s := range steps[found:] {
		assert.Equal(t, steps[found].ssthresh, s.ssthresh)
	}
}

func TestHyStart_LinuxLowWindowAndSteadyRTT(t *testing.T) {
	// A steady RTT and short ACK trains (0.1 ms apart, far less than half
	// of 50 ms): slow start goes on.
	cfg := linuxConfig(t)
	steps := pumpRounds(t, cfg, 4, func(int) time.Duration { return 50 * time.Millisecond })
	for _, s := range steps {
		require.Equal(t, ^uint32(0), s.ssthresh, "at %v (round %d)", s.at, s.round)
	}
	// Below 16 segments a rising RTT changes nothing (hystart_low_window):
	// with an initial window of 4, round 1 runs from cwnd 8 to 15 before
	// each of its ACKs, and its 80 ms samples go unheeded; round 2 starts
	// at 16, and its 9th ACK ends slow start.
	cfg.InitialWindow = 4
	steps = pumpRounds(t, cfg, 3, func(r int) time.Duration {
		if r == 0 {
			return 50 * time.Millisecond
		}
		return 80 * time.Millisecond // rounds 1 (cwnd 8 to 16) and 2 (16 to 32)
	})
	for _, s := range steps {
		if s.round < 2 {
			assert.Equal(t, ^uint32(0), s.ssthresh, "cwnd below 16 segments: no HyStart (round %d, cwnd %d)", s.round, s.cwnd/smss)
		}
	}
	assert.NotEqual(t, ^uint32(0), steps[len(steps)-1].ssthresh, "from 16 segments on, the delay counts")
}

func TestHyStart_LinuxACKTrainEndsSlowStart(t *testing.T) {
	// A 10 ms path whose ACKs come 1 ms apart (a 1448-byte segment per
	// ms: about 12 Mbit/s): a round of n ACKs lasts n ms, and the train
	// ends slow start once it is longer than (delay_min + ack delay)/2.
	cfg := linuxConfig(t)
	cfg.Timestamps, cfg.SACK = false, false
	cfg.SendBuffer = 8 << 20
	h := newEstablishedCfg(t, cfg)
	h.write(ms(100), 4<<20)
	h.advance(ms(100))
	next := ms(110)
	var acked wire.Seq
	var got []uint32
	for i := 0; i < 200 && h.conn.ssthresh == ^uint32(0); i++ {
		// ACK the next segment in order, 1 ms after the last ACK, once it
		// has been out 10 ms (the queue's wait is the train's spacing).
		var end wire.Seq
		for _, s := range h.out {
			if s.pkt.Seg.Len > 0 && acked.LessThan(s.pkt.Seg.Seq.Add(s.pkt.Seg.Len)) {
				end = s.pkt.Seg.Seq.Add(s.pkt.Seg.Len)
				break
			}
		}
		require.NotZero(t, end)
		acked = end
		h.send(next, seg{seq: 301, ack: end, flags: ack, win: 60000})
		got = append(got, h.conn.cwnd/smss)
		next = next.Add(time.Millisecond)
	}
	require.NotEqual(t, ^uint32(0), h.conn.ssthresh, "the ACK train never ended slow start")
	// delay_min is the first ACK's 10 ms: the train's threshold is
	// (10 + 1)/2 = 5.5 ms (hystart_ack_delay: at most 1 ms). The first
	// round (the initial window's 10 ACKs) cannot end it: below 16
	// segments hystart_update returns before it moves last_ack, so at the
	// 7th ACK (cwnd 16) the last ACK of the train is the round's first, 6
	// ms before: more than hystart_ack_delta_us, no train this round. The
	// second round starts at the 11th ACK (SND.UNA past the initial
	// window); its ACKs are 1 ms apart, and the 7th of them, 6 ms after
	// its start, ends slow start at cwnd 26 (before that ACK's growth).
	assert.Equal(t, uint32(26*smss), h.conn.ssthresh)
	assert.Len(t, got, 17)
}

func TestHyStart_RFCProfileHasNone(t *testing.T) {
	cfg := testConfig()
	cfg.CongestionControl = CCCubic
	cfg.InitialWindow = 10
	steps := pumpRounds(t, cfg, 4, func(r int) time.Duration {
		return time.Duration(50+20*r) * time.Millisecond
	})
	for _, s := range steps {
		require.Equal(t, ^uint32(0), s.ssthresh, "RFC 5681 slow start runs on (round %d)", s.round)
	}
}

func TestHyStart_TimeoutResets(t *testing.T) {
	var hs hystart
	hs.found, hs.delayMin = true, 40*time.Millisecond
	c := &cubic{hs: hs}
	c.ssthreshAfterLoss(ms(900), flight{mss: smss, cwnd: 30 * smss, max: 5000}, 30*smss, true)
	assert.False(t, c.hs.found, "bictcp_reset clears found")
	assert.Zero(t, c.hs.delayMin, "and delay_min")
	assert.Equal(t, wire.Seq(5000), c.hs.endSeq, "bictcp_hystart_reset: a round ending at SND.NXT")
	assert.Equal(t, ms(900), c.hs.roundStart)
	// A fast retransmit's reduction leaves HyStart alone
	// (bictcp_recalc_ssthresh does not touch found).
	c.hs.found = true
	c.ssthreshAfterLoss(ms(1000), flight{mss: smss, cwnd: 30 * smss}, 30*smss, false)
	assert.True(t, c.hs.found)
}

func TestHyStart_ACKDelay(t *testing.T) {
	// hystart_ack_delay: 4 GSO packets at the pacing rate (2·cwnd/SRTT in
	// slow start), at most 1 ms.
	assert.Equal(t, time.Millisecond, ackDelay(16*1448, 20*time.Millisecond))
	// 1000 segments in 0.1 ms: 2.9 GB/s; 262144 bytes take 90.5 µs.
	assert.Equal(t, time.Duration(262144*100_000/(2*1448_000)), ackDelay(1000*1448, 100*time.Microsecond))
	assert.Zero(t, ackDelay(16*1448, 0))
}
