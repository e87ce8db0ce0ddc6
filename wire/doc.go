// Package wire holds what crosses a link: TCP segments, their sequence
// numbers (with modulo-2^32 arithmetic), flags and options.
//
// A Segment carries the length of its payload, not the bytes: the simulator
// follows byte positions in the stream, which is all TCP itself looks at.
// ParseIPv4 reads a real packet (from a TUN device or a capture) into one.
package wire
