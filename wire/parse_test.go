package wire

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"
)

// packet builds an IPv4/TCP packet byte by byte, independently of the
// parser, with checksums left zero (ParseIPv4 does not verify them).
type packet struct {
	src, dst   string
	sport      uint16
	dport      uint16
	seq, ack   uint32
	flags      Flags
	win        uint16
	ipOpts     []byte // a multiple of 4
	tcpOpts    []byte // padded here to a multiple of 4 with End
	payload    int
	fragOffset uint16 // the flags-and-offset word
	proto      byte   // 0 means TCP
	padding    int    // bytes after the IP packet (Ethernet's minimum frame)
}

func (p packet) bytes() []byte {
	opts := append([]byte(nil), p.tcpOpts...)
	for len(opts)%4 != 0 {
		opts = append(opts, optEnd)
	}
	ihl := 20 + len(p.ipOpts)
	tcpLen := 20 + len(opts)
	total := ihl + tcpLen + p.payload
	b := make([]byte, total+p.padding)
	b[0] = 0x40 | byte(ihl/4)
	binary.BigEndian.PutUint16(b[2:], uint16(total))
	binary.BigEndian.PutUint16(b[6:], p.fragOffset)
	b[8] = 64
	b[9] = 6
	if p.proto != 0 {
		b[9] = p.proto
	}
	src, dst := netip.MustParseAddr(p.src).As4(), netip.MustParseAddr(p.dst).As4()
	copy(b[12:], src[:])
	copy(b[16:], dst[:])
	copy(b[20:], p.ipOpts)
	t := b[ihl:]
	binary.BigEndian.PutUint16(t[0:], p.sport)
	binary.BigEndian.PutUint16(t[2:], p.dport)
	binary.BigEndian.PutUint32(t[4:], p.seq)
	binary.BigEndian.PutUint32(t[8:], p.ack)
	t[12] = byte(tcpLen/4) << 4
	t[13] = byte(p.flags)
	binary.BigEndian.PutUint16(t[14:], p.win)
	copy(t[20:], opts)
	for i := range p.payload {
		t[tcpLen+i] = 'x'
	}
	return b
}

