// Package ladder draws a run for a terminal as it happens: the ladder
// diagram, one line per event between the two nodes' timelines (Ladder),
// and the end-of-run summary, counts per node (Summary). Both are
// trace.Sinks that keep a bounded amount of state, so they can follow a
// run of millions of records, and write plain text (colours only when
// asked).
//
// The package reads the trace and nothing else of the simulator, takes its
// words from viz/catalog, and uses no drawing library.
package ladder
