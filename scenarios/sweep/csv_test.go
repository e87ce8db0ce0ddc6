package sweep

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRow(t *testing.T) {
	g := &Grid{Params: []Param{mustParam(t, "link.loss=0.5%,1%"), mustParam(t, "link.delay=10ms,50ms")}, Seeds: Seeds(3)}
	assert.Equal(t, []string{"run", "runs", "link.loss", "link.delay", "seed", "loss", "mss", "rtt_s", "throughput_bps", "retransmissions", "duration_s", "fairness"}, g.Header())
	r := Result{Seed: 3, Metrics: Metrics{Loss: 0.0123456789, MSS: 1460, RTT: 100015537 * time.Nanosecond, Throughput: 1426979.4, Retransmissions: 12, Duration: 1000 * time.Second, Fairness: 2.0 / 3}}
	assert.Equal(t, []string{"8", "12", "1%", "10ms", "3", "0.0123457", "1460", "0.100015537", "1426979", "12", "1000", "0.666667"}, Row(g.Point(8), g.Len(), r))
}

// csvOf writes rows under the grid's header, as a shard would.
func csvOf(t *testing.T, header []string, rows ...string) string {
	t.Helper()
	return strings.Join(header, ",") + "\n" + strings.Join(rows, "")
}

func TestMerge(t *testing.T) {
	h := []string{"run", "runs", "link.loss", "seed", "loss"}
	shard0 := csvOf(t, h, "0,5,1%,1,0.01\n", "2,5,\"2%\",1,0.02\n", "4,5,3%,1,0.03\n")
	shard1 := csvOf(t, h, "1,5,1%,2,0.011\n", "3,5,2%,2,0.021\n")
	in := func(files ...string) []Input {
		var ins []Input
		for i, f := range files {
			ins = append(ins, Input{Name: []string{"a.csv", "b.csv", "c.csv"}[i], R: strings.NewReader(f)})
		}
		return ins
	}
	header, rows, err := Merge(in(shard1, shard0))
	require.NoError(t, err)
	assert.Equal(t, h, header)
	var runs []string
	for _, r := range rows {
		runs = append(runs, r[0])
	}
	assert.Equal(t, []string{"0", "1", "2", "3", "4"}, runs, "grid order, whatever the order of the files")
	assert.Equal(t, "2%", rows[2][2])

	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{shard0}, "2 of the grid's 5 runs are missing: 1, 3; is a shard's CSV missing or cut short?"},
		{[]string{shard0, shard1, csvOf(t, h, "3,5,2%,2,0.021\n")}, "1 runs are given twice: run 3 (b.csv:3 and c.csv:2)"},
		{[]string{shard0, shard0}, "3 runs are given twice: run 0 (a.csv:2 and b.csv:2), run 2 (a.csv:3 and b.csv:3), run 4 (a.csv:4 and b.csv:4)"},
		{[]string{shard0, csvOf(t, []string{"run", "runs", "link.delay", "seed", "loss"}, "1,5,1%,2,0.011\n")}, `b.csv: the header differs from a.csv's`},
		{[]string{shard0, csvOf(t, h, "1,6,1%,2,0.011\n")}, "b.csv:2: a grid of 6 runs, but a.csv:2 has one of 5; the CSVs are not of one sweep"},
		{[]string{shard0, csvOf(t, h, "5,5,1%,2,0.011\n")}, `b.csv:2: run "5" of "5" is not a run of the grid`},
		{[]string{"seed,loss\n1,0.1\n"}, "a.csv: not a sweep's CSV: the header does not start with run,runs"},
		{[]string{""}, "a.csv: empty: no header"},
		{[]string{csvOf(t, h)}, "the CSVs hold no run"},
		{[]string{shard0, csvOf(t, h, "1,5,1%\n")}, "b.csv: record on line 2: wrong number of fields"},
		{nil, "no CSV to merge"},
	} {
		_, _, err := Merge(in(c.files...))
		require.Error(t, err, c.want)
		assert.Contains(t, err.Error(), c.want)
		var me *MergeError
		assert.True(t, errors.As(err, &me), "%v is a *MergeError", err)
	}
}

// A grid run twice writes the same bytes.
func TestCSV_Deterministic(t *testing.T) {
	g := &Grid{Scenario: "lost-segment", Params: []Param{mustParam(t, "link.loss=1%,5%"), mustParam(t, "link.jitter=0,2ms")}, Seeds: Seeds(2)}
	write := func() []byte {
		var b bytes.Buffer
		w, err := g.NewCSV(&b)
		require.NoError(t, err)
		for i := range g.Len() {
			p := g.Point(i)
			r, err := g.Run(p)
			require.NoError(t, err)
			require.NoError(t, w.Write(Row(p, g.Len(), r)))
		}
		w.Flush()
		require.NoError(t, w.Error())
		return b.Bytes()
	}
	a, b := write(), write()
	assert.Equal(t, string(a), string(b))
	assert.Equal(t, 1+8, bytes.Count(a, []byte("\n")))
}
