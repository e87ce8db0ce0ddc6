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
	// Burst, when set, adds Gilbert-Elliott loss: losses that come in
	// bursts, as on a wireless link.
	Burst *GilbertElliott
	// ReorderProb is the probability that a packet is held back ReorderDelay
	// longer than the others, so that packets sent after it may arrive
	// first (the link reorders as Reorder allows, whatever Reorder says).
	ReorderProb  float64
	ReorderDelay time.Duration
	// Duplicate is the probability that the network delivers a packet
	// twice: a copy arrives just after it.
	Duplicate float64
	// Corrupt is the probability that a packet is damaged on the way: it
	// arrives, the receiver finds its checksum wrong and discards it.
	Corrupt float64
	// Rules drop packets picked by what they are (see Rule).
	Rules []Rule
	// Outages are intervals during which the link is down: a packet that
	// would be on the link at any moment of an outage is lost.
	Outages []Outage
}

// GilbertElliott is a two-state loss model (Gilbert 1960, Elliott 1963):
// a good and a bad state, each with its loss probability; before each
// packet the state changes with probability P (good to bad) or R (bad to
// good). The mean burst lasts 1/R packets, and the long-run share of
// packets sent in the bad state is P/(P+R).
type GilbertElliott struct {
	P, R              float64
	LossGood, LossBad float64
}

// Action is what a rule does to the packets it picks.
type Action uint8

const (
	// ActionDrop loses the packet (the zero value).
	ActionDrop Action = iota
	// ActionDelay holds the packet back Delay longer than it would take:
	// packets sent after it may arrive first.
	ActionDelay
	// ActionDuplicate delivers the packet twice.
	ActionDuplicate
)

// Rule drops (or delays, or duplicates) the packets its predicate picks.
// The link knows nothing of TCP: the scenario loader builds Match from
// what the user wrote.
type Rule struct {
	// Desc is the rule as the user wrote it; for a drop it becomes the drop
	// reason.
	Desc string
	// Action is what the rule does; Delay is how much later a delayed
	// packet arrives.
	Action Action
	Delay  time.Duration
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
