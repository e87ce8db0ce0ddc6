package link

import "github.com/tcpsim/tcpsim/sim"

// Queue returns the packets and bytes (IP sizes) waiting at now behind the
// one being serialized: what a plot of a bottleneck's queue shows. now must
// be the engine's time, not before the link's last Send. A link of
// unlimited bandwidth has no queue.
func (l *Link) Queue(now sim.Time) (packets, bytes int) {
	l.ser.advance(now)
	return l.ser.waiting()
}
