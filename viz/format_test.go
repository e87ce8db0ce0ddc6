package viz

import (
	"math"
	"testing"

	"github.com/tcpsim/tcpsim/sim"
)

func TestAppendSeconds(t *testing.T) {
	for _, tc := range []struct {
		t      sim.Time
		plain  string
		column string
	}{
		{0, "0.000 s", "   0.000 s   "},
		{ms(150), "0.150 s", "   0.150 s   "},
		{us(101200), "0.101200 s", "   0.101200 s"},
		{us(101200) + 999, "0.101200 s", "   0.101200 s"}, // nanoseconds are cut
		{ms(1234567), "1234.567 s", "1234.567 s   "},
		{ms(12345678), "12345.678 s", "12345.678 s   "},
		{-ms(1500), "-1.500 s", "  -1.500 s   "},
		{math.MinInt64, "-9223372036.854775 s", "-9223372036.854775 s"},
	} {
		if got := string(appendSeconds(nil, tc.t, false)); got != tc.plain {
			t.Errorf("appendSeconds(%d) = %q, want %q", tc.t, got, tc.plain)
		}
		if got := string(appendSeconds(nil, tc.t, true)); got != tc.column {
			t.Errorf("appendSeconds(%d, column) = %q, want %q", tc.t, got, tc.column)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"a→b→c", 4, "a→b…"},
		{"abc", 0, ""},
	} {
		if got := truncate(tc.s, tc.n); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

func TestCutLine(t *testing.T) {
	for _, tc := range []struct {
		s          string
		n          int
		line, rest string
	}{
		{"short", 10, "short", ""},
		{"dropped: random loss", 12, "dropped:", "random loss"},
		{"dropped: random loss", 14, "dropped:", "random loss"},
		{"dropped: random loss", 15, "dropped: random", "loss"},
		{"abcdefghij", 4, "abcd", "efghij"},
		{"ab cdefghij", 4, "ab", "cdefghij"},
	} {
		line, rest := cutLine(tc.s, tc.n)
		if line != tc.line || rest != tc.rest {
			t.Errorf("cutLine(%q, %d) = %q, %q; want %q, %q", tc.s, tc.n, line, rest, tc.line, tc.rest)
		}
	}
}
