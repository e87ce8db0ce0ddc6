package link

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// A packet is lost when any moment from its send to its arrival, both
// included, falls in an outage [From, To).
func TestOutageDropsPacketsWhoseFlightOverlaps(t *testing.T) {
	h := newHarness(t, Config{Delay: 50 * time.Millisecond, Outages: []Outage{{ms(100), ms(200)}}}, 1)
	h.send(ms(40), full(1))  // arrives at 90ms, before the outage
	h.send(ms(50), full(2))  // arrives just as the link goes down
	h.send(ms(60), full(3))  // in flight when it goes down
	h.send(ms(150), full(4)) // sent during the outage
	h.send(ms(200)-1, full(5))
	h.send(ms(200), full(6)) // sent as the link comes up
	h.finish()
	assert.Equal(t, []string{
		"40ms send #1",
		"50ms send #2", "50ms drop #2 link down",
		"60ms send #3", "60ms drop #3 link down",
		"90ms deliver #1",
		"100ms link client→server down",
		"150ms send #4", "150ms drop #4 link down",
		"199.999999ms send #5", "199.999999ms drop #5 link down",
		"200ms link client→server up",
		"200ms send #6",
		"250ms deliver #6",
	}, h.lines())
	assert.Equal(t, Count{4, 6000}, h.checkStats().Dropped.LinkDown)
}

// The overlap counts the whole flight: waiting in the queue and being
// serialized too.
func TestOutageCountsQueueingAndSerialization(t *testing.T) {
	h := newHarness(t, Config{Bandwidth: 10 * mbps, Outages: []Outage{{ms(3), ms(4)}}}, 1)
	h.send(0, full(1), full(2), full(3)) // serialized until 1.2, 2.4, 3.6ms
	h.finish()
	assert.Equal(t, []delivery{{ms(1.2), 1}, {ms(2.4), 2}}, h.delivered)
	assert.Equal(t, int64(1), h.checkStats().Dropped.LinkDown.Packets)
}

func TestOutagesAreMerged(t *testing.T) {
	h := newHarness(t, Config{Outages: []Outage{
		{ms(30), ms(40)}, {ms(10), ms(20)}, {ms(15), ms(25)}, {ms(25), ms(26)}, {ms(50), ms(50)},
	}}, 1)
	h.finish()
	assert.Equal(t, []string{
		"10ms link client→server down", "26ms link client→server up",
		"30ms link client→server down", "40ms link client→server up",
	}, h.lines())
}

func TestOutageUntilNever(t *testing.T) {
	h := newHarness(t, Config{Outages: []Outage{{ms(10), sim.Never}}}, 1)
	h.send(ms(20), full(1))
	h.finish()
	assert.Equal(t, []string{"10ms link client→server down", "20ms send #1", "20ms drop #1 link down"}, h.lines())
}

func TestSetDownDropsEverythingInFlight(t *testing.T) {
	h := newHarness(t, Config{Delay: 50 * time.Millisecond, Bandwidth: 10 * mbps}, 1)
	h.send(0, full(1), full(2), full(3))
	h.send(ms(2), full(4)) // waits for #3 until 3.6ms
	h.runTo(ms(3))         // #1 and #2 propagating, #3 on the wire, #4 queued
	h.lines()
	h.l.SetDown(ms(3))
	h.l.SetDown(ms(3)) // already down: nothing more
	h.send(ms(20), full(5))
	h.l.SetUp(ms(30))
	h.l.SetUp(ms(30)) // already up: nothing more
	h.send(ms(30), full(6))
	h.finish()
	assert.Equal(t, []string{
		"3ms link client→server down",
		"3ms drop #1 link down", "3ms drop #2 link down", "3ms drop #3 link down", "3ms drop #4 link down",
		"20ms send #5", "20ms drop #5 link down",
		"30ms link client→server up",
		"30ms send #6",
		"81.2ms deliver #6", // the serializer was emptied
	}, h.lines())
	s := h.checkStats()
	assert.Equal(t, Count{5, 7500}, s.Dropped.LinkDown)
	assert.Zero(t, s.InFlight)
}

func TestSetDownWithReorderDropsInSendOrder(t *testing.T) {
	h := newHarness(t, Config{Delay: 10 * time.Millisecond, Jitter: 10 * time.Millisecond, Reorder: true}, 1)
	for i := range uint64(20) {
		h.send(0, full(i))
	}
	h.lines()
	h.l.SetDown(ms(1))
	var ids []uint64
	for _, r := range h.log.Records[1:] {
		ids = append(ids, r.Pkt.ID)
	}
	assert.Equal(t, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}, ids)
	h.finish()
	assert.Empty(t, h.delivered)
}

// The deliver function may act on the link: here it takes the link down on
// the first arrival, so the packets due at the same instant are lost.
func TestDeliverMayTakeTheLinkDown(t *testing.T) {
	h := newHarness(t, Config{Delay: 5 * time.Millisecond}, 1)
	h.onDeliver = func(now sim.Time, p *trace.Packet) { h.l.SetDown(now) }
	h.send(0, full(1), full(2))
	h.finish()
	assert.Equal(t, []string{
		"0s send #1", "0s send #2",
		"5ms deliver #1", "5ms link client→server down", "5ms drop #2 link down",
	}, h.lines())
}

// The deliver function may send on the same link (a loopback): a packet with
// no delay arrives within the same event.
func TestDeliverMaySendOnTheLink(t *testing.T) {
	h := newHarness(t, Config{Delay: 5 * time.Millisecond}, 1)
	h.onDeliver = func(now sim.Time, p *trace.Packet) {
		if p.ID < 3 {
			q := full(p.ID + 1)
			h.l.Send(now, &q)
		}
	}
	h.send(0, full(1))
	h.finish()
	assert.Equal(t, []delivery{{ms(5), 1}, {ms(10), 2}, {ms(15), 3}}, h.delivered)
}

// The packet deliver is handed stays as it arrived while deliver sends on
// the same link, enough to wrap around and grow the link's store of
// packets, and takes the link down and up and sends again (flights.pop).
func TestDeliveredPacketOutlivesSends(t *testing.T) {
	for _, cfg := range []Config{
		{Delay: 5 * time.Millisecond},
		{Delay: 5 * time.Millisecond, Jitter: time.Millisecond, Reorder: true},
	} {
		h := newHarness(t, cfg, 1)
		next := uint64(100)
		sendMany := func(now sim.Time, p *trace.Packet, want trace.Packet) {
			for range 40 {
				next++
				q := pkt(next, int(next%1000))
				h.l.Send(now, &q)
				require.Equal(t, want, *p)
			}
		}
		deliveries := 0
		h.onDeliver = func(now sim.Time, p *trace.Packet) {
			deliveries++
			want := *p
			switch {
			case deliveries == 1:
				h.l.SetDown(now)
				require.Equal(t, want, *p)
				h.l.SetUp(now)
				sendMany(now, p, want)
			case deliveries < 200 && deliveries%7 == 0:
				sendMany(now, p, want)
			}
		}
		var ps []trace.Packet
		for id := range uint64(20) {
			ps = append(ps, pkt(id+1, int(id)+1))
		}
		h.send(0, ps...)
		h.finish()
		require.Greater(t, deliveries, 200, "%+v", cfg)
		h.checkStats()
	}
}
