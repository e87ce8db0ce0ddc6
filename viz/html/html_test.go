package html_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/html"
	builtins "github.com/tcpsim/tcpsim/viz/internal/builtin"
)

// builtin returns the trace of a built-in scenario.
func builtin(t testing.TB, name string) []trace.Record { return builtins.Trace(t, name) }

// page writes the page of recs.
func page(t testing.TB, recs []trace.Record, opt html.Options) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, html.Write(&b, recs, opt))
	return b.Bytes()
}

// data is the part of the page's embedded data these tests read.
type data struct {
	Relative  bool              `json:"relative"`
	Phrases   map[string]string `json:"phrases"`
	More      string            `json:"more"`
	Endpoints []struct {
		Node string `json:"node"`
		Conn uint32 `json:"conn"`
		Side int    `json:"side"`
		Peer int    `json:"peer"`
	} `json:"endpoints"`
	Conns  []struct{ Eps []int } `json:"conns"`
	Arrows []arrow               `json:"-"`
	Events []event               `json:"-"`
}

type arrow struct {
	ID     uint64
	End    string
	Reason string
	SendEv int
	EndEv  int
}

type event struct {
	T    int64
	Y    float64
	Rec  int
	Kind string
	Node string
	Conn uint32
	A    int
	X    string  // "" for a segment's event: the page says it
	D    [][]any // [endpoint, field, value, why]
	P    *struct {
		ID uint64 `json:"id"`
	}
}

// pageData returns the data embedded in a page, its arrays read into
// named fields (compact.go says what each place holds).
func pageData(t testing.TB, p []byte) data {
	t.Helper()
	const open = `<script id="data" type="application/json">`
	s := string(p)
	i := strings.Index(s, open)
	require.GreaterOrEqual(t, i, 0, "the page has no data")
	s = s[i+len(open):]
	j := strings.Index(s, "</script>")
	require.GreaterOrEqual(t, j, 0)
	var raw struct {
		data
		Strings  []string `json:"strings"`
		Segments [][]any  `json:"segments"`
		Events   [][]any  `json:"events"`
		First    int      `json:"first_record"`
		Layout   struct {
			Arrows [][]any
		} `json:"layout"`
	}
	require.NoError(t, json.Unmarshal([]byte(s[:j]), &raw))
	d := raw.data
	str := func(v any) string { return raw.Strings[int(v.(float64))] }
	num := func(v any) int { return int(v.(float64)) }
	d.Arrows = d.Arrows[:0]
	for _, r := range raw.Segments {
		a := arrow{ID: uint64(r[0].(float64)), Reason: str(r[15]), SendEv: num(r[20]), EndEv: num(r[21])}
		a.End = []string{"", "deliver", "drop"}[num(r[19])]
		d.Arrows = append(d.Arrows, a)
	}
	var ts, y10 int64
	for k, r := range raw.Events {
		ts += int64(r[0].(float64))
		y10 += int64(r[1].(float64))
		ev := event{T: ts, Y: float64(y10) / 10, Rec: raw.First + k, Kind: str(r[2]), Node: str(r[3]),
			Conn: uint32(num(r[4])), A: num(r[5]), X: r[6].(string)}
		for _, c := range r[7].([]any) {
			c := c.([]any)
			ev.D = append(ev.D, []any{c[0], str(c[1]), c[2], str(c[3])})
		}
		if ev.A >= 0 && ev.X == "" {
			// As page.js says it, from the segment.
			seg, label := raw.Segments[ev.A], raw.Layout.Arrows[ev.A][9].(string)
			switch ev.Kind {
			case "send":
				ev.X = fmt.Sprintf(d.Phrases["evSend"], str(seg[2]), label)
				if l := str(seg[13]); l != "" {
					ev.X += " — " + l
				}
			case "deliver":
				ev.X = fmt.Sprintf(d.Phrases["evDeliver"], str(seg[3]), label)
			case "drop":
				ev.X = label + " — " + fmt.Sprintf(d.Phrases["dropped"], str(seg[15]))
			}
		}
		if ev.A >= 0 {
			ev.P = &struct {
				ID uint64 `json:"id"`
			}{d.Arrows[ev.A].ID}
		}
		d.Events = append(d.Events, ev)
	}
	return d
}

