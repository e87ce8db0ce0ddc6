package sweep

import (
	"net/netip"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Metrics are what a sweep measures of one run, all from its trace.
type Metrics struct {
	// Loss is the fraction of the data segments sent (segments with a
	// payload, retransmissions included) that the network lost, for any
	// reason: random loss, a full queue, a rule, corruption.
	Loss float64
	// MSS is the largest payload of a segment sent: the MSS in effect,
	// less the options every segment carries (1448 with timestamps).
	MSS int
	// RTT is the mean of the round-trip samples taken as RFC 6298 takes
	// them, with Karn's rule: from a segment's first transmission to the
	// ACK that first covers it, when nothing that ACK covers was sent
	// twice. 0 without a sample.
	RTT time.Duration
	// Throughput is the bytes the applications read × 8 over Duration, in
	// bits per second; 0 when nothing was read.
	Throughput float64
	// Retransmissions counts the segments sent again (RTO or fast
	// retransmission).
	Retransmissions int64
	// Duration is the time from the first SYN to the last byte read.
	Duration time.Duration
	// Fairness is Jain's index over the connections that carried data,
	// each with its own throughput (bytes read × 8 from its SYN to its
	// last byte read): (Σx)² / (n·Σx²), 1 when all are equal (and for one
	// connection, or none), 1/n when one has everything.
	Fairness float64
	// Bytes is what the applications read.
	Bytes int64
}

// Meter is a trace sink that measures a run (see Metrics).
type Meter struct {
	synSeen  bool
	firstSYN sim.Time
	lastRead sim.Time
	bytes    int64

	dataSent, dataLost int64
	mss                int
	retransmissions    int64

	rttSum   time.Duration
	rttCount int64

	// conns are the connections by their addresses, and order them as
	// they opened (for a sum that does not depend on map order); byNode
	// finds a connection from a node's own number for it.
	conns  map[pair]*connStats
	order  []*connStats
	byNode map[nodeConn]pair
	// dirs are the data directions by sender and receiver, for the RTT.
	dirs map[pair]*direction
}

// pair is a connection's two ends, or one direction's sender and receiver.
type pair struct{ a, b netip.AddrPort }

// canonical orders the ends, so that both directions give one key.
func (p pair) canonical() pair {
	if p.b.Compare(p.a) < 0 {
		return pair{p.b, p.a}
	}
	return p
}

type nodeConn struct {
	node string
	conn uint32
}

type connStats struct {
	start    sim.Time // its first SYN
	lastRead sim.Time
	bytes    int64
}

// direction is one direction of a connection: its data not yet
// acknowledged, oldest first, for the RTT samples.
type direction struct {
	sent    []sent
	head    int      // sent[:head] are acknowledged
	next    wire.Seq // after the highest sequence number sent (SND.MAX)
	started bool     // something was sent
}

// sent is a stretch of sequence space sent once (or more, if resent).
type sent struct {
	end    wire.Seq // the sequence number after it
	at     sim.Time // its first transmission
	resent bool     // sent again: its ACK gives no sample (Karn's rule)
}

// NewMeter returns a meter for one run.
func NewMeter() *Meter {
	return &Meter{conns: map[pair]*connStats{}, byNode: map[nodeConn]pair{}, dirs: map[pair]*direction{}}
}

// Reads says which records the meter reads: the run builds no others
// for it.
func (m *Meter) Reads() trace.KindSet {
	return trace.Kinds(trace.KindSend, trace.KindDeliver, trace.KindDrop, trace.KindApp)
}

// Record reads one record of the run.
func (m *Meter) Record(r *trace.Record) {
	switch r.Kind {
	case trace.KindSend:
		m.send(r)
	case trace.KindDrop:
		if r.Pkt.Seg.Len > 0 {
			m.dataLost++
		}
	case trace.KindDeliver:
		if r.Pkt.Seg.Flags&wire.ACK != 0 {
			m.ack(r.T, &r.Pkt.Seg)
		}
	case trace.KindApp:
		if r.App != trace.AppRead || r.Value <= 0 {
			return
		}
		m.bytes += r.Value
		m.lastRead = r.T
		if c := m.conns[m.byNode[nodeConn{r.Node, r.Conn}]]; c != nil {
			c.bytes += r.Value
			c.lastRead = r.T
		}
	}
}

func (m *Meter) send(r *trace.Record) {
	seg := &r.Pkt.Seg
	if r.Pkt.Labels&(trace.LabelRetransmission|trace.LabelFastRetransmission) != 0 {
		m.retransmissions++
	}
	if seg.Len > 0 {
		m.dataSent++
		m.mss = max(m.mss, int(seg.Len))
	}
	dir := pair{seg.Src, seg.Dst}
	if seg.Flags&wire.SYN != 0 {
		if !m.synSeen {
			m.synSeen, m.firstSYN = true, r.T
		}
		key := dir.canonical()
		m.byNode[nodeConn{r.Node, r.Conn}] = key
		if m.conns[key] == nil || seg.Flags&wire.ACK == 0 && r.Pkt.Labels&trace.LabelRetransmission == 0 {
			c := &connStats{start: r.T} // a new connection on these addresses
			m.conns[key] = c
			m.order = append(m.order, c)
		}
		m.dirs[dir] = &direction{}
	}
	d := m.dirs[dir]
	if d == nil || seg.SeqLen() == 0 {
		return
	}
	d.send(r.T, seg.Seq, seg.End())
}

// send notes that [seq, end) was sent at t. What it sends again is
// marked resent (the stretches are contiguous: the one at i starts where
// the one before it ends).
func (d *direction) send(t sim.Time, seq, end wire.Seq) {
	last := seq
	if d.started {
		last = d.next
	}
	if seq.LessThan(last) {
		for i := d.head; i < len(d.sent); i++ {
			if i > d.head && !d.sent[i-1].end.LessThan(end) {
				break // this stretch starts at or after end
			}
			if seq.LessThan(d.sent[i].end) {
				d.sent[i].resent = true
			}
		}
	}
	if !last.LessThan(end) {
		return // all of it was sent before
	}
	d.sent = append(d.sent, sent{end: end, at: t, resent: seq.LessThan(last)})
	d.started, d.next = true, end
}

// ack takes the samples an ACK gives its receiver, the data sender.
func (m *Meter) ack(t sim.Time, seg *wire.Segment) {
	d := m.dirs[pair{seg.Dst, seg.Src}]
	if d == nil {
		return
	}
	n, resent := 0, false
	var newest sim.Time
	for d.head < len(d.sent) && d.sent[d.head].end.LessThanEq(seg.Ack) {
		resent = resent || d.sent[d.head].resent
		newest = d.sent[d.head].at
		d.head++
		n++
	}
	if n == 0 {
		return
	}
	if !resent {
		m.rttSum += t.Sub(newest)
		m.rttCount++
	}
	if d.head > 1024 && d.head*2 > len(d.sent) {
		d.sent = append(d.sent[:0], d.sent[d.head:]...)
		d.head = 0
	}
}

// Metrics returns what the meter measured.
func (m *Meter) Metrics() Metrics {
	out := Metrics{MSS: m.mss, Retransmissions: m.retransmissions, Bytes: m.bytes, Fairness: 1}
	if m.dataSent > 0 {
		out.Loss = float64(m.dataLost) / float64(m.dataSent)
	}
	if m.rttCount > 0 {
		out.RTT = m.rttSum / time.Duration(m.rttCount)
	}
	if m.synSeen && m.bytes > 0 && m.lastRead > m.firstSYN {
		out.Duration = m.lastRead.Sub(m.firstSYN)
		out.Throughput = float64(m.bytes) * 8 / out.Duration.Seconds()
	}
	var sum, sumSq float64
	n := 0
	for _, c := range m.order {
		if c.bytes == 0 || c.lastRead <= c.start {
			continue
		}
		x := float64(c.bytes) * 8 / c.lastRead.Sub(c.start).Seconds()
		sum += x
		sumSq += x * x
		n++
	}
	if n > 1 {
		out.Fairness = sum * sum / (float64(n) * sumSq)
	}
	return out
}
