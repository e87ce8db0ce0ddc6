package ladder

import "unicode/utf8"

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
