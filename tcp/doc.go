// Package tcp is a sans-IO model of TCP endpoints, written from the RFCs:
//
//   - RFC 9293: the state machine, segment acceptability, RST and FIN handling
//   - RFC 6298: the retransmission timer (SRTT, RTTVAR, backoff, Karn's rule)
//   - RFC 5681 and RFC 6582: slow start, congestion avoidance, fast
//     retransmit and NewReno fast recovery; RFC 2018 SACK
//   - RFC 1122: delayed ACKs, keepalive, the persist timer and window rules;
//     RFC 7323: window scaling and timestamps
//
// A [Host] holds one node's connections. It does no I/O and reads no clock:
// the caller feeds it segments with [Host.Input] at a virtual time, collects
// what it sends with [Host.Poll], and calls Poll again at [Host.Deadline].
// The application learns what happened from [Host.Notices], after the host
// has done its work, never in the middle of it. Everything observable is
// written to a trace.Sink as it happens.
//
// Files hold one concern each: state.go (states), host.go (demultiplexing,
// segments for no connection, the event queue), conn.go (the connection's
// variables and the application's API), input.go (segment arrival),
// output.go (what to send), timer.go (the five timers), retransmit.go (the
// RTO and loss recovery), rtt.go (the estimator), delack.go, persist.go,
// keepalive.go, reassembly.go (out-of-order data), sack.go (the SACK
// scoreboard), cc.go and newreno.go (window growth), config.go and
// profile.go (settings and the rfc and linux profiles).
package tcp
