package link

import (
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// Config describes one direction of a path.
type Config struct {
	// Delay is the one-way propagation delay.
	Delay time.Duration
	// Jitter adds a uniformly drawn extra delay in [0, Jitter) to each packet.
	// Packets still arrive in the order they were sent unless Reorder is set.
	Jitter time.Duration
	// Reorder lets jitter deliver a later packet before an earlier one.
	Reorder bool
	// Bandwidth is the serialization rate in bits per second; 0 means
	// infinitely fast (no serialization delay and no queueing).
	Bandwidth int64
	// QueuePackets limits how many packets may wait for transmission behind
	// the one being serialized (drop-tail); 0 means no packet limit.
	QueuePackets int
	// QueueBytes limits the bytes (IP packet sizes) waiting; 0 means no byte limit.
	QueueBytes int
	// MTU is the largest IP packet the link carries; larger ones are dropped.
	// 0 means no limit.
	MTU int
	// Loss is the probability that a packet is lost at random (Bernoulli), in [0, 1].
	Loss float64
	// Rules drop packets picked by what they are (see Rule).
	Rules []Rule
	// Outages are intervals during which the link is down: a packet that
	// would be on the link at any moment of an outage is lost.
	Outages []Outage
}

// Rule drops the packets its predicate picks. The link knows nothing of
// TCP: the scenario loader builds Match from what the user wrote.
type Rule struct {
	// Desc is the rule as the user wrote it; it becomes the drop reason.
	Desc string
	// Match reports whether the rule picks p, offered to the link at now.
	// The link calls every rule's Match for every packet offered, in order,
	// so stateful predicates (the Nth data segment) count every packet.
	Match func(now sim.Time, p *trace.Packet) bool
	// Times is how many picked packets the rule drops; 0 means all of them.
	Times int
}

// Outage is an interval [From, To) during which the link is down.
type Outage struct {
	From, To sim.Time
}
