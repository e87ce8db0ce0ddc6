package tcp

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpsim/tcpsim/wire"
)

// Holds is the receiver's side of the "spurious-retransmission" label:
// every byte below RCV.NXT, or inside one block held out of order.
func TestHost_Holds(t *testing.T) {
	h := newSACKEstablished(t, rfcPolicy{})
	// The peer's bytes 301–400 arrive in order, 501–600 out of order.
	h.send(ms(60), seg{seq: remoteISS + 1, ack: localISS + 1, flags: ack, len: 100})
	h.send(ms(61), seg{seq: remoteISS + 201, ack: localISS + 1, flags: ack, len: 100})
	holds := func(from, n uint32) bool { return h.host.Holds(localAddr, remoteAddr, wire.Seq(from), n) }
	assert.True(t, holds(301, 100), "below RCV.NXT")
	assert.True(t, holds(350, 51))
	assert.False(t, holds(350, 52), "one byte past RCV.NXT")
	assert.True(t, holds(501, 100), "held out of order")
	assert.False(t, holds(401, 100), "the hole")
	assert.False(t, holds(451, 100), "half in the hole")
	assert.False(t, holds(551, 100), "half beyond the block")
	assert.False(t, holds(301, 0), "no data")
	assert.False(t, h.host.Holds(remoteAddr, localAddr, 301, 100), "no such connection")
}
