package trace

import (
	"bytes"
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// readAll reads a JSON-lines trace into copies of its records.
func readAll(data []byte) ([]Record, error) {
	var l Log
	err := ReadJSON(bytes.NewReader(data), &l)
	return l.Records, err
}

func writeAll(recs []Record) []byte {
	var b []byte
	for i := range recs {
		b = append(AppendJSON(b, &recs[i]), '\n')
	}
	return b
}

func TestReadJSON_RoundTrip(t *testing.T) {
	recs := sampleRecords()
	data := writeAll(recs)
	got, err := readAll(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) {
		t.Fatalf("read %d records, want %d", len(got), len(recs))
	}
	for i := range recs {
		if !got[i].Equal(&recs[i]) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, got[i], recs[i])
		}
	}
	if again := writeAll(got); !bytes.Equal(again, data) {
		t.Errorf("Record → JSON → Record → JSON changed the bytes:\n%s\nwant\n%s", again, data)
	}
}

func TestReadJSON_WhatTheFormatDoesNotKeep(t *testing.T) {
	r := synRecord()
	r.Pkt.Seg.Src = netip.MustParseAddrPort("10.0.0.1:40000")
	r.Name = "not written for a send"
	r.Pkt.Conn = 9 // "conn" is Record.Conn
	got, err := readAll(AppendJSON(nil, &r))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Name != "" || got[0].Pkt.Conn != r.Conn || got[0].Pkt.Seg.Src != netip.AddrPortFrom(netip.Addr{}, 40000) {
		t.Errorf("read %+v", got[0])
	}
}

func TestReadJSON_AcceptsBlankLinesCRLFAndUnknownKeys(t *testing.T) {
	in := "\n" +
		`{"t_ns":5,"event":"var","node":"c","conn":1,"name":"cwnd","value":2920,"future_key":[1,{"x":null}]}` + "\r\n" +
		"   \n" +
		`{"event":"end","reason":"finished","t_ns":9}` // keys in any order, no final newline
	got, err := readAll([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{
		{T: 5, Kind: KindVar, Node: "c", Conn: 1, Var: VarCwnd, Value: 2920},
		{T: 9, Kind: KindEnd, End: EndFinished},
	}
	if len(got) != 2 || !got[0].Equal(&want[0]) || !got[1].Equal(&want[1]) {
		t.Errorf("got %+v", got)
	}
}

func TestReadJSON_Errors(t *testing.T) {
	good := `{"t_ns":0,"event":"end","reason":"time limit reached"}` + "\n"
	send := func(extra string) string {
		return `{"t_ns":0,"event":"send","id":1,"src":"a","dst":"b","conn":1,"sport":1,"dport":2,"seq":0,"ack":0,` +
			`"flags":"SYN","len":0,"win":0,"wnd_field":0,"labels":[]` + extra + "}"
	}
	tests := []struct {
		name, in string
		want     string // the error text
	}{
		{"not JSON", good + "hello\n", "trace: line 2: invalid character 'h' looking for beginning of value"},
		{"not an object", good + good + "[1]\n", "trace: line 3: json: cannot unmarshal array into Go value of type trace.jsonRecord"},
		{"two objects", good + good, ""},
		{"two objects on a line", `{"t_ns":0,"event":"end"} {"t_ns":1,"event":"end"}`, "trace: line 1: invalid character '{' after top-level value"},
		{"null", "null", `trace: line 1: missing "t_ns"`},
		{"no time", `{"event":"end"}`, `trace: line 1: missing "t_ns"`},
		{"no event", `{"t_ns":1}`, `trace: line 1: missing "event"`},
		{"unknown event", good + `{"t_ns":1,"event":"explode"}`, `trace: line 2: unknown event "explode"`},
		{"empty event", `{"t_ns":1,"event":""}`, `trace: line 1: unknown event ""`},
		{"time not an integer", `{"t_ns":1.5,"event":"end"}`, "trace: line 1: json: cannot unmarshal number 1.5 into Go struct field jsonRecord.t_ns of type int64"},
		{"seq out of range", send(`,"seq":4294967296`), "trace: line 1: json: cannot unmarshal number 4294967296 into Go struct field jsonRecord.seq of type uint32"},
		{"negative port", send(`,"sport":-1`), "trace: line 1: json: cannot unmarshal number -1 into Go struct field jsonRecord.sport of type uint16"},
		{"bad flags", send(`,"flags":"SYN,NOPE"`), `trace: line 1: bad flags "SYN,NOPE"`},
		{"bad label", send(`,"labels":["retransmission","lost"]`), `trace: line 1: unknown label "lost"`},
		{"n out of range", send(`,"n":2147483648`), `trace: line 1: "n" 2147483648 out of range`},
		{"wscale out of range", send(`,"options":{"wscale":256}`), "trace: line 1: json: cannot unmarshal number 256 into Go struct field jsonOptions.options.wscale of type uint8"},
		{"too many SACK blocks", send(`,"options":{"sack":[[1,2],[3,4],[5,6],[7,8],[9,10]]}`), "trace: line 1: 5 SACK blocks, at most 4"},
		{"short SACK block", send(`,"options":{"sack":[[1,2],[3]]}`), "trace: line 1: SACK block 1 has 1 numbers, want 2"},
		{"bad timer", `{"t_ns":0,"event":"timer","timer":"egg","op":"set"}`, `trace: line 1: unknown timer "egg"`},
		{"bad timer op", `{"t_ns":0,"event":"timer","timer":"persist","op":"snooze"}`, `trace: line 1: unknown timer op "snooze"`},
		{"bad from state", `{"t_ns":0,"event":"state","from":"LISTENING","to":"ESTABLISHED"}`, `trace: line 1: unknown state "LISTENING"`},
		{"bad state", `{"t_ns":0,"event":"state","from":"LISTEN","to":"ESTABLISHED-ISH"}`, `trace: line 1: unknown state "ESTABLISHED-ISH"`},
		{"bad variable", `{"t_ns":0,"event":"var","name":"cwnd_bytes","value":1}`, `trace: line 1: unknown variable "cwnd_bytes"`},
		{"bad app op", `{"t_ns":0,"event":"app","op":"send","bytes":1}`, `trace: line 1: unknown app op "send"`},
		{"bad abort reason", `{"t_ns":0,"event":"abort","reason":"gremlins"}`, `trace: line 1: unknown abort reason "gremlins"`},
		{"bad host op", `{"t_ns":0,"event":"host","op":"explode"}`, `trace: line 1: unknown host op "explode"`},
		{"bad link op", `{"t_ns":0,"event":"link","op":"sideways"}`, `trace: line 1: unknown link op "sideways"`},
		{"bad end reason", `{"t_ns":0,"event":"end","reason":"bored"}`, `trace: line 1: unknown end reason "bored"`},
		{"bad addr", `{"t_ns":0,"event":"node","node":"c","addr":"10.0.0.256"}`, `trace: line 1: bad addr: ParseAddr("10.0.0.256"): IPv4 field has value >255`},
		{"too long", good + `{"t_ns":0,"event":"end","reason":"` + strings.Repeat("x", 1<<20) + `"}`, "trace: line 2: longer than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ReadJSON(strings.NewReader(tt.in), Discard)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("ReadJSON error\n\t%s\nwant\n\t%s", got, tt.want)
			}
		})
	}
}

