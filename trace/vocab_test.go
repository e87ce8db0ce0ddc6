package trace

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// Every word of the vocabulary round-trips through its JSON name, and the
// names are the documented ones (docs/trace-format.md; TestFormatDoc holds
// the doc to the code).
func TestVocabulary_Names(t *testing.T) {
	check := func(t *testing.T, n int, str func(i int) string, parse func(s string) (int, bool), want []string) {
		t.Helper()
		assert.Equal(t, len(want), n)
		for i, w := range want {
			assert.Equal(t, w, str(i+1), "value %d", i+1)
			got, ok := parse(w)
			assert.True(t, ok, "parse %q", w)
			assert.Equal(t, i+1, got, "parse %q", w)
		}
		assert.Equal(t, "", str(0), "the zero value has no name")
		assert.Equal(t, "unknown", str(n+1))
		_, ok := parse("")
		assert.False(t, ok, `parse("")`)
		_, ok = parse("nonsense")
		assert.False(t, ok, `parse("nonsense")`)
	}
	t.Run("TimerOp", func(t *testing.T) {
		check(t, 3, func(i int) string { return TimerOp(i).String() },
			func(s string) (int, bool) { v, ok := ParseTimerOp(s); return int(v), ok },
			[]string{"set", "fired", "cancelled"})
	})
	t.Run("AppOp", func(t *testing.T) {
		check(t, 6, func(i int) string { return AppOp(i).String() },
			func(s string) (int, bool) { v, ok := ParseAppOp(s); return int(v), ok },
			[]string{"listen", "connect", "write", "read", "close", "abort"})
	})
	t.Run("HostOp", func(t *testing.T) {
		check(t, 2, func(i int) string { return HostOp(i).String() },
			func(s string) (int, bool) { v, ok := ParseHostOp(s); return int(v), ok },
			[]string{"crash", "reboot"})
	})
	t.Run("LinkOp", func(t *testing.T) {
		check(t, 3, func(i int) string { return LinkOp(i).String() },
			func(s string) (int, bool) { v, ok := ParseLinkOp(s); return int(v), ok },
			[]string{"down", "up", "reroute"})
	})
	t.Run("Var", func(t *testing.T) {
		check(t, 7, func(i int) string { return Var(i).String() },
			func(s string) (int, bool) { v, ok := ParseVar(s); return int(v), ok },
			[]string{"cwnd", "ssthresh", "rcv_buffer", "snd_wnd", "rto_ns", "srtt_ns", "pipe"})
	})
	t.Run("EndReason", func(t *testing.T) {
		check(t, 3, func(i int) string { return EndReason(i).String() },
			func(s string) (int, bool) { v, ok := ParseEndReason(s); return int(v), ok },
			[]string{"finished", "time limit reached", "event budget exhausted"})
	})
	t.Run("AbortCause", func(t *testing.T) {
		check(t, 6, func(i int) string { return AbortCause(i).String() },
			func(s string) (int, bool) { v, ok := ParseAbortCause(s); return int(v), ok },
			[]string{"connection timed out (ETIMEDOUT)", "connection reset by peer (ECONNRESET)",
				"connection refused (ECONNREFUSED)", "connection aborted by the application",
				"keepalive timeout: probes unanswered (ETIMEDOUT)", "user timeout: data unacknowledged too long (ETIMEDOUT)"})
	})
}

func TestState_Names(t *testing.T) {
	want := []string{"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
		"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT"}
	for i, w := range want {
		assert.Equal(t, w, State(i).String())
		got, ok := ParseState(w)
		assert.True(t, ok)
		assert.Equal(t, State(i), got)
	}
	assert.Equal(t, "UNKNOWN", State(len(want)).String())
}

func TestDrop_TextAndParse(t *testing.T) {
	tests := []struct {
		d    Drop
		text string
	}{
		{Drop{Code: DropLinkDown}, "link down"},
		{Drop{Code: DropRandomLoss}, "random loss"},
		{Drop{Code: DropQueueFull}, "queue full"},
		{Drop{Code: DropMTU, Size: 1500, MTU: 1400}, "exceeds MTU (1500 > 1400 bytes)"},
		{Drop{Code: DropRule, Rule: "data_segment 3"}, "data_segment 3"},
		{Drop{Code: DropReceiverDown}, "server crashed"},
		{Drop{Code: DropBurstLoss}, "burst loss"},
		{Drop{Code: DropCorrupted}, "corrupted (checksum error)"},
		// Text that only looks like a fixed reason is a rule's.
		{Drop{Code: DropRule, Rule: "exceeds MTU (big > 1400 bytes)"}, "exceeds MTU (big > 1400 bytes)"},
		{Drop{Code: DropRule, Rule: "client crashed"}, "client crashed"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.text, tt.d.Text("server"))
		assert.Equal(t, tt.d, ParseDrop(tt.text, "server"), "ParseDrop(%q)", tt.text)
	}
}

func TestRecord_Size(t *testing.T) {
	// A record without its packet is small: timers, vars and app calls are
	// most of a trace (it was 344 bytes with the packet inside).
	assert.LessOrEqual(t, int(unsafe.Sizeof(Record{})), 176)
}

func TestRecord_EqualComparesPacketsByValue(t *testing.T) {
	p1, p2 := Packet{ID: 1}, Packet{ID: 1}
	a := Record{Kind: KindSend, Pkt: &p1}
	b := Record{Kind: KindSend, Pkt: &p2}
	assert.True(t, a.Equal(&b), "equal packets at different addresses")
	p2.ID = 2
	assert.False(t, a.Equal(&b), "different packets")
	c := Record{Kind: KindSend}
	assert.False(t, a.Equal(&c), "a packet and none")
	assert.False(t, c.Equal(&a), "none and a packet")
	d := Record{Kind: KindVar, Var: VarCwnd}
	e := Record{Kind: KindVar, Var: VarSsthresh}
	assert.True(t, d.Equal(&d))
	assert.False(t, d.Equal(&e), "records without packets compare their fields")
	k := a.Keep()
	assert.True(t, k.Equal(&a))
	assert.NotSame(t, a.Pkt, k.Pkt, "Keep copies the packet")
}
