package tcp

// The persist timer and zero-window probes: RFC 9293 §3.8.6.1 ("The
// transmitting host SHOULD send the first zero-window probe when a zero
// window has existed for the retransmission timeout period (SHLD-29) ...
// and SHOULD increase exponentially the interval between successive probes
// (SHLD-30)"; a probe carries new data) and RFC 1122 §4.2.2.17 ("As long as
// the receiving TCP continues to send acknowledgments in response to the
// probe segments, the sending TCP MUST allow the connection to stay open").
// Linux: tcp_send_probe0 / tcp_probe0_when (the same backoff, capped at
// TCP_RTO_MAX), tcp_xmit_probe_skb (a zero-length probe at SND.UNA−1) and
// tcp_probe_timer (gives up after tcp_retries2 unanswered probes with
// tcp_write_err: ETIMEDOUT, and no RST).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// newZeroWindow returns a connection stalled on a zero window: 100 bytes
// [101, 201) went at 100 ms; 200 more [201, 401) were written at 110 ms and
// held by Nagle; at 150 ms the peer acknowledged the 100 with a window of 0.
// Nothing is in flight, so only the persist timer can find out when the
// window opens. The RTO is 1 s (RTT 50 ms, RFC 6298 (2.4) floor), so the
// first probe is due at 1150 ms.
func newZeroWindow(t *testing.T, cfg Config, pol ...policy) *harness {
	t.Helper()
	h := newEstablishedCfg(t, cfg, pol...)
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	h.write(ms(110), 200)
	h.expectNothing(ms(110))
	h.send(ms(150), seg{seq: 301, ack: 201, flags: ack, zeroWin: true})
	h.expectNothing(ms(150))
	return h
}

// oldSeqProbes is the rfc policy with Linux's probe form.
var oldSeqProbes = mixedPolicy{linuxProbes: true}

// rfcProbe is RFC 9293 §3.8.6.1's probe: the next byte of new data, at
// SND.NXT = 201, without moving SND.NXT.
func rfcProbe(n int32) seg {
	return seg{seq: 201, ack: 301, flags: ack, len: 1, labels: trace.LabelZeroWindowProbe, n: n}
}

// oldSeqProbe is Linux's probe (tcp_xmit_probe_skb): no data, SEQ =
// SND.UNA−1 = 200, a sequence number the peer has already acknowledged, so
// it must answer with an ACK.
func oldSeqProbe(n int32) seg {
	return seg{seq: 200, ack: 301, flags: ack, labels: trace.LabelZeroWindowProbe, n: n}
}

// probeAnswer is the peer's ACK with its window still closed; it refuses
// the probe's byte (RFC 9293 §3.8.6.1: "it must still send an
// acknowledgment showing its next expected sequence number and current
// window (zero)").
var probeAnswer = seg{seq: 301, ack: 201, flags: ack, zeroWin: true}

func TestPersist_FixtureSanity(t *testing.T) {
	h := newZeroWindow(t, testConfig())
	assert.Equal(t, StateEstablished, h.conn.State())
	assert.Equal(t, uint32(0), h.conn.sndWnd)
	var persist []string
	for _, r := range h.log.Records {
		if r.Kind == trace.KindTimer && r.Timer == trace.TimerPersist {
			persist = append(persist, r.TimerOp.String()+"@"+r.T.String()+"→"+r.At.String())
		}
	}
	// The timer starts when the window closes with data waiting: one RTO.
	assert.Equal(t, []string{"set@" + ms(150).String() + "→" + ms(1150).String()}, persist)
}

