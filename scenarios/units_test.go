package scenarios

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{in: "50ms", want: 50 * time.Millisecond},
		{in: "1.5s", want: 1500 * time.Millisecond},
		{in: "2h", want: 2 * time.Hour},
		{in: "7200s", want: 2 * time.Hour},
		{in: "1m30s", want: 90 * time.Second},
		{in: "1m 30s", want: 90 * time.Second},
		{in: " 10m ", want: 10 * time.Minute},
		{in: "250us", want: 250 * time.Microsecond},
		{in: "250µs", want: 250 * time.Microsecond},
		{in: "0", want: 0},
		{in: "-5ms", want: -5 * time.Millisecond}, // the caller checks the sign
		{in: "", err: `"" is empty`},
		{in: "60", err: `"60" has no unit; write "60s" or "60ms"`},
		{in: "1m30", err: `"1m30" has a number without a unit (ns, us, ms, s, m or h)`},
		{in: "5sec", err: `"5sec" has the unit "sec"; write "5s"`},
		{in: "2min", err: `"2min" has the unit "min"; write "2m"`},
		{in: "2d", err: `"2d" has the unit "d"; write days in hours, such as "48h"`},
		{in: "5fortnights", err: `"5fortnights" has an unknown unit "fortnights" (units: ns, us, ms, s, m or h)`},
		{in: "abc", err: `"abc" is not a duration`},
		{in: "1.2.3s", err: `"1.2.3s" is not a duration`},
		{in: "1s-2s", err: `"1s-2s" is not a duration`},
		{in: "-", err: `"-" is not a duration`},
		{in: "9999999999h", err: `"9999999999h" is out of range (the longest duration is about 2562047h)`},
	} {
		got, err := ParseDuration(tc.in)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, "ParseDuration(%q)", tc.in)
			continue
		}
		if assert.NoError(t, err, "ParseDuration(%q)", tc.in) {
			assert.Equal(t, tc.want, got, "ParseDuration(%q)", tc.in)
		}
	}
}

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  string
	}{
		{in: "10Mbps", want: 10_000_000},
		{in: "1.5Gbps", want: 1_500_000_000},
		{in: "64kbps", want: 64_000},
		{in: "64Kbps", want: 64_000},
		{in: "56 kbps", want: 56_000},
		{in: "9600bps", want: 9600},
		{in: "100Mbit/s", want: 100_000_000},
		{in: "0", want: 0},
		{in: "unlimited", want: 0},
		{in: "Unlimited", want: 0},
		{in: "", err: `"" is empty`},
		{in: "10", err: `"10" has no unit; write "10Mbps" or "10kbps"`},
		{in: "10MBps", err: `"10MBps" is in bytes per second (1 MB/s is 8Mbps)`},
		{in: "10MB/s", err: `"10MB/s" is in bytes per second (1 MB/s is 8Mbps)`},
		{in: "10mbps", err: `"10mbps" has the unit "mbps"; write "10Mbps"`},
		{in: "10Tbps", err: `"10Tbps" has an unknown unit "Tbps" (units: bps, kbps, Mbps, Gbps)`},
		{in: "-1Mbps", err: `"-1Mbps" is negative`},
		{in: "1.5bps", err: `"1.5bps" is not a whole number of bits per second`},
		{in: "fast", err: `"fast" is not a rate`},
		{in: "99999999999999Gbps", err: `"99999999999999Gbps" is too large`},
	} {
		got, err := ParseRate(tc.in)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, "ParseRate(%q)", tc.in)
			continue
		}
		if assert.NoError(t, err, "ParseRate(%q)", tc.in) {
			assert.Equal(t, tc.want, got, "ParseRate(%q)", tc.in)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  string
	}{
		{in: "8192", want: 8192},
		{in: "0", want: 0},
		{in: "100B", want: 100},
		{in: "100 bytes", want: 100},
		{in: "64KiB", want: 65536},
		{in: "64KB", want: 64000},
		{in: "64kB", want: 64000},
		{in: "1MB", want: 1_000_000},
		{in: "1MiB", want: 1 << 20},
		{in: "1.5MiB", want: 3 << 19},
		{in: "1.1KB", want: 1100}, // exact: no float rounding
		{in: "2GB", want: 2_000_000_000},
		{in: "1GiB", want: 1 << 30},
		{in: "", err: `"" is empty`},
		{in: "-1", err: `"-1" is negative`},
		{in: "1.5", err: `"1.5" is not a whole number of bytes`},
		{in: "0.3KiB", err: `"0.3KiB" is not a whole number of bytes`},
		{in: "8K", err: `"8K" has the unit "K"; write "8KiB" (1024 bytes) or "8KB" (1000 bytes)`},
		{in: "8M", err: `"8M" has the unit "M"; write "8MiB" (1,048,576 bytes) or "8MB" (1,000,000 bytes)`},
		{in: "8Kb", err: `"8Kb" has the unit "Kb", which reads as bits; sizes are in bytes (B, KB, KiB, MB, MiB, GB, GiB)`},
		{in: "8TB", err: `"8TB" has an unknown unit "TB" (units: B, KB, KiB, MB, MiB, GB, GiB)`},
		{in: "lots", err: `"lots" is not a size`},
		{in: "1e3", err: `"1e3" is not a size`},
		{in: "99999999999GiB", err: `"99999999999GiB" is too large`},
	} {
		got, err := ParseSize(tc.in)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, "ParseSize(%q)", tc.in)
			continue
		}
		if assert.NoError(t, err, "ParseSize(%q)", tc.in) {
			assert.Equal(t, tc.want, got, "ParseSize(%q)", tc.in)
		}
	}
}

func TestParseProbability(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		err  string
	}{
		{in: "0.01", want: 0.01},
		{in: "1%", want: 0.01},
		{in: "2.5 %", want: 0.025},
		{in: "100%", want: 1},
		{in: "often", err: `"often" is not a probability`},
		{in: "%", err: `"%" is not a probability`},
	} {
		got, err := parseProbability(tc.in)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, "parseProbability(%q)", tc.in)
			continue
		}
		if assert.NoError(t, err, "parseProbability(%q)", tc.in) {
			assert.InDelta(t, tc.want, got, 1e-15, "parseProbability(%q)", tc.in)
		}
	}
}
