package tcp

// Linux's delayed-ACK modes (linuxACKs, delack.go), against the kernel's
// sources: quick-ack mode (tcp_event_data_recv, tcp_incr_quickack,
// __tcp_ack_snd_check), the ACK sent from the receive path before the
// application runs (tcp_rcv_established: tcp_ack_snd_check in softirq),
// interactive ("ping-pong") mode entered by a reply within ato
// (tcp_event_data_sent) or by the peer's FIN (tcp_fin) and left when the
// delayed-ACK timer fires (tcp_delack_timer_handler), and the ACK sent when
// the application reads (__tcp_cleanup_rbuf). Checked against `tcpsim
// kernel` on Linux 6.18: handshake and nagle-delayed-ack show the pure ACK
// before the reply, and the ACK of the peer's FIN riding on ours.

import (
	"testing"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// newLinuxPeer returns a linux-profile client whose handshake completed at
// 50 ms (SRTT 50 ms), with a peer that offered no options.
func newLinuxPeer(t *testing.T) *harness {
	t.Helper()
	return newEstablishedCfg(t, linuxConfig(t))
}

// echo makes the application answer every request with n bytes at once.
func (h *harness) echo(n int) {
	h.onReadable = func(now sim.Time, c *Conn) {
		c.Read(now, c.Readable())
		c.Write(now, n)
	}
}

func TestLinuxACK_QuickACKGoesBeforeTheReply(t *testing.T) {
	h := newLinuxPeer(t)
	h.echo(100)
	// The first data of a connection starts quick-ack mode: its ACK goes
	// from the receive path, before the application (which answers at
	// once) runs; the reply follows as a segment of its own.
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100),
		seg{seq: 101, ack: 401, flags: ack, noLabels: true},
		seg{seq: 101, ack: 401, flags: psh, len: 100})
}

func TestLinuxACK_PingPongACKRidesOnTheReply(t *testing.T) {
	h := newLinuxPeer(t)
	h.echo(100)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack}, seg{seq: 101, ack: 401, flags: psh, len: 100})
	// The reply went within ato (40 ms) of the request: the connection is
	// interactive (tcp_event_data_sent). The next request's ACK waits and
	// rides on the reply, though quick ACKs are left.
	h.send(ms(200), seg{seq: 401, ack: 201, flags: psh, len: 100})
	h.expect(ms(200), seg{seq: 201, ack: 501, flags: psh, len: 100})
	h.send(ms(300), seg{seq: 501, ack: 301, flags: ack})
	h.expectNothing(ms(1000))
}

func TestLinuxACK_PingPongEndsWhenTheTimerFires(t *testing.T) {
	h := newLinuxPeer(t)
	h.echo(100)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack}, seg{seq: 101, ack: 401, flags: psh, len: 100})
	// Interactive now, but this request gets no answer: its ACK waits ato
	// (40 ms, TCP_ATO_MIN) for one, then goes on its own. A read of one
	// small pushed segment sends no ACK in ping-pong mode (it takes two:
	// ICSK_ACK_PUSHED2, __tcp_cleanup_rbuf).
	h.onReadable = nil
	h.send(ms(200), seg{seq: 401, ack: 201, flags: psh, len: 100})
	h.expectNothing(ms(239))
	h.expect(ms(240), seg{seq: 201, ack: 501, flags: ack, labels: trace.LabelDelayedACK})
	// The timer "missed": ping-pong mode ends (tcp_delack_timer_handler),
	// so the quick ACKs left apply again.
	h.send(ms(300), seg{seq: 501, ack: 201, flags: psh, len: 100})
	h.expect(ms(300), seg{seq: 201, ack: 601, flags: ack, noLabels: true})
}

