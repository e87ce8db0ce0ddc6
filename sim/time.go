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

// Add returns t+d, saturating at Never.
func (t Time) Add(d time.Duration) Time {
	if t == Never {
		return Never
	}
	s := t + Time(d)
	if d > 0 && s < t {
		return Never
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

// String formats t as seconds with millisecond precision ("1.250s"), or
// microsecond precision when the instant is not a whole millisecond.
func (t Time) String() string {
	if t == Never {
		return "never"
	}
	if t%Time(time.Millisecond) == 0 {
		return strconv.FormatFloat(t.Seconds(), 'f', 3, 64) + "s"
	}
	return strconv.FormatFloat(t.Seconds(), 'f', 6, 64) + "s"
}

// At returns the instant d after the start of the run.
func At(d time.Duration) Time { return Time(d) }
