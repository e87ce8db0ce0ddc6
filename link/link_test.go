package link

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

const mbps = 1_000_000

func TestSerializationTime(t *testing.T) {
	for _, tc := range []struct {
		size      int
		bandwidth int64
		want      time.Duration
	}{
		{1500, 10 * mbps, 1200 * time.Microsecond},
		{1500, 1000 * mbps, 12 * time.Microsecond},
		{40, 10 * mbps, 32 * time.Microsecond},
		{1, 3, 2_666_666_667}, // 8/3 s, rounded up
		{1500, 1 << 40, 11},   // 10.91… ns, rounded up
	} {
		assert.Equal(t, tc.want, serializationTime(tc.size, tc.bandwidth), "%d bytes at %d bit/s", tc.size, tc.bandwidth)
	}
}

func TestName(t *testing.T) {
	h := newHarness(t, Config{}, 1)
	assert.Equal(t, "client→server", h.l.Name())
}

func TestDeliveryAfterSerializationAndDelay(t *testing.T) {
	h := newHarness(t, Config{Delay: 50 * time.Millisecond, Bandwidth: 10 * mbps}, 1)
	h.send(0, full(1))
	h.runTo(ms(51.2) - 1)
	assert.Equal(t, []string{"0s send #1"}, h.lines())
	h.runTo(ms(51.2))
	assert.Equal(t, []string{"51.2ms deliver #1"}, h.lines())
	assert.Equal(t, []delivery{{ms(51.2), 1}}, h.delivered)

	// Both records name the sender, the receiver and the connection.
	h.send(ms(60), full(2))
	h.finish()
	for _, r := range h.log.Records {
		assert.Equal(t, "client", r.Node)
		assert.Equal(t, "server", r.Peer)
		assert.Equal(t, uint32(1), r.Conn)
		assert.Equal(t, full(2), *r.Pkt)
	}
	assert.Equal(t, []string{"60ms send #2", "111.2ms deliver #2"}, h.lines())
}

func TestBackToBackPacketsAreSpacedBySerialization(t *testing.T) {
	h := newHarness(t, Config{Delay: 50 * time.Millisecond, Bandwidth: 10 * mbps}, 1)
	h.send(0, full(1), full(2), full(3))
	h.send(ms(2), pkt(4, 0)) // waits for #3, whose serialization ends at 3.6ms
	h.send(ms(10), full(5))  // the serializer is idle again
	h.finish()
	assert.Equal(t, []delivery{
		{ms(51.2), 1}, {ms(52.4), 2}, {ms(53.6), 3}, {ms(53.632), 4}, {ms(61.2), 5},
	}, h.delivered)
	s := h.checkStats()
	assert.Equal(t, 2, s.MaxQueuePackets)
	assert.Equal(t, 3000, s.MaxQueueBytes)
	assert.Equal(t, Count{5, 4*1500 + 40}, s.Delivered)
}

func TestZeroBandwidthIsInstantaneousWithoutQueue(t *testing.T) {
	h := newHarness(t, Config{Delay: 50 * time.Millisecond, QueuePackets: 1, QueueBytes: 100}, 1)
	h.send(0, full(1), full(2), full(3))
	h.send(ms(1), full(4))
	h.finish()
	assert.Equal(t, []delivery{{ms(50), 1}, {ms(50), 2}, {ms(50), 3}, {ms(51), 4}}, h.delivered)
	assert.Zero(t, h.checkStats().MaxQueuePackets)
}

func TestZeroDelayDeliversAtSendTime(t *testing.T) {
	h := newHarness(t, Config{}, 1)
	h.send(ms(5), full(1))
	h.runTo(ms(5))
	assert.Equal(t, []string{"5ms send #1", "5ms deliver #1"}, h.lines())
}

