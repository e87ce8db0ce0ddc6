//go:build !linux

package kernel

import (
	"context"
	"fmt"
	"runtime"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/trace"
)

// Check reports that the harness needs Linux.
func Check() error {
	return fmt.Errorf("%w: it needs Linux network namespaces, and this is %s", ErrUnavailable, runtime.GOOS)
}

func run(context.Context, *scenarios.Scenario, trace.Sink, Options) (*Result, error) {
	return nil, Check()
}