func TestPersist_ProbesBackOffToRTOMaxThenGiveUp(t *testing.T) {
	h := newZeroWindow(t, testConfig())
	require.Equal(t, 15, h.host.cfg.Retries)
	// The peer is silent. The first probe after one RTO (1 s), then the
	// interval doubles, up to RTOMax (60 s): 1150, 3150, 7150, 15150, 31150,
	// 63150, then every 60 s up to the 15th at 603150 ms. Each is the byte
	// at SND.NXT, numbered 1, 2, 3, …
	at := ms(150)
	interval := time.Second
	for n := int32(1); n <= 15; n++ {
		at = at.Add(interval)
		h.expectNothing(at - 1)
		h.expect(at, rfcProbe(n))
		interval = min(2*interval, 60*time.Second)
	}
	assert.Equal(t, ms(603_150), at)
	// The timer's 16th expiry, 60 s later, gives up: ETIMEDOUT after Retries
	// unanswered probes (as Linux's tcp_probe_timer), no RST in this profile.
	h.expectNothing(ms(663_150 - 1))
	assert.Equal(t, StateEstablished, h.conn.State())
	h.expectNothing(ms(663_150))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrTimedOut)
	assert.Equal(t, []Event{EventEstablished, EventAborted}, h.lifecycle())
	h.expectNothing(ms(2_000_000))
}

func TestPersist_UnansweredProbesGiveUpAfterRetries(t *testing.T) {
	// Retries 3: probes at 1150, 3150 and 7150 ms; the expiry at 15150 ms is
	// one too many. A policy that resets on the abort (neither profile's:
	// BSD's tcp_drop does) sends <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>
	// first (as tcp_send_active_reset builds it).
	tests := []struct {
		name        string
		probeOldSeq bool
		rst         bool
		probe       func(int32) seg
	}{
		{"rfc probe", false, false, rfcProbe},
		{"rfc probe, reset on abort", false, true, rfcProbe},
		{"old-seq probe", true, false, oldSeqProbe},
		{"old-seq probe, reset on abort", true, true, oldSeqProbe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Retries = 3
			h := newZeroWindow(t, cfg, mixedPolicy{linuxProbes: tt.probeOldSeq, probeAbortRST: tt.rst})
			for n, at := range []int64{1150, 3150, 7150} {
				h.expectNothing(ms(at - 1))
				h.expect(ms(at), tt.probe(int32(n+1)))
			}
			h.expectNothing(ms(15_149))
			assert.Equal(t, StateEstablished, h.conn.State())
			if tt.rst {
				h.expect(ms(15_150), seg{seq: 201, ack: 301, flags: wire.RST | wire.ACK})
			} else {
				h.expectNothing(ms(15_150))
			}
			assert.Equal(t, StateClosed, h.conn.State())
			assert.ErrorIs(t, h.conn.Err(), ErrTimedOut)
			assert.Empty(t, h.host.Conns())
			h.expectNothing(ms(1_000_000))
		})
	}
}

func TestPersist_AnsweredProbesNeverAbort(t *testing.T) {
	// RFC 1122 §4.2.2.17: the peer answers every probe, its window still 0:
	// the connection stays open however many probes go (here 12, with
	// Retries 3), the interval staying at RTOMax (60 s). Each answer
	// acknowledges the probes, so each probe is the first unanswered one:
	// N = 1 (the count Linux keeps in icsk_probes_out).
	tests := []struct {
		name  string
		pol   policy
		probe func(int32) seg
	}{
		{"rfc probe", rfcPolicy{}, rfcProbe},
		{"old-seq probe", oldSeqProbes, oldSeqProbe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Retries = 3
			h := newZeroWindow(t, cfg, tt.pol)
			// The answer comes back at once, so the probe interval is the same
			// whether counted from the probe (BSD) or the answer (Linux's
			// tcp_ack_probe).
			times := []int64{1150, 3150, 7150, 15_150, 31_150, 63_150, 123_150, 183_150, 243_150, 303_150, 363_150, 423_150}
			for i, at := range times {
				h.expectNothing(ms(at - 1))
				h.expect(ms(at), tt.probe(int32(i+1))) // numbered through the stall
				h.send(ms(at), probeAnswer)
				h.expectNothing(ms(at))
			}
			assert.Equal(t, StateEstablished, h.conn.State())
			assert.NoError(t, h.conn.Err())
			// RFC 5681 §2: the answers are not duplicate ACKs; no fast
			// retransmission came of them.
			assert.Equal(t, 0, h.recovery().dupAcks)
			assert.False(t, h.recovery().recovering)
			// The window opens: the 200 bytes go, and the probes stop.
			h.send(ms(430_000), seg{seq: 301, ack: 201, flags: ack, win: 65535})
			h.expect(ms(430_000), seg{seq: 201, ack: 301, flags: psh, len: 200})
			h.send(ms(430_050), seg{seq: 301, ack: 401, flags: ack})
			h.expectNothing(ms(2_000_000))
			assert.Equal(t, StateEstablished, h.conn.State())
		})
	}
}