func TestLinuxACK_TwoPushedSegmentsReadInPingPong(t *testing.T) {
	h := newLinuxPeer(t)
	h.echo(100)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack}, seg{seq: 101, ack: 401, flags: psh, len: 100})
	h.onReadable = nil
	// In ping-pong mode one small pushed segment read leaves the ACK owed;
	// a second, read too, sends it from the read path (ICSK_ACK_PUSHED2).
	h.send(ms(200), seg{seq: 401, ack: 201, flags: psh, len: 50})
	h.expectNothing(ms(210))
	h.send(ms(210), seg{seq: 451, ack: 201, flags: psh, len: 50})
	h.expect(ms(210), seg{seq: 201, ack: 501, flags: ack, noLabels: true})
	h.expectNothing(ms(1000))
}

func TestLinuxACK_FINInEstablishedWaitsForOurs(t *testing.T) {
	h := newLinuxPeer(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack})
	// tcp_fin: the FIN moves ESTABLISHED to CLOSE-WAIT and makes the
	// connection interactive, so its ACK waits: the application, closing
	// at once, sends one FIN,ACK that acknowledges it.
	h.send(ms(200), seg{seq: 401, ack: 101, flags: finAck})
	h.expectNothing(ms(200))
	h.close(ms(200))
	h.expect(ms(200), seg{seq: 101, ack: 402, flags: finAck})
}

func TestLinuxACK_FINNotAnsweredGetsTheDelayedACK(t *testing.T) {
	h := newLinuxPeer(t)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 401, flags: ack})
	h.send(ms(200), seg{seq: 401, ack: 101, flags: finAck})
	// The application does not close: the ACK goes when the delayed-ACK
	// timer fires, ato (40 ms) later.
	h.expectNothing(ms(239))
	h.expect(ms(240), seg{seq: 101, ack: 402, flags: ack, labels: trace.LabelDelayedACK})
	if h.conn.State() != StateCloseWait {
		t.Fatalf("state %v, want CLOSE-WAIT", h.conn.State())
	}
}

func TestLinuxACK_FINInFinWait2IsACKedAtOnce(t *testing.T) {
	h := newLinuxPeer(t)
	h.close(ms(100))
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: finAck})
	h.send(ms(150), seg{seq: 301, ack: 102, flags: ack})
	// tcp_fin in FIN-WAIT-2: tcp_send_ack, then TIME-WAIT.
	h.send(ms(200), seg{seq: 301, ack: 102, flags: finAck})
	h.expect(ms(200), seg{seq: 102, ack: 302, flags: ack})
}

func TestLinuxACK_QuickACKsCountHalfTheWindow(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.RecvBuffer = 5840 // SO_RCVBUF: 11680 bytes of memory, a 5840-byte window (the peer sends no timestamps)
	h := newHarness(t, cfg)
	h.conn = h.host.Connect(0, localAddr.Port(), remoteAddr)
	h.poll()
	h.expect(0, seg{seq: localISS, flags: wire.SYN, win: 5840})
	h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460})
	h.expect(ms(50), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack, win: 5840})
	h.autoRead = false
	// tcp_event_data_recv → tcp_incr_quickack: quick ACKs for as many
	// segments as half the window holds (5840 / (2·1460) = 2), and
	// tcp_grow_window one more (icsk_ack.quick |= 1: the first segment
	// raises rcv_ssthresh). The window closes by a segment each time; the
	// fourth segment's ACK waits for the delayed-ACK timer.
	h.send(ms(100), seg{seq: 301, ack: 101, flags: ack, len: 1460})
	h.expect(ms(100), seg{seq: 101, ack: 1761, flags: ack, win: 5840})
	h.send(ms(101), seg{seq: 1761, ack: 101, flags: ack, len: 1460})
	h.expect(ms(101), seg{seq: 101, ack: 3221, flags: ack, win: 4380})
	h.send(ms(102), seg{seq: 3221, ack: 101, flags: ack, len: 1460})
	h.expect(ms(102), seg{seq: 101, ack: 4681, flags: ack, win: 2920})
	h.send(ms(103), seg{seq: 4681, ack: 101, flags: ack, len: 1460})
	h.expectNothing(ms(142))
	h.expect(ms(143), seg{seq: 101, ack: 6141, flags: ack, win: 1460, labels: trace.LabelDelayedACK})
}
