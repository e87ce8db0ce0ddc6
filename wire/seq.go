package wire

import "math"

// Seq is a TCP sequence number. Comparisons are modulo 2^32 (RFC 9293 §3.4):
// a is "less than" b when b lies in the 2^31 numbers after a. Two numbers
// exactly 2^31 apart, whose order RFC 1982 leaves undefined, compare by
// their plain values, so for a != b exactly one of a < b and b < a holds.
type Seq uint32

// Add returns s advanced by n bytes, wrapping around 2^32.
func (s Seq) Add(n uint32) Seq { return s + Seq(n) }

// Sub returns the distance from b to s (s - b) as a signed count of bytes.
func (s Seq) Sub(b Seq) int32 { return int32(s - b) }

// Size returns the number of bytes from s up to end (end - s), which must not
// be before s.
func (s Seq) Size(end Seq) uint32 { return uint32(end - s) }

// LessThan reports whether s is before b. It agrees with s.Sub(b) < 0 except
// when they are 2^31 apart (see Seq).
func (s Seq) LessThan(b Seq) bool {
	d := int32(s - b)
	return d < 0 && (d != math.MinInt32 || s < b)
}

// LessThanEq reports whether s is before b or equal to it.
func (s Seq) LessThanEq(b Seq) bool { return !b.LessThan(s) }

// InRange reports whether a <= s < b.
func (s Seq) InRange(a, b Seq) bool { return s-a < b-a }

// InWindow reports whether s lies in the window of size bytes starting at first:
// first <= s < first+size.
func (s Seq) InWindow(first Seq, size uint32) bool { return uint32(s-first) < size }

// Max returns the later of s and b.
func Max(s, b Seq) Seq {
	if s.LessThan(b) {
		return b
	}
	return s
}

// Min returns the earlier of s and b.
func Min(s, b Seq) Seq {
	if s.LessThan(b) {
		return s
	}
	return b
}