func TestPersist_ProbeAnswersAreNotDuplicateACKs(t *testing.T) {
	// After an RFC probe, its byte [201, 202) is outstanding, so repeated
	// answers <ACK=201, WND=0> would pass for duplicate ACKs by the letter
	// of RFC 5681 §2. They answer a window probe while the window is closed
	// (BSD counts duplicates only while the retransmission timer runs):
	// four of them start no fast retransmit, and probing goes on.
	h := newZeroWindow(t, testConfig())
	h.expect(ms(1150), rfcProbe(1))
	for i := range int64(4) {
		h.send(ms(1160+10*i), probeAnswer)
	}
	h.expectNothing(ms(3149))
	assert.Equal(t, 0, h.recovery().dupAcks)
	assert.False(t, h.recovery().recovering)
	h.expect(ms(3150), rfcProbe(2))
}

func TestPersist_WindowUpdateAfterProbeBytesTaken(t *testing.T) {
	h := newZeroWindow(t, testConfig())
	h.expect(ms(1150), rfcProbe(1))
	// The peer takes the probe's byte but its window is 0 again: SND.UNA
	// moves to 202 and probing goes on from there, on the same backoff.
	h.send(ms(1150), seg{seq: 301, ack: 202, flags: ack, zeroWin: true})
	h.expectNothing(ms(3149))
	h.expect(ms(3150), seg{seq: 202, ack: 301, flags: ack, len: 1, labels: trace.LabelZeroWindowProbe, n: 2})
	// It takes that byte too, and its window opens: the rest, [203, 401),
	// 198 bytes, goes (the accepted bytes are not sent again). It is new
	// data: no label.
	h.send(ms(3150), seg{seq: 301, ack: 203, flags: ack, win: 65535})
	h.expect(ms(3150), seg{seq: 203, ack: 301, flags: psh, len: 198, noLabels: true})
	h.send(ms(3200), seg{seq: 301, ack: 401, flags: ack})
	h.expectNothing(ms(1_000_000))
	assert.Equal(t, StateEstablished, h.conn.State())
}

func TestPersist_WindowUpdateAfterProbeByteRefused(t *testing.T) {
	h := newZeroWindow(t, testConfig())
	h.expect(ms(1150), rfcProbe(1))
	h.send(ms(1150), probeAnswer)
	// The window opens, the probe's byte not taken: everything from SND.UNA
	// = 201 goes, at once. Only its first byte went before, as a sample in
	// a probe: it is sent as the data it is, labelled so, and not counted
	// as a retransmission (BSD counts it, tcps_sndrexmitpack, SND.NXT <
	// SND.MAX; Wireshark does not, since its issue 15427). It is timed for
	// the RTT no more than a retransmission would be (Karn).
	h.send(ms(2000), seg{seq: 301, ack: 201, flags: ack, win: 65535})
	h.expect(ms(2000), seg{seq: 201, ack: 301, flags: psh, len: 200, labels: trace.LabelProbeByteResent})
	assert.Zero(t, h.conn.retransmits)
	h.send(ms(2050), seg{seq: 301, ack: 401, flags: ack})
	h.expectNothing(ms(2999))
	// Later data is plain new data again.
	h.write(ms(3000), 10)
	h.expect(ms(3000), seg{seq: 401, ack: 301, flags: psh, len: 10, noLabels: true})
}

