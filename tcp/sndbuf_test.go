package tcp

// The send buffer's size (sndbuf.go): Linux's tcp_sndbuf_expand after the
// handshake and from tcp_new_space, unless SO_SNDBUF locked it.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSendBuffer_LinuxPerMSS(t *testing.T) {
	// Measured on Linux 6.18 (x86-64): getsockopt(SO_SNDBUF) after the
	// handshake on loopback with TCP_MAXSEG set, the host's BBR
	// (sndbuf_expand 3) and TCP_INIT_CWND 10: 69120 = 3·10·2304 up to an
	// MSS of 1536, 130560 = 3·10·4352 from 1537, 499200 = 3·10·16640 at 8960.
	for _, tt := range []struct{ mss, want int }{
		{536, 2304}, {1460, 2304}, {1536, 2304}, {1537, 4352}, {8960, 16640},
	} {
		assert.Equal(t, tt.want, linuxSndbufPerMSS(tt.mss), "MSS %d", tt.mss)
	}
	assert.Equal(t, 46080, linuxSndbufExpand(16384, 1460, 10), "2·max(10, cwnd, 3+1)·2304")
	assert.Equal(t, 46080, linuxSndbufExpand(16384, 1460, 2), "TCP_INIT_CWND at least")
	assert.Equal(t, 92160, linuxSndbufExpand(46080, 1460, 20), "cwnd 20")
	assert.Equal(t, 92160, linuxSndbufExpand(92160, 1460, 10), "never shrinks")
	assert.Equal(t, 4<<20, linuxSndbufExpand(46080, 1460, 1000), "tcp_wmem[2]")
}

func TestSendBuffer_LinuxExpandsAfterHandshake(t *testing.T) {
	// tcp_init_transfer → tcp_init_buffer_space → tcp_sndbuf_expand: a
	// socket with no SO_SNDBUF leaves the handshake with room for
	// 2·TCP_INIT_CWND segments of 2304 bytes of memory, 46080, not
	// tcp_wmem[1]'s 16384. A 48 KiB write is taken up to there, so the
	// first ten segments are full and the write's first piece does not end
	// in a 456-byte segment at 16384 (11 · 1448 + 456).
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	require.Equal(t, 46080, h.conn.WriteSpace())
	h.advance(ms(100))
	require.Equal(t, 46080, h.conn.Write(h.now, 48<<10))
	h.poll()
	var want []seg
	for i := range 10 {
		want = append(want, sdata(i))
	}
	h.expect(ms(100), inGSO(2, want...)...)
	assert.Equal(t, 0, h.conn.WriteSpace())

	// The ACK of all ten frees 14480 bytes and opens cwnd to 11; what the
	// buffer holds (31600 bytes, 22 segments) fills it, so tcp_new_space
	// does not grow the buffer (tcp_should_expand_sndbuf), and the eleven
	// segments that go from the receive path are full ones: the 12th
	// segment, across 16384, too.
	h.peerACK(ms(150), 10)
	want = want[:0]
	for i := 10; i < 21; i++ {
		want = append(want, sdata(i))
	}
	h.expect(ms(150), inGSO(2, want...)...)
	assert.Equal(t, 46080, h.conn.sndBuf)
	assert.Equal(t, 14480, h.conn.WriteSpace())
}

func TestSendBuffer_LinuxGrowsForAWaitingWriter(t *testing.T) {
	// tcp_data_snd_check → tcp_check_space → tcp_new_space: an ACK frees
	// space while a writer waits (SOCK_NOSPACE) and what the buffer holds
	// cannot fill cwnd: tcp_sndbuf_expand sizes the buffer for the cwnd of
	// the moment, 2·cwnd·2304 bytes.
	for _, waits := range []bool{true, false} {
		h := newLinuxEstablished(t, linuxConfig(t), true, true)
		h.advance(ms(100))
		n := 46080
		if waits {
			n = 1 << 20 // cut short: sk_stream_wait_memory sets SOCK_NOSPACE
		}
		require.Equal(t, 46080, h.conn.Write(h.now, n))
		h.poll()
		var want []seg
		for i := range 10 {
			want = append(want, sdata(i))
		}
		h.expect(ms(100), inGSO(2, want...)...)
		// A cwnd of 40 segments, as slow start reaches it on a faster
		// path: once ten are acknowledged, the 31600 bytes held (22
		// segments) cannot fill it.
		h.conn.cwnd = 40 * tsMSS
		h.peerACK(ms(150), 10)
		cwnd := int(h.conn.cwnd) / tsMSS
		require.GreaterOrEqual(t, cwnd, 40)
		if !waits {
			assert.Equal(t, 46080, h.conn.sndBuf, "no writer waits: tcp_check_space does nothing")
			continue
		}
		assert.Equal(t, 2*cwnd*2304, h.conn.sndBuf)
		assert.Equal(t, 2*cwnd*2304-31600, h.conn.WriteSpace())
	}
}

func TestSendBuffer_SO_SNDBUFLocksIt(t *testing.T) {
	// tcp_should_expand_sndbuf: "If the user specified a specific send
	// buffer setting, do not modify it" (SOCK_SNDBUF_LOCK); a send_buffer
	// other than the profile's 16 KiB is SO_SNDBUF.
	cfg := linuxConfig(t)
	cfg.SendBuffer = 32 << 10
	h := newLinuxEstablished(t, cfg, true, true)
	assert.Equal(t, 32<<10, h.conn.WriteSpace())
	h.advance(ms(100))
	require.Equal(t, 32<<10, h.conn.Write(h.now, 1<<20))
	h.poll()
	var want []seg
	for i := range 10 {
		want = append(want, sdata(i))
	}
	h.expect(ms(100), inGSO(2, want...)...)
	h.peerACK(ms(150), 10)
	assert.Equal(t, 32<<10, h.conn.sndBuf)
}

func TestSendBuffer_RFCKeepsIt(t *testing.T) {
	cfg := linuxConfig(t)
	h := newLinuxEstablished(t, cfg, true, true)
	h.setPolicy(mixedPolicy{})
	h.conn.sndBuf = cfg.SendBuffer
	h.conn.initSendBuffer()
	assert.Equal(t, 16<<10, h.conn.WriteSpace())
}