func TestQueuePacketLimit(t *testing.T) {
	h := newHarness(t, Config{Delay: 50 * time.Millisecond, Bandwidth: 10 * mbps, QueuePackets: 2}, 1)
	// #1 goes onto the wire; #2 and #3 wait; #4 and #5 find the queue full.
	h.send(0, full(1), full(2), full(3), full(4), full(5))
	// At 1.2ms #1 is out and #2 on the wire, so one place is free, then none.
	h.send(ms(1.2), full(6), full(7))
	assert.Equal(t, []string{
		"0s send #1", "0s send #2", "0s send #3",
		"0s send #4", "0s drop #4 queue full",
		"0s send #5", "0s drop #5 queue full",
		"1.2ms send #6",
		"1.2ms send #7", "1.2ms drop #7 queue full",
	}, h.lines())
	h.finish()
	assert.Equal(t, []delivery{{ms(51.2), 1}, {ms(52.4), 2}, {ms(53.6), 3}, {ms(54.8), 6}}, h.delivered)
	s := h.checkStats()
	assert.Equal(t, Count{3, 4500}, s.Dropped.QueueFull)
	assert.Equal(t, 2, s.MaxQueuePackets)
}

func TestQueueByteLimit(t *testing.T) {
	h := newHarness(t, Config{Bandwidth: 10 * mbps, QueueBytes: 3100}, 1)
	// #1 on the wire; #2 and #3 wait (3000 bytes); #4 would make 4500; the
	// 40-byte #5 still fits (3040); #6 would make 3080 but #7 not (3080+1500).
	h.send(0, full(1), full(2), full(3), full(4), pkt(5, 0), pkt(6, 0), full(7))
	h.finish()
	var drops []uint64
	for _, r := range h.log.Records {
		if r.Kind == trace.KindDrop {
			assert.Equal(t, "queue full", r.Drop.Text(r.Peer))
			drops = append(drops, r.Pkt.ID)
		}
	}
	assert.Equal(t, []uint64{4, 7}, drops)
	s := h.checkStats()
	assert.Equal(t, 3080, s.MaxQueueBytes)
	assert.Equal(t, 4, s.MaxQueuePackets)
}

func TestMTU(t *testing.T) {
	h := newHarness(t, Config{MTU: 1400}, 1)
	h.send(0, full(1), pkt(2, 1360), pkt(3, 1361))
	h.finish()
	assert.Equal(t, []string{
		"0s send #1", "0s drop #1 exceeds MTU (1500 > 1400 bytes)",
		"0s send #2",
		"0s send #3", "0s drop #3 exceeds MTU (1401 > 1400 bytes)",
		"0s deliver #2",
	}, h.lines())
	assert.Equal(t, Count{2, 2901}, h.checkStats().Dropped.MTU)
}

func TestRandomLossAll(t *testing.T) {
	h := newHarness(t, Config{Loss: 1, Delay: time.Millisecond}, 1)
	h.send(0, full(1))
	h.finish()
	assert.Equal(t, []string{"0s send #1", "0s drop #1 random loss"}, h.lines())
	assert.Equal(t, Count{1, 1500}, h.checkStats().Dropped.RandomLoss)
}

func TestRandomLossRate(t *testing.T) {
	const n = 20000
	h := newHarness(t, Config{Loss: 0.1}, 7)
	for i := range uint64(n) {
		h.send(0, pkt(i, 0))
	}
	h.finish()
	lost := h.checkStats().Dropped.RandomLoss.Packets
	assert.InDelta(t, 0.1*n, lost, 0.1*n*0.1, "lost %d of %d", lost, n)
}

