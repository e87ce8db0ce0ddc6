package scenarios

import (
	"testing"

	"github.com/tcpsim/tcpsim/trace"
)

// TestLinux_BidirectionalLossStaysWithinMTU sends data both ways at once
// over lossy links under the linux profile: each side holds the other's
// data out of order while it sends, so its full-sized segments carry SACK
// blocks besides the timestamps. They must still fit the 1500-byte MTU
// (RFC 6691 §2): no packet is dropped for its size, and every byte arrives.
func TestLinux_BidirectionalLossStaysWithinMTU(t *testing.T) {
	src := []byte(`
profile: linux
duration: 120s
link: {delay: 20ms, bandwidth: 10Mbps, loss: 0.02}
client: {isn: 100, send: 300KB}
server: {isn: 300, send: 300KB}
`)
	for _, seed := range []uint64{1, 2, 3} {
		s, err := Parse("bidirectional.yaml", src)
		if err != nil {
			t.Fatal(err)
		}
		s.Seed = seed
		c := newStreamCheck()
		var sacked, tooBig int
		sink := trace.SinkFunc(func(r *trace.Record) {
			c.Record(r)
			switch {
			case r.Kind == trace.KindSend && r.Pkt.Seg.Len > 0 && r.Pkt.Seg.Opt.NumSACK > 0:
				sacked++
			case r.Kind == trace.KindDrop && r.Drop.Code == trace.DropMTU:
				tooBig++
			}
		})
		if _, err := Run(s, sink); err != nil {
			t.Fatal(err)
		}
		if sacked == 0 {
			t.Errorf("seed %d: no data segment carried SACK blocks; the test tests nothing", seed)
		}
		if tooBig > 0 {
			t.Errorf("seed %d: %d packets dropped for exceeding the MTU", seed, tooBig)
		}
		if c.read["server"] != 300_000 || c.read["client"] != 300_000 || len(c.aborts) > 0 {
			t.Errorf("seed %d: read %v of 300000 each; aborts %v", seed, c.read, c.aborts)
		}
	}
}