// The page is one file that fetches nothing: no external script, style,
// image or font, no URL at all but the SVG namespace.
func TestSelfContained(t *testing.T) {
	p := string(page(t, builtin(t, "lost-segment"), html.Options{}))
	assert.True(t, strings.HasPrefix(p, "<!DOCTYPE html>"))
	for _, bad := range []string{"<script src", "<link", "@import", "url(", "<img", "<iframe", "fetch(", "XMLHttpRequest", "https://"} {
		assert.NotContains(t, p, bad)
	}
	assert.Equal(t, 1, strings.Count(p, "http://"), "only the SVG namespace names a URL")
	assert.Contains(t, p, "http://www.w3.org/2000/svg")
	assert.Equal(t, 1, strings.Count(p, "</script>")-1, "the data holds no </script>")
}

// Every event of the page is a record of the run's JSON trace, in the
// trace's order, with its time, kind, node, connection and packet; and
// every record in the page's window is one of its events (the run's name
// and its nodes aside).
func TestEventsAreTraceRecords(t *testing.T) {
	for _, tc := range []struct {
		scenario string
		opt      html.Options
	}{
		{"lost-segment", html.Options{}},
		{"zero-window", html.Options{}},
		{"keepalive-dead-peer", html.Options{}},
		{"failover", html.Options{}},
		{"zero-window", html.Options{From: sim.At(time.Second), To: sim.At(4 * time.Second)}},
		{"lost-segment", html.Options{MaxEvents: 40}},
	} {
		recs := builtin(t, tc.scenario)
		var jsonl bytes.Buffer
		jw := trace.NewJSONWriter(&jsonl)
		for i := range recs {
			jw.Record(&recs[i])
		}
		require.NoError(t, jw.Flush())
		var lines []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(jsonl.String()), "\n") {
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(l), &m))
			lines = append(lines, m)
		}
		d := pageData(t, page(t, recs, tc.opt))
		require.NotEmpty(t, d.Events, tc.scenario)
		prev := -1
		for k, ev := range d.Events {
			require.Greater(t, ev.Rec, prev, "%s: event %d out of order", tc.scenario, k)
			require.Less(t, ev.Rec, len(lines))
			// Records between two events are outside the page: only the
			// run's name and its nodes.
			for i := prev + 1; i < ev.Rec && prev >= 0; i++ {
				assert.Contains(t, []any{"run", "node"}, lines[i]["event"], "%s: record %d is not in the page", tc.scenario, i)
			}
			prev = ev.Rec
			l := lines[ev.Rec]
			assert.Equal(t, l["event"], ev.Kind, "%s: event %d", tc.scenario, k)
			assert.EqualValues(t, l["t_ns"], ev.T, "%s: event %d", tc.scenario, k)
			node := l["node"]
			if node == nil {
				node = l["src"]
			}
			if node != nil {
				assert.Equal(t, node, ev.Node, "%s: event %d", tc.scenario, k)
			}
			if c, ok := l["conn"]; ok {
				assert.EqualValues(t, c, ev.Conn, "%s: event %d", tc.scenario, k)
			}
			if id, ok := l["id"]; ok {
				require.NotNil(t, ev.P, "%s: event %d is a packet", tc.scenario, k)
				assert.EqualValues(t, id, ev.P.ID, "%s: event %d", tc.scenario, k)
			}
			assert.NotEmpty(t, ev.X, "%s: event %d says what happened", tc.scenario, k)
		}
		from, to := int64(tc.opt.From), int64(tc.opt.To)
		for i, l := range lines {
			ts := int64(l["t_ns"].(float64))
			in := ts >= from && (to == 0 || ts <= to) && l["event"] != "run" && l["event"] != "node"
			if in && d.More == "" {
				assert.True(t, containsRec(d, i), "%s: record %d (%v) is missing from the page", tc.scenario, i, l["event"])
			}
		}
		if tc.opt.MaxEvents > 0 {
			assert.LessOrEqual(t, len(d.Events), tc.opt.MaxEvents)
			assert.Contains(t, d.More, "more events")
		}
	}
}

