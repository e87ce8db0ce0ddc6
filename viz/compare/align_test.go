package compare

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/wire"
)

// segs builds segments from a compact spelling, one per field: direction
// ('>' client to server, '<' back), flags, seq, ack, len and the time in
// ms, such as ">S 0 0 0 @0" or "<A 1 1449 0 @50". Flags: S SYN, A ACK,
// P PSH, F FIN, R RST.
func segs(t *testing.T, spec ...string) []Segment {
	t.Helper()
	var out []Segment
	for _, s := range spec {
		var dir, flags string
		var seq, ack, n uint32
		var ms int
		_, err := fmt.Sscanf(s, "%1s%s %d %d %d @%d", &dir, &flags, &seq, &ack, &n, &ms)
		require.NoError(t, err, s)
		seg := Segment{Seq: seq, Ack: ack, Len: n, T: time.Duration(ms) * time.Millisecond}
		if dir == "<" {
			seg.Dir = ServerToClient
		}
		for _, c := range flags {
			seg.Flags |= map[rune]wire.Flags{'S': wire.SYN, 'A': wire.ACK, 'P': wire.PSH, 'F': wire.FIN, 'R': wire.RST}[c]
		}
		out = append(out, seg)
	}
	return out
}

// spell writes an alignment as the tests spell it: "=" for a matched pair,
// "a" for a segment of the first trace alone, "b" for one of the second.
func spell(pairs []Pair) string {
	var b strings.Builder
	for _, p := range pairs {
		switch {
		case p.Matched():
			b.WriteByte('=')
		case p.A >= 0:
			b.WriteByte('a')
		default:
			b.WriteByte('b')
		}
	}
	return b.String()
}

// handshake is the start both sides of most cases share.
var handshake = []string{">S 0 0 0 @0", "<SA 0 1 0 @50", ">A 1 1 0 @100"}

func TestAlign(t *testing.T) {
	with := func(extra ...string) []string { return append(append([]string(nil), handshake...), extra...) }
	tests := []struct {
		name string
		a, b []string
		want string
	}{
		{"the same", with(">A 1 1 100 @100"), with(">A 1 1 100 @101"), "===="},
		{"both empty", nil, nil, ""},
		{"one empty", handshake, nil, "aaa"},
		{"the other empty", nil, handshake, "bbb"},
		{"PSH is not part of the key", with(">A 1 1 100 @100"), with(">PA 1 1 100 @100"), "===="},
		{"a segment the second did not send",
			with(">A 1 1 100 @100", ">A 101 1 100 @100", ">A 201 1 100 @100"),
			with(">A 1 1 100 @100", ">A 201 1 100 @100"), "====a="},
		{"a segment only the second sent",
			with("<A 1 101 0 @150", "<A 1 201 0 @151"),
			with("<A 1 101 0 @150", "<A 1 101 0 @151", "<A 1 201 0 @152"), "====b="},
		{"an ACK the second sends before its FIN, which the first carries on it",
			with("<FA 1 101 0 @150", ">A 101 2 0 @200"),
			with("<A 1 101 0 @150", "<FA 1 101 0 @151", ">A 101 2 0 @200"), "===b=="},
		{"a different window of segments: the first sends two, the second three",
			with(">A 1 1 1448 @100", ">A 1449 1 1448 @100", "<A 1 2897 0 @150"),
			with(">A 1 1 1000 @100", ">A 1001 1 1000 @100", ">A 2001 1 896 @100", "<A 1 2897 0 @150"), "===aabbb="},
		{"a lost SYN resent: the second saw only the resend, matched by time",
			[]string{">S 0 0 0 @0", ">S 0 0 0 @1000", "<SA 0 1 0 @1050"},
			[]string{">S 0 0 0 @1000", "<SA 0 1 0 @1050"}, "a=="},
		{"duplicate ACKs matched by time",
			with("<A 1 1 0 @150", "<A 1 1 0 @300", "<A 1 1 0 @301"),
			with("<A 1 1 0 @299", "<A 1 1 0 @302"), "===a=="},
		{"the directions interleave otherwise: no matter",
			with(">A 1 1 100 @150", "<A 1 101 0 @200", ">A 101 1 100 @250"),
			with(">A 1 1 100 @150", ">A 101 1 100 @190", "<A 1 101 0 @200"), "======"},
		{"nothing in common", []string{">S 0 0 0 @0"}, []string{"<R 0 0 0 @0"}, "ab"},
		{"two segments swapped",
			with(">A 1 1 100 @100", ">A 101 1 100 @100"),
			with(">A 101 1 100 @100", ">A 1 1 100 @100"), "===a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := segs(t, tt.a...), segs(t, tt.b...)
			got := Align(a, b, 0)
			assert.Equal(t, tt.want, spell(got))
			checkAlignment(t, got, a, b)
			// Without the table (traces too long for it: anchors, then
			// greedily), as many matches on these small cases.
			long := Align(a, b, 1)
			assert.Equal(t, strings.Count(tt.want, "="), strings.Count(spell(long), "="), "without the table: %s", spell(long))
			checkAlignment(t, long, a, b)
		})
	}
}

