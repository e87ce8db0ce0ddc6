package sweep

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

func ms(n int) sim.Time { return sim.At(time.Duration(n) * time.Millisecond) }

var (
	cli  = netip.MustParseAddrPort("10.0.0.1:49152")
	cli2 = netip.MustParseAddrPort("10.0.0.1:49153")
	srv  = netip.MustParseAddrPort("10.0.0.2:80")
)

// feed hands m a packet record.
func feed(m *Meter, kind trace.Kind, t sim.Time, node string, conn uint32, src, dst netip.AddrPort, seq, ack uint32, flags wire.Flags, n uint32, labels trace.Label) {
	m.Record(&trace.Record{Kind: kind, T: t, Node: node, Conn: conn, Pkt: &trace.Packet{
		Seg:    wire.Segment{Src: src, Dst: dst, Seq: wire.Seq(seq), Ack: wire.Seq(ack), Flags: flags, Len: n},
		Labels: labels,
	}})
}

func read(m *Meter, t sim.Time, node string, conn uint32, n int64) {
	m.Record(&trace.Record{Kind: trace.KindApp, App: trace.AppRead, T: t, Node: node, Conn: conn, Value: n})
}

// RTT samples follow Karn's rule: an ACK that covers data sent twice
// gives none.
func TestMeter_RTTKarn(t *testing.T) {
	m := NewMeter()
	feed(m, trace.KindSend, ms(0), "client", 1, cli, srv, 100, 0, wire.SYN, 0, 0)
	feed(m, trace.KindDeliver, ms(60), "server", 1, srv, cli, 300, 101, wire.SYN|wire.ACK, 0, 0) // a sample: 60 ms
	feed(m, trace.KindSend, ms(100), "client", 1, cli, srv, 101, 301, wire.ACK, 100, 0)
	feed(m, trace.KindSend, ms(100), "client", 1, cli, srv, 201, 301, wire.ACK, 100, 0)
	feed(m, trace.KindDeliver, ms(200), "server", 1, srv, cli, 301, 201, wire.ACK, 0, 0) // 100 ms
	feed(m, trace.KindDrop, ms(150), "client", 1, cli, srv, 201, 301, wire.ACK, 100, 0)
	feed(m, trace.KindSend, ms(1200), "client", 1, cli, srv, 201, 301, wire.ACK, 100, trace.LabelRetransmission)
	feed(m, trace.KindDeliver, ms(1300), "server", 1, srv, cli, 301, 301, wire.ACK, 0, 0) // resent: none
	feed(m, trace.KindSend, ms(1300), "client", 1, cli, srv, 301, 301, wire.ACK, 50, 0)
	feed(m, trace.KindDeliver, ms(1420), "server", 1, srv, cli, 301, 351, wire.ACK, 0, 0) // 120 ms
	read(m, ms(1400), "server", 1, 250)
	got := m.Metrics()
	assert.Equal(t, (60+100+120)*time.Millisecond/3, got.RTT)
	assert.Equal(t, int64(1), got.Retransmissions)
	assert.Equal(t, 100, got.MSS)
	assert.Equal(t, 0.25, got.Loss, "1 of 4 data segments")
	assert.Equal(t, 1400*time.Millisecond, got.Duration)
	assert.InDelta(t, 250*8/1.4, got.Throughput, 1e-9)
	assert.Equal(t, 1.0, got.Fairness, "one connection")
}

// Jain's index over connections, each measured from its own SYN.
func TestMeter_Fairness(t *testing.T) {
	m := NewMeter()
	feed(m, trace.KindSend, ms(0), "client", 1, cli, srv, 1, 0, wire.SYN, 0, 0)
	feed(m, trace.KindSend, ms(0), "server", 1, srv, cli, 1, 2, wire.SYN|wire.ACK, 0, 0)
	feed(m, trace.KindSend, ms(500), "client", 2, cli2, srv, 1, 0, wire.SYN, 0, 0)
	feed(m, trace.KindSend, ms(500), "server", 2, srv, cli2, 1, 2, wire.SYN|wire.ACK, 0, 0)
	read(m, ms(1000), "server", 1, 1000) // 8000 bit/s over 1 s
	read(m, ms(1500), "server", 2, 3000) // 24000 bit/s over 1 s
	got := m.Metrics()
	assert.InDelta(t, 0.8, got.Fairness, 1e-12, "(8+24)² / (2·(8²+24²))")
	assert.Equal(t, 1500*time.Millisecond, got.Duration, "from the first SYN to the last byte read")
	assert.Equal(t, int64(4000), got.Bytes)

	assert.Equal(t, Metrics{Fairness: 1}, NewMeter().Metrics(), "nothing happened")
}

// A whole run: the lost segment.
func TestMeter_LostSegment(t *testing.T) {
	s, err := scenarios.Load("lost-segment")
	require.NoError(t, err)
	m := NewMeter()
	var log trace.Log
	_, err = scenarios.Run(s, trace.Tee(m, &log))
	require.NoError(t, err)
	var lastRead sim.Time
	for _, r := range log.Records {
		if r.Kind == trace.KindApp && r.App == trace.AppRead {
			lastRead = r.T
		}
	}
	got := m.Metrics()
	assert.Equal(t, int64(16384), got.Bytes)
	assert.Equal(t, time.Duration(lastRead), got.Duration, "the first SYN is at 0")
	assert.InDelta(t, 16384*8/lastRead.Seconds(), got.Throughput, 1e-6)
	assert.Equal(t, int64(1), got.Retransmissions)
	assert.Equal(t, 1460, got.MSS)
	assert.InDelta(t, 1.0/13, got.Loss, 1e-12, "the 3rd of 12 segments, and the resent one")
	// 100 ms of propagation, and 35 µs to send a 44-byte SYN or ACK, 1.2 ms
	// a 1500-byte segment at 10 Mbit/s.
	assert.Greater(t, got.RTT, 100*time.Millisecond)
	assert.Less(t, got.RTT, 110*time.Millisecond)
}
