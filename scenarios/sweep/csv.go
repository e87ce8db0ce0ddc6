package sweep

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The CSV has a row per run: run (its index in the grid, from 0) and runs
// (the grid's size), so that the shards of a sweep can be joined and
// checked; each swept parameter's value as written, under its path; then
// what was measured (Metrics).
const (
	colRun  = "run"
	colRuns = "runs"
)

// measured are the columns after the parameters.
var measured = []string{"seed", "loss", "mss", "rtt_s", "throughput_bps", "retransmissions", "duration_s", "fairness"}

// Header returns the CSV's header for the grid.
func (g *Grid) Header() []string {
	h := []string{colRun, colRuns}
	for _, p := range g.Params {
		h = append(h, p.Path)
	}
	return append(h, measured...)
}

// CheckColumns reports a parameter whose path is also one of the CSV's
// own columns, or given twice.
func (g *Grid) CheckColumns() error {
	seen := map[string]bool{colRun: true, colRuns: true}
	for _, c := range measured {
		seen[c] = true
	}
	for _, p := range g.Params {
		switch {
		case p.Path == "seed":
			return fmt.Errorf("seed: sweep seeds with --seeds N (seeds 1 to N), or set one with --set seed=N")
		case seen[p.Path]:
			return fmt.Errorf("%s is given twice", p.Path)
		}
		seen[p.Path] = true
	}
	return nil
}

// Row returns the CSV row of point p, of a grid of n runs, that gave r.
func Row(p Point, n int, r Result) []string {
	row := []string{strconv.Itoa(p.Run), strconv.Itoa(n)}
	row = append(row, p.Values...)
	m := &r.Metrics
	return append(row,
		strconv.FormatUint(r.Seed, 10),
		strconv.FormatFloat(m.Loss, 'g', 6, 64),
		strconv.Itoa(m.MSS),
		seconds(m.RTT),
		strconv.FormatFloat(m.Throughput, 'f', 0, 64),
		strconv.FormatInt(m.Retransmissions, 10),
		seconds(m.Duration),
		strconv.FormatFloat(m.Fairness, 'f', 6, 64),
	)
}

// seconds writes a duration in seconds, to the nanosecond, without
// trailing zeros: 0.100015, 1, 999.9.
func seconds(d time.Duration) string {
	s := strconv.FormatFloat(d.Seconds(), 'f', 9, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// NewCSV returns a CSV writer on w that has written the grid's header.
func (g *Grid) NewCSV(w io.Writer) (*csv.Writer, error) {
	c := csv.NewWriter(w)
	if err := c.Write(g.Header()); err != nil {
		return nil, err
	}
	return c, nil
}

// Input is one CSV to merge: its name for messages, and its bytes.
type Input struct {
	Name string
	R    io.Reader
}

// MergeError is a problem with the CSVs given to Merge: not a sweep's,
// headers that differ, rows missing or given twice.
type MergeError struct{ Msg string }

func (e *MergeError) Error() string { return e.Msg }

func mergeErrorf(format string, args ...any) error {
	return &MergeError{fmt.Sprintf(format, args...)}
}

// maxShown is how many missing or duplicate runs a message lists.
const maxShown = 10

// Merge joins the CSVs of a sweep's shards into one, in grid order. They
// must have one header, agree on the grid's size, and hold every run
// exactly once between them. The error is a *MergeError for any of these.
func Merge(inputs []Input) (header []string, rows [][]string, err error) {
	if len(inputs) == 0 {
		return nil, nil, mergeErrorf("no CSV to merge")
	}
	type where struct {
		file string
		line int
	}
	total := -1
	var totalAt where
	byRun := map[int][]string{}
	seenAt := map[int]where{}
	var dups []string
	for _, in := range inputs {
		r := csv.NewReader(in.R)
		h, err := r.Read()
		if err == io.EOF {
			return nil, nil, mergeErrorf("%s: empty: no header", in.Name)
		}
		if err != nil {
			return nil, nil, mergeErrorf("%s: %v", in.Name, err)
		}
		if header == nil {
			header = h
			if len(h) < 2 || h[0] != colRun || h[1] != colRuns {
				return nil, nil, mergeErrorf("%s: not a sweep's CSV: the header does not start with %s,%s", in.Name, colRun, colRuns)
			}
		} else if !slices.Equal(h, header) {
			return nil, nil, mergeErrorf("%s: the header differs from %s's: %q, not %q; the CSVs are not of one sweep", in.Name, inputs[0].Name, strings.Join(h, ","), strings.Join(header, ","))
		}
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			line, _ := r.FieldPos(0)
			if err != nil {
				return nil, nil, mergeErrorf("%s: %v", in.Name, err)
			}
			at := where{in.Name, line}
			run, err1 := strconv.Atoi(rec[0])
			n, err2 := strconv.Atoi(rec[1])
			switch {
			case err1 != nil || err2 != nil || run < 0 || n < 1 || run >= n:
				return nil, nil, mergeErrorf("%s:%d: run %q of %q is not a run of the grid", in.Name, line, rec[0], rec[1])
			case total < 0:
				total, totalAt = n, at
			case n != total:
				return nil, nil, mergeErrorf("%s:%d: a grid of %d runs, but %s:%d has one of %d; the CSVs are not of one sweep", in.Name, line, n, totalAt.file, totalAt.line, total)
			}
			if first, dup := seenAt[run]; dup {
				dups = append(dups, fmt.Sprintf("run %d (%s:%d and %s:%d)", run, first.file, first.line, in.Name, line))
				continue
			}
			seenAt[run] = at
			byRun[run] = rec
		}
	}
	if len(dups) > 0 {
		return nil, nil, mergeErrorf("%d runs are given twice: %s", len(dups), listSome(dups))
	}
	if total < 0 {
		return nil, nil, mergeErrorf("the CSVs hold no run")
	}
	var missing []string
	for i := range total {
		rec, ok := byRun[i]
		if !ok {
			missing = append(missing, strconv.Itoa(i))
			continue
		}
		rows = append(rows, rec)
	}
	if len(missing) > 0 {
		return nil, nil, mergeErrorf("%d of the grid's %d runs are missing: %s; is a shard's CSV missing or cut short?", len(missing), total, listSome(missing))
	}
	return header, rows, nil
}

// listSome lists at most maxShown items, and says how many more.
func listSome(items []string) string {
	if len(items) <= maxShown {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:maxShown], ", ") + fmt.Sprintf(" and %d more", len(items)-maxShown)
}
