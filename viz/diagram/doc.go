// Package diagram draws the segments exchanged between two nodes as a
// sequence diagram in SVG, PNG or PDF (Write): two timelines, time flowing
// down, a slanted arrow per segment from its sending to its arrival, drops,
// timers and state changes beside the timelines. diagram.go lays the
// diagram out; draw.go paints it.
//
// The package reads the trace and nothing else of the simulator, takes its
// words from viz/catalog and its canvas, font and colours from viz/canvas
// (gonum/plot's vg).
package diagram
