package html

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/wire"
)

// This file reconstructs each endpoint's TCP variables from the trace
// alone, record by record. doc.go says how each is derived and where the
// derivation stops short of the endpoint's real state.

// The fields of an endpoint's state in the page's data. Sequence numbers
// are offsets from the side's ISN: the sending side's (una, nxt, max) from
// the endpoint's ISS, the receiving side's (rnxt, rack, ooo) from its IRS,
// so that the page can show them absolute or relative and draw the bars
// with plain arithmetic across a wrap of 2^32.
const (
	fState    = "state"    // RFC 9293 state name
	fUna      = "una"      // SND.UNA
	fNxt      = "nxt"      // SND.NXT
	fMax      = "max"      // SND.MAX: the highest sequence number sent, plus one
	fWnd      = "wnd"      // SND.WND, bytes
	fRcvNxt   = "rnxt"     // RCV.NXT
	fRcvWnd   = "rwnd"     // RCV.WND: the window in the last segment sent, bytes
	fRcvAck   = "rack"     // the ACK field of the last segment sent (where the advertised window starts)
	fOOO      = "ooo"      // ranges received beyond RCV.NXT: [[left, right), …] (in the state before the first event)
	fOOOAdd   = "ooo+"     // a range received beyond RCV.NXT, [left, right), to merge into ooo
	fCwnd     = "cwnd"     // bytes
	fSsthresh = "ssthresh" // bytes; -1 for "infinite"
	fRTO      = "rto"      // ns
	fSRTT     = "srtt"     // ns
	fBuf      = "buf"      // bytes received in order and not yet read
	fRead     = "read"     // bytes the application has read
	fWrote    = "wrote"    // bytes the application has written
	fMSS      = "mss"      // the largest payload seen in a segment the endpoint sent
	timerF    = "t:"       // "t:retransmission": [set at, fires at] in ns, or null
)

// endpoint is one side of a connection: a node's connection number.
type endpoint struct {
	Node  string  `json:"node"`
	Conn  uint32  `json:"conn"`
	Side  int     `json:"side"` // its timeline: 0 left, 1 right, -1 none
	Peer  int     `json:"peer"` // the other side's index, or -1
	ISS   *uint32 `json:"iss"`  // its initial sequence number, when it sent a SYN
	IRS   *uint32 `json:"irs"`  // the peer's, when a SYN arrived
	Cap   int64   `json:"cap"`  // receive buffer size, inferred (doc.go)
	Color int     `json:"conn_index"`

	port, peerPort uint16
	peerNode       string
	hasTuple       bool
	first          sim.Time // its first record
	initState      string   // the From of its first state record
	cur            map[string]any
	trig           trigger
	inRecovery     bool
}

// trigger is the last input an endpoint processed: what a var record at
// the same instant is explained by.
type trigger struct {
	t    sim.Time
	kind int // trigNone, trigNewACK, trigDupACK, trigRTO
	n    int32
}

const (
	trigNone = iota
	trigNewACK
	trigDupACK
	trigRTO
)

// change is one field of one endpoint that an event changed, with why.
type change struct {
	ep    int
	field string
	value any
	why   string
}

// model follows the trace and keeps each endpoint's state.
type model struct {
	cat   *catalog.Phrases
	seq   catalog.SeqNumbers
	eps   []*endpoint
	byKey map[epKey]int // (node, conn) → endpoint
	tuple map[tupleKey][]int
	out   []change // the changes of the record being applied
}

type epKey struct {
	node string
	conn uint32
}

type tupleKey struct {
	node     string
	port     uint16
	peer     string
	peerPort uint16
}

