package tcp

// Tail loss probe (tlp.go): RFC 8985 §7 as Linux sends it
// (net/ipv4/tcp_output.c: tcp_schedule_loss_probe, tcp_send_loss_probe;
// net/ipv4/tcp_input.c: tcp_process_tlp_ack). Checked against `tcpsim
// kernel link-outage` on Linux 6.18: the first resend of the unanswered
// segment goes one RTO (the PTO is capped by it) after it was sent, the
// next one RTO later again, not two: the probe is no timeout.

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpsim/tcpsim/trace"
)

// tlp is a segment sent as a tail loss probe: new data (tlp alone) or
// sent again (retransmission too).
func tlp(s seg, resent bool) seg {
	s.labels = trace.LabelTLP
	if resent {
		s.labels |= trace.LabelRetransmission
	}
	return s
}

func TestTLP_DeadPeerFirstResendIsAProbe(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	h.write(ms(100), 1000)
	first := seg{seq: sseq(0), ack: remoteISS + 1, flags: psh, len: 1000}
	h.expect(ms(100), first)
	// One segment out: PTO = 2·SRTT + rto_min = 300 ms, capped by the RTO
	// (250 ms): the probe goes when the RTO would, in its place.
	h.expectNothing(ms(349))
	h.expect(ms(350), tlp(first, true))
	// The RTO runs from the probe and is not backed off: 250 ms.
	h.expectNothing(ms(599))
	h.expect(ms(600), retx(first, 0))
	// Then the timeouts double, as RFC 6298 (5.5) says: 500 ms.
	h.expectNothing(ms(1099))
	h.expect(ms(1100), retx(first, 0))
	assert.Equal(t, 2, h.conn.retries, "the probe is not counted as a timeout")
}

func TestTLP_LostTailProbedAfterTwoRoundTrips(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	h.write(ms(100), 4*tsMSS)
	h.expect(ms(100), inGSO(2, sdata(0), sdata(1), sdata(2), sdata(3))...)
	// The first two arrive; the last two are lost. From the ACK, with more
	// than one segment in flight, PTO = 2·SRTT + 2 ms = 102 ms, before the
	// RTO (250 ms): the last segment goes again at 252 ms.
	h.peerACK(ms(150), 2)
	h.expectNothing(ms(251))
	last := sdata(3)
	last.flags = psh
	h.expect(ms(252), tlp(last, true))
	// Its SACK shows segment 2 missing. (Linux's RACK would mark it lost
	// and resend it; tcpsim does not model RACK: docs/profiles.md.) The
	// RTO, restarted by the probe, resends it at 502 ms.
	h.peerACK(ms(302), 2, [2]int{3, 4})
	h.expectNothing(ms(501))
	h.expect(ms(502), retx(sdata(2), 0))
}

func TestTLP_ProbeSendsNewDataTheWindowTakes(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.InitialWindow = 2
	h := newLinuxEstablished(t, cfg, true, true)
	h.write(ms(100), 3*tsMSS)
	// The congestion window (2 segments) holds back the third.
	h.expect(ms(100), inGSO(2, sdata(0), sdata(1))...)
	// Nothing comes back. The probe (2·SRTT + 2 ms later) is the next new
	// segment: the peer's window takes it, and cwnd does not count for a
	// probe (tcp_write_xmit's push_one = 2).
	h.expectNothing(ms(201))
	third := sdata(2)
	third.flags = psh
	h.expect(ms(202), tlp(third, false))
	// Then the RTO, from the probe.
	h.expectNothing(ms(451))
	h.expect(ms(452), retx(sdata(0), 0))
}

func TestTLP_ProbeThatRepairedALossHalvesTheWindow(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	h.write(ms(100), 4*tsMSS)
	h.expect(ms(100), inGSO(2, sdata(0), sdata(1), sdata(2), sdata(3))...)
	h.peerACK(ms(150), 3)
	cwnd := h.conn.cwnd
	// One segment out: the probe goes at the RTO's time, 250 ms after the ACK.
	last := sdata(3)
	last.flags = psh
	h.expectNothing(ms(399))
	h.expect(ms(400), tlp(last, true))
	// The probe repaired the loss: its ACK covers all (tlp_high_seq) but
	// no more, which proves nothing yet.
	h.peerACK(ms(450), 4)
	assert.True(t, h.conn.tlpOut)
	// An ACK beyond tlp_high_seq proves it (tcp_process_tlp_ack): the
	// window is reduced once (CWR: cwnd = ssthresh = cwnd·β, CUBIC's β =
	// 0.7, the linux profile's algorithm). (Four
	// segments never filled the 10-segment window: it did not grow.)
	assert.Equal(t, uint32(10*tsMSS), cwnd)
	assert.Equal(t, cwnd, h.conn.cwnd)
	h.write(ms(500), tsMSS)
	h.expect(ms(500), func() seg { s := sdata(4); s.flags = psh; return s }())
	h.peerACK(ms(550), 5)
	assert.Equal(t, cwnd*7/10, h.conn.ssthresh)
	assert.Equal(t, cwnd*7/10, h.conn.cwnd)
	assert.False(t, h.conn.tlpOut)
}

func TestTLP_NoProbeWithoutSACK(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), false, true)
	h.write(ms(100), 1000)
	first := seg{seq: sseq(0), ack: remoteISS + 1, flags: psh, len: 1000}
	h.expect(ms(100), first)
	// Linux probes only with SACK (tcp_schedule_loss_probe: tcp_is_sack).
	h.expectNothing(ms(349))
	h.expect(ms(350), retx(first, 0))
	h.expectNothing(ms(849))
	h.expect(ms(850), retx(first, 0))
}

func TestTLP_RFCProfileNeverProbes(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.Behaviour = BehaviourRFC
	h := newLinuxEstablished(t, cfg, true, true)
	h.write(ms(100), 1000)
	first := seg{seq: sseq(0), ack: remoteISS + 1, flags: psh, len: 1000}
	h.expect(ms(100), first)
	// RFC 6298: the RTO (1 s under the rfc rule, RTO floor 200 ms here: the
	// RFC formula gives max(SRTT + 4·RTTVAR, RTOMin) = 150 ms → 200 ms).
	h.expectNothing(ms(299))
	h.expect(ms(300), retx(first, 0))
}

func TestTLP_ProbeResendsALostFIN(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	h.write(ms(100), 1000)
	h.expect(ms(100), seg{seq: sseq(0), ack: remoteISS + 1, flags: psh, len: 1000})
	h.sendOpt(ms(150), seg{seq: remoteISS + 1, ack: sseq(0) + 1000, flags: ack}, h.peerOpt(ms(150), h.tsval(ms(100))))
	// The FIN alone is the tail; lost, it is what the probe sends again.
	h.close(ms(200))
	fin := seg{seq: sseq(0) + 1000, ack: remoteISS + 1, flags: finAck}
	h.expect(ms(200), fin)
	h.expectNothing(ms(449))
	h.expect(ms(450), tlp(fin, true))
}
