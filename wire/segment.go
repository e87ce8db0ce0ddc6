package wire

import (
	"encoding/binary"
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

// TCP option kinds (RFC 9293 §3.2, RFC 7323 §2.2 and §3.2, RFC 2018 §2 and §3).
const (
	OptNOP       = 1 // no-operation, to align the next option
	OptMSS       = 2 // maximum segment size (4 bytes)
	OptWScale    = 3 // window scale (3 bytes)
	OptSACKPerm  = 4 // SACK permitted (2 bytes)
	OptSACK      = 5 // SACK blocks (2 + 8 per block)
	OptTimestamp = 8 // timestamps (10 bytes)
)

// MaxOptionsLen is the most option bytes a TCP header holds (RFC 9293 §3.1:
// a data offset of at most 15 words).
const MaxOptionsLen = 40

// OptionsLen returns the bytes the options take in the TCP header, as
// AppendOptions lays them out: a multiple of four. It counts what put
// writes, group by group, without writing anything (a link asks it for
// every packet); TestOptionsLenIsAppendOptions holds the two together.
func (o *Options) OptionsLen() int {
	n := 0
	if o.MSS != 0 {
		n = 4
	}
	if o.HasTimestamp {
		n += 12 // with SACK-permitted or two NOPs before it
	} else if o.SACKPermitted {
		n += 4
	}
	if o.HasWScale {
		n += 4
	}
	if k := min(int(o.NumSACK), MaxSACKBlocks); k > 0 {
		n += 4 + 8*k
	}
	return n
}

// AppendOptions appends the options as they go in the TCP header, laid out
// as Linux lays them out (tcp_options_write in net/ipv4/tcp_output.c): MSS;
// SACK-permitted and timestamps together, or NOP,NOP before either alone;
// NOP and window scale; NOP,NOP and the SACK blocks. Every group fills
// whole 32-bit words, so no padding follows. At most MaxSACKBlocks blocks
// are written, whatever NumSACK says; the result can be longer than
// MaxOptionsLen (four SACK blocks and timestamps), which the caller checks.
func AppendOptions(b []byte, o *Options) []byte {
	var buf optionBytes
	n := o.put(&buf)
	return append(b, buf[:n]...)
}

// optionBytes holds every option at once, MaxSACKBlocks SACK blocks
// included: 4 + 12 + 4 + 4 + 8·4 = 56 bytes.
type optionBytes [56]byte

// put writes the options into b as AppendOptions describes, and returns
// how many bytes they take. It is the one place that knows the layout.
func (o *Options) put(b *optionBytes) int {
	n := 0
	if o.MSS != 0 {
		b[0], b[1], b[2], b[3] = OptMSS, 4, byte(o.MSS>>8), byte(o.MSS)
		n = 4
	}
	switch {
	case o.HasTimestamp:
		if o.SACKPermitted {
			b[n], b[n+1] = OptSACKPerm, 2
		} else {
			b[n], b[n+1] = OptNOP, OptNOP
		}
		b[n+2], b[n+3] = OptTimestamp, 10
		binary.BigEndian.PutUint32(b[n+4:], o.TSVal)
		binary.BigEndian.PutUint32(b[n+8:], o.TSEcr)
		n += 12
	case o.SACKPermitted:
		b[n], b[n+1], b[n+2], b[n+3] = OptNOP, OptNOP, OptSACKPerm, 2
		n += 4
	}
	if o.HasWScale {
		b[n], b[n+1], b[n+2], b[n+3] = OptNOP, OptWScale, 3, o.WScale
		n += 4
	}
	if k := min(int(o.NumSACK), MaxSACKBlocks); k > 0 {
		b[n], b[n+1], b[n+2], b[n+3] = OptNOP, OptNOP, OptSACK, byte(2+8*k)
		n += 4
		for _, blk := range o.SACK[:k] {
			binary.BigEndian.PutUint32(b[n:], uint32(blk.Left))
			binary.BigEndian.PutUint32(b[n+4:], uint32(blk.Right))
			n += 8
		}
	}
	return n
}

// IPLen returns the size of the IPv4 packet carrying the segment: the bytes a
// link serializes and an MTU limits.
func (s *Segment) IPLen() int {
	return IPv4HeaderLen + TCPHeaderLen + s.Opt.OptionsLen() + int(s.Len)
}
