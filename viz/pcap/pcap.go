// Package pcap writes a run's segments as a pcap file that Wireshark and
// tcpdump read, with gopacket: one Ethernet/IPv4/TCP frame per segment
// seen at a capture point, stamped with the simulated time ([Writer]).
// And it reads any capture, pcap or pcapng, back into a trace that every
// output draws ([Read], [File.Records]), labelled by the Wireshark-like
// analysis of package trace/analysis.
//
// It reads and writes the trace and nothing else of the simulator; of the
// outputs, it is the only one that uses gopacket.
package pcap

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// epoch is the wall-clock instant a run's time 0 is written as in a pcap
// file. It is fixed, so that the same run always gives the same bytes.
var epoch = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Capture is where a capture is taken: a node's interface, or the link.
type Capture string

// The capture points.
const (
	CaptureClient Capture = "client" // the client's interface: what it sends and what reaches it
	CaptureServer Capture = "server" // the server's interface: what it sends and what reaches it
	CaptureLink   Capture = "link"   // every segment, at the moment its sender sends it
)

// ParseCapture returns the capture point named s; "" is CaptureClient.
func ParseCapture(s string) (Capture, error) {
	switch c := Capture(s); c {
	case "":
		return CaptureClient, nil
	case CaptureClient, CaptureServer, CaptureLink:
		return c, nil
	}
	return "", fmt.Errorf("unknown capture point %q; use %q, %q or %q", s, CaptureClient, CaptureServer, CaptureLink)
}

// Fixed header fields of the frames written.
const (
	snapLen = 262144 // tcpdump's default snapshot length; no frame is cut short
	ttl     = 64     // Linux's default IPv4 TTL (net.ipv4.ip_default_ttl)
	// maxInFlight bounds the IP IDs kept for segments on their way to
	// the capturing node: the ID space has only 2^16 values anyway.
	maxInFlight = 1 << 16
)

// Options say what a Writer writes.
type Options struct {
	// Capture is where the capture is taken: "client" (the default, for
	// ""), "server" or "link". At a node, the node's own segments appear
	// when it sends them (a segment the link then drops included) and the
	// segments to it when they are delivered. "link" shows every segment
	// when its sender sends it.
	Capture Capture
	// From and To select the stretch of the run captured: a frame whose
	// time is before From or after To (when To is not 0) is left out. The
	// IP IDs count every segment all the same, so a frame has the same ID
	// in every window.
	From, To sim.Time
}

// Writer writes the segments of a trace as a pcap file that Wireshark and
// tcpdump read: one Ethernet/IPv4/TCP frame per captured segment, stamped
// at nanosecond resolution with the simulated time counted from a fixed
// epoch, 2026-01-01T00:00:00Z: a run's time 0 s is that instant.
//
// It is a streaming trace.Sink: its memory does not grow with the run. It
// keeps the IP ID of each segment still on its way to the capturing node (at
// most the packets in flight, and never more than 2^16).
//
// Frames are built as Linux would send them: TTL 64, DF set, an IP ID
// counting the sender's segments (1, 2, …; dropped ones included), TCP
// options in Linux's layout ([wire.AppendOptions]), correct
// checksums, and the window field as sent, before scaling. The payload is
// zero bytes, except where the trace's msg records say an application
// message lies: there it is the message's head as written (an HTTP request
// or response, which Wireshark's HTTP dissector reads) and a body of
// repeated "tcpsim\n" filling its Content-Length. A frame shorter than
// Ethernet's minimum of 60 bytes (without the FCS) is padded to it, as on
// the wire; the IP header's length stays exact. Each IPv4 address gets
// a fixed locally administered MAC address: 02:00 and then the address's
// four bytes (an IPv6 address: its last four). A segment between IPv6
// addresses, which only a capture read back has, is an IPv6 frame: hop
// limit 64, no flow label.
type Writer struct {
	out      *bufio.Writer
	w        *pcapgo.Writer
	capture  Capture
	from, to sim.Time // the stretch captured; to 0: to the end
	err      error    // the first error; nothing is written after it

	ipID     map[netip.Addr]uint16 // the IP ID each sender used last
	inFlight map[uint64]uint16     // packet ID → IP ID, for segments not yet delivered to the capturing node

	buf     gopacket.SerializeBuffer
	eth     layers.Ethernet
	ip      layers.IPv4
	ip6     layers.IPv6
	tcp     layers.TCP
	payload gopacket.Payload
	srcIP   [16]byte // the first 4 bytes for IPv4
	dstIP   [16]byte
	srcMAC  [6]byte
	dstMAC  [6]byte
	opts    []layers.TCPOption
	optData []byte // the options' bytes, which opts point into
	zeros   []byte // payload bytes, grown to the largest payload seen
	data    []byte // a payload with message bytes, reused

	// streams holds, for each connection's sending side, its ISS (learned
	// from its SYN) and the messages it wrote, for the payload bytes.
	streams map[streamKey]*stream
}

