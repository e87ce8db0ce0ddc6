package link

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// harness drives one link from client to server on its own engine, keeping
// every record the link writes and every packet it delivers.
type harness struct {
	t         *testing.T
	e         *sim.Engine
	l         *Link
	log       trace.Log
	delivered []delivery
	onDeliver func(now sim.Time, p *trace.Packet) // extra action after recording a delivery
}

type delivery struct {
	at sim.Time
	id uint64
}

func newHarness(t *testing.T, cfg Config, seed uint64) *harness {
	t.Helper()
	h := &harness{t: t, e: sim.NewEngine(1_000_000)}
	h.l = New("client", "server", cfg, h.e, sim.NewRand(seed, "link client→server"), &h.log,
		func(now sim.Time, p *trace.Packet) {
			require.Equal(t, h.e.Now(), now)
			h.delivered = append(h.delivered, delivery{now, p.ID})
			if h.onDeliver != nil {
				h.onDeliver(now, p)
			}
		})
	return h
}

// ms and us turn a number of milliseconds or microseconds into an instant.
func ms(n float64) sim.Time { return sim.Time(n * float64(time.Millisecond)) }
func us(n float64) sim.Time { return sim.Time(n * float64(time.Microsecond)) }

// pkt returns packet id carrying payload bytes: an IP packet of payload+40.
func pkt(id uint64, payload int) trace.Packet {
	return trace.Packet{ID: id, Conn: 1, Seg: wire.Segment{Flags: wire.ACK, Seq: wire.Seq(1000 * id), Len: uint32(payload)}}
}

// full is a 1500-byte IP packet.
func full(id uint64) trace.Packet { return pkt(id, 1460) }

// runTo fires every event up to at and leaves the clock there.
func (h *harness) runTo(at sim.Time) {
	h.t.Helper()
	require.NoError(h.t, h.e.Run(at))
	h.e.AdvanceTo(at)
	require.Equal(h.t, at, h.e.Now(), "an event is due before %v", at)
}

// send offers the packets at at, in order.
func (h *harness) send(at sim.Time, ps ...trace.Packet) {
	h.t.Helper()
	h.runTo(at)
	for i := range ps {
		h.l.Send(at, &ps[i])
	}
}

// finish runs the engine until nothing is left.
func (h *harness) finish() {
	h.t.Helper()
	require.NoError(h.t, h.e.Run(sim.Never-1))
}

// lines renders the records written since the last call, one per line:
// "51.2ms deliver #1", "0s drop #3 queue full", "100ms link down".
func (h *harness) lines() []string {
	var out []string
	for _, r := range h.log.Records {
		out = append(out, render(&r))
	}
	h.log.Records = h.log.Records[:0]
	return out
}

func render(r *trace.Record) string {
	t := time.Duration(r.T)
	switch r.Kind {
	case trace.KindLink:
		return fmt.Sprintf("%v link %s %s", t, r.Node, r.Link)
	case trace.KindDrop:
		return fmt.Sprintf("%v drop #%d %s", t, r.Pkt.ID, r.Drop.Text(r.Peer))
	default:
		return fmt.Sprintf("%v %v #%d", t, r.Kind, r.Pkt.ID)
	}
}

// checkStats requires that every packet offered is accounted for.
func (h *harness) checkStats() Stats {
	h.t.Helper()
	s := h.l.Stats()
	d := s.Dropped.Total()
	require.Equal(h.t, s.Sent.Packets+s.Duplicated.Packets, s.Delivered.Packets+d.Packets+int64(s.InFlight), "packets: %+v", s)
	require.Equal(h.t, int64(len(h.delivered)), s.Delivered.Packets)
	return s
}
