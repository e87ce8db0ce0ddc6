package tcp

// RFC 9293 §3.4: sequence numbers are compared modulo 2^32. Whole
// connections whose sequence numbers on both sides cross the wrap.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

func TestWrap_ActiveOpenDataLossFINAcross2to32(t *testing.T) {
	const (
		iss wire.Seq = 0xFFFFFF00 // ours: data starts 255 bytes before the wrap
		irs wire.Seq = 0xFFFFFFF0 // the peer's: data starts 15 bytes before the wrap
	)
	cfg := testConfig()
	cfg.ISS = iss
	h := newSynSent(t, cfg)
	h.send(ms(50), seg{seq: irs, ack: iss + 1, flags: wire.SYN | wire.ACK, mss: 1460})
	h.expect(ms(50), seg{seq: iss + 1, ack: irs + 1, flags: ack})
	require.Equal(t, StateEstablished, h.conn.State())

	// 3000 bytes from 0xFFFFFF01: [0xFFFFFF01, 1205) [1205, 2665) [2665, 2745).
	// The 80-byte tail waits for Nagle (RFC 1122 §4.2.3.4).
	h.write(ms(100), 3000)
	first := seg{seq: iss + 1, ack: irs + 1, flags: ack, len: 1460}
	h.expect(ms(100), first, seg{seq: 1205, ack: irs + 1, flags: ack, len: 1460})
	// The first is lost: the second draws one duplicate ACK.
	h.send(ms(150), seg{seq: irs + 1, ack: iss + 1, flags: ack})
	h.expectNothing(ms(1099))
	// RTO 1 s (RFC 6298 (2.4)) after the first was sent.
	first.labels = trace.LabelRetransmission
	h.expect(ms(1100), first)
	h.send(ms(1150), seg{seq: irs + 1, ack: 2665, flags: ack})
	h.expect(ms(1150), seg{seq: 2665, ack: irs + 1, flags: psh, len: 80})
	h.send(ms(1200), seg{seq: irs + 1, ack: 2745, flags: ack})
	h.expectNothing(ms(1299))

	// The peer's 120 bytes [0xFFFFFFF1, 5) [5, 105) arrive in the wrong
	// order: the second is held and draws a duplicate ACK (RFC 5681 §4.2).
	h.send(ms(1300), seg{seq: 5, ack: 2745, flags: ack, len: 100})
	h.expect(ms(1300), seg{seq: 2745, ack: irs + 1, flags: ack, win: 65535, labels: trace.LabelDupACK, n: 1})
	h.send(ms(1310), seg{seq: irs + 1, ack: 2745, flags: ack, len: 20})
	h.expect(ms(1310), seg{seq: 2745, ack: 105, flags: ack, win: 65535})
	assert.Equal(t, int64(120), h.appBytes(trace.AppRead))

	h.close(ms(1400))
	h.expect(ms(1400), seg{seq: 2745, ack: 105, flags: wire.FIN | ack})
	h.send(ms(1450), seg{seq: 105, ack: 2746, flags: ack})
	assert.Equal(t, StateFinWait2, h.conn.State())
	h.send(ms(1460), seg{seq: 105, ack: 2746, flags: wire.FIN | ack})
	h.expect(ms(1460), seg{seq: 2746, ack: 106, flags: ack})
	assert.Equal(t, StateTimeWait, h.conn.State())
	h.expectNothing(ms(1460 + 240_000))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.Nil(t, h.conn.Err())
}

func TestWrap_PassiveOpenDataLossFINAcross2to32(t *testing.T) {
	const (
		iss wire.Seq = 0xFFFFFFF0 // ours
		irs wire.Seq = 0xFFFFFF00 // the peer's
	)
	cfg := testConfig()
	cfg.ISS = iss
	h := newHarness(t, cfg)
	h.host.Listen(0, localAddr.Port())
	h.send(ms(10), seg{seq: irs, flags: wire.SYN, mss: 1460})
	h.expect(ms(10), seg{seq: iss, ack: irs + 1, flags: wire.SYN | wire.ACK, mss: 1460, win: 65535})
	require.Len(t, h.host.Conns(), 1)
	h.conn = h.host.Conns()[0]
	// The handshake's ACK carries 300 bytes, [0xFFFFFF01, 45).
	h.send(ms(60), seg{seq: irs + 1, ack: iss + 1, flags: ack, len: 300})
	h.expect(ms(60), seg{seq: iss + 1, ack: 45, flags: ack, win: 65535})
	assert.Equal(t, StateEstablished, h.conn.State())

	// Our 100 bytes [0xFFFFFFF1, 85) are lost once. RTO = 1 s: the SYN,ACK's
	// 50 ms RTT gives 50 + 4·25 ms, under the floor.
	h.write(ms(100), 100)
	data := seg{seq: iss + 1, ack: 45, flags: psh, len: 100}
	h.expect(ms(100), data)
	data.labels = trace.LabelRetransmission
	h.expectNothing(ms(1099))
	h.expect(ms(1100), data)
	h.send(ms(1150), seg{seq: 45, ack: 85, flags: ack})

	// The peer closes first: CLOSE-WAIT, then our FIN from LAST-ACK.
	h.send(ms(1200), seg{seq: 45, ack: 85, flags: wire.FIN | ack})
	h.expect(ms(1200), seg{seq: 85, ack: 46, flags: ack})
	assert.Equal(t, StateCloseWait, h.conn.State())
	h.close(ms(1300))
	fin := seg{seq: 85, ack: 46, flags: wire.FIN | ack}
	h.expect(ms(1300), fin)
	// The FIN is lost. The ACK at 1150 covered a retransmission, so it gave no
	// RTT sample and the RTO stays backed off at 2 s (RFC 6298 §5).
	fin.labels = trace.LabelRetransmission
	h.expectNothing(ms(3299))
	h.expect(ms(3300), fin)
	h.send(ms(3350), seg{seq: 46, ack: 86, flags: ack})
	assert.Equal(t, StateClosed, h.conn.State())
	assert.Equal(t, int64(300), h.appBytes(trace.AppRead))
	h.expectNothing(ms(300_000))
}

// After 2^32 bytes SND.UNA is ISS again (RFC 9293 §3.4): that must not make
// our SYN look unacknowledged, which would send the next ACK down
// SYN-RECEIVED's path (acknowledging "our SYN" a second time, stopping the
// retransmission timer) and take a byte off the send buffer's data.
func TestWrap_SNDUNABackAtISSAfter2to32(t *testing.T) {
	h := newEstablished(t)
	c := h.conn
	// As if 2^32 - 1 bytes had been written, sent and acknowledged.
	c.sndUna, c.sndNxt, c.sndMax, c.sndEnd = localISS, localISS, localISS, localISS
	c.sndWl2, c.rttSeq, c.retxHigh, c.lastSegStart, c.sndSml = localISS, localISS, localISS, localISS, localISS
	assert.False(t, c.synUnacked(), "the SYN was acknowledged long ago")
	assert.Equal(t, localISS, c.dataUna())

	h.write(ms(200), 100)
	h.expect(ms(200), seg{seq: localISS, ack: remoteISS + 1, flags: psh, len: 100})
	h.send(ms(250), seg{seq: remoteISS + 1, ack: localISS + 100, flags: ack})
	h.expectNothing(ms(10_000))
	assert.Equal(t, localISS+100, c.sndUna)
	assert.Equal(t, c.sndBuf, c.WriteSpace(), "everything written is acknowledged")
}
