package ladder

import (
	"bufio"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/wire"
)

// Options configures a Ladder.
type Options struct {
	// Color writes ANSI colours: drops red, retransmissions yellow, dup ACKs
	// magenta, state changes cyan, aborts bold red. In a run of several
	// connections, the arrows and notes of each connection after the first
	// that have none of those colours take the connection's own
	// (connColors: blue, green, then their bright forms); the first keeps
	// the terminal's colour, as in a run of one. Without Color the output
	// holds no escape codes. The CLI sets it only when writing to a
	// terminal.
	Color bool
	// SeqNumbers shows seq, ack and SACK edges as they are in the header
	// (the default) or relative to the initial sequence number of their
	// direction, as Wireshark does: SYN seq=0, SYN,ACK seq=0 ack=1. Each
	// side's ISN is learned from the SYNs it sends (catalog.ISNs); numbers
	// are absolute until then.
	SeqNumbers catalog.SeqNumbers
	// Width is the line width in columns: 0 means DefaultWidth, and
	// anything below MinWidth is raised to it. Lines fit in Width for
	// runs shorter than 10,000 s.
	Width int
	// Left and Right name the nodes drawn on the left and right timelines;
	// "" means "client" and "server".
	Left, Right string
	// MaxLines limits the event lines written; 0 means no limit. Past the
	// limit events are only counted, and Flush ends the ladder with one line
	// saying how many were left out.
	MaxLines int
	// End is the run's time limit: runs of 10,000 s or more get a wider
	// time column so the timelines stay straight (0: as for a short run).
	End sim.Time
	// ShowReads writes a note for every application read; they are
	// frequent, so they are left out by default.
	ShowReads bool
	// Lang is the language of the phrases; "" (or one the catalogue does
	// not know) means English.
	Lang catalog.Lang
	// From and To select the stretch of the run drawn: events before From
	// or after To (when To is not 0) draw nothing. Each side's ISN is still
	// learned from the SYNs before From, so relative numbers stay
	// relative.
	From, To sim.Time
}

// Ladder widths, in columns.
const (
	DefaultWidth = 100
	MinWidth     = 64
)

// Pieces of the drawing (each one column wide).
const (
	bar        = "│"
	dash       = "─"
	headRight  = "▶"
	headLeft   = "◀"
	cross      = "✗"
	abortMark  = "!! "
	noteIndent = 1 // spaces between a timeline and a side note
)

// ANSI SGR sequences.
const (
	colorRed     = "\x1b[31m"
	colorYellow  = "\x1b[33m"
	colorMagenta = "\x1b[35m"
	colorCyan    = "\x1b[36m"
	colorBoldRed = "\x1b[1;31m"
	colorReset   = "\x1b[0m"
)

// connColors colour the connections of a run of several after the first,
// in the order of their first segment drawn, cycling: hues the ladder
// gives no other meaning (red, yellow, magenta and cyan are taken), from
// the terminal's own palette of 16 so they follow its theme. A
// connection's "[conn N]" names it where colours repeat.
var connColors = [...]string{
	"\x1b[34m", // blue
	"\x1b[32m", // green
	"\x1b[94m", // bright blue
	"\x1b[92m", // bright green
}

// timeWidth is the width of a time in the time column, for runs shorter
// than 10,000 s; longer runs take a digit more each time the run's length
// gains one (see Options.End).
const timeWidth = len("   0.000000 s")

// timeDigits is how many digits the whole seconds of times up to end take,
// at least the four of timeWidth.
func timeDigits(end sim.Time) int {
	if end <= 0 {
		return 4
	}
	return max(4, len(strconv.FormatUint(uint64(end)/1e9, 10)))
}

// prefixWidth is the columns before the left timeline, the time and a
// space, for runs shorter than 10,000 s (Ladder.prefix in general).
const prefixWidth = timeWidth + 1

// noteWidth returns the columns right of the right timeline for a ladder
// width columns wide: about a quarter of it, so that "dropped in flight:"
// and most drop reasons fit on one or two lines.
func noteWidth(width int) int { return min(max(width*29/100, 16), 40) }

