package viz_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tcpsim/tcpsim/viz"
)

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
	l := viz.NewLadder(&out, viz.LadderOptions{Lang: viz.Vietnamese})
	s := viz.NewSummary()
	for i := range recs {
		l.Record(&recs[i])
		s.Record(&recs[i])
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	ladder := out.String()
	goldenText(t, "ladder_lost-segment.vi.golden", ladder)

	// Every line fits the width in display columns, and the timelines are
	// in the header's columns: Vietnamese letters are one column each.
	lines := strings.Split(strings.TrimSuffix(ladder, "\n"), "\n")
	for i, line := range lines {
		if w := displayWidth(line); w > viz.DefaultLadderWidth {
			t.Errorf("line %d is %d columns wide:\n%s", i+1, w, line)
		}
		if utf8.RuneCountInString(line) != displayWidth(line) {
			t.Errorf("line %d has a combining mark:\n%q", i+1, line)
		}
	}
	for i, line := range lines[1:] {
		r := []rune(line)
		if len(r) <= 70 || r[14] != '│' || r[70] != '│' {
			t.Errorf("line %d: timelines not in columns 14 and 70:\n%s", i+2, line)
		}
	}
	for _, want := range []string{"thời gian", "ứng dụng: ghi 16384 byte", "bị loại bỏ: data_segment 3", "ACK trùng lặp #3", "truyền lại nhanh"} {
		if !strings.Contains(ladder, want) {
			t.Errorf("the ladder lacks %q", want)
		}
	}

	out.Reset()
	if err := s.WriteLang(&out, viz.Vietnamese); err != nil {
		t.Fatal(err)
	}
	goldenText(t, "summary_lost-segment.vi.golden", out.String())
	for _, want := range []string{"tổng kết (thời gian mô phỏng 60.000 s)", "phân đoạn đã gửi", "truyền lại", "ACK trùng lặp", "trạng thái cuối"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, out.String())
		}
	}

	// English stays the default.
	var en, def bytes.Buffer
	s.Write(&def)
	s.WriteLang(&en, viz.English)
	if en.String() != def.String() || !strings.HasPrefix(def.String(), "summary (simulated time") {
		t.Errorf("Write is not WriteLang in English:\n%s", def.String())
	}
}
