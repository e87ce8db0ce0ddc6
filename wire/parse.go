package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// The reasons ParseIPv4, ParseIPv6 and ParseIP give for bytes they cannot
// read as a TCP segment.
// Its errors wrap one of them.
var (
	ErrNotIPv4   = errors.New("not an IPv4 packet")
	ErrNotIPv6   = errors.New("not an IPv6 packet")
	ErrNotIP     = errors.New("not an IP packet")
	ErrNotTCP    = errors.New("not TCP")
	ErrFragment  = errors.New("an IP fragment")
	ErrTruncated = errors.New("truncated")
	ErrMalformed = errors.New("malformed header")
)

var errShortIPHdr = fmt.Errorf("%w: shorter than an IPv4 header", ErrTruncated)

// IP protocol number of TCP (RFC 9293 §3.1, the IANA registry).
const protocolTCP = 6

// The end of the option list (RFC 9293 §3.2), which the writer never
// needs: its options fill whole words.
const optEnd = 0

// maxWScale is the largest window scale shift (RFC 7323 §2.3); a larger
// one is taken as 14.
const maxWScale = 14

// ParseIPv4 reads an IPv4 packet that carries a TCP segment, as a TUN
// device or a raw-IP capture holds it: the addresses, ports, sequence and
// acknowledgment numbers, flags, window field, options and the payload's
// length. The payload itself is not kept: a Segment only counts its bytes.
//
// Bytes past the IP header's total length (link padding) are ignored. IP
// options are skipped. TCP options are read as Linux's tcp_parse_options
// reads them: unknown kinds are skipped by their length, an option of the
// wrong length for its kind is ignored, and a malformed length (below 2, or
// running past the header) ends the list, keeping what came before. A
// window scale above 14 is read as 14 (RFC 7323 §2.3). SACK blocks beyond
// MaxSACKBlocks (which 40 option bytes cannot hold anyway) are dropped.
//
// The error wraps ErrNotIPv4, ErrNotTCP, ErrFragment, ErrTruncated or
// ErrMalformed. Checksums are not verified.
func ParseIPv4(b []byte) (Segment, error) {
	var s Segment
	if len(b) < IPv4HeaderLen {
		return s, errShortIPHdr
	}
	if v := b[0] >> 4; v != 4 {
		return s, fmt.Errorf("%w: IP version %d", ErrNotIPv4, v)
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:4]))
	switch {
	case ihl < IPv4HeaderLen:
		return s, fmt.Errorf("%w: IP header length %d", ErrMalformed, ihl)
	case total > len(b):
		return s, fmt.Errorf("%w: the IP header says %d bytes, %d arrived", ErrTruncated, total, len(b))
	case total < ihl:
		return s, fmt.Errorf("%w: IP total length %d is shorter than its header (%d)", ErrMalformed, total, ihl)
	}
	if frag := binary.BigEndian.Uint16(b[6:8]); frag&0x3fff != 0 { // MF or an offset
		return s, ErrFragment
	}
	if p := b[9]; p != protocolTCP {
		return s, fmt.Errorf("%w: IP protocol %d", ErrNotTCP, p)
	}
	src, _ := netip.AddrFromSlice(b[12:16])
	dst, _ := netip.AddrFromSlice(b[16:20])
	return parseTCP(src, dst, b[ihl:total])
}

// IPv6 next-header values (the IANA registry; RFC 8200 §4) that ParseIPv6
// steps over or stops at.
const (
	ipv6HopByHop    = 0
	ipv6Routing     = 43
	ipv6Fragment    = 44
	ipv6DestOptions = 60
	ipv6NoNext      = 59
)

// IPv6HeaderLen is the size of the IPv6 fixed header (RFC 8200 §3).
const IPv6HeaderLen = 40

// maxIPv6ExtHeaders bounds the extension headers ParseIPv6 steps over.
const maxIPv6ExtHeaders = 8

