package tcp

// The labels a sent segment carries (trace.Label), computed from the
// sender's own state: RFC 5681 §2's duplicate ACK (with its ordinal),
// retransmissions (RFC 6298 §5, RFC 5681 §3.2), RFC 9293 §3.8.6's zero
// windows and window updates.

import (
	"testing"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

func TestLabels_DupACKOrdinals(t *testing.T) {
	h := newEstablished(t)
	// [301, 401) is lost; three later segments each draw a duplicate ACK,
	// numbered 1, 2, 3 (RFC 5681 §4.2: at once, for every out-of-order one).
	for i := range 3 {
		at := ms(int64(100 + i))
		h.send(at, seg{seq: wire.Seq(401 + 100*i), ack: 101, flags: psh, len: 100})
		h.expect(at, seg{seq: 101, ack: 301, flags: ack, win: 65535, labels: trace.LabelDupACK, n: int32(i + 1)})
	}
	// The gap fills: a new ACK, no label; the count starts again.
	h.send(ms(110), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(110), seg{seq: 101, ack: 701, flags: ack, win: 65535, noLabels: true})
	h.send(ms(120), seg{seq: 801, ack: 101, flags: psh, len: 100})
	h.expect(ms(120), seg{seq: 101, ack: 701, flags: ack, labels: trace.LabelDupACK, n: 1})
}

func TestLabels_FirstTransmissionsCarryNone(t *testing.T) {
	h := newSynSent(t, testConfig()) // its SYN carries no labels
	h.expect(ms(1000), seg{seq: localISS, flags: wire.SYN, labels: trace.LabelRetransmission})
	h.send(ms(1050), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460})
	h.expect(ms(1050), seg{seq: 101, ack: 301, flags: ack, noLabels: true})
	h.write(ms(1100), 100)
	h.expect(ms(1100), seg{seq: 101, ack: 301, flags: psh, len: 100, noLabels: true})
	// RTO 3 s (RFC 6298 (5.7)): exactly "retransmission", no other label.
	h.expect(ms(4100), seg{seq: 101, ack: 301, flags: psh, len: 100, labels: trace.LabelRetransmission})
	h.send(ms(4150), seg{seq: 301, ack: 201, flags: ack})
	h.close(ms(4200))
	h.expect(ms(4200), seg{seq: 201, ack: 301, flags: finAck, noLabels: true})
}

func TestLabels_ZeroWindowOnlyAtZero(t *testing.T) {
	cfg := testConfig()
	cfg.RecvBuffer = 1000
	h := newEstablishedCfg(t, cfg)
	h.autoRead = false
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 999})
	h.expect(ms(100), seg{seq: 101, ack: 1300, flags: ack, win: 1, noLabels: true})
	h.send(ms(110), seg{seq: 1300, ack: 101, flags: psh, len: 1})
	h.expect(ms(110), seg{seq: 101, ack: 1301, flags: ack, zeroWin: true, labels: trace.LabelZeroWindow})
}
