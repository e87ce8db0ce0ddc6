// Package viz holds tcpsim's outputs: everything that turns a run's trace
// into something people read. It has no code of its own; each output is a
// package, so that a program that wants the plain-text ladder pulls in no
// drawing or capture library:
//
//   - [github.com/tcpsim/tcpsim/viz/catalog]: what every output says the
//     same way. The message catalogue (one file per language: English,
//     Vietnamese), the notes for the trace's events and the reasons for
//     drops and aborts, times in seconds, and sequence numbers, absolute or
//     relative to each side's ISN (catalog.SeqNumbers, catalog.ISNs).
//   - [github.com/tcpsim/tcpsim/viz/ladder]: the terminal ladder diagram
//     and the end-of-run summary, trace.Sinks that follow a run of millions
//     of records in bounded memory.
//   - [github.com/tcpsim/tcpsim/viz/diagram]: sequence diagrams in SVG, PNG
//     and PDF, with slanted arrows, drops, timers and state changes.
//   - [github.com/tcpsim/tcpsim/viz/plot]: the time–sequence graph and the
//     window plot.
//   - [github.com/tcpsim/tcpsim/viz/canvas]: what diagram and plot share:
//     the output formats, byte-for-byte repeatable files, the font, colours
//     and a painter in page coordinates.
//   - [github.com/tcpsim/tcpsim/viz/textdiagram]: Mermaid and PlantUML
//     sequence diagrams, for documents.
//   - [github.com/tcpsim/tcpsim/viz/pcap]: captures that Wireshark and
//     tcpdump read, and any capture read back into a trace, labelled by
//     trace/analysis.
//   - [github.com/tcpsim/tcpsim/viz/compare]: two traces of one exchange
//     (a simulation and the kernel, or a capture) held against each other
//     segment by segment, with a similarity figure.
//
// Imports point one way. Every output reads trace records and nothing
// else of the simulator: a viz package imports trace, wire, sim and
// viz/catalog, never tcp, link or scenarios; diagram and plot import
// viz/canvas too. Each third-party library lives in the packages of its
// output: gonum/plot in canvas, diagram and plot; gopacket in pcap. The
// tests in deps_test.go here and in cmd/tcpsim hold these rules.
//
// The same records and options always give the same bytes, in every
// output.
//
// Memory follows what is drawn, not the run. The ladder, the summary and
// the pcap stream. The outputs drawn from the run once it is over
// (diagrams, plots, text diagrams) each have a Collector, a trace.Sink that
// keeps only their window (trace.Window: the records of From–To up to the
// segment limit, and what they need from before and after it) or, for a
// plot, its points summarised per stretch of time; their Write functions
// over a []trace.Record go through the same collectors.
package viz
