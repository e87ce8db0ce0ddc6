package textdiagram

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
)

// WritePlantUML writes records as a PlantUML sequence diagram drawn by its
// teoz engine, whose arrows can slant:
//
//	@startuml
//	!pragma teoz true
//	title lost-segment
//	participant client
//	participant server
//	' tcpsim: an arrow slants 1 px for each 1ms of flight time
//	note over client : SYN-SENT
//	client ->(50) server : 0.000 s SYN SEQ=100 WIN=65535 MSS=1460
//	…
//	client -[#red]>x server : 0.100070 s SEQ=3021 ACK=301 LEN=1460 WIN=65535\ndropped: client data_segment 3
//	…
//	@enduml
//
// Each segment sent in the window is one arrow, in the order sent, labelled
// with the time it was sent and, on a second line, what it means
// (retransmission, dup ACK #2, dropped: why). A delivered segment's arrow
// slants down by its flight time, from send to delivery, at the scale of
// Options.SlantScale: by default one picked so that the longest
// flight slants about 60 pixels, which the diagram names in a comment. A
// dropped segment's arrow is level and ends in a red ✗ (->x; PlantUML
// cannot slant it); one still in flight at the end is a thin arrow (->>).
// PlantUML draws the events one below the other, so the vertical axis is
// their order, not time: where nothing was drawn for longer than a round
// trip (twice the longest flight, at least 10 ms), a delay line says how
// long ("... 0.950 s later ..."). State changes, aborts, RTO expiries and
// host events are notes over their node; link events are notes across the
// link's two nodes. The messages a segment carries open its label's second
// line ("GET /2"), and no note over the sender says it sent them. With
// several connections, each arrow is in its connection's colour
// (catalog.ConnColors; a drop stays red), each note about one on a tint of
// it, and a legend names each connection by its ports.
//
// Characters PlantUML's Creole reads in a label (\ & ~ < > % $ ", and the
// doubled markup ** // -- __ ^^ ,, [[ ]] ==) are written as numeric
// character references (&#92;). Labels are UTF-8: render with -charset
// UTF-8 where Java's default charset is not. The same records and options
// always give the same bytes. It returns an error for bad options or the
// first write error.
func WritePlantUML(w io.Writer, records []trace.Record, opt Options) error {
	c := NewCollector(opt)
	for i := range records {
		c.Record(&records[i])
	}
	return c.WritePlantUML(w)
}

// WritePlantUML writes what col collected as a PlantUML sequence diagram:
// see the function WritePlantUML.
func (col *Collector) WritePlantUML(w io.Writer) error {
	d, err := col.build()
	if err != nil {
		return err
	}
	opt := col.opt
	c := opt.Lang.Phrases()
	ids := participantIDs(d.participants)
	id := func(name string) string { return ids[slices.Index(d.participants, name)] }
	scale := slantScale(d.maxFlight, opt.SlantScale)
	pause := max(2*d.maxFlight, gapMin)

	bw := bufio.NewWriter(w)
	bw.WriteString("@startuml\n!pragma teoz true\n")
	if d.title != "" {
		bw.WriteString("title " + plantUMLText(d.title) + "\n")
	}
	for i, p := range d.participants {
		if ids[i] == p {
			bw.WriteString("participant " + p + "\n")
		} else {
			bw.WriteString("participant \"" + plantUMLText(p) + "\" as " + ids[i] + "\n")
		}
	}
	if d.maxFlight > 0 {
		bw.WriteString("' tcpsim: an arrow slants 1 px for each " + scale.String() + " of flight time\n")
	}
	for i, it := range d.items {
		if i > 0 {
			if gap := it.t.Sub(d.items[i-1].t); gap > pause {
				later := c.Sprintf(catalog.MsgLater, catalog.Seconds(sim.At(gap)))
				bw.WriteString("... " + plantUMLText(later) + " ...\n")
			}
		}
		switch {
		case it.arrow:
			line := "-"
			if it.conn >= 0 {
				line = "-[" + plantUMLColor(d.conns[it.conn].color.Line) + "]"
			}
			arrow := line + ">"
			switch it.fate {
			case dropped:
				arrow = "-[#red]>x"
			case inFlight:
				arrow = line + ">>"
			default:
				if px := (it.flight + scale/2) / scale; px > 0 {
					arrow = line + ">(" + strconv.FormatInt(int64(px), 10) + ")"
				}
			}
			bw.WriteString(id(it.from) + " " + arrow + " " + id(it.to) + " : " + plantUMLText(it.text))
			if len(it.tags) > 0 {
				bw.WriteString(`\n` + plantUMLText(strings.Join(it.tags, ", ")))
			}
		case it.from == "":
			bw.WriteString("note over " + ids[0] + ", " + ids[len(ids)-1] + " : " + plantUMLText(it.text))
		case it.to != "":
			bw.WriteString("note over " + id(it.from) + ", " + id(it.to) + " : " + plantUMLText(it.text))
		case it.conn >= 0:
			// On a tint of its connection's colour.
			bw.WriteString("note over " + id(it.from) + " " + plantUMLColor(tint(d.conns[it.conn].color.Line)) + " : " + plantUMLText(it.text))
		default:
			bw.WriteString("note over " + id(it.from) + " : " + plantUMLText(it.text))
		}
		bw.WriteString("\n")
	}
	if len(d.conns) > 0 {
		// Each connection's colour, named.
		bw.WriteString("legend right\n")
		for k, sc := range d.conns {
			bw.WriteString("<color:" + plantUMLColor(sc.color.Line) + ">\u2501\u2501</color> " + plantUMLText(d.connName(c, k)) + "\n")
		}
		bw.WriteString("endlegend\n")
	}
	bw.WriteString("@enduml\n")
	return bw.Flush()
}

// plantUMLColor writes a colour 0xRRGGBB as PlantUML reads it: "#0072B2".
func plantUMLColor(c uint32) string { return fmt.Sprintf("#%06X", c) }

// tint returns c mixed with white, white's share 0.85: the background of
// a note about a connection.
func tint(c uint32) uint32 {
	var out uint32
	for shift := 0; shift <= 16; shift += 8 {
		v := float64(c >> shift & 0xFF)
		out |= uint32(math.Round(v*0.15+255*0.85)) << shift
	}
	return out
}

// gapMin is the shortest pause WritePlantUML marks with a delay line.
const gapMin = 10 * time.Millisecond

// slantScale returns fixed when it is set, else the smallest of 1, 2 or 5
// times a power of ten nanoseconds that draws maxFlight in at most
// slantMaxPixels.
func slantScale(maxFlight, fixed time.Duration) time.Duration {
	if fixed > 0 {
		return fixed
	}
	for p := time.Duration(1); ; p *= 10 {
		for _, m := range []time.Duration{1, 2, 5} {
			if maxFlight <= slantMaxPixels*m*p {
				return m * p
			}
		}
	}
}

// plantUMLText returns s for a PlantUML label, note, title or participant
// name: the characters Creole or the preprocessor read (\ starts \n, & an
// entity, ~ escapes, < a tag, % a builtin function, $ a variable, " ends a
// name; a doubled * / - _ ^ , [ ] = is markup) as numeric character
// references, and control characters, line breaks included, as spaces.
func plantUMLText(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		doubled := i+1 < len(rs) && rs[i+1] == r || i > 0 && rs[i-1] == r
		switch {
		case strings.ContainsRune(`\&~<>%$"`, r),
			doubled && strings.ContainsRune(`*/-_^,[]=`, r):
			b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
