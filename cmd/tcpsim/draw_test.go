package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
)

// ladderSegment is a segment's line of a ladder: when, which way, what the
// arrow says, the note beside it, and whether it ends in a drop.
type ladderSegment struct {
	time, dir, text, note string
	dropped               bool
}

// ladderSegments returns the segment lines of a ladder (printed without
// colour), leaving out everything else: states, application calls, timers.
func ladderSegments(ladder string) []ladderSegment {
	var out []ladderSegment
	for _, line := range strings.Split(ladder, "\n") {
		first := strings.Index(line, "│")
		last := strings.LastIndex(line, "│")
		if first < 0 || last <= first {
			continue
		}
		mid := line[first+len("│") : last]
		var dir string
		switch lead := strings.TrimLeft(mid, " "); {
		case strings.HasPrefix(mid, "──"):
			dir = "c→s"
		case strings.HasPrefix(mid, "◀"), strings.HasPrefix(lead, "✗──"): // delivered, or dropped on its way left
			dir = "s→c"
		default:
			continue
		}
		out = append(out, ladderSegment{
			time:    strings.TrimSpace(line[:first]),
			dir:     dir,
			text:    strings.Trim(mid, "─▶◀✗ "),
			note:    strings.TrimSpace(line[last+len("│"):]),
			dropped: strings.Contains(mid, "✗"),
		})
	}
	return out
}

// singleConnection lists the built-in scenarios whose run makes one
// connection: their ladder is the capture's first connection's.
func singleConnection(t *testing.T) []string {
	var names []string
	for _, in := range scenarios.List() {
		s, err := scenarios.Load(in.Name)
		require.NoError(t, err)
		if in.Name == "bulk" || !s.Scripted() || s.Client.App.Reconnect || s.Backup != nil || s.Dumbbell != nil {
			continue // bulk's ladder is long; HTTP, reconnects and flows make more connections
		}
		names = append(names, in.Name)
	}
	require.Contains(t, names, "lost-segment")
	return names
}

// explainedLabel reports whether the simulator's label and the capture's
// for line i of the simulation's ladder differ for a reason of what each
// knows: the simulator knows that its delayed-ACK timer sent an ACK, that
// a segment was received before (its ACK is an "ACK of a duplicate",
// which Wireshark calls a dup ACK), that data begins with the byte a
// zero-window probe sent (Wireshark sees a retransmission), and why it
// resent a segment: in NewReno's fast recovery on a partial ACK (RFC 6582
// §3.2), which is fast though no duplicate ACK asked (Wireshark's rule),
// or on its timer while duplicate ACKs came, which is not.
func explainedLabel(lines []ladderSegment, i int, capture string) bool {
	sim := lines[i].note
	switch {
	case sim == "delayed ACK" && capture == "":
		return true
	case sim == "ACK of a duplicate" && strings.HasPrefix(capture, "dup ACK #"):
		return true
	case sim == "probe byte sent as data" && capture == "retransmission":
		return true
	case sim == "fast retransmission" && capture == "retransmission" && coveredOrSACKHole(lines, i):
		return true
	case sim == "fast retransmission" && capture == "retransmission":
		// A partial ACK's resend (RFC 6582 §3.2 (3)): the ACK for its start
		// was no duplicate, though duplicates of it may have been sent
		// before the resend went.
		for j := i - 1; j >= 0; j-- {
			if lines[j].dir == lines[i].dir {
				continue
			}
			if ackNumber(lines[j].text) != seqNumber(lines[i].text) {
				return false
			}
			if !strings.HasPrefix(lines[j].note, "dup ACK") {
				return true
			}
		}
		return false
	case sim == "retransmission" && capture == "fast retransmission":
		ack := lastAckFrom(lines, i)
		return ack != nil && strings.HasPrefix(ack.note, "dup ACK") && ackNumber(ack.text) == seqNumber(lines[i].text)
	}
	return false
}

