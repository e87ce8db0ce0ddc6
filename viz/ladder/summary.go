package ladder

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
)

// Stats is what a Summary counted.
type Stats struct {
	// End is when the run ended: the end record's time, or the last
	// record's when there is none.
	End sim.Time
	// Nodes are in the order they first appear in the trace.
	Nodes []NodeStats
}

// NodeStats counts what one node sent and what its applications did.
type NodeStats struct {
	Name string

	Segments      int64 // segments sent, retransmissions included
	DataSegments  int64 // segments sent with a payload, retransmissions included
	PayloadBytes  int64 // payload bytes sent, retransmissions included
	Retransmitted int64 // segments labelled retransmission or fast retransmission
	DupACKs       int64 // segments labelled dup ACK

	Dropped int64       // segments this node sent that a link or host dropped
	Drops   []DropCount // Dropped by reason, sorted by reason

	AppWritten int64 // bytes the applications wrote (app "write" records)
	AppRead    int64 // bytes the applications read (app "read" records)
	// LastRead is when the application last read data; 0 if it never did.
	LastRead sim.Time

	Conns []ConnStats // the node's connections by number
}

// DropCount is how many segments were dropped for one reason.
type DropCount struct {
	Drop trace.Drop
	// Peer is the receiver that was down, for trace.DropReceiverDown;
	// otherwise "" (drops for the same reason to any peer count together).
	Peer  string
	Count int64
}

// Reason is the drop reason as the trace writes it.
func (d DropCount) Reason() string { return d.Drop.Text(d.Peer) }

// ConnStats is how one connection ended.
type ConnStats struct {
	Conn     uint32           // the connection's number on its node
	State    trace.State      // the last state it entered
	HasState bool             // a state change was recorded
	Abort    trace.AbortCause // why it was aborted; 0 when it was not
	// Host is what happened to the node after the connection's last state
	// change, while it was not CLOSED: trace.HostCrash (the connection died
	// with its host) or trace.HostReboot (the host came back without it);
	// 0 when neither. Its State is then the state it was in.
	Host trace.HostOp
}

// Summary is a trace.Sink that counts, per node, what was sent, dropped,
// written and read, and how each connection ended. Its memory grows with
// nodes, connections and distinct drop reasons, never with records. Read
// the counts with Stats or print them with Write.
type Summary struct {
	nodes []*nodeCount
	index map[string]int
	// last is the node looked up last and prev the one before: most
	// records come from the node of the record before or the one before
	// that (a data segment, its ACK), and a string compare is cheaper than
	// hashing the name.
	last, prev *nodeCount
	// end is the last record's time; endAt the end record's, once ended.
	end, endAt sim.Time
	ended      bool
	// endReason is why the run ended, from its end record.
	endReason trace.EndReason
}

type nodeCount struct {
	NodeStats                     // without Drops and Conns, kept below
	drops     map[DropCount]int64 // by Drop and Peer; Count is 0 in the keys
	conns     map[uint32]*ConnStats
}

// Reads says which records a Summary counts: producers then build no
// timer, variable or delivery records for it alone.
func (s *Summary) Reads() trace.KindSet {
	return trace.Kinds(trace.KindEnd, trace.KindNode, trace.KindSend, trace.KindDrop, trace.KindApp,
		trace.KindState, trace.KindHost, trace.KindAbort)
}

// NewSummary returns an empty Summary.
func NewSummary() *Summary {
	return &Summary{index: make(map[string]int)}
}

// sameString reports whether a and b are the same string in memory: the
// same bytes at the same address (equal strings may be stored apart).
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// scanNodes is how many nodes node looks through before it uses the index.
const scanNodes = 8

func (s *Summary) node(name string) *nodeCount {
	if n := s.last; n != nil && sameString(n.Name, name) {
		return n
	}
	if n := s.prev; n != nil && sameString(n.Name, name) {
		s.last, s.prev = n, s.last
		return n
	}
	return s.lookup(name)
}

// lookup is node when neither of the last two nodes is name's.
func (s *Summary) lookup(name string) *nodeCount {
	if len(s.nodes) <= scanNodes {
		// A few nodes: comparing names is cheaper than hashing one. The
		// records a run writes share their node's name (the string the
		// node record carried), so the first loop finds it by its bytes'
		// address; records read back from a file take the second.
		for _, n := range s.nodes {
			if sameString(n.Name, name) {
				s.last, s.prev = n, s.last
				return n
			}
		}
		for _, n := range s.nodes {
			if n.Name == name {
				s.last, s.prev = n, s.last
				return n
			}
		}
	} else if i, ok := s.index[name]; ok {
		s.last, s.prev = s.nodes[i], s.last
		return s.last
	}
	n := &nodeCount{
		NodeStats: NodeStats{Name: name},
		drops:     make(map[DropCount]int64),
		conns:     make(map[uint32]*ConnStats),
	}
	s.index[name] = len(s.nodes)
	s.nodes = append(s.nodes, n)
	return n
}

