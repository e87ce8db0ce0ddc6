// Package textdiagram writes a run's trace as a sequence diagram in a
// text language that documents embed: Mermaid (mermaid.go) and PlantUML
// (plantuml.go).
//
// It reads the trace and nothing else of the simulator, takes its words
// from viz/catalog, and uses no drawing library.
package textdiagram

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/wire"
)

// This file holds what the two text diagrams share: their options and the
// sequence of arrows and notes both draw.

// Options configures WriteMermaid and WritePlantUML.
type Options struct {
	// From and To select what is drawn: the segments sent and the events
	// that happened from From to To, both included. To 0 means to the end
	// of the trace. A segment sent in the window is drawn with its fate even
	// when it arrives or is dropped after To.
	From, To sim.Time
	// SeqNumbers shows the numbers as they are in the header (the
	// default), or SEQ, ACK and SACK edges relative to the initial sequence
	// number of their direction, as Wireshark shows them (SYN SEQ=0,
	// SYN,ACK SEQ=0 ACK=1). Each side's ISN is learned from the SYNs it
	// sends, also before From; numbers are absolute until then.
	SeqNumbers catalog.SeqNumbers
	// Lang is the language of the notes and tags; "" means English.
	Lang catalog.Lang
	// Left and Right name the participants drawn first and second; ""
	// means the first and second node of the trace (its node records, else
	// the nodes that send), or "client" and "server" when it names none.
	// Nodes other than these two get participants of their own, in the
	// order they appear.
	Left, Right string
	// MaxSegments limits the segments drawn: 0 means
	// DefaultSegments, negative means no limit. Past the limit
	// nothing more is drawn, and the diagram ends with a note saying how
	// many segments were left out. (Mermaid refuses a diagram of more than
	// 50,000 characters by default: about 500 segments.)
	MaxSegments int
	// SlantScale is, for PlantUML, the flight time drawn as one pixel of an
	// arrow's slant. 0 picks one for each diagram: the smallest of 1, 2 or 5
	// times a power of ten nanoseconds that draws the longest flight in at
	// most slantMaxPixels. The diagram says in a comment which it used.
	SlantScale time.Duration
}

// DefaultSegments is the default of Options.MaxSegments.
const DefaultSegments = 300

// slantMaxPixels is the slant of the longest flight when WritePlantUML
// picks the scale: about two lines of text.
const slantMaxPixels = 60

// check returns an error for options that make no sense.
func (o *Options) check() error {
	if err := o.Lang.Check(); err != nil {
		return err
	}
	if err := o.SeqNumbers.Check(); err != nil {
		return err
	}
	if o.To != 0 && o.To < o.From {
		return fmt.Errorf("the window ends (%v) before it starts (%v)", o.To, o.From)
	}
	if o.SlantScale < 0 {
		return fmt.Errorf("negative slant scale %v", o.SlantScale)
	}
	return nil
}

// fate is what became of a segment.
type fate uint8

const (
	delivered fate = iota
	dropped        // by a link or host, with a reason
	inFlight       // neither delivered nor dropped when the trace ends
)

// seqItem is one line of a sequence diagram: a segment's arrow, or a note.
type seqItem struct {
	t        sim.Time
	from, to string // an arrow's sender and receiver; a note's node or nodes (both "" for all)
	arrow    bool
	text     string   // an arrow's label (its send time first), or a note's text
	tags     []string // an arrow's: the messages it carries ("GET /2"), what it means (retransmission, dropped: why)
	fate     fate
	flight   time.Duration // delivered: from send to delivery
	// conn is the connection an arrow or a note is about, an index into
	// seqDiagram.conns, when the diagram has several; -1 otherwise.
	conn int
	// What findConns and the notes of messages sent need of the record
	// drawn: its node's connection number, a segment's ports, whether it
	// is a message sent (msgSend) and where that starts (off).
	nodeConn uint32
	src, dst netip.AddrPort
	msgSend  bool
	off      int64
	hasConn  bool // a note about a connection: a state, an abort, a timer, a message
}

// seqConn is a connection of a diagram with several.
type seqConn struct {
	conn             uint32 // its number on the node that sent its first segment
	srcPort, dstPort uint16 // of its first segment
	color            catalog.ConnColor
}

