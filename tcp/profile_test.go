package tcp

// The behaviour profiles (profile.go, docs/profiles.md): every value of
// "rfc" and "linux" as documented; and the two Linux timeouts the linux
// profile models, from net/ipv4/tcp_timer.c: SYN retransmission with
// tcp_syn_linear_timeouts (Linux ≥ 6.5: tcp_retransmit_timer keeps the RTO
// while total_rto ≤ tcp_syn_linear_timeouts; tcp_write_timeout gives up
// after tcp_syn_retries + tcp_syn_linear_timeouts retransmissions) and the
// time-based tcp_retries2 limit (retransmits_timed_out / tcp_model_timeout:
// the connection is dropped at the first RTO expiry at which the time since
// the first transmission of the stalled segment, retrans_stamp, reaches what
// tcp_retries2 doublings of TCP_RTO_MIN, capped at TCP_RTO_MAX, add up to).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

func TestProfile_RFC(t *testing.T) {
	got, err := Profile("rfc")
	require.NoError(t, err)
	assert.Equal(t, Config{
		Behaviour:            BehaviourRFC,     // rfcPolicy
		MSS:                  1460,             // 1500-byte MTU − 20 IP − 20 TCP
		SendBuffer:           65536,            // 64 KiB, a classic socket buffer
		RecvBuffer:           65535,            // the largest unscaled window (RFC 9293 §3.1)
		WindowScaling:        false,            // not needed for 65535
		RTOInitial:           time.Second,      // RFC 6298 (2.1)
		RTOMin:               time.Second,      // RFC 6298 (2.4)
		RTOMax:               60 * time.Second, // RFC 6298 (2.5)
		SynRetries:           7,                // RFC 1122 §4.2.3.5: at least 3 minutes
		Retries:              15,
		MSL:                  2 * time.Minute,        // RFC 9293 §3.4.2
		NoDelay:              false,                  // Nagle on (RFC 1122 §4.2.3.4)
		InitialWindow:        0,                      // RFC 5681 §3.1's rule: 3 segments for 1460
		DelayedACK:           200 * time.Millisecond, // RFC 1122 §4.2.3.2: < 0.5 s
		QuickACKs:            0,
		KeepaliveGarbageByte: false, // RFC 1122 §4.2.3.6: SHOULD carry no data
		Keepalive:            false, // RFC 1122 §4.2.3.6: MUST default to off
		KeepaliveIdle:        2 * time.Hour,
		KeepaliveInterval:    75 * time.Second,
		KeepaliveProbes:      9,
		UserTimeout:          0,
		SynLinearTimeouts:    0,
		Timestamps:           false,
		SACK:                 false,
	}, got)
	// What the RFCs require of these values.
	assert.GreaterOrEqual(t, got.RTOMax, 60*time.Second, "RFC 6298 (2.5)")
	assert.Less(t, got.DelayedACK, 500*time.Millisecond, "RFC 1122 §4.2.3.2")
	assert.GreaterOrEqual(t, got.KeepaliveIdle, 2*time.Hour, "RFC 1122 §4.2.3.6")
	assert.Equal(t, uint32(3*1460), initialWindow(got.InitialWindow, 1460), "RFC 5681 §3.1")
}

func TestProfile_Linux(t *testing.T) {
	got, err := Profile("linux")
	require.NoError(t, err)
	assert.Equal(t, Config{
		Behaviour:            BehaviourLinux, // linuxPolicy
		MSS:                  1460,
		SendBuffer:           16384,                  // tcp_wmem[1]
		RecvBuffer:           65536,                  // as SO_RCVBUF: doubled, tcp_rmem[1] (rcvbuf.go)
		WindowScaling:        true,                   // tcp_window_scaling
		RTOInitial:           time.Second,            // TCP_TIMEOUT_INIT
		RTOMin:               200 * time.Millisecond, // TCP_RTO_MIN
		RTOMax:               120 * time.Second,      // TCP_RTO_MAX
		SynRetries:           6,                      // tcp_syn_retries
		Retries:              15,                     // tcp_retries2
		MSL:                  30 * time.Second,       // TCP_TIMEWAIT_LEN 60 s = 2·MSL
		NoDelay:              false,
		InitialWindow:        10,                    // TCP_INIT_CWND
		DelayedACK:           40 * time.Millisecond, // TCP_DELACK_MIN
		QuickACKs:            16,                    // TCP_MAX_QUICKACKS
		KeepaliveGarbageByte: false,
		Keepalive:            false,
		KeepaliveIdle:        2 * time.Hour,    // tcp_keepalive_time 7200
		KeepaliveInterval:    75 * time.Second, // tcp_keepalive_intvl
		KeepaliveProbes:      9,                // tcp_keepalive_probes
		UserTimeout:          0,
		SynLinearTimeouts:    4,       // tcp_syn_linear_timeouts
		Timestamps:           true,    // tcp_timestamps
		SACK:                 true,    // tcp_sack
		CongestionControl:    CCCubic, // tcp_congestion_control
		TimerHZ:              250,     // CONFIG_HZ
	}, got)
}