// Ladder is a trace.Sink that draws the run as a ladder diagram on a
// terminal, one line per event, as the records arrive (here at width 100):
//
//	 time      client                                             server
//	0.000 s    │── SYN seq=100 win=65535 <mss 1460> ──────────────────▶│
//	0.050 s    │◀────── SYN,ACK seq=300 ack=101 win=65535 <mss 1460> ──│
//	0.100 s    │ SYN-SENT → ESTABLISHED                                │
//	0.100 s    │── ACK seq=101 ack=301 win=65535 ─────────────────────▶│
//	0.101200 s │── seq=1561 ack=301 len=1460 win=65535 ──✗             │ dropped: loss
//	0.152400 s │◀──────────────────── ACK seq=301 ack=1561 win=65535 ──│ dup ACK #1
//
// Each sent segment is an arrow between the two timelines, drawn when it is
// sent; what the segment means (retransmission, dup ACK #2, dropped: why)
// is written in the note column right of the right timeline. State changes,
// application calls, aborts and RTO expiries are notes on their node's side;
// link and host events are centred. Deliveries, variables, other timers and
// reads (unless ShowReads) draw nothing.
//
// An application message ("GET /2", "200 OK, 1000 B body",
// catalog.Carried) is named in the note of the segment that carries its
// first byte, as the diagrams name it on that segment's arrow; its "sends
// …" note is left out then. A message whose first byte is not sent in the
// instant it was written (held back by Nagle, the window, or queued behind
// others) keeps its "sends …" note, and is named on its segment when that
// goes. Its reader's "has read …" note is always drawn.
//
// A Ladder keeps a bounded state: one sent record held back, so that a drop
// of that segment at the same instant can end its arrow with ✗; the lines
// of the current instant from its first message sent on (at most maxHeld),
// until a segment names the message; each connection's ISNs for relative
// numbers, the latest messages of each still sending data
// (catalog.Carried), the places of up to maxConns connections in the
// order of colours; and how much data each open connection has written and
// sent, so that a close queued behind unsent data says so beside
// FIN-WAIT-1. Call Flush when the run ends.
type Ladder struct {
	w     *bufio.Writer
	opt   Options
	msg   *catalog.Phrases
	inner int // columns between the two timelines
	notes int // columns right of the right timeline: a space and the note
	// digits is how wide the whole seconds of the time column are, and
	// prefix the columns before the left timeline.
	digits, prefix int

	pending    trace.Record // a send held back to merge with its drop
	pendingPkt trace.Packet // its packet (the producer reuses its own)
	hasPending bool

	lines   int   // event lines written
	skipped int64 // events past MaxLines, not written
	full    bool  // MaxLines reached: only count from now on
	// The last send counted but not written, so that its drop is not
	// counted as a line of its own.
	lastID uint64
	lastT  sim.Time
	lastOK bool

	isns *catalog.ISNs // each side's ISN, for relative numbers
	// unsent follows each open connection's data not yet sent, so that a
	// close queued behind it can say so.
	unsent map[connID]*connData

	carried *catalog.Carried // the messages each connection sent
	// held are the messages sent in the current instant whose "sends …"
	// line is not drawn yet, and the lines after them: a message's line is
	// left out if a segment drawn in the same instant carries its first
	// byte, drawn when the instant ends if not.
	held []heldLine
	// connOf is each connection's place in the order of the first segment
	// drawn, for its colour: by its two ports, and by node and number for
	// the notes about it.
	connOf     map[connPorts]int
	connOfNode map[connID]int
	nConns     int // connections seen

	line  []byte   // the line being built
	label []byte   // the segment label being built
	note  []string // the note's phrases
}