// Options as Linux lays them out (tcp_options_write).
var (
	optMSS1460    = []byte{OptMSS, 4, 0x05, 0xb4}
	optSACKPermTS = []byte{OptSACKPerm, 2, OptTimestamp, 10, 0, 0, 0, 7, 0, 0, 0, 0}
	optNOPWS7     = []byte{OptNOP, OptWScale, 3, 7}
	optNOPNOPTS   = []byte{OptNOP, OptNOP, OptTimestamp, 10, 0, 0, 1, 0, 0, 0, 0, 9}
)

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestParseIPv4(t *testing.T) {
	c, s := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	tests := []struct {
		name string
		in   packet
		want Segment
	}{
		{
			name: "Linux SYN",
			in: packet{src: "10.0.0.1", dst: "10.0.0.2", sport: 49152, dport: 80, seq: 100, flags: SYN, win: 64240,
				tcpOpts: cat(optMSS1460, optSACKPermTS, optNOPWS7)},
			want: Segment{Src: netip.AddrPortFrom(c, 49152), Dst: netip.AddrPortFrom(s, 80), Seq: 100, Flags: SYN, Window: 64240,
				Opt: Options{MSS: 1460, SACKPermitted: true, HasTimestamp: true, TSVal: 7, HasWScale: true, WScale: 7}},
		},
		{
			name: "data with timestamps, IP options and Ethernet padding",
			in: packet{src: "10.0.0.2", dst: "10.0.0.1", sport: 80, dport: 49152, seq: 300, ack: 101, flags: PSH | ACK, win: 502,
				ipOpts: []byte{OptNOP, OptNOP, OptNOP, 0}, tcpOpts: optNOPNOPTS, payload: 1448, padding: 6},
			want: Segment{Src: netip.AddrPortFrom(s, 80), Dst: netip.AddrPortFrom(c, 49152), Seq: 300, Ack: 101, Flags: PSH | ACK,
				Window: 502, Len: 1448, Opt: Options{HasTimestamp: true, TSVal: 256, TSEcr: 9}},
		},
		{
			name: "SACK blocks",
			in: packet{src: "10.0.0.2", dst: "10.0.0.1", sport: 80, dport: 49152, seq: 1, ack: 2, flags: ACK, win: 1000,
				tcpOpts: cat([]byte{OptNOP, OptNOP, OptSACK, 18}, u32(3000, 4000, 5000, 6000))},
			want: Segment{Src: netip.AddrPortFrom(s, 80), Dst: netip.AddrPortFrom(c, 49152), Seq: 1, Ack: 2, Flags: ACK, Window: 1000,
				Opt: Options{NumSACK: 2, SACK: [MaxSACKBlocks]SACKBlock{{3000, 4000}, {5000, 6000}}}},
		},
		{
			name: "unknown option skipped, wrong-length MSS ignored, window scale capped at 14",
			in: packet{src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, flags: SYN,
				tcpOpts: cat([]byte{30, 4, 1, 2}, []byte{OptMSS, 3, 9}, []byte{OptWScale, 3, 20})},
			want: Segment{Src: netip.AddrPortFrom(c, 1), Dst: netip.AddrPortFrom(s, 2), Flags: SYN,
				Opt: Options{HasWScale: true, WScale: 14}},
		},
		{
			name: "a silly option length ends the list",
			in: packet{src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, flags: SYN,
				tcpOpts: cat(optMSS1460, []byte{OptNOP, 77, 1, OptWScale, 3, 7})},
			want: Segment{Src: netip.AddrPortFrom(c, 1), Dst: netip.AddrPortFrom(s, 2), Flags: SYN, Opt: Options{MSS: 1460}},
		},
		{
			name: "options after End are not read",
			in: packet{src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, flags: SYN,
				tcpOpts: cat([]byte{optEnd, OptNOP, OptNOP, OptNOP}, optMSS1460)},
			want: Segment{Src: netip.AddrPortFrom(c, 1), Dst: netip.AddrPortFrom(s, 2), Flags: SYN},
		},
		{
			name: "sequence numbers near 2^32 and every flag",
			in:   packet{src: "10.0.0.1", dst: "10.0.0.2", sport: 65535, dport: 65535, seq: 0xffffffff, ack: 0xfffffff0, flags: 0xff, win: 65535, payload: 1},
			want: Segment{Src: netip.AddrPortFrom(c, 65535), Dst: netip.AddrPortFrom(s, 65535), Seq: 0xffffffff, Ack: 0xfffffff0,
				Flags: 0xff, Window: 65535, Len: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIPv4(tt.in.bytes())
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %v %v→%v\nwant %v %v→%v", got.String(), got.Src, got.Dst, tt.want.String(), tt.want.Src, tt.want.Dst)
			}
		})
	}
}

func u32(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

func TestParseIPv4_Errors(t *testing.T) {
	ok := packet{src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, flags: ACK, payload: 10}
	good := ok.bytes()
	set := func(i int, v byte) []byte {
		b := append([]byte(nil), good...)
		b[i] = v
		return b
	}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"shorter than an IP header", good[:19], ErrTruncated},
		{"IPv6", set(0, 0x60), ErrNotIPv4},
		{"IP header length 16", set(0, 0x44), ErrMalformed},
		{"total length beyond the bytes", good[:len(good)-1], ErrTruncated},
		{"total length shorter than the IP header", set(3, 10), ErrMalformed},
		{"UDP", packet{src: "10.0.0.1", dst: "10.0.0.2", proto: 17}.bytes(), ErrNotTCP},
		{"first fragment (MF)", packet{src: "10.0.0.1", dst: "10.0.0.2", fragOffset: 0x2000}.bytes(), ErrFragment},
		{"later fragment", packet{src: "10.0.0.1", dst: "10.0.0.2", fragOffset: 0x0010}.bytes(), ErrFragment},
		{"DF is fine", packet{src: "10.0.0.1", dst: "10.0.0.2", fragOffset: 0x4000}.bytes(), nil},
		{"TCP header cut short", set(3, 30), ErrTruncated},
		{"TCP data offset 16", set(32, 0x40), ErrMalformed},
		{"TCP data offset past the packet", set(32, 0xf0), ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIPv4(tt.in)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

// FuzzParseIPv4 feeds arbitrary bytes to the parser: it must never panic,
// and what it accepts must be consistent with the bytes.
func FuzzParseIPv4(f *testing.F) {
	f.Add(packet{src: "10.0.0.1", dst: "10.0.0.2", sport: 49152, dport: 80, seq: 100, flags: SYN, win: 64240,
		tcpOpts: cat(optMSS1460, optSACKPermTS, optNOPWS7)}.bytes())
	f.Add(packet{src: "10.0.0.2", dst: "10.0.0.1", flags: ACK, tcpOpts: cat([]byte{OptNOP, OptNOP, OptSACK, 34}, u32(1, 2, 3, 4, 5, 6, 7, 8))}.bytes())
	f.Add(packet{src: "10.0.0.2", dst: "10.0.0.1", flags: ACK, ipOpts: []byte{1, 1, 1, 1}, payload: 3, padding: 2}.bytes())
	f.Add([]byte{0x45})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseIPv4(b)
		if err != nil {
			return
		}
		ihl := int(b[0]&0x0f) * 4
		total := int(binary.BigEndian.Uint16(b[2:4]))
		off := int(b[ihl+12]>>4) * 4
		if want := uint32(total - ihl - off); s.Len != want {
			t.Fatalf("Len %d, want %d", s.Len, want)
		}
		if s.Opt.NumSACK > MaxSACKBlocks || s.Opt.WScale > maxWScale {
			t.Fatalf("options out of range: %+v", s.Opt)
		}
		if s.Src.Addr() != netip.AddrFrom4([4]byte(b[12:16])) || s.Dst.Addr() != netip.AddrFrom4([4]byte(b[16:20])) {
			t.Fatalf("addresses %v → %v", s.Src, s.Dst)
		}
		if s.Seq != Seq(binary.BigEndian.Uint32(b[ihl+4:])) || s.Flags != Flags(b[ihl+13]) {
			t.Fatalf("header fields %v", s.String())
		}
	})
}

