package tcp

// The linux profile's receive buffer (rcvbuf.go's linuxBuffer), checked
// against the windows Linux 6.18 offers in tcpsim kernel's traces
// (handshake, lost-segment, zero-window).

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// newLinuxServer returns a linux-profile server (settings cfg) that
// accepted a SYN with timestamps and SACK at 10 ms and the handshake's ACK
// at 60 ms; its SYN,ACK must offer synWin and window scale ws.
func newLinuxServer(t *testing.T, cfg Config, synWin uint32, ws uint8) tsHarness {
	t.Helper()
	h := tsHarness{harness: newHarness(t, cfg), off: tsOffsets(1)[0]}
	h.host.Listen(0, localAddr.Port())
	h.sendOpt(ms(10), seg{seq: remoteISS, flags: wire.SYN}, peerSYNOpt(ms(10), true, true, 0))
	o := ts(h.tsval(ms(10)), peerTSval(ms(10)))
	o.MSS, o.SACKPermitted, o.HasWScale, o.WScale = 1460, true, true, ws
	h.expectOpt(ms(10), withOpt{seg{seq: localISS, ack: remoteISS + 1, flags: synAck, win: synWin}, o})
	h.conn = h.host.Conns()[0]
	h.sendOpt(ms(60), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack}, ts(peerTSval(ms(60)), h.tsval(ms(10))))
	assert.Equal(t, StateEstablished, h.conn.State())
	return h
}

// pbyte is the sequence number of the peer's n-th byte of data.
func pbyte(n int) wire.Seq { return remoteISS + 1 + wire.Seq(n) }

// peerSeg sends the i-th (from 0) 1448-byte segment of the peer's data at
// time at, with timestamps.
func (h tsHarness) peerSeg(at sim.Time, i int) {
	h.t.Helper()
	h.sendOpt(at, seg{seq: pbyte(i * 1448), ack: localISS + 1, flags: ack, len: 1448}, ts(peerTSval(at), h.tsval(ms(10))))
}

func TestLinuxBuffer_SYNWindows(t *testing.T) {
	// tcp_select_initial_window on default buffers (sk_rcvbuf = tcp_rmem[1]
	// = 131072, half of it window): 65536 rounded down to whole segments:
	// 44·1460 = 64240 from a client (tcp_connect_init: the MSS without
	// timestamps), 45·1448 = 65160 from a server whose SYN,ACK echoes
	// timestamps (tcp_openreq_init_rwin); the scale covers tcp_rmem[2]
	// (32 MiB: 10). Linux 6.18: SYN w=64240 ws=10, SYN,ACK w=65160 ws=10.
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	assert.Equal(t, uint8(10), h.conn.rcvWscale)
	syn := h.linuxSYN(0)
	assert.Equal(t, uint32(64240), syn.win)
	assert.Equal(t, uint8(10), syn.opt.WScale)
	// The next window is the space left rounded up to the scale's unit
	// (tcp_select_window: ALIGN(64240, 1024) = 64512, as Linux's).
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: localISS + 1, ack: remoteISS + 1, flags: psh, len: 100, win: 64512})

	newLinuxServer(t, linuxConfig(t), 65160, 10)
}

func TestLinuxBuffer_WindowGrowsTwoSegmentsAtATime(t *testing.T) {
	// tcp_grow_window: each full-sized segment raises rcv_ssthresh by two
	// segments (2·advmss = 2920), within the space; the first one also
	// measures the payload/truesize ratio (1448/2304: 160/256), which sets
	// window_clamp to 131072·160/256 = 81920 (tcp_measure_rcv_mss). The
	// windows, rounded up to 1024: 68608, 71680, 74752, as Linux 6.18's in
	// lost-segment; then the space (80480) stops the growth.
	h := newLinuxServer(t, linuxConfig(t), 65160, 10)
	for i, win := range []uint32{68608, 71680, 74752, 77824, 79872, 80896} {
		at := ms(100 + int64(i))
		h.peerSeg(at, i)
		h.expect(at, seg{seq: localISS + 1, ack: pbyte((i + 1) * 1448), flags: ack, win: win})
	}
}

func TestLinuxBuffer_SmallRecvBufferAccepts4344(t *testing.T) {
	// SO_RCVBUF 4096 is 8192 bytes of memory (doubled), locked: window
	// scale 0, and a SYN,ACK of 4096 (half) rounded down to 1448-byte
	// segments, 2896. Each 1448-byte segment costs 2304 (its truesize), and
	// rcv_ssthresh grows to the space, 3680: three segments, 4344 bytes,
	// fit before the space (800) is less than a segment and the window 0,
	// as on Linux 6.18 (the profile used to accept 2896).
	cfg := linuxConfig(t)
	cfg.RecvBuffer = 4096
	h := newLinuxServer(t, cfg, 2896, 0)
	h.autoRead = false
	h.peerSeg(ms(100), 0)
	h.expect(ms(100), seg{seq: localISS + 1, ack: pbyte(1448), flags: ack, win: 2896})
	// One quick ACK (tcp_incr_quickack: 2896 / (2·1448) = 1); the
	// second segment's ACK waits for the delayed-ACK timer (less than half
	// the buffer is free: quick-ack mode is over), which the third finds
	// set; when it fires, the window is closed.
	h.peerSeg(ms(101), 1)
	h.peerSeg(ms(102), 2)
	h.expectNothing(ms(140))
	h.expect(ms(141), seg{seq: localISS + 1, ack: pbyte(4344), flags: ack, zeroWin: true, labels: trace.LabelZeroWindow | trace.LabelDelayedACK})
	// Reading it all frees the memory: the window reopens to whole
	// segments of rcv_ssthresh (__tcp_cleanup_rbuf: it at least doubled).
	h.read(ms(200), 4344)
	h.expect(ms(200), seg{seq: localISS + 1, ack: pbyte(4344), flags: ack, win: 2896, labels: trace.LabelWindowUpdate})
}

