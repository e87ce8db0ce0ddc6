package tcp

// The behaviour policy (policy.go): every Linux behaviour the linux profile
// has and the rfc profile has not, as the two policies answer it, and, for
// those no other test shows on the wire, what each puts on the wire.

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// TestPolicy_RFCAndLinux asks both policies the same questions; each row is
// one Linux behaviour, the rfc column the RFC's answer.
func TestPolicy_RFCAndLinux(t *testing.T) {
	const una, nxt, end = wire.Seq(1000), wire.Seq(1000), wire.Seq(1500)
	type probeAnswer struct {
		seq wire.Seq
		n   uint32
	}
	probe := func(kind probeKind, nxt, end wire.Seq, garbage bool) func(policy) any {
		return func(p policy) any {
			seq, n := p.probe(kind, una, nxt, end, garbage)
			return probeAnswer{seq, n}
		}
	}
	tests := []struct {
		name        string
		ask         func(policy) any
		rfc, linux  any
		whyRFC, why string
	}{
		{"name", func(p policy) any { return p.name() }, "rfc", "linux", "", ""},

		{"zero-window probe, data queued", probe(zeroWindowProbe, nxt, end, false),
			probeAnswer{nxt, 1}, probeAnswer{una - 1, 0},
			"RFC 9293 §3.8.6.1: the next byte of new data", "tcp_xmit_probe_skb: SND.UNA−1, no data"},
		{"zero-window probe, only the FIN left", probe(zeroWindowProbe, end, end, false),
			probeAnswer{end, 0}, probeAnswer{una - 1, 0}, "a bare ACK at SND.NXT", "the same probe"},
		{"keepalive probe", probe(keepaliveProbe, nxt, nxt, false),
			probeAnswer{nxt - 1, 0}, probeAnswer{una - 1, 0},
			"RFC 1122 §4.2.3.6: SND.NXT−1, SHOULD carry no data", "tcp_xmit_probe_skb"},
		{"keepalive probe, garbage byte", probe(keepaliveProbe, nxt, nxt, true),
			probeAnswer{nxt - 1, 1}, probeAnswer{una - 1, 0},
			"RFC 1122 §4.2.3.6: MAY carry one garbage octet", "never any data"},
		{"RST when keepalive gives up", func(p policy) any { return p.resetOnGiveUp(keepaliveProbe) }, false, true,
			"no RST: the peer is presumed gone", "tcp_keepalive_timer: tcp_send_active_reset"},
		{"RST when zero-window probing gives up", func(p policy) any { return p.resetOnGiveUp(zeroWindowProbe) }, false, false,
			"", "tcp_probe_timer: tcp_write_err only"},

		{"15 timeouts within 100 s, Retries 15", func(p policy) any { return p.retriesExhausted(15, 15, 100*time.Second) }, true, false,
			"RFC 1122 §4.2.3.5: R2 counted in timeouts", "retransmits_timed_out: 924.6 s have not passed"},
		{"3 timeouts over 925 s, Retries 15", func(p policy) any { return p.retriesExhausted(3, 15, 925*time.Second) }, false, true,
			"", "924.6 s have passed"},
		{"user timeout in SYN-SENT", func(p policy) any { return p.userTimeoutCovers(StateSynSent) }, true, false,
			"RFC 9293 §3.10.8: for any state", "tcp(7): synchronized states; tcp_syn_retries rules the SYN"},
		{"user timeout in ESTABLISHED", func(p policy) any { return p.userTimeoutCovers(StateEstablished) }, true, true, "", ""},
		{"user timeout ends answered probing", func(p policy) any { return p.userTimeoutEndsProbing() }, false, true,
			"RFC 1122 §4.2.2.17: MUST stay open while answered", "tcp_probe_timer"},

		{"RTO, SRTT 50 ms, 4·RTTVAR 100 ms, floor 200 ms", func(p policy) any {
			return p.rto(50*time.Millisecond, 100*time.Millisecond, 200*time.Millisecond, 120*time.Second)
		}, 200 * time.Millisecond, 250 * time.Millisecond,
			"RFC 6298 (2.4): the floor is on the RTO", "tcp_set_rto: the floor is on the variance term"},
		{"RTO, SRTT 30 s, 4·RTTVAR 60 s, ceiling 60 s", func(p policy) any {
			return p.rto(30*time.Second, 60*time.Second, time.Second, 60*time.Second)
		}, 60 * time.Second, 60 * time.Second, "RFC 6298 (2.5)", "TCP_RTO_MAX"},

		{"cwnd 1 after no SYN loss", func(p policy) any { return p.oneSegmentAfterSYN(0) }, false, false, "", ""},
		{"cwnd 1 after one SYN loss", func(p policy) any { return p.oneSegmentAfterSYN(1) }, true, false,
			"RFC 5681 §3.1: MUST be one segment", "tcp_init_transfer: total_retrans > 1"},
		{"cwnd 1 after two SYN losses", func(p policy) any { return p.oneSegmentAfterSYN(2) }, true, true, "", ""},
		{"retransmitted SYN in SYN-RECEIVED", func(p policy) any { return p.answerRetransmittedSYN() }, false, true,
			"RFC 9293 §3.10.7.4: not acceptable, ACK it", "tcp_check_req: resend the SYN,ACK"},
		{"SACK scoreboard after an RTO", func(p policy) any { return p.keepSACKedAfterRTO() }, false, true,
			"RFC 2018 §8: SHOULD turn off the SACKed bits", "tcp_enter_loss keeps them"},

		{"delayed-ACK rules", func(p policy) any {
			cfg := DefaultConfig()
			return fmt.Sprintf("%T", p.delayedACKs(&cfg))
		}, "*tcp.rfcACKs", "*tcp.linuxACKs",
			"RFC 1122 §4.2.3.2, RFC 5681 §4.2", "quick-ack and ping-pong modes, adaptive ATO (delack.go)"},
		{"Nagle: full segments in flight, no short one", func(p policy) any { return p.nagleHolds(1000, 3896, 1000) }, true, false,
			"RFC 1122 §4.2.3.4: any unacknowledged data", "tcp_minshall_check: only behind a short segment"},
		{"Nagle: a short segment in flight", func(p policy) any { return p.nagleHolds(1000, 3896, 3896) }, true, true, "", ""},
		{"TS.Recent from a duplicate ending at Last.ACK.sent", func(p policy) any { return p.duplicateUpdatesTSRecent() }, false, true,
			"RFC 7323 §4.3 (2): Last.ACK.sent must be inside it", "tcp_sequence passes it (end_seq not before rcv_wup), tcp_replace_ts_recent"},
		{"RTT sample from the echo of retransmitted data", func(p policy) any { return p.rttFromTimestamps() }, false, true,
			"RFC 6298 §3 (Karn): none", "tcp_ack_update_rtt → tcp_rtt_tsopt_us"},
		{"GSO packets, PSH on each", func(p policy) any { return p.gsoPackets() }, false, true,
			"segment by segment", "__tcp_transmit_skb, tcp_tso_autosize"},
		{"send buffer after the handshake, none set (16 KiB)", func(p policy) any {
			cfg := DefaultConfig()
			cfg.SendBuffer = 16 << 10
			return p.sendBuffer(&cfg, 16<<10, 1460, 10)
		}, 16 << 10, 46080,
			"the application's SendBuffer", "tcp_init_buffer_space → tcp_sndbuf_expand: 2·10·2304"},
		{"send buffer after the handshake, SO_SNDBUF 32 KiB", func(p policy) any {
			cfg := DefaultConfig()
			cfg.SendBuffer = 32 << 10
			return p.sendBuffer(&cfg, 32<<10, 1460, 10)
		}, 32 << 10, 32 << 10, "", "tcp_should_expand_sndbuf: SOCK_SNDBUF_LOCK"},
		{"send buffer fixed, none set (16 KiB)", func(p policy) any {
			cfg := DefaultConfig()
			cfg.SendBuffer = 16 << 10
			return p.sendBufferFixed(&cfg)
		}, true, false, "", ""},
		{"send buffer fixed, SO_SNDBUF 32 KiB", func(p policy) any {
			cfg := DefaultConfig()
			cfg.SendBuffer = 32 << 10
			return p.sendBufferFixed(&cfg)
		}, true, true, "", ""},
		{"SYN window and scale, recv_buffer 4096", func(p policy) any {
			cfg := DefaultConfig()
			cfg.RecvBuffer, cfg.WindowScaling = 4096, true
			b := p.receiveBuffer(&cfg)
			return [2]uint32{b.synWindow(windowRoom{largest: 65535}, 1460), uint32(b.shift())}
		}, [2]uint32{4096, 0}, [2]uint32{2920, 0},
			"RFC 9293 §3.8.6: the buffer is the window", "SO_RCVBUF doubled, half of it window, whole segments (tcp_select_initial_window)"},
		{"SYN window and scale, recv_buffer 64KiB", func(p policy) any {
			cfg := DefaultConfig()
			cfg.RecvBuffer, cfg.WindowScaling = 65536, true
			b := p.receiveBuffer(&cfg)
			return [2]uint32{b.synWindow(windowRoom{largest: 65535}, 1460), uint32(b.shift())}
		}, [2]uint32{65535, 1}, [2]uint32{64240, 10},
			"RFC 7323 §2.3: the scale the buffer needs", "no SO_RCVBUF: tcp_rmem[1], scale for tcp_rmem[2]"},
		{"RTT sample from every ACK, oldest segment acknowledged", func(p policy) any { return p.rttEveryACK() }, false, true,
			"RFC 6298 §3: one timed segment at a time", "tcp_clean_rtx_queue: seq_rtt_us from first_ackt"},
		{"timestamp on the connection's own RST", func(p policy) any { return p.timestampOnRST() }, false, true,
			"RFC 7323 §3.2: MUST only on non-RST segments", "tcp_send_active_reset → tcp_transmit_skb → tcp_established_options"},
		{"RST,ACK with the window on an abort", func(p policy) any { return p.activeResetACK() }, false, true,
			"RFC 9293 §3.10.5: <SEQ=SND.NXT><CTL=RST>", "tcp_send_active_reset: TCPHDR_ACK | TCPHDR_RST, tcp_transmit_skb"},
		{"RTO in whole ticks before backoff", func(p policy) any { return p.rtoInTicks() }, false, true,
			"RFC 6298: a duration", "__tcp_set_rto: usecs_to_jiffies; backoff shifts jiffies"},
		{"persist interval counted from the probe's answer", func(p policy) any { return p.persistFromAnswer() }, false, true,
			"RFC 9293 §3.8.6.1: from probe to probe (BSD's tcp_timer_persist)", "tcp_ack → tcp_ack_probe re-arms tcp_probe0_when"},
		{"HyStart ends CUBIC's slow start early", func(p policy) any { return p.hystart() }, false, true,
			"RFC 9438 §4.10: RFC 5681 slow start; HyStart++ (RFC 9406) optional", "tcp_cubic.c: hystart = 1, ACK train | delay"},
		{"ACK and data sent from the receive path", func(p policy) any { return p.sendsFromReceivePath() }, false, true,
			"the application runs first: its reply carries the ACK", "tcp_rcv_established: tcp_ack_snd_check in softirq"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.rfc, tt.ask(rfcPolicy{}), "rfc: %s", tt.whyRFC)
			assert.Equal(t, tt.linux, tt.ask(linuxPolicy{}), "linux: %s", tt.why)
		})
	}
}

