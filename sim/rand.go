package sim

import (
	"hash/fnv"
	"math/rand/v2"
	"time"
)

// Duration is an interval of virtual time; it is time.Duration, named here
// so engine signatures read naturally.
type Duration = time.Duration

// NewRand returns the random stream of one named component of a run seeded
// with seed. Each component draws from its own PCG stream, so adding a
// component, or changing how much one draws, changes nobody else's numbers.
func NewRand(seed uint64, component string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(component))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}