// New returns a Ladder writing to w, with its header line already
// buffered.
func New(w io.Writer, opt Options) *Ladder {
	if opt.Width == 0 {
		opt.Width = DefaultWidth
	}
	opt.Width = max(opt.Width, MinWidth)
	if opt.Left == "" {
		opt.Left = "client"
	}
	if opt.Right == "" {
		opt.Right = "server"
	}
	notes := noteWidth(opt.Width)
	l := &Ladder{
		w:      bufio.NewWriterSize(w, 64<<10),
		opt:    opt,
		msg:    opt.Lang.Phrases(),
		notes:  notes,
		inner:  opt.Width - prefixWidth - 2 - notes - (timeDigits(opt.End) - 4),
		digits: timeDigits(opt.End),
		prefix: prefixWidth + timeDigits(opt.End) - 4,
		isns:   catalog.NewISNs(opt.SeqNumbers),
		unsent: make(map[connID]*connData),
		// The messages are named in the language of the ladder.
		carried:    catalog.NewCarried(opt.Lang.Phrases()),
		connOf:     make(map[connPorts]int),
		connOfNode: make(map[connID]int),
		line:       make([]byte, 0, 256),
		label:      make([]byte, 0, 128),
		note:       make([]string, 0, 4),
	}
	l.header()
	return l
}

// header writes the time heading and the node names over their timelines.
func (l *Ladder) header() {
	b := l.line[:0]
	t := l.msg.Str(catalog.MsgTime)
	digitsW := l.digits + len(".000") // right-aligned over the digits
	b = appendRepeat(b, " ", digitsW-width(t))
	b = append(b, t...)
	b = appendRepeat(b, " ", l.prefix-max(digitsW, width(t)))
	left := truncate(l.opt.Left, l.inner/2)
	right := truncate(l.opt.Right, l.inner/2)
	b = append(b, left...)
	b = appendRepeat(b, " ", l.inner+2-width(left)-width(right))
	b = append(b, right...)
	b = append(b, '\n')
	l.line = b
	l.w.Write(b)
}

// Record draws r, or holds it back (a send), or ignores it.
func (l *Ladder) Record(r *trace.Record) {
	l.carried.Learn(r) // the ISNs and messages before From too
	if r.Kind == trace.KindState && (r.To == trace.StateTimeWait || r.To == trace.StateClosed) {
		l.carried.Forget(r.Node, r.Conn) // it sends no more data
	}
	if r.T < l.opt.From || l.opt.To != 0 && r.T > l.opt.To {
		if r.Kind == trace.KindSend {
			l.isns.Learn(r) // relative numbers in the window
		}
		return
	}
	if l.full {
		l.skip(r)
		return
	}
	if l.hasPending {
		p := &l.pending
		if r.Kind == trace.KindDrop && r.Pkt.ID == p.Pkt.ID && r.T == p.T {
			l.hasPending = false
			l.sendLine(p, r)
			return
		}
		if r.T != p.T || l.visible(r) {
			l.hasPending = false
			l.sendLine(p, nil)
			if l.full {
				l.skip(r)
				return
			}
		}
	}
	if len(l.held) > 0 && r.T != l.held[0].r.T {
		l.drawHeld(true) // the instant is over
		if l.full {
			l.skip(r)
			return
		}
	}
	switch r.Kind {
	case trace.KindSend:
		l.countSent(r)
		l.pending, l.pendingPkt = *r, *r.Pkt // the producer reuses its packet
		l.pending.Pkt = &l.pendingPkt
		l.hasPending = true
	case trace.KindDrop:
		l.inFlightDropLine(r)
	default:
		l.event(r)
	}
}

// heldLine is a line held back in the current instant: its record and,
// for a state change, whether a close waits behind unsent data.
type heldLine struct {
	r      trace.Record // a note's record holds no packet
	queued bool
}

// maxHeld bounds the lines held back in one instant: past it, they are
// drawn at once.
const maxHeld = 64

// event draws the line of r, neither a send nor a drop, if it has one. A
// message sent is held back, with the lines after it in the same instant,
// until a segment drawn names it or the instant ends (drawHeld).
func (l *Ladder) event(r *trace.Record) {
	queued := false
	switch r.Kind {
	case trace.KindApp:
		if r.App == trace.AppWrite {
			l.conn(r).written += r.Value
		}
	case trace.KindState:
		queued = l.closeQueued(r)
	}
	if !l.visible(r) {
		return
	}
	if len(l.held) > 0 || r.Kind == trace.KindMsg && r.Msg == trace.MsgSend {
		if len(l.held) == maxHeld {
			l.drawHeld(true)
		}
		l.held = append(l.held, heldLine{*r, queued})
		return
	}
	l.eventLine(r, queued)
}