// ParseIPv6 reads an IPv6 packet that carries a TCP segment, as ParseIPv4
// does an IPv4 one. It steps over the hop-by-hop, routing and destination
// options extension headers (RFC 8200 §4); a fragment header is
// ErrFragment whatever its offset, as reassembly is not done. A jumbogram
// (payload length 0) is ErrMalformed. Bytes past the payload length are
// ignored.
func ParseIPv6(b []byte) (Segment, error) {
	var s Segment
	if len(b) < IPv6HeaderLen {
		return s, fmt.Errorf("%w: shorter than an IPv6 header", ErrTruncated)
	}
	if v := b[0] >> 4; v != 6 {
		return s, fmt.Errorf("%w: IP version %d", ErrNotIPv6, v)
	}
	plen := int(binary.BigEndian.Uint16(b[4:6]))
	switch {
	case plen == 0:
		return s, fmt.Errorf("%w: IPv6 payload length 0 (a jumbogram, or nothing)", ErrMalformed)
	case IPv6HeaderLen+plen > len(b):
		return s, fmt.Errorf("%w: the IPv6 header says %d bytes, %d arrived", ErrTruncated, IPv6HeaderLen+plen, len(b))
	}
	src := netip.AddrFrom16([16]byte(b[8:24]))
	dst := netip.AddrFrom16([16]byte(b[24:40]))
	next, p := b[6], b[IPv6HeaderLen:IPv6HeaderLen+plen]
	for i := 0; ; i++ {
		switch next {
		case protocolTCP:
			return parseTCP(src, dst, p)
		case ipv6Fragment:
			return s, ErrFragment
		case ipv6HopByHop, ipv6Routing, ipv6DestOptions:
			if i == maxIPv6ExtHeaders {
				return s, fmt.Errorf("%w: more than %d IPv6 extension headers", ErrMalformed, maxIPv6ExtHeaders)
			}
			if len(p) < 8 {
				return s, fmt.Errorf("%w: an IPv6 extension header cut short", ErrTruncated)
			}
			n := (int(p[1]) + 1) * 8 // RFC 8200 §4.3: in 8-octet units, not counting the first 8
			if n > len(p) {
				return s, fmt.Errorf("%w: an IPv6 extension header of %d bytes in %d", ErrTruncated, n, len(p))
			}
			next, p = p[0], p[n:]
		case ipv6NoNext:
			return s, fmt.Errorf("%w: no next header", ErrNotTCP)
		default:
			return s, fmt.Errorf("%w: IPv6 next header %d", ErrNotTCP, next)
		}
	}
}

// ParseIP reads an IPv4 or IPv6 packet carrying a TCP segment, by the
// version in its first byte (see ParseIPv4 and ParseIPv6). An empty packet
// is ErrTruncated, any other version ErrNotIP.
func ParseIP(b []byte) (Segment, error) {
	if len(b) == 0 {
		return Segment{}, fmt.Errorf("%w: an empty packet", ErrTruncated)
	}
	switch b[0] >> 4 {
	case 4:
		return ParseIPv4(b)
	case 6:
		return ParseIPv6(b)
	}
	return Segment{}, fmt.Errorf("%w: IP version %d", ErrNotIP, b[0]>>4)
}

// parseTCP reads the TCP segment t, the IP payload between src and dst.
func parseTCP(src, dst netip.Addr, t []byte) (Segment, error) {
	var s Segment
	if len(t) < TCPHeaderLen {
		return s, fmt.Errorf("%w: %d bytes of TCP header", ErrTruncated, len(t))
	}
	off := int(t[12]>>4) * 4
	switch {
	case off < TCPHeaderLen:
		return s, fmt.Errorf("%w: TCP data offset %d", ErrMalformed, off)
	case off > len(t):
		return s, fmt.Errorf("%w: TCP header of %d bytes in %d", ErrTruncated, off, len(t))
	}
	s.Src = netip.AddrPortFrom(src, binary.BigEndian.Uint16(t[0:2]))
	s.Dst = netip.AddrPortFrom(dst, binary.BigEndian.Uint16(t[2:4]))
	s.Seq = Seq(binary.BigEndian.Uint32(t[4:8]))
	s.Ack = Seq(binary.BigEndian.Uint32(t[8:12]))
	s.Flags = Flags(t[13])
	s.Window = binary.BigEndian.Uint16(t[14:16])
	s.Len = uint32(len(t) - off)
	parseOptions(t[TCPHeaderLen:off], &s.Opt)
	return s, nil
}

// parseOptions reads the TCP options in b into o (see ParseIPv4).
func parseOptions(b []byte, o *Options) {
	for len(b) > 0 {
		kind := b[0]
		switch kind {
		case optEnd:
			return
		case OptNOP:
			b = b[1:]
			continue
		}
		if len(b) < 2 {
			return
		}
		n := int(b[1])
		if n < 2 || n > len(b) {
			return // a silly length: Linux stops here too
		}
		data := b[2:n]
		switch {
		case kind == OptMSS && n == 4:
			o.MSS = binary.BigEndian.Uint16(data)
		case kind == OptWScale && n == 3:
			o.HasWScale, o.WScale = true, min(data[0], maxWScale)
		case kind == OptSACKPerm && n == 2:
			o.SACKPermitted = true
		case kind == OptTimestamp && n == 10:
			o.HasTimestamp = true
			o.TSVal = binary.BigEndian.Uint32(data[0:4])
			o.TSEcr = binary.BigEndian.Uint32(data[4:8])
		case kind == OptSACK && n > 2 && (n-2)%8 == 0:
			o.NumSACK = 0
			for i := 0; i+8 <= len(data) && int(o.NumSACK) < MaxSACKBlocks; i += 8 {
				o.SACK[o.NumSACK] = SACKBlock{
					Left:  Seq(binary.BigEndian.Uint32(data[i : i+4])),
					Right: Seq(binary.BigEndian.Uint32(data[i+4 : i+8])),
				}
				o.NumSACK++
			}
		}
		b = b[n:]
	}
}
