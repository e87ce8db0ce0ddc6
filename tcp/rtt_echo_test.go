package tcp

// An RTT sample from the echoed timestamp when the ACK covers data sent
// twice (retransmit.go, sampleEchoedRTT): Linux's tcp_ack_update_rtt
// falls back to tcp_rtt_tsopt_us, and the valid sample collapses the
// backed-off RTO. Linux 6.18's link-outage shows it: after the outage
// the next loss is timed out from the base RTO again.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// echoAfterRTO: a segment at 100 ms, its RTO at 350 ms (50 ms RTT: 250
// ms), and the peer's ACK at 400 ms echoing the retransmission's TSval;
// then a second segment at 500 ms, whose RTO is returned.
func echoAfterRTO(t *testing.T, pol policy) (tsHarness, sim.Time) {
	t.Helper()
	h := newLinuxEstablished(t, linuxConfig(t), false, true) // no SACK: no tail loss probe
	h.setPolicy(pol)
	first := sdata(0)
	first.len, first.flags = 1000, psh
	h.write(ms(100), 1000)
	h.expect(ms(100), first)
	h.expectNothing(ms(349))
	h.expect(ms(350), retx(first, 0))
	h.sendOpt(ms(400), seg{seq: remoteISS + 1, ack: sseq(0) + 1000, flags: ack}, h.peerOpt(ms(400), h.tsval(ms(350))))
	h.write(ms(500), 1000)
	return h, h.conn.timers.at[trace.TimerRetransmission]
}

func TestRTT_LinuxSamplesTheEchoOfARetransmission(t *testing.T) {
	h, rto := echoAfterRTO(t, linuxPolicy{})
	// The echo gives 50 ms: the backoff is over, the RTO 250 ms again.
	assert.Equal(t, 0, h.conn.backoff)
	assert.Equal(t, 50*time.Millisecond, h.conn.rtt.srtt)
	assert.Equal(t, ms(750), rto)
}

func TestRTT_KarnKeepsTheBackoffWithoutASample(t *testing.T) {
	// The rfc rule (RFC 6298 §5, Karn): no sample from data sent twice, so
	// the doubled RTO stays until a segment sent once is timed.
	h, rto := echoAfterRTO(t, mixedPolicy{})
	assert.Equal(t, 1, h.conn.backoff)
	assert.Equal(t, ms(1000), rto)
}
