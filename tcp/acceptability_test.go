package tcp

// RFC 9293 §3.10.7.4, first step (the segment acceptability test and its
// four cases), trimming to the window, and the fifth step's ACK checks.

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

func TestAcceptability_FourCases(t *testing.T) {
	// Segment Length  Receive Window  Test
	// 0               0               SEG.SEQ = RCV.NXT
	// 0               >0              RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
	// >0              0               not acceptable
	// >0              >0              RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
	//                                 or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND
	// (A segment of length > 0 at exactly RCV.NXT into a zero window is the
	// "special allowance" for its ACK: see TestAcceptability_ZeroWindowProbe.)
	const w = 0xFFFFFFF0
	tests := []struct {
		name   string
		rcvNxt wire.Seq
		seq    wire.Seq
		segLen uint32
		rcvWnd uint32
		want   bool
	}{
		{"len 0, wnd 0, at RCV.NXT", 1000, 1000, 0, 0, true},
		{"len 0, wnd 0, one after", 1000, 1001, 0, 0, false},
		{"len 0, wnd 0, one before", 1000, 999, 0, 0, false},

		{"len 0, wnd 100, at RCV.NXT", 1000, 1000, 0, 100, true},
		{"len 0, wnd 100, last in window", 1000, 1099, 0, 100, true},
		{"len 0, wnd 100, just past the window", 1000, 1100, 0, 100, false},
		{"len 0, wnd 100, just before", 1000, 999, 0, 100, false},

		{"len 10, wnd 0, one after", 1000, 1001, 10, 0, false},
		{"len 10, wnd 0, before", 1000, 990, 10, 0, false},
		{"len 10, wnd 0, straddling", 1000, 995, 10, 0, false},

		{"len 10, wnd 100, at RCV.NXT", 1000, 1000, 10, 100, true},
		{"len 10, wnd 100, starts in the window, ends past it", 1000, 1095, 10, 100, true},
		{"len 10, wnd 100, starts before, last byte at RCV.NXT", 1000, 991, 10, 100, true},
		{"len 10, wnd 100, ends just before RCV.NXT", 1000, 990, 10, 100, false},
		{"len 10, wnd 100, starts just past the window", 1000, 1100, 10, 100, false},
		{"len 1, wnd 100, last in window", 1000, 1099, 1, 100, true},

		{"wrap: len 0 past 2^32", w, 5, 0, 32, true},
		{"wrap: len 0 past the window", w, 16, 0, 32, false},
		{"wrap: last byte at RCV.NXT", w, w - 1, 2, 32, true},
		{"wrap: old, just before", w, w - 2, 2, 32, false},
		{"wrap: starts in, ends past", 0xFFFFFFFF, 0, 100, 10, true},
		{"far away: half the space", 1000, 1000 + 0x80000000, 10, 100, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &receiver{rcvNxt: tt.rcvNxt}
			assert.Equal(t, tt.want, c.acceptable(tt.seq, tt.segLen, tt.rcvWnd))
		})
	}
}

func TestAcceptability_OldDuplicateDataGetsACK(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack, win: 65535})
	// The same segment again (our ACK was lost, say): not acceptable, so
	// "an acknowledgment should be sent in reply: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>".
	h.send(ms(200), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(200), seg{seq: 101, ack: 401, flags: ack, win: 65535, labels: trace.LabelDupACK, n: 1})
	assert.Equal(t, int64(100), h.appBytes(trace.AppRead), "delivered once")
}

func TestAcceptability_OldPureACKGetsACK(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack})
	// A zero-length segment before RCV.NXT fails case 2 as well.
	h.send(ms(200), seg{seq: 350, ack: 101, flags: ack})
	h.expect(ms(200), seg{seq: 101, ack: 401, flags: ack})
}

func TestAcceptability_OverlapKeepsOnlyNewData(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack})
	// "If a segment's contents straddle the boundary between old and new,
	// only the new parts are processed": [351, 451) adds 50 bytes.
	h.send(ms(200), seg{seq: 351, ack: 101, flags: psh, len: 100})
	h.expect(ms(200), seg{seq: 101, ack: 451, flags: ack})
	assert.Equal(t, int64(150), h.appBytes(trace.AppRead))
}

// newSmallWindow returns an established connection with a 4000-byte receive
// buffer whose application does not read.
func newSmallWindow(t *testing.T) *harness {
	t.Helper()
	cfg := testConfig()
	cfg.RecvBuffer = 4000
	h := newEstablishedCfg(t, cfg)
	h.autoRead = false
	return h
}