// eventLine draws the line of r, a note's record; queued says a close
// waits behind unsent data.
func (l *Ladder) eventLine(r *trace.Record, queued bool) {
	switch r.Kind {
	case trace.KindState:
		var notes []string
		if queued {
			notes = append(notes, l.msg.Str(catalog.MsgCloseQueued))
		}
		l.sideLine(r, "", l.msg.Sprintf(catalog.MsgState, r.From, r.To), colorCyan, notes...)
	case trace.KindAbort:
		// The reason goes in the note column, where a long one wraps.
		l.sideLine(r, abortMark, l.msg.Str(catalog.MsgAbortedSide), colorBoldRed, l.msg.AbortReason(r.Abort))
	case trace.KindApp:
		l.sideLine(r, "", l.msg.AppNote(r), "")
	case trace.KindMsg:
		l.sideLine(r, "", l.msg.MessageNote(r), colorCyan)
	case trace.KindTimer:
		l.sideLine(r, "", l.msg.RTOFired(r.Value), colorYellow)
	case trace.KindHost:
		l.centreLine(r.T, l.msg.HostNote(r))
	case trace.KindLink:
		l.centreLine(r.T, l.msg.LinkNote(r))
	}
}

// drawHeld draws the lines held back, in order, and forgets them: all of
// them when the instant is over (a message no segment named keeps its
// "sends …" line), or, before a segment's arrow, those before the first
// message still waiting for its segment.
func (l *Ladder) drawHeld(all bool) {
	n := len(l.held)
	if !all {
		n = slices.IndexFunc(l.held, func(h heldLine) bool { return isMsgSend(&h.r) })
		if n < 0 {
			n = len(l.held)
		}
	}
	for i := range n {
		l.eventLine(&l.held[i].r, l.held[i].queued)
	}
	rest := copy(l.held, l.held[n:])
	clear(l.held[rest:]) // their texts
	l.held = l.held[:rest]
}

// isMsgSend reports whether r is an application message sent.
func isMsgSend(r *trace.Record) bool { return r.Kind == trace.KindMsg && r.Msg == trace.MsgSend }

// carriedBy names the messages whose first byte the sent segment s
// carries, "" for none, for the note beside its arrow (named by their
// connection when it is not the node's first), and forgets their held
// "sends …" lines.
func (l *Ladder) carriedBy(s *trace.Record) string {
	label, offs := l.carried.Label(s)
	if label == "" {
		return ""
	}
	l.held = slices.DeleteFunc(l.held, func(h heldLine) bool {
		m := &h.r
		return isMsgSend(m) && m.Node == s.Node && m.Conn == s.Conn && slices.Contains(offs, m.Off)
	})
	return l.msg.Conn(s.Conn, label)
}

// maxConns bounds the connections whose colours a Ladder remembers.
const maxConns = 1024

// connPorts names a connection by the ports of its left and right ends.
type connPorts struct{ left, right netip.AddrPort }

// connColor returns the colour of the connection of s, a sent segment,
// learning its place in the order of the first segment drawn: "" for the
// first, so that a run of one looks as it always did.
func (l *Ladder) connColor(s *trace.Record) string {
	seg := &s.Pkt.Seg
	key := connPorts{seg.Src, seg.Dst}
	if !l.leftToRight(s) {
		key = connPorts{seg.Dst, seg.Src}
	}
	k, ok := l.connOf[key]
	if !ok {
		if len(l.connOf) == maxConns {
			// The colours cycle: forget the connections seen, which
			// will take a colour of their own again if heard from.
			clear(l.connOf)
			clear(l.connOfNode)
		}
		k = l.nConns
		l.nConns++
		l.connOf[key] = k
	}
	l.connOfNode[connID{s.Node, s.Conn}] = k
	return connColorOf(k)
}

