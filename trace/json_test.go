package trace

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

func ms(n int64) sim.Time { return sim.At(time.Duration(n) * time.Millisecond) }

// ports returns segment endpoints as the JSON form keeps them: ports only.
func ports(src, dst uint16) (netip.AddrPort, netip.AddrPort) {
	return netip.AddrPortFrom(netip.Addr{}, src), netip.AddrPortFrom(netip.Addr{}, dst)
}

// synRecord is the client's first SYN with the options Linux sends.
func synRecord() Record {
	src, dst := ports(40000, 80)
	return Record{
		T: ms(0), Kind: KindSend, Node: "client", Peer: "server", Conn: 1,
		Pkt: &Packet{
			ID: 1, Conn: 1, Win: 65535,
			Seg: wire.Segment{
				Src: src, Dst: dst, Seq: 1000, Flags: wire.SYN, Window: 65535,
				Opt: wire.Options{MSS: 1460, HasWScale: true, WScale: 7, SACKPermitted: true,
					HasTimestamp: true, TSVal: 4294967295, TSEcr: 0},
			},
		},
	}
}

// sampleRecords has one record of every kind, each field set to something
// other than its zero value.
func sampleRecords() []Record {
	syn := synRecord()
	src, dst := ports(80, 40000)
	dupACK := Record{
		T: ms(250), Kind: KindSend, Node: "server", Peer: "client", Conn: 2,
		Pkt: &Packet{
			ID: 17, Conn: 2, Win: 1 << 20, Labels: LabelDupACK | LabelWindowUpdate, N: 3,
			Seg: wire.Segment{Src: src, Dst: dst, Seq: 0xFFFFFFF0, Ack: 5001, Flags: wire.ACK, Window: 8192,
				Opt: wire.Options{HasTimestamp: true, TSVal: 9, TSEcr: 8, NumSACK: 2,
					SACK: [wire.MaxSACKBlocks]wire.SACKBlock{{Left: 6461, Right: 7921}, {Left: 9381, Right: 10841}}}},
		},
	}
	drop := dupACK.Keep()
	drop.Kind, drop.Drop = KindDrop, Drop{Code: DropRule, Rule: `rule "3rd data segment"`}
	deliver := syn.Keep()
	deliver.T, deliver.Kind = ms(50), KindDeliver
	deliver.Pkt.Labels = LabelRetransmission | LabelFastRetransmission | LabelZeroWindow |
		LabelZeroWindowProbe | LabelKeepalive | LabelKeepaliveACK | LabelDelayedACK
	deliver.Pkt.N = -2
	return []Record{
		{T: 0, Kind: KindRun, Name: "lost-segment", Value: 42},
		{T: 0, Kind: KindNode, Node: "client", Addr: netip.MustParseAddr("10.0.0.1")},
		syn,
		drop,
		deliver,
		{T: ms(50), Kind: KindState, Node: "server", Conn: 1, From: StateListen, To: StateSynReceived},
		{T: ms(51), Kind: KindTimer, Node: "client", Conn: 1, Timer: TimerRetransmission, TimerOp: TimerSet, At: ms(1051), Value: 2},
		{T: ms(52), Kind: KindTimer, Node: "client", Conn: 1, Timer: TimerDelayedACK, TimerOp: TimerCancelled},
		{T: ms(53), Kind: KindVar, Node: "client", Conn: 1, Var: VarCwnd, Value: 14600},
		{T: ms(54), Kind: KindApp, Node: "client", Conn: 1, App: AppWrite, Value: 100000},
		{T: ms(55), Kind: KindAbort, Node: "server", Conn: 1, Abort: AbortTimedOut},
		{T: ms(56), Kind: KindHost, Node: "server", Host: HostCrash},
		{T: ms(57), Kind: KindLink, Node: "client→server", Link: LinkDown},
		{T: ms(58), Kind: KindMsg, Node: "client", Conn: 1, Msg: MsgSend, Off: 78, Value: 78,
			Text: "GET /2 HTTP/1.1\r\nHost: server\r\n\r\n"},
		{T: ms(59), Kind: KindQueue, Node: "left→right", Value: 17, Off: 25500},
		{T: sim.At(time.Minute), Kind: KindEnd, End: EndTimeLimit},
	}
}

