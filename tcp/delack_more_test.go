package tcp

// Staged additions for delack_test.go (RFC 1122 §4.2.3.2, RFC 5681 §4.2,
// RFC 9293 §3.10.7.4 eighth step, Linux's quick-ack mode, RFC 1122
// §4.2.3.4 with RFC 896). They use newDelayedACK from delack_test.go.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// delackTimer returns the delayed-ACK timer's records as {op, when, due}.
func delackTimer(h *harness) [][3]any {
	var out [][3]any
	for _, r := range h.log.Records {
		if r.Kind == trace.KindTimer && r.Timer == trace.TimerDelayedACK {
			out = append(out, [3]any{r.TimerOp.String(), r.T, r.At})
		}
	}
	return out
}

func TestDelayedACK_HandshakeACKIsNotDelayed(t *testing.T) {
	h := newDelayedACK(t) // its ACK of the SYN,ACK went at 50 ms, at once
	assert.Empty(t, delackTimer(h))
	h.expectNothing(ms(10_000))
}

func TestDelayedACK_TimerSetFiredCancelled(t *testing.T) {
	h := newDelayedACK(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expectNothing(ms(299))
	h.expect(ms(300), seg{seq: 101, ack: 401, flags: ack, win: 65535, labels: trace.LabelDelayedACK})
	h.send(ms(1000), seg{seq: 401, ack: 101, flags: ack, len: 1460})
	h.send(ms(1010), seg{seq: 1861, ack: 101, flags: ack, len: 1460})
	h.expect(ms(1010), seg{seq: 101, ack: 3321, flags: ack, win: 65535, noLabels: true})
	h.send(ms(2000), seg{seq: 3321, ack: 101, flags: psh, len: 100})
	h.write(ms(2050), 50)
	h.expect(ms(2050), seg{seq: 101, ack: 3421, flags: psh, len: 50, noLabels: true})
	h.expectNothing(ms(2250)) // no bare ACK when the cancelled timer was due
	assert.Equal(t, [][3]any{
		{"set", ms(100), ms(300)},
		{"fired", ms(300), sim.Time(0)},
		{"set", ms(1000), ms(1200)},
		{"cancelled", ms(1010), sim.Time(0)}, // every second full-sized segment
		{"set", ms(2000), ms(2200)},
		{"cancelled", ms(2050), sim.Time(0)}, // the ACK rode on data
	}, delackTimer(h))
}

func TestDelayedACK_SegmentFillingPartOfAGap(t *testing.T) {
	// RFC 5681 §4.2: "an immediate ACK when the incoming segment fills in
	// all or part of a gap".
	h := newDelayedACK(t)
	h.send(ms(100), seg{seq: 501, ack: 101, flags: psh, len: 100}) // [301, 501) missing
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, labels: trace.LabelDupACK, n: 1})
	h.send(ms(120), seg{seq: 301, ack: 101, flags: psh, len: 100}) // the front of the gap
	h.expect(ms(120), seg{seq: 101, ack: 401, flags: ack, win: 65535, noLabels: true})
	h.send(ms(130), seg{seq: 401, ack: 101, flags: psh, len: 100}) // the rest
	h.expect(ms(130), seg{seq: 101, ack: 601, flags: ack, win: 65535, noLabels: true})
	h.expectNothing(ms(10_000))
}

func TestDelayedACK_FINACKedAtOnce(t *testing.T) {
	// RFC 9293 §3.10.7.4, eighth step: "advance RCV.NXT over the FIN, and
	// send an acknowledgment for the FIN".
	t.Run("bare FIN", func(t *testing.T) {
		h := newDelayedACK(t)
		h.send(ms(100), seg{seq: 301, ack: 101, flags: finAck})
		h.expect(ms(100), seg{seq: 101, ack: 302, flags: ack, noLabels: true})
		assert.Equal(t, StateCloseWait, h.conn.State())
	})
	t.Run("data with FIN", func(t *testing.T) {
		h := newDelayedACK(t)
		h.send(ms(100), seg{seq: 301, ack: 101, flags: finAck | wire.PSH, len: 100})
		h.expect(ms(100), seg{seq: 101, ack: 402, flags: ack, noLabels: true})
		assert.Equal(t, StateCloseWait, h.conn.State())
	})
	t.Run("FIN while an ACK is delayed", func(t *testing.T) {
		h := newDelayedACK(t)
		h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
		h.send(ms(150), seg{seq: 401, ack: 101, flags: finAck})
		h.expect(ms(150), seg{seq: 101, ack: 402, flags: ack, noLabels: true})
		h.expectNothing(ms(10_000)) // the pending ACK went with it
	})
}

