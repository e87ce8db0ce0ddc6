package pcap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"time"
)

// The readers of the two capture file formats are ours, not gopacket's
// pcapgo: gopacket v1.1.19 keeps a link type in a byte, and Linux cooked
// capture v2 (276, which tcpdump and dumpcap write for the "any"
// interface) does not fit; and a capture cut off in the middle of a packet
// (tcpdump killed) should give the packets before the cut.

// packet is one packet read: its link type, time, bytes and length on the
// wire.
type packet struct {
	linkType uint16
	at       time.Time
	data     []byte // valid until the next read
	length   int    // the packet's length on the wire (len(data) if it was not cut)
}

// packetReader reads the packets of a capture file, one at a time; io.EOF
// at the end, and errCutShort when the file ends inside a packet.
type packetReader interface {
	read() (packet, error)
}

// errCutShort: the file ends inside a packet's record.
var errCutShort = errors.New("the file ends in the middle of a packet")

// The magic numbers of a pcap file (the IETF draft draft-ietf-opsawg-pcap
// §4), as read little-endian, and of a pcapng file's first block.
const (
	pcapMicros      = 0xa1b2c3d4
	pcapNanos       = 0xa1b23c4d
	pcapMicrosSwap  = 0xd4c3b2a1
	pcapNanosSwap   = 0x4d3cb2a1
	pcapHeaderLen   = 24
	pcapRecordLen   = 16
	maxPacketRecord = 1 << 20 // the most bytes a packet record may hold
)

// pcapReader reads a pcap file.
type pcapReader struct {
	r        io.Reader
	order    binary.ByteOrder
	nanos    bool
	linkType uint16
	hdr      [pcapRecordLen]byte
	buf      []byte
}

// newPcapReader reads the file header.
func newPcapReader(r io.Reader) (*pcapReader, error) {
	var h [pcapHeaderLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, errors.New("a pcap file header cut short")
	}
	p := &pcapReader{r: r}
	switch binary.LittleEndian.Uint32(h[0:4]) {
	case pcapMicros:
		p.order = binary.LittleEndian
	case pcapNanos:
		p.order, p.nanos = binary.LittleEndian, true
	case pcapMicrosSwap:
		p.order = binary.BigEndian
	case pcapNanosSwap:
		p.order, p.nanos = binary.BigEndian, true
	default:
		return nil, fmt.Errorf("neither pcap nor pcapng (it starts % x)", h[0:4])
	}
	if major := p.order.Uint16(h[4:6]); major != 2 {
		return nil, fmt.Errorf("pcap version %d.%d; only 2.x is known", major, p.order.Uint16(h[6:8]))
	}
	// The link type is the field's low 16 bits; above are the FCS length
	// and reserved bits (draft-ietf-opsawg-pcap §4).
	p.linkType = uint16(p.order.Uint32(h[20:24]))
	return p, nil
}

func (p *pcapReader) read() (packet, error) {
	if n, err := io.ReadFull(p.r, p.hdr[:]); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return packet{}, io.EOF
		}
		return packet{}, errCutShort
	}
	sec, frac := p.order.Uint32(p.hdr[0:4]), p.order.Uint32(p.hdr[4:8])
	capLen, origLen := p.order.Uint32(p.hdr[8:12]), p.order.Uint32(p.hdr[12:16])
	if capLen > maxPacketRecord {
		return packet{}, fmt.Errorf("a packet record of %d bytes", capLen)
	}
	if !p.nanos {
		frac *= 1000
	}
	if cap(p.buf) < int(capLen) {
		p.buf = make([]byte, capLen)
	}
	p.buf = p.buf[:capLen]
	if _, err := io.ReadFull(p.r, p.buf); err != nil {
		return packet{}, errCutShort
	}
	return packet{linkType: p.linkType, at: time.Unix(int64(sec), int64(frac)).UTC(), data: p.buf, length: int(max(origLen, capLen))}, nil
}

