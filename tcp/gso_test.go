package tcp

// GSO packets and their PSH (gso.go), as Linux 6.18 sends them: in
// tcpsim kernel's traces a sender's segments carry PSH on every second one
// at first (lost-segment, sliding-window), then on every third, fourth …
// as the pacing rate grows (bulk).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestGSO_PSHEndsEachPacket(t *testing.T) {
	// 50 ms RTT, cwnd 10: the pacing rate (2·cwnd/SRTT in slow start) is
	// 579 200 B/s, 565 bytes a millisecond (sk_pacing_shift 10): less than a
	// segment, so packets of tcp_min_tso_segs (2), each with PSH forced on
	// (__tcp_transmit_skb) and left on its last segment (tcp_gso_segment).
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	h.write(ms(100), 10*tsMSS)
	var want []seg
	for i := range 10 {
		want = append(want, sdata(i))
	}
	h.expect(ms(100), inGSO(2, want...)...)
	assert.Equal(t, 2, h.conn.gsoSegs())
}

func TestGSO_LoneSegmentHasNoPSH(t *testing.T) {
	// A packet of one segment gets no forced PSH: with cwnd 3 the third
	// segment goes alone, without it; so does a fast retransmission.
	cfg := linuxConfig(t)
	cfg.InitialWindow = 3
	h := newLinuxEstablished(t, cfg, true, true)
	h.write(ms(100), 10*tsMSS)
	h.expect(ms(100), sdata(0), withPSH(sdata(1)), sdata(2))
}

func TestGSO_PacketSizeFollowsThePacingRate(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	c := h.conn
	for _, tt := range []struct {
		name     string
		srtt     time.Duration
		cwnd     uint32 // segments
		ssthresh uint32 // segments; 0: none yet
		peerWnd  uint32 // the largest window the peer offered
		want     int
	}{
		{"slow start, 50 ms, cwnd 10", 50 * time.Millisecond, 10, 0, 65535, 2},
		{"slow start, 20 ms, cwnd 40: 5656 B/ms", 20 * time.Millisecond, 40, 0, 1 << 20, 3},
		{"slow start, 20 ms, cwnd 100: 14140 B/ms", 20 * time.Millisecond, 100, 0, 1 << 20, 9},
		{"congestion avoidance, 20 ms, cwnd 100: 120 %", 20 * time.Millisecond, 100, 100, 1 << 20, 5},
		{"1 ms: up to the 64 KiB GSO limit", time.Millisecond, 1000, 0, 1 << 24, 45},
		{"half the peer's window: 5792 → 2 segments", time.Millisecond, 1000, 0, 5792, 2},
		{"no RTT sample yet: the GSO limit", 0, 10, 0, 1 << 20, 45},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c.rtt.srtt = tt.srtt
			c.cwnd = tt.cwnd * tsMSS
			c.ssthresh = ^uint32(0)
			if tt.ssthresh > 0 {
				c.ssthresh = tt.ssthresh * tsMSS
			}
			c.maxSndWnd = tt.peerWnd
			assert.Equal(t, tt.want, c.gsoSegs())
		})
	}
}

func TestGSO_RFCProfileSegmentBySegment(t *testing.T) {
	cfg := linuxConfig(t)
	h := newLinuxEstablished(t, cfg, true, true)
	h.setPolicy(mixedPolicy{})
	h.write(ms(100), 4*tsMSS)
	h.expect(ms(100), sdata(0), sdata(1), sdata(2), withPSH(sdata(3)))
}

// withPSH returns s with PSH set.
func withPSH(s seg) seg {
	s.flags |= psh
	return s
}
