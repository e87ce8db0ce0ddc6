package tcp

// RFC 1122 §4.2.3.6: TCP keep-alives — "MUST default to off"; sent only
// when nothing has been received for an interval that "MUST default to no
// less than two hours"; "SHOULD send a keep-alive segment with no data";
// the peer answers it as an unacceptable segment (RFC 9293 §3.10.7.4).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tcpsim/tcpsim/trace"
)

const (
	hour          = 3_600_000 // ms
	keepaliveIdle = 2 * hour  // RFC 1122's minimum default
	keepaliveIntv = 75_000    // between unanswered probes (Linux's tcp_keepalive_intvl)
)

// newKeepalive returns an established connection with keepalive on. Its
// probes are zero-length segments <SEQ=SND.NXT−1>, the form RFC 1122
// recommends (with nothing in flight SND.UNA−1 = SND.NXT−1, Linux's form).
func newKeepalive(t *testing.T) *harness {
	t.Helper()
	cfg := testConfig()
	cfg.Keepalive = true
	return newEstablishedCfg(t, cfg)
}

func kaProbe(n int32) seg {
	return seg{seq: 100, ack: 301, flags: ack, labels: trace.LabelKeepalive, n: n}
}

func TestKeepalive_OffByDefault(t *testing.T) {
	h := newEstablished(t)
	assert.False(t, h.host.cfg.Keepalive)
	h.expectNothing(ms(10 * hour))
	assert.Equal(t, StateEstablished, h.conn.State())
}

func TestKeepalive_DefaultIdleIsTwoHours(t *testing.T) {
	assert.Equal(t, 2*time.Hour, DefaultConfig().KeepaliveIdle)
}

func TestKeepalive_ProbeAfterIdleAndAnswerRestartsIt(t *testing.T) {
	h := newKeepalive(t)
	// The SYN,ACK at 50 ms was the last segment heard.
	h.expectNothing(ms(50 + keepaliveIdle - 1))
	h.expect(ms(50+keepaliveIdle), kaProbe(1))
	// The peer answers with an ACK: two more hours of quiet before the next.
	at := int64(50 + keepaliveIdle + 40)
	h.send(ms(at), seg{seq: 301, ack: 101, flags: ack})
	h.expectNothing(ms(at + keepaliveIdle - 1))
	h.expect(ms(at+keepaliveIdle), kaProbe(1))
	assert.Equal(t, StateEstablished, h.conn.State())
}

func TestKeepalive_TrafficPostponesProbe(t *testing.T) {
	h := newKeepalive(t)
	h.send(ms(hour), seg{seq: 301, ack: 101, flags: psh, len: 10})
	h.expect(ms(hour), seg{seq: 101, ack: 311, flags: ack})
	h.expectNothing(ms(hour + keepaliveIdle - 1))
	h.expect(ms(hour+keepaliveIdle), seg{seq: 100, ack: 311, flags: ack, labels: trace.LabelKeepalive, n: 1})
}

func TestKeepalive_DeadPeerIsAbandoned(t *testing.T) {
	h := newKeepalive(t)
	first := int64(50 + keepaliveIdle)
	for i := range int64(9) {
		at := first + i*keepaliveIntv
		h.expectNothing(ms(at - 1))
		h.expect(ms(at), kaProbe(int32(i+1)))
	}
	// After nine unanswered probes the connection is dropped, without a RST
	// in this profile.
	end := first + 9*keepaliveIntv
	h.expectNothing(ms(end - 1))
	assert.Equal(t, StateEstablished, h.conn.State())
	h.expectNothing(ms(end))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrKeepaliveTimeout)
	h.expectNothing(ms(end + 10*hour))
}

func TestKeepalive_PeerProbeIsAnswered(t *testing.T) {
	for _, n := range []uint32{0, 1} {
		t.Run(map[uint32]string{0: "no data", 1: "garbage octet"}[n], func(t *testing.T) {
			h := newEstablished(t) // answering needs no keepalive of our own
			// <SEQ=RCV.NXT−1>: already received, so not acceptable: an ACK
			// <SEQ=SND.NXT><ACK=RCV.NXT> goes back.
			h.send(ms(1000), seg{seq: 300, ack: 101, flags: ack, len: n})
			h.expect(ms(1000), seg{seq: 101, ack: 301, flags: ack, win: 65535, labels: trace.LabelKeepaliveACK})
			assert.Equal(t, int64(0), h.appBytes(trace.AppRead))
		})
	}
}

func TestKeepalive_RFCProfileProbeCarriesNoData(t *testing.T) {
	cfg := testConfig()
	cfg.Keepalive = true
	h := newEstablishedCfg(t, cfg)
	h.expect(ms(50+keepaliveIdle), seg{seq: 100, ack: 301, flags: ack, len: 0, labels: trace.LabelKeepalive, n: 1})
}
