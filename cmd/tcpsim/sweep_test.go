package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A small sweep: 2 × 2 points, 2 seeds, on lost-segment.
var smallSweep = []string{"sweep", "lost-segment", "--param", "link.loss=1%,5%", "--param", "link.delay=10ms,50ms", "--seeds", "2"}

func TestSweep_CSV(t *testing.T) {
	code, out, errOut := tcpsim(t, smallSweep...)
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 1+8)
	assert.Equal(t, "run,runs,link.loss,link.delay,seed,loss,mss,rtt_s,throughput_bps,retransmissions,duration_s,fairness", lines[0])
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		require.Len(t, f, 12, l)
		assert.Equal(t, []string{itoa(i), "8"}, f[:2], "grid order")
	}
	assert.True(t, strings.HasPrefix(lines[1], "0,8,1%,10ms,1,"), lines[1])
	assert.True(t, strings.HasPrefix(lines[8], "7,8,5%,50ms,2,"), lines[8])
	assert.Contains(t, errOut, "sweep lost-segment: 8 runs (2 values of link.loss × 2 values of link.delay × 2 seeds)")
	assert.Contains(t, errOut, "sweep: 8/8 runs (100%)", "plain progress lines when stderr is no terminal")

	// The same sweep again, one run at a time or many: the same bytes.
	for _, jobs := range []string{"1", "2", "5"} {
		code, again, errOut := tcpsim(t, append(smallSweep, "--jobs", jobs)...)
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, out, again, "--jobs %s", jobs)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// Shards run apart and merged give the whole sweep's CSV.
func TestSweep_ShardsMerge(t *testing.T) {
	_, whole, _ := tcpsim(t, smallSweep...)
	dir := t.TempDir()
	var files []string
	for i := range 3 {
		f := filepath.Join(dir, "shard-"+itoa(i)+".csv")
		code, out, errOut := tcpsim(t, append(smallSweep, "--shard", itoa(i)+"/3", "--csv", f)...)
		require.Equal(t, exitOK, code, errOut)
		assert.Empty(t, out, "the CSV went to its file")
		assert.Contains(t, errOut, "slice "+itoa(i)+"/3")
		files = append(files, f)
	}
	b, err := os.ReadFile(files[1])
	require.NoError(t, err)
	assert.Equal(t, "run,runs,link.loss,link.delay,seed,loss,mss,rtt_s,throughput_bps,retransmissions,duration_s,fairness\n", strings.SplitAfter(string(b), "\n")[0])
	assert.Equal(t, 1+3, strings.Count(string(b), "\n"), "runs 1, 4 and 7")

	code, merged, errOut := tcpsim(t, append([]string{"merge"}, files[2], files[0], files[1])...)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, whole, merged)

	out := filepath.Join(dir, "all.csv")
	code, stdout, errOut := tcpsim(t, append([]string{"merge", "-o", out}, files...)...)
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, stdout)
	b, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, whole, string(b))

	// A shard missing, or given twice: exit status 2, naming the runs.
	code, _, errOut = tcpsim(t, "merge", files[0], files[2])
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "tcpsim: 3 of the grid's 8 runs are missing: 1, 4, 7")
	assert.NotContains(t, errOut, "--help", "the files are wrong, not the command line")
	code, _, errOut = tcpsim(t, "merge", files[0], files[1], files[2], files[1])
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "3 runs are given twice: run 1 (")
	code, _, errOut = tcpsim(t, "merge", "-o", files[0], files[0], files[1], files[2])
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "is both an input and the output (-o)")
}