// connColorOf returns the colour of the k-th connection (from 0).
func connColorOf(k int) string {
	if k == 0 {
		return ""
	}
	return connColors[(k-1)%len(connColors)]
}

// visible reports whether r draws a line (a send draws one, possibly
// together with its drop).
func (l *Ladder) visible(r *trace.Record) bool {
	switch r.Kind {
	case trace.KindSend, trace.KindDrop, trace.KindState, trace.KindAbort, trace.KindHost, trace.KindLink, trace.KindMsg:
		return true
	case trace.KindApp:
		return r.App != trace.AppRead || l.opt.ShowReads
	case trace.KindTimer:
		return r.Timer == trace.TimerRetransmission && r.TimerOp == trace.TimerFired
	}
	return false
}

// connID names a connection of a node.
type connID struct {
	node string
	conn uint32
}

// connData is what a connection's application wrote and what its TCP sent.
type connData struct {
	written int64    // bytes the application wrote
	sent    int64    // data bytes sent, the highest sequence number sent less the ISS
	iss     wire.Seq // the initial send sequence number, once its SYN was seen
	synSeen bool
}

// conn returns the data of r's connection.
func (l *Ladder) conn(r *trace.Record) *connData {
	id := connID{r.Node, r.Conn}
	c := l.unsent[id]
	if c == nil {
		c = &connData{}
		l.unsent[id] = c
	}
	return c
}

// countSent notes the data sent in r's segment.
func (l *Ladder) countSent(r *trace.Record) {
	s := &r.Pkt.Seg
	if s.Flags.Has(wire.SYN) { // SYN or SYN,ACK: its sequence number is the ISS
		c := l.conn(r)
		c.iss, c.synSeen = s.Seq, true
	}
	if s.Len == 0 {
		return
	}
	if c := l.conn(r); c.synSeen {
		c.sent = max(c.sent, int64(uint32(s.Seq.Add(s.Len)-c.iss-1)))
	}
}

// closeQueued reports whether the state change r is a close that its
// application asked for with data still unsent: TCP enters FIN-WAIT-1 (or
// LAST-ACK) at once, but its FIN follows the data (RFC 9293 §3.10.4). It
// forgets a connection that has closed.
func (l *Ladder) closeQueued(r *trace.Record) bool {
	id := connID{r.Node, r.Conn}
	c := l.unsent[id]
	switch r.To {
	case trace.StateClosed, trace.StateTimeWait:
		delete(l.unsent, id)
	case trace.StateFinWait1, trace.StateLastAck:
		return c != nil && c.synSeen && c.written > c.sent
	}
	return false
}

// skip counts r's line once MaxLines is reached, as Record would have
// drawn it: a drop merged into its send's line is not a line of its own.
// A message sent is counted when its instant ends, unless a segment named
// it, as its "sends …" line would have been drawn.
func (l *Ladder) skip(r *trace.Record) {
	if len(l.held) > 0 && (r.T != l.held[0].r.T || len(l.held) == maxHeld) {
		l.drawHeld(true) // counts them: no line can be taken now
	}
	switch {
	case r.Kind == trace.KindSend:
		l.carriedBy(r)
		l.skipped++
		l.lastID, l.lastT, l.lastOK = r.Pkt.ID, r.T, true
	case r.Kind == trace.KindDrop && l.lastOK && r.Pkt.ID == l.lastID && r.T == l.lastT:
		l.lastOK = false
	case isMsgSend(r):
		l.held = append(l.held, heldLine{r: *r})
		l.lastOK = false
	case l.visible(r):
		l.skipped++
		l.lastOK = false
	}
}

// take reserves an event line, or counts the event as skipped when
// MaxLines is reached.
func (l *Ladder) take() bool {
	if l.opt.MaxLines > 0 && l.lines >= l.opt.MaxLines {
		l.skipped++
		l.full = true
		return false
	}
	l.lines++
	return true
}

