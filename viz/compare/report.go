package compare

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/wire"
)

// Field is a part of a segment that two matched segments may differ in.
type Field uint8

// The fields compared, in the order the report gives them.
const (
	FieldPSH     Field = iota // the PSH flag
	FieldWindow               // the window, after scaling
	FieldOptions              // on a SYN: MSS, SACK permitted, timestamps, window scale; else SACK blocks and timestamps (present or not)
	FieldLabels               // the labels and their ordinals
	numFields
)

var fieldNames = [numFields]string{"PSH", "window", "options", "labels"}

func (f Field) String() string {
	if f < numFields {
		return fieldNames[f]
	}
	return "Field(" + strconv.Itoa(int(f)) + ")"
}

// Difference is one field in which two matched segments differ, as each
// side has it.
type Difference struct {
	Field Field
	A, B  string
}

// Result is the comparison of two traces.
type Result struct {
	A, B  []Segment // the segments each sent
	Pairs []Pair    // the alignment: every segment of both, once

	Matched   int // pairs both sent
	Identical int // matched pairs that differ in no field
	OnlyA     int // segments only the first trace sent
	OnlyB     int
	// Differ counts the matched pairs that differ in each field.
	Differ [numFields]int
	// MeanDelta and MaxDelta are the mean and the largest |Δt| of the
	// matched pairs, Δt being B's time less A's, each counted from its
	// trace's first segment; MaxRow is the row (from 1) of the largest.
	MeanDelta, MaxDelta time.Duration
	MaxRow              int
}

// Compare compares trace a with trace b (see Segments and Align; maxCells
// 0 means DefaultMaxCells).
func Compare(a, b []trace.Record, maxCells int) *Result {
	r := &Result{A: Segments(a), B: Segments(b)}
	r.Pairs = Align(r.A, r.B, maxCells)
	var sum time.Duration
	for row, p := range r.Pairs {
		switch {
		case p.A < 0:
			r.OnlyB++
			continue
		case p.B < 0:
			r.OnlyA++
			continue
		}
		r.Matched++
		d := r.Delta(p)
		if d < 0 {
			d = -d
		}
		sum += d
		if d > r.MaxDelta || r.MaxRow == 0 {
			r.MaxDelta, r.MaxRow = d, row+1
		}
		diffs := r.Differences(p)
		if len(diffs) == 0 {
			r.Identical++
		}
		for _, d := range diffs {
			r.Differ[d.Field]++
		}
	}
	if r.Matched > 0 {
		r.MeanDelta = sum / time.Duration(r.Matched)
	}
	return r
}

// Similarity is the share of the two traces' segments that the other sent
// too: 2·Matched / (len(A) + len(B)), 1 for two identical traces (and for
// two empty ones), 0 when they share no segment.
func (r *Result) Similarity() float64 {
	if len(r.A)+len(r.B) == 0 {
		return 1
	}
	return 2 * float64(r.Matched) / float64(len(r.A)+len(r.B))
}

// Delta returns how much later B sent a matched pair's segment than A,
// each counted from its trace's first segment.
func (r *Result) Delta(p Pair) time.Duration { return r.B[p.B].T - r.A[p.A].T }

