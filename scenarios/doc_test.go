package scenarios

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docKeyTables are the doc's generated key tables by region name: the doc
// marks each with <!-- keys:NAME --> … <!-- /keys -->.
var docKeyTables = map[string]func() []keyDoc{
	"top":         func() []keyDoc { return topTable.docs("") },
	"description": func() []keyDoc { return descriptionTable.docs("") },
	"link":        func() []keyDoc { return linkTable.docs("") },
	"endpoint":    func() []keyDoc { return endpointTable.docs("") },
	"app":         func() []keyDoc { return endpointTable.docs("app") },
	"keepalive":   func() []keyDoc { return keepaliveTable.docs("") },
	"reader":      func() []keyDoc { return readerTable.docs("") },
	"drop":        func() []keyDoc { return dropTable.docs("") },
	"outage":      func() []keyDoc { return outageTable.docs("") },
	"event":       func() []keyDoc { return eventTable.docs("") },
	"httpclient":  func() []keyDoc { return httpClientTable.docs("") },
	"httpserver":  func() []keyDoc { return httpServerTable.docs("") },
	"heartbeat":   func() []keyDoc { return heartbeatTable.docs("") },
	"sweep":       func() []keyDoc { return sweepTable.docs("") },
	"bottleneck":  func() []keyDoc { return bottleneckTable.docs("") },
	"flow":        func() []keyDoc { return flowTable.docs("") },
}

var keyRegionRE = regexp.MustCompile(`(?s)(<!-- keys:([a-z]+) -->\n).*?(<!-- /keys -->)`)

// TestScenarioFormatDoc checks that the key tables of
// docs/scenario-format.md are those the Go tables give (decode.go), so the
// doc, the decoder and its messages cannot drift apart. After changing a
// table, run `go test ./scenarios -run TestScenarioFormatDoc -update` and
// read the diff; the prose around the tables is written by hand.
func TestScenarioFormatDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "scenario-format.md")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	seen := map[string]int{}
	got := keyRegionRE.ReplaceAllStringFunc(string(src), func(region string) string {
		m := keyRegionRE.FindStringSubmatch(region)
		rows, ok := docKeyTables[m[2]]
		if !ok {
			t.Errorf("the doc has a region keys:%s, which is no table", m[2])
			return region
		}
		seen[m[2]]++
		want := m[1] + keyTableMarkdown(rows(), m[2] == "app") + m[3]
		if !*update {
			assert.Equal(t, want, region, "the %s table of %s differs from decode.go's: run go test ./scenarios -run TestScenarioFormatDoc -update", m[2], path)
		}
		return want
	})
	for name := range docKeyTables {
		assert.Equal(t, 1, seen[name], "the doc should have one region <!-- keys:%s -->", name)
	}
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
}

// keyTableMarkdown writes rows as a Markdown table; withSide adds a column
// for the side of an endpoint that has the key.
func keyTableMarkdown(rows []keyDoc, withSide bool) string {
	var b strings.Builder
	head := []string{"key", "type", "default", "allowed", "meaning"}
	if withSide {
		head = append(head[:1], append([]string{"on"}, head[1:]...)...)
	}
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			if c != "" {
				b.WriteString(" " + strings.ReplaceAll(c, "|", `\|`))
			}
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	line(head)
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, r := range rows {
		def := r.def
		if def == "" {
			def = "—"
		}
		cells := []string{"`" + r.name + "`", r.typ, def, r.allowed, r.doc}
		if withSide {
			side := "both"
			if r.only != "" {
				side = r.only + " only"
			}
			cells = append(cells[:1], append([]string{side}, cells[1:]...)...)
		}
		line(cells)
	}
	return b.String()
}

// Every key of a documented table has a meaning and a type for the doc,
// and every key a message help.
func TestKeyTables_Complete(t *testing.T) {
	for name, rows := range docKeyTables {
		for _, r := range rows() {
			assert.NotEmpty(t, r.doc, "%s.%s has no meaning for the doc", name, r.name)
			assert.NotEmpty(t, r.typ, "%s.%s has no type for the doc", name, r.name)
		}
	}
	checkHelps(t, "top", topTable)
	checkHelps(t, "description", descriptionTable)
	checkHelps(t, "link", linkTable)
	checkHelps(t, "endpoint", endpointTable)
	checkHelps(t, "keepalive", keepaliveTable)
	checkHelps(t, "reader", readerTable)
	checkHelps(t, "drop", dropTable)
	checkHelps(t, "outage", outageTable)
	checkHelps(t, "event", eventTable)
	checkHelps(t, "httpclient", httpClientTable)
	checkHelps(t, "httpserver", httpServerTable)
	checkHelps(t, "heartbeat", heartbeatTable)
	checkHelps(t, "sweep", sweepTable)
	checkHelps(t, "bottleneck", bottleneckTable)
	checkHelps(t, "flow", flowTable)
}

// checkHelps checks that each key of tb has a help and that an integer
// key's help names the bounds its kind has ("an MSS is a number of bytes
// 88..65495"), so a message cannot promise other limits than the decoder's.
func checkHelps[T any](t *testing.T, name string, tb *table[T]) {
	for _, f := range tb.keys {
		assert.NotEmpty(t, f.help, "%s.%s has no help", name, f.name)
		if f.read.typ != "integer" {
			continue
		}
		bounds := strings.Fields(strings.ReplaceAll(f.read.allowed, " … ", ".."))[0]
		assert.Contains(t, f.help, bounds, "%s.%s: the message's bounds differ from the table's", name, f.name)
	}
}
