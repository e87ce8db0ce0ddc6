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
// segments for no connection, the event queue), conn.go (the connection:
// its parts, its state and the application's API), sender.go and
// receiver.go (the two halves of the connection's variables), labeler.go
// (what the trace says of each segment), input.go (segment arrival),
// output.go (what to send: build, label, commit), timer.go (the five
// timers), retransmit.go (the RTO, the retry limits, handing ACKs to loss
// recovery), recovery.go (loss recovery: the interface, NewReno), sack.go
// (the SACK scoreboard's recovery), rtt.go (the estimator), delack.go,
// persist.go, keepalive.go, reassembly.go (out-of-order data), cc.go and
// reno.go (window growth), config.go, profile.go (settings and the rfc and
// linux profiles) and policy.go (the behaviour a profile picks: where
// Linux departs from the RFCs).
package tcp
