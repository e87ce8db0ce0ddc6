package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Scripted applications do what a real program would with every setting
// the scenario format accepts (issue "Nothing silently wrong").

// runLines runs a scenario given as YAML and returns its trace as short
// lines: "12ms client→server SYN", "5ms server app close", ….
func runLines(t *testing.T, src string) []string {
	t.Helper()
	s, err := Parse("test.yaml", []byte(src))
	require.NoError(t, err)
	var out []string
	_, err = Run(s, trace.SinkFunc(func(r *trace.Record) {
		ms := fmt.Sprintf("%dms", int64(r.T)/1e6) // whole milliseconds: serialization adds microseconds
		switch r.Kind {
		case trace.KindSend:
			line := ms + " " + r.Node + "→" + r.Peer + " " + r.Pkt.Seg.Flags.String()
			if r.Pkt.Seg.Len > 0 {
				line += fmt.Sprintf(" len=%d", r.Pkt.Seg.Len)
			}
			out = append(out, line)
		case trace.KindApp:
			out = append(out, fmt.Sprintf("%s %s app %v %d", ms, r.Node, r.App, r.Value))
		case trace.KindAbort:
			out = append(out, fmt.Sprintf("%s %s abort %v", ms, r.Node, r.Abort))
		case trace.KindState:
			out = append(out, fmt.Sprintf("%s %s %v", ms, r.Node, r.To))
		}
	}))
	require.NoError(t, err)
	return out
}

func has(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// A server that closes before any client came closes its listening
// socket: the client's SYN is refused with a RST.
func TestApp_ServerCloseBeforeAnyConnectionClosesTheListener(t *testing.T) {
	lines := runLines(t, "link: {delay: 10ms}\nclient: {send: 1000, connect_at: 20ms}\nserver: {close: 5ms}\n")
	assert.True(t, has(lines, "5ms server app close 80"), "the listener closes at 5 ms:\n%s", strings.Join(lines, "\n"))
	assert.True(t, has(lines, "30ms server→client RST,ACK"), "the SYN is refused:\n%s", strings.Join(lines, "\n"))
	assert.True(t, has(lines, "40ms client abort connection refused (ECONNREFUSED)"), "%s", strings.Join(lines, "\n"))
}

// A client whose close comes before its connection exists closes as a
// program would: right after connecting and writing; its FIN follows the data.
func TestApp_ClientCloseBeforeConnectingClosesAfterItsWrites(t *testing.T) {
	lines := runLines(t, "link: {delay: 10ms}\nclient: {close: 0, send: 1000}\n")
	require.True(t, has(lines, "20ms client app write 1000"), "%s", strings.Join(lines, "\n"))
	assert.True(t, has(lines, "20ms client app close 0"), "the close follows the write:\n%s", strings.Join(lines, "\n"))
	assert.True(t, has(lines, "20ms client→server "+(wire.FIN|wire.PSH|wire.ACK).String()+" len=1000"),
		"the FIN rides on the data:\n%s", strings.Join(lines, "\n"))
	assert.True(t, has(lines, "20ms client FIN-WAIT-1"), "%s", strings.Join(lines, "\n"))
}

// A reader with pauses and no clock reads what arrives at once, except
// during a pause: what came in the pause is read when it ends.
func TestApp_ReaderPausesWithoutAClock(t *testing.T) {
	lines := runLines(t, "link: {delay: 10ms}\nclient: {send: 100kB}\nserver: {reader: {pauses: [{from: 0s, to: 5s}]}}\n")
	var reads []string
	for _, l := range lines {
		if strings.Contains(l, "server app read") {
			reads = append(reads, l)
		}
	}
	require.NotEmpty(t, reads)
	assert.True(t, strings.HasPrefix(reads[0], "5000ms server app read"), "the first read waits for the pause to end: %v", reads)
}

// A client host that reboots runs its script again when it has reconnect:
// a new connection from the next port, the request sent again.
func TestApp_RebootedClientReconnects(t *testing.T) {
	lines := runLines(t, "duration: 30s\nlink: {delay: 10ms}\nclient: {send: 1000, close: never, reconnect: 1s}\n"+
		"server: {close: never}\nevents: [{at: 5s, reboot: client}]\n")
	var syns []string
	for _, l := range lines {
		if strings.HasSuffix(l, "client→server SYN") {
			syns = append(syns, l)
		}
	}
	assert.Equal(t, []string{"0ms client→server SYN", "6000ms client→server SYN"}, syns)
	assert.True(t, has(lines, "6020ms client app write 1000"), "the script runs again:\n%s", strings.Join(lines, "\n"))
}

// One connection, one identity: after a reconnect whose first attempt
// never reached the server, both ends still number the connection alike
// (it was client conn 2 against server conn 1).
func TestRun_ConnectionNumbersAgreeAcrossHosts(t *testing.T) {
	s, err := Parse("reconnect.yaml", []byte(`duration: 30s
link: {delay: 10ms}
client: {send: 1000, syn_retries: 1, reconnect: 1s}
drop: [{from: client, flags: SYN, between: [0s, 2s], times: always}]
`))
	require.NoError(t, err)
	conns := map[string][]uint32{}
	_, err = Run(s, trace.SinkFunc(func(r *trace.Record) {
		if r.Kind == trace.KindState && r.To == trace.StateEstablished {
			conns[r.Node] = append(conns[r.Node], r.Conn)
		}
	}))
	require.NoError(t, err)
	require.Len(t, conns["client"], 1)
	assert.Equal(t, conns["client"], conns["server"])
	assert.Equal(t, uint32(2), conns["client"][0], "the second connection")
}

// Think time and processing time: the server's reply comes its processing
// time after the request was read, and the client closes its think time
// after the reply was read (they happened in the same instant before).
func TestApp_ProcessingAndThinkTime(t *testing.T) {
	lines := runLines(t, "link: {delay: 10ms}\nclient: {send: 100, think_time: 500ms}\nserver: {reply: 200, processing_time: 30ms}\n")
	find := func(suffix string) string {
		for _, l := range lines {
			if strings.HasSuffix(l, suffix) {
				return l
			}
		}
		return ""
	}
	assert.Equal(t, "30ms server app read 100", find("server app read 100"), "%s", strings.Join(lines, "\n"))
	assert.Equal(t, "60ms server app write 200", find("server app write 200"), "the reply after 30 ms of work")
	assert.Equal(t, "70ms client app read 200", find("client app read 200"))
	assert.Equal(t, "570ms client app close 0", find("client app close 0"), "the close after 500 ms of thought")
}
