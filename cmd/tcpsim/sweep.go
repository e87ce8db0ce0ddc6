package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/scenarios/sweep"
	"github.com/tcpsim/tcpsim/viz/canvas"
)

// sweepOptions are the flags of 'tcpsim sweep', as cobra fills them, and
// what validate makes of them.
type sweepOptions struct {
	scenario string   // the argument: a file or a built-in scenario's name
	params   []string // --param PATH=V1,V2,…
	sets     []string // --set PATH=VALUE
	seeds    int      // --seeds N: seeds 1 … N
	seedsSet bool
	csv      string // the CSV's file; "" or "-" for stdout
	shard    string // I/N
	jobs     int    // runs at once; 0 for GOMAXPROCS
	plot     string // --plot FILE: throughput against loss, and the model

	plotFormat canvas.Format

	// Set by validate.
	grid  *sweep.Grid
	slice sweep.Shard
	runs  []int // the slice's runs, in grid order

	started atomic.Int64 // runs begun, for tests: a write failure stops the sweep
}

// maxJobs bounds --jobs: more runs at once than this only use memory.
const maxJobs = 1024

// newSweepCmd returns 'tcpsim sweep', which maps its flags to
// sweepOptions, validates them and calls runF (runSweep, but for tests).
func newSweepCmd(stdout, stderr io.Writer, runF func(*sweepOptions) error) *cobra.Command {
	o := &sweepOptions{}
	cmd := &cobra.Command{
		Use:   "sweep FILE|NAME",
		Short: "Run a scenario over a grid of parameters and seeds, on all cores; one CSV row per run",
		Long: "Run a scenario for every combination of the values of its parameters (--param, or the\n" +
			"scenario's own sweep block), each with seeds 1 … N, on all cores, and write a CSV row per run\n" +
			"in grid order: the parameters, seed, loss, mss, rtt_s, throughput_bps, retransmissions,\n" +
			"duration_s and fairness. --shard I/N runs one of N slices, for many machines; 'tcpsim merge'\n" +
			"joins their CSVs.",
		Example: "tcpsim sweep lost-segment --param link.loss=0.001,0.002,0.005,0.01 --param link.delay=10ms,50ms --seeds 3 --csv out.csv\n" +
			"tcpsim sweep mathis --csv mathis.csv\n" +
			"tcpsim sweep mathis --shard $JOB_COMPLETION_INDEX/10 --csv shard-$JOB_COMPLETION_INDEX.csv",
		Args: exactArgs(1, "a scenario file or built-in name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.scenario = args[0]
			o.seedsSet = cmd.Flags().Changed("seeds")
			if err := o.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return runSweep(o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.params, "param", nil, "a key to sweep and its values, `PATH=V1,V2,…`, such as link.loss=0.001,0.01 or link.delay=10ms,50ms (repeat for more keys; the grid is every combination; replaces the scenario's sweep params)")
	f.StringArrayVar(&o.sets, "set", nil, "set a key for every run, `PATH=VALUE`, such as duration=1000s or client.mss=1000 (repeatable; after the scenario's sweep set)")
	f.IntVar(&o.seeds, "seeds", 0, "run each point with seeds 1 … `N` (default: the scenario's sweep block, else its seed)")
	f.StringVar(&o.csv, "csv", "", "write the CSV to `FILE` (default: stdout)")
	f.StringVar(&o.shard, "shard", "", "run only slice `I/N` of the grid (I from 0), such as $JOB_COMPLETION_INDEX/10")
	f.IntVar(&o.jobs, "jobs", 0, "runs at once (default: GOMAXPROCS, every core)")
	f.StringVar(&o.plot, "plot", "", "draw each run's throughput against the loss it measured, with Mathis et al.'s model (MSS/RTT)·√(3/2)/√p, to `FILE` (.png, .svg or .pdf)")
	return cmd
}

// validate checks the flags, the scenario and every point of the slice
// before any run starts: a mistake is exit status 2, naming the flag or
// the parameter.
func (o *sweepOptions) validate() error {
	switch {
	case o.jobs < 0 || o.jobs > maxJobs:
		return usageError{fmt.Errorf("--jobs %d: 1 to %d runs at once (0: GOMAXPROCS)", o.jobs, maxJobs)}
	case o.jobs == 0:
		o.jobs = runtime.GOMAXPROCS(0)
	}
	if o.seedsSet && (o.seeds < 1 || o.seeds > 10_000) {
		return usageError{fmt.Errorf("--seeds %d: 1 to 10000 seeds", o.seeds)}
	}
	if o.plot != "" {
		var err error
		if o.plotFormat, err = plotFormat("--plot", o.plot); err != nil {
			return err
		}
	}
	o.slice = sweep.All
	if o.shard != "" {
		var err error
		if o.slice, err = sweep.ParseShard(o.shard); err != nil {
			return usageError{fmt.Errorf("--shard %w", err)}
		}
	}
	base, err := scenarios.Load(o.scenario)
	if err != nil {
		return err
	}
	// The scenario's own sweep: its set applies to every sweep of it, its
	// seeds unless --seeds, its params unless --param.
	g := &sweep.Grid{Scenario: o.scenario}
	if b := base.Sweep; b != nil {
		g.Set = append(g.Set, b.Set...)
		if len(o.params) == 0 {
			for _, p := range b.Params {
				g.Params = append(g.Params, sweep.Param{Path: p.Path, Values: p.Values})
			}
		}
		if b.Seeds > 0 {
			g.Seeds = sweep.Seeds(b.Seeds)
		}
	}
	for _, s := range o.sets {
		ov, err := scenarios.ParseOverride(s, "--set")
		if err != nil {
			return err
		}
		g.Set = append(g.Set, ov)
	}
	for _, s := range o.params {
		p, err := sweep.ParseParam(s, "--param")
		if err != nil {
			var list scenarios.ErrorList
			if errors.As(err, &list) {
				return err
			}
			return usageError{err}
		}
		g.Params = append(g.Params, p)
	}
	if o.seedsSet {
		g.Seeds = sweep.Seeds(o.seeds)
	}
	if err := g.CheckColumns(); err != nil {
		return usageError{fmt.Errorf("--param %w", err)}
	}
	if err := g.Check(); err != nil {
		return usageError{err}
	}
	o.grid = g
	o.runs = o.slice.Runs(g.Len())
	return o.checkPoints()
}

// checkPoints loads every point of the slice once (the seeds aside), so
// that a value that is wrong, alone or with the others, stops the sweep
// before it starts.
func (o *sweepOptions) checkPoints() error {
	perPoint := max(len(o.grid.Seeds), 1)
	last := -1
	for _, run := range o.runs {
		if run/perPoint == last {
			continue
		}
		last = run / perPoint
		if _, err := o.grid.Load(o.grid.Point(run)); err != nil {
			return err
		}
	}
	return nil
}

// runSweep runs the slice's points, o.jobs at once, and writes their rows
// in grid order as they are ready. A run that fails leaves its row out
// (merge then finds it missing) and makes the exit status 1.
func runSweep(o *sweepOptions, stdout, stderr io.Writer) error {
	out, closeOut, err := openCSV(o.csv, stdout)
	if err != nil {
		return err
	}
	w, err := o.grid.NewCSV(out)
	if err != nil {
		return errors.Join(fmt.Errorf("writing the CSV to %s: %w", csvName(o.csv), err), closeOut())
	}
	n := o.grid.Len()
	fmt.Fprintf(stderr, "sweep %s: %s\n", o.scenario, o.describe(n))
	bar := newProgress(stderr, len(o.runs))

	type done struct {
		i   int // in o.runs
		row []string
		run sweepRun
		err error
	}
	todo := make(chan int)
	results := make(chan done)
	// stop is closed when the CSV cannot be written: the runs not yet begun
	// are not begun, since their rows would go nowhere.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range min(o.jobs, max(len(o.runs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range todo {
				o.started.Add(1)
				p := o.grid.Point(o.runs[i])
				r, err := o.grid.Run(p)
				if err != nil {
					results <- done{i: i, err: fmt.Errorf("run %d (%s): %w", p.Run, pointText(p), err)}
					continue
				}
				results <- done{i: i, row: sweep.Row(p, n, r), run: sweepRun{p, r}}
			}
		}()
	}
	go func() {
	feed:
		for i := range o.runs {
			select {
			case todo <- i:
			case <-stop:
				break feed
			}
		}
		close(todo)
		wg.Wait()
		close(results)
	}()

	// Rows wait here until those before them are written.
	pending := map[int]done{}
	next := 0
	var runErrs []error
	var writeErr error
	var ran []sweepRun // for --plot, in grid order
	for d := range results {
		pending[d.i] = d
		for {
			d, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if d.err != nil {
				runErrs = append(runErrs, d.err)
				continue
			}
			if writeErr == nil {
				if writeErr = writeRow(w, d.row); writeErr != nil {
					close(stop)
				}
			}
			if o.plot != "" {
				ran = append(ran, d.run)
			}
		}
		bar.set(next + len(pending))
	}
	bar.finish()
	errs := runErrs
	if writeErr != nil {
		errs = append(errs, fmt.Errorf("writing the CSV to %s: %w", csvName(o.csv), writeErr))
	}
	if err := closeOut(); err != nil {
		errs = append(errs, fmt.Errorf("writing the CSV to %s: %w", csvName(o.csv), err))
	}
	if len(runErrs) > 0 {
		errs = append(errs, fmt.Errorf("%d of %d runs failed; their rows are not in the CSV", len(runErrs), len(o.runs)))
	}
	if o.plot != "" {
		plot := outputFile{what: "--plot", flag: "--plot", path: o.plot}
		files := newFileSet([]outputFile{plot}, stdout, stderr)
		f, err := files.open(plot)
		if err == nil {
			err = f.finish(writeSweepPlot(f, o.plotFormat, strings.TrimSuffix(filepath.Base(o.scenario), ".yaml"), o.grid.Params, ran))
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func writeRow(w *csv.Writer, row []string) error {
	if err := w.Write(row); err != nil {
		return err
	}
	w.Flush() // a row at a time: a sweep cut short keeps what it did
	return w.Error()
}

// describe says what the sweep runs: "30 runs (5 values of
// links.client_to_server.loss × 5 seeds … ), slice 0/1, 2 at once".
func (o *sweepOptions) describe(n int) string {
	var parts []string
	for _, p := range o.grid.Params {
		values := "values"
		if len(p.Values) == 1 {
			values = "value"
		}
		parts = append(parts, fmt.Sprintf("%d %s of %s", len(p.Values), values, p.Path))
	}
	if len(o.grid.Seeds) > 0 {
		parts = append(parts, fmt.Sprintf("%d seeds", len(o.grid.Seeds)))
	}
	s := fmt.Sprintf("%d runs", n)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, " × ") + ")"
	}
	if o.slice.N > 1 {
		s += fmt.Sprintf("; slice %s: %d runs", o.slice, len(o.runs))
	}
	return s + fmt.Sprintf("; %d at once", min(o.jobs, max(len(o.runs), 1)))
}

