package kernel

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// fakeDevice is a TUN device in memory: what a test sends comes out of
// Read; what the relay writes is kept.
type fakeDevice struct {
	in     chan []byte
	mu     sync.Mutex
	out    [][]byte
	closed chan struct{}
}

func newFakeDevice() *fakeDevice {
	return &fakeDevice{in: make(chan []byte, 16), closed: make(chan struct{})}
}

func (d *fakeDevice) Read(b []byte) (int, error) {
	select {
	case p := <-d.in:
		return copy(b, p), nil
	case <-d.closed:
		return 0, errors.New("closed")
	}
}

func (d *fakeDevice) Write(b []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.out = append(d.out, append([]byte(nil), b...))
	return len(b), nil
}

func (d *fakeDevice) written() [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([][]byte(nil), d.out...)
}

// tcpPacket builds an IPv4/TCP packet with no options.
func tcpPacket(src, dst netip.AddrPort, seq, ack uint32, flags wire.Flags, payload int) []byte {
	b := make([]byte, 40+payload)
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	b[8], b[9] = 64, 6
	s, d := src.Addr().As4(), dst.Addr().As4()
	copy(b[12:], s[:])
	copy(b[16:], d[:])
	binary.BigEndian.PutUint16(b[20:], src.Port())
	binary.BigEndian.PutUint16(b[22:], dst.Port())
	binary.BigEndian.PutUint32(b[24:], seq)
	binary.BigEndian.PutUint32(b[28:], ack)
	b[32] = 5 << 4
	b[33] = byte(flags)
	binary.BigEndian.PutUint16(b[34:], 65535)
	return b
}

// TestRelay_AppliesTheScenariosLinkInWallClockTime drives the relay with
// packets in memory: no kernel, no privileges. A delay of 30 ms must
// separate each send from its delivery, the drop rule must drop the SYN,ACK
// it names, and the trace must number the bytes from the scenario's ISNs
// while the bytes written keep the real ones.
func TestRelay_AppliesTheScenariosLinkInWallClockTime(t *testing.T) {
	s, err := scenarios.Parse("relay.yaml", []byte(`
duration: 10s
link: {delay: 30ms, bandwidth: unlimited}
client: {isn: 100}
server: {isn: 300}
drop:
  - {from: server, flags: SYN+ACK, nth: 1}
`))
	require.NoError(t, err)
	var log trace.Log
	rec := newRecorder(time.Now(), &log)
	devs := [2]*fakeDevice{newFakeDevice(), newFakeDevice()}
	r := newRelay(s, rec, [2]device{devs[0], devs[1]}, nil, newConnTable())
	r.start()

	c := netip.AddrPortFrom(s.Client.Addr, s.Client.Port)
	sv := netip.AddrPortFrom(s.Server.Addr, s.Server.Port)
	const realC, realS = 7_000_000, 9_000_000 // the kernels' own ISNs
	synAck := tcpPacket(sv, c, realS, realC+1, wire.SYN|wire.ACK, 0)
	devs[0].in <- tcpPacket(c, sv, realC, 0, wire.SYN, 0)
	time.Sleep(5 * time.Millisecond) // the SYN first, as on a real path
	devs[1].in <- synAck             // dropped by the rule
	time.Sleep(5 * time.Millisecond)
	devs[1].in <- synAck                                                                  // the kernel's retransmission
	devs[0].in <- []byte{0x60, 0, 0, 0}                                                   // not IPv4: skipped
	devs[0].in <- tcpPacket(netip.MustParseAddrPort("10.9.9.9:1"), sv, 1, 0, wire.SYN, 0) // not the client's address
	require.Eventually(t, func() bool { return len(devs[0].written()) == 1 && len(devs[1].written()) == 1 },
		2*time.Second, 5*time.Millisecond)
	r.halt()
	close(devs[0].closed)
	close(devs[1].closed)
	r.wait()
	rec.close(0, trace.EndFinished)

	assert.Equal(t, 2, r.skipped)
	got, err := wire.ParseIPv4(devs[1].written()[0])
	require.NoError(t, err)
	assert.Equal(t, wire.Seq(realC), got.Seq, "the bytes forwarded keep the kernel's numbers")
	assert.Equal(t, synAck, devs[0].written()[0])

	sent := map[uint64]sim.Time{}
	var lines []string
	for _, r := range log.Records {
		switch r.Kind {
		case trace.KindSend:
			sent[r.Pkt.ID] = r.T
			lines = append(lines, r.Node+" send "+r.Pkt.Seg.String()+" "+r.Pkt.Labels.String())
		case trace.KindDeliver:
			assert.GreaterOrEqual(t, r.T.Sub(sent[r.Pkt.ID]), 30*time.Millisecond, "delivered before the link's delay")
			assert.Less(t, r.T.Sub(sent[r.Pkt.ID]), 60*time.Millisecond, "delivered far too late")
			lines = append(lines, r.Peer+" deliver "+r.Pkt.Seg.String())
		case trace.KindDrop:
			lines = append(lines, r.Node+" drop "+r.Drop.Text(r.Peer))
		}
	}
	// The order of the lines depends on the clock: a delivery after the
	// SYN,ACK's retransmission, whose send came 5 ms after the first.
	assert.ElementsMatch(t, []string{
		"client send [SYN] seq=100 win=65535 len=0 ",
		"server send [SYN,ACK] seq=300 ack=101 win=65535 len=0 ",
		"server drop flags SYN,ACK nth 1",
		"server send [SYN,ACK] seq=300 ack=101 win=65535 len=0 retransmission",
		"server deliver [SYN] seq=100 win=65535 len=0",
		"client deliver [SYN,ACK] seq=300 ack=101 win=65535 len=0",
	}, lines)
	for i := 1; i < len(log.Records); i++ {
		assert.LessOrEqual(t, log.Records[i-1].T, log.Records[i].T, "records out of time order")
	}
}

func TestRecorder_OrdersWhatComesLateWithinTheWindow(t *testing.T) {
	var log trace.Log
	rec := newRecorder(time.Now(), &log)
	ms := func(n int) sim.Time { return sim.At(time.Duration(n) * time.Millisecond) }
	for _, t := range []sim.Time{ms(10), ms(12), ms(11), ms(100), ms(5), ms(200)} {
		rec.record(&trace.Record{T: t, Kind: trace.KindApp})
	}
	rec.close(0, trace.EndFinished)
	var got []sim.Time
	for _, r := range log.Records {
		got = append(got, r.T)
	}
	// 11 ms is put back in its place; 5 ms, recorded after 100 ms had
	// been, comes too late to be and takes the time before it.
	assert.Equal(t, []sim.Time{ms(10), ms(11), ms(12), ms(12), ms(100), ms(200), ms(200)}, got)
}
