package scenarios

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Windows editors start a UTF-8 file with a byte order mark; it is not
// part of the first key (issue 12).
func TestParse_ByteOrderMark(t *testing.T) {
	sc, err := Parse("x.yaml", []byte("\ufeffduration: 10s\nclient: {isn: 7}\n"))
	require.NoError(t, err)
	assert.Equal(t, uint32(7), uint32(sc.Client.TCP.ISS))

	path := filepath.Join(t.TempDir(), "bom.yaml")
	require.NoError(t, os.WriteFile(path, []byte("\ufeffname: windows\r\nseed: 2\r\n"), 0o644))
	sc, err = Load(path)
	require.NoError(t, err)
	assert.Equal(t, "windows", sc.Name)
	assert.Equal(t, uint64(2), sc.Seed)
}

// A file saved as UTF-16 says so, rather than show a line of garbage.
func TestParse_UTF16(t *testing.T) {
	for _, bom := range []string{"\xff\xfe", "\xfe\xff"} {
		_, err := Parse("x.yaml", []byte(bom+"s\x00e\x00e\x00d\x00"))
		require.Error(t, err)
		assert.Equal(t, "x.yaml: the file is UTF-16 text; save it as UTF-8", err.Error())
	}
}