// pointText names a point's values for a message: link.loss=0.01, seed 3.
func pointText(p sweep.Point) string {
	var parts []string
	for _, ov := range p.Overrides {
		parts = append(parts, ov.String())
	}
	if p.SeedSet {
		parts = append(parts, fmt.Sprintf("seed %d", p.Seed))
	}
	return strings.Join(parts, ", ")
}

// openCSV opens where the CSV goes: stdout for "" or "-", else a file
// (exit status 2 when it cannot be made).
func openCSV(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("--csv %s: %w", path, unwrapPath(err))}
	}
	return f, f.Close, nil
}

func csvName(path string) string {
	if path == "" || path == "-" {
		return "stdout"
	}
	return path
}

// progress shows how far a sweep is: a bar with an ETA on a terminal,
// plain lines otherwise (a line at each tenth, and every 30 s at most
// between them).
type progress struct {
	w     io.Writer
	total int
	term  bool
	start time.Time
	last  time.Time // of the last line or redraw
	tenth int       // the last tenth written as a line
	done  int
}

func newProgress(w io.Writer, total int) *progress {
	now := time.Now()
	return &progress{w: w, total: total, term: isTerminal(w), start: now, last: now}
}

// set records that done runs are over.
func (p *progress) set(done int) {
	p.done = done
	now := time.Now()
	switch {
	case p.total == 0:
	case p.term:
		if now.Sub(p.last) >= 100*time.Millisecond && done < p.total { // finish draws the last
			p.last = now
			fmt.Fprintf(p.w, "\r%s", p.barLine(now))
		}
	case done < p.total:
		tenth := done * 10 / p.total
		if tenth > p.tenth && now.Sub(p.last) >= time.Second || now.Sub(p.last) >= 30*time.Second {
			p.tenth, p.last = tenth, now
			fmt.Fprintf(p.w, "sweep: %s\n", p.status(now))
		}
	}
}

// finish ends the bar's line, or writes the last line.
func (p *progress) finish() {
	switch {
	case p.total == 0:
	case p.term:
		fmt.Fprintf(p.w, "\r%s\n", p.barLine(time.Now()))
	default:
		fmt.Fprintf(p.w, "sweep: %s\n", p.status(time.Now()))
	}
}

// barLine is [█████░░░░░] 37/120 31%, 12s, about 26s left.
func (p *progress) barLine(now time.Time) string {
	const width = 30
	full := p.done * width / p.total
	return "[" + strings.Repeat("█", full) + strings.Repeat("░", width-full) + "] " + p.status(now) + "   "
}

// status is 37/120 runs (31%), 12s, about 26s left.
func (p *progress) status(now time.Time) string {
	elapsed := now.Sub(p.start)
	s := fmt.Sprintf("%d/%d runs (%d%%), %s", p.done, p.total, p.done*100/p.total, roundDuration(elapsed))
	if p.done > 0 && p.done < p.total {
		left := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done))
		s += ", about " + roundDuration(left) + " left"
	}
	return s
}

// roundDuration writes a wall-clock time for people: 0.4s, 12s, 3m20s.
func roundDuration(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