// coveredOrSACKHole reports, for a fast retransmission at line i that the
// capture calls a plain retransmission, whether Wireshark's rule for a
// fast one could not hold for what the capture saw: the last ACK the other
// way already covers the segment (the data arrived, the original was only
// late: Wireshark calls it spurious, never fast), or it is a duplicate ACK
// of an earlier sequence number carrying SACK blocks: SACK recovery (RFC
// 6675 NextSeg) resends the later holes on the duplicates of SND.UNA.
func coveredOrSACKHole(lines []ladderSegment, i int) bool {
	ack := lastAckFrom(lines, i)
	if ack == nil {
		return false
	}
	a, errA := strconv.ParseUint(ackNumber(ack.text), 10, 32)
	s, errS := strconv.ParseUint(seqNumber(lines[i].text), 10, 32)
	if errA != nil || errS != nil {
		return false
	}
	return a > s || a < s && strings.HasPrefix(ack.note, "dup ACK") && strings.Contains(ack.text, "sack")
}

// lastAckFrom returns the last line before line i sent the other way.
func lastAckFrom(lines []ladderSegment, i int) *ladderSegment {
	for j := i - 1; j >= 0; j-- {
		if lines[j].dir != lines[i].dir {
			return &lines[j]
		}
	}
	return nil
}

// seqNumber and ackNumber read "seq=N" and "ack=N" from a segment's text.
func seqNumber(text string) string { return field(text, "seq=") }
func ackNumber(text string) string { return field(text, "ack=") }

func field(text, name string) string {
	for _, f := range strings.Fields(text) {
		if v, ok := strings.CutPrefix(f, name); ok {
			return v
		}
	}
	return ""
}

// A simulation's capture taken on the link (every segment, when it is
// sent) drawn again: the same segment lines, at the same times, with the
// same windows and options, as the simulation's own ladder. What the
// capture cannot hold is not there: states, timers, application calls,
// and drops (a segment lost further on looks delivered: the capture saw
// it go). The labels come from the capture's analysis: the simulator's,
// but for what only the simulator knows (explainedLabel).
func TestDraw_SimulationCaptureLink(t *testing.T) {
	for _, name := range singleConnection(t) {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), name+".pcap")
			code, simOut, errOut := tcpsim(t, "run", name, "--no-color", "--relative", "--ladder", "full", "--width", "220", "--capture", "link", "--pcap", file)
			require.Equal(t, exitOK, code, errOut)
			code, drawOut, errOut := tcpsim(t, "draw", file, "--no-color", "--ladder", "full", "--width", "220")
			require.Equal(t, exitOK, code, errOut)

			want, got := ladderSegments(simOut), ladderSegments(drawOut)
			require.Len(t, got, len(want), "segment lines\n%s\n%s", simOut, drawOut)
			for i := range want {
				if w := &want[i]; w.dropped { // the drop's reason is the simulation's; a label, if any, comes first
					w.note, _, _ = strings.Cut(w.note, "dropped: ")
					w.note = strings.TrimSuffix(w.note, ", ")
				}
			}
			for i := range want {
				w, g := want[i], got[i]
				assert.Equal(t, []string{w.time, w.dir, w.text}, []string{g.time, g.dir, g.text}, "line %d", i+1)
				assert.False(t, g.dropped, "line %d: a capture shows no drop", i+1)
				if w.note != g.note && !explainedLabel(want, i, g.note) {
					assert.Fail(t, "the labels differ", "line %d %s %s: simulator %q, capture %q", i+1, w.dir, w.text, w.note, g.note)
				}
			}
		})
	}
}

