// Command tcpsim runs packet-level TCP scenarios and shows what happens on
// the wire: a ladder diagram in the terminal, a JSON-lines trace for scripts.
//
//	tcpsim run scenarios/lost-segment.yaml
//	tcpsim list
package main

import (
	"fmt"
	"os"
	"runtime/debug"
)

// memoryLimit is the heap size past which the Go runtime collects garbage
// harder (see runtime/debug.SetMemoryLimit), unless GOMEMLIMIT says
// otherwise. What tcpsim keeps is bounded (a PNG's raster is the largest
// thing: at most 48 MiB); without a limit the garbage made while drawing
// could double that before a collection.
const memoryLimit = 64 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	if stdoutClosed() {
		// A warning, not a failure: a parent that hands over /dev/null
		// opened for reading and writing (Python's subprocess.DEVNULL,
		// systemd's StandardOutput=null) looks the same as a closed stdout,
		// and its run must not fail for it.
		fmt.Fprintln(os.Stderr, "tcpsim: warning: stdout looks closed (it is /dev/null opened for reading and writing, as the Go runtime leaves a closed stdout): what is written there is lost; send it to a file, or to discard it say so with >/dev/null")
	}
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}