// seqDiagram is what a text diagram draws.
type seqDiagram struct {
	title        string   // the run's name
	participants []string // in drawing order
	items        []seqItem
	maxFlight    time.Duration // the longest flight of a delivered segment drawn
	more         int           // segments past MaxSegments, not drawn
	// conns are the connections of the arrows drawn, in the order of their
	// first, when there are several (nil for one): each has a colour where
	// the language allows.
	conns []seqConn
}

// Collector is a trace.Sink that keeps what a text diagram with its
// options draws, as a run goes: the records of the window From–To up to
// MaxSegments segments, and what they need from before and after it (see
// trace.Window). Its memory grows with what is drawn, not with the run.
// WriteMermaid and WritePlantUML then write the diagram, as the functions
// of the same names would from the whole trace.
type Collector struct {
	opt Options
	err error // of the options
	win *trace.Window
}

// NewCollector returns a Collector for a text diagram with opt.
func NewCollector(opt Options) *Collector {
	c := &Collector{opt: opt, err: opt.check()}
	limit := opt.MaxSegments
	switch {
	case limit == 0:
		limit = DefaultSegments
	case limit < 0:
		limit = 0 // no limit
	}
	c.win = trace.NewWindow(opt.From, opt.To, limit, nil)
	return c
}

// collectorReads are the kinds of record a text diagram draws or needs.
const collectorReads = 1<<trace.KindRun | 1<<trace.KindNode | 1<<trace.KindSend | 1<<trace.KindDrop |
	1<<trace.KindDeliver | 1<<trace.KindState | 1<<trace.KindAbort | 1<<trace.KindTimer |
	1<<trace.KindHost | 1<<trace.KindLink | 1<<trace.KindMsg

// Reads returns the kinds of record a text diagram reads: no variables or
// application calls.
func (c *Collector) Reads() trace.KindSet { return collectorReads }

// Record keeps r if the diagram needs it.
func (c *Collector) Record(r *trace.Record) {
	if collectorReads&(1<<r.Kind) != 0 {
		c.win.Record(r)
	}
}

// build turns what c kept into the items of a diagram.
func (c *Collector) build() (*seqDiagram, error) {
	if c.err != nil {
		return nil, c.err
	}
	return buildSeqDiagram(c.win.Records(), c.win.Cut(), c.win.Omitted(), &c.opt), nil
}

