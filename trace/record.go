package trace

import (
	"net/netip"
	"strings"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// Kind says what a record is about.
type Kind uint8

// The record kinds, with their JSON "event" names.
const (
	KindRun     Kind = iota + 1 // "run": the first record: scenario name, seed
	KindNode                    // "node": a node's name and address
	KindSend                    // "send": a node put a segment on its link
	KindDrop                    // "drop": a link or host discarded a segment; Drop says why
	KindDeliver                 // "deliver": a segment reached its destination node
	KindState                   // "state": a connection changed state (From → To)
	KindTimer                   // "timer": a TCP timer was set, fired or cancelled
	KindVar                     // "var": a connection variable (cwnd, rto, …) changed
	KindApp                     // "app": an application called the socket API
	KindAbort                   // "abort": a connection was aborted; Abort says why
	KindHost                    // "host": a host crashed or rebooted
	KindLink                    // "link": a link went down or came up
	KindMsg                     // "msg": an application message was sent or received in full
	KindEnd                     // "end": the run is over
	// KindQueue ("queue"): a link's queue as a packet arriving at it left
	// it: Value packets and Off bytes waiting behind the one on the wire
	// (Node: the link's name). Written only for a shared bottleneck.
	KindQueue
)

var kindNames = [...]string{"", "run", "node", "send", "drop", "deliver", "state", "timer", "var", "app", "abort", "host", "link", "msg", "end", "queue"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// ParseKind returns the kind with the given JSON event name.
func ParseKind(s string) (Kind, bool) {
	for i, n := range kindNames {
		if i > 0 && n == s {
			return Kind(i), true
		}
	}
	return 0, false
}

// Label marks what a sent segment means, as computed from the sender's own
// state. A segment can carry several.
type Label uint32

// The labels, with their JSON names.
const (
	LabelRetransmission     Label = 1 << iota // "retransmission": the segment was sent before
	LabelFastRetransmission                   // "fast-retransmission": resent on duplicate ACKs
	LabelDupACK                               // "dup-ack": a duplicate ACK (N is its ordinal)
	LabelZeroWindow                           // "zero-window": advertises a window of 0
	LabelZeroWindowProbe                      // "zero-window-probe": persist-timer probe
	LabelWindowUpdate                         // "window-update": sent to announce a larger window
	LabelKeepalive                            // "keepalive": a keepalive probe (N is its ordinal)
	LabelKeepaliveACK                         // "keepalive-ack": the answer to a keepalive probe
	LabelDelayedACK                           // "delayed-ack": an ACK sent when the delayed-ACK timer fired
	LabelACKOfDuplicate                       // "ack-of-duplicate": the ACK of a segment received before
	LabelProbeByteResent                      // "probe-byte-resent": data starting with a zero-window probe's byte
	LabelNetworkDuplicate                     // "network-duplicate": a copy the network made of a segment
	LabelTLP                                  // "tlp": a tail loss probe (RFC 8985 §7)
	// LabelSpuriousRetransmission ("spurious-retransmission"): a
	// retransmission of data the receiver already held when it was sent.
	// The sender cannot know it; the world that joins both ends (or an
	// analysis of a capture) sets it.
	LabelSpuriousRetransmission
)

var labelNames = [...]string{"retransmission", "fast-retransmission", "dup-ack", "zero-window",
	"zero-window-probe", "window-update", "keepalive", "keepalive-ack", "delayed-ack",
	"ack-of-duplicate", "probe-byte-resent", "network-duplicate", "tlp", "spurious-retransmission"}

// Has reports whether all of m are set.
func (l Label) Has(m Label) bool { return l&m == m }

// Names returns the labels' JSON names in a fixed order.
func (l Label) Names() []string {
	var out []string
	for i, n := range labelNames {
		if l&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

func (l Label) String() string { return strings.Join(l.Names(), ",") }

// ParseLabel returns the label with the given JSON name.
func ParseLabel(s string) (Label, bool) {
	for i, n := range labelNames {
		if n == s {
			return 1 << i, true
		}
	}
	return 0, false
}

// Timer names a TCP timer.
type Timer uint8

// The timers, with their JSON names.
const (
	TimerRetransmission Timer = iota + 1 // "retransmission": RFC 6298 RTO (also SYN and FIN)
	TimerPersist                         // "persist": zero-window probing (RFC 9293 §3.8.6.1)
	TimerKeepalive                       // "keepalive": RFC 1122 §4.2.3.6
	TimerDelayedACK                      // "delayed-ack": RFC 9293 §3.8.6.3
	TimerTimeWait                        // "time-wait": 2·MSL (RFC 9293 §3.6)
)

var timerNames = [...]string{"", "retransmission", "persist", "keepalive", "delayed-ack", "time-wait"}

func (t Timer) String() string {
	if int(t) < len(timerNames) {
		return timerNames[t]
	}
	return "unknown"
}

// ParseTimer returns the timer with the given JSON name.
func ParseTimer(s string) (Timer, bool) {
	for i, n := range timerNames {
		if i > 0 && n == s {
			return Timer(i), true
		}
	}
	return 0, false
}

// Packet is a segment in flight: what a node hands its link, with the
// annotations the sender computed. ID pairs a send with its delivery or drop.
type Packet struct {
	ID     uint64
	Seg    wire.Segment
	Win    uint32 // the advertised receive window in bytes (Seg.Window after scaling)
	Labels Label
	N      int32 // the ordinal that goes with a label: dup-ACK #N, keepalive probe #N
	Conn   uint32
}

// Record is one entry of the trace. Which fields are meaningful depends on
// Kind; docs/trace-format.md lists them per kind. A record is written once
// and handed to the sink by pointer: a sink that keeps it must copy it with
// Keep, which copies the packet too.
type Record struct {
	T     sim.Time
	At    sim.Time // timer set: when it fires
	Value int64    // var: value; app, msg: bytes (listen: the port); run: the uint64 seed, converted; timer: ordinal; queue: packets waiting
	Off   int64    // msg: where the message starts in its direction's byte stream; queue: bytes waiting
	// Pkt is the segment of a send, drop or deliver record, nil otherwise.
	// It belongs to the writer and is valid only during the Record call.
	Pkt  *Packet
	Node string // the node the record is about; for packets, the sender; link: the link's or path's name
	Peer string // for packets, the receiver
	Name string // run: the scenario's name
	// Text is a msg record's message head: an HTTP request or status line
	// and its header lines, through the blank line; its first line names it.
	Text string
	Addr netip.Addr
	Drop Drop   // drop: why
	Conn uint32 // the connection's number on Node (1, 2, … in order of creation)
	Kind Kind

	From, To State      // state
	Timer    Timer      // timer: which
	TimerOp  TimerOp    // timer: set, fired or cancelled
	App      AppOp      // app
	Host     HostOp     // host
	Link     LinkOp     // link
	Var      Var        // var
	Abort    AbortCause // abort
	End      EndReason  // end
	Msg      MsgOp      // msg: sent or received
}

// Keep returns a copy of r that owns a copy of its packet, for sinks that
// keep records beyond the Record call.
func (r *Record) Keep() Record {
	k := *r
	if r.Pkt != nil {
		p := *r.Pkt
		k.Pkt = &p
	}
	return k
}

// Equal reports whether r and o hold the same values, comparing their
// packets by value.
func (r *Record) Equal(o *Record) bool {
	a, b := *r, *o
	if (a.Pkt == nil) != (b.Pkt == nil) || a.Pkt != nil && *a.Pkt != *b.Pkt {
		return false
	}
	a.Pkt, b.Pkt = nil, nil
	return a == b
}
