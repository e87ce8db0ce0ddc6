// Package link models one direction of a network path: a drop-tail queue in
// front of a serializer of fixed bandwidth, a propagation delay with optional
// jitter, and the ways a packet is lost on the way (the link being down,
// user-written drop rules, random loss, the MTU, a full queue).
//
// A [Link] carries [trace.Packet]s from one node to another. [Link.Send]
// decides at once, from the configuration and the link's seeded random
// stream, whether the packet will arrive and when, and writes the send (and,
// for a lost packet, the drop) record then; the packet is delivered later by
// one engine timer. Everything runs in virtual time on the caller's engine:
// no wall clock, no goroutines, and no allocation per packet once the link's
// buffers have grown to the traffic they carry.
//
// The link knows nothing of TCP: the scenario wiring builds the drop rules'
// predicates and moves packets between links and endpoints.
package link