// TestParseIPv4_ReadsWhatAppendOptionsWrites holds the parser against the
// writer: options laid out as Linux lays them out read back the same.
func TestParseIPv4_ReadsWhatAppendOptionsWrites(t *testing.T) {
	for i, o := range []Options{
		{},
		{MSS: 1460},
		{MSS: 1460, SACKPermitted: true, HasTimestamp: true, TSVal: 1, TSEcr: 2, HasWScale: true, WScale: 7},
		{MSS: 536, SACKPermitted: true, HasWScale: true},
		{HasTimestamp: true, TSVal: 0xffffffff, TSEcr: 0x01020304, NumSACK: 3,
			SACK: [MaxSACKBlocks]SACKBlock{{1, 2}, {3, 4}, {0xfffffff0, 0x10}}},
		{NumSACK: 4, SACK: [MaxSACKBlocks]SACKBlock{{1, 2}, {3, 4}, {5, 6}, {7, 8}}},
	} {
		b := packet{src: "10.0.0.1", dst: "10.0.0.2", flags: ACK, tcpOpts: AppendOptions(nil, &o), payload: 7}.bytes()
		s, err := ParseIPv4(b)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if s.Opt != o || s.Len != 7 {
			t.Errorf("%d: read %+v (len %d), wrote %+v", i, s.Opt, s.Len, o)
		}
	}
}

// ipv6 wraps the TCP part of an IPv4 test packet in an IPv6 header, with
// extension headers ext (each a whole header, its next-header byte set
// here) before it.
func ipv6(p packet, src, dst string, ext ...[]byte) []byte {
	p.src, p.dst = "10.0.0.1", "10.0.0.2"
	v4 := p.bytes()
	ihl := int(v4[0]&0x0f) * 4
	tcp := v4[ihl : ihl+int(binary.BigEndian.Uint16(v4[2:4]))-ihl]
	var payload []byte
	next := byte(6)
	if p.proto != 0 {
		next = p.proto
	}
	for i := len(ext) - 1; i >= 0; i-- {
		h := append([]byte(nil), ext[i]...)
		h[0] = next
		next = ext[i][0] // the caller puts the header's own type in byte 0
		payload = append(h, payload...)
	}
	payload = append(payload, tcp...)
	b := make([]byte, 40, 40+len(payload)+p.padding)
	b[0] = 0x60
	binary.BigEndian.PutUint16(b[4:], uint16(len(payload)))
	b[6] = next
	b[7] = 64
	s, d := netip.MustParseAddr(src).As16(), netip.MustParseAddr(dst).As16()
	copy(b[8:], s[:])
	copy(b[24:], d[:])
	b = append(b, payload...)
	return append(b, make([]byte, p.padding)...)
}

