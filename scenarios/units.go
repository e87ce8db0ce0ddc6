package scenarios

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// unitError says what is wrong with a quantity as written: its Error reads
// `"5sec" has an unknown unit "sec" (…)`, so a caller can append what is allowed.
type unitError struct {
	value   string
	problem string
}

func (e *unitError) Error() string { return strconv.Quote(e.value) + " " + e.problem }

const durationUnits = "ns, us, ms, s, m or h"

// durationUnitHints maps units people write to the one Go spells.
var durationUnitHints = map[string]string{
	"sec": "s", "secs": "s", "second": "s", "seconds": "s", "S": "s",
	"msec": "ms", "msecs": "ms", "millis": "ms", "MS": "ms", "Ms": "ms",
	"usec": "us", "µsec": "us", "nsec": "ns",
	"min": "m", "mins": "m", "minute": "m", "minutes": "m", "M": "m",
	"hr": "h", "hrs": "h", "hour": "h", "hours": "h", "H": "h",
}

// ParseDuration parses a duration as Go writes it ("50ms", "1.5s", "2h",
// "7200s", "1m30s"; units ns, us, µs, ms, s, m, h), with spaces allowed
// between parts ("1m 30s"). "0" needs no unit; any other plain number is an
// error, since 60 could mean seconds or milliseconds.
func ParseDuration(s string) (time.Duration, error) {
	t := strings.Join(strings.Fields(s), "")
	if t == "" {
		return 0, &unitError{s, "is empty"}
	}
	if t == "0" || t == "+0" || t == "-0" {
		return 0, nil
	}
	if d, err := time.ParseDuration(t); err == nil {
		return d, nil
	}
	// Say why: walk the number-unit pairs the way time.ParseDuration does.
	rest := strings.TrimLeft(t, "+-")
	if rest == "" {
		return 0, &unitError{s, "is not a duration"}
	}
	for rest != "" {
		num, unit, tail := splitQuantity(rest)
		if num == "" || num == "." || strings.Count(num, ".") > 1 {
			return 0, &unitError{s, "is not a duration"}
		}
		if unit == "" {
			if num == strings.TrimLeft(t, "+-") {
				return 0, &unitError{s, `has no unit; write "` + num + `s" or "` + num + `ms"`}
			}
			return 0, &unitError{s, "has a number without a unit (" + durationUnits + ")"}
		}
		switch unit {
		case "ns", "us", "µs", "μs", "ms", "s", "m", "h":
		default:
			if u, ok := durationUnitHints[unit]; ok {
				return 0, &unitError{s, "has the unit " + strconv.Quote(unit) + "; write " + strconv.Quote(num+u)}
			}
			if unit == "d" || unit == "day" || unit == "days" {
				return 0, &unitError{s, "has the unit " + strconv.Quote(unit) + "; write days in hours, such as \"48h\""}
			}
			return 0, &unitError{s, "has an unknown unit " + strconv.Quote(unit) + " (units: " + durationUnits + ")"}
		}
		rest = tail
	}
	return 0, &unitError{s, "is out of range (the longest duration is about 2562047h)"}
}

// splitQuantity splits "1.5Mbps…" into the number "1.5", the unit that
// follows (letters, µ, / and %) and what is left after them.
func splitQuantity(s string) (num, unit, rest string) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	j := i
	for _, r := range s[i:] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == 'µ' || r == 'μ' || r == '/' || r == '%') {
			break
		}
		j += len(string(r))
	}
	return s[:i], s[i:j], s[j:]
}

// exact parses a plain decimal ("12", "1.5", "+3") exactly; false for
// anything else (exponents, fractions, signs other than a leading one).
func exact(num string) (*big.Rat, bool) {
	digits, dot := 0, 0
	for i, c := range num {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dot++
		case (c == '-' || c == '+') && i == 0:
		default:
			return nil, false
		}
	}
	if digits == 0 || dot > 1 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(num)
	return r, ok
}

// scaled returns num·mult when that is a whole number that fits an int64.
func scaled(num string, mult int64) (n int64, whole, ok bool) {
	r, ok := exact(num)
	if !ok {
		return 0, false, false
	}
	r.Mul(r, new(big.Rat).SetInt64(mult))
	if !r.IsInt() {
		return 0, false, true
	}
	i := r.Num()
	if !i.IsInt64() {
		return math.MaxInt64, true, false
	}
	return i.Int64(), true, true
}

// rateUnits are the rate units in bits per second (decimal prefixes).
var rateUnits = map[string]int64{
	"bps": 1, "kbps": 1e3, "Kbps": 1e3, "Mbps": 1e6, "Gbps": 1e9,
	"bit/s": 1, "kbit/s": 1e3, "Kbit/s": 1e3, "Mbit/s": 1e6, "Gbit/s": 1e9,
}

const rateUnitList = "bps, kbps, Mbps, Gbps"

