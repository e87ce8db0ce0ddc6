// Package canvas is what the drawings (viz/diagram and viz/plot) share:
// one way to make a canvas for each output format (SVG, PNG, PDF) and to
// write it out byte for byte the same on every run, the one font every
// drawing uses, and the colours they have in common. It is the only
// package besides those two that uses gonum/plot.
package canvas

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"regexp"
	"strings"

	"git.sr.ht/~sbinet/gg"
	"golang.org/x/text/unicode/norm"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/font/liberation"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// One drawing code serves SVG, PNG and PDF alike.
//
// Determinism. SVG and PNG are pure functions of the drawing. gonum's PDF
// backend stamps /CreationDate and /ModDate with the wall clock; Write
// overwrites both with fixedPDFDate (same length, so the cross-reference
// offsets stay right). The PDF backend writes its fonts in map order, so a
// PDF is byte-for-byte repeatable only while it uses one font face: every
// drawing here uses Liberation Sans Regular alone (sizes and colours give
// the emphasis; sizes share one embedded font).
//
// Text. gonum's PDF backend embeds fonts with the Windows-1252 code page:
// text for PDF is converted to it, and characters outside it print as "?".
// The SVG names the font family with fallbacks (Arial, Helvetica,
// sans-serif) and does not embed it, so files stay small.

// Format is a drawing's file format, named as its file extension.
type Format string

// The drawing formats.
const (
	SVG Format = "svg"
	PNG Format = "png"
	PDF Format = "pdf"
)

// ParseFormat returns the format named s ("svg", "png" or "pdf").
func ParseFormat(s string) (Format, error) {
	f := Format(s)
	return f, f.Check()
}

// Check reports an error for a format other than svg, png or pdf.
func (f Format) Check() error {
	switch f {
	case SVG, PNG, PDF:
		return nil
	}
	return fmt.Errorf("unknown drawing format %q; use svg, png or pdf", string(f))
}

// DefaultDPI is the resolution of PNG output: 144 dots per inch, sharp on
// slides and high-density screens.
const DefaultDPI = 144

// maxPNGPixels bounds a PNG's size, and so the memory of its raster (4
// bytes a pixel: 48 MiB); a taller drawing is rendered at a lower
// resolution, down to minPNGDPI, to stay within it, and beyond that is an
// error.
const (
	maxPNGPixels = 12 << 20
	minPNGDPI    = 36
)

// fixedPDFDate replaces the creation and modification dates in PDF output.
const fixedPDFDate = "20260101000000"

// fonts holds the embedded Liberation fonts.
var fonts = font.NewCache(liberation.Collection())

// Font is the one font of every drawing: Liberation Sans.
var Font = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Face returns Font at size points.
func Face(size vg.Length) font.Face { return fonts.Lookup(Font, size) }

// Width returns the width of s in f, in points.
func Width(f font.Face, s string) float64 { return f.Width(s).Points() }

// New returns a w×h canvas for format. dpi applies to PNG only (0 means
// DefaultDPI).
func New(format Format, w, h vg.Length, dpi int) (vg.CanvasWriterTo, error) {
	if err := format.Check(); err != nil {
		return nil, err
	}
	switch format {
	case SVG:
		return vgsvg.New(w, h), nil
	case PDF:
		return &pdfCanvas{vgpdf.New(w, h)}, nil
	}
	if dpi <= 0 {
		dpi = DefaultDPI
	}
	pixels := func(dpi int) float64 { return float64(w.Dots(float64(dpi))) * float64(h.Dots(float64(dpi))) }
	for dpi > minPNGDPI && pixels(dpi) > maxPNGPixels {
		dpi = max(dpi*3/4, minPNGDPI)
	}
	if pixels(dpi) > maxPNGPixels {
		return nil, fmt.Errorf("a %.0f×%.0f in drawing is too large for a PNG; choose a shorter stretch of time or fewer segments", float64(w/vg.Inch), float64(h/vg.Inch))
	}
	// vgimg.NewWith would draw on a copy of a new image (gg copies the
	// image it is given): two rasters of up to maxPNGPixels at once. A
	// context made for the image draws on it, as NewWith's would.
	px := func(l vg.Length) int { return int(l/vg.Inch*vg.Length(dpi) + 0.5) }
	img := image.NewRGBA(image.Rect(0, 0, px(w), px(h)))
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	c := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(dpi))
	return vgimg.PngCanvas{Canvas: c}, nil
}

