package tcp

import (
	"math/bits"

	"github.com/tcpsim/tcpsim/wire"
)

// The receive buffer: what it holds and the window it offers. How the two
// relate is the connection's rcvBuffer, chosen once by the policy
// (receiveBuffer): rfcBuffer counts the bytes waiting to be read against
// RecvBuffer and offers the free space, moving the window's right edge in
// steps (RFC 9293 §3.8.6.2.2); linuxBuffer is Linux's memory accounting
// (net/ipv4/tcp_input.c, tcp_output.c, include/net/tcp.h):
//
//   - RecvBuffer is SO_RCVBUF: the kernel doubles it (sk_rcvbuf, socket(7)),
//     at most net.core.rmem_max. The linux profile's default, 65536, stands
//     for no SO_RCVBUF at all: sk_rcvbuf is then tcp_rmem[1], 131072, the
//     same size, but not locked (SOCK_RCVBUF_LOCK), so the window scale and
//     window_clamp cover tcp_rmem[2] instead of the buffer.
//   - A segment costs its skb's truesize, not its length: 2 KiB of buffer
//     and the sk_buff for a full-sized one. The window is the free memory
//     times scaling_ratio (since Linux 6.7, in place of tcp_adv_win_scale),
//     the payload/truesize ratio: 50% until a segment larger than the
//     guessed one is seen (TCP_DEFAULT_SCALING_RATIO), then that segment's
//     (tcp_measure_rcv_mss), which resets window_clamp.
//   - The SYN offers the space rounded down to whole segments
//     (tcp_select_initial_window): 64240 bytes from a client, 65160 from a
//     server that echoes timestamps, on default buffers; the window scale
//     covers tcp_rmem[2] (32 MiB: 10), or only the buffer when SO_RCVBUF was
//     set.
//   - Once established, window_clamp keeps one segment in reserve
//     (tcp_init_buffer_space), and rcv_ssthresh, which the window never
//     exceeds, starts at the SYN's window and grows by two segments with
//     each segment of data (tcp_grow_window), which also earns a quick ACK.
//   - The window offered (__tcp_select_window): 0 below one segment or a
//     sixteenth of the buffer when less than half is free; else the free
//     space, at most rcv_ssthresh, rounded up to the scale unit (or down to
//     whole segments without scaling); never less than what is still open
//     (tcp_select_window).
//
// Checked against tcpsim kernel on Linux 6.18: zero-window (SO_RCVBUF
// 4096, 1012-byte segments) offers 2896 in the SYN,ACK, 2024 after the
// first segment and 0 after the third; lost-segment's windows grow by
// 2920 bytes per segment from 65160.

// rcvBuffer is the receive buffer's accounting and window.
type rcvBuffer interface {
	// synWindow is the window our SYN (or SYN,ACK) offers, mss the segment
	// size it is rounded to; shift is the window scale we offer.
	synWindow(r windowRoom, mss uint32) uint32
	shift() uint8
	// established is told that the handshake completed (the window the
	// SYN offered is synWnd; advMSS our MSS).
	established(advMSS, synWnd uint32)
	// arrived is told that a data segment was queued, and reports whether
	// the window may now grow (Linux: a quick ACK is earned).
	arrived(a arrival) bool
	// read is told that the application has read everything before upTo.
	read(upTo wire.Seq)
	// window returns the window to offer now, never less than what is
	// still open (r.offered). It reports whether less than half the buffer
	// is free (Linux then leaves quick-ack mode).
	window(r windowRoom) (w uint32, tight bool)
	// clamp is the largest window the buffer may offer (window_clamp).
	clamp() uint32
}

// arrival is a data segment [seq, seq+n) that was queued.
type arrival struct {
	seq     wire.Seq
	n       uint32
	inOrder bool   // at RCV.NXT; else kept out of order
	sack    bool   // SACK is in use
	rcvMSS  uint32 // the peer's segment size as guessed after it (Linux's rcv_mss, measured by ackRules; 0 under the RFC rules)
	rcvWnd  uint32 // the window last advertised
}

// windowRoom is what the window is chosen from, in bytes.
type windowRoom struct {
	unread  uint32 // received and not yet read
	lastWnd uint32 // the window the last segment advertised (Linux's rcv_wnd)
	largest uint32 // the largest window the scale can advertise
	offered uint32 // what is still open of the window last advertised
	sndMSS  uint32 // Eff.snd.MSS
}

// rfcBuffer is a buffer of RecvBuffer bytes of payload (RFC 9293 §3.8.6):
// its free space, offered as the policy's window rule says.
type rfcBuffer struct {
	size uint32
}

func (b rfcBuffer) synWindow(r windowRoom, _ uint32) uint32 {
	w, _ := b.window(r)
	return min(w, 65535)
}

