package tcp

// Linux's RTT samples (rttsample.go): every ACK of data sent once gives
// one, measured from the oldest segment it acknowledges in full
// (tcp_clean_rtx_queue's first_ackt → seq_rtt_us → tcp_rtt_estimator); and
// the RTO is kept in whole jiffies before a backoff doubles it
// (__tcp_set_rto's usecs_to_jiffies).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

func TestRTTSample_LinuxEveryACKFromTheOldestAcked(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.NoDelay = true
	h := newEstablishedCfg(t, cfg)
	// The handshake gave the first sample: 50 ms.
	require.Equal(t, 50*time.Millisecond, h.conn.rtt.srtt)
	want := h.conn.rtt
	// A [101, 201) goes at 100 ms, B [201, 301) at 120 ms, while A is
	// outstanding.
	h.write(ms(100), 100)
	h.write(ms(120), 100)
	// A is acknowledged at 150 ms: 50 ms.
	h.send(ms(150), seg{seq: 301, ack: 201, flags: ack})
	want.sample(50 * time.Millisecond)
	assert.Equal(t, want.srtt, h.conn.rtt.srtt)
	// B at 220 ms: 100 ms since it went. RFC 6298's one timed segment
	// (A) gives no sample here: B went while A was being timed.
	h.send(ms(220), seg{seq: 301, ack: 301, flags: ack})
	want.sample(100 * time.Millisecond)
	assert.Equal(t, want.srtt, h.conn.rtt.srtt)
	assert.Equal(t, 56250*time.Microsecond, h.conn.rtt.srtt) // (7·50 + 100) / 8
}

func TestRTTSample_LinuxOneACKForTwoSegmentsMeasuresTheOlder(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.NoDelay = true
	h := newEstablishedCfg(t, cfg)
	want := h.conn.rtt
	// A at 100 ms, B at 130 ms; the peer acknowledges both at 180 ms (it
	// delayed its ACK of A): the sample is A's 80 ms, not B's 50.
	h.write(ms(100), 100)
	h.write(ms(130), 100)
	h.send(ms(180), seg{seq: 301, ack: 301, flags: ack})
	want.sample(80 * time.Millisecond)
	assert.Equal(t, want.srtt, h.conn.rtt.srtt)
}

func TestRTTSample_RFCTimesOneSegment(t *testing.T) {
	cfg := testConfig()
	cfg.NoDelay = true
	h := newEstablishedCfg(t, cfg)
	want := h.conn.rtt
	h.write(ms(100), 100)
	h.write(ms(120), 100)
	h.send(ms(150), seg{seq: 301, ack: 201, flags: ack})
	h.send(ms(220), seg{seq: 301, ack: 301, flags: ack})
	want.sample(50 * time.Millisecond) // A only
	assert.Equal(t, want.srtt, h.conn.rtt.srtt)
}

// The RTO in jiffies: on Linux 6.18 (HZ=250) a 40 ms path whose receiver
// ACKs every other segment had SRTT ≈ 46 ms, RTO 246 ms = 62 jiffies, and
// its zero-window probes after answers went 2·62, 4·62, 8·62 jiffies later
// (plus the timer wheel's rounding), not 2·246 ms rounded.
func TestRTTSample_LinuxRTOInWholeJiffies(t *testing.T) {
	e := newRTTEstimator(time.Second, 200*time.Millisecond, 120*time.Second, linuxPolicy{})
	e.sample(44840 * time.Microsecond) // RTO 244.84 ms
	assert.Equal(t, 244840*time.Microsecond, e.backedOff(0))
	assert.Equal(t, 489680*time.Microsecond, e.backedOff(1))
	e.tick = tickOf(250)
	assert.Equal(t, 248*time.Millisecond, e.backedOff(0)) // 62 jiffies
	assert.Equal(t, 496*time.Millisecond, e.backedOff(1)) // 124
	assert.Equal(t, 992*time.Millisecond, e.backedOff(2)) // 248

	// A host of the linux profile keeps it so; one of the rfc profile
	// with ticking timers does not.
	cfg := linuxConfig(t)
	cfg.TimerHZ = 250
	h := newEstablishedCfg(t, cfg)
	assert.Equal(t, 4*time.Millisecond, h.conn.rtt.tick)
	rc := testConfig()
	rc.TimerHZ = 250
	assert.Zero(t, newEstablishedCfg(t, rc).conn.rtt.tick)
}

// The log drops acknowledged segments from the front and keeps the rest in
// order through its compactions.
func TestXmitLog_AckedInOrderThroughCompaction(t *testing.T) {
	var l xmitLog
	for i := range 1000 {
		l.sent(wire.Seq(100*(i+1)), sim.Time(i))
	}
	l.sent(wire.Seq(500), 5000) // sent again: keeps its first time
	for i := 0; i < 1000; i += 10 {
		at, ok := l.acked(wire.Seq(100*(i+10)) + 50) // ten in full, the next in part
		require.True(t, ok)
		assert.Equal(t, sim.Time(i), at, "the oldest of the ten")
	}
	_, ok := l.acked(wire.Seq(100_050))
	assert.False(t, ok)
	assert.LessOrEqual(t, len(l.ents)-l.head, 1)
}