// ParseRate parses a link rate in bits per second with a decimal unit:
// "10Mbps" = 10,000,000, "1.5Gbps", "64kbps" (also Kbps, and kbit/s forms).
// "0" and "unlimited" give 0, which means no limit.
func ParseRate(s string) (int64, error) {
	t := strings.Join(strings.Fields(s), "")
	switch strings.ToLower(t) {
	case "":
		return 0, &unitError{s, "is empty"}
	case "0", "unlimited", "inf", "infinite":
		return 0, nil
	}
	num, unit, rest := splitQuantity(strings.TrimPrefix(t, "+"))
	if strings.HasPrefix(t, "-") {
		return 0, &unitError{s, "is negative"}
	}
	if num == "" || rest != "" {
		return 0, &unitError{s, "is not a rate"}
	}
	if unit == "" {
		return 0, &unitError{s, `has no unit; write "` + num + `Mbps" or "` + num + `kbps"`}
	}
	mult, ok := rateUnits[unit]
	if !ok {
		if strings.Contains(unit, "B") || strings.EqualFold(unit, "bytes/s") {
			return 0, &unitError{s, "is in bytes per second (1 MB/s is 8Mbps)"}
		}
		for _, u := range []string{"bps", "kbps", "Mbps", "Gbps"} {
			if strings.EqualFold(u, unit) {
				return 0, &unitError{s, "has the unit " + strconv.Quote(unit) + "; write " + strconv.Quote(num+u)}
			}
		}
		return 0, &unitError{s, "has an unknown unit " + strconv.Quote(unit) + " (units: " + rateUnitList + ")"}
	}
	n, whole, ok := scaled(num, mult)
	switch {
	case !ok && whole:
		return 0, &unitError{s, "is too large"}
	case !ok:
		return 0, &unitError{s, "is not a rate"}
	case !whole:
		return 0, &unitError{s, "is not a whole number of bits per second"}
	}
	return n, nil
}

// sizeUnits are the size units in bytes: decimal (KB = 1000) and binary
// (KiB = 1024) prefixes.
var sizeUnits = map[string]int64{
	"B": 1, "byte": 1, "bytes": 1,
	"KB": 1e3, "kB": 1e3, "MB": 1e6, "GB": 1e9,
	"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30,
}

const sizeUnitList = "B, KB, KiB, MB, MiB, GB, GiB"

// ParseSize parses a number of bytes: a plain integer ("8192") or a number
// with a unit: B, KB (1000), KiB (1024), MB, MiB, GB, GiB ("64KiB", "1.5MB").
func ParseSize(s string) (int64, error) {
	t := strings.Join(strings.Fields(s), "")
	if t == "" {
		return 0, &unitError{s, "is empty"}
	}
	if strings.HasPrefix(t, "-") {
		return 0, &unitError{s, "is negative"}
	}
	num, unit, rest := splitQuantity(strings.TrimPrefix(t, "+"))
	if num == "" || rest != "" {
		return 0, &unitError{s, "is not a size"}
	}
	mult := int64(1)
	if unit != "" {
		m, ok := sizeUnits[unit]
		if !ok {
			switch unit {
			case "K", "k", "Ki", "ki", "kiB", "kib", "KIB":
				return 0, &unitError{s, `has the unit "` + unit + `"; write "` + num + `KiB" (1024 bytes) or "` + num + `KB" (1000 bytes)`}
			case "M", "m", "Mi", "mb", "mib", "MIB":
				return 0, &unitError{s, `has the unit "` + unit + `"; write "` + num + `MiB" (1,048,576 bytes) or "` + num + `MB" (1,000,000 bytes)`}
			case "Kb", "kb", "Mb", "Gb", "Kib", "Mib", "Gib":
				return 0, &unitError{s, "has the unit " + strconv.Quote(unit) + ", which reads as bits; sizes are in bytes (" + sizeUnitList + ")"}
			}
			return 0, &unitError{s, "has an unknown unit " + strconv.Quote(unit) + " (units: " + sizeUnitList + ")"}
		}
		mult = m
	}
	n, whole, ok := scaled(num, mult)
	switch {
	case !ok && whole:
		return 0, &unitError{s, "is too large"}
	case !ok:
		return 0, &unitError{s, "is not a size"}
	case !whole:
		return 0, &unitError{s, "is not a whole number of bytes"}
	}
	return n, nil
}

// parseProbability parses a probability written as a number ("0.01") or a
// percentage ("1%"). The range is the caller's to check.
func parseProbability(s string) (float64, error) {
	t := strings.Join(strings.Fields(s), "")
	pct := strings.HasSuffix(t, "%")
	t = strings.TrimSuffix(t, "%")
	r, ok := exact(t)
	if !ok {
		return 0, &unitError{s, "is not a probability"}
	}
	if pct {
		r.Quo(r, big.NewRat(100, 1))
	}
	p, _ := r.Float64()
	return p, nil
}
