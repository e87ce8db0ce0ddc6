package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios/kernel"
)

// needKernel skips the test when the kernel harness cannot run here (not
// root, no TUN device, …), or fails it under TCPSIM_REQUIRE_TOOLS=1 (CI).
func needKernel(t *testing.T) {
	t.Helper()
	err := kernel.Check()
	if err == nil {
		return
	}
	if os.Getenv("TCPSIM_REQUIRE_TOOLS") == "1" {
		t.Fatalf("TCPSIM_REQUIRE_TOOLS=1 and the kernel harness cannot run here: %v", err)
	}
	t.Skipf("the kernel harness cannot run here: %v. Run the tests as root (CI does), "+
		"or set TCPSIM_REQUIRE_TOOLS=1 to make this a failure", err)
}

var similarityRE = regexp.MustCompile(`similarity ([0-9.]+)%: (\d+) segments sent by both, of (\d+) \(simulation\) and (\d+) \(kernel\)`)

// tcpsim kernel --compare on the handshake and the lost segment: a report,
// exit 0, whatever differs. The figures are held loosely: the linux
// profile is being brought closer to the kernel (issue 11), and a wall
// clock drives the kernel's side. What must hold: the handshake and the
// teardown line up, and in lost-segment the lost segment's resend is a
// fast retransmission on both sides.
func TestKernel_Compare(t *testing.T) {
	needKernel(t)
	for _, name := range []string{"handshake", "lost-segment"} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := tcpsim(t, "kernel", name, "--compare", "--ladder", "full", "--no-color")
			require.Equal(t, exitOK, code, errOut)
			t.Logf("\n%s", out)
			assert.Contains(t, out, name+": the simulation (profile linux) against the Linux kernel")
			m := similarityRE.FindStringSubmatch(out)
			require.NotNil(t, m, "no similarity line")
			sim, err := strconv.ParseFloat(m[1], 64)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, sim, 80.0, "similarity")

			rows := reportRows(t, out)
			require.NotEmpty(t, rows)
			assert.True(t, strings.HasPrefix(rows[0].segment, "c→s SYN seq=0"), "the first row is the SYN: %+v", rows[0])
			assert.True(t, rows[0].matched, "both send the SYN")
			for _, want := range []string{"s→c SYN,ACK seq=0 ack=1", "c→s ACK seq=1 ack=1"} {
				assert.True(t, hasMatchedRow(rows, want), "a row %q sent by both", want)
			}
			if name == "lost-segment" {
				r := findRow(rows, "c→s ACK seq=2897 ack=1 len=1448")
				require.NotEmpty(t, r, "the lost segment")
				last := r[len(r)-1]
				assert.True(t, last.matched, "its resend, by both: %+v", last)
				assert.NotContains(t, last.differences, "labels", "both call it a fast retransmission")
			}
		})
	}
}

// compareRow is a row of a comparison report.
type compareRow struct {
	segment, differences string
	matched              bool
}

var rowRE = regexp.MustCompile(`^\s*\d+\s+(\S+)\s+(\S+)\s+(?:[+-][0-9.]+ ms)?\s+((?:c→s|s→c) .*?)\s{2,}(.*)$`)

// reportRows reads the rows of a comparison report.
func reportRows(t *testing.T, report string) []compareRow {
	var rows []compareRow
	for _, line := range strings.Split(report, "\n") {
		m := rowRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows = append(rows, compareRow{segment: m[3], differences: m[4], matched: m[1] != "-" && m[2] != "-"})
	}
	return rows
}

func findRow(rows []compareRow, segment string) []compareRow {
	var out []compareRow
	for _, r := range rows {
		if r.segment == segment {
			out = append(out, r)
		}
	}
	return out
}

func hasMatchedRow(rows []compareRow, segment string) bool {
	for _, r := range findRow(rows, segment) {
		if r.matched {
			return true
		}
	}
	return false
}

// The kernel's own capture (part 1 writes one) drawn: the same segment
// lines as the kernel run's ladder, in relative numbers, at about the same
// instants counted from the first segment, with the same labels; only the
// drop is not there (the capture is taken where the relay reads, before
// the link loses it).
func TestDraw_KernelCapture(t *testing.T) {
	needKernel(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "lost.pcap")
	code, kernelOut, errOut := tcpsim(t, "kernel", "lost-segment", "--relative", "--ladder", "full", "--no-color", "--width", "220", "--pcap", file)
	require.Equal(t, exitOK, code, errOut)
	code, drawOut, errOut := tcpsim(t, "draw", file, "--ladder", "full", "--no-color", "--width", "220")
	require.Equal(t, exitOK, code, errOut)

	want, got := ladderSegments(kernelOut), ladderSegments(drawOut)
	require.Len(t, got, len(want), "segment lines\n%s\n%s", kernelOut, drawOut)
	require.NotEmpty(t, want)
	zero := seconds(t, want[0].time)
	drops := 0
	for i := range want {
		w, g := want[i], got[i]
		assert.Equal(t, []string{w.dir, w.text}, []string{g.dir, g.text}, "line %d", i+1)
		// The capture holds the instant the relay read each packet; the
		// trace, the instant it handed it to its link, later when packets
		// waited for the relay's loop: a tenth of a millisecond, on a busy
		// machine (go test ./... runs packages side by side) several.
		// Only a gross error (a unit, an origin) fails here; viz/pcap's
		// tests hold the times exactly.
		assert.InDelta(t, seconds(t, w.time)-zero, seconds(t, g.time), float64(50*time.Millisecond), "line %d: time", i+1)
		if w.dropped {
			drops++
			w.note, _, _ = strings.Cut(w.note, "dropped: ")
			w.note = strings.TrimSuffix(w.note, ", ")
		}
		assert.Equal(t, w.note, g.note, "line %d: labels", i+1)
	}
	assert.Equal(t, 1, drops, "the kernel's ladder shows the drop")
	assert.Contains(t, drawOut, "fast retransmission")
}

// seconds reads a ladder's time ("0.050321 s") in nanoseconds.
func seconds(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, " s"), 64)
	require.NoError(t, err, s)
	return v * float64(time.Second)
}

// --compare's flags are checked before anything is made: the profile is
// the simulation's, and only goes with --compare.
func TestKernel_CompareChecksFlagsFirst(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"kernel", "--profile", "linux", "handshake"}, "for --compare"},
		{[]string{"kernel", "--compare", "--profile", "bsd", "handshake"}, `unknown profile "bsd"`},
	} {
		code, _, errOut := tcpsim(t, tt.args...)
		assert.Equal(t, exitBadInput, code, "%q: %s", tt.args, errOut)
		assert.Contains(t, errOut, tt.want, tt.args)
	}
}
