package tcp

import (
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// GSO packets: Linux hands the device not segments but packets of several
// segments (GSO, cut into segments in software on a device without TSO,
// as tcpsim kernel's TUN devices are), and forces PSH on each such packet
// (__tcp_transmit_skb: "Force a PSH flag on all (GSO) packets to expedite
// GRO flush at receiver"); cutting it (tcp_gso_segment) leaves the flag on
// its last segment only. So a bulk sender's PSH marks the end of each
// packet, as many segments apart as tcp_tso_autosize makes them: about a
// millisecond's worth at the pacing rate, at least two segments
// (tcp_min_tso_segs). A lone segment gets PSH only as the end of what the
// application wrote (tcp_push; tcpsim: the segment that empties the send
// queue).
//
// The policy says whether packets are cut so (gsoPackets); output then
// collects the segments that one pass of sendNext sends, as tcp_write_xmit
// builds them, into packets of at most gsoSegs() segments.

// Linux's constants behind GSO packet sizes.
const (
	linuxGSOMaxSize     = 65536 // GSO_LEGACY_MAX_SIZE: sk_gso_max_size
	linuxMinTSOSegs     = 2     // tcp_min_tso_segs
	linuxPacingShift    = 10    // sk_pacing_shift: about 1 ms of data per packet
	linuxPacingSSRatio  = 200   // tcp_pacing_ss_ratio, percent
	linuxPacingCARatio  = 120   // tcp_pacing_ca_ratio, percent
	linuxTSOAutosizeMin = 1     // a packet is at least one segment
)

// gsoSegs is how many segments one GSO packet carries at most now:
// tcp_tso_autosize at the pacing rate tcp_update_pacing_rate sets (twice
// cwnd per SRTT in slow start, 1.2 times after), within the send size goal
// (tcp_xmit_size_goal: half the largest window the peer offered, at most
// 64 KiB).
func (c *Conn) gsoSegs() int {
	mss := uint64(c.sndMSS)
	if mss == 0 {
		return linuxTSOAutosizeMin
	}
	bytes := uint64(linuxGSOMaxSize)
	if srtt := c.rtt.srtt.Microseconds(); srtt > 0 {
		ratio := uint64(linuxPacingCARatio)
		if c.cwnd < c.ssthresh/2 {
			ratio = linuxPacingSSRatio
		}
		pkts := uint64(max(c.cwnd, c.flightSize())) / mss
		rate := mss * ratio * pkts * 1e6 / 100 / uint64(srtt) // bytes per second
		bytes = min(bytes, rate>>linuxPacingShift)
	}
	segs := max(int(bytes/mss), linuxMinTSOSegs)
	// tcp_bound_to_half_wnd: the write queue's packets are at most half
	// the largest window.
	goal := uint64(linuxGSOMaxSize)
	if w := uint64(c.maxSndWnd); w > 0 {
		if w > linuxDefaultMSS {
			w /= 2
		}
		goal = min(goal, w)
	}
	return min(segs, max(int(goal/mss), linuxTSOAutosizeMin))
}

// gsoBurst collects the segments of one GSO packet before they go.
type gsoBurst struct {
	segs []trace.Packet
	max  int
	emit func(*trace.Packet)
}

// add takes a segment output sends: data joins the packet (which goes
// when full); a segment without data goes alone, after the packet.
func (b *gsoBurst) add(p *trace.Packet) {
	if p.Seg.Len == 0 {
		b.flush()
		b.emit(p)
		return
	}
	b.segs = append(b.segs, *p)
	if len(b.segs) >= b.max {
		b.flush()
	}
}

// flush sends the packet's segments, PSH on the last when there are
// several.
func (b *gsoBurst) flush() {
	if n := len(b.segs); n > 1 {
		b.segs[n-1].Seg.Flags |= wire.PSH
	}
	for i := range b.segs {
		b.emit(&b.segs[i])
	}
	b.segs = b.segs[:0]
}
