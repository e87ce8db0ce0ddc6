package tcp

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tcpsim/tcpsim/sim"
)

// lookup, which tries the connection it found last first, finds what a
// search of every connection finds, as connections open, alternate and
// close, and one reopens with the endpoints of one that closed.
func TestHost_LookupAgreesWithSearch(t *testing.T) {
	h := NewHost("local", localAddr.Addr(), testConfig(), sim.NewRand(1, "test"), nil)
	search := func(local, peer netip.AddrPort) *Conn {
		for _, c := range h.conns {
			if c.local == local && c.peer == peer && c.state != StateClosed {
				return c
			}
		}
		return nil
	}
	local := func(port uint16) netip.AddrPort { return netip.AddrPortFrom(localAddr.Addr(), port) }
	check := func(ports ...uint16) {
		t.Helper()
		for _, port := range ports {
			want := search(local(port), remoteAddr)
			require.Same(t, want, h.lookup(local(port), remoteAddr), "port %d", port)
		}
	}
	a := h.Connect(0, 1000, remoteAddr)
	b := h.Connect(0, 1001, remoteAddr)
	check(1000, 1001, 1000, 1000, 1001, 1002)
	require.Same(t, a, h.lookup(local(1000), remoteAddr))
	require.Same(t, b, h.lookup(local(1001), remoteAddr))

	a.Abort(0) // closed and forgotten, while lookup remembers it
	check(1000, 1001)
	require.Nil(t, h.lookup(local(1000), remoteAddr))
	h.lookup(local(1001), remoteAddr)
	b.Abort(0)
	check(1001, 1000)
	c := h.Connect(0, 1001, remoteAddr)
	check(1001, 1000, 1001)
	require.Same(t, c, h.lookup(local(1001), remoteAddr))
}