// newModel learns the endpoints of recs: every (node, connection) that a
// record names, with its ports from the segments it sends, paired with
// the peer whose ports are the mirror image.
func newModel(recs []trace.Record, cat *catalog.Phrases, seq catalog.SeqNumbers, left, right string) *model {
	m := &model{cat: cat, seq: seq, byKey: make(map[epKey]int), tuple: make(map[tupleKey][]int)}
	for i := range recs {
		r := &recs[i]
		if r.Conn == 0 || r.Node == "" {
			continue
		}
		switch r.Kind {
		case trace.KindSend, trace.KindState, trace.KindTimer, trace.KindVar, trace.KindApp, trace.KindAbort, trace.KindMsg:
		default:
			continue
		}
		k := epKey{r.Node, r.Conn}
		e, ok := m.byKey[k]
		if !ok {
			e = len(m.eps)
			m.byKey[k] = e
			side := -1
			switch r.Node {
			case left:
				side = 0
			case right:
				side = 1
			}
			m.eps = append(m.eps, &endpoint{Node: r.Node, Conn: r.Conn, Side: side, Peer: -1, first: r.T, cur: map[string]any{}})
		}
		ep := m.eps[e]
		if r.Kind == trace.KindState && ep.initState == "" {
			ep.initState = r.From.String()
		}
		if r.Kind == trace.KindSend && !ep.hasTuple {
			ep.hasTuple = true
			ep.port, ep.peerPort, ep.peerNode = r.Pkt.Seg.Src.Port(), r.Pkt.Seg.Dst.Port(), r.Peer
			tk := tupleKey{r.Node, ep.port, r.Peer, ep.peerPort}
			m.tuple[tk] = append(m.tuple[tk], e)
		}
	}
	// Pair each endpoint with the mirror endpoint nearest in time.
	for a, ea := range m.eps {
		if !ea.hasTuple || ea.Peer >= 0 {
			continue
		}
		best := -1
		for _, b := range m.tuple[tupleKey{ea.peerNode, ea.peerPort, ea.Node, ea.port}] {
			if m.eps[b].Peer >= 0 {
				continue
			}
			if best < 0 || absDur(m.eps[b].first-ea.first) < absDur(m.eps[best].first-ea.first) {
				best = b
			}
		}
		if best >= 0 {
			ea.Peer, m.eps[best].Peer = best, a
		}
	}
	return m
}

func absDur(t sim.Time) sim.Time {
	if t < 0 {
		return -t
	}
	return t
}

// receiver returns the endpoint a segment from r's sender arrives at: the
// latest endpoint with the mirror ports that existed by then.
func (m *model) receiver(r *trace.Record) int {
	s := &r.Pkt.Seg
	cands := m.tuple[tupleKey{r.Peer, s.Dst.Port(), r.Node, s.Src.Port()}]
	best := -1
	for _, e := range cands {
		if m.eps[e].first <= r.T || best < 0 {
			best = e
		}
	}
	return best
}

// sender returns the endpoint that sent r's segment, or -1 (a segment of
// no connection, such as a RST for a closed port).
func (m *model) sender(r *trace.Record) int {
	if e, ok := m.byKey[epKey{r.Node, r.Conn}]; ok && r.Conn > 0 {
		return e
	}
	return -1
}

// set records a field's new value, with why, when it differs from the
// one the endpoint had.
func (m *model) set(e int, f string, v any, why string) {
	ep := m.eps[e]
	if old, ok := ep.cur[f]; ok && reflect.DeepEqual(old, v) {
		return
	}
	ep.cur[f] = v
	m.out = append(m.out, change{e, f, v, why})
}

// quiet sets a field without telling the page.
func (m *model) quiet(e int, f string, v any) { m.eps[e].cur[f] = v }

func (m *model) num(e int, f string) (int64, bool) {
	v, ok := m.eps[e].cur[f].(int64)
	return v, ok
}

// show returns a sequence number, offset off from base, as the page
// shows it: relative (the offset) or absolute.
func (m *model) show(base *uint32, off int64) uint64 {
	if m.seq == catalog.SeqRelative || base == nil {
		return uint64(uint32(off))
	}
	return uint64(*base + uint32(off))
}

// seqOff returns v as an offset from base, as an int64 (0 … 2^32−1).
func seqOff(base uint32, v wire.Seq) int64 { return int64(uint32(v) - base) }

// apply updates the state of the endpoints r is about, and returns what
// changed.
func (m *model) apply(r *trace.Record) []change {
	m.out = m.out[:0]
	switch r.Kind {
	case trace.KindSend:
		if e := m.sender(r); e >= 0 {
			m.touch(e, r.T)
			m.onSend(e, r)
		}
	case trace.KindDeliver:
		if e := m.receiver(r); e >= 0 {
			m.touch(e, r.T)
			m.onDeliver(e, r)
		}
	case trace.KindState:
		if e, ok := m.byKey[epKey{r.Node, r.Conn}]; ok {
			m.touch(e, r.T)
			m.set(e, fState, r.To.String(), m.cat.Sprintf(catalog.MsgState, r.From, r.To))
		}
	case trace.KindTimer:
		if e, ok := m.byKey[epKey{r.Node, r.Conn}]; ok {
			m.touch(e, r.T)
			m.onTimer(e, r)
		}
	case trace.KindVar:
		if e, ok := m.byKey[epKey{r.Node, r.Conn}]; ok {
			m.touch(e, r.T)
			m.onVar(e, r)
		}
	case trace.KindApp:
		if e, ok := m.byKey[epKey{r.Node, r.Conn}]; ok && r.Conn > 0 {
			m.touch(e, r.T)
			note := m.cat.AppNote(r)
			switch r.App {
			case trace.AppWrite:
				w, _ := m.num(e, fWrote)
				m.set(e, fWrote, w+r.Value, note)
			case trace.AppRead:
				rd, _ := m.num(e, fRead)
				m.set(e, fRead, rd+r.Value, note)
			}
		}
	case trace.KindAbort:
		if e, ok := m.byKey[epKey{r.Node, r.Conn}]; ok {
			m.touch(e, r.T)
			m.clearTimers(e, m.cat.Sprintf(catalog.MsgAborted, m.cat.AbortReason(r.Abort)))
		}
	case trace.KindHost:
		// A crashed or rebooted host keeps nothing of its connections.
		for e, ep := range m.eps {
			if ep.Node != r.Node || len(ep.cur) == 0 {
				continue
			}
			why := m.cat.HostNote(r)
			m.set(e, fState, "CLOSED", why)
			m.clearTimers(e, why)
		}
	}
	return m.out
}

