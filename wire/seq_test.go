package wire

import (
	"math"
	"testing"
)

func TestSeq_Compare(t *testing.T) {
	tests := []struct {
		a, b Seq
		less bool // a < b
	}{
		{0, 1, true},
		{1, 0, false},
		{5, 5, false},
		{0xFFFFFFF0, 0x00000010, true}, // across the wrap
		{0x00000010, 0xFFFFFFF0, false},
		{0xFFFFFFFF, 0, true},
		{0, 0xFFFFFFFF, false},
		{0x7FFFFFFF, 0x80000000, true},
		{0x80000000, 0x7FFFFFFF, false},
		{0, 0x7FFFFFFF, true},  // 2^31-1 ahead: after
		{0x7FFFFFFF, 0, false}, // 2^31-1 behind
		{0x80000001, 0, true},  // 2^31-1 ahead across the wrap
		{0, 0x80000001, false},
		// Exactly 2^31 apart: plain values decide.
		{0, 0x80000000, true},
		{0x80000000, 0, false},
		{0x40000000, 0xC0000000, true},
		{0xC0000000, 0x40000000, false},
		{0xFFFFFFFF, 0x7FFFFFFF, false},
		{0x7FFFFFFF, 0xFFFFFFFF, true},
	}
	for _, tt := range tests {
		if got := tt.a.LessThan(tt.b); got != tt.less {
			t.Errorf("%#x.LessThan(%#x) = %v, want %v", tt.a, tt.b, got, tt.less)
		}
		if got, want := tt.a.LessThanEq(tt.b), tt.less || tt.a == tt.b; got != want {
			t.Errorf("%#x.LessThanEq(%#x) = %v, want %v", tt.a, tt.b, got, want)
		}
		wantMax, wantMin := tt.a, tt.b
		if tt.less {
			wantMax, wantMin = tt.b, tt.a
		}
		if got := Max(tt.a, tt.b); got != wantMax {
			t.Errorf("Max(%#x, %#x) = %#x, want %#x", tt.a, tt.b, got, wantMax)
		}
		if got := Min(tt.a, tt.b); got != wantMin {
			t.Errorf("Min(%#x, %#x) = %#x, want %#x", tt.a, tt.b, got, wantMin)
		}
	}
}

