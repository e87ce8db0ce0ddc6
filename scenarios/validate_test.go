package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/tcp"
)

// TestBuiltins_TCPConfigsValidate checks that both endpoints of every
// built-in scenario, as the file has them and under each --profile, have
// TCP settings tcp.Config.Validate accepts.
func TestBuiltins_TCPConfigsValidate(t *testing.T) {
	infos := List()
	require.NotEmpty(t, infos)
	for _, info := range infos {
		for _, profile := range append([]string{""}, tcp.Profiles...) {
			s, err := LoadWith(info.Name, Options{Profile: profile})
			require.NoError(t, err, "%s --profile %q", info.Name, profile)
			for _, ep := range []Endpoint{s.Client, s.Server} {
				assert.NoError(t, ep.TCP.Validate(), "%s --profile %q: %s", info.Name, profile, ep.Name)
			}
		}
	}
}

// TestLoader_LimitsValidate checks that the loader's limits for TCP keys
// lie within what tcp.Config.Validate accepts: endpoints set to the lowest
// and to the highest values the loader takes validate (delayed_ack: 499ms,
// as RFC 1122 §4.2.3.2 wants it "less than 0.5 seconds").
func TestLoader_LimitsValidate(t *testing.T) {
	src := []byte(`
duration: 168h
client:
  mss: 88
  send_buffer: 1
  recv_buffer: 1
  rto_min: 1ms
  rto_initial: 1ms
  rto_max: 1ms
  syn_retries: 0
  retries: 0
  msl: 0s
  initial_window: 1
  delayed_ack: 0
  quick_acks: 0
  keepalive: {idle: 1ms, interval: 1ms, probes: 1}
  user_timeout: 1ms
  syn_linear_timeouts: 0
server:
  mss: 65495
  send_buffer: 1GiB
  recv_buffer: 1GiB
  rto_min: 1h
  rto_initial: 1h
  rto_max: 1h
  syn_retries: 100
  retries: 100
  msl: 1h
  initial_window: 100
  delayed_ack: 499ms
  quick_acks: 100
  keepalive: {idle: 168h, interval: 168h, probes: 100}
  user_timeout: 168h
  syn_linear_timeouts: 100
`)
	for _, profile := range tcp.Profiles {
		s, err := ParseWith("limits.yaml", src, Options{Profile: profile})
		require.NoError(t, err, profile)
		for _, ep := range []Endpoint{s.Client, s.Server} {
			assert.NoError(t, ep.TCP.Validate(), "%s: %s", profile, ep.Name)
		}
		assert.Equal(t, 88, s.Client.TCP.MSS, "the file's values were taken")
		assert.Equal(t, 65495, s.Server.TCP.MSS)
	}
}

// The loader runs tcp.Config.Validate on each endpoint's final settings
// and reports a refusal at the endpoint's section (exit 2, as any load
// error). The key checks should leave it nothing to find; if it finds
// something, that is a gap in them to close.
func TestParse_TCPSettingsAreValidated(t *testing.T) {
	d := newDecoder("x.yaml", []byte("client:\n  mss: 100\n"))
	root, ok := d.parse([]byte("client:\n  mss: 100\n"))
	require.True(t, ok)
	v := d.fields(root, helpTop, topTable.allowed(""))["client"]
	c := tcp.DefaultConfig()
	d.checkTCP(v, c)
	require.NoError(t, d.result(), "the defaults validate")
	c.DelayedACK = 500 * time.Millisecond
	d.checkTCP(v, c)
	err := d.result()
	require.Error(t, err)
	assert.Equal(t, "x.yaml:2:3: client: the TCP settings are not valid: delayed ACK 500ms is not less than 500ms (RFC 1122 §4.2.3.2); the loader should have named the key: please report this file", strings.SplitN(err.Error(), "\n", 2)[0])
}

// With --profile the file's profiles are overridden, but still checked: a
// misspelt one is an error whatever the flag (issue 12).
func TestParseWith_ProfileOverrideStillChecksTheFile(t *testing.T) {
	for _, src := range []string{"client: {profile: bsd}\n", "profile: bsd\n", "server: {profile: 3}\n"} {
		_, err := ParseWith("x.yaml", []byte(src), Options{Profile: "linux"})
		require.Error(t, err, src)
		assert.Contains(t, err.Error(), "is not a profile; "+helpProfile, src)
	}
	s, err := ParseWith("x.yaml", []byte("profile: rfc\nclient: {profile: rfc}\n"), Options{Profile: "linux"})
	require.NoError(t, err)
	assert.Equal(t, "linux", s.Client.Profile, "the flag wins")
	assert.Equal(t, "linux", s.Server.Profile)
}
