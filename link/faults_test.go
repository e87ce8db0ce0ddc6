package link

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// Link faults beyond independent loss: bursts, reordering, duplication,
// corruption, and rules that delay or duplicate one named segment.

// offer sends n full packets 1 ms apart from 0 and runs to the end.
func offer(h *harness, n int) {
	h.t.Helper()
	for i := 1; i <= n; i++ {
		h.send(ms(float64(i-1)), full(uint64(i)))
	}
	h.finish()
}

func drops(h *harness, code trace.DropCode) int {
	n := 0
	for _, r := range h.log.Records {
		if r.Kind == trace.KindDrop && r.Drop.Code == code {
			n++
		}
	}
	return n
}

// Gilbert-Elliott: the long-run loss is the bad state's share, P/(P+R),
// and losses come in runs of 1/R on average.
func TestFaults_GilbertElliottBursts(t *testing.T) {
	h := newHarness(t, Config{Delay: time.Millisecond, Burst: &GilbertElliott{P: 0.02, R: 0.25, LossBad: 1}}, 7)
	const n = 40_000
	offer(h, n)
	var lost []bool
	for _, r := range h.log.Records {
		switch r.Kind {
		case trace.KindDrop:
			lost = append(lost, true)
			assert.Equal(t, trace.DropBurstLoss, r.Drop.Code)
		case trace.KindDeliver:
			lost = append(lost, false)
		}
	}
	require.Len(t, lost, n)
	losses, runs := 0, 0
	for i, l := range lost {
		if l {
			losses++
			if i == 0 || !lost[i-1] {
				runs++
			}
		}
	}
	share := float64(losses) / n
	assert.InDelta(t, 0.02/0.27, share, 0.01, "long-run loss")
	assert.InDelta(t, 4, float64(losses)/float64(runs), 0.5, "mean burst length 1/R")
	h.checkStats()
}

// With a reorder probability, some packets are held back and later ones
// overtake them; none is lost.
func TestFaults_ReorderProbability(t *testing.T) {
	h := newHarness(t, Config{Delay: time.Millisecond, ReorderProb: 0.2, ReorderDelay: 3 * time.Millisecond}, 3)
	offer(h, 200)
	require.Len(t, h.delivered, 200)
	overtaken := 0
	for i := 1; i < len(h.delivered); i++ {
		if h.delivered[i].id < h.delivered[i-1].id {
			overtaken++
		}
	}
	assert.Greater(t, overtaken, 10)
	h.checkStats()
}

// Duplication: a copy with an id of its own, a send record labelled as the
// network's, and a delivery just after the original.
func TestFaults_Duplicate(t *testing.T) {
	h := newHarness(t, Config{Delay: time.Millisecond, Duplicate: 0.1}, 5)
	ids := uint64(1000)
	h.l.SetIDSource(func() uint64 { ids++; return ids })
	offer(h, 300)
	st := h.checkStats()
	require.Positive(t, st.Duplicated.Packets)
	assert.Equal(t, int64(300)+st.Duplicated.Packets, st.Delivered.Packets)
	copies := 0
	for _, r := range h.log.Records {
		if r.Kind == trace.KindSend && r.Pkt.Labels.Has(trace.LabelNetworkDuplicate) {
			copies++
			assert.Greater(t, r.Pkt.ID, uint64(1000), "a copy's id comes from the source")
		}
	}
	assert.Equal(t, int(st.Duplicated.Packets), copies)
}

// Corruption: the packet arrives, and is dropped there (its checksum
// fails at the receiver), not when it was sent.
func TestFaults_CorruptDroppedOnArrival(t *testing.T) {
	h := newHarness(t, Config{Delay: 10 * time.Millisecond, Corrupt: 0.2}, 9)
	offer(h, 100)
	st := h.checkStats()
	require.Positive(t, st.Dropped.Corrupt.Packets)
	assert.Equal(t, int(st.Dropped.Corrupt.Packets), drops(h, trace.DropCorrupted))
	for _, r := range h.log.Records {
		if r.Kind == trace.KindDrop {
			sent := ms(float64(r.Pkt.ID - 1))
			assert.Equal(t, sent.Add(10*time.Millisecond), r.T, "dropped at arrival")
		}
	}
}

// "Delay the 2nd segment by 30 ms": it arrives after the 3rd; "duplicate
// the 3rd": it arrives twice.
func TestFaults_RulesDelayAndDuplicate(t *testing.T) {
	nth := func(id uint64) func(sim.Time, *trace.Packet) bool {
		return func(_ sim.Time, p *trace.Packet) bool { return p.ID == id }
	}
	h := newHarness(t, Config{Delay: 10 * time.Millisecond, Rules: []Rule{
		{Desc: "2nd, 30 ms later", Match: nth(2), Action: ActionDelay, Delay: 30 * time.Millisecond, Times: 1},
		{Desc: "3rd twice", Match: nth(3), Action: ActionDuplicate, Times: 1},
	}}, 1)
	offer(h, 4)
	var got []uint64
	for _, d := range h.delivered {
		got = append(got, d.id)
	}
	require.Len(t, got, 5)
	assert.Equal(t, []uint64{1, 3}, got[:2])
	assert.Greater(t, got[2], uint64(1<<62), "the copy of the 3rd, numbered by the link")
	assert.Equal(t, []uint64{4, 2}, got[3:])
	assert.Equal(t, ms(41), h.delivered[4].at, "sent at 1 ms, 10 ms + 30 ms later")
	h.checkStats()
}

// Each fault draws only when it is on: the same seed gives the same fates.
func TestFaults_Deterministic(t *testing.T) {
	run := func() []delivery {
		h := newHarness(t, Config{Delay: time.Millisecond, Loss: 0.05, Burst: &GilbertElliott{P: 0.05, R: 0.5, LossBad: 0.8},
			ReorderProb: 0.1, ReorderDelay: 2 * time.Millisecond, Duplicate: 0.05, Corrupt: 0.05}, 11)
		offer(h, 500)
		h.checkStats()
		return h.delivered
	}
	assert.Equal(t, run(), run())
}

func TestFaults_Validate(t *testing.T) {
	for _, tc := range []struct {
		c    Config
		want string
	}{
		{Config{ReorderProb: 1.5}, "reorder probability 1.5 is not a probability in [0, 1]"},
		{Config{ReorderDelay: -1}, "negative reorder delay -1ns"},
		{Config{Duplicate: -0.1}, "duplicate probability -0.1 is not a probability in [0, 1]"},
		{Config{Corrupt: 2}, "corrupt probability 2 is not a probability in [0, 1]"},
		{Config{Burst: &GilbertElliott{P: 1.2}}, "burst loss p 1.2 is not a probability in [0, 1]"},
		{Config{Rules: []Rule{{Desc: "x", Match: func(sim.Time, *trace.Packet) bool { return true }, Action: ActionDelay}}},
			`rule 1 ("x"): a delay rule needs a delay > 0`},
	} {
		err := tc.c.Validate()
		require.Error(t, err)
		assert.Equal(t, tc.want, err.Error())
	}
}
