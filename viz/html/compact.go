package html

import (
	"math"

	"github.com/tcpsim/tcpsim/viz/diagram"
)

// The page's data goes out compact: a page of 100,000 events must load
// and parse in well under two seconds. Arrows, timer brackets, segments
// and events are arrays rather than objects (page.js names their places
// when it reads them), repeated strings are indexes into one table, and
// positions keep a tenth of a point.

// compactData is pageData as the page reads it.
type compactData struct {
	Version   int               `json:"version"`
	Lang      string            `json:"lang"`
	Title     string            `json:"title"`
	Relative  bool              `json:"relative"`
	Phrases   map[string]string `json:"phrases"`
	Fields    map[string]string `json:"fields"`
	Strings   []string          `json:"strings"` // the string table; 0 is ""
	Layout    compactLayout     `json:"layout"`
	Endpoints []*endpoint       `json:"endpoints"`
	Conns     []pageConn        `json:"conns"`
	// Segments, one per arrow: [id, conn, src, dst, sport, dport, flags,
	// seq, ack (-1 without the ACK flag), len, win, wnd_field, options,
	// labels, why, reason, rule, t0, t1 (-1: in flight at the end), end
	// (0 none, 1 deliver, 2 drop), send event, end event].
	Segments [][]any          `json:"segments"`
	Init     []map[string]any `json:"init"`
	// Events: [t, y, kind, node, conn, arrow, text ("": made by the page
	// from the segment), changes [[endpoint, field, value, why]], cut (1
	// when an idle stretch is cut out before it)]; t (ns) and y (tenths of
	// a point) as the difference from the event before. The events are the
	// records from FirstRecord on, one each, but the run's name and nodes,
	// which come first in a trace.
	Events      [][]any `json:"events"`
	FirstRecord int     `json:"first_record"`
	More        string  `json:"more"`
}

// compactLayout is the diagram's layout with its arrows and brackets as
// arrays:
//
//	arrow: [send, end, from, bits, style, x0, y0, x1, y1, label, labelX,
//	        labelY, labelAngle, reasonText, reasonX, reasonY, reasonAngle,
//	        tag, tagX, rtag, rtagX, and with bit 128: message, messageX,
//	        messageY, messageColor, messageTint]; bits: 1 dropped, 2 cut at
//	        the top, 4 cut at the bottom, 8 arrowhead, 16 dashed, 32 has a
//	        label, 64 the tag ends at tagX, 128 has a message
//	bracket: [side, start, stop, end, x, toward, y0, y1, cut0, dashed,
//	          color, name, nameX, nameY, nameAngle]
type compactLayout struct {
	*diagram.Layout
	Arrows   [][]any `json:"Arrows"`
	Brackets [][]any `json:"Brackets"`
}

// table interns strings.
type table struct {
	list  []string
	index map[string]int
}

func newTable() *table { return &table{list: []string{""}, index: map[string]int{"": 0}} }

func (t *table) id(s string) int {
	if i, ok := t.index[s]; ok {
		return i
	}
	t.index[s] = len(t.list)
	t.list = append(t.list, s)
	return len(t.list) - 1
}

func r1(v float64) float64 { return math.Round(v*10) / 10 }
func r4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func bit(b bool, v int) int {
	if b {
		return v
	}
	return 0
}

// compact returns d as the page reads it.
func compact(d *pageData) *compactData {
	st := newTable()
	c := &compactData{Version: d.Version, Lang: d.Lang, Title: d.Title, Relative: d.Relative, Phrases: d.Phrases,
		Fields: d.Fields, Endpoints: d.Endpoints, Conns: d.Conns, Init: d.Init, More: d.More}
	c.Layout.Layout = d.Layout
	c.Layout.Arrows = make([][]any, len(d.Layout.Arrows))
	for i, a := range d.Layout.Arrows {
		bits := bit(a.Dropped, 1) | bit(a.Cut0, 2) | bit(a.Cut1, 4) | bit(a.Head, 8) | bit(a.Dashed, 16) |
			bit(a.HasLabel, 32) | bit(a.TagAnchorEnd, 64) | bit(a.HasMessage, 128)
		c.Layout.Arrows[i] = []any{a.Send, a.End, a.From, bits, a.Style, r1(a.X0), r1(a.Y0), r1(a.X1), r1(a.Y1),
			a.Label, r1(a.LabelX), r1(a.LabelY), r4(a.LabelAngle), st.id(a.ReasonText), r1(a.ReasonX), r1(a.ReasonY),
			r4(a.ReasonAngle), st.id(a.Tag), r1(a.TagX), st.id(a.RTag), r1(a.RTagX)}
		if a.HasMessage {
			c.Layout.Arrows[i] = append(c.Layout.Arrows[i], st.id(a.Message), r1(a.MessageX), r1(a.MessageY),
				a.MessageColor, a.MessageTint)
		}
	}
	c.Layout.Brackets = make([][]any, len(d.Layout.Brackets))
	for i, b := range d.Layout.Brackets {
		dashed := make([][2]float64, len(b.Dashed))
		for k, g := range b.Dashed {
			dashed[k] = [2]float64{r1(g[0]), r1(g[1])}
		}
		c.Layout.Brackets[i] = []any{b.Side, b.Start, b.Stop, int(b.End), r1(b.X), b.Toward, r1(b.Y0), r1(b.Y1),
			bit(b.Cut0, 1), dashed, b.Color, st.id(b.Name), r1(b.NameX), r1(b.NameY), r4(b.NameAngle)}
	}
	c.Segments = make([][]any, len(d.Arrows))
	for i, a := range d.Arrows {
		ack := int64(a.Ack)
		if !a.HasAck {
			ack = -1
		}
		end := 0
		switch a.End {
		case "deliver":
			end = 1
		case "drop":
			end = 2
		}
		c.Segments[i] = []any{a.ID, a.Conn, st.id(a.Src), st.id(a.Dst), a.Sport, a.Dport, st.id(a.Flags), a.Seq, ack,
			a.Len, a.Win, a.WndF, st.id(a.Options), st.id(a.Labels), st.id(a.Why), st.id(a.Reason), st.id(a.Rule),
			a.T0, a.T1, end, a.SendEv, a.EndEv}
	}
	c.Events = make([][]any, len(d.Events))
	var t, y int64
	if len(d.Events) > 0 {
		c.FirstRecord = d.Events[0].Rec
	}
	for i, ev := range d.Events {
		if ev.Rec != c.FirstRecord+i {
			panic("html: the page's events are not the trace's records one after the other")
		}
		ch := make([][]any, len(ev.Changes))
		for k, x := range ev.Changes {
			ch[k] = []any{x[0], st.id(x[1].(string)), x[2], st.id(x[3].(string))}
		}
		text := ev.Text
		if ev.Arrow >= 0 && (ev.Kind == "send" || ev.Kind == "deliver" || ev.Kind == "drop") {
			text = "" // page.js says it from the segment, as describe does
		}
		y10 := int64(math.Round(ev.Y * 10))
		c.Events[i] = []any{ev.T - t, y10 - y, st.id(ev.Kind), st.id(ev.Node), ev.Conn, ev.Arrow, text, ch, bit(ev.Cut, 1)}
		t, y = ev.T, y10
	}
	c.Strings = st.list
	return c
}
