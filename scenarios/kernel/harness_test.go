package kernel

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
)

// TestRun_RebootIsNotSupportedYet: a scenario with a reboot is refused
// before anything is made.
func TestRun_RebootIsNotSupportedYet(t *testing.T) {
	s, err := scenarios.Load("keepalive-reboot")
	require.NoError(t, err)
	_, err = Run(context.Background(), s, nil, Options{})
	require.ErrorIs(t, err, ErrUnsupported)
	assert.Contains(t, err.Error(), "not supported yet: reboot")
}