func TestAcceptability_DataBeyondWindowIsTrimmed(t *testing.T) {
	h := newSmallWindow(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: ack, len: 3000})
	h.expect(ms(100), seg{seq: 101, ack: 3301, flags: ack, win: 1000})
	// 2000 bytes into a 1000-byte window: the first 1000 are kept, the rest
	// is beyond RCV.NXT+RCV.WND and dropped.
	h.send(ms(110), seg{seq: 3301, ack: 101, flags: psh, len: 2000})
	h.expect(ms(110), seg{seq: 101, ack: 4301, flags: ack, zeroWin: true, labels: trace.LabelZeroWindow})
	assert.Equal(t, 4000, h.conn.Readable())
	// A segment wholly past the (now zero) window: not acceptable, an ACK.
	h.send(ms(120), seg{seq: 5301, ack: 101, flags: psh, len: 100})
	h.expect(ms(120), seg{seq: 101, ack: 4301, flags: ack, zeroWin: true})
	assert.Equal(t, 4000, h.conn.Readable())
}

func TestAcceptability_FINBeyondWindowIsNotAccepted(t *testing.T) {
	h := newSmallWindow(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: ack, len: 3000})
	h.expect(ms(100), seg{seq: 101, ack: 3301, flags: ack, win: 1000})
	// Exactly the window's worth of data with a FIN: the FIN's sequence
	// number, 4301, lies past the window, so it is trimmed off with it.
	h.send(ms(110), seg{seq: 3301, ack: 101, flags: finAck, len: 1000})
	h.expect(ms(110), seg{seq: 101, ack: 4301, flags: ack, zeroWin: true})
	assert.Equal(t, StateEstablished, h.conn.State())
}

func TestAcceptability_ZeroWindowProbe(t *testing.T) {
	h := newSmallWindow(t)
	h.write(ms(100), 10)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 10})
	h.send(ms(150), seg{seq: 301, ack: 101, flags: ack, len: 4000})
	h.expect(ms(150), seg{seq: 111, ack: 4301, flags: ack, zeroWin: true})
	// A 1-byte probe at RCV.NXT that also acknowledges our 10 bytes. The
	// window is zero, so it is not acceptable: "an acknowledgment should be
	// sent in reply", and RFC 9293 §3.8.6.1: "When the receiving TCP peer has
	// a zero window and a segment arrives, it must still send an
	// acknowledgment showing its next expected sequence number and current
	// window (zero)". The special allowance for valid ACKs takes its ACK.
	// The answer to a probe is labelled zero-window, not dup-ack.
	h.send(ms(200), seg{seq: 4301, ack: 111, flags: ack, len: 1})
	h.expect(ms(200), seg{seq: 111, ack: 4301, flags: ack, zeroWin: true, labels: trace.LabelZeroWindow})
	h.expectNothing(ms(10_000)) // our data was acknowledged: nothing to resend
	assert.Equal(t, 4000, h.conn.Readable())
}

func TestAcceptability_ZeroWindowTakesPureACK(t *testing.T) {
	h := newSmallWindow(t)
	h.write(ms(100), 10)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 10})
	h.send(ms(110), seg{seq: 301, ack: 101, flags: ack, len: 4000})
	h.expect(ms(110), seg{seq: 111, ack: 4301, flags: ack, zeroWin: true})
	// Case 1: zero length, zero window, SEG.SEQ = RCV.NXT: acceptable; the
	// ACK of our data is taken and nothing is sent back.
	h.send(ms(150), seg{seq: 4301, ack: 111, flags: ack})
	h.expectNothing(ms(10_000))
	// Case 1 failed (SEG.SEQ ≠ RCV.NXT): an ACK in reply.
	h.send(ms(10_100), seg{seq: 4302, ack: 111, flags: ack})
	h.expect(ms(10_100), seg{seq: 111, ack: 4301, flags: ack, zeroWin: true})
}

func TestAcceptability_ACKOfUnsentDataGetsACKAndIsDropped(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 10)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 10})
	// Fifth step: "If the ACK acks something not yet sent (SEG.ACK >
	// SND.NXT), then send an ACK, drop the segment, and return." Its data
	// is dropped with it.
	h.send(ms(150), seg{seq: 301, ack: 500, flags: psh, len: 100})
	h.expect(ms(150), seg{seq: 111, ack: 301, flags: ack})
	assert.Equal(t, int64(0), h.appBytes(trace.AppRead))
	assert.Equal(t, wire.Seq(101), h.conn.sndUna)
	// Our 10 bytes are still unacknowledged: resent at the RTO.
	h.expect(ms(1100), seg{seq: 101, ack: 301, flags: psh, len: 10, labels: trace.LabelRetransmission})
}

func TestAcceptability_OldACKStillDeliversData(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 10)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 10})
	h.send(ms(150), seg{seq: 301, ack: 111, flags: ack})
	// "If the ACK is a duplicate (SEG.ACK < SND.UNA), it can be ignored" —
	// the ACK, not the segment: its text is processed.
	h.send(ms(200), seg{seq: 301, ack: 105, flags: psh, len: 100})
	h.expect(ms(200), seg{seq: 111, ack: 401, flags: ack})
	assert.Equal(t, int64(100), h.appBytes(trace.AppRead))
	assert.Equal(t, wire.Seq(111), h.conn.sndUna)
}