func TestProfile_DefaultIsRFC(t *testing.T) {
	rfc, err := Profile("rfc")
	require.NoError(t, err)
	assert.Equal(t, rfc, DefaultConfig())
}

func TestProfile_Names(t *testing.T) {
	assert.Equal(t, []string{"rfc", "linux"}, Profiles)
	for _, name := range Profiles {
		_, err := Profile(name)
		assert.NoError(t, err, name)
	}
}

func TestProfile_UnknownName(t *testing.T) {
	for _, name := range []string{"bsd", "", "Linux", "RFC", " rfc"} {
		t.Run(name, func(t *testing.T) {
			c, err := Profile(name)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "unknown profile")
			assert.Contains(t, err.Error(), `"`+name+`"`)
			assert.Contains(t, err.Error(), "rfc, linux")
			assert.Equal(t, Config{}, c)
		})
	}
}

// linuxConfig is the linux profile with a fixed ISS.
func linuxConfig(t *testing.T) Config {
	t.Helper()
	cfg, err := Profile("linux")
	require.NoError(t, err)
	cfg.ISS, cfg.FixedISS = localISS, true
	cfg.TimerHZ = 0 // exact timers: the tests time the behaviours; the timer wheel has its own (timer_test.go)
	return cfg
}

func TestProfile_LinuxSYNLinearTimeouts(t *testing.T) {
	h := newSynSent(t, linuxConfig(t))
	// Linux ≥ 6.5: the RTO stays at TCP_TIMEOUT_INIT (1 s) while at most
	// tcp_syn_linear_timeouts (4) timeouts have passed, so the first five
	// retransmissions are 1 s apart; then it doubles. Retransmissions at 1,
	// 2, 3, 4, 5, 7, 11, 19, 35 and 67 s: tcp_syn_retries (6) + 4.
	syn := seg{seq: localISS, flags: wire.SYN, win: 64240, mss: 1460, labels: trace.LabelRetransmission}
	for _, s := range []int64{1, 2, 3, 4, 5, 7, 11, 19, 35, 67} {
		h.expectNothing(ms(1000*s - 1))
		h.expect(ms(1000*s), syn)
	}
	// The 11th timeout, 64 s later, gives up: ETIMEDOUT, nothing sent.
	h.expectNothing(ms(131_000 - 1))
	assert.Equal(t, StateSynSent, h.conn.State())
	h.expectNothing(ms(131_000))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrTimedOut)
	assert.Equal(t, []Event{EventAborted}, h.lifecycle())
	h.expectNothing(ms(1_000_000))
}

// tcpModelTimeout is Linux's tcp_model_timeout (net/ipv4/tcp_timer.c) for
// rto_base = TCP_RTO_MIN: linear_backoff_thresh = ilog2(TCP_RTO_MAX /
// rto_base) = ilog2(600) = 9; up to it ((2 << boundary) − 1) · rto_base,
// beyond it 1023 · rto_base + (boundary − 9) · TCP_RTO_MAX.
func tcpModelTimeout(boundary int) time.Duration {
	const rtoBase, rtoMax, thresh = 200 * time.Millisecond, 120 * time.Second, 9
	if boundary <= thresh {
		return time.Duration((2<<boundary)-1) * rtoBase
	}
	return time.Duration((2<<thresh)-1)*rtoBase + time.Duration(boundary-thresh)*rtoMax
}

func TestProfile_LinuxRetriesTimeout(t *testing.T) {
	assert.Equal(t, 924_600*time.Millisecond, linuxRetriesTimeout(15), "tcp_retries2 = 15")
	for _, tt := range []struct {
		n    int
		want time.Duration
	}{
		{0, 200 * time.Millisecond},
		{1, 600 * time.Millisecond},
		{3, 3 * time.Second}, // tcp_retries1
		{8, 102_200 * time.Millisecond},
		{9, 204_600 * time.Millisecond},
		{10, 324_600 * time.Millisecond},
		{15, 924_600 * time.Millisecond},
		{20, 1_524_600 * time.Millisecond},
	} {
		assert.Equal(t, tt.want, tcpModelTimeout(tt.n), "model, n = %d", tt.n)
		assert.Equal(t, tt.want, linuxRetriesTimeout(tt.n), "n = %d", tt.n)
	}
}

// expectRetransmissionsUntilAbort expects data retransmitted at every RTO
// expiry from sent on (RTO rto, doubling up to 120 s) until the expiry at
// which at least limit has passed since sent, where the connection is
// dropped with ETIMEDOUT and nothing is sent. It returns the number of
// retransmissions and the time of the abort.
func expectRetransmissionsUntilAbort(h *harness, data seg, sent sim.Time, rto, limit time.Duration) (int, sim.Time) {
	h.t.Helper()
	data.labels = trace.LabelRetransmission
	at := sent
	n := 0
	for {
		at = at.Add(rto)
		rto = min(2*rto, 120*time.Second)
		h.expectNothing(at - 1)
		if at.Sub(sent) >= limit {
			break
		}
		h.expect(at, data)
		n++
	}
	require.Equal(h.t, StateEstablished, h.conn.State(), "just before %v", at)
	h.expectNothing(at)
	assert.Equal(h.t, StateClosed, h.conn.State(), "at %v", at)
	assert.ErrorIs(h.t, h.conn.Err(), ErrTimedOut)
	h.expectNothing(at.Add(time.Hour))
	return n, at
}

