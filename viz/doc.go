// Package viz turns a run's trace into things people read: the terminal
// ladder diagram, the end-of-run summary and (later) diagrams, plots and pcap.
//
// Every output is a consumer of [trace.Record]s and nothing else: viz imports
// trace, wire and sim, never tcp, link or scenarios. The streaming outputs
// ([Ladder], [Summary]) are [trace.Sink]s that keep a bounded amount of state,
// so they can follow a run of millions of records.
//
// Every phrase a reader sees comes from one message catalogue (messages.go),
// so that the outputs can be translated; protocol words (SYN, ACK, seq, RFC
// 9293 state names) stay as they are in every language.
package viz
