package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpsim/tcpsim/scenarios/kernel"
)

// kernelCLI runs the command line and returns its exit code and outputs.
func kernelCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = execute(args, &o, &e)
	return code, o.String(), e.String()
}

func TestKernel_RefusesWhatItCannotDoYet(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"fairness", "not supported yet: flows"},
	} {
		code, _, stderr := kernelCLI("kernel", tt.name)
		if code != exitBadInput || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", tt.name, code, stderr, tt.want)
		}
	}
}

func TestKernel_ChecksFlagsFirst(t *testing.T) {
	for _, args := range [][]string{
		{"kernel", "--ladder", "tall", "handshake"},
		{"kernel", "--max-time", "0s", "handshake"},
		{"kernel", "no-such-scenario"},
	} {
		if code, _, stderr := kernelCLI(args...); code != exitBadInput {
			t.Errorf("%q: exit %d (%s), want 2", args, code, stderr)
		}
	}
}

// TestKernel_Handshake runs the command for real when it can; without the
// privileges it checks that the command says so and exits 2.
func TestKernel_Handshake(t *testing.T) {
	dir := t.TempDir()
	tracePath, pcapPath := filepath.Join(dir, "h.jsonl"), filepath.Join(dir, "h.pcap")
	code, stdout, stderr := kernelCLI("kernel", "--no-color", "--trace", tracePath, "--pcap", pcapPath, "handshake")
	if err := kernel.Check(); err != nil {
		if os.Getenv("TCPSIM_REQUIRE_TOOLS") == "1" {
			t.Fatalf("TCPSIM_REQUIRE_TOOLS=1 and the kernel harness cannot run here: %v", err)
		}
		if errors.Is(err, kernel.ErrNotPermitted) && (code != exitBadInput || !strings.Contains(stderr, "needs root")) {
			t.Errorf("without privileges: exit %d, stderr %q; want exit 2 saying it needs root", code, stderr)
		}
		t.Skipf("ran without the kernel: %v", err)
	}
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"handshake on the Linux kernel", "SYN seq=100", "SYN,ACK seq=300 ack=101", "ACK seq=101 ack=301", "FIN,ACK", "summary"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	for _, p := range []string{tracePath, pcapPath} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v, %d bytes", p, err, fi.Size())
		}
	}
}
