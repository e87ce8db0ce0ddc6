package tcp

// Staged additions for keepalive_test.go (RFC 1122 §4.2.3.6; Linux's
// tcp_keepalive_timer: probes_out ≥ keepalive_probes → tcp_send_active_reset
// then tcp_write_err; RFC 9293 §3.10.7.4 first step for the receiver's
// answer, second step for a RST).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// newShortKeepalive returns a connection with keepalive on, idle 10 s,
// interval 2 s, 3 probes (after mod), whose 100 bytes [101, 201) went at
// 100 ms and were acknowledged at 150 ms: the peer was last heard at 150 ms,
// SND.UNA = SND.NXT = 201.
func newShortKeepalive(t *testing.T, mod func(*Config), pol ...policy) *harness {
	t.Helper()
	cfg := testConfig()
	cfg.Keepalive = true
	cfg.KeepaliveIdle = 10 * time.Second
	cfg.KeepaliveInterval = 2 * time.Second
	cfg.KeepaliveProbes = 3
	if mod != nil {
		mod(&cfg)
	}
	h := newEstablishedCfg(t, cfg, pol...)
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	h.send(ms(150), seg{seq: 301, ack: 201, flags: ack})
	h.expectNothing(ms(150))
	return h
}

// shortKAProbe is the probe of newShortKeepalive's connection: SEQ =
// SND.NXT−1 = SND.UNA−1 = 200, a sequence number the peer has acknowledged.
func shortKAProbe(n int32, garbage bool) seg {
	s := seg{seq: 200, ack: 301, flags: ack, labels: trace.LabelKeepalive, n: n}
	if garbage {
		s.len = 1
	}
	return s
}

func TestKeepalive_ProbeFormsAndIdleRestart(t *testing.T) {
	garbage := func(c *Config) { c.KeepaliveGarbageByte = true }
	tests := []struct {
		name    string
		mod     func(*Config)
		pol     policy
		garbage bool
	}{
		// RFC 1122 §4.2.3.6: SEQ = SND.NXT−1, and it SHOULD carry no data…
		{"rfc", nil, rfcPolicy{}, false},
		// …or MAY carry one garbage octet.
		{"garbage byte", garbage, rfcPolicy{}, true},
		// Linux's tcp_xmit_probe_skb: SEQ = SND.UNA−1, no data, garbage
		// byte or not.
		{"old seq", nil, oldSeqProbes, false},
		{"old seq, garbage byte asked", garbage, oldSeqProbes, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newShortKeepalive(t, tt.mod, tt.pol)
			h.expectNothing(ms(10_149))
			h.expect(ms(10_150), shortKAProbe(1, tt.garbage)) // last heard + idle
			// The answer restarts the idle clock: the next probe is the
			// first of a new series, a full idle time after it.
			h.send(ms(10_160), seg{seq: 301, ack: 201, flags: ack})
			h.expectNothing(ms(20_159))
			h.expect(ms(20_160), shortKAProbe(1, tt.garbage))
			assert.Equal(t, StateEstablished, h.conn.State())
		})
	}
}

func TestKeepalive_SilentPeerTimesOut(t *testing.T) {
	// Probes at idle, idle + interval, idle + 2·interval after the peer was
	// last heard; at idle + 3·interval (16150 ms) the third has gone
	// unanswered: abort, with a RST first only if the policy says so (Linux).
	for _, rst := range []bool{false, true} {
		name := map[bool]string{false: "no RST", true: "reset on abort"}[rst]
		t.Run(name, func(t *testing.T) {
			h := newShortKeepalive(t, nil, mixedPolicy{keepaliveRST: rst})
			for n, at := range []int64{10_150, 12_150, 14_150} {
				h.expectNothing(ms(at - 1))
				h.expect(ms(at), shortKAProbe(int32(n+1), false))
			}
			h.expectNothing(ms(16_149))
			assert.Equal(t, StateEstablished, h.conn.State())
			if rst {
				// tcp_send_active_reset: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>.
				h.expect(ms(16_150), seg{seq: 201, ack: 301, flags: wire.RST | wire.ACK})
			} else {
				h.expectNothing(ms(16_150))
			}
			assert.Equal(t, StateClosed, h.conn.State())
			assert.ErrorIs(t, h.conn.Err(), ErrKeepaliveTimeout)
			assert.Equal(t, []Event{EventEstablished, EventAborted}, h.lifecycle())
			h.expectNothing(ms(10_000_000))
		})
	}
}

