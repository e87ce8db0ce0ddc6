package sim

import (
	"math"
	"testing"
	"time"
)

func TestTime_Add(t *testing.T) {
	tests := []struct {
		t    Time
		d    time.Duration
		want Time
	}{
		{0, time.Second, At(time.Second)},
		{ms(10), -5 * time.Millisecond, ms(5)},
		{ms(10), 0, ms(10)},
		{Never, time.Second, Never},
		{Never, -time.Second, Never}, // no deadline stays no deadline
		{Never - 5, 10, Never},
		{Never - 5, 5, Never},
		{Never - 5, 4, Never - 1},
		{1, math.MaxInt64, Never},
		{ms(1), time.Duration(math.MaxInt64), Never},
		{math.MinInt64 + 5, -10, math.MinInt64},
		{-1, math.MinInt64, math.MinInt64},
	}
	for _, tt := range tests {
		if got := tt.t.Add(tt.d); got != tt.want {
			t.Errorf("Time(%d).Add(%d) = %d, want %d", int64(tt.t), int64(tt.d), int64(got), int64(tt.want))
		}
	}
}

func TestTime_Compare(t *testing.T) {
	a, b := ms(1), ms(2)
	if !a.Before(b) || a.After(b) || b.Before(a) || !b.After(a) || a.Before(a) || a.After(a) {
		t.Error("Before/After disagree with the order of 1ms and 2ms")
	}
	if got := b.Sub(a); got != time.Millisecond {
		t.Errorf("Sub = %v, want 1ms", got)
	}
	if got := ms(1500).Seconds(); got != 1.5 {
		t.Errorf("Seconds = %v, want 1.5", got)
	}
	if At(time.Minute) != Time(60e9) {
		t.Errorf("At(1m) = %d", int64(At(time.Minute)))
	}
}

func TestTime_String(t *testing.T) {
	tests := []struct {
		t    Time
		want string
	}{
		{0, "0.000s"},
		{ms(1), "0.001s"},
		{ms(1250), "1.250s"},
		{ms(60_000), "60.000s"},
		{ms(1) + At(time.Microsecond), "0.001001s"},
		{At(1250125 * time.Microsecond), "1.250125s"},
		{At(time.Microsecond), "0.000001s"},
		{1, "0.000000001s"},
		{At(1250125001), "1.250125001s"},
		{At(999_999_999), "0.999999999s"},
		{-ms(500), "-0.500s"},
		{-1, "-0.000000001s"},
		{At(100 * 24 * time.Hour), "8640000.000s"},
		{Never - 1, "9223372036.854775806s"},
		{math.MinInt64, "-9223372036.854775808s"},
		{Never, "never"},
	}
	for _, tt := range tests {
		if got := tt.t.String(); got != tt.want {
			t.Errorf("Time(%d).String() = %q, want %q", int64(tt.t), got, tt.want)
		}
	}
}