func TestPolicy_ChosenOnceFromBehaviour(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  func() Config
		want policy
	}{
		{"rfc profile", func() Config { c, _ := Profile("rfc"); return c }, rfcPolicy{}},
		{"linux profile", func() Config { c, _ := Profile("linux"); return c }, linuxPolicy{}},
		{"zero Config", func() Config { return Config{} }, rfcPolicy{}},
		{"unknown behaviour", func() Config { return Config{Behaviour: 7} }, rfcPolicy{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.cfg())
			assert.Equal(t, tt.want, h.host.policy)
		})
	}
	assert.Equal(t, "rfc", BehaviourRFC.String())
	assert.Equal(t, "linux", BehaviourLinux.String())
	assert.Equal(t, "Behaviour(7)", Behaviour(7).String())
	for _, name := range Profiles {
		c, err := Profile(name)
		require.NoError(t, err)
		assert.Equal(t, name, c.Behaviour.String(), "a profile's behaviour carries its name")
	}
}

// TestPolicy_ReceiveWindowOnTheWire: two segments fill a 4000-byte buffer
// the application does not read; then it reads 2000 bytes. The windows
// offered: RFC 9293 §3.8.6.2.2's free space (the right edge never moves
// back). Linux's buffer, whose memory is not its window, has its own tests
// (rcvbuf_test.go).
func TestPolicy_ReceiveWindowOnTheWire(t *testing.T) {
	for _, tt := range []struct {
		name string
		pol  policy
		wins [3]uint32 // after each segment, and the update after the read
	}{
		{"rfc", rfcPolicy{}, [3]uint32{2540, 1080, 3080}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.RecvBuffer = 4000
			// Established as newEstablishedCfg does, without its check of
			// the SYN's window, which is the policy's too.
			h := newHarness(t, cfg, tt.pol)
			h.conn = h.host.Connect(0, localAddr.Port(), remoteAddr)
			h.poll()
			h.expect(0, seg{seq: localISS, flags: wire.SYN, mss: 1460})
			h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460})
			h.expect(ms(50), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack})
			h.autoRead = false
			ackWith := func(n wire.Seq, win uint32) seg {
				return seg{seq: 101, ack: n, flags: ack, win: win, zeroWin: win == 0}
			}
			h.send(ms(100), seg{seq: 301, ack: 101, flags: ack, len: 1460})
			h.expect(ms(100), ackWith(1761, tt.wins[0]))
			h.send(ms(110), seg{seq: 1761, ack: 101, flags: ack, len: 1460})
			h.expect(ms(110), ackWith(3221, tt.wins[1]))
			h.read(ms(200), 2000)
			update := ackWith(3221, tt.wins[2])
			update.labels = trace.LabelWindowUpdate
			h.expect(ms(200), update)
		})
	}
}

