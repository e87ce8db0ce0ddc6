package pcap

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/trace/analysis"
	"github.com/tcpsim/tcpsim/wire"
)

// DefaultMaxSegments is how many TCP segments Read keeps when its options
// do not say: about 200 MB of memory, far more than a lesson's capture.
const DefaultMaxSegments = 1 << 20

// ReadOptions change how Read reads a capture.
type ReadOptions struct {
	// MaxSegments is the most TCP segments read; a capture that holds more
	// is an error. 0 means DefaultMaxSegments.
	MaxSegments int
}

// Captured is one TCP segment read from a capture.
type Captured struct {
	At  time.Time    // the capture's timestamp
	Seg wire.Segment // as in the headers; the window is the field, unscaled
	// Verdict is the analysis of the segment (its labels, and its window
	// after scaling) and the number of its connection (Verdict.Conn).
	Verdict analysis.Verdict
}

// Conn is one TCP connection of a capture.
type Conn struct {
	N uint32 // 1, 2, … in order of first appearance
	// Client and Server: the client is the side that sent the SYN; without
	// one, the side a SYN,ACK went to; without either, the side with the
	// higher port (an ephemeral port), or the first sender when the ports
	// are equal.
	Client, Server netip.AddrPort
	Segments       int
	First, Last    time.Time // the times of its first and last segments
	// SYN says whether the capture holds the connection's SYN: without it,
	// sequence numbers are relative to the first ones seen, and windows are
	// not scaled (the SYNs carry the scale).
	SYN bool
}

// File is what Read found in a capture.
type File struct {
	Segments []Captured // every TCP segment, in the capture's order
	Conns    []Conn     // by number: Conns[i].N == i+1
	// Skipped counts frames that are not TCP over IPv4 or IPv6 (ARP, UDP,
	// ICMP, IP fragments, unknown link types, …).
	Skipped int
	// Cut counts segments the capture holds only the start of (its
	// snapshot length was shorter): their lengths come from the IP header.
	Cut int
	// Unfinished: the file ends in the middle of a packet (the capture
	// was stopped while writing); the packets before it are read.
	Unfinished bool
}

// Read reads a pcap or pcapng capture (the format is told by its first
// bytes) and returns its TCP segments, labelled by the Wireshark-like
// analysis of package analysis, and its connections. It reads frames of
// Ethernet (with up to two VLAN tags), Linux cooked capture (SLL and
// SLL2), raw IP, and BSD loopback link types, carrying IPv4 or IPv6; a
// pcapng file may mix interfaces of different link types. Other frames are
// counted in File.Skipped.
func Read(r io.Reader, o ReadOptions) (*File, error) {
	if o.MaxSegments <= 0 {
		o.MaxSegments = DefaultMaxSegments
	}
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("not a capture: %d bytes", len(magic))
	}
	var src packetReader
	switch binary.LittleEndian.Uint32(magic) {
	case ngSectionHeader:
		src, err = newNgReader(br)
	case pcapMicros, pcapNanos, pcapMicrosSwap, pcapNanosSwap:
		src, err = newPcapReader(br)
	default:
		return nil, fmt.Errorf("neither pcap nor pcapng (it starts % x)", magic)
	}
	if err != nil {
		return nil, err
	}

	f := &File{}
	an := analysis.NewAnalyzer()
	var buf []byte
	for {
		p, err := src.read()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errCutShort) {
			f.Unfinished = true
			break
		}
		if err != nil {
			return nil, fmt.Errorf("packet %d: %w", len(f.Segments)+f.Skipped+1, err)
		}
		data := p.data
		if len(data) < p.length && p.length <= maxFrameLen {
			// Cut short by the snapshot length: the headers are there (or
			// parsing fails), and zeros stand for the payload's bytes.
			buf = append(append(buf[:0], data...), make([]byte, p.length-len(data))...)
			data = buf
		}
		ip, ok := networkLayer(p.linkType, data)
		if !ok {
			f.Skipped++
			continue
		}
		seg, err := wire.ParseIP(ip)
		if err != nil {
			f.Skipped++
			continue
		}
		if len(f.Segments) == o.MaxSegments {
			return nil, fmt.Errorf("the capture holds more than %d TCP segments; cut it to the connection you want first (editcap, or tshark -Y)", o.MaxSegments)
		}
		if len(p.data) < p.length {
			f.Cut++
		}
		v := an.Analyze(&seg)
		f.Segments = append(f.Segments, Captured{At: p.at, Seg: seg, Verdict: v})
		f.note(&f.Segments[len(f.Segments)-1])
	}
	for i := range f.Conns {
		f.Conns[i].orient()
	}
	return f, nil
}

// maxFrameLen bounds the length a packet's record may claim when its bytes
// were cut short: an IP packet and a link header.
const maxFrameLen = 65535 + 64

// Link types (the tcpdump.org LINKTYPE_ registry) of the frames read.
const (
	linkTypeNull      = 0   // BSD loopback: a 4-byte address family in the host's byte order
	linkTypeEthernet  = 1   // IEEE 802.3
	linkTypeRaw       = 101 // raw IPv4 or IPv6
	linkTypeLoop      = 108 // OpenBSD loopback: the family in network byte order
	linkTypeLinuxSLL  = 113 // Linux cooked capture
	linkTypeIPv4      = 228
	linkTypeIPv6      = 229
	linkTypeLinuxSLL2 = 276 // Linux cooked capture v2
)

// EtherTypes of the network layers read, and of VLAN tags (IEEE 802.1Q,
// 802.1ad, and the older QinQ value).
const (
	etherTypeIPv4  = 0x0800
	etherTypeIPv6  = 0x86dd
	etherTypeVLAN  = 0x8100
	etherTypeQinQ  = 0x88a8
	etherTypeQinQ2 = 0x9100
)

