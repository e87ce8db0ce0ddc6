package tcp

// The send buffer's size. The rfc policy keeps Config.SendBuffer for the
// connection's life. Linux starts a socket at tcp_wmem[1] (tcp_init_sock)
// and, unless SO_SNDBUF locked it (SOCK_SNDBUF_LOCK), grows it:
//
//   - once the handshake completes, tcp_init_transfer →
//     tcp_init_buffer_space → tcp_sndbuf_expand sizes it for the first
//     windows: sndmem = 2 · nr_segs · per_mss, nr_segs = max(TCP_INIT_CWND,
//     snd_cwnd, reordering + 1) (the 2 is CUBIC's and Reno's: "Cubic needs
//     1.7 factor, rounded to 2"; BBR's sndbuf_expand says 3), per_mss the
//     memory of one segment's skb, sk_sndbuf = min(sndmem, tcp_wmem[2]);
//   - when an ACK frees space while a writer waits for it (tcp_data_snd_check
//     → tcp_check_space: SOCK_NOSPACE, set by sk_stream_wait_memory),
//     tcp_new_space expands it again for the cwnd of the moment, unless
//     cwnd is full (tcp_should_expand_sndbuf: packets in flight ≥ snd_cwnd,
//     tested after tcp_push_pending_frames sent what the ACK let go).
//
// tcp_sendmsg_locked takes a write while sk_wmem_queued, the memory of the
// queued and unacknowledged skbs, is below sk_sndbuf (sk_stream_memory_free);
// tcpsim counts the bytes written and not yet acknowledged against it, so the
// skbs' overhead (a few hundred bytes per GSO packet of up to 64 KiB) is not
// modelled.
//
// The linux profile's SendBuffer of 16 KiB (linuxDefaultSendBuffer) stands
// for no SO_SNDBUF, as its RecvBuffer of 64 KiB stands for no SO_RCVBUF
// (rcvbuf.go), and as tcpsim kernel reads it: any other value is set with
// SO_SNDBUF, which locks the size.

// Linux's numbers behind the send buffer's size (x86-64, Linux 6.18 as the
// kernel harness runs it: a connection on it with CUBIC and MSS 1460 ends
// the handshake with sk_sndbuf = 46080 = 2·10·2304; with MSS 1537, 87040).
const (
	linuxDefaultSendBuffer = 16 << 10 // tcp_wmem[1]: sk_sndbuf with no SO_SNDBUF
	linuxMaxSendBuffer     = 4 << 20  // tcp_wmem[2]: the most tcp_sndbuf_expand gives
	linuxInitCwnd          = 10       // TCP_INIT_CWND
	linuxReordering        = 3        // tcp_reordering: tp->reordering at the start
	linuxSndbufFactor      = 2        // tcp_sndbuf_expand's factor (CUBIC, Reno: no sndbuf_expand op)
	// linuxSkbOverhead is MAX_TCP_HEADER (192) plus
	// SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) (320): what a
	// segment's head needs besides its payload, before the power of two.
	linuxSkbOverhead = 512
	// linuxSkbStruct is SKB_DATA_ALIGN(sizeof(struct sk_buff)).
	linuxSkbStruct = 256
)

// linuxSndbufPerMSS is tcp_sndbuf_expand's per_mss: the memory of one
// segment's skb in the worst case (no GSO, the head kmalloced as a power of
// two), for a clamp of mss bytes (max(rx_opt.mss_clamp, mss_cache)).
func linuxSndbufPerMSS(mss int) int {
	n := 1
	for n < mss+linuxSkbOverhead {
		n <<= 1 // roundup_pow_of_two
	}
	return n + linuxSkbStruct
}

// linuxSndbufExpand is tcp_sndbuf_expand: the send buffer's new size, for
// one of cur bytes, a clamp of mss bytes and a congestion window of
// cwndSegs segments. It never shrinks the buffer.
func linuxSndbufExpand(cur, mss, cwndSegs int) int {
	nrSegs := max(linuxInitCwnd, cwndSegs, linuxReordering+1)
	sndmem := linuxSndbufFactor * nrSegs * linuxSndbufPerMSS(mss)
	if cur < sndmem {
		return min(sndmem, linuxMaxSendBuffer)
	}
	return cur
}

// sndBufMSS is the clamp tcp_sndbuf_expand sizes segments by:
// max(rx_opt.mss_clamp, mss_cache), the MSS before the timestamps option
// takes its 12 bytes.
func (c *Conn) sndBufMSS() int {
	mss := int(c.sndMSS)
	if c.tsOK {
		mss += tsOptionLen
	}
	return mss
}

// initSendBuffer sizes the send buffer as the handshake completes
// (tcp_init_buffer_space).
func (c *Conn) initSendBuffer() {
	c.sndBuf = c.h.policy.sendBuffer(&c.h.cfg, c.sndBuf, c.sndBufMSS(), int(c.cwnd/max(c.sndMSS, 1)))
}

// newSpace is tcp_check_space → tcp_new_space, after an ACK freed
// send-buffer space: when a write was cut short and what the buffer holds
// cannot fill cwnd (tcp_should_expand_sndbuf), the buffer grows for it.
func (c *Conn) newSpace() {
	if !c.sndBufShort {
		return
	}
	c.sndBufShort = false // sk_stream_write_space wakes the writer; it tries again
	if c.asks.fixedSendBuffer {
		return // the buffer keeps its size: no growth to work out
	}
	mss := int(max(c.sndMSS, 1))
	// What is in flight once the ACK's room is used (tcp_data_snd_check
	// pushes first): what the buffer holds, within the peer's window.
	held := min(int(c.sndEnd.Sub(c.dataUna())), max(int(c.sndWnd), int(c.sndNxt.Sub(c.sndUna))))
	inFlight := (held + mss - 1) / mss
	cwndSegs := int(c.cwnd) / mss
	if inFlight >= cwndSegs {
		return
	}
	c.sndBuf = c.h.policy.sendBuffer(&c.h.cfg, c.sndBuf, c.sndBufMSS(), cwndSegs)
}
