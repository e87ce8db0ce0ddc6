package kernel

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
)

// TestSupported_Applications: the HTTP and heartbeat applications run on
// the kernel; flows do not.
func TestSupported_Applications(t *testing.T) {
	for _, name := range []string{"http-keepalive", "keepalive-layers", "keepalive-reboot"} {
		s, err := scenarios.Load(name)
		require.NoError(t, err)
		require.NoError(t, Supported(s), name)
	}
	s, err := scenarios.Load("fairness")
	require.NoError(t, err)
	err = Supported(s)
	require.ErrorIs(t, err, ErrUnsupported)
	assert.Contains(t, err.Error(), "flows")
}

// TestPlan_BuffersInTheNamespace: every host's namespace gets the linux
// profile's tcp_rmem and tcp_wmem, whatever the host running the harness
// has (a new namespace copies the host's), so a buffer the scenario leaves
// at its default is the profile's on both sides; a buffer the scenario
// sets is the socket's.
func TestPlan_BuffersInTheNamespace(t *testing.T) {
	s, err := scenarios.Load("zero-window")
	require.NoError(t, err)
	for _, ep := range []*scenarios.Endpoint{&s.Client, &s.Server} {
		st, err := plan(ep)
		require.NoError(t, err)
		assert.Contains(t, st.sysctls, sysctl{"ipv4/tcp_rmem", "4096 131072 33554432"}, ep.Name)
		assert.Contains(t, st.sysctls, sysctl{"ipv4/tcp_wmem", "4096 16384 4194304"}, ep.Name)
	}
	srv, _ := plan(&s.Server)
	assert.Equal(t, 4096, srv.sock.rcvBuf) // recv_buffer: 4KiB → SO_RCVBUF
	cli, _ := plan(&s.Client)
	assert.Zero(t, cli.sock.rcvBuf)
}

// TestPlan_CongestionControl: every socket gets the scenario's congestion
// control, not the host's default (a new namespace copies it, and a host
// may run BBR): cubic, Linux's default, when the scenario leaves its
// profile's; reno for reno and newreno; reno with a note for tahoe.
func TestPlan_CongestionControl(t *testing.T) {
	for _, tt := range []struct{ yaml, want, note string }{
		{"profile: linux\n", "cubic", ""},
		{"profile: rfc\n", "cubic", ""},
		{"profile: linux\nclient: {congestion_control: reno}\n", "reno", ""},
		{"profile: rfc\nclient: {congestion_control: cubic}\n", "cubic", ""},
		{"profile: linux\nclient: {congestion_control: newreno}\n", "reno", ""},
		{"client: {congestion_control: tahoe}\n", "reno", "congestion_control tahoe is not applied"},
	} {
		s, err := scenarios.Parse("cc.yaml", []byte(tt.yaml))
		require.NoError(t, err, tt.yaml)
		st, err := plan(&s.Client)
		require.NoError(t, err)
		assert.Equal(t, tt.want, st.sock.congestion, tt.yaml)
		if tt.note != "" {
			assert.Contains(t, strings.Join(st.notes, "\n"), tt.note)
		}
	}
}
