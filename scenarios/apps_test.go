package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The http and heartbeat keys: what they decode into, and the run they
// make (apps.go, run.go).

func TestHTTPKeys_Decode(t *testing.T) {
	s, err := Parse("t.yaml", []byte(`
duration: 1m
client:
  port: 50000
  http: {mode: close, requests: 7, connections: 3, start_at: 2s, think_time: 250ms, host: shop.example}
  heartbeat: {interval: 3s, timeout: 1s, reconnect: false, size: 6, port: 8080, start_at: 1s, stop_at: 50s}
server:
  http: {processing_time: 20ms, body: [1KiB, 0, 300], split_writes: true, idle_timeout: 5s, max_requests: 10}
`))
	require.NoError(t, err)
	assert.False(t, s.Scripted())
	assert.Equal(t, &HTTPClient{Mode: HTTPClose, Requests: 7, Connections: 3, Pipeline: 1, StartAt: 2 * time.Second,
		ThinkTime: 250 * time.Millisecond, Host: "shop.example"}, s.Client.HTTPClient)
	assert.Equal(t, &HTTPServer{ProcessingTime: 20 * time.Millisecond, Bodies: []int64{1024, 0, 300}, SplitWrites: true,
		IdleTimeout: 5 * time.Second, MaxRequests: 10}, s.Server.HTTPServer)
	assert.Equal(t, &Heartbeat{Port: 8080, HeartbeatConfig: HeartbeatConfig{StartAt: time.Second, StopAt: 50 * time.Second,
		Interval: 3 * time.Second, Timeout: time.Second, Size: 6, ReconnectDelay: time.Second}}, s.Client.Heartbeat)
	assert.Nil(t, s.Server.Heartbeat)
	assert.Equal(t, uint16(50000), s.Client.Port)
}

// true takes every default; false is no application; a heartbeat alone
// connects to the server's port.
func TestHTTPKeys_Defaults(t *testing.T) {
	s, err := Parse("t.yaml", []byte("client: {http: true}\nserver: {http: true, port: 8000}\n"))
	require.NoError(t, err)
	assert.Equal(t, &HTTPClient{Mode: HTTPKeepAlive, Requests: 1, Connections: 1, Pipeline: 1, Host: "example.com"}, s.Client.HTTPClient)
	assert.Equal(t, &HTTPServer{Bodies: []int64{1000}}, s.Server.HTTPServer)

	s, err = Parse("t.yaml", []byte("client: {http: false, heartbeat: true, isn: 1}\nserver: {port: 8000}\n"))
	require.NoError(t, err)
	assert.Nil(t, s.Client.HTTPClient)
	assert.Equal(t, &Heartbeat{Port: 8000, HeartbeatConfig: HeartbeatConfig{Interval: 25 * time.Second, Timeout: 20 * time.Second,
		Reconnect: true, ReconnectDelay: time.Second, Size: 17}}, s.Client.Heartbeat)

	s, err = Parse("t.yaml", []byte("client: {send: 100, heartbeat: false}\nserver: {reply: 100}\n"))
	require.NoError(t, err)
	assert.True(t, s.Scripted(), "heartbeat: false leaves the script")
}

func TestHTTPKeys_BodyForms(t *testing.T) {
	for src, want := range map[string]HTTPServer{
		"20KiB":                   {Bodies: []int64{20 << 10}},
		"[1, 2KB]":                {Bodies: []int64{1, 2000}},
		"{min: 100, max: 100KiB}": {BodyMin: 100, BodyMax: 100 << 10},
		"{min: 0, max: 0}":        {BodyMin: 0, BodyMax: 0},
	} {
		s, err := Parse("t.yaml", []byte("client: {http: true}\nserver: {http: {body: "+src+"}}\n"))
		require.NoError(t, err, src)
		assert.Equal(t, &want, s.Server.HTTPServer, src)
	}
}

// The checks between the endpoints' applications that the bad files do
// not show.
func TestHTTPKeys_Errors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"client: {heartbeat: {port: 8080}}\nserver: {http: true}\n",
			"t.yaml:2:10: server.http: the server serves HTTP, but the client has no http to ask it; add one, such as client: {http: {requests: 5}}"},
		{"client: {http: true, heartbeat: {port: 80}}\nserver: {http: true}\n",
			"t.yaml:1:34: client.heartbeat.port: the heartbeat connects to port 80, where the HTTP server listens; give it a port of its own, such as heartbeat: {port: 8080}"},
		{"client: {http: }\nserver: {http: true}\n",
			"t.yaml:1:15: client.http: has no value; http is true or a mapping: on the client such as {mode: keep-alive, requests: 5}, on the server such as {body: 1KiB, idle_timeout: 5s}"},
		{"client: {http: true}\nserver: {http: {body: {min: 1}}}\n",
			"t.yaml:2:23: server.http.body: max is missing; a body range is a mapping {min: <size>, max: <size>} with min ≤ max, such as {min: 1KiB, max: 100KiB}"},
		{"client: {http: {requets: 5}}\nserver: {http: true}\n",
			`t.yaml:1:17: client.http: unknown key "requets"; did you mean "requests"?`},
		{"client: {idle_timeout: 5s}\n",
			`t.yaml:1:10: client: unknown key "idle_timeout"; it is an HTTP server setting: put it under the server's http, such as server: {http: {body: 1KiB}}`},
	} {
		_, err := Parse("t.yaml", []byte(tc.src))
		require.Error(t, err, tc.src)
		assert.Equal(t, tc.want, strings.SplitN(err.Error(), "\n", 2)[0], tc.src)
	}
}

// A heartbeat that gives up on its connection reconnects over the backup
// path, as a scripted client with reconnect does.
func TestRun_HeartbeatTakesTheBackupPath(t *testing.T) {
	lines := runLines(t, `duration: 20s
link: {delay: 10ms}
backup_link: {delay: 50ms}
client: {heartbeat: {interval: 1s, timeout: 500ms, reconnect: 1s, stop_at: 10s}}
outages: [{from: 3500ms, to: 20s}]
`)
	assert.True(t, has(lines, "4520ms client app abort 0"), "the ping at 4.02 s goes unanswered:\n%s", strings.Join(lines, "\n"))
	assert.True(t, has(lines, "5520ms client→server SYN"), "it reconnects 1 s later:\n%s", strings.Join(lines, "\n"))
	assert.True(t, has(lines, "5620ms client ESTABLISHED"), "over the backup path (50 ms each way):\n%s", strings.Join(lines, "\n"))
}
