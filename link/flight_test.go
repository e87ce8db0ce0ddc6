package link

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

func TestRingGrowsWhileWrapped(t *testing.T) {
	var r ring[int]
	next, want := 0, 0
	for round := range 200 {
		for range round%7 + 1 {
			*r.pushSlot() = next
			next++
		}
		for range round % 5 {
			if r.len() > 0 {
				require.Equal(t, want, *r.front())
				r.pop()
				want++
			}
		}
		for i := range r.len() {
			require.Equal(t, want+i, *r.at(i))
		}
	}
}

// The reordering store gives packets back in (arrival, send) order, however
// pushes and pops interleave.
func TestFlightsHeapOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	f := flights{reorder: true}
	type key struct {
		at  sim.Time
		seq uint64
	}
	var ref []key
	var seq uint64
	for range 20000 {
		if rng.IntN(3) > 0 || len(ref) == 0 {
			seq++
			at := sim.Time(rng.IntN(50))
			f.push(at, seq, &trace.Packet{ID: seq}, 40, false)
			ref = append(ref, key{at, seq})
			continue
		}
		slices.SortFunc(ref, func(a, b key) int {
			return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq))
		})
		require.Equal(t, ref[0].at, f.nextAt())
		out, _, _ := f.pop()
		require.Equal(t, ref[0].seq, out.ID)
		ref = ref[1:]
		require.Equal(t, len(ref), f.len())
		require.Equal(t, len(f.heap), len(f.slab)-len(f.free))
	}
}