func containsRec(d data, rec int) bool {
	for _, ev := range d.Events {
		if ev.Rec == rec {
			return true
		}
	}
	return false
}

// state replays the page's changes up to and including event k, as the
// page's script does.
func state(d data, k int) []map[string]any {
	st := make([]map[string]any, len(d.Endpoints))
	for i := range st {
		st[i] = map[string]any{}
	}
	for i := 0; i <= k; i++ {
		for _, c := range d.Events[i].D {
			s, f := st[int(c[0].(float64))], c[1].(string)
			switch f {
			case "ooo+": // merged as page.js merges it (the tests add disjoint ranges in order)
				ooo, _ := s["ooo"].([]any)
				if n := len(ooo); n > 0 && ooo[n-1].([]any)[1] == c[2].([]any)[0] {
					ooo[n-1] = []any{ooo[n-1].([]any)[0], c[2].([]any)[1]}
				} else {
					ooo = append(ooo, c[2])
				}
				s["ooo"] = ooo
			case "rnxt":
				s[f] = c[2]
				var keep []any
				old, _ := s["ooo"].([]any)
				for _, r := range old {
					if r.([]any)[1].(float64) > c[2].(float64) {
						keep = append(keep, r)
					}
				}
				s["ooo"] = keep
			default:
				s[f] = c[2]
			}
		}
	}
	return st
}

// eventWhere returns the first event for which ok holds.
func eventWhere(t *testing.T, d data, ok func(k int) bool) int {
	t.Helper()
	for k := range d.Events {
		if ok(k) {
			return k
		}
	}
	t.Fatal("no such event")
	return -1
}

// The state the page reconstructs is the textbook's at the moments the
// browser test looks at too.
func TestReconstructedState(t *testing.T) {
	d := pageData(t, page(t, builtin(t, "lost-segment"), html.Options{}))
	require.Len(t, d.Endpoints, 2)
	client, server := 0, 1
	if d.Endpoints[0].Node != "client" {
		client, server = 1, 0
	}
	assert.Equal(t, server, d.Endpoints[client].Peer)
	// The fast retransmission: SND.UNA is still 3021 (offset 2921 from the
	// ISS, 100), SND.NXT stays where it was, 11781 (limited transmit sent
	// two segments on the first two duplicates); cwnd = ssthresh + 3·SMSS.
	k := eventWhere(t, d, func(k int) bool { return strings.Contains(d.Events[k].X, "fast retransmission") })
	s := state(d, k)[client]
	assert.EqualValues(t, 3021-100, s["una"])
	assert.EqualValues(t, 11781-100, s["nxt"])
	assert.EqualValues(t, 2920, s["ssthresh"])
	assert.EqualValues(t, 7300, s["cwnd"])
	// The server held three segments out of order behind the hole.
	srv := state(d, k)[server]
	assert.EqualValues(t, 3021-100, srv["rnxt"], "RCV.NXT waits at the hole")
	assert.Equal(t, []any{[]any{float64(4481 - 100), float64(8861 - 100)}}, srv["ooo"])
	// Every ACK the server sends agrees with the RCV.NXT inferred from the
	// segments it received: the inference never had to be corrected.
	for _, ev := range d.Events {
		for _, c := range ev.D {
			if c[1] == "rnxt" {
				assert.NotContains(t, c[3], "it sent ACK", "event %q: RCV.NXT was corrected", ev.X)
			}
		}
	}

	d = pageData(t, page(t, builtin(t, "zero-window"), html.Options{}))
	k = eventWhere(t, d, func(k int) bool {
		for _, c := range d.Events[k].D {
			if c[1] == "rwnd" && c[2] == float64(0) {
				return true
			}
		}
		return false
	})
	last := k // the last event of that instant
	for last+1 < len(d.Events) && d.Events[last+1].T == d.Events[k].T {
		last++
	}
	for e, ep := range d.Endpoints {
		if ep.Node == "server" {
			assert.EqualValues(t, 0, state(d, k)[e]["rwnd"])
			assert.EqualValues(t, 4096, state(d, last)[e]["buf"], "the buffer is full")
		}
	}
}

