package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fairness built-in's summary, with each flow's goodput and Jain's
// index, as a golden file: the whole minute of four flows, to the byte.
func TestRun_FairnessSummary(t *testing.T) {
	code, out, errOut := tcpsim(t, "run", "--no-color", "--ladder", "none", "fairness")
	require.Equal(t, exitOK, code, errOut)
	golden(t, "fairness", out)
	for i := 1; i <= 4; i++ {
		assert.Contains(t, out, "s"+strconv.Itoa(i)+"→r"+strconv.Itoa(i)+" from "+strconv.Itoa(2*(i-1))+".000 s: ")
	}
	_, index, ok := strings.Cut(out, "Jain's fairness index of the goodputs: ")
	require.True(t, ok, out)
	jain, err := strconv.ParseFloat(strings.TrimSpace(index), 64)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, jain, 0.99)
}

// --flow N draws one flow: its sender and receiver are the ladder's two
// timelines, and only their segments are drawn.
func TestRun_FlowLadder(t *testing.T) {
	code, out, errOut := tcpsim(t, "run", "--no-color", "--flow", "3", "--to", "4.1s", "fairness")
	require.Equal(t, exitOK, code, errOut)
	head, _, _ := strings.Cut(out, "\nsummary (")
	lines := strings.Split(head, "\n")
	require.Greater(t, len(lines), 5)
	assert.Regexp(t, `^\s+time\s+s3\s+r3\s*$`, lines[4], "the timelines' heading")
	assert.Contains(t, head, "app: connect")
	assert.Contains(t, head, "SYN")
	for _, other := range []string{"s1", "r1", "s2", "s4"} {
		assert.NotContains(t, head, other, "only flow 3 in the ladder")
	}
	// The summary still counts every flow.
	assert.Contains(t, out, "s1→r1 from 0.000 s")
	// Without --flow, flow 1.
	_, out, _ = tcpsim(t, "run", "--no-color", "--to", "100ms", "fairness")
	assert.Regexp(t, `(?m)^\s+time\s+s1\s+r1\s*$`, out)
}

func TestRun_FlowsOutputs(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := tcpsim(t, "run", "--ladder", "none", "--set", "duration=8s", "-o", dir, "fairness")
	require.Equal(t, exitOK, code, errOut)
	for _, name := range []string{"fairness-flows.png", "fairness-queue.png", "fairness.txt", "fairness.svg", "fairness-seq.png"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if assert.NoError(t, err, name) {
			assert.Positive(t, fi.Size(), name)
		}
	}
	ladder, err := os.ReadFile(filepath.Join(dir, "fairness.txt"))
	require.NoError(t, err)
	assert.Regexp(t, `^\s+time\s+s1\s+r1`, string(ladder), "NAME.txt draws flow 1")

	// A scenario without flows has no such plots, from -o or a flag.
	dir = t.TempDir()
	code, _, errOut = tcpsim(t, "run", "--ladder", "none", "-o", dir, "handshake")
	require.Equal(t, exitOK, code, errOut)
	_, err = os.Stat(filepath.Join(dir, "handshake-flows.png"))
	assert.True(t, os.IsNotExist(err), "no flows plot for handshake")
}

func TestRun_FlowErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--flow", "5", "fairness"}, "--flow 5: fairness has flows 1 to 4"},
		{[]string{"--flow", "0", "fairness"}, "--flow 0: fairness has flows 1 to 4"},
		{[]string{"--flow", "1", "handshake"}, "--flow 1: handshake has no flows"},
		{[]string{"--plot-flows", filepath.Join(t.TempDir(), "f.png"), "handshake"}, "--plot-flows: handshake has no flows sharing a bottleneck to plot"},
		{[]string{"--plot-queue", filepath.Join(t.TempDir(), "q.txt"), "fairness"}, "--plot-queue " + filepath.Join(t.TempDir(), "q.txt")},
		{[]string{"--capture", "server", "--pcap", filepath.Join(t.TempDir(), "x.pcap"), "fairness"}, "--capture server: fairness has flows"},
	} {
		code, _, errOut := tcpsim(t, append([]string{"run", "--ladder", "none"}, tc.args...)...)
		assert.Equal(t, exitBadInput, code, tc.args)
		assert.Contains(t, errOut, strings.Split(tc.want, "/")[0], tc.args)
	}
}

// A sweep of a scenario with flows fills the fairness column with Jain's
// index of the flows' throughputs.
func TestSweep_FlowsFairness(t *testing.T) {
	code, out, errOut := tcpsim(t, "sweep", "fairness", "--set", "duration=60s", "--param", "flows[0].count=1,4")
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 3)
	require.True(t, strings.HasSuffix(lines[0], ",fairness"), lines[0])
	fairness := func(l string) float64 {
		f := strings.Split(l, ",")
		x, err := strconv.ParseFloat(f[len(f)-1], 64)
		require.NoError(t, err, l)
		return x
	}
	assert.Equal(t, 1.0, fairness(lines[1]), "one flow is fair to itself")
	assert.Greater(t, fairness(lines[2]), 0.9)
	assert.Less(t, fairness(lines[2]), 1.0)
}

// The commands made for one client and one server refuse a scenario with
// flows, saying why, rather than measuring its first flow alone.
func TestFlows_OneClientCommands(t *testing.T) {
	code, _, errOut := tcpsim(t, "compare", "fairness", "handshake")
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "fairness has flows: compare counts what one client and one server paid")
	code, _, errOut = tcpsim(t, "kernel", "fairness")
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "flows (the harness joins one client and one server, not a dumbbell)")
}
