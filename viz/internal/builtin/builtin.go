// Package builtin gives the outputs' tests the traces of the built-in
// scenarios, each run once per test binary. Only tests import it: the
// outputs themselves never read scenarios.
package builtin

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/trace"
)

var (
	mu     sync.Mutex
	traces = map[string][]trace.Record{}
)

// Trace returns the trace of the built-in scenario name. The records are
// shared between the tests of a binary: do not change them.
func Trace(t testing.TB, name string) []trace.Record {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if recs, ok := traces[name]; ok {
		return recs
	}
	s, err := scenarios.Load(name)
	require.NoError(t, err)
	var log trace.Log
	_, err = scenarios.Run(s, &log)
	require.NoError(t, err)
	traces[name] = log.Records
	return log.Records
}
