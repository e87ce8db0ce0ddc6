package scenarios

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestError_Forms(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "a.yaml", Line: 7, Col: 12, Field: "client.isn", Msg: "bad"}, "a.yaml:7:12: client.isn: bad"},
		{Error{File: "a.yaml", Line: 7, Field: "client.isn", Msg: "bad"}, "a.yaml:7: client.isn: bad"},
		{Error{File: "a.yaml", Line: 7, Col: 1, Msg: "bad"}, "a.yaml:7:1: bad"},
		{Error{File: "a.yaml", Msg: "the file is empty"}, "a.yaml: the file is empty"},
	} {
		assert.Equal(t, tc.want, tc.e.Error())
	}
}

func TestError_Snippet(t *testing.T) {
	e := &Error{Line: 7, Col: 15, Source: "client: {isn: abc}"}
	assert.Equal(t, ""+
		"   7 | client: {isn: abc}\n"+
		"     |               ^", e.Snippet())

	e = &Error{Line: 12345, Col: 3, Source: "\t\tx: 1"}
	assert.Equal(t, ""+
		"12345 | \t\tx: 1\n"+
		"      | \t\t^", e.Snippet(), "tabs are copied so the caret lines up")

	e = &Error{Line: 1, Col: 9, Source: "name: \"é\x1b[31m\""}
	assert.Equal(t, ""+
		"   1 | name: \"é�[31m\"\n"+
		"     |         ^", e.Snippet(), "control characters are not sent to the terminal")

	assert.Equal(t, "", (&Error{File: "a.yaml", Msg: "x"}).Snippet(), "no line, no snippet")
}

func TestError_SnippetOfALongLine(t *testing.T) {
	line := strings.Repeat("a", 300) + "X" + strings.Repeat("b", 300)
	e := &Error{Line: 1, Col: 301, Source: line}
	s := e.Snippet()
	first, second, ok := strings.Cut(s, "\n")
	require.True(t, ok)
	assert.Less(t, len([]rune(first)), 120)
	caret := strings.IndexRune(second, '^')
	assert.Equal(t, 'X', []rune(first)[caret], "the caret is under the column:\n%s", s)
}

func TestErrorList(t *testing.T) {
	_, err := Parse("two.yaml", []byte("seed: x\nclient: {isn: y}\n"))
	require.Error(t, err)
	assert.Equal(t, ""+
		`two.yaml:1:7: seed: "x" is not a number; a seed is an integer 0..18446744073709551615`+"\n"+
		`   1 | seed: x`+"\n"+
		`     |       ^`+"\n"+
		`two.yaml:2:15: client.isn: "y" is not a number; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)`+"\n"+
		`   2 | client: {isn: y}`+"\n"+
		`     |               ^`, err.Error())
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, Error{File: "two.yaml", Line: 1, Col: 7, Field: "seed", Msg: `"x" is not a number; a seed is an integer 0..18446744073709551615`, Source: "seed: x"}, *e)
}

func TestErrorList_SortedByPlace(t *testing.T) {
	// The address check runs after both endpoints are read; its message
	// still comes in the order of the file.
	_, err := Parse("x.yaml", []byte("server: {addr: 10.0.0.1}\nclient: {isn: x}\n"))
	require.Error(t, err)
	list := err.(ErrorList)
	require.Len(t, list, 2)
	assert.Equal(t, 1, list[0].Line)
	assert.Equal(t, 2, list[1].Line)
}