func (b rfcBuffer) shift() uint8               { return windowShift(int(b.size)) }
func (b rfcBuffer) established(uint32, uint32) {}
func (b rfcBuffer) arrived(arrival) bool       { return false }
func (b rfcBuffer) read(wire.Seq)              {}
func (b rfcBuffer) clamp() uint32              { return b.size }

// window: the free space (what is not waiting to be read), within what the
// scale can advertise. RFC 9293 §3.8.6.2.2's receiver-side silly window
// avoidance: the right edge moves only in steps of at least
// min(RCV.BUFF/2, Eff.snd.MSS), or when the whole buffer is free.
func (b rfcBuffer) window(r windowRoom) (uint32, bool) {
	return b.windowOf(r.unread, r.offered, r.largest, r.sndMSS), false
}

// windowOf is window from the values of the room it reads.
func (b rfcBuffer) windowOf(unread, offered, largest, sndMSS uint32) uint32 {
	free := b.size - min(unread, b.size)
	free = min(free, largest)
	if free <= offered {
		return offered
	}
	step := min(b.size/2, sndMSS)
	if free-offered >= step || free == min(b.size, largest) {
		return free
	}
	return offered
}

// linuxBuffer is Linux's receive memory accounting (above).
type linuxBuffer struct {
	rcvbuf   uint32 // sk_rcvbuf, bytes of memory
	locked   bool   // SO_RCVBUF was set (SOCK_RCVBUF_LOCK)
	ratio    uint32 // scaling_ratio: payload per 256 bytes of memory
	wclamp   uint32 // window_clamp
	ssthresh uint32 // rcv_ssthresh
	advMSS   uint32 // tp->advmss
	rcvMSS   uint32 // icsk_ack.rcv_mss: tcp_initialize_rcv_mss's, then as the ACK rules measure it
	wscale   uint8  // the window scale offered
	synSpace uint32 // rcv_wnd as tcp_select_initial_window set it: the SYN's space, which the SYN's 16-bit field may not hold
	rmem     uint32 // sk_rmem_alloc: the truesize of what is queued
	// skbs holds the queued segments, in sequence order: where each ends and
	// its truesize, freed when read past.
	skbs []skb
	// memo is the last window chosen and what it was chosen from: between
	// two changes of the buffer it is asked for again and again (for each
	// segment sent, by the ACK rules), from the same room. Every method
	// that changes the buffer forgets it.
	memo windowMemo
}

// windowMemo is a window chosen from room: w, and whether the buffer was tight.
type windowMemo struct {
	room  windowRoom
	w     uint32
	tight bool
	ok    bool
}

type skb struct {
	end      wire.Seq
	truesize uint32
	tailroom uint32 // bytes of its buffer after its data, which a following segment may be copied into
}

// Linux's defaults behind the receive buffer.
const (
	linuxDefaultRecvBuffer = 65536    // the linux profile's RecvBuffer: no SO_RCVBUF
	linuxRmemDefault       = 131072   // tcp_rmem[1]
	linuxRmemMax           = 32 << 20 // tcp_rmem[2] (tcp_init's max_rshare: 32 MiB on Linux 6.18, 6 MiB in older kernels)
	linuxCoreRmemMax       = 4 << 20  // net.core.rmem_max, SO_RCVBUF's ceiling (4 MiB on Linux 6.18, 212992 in older kernels)
	linuxMinRcvbuf         = 2304     // SOCK_MIN_RCVBUF: 2048 + sizeof(struct sk_buff)
	linuxRatioUnit         = 256      // 1 << TCP_RMEM_TO_WIN_SCALE
	linuxAppWin            = 31       // tcp_app_win
)

// newLinuxBuffer returns the receive buffer of a host whose RecvBuffer
// setting is soRcvbuf, offering window scaling if scaling.
func newLinuxBuffer(soRcvbuf int, scaling bool) *linuxBuffer {
	b := &linuxBuffer{rcvbuf: linuxRmemDefault, ratio: linuxRatioUnit / 2, wclamp: 65535 << 14}
	if soRcvbuf != linuxDefaultRecvBuffer {
		// sock_setsockopt: SO_RCVBUF is doubled, within rmem_max.
		b.rcvbuf = max(2*uint32(min(soRcvbuf, linuxCoreRmemMax)), linuxMinRcvbuf)
		b.locked = true
		b.wclamp = b.fromSpace(b.rcvbuf) // tcp_connect_init, tcp_openreq_init_rwin
	}
	if scaling {
		// tcp_select_initial_window: the scale that covers tcp_rmem[2]
		// (and rmem_max), within window_clamp.
		space := min(uint32(max(linuxRmemMax, linuxCoreRmemMax)), b.wclamp)
		if l := bits.Len32(space) - 1 - 15; l > 0 {
			b.wscale = uint8(min(l, 14))
		}
	}
	return b
}