// field is one key and value of a JSON object, in document order.
type field struct {
	key   string
	value any // json.Number, string, bool, []any, map[string]any
}

// decodeFields decodes one JSON object keeping its keys' order, and checks
// it is the whole input.
func decodeFields(t *testing.T, line []byte) []field {
	t.Helper()
	if !json.Valid(line) {
		t.Fatalf("not valid JSON: %s", line)
	}
	d := json.NewDecoder(bytes.NewReader(line))
	d.UseNumber()
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", line)
	}
	var out []field
	for d.More() {
		k, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, field{k.(string), v})
	}
	if _, err := d.Token(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Token(); err != io.EOF {
		t.Fatalf("trailing data after the object: %s", line)
	}
	return out
}

func num(s string) json.Number { return json.Number(s) }

func TestAppendJSON_EveryKindIsValidJSONWithItsFields(t *testing.T) {
	recs := sampleRecords()
	want := [][]field{
		{{"t_ns", num("0")}, {"event", "run"}, {"name", "lost-segment"}, {"seed", num("42")}},
		{{"t_ns", num("0")}, {"event", "node"}, {"node", "client"}, {"addr", "10.0.0.1"}},
		{{"t_ns", num("0")}, {"event", "send"}, {"id", num("1")}, {"src", "client"}, {"dst", "server"},
			{"conn", num("1")}, {"sport", num("40000")}, {"dport", num("80")}, {"seq", num("1000")},
			{"ack", num("0")}, {"flags", "SYN"}, {"len", num("0")}, {"win", num("65535")}, {"wnd_field", num("65535")},
			{"options", map[string]any{"mss": num("1460"), "wscale": num("7"), "sack_permitted": true,
				"tsval": num("4294967295"), "tsecr": num("0")}},
			{"labels", []any{}}},
		{{"t_ns", num("250000000")}, {"event", "drop"}, {"id", num("17")}, {"src", "server"}, {"dst", "client"},
			{"conn", num("2")}, {"sport", num("80")}, {"dport", num("40000")}, {"seq", num("4294967280")},
			{"ack", num("5001")}, {"flags", "ACK"}, {"len", num("0")}, {"win", num("1048576")}, {"wnd_field", num("8192")},
			{"options", map[string]any{"tsval": num("9"), "tsecr": num("8"),
				"sack": []any{[]any{num("6461"), num("7921")}, []any{num("9381"), num("10841")}}}},
			{"labels", []any{"dup-ack", "window-update"}}, {"n", num("3")},
			{"reason", `rule "3rd data segment"`}},
		{{"t_ns", num("50000000")}, {"event", "deliver"}, {"id", num("1")}, {"src", "client"}, {"dst", "server"},
			{"conn", num("1")}, {"sport", num("40000")}, {"dport", num("80")}, {"seq", num("1000")},
			{"ack", num("0")}, {"flags", "SYN"}, {"len", num("0")}, {"win", num("65535")}, {"wnd_field", num("65535")},
			{"options", map[string]any{"mss": num("1460"), "wscale": num("7"), "sack_permitted": true,
				"tsval": num("4294967295"), "tsecr": num("0")}},
			{"labels", []any{"retransmission", "fast-retransmission", "zero-window", "zero-window-probe",
				"keepalive", "keepalive-ack", "delayed-ack"}},
			{"n", num("-2")}},
		{{"t_ns", num("50000000")}, {"event", "state"}, {"node", "server"}, {"conn", num("1")},
			{"from", "LISTEN"}, {"to", "SYN-RECEIVED"}},
		{{"t_ns", num("51000000")}, {"event", "timer"}, {"node", "client"}, {"conn", num("1")},
			{"timer", "retransmission"}, {"op", "set"}, {"at_ns", num("1051000000")}, {"n", num("2")}},
		{{"t_ns", num("52000000")}, {"event", "timer"}, {"node", "client"}, {"conn", num("1")},
			{"timer", "delayed-ack"}, {"op", "cancelled"}},
		{{"t_ns", num("53000000")}, {"event", "var"}, {"node", "client"}, {"conn", num("1")},
			{"name", "cwnd"}, {"value", num("14600")}},
		{{"t_ns", num("54000000")}, {"event", "app"}, {"node", "client"}, {"conn", num("1")},
			{"op", "write"}, {"bytes", num("100000")}},
		{{"t_ns", num("55000000")}, {"event", "abort"}, {"node", "server"}, {"conn", num("1")},
			{"reason", "connection timed out (ETIMEDOUT)"}},
		{{"t_ns", num("56000000")}, {"event", "host"}, {"node", "server"}, {"op", "crash"}},
		{{"t_ns", num("57000000")}, {"event", "link"}, {"node", "client→server"}, {"op", "down"}},
		{{"t_ns", num("58000000")}, {"event", "msg"}, {"node", "client"}, {"conn", num("1")}, {"op", "send"},
			{"offset", num("78")}, {"bytes", num("78")}, {"text", "GET /2 HTTP/1.1\r\nHost: server\r\n\r\n"}},
		{{"t_ns", num("59000000")}, {"event", "queue"}, {"node", "left→right"}, {"packets", num("17")}, {"bytes", num("25500")}},
		{{"t_ns", num("60000000000")}, {"event", "end"}, {"reason", "time limit reached"}},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records, %d expectations", len(recs), len(want))
	}
	kinds := map[Kind]bool{}
	for i := range recs {
		kinds[recs[i].Kind] = true
		line := AppendJSON(nil, &recs[i])
		got := decodeFields(t, line)
		if !fieldsEqual(got, want[i]) {
			t.Errorf("record %d (%v):\n got %v\nwant %v\nline %s", i, recs[i].Kind, got, want[i], line)
		}
	}
	for k := KindRun; k <= KindQueue; k++ {
		if !kinds[k] {
			t.Errorf("no sample record of kind %v", k)
		}
	}
}

