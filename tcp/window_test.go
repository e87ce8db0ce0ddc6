package tcp

// RFC 7323 §2 (window scaling), RFC 9293 §3.8.6 (managing the window):
// §3.8.6.1 zero windows, §3.8.6.2.2 the receiver's silly window syndrome
// avoidance and window updates.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// scalingConfig offers window scaling with a 200,000-byte receive buffer:
// the smallest shift that advertises it whole is 2 (200000 >> 2 = 50000).
func scalingConfig() Config {
	cfg := testConfig()
	cfg.WindowScaling = true
	cfg.RecvBuffer = 200_000
	return cfg
}

func TestWindow_ScalingBothOffer(t *testing.T) {
	h := newHarness(t, scalingConfig())
	h.conn = h.host.Connect(0, localAddr.Port(), remoteAddr)
	h.poll()
	// RFC 7323 §2.2: the SYN's window is never scaled: 65535, not 200000 >> 2.
	h.expect(0, seg{seq: localISS, flags: wire.SYN, win: 65535, field: 65535, mss: 1460, hasWScale: true, wscale: 2})
	// The SYN,ACK's window of 2000 is not scaled either, though it offers 7.
	h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460, win: 2000, hasWScale: true, wscale: 7})
	h.peerWscale = 7
	// From now on our windows are scaled by 2: the field is 50000.
	h.expect(ms(50), seg{seq: 101, ack: 301, flags: ack, win: 200_000, field: 50_000})
	// 2000 bytes of window: one segment; 540 would be a silly small one.
	h.write(ms(100), 5000)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, len: 1460, field: 50_000})
	// The peer's window field 23 means 23 << 7 = 2944 bytes: two segments.
	h.send(ms(150), seg{seq: 301, ack: 1561, flags: ack, win: 23 << 7})
	assert.Equal(t, uint32(2944), h.conn.sndWnd)
	h.expect(ms(150),
		seg{seq: 1561, ack: 301, flags: ack, len: 1460},
		seg{seq: 3021, ack: 301, flags: ack, len: 1460})
}

func TestWindow_ScalingOnlyWeOffer(t *testing.T) {
	h := newHarness(t, scalingConfig())
	h.conn = h.host.Connect(0, localAddr.Port(), remoteAddr)
	h.poll()
	h.expect(0, seg{seq: localISS, flags: wire.SYN, win: 65535, mss: 1460, hasWScale: true, wscale: 2})
	// RFC 7323 §1.3: scaling is used only if both sides send the option;
	// otherwise both shifts are 0.
	h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460, win: 2000})
	h.expect(ms(50), seg{seq: 101, ack: 301, flags: ack, win: 65535, field: 65535})
	h.write(ms(100), 1000)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 1000, field: 65535})
	// The peer's window field is bytes.
	h.send(ms(150), seg{seq: 301, ack: 1101, flags: ack, win: 2944})
	assert.Equal(t, uint32(2944), h.conn.sndWnd)
}

func TestWindow_ScalingOnlyPeerOffers(t *testing.T) {
	h := newHarness(t, testConfig()) // no window scaling here
	h.host.Listen(0, localAddr.Port())
	h.send(ms(10), seg{seq: remoteISS, flags: wire.SYN, mss: 1460, hasWScale: true, wscale: 7})
	// RFC 7323 §2.2: the option goes in a SYN,ACK only if the SYN had it and
	// we do scaling ourselves.
	h.expect(ms(10), seg{seq: localISS, ack: remoteISS + 1, flags: synAck, win: 65535, mss: 1460, noWScale: true})
	h.conn = h.host.Conns()[0]
	h.send(ms(60), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack, win: 100})
	require.Equal(t, StateEstablished, h.conn.State())
	assert.Equal(t, uint32(100), h.conn.sndWnd, "not 100 << 7")
	// 1000 bytes into 100 bytes of window, well under half the largest
	// window offered (65535): nothing goes (sender SWS avoidance).
	h.write(ms(100), 1000)
	h.expectNothing(ms(100))
}