// ngReader reads the packets of a pcapng file (the IETF draft
// draft-ietf-opsawg-pcapng): enhanced, simple and obsolete packet blocks,
// each with its interface's link type and timestamp resolution; every
// other block is skipped, and a new section starts afresh.
type ngReader struct {
	r      io.Reader
	order  binary.ByteOrder
	ifaces []ngInterface
	hdr    [12]byte
	body   []byte
}

// ngInterface is what an interface description block says.
type ngInterface struct {
	linkType uint16
	snapLen  uint32
	// ticks per second of its timestamps, and the seconds added to them.
	resolution uint64
	offset     int64
}

// Block types and option codes (draft-ietf-opsawg-pcapng §4, §10.1).
const (
	ngSectionHeader   = 0x0a0d0d0a
	ngInterfaceDesc   = 1
	ngObsoletePacket  = 2
	ngSimplePacket    = 3
	ngEnhancedPacket  = 6
	ngByteOrderMagic  = 0x1a2b3c4d
	ngOptEnd          = 0
	ngOptTSResolution = 9  // if_tsresol
	ngOptTSOffset     = 14 // if_tsoffset
	// maxBlockLen bounds a block's length, so that a broken file cannot ask
	// for a huge buffer.
	maxBlockLen = maxPacketRecord + 1<<10
)

var errNgFormat = errors.New("not a valid pcapng file")

// newNgReader reads the first section header block.
func newNgReader(r io.Reader) (*ngReader, error) {
	ng := &ngReader{r: r}
	typ, err := ng.next()
	if err != nil {
		return nil, err
	}
	if typ != ngSectionHeader {
		return nil, fmt.Errorf("%w: it starts with block type %#x", errNgFormat, typ)
	}
	return ng, nil
}

// next reads the next block into ng.body (without the header and the
// trailing length) and returns its type. A section header block resets the
// byte order and the interfaces.
func (ng *ngReader) next() (uint32, error) {
	if n, err := io.ReadFull(ng.r, ng.hdr[:8]); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return 0, io.EOF
		}
		return 0, errCutShort
	}
	typ := binary.LittleEndian.Uint32(ng.hdr[0:4]) // the section header's type reads the same either way
	if typ == ngSectionHeader {
		if _, err := io.ReadFull(ng.r, ng.hdr[8:12]); err != nil {
			return 0, fmt.Errorf("%w: a section header cut short", errNgFormat)
		}
		switch {
		case binary.LittleEndian.Uint32(ng.hdr[8:12]) == ngByteOrderMagic:
			ng.order = binary.LittleEndian
		case binary.BigEndian.Uint32(ng.hdr[8:12]) == ngByteOrderMagic:
			ng.order = binary.BigEndian
		default:
			return 0, fmt.Errorf("%w: no byte-order magic in the section header", errNgFormat)
		}
		ng.ifaces = ng.ifaces[:0]
	} else if ng.order == nil {
		return 0, fmt.Errorf("%w: a block before the first section header", errNgFormat)
	} else {
		typ = ng.order.Uint32(ng.hdr[0:4])
	}
	n := ng.order.Uint32(ng.hdr[4:8])
	read := uint32(8)
	if typ == ngSectionHeader {
		read = 12
	}
	if n < read+4 || n%4 != 0 || n > maxBlockLen {
		return 0, fmt.Errorf("%w: a block of %d bytes", errNgFormat, n)
	}
	if cap(ng.body) < int(n-read) {
		ng.body = make([]byte, n-read)
	}
	ng.body = ng.body[:n-read]
	if _, err := io.ReadFull(ng.r, ng.body); err != nil {
		return 0, errCutShort
	}
	if ng.order.Uint32(ng.body[len(ng.body)-4:]) != n {
		return 0, fmt.Errorf("%w: a block's two lengths differ", errNgFormat)
	}
	ng.body = ng.body[:len(ng.body)-4]
	return typ, nil
}