// touch gives an endpoint its first state when it first appears.
func (m *model) touch(e int, t sim.Time) {
	ep := m.eps[e]
	if _, ok := ep.cur[fState]; !ok && ep.initState != "" {
		m.set(e, fState, ep.initState, "")
	}
	if ep.trig.t != t {
		ep.trig = trigger{t: t}
	}
}

func (m *model) clearTimers(e int, why string) {
	ep := m.eps[e]
	for f, v := range ep.cur {
		if strings.HasPrefix(f, timerF) && v != nil {
			m.set(e, f, nil, why)
		}
	}
}

// onSend: the sender's ISS, SND.NXT and SND.MAX; what it advertises
// (RCV.WND and where it starts); its ACK, which is its RCV.NXT.
func (m *model) onSend(e int, r *trace.Record) {
	ep := m.eps[e]
	s := &r.Pkt.Seg
	if s.Flags.Has(wire.SYN) && ep.ISS == nil {
		iss := uint32(s.Seq)
		ep.ISS = &iss
		m.set(e, fUna, int64(0), "")
	}
	if ep.ISS != nil {
		end := seqOff(*ep.ISS, s.Seq) + int64(s.SeqLen())
		if seqOff(*ep.ISS, s.Seq) > 1<<31 {
			end = 0 // before the ISS: a keepalive probe at SND.UNA−1 when SND.UNA is the ISS
		}
		nxt, _ := m.num(e, fNxt)
		if end > nxt {
			m.set(e, fNxt, end, m.cat.Sprintf(catalog.MsgWhyNxtSent, m.show(ep.ISS, end)))
		}
		if mx, _ := m.num(e, fMax); end > mx {
			m.quiet(e, fMax, end) // the page keeps SND.MAX itself: the highest SND.NXT
		}
		if mss, _ := m.num(e, fMSS); int64(s.Len) > mss {
			m.set(e, fMSS, int64(s.Len), "")
		}
	}
	m.set(e, fRcvWnd, int64(r.Pkt.Win), m.cat.Sprintf(catalog.MsgWhyRcvWnd, int64(r.Pkt.Win)))
	if s.Flags.Has(wire.ACK) && ep.IRS != nil {
		ack := seqOff(*ep.IRS, s.Ack)
		m.set(e, fRcvAck, ack, "")
		if rn, ok := m.num(e, fRcvNxt); !ok || rn != ack {
			// The inference from the segments that arrived missed
			// something (doc.go): the ACK it sends is its RCV.NXT.
			m.set(e, fRcvNxt, ack, m.cat.Sprintf(catalog.MsgWhyRcvNxtACK, m.show(ep.IRS, ack)))
			m.trimOOO(e, ack)
		}
	}
}

// onDeliver: the receiver's IRS and RCV.NXT, data held out of order, and
// the ACK it takes (SND.UNA).
func (m *model) onDeliver(e int, r *trace.Record) {
	ep := m.eps[e]
	s := &r.Pkt.Seg
	if s.Flags.Has(wire.RST) {
		return
	}
	if s.Flags.Has(wire.SYN) {
		if ep.IRS == nil {
			irs := uint32(s.Seq)
			ep.IRS = &irs
		}
		if _, ok := m.num(e, fRcvNxt); !ok {
			m.set(e, fRcvNxt, int64(1), m.cat.Str(catalog.MsgWhyRcvNxtSYN))
		}
	}
	if ep.IRS != nil {
		m.receiveData(e, r)
	}
	if s.Flags.Has(wire.ACK) && ep.ISS != nil {
		ack := seqOff(*ep.ISS, s.Ack)
		una, _ := m.num(e, fUna)
		mx, _ := m.num(e, fMax)
		switch {
		case ack > una && ack <= mx:
			ep.trig = trigger{t: r.T, kind: trigNewACK}
			m.set(e, fUna, ack, m.cat.Sprintf(catalog.MsgWhyUna, m.show(ep.ISS, ack)))
			if nxt, _ := m.num(e, fNxt); nxt < ack {
				m.set(e, fNxt, ack, m.cat.Sprintf(catalog.MsgWhyNxtACK, m.show(ep.ISS, ack)))
			}
		case r.Pkt.Labels.Has(trace.LabelDupACK):
			ep.trig = trigger{t: r.T, kind: trigDupACK, n: r.Pkt.N}
		}
	}
}

