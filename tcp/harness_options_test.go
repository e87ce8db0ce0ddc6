package tcp

// Harness verbs for the options of RFC 7323 (window scale, timestamps) and
// RFC 2018 (SACK): segments the test peer sends with options, and segments
// expected with exactly the options they must carry.

import (
	"testing"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// tsOffsets returns the timestamp offsets the harness host draws for its
// first n connections: with a fixed ISS, each connection takes one number
// from the host's stream, sim.NewRand(1, "test") (host.go, newConn).
func tsOffsets(n int) []uint32 {
	rng := sim.NewRand(1, "test")
	out := make([]uint32, n)
	for i := range out {
		out[i] = rng.Uint32()
	}
	return out
}

// sendOpt delivers s from the peer at time at, carrying exactly the options
// o (s.mss, s.wscale and s.hasWScale are ignored).
func (h *harness) sendOpt(at sim.Time, s seg, o wire.Options) {
	h.t.Helper()
	w := s.win
	if w == 0 && !s.zeroWin {
		w = 65535
	}
	if s.flags&wire.SYN == 0 {
		w >>= h.peerWscale
	}
	h.sendRaw(at, wire.Segment{
		Src: remoteAddr, Dst: localAddr, Seq: s.seq, Ack: s.ack, Flags: s.flags, Len: s.len,
		Window: uint16(min(w, 65535)), Opt: o,
	})
}

// withOpt is an expected segment together with the options it must carry,
// compared whole: an option not listed must be absent.
type withOpt struct {
	seg
	opt wire.Options
}

// expectOpt is expect for segments whose options are compared too.
func (h *harness) expectOpt(at sim.Time, segs ...withOpt) {
	h.t.Helper()
	h.advance(at)
	for i, want := range segs {
		if len(h.out) == 0 {
			h.t.Fatalf("at %v: expected %v <%v> (#%d), nothing was sent", at, want.seg, &want.opt, i+1)
		}
		got := h.out[0]
		h.out = h.out[1:]
		if got.at != at {
			h.t.Fatalf("expected %v at %v, but %v was sent at %v", want.seg, at, got.pkt.Seg.String(), got.at)
		}
		h.compare(want.seg, got.pkt)
		if got.pkt.Seg.Opt != want.opt {
			h.t.Fatalf("at %v: %v\n  want options <%v>\n  got options  <%v>", at, want.seg, &want.opt, &got.pkt.Seg.Opt)
		}
	}
	h.expectNothing(at)
}

// ts is a timestamps option (RFC 7323 §3.2).
func ts(val, ecr uint32) wire.Options {
	return wire.Options{HasTimestamp: true, TSVal: val, TSEcr: ecr}
}

// sack adds SACK blocks, given as [Left, Right) spans, to o (RFC 2018 §3).
func sack(o wire.Options, blocks ...[2]wire.Seq) wire.Options {
	for _, b := range blocks {
		o.SACK[o.NumSACK] = wire.SACKBlock{Left: b[0], Right: b[1]}
		o.NumSACK++
	}
	return o
}

// tsHarness is a harness with the clocks of a timestamps connection: ours
// (the 1 ms clock plus the connection's offset) and the peer's.
type tsHarness struct {
	*harness
	off uint32 // our connection's timestamp offset
}

// tsval is the TSval we put in a segment sent at time at (RFC 7323 §5.4:
// a clock tick of 1 ms, plus the per-connection offset).
func (h tsHarness) tsval(at sim.Time) uint32 { return uint32(int64(at)/int64(1e6)) + h.off }

// peerTSval is the test peer's timestamp clock: 7000 at 0, 1 per ms.
func peerTSval(at sim.Time) uint32 { return 7000 + uint32(int64(at)/int64(1e6)) }

// linuxSYN is the SYN a linux-profile client sends at time at: MSS 1460,
// SACK-permitted, timestamps (TSecr 0: no ACK) and, on default buffers,
// window 64240 and window scale 10 (tcp_select_initial_window, checked in
// rcvbuf_test.go); other buffers as synWindowOf and wscaleOf say.
func (h tsHarness) linuxSYN(at sim.Time) withOpt {
	o := ts(h.tsval(at), 0)
	o.MSS, o.SACKPermitted, o.HasWScale, o.WScale = 1460, true, true, wscaleOf(h.host.cfg)
	return withOpt{seg{seq: localISS, flags: wire.SYN, win: synWindowOf(h.host.cfg), noLabels: true}, o}
}

// peerSYNOpt is the options of a SYN or SYN,ACK the peer sends at time at:
// MSS 1460, window scale 0, and SACK-permitted and timestamps when asked
// (echoing ecr).
func peerSYNOpt(at sim.Time, sackOK, tsOK bool, ecr uint32) wire.Options {
	o := wire.Options{MSS: 1460, HasWScale: true, SACKPermitted: sackOK}
	if tsOK {
		o.HasTimestamp, o.TSVal, o.TSEcr = true, peerTSval(at), ecr
	}
	return o
}

// newLinuxEstablished returns a linux-profile client whose handshake
// completed at 50 ms; the peer's SYN,ACK offered SACK-permitted and
// timestamps as chosen, MSS 1460 and a window scale of 0.
func newLinuxEstablished(t *testing.T, cfg Config, sackOK, tsOK bool) tsHarness {
	t.Helper()
	h := tsHarness{harness: newHarness(t, cfg), off: tsOffsets(1)[0]}
	h.conn = h.host.Connect(0, localAddr.Port(), remoteAddr)
	h.poll()
	h.expectOpt(0, h.linuxSYN(0))
	h.sendOpt(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck}, peerSYNOpt(ms(50), sackOK, tsOK, h.tsval(0)))
	var o wire.Options
	if tsOK {
		o = ts(h.tsval(ms(50)), peerTSval(ms(50)))
	}
	h.expectOpt(ms(50), withOpt{seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack, noLabels: true}, o})
	if h.conn.State() != StateEstablished {
		t.Fatalf("state %v, want ESTABLISHED", h.conn.State())
	}
	return h
}

// peerOpt is the options the peer's segments carry at time at on a
// connection built by newLinuxEstablished: timestamps when agreed, echoing
// ecr, and the SACK blocks given.
func (h tsHarness) peerOpt(at sim.Time, ecr uint32, blocks ...[2]wire.Seq) wire.Options {
	var o wire.Options
	if h.conn.tsOK {
		o = ts(peerTSval(at), ecr)
	}
	return sack(o, blocks...)
}
