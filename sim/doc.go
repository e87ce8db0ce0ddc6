// Package sim is tcpsim's deterministic discrete-event engine.
//
// Time is virtual: [Time] counts integer nanoseconds from the start of a run and
// never comes from the wall clock. Events are ordered by (time, insertion
// sequence), a total order, so the same inputs always fire in the same order.
// A [Timer] is a reusable, cancellable event owned by its user; scheduling,
// resetting and stopping one allocates nothing. Randomness comes from
// [NewRand]: one seeded PCG stream per named component.
//
// sim knows nothing of networking.
package sim
