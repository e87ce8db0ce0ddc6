package tcp

// RFC 7323 §3 (the timestamps option: negotiated on the SYNs, then in every
// segment), §4.3 (which timestamp to echo: TS.Recent, taken only from a
// segment at or before Last.ACK.sent, never moving backwards), §5.4 (the
// timestamp clock) and §3.2 with RFC 9293 §3.7.1 (the option's 12 bytes
// come out of each segment's data).

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// pseq is the sequence number of the peer's k-th 100-byte data segment.
func pseq(k int) wire.Seq { return remoteISS + 1 + wire.Seq(100*k) }

// peerData is the peer's k-th 100-byte data segment.
func peerData(k int) seg { return seg{seq: pseq(k), ack: localISS + 1, flags: psh, len: 100} }

// ackTo is our pure ACK up to the start of the peer's k-th segment.
func ackTo(k int) seg { return seg{seq: localISS + 1, ack: pseq(k), flags: ack} }

func TestTimestamps_SYNCarriesClockPlusOffset(t *testing.T) {
	cfg := linuxConfig(t)
	h := tsHarness{harness: newHarness(t, cfg), off: tsOffsets(1)[0]}
	// RFC 7323 §5.4: a clock of 1 ms; the offset is drawn per connection
	// (as Linux does since 4.10) from the host's seeded stream.
	h.advance(ms(1234))
	h.conn = h.host.Connect(ms(1234), localAddr.Port(), remoteAddr)
	h.poll()
	h.expectOpt(ms(1234), h.linuxSYN(ms(1234)))
	assert.Equal(t, 1234+h.off, h.tsval(ms(1234)))
	// The retransmitted SYN reads the clock again (RTO 1 s).
	re := h.linuxSYN(ms(2234))
	re.noLabels = false
	h.expectOpt(ms(2234), re)

	// A second connection draws its own offset: the host's next number.
	h.advance(ms(3000))
	c2 := h.host.Connect(ms(3000), localAddr.Port()+1, remoteAddr)
	h.poll()
	require.Len(t, h.out, 1)
	got := h.out[0].pkt.Seg
	h.out = nil
	offs := tsOffsets(2)
	require.NotEqual(t, offs[0], offs[1])
	assert.Equal(t, c2.local, got.Src)
	assert.Equal(t, wire.SYN, got.Flags)
	assert.True(t, got.Opt.HasTimestamp)
	assert.Equal(t, 3000+offs[1], got.Opt.TSVal)
	assert.Equal(t, uint32(0), got.Opt.TSEcr, "RFC 7323 §3.2: no ACK, TSecr 0")
}

func TestTimestamps_SYNACKEchoesSYN(t *testing.T) {
	h := tsHarness{harness: newHarness(t, linuxConfig(t)), off: tsOffsets(1)[0]}
	h.host.Listen(0, localAddr.Port())
	h.sendOpt(ms(10), seg{seq: remoteISS, flags: wire.SYN}, peerSYNOpt(ms(10), true, true, 0))
	// RFC 7323 §3.2: the SYN,ACK carries the option because the SYN did,
	// and its TSecr is the SYN's TSval (7010).
	synack := func(at sim.Time) withOpt {
		o := ts(h.tsval(at), 7010)
		o.MSS, o.SACKPermitted, o.HasWScale, o.WScale = 1460, true, true, 10
		return withOpt{seg{seq: localISS, ack: remoteISS + 1, flags: synAck, win: 65160}, o}
	}
	h.expectOpt(ms(10), synack(ms(10)))
	require.Len(t, h.host.Conns(), 1)
	h.conn = h.host.Conns()[0]
	// Lost: resent 1 s later with a new TSval and the same echo.
	h.expectNothing(ms(1009))
	h.expectOpt(ms(1010), synack(ms(1010)))
	// The handshake's ACK completes it; data from then on carries the option.
	h.sendOpt(ms(1060), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack}, ts(7060, h.tsval(ms(1010))))
	assert.Equal(t, StateEstablished, h.conn.State())
	h.write(ms(1100), 10)
	h.expectOpt(ms(1100), withOpt{seg{seq: localISS + 1, ack: remoteISS + 1, flags: psh, len: 10}, ts(h.tsval(ms(1100)), 7060)})
}

