package scenarios

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is one problem with a scenario file: where it is, which field, what
// is wrong and what is allowed. Its Error method gives one line in the
// compiler's form "file:line:col: field: msg".
type Error struct {
	File string
	// Line and Col are 1-based; 0 when the problem has no place in the file
	// (the file is missing, or empty).
	Line, Col int
	// Field is the path of the key the problem is about, such as
	// "drop[0].data_segment"; "" for the file as a whole.
	Field string
	Msg   string
	// Source is the text of line Line, for Snippet.
	Source string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxSnippetRunes is how much of a long source line Snippet shows.
const maxSnippetRunes = 100

// Snippet returns the offending source line, numbered, and under it a caret
// at the column: two lines without a final newline, such as
//
//	1234 | client: {isn: abc}
//	     |               ^
//
// It returns "" when the problem has no line.
func (e *Error) Snippet() string {
	if e.Line <= 0 {
		return ""
	}
	line := []rune(strings.TrimRight(e.Source, "\r"))
	col := e.Col
	if col < 1 {
		col = 1
	}
	if col > len(line)+1 {
		col = len(line) + 1
	}
	// Show a window of a long line around the column.
	start, prefix, suffix := 0, "", ""
	if len(line) > maxSnippetRunes {
		start = col - 1 - maxSnippetRunes/2
		if start < 0 {
			start = 0
		}
		if start > len(line)-maxSnippetRunes {
			start = len(line) - maxSnippetRunes
		}
		if start > 0 {
			prefix = "…"
		}
		if start+maxSnippetRunes < len(line) {
			suffix = "…"
		}
		line = line[start : start+maxSnippetRunes]
	}
	num := strconv.Itoa(e.Line)
	pad := strings.Repeat(" ", max(4, len(num))-len(num))
	var b strings.Builder
	b.WriteString(pad + num + " | " + prefix + printable(string(line)) + suffix + "\n")
	b.WriteString(strings.Repeat(" ", len(pad)+len(num)) + " | ")
	if prefix != "" {
		b.WriteByte(' ')
	}
	// Copy tabs so the caret lines up however the terminal sets tab stops.
	for _, r := range line[:col-1-start] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	return b.String()
}

// printable replaces control characters other than tab, so a snippet of a
// binary file cannot garble a terminal.
func printable(s string) string {
	if !strings.ContainsFunc(s, isControl) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) || r == utf8.RuneError {
			r = '�'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// ErrorList is every problem found in a scenario file (at most maxErrors,
// then a note of how many more), in the order of their place in the file.
// Load and Parse return one for any bad input; errors.As finds its *Error.
type ErrorList []*Error

// Error gives each problem on its line, each followed by its snippet.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
		if s := e.Snippet(); s != "" {
			b.WriteByte('\n')
			b.WriteString(s)
		}
	}
	return b.String()
}

// Unwrap returns the problems, for errors.As and errors.Is.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}
