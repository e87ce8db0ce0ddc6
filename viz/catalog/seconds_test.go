package catalog

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tcpsim/tcpsim/sim"
)

func TestAppendSeconds(t *testing.T) {
	ms := func(n int64) sim.Time { return sim.At(time.Duration(n) * time.Millisecond) }
	us := func(n int64) sim.Time { return sim.At(time.Duration(n) * time.Microsecond) }
	for _, tc := range []struct {
		t      sim.Time
		plain  string
		column string // four digits wide
	}{
		{0, "0.000 s", "   0.000 s   "},
		{ms(150), "0.150 s", "   0.150 s   "},
		{us(101200), "0.101200 s", "   0.101200 s"},
		{us(101200) + 999, "0.101200 s", "   0.101200 s"}, // nanoseconds are cut
		{ms(1234567), "1234.567 s", "1234.567 s   "},
		{ms(12345678), "12345.678 s", "12345.678 s   "},
		{-ms(1500), "-1.500 s", "  -1.500 s   "},
		{math.MinInt64, "-9223372036.854775 s", "-9223372036.854775 s"},
	} {
		assert.Equal(t, tc.plain, string(AppendSeconds(nil, tc.t)), "AppendSeconds(%d)", tc.t)
		assert.Equal(t, tc.plain, Seconds(tc.t), "Seconds(%d)", tc.t)
		assert.Equal(t, tc.column, string(AppendSecondsColumn([]byte{}, tc.t, 4)), "AppendSecondsColumn(%d, 4)", tc.t)
	}
	assert.Equal(t, "[     0.150 s   ", string(AppendSecondsColumn([]byte("["), ms(150), 6)))
}

func TestClock(t *testing.T) {
	s := func(n float64) sim.Time { return sim.At(time.Duration(n * float64(time.Second))) }
	for _, tc := range []struct {
		t    sim.Time
		want string
	}{
		{0, "0:00:00"},
		{s(59.999), "0:00:59"},
		{s(110.1), "0:01:50"},
		{s(7875.100112), "2:11:15"},
		{s(36000), "10:00:00"},
		{s(604800), "168:00:00"},
		{-s(61), "-0:01:01"},
	} {
		assert.Equal(t, tc.want, Clock(tc.t), "Clock(%v)", tc.t)
	}
}