// receiveData takes a delivered segment's bytes that fall in the window:
// in order, RCV.NXT advances over them and over what was held out of order
// after them; beyond RCV.NXT they are held.
func (m *model) receiveData(e int, r *trace.Record) {
	ep := m.eps[e]
	s := &r.Pkt.Seg
	n := s.Len
	if s.Flags.Has(wire.FIN) {
		n++
	}
	if n == 0 {
		return
	}
	start := seqOff(*ep.IRS, s.Seq)
	if s.Flags.Has(wire.SYN) {
		start++
	}
	end := start + int64(n)
	rnxt, ok := m.num(e, fRcvNxt)
	if !ok || start > 1<<31 {
		return
	}
	// The right edge of the window: where the last advertised window ends.
	if ack, ok := m.num(e, fRcvAck); ok {
		wnd, _ := m.num(e, fRcvWnd)
		if wnd == 0 && s.Len > 0 {
			return // RFC 9293 §3.10.7.4: with a zero window no data is acceptable
		}
		end = min(end, ack+wnd+int64(boolInt(s.Flags.Has(wire.FIN))))
	}
	if end <= rnxt {
		return // a duplicate
	}
	if start > rnxt {
		// The page adds the range itself (fOOOAdd), and trims the ranges
		// when RCV.NXT moves: a run with many holes would otherwise send
		// the whole list at every step.
		m.quiet(e, fOOO, addRange(m.ooo(e), [2]int64{start, end}))
		m.out = append(m.out, change{e, fOOOAdd, []int64{start, end}, m.cat.Str(catalog.MsgWhyOutOfOrder)})
		return
	}
	next := end
	for _, rg := range m.ooo(e) {
		if rg[0] <= next && rg[1] > next {
			next = rg[1]
		}
	}
	m.set(e, fRcvNxt, next, m.cat.Sprintf(catalog.MsgWhyRcvNxt, m.show(ep.IRS, next)))
	m.trimOOO(e, next)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ooo returns a copy of the endpoint's out-of-order ranges.
func (m *model) ooo(e int) [][2]int64 {
	v, _ := m.eps[e].cur[fOOO].([][2]int64)
	return append([][2]int64(nil), v...)
}

// trimOOO drops what lies below rnxt from the out-of-order ranges.
func (m *model) trimOOO(e int, rnxt int64) {
	old := m.ooo(e)
	if len(old) == 0 {
		return
	}
	var keep [][2]int64
	for _, rg := range old {
		if rg[1] > rnxt {
			keep = append(keep, [2]int64{max(rg[0], rnxt), rg[1]})
		}
	}
	if keep == nil {
		keep = [][2]int64{}
	}
	m.quiet(e, fOOO, keep) // the page trims them itself when RCV.NXT moves
}

// addRange merges rg into the sorted, disjoint ranges rs.
func addRange(rs [][2]int64, rg [2]int64) [][2]int64 {
	var out [][2]int64
	for _, r := range rs {
		switch {
		case r[1] < rg[0]:
			out = append(out, r)
		case rg[1] < r[0]:
			out = append(out, rg)
			rg = r
		default:
			rg = [2]int64{min(r[0], rg[0]), max(r[1], rg[1])}
		}
	}
	return append(out, rg)
}

// onTimer: the running timers; an RTO rewinds SND.NXT to SND.UNA.
func (m *model) onTimer(e int, r *trace.Record) {
	f := timerF + r.Timer.String()
	name := m.cat.TimerName(r.Timer)
	switch r.TimerOp {
	case trace.TimerSet:
		m.set(e, f, []int64{int64(r.T), int64(r.At)}, m.cat.Sprintf(catalog.MsgWhyTimerSet, name, seconds(r.At.Sub(r.T).Nanoseconds())))
	case trace.TimerFired:
		m.set(e, f, nil, m.cat.Sprintf(catalog.MsgWhyTimerFired, name))
		if r.Timer == trace.TimerRetransmission {
			m.eps[e].trig = trigger{t: r.T, kind: trigRTO}
			m.eps[e].inRecovery = false
			if una, ok := m.num(e, fUna); ok {
				m.set(e, fNxt, una, m.cat.Str(catalog.MsgWhyNxtRTO))
			}
		}
	case trace.TimerCancelled:
		m.set(e, f, nil, m.cat.Sprintf(catalog.MsgWhyTimerCancelled, name))
	}
}

// onVar: the variables the trace reports, each with the rule that
// matches the input it followed (doc.go).
func (m *model) onVar(e int, r *trace.Record) {
	ep := m.eps[e]
	v := r.Value
	trig := ep.trig
	if trig.t != r.T {
		trig = trigger{}
	}
	switch r.Var {
	case trace.VarCwnd:
		old, had := m.num(e, fCwnd)
		why := ""
		switch {
		case !had:
			why = m.cat.Str(catalog.MsgWhyCwndInit)
		case trig.kind == trigRTO:
			why = m.cat.Str(catalog.MsgWhyCwndRTO)
		case trig.kind == trigDupACK && !ep.inRecovery:
			why = m.cat.Sprintf(catalog.MsgWhyCwndFast, trig.n)
			ep.inRecovery = true
		case trig.kind == trigDupACK:
			why = m.cat.Sprintf(catalog.MsgWhyCwndInflate, trig.n)
		case trig.kind == trigNewACK && v < old:
			why = m.cat.Str(catalog.MsgWhyCwndDeflate)
			ep.inRecovery = false
		case trig.kind == trigNewACK:
			ss, _ := m.num(e, fSsthresh)
			if ss < 0 || old < ss {
				why = m.cat.Str(catalog.MsgWhyCwndSlowStart)
			} else {
				why = m.cat.Str(catalog.MsgWhyCwndAvoidance)
			}
		}
		m.set(e, fCwnd, v, why)
	case trace.VarSsthresh:
		why := ""
		if old, had := m.num(e, fSsthresh); had && (old < 0 || v < old) && (trig.kind == trigRTO || trig.kind == trigDupACK) {
			why = m.cat.Str(catalog.MsgWhySsthreshLoss)
		}
		m.set(e, fSsthresh, v, why)
	case trace.VarSndWnd:
		m.set(e, fWnd, v, m.cat.Sprintf(catalog.MsgWhySndWnd, v))
	case trace.VarRcvBuffer:
		m.set(e, fBuf, v, m.cat.Sprintf(catalog.MsgWhyRcvBuffer, v))
	case trace.VarRTO:
		why := ""
		if _, had := m.num(e, fRTO); had {
			why = m.cat.Str(catalog.MsgWhyRTO)
			if trig.kind == trigRTO {
				why = m.cat.Str(catalog.MsgWhyRTOBackoff)
			}
		}
		m.set(e, fRTO, v, why)
	case trace.VarSRTT:
		m.set(e, fSRTT, v, m.cat.Str(catalog.MsgWhySRTT))
	}
}

// inferCapacity sets each endpoint's receive buffer size: the most it
// ever had in use plus the window it advertised then (doc.go). A send's
// window is matched with the bytes in use at the end of its instant, since
// the trace reports rcv_buffer once the input that changed it is done.
func (m *model) inferCapacity(recs []trace.Record) {
	buf := make([]int64, len(m.eps))
	type sent struct {
		ep  int
		win int64
	}
	var pending []sent
	flush := func() {
		for _, p := range pending {
			m.eps[p.ep].Cap = max(m.eps[p.ep].Cap, buf[p.ep]+p.win)
		}
		pending = pending[:0]
	}
	for i := range recs {
		r := &recs[i]
		if i > 0 && r.T != recs[i-1].T {
			flush()
		}
		switch r.Kind {
		case trace.KindVar:
			if e, ok := m.byKey[epKey{r.Node, r.Conn}]; ok && r.Var == trace.VarRcvBuffer {
				buf[e] = r.Value
			}
		case trace.KindSend:
			if e := m.sender(r); e >= 0 {
				pending = append(pending, sent{e, int64(r.Pkt.Win)})
			}
		}
	}
	flush()
}

// seconds formats a duration in ns as the outputs write times.
func seconds(ns int64) string { return catalog.Seconds(sim.Time(ns)) }

// varValue formats a var record's value for the event line.
func varValue(r *trace.Record) string {
	switch {
	case r.Var == trace.VarSsthresh && r.Value < 0:
		return "∞"
	case r.Var == trace.VarRTO || r.Var == trace.VarSRTT:
		return seconds(r.Value)
	}
	return strconv.FormatInt(r.Value, 10)
}
