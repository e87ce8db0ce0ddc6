package html

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/diagram"
	"github.com/tcpsim/tcpsim/wire"
)

// Options configures Write. The zero value shows the whole run (up to
// MaxEvents events) between "client" and "server", in English, with
// absolute sequence numbers.
type Options struct {
	// From and To select the stretch of the run the page holds; To 0
	// means until the last record. The state at From is that of the whole
	// run before it.
	From, To sim.Time
	// SeqNumbers shows sequence numbers absolute or relative to each
	// side's ISN, in the diagram and the panels alike.
	SeqNumbers catalog.SeqNumbers
	// Left and Right name the nodes on the diagram's timelines; "" means
	// the first and second node of the trace.
	Left, Right string
	// MaxEvents bounds the events the page holds: 0 means DefaultMaxEvents.
	// Past it the page ends with a line saying how many it left out.
	MaxEvents int
	// Lang is the language of every phrase on the page.
	Lang catalog.Lang
}

// DefaultMaxEvents is how many events a page holds at most: a page of
// this many opens in well under two seconds (see the README).
const DefaultMaxEvents = 100_000

//go:embed page.html
var pageHTML string

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string

// Write writes the page: one self-contained HTML file (inline CSS, JS and
// SVG, nothing fetched) that steps through records, a run's trace in
// order, as a trace.Log collects it.
func Write(w io.Writer, records []trace.Record, opt Options) error {
	d, err := build(records, opt)
	if err != nil {
		return err
	}
	var data bytes.Buffer
	enc := json.NewEncoder(&data) // escapes <, > and &: safe inside <script>
	if err := enc.Encode(compact(d)); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	title := d.Title
	if title == "" {
		title = "tcpsim"
	}
	page := strings.NewReplacer(
		"{{lang}}", d.Lang,
		"{{title}}", htmlEscape(title),
		"{{css}}", pageCSS,
		"{{js}}", pageJS,
		"{{data}}", strings.TrimSpace(data.String()),
	).Replace(pageHTML)
	if _, err := io.WriteString(w, page); err != nil {
		return fmt.Errorf("writing the page: %w", err)
	}
	return nil
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// pageData is everything the page's script reads, embedded as JSON.
type pageData struct {
	Version   int               `json:"version"`
	Lang      string            `json:"lang"`
	Title     string            `json:"title"`
	Relative  bool              `json:"relative"` // sequence numbers relative to the ISNs
	Phrases   map[string]string `json:"phrases"`
	Fields    map[string]string `json:"fields"` // the RFC names of the panel's fields
	Layout    *diagram.Layout   `json:"layout"`
	Endpoints []*endpoint       `json:"endpoints"`
	Conns     []pageConn        `json:"conns"`
	Arrows    []pageArrow       `json:"arrows"`
	// Init is each endpoint's state before the first event (fields as in
	// Changes), for a page that starts after the beginning of the run.
	Init   []map[string]any `json:"init"`
	Events []pageEvent      `json:"events"`
	More   string           `json:"more"` // events left out past MaxEvents, or ""
}

// pageConn is a connection of the picker: its two endpoints.
type pageConn struct {
	Name string `json:"name"`
	Eps  []int  `json:"eps"`
}

// pageEvent is one trace record, the unit the cursor steps by.
type pageEvent struct {
	T       int64    `json:"t"`             // ns
	Y       float64  `json:"y"`             // its y in the diagram
	Rec     int      `json:"rec"`           // its index in the trace
	Kind    string   `json:"k"`             // the trace's event name: send, deliver, …
	Node    string   `json:"n"`             // the record's node
	Conn    uint32   `json:"c"`             // its connection number on that node
	Arrow   int      `json:"a"`             // for send, deliver, drop: its arrow, or -1
	Text    string   `json:"x"`             // what happened, in words
	Changes [][]any  `json:"d"`             // [endpoint, field, value, why]
	Eps     []int    `json:"e"`             // the endpoints it concerns
	Cut     bool     `json:"cut,omitempty"` // an idle stretch is cut out of the diagram before it
	Extra   *pktInfo `json:"p,omitempty"`
}

// pktInfo identifies a packet event's segment, for the test that holds
// every event to a trace record.
type pktInfo struct {
	ID uint64 `json:"id"`
}

// pageArrow is what a click on a segment shows.
type pageArrow struct {
	ID      uint64 `json:"id"`
	Conn    int    `json:"conn"` // index into Conns, -1 for none
	Src     string `json:"src"`
	Dst     string `json:"dst"`
	Sport   uint16 `json:"sport"`
	Dport   uint16 `json:"dport"`
	Flags   string `json:"flags"`
	Seq     uint64 `json:"seq"`
	Ack     uint64 `json:"ack"`
	HasAck  bool   `json:"has_ack"`
	Len     uint32 `json:"len"`
	Win     uint32 `json:"win"`
	WndF    uint16 `json:"wnd_field"`
	Options string `json:"options"`
	Labels  string `json:"labels"`
	Why     string `json:"why"`
	Reason  string `json:"reason"` // why it was dropped, or ""
	Rule    string `json:"rule"`   // the drop rule, when a rule dropped it
	T0      int64  `json:"t0"`
	T1      int64  `json:"t1"`      // delivered or dropped at; -1 in flight at the end
	End     string `json:"end"`     // deliver, drop or ""
	SendEv  int    `json:"send_ev"` // the events of its send and its end; -1 outside the page
	EndEv   int    `json:"end_ev"`
}

// build computes the page's data from the trace.
func build(records []trace.Record, opt Options) (*pageData, error) {
	if err := opt.SeqNumbers.Check(); err != nil {
		return nil, err
	}
	if err := opt.Lang.Check(); err != nil {
		return nil, err
	}
	if opt.To != 0 && opt.To < opt.From {
		return nil, fmt.Errorf("html: the window ends (%v) before it starts (%v)", opt.To, opt.From)
	}
	if opt.MaxEvents == 0 {
		opt.MaxEvents = DefaultMaxEvents
	}
	if opt.Left == "" || opt.Right == "" {
		var nodes []string
		for i := range records {
			if r := &records[i]; r.Kind == trace.KindNode {
				nodes = append(nodes, r.Node)
			}
		}
		if len(nodes) < 2 {
			nodes = []string{"client", "server"}
		}
		if opt.Left == "" {
			opt.Left = nodes[0]
		}
		if opt.Right == "" {
			opt.Right = nodes[1]
			if opt.Right == opt.Left {
				opt.Right = nodes[0]
			}
		}
	}
	cat := opt.Lang.Phrases()

	// The window, bounded to MaxEvents events.
	lo, _ := slices.BinarySearchFunc(records, opt.From, func(r trace.Record, t sim.Time) int { return cmpTime(r.T, t) })
	hi := len(records)
	if opt.To != 0 {
		hi, _ = slices.BinarySearchFunc(records, opt.To+1, func(r trace.Record, t sim.Time) int { return cmpTime(r.T, t) })
	}
	to := opt.To
	more := 0
	n := 0
	for i := lo; i < hi; i++ {
		if isEvent(&records[i]) {
			n++
			if n > opt.MaxEvents {
				// Cut before the first record of the instant that
				// overflows, so that the diagram's window ends with the
				// page's last event.
				cut := i
				for cut > lo && records[cut-1].T == records[i].T {
					cut--
				}
				for j := cut; j < hi; j++ {
					if isEvent(&records[j]) {
						more++
					}
				}
				hi = cut
				if cut > lo {
					to = records[cut-1].T
				} else {
					to = opt.From
				}
				break
			}
		}
	}
	if to == 0 && hi > 0 && hi == len(records) {
		to = 0 // the diagram runs to the last record
	}
	lay, err := diagram.Lay(records, diagram.Options{From: opt.From, To: to, SeqNumbers: opt.SeqNumbers,
		Left: opt.Left, Right: opt.Right, MaxSegments: -1, Lang: opt.Lang})
	if err != nil {
		return nil, err
	}
	hi = min(hi, lay.Hi)

	d := &pageData{Version: 1, Lang: langCode(opt.Lang), Title: lay.Title,
		Relative: opt.SeqNumbers == catalog.SeqRelative, Layout: lay, Phrases: phrases(cat), Fields: fieldNames()}
	if more > 0 {
		d.More = cat.Sprintf(catalog.MsgPageMoreEvents, more)
	}

	m := newModel(records[:hi], cat, opt.SeqNumbers, opt.Left, opt.Right)
	m.inferCapacity(records[:hi])
	d.Endpoints = m.eps
	d.Conns = connections(m)

	// Arrows: their segment's fields, and which events send and end them.
	arrowOf := make(map[uint64]int) // packet id → arrow
	isns := catalog.NewISNs(opt.SeqNumbers)
	arrowBySend := make(map[int]int)
	for i, a := range lay.Arrows {
		arrowBySend[a.Send] = i
	}
	d.Arrows = make([]pageArrow, len(lay.Arrows))
	for i := 0; i < hi; i++ {
		r := &records[i]
		if r.Kind != trace.KindSend {
			continue
		}
		isns.Learn(r)
		k, ok := arrowBySend[i]
		if !ok {
			continue
		}
		arrowOf[r.Pkt.ID] = k
		d.Arrows[k] = m.arrow(r, isns, lay.Arrows[k], records, d.Conns)
	}

	// Events, and the state they change.
	ys := lay.AnchorY
	evIndex := make(map[int]int) // record → event
	for i := 0; i < hi; i++ {
		r := &records[i]
		ch := m.apply(r)
		if i < lo {
			continue
		}
		if !isEvent(r) {
			continue
		}
		if d.Init == nil {
			d.Init = snapshot(m)
		}
		ev := pageEvent{T: int64(r.T), Rec: i, Kind: r.Kind.String(), Node: r.Node, Conn: r.Conn, Arrow: -1,
			Text: m.describe(r, lay, arrowOf), Changes: [][]any{}, Eps: []int{}}
		if k := i - lay.Lo + 1; k >= 1 && k < len(ys) {
			ev.Y = round1(ys[k])
			ev.Cut = lay.CutBefore[k]
		}
		if r.Pkt != nil {
			ev.Extra = &pktInfo{ID: r.Pkt.ID}
			if a, ok := arrowOf[r.Pkt.ID]; ok {
				ev.Arrow = a
			}
		}
		for _, c := range ch {
			ev.Changes = append(ev.Changes, []any{c.ep, c.field, c.value, c.why})
			if !slices.Contains(ev.Eps, c.ep) {
				ev.Eps = append(ev.Eps, c.ep)
			}
		}
		evIndex[i] = len(d.Events)
		d.Events = append(d.Events, ev)
	}
	if d.Init == nil {
		d.Init = snapshot(m)
	}
	for k, a := range lay.Arrows {
		d.Arrows[k].SendEv, d.Arrows[k].EndEv = -1, -1
		if e, ok := evIndex[a.Send]; ok {
			d.Arrows[k].SendEv = e
		}
		if e, ok := evIndex[a.End]; ok && a.End >= 0 {
			d.Arrows[k].EndEv = e
		}
	}
	return d, nil
}

// isEvent reports whether the page makes a step of r: every record but
// the run's name and its nodes.
func isEvent(r *trace.Record) bool { return r.Kind != trace.KindRun && r.Kind != trace.KindNode }

func cmpTime(a, b sim.Time) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// snapshot returns a copy of every endpoint's state.
func snapshot(m *model) []map[string]any {
	out := make([]map[string]any, len(m.eps))
	for i, ep := range m.eps {
		c := make(map[string]any, len(ep.cur))
		for k, v := range ep.cur {
			c[k] = v
		}
		out[i] = c
	}
	return out
}

// connections returns the connections for the picker, and gives each
// endpoint its connection's index.
func connections(m *model) []pageConn {
	var out []pageConn
	seen := make(map[int]bool)
	for e, ep := range m.eps {
		if seen[e] {
			continue
		}
		eps := []int{e}
		seen[e] = true
		if ep.Peer >= 0 {
			eps = append(eps, ep.Peer)
			seen[ep.Peer] = true
		}
		// The left timeline's endpoint first.
		if len(eps) == 2 && m.eps[eps[1]].Side == 0 {
			eps[0], eps[1] = eps[1], eps[0]
		}
		var names []string
		for _, x := range eps {
			p := m.eps[x]
			name := p.Node
			if p.hasTuple {
				name += ":" + strconv.Itoa(int(p.port))
			}
			names = append(names, name)
		}
		for _, x := range eps {
			m.eps[x].Color = len(out)
		}
		out = append(out, pageConn{Name: strconv.Itoa(len(out)+1) + " · " + strings.Join(names, " ⇄ "), Eps: eps})
	}
	return out
}

// arrow returns the fields of the segment r sends, for its arrow.
func (m *model) arrow(r *trace.Record, isns *catalog.ISNs, a diagram.Arrow, recs []trace.Record, conns []pageConn) pageArrow {
	s := &r.Pkt.Seg
	pa := pageArrow{ID: r.Pkt.ID, Conn: -1, Src: r.Node, Dst: r.Peer, Sport: s.Src.Port(), Dport: s.Dst.Port(),
		Flags: s.Flags.String(), Seq: isns.Seq(r), Ack: isns.Ack(r), HasAck: s.Flags.Has(wire.ACK), Len: s.Len,
		Win: r.Pkt.Win, WndF: s.Window, Options: options(r, isns), T0: int64(r.T), T1: -1}
	if e := m.sender(r); e >= 0 {
		pa.Conn = m.eps[e].Color
	} else if e := m.receiver(r); e >= 0 {
		pa.Conn = m.eps[e].Color
	}
	labels := m.cat.LabelPhrases(nil, r.Pkt)
	pa.Labels = strings.Join(labels, ", ")
	switch {
	case len(labels) > 0:
		pa.Why = pa.Labels
	case s.Flags.Has(wire.RST):
		pa.Why = m.cat.Str(catalog.MsgPageWhyReset)
	case s.Flags.Has(wire.SYN):
		pa.Why = m.cat.Str(catalog.MsgPageWhyOpen)
	case s.Flags.Has(wire.FIN):
		pa.Why = m.cat.Str(catalog.MsgPageWhyClose)
	case s.Len > 0:
		pa.Why = m.cat.Str(catalog.MsgPageWhyData)
	default:
		pa.Why = m.cat.Str(catalog.MsgPageWhyACK)
	}
	if a.End >= 0 {
		e := &recs[a.End]
		pa.T1, pa.End = int64(e.T), e.Kind.String()
		if e.Kind == trace.KindDrop {
			pa.Reason = m.cat.DropReason(e.Drop, e.Peer)
			if e.Drop.Code == trace.DropRule {
				pa.Rule = e.Drop.Rule
			}
		}
	}
	return pa
}

// options writes a segment's TCP options: "MSS=1460 WS=7 SACK_PERM
// TS=1000/0 SACK=1-2".
func options(r *trace.Record, isns *catalog.ISNs) string {
	o := &r.Pkt.Seg.Opt
	var b []string
	if o.MSS > 0 {
		b = append(b, "MSS="+strconv.Itoa(int(o.MSS)))
	}
	if o.HasWScale {
		b = append(b, "WS="+strconv.Itoa(int(o.WScale)))
	}
	if o.SACKPermitted {
		b = append(b, "SACK_PERM")
	}
	if o.HasTimestamp {
		b = append(b, "TS="+strconv.FormatUint(uint64(o.TSVal), 10)+"/"+strconv.FormatUint(uint64(o.TSEcr), 10))
	}
	for k := 0; k < int(o.NumSACK) && k < wire.MaxSACKBlocks; k++ {
		blk := o.SACK[k]
		b = append(b, "SACK="+strconv.FormatUint(isns.Edge(r, blk.Left), 10)+"-"+strconv.FormatUint(isns.Edge(r, blk.Right), 10))
	}
	return strings.Join(b, " ")
}

// describe says what r is, in words: the line under the controls.
func (m *model) describe(r *trace.Record, lay *diagram.Layout, arrowOf map[uint64]int) string {
	c := m.cat
	label := func() string {
		if a, ok := arrowOf[r.Pkt.ID]; ok {
			return lay.Arrows[a].Label
		}
		return r.Pkt.Seg.Flags.String() + " SEQ=" + strconv.FormatUint(uint64(r.Pkt.Seg.Seq), 10)
	}
	node := func(s string) string { return c.Conn(r.Conn, s) }
	switch r.Kind {
	case trace.KindSend:
		s := c.Sprintf(catalog.MsgPageEvSend, r.Node, label())
		if tags := c.LabelPhrases(nil, r.Pkt); len(tags) > 0 {
			s += " — " + strings.Join(tags, ", ")
		}
		return s
	case trace.KindDeliver:
		return c.Sprintf(catalog.MsgPageEvDeliver, r.Peer, label())
	case trace.KindDrop:
		return label() + " — " + c.Sprintf(catalog.MsgDropped, c.DropReason(r.Drop, r.Peer))
	case trace.KindState:
		return r.Node + ": " + node(c.Sprintf(catalog.MsgState, r.From, r.To))
	case trace.KindTimer:
		name := c.TimerName(r.Timer)
		switch r.TimerOp {
		case trace.TimerSet:
			return node(c.Sprintf(catalog.MsgPageEvTimerSet, r.Node, name, catalog.Seconds(r.At)))
		case trace.TimerFired:
			if r.Timer == trace.TimerRetransmission {
				return r.Node + ": " + node(c.RTOFired(r.Value))
			}
			return node(c.Sprintf(catalog.MsgPageEvTimerFired, r.Node, name))
		}
		return node(c.Sprintf(catalog.MsgPageEvTimerCancelled, r.Node, name))
	case trace.KindVar:
		return node(c.Sprintf(catalog.MsgPageEvVar, r.Node, varName(r.Var), varValue(r)))
	case trace.KindApp:
		return r.Node + ": " + node(c.AppNote(r))
	case trace.KindAbort:
		return r.Node + ": " + node(c.Sprintf(catalog.MsgAborted, c.AbortReason(r.Abort)))
	case trace.KindHost:
		return c.HostNote(r)
	case trace.KindLink:
		return c.LinkNote(r)
	case trace.KindMsg:
		first, _, _ := strings.Cut(r.Text, "\r\n")
		return node(c.Sprintf(catalog.MsgPageEvMsg, r.Node, first))
	case trace.KindEnd:
		if why, ok := c.EndReason(r.End); ok {
			return c.Sprintf(catalog.MsgSumEnded, why)
		}
		return c.Sprintf(catalog.MsgSumEnded, r.End.String())
	}
	return r.Kind.String()
}

// varName is the name a var record's variable goes by on the page.
func varName(v trace.Var) string {
	switch v {
	case trace.VarCwnd:
		return "cwnd"
	case trace.VarSsthresh:
		return "ssthresh"
	case trace.VarSndWnd:
		return "SND.WND"
	case trace.VarRcvBuffer:
		return "rcv_buffer"
	case trace.VarRTO:
		return "RTO"
	case trace.VarSRTT:
		return "SRTT"
	}
	return v.String()
}

// fieldNames are the RFC's names of the fields the panels show.
func fieldNames() map[string]string {
	return map[string]string{fUna: "SND.UNA", fNxt: "SND.NXT", fWnd: "SND.WND", fRcvNxt: "RCV.NXT",
		fRcvWnd: "RCV.WND", fCwnd: "cwnd", fSsthresh: "ssthresh", fRTO: "RTO", fSRTT: "SRTT",
		"iss": "ISS", "irs": "IRS", "SEQ": "SEQ", "ACK": "ACK", "LEN": "LEN", "WIN": "WIN"}
}