func fieldsEqual(a, b []field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].key != b[i].key {
			return false
		}
		x, _ := json.Marshal(a[i].value)
		y, _ := json.Marshal(b[i].value)
		if !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}

// TestAppendJSON_Golden pins exact lines: the format is public.
func TestAppendJSON_Golden(t *testing.T) {
	data := synRecord()
	data.T = ms(1012)
	data.Pkt.ID = 5
	data.Pkt.Seg.Seq, data.Pkt.Seg.Ack = 1001, 3001
	data.Pkt.Seg.Flags, data.Pkt.Seg.Len = wire.PSH|wire.ACK, 1460
	data.Pkt.Seg.Window, data.Pkt.Win = 502, 64256
	data.Pkt.Seg.Opt = wire.Options{}
	data.Pkt.Labels = LabelRetransmission
	plain := synRecord()
	plain.Pkt.Seg.Opt = wire.Options{}
	mssOnly := synRecord()
	mssOnly.Pkt.Seg.Opt = wire.Options{MSS: 536}
	tests := []struct {
		r    Record
		want string
	}{
		{synRecord(), `{"t_ns":0,"event":"send","id":1,"src":"client","dst":"server","conn":1,"sport":40000,"dport":80,` +
			`"seq":1000,"ack":0,"flags":"SYN","len":0,"win":65535,"wnd_field":65535,` +
			`"options":{"mss":1460,"wscale":7,"sack_permitted":true,"tsval":4294967295,"tsecr":0},"labels":[]}`},
		{data, `{"t_ns":1012000000,"event":"send","id":5,"src":"client","dst":"server","conn":1,"sport":40000,"dport":80,` +
			`"seq":1001,"ack":3001,"flags":"PSH,ACK","len":1460,"win":64256,"wnd_field":502,"labels":["retransmission"]}`},
		{plain, `{"t_ns":0,"event":"send","id":1,"src":"client","dst":"server","conn":1,"sport":40000,"dport":80,` +
			`"seq":1000,"ack":0,"flags":"SYN","len":0,"win":65535,"wnd_field":65535,"labels":[]}`},
		{mssOnly, `{"t_ns":0,"event":"send","id":1,"src":"client","dst":"server","conn":1,"sport":40000,"dport":80,` +
			`"seq":1000,"ack":0,"flags":"SYN","len":0,"win":65535,"wnd_field":65535,"options":{"mss":536},"labels":[]}`},
		{Record{Kind: KindRun, Name: "x", Value: -1}, // a uint64 seed above 2^63
			`{"t_ns":0,"event":"run","name":"x","seed":18446744073709551615}`},
		{Record{Kind: KindNode, Node: "n"}, `{"t_ns":0,"event":"node","node":"n","addr":""}`},
		{Record{Kind: KindNode, Node: "n", Addr: netip.MustParseAddr("2001:db8::1")},
			`{"t_ns":0,"event":"node","node":"n","addr":"2001:db8::1"}`},
		{Record{Kind: KindTimer, Node: "c", Conn: 1, Timer: TimerTimeWait, TimerOp: TimerFired, At: ms(9), Value: 0},
			`{"t_ns":0,"event":"timer","node":"c","conn":1,"timer":"time-wait","op":"fired"}`},
		{Record{T: -1, Kind: KindEnd}, `{"t_ns":-1,"event":"end","reason":""}`},
	}
	for _, tt := range tests {
		if got := string(AppendJSON(nil, &tt.r)); got != tt.want {
			t.Errorf("AppendJSON =\n\t%s\nwant\n\t%s", got, tt.want)
		}
	}
}