// Flush draws the send still held back, writes how many events MaxLines
// left out, and flushes the output. It returns the first write error.
// Call it once, when the run ends.
func (l *Ladder) Flush() error {
	if l.hasPending {
		l.hasPending = false
		l.sendLine(&l.pending, nil)
	}
	l.drawHeld(true)
	if l.skipped > 0 {
		m := catalog.MsgMoreEvents
		if l.skipped == 1 {
			m = catalog.MsgMoreEvent
		}
		b := l.msg.Appendf(l.line[:0], m, l.skipped)
		l.line = append(b, '\n')
		l.w.Write(l.line)
		l.skipped = 0
	}
	return l.w.Flush()
}

// leftToRight reports whether the packet in r travels from the left
// timeline to the right one.
func (l *Ladder) leftToRight(r *trace.Record) bool {
	switch {
	case r.Node == l.opt.Right:
		return false
	case r.Node == l.opt.Left:
		return true
	}
	return r.Peer != l.opt.Left
}

// sendLine draws the arrow of the segment sent in s; with drop, the arrow
// stops half way at ✗ and the note says why.
func (l *Ladder) sendLine(s, drop *trace.Record) {
	carried := l.carriedBy(s)
	l.drawHeld(false) // the lines before it, but a message it does not carry
	if !l.take() {
		return
	}
	l.isns.Learn(s)
	l.label = l.appendLabel(l.label[:0], s, false)
	l.note = l.note[:0]
	if carried != "" {
		l.note = append(l.note, carried) // what it carries, then what it is
	}
	l.note = l.msg.LabelPhrases(l.note, s.Pkt)
	color := l.connColor(s)
	switch lb := s.Pkt.Labels; {
	case drop != nil:
		color = colorRed
	case lb&(trace.LabelRetransmission|trace.LabelFastRetransmission) != 0:
		color = colorYellow
	case lb.Has(trace.LabelDupACK):
		color = colorMagenta
	}
	if drop != nil {
		l.note = append(l.note, l.msg.Sprintf(catalog.MsgDropped, l.msg.DropReason(drop.Drop, drop.Peer)))
	}
	l.begin(s.T)
	l.line = append(l.line, bar...)
	l.paint(color)
	l.line = l.appendArrow(l.line, l.leftToRight(s), drop != nil)
	l.unpaint(color)
	l.line = append(l.line, bar...)
	l.end(color)
}

// appendArrow appends the arrow carrying l.label, exactly l.inner columns
// wide. The label sits next to the sender; a dropped segment's arrow stops
// at ✗ half way, or just after a long label.
func (l *Ladder) appendArrow(b []byte, ltr, dropped bool) []byte {
	// In columns: "── " label " " dashes head, or mirrored.
	const ends = 2 + 1 + 1 + 1 // two dashes, two spaces, the head
	label := l.label           // ASCII: one byte per column
	room := l.inner - ends - 1 // at least one dash before the head
	if dropped {
		room-- // a space between ✗ and the far timeline
	}
	cols := len(label)
	if cols > room {
		label, cols = append(label[:room-1], "…"...), room
	}
	span := l.inner // columns the arrow covers
	if dropped {
		span = max(l.inner/2, cols+ends+min(2, room-cols+1))
	}
	dashes := span - cols - ends
	if ltr {
		b = appendRepeat(b, dash, 2)
		b = append(b, ' ')
		b = append(b, label...)
		b = append(b, ' ')
		b = appendRepeat(b, dash, dashes)
		if dropped {
			b = append(b, cross...)
		} else {
			b = append(b, headRight...)
		}
		return appendRepeat(b, " ", l.inner-span)
	}
	b = appendRepeat(b, " ", l.inner-span)
	if dropped {
		b = append(b, cross...)
	} else {
		b = append(b, headLeft...)
	}
	b = appendRepeat(b, dash, dashes)
	b = append(b, ' ')
	b = append(b, label...)
	b = append(b, ' ')
	return appendRepeat(b, dash, 2)
}