// extHeader is an IPv6 extension header of type typ and 8·(1+units) bytes,
// with its type in byte 0 for ipv6 to read (it writes the next header there).
func extHeader(typ byte, units byte) []byte {
	h := make([]byte, 8*(1+int(units)))
	h[0], h[1] = typ, units
	return h
}

func TestParseIPv6(t *testing.T) {
	p := packet{sport: 49152, dport: 80, seq: 7, ack: 9, flags: PSH | ACK, win: 512, payload: 11, padding: 3,
		tcpOpts: cat([]byte{OptNOP, OptNOP}, optNOPNOPTS[2:])}
	for name, b := range map[string][]byte{
		"plain":                   ipv6(p, "2001:db8::1", "2001:db8::2"),
		"hop-by-hop, destination": ipv6(p, "2001:db8::1", "2001:db8::2", extHeader(ipv6HopByHop, 0), extHeader(ipv6DestOptions, 1)),
		"routing":                 ipv6(p, "2001:db8::1", "2001:db8::2", extHeader(ipv6Routing, 2)),
	} {
		t.Run(name, func(t *testing.T) {
			for _, parse := range []func([]byte) (Segment, error){ParseIPv6, ParseIP} {
				s, err := parse(b)
				if err != nil {
					t.Fatal(err)
				}
				want := Segment{
					Src: netip.MustParseAddrPort("[2001:db8::1]:49152"), Dst: netip.MustParseAddrPort("[2001:db8::2]:80"),
					Seq: 7, Ack: 9, Flags: PSH | ACK, Window: 512, Len: 11,
					Opt: Options{HasTimestamp: true, TSVal: 256, TSEcr: 9},
				}
				if s != want {
					t.Errorf("read %v %v→%v, want %v %v→%v", s.String(), s.Src, s.Dst, want.String(), want.Src, want.Dst)
				}
			}
		})
	}
}

func TestParseIPv6_Errors(t *testing.T) {
	ok := packet{sport: 1, dport: 2, flags: ACK, payload: 10}
	good := ipv6(ok, "::1", "::2")
	set := func(i int, v byte) []byte {
		b := append([]byte(nil), good...)
		b[i] = v
		return b
	}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"shorter than an IPv6 header", good[:39], ErrTruncated},
		{"IPv4", set(0, 0x45), ErrNotIPv6},
		{"payload length beyond the bytes", good[:len(good)-1], ErrTruncated},
		{"payload length 0", set(5, 0), ErrMalformed},
		{"UDP", ipv6(packet{proto: 17}, "::1", "::2"), ErrNotTCP},
		{"no next header", set(6, ipv6NoNext), ErrNotTCP},
		{"a fragment", ipv6(ok, "::1", "::2", extHeader(ipv6Fragment, 0)), ErrFragment},
		{"an extension header past the end", ipv6(packet{proto: ipv6DestOptions}, "::1", "::2"), ErrTruncated},
		{"TCP header cut short", set(5, 10), ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIPv6(tt.in)
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
	for _, b := range [][]byte{nil, {0x10}, {0x70, 0}} {
		if _, err := ParseIP(b); err == nil {
			t.Errorf("ParseIP(% x) read a segment", b)
		}
	}
}

// FuzzParseIPv6: it must never panic, and what it accepts must hold the
// header's addresses.
func FuzzParseIPv6(f *testing.F) {
	f.Add(ipv6(packet{sport: 1, dport: 2, flags: SYN, tcpOpts: cat(optMSS1460, optSACKPermTS, optNOPWS7)}, "::1", "::2"))
	f.Add(ipv6(packet{flags: ACK, payload: 3}, "::1", "::2", extHeader(ipv6HopByHop, 0)))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseIPv6(b)
		if err != nil {
			return
		}
		if s.Src.Addr() != netip.AddrFrom16([16]byte(b[8:24])) || s.Dst.Addr() != netip.AddrFrom16([16]byte(b[24:40])) {
			t.Fatalf("addresses %v → %v", s.Src, s.Dst)
		}
		if int(s.Len) > int(binary.BigEndian.Uint16(b[4:6])) || s.Opt.NumSACK > MaxSACKBlocks {
			t.Fatalf("%v", s.String())
		}
	})
}
