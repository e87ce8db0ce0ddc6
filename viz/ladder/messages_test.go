package ladder

import (
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/internal/builtin"
	"github.com/tcpsim/tcpsim/wire"
)

// labelled returns the arrow lines of out that end with a note, keyed by
// the note's first line: "PSH,ACK seq=101 ack=301 len=71 ... ──▶│ GET /1".
func labelled(out string) map[string][]string {
	arrow := regexp.MustCompile(`^ *(\d+\.\d+ s) │.*(?:▶|◀|✗).*│ (.+)$`)
	got := make(map[string][]string)
	for _, line := range strings.Split(ansi.ReplaceAllString(out, ""), "\n") {
		if m := arrow.FindStringSubmatch(line); m != nil {
			got[m[2]] = append(got[m[2]], line)
		}
	}
	return got
}

// requestAt and responseAt are the arrows of the segments that carry a
// request or response, by the time, the direction and the sequence number
// of the segment (a request of 71 bytes, a response of 1083: the first
// byte of the n-th is 71 or 1083 bytes after the (n-1)-th's, RFC 9293
// §3.4, from ISS+1 = 101 and 301).
func requestAt(t string, n int) string {
	return fmt.Sprintf("%s │── PSH,ACK seq=%d ack=", t, 101+71*(n-1))
}

func responseAt(t string, n int) string {
	return fmt.Sprintf("%s │◀", t) + fmt.Sprintf("PSH,ACK seq=%d ack=", 301+1083*(n-1))
}

// checkCarriedBy fails unless the only line with note is the arrow that
// starts with want (the time column and the arrow up to its seq).
func checkCarriedBy(t *testing.T, got map[string][]string, note, want string) {
	t.Helper()
	lines := got[note]
	if !assert.Len(t, lines, 1, "arrows noted %q", note) {
		return
	}
	line := strings.TrimLeft(lines[0], " ")
	if head, tail, ok := strings.Cut(want, "◀"); ok { // the dashes before the label vary
		assert.True(t, strings.HasPrefix(line, head+"◀") && strings.Contains(line, "─ "+tail),
			"%q on the wrong arrow:\n%s\nwant %s…%s", note, lines[0], head, tail)
		return
	}
	assert.True(t, strings.HasPrefix(line, want), "%q on the wrong arrow:\n%s\nwant %s", note, lines[0], want)
}

// Each request and response is named beside the arrow of the segment that
// carries its first byte, and its "sends …" line goes; "has read …" stays.
func TestLadder_MessagesOnTheirSegments_Keepalive(t *testing.T) {
	out := render(t, builtin.Trace(t, "http-keepalive"), Options{})
	got := labelled(out)
	// One round trip per request: each GET leaves as the response before
	// it is read (the first after the handshake), each response 25 ms on.
	reqT := []string{"0.050007 s", "0.100108 s", "0.150207 s", "0.200306 s", "0.250405 s"}
	respT := []string{"0.075019 s", "0.125117 s", "0.175216 s", "0.225315 s", "0.275414 s"}
	for n := 1; n <= 5; n++ {
		checkCarriedBy(t, got, fmt.Sprintf("GET /%d", n), requestAt(reqT[n-1], n))
	}
	assert.Len(t, got["200 OK, 1000 B body"], 5)
	for n, line := range got["200 OK, 1000 B body"] {
		checkCarriedBy(t, map[string][]string{"r": {line}}, "r", responseAt(respT[n], n+1))
	}
	assert.NotContains(t, out, "sends ", "every message is named on its segment")
	assert.Equal(t, 5, strings.Count(out, "has read GET /"), "the server's reads stay")
	assert.Equal(t, 5, strings.Count(out, "has read HTTP/1.1 200 OK (1083 bytes)"), "the client's reads stay")
	checkWidth(t, out, DefaultWidth)
	checkTimelines(t, out, DefaultWidth)
}

// Pipelining: five requests leave in one instant, one segment each; the
// fifth response waits for an ACK (the server's initial window is full),
// so its "sends …" line stays at its write and its name goes on the
// segment that carries it 35 ms later.
func TestLadder_MessagesOnTheirSegments_Pipelining(t *testing.T) {
	out := render(t, builtin.Trace(t, "http-pipelining"), Options{})
	got := labelled(out)
	for n := 1; n <= 5; n++ {
		checkCarriedBy(t, got, fmt.Sprintf("GET /%d", n), requestAt("0.050007 s", n))
	}
	respT := []string{"0.080019 s", "0.085019 s", "0.090019 s", "0.095019 s", "0.135112 s"}
	require.Len(t, got["200 OK, 1000 B body"], 5)
	for n, line := range got["200 OK, 1000 B body"] {
		checkCarriedBy(t, map[string][]string{"r": {line}}, "r", responseAt(respT[n], n+1))
	}
	assert.Equal(t, 1, strings.Count(out, "sends "), "only the response held back keeps its line")
	assert.Regexp(t, `(?m)^ *0\.100019 s │ +sends HTTP/1\.1 200 OK \(1083 bytes\) │\n *0\.100019 s │ +app: write 1083 bytes │$`, out,
		"the held response's line, before its write, as the run wrote them")
	// In the instant the requests leave, each write is followed by the
	// arrow of its request: nothing else, nothing reordered.
	var instant []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " "), "0.050007 s") {
			instant = append(instant, line)
		}
	}
	require.Len(t, instant, 12)
	for n := 1; n <= 5; n++ {
		assert.Contains(t, instant[2*n], "app: write 71 bytes")
		assert.Contains(t, instant[2*n+1], fmt.Sprintf("│ GET /%d", n))
	}
}