func TestWindow_ScalingPassiveBothOffer(t *testing.T) {
	h := newHarness(t, scalingConfig())
	h.host.Listen(0, localAddr.Port())
	h.send(ms(10), seg{seq: remoteISS, flags: wire.SYN, mss: 1460, win: 1000, hasWScale: true, wscale: 3})
	h.expect(ms(10), seg{seq: localISS, ack: remoteISS + 1, flags: synAck, win: 65535, field: 65535, mss: 1460, hasWScale: true, wscale: 2})
	h.conn = h.host.Conns()[0]
	assert.Equal(t, uint32(1000), h.conn.sndWnd, "the SYN's window is not scaled")
	h.peerWscale = 3
	h.send(ms(60), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack, win: 8000})
	assert.Equal(t, uint32(8000), h.conn.sndWnd)
	h.send(ms(70), seg{seq: remoteISS + 1, ack: localISS + 1, flags: psh, len: 10, win: 8000})
	h.expect(ms(70), seg{seq: localISS + 1, ack: remoteISS + 11, flags: ack, win: 200_000, field: 50_000})
}

func TestWindow_ScaleAbove14IsTakenAs14(t *testing.T) {
	h := newHarness(t, scalingConfig())
	h.conn = h.host.Connect(0, localAddr.Port(), remoteAddr)
	h.poll()
	h.expect(0, seg{seq: localISS, flags: wire.SYN})
	// RFC 7323 §2.3: a shift over 14 "MUST use 14 instead".
	h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460, hasWScale: true, wscale: 15})
	h.expect(ms(50), seg{seq: 101, ack: 301, flags: ack})
	h.sendRaw(ms(60), wire.Segment{Src: remoteAddr, Dst: localAddr, Seq: 301, Ack: 101, Flags: ack, Window: 1})
	assert.Equal(t, uint32(1)<<14, h.conn.sndWnd)
}

func TestWindow_ShrinksByBytesReceivedToZero(t *testing.T) {
	h := newEstablished(t)
	h.autoRead = false
	// Nothing is read: each segment takes its length off the window
	// (RCV.NXT+RCV.WND stays put). 65535 = 44·1460 + 1295.
	seq := wire.Seq(301)
	for i := 1; i <= 44; i++ {
		h.send(ms(int64(100+i)), seg{seq: seq, ack: 101, flags: ack, len: 1460})
		seq = seq.Add(1460)
		h.expect(ms(int64(100+i)), seg{seq: 101, ack: seq, flags: ack, win: uint32(65535 - 1460*i), noLabels: true})
	}
	h.send(ms(200), seg{seq: seq, ack: 101, flags: psh, len: 1295})
	h.expect(ms(200), seg{seq: 101, ack: 65836, flags: ack, zeroWin: true, labels: trace.LabelZeroWindow})
	assert.Equal(t, 65535, h.conn.Readable())
}

func TestWindow_UpdateWhenApplicationFreesEnough(t *testing.T) {
	h := newEstablished(t)
	h.autoRead = false
	h.send(ms(100), seg{seq: 301, ack: 101, flags: ack, len: 65535})
	h.expect(ms(100), seg{seq: 101, ack: 65836, flags: ack, zeroWin: true, labels: trace.LabelZeroWindow})
	// RFC 9293 §3.8.6.2.2: the right edge moves only once
	// RCV.BUFF − RCV.USER − RCV.WND >= min(Fr·RCV.BUFF, Eff.snd.MSS) =
	// min(32767, 1460) = 1460. 1000 bytes read: not yet.
	h.read(ms(200), 1000)
	h.expectNothing(ms(200))
	// 460 more: 1460 free, the window reopens and the peer must hear of it.
	h.read(ms(300), 460)
	h.expect(ms(300), seg{seq: 101, ack: 65836, flags: ack, win: 1460, labels: trace.LabelWindowUpdate})
	// The peer fills it; nothing more is read.
	h.send(ms(350), seg{seq: 65836, ack: 101, flags: ack, len: 1460})
	h.expect(ms(350), seg{seq: 101, ack: 67296, flags: ack, zeroWin: true, labels: trace.LabelZeroWindow})
}

func TestWindow_ReceiverSWSHalfBuffer(t *testing.T) {
	cfg := testConfig()
	cfg.RecvBuffer = 2000
	h := newEstablishedCfg(t, cfg)
	// The application reads 300 bytes each time 500 arrive. The right edge
	// (2301) stays until 2000 − unread − RCV.WND >= min(2000/2, 1460) = 1000.
	h.onReadable = func(now sim.Time, c *Conn) { c.Read(now, 300) }
	for i, want := range []uint32{1500, 1000, 500} {
		at := ms(int64(100 + 10*i))
		seq := wire.Seq(301 + 500*i)
		h.send(at, seg{seq: seq, ack: 101, flags: ack, len: 500})
		h.expect(at, seg{seq: 101, ack: seq.Add(500), flags: ack, win: want})
	}
	// 800 unread: 2000 − 800 − 0 = 1200 >= 1000: the window is 1200.
	h.send(ms(130), seg{seq: 1801, ack: 101, flags: ack, len: 500})
	h.expect(ms(130), seg{seq: 101, ack: 2301, flags: ack, win: 1200})
}