// A randomly lost packet is lost after its transmission: it holds its place
// in the queue and on the wire, so the packets behind it arrive as if it had
// not been lost.
func TestRandomLossOccupiesSerializer(t *testing.T) {
	h := newHarness(t, Config{Delay: 50 * time.Millisecond, Bandwidth: 10 * mbps, Loss: 0.5}, 3)
	for i := range uint64(20) {
		h.send(0, full(i))
	}
	h.finish()
	s := h.checkStats()
	require.NotZero(t, s.Dropped.RandomLoss.Packets)
	require.NotZero(t, s.Delivered.Packets)
	for _, d := range h.delivered {
		assert.Equal(t, ms(50+1.2*float64(d.id+1)), d.at, "packet #%d", d.id)
	}
	last := h.delivered[len(h.delivered)-1].id
	require.Less(t, s.Delivered.Packets, int64(last)+1, "the seed must lose a packet before the last delivered")
	assert.Equal(t, 19, s.MaxQueuePackets, "lost packets count in the queue")

	// But a lost packet that the queue could not take holds no place.
	h = newHarness(t, Config{Bandwidth: 10 * mbps, Loss: 1, QueuePackets: 1}, 1)
	h.send(0, full(1), full(2), full(3))
	h.finish()
	assert.Equal(t, Count{3, 4500}, h.checkStats().Dropped.RandomLoss, "random loss is decided before the queue")
	assert.Equal(t, sim.Time(ms(2.4)), h.l.ser.free, "only #1 and #2 were serialized")
}

// The checks of Send come in a fixed order; the first that applies names the
// reason.
func TestDropReasonOrder(t *testing.T) {
	all := func(sim.Time, *trace.Packet) bool { return true }

	t.Run("link down before rules, and uses no rule drops", func(t *testing.T) {
		h := newHarness(t, Config{Rules: []Rule{{Desc: "drop one", Match: all, Times: 1}}}, 1)
		h.l.SetDown(0)
		h.send(0, full(1))
		h.l.SetUp(ms(1))
		h.send(ms(1), full(2), full(3))
		h.finish()
		assert.Equal(t, []string{
			"0s link client→server down",
			"0s send #1", "0s drop #1 link down",
			"1ms link client→server up",
			"1ms send #2", "1ms drop #2 drop one",
			"1ms send #3", "1ms deliver #3",
		}, h.lines())
	})
	t.Run("rules before random loss", func(t *testing.T) {
		h := newHarness(t, Config{Loss: 1, Rules: []Rule{{Desc: "rule", Match: all}}}, 1)
		h.send(0, full(1))
		assert.Equal(t, []string{"0s send #1", "0s drop #1 rule"}, h.lines())
	})
	t.Run("random loss before MTU", func(t *testing.T) {
		h := newHarness(t, Config{Loss: 1, MTU: 576}, 1)
		h.send(0, full(1))
		assert.Equal(t, []string{"0s send #1", "0s drop #1 random loss"}, h.lines())
	})
	t.Run("MTU before queue full", func(t *testing.T) {
		h := newHarness(t, Config{MTU: 1000, Bandwidth: mbps, QueuePackets: 1}, 1)
		h.send(0, pkt(1, 0), pkt(2, 0), full(3), pkt(4, 0))
		assert.Equal(t, []string{
			"0s send #1", "0s send #2",
			"0s send #3", "0s drop #3 exceeds MTU (1500 > 1000 bytes)",
			"0s send #4", "0s drop #4 queue full",
		}, h.lines())
	})
}

// nth returns a predicate picking every nth packet it is asked about, and
// the number of times it was asked.
func nth(n int) (func(sim.Time, *trace.Packet) bool, *int) {
	calls := new(int)
	return func(sim.Time, *trace.Packet) bool {
		*calls++
		return *calls%n == 0
	}, calls
}

func TestRuleTimes(t *testing.T) {
	for _, tc := range []struct {
		times int
		want  []uint64
	}{
		{1, []uint64{3}},
		{2, []uint64{3, 6}},
		{0, []uint64{3, 6, 9}},
	} {
		match, calls := nth(3)
		h := newHarness(t, Config{Rules: []Rule{{Desc: "every 3rd", Match: match, Times: tc.times}}}, 1)
		for i := range uint64(10) {
			h.send(0, full(i+1))
		}
		h.finish()
		var dropped []uint64
		for _, r := range h.log.Records {
			if r.Kind == trace.KindDrop {
				assert.Equal(t, "every 3rd", r.Drop.Text(r.Peer))
				dropped = append(dropped, r.Pkt.ID)
			}
		}
		assert.Equal(t, tc.want, dropped, "times %d", tc.times)
		assert.Equal(t, 10, *calls)
		assert.Equal(t, int64(len(tc.want)), h.checkStats().Dropped.Rule.Packets)
	}
}

