// Command tcpsim runs packet-level TCP scenarios and shows what happens on
// the wire: a ladder diagram in the terminal, a JSON-lines trace for scripts.
//
//	tcpsim run scenarios/lost-segment.yaml
//	tcpsim list
package main

import (
	"os"
)

func main() {
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}
