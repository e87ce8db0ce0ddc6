package tcp

import (
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// Linux takes an RTT sample from every ACK of new data, not from one timed
// segment per round trip (RFC 6298 §3's classic, the rfc profile's): each
// skb keeps its send time (skb_mstamp_ns), and tcp_clean_rtx_queue measures
// seq_rtt_us from the first, oldest, skb the ACK acknowledges in full
// (first_ackt), unless the ACK covers retransmitted data
// (FLAG_RETRANS_DATA_ACKED: then tcp_ack_update_rtt falls back on the
// echoed timestamp, retransmit.go). The oldest segment may have waited at
// the receiver for a second one (a delayed ACK), so samples run longer than
// the path's round trip, and so do SRTT and the RTO: on Linux 6.18 a 40 ms
// path whose receiver ACKs every other segment has an RTO of 62 jiffies
// (248 ms), not 61.

// xmitLog is the send time of each segment of new data still in flight,
// in sequence order: what the skbs of Linux's retransmission queue carry.
// The acknowledged ones are dropped from the front by moving head, and the
// slice is compacted only when more than half of it is dead, so an ACK
// costs what it acknowledges, not the whole flight.
type xmitLog struct {
	ents []xmitEnt
	head int // ents[:head] are acknowledged
}

type xmitEnt struct {
	end wire.Seq // the segment's end
	at  sim.Time // when it was first sent
}

// sent records a segment of new data ending at end; data sent again
// (below the highest end recorded) keeps its first send time.
func (l *xmitLog) sent(end wire.Seq, at sim.Time) {
	if n := len(l.ents); n > l.head && end.LessThanEq(l.ents[n-1].end) {
		return
	}
	if l.head > 0 && l.head == len(l.ents) {
		l.ents, l.head = l.ents[:0], 0
	}
	l.ents = append(l.ents, xmitEnt{end, at})
}

// acked drops the segments an ACK up to ack covers in full and returns
// when the oldest of them was sent; false when it covers none (a segment
// acknowledged in part stays, as tcp_clean_rtx_queue leaves a partly
// acknowledged one-segment skb).
func (l *xmitLog) acked(ack wire.Seq) (sim.Time, bool) {
	first, _, ok := l.ackedSpan(ack)
	return first, ok
}

// ackedSpan is acked, also returning when the newest segment the ACK covers
// in full was sent (tcp_clean_rtx_queue's first_ackt and last_ackt).
func (l *xmitLog) ackedSpan(ack wire.Seq) (first, last sim.Time, ok bool) {
	i := l.head
	for i < len(l.ents) && l.ents[i].end.LessThanEq(ack) {
		i++
	}
	if i == l.head {
		return 0, 0, false
	}
	first, last = l.ents[l.head].at, l.ents[i-1].at
	l.head = i
	if l.head > 64 && 2*l.head > len(l.ents) {
		l.ents = l.ents[:copy(l.ents, l.ents[l.head:])]
		l.head = 0
	}
	return first, last, true
}

// sampleOldestAcked is tcp_clean_rtx_queue's seq_rtt_us: the time since the
// oldest segment the ACK covers in full was sent, unless the ACK covers
// data sent more than once. It reports whether it took a sample, and
// returns ca_rtt_us, the time since the newest segment the ACK covers in
// full was sent (what congestion control is given: HyStart), or -1.
func (c *Conn) sampleOldestAcked(now sim.Time, ack wire.Seq, resentAcked bool) (time.Duration, bool) {
	first, last, ok := c.xmits.ackedSpan(ack)
	if !ok || resentAcked {
		return -1, false
	}
	c.rtt.sample(now.Sub(first))
	c.backoff = 0 // tcp_ack_update_rtt: icsk_backoff = 0 after a valid sample
	return now.Sub(last), true
}
