package main

import (
	"os"
	"syscall"
)

// stdoutClosed reports whether tcpsim was started with its standard output
// closed ("tcpsim run x >&-"). The Go runtime then opens /dev/null as file
// descriptor 1, for reading and writing, so every write would succeed and
// be lost; a shell's ">/dev/null" opens it for writing only. A parent that
// opens /dev/null for reading and writing itself (Python's
// subprocess.DEVNULL) looks the same, so main only warns.
func stdoutClosed() bool {
	fi, err := os.Stdout.Stat()
	if err != nil {
		return true
	}
	null, err := os.Stat(os.DevNull)
	if err != nil || !os.SameFile(fi, null) {
		return false
	}
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, 1, syscall.F_GETFL, 0)
	return errno == 0 && flags&syscall.O_ACCMODE == syscall.O_RDWR
}
