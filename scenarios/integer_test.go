package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A leading zero is an error (issue 12): YAML 1.1 reads isn: 0100 as octal
// (64), YAML 1.2 as decimal (100), so the number depends on who reads it.
// Every key whose value is a number reads it through wholeNumber; this
// test puts 0100 in each, from the doc's tables.
func TestParse_LeadingZeroInEveryNumberKey(t *testing.T) {
	where := map[string]string{
		"top":        "%s: 0100\n",
		"link":       "link: {%s: 0100}\n",
		"endpoint":   "client: {%s: 0100}\n",
		"app":        "client: {%s: 0100}\n",
		"keepalive":  "client: {keepalive: {%s: 0100}}\n",
		"reader":     "client: {reader: {%s: 0100}}\n",
		"drop":       "drop: [{from: client, %s: 0100}]\n",
		"outage":     "outages: [{from: 1s, to: 2s, %s: 0100}]\n",
		"event":      "events: [{at: 1s, crash: client, %s: 0100}]\n",
		"httpclient": "client: {http: {%s: 0100}}\nserver: {http: true}\n",
		"httpserver": "client: {http: true}\nserver: {http: {%s: 0100}}\n",
		"heartbeat":  "client: {heartbeat: {%s: 0100}}\n",
		"sweep":      "sweep: {%s: 0100}\n",
		"bottleneck": "bottleneck: {%s: 0100}\nflows: [{}]\n",
		"flow":       "flows: [{%s: 0100}]\n",
	}
	tried := 0
	try := func(src string) {
		tried++
		_, err := Parse("x.yaml", []byte(src))
		require.Error(t, err, src)
		assert.Contains(t, err.Error(), "0100 has a leading zero, which YAML 1.1 reads as octal (64) and YAML 1.2 as decimal (100); write 100, or 0o100 for octal", src)
	}
	for region, rows := range docKeyTables {
		for _, r := range rows() {
			if !strings.HasPrefix(r.typ, "integer") && r.typ != "size" && r.typ != "probability" {
				continue
			}
			tmpl := where[region]
			if r.only == "server" {
				tmpl = strings.Replace(tmpl, "client", "server", 1)
			}
			try(fmt.Sprintf(tmpl, r.name))
		}
	}
	try("client: {writes: [{at: 1s, bytes: 0100}]}\n")
	assert.GreaterOrEqual(t, tried, 25, "the doc's tables have this many number keys")
}

func TestParse_IntegerForms(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		isn  uint32
	}{
		{"100", 100}, {"1_000", 1000}, {"0", 0}, {"0x64", 100}, {"0o144", 100}, {"0b1100100", 100}, {"1e2", 100},
	} {
		sc, err := Parse("x.yaml", []byte("client: {isn: "+tc.yaml+"}\n"))
		require.NoError(t, err, tc.yaml)
		assert.Equal(t, tc.isn, uint32(sc.Client.TCP.ISS), tc.yaml)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"00", "00 has a leading zero, which marks an octal number in YAML 1.1; write 0"},
		{"08", "08 has a leading zero, which marks an octal number in YAML 1.1; write 8"},
		{"0_100", "0_100 has a leading zero, which YAML 1.1 reads as octal (64) and YAML 1.2 as decimal (100); write 100, or 0o100 for octal"},
		{"+0100", "+0100 has a leading zero, which YAML 1.1 reads as octal (64) and YAML 1.2 as decimal (100); write 100, or 0o100 for octal"},
		{"0999999999999999999999", "0999999999999999999999 has a leading zero, which marks an octal number in YAML 1.1; write 999999999999999999999"},
		{"0X64", `"0X64" is not a number`},
	} {
		_, err := Parse("x.yaml", []byte("client: {isn: "+tc.yaml+"}\n"))
		require.Error(t, err, tc.yaml)
		assert.Contains(t, err.Error(), "client.isn: "+tc.want, tc.yaml)
	}
	_, err := Parse("x.yaml", []byte("link: {jitter: 05ms}\nclient: {port: -0100}\n"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "link.jitter", "05ms is text to any YAML, read as decimal")
	assert.Contains(t, err.Error(), "-0100 has a leading zero, which YAML 1.1 reads as octal (-64) and YAML 1.2 as decimal (-100); write -100, or -0o100 for octal")
}