func TestAppendJSON_Options(t *testing.T) {
	blk := [wire.MaxSACKBlocks]wire.SACKBlock{{Left: 1, Right: 2}, {Left: 3, Right: 4}, {Left: 5, Right: 6}, {Left: 7, Right: 8}}
	tests := []struct {
		o    wire.Options
		want string // the options object, or "" for none
	}{
		{wire.Options{}, ""},
		{wire.Options{WScale: 3}, ""}, // WScale without HasWScale is absent
		{wire.Options{HasWScale: true}, `{"wscale":0}`},
		{wire.Options{SACKPermitted: true}, `{"sack_permitted":true}`},
		{wire.Options{HasTimestamp: true}, `{"tsval":0,"tsecr":0}`},
		{wire.Options{NumSACK: 1, SACK: blk}, `{"sack":[[1,2]]}`},
		{wire.Options{NumSACK: 4, SACK: blk}, `{"sack":[[1,2],[3,4],[5,6],[7,8]]}`},
		{wire.Options{MSS: 1, HasWScale: true, WScale: 14, SACKPermitted: true, HasTimestamp: true, TSVal: 1, TSEcr: 2, NumSACK: 1, SACK: blk},
			`{"mss":1,"wscale":14,"sack_permitted":true,"tsval":1,"tsecr":2,"sack":[[1,2]]}`},
	}
	for _, tt := range tests {
		r := Record{Kind: KindDeliver, Pkt: &Packet{Seg: wire.Segment{Opt: tt.o}}}
		line := string(AppendJSON(nil, &r))
		_, after, found := strings.Cut(line, `,"options":`)
		if tt.want == "" {
			if found {
				t.Errorf("%+v: options written: %s", tt.o, line)
			}
			continue
		}
		if got, _, _ := strings.Cut(after, `,"labels"`); got != tt.want {
			t.Errorf("%+v: options %s, want %s", tt.o, got, tt.want)
		}
	}
}

