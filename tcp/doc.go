// Package tcp is a sans-IO model of TCP endpoints, written from the RFCs:
//
//   - RFC 9293: the state machine, segment acceptability, RST and FIN handling
//   - RFC 6298: the retransmission timer (SRTT, RTTVAR, backoff, Karn's rule)
//   - RFC 5681 and RFC 6582: slow start, congestion avoidance, fast
//     retransmit and NewReno fast recovery
//   - RFC 1122: ACK and window rules; RFC 7323: window scaling
//
// A [Host] holds one node's connections. It does no I/O and reads no clock:
// the caller feeds it segments with [Host.Input] at a virtual time, collects
// what it sends with [Host.Poll], and calls Poll again at [Host.Deadline].
// Everything observable is written to a trace.Sink as it happens.
//
// Files hold one concern each: state.go (states and transitions), input.go
// (segment arrival), output.go (what to send), retransmit.go (the RTO timer),
// rtt.go (the estimator), reassembly.go (out-of-order data), cc.go and
// newreno.go (congestion control and loss recovery), host.go (demultiplexing
// and segments for no connection), conn.go (the application's API).
package tcp