// read returns the next packet.
func (ng *ngReader) read() (packet, error) {
	for {
		typ, err := ng.next()
		if err != nil {
			return packet{}, err
		}
		b := ng.body
		switch typ {
		case ngInterfaceDesc:
			if err := ng.addInterface(b); err != nil {
				return packet{}, err
			}
		case ngEnhancedPacket, ngObsoletePacket:
			if len(b) < 20 {
				return packet{}, fmt.Errorf("%w: a packet block of %d bytes", errNgFormat, len(b))
			}
			var id uint32
			if typ == ngEnhancedPacket {
				id = ng.order.Uint32(b[0:4])
			} else {
				id = uint32(ng.order.Uint16(b[0:2]))
			}
			ts := uint64(ng.order.Uint32(b[4:8]))<<32 | uint64(ng.order.Uint32(b[8:12]))
			capLen, origLen := ng.order.Uint32(b[12:16]), ng.order.Uint32(b[16:20])
			if int(id) >= len(ng.ifaces) {
				return packet{}, fmt.Errorf("%w: a packet of interface %d, which is not described", errNgFormat, id)
			}
			if capLen > uint32(len(b)-20) {
				return packet{}, fmt.Errorf("%w: a packet of %d bytes in a block of %d", errNgFormat, capLen, len(b))
			}
			i := &ng.ifaces[id]
			return packet{linkType: i.linkType, at: i.time(ts), data: b[20 : 20+capLen], length: int(max(origLen, capLen))}, nil
		case ngSimplePacket: // interface 0, no timestamp
			if len(b) < 4 || len(ng.ifaces) == 0 {
				return packet{}, fmt.Errorf("%w: a simple packet block without an interface", errNgFormat)
			}
			i := &ng.ifaces[0]
			origLen := ng.order.Uint32(b[0:4])
			capLen := min(origLen, uint32(len(b)-4))
			if i.snapLen > 0 {
				capLen = min(capLen, i.snapLen)
			}
			return packet{linkType: i.linkType, data: b[4 : 4+capLen], length: int(max(origLen, capLen))}, nil
		}
	}
}

// addInterface reads an interface description block.
func (ng *ngReader) addInterface(b []byte) error {
	if len(b) < 8 {
		return fmt.Errorf("%w: an interface description of %d bytes", errNgFormat, len(b))
	}
	i := ngInterface{linkType: ng.order.Uint16(b[0:2]), snapLen: ng.order.Uint32(b[4:8]), resolution: 1_000_000}
	for o := b[8:]; len(o) >= 4; {
		code, n := ng.order.Uint16(o[0:2]), int(ng.order.Uint16(o[2:4]))
		if code == ngOptEnd || 4+n > len(o) {
			break
		}
		v := o[4 : 4+n]
		switch {
		case code == ngOptTSResolution && n == 1:
			// The power of ten, or of two when the top bit is set, of a tick.
			exp, base := uint64(v[0]&0x7f), uint64(10)
			if v[0]&0x80 != 0 {
				base = 2
			}
			r := uint64(1)
			for range exp {
				if r > math.MaxUint64/base {
					return fmt.Errorf("%w: a timestamp resolution of %d^-%d", errNgFormat, base, exp)
				}
				r *= base
			}
			i.resolution = r
		case code == ngOptTSOffset && n == 8:
			i.offset = int64(ng.order.Uint64(v))
		}
		o = o[4+(n+3)/4*4:]
	}
	ng.ifaces = append(ng.ifaces, i)
	return nil
}

// time converts a timestamp in the interface's ticks.
func (i *ngInterface) time(ts uint64) time.Time {
	sec, frac := ts/i.resolution, ts%i.resolution
	hi, lo := bits.Mul64(frac, 1_000_000_000)
	ns, _ := bits.Div64(hi, lo, i.resolution) // frac < resolution, so the quotient fits
	return time.Unix(int64(sec)+i.offset, int64(ns)).UTC()
}
