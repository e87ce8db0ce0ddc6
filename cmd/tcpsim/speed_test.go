package main

import (
	"io"
	"testing"
)

// benchRun runs tcpsim run with args, as the built binary would, writing
// nowhere.
func benchRun(b *testing.B, args ...string) {
	b.ReportAllocs()
	for b.Loop() {
		if code := execute(append([]string{"run"}, args...), io.Discard, io.Discard); code != 0 {
			b.Fatalf("tcpsim run %v: exit code %d", args, code)
		}
	}
}

// BenchmarkRunBulk1GB is the README's speed figure: the 1 GB transfer of
// testdata/bulk-1gb.yaml (1.04 M packets) as tcpsim run --ladder none
// does it, the summary its only output. Its CPU profile, with the linux
// one's, is default.pgo (see the README's speed section).
func BenchmarkRunBulk1GB(b *testing.B) {
	benchRun(b, "testdata/bulk-1gb.yaml", "--ladder", "none", "--profile", "rfc")
}

// BenchmarkRunBulk1GBLinux is the same transfer under the linux profile.
func BenchmarkRunBulk1GBLinux(b *testing.B) {
	benchRun(b, "testdata/bulk-1gb.yaml", "--ladder", "none", "--profile", "linux")
}
