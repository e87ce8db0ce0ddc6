package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each file in testdata/bad is a bad scenario; NAME.golden next to it holds
// the error exactly as a user sees it. Run `go test ./scenarios -run
// TestBadFiles -update` to rewrite them (the -update flag is golden_test.go's),
// and read the diff before committing.
func TestBadFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			sc, err := Parse(name, src)
			require.Error(t, err, "a file in testdata/bad must not load")
			assert.Nil(t, sc)
			var e *Error
			require.True(t, errors.As(err, &e), "%T is not *Error-based", err)

			got := err.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden file: run go test ./scenarios -run TestBadFiles -update")
			assert.Equal(t, string(want), got)
		})
	}
}