func TestReadJSON_StopsAtTheFirstBadLine(t *testing.T) {
	in := `{"t_ns":1,"event":"end"}` + "\n" + `{"t_ns":2}` + "\n" + `{"t_ns":3,"event":"end"}` + "\n"
	recs, err := readAll([]byte(in))
	if err == nil || len(recs) != 1 || recs[0].T != 1 {
		t.Errorf("read %d records, error %v; want 1 and an error", len(recs), err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadJSON_ReadError(t *testing.T) {
	err := ReadJSON(errReader{}, Discard)
	if err == nil || err.Error() != "trace: line 1: disk on fire" {
		t.Errorf("ReadJSON = %v", err)
	}
}

// FuzzReadJSON feeds ReadJSON arbitrary bytes: it must not panic, and
// whatever it accepts must write back to a trace that reads back to the same
// records and the same bytes.
func FuzzReadJSON(f *testing.F) {
	f.Add(writeAll(sampleRecords()))
	for _, r := range sampleRecords() {
		f.Add(AppendJSON(nil, &r))
	}
	f.Add([]byte(`{"t_ns":1,"event":"send","options":{"sack":[[1,2]],"tsval":1},"labels":["dup-ack","dup-ack"],"flags":"ack syn","n":-7}`))
	f.Add([]byte(`{"t_ns":1,"event":"node","addr":"fe80::1%eth0"}` + "\n" + `{"t_ns":2,"event":"run","seed":18446744073709551615}`))
	f.Add([]byte(`{"t_ns":1,"event":"abort","reason":"\ud800 \u0000 \xff"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := readAll(data)
		if err != nil {
			return
		}
		out := writeAll(recs)
		again, err := readAll(out)
		if err != nil {
			t.Fatalf("ReadJSON rejects what it read and AppendJSON wrote: %v\n%s", err, out)
		}
		if len(again) != len(recs) {
			t.Fatalf("%d records, then %d", len(recs), len(again))
		}
		for i := range recs {
			if !again[i].Equal(&recs[i]) {
				t.Fatalf("record %d changed:\n%+v\n%+v", i, recs[i], again[i])
			}
		}
		if out2 := writeAll(again); !bytes.Equal(out, out2) {
			t.Fatalf("bytes changed:\n%s\n%s", out, out2)
		}
	})
}