// TestPolicy_InitialWindowAfterSYNLoss: after one lost SYN the rfc policy
// starts data with one segment (RFC 5681 §3.1), the linux one with its
// initial window (tcp_init_transfer wants more than one loss).
func TestPolicy_InitialWindowAfterSYNLoss(t *testing.T) {
	for _, tt := range []struct {
		name     string
		pol      policy
		segments int
	}{
		{"rfc", rfcPolicy{}, 1},
		{"linux", mixedPolicy{linuxIW: true}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newSynSent(t, testConfig(), tt.pol)
			h.expect(ms(1000), seg{seq: localISS, flags: wire.SYN, labels: trace.LabelRetransmission})
			h.send(ms(1050), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460})
			h.expect(ms(1050), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack})
			h.write(ms(1100), 3*1460)
			var want []seg
			for i := range tt.segments {
				s := seg{seq: localISS + 1 + wire.Seq(i*1460), ack: remoteISS + 1, flags: ack, len: 1460}
				if i == 2 {
					s.flags = psh
				}
				want = append(want, s)
			}
			h.expect(ms(1100), want...)
		})
	}
}

// TestPolicy_UserTimeoutScopeInSynSent: a 7 s user timeout ends the
// attempt at the third SYN expiry under the RFC (every state), but not
// under Linux, where tcp_syn_retries rules the SYN.
func TestPolicy_UserTimeoutScopeInSynSent(t *testing.T) {
	cfg := testConfig()
	cfg.UserTimeout = 7 * time.Second
	syn := seg{seq: localISS, flags: wire.SYN, labels: trace.LabelRetransmission}

	h := newSynSent(t, cfg, rfcPolicy{})
	h.expect(ms(1000), syn)
	h.expect(ms(3000), syn)
	expectUserTimeoutAbort(t, h, 7000)

	h = newSynSent(t, cfg, mixedPolicy{linuxUserTimeout: true})
	h.expect(ms(1000), syn)
	h.expect(ms(3000), syn)
	h.expect(ms(7000), syn)
	h.expect(ms(15_000), syn)
	assert.Equal(t, StateSynSent, h.conn.State())
}

