package scenarios

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The outputs are files named after the scenario (tcpsim run -o DIR writes
// DIR/NAME.svg …), so a name may not leave DIR or hold control characters
// (issue 12).
func TestParse_NameThatIsNoFileName(t *testing.T) {
	const help = `a name is one line of text such as lost-segment; the output files are named after it, so it has no /, \, .. or control characters`
	for _, tc := range []struct{ yaml, want string }{
		{`"../escaped"`, `"../escaped" has "/"; ` + help},
		{`a/b`, `"a/b" has "/"; ` + help},
		{`'..\x'`, `"..\\x" has "\\"; ` + help},
		{`..`, `".." has ".."; ` + help},
		{`"x\u0007y"`, `"x\ay" has a control character (U+0007); ` + help},
		{`"x\ty"`, `"x\ty" has a control character (U+0009); ` + help},
		{`"x\u0085"`, `"x\u0085" has a control character (U+0085); ` + help},
	} {
		_, err := Parse("x.yaml", []byte("name: "+tc.yaml+"\n"))
		require.Error(t, err, tc.yaml)
		assert.Equal(t, "x.yaml:1:7: name: "+tc.want, strings.SplitN(err.Error(), "\n", 2)[0], tc.yaml)
	}
	for _, ok := range []string{"lost-segment", "Slow start, 10 Mbps", "a.b", "…ünïcode…", ".hidden"} {
		sc, err := Parse("x.yaml", []byte("name: "+ok+"\n"))
		require.NoError(t, err, ok)
		assert.Equal(t, ok, sc.Name)
	}
}

// A scenario without a name is named after its file, made safe the same way.
func TestDefaultName(t *testing.T) {
	for in, want := range map[string]string{
		"lessons/slow-start.yaml":          "slow-start",
		"slow-start.yml":                   "slow-start",
		"notes.txt":                        "notes.txt",
		`C:\lessons\win.yaml`:              "win",
		"dir/a..b.yaml":                    "a_b",
		"...yaml":                          "_",
		"..yaml":                           "scenario",
		"x\x07y.yaml":                      "x_y",
		"bad\xffutf8.yaml":                 "bad_utf8",
		"":                                 "scenario",
		"<input>":                          "scenario",
		"/":                                "scenario",
		strings.Repeat("é", 150) + ".yaml": strings.Repeat("é", 100),
	} {
		got := defaultName(in)
		assert.Equal(t, want, got, "defaultName(%q)", in)
		assert.Empty(t, nameProblem(got), "defaultName(%q) = %q", in, got)
	}
}
