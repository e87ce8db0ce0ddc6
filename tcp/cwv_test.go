package tcp

// Congestion window validation under the linux policy: tcp_cong_avoid
// (net/ipv4/tcp_cong.c, tcp_reno_cong_avoid; CUBIC likewise) returns early
// unless tcp_is_cwnd_limited (include/net/tcp.h): cwnd held back the last
// window sent (is_cwnd_limited, kept by tcp_cwnd_validate in
// net/ipv4/tcp_output.c), or, in slow start, cwnd is under twice the most
// in flight (max_packets_out). The rfc policy grows cwnd on every ACK of
// new data (RFC 5681 §3.1).

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// newWindowLimited returns a connection whose peer offers a window of two
// segments while the sender, with cwnd 10 segments, has 10 to send: the
// window, not cwnd, limits what is in flight.
// newWindowLimited: the peer's window holds two segments; they go as one
// GSO packet of two under the linux profile (gso: 2), one by one under the
// rfc one (gso: 1).
func newWindowLimited(t *testing.T, cfg Config, gso int) *harness {
	t.Helper()
	h := newEstablishedCfg(t, cfg)
	h.send(ms(60), seg{seq: 301, ack: 101, flags: ack, win: 2 * smss})
	h.write(ms(100), 10*smss)
	h.expect(ms(100), inGSO(gso, dataSeg(0), dataSeg(1))...)
	return h
}

func TestCwndValidation_LinuxDoesNotGrowWhenTheWindowLimits(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.Timestamps, cfg.SACK = false, false
	h := newWindowLimited(t, cfg, 2)
	cwnd := h.conn.cwnd
	assert.Equal(t, uint32(10*smss), cwnd)
	for i := 2; i < 8; i += 2 {
		at := ms(int64(100 + 50*i))
		h.send(at, seg{seq: 301, ack: seqOf(i), flags: ack, win: 2 * smss})
		h.expect(at, inGSO(2, dataSeg(i), dataSeg(i+1))...)
	}
	assert.Equal(t, cwnd, h.conn.cwnd, "two segments in flight never fill a 10-segment cwnd")
}

func TestCwndValidation_RFCGrowsOnEveryACK(t *testing.T) {
	cfg := testConfig()
	cfg.InitialWindow = 10
	h := newWindowLimited(t, cfg, 1)
	cwnd := h.conn.cwnd
	for i := 2; i < 8; i += 2 {
		at := ms(int64(100 + 50*i))
		h.send(at, seg{seq: 301, ack: seqOf(i), flags: ack, win: 2 * smss})
		h.expect(at, dataSeg(i), dataSeg(i+1))
	}
	assert.Equal(t, cwnd+3*smss, h.conn.cwnd, "slow start: one SMSS per ACK (RFC 5681 §3.1)")
}

func TestCwndValidation_LinuxGrowsWhenCwndLimits(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.Timestamps, cfg.SACK = false, false
	cfg.InitialWindow = 2
	h := newEstablishedCfg(t, cfg)
	h.write(ms(100), 10*smss)
	h.expect(ms(100), inGSO(2, dataSeg(0), dataSeg(1))...)
	// cwnd (2 segments) holds the rest back: the ACK grows it. (A GSO
	// packet of two, then one alone.)
	h.send(ms(150), seg{seq: 301, ack: seqOf(2), flags: ack})
	h.expect(ms(150), inGSO(2, dataSeg(2), dataSeg(3), dataSeg(4))...)
	assert.Equal(t, uint32(3*smss), h.conn.cwnd)
}
