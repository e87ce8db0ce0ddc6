// Package kernel runs a scenario on the real Linux TCP stack, so that the
// simulation can be held against what the kernel it runs on really does
// (issue 11, part 1).
//
// The two hosts are two network namespaces that the run creates and
// removes, each with a TUN device and the scenario's address, routed only
// to each other. The scenario's applications run as real sockets inside
// them. A relay in this process reads every packet from one TUN and writes
// it to the other through the scenario's own link model (package link,
// driven by a sim.Engine kept in step with the wall clock), so delay, rate,
// queue, random loss and drop rules act on real packets exactly as in the
// simulation. The relay records what it forwards and drops as trace
// records, labelled by a Wireshark-like analysis ([analysis.Analyzer]), and as a
// pcap: every existing output can draw the kernel's run.
//
// Unlike the rest of the simulator this package is I/O by nature: it uses
// goroutines and the wall clock, and needs root (CAP_NET_ADMIN and
// CAP_SYS_ADMIN). It only ever uses addresses that exist inside the
// namespaces it made, and removes what it made, on failure too.
// docs/kernel.md tells the whole story.
package kernel