// The scenario's own sweep block, when no --param is given.
func TestSweep_ScenarioBlock(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(file, []byte("link: {delay: 10ms}\nclient: {send: 64KiB}\nsweep:\n  set: {duration: 30s}\n  params: {link.loss: [0, 2%]}\n  seeds: 2\n"), 0o644))
	code, out, errOut := tcpsim(t, "sweep", file)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "4 runs (2 values of link.loss × 2 seeds)")
	assert.True(t, strings.HasPrefix(out, "run,runs,link.loss,seed,loss,"), out)
	assert.Contains(t, out, "\n3,4,2%,2,")

	// --param replaces the block's params; --seeds its seeds; its set
	// stays, and --set comes after it.
	code, out, errOut = tcpsim(t, "sweep", file, "--param", "client.mss=536")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "2 runs (1 value of client.mss × 2 seeds)")
	assert.Contains(t, out, "\n1,2,536,2,")
	code, out, errOut = tcpsim(t, "sweep", file, "--param", "client.mss=536", "--seeds", "3", "--set", "duration=1ms")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, errOut, "3 runs (1 value of client.mss × 3 seeds)")
	assert.Contains(t, out, "\n2,3,536,3,0,0,0,0,0,0,1.000000\n", "1 ms: no segment arrives, nothing is read")
}

func TestSweep_ExitCodes(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sweep", "lost-segment", "--param", "link.los=0.01"}, exitBadInput, `--param link.los: unknown key "los"; did you mean "loss"?`},
		{[]string{"sweep", "lost-segment", "--param", "link.loss=0.01,2"}, exitBadInput, `--param link.loss: 2 is more than 1 (for 2 percent write "2%")`},
		{[]string{"sweep", "lost-segment", "--param", "link.loss"}, exitBadInput, "--param link.loss: no value: write PATH=VALUE"},
		{[]string{"sweep", "lost-segment", "--param", "link.loss=1%,,2%"}, exitBadInput, "--param link.loss: value 2 of 3 is empty"},
		{[]string{"sweep", "lost-segment", "--param", "seed=1,2"}, exitBadInput, "--seeds N"},
		{[]string{"sweep", "lost-segment", "--set", "duration=0"}, exitBadInput, "--set duration: 0 is zero"},
		{[]string{"sweep", "lost-segment", "--shard", "3/3"}, exitBadInput, `--shard "3/3": the slice's index is 0 to 2`},
		{[]string{"sweep", "lost-segment", "--jobs", "-1"}, exitBadInput, "--jobs -1"},
		{[]string{"sweep", "lost-segment", "--seeds", "0"}, exitBadInput, "--seeds 0: 1 to 10000 seeds"},
		{[]string{"sweep", "lost-segmnt"}, exitBadInput, "did you mean lost-segment?"},
		{[]string{"sweep"}, exitBadInput, "needs a scenario file or built-in name"},
		{[]string{"sweep", "lost-segment", "--csv", filepath.Join(t.TempDir(), "no", "such", "dir.csv")}, exitBadInput, "--csv"},
		// Every run fails (its event budget is too small): exit status 1.
		{[]string{"sweep", "lost-segment", "--set", "event_budget=10", "--seeds", "2"}, exitFailed, "2 of 2 runs failed; their rows are not in the CSV"},
		{[]string{"merge"}, exitBadInput, "needs the CSV files of the shards"},
		{[]string{"merge", "no-such.csv"}, exitBadInput, "no-such.csv: no such file or directory"},
	} {
		code, _, errOut := tcpsim(t, c.args...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, errOut)
		assert.Contains(t, errOut, c.want, c.args)
	}
	code, _, errOut := tcpsim(t, "sweep", "lost-segment", "--set", "event_budget=10")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, errOut, "run 0 (event_budget=10): lost-segment: the run fired its whole event budget")
}

// failingWriter fails every write, as a full disk or a closed pipe does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// A sweep whose CSV cannot be written stops beginning runs: their rows
// would go nowhere.
func TestSweep_WriteFailureStops(t *testing.T) {
	var errOut bytes.Buffer
	var o *sweepOptions
	cmd := newSweepCmd(failingWriter{}, &errOut, func(opts *sweepOptions) error {
		o = opts
		return runSweep(opts, failingWriter{}, &errOut)
	})
	cmd.SetArgs([]string{"lost-segment", "--seeds", "40", "--jobs", "1"})
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	err := cmd.Execute()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "writing the CSV to stdout: no space left on device")
	require.NotNil(t, o)
	assert.LessOrEqual(t, o.started.Load(), int64(3), "runs begun after the first row failed to write")
}
