package main

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
)

// Every built-in says what it shows in each language the outputs speak,
// so the scenario format's description languages ({en, vi}) and
// viz/catalog's languages stay one list.
func TestDescriptions_EveryLanguage(t *testing.T) {
	for _, info := range scenarios.List() {
		s, err := scenarios.Load(info.Name)
		require.NoError(t, err)
		for _, lang := range catalog.Languages() {
			assert.NotEmpty(t, s.Descriptions[string(lang)], "%s has no description in %s", info.Name, lang.Name())
		}
	}
}

// --lang picks the description over the ladder and in the diagrams.
func TestRun_DescriptionInLanguage(t *testing.T) {
	s, err := scenarios.Load("handshake")
	require.NoError(t, err)
	for _, lang := range catalog.Languages() {
		desc := s.Descriptions[string(lang)]
		svg := filepath.Join(t.TempDir(), "h.svg")
		code, out, errOut := tcpsim(t, "run", "--no-color", "--lang", string(lang), "--svg", svg, "handshake")
		require.Equal(t, exitOK, code, errOut)
		assert.True(t, strings.HasPrefix(out, "handshake — "+desc+"\n"), "%s: the ladder's heading:\n%s", lang, out[:min(len(out), 300)])
		b, err := os.ReadFile(svg)
		require.NoError(t, err)
		var texts []string
		for _, m := range regexp.MustCompile(`<text[^>]*>([^<]*)</text>`).FindAllStringSubmatch(string(b), -1) {
			texts = append(texts, html.UnescapeString(m[1]))
		}
		assert.Contains(t, strings.Join(texts, " "), desc, "%s: the diagram's description", lang)
	}
}

// mermaidEntity is how Mermaid text escapes a character: "#58;".
var mermaidEntity = regexp.MustCompile(`#(\d+);`)

// The reason a connection was aborted reaches the reader whole in the
// ladder (wrapped in its note column), Mermaid and PlantUML, in every
// language.
func TestRun_AbortReasonNotCut(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cause trace.AbortCause
	}{
		{"keepalive-dead-peer", trace.AbortKeepaliveTimeout},
		{"keepalive-reboot", trace.AbortReset},
		{"link-outage", trace.AbortTimedOut},
	} {
		for _, lang := range catalog.Languages() {
			why := lang.Phrases().AbortReason(tc.cause)
			dir := t.TempDir()
			mmd, puml := filepath.Join(dir, "x.mmd"), filepath.Join(dir, "x.puml")
			code, out, errOut := tcpsim(t, "run", "--no-color", "--lang", string(lang), "--mermaid", mmd, "--plantuml", puml, tc.name)
			require.Equal(t, exitOK, code, errOut)
			ladder := strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " ")
			assert.Contains(t, ladder, why, "%s %s: the ladder", tc.name, lang)
			b, err := os.ReadFile(mmd)
			require.NoError(t, err)
			m := mermaidEntity.ReplaceAllStringFunc(string(b), func(e string) string {
				n, _ := strconv.Atoi(e[1 : len(e)-1])
				return string(rune(n))
			})
			assert.Contains(t, m, why, "%s %s: Mermaid", tc.name, lang)
			b, err = os.ReadFile(puml)
			require.NoError(t, err)
			assert.Contains(t, html.UnescapeString(string(b)), why, "%s %s: PlantUML", tc.name, lang)
		}
	}
}
