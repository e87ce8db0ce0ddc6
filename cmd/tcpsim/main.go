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
		fmt.Fprintln(os.Stderr, "tcpsim: stdout is closed, so there is nowhere to write the output (to discard it, send it to /dev/null: >/dev/null)")
		os.Exit(exitFailed)
	}
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}
