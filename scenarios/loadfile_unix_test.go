//go:build unix

package scenarios

import (
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A named pipe is refused before it is opened: opening one blocks until a
// writer comes, and what it carries has no size to check.
func TestLoad_NamedPipeIsNotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe.yaml")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("cannot make a named pipe:", err)
	}
	assert.Equal(t, path+": not a regular file (a named pipe); a scenario is a YAML file, or a built-in scenario's name", loadError(t, path))
}
