package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// asTCPSim, set in a test binary's environment, makes it run tcpsim's main
// with its arguments instead of the tests: the tests below start it as a
// process of its own, to close its stdout, limit its file sizes or send it
// signals.
const asTCPSim = "TCPSIM_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asTCPSim) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// command returns tcpsim with args as a process of its own, started by sh
// with script before it ("ulimit -f 64", "exec >&-"); "" for none.
func command(t *testing.T, script string, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	if script != "" {
		script += "; "
	}
	cmd := exec.Command("sh", append([]string{"-c", script + `exec "$0" "$@"`, self}, args...)...)
	cmd.Env = append(os.Environ(), asTCPSim+"=1")
	return cmd
}

// exitCode returns the exit status of a finished process.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

// tempFiles returns the temporary files left in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var tmp []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tcpsim-") {
			tmp = append(tmp, e.Name())
		}
	}
	return tmp
}

// With its stdout closed, tcpsim says so rather than write everything into
// nothing in silence; it does not fail, since a parent that passes
// /dev/null opened for reading and writing looks the same.
func TestRun_StdoutClosed(t *testing.T) {
	var stderr bytes.Buffer
	cmd := command(t, "exec >&-", "run", "handshake")
	cmd.Stderr = &stderr
	assert.Equal(t, exitOK, exitCode(t, cmd.Run()))
	assert.Contains(t, stderr.String(), "tcpsim: warning: stdout looks closed")

	// /dev/null opened for reading and writing, as Python's
	// subprocess.DEVNULL gives it: the same warning, and the run succeeds.
	cmd = command(t, "exec <>/dev/null >&0", "run", "handshake")
	cmd.Stderr = &stderr
	stderr.Reset()
	assert.Equal(t, exitOK, exitCode(t, cmd.Run()), stderr.String())

	// Sent to /dev/null, it is discarded, as asked.
	cmd = command(t, "exec >/dev/null", "run", "handshake")
	cmd.Stderr = &stderr
	stderr.Reset()
	assert.Equal(t, exitOK, exitCode(t, cmd.Run()), stderr.String())
}

// A file that cannot be written whole is not written at all: a full disk
// (here a file-size limit) leaves no truncated pcap, the file that was
// there stays as it was, the message names the file, and the other
// outputs are written.
func TestFiles_WrittenWholeOrNotAtAll(t *testing.T) {
	if testing.Short() {
		t.Skip("the bulk transfer in -short mode")
	}
	dir := t.TempDir()
	pcap, mmd, trace := filepath.Join(dir, "bulk.pcap"), filepath.Join(dir, "bulk.mmd"), filepath.Join(dir, "bulk.jsonl")
	require.NoError(t, os.WriteFile(pcap, []byte("the capture of yesterday"), 0o600))
	var stderr bytes.Buffer
	cmd := command(t, "ulimit -f 256", "run", "--ladder", "none", "--pcap", pcap, "--trace", trace, "--mermaid", mmd, "bulk")
	cmd.Stderr = &stderr
	assert.Equal(t, exitFailed, exitCode(t, cmd.Run()), stderr.String())
	assert.Contains(t, stderr.String(), "tcpsim: --pcap "+pcap+": file too large; not written\n")
	assert.Contains(t, stderr.String(), "tcpsim: --trace "+trace+": file too large; not written\n")
	got, err := os.ReadFile(pcap)
	require.NoError(t, err)
	assert.Equal(t, "the capture of yesterday", string(got), "the old capture is untouched")
	assert.NoFileExists(t, trace)
	assert.FileExists(t, mmd, "the other outputs are written")
	assert.Empty(t, tempFiles(t, dir), "no temporary file is left behind")
}

// A file written through a symbolic link keeps the link, and a file
// written over keeps its permissions; no temporary file stays.
func TestFiles_LinksAndPermissions(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.svg")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o600))
	link := filepath.Join(dir, "link.svg")
	require.NoError(t, os.Symlink(target, link))
	code, _, errOut := tcpsim(t, "run", "--ladder", "none", "--svg", link, "handshake")
	require.Equal(t, exitOK, code, errOut)
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink, "the link is still a link")
	fi, err = os.Stat(target)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the file keeps its permissions")
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(got, []byte("<?xml")), "the link's target is the new diagram")
	assert.Empty(t, tempFiles(t, dir))
}

// SIGINT and SIGTERM stop the run: the files being written are removed,
// every file not written is named, and the exit status is 130 or 143.
func TestFiles_Signals(t *testing.T) {
	if testing.Short() {
		t.Skip("a long run in -short mode")
	}
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(c.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			scenario := filepath.Join(dir, "week.yaml")
			require.NoError(t, os.WriteFile(scenario, []byte(longKeepalive(168*time.Hour)), 0o644))
			out := filepath.Join(dir, "out")
			var stderr bytes.Buffer
			cmd := command(t, "", "run", "--ladder", "none", "--pcap", out+".pcap", "--trace", out+".jsonl", "--svg", out+".svg", scenario)
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			deadline := time.Now().Add(30 * time.Second)
			for len(tempFiles(t, dir)) < 2 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			require.Len(t, tempFiles(t, dir), 2, "the pcap and the trace are being written")
			require.NoError(t, cmd.Process.Signal(c.sig))
			assert.Equal(t, c.code, exitCode(t, cmd.Wait()), stderr.String())
			assert.Contains(t, stderr.String(), "tcpsim: interrupted ("+c.sig.String()+")\n")
			for _, f := range []string{"--pcap " + out + ".pcap", "--trace " + out + ".jsonl", "--svg " + out + ".svg"} {
				assert.Contains(t, stderr.String(), "tcpsim: "+f+": not written\n")
			}
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "only the scenario is left")
		})
	}
}
