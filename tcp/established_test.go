package tcp

// RFC 9293 §3.8 and RFC 6298: data transfer and retransmission in ESTABLISHED.

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

const (
	psh = wire.PSH | wire.ACK
	ack = wire.ACK
)

func TestEstablished_RetransmitsOnRTO(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 6)
	data := seg{seq: localISS + 1, ack: remoteISS + 1, flags: psh, len: 6}
	h.expect(ms(100), data)
	// One RTT sample of 50 ms: RTO = max(1 s, 50 + 4·25 ms) = 1 s (RFC 6298 (2.4)).
	h.expectNothing(ms(1099))
	data.labels = trace.LabelRetransmission
	h.expect(ms(1100), data)
	h.expect(ms(3100), data) // backed off to 2 s (5.5)
	h.send(ms(3150), seg{seq: remoteISS + 1, ack: localISS + 7, flags: ack})
	h.expectNothing(ms(60_000)) // all acknowledged: the timer is off
	assert.Equal(t, StateEstablished, h.conn.State())
}

func TestEstablished_SegmentsByMSSWithinWindow(t *testing.T) {
	h := newEstablished(t)
	// The initial window is 3 segments for an MSS of 1460 (RFC 5681 §3.1).
	h.write(ms(100), 10_000)
	h.expect(ms(100),
		seg{seq: 101, ack: 301, flags: ack, len: 1460},
		seg{seq: 1561, ack: 301, flags: ack, len: 1460},
		seg{seq: 3021, ack: 301, flags: ack, len: 1460},
	)
	// Each ACK grows cwnd by one MSS in slow start, so two segments follow each.
	h.send(ms(150), seg{seq: 301, ack: 1561, flags: ack})
	h.expect(ms(150),
		seg{seq: 4481, ack: 301, flags: ack, len: 1460},
		seg{seq: 5941, ack: 301, flags: ack, len: 1460},
	)
}

func TestEstablished_PeerWindowLimitsFlight(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(60), seg{seq: 301, ack: 101, flags: ack, win: 2000}) // window update
	h.write(ms(100), 5000)
	// 2000 bytes of window: one full segment; 540 more would be a small
	// segment below half the largest window offered (65535), so SWS avoidance waits.
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, len: 1460})
	h.send(ms(150), seg{seq: 301, ack: 1561, flags: ack, win: 4000})
	h.expect(ms(150),
		seg{seq: 1561, ack: 301, flags: ack, len: 1460},
		seg{seq: 3021, ack: 301, flags: ack, len: 1460},
	)
}

func TestEstablished_OutOfOrderDataGetsDuplicateACKs(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: ack, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack, win: 65535})
	// 401..500 is lost; the next two arrive out of order.
	h.send(ms(110), seg{seq: 501, ack: 101, flags: ack, len: 100})
	h.expect(ms(110), seg{seq: 101, ack: 401, flags: ack, labels: trace.LabelDupACK})
	h.send(ms(120), seg{seq: 601, ack: 101, flags: ack, len: 100})
	h.expect(ms(120), seg{seq: 101, ack: 401, flags: ack, labels: trace.LabelDupACK})
	// The hole fills: everything up to 700 is acknowledged at once.
	h.send(ms(200), seg{seq: 401, ack: 101, flags: ack, len: 100})
	h.expect(ms(200), seg{seq: 101, ack: 701, flags: ack})
	assert.Equal(t, 0, h.conn.Readable(), "the application read it all")
	var read int64
	for _, r := range h.log.Records {
		if r.Kind == trace.KindApp && r.App == trace.AppRead {
			read += r.Value
		}
	}
	assert.Equal(t, int64(400), read)
}

