package textdiagram

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/tcpsim/tcpsim/trace"
)

// WriteMermaid writes records as a Mermaid sequence diagram, for documents
// (GitHub and most Markdown renderers draw it):
//
//	sequenceDiagram
//	    title lost-segment
//	    participant client
//	    participant server
//	    Note over client: SYN-SENT
//	    client->>server: 0.000 s SYN SEQ=100 WIN=65535 MSS=1460
//	    …
//	    client-xserver: 0.100070 s SEQ=3021 ACK=301 LEN=1460 WIN=65535<br/>dropped#58; client data_segment 3
//	    server->>client: 0.252534 s ACK SEQ=301 ACK=3021 WIN=65535<br/>dup ACK #35;1
//
// Each segment sent in the window is one message, in the order sent:
// ->> when it was delivered, -x when it was dropped, -) when it was still in
// flight at the end. Mermaid draws every arrow level, so the label starts
// with the time it was sent; the messages it carries ("GET /2") and what
// it means (retransmission, dup ACK #2, dropped: why) are a second line.
// State changes, aborts, RTO expiries, host events and messages read are
// notes over their node; link events are notes across the link's two
// nodes. Application calls, deliveries, variables and other timers draw
// nothing. Past Options.MaxSegments a last note says how many segments
// were left out. Mermaid colours no arrow: with several connections, each
// run of lines about one sits in a rect of its colour's tint
// (catalog.ConnColors), and its label names it ("[conn 2]").
//
// Characters Mermaid reads in a label (; # : < > % & ") are written as its
// entity codes (#59; for ;). The same records and options always give the
// same bytes. It returns an error for bad options or the first write error.
func WriteMermaid(w io.Writer, records []trace.Record, opt Options) error {
	c := NewCollector(opt)
	for i := range records {
		c.Record(&records[i])
	}
	return c.WriteMermaid(w)
}

// WriteMermaid writes what c collected as a Mermaid sequence diagram: see
// the function WriteMermaid.
func (c *Collector) WriteMermaid(w io.Writer) error {
	d, err := c.build()
	if err != nil {
		return err
	}
	ids := participantIDs(d.participants)
	id := func(name string) string { return ids[slices.Index(d.participants, name)] }
	const indent = "    "
	bw := bufio.NewWriter(w)
	bw.WriteString("sequenceDiagram\n")
	if d.title != "" {
		bw.WriteString(indent + "title " + mermaidText(d.title) + "\n")
	}
	for i, p := range d.participants {
		bw.WriteString(indent + "participant " + ids[i])
		if ids[i] != p {
			bw.WriteString(" as " + mermaidText(p))
		}
		bw.WriteString("\n")
	}
	open := -1 // the connection whose rect is open
	for _, it := range d.items {
		// Each connection's arrows and notes on a tint of its colour: a
		// rect around each run of them (Mermaid colours no arrow).
		if it.conn != open {
			if open >= 0 {
				bw.WriteString(indent + "end\n")
			}
			if open = it.conn; open >= 0 {
				c := d.conns[open].color.Line
				bw.WriteString(indent + "rect rgba(" + strconv.Itoa(int(c>>16)) + ", " + strconv.Itoa(int(c>>8&0xFF)) + ", " +
					strconv.Itoa(int(c&0xFF)) + ", 0.14)\n")
			}
		}
		bw.WriteString(indent)
		switch {
		case it.arrow:
			arrow := "->>"
			switch it.fate {
			case dropped:
				arrow = "-x"
			case inFlight:
				arrow = "-)"
			}
			bw.WriteString(id(it.from) + arrow + id(it.to) + ": " + mermaidText(it.text))
			if len(it.tags) > 0 {
				bw.WriteString("<br/>" + mermaidText(strings.Join(it.tags, ", ")))
			}
		case it.from == "":
			bw.WriteString("Note over " + ids[0] + "," + ids[len(ids)-1] + ": " + mermaidText(it.text))
		case it.to != "":
			bw.WriteString("Note over " + id(it.from) + "," + id(it.to) + ": " + mermaidText(it.text))
		default:
			bw.WriteString("Note over " + id(it.from) + ": " + mermaidText(it.text))
		}
		bw.WriteString("\n")
	}
	if open >= 0 {
		bw.WriteString(indent + "end\n")
	}
	return bw.Flush()
}

// mermaidText returns s for a Mermaid label, title or participant alias:
// the characters Mermaid reads there (; and # end a statement or start an
// entity, : separates, < and > make HTML, % starts a comment, & and " are
// HTML's) as Mermaid's entity codes (#59;), and control characters, line
// breaks included, as spaces.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case strings.ContainsRune(`;#:<>%&"`, r):
			b.WriteString("#" + strconv.Itoa(int(r)) + ";")
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