func TestWindow_ReceiverSWSOneMSS(t *testing.T) {
	h := newEstablished(t)
	// The application reads 1000 bytes each time 1460 arrive; the window
	// moves in steps of at least one MSS (1460 < 65535/2).
	h.onReadable = func(now sim.Time, c *Conn) { c.Read(now, 1000) }
	for i, want := range []uint32{64075, 64615, 63155, 63695} {
		at := ms(int64(100 + 10*i))
		seq := wire.Seq(301 + 1460*i)
		h.send(at, seg{seq: seq, ack: 101, flags: ack, len: 1460})
		h.expect(at, seg{seq: 101, ack: seq.Add(1460), flags: ack, win: want})
	}
}

func TestWindow_ReceiverSWSUsesEffectiveSendMSS(t *testing.T) {
	h := newSynSent(t, testConfig())
	h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck}) // no MSS option: 536
	h.expect(ms(50), seg{seq: 101, ack: 301, flags: ack})
	// "the receiver must use its own Eff.snd.MSS": min(Fr·65535, 536) = 536.
	h.onReadable = func(now sim.Time, c *Conn) { c.Read(now, 300) }
	h.send(ms(100), seg{seq: 301, ack: 101, flags: ack, len: 536})
	h.expect(ms(100), seg{seq: 101, ack: 837, flags: ack, win: 65535 - 536}) // 300 freed: held
	h.send(ms(110), seg{seq: 837, ack: 101, flags: ack, len: 536})
	h.expect(ms(110), seg{seq: 101, ack: 1373, flags: ack, win: 65535 - 472}) // 600 freed: moves
}

func TestWindow_PeerZeroWindowStopsAndUpdateResumes(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(60), seg{seq: 301, ack: 101, flags: ack, zeroWin: true})
	assert.Equal(t, uint32(0), h.conn.sndWnd)
	h.write(ms(100), 100)
	h.expectNothing(ms(100))
	// The window reopens (a window update: same ACK, larger window).
	h.send(ms(500), seg{seq: 301, ack: 101, flags: ack, win: 1000})
	h.expect(ms(500), seg{seq: 101, ack: 301, flags: psh, len: 100})
}

func TestWindow_ZeroWindowProbing(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(60), seg{seq: 301, ack: 101, flags: ack, zeroWin: true})
	h.write(ms(100), 100)
	// RFC 9293 §3.8.6.1: "The transmitting host SHOULD send the first
	// zero-window probe when a zero window has existed for the retransmission
	// timeout period (SHLD-29) ... and SHOULD increase exponentially the
	// interval between successive probes (SHLD-30)"; a probe carries "at
	// least one octet of new data".
	probe := seg{seq: 101, ack: 301, flags: ack, len: 1, labels: trace.LabelZeroWindowProbe}
	h.expectNothing(ms(1099))
	h.expect(ms(1100), probe)
	h.send(ms(1150), seg{seq: 301, ack: 101, flags: ack, zeroWin: true}) // still closed
	h.expectNothing(ms(3099))
	h.expect(ms(3100), probe)
	// The window opens (the probe's byte was not taken): the data goes, and
	// the probes stop.
	h.send(ms(3150), seg{seq: 301, ack: 101, flags: ack, win: 1000})
	h.expect(ms(3150), seg{seq: 101, ack: 301, flags: psh, len: 100})
	h.send(ms(3200), seg{seq: 301, ack: 201, flags: ack})
	h.expectNothing(ms(100_000))
}

func TestWindow_ZeroWindowProbeByteTaken(t *testing.T) {
	h := newEstablished(t)
	h.send(ms(60), seg{seq: 301, ack: 101, flags: ack, zeroWin: true})
	h.write(ms(100), 100)
	h.expect(ms(1100), seg{seq: 101, ack: 301, flags: ack, len: 1, labels: trace.LabelZeroWindowProbe})
	// The peer's application read meanwhile: it takes the byte and opens
	// the window; the other 99 follow.
	h.send(ms(1150), seg{seq: 301, ack: 102, flags: ack, win: 1000})
	h.expect(ms(1150), seg{seq: 102, ack: 301, flags: psh, len: 99})
}