func (n *nodeCount) conn(c uint32) *ConnStats {
	cs := n.conns[c]
	if cs == nil {
		cs = &ConnStats{Conn: c}
		n.conns[c] = cs
	}
	return cs
}

// Record counts r.
func (s *Summary) Record(r *trace.Record) {
	s.end = r.T // Stats takes endAt instead once the end record came
	if r.Kind == trace.KindSend {
		// Most records are sends: they skip the switch, and node's
		// first check.
		n := s.last
		if n == nil || !sameString(n.Name, r.Node) {
			n = s.node(r.Node)
		}
		n.Segments++
		if l := r.Pkt.Seg.Len; l > 0 {
			n.DataSegments++
			n.PayloadBytes += int64(l)
		}
		if r.Pkt.Labels&(trace.LabelRetransmission|trace.LabelFastRetransmission) != 0 {
			n.Retransmitted++
		}
		if r.Pkt.Labels.Has(trace.LabelDupACK) {
			n.DupACKs++
		}
		return
	}
	switch r.Kind {
	case trace.KindEnd:
		if !s.ended {
			s.ended = true
			s.endAt = r.T
		}
		s.endReason = r.End
	case trace.KindNode:
		s.node(r.Node)
	case trace.KindDrop:
		n := s.node(r.Node)
		n.Dropped++
		k := DropCount{Drop: r.Drop}
		if r.Drop.Code == trace.DropReceiverDown {
			k.Peer = r.Peer
		}
		n.drops[k]++
	case trace.KindApp:
		switch r.App {
		case trace.AppWrite:
			s.node(r.Node).AppWritten += r.Value
		case trace.AppRead:
			n := s.node(r.Node)
			n.AppRead += r.Value
			n.LastRead = r.T
		}
	case trace.KindState:
		c := s.node(r.Node).conn(r.Conn)
		c.State, c.HasState, c.Host = r.To, true, 0
	case trace.KindHost:
		// A crash or a reboot ends every connection of the host that was
		// not closed; the host records no state change for them.
		for _, c := range s.node(r.Node).conns {
			if c.HasState && c.State != trace.StateClosed {
				c.Host = r.Host
			}
		}
	case trace.KindAbort:
		s.node(r.Node).conn(r.Conn).Abort = r.Abort
	}
}

// Stats returns the counts so far.
func (s *Summary) Stats() Stats {
	end := s.end
	if s.ended {
		end = s.endAt
	}
	st := Stats{End: end, Nodes: make([]NodeStats, 0, len(s.nodes))}
	for _, n := range s.nodes {
		ns := n.NodeStats
		ns.Drops = make([]DropCount, 0, len(n.drops))
		for k, c := range n.drops {
			k.Count = c
			ns.Drops = append(ns.Drops, k)
		}
		slices.SortFunc(ns.Drops, func(a, b DropCount) int { return strings.Compare(a.Reason(), b.Reason()) })
		ns.Conns = make([]ConnStats, 0, len(n.conns))
		for _, c := range n.conns {
			ns.Conns = append(ns.Conns, *c)
		}
		slices.SortFunc(ns.Conns, func(a, b ConnStats) int { return int(a.Conn) - int(b.Conn) })
		st.Nodes = append(st.Nodes, ns)
	}
	return st
}

// Write prints the counts as a table with one column per node, then the
// drop reasons and the aborted connections:
//
//	summary (simulated time 2.345 s)
//	                        client   server
//	  segments sent             12        9
//	    with data                8        0
//	…
func (s *Summary) Write(w io.Writer) error { return s.WriteLang(w, catalog.English) }