// A real retransmission of data that was sent as data is still one, even
// when a probe's byte follows it.
func TestPersist_RetransmissionBeforeTheProbeByteIsOne(t *testing.T) {
	h := newZeroWindow(t, testConfig())
	h.expect(ms(1150), rfcProbe(1))
	h.send(ms(1150), probeAnswer)
	assert.False(t, h.conn.isProbeByteResent(101, 100, notProbe), "[101, 201) went as data")
	assert.True(t, h.conn.isRetransmission(101, 100, ack, notProbe))
	assert.True(t, h.conn.isProbeByteResent(201, 200, notProbe))
	assert.False(t, h.conn.isRetransmission(201, 200, ack, notProbe))
}

func TestPersist_BackoffStartsAgainAfterTheWindowOpens(t *testing.T) {
	h := newZeroWindow(t, testConfig(), oldSeqProbes)
	h.expect(ms(1150), oldSeqProbe(1))
	h.expect(ms(3150), oldSeqProbe(2))
	h.send(ms(3200), seg{seq: 301, ack: 201, flags: ack, win: 65535})
	h.expect(ms(3200), seg{seq: 201, ack: 301, flags: psh, len: 200, noLabels: true})
	// Everything acknowledged, the window closed again; then the
	// application writes. A new zero-window episode: the first probe one RTO
	// (1 s) later, not 4 s (Linux's tcp_ack_probe clears icsk_backoff when
	// the window opens).
	h.send(ms(3250), seg{seq: 301, ack: 401, flags: ack, zeroWin: true})
	h.write(ms(3300), 100)
	h.expectNothing(ms(4299))
	h.expect(ms(4300), seg{seq: 400, ack: 301, flags: ack, labels: trace.LabelZeroWindowProbe, n: 1})
	h.expectNothing(ms(6299))
	h.expect(ms(6300), seg{seq: 400, ack: 301, flags: ack, labels: trace.LabelZeroWindowProbe, n: 2})
}

func TestPersist_LinuxProfileGivesUpWithoutRST(t *testing.T) {
	h := newZeroWindow(t, linuxConfig(t))
	// RTO 250 ms (tcp_set_rto: SRTT + max(4·RTTVAR, TCP_RTO_MIN) = 50 +
	// 200): probes at 150 ms + 250·(2^k − 1) ms for k = 1…9, then every
	// TCP_RTO_MAX (120 s); tcp_retries2 = 15 probes.
	require.Equal(t, 250*time.Millisecond, h.conn.rto())
	at := ms(150)
	interval := 250 * time.Millisecond
	for n := int32(1); n <= 15; n++ {
		at = at.Add(interval)
		h.expectNothing(at - 1)
		h.expect(at, oldSeqProbe(n))
		interval = min(2*interval, 120*time.Second)
	}
	assert.Equal(t, ms(847_900), at)
	h.expectNothing(ms(967_900 - 1))
	assert.Equal(t, StateEstablished, h.conn.State())
	h.expectNothing(ms(967_900)) // tcp_write_err: nothing on the wire
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrTimedOut)
}

// RFC 1122 §4.2.3.4 / RFC 9293 §3.8.6.2.1 (4): the window is open but too
// small for the sender's silly-window rules and nothing is in flight, so no
// ACK will come: when the override timer (the persist timer, one RTO)
// fires, the data that fits goes.
func TestPersist_SillyWindowOverride(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 2920)
	h.expect(ms(100),
		seg{seq: 101, ack: 301, flags: ack, len: 1460},
		seg{seq: 1561, ack: 301, flags: psh, len: 1460})
	// Everything is acknowledged, but the window has shrunk to 500 bytes
	// (below half the largest window offered, 65535): nothing may go.
	h.write(ms(140), 1000)
	h.send(ms(150), seg{seq: 301, ack: 3021, flags: ack, win: 500})
	h.expectNothing(ms(1149))
	// One RTO later (1 s) the 500 bytes that fit go anyway.
	h.expect(ms(1150), seg{seq: 3021, ack: 301, flags: ack, len: 500})
	h.send(ms(1200), seg{seq: 301, ack: 3521, flags: ack, win: 65535})
	h.expect(ms(1200), seg{seq: 3521, ack: 301, flags: psh, len: 500})
}