func TestEveryRuleSeesEveryPacket(t *testing.T) {
	first, firstCalls := nth(1)   // picks every packet
	second, secondCalls := nth(2) // picks #2, #4, …
	h := newHarness(t, Config{Loss: 0.5, Bandwidth: mbps, QueuePackets: 1, Rules: []Rule{
		{Desc: "first", Match: first, Times: 2},
		{Desc: "second", Match: second},
	}}, 1)
	h.l.SetDown(0)
	h.send(0, full(1)) // link down: the rules are still asked
	h.l.SetUp(0)
	h.send(0, full(2), full(3), full(4), full(5), full(6), full(7), full(8))
	h.finish()
	assert.Equal(t, 8, *firstCalls)
	assert.Equal(t, 8, *secondCalls)
	reasons := map[uint64]string{}
	for _, r := range h.log.Records {
		if r.Kind == trace.KindDrop {
			reasons[r.Pkt.ID] = r.Drop.Text(r.Peer)
		}
	}
	// "first" drops #2 and #3 (its two); #2 is also picked by "second", but
	// the first rule with drops left wins. Then "second" takes #4, #6, #8.
	assert.Equal(t, "link down", reasons[1])
	assert.Equal(t, "first", reasons[2])
	assert.Equal(t, "first", reasons[3])
	assert.Equal(t, "second", reasons[4])
	assert.Equal(t, "second", reasons[6])
	assert.Equal(t, "second", reasons[8])
	h.checkStats()
}

func TestRuleSeesSendTimeAndPacket(t *testing.T) {
	var seen []delivery
	h := newHarness(t, Config{Rules: []Rule{{Desc: "spy", Match: func(now sim.Time, p *trace.Packet) bool {
		seen = append(seen, delivery{now, p.ID})
		return false
	}}}}, 1)
	h.send(ms(3), full(1))
	h.send(ms(4), full(2))
	assert.Equal(t, []delivery{{ms(3), 1}, {ms(4), 2}}, seen)
}

// A receiver that refuses on arrival (a crashed host) turns the delivery
// into a drop with its reason, and deliver is not called.
func TestRefuseOnArrival(t *testing.T) {
	e := sim.NewEngine(1000)
	var recs []trace.Record
	delivered := 0
	l := New("a", "b", Config{Delay: 10 * time.Millisecond}, e, sim.NewRand(1, "x"), trace.SinkFunc(func(r *trace.Record) { recs = append(recs, r.Keep()) }),
		func(sim.Time, *trace.Packet) { delivered++ })
	down := true
	l.SetRefuse(func(sim.Time) bool { return down })
	p := trace.Packet{ID: 1}
	l.Send(0, &p)
	if err := e.Run(sim.Never); err != nil {
		t.Fatal(err)
	}
	down = false
	p.ID = 2
	l.Send(e.Now(), &p)
	if err := e.Run(sim.Never); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range recs {
		kinds = append(kinds, r.Kind.String()+":"+r.Drop.Text(r.Peer))
	}
	want := []string{"send:", "drop:b crashed", "send:", "deliver:"}
	if strings.Join(kinds, " ") != strings.Join(want, " ") || delivered != 1 {
		t.Fatalf("records %v, delivered %d; want %v and 1", kinds, delivered, want)
	}
	if st := l.Stats(); st.Dropped.Receiver.Packets != 1 || st.Delivered.Packets != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// kindsOnly is a Selective sink reading the kinds it is given.
type kindsOnly struct {
	reads trace.KindSet
	got   []trace.Kind
}

func (k *kindsOnly) Record(r *trace.Record) { k.got = append(k.got, r.Kind) }
func (k *kindsOnly) Reads() trace.KindSet   { return k.reads }

// A link builds only the records its sink reads; with none (nil, or
// Discard) it still carries and drops packets as before.
func TestLink_BuildsOnlyTheRecordsItsSinkReads(t *testing.T) {
	for _, tc := range []struct {
		name string
		sink trace.Sink
		want []trace.Kind
	}{
		{"drops and link events only", &kindsOnly{reads: trace.Kinds(trace.KindDrop, trace.KindLink)}, []trace.Kind{trace.KindLink, trace.KindDrop}},
		{"nil", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := sim.NewEngine(1000)
			delivered := 0
			l := New("a", "b", Config{Delay: time.Millisecond}, e, sim.NewRand(1, "x"), tc.sink, func(sim.Time, *trace.Packet) { delivered++ })
			p := trace.Packet{ID: 1}
			l.Send(0, &p)
			require.NoError(t, e.Run(sim.Never))
			l.SetDown(e.Now())
			p.ID = 2
			l.Send(e.Now(), &p)
			assert.Equal(t, 1, delivered)
			assert.Equal(t, int64(1), l.Stats().Dropped.LinkDown.Packets)
			if k, ok := tc.sink.(*kindsOnly); ok {
				assert.Equal(t, tc.want, k.got)
			}
		})
	}
}