func TestTimestamps_EchoTSRecent(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	// The handshake's ACK echoed the SYN,ACK's TSval (7050); now the peer's
	// data at 100 ms (TSval 7100) is echoed by the ACK and by our data.
	h.sendOpt(ms(100), peerData(0), h.peerOpt(ms(100), h.tsval(ms(50))))
	h.expectOpt(ms(100), withOpt{ackTo(1), ts(h.tsval(ms(100)), 7100)})
	h.write(ms(130), 10)
	h.expectOpt(ms(130), withOpt{seg{seq: localISS + 1, ack: pseq(1), flags: psh, len: 10}, ts(h.tsval(ms(130)), 7100)})
	// A pure ACK from the peer (TSval 7180) starts at RCV.NXT: it updates
	// TS.Recent too (RFC 7323 §4.3), as the next segment shows.
	h.sendOpt(ms(180), seg{seq: pseq(1), ack: localISS + 11, flags: ack}, h.peerOpt(ms(180), h.tsval(ms(130))))
	h.expectNothing(ms(180))
	h.write(ms(200), 10)
	h.expectOpt(ms(200), withOpt{seg{seq: localISS + 11, ack: pseq(1), flags: psh, len: 10}, ts(h.tsval(ms(200)), 7180)})
}

func TestTimestamps_OptionReducesMSS(t *testing.T) {
	// RFC 7323 §3.2 with RFC 9293 §3.7.1: the 12 bytes of the option (10,
	// padded) come out of every segment: a 1460-byte MSS carries 1448.
	// The two full segments go as one GSO packet (gso.go), the last 104
	// bytes at once too (Linux's Nagle holds a short segment only behind
	// another short one: tcp_minshall_check).
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	h.write(ms(100), 3000)
	h.expect(ms(100), append(inGSO(2,
		seg{seq: 101, ack: 301, flags: ack, len: 1448},
		seg{seq: 1549, ack: 301, flags: ack, len: 1448}),
		seg{seq: 2997, ack: 301, flags: psh, len: 104})...)
	assert.Equal(t, uint32(1448), h.conn.sndMSS)

	// Without the option the segments are full-sized.
	h = newLinuxEstablished(t, linuxConfig(t), true, false)
	h.write(ms(100), 3000)
	h.expect(ms(100), append(inGSO(2,
		seg{seq: 101, ack: 301, flags: ack, len: 1460},
		seg{seq: 1561, ack: 301, flags: ack, len: 1460}),
		seg{seq: 3021, ack: 301, flags: psh, len: 80})...)
	assert.Equal(t, uint32(1460), h.conn.sndMSS)
}

func TestTimestamps_OnlyWhenBothSYNsCarryIt(t *testing.T) {
	t.Run("peer's SYN,ACK without", func(t *testing.T) {
		// Our SYN offered it; the SYN,ACK did not: no option from then on.
		h := newLinuxEstablished(t, linuxConfig(t), true, false)
		h.write(ms(100), 10)
		h.expectOpt(ms(100), withOpt{seg{seq: 101, ack: 301, flags: psh, len: 10}, wire.Options{}})
		// The peer's timestamps, if it sends them anyway, are not echoed.
		h.sendOpt(ms(150), peerData(0), ts(7150, 0))
		h.expectOpt(ms(150), withOpt{seg{seq: 111, ack: pseq(1), flags: ack}, wire.Options{}})
	})
	t.Run("peer's SYN without", func(t *testing.T) {
		h := tsHarness{harness: newHarness(t, linuxConfig(t))}
		h.host.Listen(0, localAddr.Port())
		h.sendOpt(ms(10), seg{seq: remoteISS, flags: wire.SYN}, peerSYNOpt(ms(10), true, false, 0))
		// RFC 7323 §3.2: a SYN,ACK carries the option only if the SYN did.
		h.expectOpt(ms(10), withOpt{seg{seq: localISS, ack: remoteISS + 1, flags: synAck},
			wire.Options{MSS: 1460, SACKPermitted: true, HasWScale: true, WScale: 10}})
		h.conn = h.host.Conns()[0]
		h.sendOpt(ms(60), peerData(0), wire.Options{})
		h.expectOpt(ms(60), withOpt{ackTo(1), wire.Options{}})
	})
	t.Run("we do not offer it, as server", func(t *testing.T) {
		cfg := linuxConfig(t)
		cfg.Timestamps = false
		h := tsHarness{harness: newHarness(t, cfg)}
		h.host.Listen(0, localAddr.Port())
		h.sendOpt(ms(10), seg{seq: remoteISS, flags: wire.SYN}, peerSYNOpt(ms(10), true, true, 0))
		h.expectOpt(ms(10), withOpt{seg{seq: localISS, ack: remoteISS + 1, flags: synAck},
			wire.Options{MSS: 1460, SACKPermitted: true, HasWScale: true, WScale: 10}})
		h.conn = h.host.Conns()[0]
		h.sendOpt(ms(60), peerData(0), ts(7060, 0))
		h.expectOpt(ms(60), withOpt{ackTo(1), wire.Options{}})
		h.write(ms(100), 2920) // full-sized segments: no option takes room
		h.expect(ms(100), seg{seq: 101, ack: pseq(1), flags: ack, len: 1460}, seg{seq: 1561, ack: pseq(1), flags: psh, len: 1460})
	})
	t.Run("we do not offer it, as client", func(t *testing.T) {
		cfg := linuxConfig(t)
		cfg.Timestamps = false
		h := tsHarness{harness: newHarness(t, cfg)}
		h.conn = h.host.Connect(0, localAddr.Port(), remoteAddr)
		h.poll()
		h.expectOpt(0, withOpt{seg{seq: localISS, flags: wire.SYN}, wire.Options{MSS: 1460, SACKPermitted: true, HasWScale: true, WScale: 10}})
		// A SYN,ACK with the option we did not offer: it is not agreed.
		h.sendOpt(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck}, peerSYNOpt(ms(50), true, true, 0))
		h.expectOpt(ms(50), withOpt{seg{seq: 101, ack: 301, flags: ack}, wire.Options{}})
		h.write(ms(100), 2920)
		h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, len: 1460}, seg{seq: 1561, ack: 301, flags: psh, len: 1460})
	})
}

