package plot

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlotDecimateSeries(t *testing.T) {
	short := plotSeries{{0, 1}, {1, 5}, {2, 3}}
	assert.Len(t, decimateSeries(short), 3, "a short series is not decimated")
	// A sawtooth of 100,000 points: every stretch keeps its first, lowest,
	// highest and last point, in time order, so the envelope is intact.
	n := 100_000
	s := make(plotSeries, n)
	for i := range s {
		s[i] = plotPoint{float64(i), float64(i % 97)}
	}
	got := decimateSeries(s)
	require.True(t, len(got) <= 4*Bins+4 && len(got) >= Bins, "decimated to %d points, want at most %d", len(got), 4*Bins)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, p := range got {
		if i > 0 {
			require.Greater(t, p.t, got[i-1].t, "point %d", i)
		}
		lo, hi = min(lo, p.v), max(hi, p.v)
	}
	assert.Equal(t, [2]float64{0, 96}, [2]float64{lo, hi}, "the envelope")
	assert.Equal(t, [2]plotPoint{s[0], s[n-1]}, [2]plotPoint{got[0], got[len(got)-1]}, "the ends")
}

func TestPlotDecimateBars(t *testing.T) {
	n := 70_000
	b := make([]seqBar, n)
	for i := range b {
		b[i] = seqBar{t: float64(i) / 1000, lo: float64(i * 1448), hi: float64((i + 1) * 1448)}
	}
	got := decimateBars(b)
	require.LessOrEqual(t, len(got), Bins+1)
	assert.Equal(t, 0.0, got[0].lo, "the bars cover the data")
	assert.Equal(t, float64(n*1448), got[len(got)-1].hi, "the bars cover the data")
	for i := 1; i < len(got); i++ {
		require.Equal(t, got[i-1].hi, got[i].lo, "bar %d starts where the one before ends", i)
	}
	assert.Len(t, decimateBars(b[:100]), 100, "100 bars are not decimated")
}

func TestSeqUnwrapper(t *testing.T) {
	var u seqUnwrapper
	for _, tc := range []struct {
		in   uint32
		want int64
	}{
		{0, 0}, {1000, 1000}, {math.MaxUint32 - 10, -11}, {5, 5}, {1 << 31, 1 << 31},
		{math.MaxUint32, math.MaxUint32}, {20, 1<<32 + 20}, {10, 1<<32 + 10},
	} {
		assert.Equal(t, tc.want, u.at(tc.in), "at(%d)", tc.in)
	}
}

func TestPlotSeriesClip(t *testing.T) {
	s := plotSeries{{1, 10}, {2, 20}, {3, 30}}
	for _, tc := range []struct {
		lo, hi float64
		want   plotSeries
	}{
		{0, math.Inf(1), s},
		{1.5, 2.5, plotSeries{{1.5, 10}, {2, 20}}},
		{4, 5, plotSeries{{4, 30}}},
		{1.5, 1.8, plotSeries{{1.5, 10}}}, // the value in force, though points follow
		{0, 0.5, nil},
	} {
		got := s.clip(tc.lo, tc.hi)
		if len(got) > 0 && !math.IsInf(tc.hi, 1) {
			assert.Equal(t, append(got[:len(got):len(got)], plotPoint{tc.hi, got[len(got)-1].v}), got.hold(tc.hi), "hold(%v) of %v", tc.hi, got)
		}
		assert.Equal(t, tc.want, got, "clip(%v, %v)", tc.lo, tc.hi)
	}
}

func TestByteTicks(t *testing.T) {
	for _, tc := range []struct {
		hi   float64
		want string
	}{
		{5000, "2500"}, {80000, "40 kB"}, {100e6, "50 MB"},
	} {
		var labels []string
		for _, tk := range (byteTicks{}).Ticks(0, tc.hi) {
			labels = append(labels, tk.Label)
		}
		assert.Contains(t, labels, tc.want, "ticks up to %v", tc.hi)
	}
}
