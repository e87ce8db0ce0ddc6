package wire

import (
	"net/netip"
	"strconv"
	"strings"
)

// Flags are the TCP control bits (RFC 9293 §3.1).
type Flags uint8

// The control bits, in header order from the least significant.
const (
	FIN Flags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

var flagNames = [...]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"}

// flagOrder is how flags read in traces and diagrams: SYN,ACK and FIN,ACK as
// people say them.
var flagOrder = [...]Flags{SYN, FIN, RST, PSH, ACK, URG, ECE, CWR}

// Has reports whether all of g are set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// String returns the set flags as comma-separated upper-case names in the
// order SYN, FIN, RST, PSH, ACK, URG, ECE, CWR ("SYN,ACK"); "" for none.
func (f Flags) String() string {
	switch f { // the common ones, without allocating
	case 0:
		return ""
	case ACK:
		return "ACK"
	case SYN:
		return "SYN"
	case SYN | ACK:
		return "SYN,ACK"
	case FIN | ACK:
		return "FIN,ACK"
	case PSH | ACK:
		return "PSH,ACK"
	case RST:
		return "RST"
	case RST | ACK:
		return "RST,ACK"
	case FIN | PSH | ACK:
		return "FIN,PSH,ACK"
	}
	var b strings.Builder
	for _, g := range flagOrder {
		if f&g != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(flagNames[bitIndex(g)])
		}
	}
	return b.String()
}

func bitIndex(g Flags) int {
	for i := 0; i < 8; i++ {
		if g == 1<<i {
			return i
		}
	}
	return 0
}

// ParseFlags parses names such as "SYN,ACK" (case-insensitive; ',', '|', '+'
// or spaces between them; "" is no flags). It reports false for an unknown name.
func ParseFlags(s string) (Flags, bool) {
	var f Flags
	for _, name := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '|' || r == ' ' || r == '+' }) {
		ok := false
		for i, n := range flagNames {
			if strings.EqualFold(n, name) {
				f |= 1 << i
				ok = true
			}
		}
		if !ok {
			return 0, false
		}
	}
	return f, true
}

// SACKBlock is one block of a SACK option (RFC 2018): the bytes [Left, Right)
// have been received.
type SACKBlock struct{ Left, Right Seq }

// MaxSACKBlocks is the most SACK blocks one segment carries: 4 without the
// timestamp option, 3 with it (RFC 2018 §3).
const MaxSACKBlocks = 4

// Options are the TCP options a segment carries (RFC 9293 §3.2, RFC 7323,
// RFC 2018). Absent options are zero: MSS 0, WScale -1 is written as
// HasWScale false, and so on.
type Options struct {
	MSS           uint16 // maximum segment size; 0 when absent (SYN only)
	HasWScale     bool   // window scale option present (SYN only)
	WScale        uint8  // window scale shift count, 0..14
	SACKPermitted bool   // SACK-permitted option (SYN only)
	HasTimestamp  bool   // timestamps option present
	TSVal, TSEcr  uint32 // timestamp value and echo reply
	NumSACK       uint8  // number of SACK blocks used in SACK
	SACK          [MaxSACKBlocks]SACKBlock
}

// Segment is one TCP segment with the IP addresses it travels between.
type Segment struct {
	Src, Dst netip.AddrPort
	Seq, Ack Seq
	Flags    Flags
	Window   uint16 // the window field as sent (before scaling)
	Len      uint32 // payload bytes
	Opt      Options
}

// SeqLen returns the sequence space the segment occupies: its payload plus
// one for SYN and one for FIN (RFC 9293 §3.4, SEG.LEN).
func (s *Segment) SeqLen() uint32 {
	n := s.Len
	if s.Flags&SYN != 0 {
		n++
	}
	if s.Flags&FIN != 0 {
		n++
	}
	return n
}

// End returns the sequence number after the segment: Seq + SeqLen.
func (s *Segment) End() Seq { return s.Seq.Add(s.SeqLen()) }

// String formats the segment like tcpdump with absolute numbers:
// "[SYN,ACK] seq=300 ack=101 win=65535 len=0 <mss 1460>".
func (s *Segment) String() string {
	var b strings.Builder
	b.WriteByte('[')
	b.WriteString(s.Flags.String())
	b.WriteString("] seq=")
	b.WriteString(strconv.FormatUint(uint64(s.Seq), 10))
	if s.Flags&ACK != 0 {
		b.WriteString(" ack=")
		b.WriteString(strconv.FormatUint(uint64(s.Ack), 10))
	}
	b.WriteString(" win=")
	b.WriteString(strconv.Itoa(int(s.Window)))
	b.WriteString(" len=")
	b.WriteString(strconv.FormatUint(uint64(s.Len), 10))
	if o := s.Opt.String(); o != "" {
		b.WriteString(" <")
		b.WriteString(o)
		b.WriteByte('>')
	}
	return b.String()
}

// String lists the options present, tcpdump style: "mss 1460,sackOK,wscale 7".
func (o *Options) String() string {
	var parts []string
	if o.MSS != 0 {
		parts = append(parts, "mss "+strconv.Itoa(int(o.MSS)))
	}
	if o.SACKPermitted {
		parts = append(parts, "sackOK")
	}
	if o.HasTimestamp {
		parts = append(parts, "TS val "+strconv.FormatUint(uint64(o.TSVal), 10)+" ecr "+strconv.FormatUint(uint64(o.TSEcr), 10))
	}
	if o.HasWScale {
		parts = append(parts, "wscale "+strconv.Itoa(int(o.WScale)))
	}
	if o.NumSACK > 0 {
		s := "sack"
		for _, blk := range o.SACK[:o.NumSACK] {
			s += " " + strconv.FormatUint(uint64(blk.Left), 10) + "-" + strconv.FormatUint(uint64(blk.Right), 10)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// IPv4 and TCP header sizes without options (RFC 791, RFC 9293 §3.1).
const (
	IPv4HeaderLen = 20
	TCPHeaderLen  = 20
)

// OptionsLen returns the bytes the options take in the TCP header, padded to
// a multiple of four as a real stack lays them out (Linux's order:
// MSS, SACK-permitted/timestamps, window scale, SACK blocks).
func (o *Options) OptionsLen() int {
	n := 0
	if o.MSS != 0 {
		n += 4
	}
	switch {
	case o.HasTimestamp:
		n += 12 // NOP,NOP,TS or SACK_PERM,TS (10 bytes + 2)
	case o.SACKPermitted:
		n += 4 // NOP,NOP,SACK_PERM
	}
	if o.HasWScale {
		n += 4 // NOP,WS
	}
	if o.NumSACK > 0 {
		n += 4 + 8*int(o.NumSACK) // NOP,NOP,SACK hdr + blocks
	}
	return n
}

// IPLen returns the size of the IPv4 packet carrying the segment: the bytes a
// link serializes and an MTU limits.
func (s *Segment) IPLen() int {
	return IPv4HeaderLen + TCPHeaderLen + s.Opt.OptionsLen() + int(s.Len)
}