func TestSeq_Arithmetic(t *testing.T) {
	if got := Seq(0xFFFFFFF0).Add(0x20); got != 0x10 {
		t.Errorf("Add across the wrap = %#x, want 0x10", got)
	}
	if got := Seq(0xFFFFFFFF).Add(1); got != 0 {
		t.Errorf("0xFFFFFFFF + 1 = %#x, want 0", got)
	}
	if got := Seq(5).Add(0); got != 5 {
		t.Errorf("5 + 0 = %d", got)
	}
	subs := []struct {
		a, b Seq
		want int32
	}{
		{0x10, 0xFFFFFFF0, 0x20},
		{0xFFFFFFF0, 0x10, -0x20},
		{100, 100, 0},
		{0x7FFFFFFF, 0, math.MaxInt32},
		{0x80000000, 0, math.MinInt32},
		{0, 0x80000000, math.MinInt32},
	}
	for _, tt := range subs {
		if got := tt.a.Sub(tt.b); got != tt.want {
			t.Errorf("%#x.Sub(%#x) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	sizes := []struct {
		start, end Seq
		want       uint32
	}{
		{0xFFFFFFF0, 0x10, 0x20},
		{7, 7, 0},
		{0, 0xFFFFFFFF, 0xFFFFFFFF},
		{1, 0, 0xFFFFFFFF}, // end before start: the caller's mistake, plain wrap-around
	}
	for _, tt := range sizes {
		if got := tt.start.Size(tt.end); got != tt.want {
			t.Errorf("%#x.Size(%#x) = %#x, want %#x", tt.start, tt.end, got, tt.want)
		}
	}
}

func TestSeq_InRangeAndInWindow(t *testing.T) {
	tests := []struct {
		s, first Seq
		size     uint32
		want     bool
	}{
		{100, 100, 10, true}, // first byte
		{109, 100, 10, true}, // last byte
		{110, 100, 10, false},
		{99, 100, 10, false},
		{100, 100, 0, false}, // empty window holds nothing
		{0xFFFFFFFF, 0xFFFFFFF0, 0x20, true},
		{0x00000000, 0xFFFFFFF0, 0x20, true},
		{0x0000000F, 0xFFFFFFF0, 0x20, true},
		{0x00000010, 0xFFFFFFF0, 0x20, false},
		{0xFFFFFFEF, 0xFFFFFFF0, 0x20, false},
		{0, 1, math.MaxUint32, false}, // the one number outside a 2^32-1 window
		{0, 0, math.MaxUint32, true},
	}
	for _, tt := range tests {
		if got := tt.s.InWindow(tt.first, tt.size); got != tt.want {
			t.Errorf("%#x.InWindow(%#x, %#x) = %v, want %v", tt.s, tt.first, tt.size, got, tt.want)
		}
		end := tt.first.Add(tt.size)
		if got := tt.s.InRange(tt.first, end); got != tt.want {
			t.Errorf("%#x.InRange(%#x, %#x) = %v, want %v", tt.s, tt.first, end, got, tt.want)
		}
	}
}

// FuzzSeqCompare checks that LessThan is a strict, antisymmetric comparison
// consistent with Sub, and the helpers built on it agree.
func FuzzSeqCompare(f *testing.F) {
	for _, c := range [][2]uint32{{0, 0}, {0, 1}, {0xFFFFFFF0, 0x10}, {0, 0x80000000}, {0x7FFFFFFF, 0xFFFFFFFF}, {1, 0x80000001}, {0x80000000, 0x80000000}} {
		f.Add(c[0], c[1], uint32(10))
		f.Add(c[0], c[1], uint32(1<<31-1))
	}
	f.Fuzz(func(t *testing.T, x, y, n uint32) {
		a, b := Seq(x), Seq(y)
		lt, gt := a.LessThan(b), b.LessThan(a)
		switch {
		case a == b && (lt || gt):
			t.Fatalf("%#x < itself", a)
		case a != b && lt == gt:
			t.Fatalf("%#x < %#x is %v and %#x < %#x is %v: want exactly one", a, b, lt, b, a, gt)
		}
		if a.LessThanEq(b) != (lt || a == b) {
			t.Fatalf("%#x.LessThanEq(%#x) = %v, LessThan %v", a, b, a.LessThanEq(b), lt)
		}
		d := a.Sub(b)
		if d != math.MinInt32 && lt != (d < 0) {
			t.Fatalf("%#x.LessThan(%#x) = %v but Sub = %d", a, b, lt, d)
		}
		if b.Sub(a) != -d {
			t.Fatalf("Sub not antisymmetric: %d, %d", d, b.Sub(a))
		}
		if b.Add(uint32(d)) != a {
			t.Fatalf("%#x + (%#x - %#x) != %#x", b, a, b, a)
		}
		if !lt && b.Size(a) != uint32(d) {
			t.Fatalf("%#x.Size(%#x) = %d, Sub %d", b, a, b.Size(a), d)
		}
		if Max(a, b) != Max(b, a) || Min(a, b) != Min(b, a) {
			t.Fatalf("Max/Min of %#x, %#x depend on argument order", a, b)
		}
		if lo, hi := Min(a, b), Max(a, b); lo.LessThan(hi) != (a != b) || (lo != a && lo != b) || (hi != a && hi != b) {
			t.Fatalf("Min, Max of %#x, %#x = %#x, %#x", a, b, lo, hi)
		}
		in := a.InWindow(b, n)
		if in != (uint32(a-b) < n) || in != a.InRange(b, b.Add(n)) {
			t.Fatalf("%#x.InWindow(%#x, %d) = %v, InRange %v", a, b, n, in, a.InRange(b, b.Add(n)))
		}
		// A window shorter than half the space agrees with the comparisons.
		if n < 1<<31 && in != (b.LessThanEq(a) && a.LessThan(b.Add(n))) {
			t.Fatalf("%#x.InWindow(%#x, %d) = %v, but the comparisons disagree", a, b, n, in)
		}
	})
}
