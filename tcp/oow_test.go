package tcp

// Out-of-window ACK rate limit under the linux policy: tcp_validate_incoming
// (net/ipv4/tcp_input.c) answers a segment outside the window with a
// duplicate ACK only if tcp_oow_rate_limited allows it: not within
// tcp_invalid_ratelimit (500 ms) of the last such ACK, for segments without
// data (a zero-window or keepalive probe is one); segments with data are
// always answered. Checked against tcpsim kernel zero-window on Linux 6.18:
// the probe 488 ms after an answered one went unanswered.

import (
	"testing"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// keepaliveFrom is the peer's keepalive probe: SEQ = RCV.NXT − 1, no data,
// out of our window.
func keepaliveFrom() seg { return seg{seq: 300, ack: 101, flags: ack} }

func TestOOWRateLimit_LinuxAnswersOneProbeIn500ms(t *testing.T) {
	h := newEstablishedCfg(t, linuxConfig(t))
	answer := seg{seq: 101, ack: 301, flags: ack, labels: trace.LabelKeepaliveACK}
	h.send(ms(1000), keepaliveFrom())
	h.expect(ms(1000), answer)
	// 488 ms later: within 500 ms of the last out-of-window ACK: no answer.
	h.send(ms(1488), keepaliveFrom())
	h.expectNothing(ms(1488))
	// 500 ms after the last answer, one goes again.
	h.send(ms(1500), keepaliveFrom())
	h.expect(ms(1500), answer)
	// A segment whose data was all received before is always answered.
	h.send(ms(1600), seg{seq: 201, ack: 101, flags: psh, len: 100})
	h.expect(ms(1600), seg{seq: 101, ack: 301, flags: ack, labels: trace.LabelACKOfDuplicate})
}

func TestOOWRateLimit_RFCAnswersEveryProbe(t *testing.T) {
	h := newEstablished(t)
	answer := seg{seq: 101, ack: 301, flags: ack, labels: trace.LabelKeepaliveACK}
	h.send(ms(1000), keepaliveFrom())
	h.expect(ms(1000), answer)
	h.send(ms(1010), keepaliveFrom())
	h.expect(ms(1010), answer)
}

func TestOOWRateLimit_LinuxChallengeACKsShareTheLimit(t *testing.T) {
	h := newEstablishedCfg(t, linuxConfig(t))
	h.send(ms(1000), keepaliveFrom())
	h.expect(ms(1000), seg{seq: 101, ack: 301, flags: ack, labels: trace.LabelKeepaliveACK})
	// A SYN in the window gets a challenge ACK (RFC 5961 §4), but not
	// within 500 ms of the last out-of-window ACK (tcp_send_challenge_ack).
	h.send(ms(1200), seg{seq: 301, flags: wire.SYN})
	h.expectNothing(ms(1200))
	h.send(ms(1600), seg{seq: 301, flags: wire.SYN})
	h.expect(ms(1600), seg{seq: 101, ack: 301, flags: ack})
}
