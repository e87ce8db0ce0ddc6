package ladder

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

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
		assert.Equal(t, tc.want, truncate(tc.s, tc.n), "truncate(%q, %d)", tc.s, tc.n)
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
		assert.Equal(t, [2]string{tc.line, tc.rest}, [2]string{line, rest}, "cutLine(%q, %d)", tc.s, tc.n)
	}
}

func TestTimeDigits(t *testing.T) {
	assert.Equal(t, 4, timeDigits(0))
	assert.Equal(t, 4, timeDigits(ms(9_999_999)))
	assert.Equal(t, 5, timeDigits(ms(10_000_000)))
	assert.Equal(t, 6, timeDigits(ms(100_000_000)))
}
