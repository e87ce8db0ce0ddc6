package tcp

// RFC 1122 §4.2.3.2, RFC 5681 §4.2 and RFC 9293 §3.8.6.3: delayed ACKs —
// "the delay MUST be less than 0.5 seconds, and in a stream of full-sized
// segments there SHOULD be an ACK for at least every second segment";
// out-of-order segments and segments that fill a gap are ACKed at once.

import (
	"testing"
	"time"

	"github.com/tcpsim/tcpsim/trace"
)

// newDelayedACK returns an established connection that delays ACKs 200 ms.
func newDelayedACK(t *testing.T) *harness {
	t.Helper()
	cfg := testConfig()
	cfg.DelayedACK = 200 * time.Millisecond
	return newEstablishedCfg(t, cfg)
}

func TestDelayedACK_LoneSegmentWaits(t *testing.T) {
	h := newDelayedACK(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expectNothing(ms(299))
	h.expect(ms(300), seg{seq: 101, ack: 401, flags: ack, win: 65535, labels: trace.LabelDelayedACK})
	h.expectNothing(ms(10_000))
}

func TestDelayedACK_EverySecondFullSizedSegment(t *testing.T) {
	h := newDelayedACK(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: ack, len: 1460})
	h.expectNothing(ms(109))
	h.send(ms(110), seg{seq: 1761, ack: 101, flags: ack, len: 1460})
	h.expect(ms(110), seg{seq: 101, ack: 3221, flags: ack, noLabels: true})
	// A third waits on its own.
	h.send(ms(120), seg{seq: 3221, ack: 101, flags: ack, len: 1460})
	h.expectNothing(ms(319))
	h.expect(ms(320), seg{seq: 101, ack: 4681, flags: ack, labels: trace.LabelDelayedACK})
}

func TestDelayedACK_RidesOnData(t *testing.T) {
	h := newDelayedACK(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.write(ms(150), 50)
	h.expect(ms(150), seg{seq: 101, ack: 401, flags: psh, len: 50})
	h.expectNothing(ms(1000)) // the ACK went with the data
}

func TestDelayedACK_OutOfOrderAndGapFillAreImmediate(t *testing.T) {
	h := newDelayedACK(t)
	h.send(ms(100), seg{seq: 401, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, labels: trace.LabelDupACK, n: 1})
	h.send(ms(110), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(110), seg{seq: 101, ack: 501, flags: ack, noLabels: true})
	h.expectNothing(ms(1000))
}
