package ladder_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	builtins "github.com/tcpsim/tcpsim/viz/internal/builtin"
	"github.com/tcpsim/tcpsim/viz/internal/testtrace"
	"github.com/tcpsim/tcpsim/viz/ladder"
)

// builtin returns the trace of a built-in scenario.
func builtin(t *testing.T, name string) []trace.Record { return builtins.Trace(t, name) }

// displayWidth counts the columns a terminal gives s: one per character,
// none for a combining mark. (It knows no wide characters: the ladder has
// none.)
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			n++
		}
	}
	return n
}

// The lost-segment scenario in Vietnamese: the ladder and the summary.
func TestVietnameseGolden(t *testing.T) {
	recs := builtin(t, "lost-segment")
	var out bytes.Buffer
	l := ladder.New(&out, ladder.Options{Lang: catalog.Vietnamese})
	s := ladder.NewSummary()
	for i := range recs {
		l.Record(&recs[i])
		s.Record(&recs[i])
	}
	require.NoError(t, l.Flush())
	lines := out.String()
	testtrace.Golden(t, filepath.Join("testdata", "ladder_lost-segment.vi.golden"), out.Bytes())

	// Every line fits the width in display columns, and the timelines are
	// in the header's columns: Vietnamese letters are one column each.
	all := strings.Split(strings.TrimSuffix(lines, "\n"), "\n")
	for i, line := range all {
		assert.LessOrEqual(t, displayWidth(line), ladder.DefaultWidth, "line %d:\n%s", i+1, line)
		assert.Equal(t, displayWidth(line), utf8.RuneCountInString(line), "line %d has a combining mark:\n%q", i+1, line)
	}
	for i, line := range all[1:] {
		r := []rune(line)
		assert.True(t, len(r) > 70 && r[14] == '│' && r[70] == '│', "line %d: timelines not in columns 14 and 70:\n%s", i+2, line)
	}
	for _, want := range []string{"thời gian", "ứng dụng: ghi 16384 byte", "bị loại bỏ: data_segment 3", "ACK trùng lặp #3", "truyền lại nhanh"} {
		assert.Contains(t, lines, want)
	}

	out.Reset()
	require.NoError(t, s.WriteLang(&out, catalog.Vietnamese))
	testtrace.Golden(t, filepath.Join("testdata", "summary_lost-segment.vi.golden"), out.Bytes())
	for _, want := range []string{"tổng kết (thời gian mô phỏng 60.000 s)", "phân đoạn đã gửi", "truyền lại", "ACK trùng lặp", "trạng thái cuối"} {
		assert.Contains(t, out.String(), want)
	}

	// English stays the default.
	var en, def bytes.Buffer
	require.NoError(t, s.Write(&def))
	require.NoError(t, s.WriteLang(&en, catalog.English))
	assert.Equal(t, en.String(), def.String())
	assert.True(t, strings.HasPrefix(def.String(), "summary (simulated time"), def.String())
}
