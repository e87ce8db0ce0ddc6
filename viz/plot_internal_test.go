package viz

import (
	"math"
	"testing"
)

func TestPlotDecimateSeries(t *testing.T) {
	short := plotSeries{{0, 1}, {1, 5}, {2, 3}}
	if got := decimateSeries(short); len(got) != 3 {
		t.Errorf("a short series was decimated to %d points", len(got))
	}
	// A sawtooth of 100,000 points: every stretch keeps its first, lowest,
	// highest and last point, in time order, so the envelope is intact.
	n := 100_000
	s := make(plotSeries, n)
	for i := range s {
		s[i] = plotPoint{float64(i), float64(i % 97)}
	}
	got := decimateSeries(s)
	if len(got) > 4*PlotBins+4 || len(got) < PlotBins {
		t.Fatalf("decimated to %d points, want at most %d", len(got), 4*PlotBins)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, p := range got {
		if i > 0 && p.t <= got[i-1].t {
			t.Fatalf("point %d at %v is not after %v", i, p.t, got[i-1].t)
		}
		lo, hi = min(lo, p.v), max(hi, p.v)
	}
	if lo != 0 || hi != 96 || got[0] != s[0] || got[len(got)-1] != s[n-1] {
		t.Errorf("decimation lost the envelope: [%v, %v], ends %v %v", lo, hi, got[0], got[len(got)-1])
	}
}

func TestPlotDecimateBars(t *testing.T) {
	n := 70_000
	b := make([]seqBar, n)
	for i := range b {
		b[i] = seqBar{t: float64(i) / 1000, lo: float64(i * 1448), hi: float64((i + 1) * 1448)}
	}
	got := decimateBars(b)
	if len(got) > PlotBins+1 {
		t.Fatalf("decimated to %d bars, want at most %d", len(got), PlotBins)
	}
	if got[0].lo != 0 || got[len(got)-1].hi != float64(n*1448) {
		t.Errorf("the bars no longer cover the data: %v … %v", got[0], got[len(got)-1])
	}
	for i := 1; i < len(got); i++ {
		if got[i].lo != got[i-1].hi {
			t.Fatalf("bar %d starts at %v, the one before ends at %v", i, got[i].lo, got[i-1].hi)
		}
	}
	if few := b[:100]; len(decimateBars(few)) != 100 {
		t.Error("100 bars were decimated")
	}
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
		if got := u.at(tc.in); got != tc.want {
			t.Errorf("at(%d) = %d, want %d", tc.in, got, tc.want)
		}
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
		{0, 0.5, nil},
	} {
		got := s.clip(tc.lo, tc.hi)
		if h := got.hold(tc.hi); len(got) > 0 && !math.IsInf(tc.hi, 1) && (len(h) != len(got)+1 || h[len(h)-1] != (plotPoint{tc.hi, got[len(got)-1].v})) {
			t.Errorf("hold(%v) of %v = %v", tc.hi, got, h)
		}
		if len(got) != len(tc.want) {
			t.Errorf("clip(%v, %v) = %v, want %v", tc.lo, tc.hi, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("clip(%v, %v) = %v, want %v", tc.lo, tc.hi, got, tc.want)
				break
			}
		}
	}
}

func TestByteTicks(t *testing.T) {
	for _, tc := range []struct {
		hi   float64
		want string
	}{
		{5000, "2500"}, {80000, "40 kB"}, {100e6, "50 MB"},
	} {
		found := false
		for _, tk := range (byteTicks{}).Ticks(0, tc.hi) {
			if tk.Label == tc.want {
				found = true
			}
		}
		if !found {
			t.Errorf("ticks up to %v lack %q: %v", tc.hi, tc.want, (byteTicks{}).Ticks(0, tc.hi))
		}
	}
}

func TestDiagramCP1252(t *testing.T) {
	for in, want := range map[string]string{
		"SEQ=1":           "SEQ=1",
		"… 7200 s idle …": "\x85 7200 s idle \x85",
		"0.190 s – 0.420": "0.190 s \x96 0.420",
		"mất gói":         "m?t g\xf3i",
		"client→server":   "client?server",
	} {
		if got := dCP1252(in); got != want {
			t.Errorf("dCP1252(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every phrase the drawings write has its glyphs in the font, so no PNG
// shows an empty box or a gap (the ✗ is drawn, not written).
func TestDiagramFontCoverage(t *testing.T) {
	f := drawFace(10)
	check := func(what, s string) {
		for _, r := range s {
			if r == '%' {
				continue
			}
			if i, err := f.Face.GlyphIndex(nil, r); err != nil || i == 0 {
				t.Errorf("%s: Liberation Sans has no %q (in %q)", what, r, s)
			}
		}
	}
	for m := msg(0); m < numMsgs; m++ {
		for _, c := range catalogues {
			check("phrase in "+string(c.lang), c.c[m])
		}
	}
	for _, m := range []msg{msgTime, msgRetransmission, msgFastRetransmission, msgDupACK, msgDupACKN,
		msgZeroWindow, msgZeroWindowProbe, msgWindowUpdate, msgKeepalive, msgKeepaliveN, msgKeepaliveACK,
		msgDelayedACK, msgDropped, msgAborted, msgHostCrash, msgHostReboot, msgLinkDown,
		msgLinkUp, msgInFlightAtEnd} {
		for _, c := range catalogues {
			check("catalogue "+string(c.lang), c.c[m])
		}
	}
	check("labels", "SYN,FIN,RST,PSH,ACK,URG,ECE,CWR\u00a0 SEQ=0123456789 ACK= WIN= LEN= MSS= WS= SACK=-, SYN-SENT ESTABLISHED TIME-WAIT")
}