// In a run of several connections each message's name says its
// connection, as the notes beside a timeline do; with colour, the arrows
// and notes of each connection after the first take its colour, the first
// the terminal's own; drops, retransmissions and dup ACKs keep theirs.
func TestLadder_ConnectionColours(t *testing.T) {
	recs := builtin.Trace(t, "http-browser")
	plain := render(t, recs, Options{})
	got := labelled(plain)
	checkCarriedBy(t, got, "GET /1", requestAt("0.050070 s", 1))
	checkCarriedBy(t, got, "[conn 2] GET /2", "0.050105 s │── PSH,ACK seq=101 ack=301 len=71")
	checkCarriedBy(t, got, "[conn 3] GET /3", "0.050140 s │── PSH,ACK seq=101 ack=301 len=71")

	out := render(t, recs, Options{Color: true})
	assert.Equal(t, plain, ansi.ReplaceAllString(out, ""), "the coloured ladder without its escape codes is the plain one")
	lines := strings.Split(out, "\n")
	colourOf := func(prefix, contains string) string {
		t.Helper()
		for _, line := range lines {
			if strings.HasPrefix(strings.TrimLeft(line, " "), prefix) && strings.Contains(line, contains) {
				if m := regexp.MustCompile("│(\x1b\\[[0-9;]*m)?[─◀]").FindStringSubmatch(line); m != nil {
					return m[1]
				}
				return ansi.FindString(line)
			}
		}
		t.Fatalf("no line %q … %q", prefix, contains)
		return ""
	}
	assert.Equal(t, "", colourOf("0.050070 s", "GET /1"), "connection 1: the terminal's colour")
	assert.Equal(t, connColors[0], colourOf("0.050105 s", "GET /2"), "connection 2: blue")
	assert.Equal(t, connColors[1], colourOf("0.050140 s", "GET /3"), "connection 3: green")
	assert.Equal(t, connColors[0]+"[conn 2] GET /2"+colorReset,
		regexp.MustCompile(`\x1b\[34m\[conn 2\] GET /2\x1b\[0m`).FindString(out), "the note in its arrow's colour")
	assert.Equal(t, connColors[1], colourOf("0.050140 s", "[conn 3] app: write"), "an app note of connection 3")
	assert.Equal(t, colorCyan, colourOf("0.050140 s", "[conn 3] SYN-SENT → ESTABLISHED"), "a state change stays cyan")

	// At 80 columns a long name wraps in the note column; the timelines
	// stay straight.
	narrow := render(t, recs, Options{Width: 80, Color: true})
	checkWidth(t, narrow, 80)
	checkTimelines(t, narrow, 80)
	assert.Contains(t, ansi.ReplaceAllString(narrow, ""), "──│ [conn 2] 200 OK, 8000\n")

	// A run of one connection looks as it always did: no colour of a
	// connection anywhere.
	one := render(t, builtin.Trace(t, "http-keepalive"), Options{Color: true})
	for _, c := range connColors {
		assert.NotContains(t, one, c)
	}
}

// A window (From) drawing only later requests still names them: the
// connection's ISN and messages are learned before it.
func TestLadder_MessagesInAWindow(t *testing.T) {
	recs := builtin.Trace(t, "http-keepalive")
	out := render(t, recs, Options{From: ms(120)})
	got := labelled(out)
	checkCarriedBy(t, got, "GET /3", requestAt("0.150207 s", 3))
	assert.Empty(t, got["GET /2"], "GET /2 left before the window")
	assert.NotContains(t, out, "sends ")
}

// A run of many connections keeps a bounded state: the colours of at most
// maxConns connections, the messages of those still sending data.
func TestLadder_ManyConnectionsBounded(t *testing.T) {
	l := New(io.Discard, Options{Color: true})
	client, server := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	n := maxConns + 100
	for i := range n {
		conn := uint32(i + 1)
		src := netip.AddrPortFrom(client, uint16(10000+i))
		l.Record(&trace.Record{T: ms(int64(i)), Kind: trace.KindSend, Node: "client", Peer: "server", Conn: conn,
			Pkt: &trace.Packet{ID: uint64(i), Seg: wire.Segment{Src: src, Dst: netip.AddrPortFrom(server, 80), Flags: wire.SYN, Seq: 100}}})
		l.Record(&trace.Record{T: ms(int64(i)), Kind: trace.KindMsg, Msg: trace.MsgSend, Node: "client", Conn: conn, Text: "GET / HTTP/1.1\r\n\r\n", Value: 18})
		l.Record(&trace.Record{T: ms(int64(i)), Kind: trace.KindState, Node: "client", Conn: conn, From: trace.StateSynSent, To: trace.StateClosed})
	}
	require.NoError(t, l.Flush())
	assert.LessOrEqual(t, len(l.connOf), maxConns)
	assert.LessOrEqual(t, len(l.connOfNode), maxConns)
	assert.Equal(t, n, l.nConns, "the colours go on cycling")
	data := &trace.Record{Kind: trace.KindSend, Node: "client", Conn: 1, Pkt: &trace.Packet{Seg: wire.Segment{Seq: 101, Len: 18, Flags: wire.ACK}}}
	got, _ := l.carried.Label(data)
	assert.Empty(t, got, "a closed connection's messages forgotten")
}