func TestProfile_LinuxDataGivesUpByTime(t *testing.T) {
	// RTO 250 ms: Linux's tcp_set_rto is SRTT + max(4·RTTVAR, TCP_RTO_MIN)
	// = 50 + max(100, 200) ms. The segment first went at 100 ms; the
	// expiries fall 0.25·(2^k − 1) s after it for k ≤ 9 (127.75 s), then
	// every 120 s: 247.75, …, 847.75, 967.75 s. The first at or past 924.6 s
	// (retransmits_timed_out) is the 16th: 15 retransmissions.
	h := newEstablishedCfg(t, linuxConfig(t))
	h.write(ms(100), 100)
	data := seg{seq: 101, ack: 301, flags: psh, len: 100}
	h.expect(ms(100), data)
	require.Equal(t, 250*time.Millisecond, h.conn.rto())
	n, at := expectRetransmissionsUntilAbort(h, data, ms(100), 250*time.Millisecond, linuxRetriesTimeout(15))
	assert.Equal(t, 15, n)
	assert.Equal(t, ms(967_850), at)
}

func TestProfile_LinuxDataGivesUpByTimeNotCount(t *testing.T) {
	// An RTT of 300 ms makes the RTO 300 + 4·150 = 900 ms (Linux: 300 +
	// max(4·150, 200) — the same). Expiries after the first transmission:
	// 0.9, 2.7, 6.3, 13.5, 27.9, 56.7, 114.3, 229.5 s, then every 120 s:
	// 349.5, …, 829.5, 949.5 s. The first at or past 924.6 s is the 14th:
	// 13 retransmissions, not 15.
	h := newSynSent(t, linuxConfig(t))
	h.send(ms(300), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460})
	h.expect(ms(300), seg{seq: 101, ack: 301, flags: ack})
	require.Equal(t, 900*time.Millisecond, h.conn.rto())
	h.write(ms(400), 100)
	data := seg{seq: 101, ack: 301, flags: psh, len: 100}
	h.expect(ms(400), data)
	n, at := expectRetransmissionsUntilAbort(h, data, ms(400), 900*time.Millisecond, linuxRetriesTimeout(15))
	assert.Equal(t, 13, n)
	assert.Equal(t, ms(400+949_500), at)
}

func TestProfile_LinuxRetryBudgetCountsFromTheFirstRetransmission(t *testing.T) {
	// tcp_retries2 = 1: tcp_model_timeout gives 0.6 s, counted from
	// retrans_stamp, the first retransmission (net/ipv4/tcp_timer.c,
	// retransmits_timed_out), and tested when the RTO fires. RTO 250 ms:
	// the segment (100 ms) is resent at 350 and 850 ms (0.5 s after the
	// first resend: within the budget); the timeout at 1850 ms, 1.5 s after
	// it, aborts. Counted from the first transmission, 850 ms would have.
	cfg := linuxConfig(t)
	cfg.Retries = 1
	h := newEstablishedCfg(t, cfg)
	h.write(ms(100), 100)
	data := seg{seq: 101, ack: 301, flags: psh, len: 100}
	h.expect(ms(100), data)
	data.labels = trace.LabelRetransmission
	h.expect(ms(350), data)
	h.expect(ms(850), data)
	h.expectNothing(ms(1849))
	require.Equal(t, StateEstablished, h.conn.State())
	h.expectNothing(ms(1850))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrTimedOut)
}

func TestProfile_LinuxRetryBudgetNotStartedByAProbe(t *testing.T) {
	// With SACK the first resend is a tail loss probe (350 ms); it does not
	// set retrans_stamp (tcp_send_loss_probe calls __tcp_retransmit_skb).
	// The RTO's resends at 600 and 1100 ms do; 2100 ms is 1.5 s after the
	// first of them: the connection is dropped there.
	cfg := linuxConfig(t)
	cfg.Retries = 1
	h := newLinuxEstablished(t, cfg, true, true)
	h.write(ms(100), 100)
	data := seg{seq: sseq(0), ack: remoteISS + 1, flags: psh, len: 100}
	h.expect(ms(100), data)
	h.expect(ms(350), tlp(data, true))
	data.labels = trace.LabelRetransmission
	h.expect(ms(600), data)
	h.expect(ms(1100), data)
	h.expectNothing(ms(2099))
	require.Equal(t, StateEstablished, h.conn.State())
	h.expectNothing(ms(2100))
	assert.Equal(t, StateClosed, h.conn.State())
}
