package kernel

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// capture writes the packets the relay reads as a pcap file: raw IPv4
// (LINKTYPE_RAW), nanosecond timestamps, the bytes exactly as the kernels
// sent them. It is taken where the relay sits, at the senders' side of the
// links: every packet appears once, when it was sent, lost ones included
// (the trace says which were lost, and why).
type capture struct {
	out *bufio.Writer
	w   *pcapgo.Writer
	err error // the first error; nothing is written after it
}

// captureSnapLen is the largest packet a TUN gives (an IPv4 packet's).
const captureSnapLen = 65535

// newCapture writes the file header to w.
func newCapture(w io.Writer) (*capture, error) {
	out := bufio.NewWriter(w)
	c := &capture{out: out, w: pcapgo.NewWriterNanos(out)}
	if err := c.w.WriteFileHeader(captureSnapLen, layers.LinkTypeRaw); err != nil {
		return nil, fmt.Errorf("pcap: writing the file header: %w", err)
	}
	return c, nil
}

// write adds a packet sent at the wall-clock instant at. (pcapgo would
// stamp a zero time with the time of writing; at is never zero.)
func (c *capture) write(at time.Time, b []byte) {
	if c.err != nil {
		return
	}
	ci := gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(b), Length: len(b)}
	if err := c.w.WritePacket(ci, b); err != nil {
		c.err = fmt.Errorf("pcap: %w", err)
	}
}

// flush writes out what is buffered and returns the first error met.
func (c *capture) flush() error {
	if c.err == nil {
		if err := c.out.Flush(); err != nil {
			c.err = fmt.Errorf("pcap: %w", err)
		}
	}
	return c.err
}