// A page in Vietnamese takes every phrase from the Vietnamese catalogue.
func TestVietnamese(t *testing.T) {
	p := page(t, builtin(t, "lost-segment"), html.Options{Lang: catalog.Vietnamese})
	assert.Contains(t, string(p), `<html lang="vi">`)
	d := pageData(t, p)
	assert.Equal(t, catalog.Vietnamese.Phrases().Str(catalog.MsgPageAcked), d.Phrases["acked"])
	assert.Equal(t, "đã được xác nhận", d.Phrases["acked"])
	k := eventWhere(t, d, func(k int) bool { return strings.Contains(d.Events[k].X, "truyền lại nhanh") })
	assert.Equal(t, "send", d.Events[k].Kind)
}

// Relative sequence numbers: the diagram's labels and the panels count
// from each side's ISN.
func TestRelative(t *testing.T) {
	d := pageData(t, page(t, builtin(t, "lost-segment"), html.Options{SeqNumbers: catalog.SeqRelative}))
	assert.True(t, d.Relative)
	k := eventWhere(t, d, func(k int) bool { return strings.Contains(d.Events[k].X, "fast retransmission") })
	assert.Contains(t, d.Events[k].X, "SEQ=2921 ")
}

// The same trace and options give the same bytes.
func TestDeterministic(t *testing.T) {
	recs := builtin(t, "failover")
	assert.Equal(t, page(t, recs, html.Options{}), page(t, recs, html.Options{}))
}

func TestBadOptions(t *testing.T) {
	recs := builtin(t, "handshake")
	var b bytes.Buffer
	assert.Error(t, html.Write(&b, recs, html.Options{Lang: "fr"}))
	assert.Error(t, html.Write(&b, recs, html.Options{SeqNumbers: 7}))
	assert.Error(t, html.Write(&b, recs, html.Options{From: sim.At(2 * time.Second), To: sim.At(time.Second)}))
}

// Several connections: each gets its pair of endpoints.
func TestConnections(t *testing.T) {
	d := pageData(t, page(t, builtin(t, "failover"), html.Options{}))
	require.Len(t, d.Conns, 2)
	for _, c := range d.Conns {
		require.Len(t, c.Eps, 2)
		assert.Equal(t, "client", d.Endpoints[c.Eps[0]].Node, "the left timeline's endpoint first")
		assert.Equal(t, "server", d.Endpoints[c.Eps[1]].Node)
		assert.Equal(t, d.Endpoints[c.Eps[0]].Conn, d.Endpoints[c.Eps[1]].Conn)
	}
}

// RCV.NXT is inferred from the segments a side receives (doc.go); every
// ACK it then sends must agree, in every built-in scenario under both
// profiles, or the page would have had to correct itself.
func TestRcvNxtInferenceAgreesWithACKs(t *testing.T) {
	for _, info := range scenarios.List() {
		if info.Name == "bulk" || info.Name == "fairness" {
			continue // millions of records; the others cover the same mechanisms
		}
		for _, profile := range []string{"rfc", "linux"} {
			s, err := scenarios.LoadWith(info.Name, scenarios.Options{Profile: profile})
			require.NoError(t, err)
			var log trace.Log
			_, err = scenarios.Run(s, &log)
			require.NoError(t, err)
			d := pageData(t, page(t, log.Records, html.Options{}))
			for _, ev := range d.Events {
				for _, c := range ev.D {
					if c[1] == "rnxt" {
						assert.NotContains(t, c[3], "it sent ACK", "%s, %s: event %q corrected RCV.NXT", info.Name, profile, ev.X)
					}
				}
			}
		}
	}
}
