package sweep

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
)

func mustParam(t *testing.T, s string) Param {
	t.Helper()
	p, err := ParseParam(s, "--param")
	require.NoError(t, err)
	return p
}

// The grid runs as nested loops would: the first parameter slowest, the
// seed fastest.
func TestGrid_Order(t *testing.T) {
	g := &Grid{
		Set:    []scenarios.Override{{Path: "duration", Value: "1s"}},
		Params: []Param{mustParam(t, "link.loss=0.001,0.01,0.1"), mustParam(t, "link.delay=10ms,50ms")},
		Seeds:  Seeds(2),
	}
	require.Equal(t, 12, g.Len())
	var got []string
	for i := range g.Len() {
		p := g.Point(i)
		require.Equal(t, i, p.Run)
		require.True(t, p.SeedSet)
		require.Len(t, p.Overrides, 3)
		assert.Equal(t, "duration=1s", p.Overrides[0].String(), "the grid's set comes first")
		got = append(got, fmt.Sprintf("%s %s %d", p.Values[0], p.Values[1], p.Seed))
	}
	assert.Equal(t, []string{
		"0.001 10ms 1", "0.001 10ms 2", "0.001 50ms 1", "0.001 50ms 2",
		"0.01 10ms 1", "0.01 10ms 2", "0.01 50ms 1", "0.01 50ms 2",
		"0.1 10ms 1", "0.1 10ms 2", "0.1 50ms 1", "0.1 50ms 2",
	}, got)

	g.Seeds = nil
	assert.Equal(t, 6, g.Len())
	p := g.Point(5)
	assert.False(t, p.SeedSet, "without seeds, the scenario's own")
	assert.Equal(t, []string{"0.1", "50ms"}, p.Values)

	assert.Equal(t, 1, (&Grid{}).Len(), "no parameter: one run")
}

// Across the slices of a grid every run is in exactly one, in grid
// order, and the slices differ in size by one at most.
func TestShard_EveryRunOnce(t *testing.T) {
	for _, total := range []int{1, 2, 7, 12, 100} {
		for _, n := range []int{1, 2, 3, 8, 13} {
			seen := make([]int, total)
			sizes := []int{}
			for i := range n {
				runs := Shard{i, n}.Runs(total)
				assert.True(t, slices.IsSorted(runs), "%d/%d of %d", i, n, total)
				for _, r := range runs {
					seen[r]++
				}
				sizes = append(sizes, len(runs))
			}
			for r, c := range seen {
				assert.Equal(t, 1, c, "run %d of %d in %d slices", r, total, n)
			}
			assert.LessOrEqual(t, slices.Max(sizes)-slices.Min(sizes), 1, "%d runs in %d slices: %v", total, n, sizes)
		}
	}
}

func TestParseShard(t *testing.T) {
	s, err := ParseShard("3/8")
	require.NoError(t, err)
	assert.Equal(t, Shard{3, 8}, s)
	assert.Equal(t, "3/8", s.String())
	for _, c := range []struct{ in, want string }{
		{"8/8", "the slice's index is 0 to 7"},
		{"-1/8", "the slice's index is 0 to 7"},
		{"1/0", "the number of slices is 1 to"},
		{"3", "is not I/N"},
		{"a/b", "is not I/N"},
		{"", "is not I/N"},
	} {
		_, err := ParseShard(c.in)
		require.Error(t, err, c.in)
		assert.Contains(t, err.Error(), c.want, c.in)
	}
}

func TestParseParam(t *testing.T) {
	p := mustParam(t, "client.keepalive={idle: 1h, probes: 3}, false ,'a,b'")
	assert.Equal(t, "client.keepalive", p.Path)
	var values []string
	for _, o := range p.Values {
		assert.Equal(t, "client.keepalive", o.Path)
		assert.Equal(t, "--param", o.Source)
		values = append(values, o.Value)
	}
	assert.Equal(t, []string{"{idle: 1h, probes: 3}", "false", "'a,b'"}, values)

	for _, c := range []struct{ in, want string }{
		{"link.loss", "--param link.loss: no value: write PATH=VALUE"},
		{"link.loss=0.1,,0.2", "--param link.loss: value 2 of 3 is empty"},
		{"link.loss=", "--param link.loss: value 1 of 1 is empty"},
		{"=1", "--param: the path is empty"},
	} {
		_, err := ParseParam(c.in, "--param")
		require.Error(t, err, c.in)
		assert.Contains(t, err.Error(), c.want, c.in)
	}
}

func TestGrid_Checks(t *testing.T) {
	many := Param{Path: "seed"}
	for range 1001 {
		many.Values = append(many.Values, scenarios.Override{Path: "x", Value: "1"})
	}
	big := &Grid{Params: []Param{many, many}, Seeds: Seeds(1000)}
	err := big.Check()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 1000000 runs")
	assert.Error(t, (&Grid{Params: []Param{{Path: "link.loss"}}}).Check())

	err = (&Grid{Params: []Param{mustParam(t, "seed=1,2")}}).CheckColumns()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--seeds N")
	err = (&Grid{Params: []Param{mustParam(t, "link.loss=1%"), mustParam(t, "link.loss=2%")}}).CheckColumns()
	assert.EqualError(t, err, "link.loss is given twice")
	err = (&Grid{Params: []Param{mustParam(t, "rtt_s=1")}}).CheckColumns()
	assert.EqualError(t, err, "rtt_s is given twice")
	assert.NoError(t, (&Grid{Params: []Param{mustParam(t, "link.loss=1%")}}).CheckColumns())
}

func TestGrid_Run(t *testing.T) {
	g := &Grid{Scenario: "lost-segment", Params: []Param{mustParam(t, "client.mss=536,1460")}, Seeds: Seeds(1)}
	r, err := g.Run(g.Point(0))
	require.NoError(t, err)
	assert.Equal(t, uint64(1), r.Seed)
	assert.Equal(t, 536, r.MSS)
	r, err = g.Run(g.Point(1))
	require.NoError(t, err)
	assert.Equal(t, 1460, r.MSS)

	g = &Grid{Scenario: "lost-segment", Set: []scenarios.Override{{Path: "event_budget", Value: "5"}}}
	_, err = g.Run(g.Point(0))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "event budget"), err.Error())
}