// Differences returns the fields in which a matched pair differs.
func (r *Result) Differences(p Pair) []Difference {
	a, b := &r.A[p.A], &r.B[p.B]
	var out []Difference
	if a.Flags.Has(wire.PSH) != b.Flags.Has(wire.PSH) {
		out = append(out, Difference{FieldPSH, yesNo(a.Flags.Has(wire.PSH)), yesNo(b.Flags.Has(wire.PSH))})
	}
	if a.Win != b.Win {
		out = append(out, Difference{FieldWindow, strconv.FormatUint(uint64(a.Win), 10), strconv.FormatUint(uint64(b.Win), 10)})
	}
	syn := a.Flags.Has(wire.SYN)
	if oa, ob := options(&a.Opt, syn), options(&b.Opt, syn); oa != ob {
		out = append(out, Difference{FieldOptions, orNone(oa), orNone(ob)})
	}
	if la, lb := labels(a), labels(b); la != lb {
		out = append(out, Difference{FieldLabels, orNone(la), orNone(lb)})
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "set"
	}
	return "not set"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// options writes the options compared: on a SYN, what it offers (the
// timestamp's values are left out: they are clocks); on any other
// segment, SACK blocks (relative) and whether it has a timestamp.
func options(o *wire.Options, syn bool) string {
	var parts []string
	if syn && o.MSS != 0 {
		parts = append(parts, "mss "+strconv.Itoa(int(o.MSS)))
	}
	if syn && o.SACKPermitted {
		parts = append(parts, "sackOK")
	}
	if o.HasTimestamp {
		parts = append(parts, "TS")
	}
	if syn && o.HasWScale {
		parts = append(parts, "wscale "+strconv.Itoa(int(o.WScale)))
	}
	if !syn && o.NumSACK > 0 {
		s := "sack"
		for _, b := range o.SACK[:o.NumSACK] {
			s += " " + strconv.FormatUint(uint64(b.Left), 10) + "-" + strconv.FormatUint(uint64(b.Right), 10)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// labels writes a segment's labels as the ladder does.
func labels(s *Segment) string {
	p := trace.Packet{Labels: s.Labels, N: s.N}
	return strings.Join(catalog.English.Phrases().LabelPhrases(nil, &p), ", ")
}

// segmentText writes what two matched segments share, or one segment:
// "c→s SYN,ACK seq=0 ack=1 len=1448" (flags of the first trace).
func segmentText(s *Segment) string {
	var b strings.Builder
	b.WriteString(s.Dir.String())
	b.WriteByte(' ')
	if f := s.Flags.String(); f != "" {
		b.WriteString(f)
		b.WriteByte(' ')
	}
	b.WriteString("seq=")
	b.WriteString(strconv.FormatUint(uint64(s.Seq), 10))
	if s.Flags.Has(wire.ACK) {
		b.WriteString(" ack=")
		b.WriteString(strconv.FormatUint(uint64(s.Ack), 10))
	}
	if s.Len > 0 {
		b.WriteString(" len=")
		b.WriteString(strconv.FormatUint(uint64(s.Len), 10))
	}
	return b.String()
}

// Options say how a comparison is written.
type Options struct {
	// Names are what the two traces are, as the report calls them:
	// "simulation", "kernel", "capture". Empty names are "first" and
	// "second".
	Names [2]string
	// MaxRows is the most rows written before the summary; 0 means all.
	MaxRows int
}

// Write writes the report: a heading, a row per pair of the alignment
// (row number, the two times, Δt, the segment, and what differs) and the
// summary (see WriteSummary).
func (r *Result) Write(w io.Writer, o Options) error {
	names := o.names()
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "seq and ack relative to each direction's ISN; times from each side's first segment; windows after scaling\n\n")

	rows := len(r.Pairs)
	if o.MaxRows > 0 {
		rows = min(rows, o.MaxRows)
	}
	segs := make([]string, rows)
	segWidth := len("segment")
	for i, p := range r.Pairs[:rows] {
		s := &r.B[max(p.B, 0)]
		if p.A >= 0 {
			s = &r.A[p.A]
		}
		segs[i] = segmentText(s)
		segWidth = max(segWidth, utf8.RuneCountInString(segs[i]))
	}
	num := len(strconv.Itoa(len(r.Pairs)))
	timeWidth := max(len("0000.000000"), len(names[0]), len(names[1]))
	fmt.Fprintf(bw, "%*s  %*s  %*s  %s  %s  %s\n", num, "#", timeWidth, names[0], timeWidth, names[1], "         Δt",
		pad("segment", segWidth), "differences ("+names[0]+" | "+names[1]+")")
	for i, p := range r.Pairs[:rows] {
		ta, tb, dt := "-", "-", ""
		if p.A >= 0 {
			ta = seconds(r.A[p.A].T)
		}
		if p.B >= 0 {
			tb = seconds(r.B[p.B].T)
		}
		var note string
		switch {
		case p.Matched():
			dt = fmt.Sprintf("%+.3f ms", float64(r.Delta(p))/float64(time.Millisecond))
			var parts []string
			for _, d := range r.Differences(p) {
				parts = append(parts, d.Field.String()+" "+d.A+" | "+d.B)
			}
			note = strings.Join(parts, "; ")
			if note == "" {
				note = "="
			}
		case p.A >= 0:
			note = alone(names[0], &r.A[p.A])
		default:
			note = alone(names[1], &r.B[p.B])
		}
		fmt.Fprintf(bw, "%*d  %*s  %*s  %11s  %s  %s\n", num, i+1, timeWidth, ta, timeWidth, tb, dt, pad(segs[i], segWidth), note)
	}
	if rows < len(r.Pairs) {
		fmt.Fprintf(bw, "… %d more rows\n", len(r.Pairs)-rows)
	}
	fmt.Fprintln(bw)
	r.writeSummary(bw, names)
	return bw.Flush()
}

// WriteSummary writes the summary alone: the similarity, what differs in
// the matched pairs, and their timing.
func (r *Result) WriteSummary(w io.Writer, o Options) error {
	bw := bufio.NewWriter(w)
	r.writeSummary(bw, o.names())
	return bw.Flush()
}

func (r *Result) writeSummary(bw *bufio.Writer, names [2]string) {
	fmt.Fprintf(bw, "similarity %.1f%%: %d segments sent by both, of %d (%s) and %d (%s); %d only in the %s, %d only in the %s\n",
		100*r.Similarity(), r.Matched, len(r.A), names[0], len(r.B), names[1], r.OnlyA, names[0], r.OnlyB, names[1])
	if r.Matched == 0 {
		return
	}
	fmt.Fprintf(bw, "of the %d sent by both, %d are the same in every field", r.Matched, r.Identical)
	sep := "; they differ in "
	for f, n := range r.Differ {
		if n > 0 {
			fmt.Fprintf(bw, "%s%s (%d)", sep, Field(f), n)
			sep = ", "
		}
	}
	fmt.Fprintf(bw, "\ntiming of the segments sent by both: mean |Δt| %.3f ms, largest %.3f ms (row %d)\n",
		float64(r.MeanDelta)/float64(time.Millisecond), float64(r.MaxDelta)/float64(time.Millisecond), r.MaxRow)
}

func (o Options) names() [2]string {
	n := o.Names
	if n[0] == "" {
		n[0] = "first"
	}
	if n[1] == "" {
		n[1] = "second"
	}
	return n
}

// alone writes the note of a segment only one side sent: its window and
// labels.
func alone(name string, s *Segment) string {
	note := "only in the " + name + ": win " + strconv.FormatUint(uint64(s.Win), 10)
	if l := labels(s); l != "" {
		note += ", " + l
	}
	return note
}

// seconds writes a time in seconds with six decimals.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
}

// pad pads s with spaces to width runes.
func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
