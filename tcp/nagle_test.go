package tcp

// RFC 1122 §4.2.3.4 and RFC 9293 §3.7.4: Nagle's algorithm — "If there is
// unacknowledged data (i.e., SND.NXT > SND.UNA), then the sending TCP
// buffers all user data (regardless of the PSH bit) until the outstanding
// data has been acknowledged or until the TCP can send a full-sized
// segment"; TCP_NODELAY turns it off.

import (
	"testing"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

func TestNagle_SmallWriteWaitsForACK(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 100) // nothing outstanding: goes at once
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	h.write(ms(110), 50)
	h.expectNothing(ms(149))
	h.send(ms(150), seg{seq: 301, ack: 201, flags: ack})
	h.expect(ms(150), seg{seq: 201, ack: 301, flags: psh, len: 50})
}

func TestNagle_SmallWritesCoalesce(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	h.write(ms(110), 50)
	h.write(ms(120), 30)
	h.expectNothing(ms(149))
	h.send(ms(150), seg{seq: 301, ack: 201, flags: ack})
	h.expect(ms(150), seg{seq: 201, ack: 301, flags: psh, len: 80})
}

func TestNagle_FullSegmentsAreNotHeld(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	// Full-sized segments go although 100 bytes are unacknowledged; the
	// 80-byte tail waits.
	h.write(ms(110), 3000)
	h.expect(ms(110),
		seg{seq: 201, ack: 301, flags: ack, len: 1460},
		seg{seq: 1661, ack: 301, flags: ack, len: 1460})
	h.send(ms(150), seg{seq: 301, ack: 201, flags: ack})
	h.expectNothing(ms(150)) // still 2920 bytes unacknowledged
	h.send(ms(160), seg{seq: 301, ack: 3121, flags: ack})
	h.expect(ms(160), seg{seq: 3121, ack: 301, flags: psh, len: 80})
}

func TestNagle_NoDelaySendsAtOnce(t *testing.T) {
	cfg := testConfig()
	cfg.NoDelay = true
	h := newEstablishedCfg(t, cfg)
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	h.write(ms(110), 50)
	h.expect(ms(110), seg{seq: 201, ack: 301, flags: psh, len: 50})
	h.write(ms(120), 30)
	h.expect(ms(120), seg{seq: 251, ack: 301, flags: psh, len: 30})
}

func TestNagle_NoDelayStillSplitsByMSS(t *testing.T) {
	cfg := testConfig()
	cfg.NoDelay = true
	h := newEstablishedCfg(t, cfg)
	h.write(ms(100), 3000)
	h.expect(ms(100),
		seg{seq: 101, ack: 301, flags: ack, len: 1460},
		seg{seq: 1561, ack: 301, flags: ack, len: 1460},
		seg{seq: 3021, ack: 301, flags: psh, len: 80})
}

func TestNagle_LinuxHoldsOnlyBehindAShortSegment(t *testing.T) {
	// Linux's Nagle test is Minshall's (tcp_nagle_check,
	// tcp_minshall_check): a short segment waits only while another short
	// one (snd_sml, tcp_minshall_update) is unacknowledged; full-sized
	// segments in flight do not hold it.
	h := newLinuxEstablished(t, linuxConfig(t), true, true)
	ackTo := func(at sim.Time, n wire.Seq) {
		h.sendOpt(at, seg{seq: remoteISS + 1, ack: n, flags: ack}, h.peerOpt(at, h.tsval(ms(100))))
	}
	h.write(ms(100), 100)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
	// The 104-byte tail waits behind the 100-byte segment.
	h.write(ms(110), 3000)
	h.expect(ms(110), inGSO(2,
		seg{seq: 201, ack: 301, flags: ack, len: 1448},
		seg{seq: 1649, ack: 301, flags: ack, len: 1448})...)
	// Once that is acknowledged the tail goes, 2896 bytes in flight or not
	// (the rfc rule would wait for them all).
	ackTo(ms(150), 201)
	h.expect(ms(150), seg{seq: 3097, ack: 301, flags: psh, len: 104})
	// Now the tail is the short segment in flight: the next one waits.
	h.write(ms(160), 50)
	h.expectNothing(ms(199))
	ackTo(ms(200), 3201)
	h.expect(ms(200), seg{seq: 3201, ack: 301, flags: psh, len: 50})
}
