package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tcpsim compare answers the lesson's question in numbers: keep-alive opens
// one connection where Connection: close opens five, each of which the
// server closes first and holds in TIME-WAIT, and its requests wait less.
func TestCompare_KeepAliveAgainstClose(t *testing.T) {
	code, out, errOut := tcpsim(t, "compare", "http-keepalive", "http-close")
	require.Equal(t, 0, code, errOut)
	rows := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		f := strings.Fields(line)
		n := 2
		if strings.HasSuffix(line, " s") {
			n = 4 // two values with their unit
		}
		label := strings.Join(f[:len(f)-n], " ")
		rows[label] = f[len(f)-n:]
	}
	assert.Equal(t, []string{"1", "5"}, rows["connections opened"])
	assert.Equal(t, []string{"1", "5"}, rows["handshakes"])
	assert.Equal(t, []string{"5", "5"}, rows["requests answered"])
	assert.Equal(t, []string{"0", "5"}, rows["TIME-WAIT left, server"])
	assert.Equal(t, []string{"1", "0"}, rows["TIME-WAIT left, client"])
	lat := rows["mean request latency"]
	require.Len(t, lat, 4)
	assert.Less(t, lat[0], lat[2], "keep-alive's requests wait less (no handshake but the first)")
}

func TestCompare_Errors(t *testing.T) {
	code, _, errOut := tcpsim(t, "compare", "http-keepalive")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "at least two scenarios")
	code, _, errOut = tcpsim(t, "compare", "http-keepalive", "no-such-scenario")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no-such-scenario")
	code, _, errOut = tcpsim(t, "compare", "--lang", "fr", "http-keepalive", "http-close")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--lang")
}