func TestLinuxBuffer_InOrderSegmentCopiedIntoTheTailroom(t *testing.T) {
	// tcp_queue_rcv → tcp_try_coalesce → skb_try_coalesce: a segment that
	// continues the receive queue's last skb and fits its tailroom is
	// copied there, and its own skb (and truesize) is freed. A 1012-byte
	// segment arrives in a 2048-byte buffer: 600 bytes of tailroom. On
	// Linux 6.18 (tcpsim kernel zero-window, SO_RCVBUF 4096) the last 144
	// bytes and the FIN, arriving behind a 1012-byte segment, left the
	// window at 1012; charged 1280 bytes of their own they would close it.
	b := newLinuxBuffer(4096, false)
	const s0 = wire.Seq(1000)
	b.charge(s0, 1012, true)
	assert.Equal(t, uint32(2304), b.rmem)
	b.charge(s0+1012, 144, true) // into the tailroom: free
	assert.Equal(t, uint32(2304), b.rmem)
	assert.Len(t, b.skbs, 1)
	b.charge(s0+1156, 500, true) // 456 left: a skb of its own (1024-byte buffer)
	assert.Equal(t, uint32(2304+1280), b.rmem)
	b.charge(s0+5000, 100, false) // out of order: never coalesced here
	assert.Equal(t, uint32(2304+1280+1280), b.rmem)
	// Reading past the first skb frees it with what was copied into it.
	b.read(s0 + 1156)
	assert.Equal(t, uint32(2560), b.rmem)
}

func TestLinuxBuffer_LargeSORcvbufOpensTheWholeSpaceAtOnce(t *testing.T) {
	// tcp_select_initial_window sets rcv_wnd to the whole space, rounded
	// down to segments; only the SYN's 16-bit field is capped at 65535.
	// rcv_ssthresh starts there, so with SO_RCVBUF 4 MiB (8 MiB of memory,
	// 4 MiB of window) the first ACK already offers about 4 MiB: Linux
	// 6.18's client in mathis offered 4193152 (32759 × 128) in the
	// handshake's ACK. (Without the full space it would grow from 65535 by
	// two segments per segment, as lost-segment's default buffer does.)
	// The segment also sets the payload ratio (1448/2304), which raises
	// the clamp: 32780 × 128.
	cfg := linuxConfig(t)
	cfg.RecvBuffer = 4 << 20
	h := newLinuxServer(t, cfg, 65535, 7)
	h.autoRead = false
	h.peerSeg(ms(100), 0)
	h.expect(ms(100), seg{seq: localISS + 1, ack: pbyte(1448), flags: ack, win: 4195840})
}

func TestLinuxBuffer_RememberedWindowIsTheWindowChosenAfresh(t *testing.T) {
	// window keeps the last window it chose until the buffer changes
	// (memo): asked again from the same room, it must answer what
	// __tcp_select_window and tcp_select_window would choose now. Segments
	// arrive (in order and not, of sizes that coalesce and not), the
	// application reads, and after each step windows are asked for twice.
	rng := rand.New(rand.NewPCG(1, 2))
	for _, scaling := range []bool{false, true} {
		b := newLinuxBuffer(16384, scaling)
		b.synWindow(windowRoom{}, 1448)
		b.established(1460, 14480)
		next, read := wire.Seq(1), wire.Seq(1)
		fresh := func(r windowRoom) (uint32, bool) {
			w, tight := b.selectWindow(r)
			return max(w, alignUp(r.offered, b.wscale)), tight
		}
		for step := range 2000 {
			switch n := uint32(1 + rng.IntN(1448)); rng.IntN(4) {
			case 0, 1:
				b.arrived(arrival{seq: next, n: n, inOrder: true, rcvMSS: 1448, rcvWnd: 8192})
				next = next.Add(n)
			case 2:
				b.arrived(arrival{seq: next.Add(3000), n: n, sack: true, rcvMSS: 1448, rcvWnd: 8192})
			case 3:
				read = read.Add(min(n, read.Size(next)))
				b.read(read)
			}
			for range 3 {
				// Few rooms, so that the same room is asked for again
				// across changes of the buffer.
				r := windowRoom{lastWnd: 2896 * uint32(rng.IntN(3)), largest: 65535 << b.wscale,
					offered: 1448 * uint32(rng.IntN(3)), sndMSS: 1448}
				wantW, wantTight := fresh(r)
				for range 2 {
					w, tight := b.window(r)
					require.Equal(t, wantW, w, "step %d, room %+v", step, r)
					require.Equal(t, wantTight, tight, "step %d, room %+v", step, r)
				}
			}
		}
	}
}