// Captures beside the client and beside the server hold what reaches
// them when it arrives; drawn and compared with the simulation (its own
// profile, rfc), every segment the point saw matches one the simulation
// sent, and only segments lost before they reached it are missing. On the
// link every segment matches, at the same instant.
func TestDraw_CompareWithItsSimulation(t *testing.T) {
	for _, name := range singleConnection(t) {
		for _, point := range []string{"link", "client", "server"} {
			t.Run(name+"/"+point, func(t *testing.T) {
				file := filepath.Join(t.TempDir(), name+".pcap")
				tr := filepath.Join(t.TempDir(), name+".jsonl")
				code, _, errOut := tcpsim(t, "run", name, "--ladder", "none", "--capture", point, "--pcap", file, "--trace", tr)
				require.Equal(t, exitOK, code, errOut)
				code, out, errOut := tcpsim(t, "draw", file, "--compare", name, "--profile", "rfc", "--ladder", "none")
				require.Equal(t, exitOK, code, errOut)
				if point == "link" {
					assert.Contains(t, out, "similarity 100.0%")
					assert.Contains(t, out, "largest 0.000 ms")
					return
				}
				if name == "reordering" && point == "server" {
					// The overtaken segment reaches the server after four
					// sent later: an alignment that keeps both orders (a
					// longest common subsequence) cannot pair it, so it is
					// counted once on each side.
					assert.Contains(t, out, "1 only in the simulation, 1 only in the capture")
					return
				}
				assert.Contains(t, out, "0 only in the capture", "every segment the capture holds was sent")
			})
		}
	}
}

// The outputs of tcpsim run, drawn from a capture with -o: every file.
func TestDraw_OutputDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "lost.pcap")
	code, _, errOut := tcpsim(t, "run", "lost-segment", "--ladder", "none", "--pcap", file)
	require.Equal(t, exitOK, code, errOut)
	out := filepath.Join(dir, "out")
	code, stdout, errOut := tcpsim(t, "draw", file, "-o", out)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, stdout, "lost — connection 1 of 1: client 10.0.0.1:49152, server 10.0.0.2:80; 26 segments")
	for _, f := range []string{"lost.txt", "lost.jsonl", "lost.pcap", "lost.svg", "lost.png", "lost.pdf", "lost-seq.png", "lost-window.png", "lost.mmd", "lost.puml", "lost.html"} {
		fi, err := os.Stat(filepath.Join(out, f))
		if assert.NoError(t, err, f) {
			assert.NotZero(t, fi.Size(), f)
		}
	}
	// The connection written again reads as the capture did.
	code, again, errOut := tcpsim(t, "draw", filepath.Join(out, "lost.pcap"), "--no-color")
	require.Equal(t, exitOK, code, errOut)
	code, first, _ := tcpsim(t, "draw", file, "--no-color")
	require.Equal(t, exitOK, code)
	assert.Equal(t, ladderSegments(first), ladderSegments(again))
}

func TestDraw_Errors(t *testing.T) {
	dir := t.TempDir()
	capture := filepath.Join(dir, "x.pcap")
	code, _, errOut := tcpsim(t, "run", "handshake", "--ladder", "none", "--pcap", capture)
	require.Equal(t, exitOK, code, errOut)
	text := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(text, []byte("not a capture at all\n"), 0o644))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"draw", filepath.Join(dir, "none.pcap")}, "no such file"},
		{[]string{"draw", dir}, "is a folder"},
		{[]string{"draw", text}, "neither pcap nor pcapng"},
		{[]string{"draw", capture, "--conn", "2"}, "the capture holds one connection"},
		{[]string{"draw", capture, "--conn", "0"}, "numbered from 1"},
		{[]string{"draw", capture, "--profile", "linux"}, "for --compare"},
		{[]string{"draw", capture, "--compare", "no-such-scenario"}, "no built-in scenario"},
		{[]string{"draw", capture, "--ladder", "tall"}, "--ladder"},
		{[]string{"draw", capture, "-o", dir}, "-o " + filepath.Join(dir, "x.pcap") + ": that is the capture being drawn"},
		{[]string{"draw", capture, "--pcap", capture}, "--pcap " + capture + ": that is the capture being drawn"},
		{[]string{"draw"}, "needs a capture file"},
	} {
		code, _, errOut := tcpsim(t, tt.args...)
		assert.Equal(t, exitBadInput, code, "%q: %s", tt.args, errOut)
		assert.Contains(t, errOut, tt.want, tt.args)
	}
}
