package tcp

// The timer wheel (timer.go, wheelExpiry): Linux's kernel/time/timer.c
// (calc_wheel_index, calc_index) rounds a timer's expiry up to its level's
// granularity. At HZ=250, checked against tcpsim kernel: a 300 ms RTO
// fired 312–320 ms after its segment (lost-ack, link-outage), the keepalive
// probes of failover 5.10–5.12 s apart for an interval of 5 s.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

func TestTimerWheel_Expiry(t *testing.T) {
	s := func(sec float64) sim.Time { return sim.Time(sec * float64(time.Second)) }
	for _, tt := range []struct {
		name    string
		hz      int
		now, at sim.Time
		want    sim.Time
	}{
		{"level 0: a jiffy late, 40 ms delayed ACK", 250, 0, ms(40), ms(44)},
		{"level 0: whole jiffies from the current one", 250, ms(1), ms(41), ms(44)},
		{"level 0: due now fires at the next tick", 250, ms(5), ms(5), ms(8)},
		{"level 1 (32 ms): a 1 s RTO", 250, 0, s(1), s(1.024)},
		{"level 1: the next 1 s later", 250, s(1.024), s(2.024), s(2.048)},
		{"level 1: and the next", 250, s(2.048), s(3.048), s(3.072)},
		{"level 1: 300 ms", 250, ms(100), ms(400), ms(416)},
		{"level 2 (256 ms): 4 s", 250, 0, s(4), s(4.096)},
		{"level 3 (2.048 s): TIME-WAIT's 60 s", 250, 0, s(60), s(61.44)},
		{"level 5 (131 s): keepalive's 2 h", 250, 0, s(7200), s(7208.96)},
		{"HZ=1000, level 1 (8 ms): 200 ms", 1000, 0, ms(200), ms(208)},
		{"HZ=1000, level 0: 40 ms", 1000, 0, ms(40), ms(41)},
		{"HZ=100, level 0 (10 ms): 40 ms", 100, ms(3), ms(43), ms(50)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, wheelExpiry(tt.now, tt.at, tt.hz))
		})
	}
	// Never early, and late by less than the level's granularity (plus the
	// tick the expiry is rounded up to), for delays across the levels.
	for d := time.Millisecond; d < 24*time.Hour; d = d*3/2 + time.Millisecond {
		for _, now := range []sim.Time{0, ms(1), ms(3), ms(997)} {
			got := wheelExpiry(now, now.Add(d), 250)
			require.GreaterOrEqual(t, got, now.Add(d), "never early: %v after %v", d, now)
			require.Less(t, got.Sub(now.Add(d)), d/7+8*time.Millisecond, "%v after %v fired at %v", d, now, got)
		}
	}
}

func TestTimerWheel_LinuxSYNRetries(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.TimerHZ = 250
	h := newSynSent(t, cfg)
	// The SYN's retransmissions, 1 s apart for the first five, then
	// doubling (tcp_syn_linear_timeouts), each rounded up by the wheel: a
	// 1 s timer at level 1 (32 ms buckets), 2 s also, 4, 8 and 16 s at
	// level 2 (256 ms buckets, up to 4032 jiffies).
	syn := seg{seq: localISS, flags: wire.SYN, labels: trace.LabelRetransmission}
	for _, at := range []sim.Time{ms(1024), ms(2048), ms(3072), ms(4096), ms(5120), ms(7136), ms(11264), ms(19456), ms(35584)} {
		h.expectNothing(at - 1)
		h.expect(at, syn)
	}
}

func TestTimerWheel_LinuxDelayedACK(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.TimerHZ = 250
	h := newEstablishedCfg(t, cfg)
	h.autoRead = false
	// Data at 101 ms: jiffy 25. Quick-ack mode ACKs it at once.
	h.send(ms(101), seg{seq: 301, ack: 101, flags: ack, len: 100})
	h.expect(ms(101), seg{seq: 101, ack: 401, flags: ack})
	// The next segment's ACK waits ato: 40 ms = 10 jiffies from jiffy 25,
	// a level-0 timer, which fires one jiffy after: at jiffy 36, 144 ms.
	h.host.cfg.QuickACKs = 0
	h.conn.acks.(*linuxACKs).quick = 0
	h.send(ms(101), seg{seq: 401, ack: 101, flags: ack, len: 100})
	h.expectNothing(ms(143))
	h.expect(ms(144), seg{seq: 101, ack: 501, flags: ack, labels: trace.LabelDelayedACK})
}