type streamKey struct {
	node string
	conn uint32
}

// stream is one sending side's messages.
type stream struct {
	iss      wire.Seq
	issKnown bool
	msgs     []msgSpan // by offset; at most maxMsgs, the oldest forgotten first
}

type msgSpan struct {
	off, size int64
	head      string
}

// maxMsgs bounds the messages kept per stream: a capture's memory does not
// grow with the run. A segment resending bytes of a forgotten message gets
// zeros there.
const maxMsgs = 4096

// bodyFill is what a message body is made of in the capture.
const bodyFill = "tcpsim\n"

// NewWriter returns a Writer writing to w, with the pcap file header
// already buffered. Call Flush after the last record.
func NewWriter(w io.Writer, opt Options) (*Writer, error) {
	capture, err := ParseCapture(string(opt.Capture))
	if err != nil {
		return nil, fmt.Errorf("pcap: %w", err)
	}
	out := bufio.NewWriter(w)
	p := &Writer{
		out:      out,
		w:        pcapgo.NewWriterNanos(out),
		capture:  capture,
		from:     opt.From,
		to:       opt.To,
		ipID:     make(map[netip.Addr]uint16),
		streams:  make(map[streamKey]*stream),
		inFlight: make(map[uint64]uint16),
		buf:      gopacket.NewSerializeBuffer(),
		opts:     make([]layers.TCPOption, 0, 12),
		optData:  make([]byte, 0, 64),
	}
	if err := p.w.WriteFileHeader(snapLen, layers.LinkTypeEthernet); err != nil {
		return nil, fmt.Errorf("pcap: writing the file header: %w", err)
	}
	return p, nil
}

// Record captures r if it is a segment seen at the capture point.
func (p *Writer) Record(r *trace.Record) {
	if p.err != nil {
		return
	}
	switch r.Kind {
	case trace.KindMsg:
		if r.Msg == trace.MsgSend {
			st := p.stream(r.Node, r.Conn)
			if len(st.msgs) == maxMsgs {
				st.msgs = append(st.msgs[:0], st.msgs[1:]...)
			}
			st.msgs = append(st.msgs, msgSpan{off: r.Off, size: r.Value, head: r.Text})
		}
		return
	case trace.KindSend:
		if s := &r.Pkt.Seg; s.Flags.Has(wire.SYN) {
			st := p.stream(r.Node, r.Conn)
			st.iss, st.issKnown = s.Seq, true
		}
		id := p.nextIPID(r.Pkt.Seg.Src.Addr())
		switch {
		case p.capture == CaptureLink || Capture(r.Node) == p.capture:
			p.write(r, id)
		case Capture(r.Peer) == p.capture && len(p.inFlight) < maxInFlight:
			p.inFlight[r.Pkt.ID] = id
		}
	case trace.KindDeliver:
		if p.capture == CaptureLink || Capture(r.Peer) != p.capture {
			return
		}
		id, ok := p.inFlight[r.Pkt.ID]
		if !ok {
			// Its send came before the trace began, or did not fit in
			// inFlight: number it as if sent now.
			id = p.nextIPID(r.Pkt.Seg.Src.Addr())
		}
		delete(p.inFlight, r.Pkt.ID)
		p.write(r, id)
	case trace.KindDrop:
		delete(p.inFlight, r.Pkt.ID)
	}
}