var (
	pdfDate   = regexp.MustCompile(`/(CreationDate|ModDate) \(D:[0-9]{14}\)`)
	svgFamily = "font-family:Liberation Sans;"
	svgStack  = "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"
)

// Write writes c, made by New for format, to w, with the fixes described
// above.
func Write(w io.Writer, format Format, c vg.CanvasWriterTo) error {
	if format == PNG { // nothing to fix: encoded straight to w
		if _, err := c.WriteTo(w); err != nil {
			return fmt.Errorf("writing %s: %w", format, err)
		}
		return nil
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return fmt.Errorf("writing %s: %w", format, err)
	}
	out := buf.Bytes()
	switch format {
	case PDF:
		out = pdfDate.ReplaceAllFunc(out, func(m []byte) []byte {
			copy(m[len(m)-15:], fixedPDFDate)
			return m
		})
	case SVG:
		out = bytes.ReplaceAll(out, []byte(svgFamily), []byte(svgStack))
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("writing %s: %w", format, err)
	}
	return nil
}

// pdfCanvas converts text to Windows-1252, the code page gonum's PDF
// backend embeds fonts with.
type pdfCanvas struct{ *vgpdf.Canvas }

func (c *pdfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	c.Canvas.FillString(f, pt, cp1252(s))
}

// cp1252High maps the runes of Windows-1252's bytes 0x80–0x9F.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91,
	'’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98,
	'™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// cp1252Arrows write the arrows the code page lacks with its letters: a
// link's direction ("client→server"), a connection's ports in a legend
// ("49152 → 80").
var cp1252Arrows = map[rune]string{'→': "->", '←': "<-", '↔': "<->"}

// cp1252 encodes s in Windows-1252. A letter the code page lacks loses
// the diacritics it cannot carry, keeping the first it can: Vietnamese
// "thời điểm đọc" reads "thòi diêm doc", not "th?i ?i?m ??c". Arrows
// are spelt with its letters (cp1252Arrows); other runes it lacks become
// '?'.
func cp1252(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80 || (r >= 0xA0 && r <= 0xFF):
			b.WriteByte(byte(r))
		case cp1252High[r] != 0:
			b.WriteByte(cp1252High[r])
		case cp1252Arrows[r] != "":
			b.WriteString(cp1252Arrows[r])
		default:
			b.WriteByte(cp1252Letter(r))
		}
	}
	return b.String()
}

// cp1252Letter returns the Windows-1252 byte of r stripped of the
// diacritics the code page cannot carry with it, or '?'.
func cp1252Letter(r rune) byte {
	switch r {
	case 'đ':
		return 'd'
	case 'Đ':
		return 'D'
	}
	d := []rune(norm.NFD.String(string(r)))
	if len(d) < 2 || d[0] >= 0x80 {
		return '?'
	}
	for _, mark := range d[1:] { // the first mark that makes a Latin-1 letter
		c := []rune(norm.NFC.String(string([]rune{d[0], mark})))
		if len(c) == 1 && c[0] >= 0xA0 && c[0] <= 0xFF {
			return byte(c[0])
		}
	}
	return byte(d[0])
}

// RGB returns an opaque colour from 0xRRGGBB.
func RGB(c uint32) color.RGBA {
	return color.RGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 0xFF}
}

// The colours every drawing uses for the same things.
var (
	Ink  = RGB(0x222222) // text
	Axis = RGB(0x707070) // axes and their ticks
	Grid = RGB(0xEEF0F2) // grid lines
)