// fromSpace is tcp_win_from_space: the payload memory of space holds.
func (b *linuxBuffer) fromSpace(space uint32) uint32 {
	return uint32(uint64(space) * uint64(b.ratio) / linuxRatioUnit)
}

// truesize is what a segment of n bytes costs the receive buffer: the
// driver's buffer, the next power of two above the frame (IP and TCP
// headers with timestamps, 52 bytes), NET_SKB_PAD (64) and the shared info
// (320), and the sk_buff itself (256): 2304 bytes for a full-sized segment
// (as tcpsim kernel's TUN devices allocate).
func truesize(n uint32) uint32 {
	return skbBuffer(n) + 256
}

// skbBuffer is the size of the buffer a segment of n bytes arrives in.
func skbBuffer(n uint32) uint32 { return 1 << bits.Len32(n+52+64+320-1) }

// tailroom is what is left of that buffer after the segment's data: its
// size less the shared info (320), NET_SKB_PAD (64), the headers (52) and
// the data. 600 bytes after a 1012-byte segment, 164 after a 1448-byte one.
func tailroom(n uint32) uint32 { return skbBuffer(n) - 320 - 64 - 52 - n }

func (b *linuxBuffer) synWindow(_ windowRoom, mss uint32) uint32 {
	b.memo.ok = false
	space := min(b.fromSpace(b.rcvbuf), b.wclamp)
	if space > mss {
		space = space / mss * mss // "Quantize space offering to a multiple of mss"
	}
	b.synSpace = space // *rcv_wnd = space: not capped at 65535
	return min(space, 65535)
}

func (b *linuxBuffer) shift() uint8 { return b.wscale }

// established is tcp_init_buffer_space.
func (b *linuxBuffer) established(advMSS, synWnd uint32) {
	b.memo.ok = false
	b.advMSS = advMSS
	// rcv_wnd and rcv_ssthresh start at what tcp_select_initial_window
	// computed, not at the SYN's field: with a buffer of more than 128 KiB
	// of memory (SO_RCVBUF above 64 KiB) the window is the whole space from
	// the first ACK on (Linux 6.18, mathis: SO_RCVBUF 4 MiB, the
	// handshake's ACK offers 4193152).
	synWnd = max(synWnd, b.synSpace)
	b.rcvMSS = max(min(advMSS, linuxDefaultMSS, synWnd/2), linuxMinMSS) // tcp_initialize_rcv_mss
	b.wclamp = min(b.wclamp, 65535<<b.wscale)
	maxwin := b.fromSpace(b.rcvbuf) // tcp_full_space
	if b.wclamp >= maxwin {
		b.wclamp = maxwin
		if maxwin > 4*advMSS {
			b.wclamp = max(maxwin-maxwin>>linuxAppWin, 4*advMSS)
		}
	}
	if b.wclamp > 2*advMSS && b.wclamp+advMSS > maxwin {
		b.wclamp = max(2*advMSS, maxwin-advMSS) // "Force reservation of one segment"
	}
	b.ssthresh = min(synWnd, b.wclamp)
}

// space is tcp_space: the free memory, as payload.
func (b *linuxBuffer) space() uint32 {
	if b.rmem >= b.rcvbuf {
		return 0
	}
	return b.fromSpace(b.rcvbuf - b.rmem)
}

// arrived charges the segment's truesize (skb_set_owner_r), learns the
// payload ratio from an in-order segment larger than the last guess of the
// peer's segment size (tcp_measure_rcv_mss) and grows rcv_ssthresh
// (tcp_event_data_recv's tcp_grow_window; out of order only with SACK, and
// before the charge, as tcp_data_queue_ofo does).
func (b *linuxBuffer) arrived(a arrival) bool {
	b.memo.ok = false
	if !a.inOrder {
		grew := a.sack && b.grow(a.n)
		b.charge(a.seq, a.n, false)
		return grew
	}
	b.charge(a.seq, a.n, true)
	if b.advMSS == 0 {
		return false // not established yet
	}
	if a.n > b.rcvMSS { // the guess before this segment
		if r := max(a.n*linuxRatioUnit/truesize(a.n), 1); r != b.ratio {
			b.ratio = r
			b.setClamp(b.fromSpace(b.rcvbuf), a.rcvWnd)
		}
	}
	b.rcvMSS = a.rcvMSS
	return a.n >= 128 && b.grow(a.n)
}