// networkLayer returns the IP packet in a frame of link type lt, and false
// for a frame that carries none.
func networkLayer(lt uint16, b []byte) ([]byte, bool) {
	var proto uint16
	switch lt {
	case linkTypeEthernet: // IEEE 802.3: destination, source, EtherType
		if len(b) < 14 {
			return nil, false
		}
		proto, b = binary.BigEndian.Uint16(b[12:14]), b[14:]
		for tags := 0; tags < 2 && (proto == etherTypeVLAN || proto == etherTypeQinQ || proto == etherTypeQinQ2); tags++ {
			if len(b) < 4 {
				return nil, false
			}
			proto, b = binary.BigEndian.Uint16(b[2:4]), b[4:]
		}
	case linkTypeLinuxSLL: // packet type, ARPHRD, address length, address (8), protocol
		if len(b) < 16 {
			return nil, false
		}
		proto, b = binary.BigEndian.Uint16(b[14:16]), b[16:]
	case linkTypeLinuxSLL2: // protocol, reserved, ifindex, ARPHRD, packet type, address length, address (8)
		if len(b) < 20 {
			return nil, false
		}
		proto, b = binary.BigEndian.Uint16(b[0:2]), b[20:]
	case linkTypeNull, linkTypeLoop: // a 4-byte address family, in either byte order
		if len(b) < 4 {
			return nil, false
		}
		return b[4:], true // ParseIP tells the version
	case linkTypeRaw, linkTypeIPv4, linkTypeIPv6:
		return b, true
	default:
		return nil, false
	}
	if proto != etherTypeIPv4 && proto != etherTypeIPv6 {
		return nil, false
	}
	return b, true
}

// note counts c in its connection's record, making one for a new
// connection.
func (f *File) note(c *Captured) {
	n := c.Verdict.Conn
	for uint32(len(f.Conns)) < n {
		f.Conns = append(f.Conns, Conn{N: uint32(len(f.Conns) + 1), Client: c.Seg.Src, Server: c.Seg.Dst, First: c.At})
	}
	k := &f.Conns[n-1]
	k.Segments++
	k.Last = c.At
	switch fl := c.Seg.Flags; {
	case fl&(wire.SYN|wire.ACK) == wire.SYN:
		k.Client, k.Server, k.SYN = c.Seg.Src, c.Seg.Dst, true
	case fl&(wire.SYN|wire.ACK) == wire.SYN|wire.ACK && !k.SYN:
		k.Client, k.Server, k.SYN = c.Seg.Dst, c.Seg.Src, true
	}
}

// orient applies the port rule to a connection without a SYN: the client
// is the side with the higher port.
func (k *Conn) orient() {
	if !k.SYN && k.Client.Port() < k.Server.Port() {
		k.Client, k.Server = k.Server, k.Client
	}
}

// RecordOptions say how Records writes a connection as a trace.
type RecordOptions struct {
	// Name is the run record's name: what the outputs give as the title.
	Name string
	// Zero is the instant that is time 0 in the trace; the zero time means
	// the connection's first segment.
	Zero time.Time
}

// Records returns connection n of the capture as a trace that every output
// draws: a run record, the two node records (named "client" and
// "server", see Conn), and for each segment a send record and a deliver
// record at the same instant, the instant it was captured. A capture
// point sees each packet once: a capture beside the client sees the
// client's segments when they leave and the server's when they arrive,
// and cannot tell a segment lost further on from one delivered. The
// records carry the analysis's labels and the window after scaling, on
// connection number 1 of each node. There are no state, timer, variable
// or application records, and no end record: a capture holds none of
// that.
func (f *File) Records(n int, o RecordOptions) ([]trace.Record, error) {
	if n < 1 || n > len(f.Conns) {
		switch len(f.Conns) {
		case 0:
			return nil, errors.New("the capture holds no TCP segment")
		case 1:
			return nil, fmt.Errorf("connection %d: the capture holds one connection", n)
		}
		return nil, fmt.Errorf("connection %d: the capture holds connections 1 to %d", n, len(f.Conns))
	}
	k := &f.Conns[n-1]
	zero := o.Zero
	if zero.IsZero() {
		zero = k.First
	}
	const client, server = "client", "server"
	recs := make([]trace.Record, 0, 3+2*k.Segments)
	recs = append(recs,
		trace.Record{Kind: trace.KindRun, Name: o.Name},
		trace.Record{Kind: trace.KindNode, Node: client, Addr: k.Client.Addr()},
		trace.Record{Kind: trace.KindNode, Node: server, Addr: k.Server.Addr()})
	var id uint64
	last := sim.Time(0)
	for i := range f.Segments {
		c := &f.Segments[i]
		if c.Verdict.Conn != k.N {
			continue
		}
		from, to := client, server
		if c.Seg.Src != k.Client {
			from, to = server, client
		}
		// Times never go back in a trace, nor before its start, whatever
		// the capture's clock did.
		t := max(sim.Time(c.At.Sub(zero)), last)
		last = t
		id++
		p := &trace.Packet{ID: id, Seg: c.Seg, Win: c.Verdict.Win, Labels: c.Verdict.Labels, N: c.Verdict.N, Conn: 1}
		recs = append(recs,
			trace.Record{T: t, Kind: trace.KindSend, Node: from, Peer: to, Conn: 1, Pkt: p},
			trace.Record{T: t, Kind: trace.KindDeliver, Node: from, Peer: to, Conn: 1, Pkt: p})
	}
	return recs, nil
}