func TestAppendJSON_Escaping(t *testing.T) {
	tests := []struct {
		in, quoted string
		decoded    string // what a JSON reader gets back
	}{
		{"plain", `"plain"`, "plain"},
		{`say "hi"`, `"say \"hi\""`, `say "hi"`},
		{`C:\tmp\`, `"C:\\tmp\\"`, `C:\tmp\`},
		{"a\nb", `"a\nb"`, "a\nb"},
		{"tab\there\r", `"tab\there\r"`, "tab\there\r"},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`, "\x00\x01\x1f"},
		{"del\x7f", "\"del\x7f\"", "del\x7f"},
		{"client→server", `"client→server"`, "client→server"},
		{"Tiếng Việt: mất gói", `"Tiếng Việt: mất gói"`, "Tiếng Việt: mất gói"},
		{"emoji 📦", `"emoji 📦"`, "emoji 📦"},
		{"</script>\u2028", "\"</script>\u2028\"", "</script>\u2028"},
		{"bad \xff utf8 \xe2\x86", `"bad ` + "\ufffd" + ` utf8 ` + "\ufffd\ufffd" + `"`, "bad \ufffd utf8 \ufffd\ufffd"},
	}
	for _, tt := range tests {
		got := appendQuoted(nil, tt.in)
		if string(got) != tt.quoted {
			t.Errorf("appendQuoted(%q) = %s, want %s", tt.in, got, tt.quoted)
		}
		r := Record{Kind: KindDrop, Node: tt.in, Drop: Drop{Code: DropRule, Rule: tt.in}}
		line := AppendJSON(nil, &r)
		var v struct{ Src, Reason string }
		if err := json.Unmarshal(line, &v); err != nil {
			t.Fatalf("%q: %v in %s", tt.in, err, line)
		}
		if v.Src != tt.decoded || v.Reason != tt.decoded {
			t.Errorf("%q decodes as %q, want %q", tt.in, v.Src, tt.decoded)
		}
	}
}

func TestAppendJSON_LabelsInFixedOrder(t *testing.T) {
	all := Label(0)
	for i := range labelNames {
		all |= 1 << i
	}
	r := Record{Kind: KindSend, Pkt: &Packet{Labels: all | 1<<31}} // an unknown bit is left out
	var v struct{ Labels []string }
	if err := json.Unmarshal(AppendJSON(nil, &r), &v); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Labels, labelNames[:]) {
		t.Errorf("labels %q, want %q", v.Labels, labelNames)
	}
}

func TestAppendJSON_AppendsToItsArgument(t *testing.T) {
	r := synRecord()
	b := AppendJSON([]byte("prefix "), &r)
	if !bytes.HasPrefix(b, []byte(`prefix {"t_ns":0,`)) || !bytes.HasSuffix(b, []byte("}")) {
		t.Errorf("AppendJSON did not append: %s", b)
	}
}

func TestJSONWriter_DeterministicLines(t *testing.T) {
	write := func() []byte {
		var buf bytes.Buffer
		w := NewJSONWriter(&buf)
		for range 3 {
			for _, r := range sampleRecords() {
				w.Record(&r)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b := write(), write()
	if !bytes.Equal(a, b) {
		t.Fatal("two writes of the same records differ")
	}
	var want []byte
	for range 3 {
		for _, r := range sampleRecords() {
			want = append(AppendJSON(want, &r), '\n')
		}
	}
	if !bytes.Equal(a, want) {
		t.Errorf("JSONWriter output is not AppendJSON lines:\n%s\nwant\n%s", a, want)
	}
	lines := bytes.Split(bytes.TrimSuffix(a, []byte("\n")), []byte("\n"))
	if len(lines) != 3*len(sampleRecords()) {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if !json.Valid(l) {
			t.Errorf("invalid JSON line: %s", l)
		}
	}
}

type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

func TestJSONWriter_KeepsFirstError(t *testing.T) {
	fw := &failingWriter{}
	w := NewJSONWriter(fw)
	r := synRecord()
	r.Name = strings.Repeat("x", 70<<10) // not written for a send: the line stays short
	for range 2000 {                     // more than the 64 KiB buffer
		w.Record(&r)
	}
	if err := w.Flush(); err == nil || err.Error() != "disk full" {
		t.Fatalf("Flush = %v, want disk full", err)
	}
	if err := w.Flush(); err == nil {
		t.Fatal("second Flush forgot the error")
	}
	if fw.n != 1 {
		t.Errorf("%d writes after an error, want 1", fw.n)
	}
}