// WriteLang is Write in language lang; a language the catalogue does not
// know means English.
func (s *Summary) WriteLang(w io.Writer, lang catalog.Lang) error {
	st := s.Stats()
	m := lang.Phrases()
	b := m.Appendf(nil, catalog.MsgSumTitle, catalog.Seconds(st.End))
	b = append(b, '\n')
	if why, ok := m.EndReason(s.endReason); ok {
		b = append(b, "  "...)
		b = m.Appendf(b, catalog.MsgSumEnded, why)
		b = append(b, '\n')
	}
	if len(st.Nodes) == 0 {
		_, err := w.Write(b)
		return err
	}

	type row struct {
		label string
		cells []string
	}
	var rows []row
	add := func(label string, cell func(n *NodeStats) string) {
		r := row{label: label}
		for i := range st.Nodes {
			r.cells = append(r.cells, cell(&st.Nodes[i]))
		}
		rows = append(rows, r)
	}
	num := func(f func(n *NodeStats) int64) func(n *NodeStats) string {
		return func(n *NodeStats) string { return strconv.FormatInt(f(n), 10) }
	}
	const sub = "  " // indents a row that details the one above
	add(m.Str(catalog.MsgSumSegments), num(func(n *NodeStats) int64 { return n.Segments }))
	add(sub+m.Str(catalog.MsgSumData), num(func(n *NodeStats) int64 { return n.DataSegments }))
	add(sub+m.Str(catalog.MsgSumRetransmitted), num(func(n *NodeStats) int64 { return n.Retransmitted }))
	add(sub+m.Str(catalog.MsgSumDupACKs), num(func(n *NodeStats) int64 { return n.DupACKs }))
	add(m.Str(catalog.MsgSumPayload), num(func(n *NodeStats) int64 { return n.PayloadBytes }))
	add(m.Str(catalog.MsgSumDropped), num(func(n *NodeStats) int64 { return n.Dropped }))
	add(m.Str(catalog.MsgSumWritten), num(func(n *NodeStats) int64 { return n.AppWritten }))
	add(m.Str(catalog.MsgSumRead), num(func(n *NodeStats) int64 { return n.AppRead }))
	add(m.Str(catalog.MsgSumLastRead), func(n *NodeStats) string {
		if n.AppRead == 0 {
			return "-"
		}
		return catalog.Seconds(n.LastRead)
	})

	// One final-state row, or one per connection number when any node had
	// more than one connection.
	var conns []uint32
	for _, n := range st.Nodes {
		for _, c := range n.Conns {
			if !slices.Contains(conns, c.Conn) {
				conns = append(conns, c.Conn)
			}
		}
	}
	slices.Sort(conns)
	state := func(c uint32) func(n *NodeStats) string {
		return func(n *NodeStats) string {
			for _, cs := range n.Conns {
				switch {
				case cs.Conn != c || !cs.HasState:
				case cs.Host == trace.HostCrash:
					return m.Str(catalog.MsgSumCrashed)
				case cs.Host == trace.HostReboot:
					return m.Str(catalog.MsgSumLostInReboot)
				default:
					return cs.State.String()
				}
			}
			return "-"
		}
	}
	if len(conns) <= 1 {
		c := uint32(1)
		if len(conns) == 1 {
			c = conns[0]
		}
		add(m.Str(catalog.MsgSumFinalState), state(c))
	} else {
		for _, c := range conns {
			add(m.Sprintf(catalog.MsgSumFinalStateConn, c), state(c))
		}
	}

	// Column widths: the labels', then each node's name or widest cell.
	labelW := 0
	for _, r := range rows {
		labelW = max(labelW, width(r.label))
	}
	colW := make([]int, len(st.Nodes))
	for i, n := range st.Nodes {
		colW[i] = width(n.Name)
		for _, r := range rows {
			colW[i] = max(colW[i], width(r.cells[i]))
		}
	}
	const indent, gap = "  ", "   "
	line := func(label string, cells func(i int) string) {
		b = append(b, indent...)
		b = append(b, label...)
		b = appendRepeat(b, " ", labelW-width(label))
		for i := range st.Nodes {
			c := cells(i)
			b = append(b, gap...)
			b = appendRepeat(b, " ", colW[i]-width(c))
			b = append(b, c...)
		}
		b = append(b, '\n')
	}
	line("", func(i int) string { return st.Nodes[i].Name })
	for _, r := range rows {
		line(r.label, func(i int) string { return r.cells[i] })
	}

	// Drop reasons and aborts, one line each, under a heading.
	nameW, countW := 0, 0
	anyDrops, anyAborts := false, false
	for _, n := range st.Nodes {
		nameW = max(nameW, width(n.Name))
		for _, d := range n.Drops {
			countW = max(countW, len(strconv.FormatInt(d.Count, 10)))
			anyDrops = true
		}
		for _, c := range n.Conns {
			anyAborts = anyAborts || c.Abort != 0
		}
	}
	if anyDrops {
		b = append(b, indent...)
		b = append(b, m.Str(catalog.MsgSumDropReasons)...)
		b = append(b, '\n')
		for _, n := range st.Nodes {
			for _, d := range n.Drops {
				c := strconv.FormatInt(d.Count, 10)
				b = append(b, indent+indent...)
				b = append(b, n.Name...)
				b = appendRepeat(b, " ", nameW-width(n.Name)+countW-len(c)+len(gap))
				b = append(b, c...)
				b = append(b, gap...)
				b = append(b, m.DropReason(d.Drop, d.Peer)...)
				b = append(b, '\n')
			}
		}
	}
	if anyAborts {
		b = append(b, indent...)
		b = append(b, m.Str(catalog.MsgSumAborts)...)
		b = append(b, '\n')
		for _, n := range st.Nodes {
			for _, c := range n.Conns {
				if c.Abort == 0 {
					continue
				}
				b = append(b, indent+indent...)
				b = append(b, n.Name...)
				b = appendRepeat(b, " ", nameW-width(n.Name)+len(gap))
				b = m.Appendf(b, catalog.MsgSumAbort, c.Conn, m.AbortReason(c.Abort))
				b = append(b, '\n')
			}
		}
	}
	_, err := w.Write(b)
	return err
}