// inFlightDropLine draws a drop that did not follow its send: the segment
// dies half way between the timelines.
func (l *Ladder) inFlightDropLine(r *trace.Record) {
	l.drawHeld(false) // the lines before it
	if !l.take() {
		return
	}
	l.label = l.appendLabel(l.label[:0], r, true)
	half := l.inner / 2
	label := l.label
	if room := half - 2 - noteIndent; len(label) > room { // " ✗" and a space
		label = append(label[:room-1], "…"...)
	}
	cols := width(string(label)) + 2 // label, a space and ✗
	l.begin(r.T)
	l.line = append(l.line, bar...)
	l.paint(colorRed)
	if l.leftToRight(r) {
		l.line = appendRepeat(l.line, " ", half-cols+1)
		l.line = append(l.line, label...)
		l.line = append(l.line, ' ')
		l.line = append(l.line, cross...)
		l.line = appendRepeat(l.line, " ", l.inner-half-1)
	} else {
		l.line = appendRepeat(l.line, " ", half)
		l.line = append(l.line, cross...)
		l.line = append(l.line, ' ')
		l.line = append(l.line, label...)
		l.line = appendRepeat(l.line, " ", l.inner-half-cols)
	}
	l.unpaint(colorRed)
	l.line = append(l.line, bar...)
	l.note = append(l.note[:0], l.msg.Sprintf(catalog.MsgDroppedInFlight, l.msg.DropReason(r.Drop, r.Peer)))
	l.end(colorRed)
}

// sideLine draws mark and text on the side of r's node: after the left
// timeline or before the right one. Connections after the first are named.
// notes go in the note column, which wraps rather than cuts. A line with
// no colour of its own takes its connection's, once a segment of that
// connection was drawn.
func (l *Ladder) sideLine(r *trace.Record, mark, text, color string, notes ...string) {
	if !l.take() {
		return
	}
	if k, ok := l.connOfNode[connID{r.Node, r.Conn}]; ok && color == "" {
		color = connColorOf(k)
	}
	text = mark + l.msg.Conn(r.Conn, text)
	text = truncate(text, l.inner-noteIndent)
	pad := l.inner - noteIndent - width(text)
	l.begin(r.T)
	l.line = append(l.line, bar...)
	if r.Node == l.opt.Right {
		l.line = appendRepeat(l.line, " ", pad)
		l.paint(color)
		l.line = append(l.line, text...)
		l.unpaint(color)
		l.line = appendRepeat(l.line, " ", noteIndent)
	} else {
		l.line = appendRepeat(l.line, " ", noteIndent)
		l.paint(color)
		l.line = append(l.line, text...)
		l.unpaint(color)
		l.line = appendRepeat(l.line, " ", pad)
	}
	l.line = append(l.line, bar...)
	l.note = append(l.note[:0], notes...)
	l.end(color)
}

// centreLine draws text centred between the timelines, wrapped at spaces
// onto continuation lines when it is wider than the space between them.
func (l *Ladder) centreLine(t sim.Time, text string) {
	if !l.take() {
		return
	}
	l.begin(t)
	for first := true; first || text != ""; first = false {
		var line string
		line, text = cutLine(text, l.inner-2)
		if !first {
			l.line = append(l.line, '\n')
			l.line = appendRepeat(l.line, " ", l.prefix)
		}
		left := (l.inner - width(line)) / 2
		l.line = append(l.line, bar...)
		l.line = appendRepeat(l.line, " ", left)
		l.line = append(l.line, line...)
		l.line = appendRepeat(l.line, " ", l.inner-left-width(line))
		l.line = append(l.line, bar...)
	}
	l.note = l.note[:0]
	l.end("")
}

// begin starts a line with the time column.
func (l *Ladder) begin(t sim.Time) {
	l.line = catalog.AppendSecondsColumn(l.line[:0], t, l.digits)
	l.line = append(l.line, ' ')
}

