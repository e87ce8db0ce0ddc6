package sim

import (
	"math"
	"strconv"
	"time"
)

// Time is an instant of virtual time: nanoseconds since the start of the run.
type Time int64

// Never is later than any instant a run reaches; a deadline of Never is no deadline.
const Never Time = math.MaxInt64

// Add returns t+d, saturating at Never (and at the earliest Time for a
// negative d). Never plus anything is Never: no deadline stays no deadline.
func (t Time) Add(d time.Duration) Time {
	if t == Never {
		return Never
	}
	s := t + Time(d)
	switch {
	case d > 0 && s < t:
		return Never
	case d < 0 && s > t:
		return math.MinInt64
	}
	return s
}

// Sub returns the interval t-u.
func (t Time) Sub(u Time) time.Duration { return time.Duration(t - u) }

// Before reports whether t is earlier than u.
func (t Time) Before(u Time) bool { return t < u }

// After reports whether t is later than u.
func (t Time) After(u Time) bool { return t > u }

// Seconds returns t in seconds since the start of the run.
func (t Time) Seconds() float64 { return float64(t) / 1e9 }

// String formats t as seconds with millisecond precision ("1.250s"),
// microsecond precision when the instant is not a whole millisecond
// ("1.250125s"), or nanosecond precision when it is not a whole microsecond
// ("1.250125001s"). Never is "never".
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	var buf [32]byte
	b := buf[:0]
	u := uint64(t)
	if t < 0 {
		b = append(b, '-')
		u = -u // two's complement: right for math.MinInt64 too
	}
	b = strconv.AppendUint(b, u/1e9, 10)
	frac, digits := u%1e9, 9
	switch {
	case frac%1e6 == 0:
		frac, digits = frac/1e6, 3
	case frac%1e3 == 0:
		frac, digits = frac/1e3, 6
	}
	b = append(b, '.')
	for p := digits - 1; p >= 0; p-- {
		b = append(b, byte('0'+frac/pow10[p]%10))
	}
	return string(append(b, 's'))
}

var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8}

// At returns the instant d after the start of the run.
func At(d time.Duration) Time { return Time(d) }