func TestTimestamps_TSRecentOnlyUpToLastACKSent(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	h.sendOpt(ms(100), peerData(0), h.peerOpt(ms(100), 0))
	h.expectOpt(ms(100), withOpt{ackTo(1), ts(h.tsval(ms(100)), 7100)})
	// RFC 7323 §4.3 (C): segment 2 arrives before 1 (lost). It starts past
	// Last.ACK.sent, so its TSval (7110) is not taken: the duplicate ACK
	// echoes 7100.
	h.sendOpt(ms(110), peerData(2), h.peerOpt(ms(110), 0))
	h.expectOpt(ms(110), withOpt{ackTo(1), sack(ts(h.tsval(ms(110)), 7100), [2]wire.Seq{pseq(2), pseq(3)})})
	// Segment 1 fills the hole: its TSval (7120) is echoed, the later one's
	// (segment 2's) is not.
	h.sendOpt(ms(120), peerData(1), h.peerOpt(ms(120), 0))
	h.expectOpt(ms(120), withOpt{ackTo(3), ts(h.tsval(ms(120)), 7120)})
}

func TestTimestamps_DelayedACKEchoesEarliest(t *testing.T) {
	cfg := linuxConfig(t)
	cfg.QuickACKs = 0 // delay ACKs from the first segment on
	h := newLinuxEstablished(t, cfg, true, true)
	// The application does not read: Linux would send the ACK of a pushed
	// segment when it is read (__tcp_cleanup_rbuf).
	h.autoRead = false
	// RFC 7323 §4.3 (A): two segments are acknowledged by one ACK; it
	// echoes the earlier one's TSval (7100), because the later one started
	// past Last.ACK.sent (Linux: after rcv_wup, tcp_replace_ts_recent).
	h.sendOpt(ms(100), peerData(0), h.peerOpt(ms(100), 0))
	h.expectNothing(ms(100))
	h.sendOpt(ms(105), peerData(1), h.peerOpt(ms(105), 0))
	// Two 100-byte segments are not more than one of the 536 bytes Linux
	// takes a segment to be (tcp_initialize_rcv_mss): the 40 ms timer of the
	// first sends the ACK of both.
	h.expectNothing(ms(139))
	h.expectOpt(ms(140), withOpt{seg: ackTo(2), opt: ts(h.tsval(ms(140)), 7100)})
	// One segment, ACKed when its own timer fires: its own TSval. The
	// timer that fired doubled the ATO to 80 ms (tcp_delack_timer_handler);
	// tcp_send_delayed_ack bounds it by the RTT, 50 ms.
	h.sendOpt(ms(200), peerData(2), h.peerOpt(ms(200), 0))
	h.expectNothing(ms(249))
	h.expectOpt(ms(250), withOpt{ackTo(3), ts(h.tsval(ms(250)), 7200)})
}

