package viz

import (
	"strconv"
	"unicode/utf8"

	"github.com/tcpsim/tcpsim/sim"
)

// appendSeconds appends t as seconds with three decimals ("0.150 s"), or six
// when t is not a whole millisecond ("0.101200 s"; finer digits are cut).
// With column set, the whole part is padded to four digits and a
// millisecond value is followed by three spaces, so that every time takes
// timeWidth columns with the decimal points aligned.
func appendSeconds(b []byte, t sim.Time, column bool) []byte {
	if column {
		return appendSecondsColumn(b, t, 4)
	}
	return appendSecondsColumn(b, t, 0)
}

// appendSecondsColumn is appendSeconds for a column whose whole part is
// intDigits wide (0: no column).
func appendSecondsColumn(b []byte, t sim.Time, intDigits int) []byte {
	column := intDigits > 0
	neg := t < 0
	ns := uint64(t)
	if neg {
		ns = -ns // two's complement: right for the earliest Time too
	}
	sec, frac := ns/1e9, ns%1e9
	if column {
		n := digits(sec)
		if neg {
			n++
		}
		for ; n < intDigits; n++ {
			b = append(b, ' ')
		}
	}
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, sec, 10)
	b = append(b, '.')
	b = append3(b, frac/1e6)
	whole := frac%1e6 == 0
	if !whole {
		b = append3(b, frac/1e3%1000)
	}
	b = append(b, " s"...)
	if column && whole {
		b = append(b, "   "...)
	}
	return b
}

// timeWidth is the width of a time written by appendSeconds as a column,
// for runs shorter than 10,000 s; longer runs take a digit more each time
// the run's length gains one (see LadderOptions.End).
const timeWidth = len("   0.000000 s")

// timeDigits is how many digits the whole seconds of times up to end take,
// at least the four of timeWidth.
func timeDigits(end sim.Time) int {
	if end <= 0 {
		return 4
	}
	return max(4, digits(uint64(end)/1e9))
}

func digits(n uint64) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// append3 appends n (0..999) as three digits.
func append3(b []byte, n uint64) []byte {
	return append(b, byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10))
}

// width returns the columns s takes on a terminal. Every character viz
// writes (ASCII, box drawing, arrows, ✗, …) takes one, so it counts runes.
func width(s string) int { return utf8.RuneCountInString(s) }

// truncate returns s cut to at most n columns, ending in "…" when cut.
func truncate(s string, n int) string {
	if width(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	i, cols := 0, 0
	for cols < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		cols++
	}
	return s[:i] + "…"
}

// cutLine splits off the first line of s for a column n wide, breaking
// after the last space that fits (or inside a word longer than n). rest
// has no leading spaces; it is "" when s fits.
func cutLine(s string, n int) (line, rest string) {
	if width(s) <= n {
		return s, ""
	}
	i, cols, lastSpace := 0, 0, -1
	for i < len(s) && cols < n {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == ' ' {
			lastSpace = i
		}
		i += size
		cols++
	}
	if i < len(s) && s[i] == ' ' {
		lastSpace = i
	}
	if lastSpace > 0 {
		line, rest = s[:lastSpace], s[lastSpace:]
	} else {
		line, rest = s[:i], s[i:]
	}
	for len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	return line, rest
}

// appendRepeat appends n copies of s.
func appendRepeat(b []byte, s string, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, s...)
	}
	return b
}