func TestDelayedACK_QuickACKsAtTheStart(t *testing.T) {
	cfg := testConfig()
	cfg.DelayedACK = 200 * time.Millisecond
	cfg.QuickACKs = 2
	h := newEstablishedCfg(t, cfg)
	// The first 2 ACKs for data go at once…
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack, noLabels: true})
	h.send(ms(200), seg{seq: 401, ack: 101, flags: psh, len: 100})
	h.expect(ms(200), seg{seq: 101, ack: 501, flags: ack, noLabels: true})
	// …then they are delayed.
	h.send(ms(300), seg{seq: 501, ack: 101, flags: psh, len: 100})
	h.expectNothing(ms(499))
	h.expect(ms(500), seg{seq: 101, ack: 601, flags: ack, labels: trace.LabelDelayedACK})
	h.send(ms(1000), seg{seq: 601, ack: 101, flags: psh, len: 100})
	h.expectNothing(ms(1199))
	h.expect(ms(1200), seg{seq: 101, ack: 701, flags: ack, labels: trace.LabelDelayedACK})
}

func TestDelayedACK_QuickACKsPassiveOpen(t *testing.T) {
	cfg := testConfig()
	cfg.DelayedACK = 200 * time.Millisecond
	cfg.QuickACKs = 1
	h := newHarness(t, cfg)
	h.host.Listen(0, localAddr.Port())
	h.send(ms(10), seg{seq: remoteISS, flags: wire.SYN, mss: 1460})
	h.expect(ms(10), seg{seq: localISS, ack: remoteISS + 1, flags: synAck, mss: 1460})
	h.conn = h.host.Conns()[0]
	h.send(ms(60), seg{seq: 301, ack: 101, flags: ack})
	require.Equal(t, StateEstablished, h.conn.State())
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack, noLabels: true})
	h.send(ms(200), seg{seq: 401, ack: 101, flags: psh, len: 100})
	h.expectNothing(ms(399))
	h.expect(ms(400), seg{seq: 101, ack: 501, flags: ack, labels: trace.LabelDelayedACK})
}

func TestDelayedACK_NagleStallsOnPeersDelayedACK(t *testing.T) {
	// RFC 1122 §4.2.3.4 against §4.2.3.2: 100 bytes go at once; the next
	// 1000 (less than an MSS) wait while the 100 are unacknowledged, and the
	// peer delays its ACK by 200 ms.
	h := newDelayedACK(t)
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	h.write(ms(101), 1000)
	h.expectNothing(ms(349))
	// The peer's ACK: it got the 100 bytes at 125 ms and delayed 200 ms.
	h.send(ms(350), seg{seq: 301, ack: 201, flags: ack})
	h.expect(ms(350), seg{seq: 201, ack: 301, flags: psh, len: 1000})
}

func TestDelayedACK_NoDelayAvoidsTheStall(t *testing.T) {
	cfg := testConfig()
	cfg.DelayedACK = 200 * time.Millisecond
	cfg.NoDelay = true // TCP_NODELAY
	h := newEstablishedCfg(t, cfg)
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	h.write(ms(101), 1000)
	h.expect(ms(101), seg{seq: 201, ack: 301, flags: psh, len: 1000})
	h.send(ms(350), seg{seq: 301, ack: 1201, flags: ack})
	h.expectNothing(ms(60_000))
}