// buildSeqDiagram turns records into the items of a diagram with opt. cut
// is the index of the first segment past MaxSegments, and more the
// segments left out from there on (see trace.Window); cut -1 for none.
func buildSeqDiagram(records []trace.Record, cut, more int, opt *Options) *seqDiagram {
	c := opt.Lang.Phrases()
	d := &seqDiagram{}

	// What became of each segment, by packet ID.
	ends := make(map[uint64]*trace.Record)
	for i := range records {
		if r := &records[i]; r.Kind == trace.KindDrop || r.Kind == trace.KindDeliver {
			if _, ok := ends[r.Pkt.ID]; !ok {
				ends[r.Pkt.ID] = r
			}
		}
	}

	d.participants = participants(records, opt)
	isns := catalog.NewISNs(opt.SeqNumbers)
	carried := catalog.NewCarried(c)
	type msgAt struct {
		node string
		conn uint32
		off  int64
	}
	labelled := make(map[msgAt]bool) // the messages named on an arrow
	in := func(t sim.Time) bool { return t >= opt.From && (opt.To == 0 || t <= opt.To) }
	for i := range records {
		r := &records[i]
		isns.Learn(r)
		carried.Learn(r)
		if r.Kind == trace.KindRun && d.title == "" {
			d.title = r.Name
		}
		if cut >= 0 && i >= cut {
			d.more = more // past MaxSegments
			break
		}
		if opt.To != 0 && r.T > opt.To {
			break // records come in time order
		}
		if !in(r.T) {
			continue
		}
		it := seqItem{t: r.T, from: r.Node, conn: -1, nodeConn: r.Conn}
		switch r.Kind {
		case trace.KindSend:
			it.arrow, it.to = true, r.Peer
			it.src, it.dst = r.Pkt.Seg.Src, r.Pkt.Seg.Dst
			label := catalog.AppendSeconds(nil, r.T)
			label = append(label, ' ')
			seg := appendSegment(nil, r, isns)
			if r.Conn > 1 {
				label = c.Appendf(label, catalog.MsgConn, r.Conn, string(seg))
			} else {
				label = append(label, seg...)
			}
			it.text = string(label)
			msg, offs := carried.Label(r)
			if msg != "" {
				it.tags = append(it.tags, msg)
			}
			for _, off := range offs {
				labelled[msgAt{r.Node, r.Conn, off}] = true
			}
			it.tags = c.LabelPhrases(it.tags, r.Pkt)
			switch e := ends[r.Pkt.ID]; {
			case e == nil:
				it.fate = inFlight
				it.tags = append(it.tags, c.Str(catalog.MsgInFlightAtEnd))
			case e.Kind == trace.KindDrop:
				it.fate = dropped
				m := catalog.MsgDropped
				if e.T != r.T {
					m = catalog.MsgDroppedInFlight
				}
				it.tags = append(it.tags, c.Sprintf(m, c.DropReason(e.Drop, e.Peer)))
			default:
				it.flight = e.T.Sub(r.T)
				d.maxFlight = max(d.maxFlight, it.flight)
			}
		case trace.KindState:
			it.text = c.Conn(r.Conn, r.To.String())
			it.hasConn = true
		case trace.KindAbort:
			it.text = c.Conn(r.Conn, c.Sprintf(catalog.MsgAborted, c.AbortReason(r.Abort)))
			it.hasConn = true
		case trace.KindTimer:
			if r.Timer != trace.TimerRetransmission || r.TimerOp != trace.TimerFired {
				continue
			}
			it.text = c.Conn(r.Conn, c.RTOFired(r.Value))
			it.hasConn = true
		case trace.KindMsg:
			it.text = c.Conn(r.Conn, c.MessageNote(r))
			it.msgSend, it.off, it.hasConn = r.Msg == trace.MsgSend, r.Off, true
		case trace.KindHost:
			it.text = c.HostNote(r)
		case trace.KindLink:
			// Over the link's two ends when the record names them as
			// nodes, else over all participants.
			it.from, it.to, it.text = "", "", c.LinkNote(r)
			if r.Peer != "" {
				it.from, it.to = r.Node, r.Peer
			}
		default:
			continue
		}
		for _, p := range []string{it.from, it.to} {
			if p != "" && !slices.Contains(d.participants, p) {
				d.participants = append(d.participants, p)
			}
		}
		d.items = append(d.items, it)
	}
	if d.more > 0 {
		t := opt.From
		if n := len(d.items); n > 0 {
			t = d.items[n-1].t
		}
		d.items = append(d.items, seqItem{t: t, text: c.Sprintf(catalog.MsgMoreSegments, d.more), conn: -1})
	}
	// A message sent is named on the arrow of the segment that carries
	// it: no note over its sender then.
	d.items = slices.DeleteFunc(d.items, func(it seqItem) bool {
		return it.msgSend && labelled[msgAt{it.from, it.nodeConn, it.off}]
	})
	d.findConns()
	return d
}

// findConns finds the connections of the arrows drawn, in the order of
// their first, and when there are several gives each a colour and the
// arrows and notes about it their connection.
func (d *seqDiagram) findConns() {
	type nodeConn struct {
		node string
		conn uint32
	}
	type ports struct{ a, b netip.AddrPort }
	index := make(map[ports]int)
	of := make(map[nodeConn]int)
	var conns []seqConn
	for _, it := range d.items {
		if !it.arrow {
			continue
		}
		key := ports{it.src, it.dst}
		if _, ok := index[ports{it.dst, it.src}]; ok {
			key = ports{it.dst, it.src}
		}
		k, ok := index[key]
		if !ok {
			k = len(conns)
			index[key] = k
			conns = append(conns, seqConn{conn: it.nodeConn, srcPort: it.src.Port(), dstPort: it.dst.Port(), color: catalog.ConnColorOf(k)})
		}
		of[nodeConn{it.from, it.nodeConn}] = k
	}
	if len(conns) < 2 {
		return
	}
	d.conns = conns
	for i := range d.items {
		// An arrow, or a note about one node's connection (a link's or a
		// host's names no connection).
		if it := &d.items[i]; it.from != "" && (it.arrow || it.to == "" && it.hasConn) {
			if k, ok := of[nodeConn{it.from, it.nodeConn}]; ok {
				it.conn = k
			}
		}
	}
}

// connName names connection k in a legend: "conn 1: 49152 → 80".
func (d *seqDiagram) connName(c *catalog.Phrases, k int) string {
	sc := d.conns[k]
	return c.Sprintf(catalog.MsgLegendConn, sc.conn, sc.srcPort, sc.dstPort)
}

