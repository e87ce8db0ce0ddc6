// Package analysis labels the segments of a capture, where no sender state
// exists to ask, as Wireshark's TCP sequence analysis does: retransmission,
// fast retransmission, dup ACK #N, zero window and its probes, window
// update, keepalive and its ACK. The kernel harness (scenarios/kernel)
// labels what the real stack sends with it, and viz/pcap what it reads
// from a capture file.
package analysis

import (
	"net/netip"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Analyzer labels real segments the way Wireshark's TCP sequence analysis
// does (its tcp.analysis.* flags, epan/dissectors/packet-tcp.c), since a
// capture has no sender state to ask: what was sent before, and what the
// other side said, is all it knows. Feed it every segment of a capture in
// order, lost ones included, and it returns each one's labels.
//
// The rules, for a segment from one side ("forward") with the other side
// "reverse"; nextSeq is the highest SEQ+LEN the forward side has sent,
// lastAck the last ACK it sent, window its last window after scaling, and
// "no SYN, FIN or RST" holds for every rule but retransmission:
//
//   - zero-window-probe: the reverse side's last window was 0, and the
//     segment is one byte at nextSeq (Wireshark's rule, the RFC 9293
//     §3.8.6.1 probe) or at most one byte at nextSeq−1. The second form is
//     Linux's probe (tcp_xmit_probe_skb: no data, SND.UNA−1), which
//     Wireshark calls a keep-alive; here it is named for why it was sent,
//     as the simulator names it.
//   - keepalive: at most one byte at nextSeq−1, otherwise (RFC 1122
//     §4.2.3.6). N counts the probes since the reverse side last sent.
//   - retransmission: it occupies sequence space (data, SYN or FIN) and
//     starts before nextSeq, and is neither of the above.
//     fast-retransmission instead when the reverse side has sent at least
//     two duplicate ACKs and the segment starts at their ACK number.
//     Wireshark also asks that the last of them came within 20 ms; that
//     rule is for a capture beside the sender, and a capture may be taken
//     anywhere on the path (the kernel harness records in the middle), so
//     it is left out. Otherwise also spurious-retransmission when it
//     carries data and the reverse side's last ACK covers all of it: the
//     capture saw the data acknowledged before it went again (Wireshark's
//     "TCP Spurious Retransmission", tcp.analysis.spurious_retransmission,
//     which Wireshark 4 reports beside tcp.analysis.retransmission).
//   - zero-window: the window field is 0.
//   - window-update: no data, at nextSeq, the same ACK as last time, and a
//     non-zero window different from the last.
//   - keepalive-ack: no data, at nextSeq, the same ACK and window as last
//     time, and the reverse side's last segment was a keepalive probe.
//   - dup-ack: no data, at nextSeq, the same ACK and the same non-zero
//     window as last time, and not a keepalive-ack. N counts the duplicates
//     of that ACK.
//
// The window is scaled (RFC 7323 §2.3) when both SYNs offered scaling;
// a SYN's own window never is. A SYN without ACK that starts a new
// initial sequence number on a known address pair begins a new
// connection there.
type Analyzer struct {
	conns map[pairKey]*connAnalysis
	n     uint32 // connections seen
}

// Verdict is what the analysis says of one segment.
type Verdict struct {
	Labels trace.Label
	N      int32  // the ordinal that goes with the label: dup ACK #N, probe #N
	Win    uint32 // the window in bytes, after scaling
	Conn   uint32 // the connection's number: 1, 2, … in order of first sight
}

// pairKey names a connection by its two ends, the smaller first.
type pairKey struct{ a, b netip.AddrPort }

type connAnalysis struct {
	n    uint32
	flow [2]flow // indexed by direction: 0 from pairKey.a, 1 from pairKey.b
}

// flow is what the analysis remembers of one direction.
type flow struct {
	synSeen bool
	iss     wire.Seq // the SYN's sequence number
	wscale  int8     // the shift its SYN offered; -1 for none
	hasNext bool
	nextSeq wire.Seq // the highest SEQ+LEN sent: the next expected sequence number
	hasAck  bool
	lastAck wire.Seq
	hasWin  bool
	win     uint32 // the last window, scaled
	dupAcks int32  // duplicates of lastAck sent so far
	// keepalive: the last segment sent was a keepalive probe.
	keepalive bool
	probes    int32 // keepalive probes since the reverse side last sent
	zwProbes  int32 // zero-window probes since the reverse side's window closed
}

// NewAnalyzer returns an analyzer that has seen nothing.
func NewAnalyzer() *Analyzer {
	return &Analyzer{conns: make(map[pairKey]*connAnalysis)}
}

func lessAddrPort(x, y netip.AddrPort) bool {
	if c := x.Addr().Compare(y.Addr()); c != 0 {
		return c < 0
	}
	return x.Port() < y.Port()
}

// Analyze labels s, the next segment of the capture.
func (a *Analyzer) Analyze(s *wire.Segment) Verdict {
	key, dir := pairKey{s.Src, s.Dst}, 0
	if lessAddrPort(s.Dst, s.Src) {
		key, dir = pairKey{s.Dst, s.Src}, 1
	}
	c := a.conns[key]
	if c != nil && s.Flags&(wire.SYN|wire.ACK) == wire.SYN && c.flow[dir].synSeen && s.Seq != c.flow[dir].iss {
		c = nil // a new connection on the same pair
	}
	if c == nil {
		a.n++
		c = &connAnalysis{n: a.n}
		c.flow[0].wscale, c.flow[1].wscale = -1, -1
		a.conns[key] = c
	}
	fwd, rev := &c.flow[dir], &c.flow[1-dir]

	v := Verdict{Conn: c.n, Win: uint32(s.Window)}
	if s.Flags&wire.SYN == 0 && fwd.wscale >= 0 && rev.wscale >= 0 {
		v.Win <<= uint(fwd.wscale)
	}
	seqLen := s.SeqLen()
	ctl := s.Flags&(wire.SYN|wire.FIN|wire.RST) != 0
	prev := fwd.nextSeq.Add(^uint32(0)) // nextSeq − 1

	zwp := fwd.hasNext && !ctl && rev.hasWin && rev.win == 0 &&
		(s.Len == 1 && s.Seq == fwd.nextSeq || s.Len <= 1 && s.Seq == prev)
	keepalive := !zwp && fwd.hasNext && !ctl && s.Len <= 1 && s.Seq == prev
	switch {
	case zwp:
		fwd.zwProbes++
		v.Labels |= trace.LabelZeroWindowProbe
		v.N = fwd.zwProbes
	case keepalive:
		fwd.probes++
		v.Labels |= trace.LabelKeepalive
		v.N = fwd.probes
	case seqLen > 0 && fwd.hasNext && s.Seq.LessThan(fwd.nextSeq):
		switch {
		case rev.dupAcks >= 2 && rev.hasAck && s.Seq == rev.lastAck:
			v.Labels |= trace.LabelFastRetransmission
		case s.Len > 0 && rev.hasAck && s.Seq.Add(s.Len).LessThanEq(rev.lastAck):
			v.Labels |= trace.LabelRetransmission | trace.LabelSpuriousRetransmission
		default:
			v.Labels |= trace.LabelRetransmission
		}
	}
	if s.Window == 0 && !ctl {
		v.Labels |= trace.LabelZeroWindow
	}
	pure := s.Len == 0 && !ctl && s.Flags&wire.ACK != 0 && fwd.hasNext && s.Seq == fwd.nextSeq &&
		fwd.hasAck && s.Ack == fwd.lastAck && fwd.hasWin && v.Win != 0
	switch {
	case pure && v.Win != fwd.win:
		v.Labels |= trace.LabelWindowUpdate
	case pure && rev.keepalive:
		v.Labels |= trace.LabelKeepaliveACK
	case pure:
		fwd.dupAcks++
		v.Labels |= trace.LabelDupACK
		v.N = fwd.dupAcks
	}

	// What the segment teaches about its direction.
	if s.Flags&wire.SYN != 0 {
		fwd.synSeen, fwd.iss, fwd.wscale = true, s.Seq, -1
		if s.Opt.HasWScale {
			fwd.wscale = int8(s.Opt.WScale)
		}
	}
	if end := s.Seq.Add(seqLen); !fwd.hasNext || fwd.nextSeq.LessThan(end) {
		fwd.hasNext, fwd.nextSeq = true, end
	}
	if s.Flags&wire.ACK != 0 && (!fwd.hasAck || s.Ack != fwd.lastAck) {
		fwd.hasAck, fwd.lastAck, fwd.dupAcks = true, s.Ack, 0
	}
	fwd.hasWin, fwd.win = true, v.Win
	fwd.keepalive = keepalive
	// The reverse side hears from this one: its probes are answered, and
	// a window that opens ends its zero-window probing.
	rev.probes = 0
	if v.Win != 0 {
		rev.zwProbes = 0
	}
	return v
}
