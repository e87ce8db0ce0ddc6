package tcp

// RFC 9293 §3.10.5 (ABORT), §3.10.7.4 (second and fourth steps: RST and
// SYN), §3.8.3 and RFC 1122 §4.2.3.5 (giving up on retransmission), and
// RFC 5961 §3 and §4 (challenge ACKs for RSTs and SYNs).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

func TestAbort_RetransmitsRetriesTimesThenTimesOut(t *testing.T) {
	h := newEstablished(t)
	require.Equal(t, 15, h.host.cfg.Retries)
	h.write(ms(100), 100)
	data := seg{seq: 101, ack: 301, flags: psh, len: 100}
	h.expect(ms(100), data)
	data.labels = trace.LabelRetransmission
	// RTO 1 s (RFC 6298 (2.4)), doubled at every expiry (5.5) up to the 60 s
	// maximum (2.5): retransmissions at 1.1, 3.1, 7.1, 15.1, 31.1, 63.1 s, then
	// every 60 s up to the 15th at 603.1 s.
	at := ms(100)
	rto := time.Second
	for i := 1; i <= 15; i++ {
		at = at.Add(rto)
		h.expectNothing(at - 1)
		h.expect(at, data)
		rto = min(2*rto, 60*time.Second)
	}
	assert.Equal(t, ms(603_100), at)
	// The 16th expiry, 60 s later, gives up: ETIMEDOUT, and no RST (the peer
	// is presumed unreachable).
	h.expectNothing(ms(663_100 - 1))
	assert.Equal(t, StateEstablished, h.conn.State())
	h.expectNothing(ms(663_100))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrTimedOut)
	assert.Equal(t, []Event{EventEstablished, EventAborted}, h.lifecycle())
	assert.Empty(t, h.host.Conns())
	h.expectNothing(ms(2_000_000))
}

func TestAbort_ProgressResetsTheRetryCount(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 2*1460)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, len: 1460}, seg{seq: 1561, ack: 301, flags: psh, len: 1460})
	h.expect(ms(1100), seg{seq: 101, ack: 301, flags: ack, len: 1460, labels: trace.LabelRetransmission})
	h.expect(ms(3100), seg{seq: 101, ack: 301, flags: ack, len: 1460, labels: trace.LabelRetransmission})
	// The first segment gets through; the second is still missing. The ACK
	// gives no RTT sample (Karn), so the RTO stays backed off at 4 s.
	h.send(ms(3150), seg{seq: 301, ack: 1561, flags: ack})
	h.expect(ms(3150), seg{seq: 1561, ack: 301, flags: psh, len: 1460, labels: trace.LabelRetransmission})
	assert.Equal(t, 0, h.conn.retries, "new data acknowledged: the count starts again")
}

func TestAbort_ApplicationAbortSendsRST(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	// §3.10.5, ESTABLISHED: "Send a reset segment: <SEQ=SND.NXT><CTL=RST>";
	// the unacknowledged data is flushed.
	h.abort(ms(200))
	h.expect(ms(200), seg{seq: 201, flags: wire.RST})
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrAborted)
	assert.Empty(t, h.host.Conns())
	h.expectNothing(ms(100_000))
}

// Linux's abort (tcp_send_active_reset) sends RST,ACK through
// tcp_transmit_skb: ACK = RCV.NXT and the window it offers; the rfc policy
// sends RFC 9293's bare <SEQ=SND.NXT><CTL=RST>.
func TestAbort_LinuxAbortSendsRSTACK(t *testing.T) {
	h := newEstablished(t)
	h.setPolicy(mixedPolicy{linuxReset: true})
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	h.abort(ms(200))
	h.expect(ms(200), seg{seq: 201, ack: 301, flags: wire.RST | wire.ACK, win: h.conn.rcvWindow()})
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrAborted)
}

func TestAbort_ApplicationAbortPerState(t *testing.T) {
	// §3.10.5: a RST <SEQ=SND.NXT> from SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1,
	// FIN-WAIT-2 and CLOSE-WAIT; none from SYN-SENT, CLOSING, LAST-ACK and
	// TIME-WAIT ("Respond with 'ok' and delete the TCB").
	tests := []struct {
		name string
		newH func(*testing.T) *harness
		rst  *seg
		bug  string
	}{
		{"SYN-SENT", func(t *testing.T) *harness { return newSynSent(t, testConfig()) }, nil, ""},
		{"SYN-RECEIVED", newSynReceived, &seg{seq: localISS + 1, flags: wire.RST}, ""},
		{"ESTABLISHED", newEstablished, &seg{seq: 101, flags: wire.RST}, ""},
		{"FIN-WAIT-1", newFinWait1, &seg{seq: 102, flags: wire.RST}, ""},
		{"FIN-WAIT-2", newFinWait2, &seg{seq: 102, flags: wire.RST}, ""},
		{"CLOSE-WAIT", newCloseWait, &seg{seq: 101, flags: wire.RST}, ""},
		{"CLOSING", newClosing, nil, ""},  // RFC 9293 §3.10.5: just delete the TCB
		{"LAST-ACK", newLastAck, nil, ""}, // likewise
		{"TIME-WAIT", newTimeWait, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.newH(t)
			h.abort(ms(300))
			if tt.rst != nil {
				h.expect(ms(300), *tt.rst)
			} else {
				h.expectNothing(ms(300))
			}
			assert.Equal(t, StateClosed, h.conn.State())
			assert.Empty(t, h.host.Conns())
			h.expectNothing(ms(1_000_000))
		})
	}
}