// Between two matched pairs, the segments of one side alone come in the
// order of their times.
func TestAlign_UnmatchedInTimeOrder(t *testing.T) {
	a := segs(t, ">S 0 0 0 @0", ">A 1 1 10 @10", ">A 11 1 10 @30", "<A 1 99 0 @90")
	b := segs(t, ">S 0 0 0 @0", "<A 1 5 0 @20", "<A 1 6 0 @40", "<A 1 99 0 @90")
	assert.Equal(t, "=abab=", spell(Align(a, b, 0)))
}

// checkAlignment holds an alignment's invariants: every segment of each
// trace once; in each direction, each trace in its order; matched pairs of
// one direction.
func checkAlignment(t *testing.T, pairs []Pair, a, b []Segment) {
	t.Helper()
	seenA, seenB := make([]bool, len(a)), make([]bool, len(b))
	lastA, lastB := [2]int{-1, -1}, [2]int{-1, -1}
	for _, p := range pairs {
		require.True(t, p.A >= 0 || p.B >= 0, "an empty pair")
		if p.Matched() {
			require.Equal(t, a[p.A].Dir, b[p.B].Dir, "a pair of one direction")
		}
		if p.A >= 0 {
			require.False(t, seenA[p.A], "segment %d of the first trace twice", p.A)
			seenA[p.A] = true
			d := a[p.A].Dir
			require.Greater(t, p.A, lastA[d], "the first trace's segments of one direction in order")
			lastA[d] = p.A
		}
		if p.B >= 0 {
			require.False(t, seenB[p.B], "segment %d of the second trace twice", p.B)
			seenB[p.B] = true
			d := b[p.B].Dir
			require.Greater(t, p.B, lastB[d], "the second trace's segments of one direction in order")
			lastB[d] = p.B
		}
	}
	require.NotContains(t, seenA, false, "every segment of the first trace")
	require.NotContains(t, seenB, false, "every segment of the second trace")
}

// lcsLength is the length of a longest common subsequence, the textbook
// way, for checking.
func lcsLength(a, b []Segment) int {
	l := make([][]int, len(a)+1)
	for i := range l {
		l[i] = make([]int, len(b)+1)
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1].key() == b[j-1].key() {
				l[i][j] = l[i-1][j-1] + 1
			} else {
				l[i][j] = max(l[i-1][j], l[i][j-1])
			}
		}
	}
	return l[len(a)][len(b)]
}

// Random traces from a small alphabet: the exact alignment matches, in
// each direction, as many segments as a longest common subsequence has,
// and the greedy one makes a valid alignment with no more.
func TestAlign_Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 0))
	gen := func(n int) []Segment {
		s := make([]Segment, n)
		for i := range s {
			s[i] = Segment{Dir: Dir(rng.IntN(2)), Flags: wire.ACK, Seq: uint32(rng.IntN(4)), T: time.Duration(i)}
		}
		return s
	}
	for range 300 {
		a, b := gen(rng.IntN(30)), gen(rng.IntN(30))
		want := lcsLength(pick(a, indexes(a, ClientToServer)), pick(b, indexes(b, ClientToServer))) +
			lcsLength(pick(a, indexes(a, ServerToClient)), pick(b, indexes(b, ServerToClient)))
		exact := Align(a, b, 0)
		checkAlignment(t, exact, a, b)
		assert.Equal(t, want, strings.Count(spell(exact), "="))
		greedy := Align(a, b, 1)
		checkAlignment(t, greedy, a, b)
		assert.LessOrEqual(t, strings.Count(spell(greedy), "="), want)
	}
}

// Two long traces, too long for the table: the anchors (segments each
// side sent once) line them up around what differs, even a stretch of
// segments longer than the greedy alignment's lookahead that only one side
// sent.
func TestAlign_LongTraces(t *testing.T) {
	var a, b []Segment
	for i := range uint32(10000) {
		s := Segment{Flags: wire.ACK, Seq: 1 + 1448*i, Ack: 1, Len: 1448, T: time.Duration(i) * time.Microsecond}
		a = append(a, s)
		if i%1000 != 500 && (i < 3000 || i >= 3400) { // the second lost ten of them, and 400 in a row
			b = append(b, s)
		}
	}
	b = append(b[:5000:5000], append([]Segment{{Flags: wire.ACK | wire.FIN}}, b[5000:]...)...) // and sent one more
	pairs := Align(a, b, 1000)
	checkAlignment(t, pairs, a, b)
	got := spell(pairs)
	assert.Equal(t, 10000-10-400, strings.Count(got, "="))
	assert.Equal(t, 410, strings.Count(got, "a"))
	assert.Equal(t, 1, strings.Count(got, "b"))
}

// With no segment that both sides sent once (duplicate ACKs all alike), a
// stretch too long for the table is aligned greedily.
func TestAlign_Greedy(t *testing.T) {
	a := []Segment{{Dir: ServerToClient, Flags: wire.SYN}} // only the first trace starts and ends so
	var b []Segment
	for i := range 3000 {
		s := Segment{Dir: ServerToClient, Flags: wire.ACK, Ack: uint32(1 + i%2), T: time.Duration(i)}
		a = append(a, s)
		if i != 1500 {
			b = append(b, s)
		}
	}
	a = append(a, Segment{Dir: ServerToClient, Flags: wire.FIN})
	pairs := Align(a, b, 100)
	checkAlignment(t, pairs, a, b)
	// The best has 2999; at the missing one the greedy pass may skip one
	// more, and it stays in step after it.
	assert.GreaterOrEqual(t, strings.Count(spell(pairs), "="), 2998)
}