// Flush writes out what is buffered and returns the first error met while
// writing, if any.
func (p *Writer) Flush() error {
	if p.err != nil {
		return p.err
	}
	if err := p.out.Flush(); err != nil {
		p.err = fmt.Errorf("pcap: %w", err)
	}
	return p.err
}

// nextIPID returns the IP ID of the next packet from addr.
func (p *Writer) nextIPID(addr netip.Addr) uint16 {
	id := p.ipID[addr] + 1
	p.ipID[addr] = id
	return id
}

// write writes r's segment as a frame stamped r.T, with IP ID id, if r.T
// is in the stretch captured.
func (p *Writer) write(r *trace.Record, id uint16) {
	if r.T < p.from || p.to != 0 && r.T > p.to {
		return
	}
	if err := p.frame(&r.Pkt.Seg, id, p.payloadOf(r)); err != nil {
		p.err = fmt.Errorf("pcap: packet %d at %v: %w", r.Pkt.ID, r.T, err)
		return
	}
	data := p.buf.Bytes()
	ci := gopacket.CaptureInfo{
		// Never the zero time, which pcapgo would replace with the wall clock.
		Timestamp:     epoch.Add(time.Duration(r.T)),
		CaptureLength: len(data),
		Length:        len(data),
	}
	if err := p.w.WritePacket(ci, data); err != nil {
		p.err = fmt.Errorf("pcap: %w", err)
	}
}

// stream returns the sending side's stream, making it.
func (p *Writer) stream(node string, conn uint32) *stream {
	k := streamKey{node, conn}
	st := p.streams[k]
	if st == nil {
		st = &stream{}
		p.streams[k] = st
	}
	return st
}

// payloadOf returns the payload of r's segment: the bytes of the messages
// its sender wrote where they lie, zeros elsewhere; nil for all zeros.
func (p *Writer) payloadOf(r *trace.Record) []byte {
	s := &r.Pkt.Seg
	st := p.streams[streamKey{r.Node, r.Conn}]
	if s.Len == 0 || st == nil || !st.issKnown || len(st.msgs) == 0 {
		return nil
	}
	start := s.Seq
	if s.Flags.Has(wire.SYN) {
		start = start.Add(1)
	}
	off := int64(st.iss.Add(1).Size(start)) // the segment's first byte in the stream
	end := off + int64(s.Len)
	b := p.data[:0]
	b = append(b, make([]byte, s.Len)...)
	any := false
	for _, m := range st.msgs {
		if m.off >= end || m.off+m.size <= off {
			continue
		}
		any = true
		for i := max(m.off, off); i < min(m.off+m.size, end); i++ {
			j := i - m.off // the byte's place in the message
			if j < int64(len(m.head)) {
				b[i-off] = m.head[j]
			} else {
				b[i-off] = bodyFill[(j-int64(len(m.head)))%int64(len(bodyFill))]
			}
		}
	}
	p.data = b
	if !any {
		return nil
	}
	return b
}