// TestLaterIsAdd holds later to sim.Time.Add, which it replaces on the
// plain path, near both ends of time and for both signs of d.
func TestLaterIsAdd(t *testing.T) {
	times := []sim.Time{0, 1, 1e9, sim.Never - 2, sim.Never - 1, sim.Never, math.MinInt64, math.MinInt64 + 1, -5}
	durs := []time.Duration{0, 1, 2, time.Millisecond, math.MaxInt64, -1, -2, math.MinInt64}
	for _, tm := range times {
		for _, d := range durs {
			if got, want := later(tm, d), tm.Add(d); got != want {
				t.Errorf("later(%d, %d) = %d, want Add's %d", tm, d, got, want)
			}
		}
	}
}

// TestQueueCountsWhatWaits holds Queue, which takes the serializer's first
// transmission to be on the wire, to a count of the transmissions that have
// not started, on a plain link and on a faulty one (whose randomly lost
// packets still take their turn), across a SetDown that empties the queue.
func TestQueueCountsWhatWaits(t *testing.T) {
	for _, loss := range []float64{0, 0.3} {
		cfg := Config{Delay: time.Millisecond, Bandwidth: 8_000_000, Loss: loss} // 1 µs a byte
		h := newHarness(t, cfg, 7)
		type tx struct {
			start, end sim.Time
			size       int
		}
		var sent []tx
		free := sim.Time(0)
		check := func(now sim.Time) {
			t.Helper()
			h.runTo(now)
			var packets, bytes int
			for _, x := range sent {
				if x.start > now {
					packets++
					bytes += x.size
				}
			}
			gotP, gotB := h.l.Queue(now)
			require.Equal(t, [2]int{packets, bytes}, [2]int{gotP, gotB}, "loss %v, at %v", loss, now)
		}
		now := sim.Time(0)
		for i := range 200 {
			now += us(float64(i%7) * 300)
			h.runTo(now)
			p := pkt(uint64(i+1), (i*337)%1400)
			size := p.Seg.IPLen()
			h.l.Send(now, &p)
			start := max(now, free)
			free = start + sim.Time(size)*sim.Time(time.Microsecond)
			sent = append(sent, tx{start, free, size})
			check(now)
			check(now + us(float64(i%5)*700))
			now = h.e.Now()
			if i == 120 {
				h.l.SetDown(now)
				h.l.SetUp(now)
				sent, free = nil, now
				check(now)
			}
		}
	}
}
