package scenarios

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Reading a scenario file is bounded (issue 12): only a regular file is
// read, and never more than one byte past the limit, whatever stat says.

// loadError loads in and returns its one error message.
func loadError(t *testing.T, in string) string {
	t.Helper()
	sc, err := Load(in)
	require.Error(t, err, in)
	assert.Nil(t, sc)
	var list ErrorList
	require.True(t, errors.As(err, &list), "%T is not an ErrorList (exit 2)", err)
	require.Len(t, list, 1)
	return list[0].Error()
}

func TestLoad_DeviceIsNotRead(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Skip("no", os.DevNull)
	}
	for _, dev := range []string{"/dev/zero", "/dev/urandom", os.DevNull} {
		if _, err := os.Stat(dev); err != nil {
			continue
		}
		assert.Equal(t, dev+": not a regular file (a device); a scenario is a YAML file, or a built-in scenario's name", loadError(t, dev))
	}
}

// An endless stream stops one byte past the limit.
func TestReadLimited_StopsPastTheLimit(t *testing.T) {
	var r countingReader
	_, msg := readLimited(&r)
	assert.Equal(t, "the file is more than 65536 bytes; a scenario file is at most 65536", msg)
	assert.Equal(t, int64(maxFileSize+1), r.n, "read just past the limit")

	src, msg := readLimited(strings.NewReader(strings.Repeat("#", maxFileSize)))
	assert.Empty(t, msg)
	assert.Len(t, src, maxFileSize)
}

// countingReader is an endless stream of '#' that counts what is read.
type countingReader struct{ n int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '#'
	}
	r.n += int64(len(p))
	return len(p), nil
}

var _ io.Reader = (*countingReader)(nil)

func TestLoad_TooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Repeat("#", maxFileSize+1)), 0o644))
	assert.Equal(t, path+": the file is 65537 bytes; a scenario file is at most 65536", loadError(t, path))
}

// A file of the same name as a built-in makes the name ambiguous: the
// loader says so rather than pick one silently. ./NAME is the file; a
// directory of that name (an output directory, -o handshake) is no file.
func TestLoad_FileNamedLikeABuiltinIsAmbiguous(t *testing.T) {
	t.Chdir(t.TempDir())
	require.NoError(t, os.Mkdir("lost-segment", 0o755))
	sc, err := Load("lost-segment")
	require.NoError(t, err, "a directory does not shadow the built-in")
	assert.Equal(t, "lost-segment.yaml", sc.File)

	require.NoError(t, os.WriteFile("handshake", []byte("name: mine\n"), 0o644))
	assert.Equal(t, "handshake: is both a built-in scenario and a file here; write ./handshake for the file, or rename the file to run the built-in",
		loadError(t, "handshake"))
	sc, err = Load("./handshake")
	require.NoError(t, err)
	assert.Equal(t, "mine", sc.Name)
}