// participants returns the first two participants: opt's Left and Right,
// else the trace's first two nodes, else client and server.
func participants(records []trace.Record, opt *Options) []string {
	var nodes []string
	add := func(n string) {
		if n != "" && !slices.Contains(nodes, n) {
			nodes = append(nodes, n)
		}
	}
	for i := range records {
		if records[i].Kind == trace.KindNode {
			add(records[i].Node)
		}
	}
	for i := range records {
		if records[i].Kind == trace.KindSend {
			add(records[i].Node)
			add(records[i].Peer)
		}
	}
	nodes = append(nodes, "client", "server")
	left, right := opt.Left, opt.Right
	for _, n := range nodes {
		switch {
		case left == "" && n != right:
			left = n
		case right == "" && n != left:
			right = n
		}
	}
	return []string{left, right}
}

// appendSegment appends what an arrow says about r's segment, in the words
// of the classroom and Wireshark: "SYN,ACK SEQ=300 ACK=101 WIN=65535
// MSS=1460". The flags are left out when they are just ACK on a segment with
// data ("SEQ=101 ACK=301 LEN=1460 WIN=65535"), as on the ladder.
func appendSegment(b []byte, r *trace.Record, isns *catalog.ISNs) []byte {
	s := &r.Pkt.Seg
	if s.Flags != 0 && !(s.Flags == wire.ACK && s.Len > 0) {
		b = append(b, s.Flags.String()...)
		b = append(b, ' ')
	}
	b = append(b, "SEQ="...)
	b = strconv.AppendUint(b, isns.Seq(r), 10)
	if s.Flags.Has(wire.ACK) {
		b = append(b, " ACK="...)
		b = strconv.AppendUint(b, isns.Ack(r), 10)
	}
	if s.Len > 0 {
		b = append(b, " LEN="...)
		b = strconv.AppendUint(b, uint64(s.Len), 10)
	}
	b = append(b, " WIN="...)
	b = strconv.AppendUint(b, uint64(r.Pkt.Win), 10)
	o := &s.Opt
	if o.MSS != 0 {
		b = append(b, " MSS="...)
		b = strconv.AppendUint(b, uint64(o.MSS), 10)
	}
	if o.HasWScale {
		b = append(b, " WS="...)
		b = strconv.AppendUint(b, uint64(o.WScale), 10)
	}
	if o.SACKPermitted {
		b = append(b, " SACK_PERM"...)
	}
	if o.HasTimestamp {
		b = append(b, " TSVAL="...)
		b = strconv.AppendUint(b, uint64(o.TSVal), 10)
		b = append(b, " TSECR="...)
		b = strconv.AppendUint(b, uint64(o.TSEcr), 10)
	}
	for i, blk := range o.SACK[:min(int(o.NumSACK), wire.MaxSACKBlocks)] {
		if i == 0 {
			b = append(b, " SACK="...)
		} else {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, isns.Edge(r, blk.Left), 10)
		b = append(b, '-')
		b = strconv.AppendUint(b, isns.Edge(r, blk.Right), 10)
	}
	return b
}

// diagramKeywords are words Mermaid or PlantUML read as keywords where a
// participant's name goes; such a name is given an alias.
var diagramKeywords = []string{
	"accdescr", "acctitle", "activate", "actor", "alt", "and", "as", "autonumber", "boundary", "box",
	"break", "collections", "control", "create", "critical", "database", "deactivate", "destroy",
	"details", "else", "end", "entity", "footer", "group", "header", "hide", "left", "legend",
	"link", "links", "loop", "newpage", "note", "of", "opt", "option", "order", "over", "par",
	"participant", "properties", "queue", "rect", "ref", "return", "right", "sequencediagram",
	"show", "skinparam", "title",
}

// participantIDs returns the identifier each participant is written with:
// its name when that is a plain identifier and no keyword, else an alias
// p1, p2, … (by position) that is no other participant's identifier.
func participantIDs(names []string) []string {
	plain := func(s string) bool {
		if s == "" || slices.Contains(diagramKeywords, strings.ToLower(s)) {
			return false
		}
		for i, r := range s {
			if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
				return false
			}
		}
		return true
	}
	ids := make([]string, len(names))
	for i, n := range names {
		if plain(n) {
			ids[i] = n
		}
	}
	for i := range ids {
		if ids[i] != "" {
			continue
		}
		id := "p" + strconv.Itoa(i+1)
		for slices.Contains(ids, id) {
			id += "_"
		}
		ids[i] = id
	}
	return ids
}