// newClosing returns a connection in CLOSING: our FIN <SEQ=101> crossed the
// peer's <SEQ=301> at 120 ms.
func newClosing(t *testing.T) *harness {
	t.Helper()
	h := newFinWait1(t)
	h.send(ms(120), seg{seq: 301, ack: 101, flags: finAck})
	h.expect(ms(120), seg{seq: 102, ack: 302, flags: ack})
	require.Equal(t, StateClosing, h.conn.State())
	return h
}

func TestAbort_RSTPerState(t *testing.T) {
	// Second step, with RFC 5961 §3.2: a RST at exactly RCV.NXT resets.
	// ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT: "connection reset";
	// CLOSING, LAST-ACK, TIME-WAIT: "enter the CLOSED state, delete the TCB".
	tests := []struct {
		name   string
		newH   func(*testing.T) *harness
		rcvNxt wire.Seq
		err    error
	}{
		{"ESTABLISHED", newEstablished, 301, ErrReset},
		{"FIN-WAIT-1", newFinWait1, 301, ErrReset},
		{"FIN-WAIT-2", newFinWait2, 301, ErrReset},
		{"CLOSE-WAIT", newCloseWait, 302, ErrReset},
		{"CLOSING", newClosing, 302, nil},
		{"LAST-ACK", newLastAck, 302, nil},
		{"TIME-WAIT", newTimeWait, 302, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.newH(t)
			h.send(ms(300), seg{seq: tt.rcvNxt, flags: wire.RST})
			h.expectNothing(ms(300))
			assert.Equal(t, StateClosed, h.conn.State())
			assert.Empty(t, h.host.Conns())
			if tt.err != nil {
				assert.ErrorIs(t, h.conn.Err(), tt.err)
				assert.Equal(t, EventAborted, h.events[len(h.events)-1])
			} else {
				assert.NoError(t, h.conn.Err())
			}
			h.expectNothing(ms(1_000_000)) // no retransmission, no TIME-WAIT timer
		})
	}
}

func TestAbort_RSTInCloseWait(t *testing.T) {
	h := newCloseWait(t)
	h.write(ms(150), 100)
	h.expect(ms(150), seg{seq: 101, ack: 302, flags: psh, len: 100})
	h.send(ms(200), seg{seq: 302, ack: 101, flags: wire.RST | wire.ACK})
	h.expectNothing(ms(200))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.ErrorIs(t, h.conn.Err(), ErrReset)
	assert.Equal(t, []Event{EventEstablished, EventPeerClosed, EventAborted}, h.lifecycle())
	h.expectNothing(ms(100_000)) // the data is not retransmitted
}

func TestAbort_ChallengeACKForInWindowRST(t *testing.T) {
	tests := []struct {
		name string
		newH func(*testing.T) *harness
		want seg // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
		rst  wire.Seq
	}{
		{"ESTABLISHED, one past RCV.NXT", newEstablished, seg{seq: 101, ack: 301, flags: ack}, 302},
		{"ESTABLISHED, last in window", newEstablished, seg{seq: 101, ack: 301, flags: ack}, 301 + 65534},
		{"CLOSE-WAIT", newCloseWait, seg{seq: 101, ack: 302, flags: ack}, 400},
		{"FIN-WAIT-2", newFinWait2, seg{seq: 102, ack: 301, flags: ack}, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.newH(t)
			state := h.conn.State()
			// RFC 5961 §3.2: "If the RST bit is set and the sequence number
			// does not exactly match the next expected sequence value, yet is
			// within the current receive window, TCP MUST send an
			// acknowledgment (challenge ACK)".
			h.send(ms(300), seg{seq: tt.rst, flags: wire.RST})
			h.expect(ms(300), tt.want)
			assert.Equal(t, state, h.conn.State())
			assert.NoError(t, h.conn.Err())
		})
	}
}

func TestAbort_RSTOutsideWindowIsDropped(t *testing.T) {
	h := newEstablished(t)
	// RFC 5961 §3.2: "If the RST bit is set and the sequence number is
	// outside the current receive window, silently drop the segment."
	for i, s := range []wire.Seq{300, 301 + 65535, 0x80000000} {
		h.send(ms(int64(100+i)), seg{seq: s, flags: wire.RST})
		h.expectNothing(ms(int64(100 + i)))
	}
	assert.Equal(t, StateEstablished, h.conn.State())
}

func TestAbort_ChallengeACKForSYN(t *testing.T) {
	// RFC 5961 §4.2, RFC 9293 §3.10.7.4 fourth step: "If the SYN bit is set,
	// irrespective of the sequence number, TCP endpoints MUST send a
	// 'challenge ACK' to the remote peer: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
	// and drop the segment.
	tests := []struct {
		name  string
		seq   wire.Seq
		flags wire.Flags
	}{
		{"SYN at RCV.NXT", 301, wire.SYN},
		{"SYN in the window", 5000, wire.SYN},
		{"SYN before the window", 100, wire.SYN},
		{"SYN beyond the window", 301 + 70000, wire.SYN},
		{"retransmitted SYN,ACK", remoteISS, synAck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newEstablished(t)
			s := seg{seq: tt.seq, flags: tt.flags, mss: 1460}
			if tt.flags&wire.ACK != 0 {
				s.ack = 101
			}
			h.send(ms(100), s)
			h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack})
			assert.Equal(t, StateEstablished, h.conn.State())
			assert.Len(t, h.host.Conns(), 1)
		})
	}
}

func TestAbort_SYNWithDataIsNotAccepted(t *testing.T) {
	for _, flags := range []wire.Flags{synAck, wire.SYN} {
		t.Run(flags.String(), func(t *testing.T) {
			h := newEstablished(t)
			// RCV.NXT is 301; the SYN occupies 300 and the data 301..400.
			h.send(ms(100), seg{seq: 300, ack: 101, flags: flags, len: 100})
			h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack})
			assert.Equal(t, int64(0), h.appBytes(trace.AppRead))
		})
	}
}