// end finishes the line with the note, if any, and writes it. The note's
// phrases are joined with commas when they fit the note column; if not,
// each starts a line of its own, wrapped at spaces, on continuation lines
// that carry the timelines on.
func (l *Ladder) end(color string) {
	if len(l.note) == 0 {
		l.line = append(l.line, '\n')
		l.w.Write(l.line)
		return
	}
	cols := l.notes - 1
	phrases := l.note
	if joined := strings.Join(phrases, ", "); width(joined) <= cols {
		phrases = []string{joined}
	}
	first := true
	for _, p := range phrases {
		for rest := p; rest != ""; {
			var line string
			line, rest = cutLine(rest, cols)
			if !first {
				l.line = appendRepeat(l.line, " ", l.prefix)
				l.line = append(l.line, bar...)
				l.line = appendRepeat(l.line, " ", l.inner)
				l.line = append(l.line, bar...)
			}
			first = false
			l.line = append(l.line, ' ')
			l.paint(color)
			l.line = append(l.line, line...)
			l.unpaint(color)
			l.line = append(l.line, '\n')
		}
	}
	l.w.Write(l.line)
}

func (l *Ladder) paint(color string) {
	if l.opt.Color && color != "" {
		l.line = append(l.line, color...)
	}
}

func (l *Ladder) unpaint(color string) {
	if l.opt.Color && color != "" {
		l.line = append(l.line, colorReset...)
	}
}

// appendLabel appends what the arrow of r's segment says, tcpdump-lite:
// "SYN,ACK seq=300 ack=101 win=65535 <mss 1460>". The flags are left out
// when they are just ACK on a segment with data ("seq=101 ack=301
// len=1460 win=65535"). short keeps only flags, seq and len.
func (l *Ladder) appendLabel(b []byte, r *trace.Record, short bool) []byte {
	s := &r.Pkt.Seg
	if s.Flags != 0 && !(s.Flags == wire.ACK && s.Len > 0) {
		b = append(b, s.Flags.String()...)
		b = append(b, ' ')
	}
	b = append(b, "seq="...)
	b = strconv.AppendUint(b, l.isns.Seq(r), 10)
	if !short && s.Flags.Has(wire.ACK) {
		b = append(b, " ack="...)
		b = strconv.AppendUint(b, l.isns.Ack(r), 10)
	}
	if s.Len > 0 {
		b = append(b, " len="...)
		b = strconv.AppendUint(b, uint64(s.Len), 10)
	}
	if short {
		return b
	}
	b = append(b, " win="...)
	b = strconv.AppendUint(b, uint64(r.Pkt.Win), 10)
	return l.appendOptions(b, r)
}

// appendOptions appends the segment's options in wire.Options.String's
// order and words, with SACK edges as the ACK. Timestamps,
// which ride on every segment once negotiated, show as "TS" on a SYN only:
// their values are in the trace and the pcap, and would crowd the line.
func (l *Ladder) appendOptions(b []byte, r *trace.Record) []byte {
	o := &r.Pkt.Seg.Opt
	syn := r.Pkt.Seg.Flags.Has(wire.SYN)
	if o.MSS == 0 && !o.SACKPermitted && !(o.HasTimestamp && syn) && !o.HasWScale && o.NumSACK == 0 {
		return b
	}
	b = append(b, " <"...)
	n := len(b)
	sep := func(b []byte) []byte {
		if len(b) > n {
			b = append(b, ',')
		}
		return b
	}
	if o.MSS != 0 {
		b = append(b, "mss "...)
		b = strconv.AppendUint(b, uint64(o.MSS), 10)
	}
	if o.SACKPermitted {
		b = append(sep(b), "sackOK"...)
	}
	if o.HasTimestamp && syn {
		b = append(sep(b), "TS"...)
	}
	if o.HasWScale {
		b = append(sep(b), "wscale "...)
		b = strconv.AppendUint(b, uint64(o.WScale), 10)
	}
	if o.NumSACK > 0 {
		b = append(sep(b), "sack"...)
		for _, blk := range o.SACK[:min(int(o.NumSACK), wire.MaxSACKBlocks)] {
			b = append(b, ' ')
			b = strconv.AppendUint(b, l.isns.Edge(r, blk.Left), 10)
			b = append(b, '-')
			b = strconv.AppendUint(b, l.isns.Edge(r, blk.Right), 10)
		}
	}
	return append(b, '>')
}
