package catalog

import (
	"strconv"

	"github.com/tcpsim/tcpsim/sim"
)

// AppendSeconds appends t as seconds with three decimals ("0.150 s"), or
// six when t is not a whole millisecond ("0.101200 s"; finer digits are
// cut): the way every output writes an instant.
func AppendSeconds(b []byte, t sim.Time) []byte { return AppendSecondsColumn(b, t, 0) }

// Seconds returns t as AppendSeconds writes it.
func Seconds(t sim.Time) string { return string(AppendSeconds(nil, t)) }

// AppendSecondsColumn is AppendSeconds for a column of times whose whole
// seconds are intDigits wide (0: no column): the whole part is padded on
// the left, and a millisecond value is followed by three spaces, so that
// the decimal points line up and every time takes intDigits+9 columns.
func AppendSecondsColumn(b []byte, t sim.Time, intDigits int) []byte {
	column := intDigits > 0
	neg := t < 0
	ns := uint64(t)
	if neg {
		ns = -ns // two's complement: right for the earliest Time too
	}
	sec, frac := ns/1e9, ns%1e9
	if column {
		n := digits(sec)
		if neg {
			n++
		}
		for ; n < intDigits; n++ {
			b = append(b, ' ')
		}
	}
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, sec, 10)
	b = append(b, '.')
	b = append3(b, frac/1e6)
	whole := frac%1e6 == 0
	if !whole {
		b = append3(b, frac/1e3%1000)
	}
	b = append(b, " s"...)
	if column && whole {
		b = append(b, "   "...)
	}
	return b
}

// digits returns how many decimal digits n takes.
func digits(n uint64) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// append3 appends n (0..999) as three digits.
func append3(b []byte, n uint64) []byte {
	return append(b, byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10))
}

// Clock returns t as hours, minutes and seconds, "2:11:15" (the fraction
// of a second is cut): how a long run's instants read beside Seconds'
// "7875.100112 s".
func Clock(t sim.Time) string {
	neg := t < 0
	ns := uint64(t)
	if neg {
		ns = -ns
	}
	sec := ns / 1e9
	b := make([]byte, 0, 16)
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, sec/3600, 10)
	b = append(b, ':', byte('0'+sec/600%6), byte('0'+sec/60%10), ':', byte('0'+sec%60/10), byte('0'+sec%10))
	return string(b)
}