// Linux times each zero-window probe from the answer to the one before, not
// from the probe: tcp_ack (no_queue: nothing was in flight) calls
// tcp_ack_probe, which, the send head still not fitting the window, arms
// the probe timer again for tcp_probe0_when = max(RTO, TCP_RTO_MIN) <<
// icsk_backoff from the answer's arrival. On Linux 6.18 (tcpsim kernel
// zero-window) the second probe left 512 ms (by its TSval) after the answer
// to the first arrived, with RTO 248 ms: 2·RTO plus the timer wheel's
// rounding, where counting from the probe would give 2·RTO − RTT. The rfc
// policy (RFC 9293 §3.8.6.1, BSD's tcp_timer_persist) counts from the probe.
func TestPersist_LinuxTimesProbesFromTheirAnswers(t *testing.T) {
	// The RTO is 250 ms under both (tcp_set_rto); the window closed at 150
	// ms, so the first probe goes at 400 ms. Each answer comes 50 ms after
	// its probe.
	tests := []struct {
		name  string
		pol   policy
		times []int64
	}{
		// From the answers: 450 + 500, 1000 + 1000, 2050 + 2000.
		{"linux", linuxPolicy{}, []int64{400, 950, 2000, 4050}},
		// From the probes: 400 + 500, 900 + 1000, 1900 + 2000.
		{"rfc timing, old-seq probe", mixedPolicy{linuxProbes: true, linuxRTO: true}, []int64{400, 900, 1900, 3900}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := linuxConfig(t)
			if tt.pol != (linuxPolicy{}) {
				// The rfc policy's windows with Linux's RTO floor, for
				// the same 250 ms.
				cfg = testConfig()
				cfg.RTOMin = 200 * time.Millisecond
			}
			h := newZeroWindow(t, cfg, tt.pol)
			require.Equal(t, 250*time.Millisecond, h.conn.rto())
			for i, at := range tt.times {
				h.expectNothing(ms(at - 1))
				h.expect(ms(at), oldSeqProbe(int32(i+1)))
				h.send(ms(at+50), probeAnswer)
				h.expectNothing(ms(at + 50))
			}
			// The window opens: the data goes, and the timer stops.
			last := tt.times[len(tt.times)-1] + 100
			h.send(ms(last), seg{seq: 301, ack: 201, flags: ack, win: 65535})
			h.expect(ms(last), seg{seq: 201, ack: 301, flags: psh, len: 200})
			assert.False(t, h.conn.timerOn(trace.TimerPersist))
		})
	}
}

// An ACK that opens the window for less than the next segment is no
// reason to send (the segment does not fit: tcp_ack_probe's test) and
// re-arms the probe timer from its arrival with the backoff reached, as
// the answer to a probe does.
func TestPersist_LinuxWindowTooSmallForTheHeadRearms(t *testing.T) {
	h := newZeroWindow(t, linuxConfig(t))
	h.expect(ms(400), oldSeqProbe(1))
	h.send(ms(450), probeAnswer)
	// At 700 ms the window opens to 100 bytes: the 200 held do not fit.
	h.send(ms(700), seg{seq: 301, ack: 201, flags: ack, win: 100})
	var at []string
	for _, r := range h.log.Records {
		if r.Kind == trace.KindTimer && r.Timer == trace.TimerPersist && r.TimerOp == trace.TimerSet {
			at = append(at, r.T.String()+"→"+r.At.String())
		}
	}
	assert.Equal(t, []string{
		ms(150).String() + "→" + ms(400).String(),  // the window closed: one RTO
		ms(400).String() + "→" + ms(900).String(),  // the probe: 2·RTO (tcp_send_probe0)
		ms(450).String() + "→" + ms(950).String(),  // its answer (tcp_ack_probe)
		ms(700).String() + "→" + ms(1200).String(), // the small window (tcp_ack_probe)
	}, at)
}