func TestKeepalive_LateAnswerStartsAFreshSeries(t *testing.T) {
	h := newShortKeepalive(t, nil)
	h.expect(ms(10_150), shortKAProbe(1, false))
	h.expect(ms(12_150), shortKAProbe(2, false))
	// The second probe is answered: the peer is alive; the count starts
	// again, so three more unanswered probes are needed to give up.
	h.send(ms(12_200), seg{seq: 301, ack: 201, flags: ack})
	for n, at := range []int64{22_200, 24_200, 26_200} {
		h.expectNothing(ms(at - 1))
		h.expect(ms(at), shortKAProbe(int32(n+1), false))
	}
	h.expectNothing(ms(28_199))
	assert.Equal(t, StateEstablished, h.conn.State())
	h.expectNothing(ms(28_200))
	assert.ErrorIs(t, h.conn.Err(), ErrKeepaliveTimeout)
}

func TestKeepalive_RebootedPeerAnswersRST(t *testing.T) {
	h := newShortKeepalive(t, nil)
	h.expect(ms(10_150), shortKAProbe(1, false))
	// The peer rebooted and has no connection: RFC 9293 §3.10.7.1 answers
	// the probe (which carries an ACK) with <SEQ=SEG.ACK><CTL=RST>; SEQ =
	// RCV.NXT, so it resets the connection (ECONNRESET).
	h.send(ms(10_160), seg{seq: 301, flags: wire.RST})
	h.expectNothing(ms(10_160))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrReset)
	h.expectNothing(ms(1_000_000))
}

func TestKeepalive_NoProbesWhileDataOutstanding(t *testing.T) {
	h := newShortKeepalive(t, nil)
	// Data goes at 9 s into silence: the retransmission timer watches the
	// connection (RTO 1 s doubling), keepalive does not probe.
	h.write(ms(9000), 100)
	data := seg{seq: 201, ack: 301, flags: psh, len: 100}
	h.expect(ms(9000), data)
	data.labels = trace.LabelRetransmission
	for _, at := range []int64{10_000, 12_000, 16_000, 24_000, 40_000} {
		h.expectNothing(ms(at - 1))
		h.expect(ms(at), data)
	}
	// Acknowledged at last: idle from now, the next probe 10 s later.
	h.send(ms(40_050), seg{seq: 301, ack: 301, flags: ack})
	h.expectNothing(ms(50_049))
	h.expect(ms(50_050), seg{seq: 300, ack: 301, flags: ack, labels: trace.LabelKeepalive, n: 1})
}

func TestKeepalive_ReceiverAnswersEveryProbe(t *testing.T) {
	// The peer's keepalive probes, SEQ = RCV.NXT−1 with no data or one
	// byte: not acceptable (RFC 9293 §3.10.7.4 first step), so each gets
	// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> at once, even with delayed ACKs
	// on. Each answer repeats the last ACK, but it is a keepalive-ack, not a
	// duplicate ACK.
	cfg := testConfig()
	cfg.DelayedACK = 200 * time.Millisecond
	h := newEstablishedCfg(t, cfg)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(300), seg{seq: 101, ack: 401, flags: ack, labels: trace.LabelDelayedACK})
	answer := seg{seq: 101, ack: 401, flags: ack, win: 65535, labels: trace.LabelKeepaliveACK}
	h.send(ms(10_000), seg{seq: 400, ack: 101, flags: ack})
	h.expect(ms(10_000), answer)
	h.send(ms(12_000), seg{seq: 400, ack: 101, flags: ack})
	h.expect(ms(12_000), answer)
	h.send(ms(14_000), seg{seq: 400, ack: 101, flags: ack, len: 1})
	h.expect(ms(14_000), answer)
	assert.Equal(t, int64(100), h.appBytes(trace.AppRead), "the garbage byte is not data")
	assert.Equal(t, StateEstablished, h.conn.State())
}

// The RST that ends keepalive is the connection's own (tcp_send_active_reset
// → tcp_transmit_skb): under the linux profile it carries the timestamps
// option, TSval from the connection's clock and TSecr = TS.Recent, as Linux
// 6.18's in failover; the rfc profile's RST carries no option (RFC 7323
// §3.2 requires TSopt only on non-RST segments).
func TestKeepalive_LinuxGiveUpRSTCarriesTimestamps(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.Keepalive, cfg.KeepaliveIdle, cfg.KeepaliveInterval, cfg.KeepaliveProbes = true, time.Second, time.Second, 1
	h := newLinuxEstablished(t, cfg, true, true)
	h.advance(ms(10_000))
	var rst *trace.Packet
	for i := range h.out {
		if h.out[i].pkt.Seg.Flags&wire.RST != 0 {
			rst = &h.out[i].pkt
		}
	}
	require.NotNil(t, rst, "keepalive gave up with a RST")
	assert.Equal(t, StateClosed, h.conn.State())
	assert.True(t, rst.Seg.Opt.HasTimestamp)
	assert.Equal(t, h.tsval(ms(2_050)), rst.Seg.Opt.TSVal) // idle 1 s from 50 ms, one probe, 1 s more
	assert.Equal(t, peerTSval(ms(50)), rst.Seg.Opt.TSEcr)  // the SYN,ACK's, TS.Recent since
}
