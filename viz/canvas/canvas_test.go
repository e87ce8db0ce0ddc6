package canvas

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot/vg"

	"github.com/tcpsim/tcpsim/viz/catalog"
)

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{SVG, PNG, PDF} {
		got, err := ParseFormat(string(f))
		require.NoError(t, err)
		assert.Equal(t, f, got)
	}
	_, err := ParseFormat("gif")
	assert.EqualError(t, err, `unknown drawing format "gif"; use svg, png or pdf`)
	_, err = New("gif", 10, 10, 0)
	assert.Error(t, err)
}

func TestCP1252(t *testing.T) {
	for in, want := range map[string]string{
		"SEQ=1":           "SEQ=1",
		"… 7200 s idle …": "\x85 7200 s idle \x85",
		"0.190 s – 0.420": "0.190 s \x96 0.420",
		"mất gói":         "m\xe2t g\xf3i", // ấ: â, the acute dropped
		"thời điểm đọc":   "th\xf2i di\xeam doc",
		"Đ":               "D",
		"client→server":   "client->server", // arrows the code page lacks, drawn with its letters
		"a←b↔c":           "a<-b<->c",
		"★":               "?",
	} {
		assert.Equal(t, want, cp1252(in), "cp1252(%q)", in)
	}
}

// Every phrase the drawings write has its glyphs in the font, so no PNG
// shows an empty box or a gap (the ✗ is drawn, not written).
func TestFontCoverage(t *testing.T) {
	f := Face(10)
	check := func(what, s string) {
		for _, r := range s {
			if r == '%' {
				continue
			}
			i, err := f.Face.GlyphIndex(nil, r)
			assert.True(t, err == nil && i != 0, "%s: Liberation Sans has no %q (in %q)", what, r, s)
		}
	}
	for _, l := range catalog.Languages() {
		for _, p := range l.Phrases() {
			check("phrase in "+string(l), p)
		}
	}
	check("labels", "SYN,FIN,RST,PSH,ACK,URG,ECE,CWR\u00a0 SEQ=0123456789 ACK= WIN= LEN= MSS= WS= SACK=-, SYN-SENT ESTABLISHED TIME-WAIT")
}

// The same drawing gives the same bytes in every format; a PDF carries the
// fixed date and an SVG the font fallbacks.
func TestWriteDeterministic(t *testing.T) {
	draw := func(f Format) []byte {
		c, err := New(f, 72, 72, 0)
		require.NoError(t, err)
		c.FillString(Face(10), vg.Point{X: 4, Y: 36}, "… 1 s –")
		var b bytes.Buffer
		require.NoError(t, Write(&b, f, c))
		return b.Bytes()
	}
	for _, f := range []Format{SVG, PNG, PDF} {
		assert.Equal(t, draw(f), draw(f), f)
	}
	assert.Contains(t, string(draw(PDF)), "/CreationDate (D:"+fixedPDFDate+")")
	assert.Contains(t, string(draw(SVG)), svgStack)
}