func TestEstablished_FastRetransmitOnThirdDuplicateACK(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 6*1460)
	h.expect(ms(100),
		seg{seq: 101, ack: 301, flags: ack, len: 1460},
		seg{seq: 1561, ack: 301, flags: ack, len: 1460},
		seg{seq: 3021, ack: 301, flags: ack, len: 1460},
	)
	h.send(ms(150), seg{seq: 301, ack: 1561, flags: ack})
	h.expect(ms(150),
		seg{seq: 4481, ack: 301, flags: ack, len: 1460},
		seg{seq: 5941, ack: 301, flags: ack, len: 1460},
	)
	// 1561 was lost: the ACKs for 3021, 4481, 5941 repeat ack=1561.
	// The first duplicate: limited transmit (RFC 3042 §2) sends the last
	// new segment beyond the full window (cwnd 5840, all in flight).
	h.send(ms(151), seg{seq: 301, ack: 1561, flags: ack})
	h.expect(ms(151), seg{seq: 7401, ack: 301, flags: psh, len: 1460})
	assert.Equal(t, uint32(4*1460), h.conn.cwnd, "RFC 3042: cwnd is not changed")
	h.send(ms(200), seg{seq: 301, ack: 1561, flags: ack})
	h.expectNothing(ms(200)) // the second may send one more: nothing is left
	h.send(ms(201), seg{seq: 301, ack: 1561, flags: ack})
	// The third duplicate: resend 1561 at once (RFC 5681 §3.2 (3)). ssthresh =
	// FlightSize/2 = 2920, FlightSize as it was before limited transmit
	// (RFC 5681 §3.2 (2)); cwnd = ssthresh + 3·SMSS = 7300.
	h.expect(ms(201),
		seg{seq: 1561, ack: 301, flags: ack, len: 1460, labels: trace.LabelRetransmission | trace.LabelFastRetransmission})
	assert.Equal(t, uint32(2920), h.conn.ssthresh)
	assert.Equal(t, uint32(7300), h.conn.cwnd)
	// The retransmission fills the hole: a full ACK ends recovery.
	h.send(ms(251), seg{seq: 301, ack: 8861, flags: ack})
	h.expectNothing(ms(5000))
	assert.False(t, h.recovery().recovering)
}

func TestEstablished_ActiveCloseToTimeWait(t *testing.T) {
	h := newEstablished(t)
	h.close(ms(100))
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: wire.FIN | ack})
	h.send(ms(150), seg{seq: 301, ack: 102, flags: ack})
	assert.Equal(t, StateFinWait2, h.conn.State())
	h.send(ms(160), seg{seq: 301, ack: 102, flags: wire.FIN | ack})
	h.expect(ms(160), seg{seq: 102, ack: 302, flags: ack})
	assert.Equal(t, StateTimeWait, h.conn.State())
	// TIME-WAIT lasts 2·MSL = 4 minutes (RFC 9293 §3.4.2).
	h.advance(ms(160 + 239_999))
	assert.Equal(t, StateTimeWait, h.conn.State())
	h.advance(ms(160 + 240_000))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.Equal(t, []string{"CLOSED→SYN-SENT", "SYN-SENT→ESTABLISHED", "ESTABLISHED→FIN-WAIT-1",
		"FIN-WAIT-1→FIN-WAIT-2", "FIN-WAIT-2→TIME-WAIT", "TIME-WAIT→CLOSED"}, h.states())
}

func TestEstablished_PassiveClose(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: wire.FIN | ack})
	h.expect(ms(100), seg{seq: 101, ack: 302, flags: ack})
	assert.Equal(t, StateCloseWait, h.conn.State())
	h.close(ms(200))
	h.expect(ms(200), seg{seq: 101, ack: 302, flags: wire.FIN | ack})
	assert.Equal(t, StateLastAck, h.conn.State())
	h.send(ms(250), seg{seq: 302, ack: 102, flags: ack})
	assert.Equal(t, StateClosed, h.conn.State())
	h.expectNothing(ms(10_000))
}

func TestEstablished_RSTAborts(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(100), seg{seq: 400, flags: wire.RST}) // not RCV.NXT: challenge ACK (RFC 5961 §3.2)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack})
	assert.Equal(t, StateEstablished, h.conn.State())
	h.send(ms(110), seg{seq: 301, flags: wire.RST})
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrReset)
}

func TestClosed_SegmentForNoConnectionGetsRST(t *testing.T) {
	h := newHarness(t, testConfig())
	h.send(ms(5), seg{seq: 1000, flags: wire.SYN})
	h.expect(ms(5), seg{seq: 0, ack: 1001, flags: wire.RST | wire.ACK})
	h.send(ms(6), seg{seq: 1000, ack: 555, flags: ack, len: 10})
	h.expect(ms(6), seg{seq: 555, flags: wire.RST})
	h.send(ms(7), seg{seq: 1000, flags: wire.RST})
	h.expectNothing(ms(8))
}
