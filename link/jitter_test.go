package link

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

const (
	delay  = 10 * time.Millisecond
	jitter = 20 * time.Millisecond
)

// sendSpaced offers n packets of payload bytes, one every gap from 0, with
// IDs 0..n-1, and runs the link dry.
func sendSpaced(h *harness, n int, gap time.Duration, payload int) {
	for i := range n {
		h.send(sim.Time(i)*sim.Time(gap), pkt(uint64(i), payload))
	}
	h.finish()
}

func TestJitterWithoutReorderKeepsOrder(t *testing.T) {
	for _, bandwidth := range []int64{0, 10 * mbps} {
		for seed := range uint64(20) {
			h := newHarness(t, Config{Delay: delay, Jitter: jitter, Bandwidth: bandwidth}, seed)
			sendSpaced(h, 300, 100*time.Microsecond, 0)
			require.Len(t, h.delivered, 300)
			spread := map[time.Duration]bool{}
			for i, d := range h.delivered {
				require.Equal(t, uint64(i), d.id, "seed %d, bandwidth %d: out of order", seed, bandwidth)
				sent := sim.Time(i) * sim.Time(100*time.Microsecond)
				require.GreaterOrEqual(t, d.at.Sub(sent), delay)
				spread[d.at.Sub(sent)] = true
			}
			assert.Greater(t, len(spread), 10, "the jitter varies the delay")
		}
	}
}

func TestJitterWithReorderReorders(t *testing.T) {
	reordered := 0
	for seed := range uint64(20) {
		h := newHarness(t, Config{Delay: delay, Jitter: jitter, Reorder: true}, seed)
		sendSpaced(h, 300, 100*time.Microsecond, 0)
		require.Len(t, h.delivered, 300)
		prev := sim.Time(0)
		for i, d := range h.delivered {
			require.GreaterOrEqual(t, d.at, prev, "deliveries in time order")
			prev = d.at
			sent := sim.Time(d.id) * sim.Time(100*time.Microsecond)
			require.GreaterOrEqual(t, d.at.Sub(sent), delay)
			require.Less(t, d.at.Sub(sent), delay+jitter)
			if i > 0 && d.id < h.delivered[i-1].id {
				reordered++
			}
		}
	}
	assert.Positive(t, reordered)
}

// With Reorder but no jitter, packets arriving at the same instant arrive in
// the order they were sent.
func TestReorderTiesKeepSendOrder(t *testing.T) {
	h := newHarness(t, Config{Delay: delay, Reorder: true}, 1)
	for i := range uint64(50) {
		h.send(0, pkt(i, 0))
	}
	h.finish()
	for i, d := range h.delivered {
		assert.Equal(t, delivery{sim.Time(delay), uint64(i)}, d)
	}
}

// complexConfig exercises every part of the link at once.
func complexConfig() Config {
	match, _ := nth(7)
	return Config{
		Delay: delay, Jitter: jitter, Reorder: true, Bandwidth: 10 * mbps, QueuePackets: 6,
		QueueBytes: 20000, MTU: 1400, Loss: 0.05,
		Rules:   []Rule{{Desc: "every 7th", Match: match, Times: 5}},
		Outages: []Outage{{ms(40), ms(45)}},
	}
}

func runComplex(t *testing.T, seed uint64) []trace.Record {
	h := newHarness(t, complexConfig(), seed)
	for i := range 400 {
		h.send(sim.Time(i)*sim.Time(200*time.Microsecond), pkt(uint64(i), 1460*(i%3)/2))
	}
	h.finish()
	s := h.checkStats()
	for _, c := range []Count{s.Delivered, s.Dropped.LinkDown, s.Dropped.Rule, s.Dropped.RandomLoss, s.Dropped.MTU, s.Dropped.QueueFull} {
		require.NotZero(t, c.Packets, "%+v", s)
	}
	return h.log.Records
}

func TestDeterminism(t *testing.T) {
	a, b := runComplex(t, 42), runComplex(t, 42)
	require.Equal(t, a, b)
	assert.NotEqual(t, a, runComplex(t, 43))
}

// Every packet offered draws the same numbers whatever happens to it, so
// dropping some packets leaves the others' fates and arrivals unchanged.
func TestDrawsDoNotDependOnDecisions(t *testing.T) {
	run := func(rules []Rule) map[uint64]sim.Time {
		h := newHarness(t, Config{Delay: delay, Jitter: jitter, Reorder: true, Loss: 0.2, Rules: rules}, 9)
		sendSpaced(h, 200, time.Millisecond, 0)
		arrivals := map[uint64]sim.Time{}
		for _, d := range h.delivered {
			arrivals[d.id] = d.at
		}
		return arrivals
	}
	match, _ := nth(2)
	all, some := run(nil), run([]Rule{{Desc: "even", Match: match}})
	require.NotEmpty(t, some)
	require.Less(t, len(some), len(all))
	for id, at := range some {
		assert.Equal(t, all[id], at, "packet #%d", id)
	}
}
