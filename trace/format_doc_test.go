package trace

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestFormatDoc holds docs/trace-format.md to the code: every example line
// reads back and writes the same bytes, every kind has an example, and every
// label, timer and key the writer uses is documented.
func TestFormatDoc(t *testing.T) {
	doc, err := os.ReadFile("../docs/trace-format.md")
	if err != nil {
		t.Fatal(err)
	}
	var examples []byte
	for _, m := range regexp.MustCompile("(?s)```json\n(.*?)```").FindAllSubmatch(doc, -1) {
		examples = append(examples, m[1]...)
	}
	recs, err := readAll(examples)
	if err != nil {
		t.Fatalf("an example in the doc does not read: %v", err)
	}
	if out := writeAll(recs); !bytes.Equal(out, examples) {
		t.Errorf("the doc's examples are not what the writer writes:\n%s\nwant\n%s", examples, out)
	}
	seen := map[Kind]bool{}
	for _, r := range recs {
		seen[r.Kind] = true
	}
	for k := KindRun; k <= KindQueue; k++ {
		if !seen[k] {
			t.Errorf("no example of %q", k)
		}
	}

	text := string(doc)
	for _, n := range labelNames {
		if !strings.Contains(text, "| `"+n+"`") {
			t.Errorf("label %q is not in the labels table", n)
		}
	}
	for _, n := range timerNames[1:] {
		if !strings.Contains(text, "| `"+n+"`") {
			t.Errorf("timer %q is not in the timers table", n)
		}
	}
	// Every key the writer writes, as the sample records exercise them all.
	for _, r := range sampleRecords() {
		for _, f := range decodeFields(t, AppendJSON(nil, &r)) {
			if !strings.Contains(text, "`"+f.key+"`") {
				t.Errorf("key %q is not documented", f.key)
			}
		}
	}
	for _, k := range []string{"mss", "wscale", "sack_permitted", "tsval", "tsecr", "sack"} {
		if !strings.Contains(text, "`"+k+"`") {
			t.Errorf("option %q is not documented", k)
		}
	}
}
