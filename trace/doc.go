// Package trace is the one ordered stream of typed records that a run
// produces and every output consumes.
//
// The simulation packages (tcp, link and the scenario wiring) write [Record]s
// to a [Sink] as things happen: a segment sent, dropped or delivered, a state
// change, a timer set or fired, a variable such as cwnd changing, an
// application reading or writing, a connection aborted. Outputs (the terminal
// ladder, the JSON-lines file, diagrams, plots, pcap) read records only; they
// never look inside the simulator. A Sink must not keep the *Record it is
// given: records are reused.
//
// The JSON-lines form written by [JSONWriter] is public and documented in
// docs/trace-format.md.
package trace