// frame serializes s into p.buf as an Ethernet/IPv4/TCP frame, or
// Ethernet/IPv6/TCP between two IPv6 addresses (a capture read back, which
// may be IPv6; the simulator's hosts have IPv4 addresses); payload, when
// not nil, holds its payload bytes.
func (p *Writer) frame(s *wire.Segment, id uint16, payload []byte) error {
	src, dst := s.Src.Addr(), s.Dst.Addr()
	v6 := src.Is6() && dst.Is6()
	if !v6 && !(src.Is4() && dst.Is4()) {
		return fmt.Errorf("segment %v → %v: both addresses must be IPv4, or both IPv6", s.Src, s.Dst)
	}
	if n := s.IPLen(); n > 0xffff {
		return fmt.Errorf("the IPv4 packet would be %d bytes; at most 65535 fit", n)
	}
	if err := p.options(&s.Opt); err != nil {
		return err
	}
	p.srcIP, p.dstIP = src.As16(), dst.As16()
	if !v6 {
		copy(p.srcIP[:4], src.AsSlice())
		copy(p.dstIP[:4], dst.AsSlice())
	}
	p.srcMAC, p.dstMAC = macOf(lastFour(src)), macOf(lastFour(dst))

	var network gopacket.SerializableLayer
	if v6 {
		p.eth = layers.Ethernet{SrcMAC: p.srcMAC[:], DstMAC: p.dstMAC[:], EthernetType: layers.EthernetTypeIPv6}
		p.ip6 = layers.IPv6{
			Version:    6,
			NextHeader: layers.IPProtocolTCP,
			HopLimit:   ttl,
			SrcIP:      p.srcIP[:],
			DstIP:      p.dstIP[:],
		}
		network = &p.ip6
	} else {
		p.eth = layers.Ethernet{SrcMAC: p.srcMAC[:], DstMAC: p.dstMAC[:], EthernetType: layers.EthernetTypeIPv4}
		p.ip = layers.IPv4{
			Version:  4,
			Id:       id,
			Flags:    layers.IPv4DontFragment,
			TTL:      ttl,
			Protocol: layers.IPProtocolTCP,
			SrcIP:    p.srcIP[:4],
			DstIP:    p.dstIP[:4],
		}
		network = &p.ip
	}
	f := s.Flags
	p.tcp = layers.TCP{
		SrcPort: layers.TCPPort(s.Src.Port()),
		DstPort: layers.TCPPort(s.Dst.Port()),
		Seq:     uint32(s.Seq),
		Ack:     uint32(s.Ack),
		FIN:     f.Has(wire.FIN),
		SYN:     f.Has(wire.SYN),
		RST:     f.Has(wire.RST),
		PSH:     f.Has(wire.PSH),
		ACK:     f.Has(wire.ACK),
		URG:     f.Has(wire.URG),
		ECE:     f.Has(wire.ECE),
		CWR:     f.Has(wire.CWR),
		Window:  s.Window,
		Options: p.opts,
	}
	if err := p.tcp.SetNetworkLayerForChecksum(network.(gopacket.NetworkLayer)); err != nil {
		return err
	}
	if int(s.Len) > len(p.zeros) {
		p.zeros = make([]byte, s.Len)
	}
	p.payload = p.zeros[:s.Len]
	if payload != nil {
		p.payload = payload
	}
	return gopacket.SerializeLayers(p.buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
		&p.eth, network, &p.tcp, &p.payload)
}

// lastFour returns the last four bytes of an address: an IPv4 address's
// own.
func lastFour(a netip.Addr) [4]byte {
	b := a.As16()
	return [4]byte(b[12:16])
}

// macOf returns the MAC address of the host whose address ends in a (an
// IPv4 address, or an IPv6 address's last four bytes): 02:00 followed by
// a's bytes. 0x02 sets the first octet's U/L bit (a locally
// administered address) and clears its I/G bit (unicast), so the address
// cannot be any real interface's.
func macOf(a [4]byte) [6]byte {
	return [6]byte{0x02, 0x00, a[0], a[1], a[2], a[3]}
}

// options sets p.opts to o as wire.AppendOptions lays it out (Linux's
// layout), for gopacket, which takes options as a list: the bytes are
// split into options by kind (RFC 9293 §3.1: NOP is one byte, every other
// kind says its length).
func (p *Writer) options(o *wire.Options) error {
	if int(o.NumSACK) > wire.MaxSACKBlocks {
		return fmt.Errorf("%d SACK blocks; a segment carries at most %d", o.NumSACK, wire.MaxSACKBlocks)
	}
	b := wire.AppendOptions(p.optData[:0], o)
	if len(b) > wire.MaxOptionsLen {
		return fmt.Errorf("the TCP options take %d bytes; a TCP header holds at most %d", len(b), wire.MaxOptionsLen)
	}
	p.opts = p.opts[:0]
	for len(b) > 0 {
		if b[0] == wire.OptNOP {
			p.opts = append(p.opts, layers.TCPOption{OptionType: layers.TCPOptionKindNop, OptionLength: 1})
			b = b[1:]
			continue
		}
		n := int(b[1])
		p.opts = append(p.opts, layers.TCPOption{OptionType: layers.TCPOptionKind(b[0]), OptionLength: b[1], OptionData: b[2:n:n]})
		b = b[n:]
	}
	return nil
}
