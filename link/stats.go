package link

// Count is a number of packets and the bytes they hold (IP packet sizes).
type Count struct {
	Packets int64
	Bytes   int64
}

func (c *Count) add(size int) {
	c.Packets++
	c.Bytes += int64(size)
}

// Drops counts the packets a link dropped, by reason.
type Drops struct {
	LinkDown   Count // the link was down, or would be before the packet arrived ("link down")
	Rule       Count // a drop rule picked the packet (reason: the rule's Desc)
	RandomLoss Count // random loss ("random loss")
	MTU        Count // larger than the MTU ("exceeds MTU (…)")
	QueueFull  Count // the queue was full ("queue full")
	Receiver   Count // the receiving end refused it on arrival (see Link.SetRefuse)
	Corrupt    Count // it arrived damaged and the receiver's checksum failed
}

// Total returns the sum over all reasons.
func (d Drops) Total() Count {
	var t Count
	for _, c := range [...]Count{d.LinkDown, d.Rule, d.RandomLoss, d.MTU, d.QueueFull, d.Receiver, d.Corrupt} {
		t.Packets += c.Packets
		t.Bytes += c.Bytes
	}
	return t
}

// Stats are a link's counters since it was made. Every packet offered, and
// every copy the link made of one, is eventually delivered or dropped:
// Sent + Duplicated = Delivered + Dropped.Total() + InFlight.
type Stats struct {
	Sent       Count // offered with Send
	Duplicated Count // copies the network made (Config.Duplicate, duplicate rules)
	Delivered  Count
	Dropped    Drops
	// InFlight is how many packets will still arrive: queued, on the wire or
	// propagating. Randomly lost packets still being serialized are not in it.
	InFlight int
	// MaxQueuePackets and MaxQueueBytes are the most packets and bytes seen
	// waiting behind the wire, each counted when a packet joined the queue.
	MaxQueuePackets int
	MaxQueueBytes   int
}