// charge queues a segment's truesize. An in-order segment that fits the
// tailroom of the receive queue's last skb, which it continues, is copied
// there and costs nothing (tcp_queue_rcv → tcp_try_coalesce →
// skb_try_coalesce: "if (len <= skb_tailroom(to))", delta_truesize 0): on
// Linux 6.18 the 144 bytes and FIN that end zero-window's transfer leave the
// window at 1012, where charging them a 1280-byte skb would close it.
func (b *linuxBuffer) charge(seq wire.Seq, n uint32, inOrder bool) {
	end := seq.Add(n)
	if k := len(b.skbs); inOrder && k > 0 && b.skbs[k-1].end == seq && n <= b.skbs[k-1].tailroom {
		b.skbs[k-1].end = end
		b.skbs[k-1].tailroom -= n
		return
	}
	i := len(b.skbs)
	for i > 0 && end.LessThan(b.skbs[i-1].end) {
		i--
	}
	s := skb{end: end, truesize: truesize(n), tailroom: tailroom(n)}
	b.skbs = append(b.skbs, s) // at the end, as in-order data always is
	if i < len(b.skbs)-1 {
		copy(b.skbs[i+1:], b.skbs[i:])
		b.skbs[i] = s
	}
	b.rmem += s.truesize
}

// grow is tcp_grow_window: rcv_ssthresh rises by two segments (less while
// the window is small against tcp_rmem[2] and the segment's overhead
// large), within the clamp and the free space.
func (b *linuxBuffer) grow(n uint32) bool {
	room := int64(min(b.wclamp, b.space())) - int64(b.ssthresh)
	if room <= 0 {
		return false
	}
	t := truesize(n)
	var incr uint32
	if b.fromSpace(t) <= n {
		incr = 2 * b.advMSS
	} else {
		// __tcp_grow_window
		ts, window := b.fromSpace(t)/2, b.fromSpace(linuxRmemMax)/2
		for b.ssthresh <= window {
			if ts <= n {
				incr = 2 * b.rcvMSS
				break
			}
			ts, window = ts/2, window/2
		}
	}
	if incr == 0 {
		return false
	}
	b.ssthresh += min(uint32(room), max(incr, 2*n))
	return true
}

// setClamp is tcp_set_window_clamp, as the new scaling ratio resets it:
// rcv_ssthresh falls with a smaller clamp, and with a larger one rises to
// the window last advertised (rcvWnd) if that is more.
func (b *linuxBuffer) setClamp(v, rcvWnd uint32) {
	v = max(v, linuxMinRcvbuf/2)
	if v < b.wclamp {
		b.ssthresh = min(b.ssthresh, v)
	} else {
		b.ssthresh = max(b.ssthresh, min(rcvWnd, v))
	}
	b.wclamp = v
}

// read frees the segments read past (tcp_eat_recv_skb).
func (b *linuxBuffer) read(upTo wire.Seq) {
	b.memo.ok = false
	i := 0
	for i < len(b.skbs) && b.skbs[i].end.LessThanEq(upTo) {
		b.rmem -= b.skbs[i].truesize
		i++
	}
	if i > 0 {
		b.skbs = b.skbs[:copy(b.skbs, b.skbs[i:])]
	}
}

// window is tcp_select_window: __tcp_select_window (selectWindow), but
// never less than what is still open, rounded up to the scale unit.
func (b *linuxBuffer) window(r windowRoom) (uint32, bool) {
	if b.memo.ok && b.memo.room == r {
		return b.memo.w, b.memo.tight
	}
	w, tight := b.selectWindow(r)
	w = max(w, alignUp(r.offered, b.wscale))
	b.memo = windowMemo{room: r, w: w, tight: tight, ok: true}
	return w, tight
}

// selectWindow is __tcp_select_window.
func (b *linuxBuffer) selectWindow(r windowRoom) (uint32, bool) {
	mss := b.rcvMSS
	if mss == 0 {
		mss = r.sndMSS
	}
	free := b.space()
	allowed := b.fromSpace(b.rcvbuf) // tcp_full_space
	full := min(b.wclamp, allowed)
	mss = min(mss, full)
	if mss == 0 {
		return 0, false
	}
	tight := false
	if free < full/2 {
		tight = true // icsk_ack.quick = 0
		free = free >> b.wscale << b.wscale
		if free < allowed/16 || free < mss {
			return 0, tight
		}
	}
	if b.ssthresh > 0 {
		free = min(free, b.ssthresh)
	}
	if b.wscale > 0 {
		return alignUp(free, b.wscale), tight
	}
	w := r.lastWnd
	if w+mss <= free || w > free {
		w = free / mss * mss
	} else if mss == full && free > w+full/2 {
		w = free
	}
	return w, tight
}

func (b *linuxBuffer) clamp() uint32 { return b.wclamp }

// alignUp rounds w up to a whole number of window-scale units.
func alignUp(w uint32, shift uint8) uint32 {
	unit := uint32(1) << shift
	return (w + unit - 1) &^ (unit - 1)
}