// TestPolicy_SACKScoreboardAfterRTO: the peer SACKed segments 2–3 and then,
// after the RTO resent segment 1, acknowledges only segment 1 and SACKs
// nothing: it reneged. RFC 2018 §8 cleared the scoreboard at the RTO, so
// the rfc sender resends segment 2 (and 3, slow start) at once; Linux kept
// it, and sends nothing until the next RTO resends the left edge.
func TestPolicy_SACKScoreboardAfterRTO(t *testing.T) {
	for _, tt := range []struct {
		name string
		pol  policy
	}{
		{"rfc", rfcPolicy{}},
		{"linux", mixedPolicy{linuxSACK: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newSACKEstablished(t, tt.pol)
			h.write(ms(100), 3*1460)
			data := func(i int) seg {
				return seg{seq: 101 + wire.Seq(i*1460), ack: 301, flags: ack, len: 1460}
			}
			last := data(2)
			last.flags = psh
			h.expect(ms(100), data(0), data(1), last)
			// Segment 1 was lost; two duplicate ACKs SACK 2–3: two
			// segments, no more than (DupThresh−1)·SMSS, so not enough for
			// RFC 6675 §5 (2) to call segment 1 lost.
			h.send(ms(150), seg{seq: 301, ack: 101, flags: ack, sack: []wire.SACKBlock{{Left: 1561, Right: 2*1460 + 101}}})
			h.send(ms(160), seg{seq: 301, ack: 101, flags: ack, sack: []wire.SACKBlock{{Left: 1561, Right: 4481}}})
			h.expectNothing(ms(160))
			// RTO 1 s after the data: segment 1 again.
			rexmit := data(0)
			rexmit.labels = trace.LabelRetransmission
			h.expect(ms(1100), rexmit)
			// The reneged peer acknowledges segment 1 alone, SACKs nothing.
			h.send(ms(1150), seg{seq: 301, ack: 1561, flags: ack})
			if tt.name == "rfc" {
				again := []seg{data(1), last}
				again[0].labels, again[1].labels = trace.LabelRetransmission, trace.LabelRetransmission
				h.expect(ms(1150), again...)
				return
			}
			h.expectNothing(ms(1150))
			// The RTO goes on at its backed-off 2 s (restarted by the new
			// ACK): the left edge goes, whatever the scoreboard says (RFC
			// 2018 §8's MUST).
			again := data(1)
			again.labels = trace.LabelRetransmission
			h.expectNothing(ms(3149))
			h.expect(ms(3150), again)
		})
	}
}

