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

// TestRun_HTTPIsNotSupportedYet: the HTTP applications do not run on the
// kernel yet.
func TestRun_HTTPIsNotSupportedYet(t *testing.T) {
	s, err := scenarios.Load("http-keepalive")
	require.NoError(t, err)
	err = Supported(s)
	require.ErrorIs(t, err, ErrUnsupported)
	assert.Contains(t, err.Error(), "HTTP")
}