func TestTimestamps_TSRecentNeverMovesBackwards(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	sent := uint32(0) // the data we have sent so far
	// echoOf has the peer send a pure ACK at RCV.NXT with TSval v at time
	// at, then has us send one byte: the TSecr it carries.
	echoOf := func(at sim.Time, v uint32) uint32 {
		t.Helper()
		h.sendOpt(at, seg{seq: pseq(0), ack: localISS + 1 + wire.Seq(sent), flags: ack}, ts(v, 0))
		h.expectNothing(at)
		h.write(at, 1)
		require.Len(t, h.out, 1)
		got := h.out[0].pkt.Seg
		h.out = nil
		require.Equal(t, localISS+1+wire.Seq(sent), got.Seq)
		require.Equal(t, uint32(1), got.Len)
		sent++
		return got.Opt.TSEcr
	}
	// RFC 7323 §4.3: TS.Recent takes SEG.TSval only if SEG.TSval ≥ TS.Recent,
	// compared modulo 2^32 (§5.2), so it never moves back.
	for i, tt := range []struct {
		tsval, want uint32
	}{
		{7100, 7100},
		{7050, 7100},             // older: ignored
		{7100, 7100},             // equal: kept
		{0x80001abc, 0x80001abc}, // 2^31 − 5440 ahead: newer
		{7100, 0x80001abc},       // now 2^31 + 5440 ahead, so older
		{0xfffffff0, 0xfffffff0},
		{0x10, 0x10},             // across the wrap: newer
		{0xfffffff8, 0x10},       // older
		{0x0, 0x10},              // older
		{0x7fffffff, 0x7fffffff}, // 2^31 − 17 ahead: newer
	} {
		at := ms(100 + 100*int64(i))
		assert.Equal(t, tt.want, echoOf(at, tt.tsval), "#%d: TSval %#x", i, tt.tsval)
	}
}

func TestTimestamps_UnacceptableSegmentsDoNotUpdate(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	h.sendOpt(ms(100), peerData(0), h.peerOpt(ms(100), 0))
	h.expectOpt(ms(100), withOpt{ackTo(1), ts(h.tsval(ms(100)), 7100)})
	// RFC 7323 §5.3: R2 (a segment outside the window is rejected) comes
	// before R3 (TS.Recent takes SEG.TSval), so a segment that fails the
	// acceptability test (RFC 9293 §3.10.7.4) leaves TS.Recent alone, as in
	// Linux, where tcp_validate_incoming drops it before tcp_ack. Except,
	// on Linux, a duplicate that ends where our last ACK did: tcp_sequence
	// lets it through (its end is not before rcv_wup) and
	// tcp_replace_ts_recent keeps its TSval, so the ACK echoes the resend
	// (Linux 6.18's lost-ack: the ACK of the resent request echoes it). The
	// rfc rule echoes 7100 (TestTimestamps_DuplicateKeepsTSRecentUnderRFC).
	h.sendOpt(ms(200), peerData(0), h.peerOpt(ms(200), 0))
	h.expectOpt(ms(200), withOpt{ackTo(1), ts(h.tsval(ms(200)), 7200)})
	// A keepalive probe, SEQ = RCV.NXT − 1 (RFC 1122 §4.2.3.6):
	h.sendOpt(ms(300), seg{seq: pseq(1) - 1, ack: localISS + 1, flags: ack}, h.peerOpt(ms(300), 0))
	h.expectOpt(ms(300), withOpt{ackTo(1), ts(h.tsval(ms(300)), 7200)})
	// A segment past the window:
	h.sendOpt(ms(400), seg{seq: pseq(1) + 200_000, ack: localISS + 1, flags: psh, len: 100}, h.peerOpt(ms(400), 0))
	h.expectOpt(ms(400), withOpt{ackTo(1), ts(h.tsval(ms(400)), 7200)})
	// An acceptable segment starting before RCV.NXT (a retransmission that
	// also carries new data) does update it.
	h.sendOpt(ms(500), seg{seq: pseq(0) + 50, ack: localISS + 1, flags: psh, len: 100}, h.peerOpt(ms(500), 0))
	h.expectOpt(ms(500), withOpt{seg{seq: localISS + 1, ack: pseq(1) + 50, flags: ack}, ts(h.tsval(ms(500)), 7500)})
	// An older duplicate, which ends before our last ACK, does not.
	h.sendOpt(ms(600), peerData(0), h.peerOpt(ms(600), 0))
	h.expectOpt(ms(600), withOpt{seg{seq: localISS + 1, ack: pseq(1) + 50, flags: ack}, ts(h.tsval(ms(600)), 7500)})
}

func TestTimestamps_DuplicateKeepsTSRecentUnderRFC(t *testing.T) {
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	h.setPolicy(mixedPolicy{})
	h.sendOpt(ms(100), peerData(0), h.peerOpt(ms(100), 0))
	h.expectOpt(ms(100), withOpt{ackTo(1), ts(h.tsval(ms(100)), 7100)})
	// RFC 7323 §4.3 (2): Last.ACK.sent is not inside the duplicate.
	h.sendOpt(ms(200), peerData(0), h.peerOpt(ms(200), 0))
	h.expectOpt(ms(200), withOpt{ackTo(1), ts(h.tsval(ms(200)), 7100)})
}
