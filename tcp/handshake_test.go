package tcp

// RFC 9293 §3.5: establishing a connection.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/wire"
)

func TestHandshake_ActiveOpenTextbookNumbers(t *testing.T) {
	h := newEstablished(t)
	assert.Equal(t, []string{"CLOSED→SYN-SENT", "SYN-SENT→ESTABLISHED"}, h.states())
	assert.Equal(t, []Event{EventEstablished}, h.events)
}

func TestHandshake_PassiveOpen(t *testing.T) {
	cfg := DefaultConfig()
	cfg.ISS, cfg.FixedISS = remoteISS, true
	h := newHarness(t, cfg)
	h.host.Listen(0, localAddr.Port())
	// The test peer is the client here: it sends from remoteAddr to localAddr.
	h.send(ms(10), seg{seq: 100, flags: wire.SYN, mss: 1460})
	h.expect(ms(10), seg{seq: remoteISS, ack: 101, flags: wire.SYN | wire.ACK, mss: 1460, win: 65535})
	require.Len(t, h.host.Conns(), 1)
	h.conn = h.host.Conns()[0]
	assert.Equal(t, StateSynReceived, h.conn.State())
	h.send(ms(60), seg{seq: 101, ack: remoteISS + 1, flags: wire.ACK})
	h.expectNothing(ms(60))
	assert.Equal(t, StateEstablished, h.conn.State())
	assert.Equal(t, []string{"LISTEN→SYN-RECEIVED", "SYN-RECEIVED→ESTABLISHED"}, h.states())
}

func TestHandshake_SYNRetransmittedWithBackoffThenAbort(t *testing.T) {
	h := newSynSent(t, testConfig())
	syn := seg{seq: localISS, flags: wire.SYN}
	// RFC 6298 (2.1) initial RTO 1 s, (5.5) doubling: 1, 3, 7, 15, 31, 63 s;
	// the seventh timeout would be 64 s, but RTOMax caps it at 60 s (RFC
	// 6298 (2.5)): 123 s.
	for _, at := range []int64{1000, 3000, 7000, 15000, 31000, 63000, 123_000} {
		h.expectNothing(ms(at - 1))
		h.expect(ms(at), syn)
	}
	// RFC 1122 §4.2.3.5: the SYN is retransmitted for at least 3 minutes.
	h.expectNothing(ms(182_999))
	assert.Equal(t, StateSynSent, h.conn.State())
	h.advance(ms(183_000)) // seven retries, then one more RTO: give up
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrTimedOut)
	h.expectNothing(ms(300_000))
}