// newSACKEstablished returns a client that agreed to SACK with its peer in
// a handshake completed at 50 ms, with an initial window of 10 segments.
func newSACKEstablished(t *testing.T, pol policy) *harness {
	t.Helper()
	cfg := testConfig()
	cfg.SACK = true
	cfg.InitialWindow = 10
	h := newSynSent(t, cfg, pol)
	h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460, sackOK: true})
	h.expect(ms(50), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack})
	require.True(t, h.conn.sackOK)
	return h
}

// A host given another policy than its settings' (as tests give one) takes
// that policy's answers too: here, sending from the receive path, as Input
// asked the policy on every segment before the answer was kept.
type receivePathPolicy struct{ rfcPolicy }

func (receivePathPolicy) sendsFromReceivePath() bool { return true }

func TestPolicy_OverrideSendsFromReceivePath(t *testing.T) {
	h := newEstablishedCfg(t, testConfig(), receivePathPolicy{}) // DelayedACK 0: the ACK is due at once
	h.advance(ms(100))
	p := trace.Packet{}
	p.Seg = wire.Segment{Src: remoteAddr, Dst: localAddr, Seq: remoteISS + 1, Ack: localISS + 1, Flags: wire.ACK, Len: 100, Window: 65535}
	h.host.Input(h.now, &p, h.emit)
	require.Len(t, h.out, 1, "the policy sends from the receive path: the ACK goes from Input")
	assert.Equal(t, remoteISS+101, h.out[0].pkt.Seg.Ack)
}
