package tcp

// The user timeout: RFC 5482 §1 ("The TCP user timeout controls how long
// transmitted data may remain unacknowledged before a connection is
// forcefully closed"), RFC 9293 §3.10.8 ("USER TIMEOUT: For any state if
// the user timeout expires, flush all queues, signal the user 'error:
// connection aborted due to user timeout' ... enter the CLOSED state"),
// RFC 1122 §4.2.3.5 (an application MUST be able to set R2 for a
// connection). Linux's TCP_USER_TIMEOUT (man 7 tcp): retransmits_timed_out
// counts from retrans_stamp, the first transmission of the stalled segment,
// in every state including SYN-SENT; the user timeout replaces the
// tcp_retries2 limit, shorter or longer; tcp_clamp_rto_to_user_timeout
// shortens the last RTO so that the timer fires when the user timeout
// expires; tcp_write_err reports ETIMEDOUT and sends no RST.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// newUserTimeout returns a connection with the given user timeout whose 100
// bytes [101, 201) went at 100 ms into silence. RTO 1 s (RFC 6298 (2.4)).
func newUserTimeout(t *testing.T, ut time.Duration) (*harness, seg) {
	t.Helper()
	cfg := testConfig()
	cfg.UserTimeout = ut
	h := newEstablishedCfg(t, cfg)
	h.write(ms(100), 100)
	data := seg{seq: 101, ack: 301, flags: psh, len: 100}
	h.expect(ms(100), data)
	data.labels = trace.LabelRetransmission
	return h, data
}

// expectUserTimeoutAbort asserts the connection is still up just before at
// and was aborted at at with ErrUserTimeout, nothing sent (no RST).
func expectUserTimeoutAbort(t *testing.T, h *harness, at int64) {
	t.Helper()
	h.expectNothing(ms(at - 1))
	require.NotEqual(t, StateClosed, h.conn.State(), "just before %d ms", at)
	h.expectNothing(ms(at))
	assert.Equal(t, StateClosed, h.conn.State(), "at %d ms", at)
	assert.ErrorIs(t, h.conn.Err(), ErrUserTimeout)
	assert.Empty(t, h.host.Conns())
	h.expectNothing(ms(at + 3_600_000))
}

func TestUserTimeout_AbortsAtTheExpiryThatReachesIt(t *testing.T) {
	// 7 s: the RTO expiries fall 1, 3 and 7 s after the first transmission
	// (RFC 6298 (5.5)); the third is exactly at the user timeout.
	h, data := newUserTimeout(t, 7*time.Second)
	h.expect(ms(1100), data)
	h.expect(ms(3100), data)
	expectUserTimeoutAbort(t, h, 7100)
}

func TestUserTimeout_AbortsWhenItExpires(t *testing.T) {
	// 10 s: retransmissions 1, 3 and 7 s after the first transmission; the
	// next RTO (8 s) would end 15 s after it, so the timer is cut to the 3 s
	// left and the connection is aborted 10 s after the data went.
	h, data := newUserTimeout(t, 10*time.Second)
	h.expect(ms(1100), data)
	h.expect(ms(3100), data)
	h.expect(ms(7100), data)
	expectUserTimeoutAbort(t, h, 10_100)
}

func TestUserTimeout_CountsFromTheStalledSegment(t *testing.T) {
	// The first 100 bytes stall and then get through; the user timeout
	// counts from the first transmission of the segment stalled now
	// (Linux's retrans_stamp is cleared when the retransmitted data is
	// acknowledged), not from the start of the connection's troubles.
	h, data := newUserTimeout(t, 5*time.Second)
	h.expect(ms(1100), data)
	h.expect(ms(3100), data)
	// Acknowledged at 3150 ms (Karn: no RTT sample, so the RTO stays backed
	// off at 4 s, RFC 6298 (5.7)).
	h.send(ms(3150), seg{seq: 301, ack: 201, flags: ack})
	h.write(ms(4000), 100)
	next := seg{seq: 201, ack: 301, flags: psh, len: 100}
	h.expect(ms(4000), next)
	// Its first expiry comes 4 s after it went: within the 5 s, so it is
	// retransmitted (counted from 100 ms, 7.9 s would have passed).
	next.labels = trace.LabelRetransmission
	h.expect(ms(8000), next)
	assert.Equal(t, StateEstablished, h.conn.State())
	assert.NoError(t, h.conn.Err())
}

func TestUserTimeout_LongerThanRetries(t *testing.T) {
	// Retries 15 alone gives up 663 s after the first transmission (see
	// TestAbort_RetransmitsRetriesTimesThenTimesOut). With a user timeout of
	// 723 s the 16th retransmission goes at 663 s and the 17th expiry, at
	// 723 s, is the user timeout.
	h, data := newUserTimeout(t, 723*time.Second)
	require.Equal(t, 15, h.host.cfg.Retries)
	at := ms(100)
	rto := time.Second
	for range 16 {
		at = at.Add(rto)
		h.expect(at, data)
		rto = min(2*rto, 60*time.Second)
	}
	assert.Equal(t, ms(663_100), at)
	expectUserTimeoutAbort(t, h, 723_100)
}

func TestUserTimeout_AppliesInSynSent(t *testing.T) {
	cfg := testConfig()
	cfg.UserTimeout = 7 * time.Second
	h := newSynSent(t, cfg)
	syn := seg{seq: localISS, flags: wire.SYN, labels: trace.LabelRetransmission}
	h.expect(ms(1000), syn)
	h.expect(ms(3000), syn)
	// The third expiry, 7 s after the SYN first went, is the user timeout.
	expectUserTimeoutAbort(t, h, 7000)
}

func TestUserTimeout_ZeroWindowProbingLinux(t *testing.T) {
	cfg := testConfig()
	cfg.UserTimeout = 6 * time.Second
	h := newZeroWindow(t, cfg, mixedPolicy{linuxProbes: true, linuxUserTimeout: true})
	// Probes at 1150, 3150 and 7150 ms would follow; the first went at
	// 1150 ms (icsk_probes_tstamp), so at the third, 6 s later, the user
	// timeout has passed: abort instead, although every probe is answered.
	h.expect(ms(1150), oldSeqProbe(1))
	h.send(ms(1150), probeAnswer)
	h.expect(ms(3150), oldSeqProbe(2))
	h.send(ms(3150), probeAnswer)
	expectUserTimeoutAbort(t, h, 7150)
}

func TestUserTimeout_OffNeverShortensRetries(t *testing.T) {
	// UserTimeout 0 (off, the default): the Retries limit alone; after 7 s
	// the data is still being retransmitted.
	h, data := newUserTimeout(t, 0)
	for _, at := range []int64{1100, 3100, 7100, 15_100, 31_100} {
		h.expect(ms(at), data)
	}
	assert.Equal(t, StateEstablished, h.conn.State())
}
