// Package sweep runs a scenario over a grid of parameters and seeds and
// measures each run: the grid in a stable order, its slices for many
// machines (shards), what is measured of a run (Meter), the CSV with a row
// per run, and the merge of the shards' CSVs. It runs one point at a time
// and starts no goroutine: tcpsim sweep runs the points on all cores, each
// run single-threaded and deterministic.
package sweep

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tcpsim/tcpsim/scenarios"
)

// Param is a swept key and its values, each an override of the key.
type Param struct {
	Path   string
	Values []scenarios.Override
}

// Grid is a sweep: every combination of its parameters' values, each run
// with every seed, in a stable order: the first parameter varies slowest
// and the seed fastest, as nested loops would run them.
type Grid struct {
	// Scenario is the scenario's file or built-in name, as Load takes it.
	Scenario string
	// Set are overrides of every run, before the parameters'.
	Set []scenarios.Override
	// Params are the swept keys, in order.
	Params []Param
	// Seeds are the seeds of each point; none: the scenario's own seed.
	Seeds []uint64
}

// MaxRuns bounds a grid: a sweep is a study, not a hunt.
const MaxRuns = 1_000_000

// Point is one run of the grid.
type Point struct {
	Run    int      // its index in the grid, from 0
	Values []string // each parameter's value, as written
	// Overrides are the grid's Set and the parameters' values.
	Overrides []scenarios.Override
	Seed      uint64 // when SeedSet
	SeedSet   bool
}

// Len is the number of runs.
func (g *Grid) Len() int {
	n := max(len(g.Seeds), 1)
	for _, p := range g.Params {
		n *= len(p.Values)
	}
	return n
}

// Check reports a grid too large to run, or a parameter without values.
func (g *Grid) Check() error {
	n := max(len(g.Seeds), 1)
	for _, p := range g.Params {
		if len(p.Values) == 0 {
			return fmt.Errorf("%s has no values", p.Path)
		}
		if n > MaxRuns/len(p.Values) {
			return fmt.Errorf("the grid has more than %d runs; sweep fewer values, or split it into several sweeps", MaxRuns)
		}
		n *= len(p.Values)
	}
	return nil
}

// Point returns run i of the grid, 0 ≤ i < Len().
func (g *Grid) Point(i int) Point {
	p := Point{Run: i, Overrides: append([]scenarios.Override(nil), g.Set...)}
	rest := i
	if len(g.Seeds) > 0 {
		p.Seed, p.SeedSet = g.Seeds[rest%len(g.Seeds)], true
		rest /= len(g.Seeds)
	}
	idx := make([]int, len(g.Params))
	for k := len(g.Params) - 1; k >= 0; k-- {
		n := len(g.Params[k].Values)
		idx[k] = rest % n
		rest /= n
	}
	for k, param := range g.Params {
		o := param.Values[idx[k]]
		p.Values = append(p.Values, o.Value)
		p.Overrides = append(p.Overrides, o)
	}
	return p
}

// Load loads the scenario of point p: the grid's scenario with p's
// overrides and seed.
func (g *Grid) Load(p Point) (*scenarios.Scenario, error) {
	s, err := scenarios.LoadWith(g.Scenario, scenarios.Options{Overrides: p.Overrides})
	if err != nil {
		return nil, err
	}
	if p.SeedSet {
		s.Seed = p.Seed
	}
	return s, nil
}

// Result is what a run gave: its seed and what was measured.
type Result struct {
	Seed uint64
	Metrics
}

// Run loads and runs point p and measures it. The error is the load's
// (bad input) or the run's (its event budget ran out).
func (g *Grid) Run(p Point) (Result, error) {
	s, err := g.Load(p)
	if err != nil {
		return Result{}, err
	}
	m := NewMeter()
	if _, err := scenarios.Run(s, m); err != nil {
		return Result{}, err
	}
	return Result{Seed: s.Seed, Metrics: m.Metrics()}, nil
}

// Seeds returns the seeds 1 … n.
func Seeds(n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(i + 1)
	}
	return s
}

// ParseParam reads a command line's parameter: PATH=V1,V2,… (a comma
// inside brackets, braces or quotes does not separate values:
// client.keepalive={idle: 1h, probes: 3},false). source names it in
// messages ("--param").
func ParseParam(s, source string) (Param, error) {
	o, err := scenarios.ParseOverride(s, source)
	if err != nil {
		return Param{}, err
	}
	values, problem := splitValues(o.Value)
	if problem != "" {
		return Param{}, fmt.Errorf("%s %s: %s", source, o.Path, problem)
	}
	p := Param{Path: o.Path}
	for _, v := range values {
		p.Values = append(p.Values, scenarios.Override{Path: o.Path, Value: v, Source: source})
	}
	return p, nil
}

// splitValues splits a list of values at the commas outside brackets,
// braces and quotes, trimming spaces.
func splitValues(s string) ([]string, string) {
	var out []string
	depth, start := 0, 0
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '[' || r == '{':
			depth++
		case r == ']' || r == '}':
			depth--
		case r == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	out = append(out, strings.TrimSpace(s[start:]))
	for i, v := range out {
		if v == "" {
			return nil, fmt.Sprintf("value %d of %d is empty; write the values with commas between them, such as 0.001,0.002", i+1, len(out))
		}
	}
	return out, ""
}

// Shard is slice I of N of a grid (0 ≤ I < N): the runs whose index is I
// modulo N. Dealt out in turn rather than cut in blocks, the slices take
// alike long even when the grid's slow runs sit together (a long delay,
// a low loss).
type Shard struct{ I, N int }

// All is the whole grid, one slice.
var All = Shard{0, 1}

// ParseShard reads I/N, such as 0/8 (a Kubernetes indexed Job's
// JOB_COMPLETION_INDEX, a Slurm array's SLURM_ARRAY_TASK_ID from 0).
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	switch {
	case !ok || err1 != nil || err2 != nil:
		return Shard{}, fmt.Errorf("%q is not I/N; write the slice's index from 0 and the number of slices, such as 0/8", s)
	case n < 1 || n > MaxRuns:
		return Shard{}, fmt.Errorf("%q: the number of slices is 1 to %d", s, MaxRuns)
	case i < 0 || i >= n:
		return Shard{}, fmt.Errorf("%q: the slice's index is 0 to %d (from 0, as JOB_COMPLETION_INDEX counts)", s, n-1)
	}
	return Shard{i, n}, nil
}

// Runs returns the indexes of the runs of a grid of n runs in the slice,
// in grid order.
func (s Shard) Runs(n int) []int {
	var runs []int
	for i := s.I; i < n; i += s.N {
		runs = append(runs, i)
	}
	return runs
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.I, s.N) }
