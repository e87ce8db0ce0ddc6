package wire

import (
	"net/netip"
	"strings"
	"testing"
)

func TestFlags_StringAndParseRoundTrip(t *testing.T) {
	// The reference: names in trace order, built independently of String.
	order := []struct {
		f    Flags
		name string
	}{{SYN, "SYN"}, {FIN, "FIN"}, {RST, "RST"}, {PSH, "PSH"}, {ACK, "ACK"}, {URG, "URG"}, {ECE, "ECE"}, {CWR, "CWR"}}
	for i := range 256 {
		f := Flags(i)
		var names []string
		for _, o := range order {
			if f&o.f != 0 {
				names = append(names, o.name)
			}
		}
		want := strings.Join(names, ",")
		s := f.String()
		if s != want {
			t.Errorf("Flags(%#x).String() = %q, want %q", i, s, want)
		}
		g, ok := ParseFlags(s)
		if !ok || g != f {
			t.Errorf("ParseFlags(%q) = %#x, %v; want %#x, true", s, g, ok, i)
		}
		if g, ok := ParseFlags(strings.ToLower(strings.ReplaceAll(s, ",", "|"))); !ok || g != f {
			t.Errorf("ParseFlags(lower, '|') of %q = %#x, %v", s, g, ok)
		}
	}
}

func TestFlags_Bits(t *testing.T) {
	// RFC 9293 §3.1 and RFC 3168: the control bits, least significant first.
	for f, want := range map[Flags]uint8{FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80} {
		if uint8(f) != want {
			t.Errorf("%v = %#x, want %#x", f, uint8(f), want)
		}
	}
	if !(SYN | ACK).Has(ACK) || !(SYN | ACK).Has(SYN|ACK) || ACK.Has(SYN|ACK) || !ACK.Has(0) {
		t.Error("Has is wrong")
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		in   string
		want Flags
		ok   bool
	}{
		{"", 0, true},
		{"SYN,ACK", SYN | ACK, true},
		{"ack, syn", SYN | ACK, true},
		{"FIN+ACK", FIN | ACK, true},
		{"SYN | ACK", SYN | ACK, true},
		{"SYN,,ACK", SYN | ACK, true},
		{"syn syn", SYN, true},
		{"SYN,FOO", 0, false},
		{"S", 0, false},
		{".", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseFlags(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseFlags(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSegment_SeqLenAndEnd(t *testing.T) {
	tests := []struct {
		flags Flags
		seq   Seq
		len   uint32
		want  uint32
		end   Seq
	}{
		{SYN, 1000, 0, 1, 1001},
		{SYN | ACK, 0xFFFFFFFF, 0, 1, 0},
		{ACK, 1, 0, 0, 1},
		{ACK | PSH, 1, 1460, 1460, 1461},
		{FIN | ACK, 5000, 0, 1, 5001},
		{FIN | PSH | ACK, 0xFFFFFFF0, 0x10, 0x11, 1},
		{SYN | FIN, 10, 3, 5, 15}, // odd, but SEG.LEN counts both
		{RST, 7, 0, 0, 7},
	}
	for _, tt := range tests {
		s := Segment{Seq: tt.seq, Flags: tt.flags, Len: tt.len}
		if got := s.SeqLen(); got != tt.want {
			t.Errorf("[%v] len %d: SeqLen = %d, want %d", tt.flags, tt.len, got, tt.want)
		}
		if got := s.End(); got != tt.end {
			t.Errorf("[%v] seq %#x len %d: End = %#x, want %#x", tt.flags, tt.seq, tt.len, got, tt.end)
		}
	}
}

func TestOptions_Len(t *testing.T) {
	// Sizes as Linux lays the options out (tcp_options_write): every option
	// kind and length from RFC 9293 §3.2, RFC 7323 and RFC 2018, padded to a
	// multiple of four with NOPs.
	ts := Options{HasTimestamp: true, TSVal: 1, TSEcr: 2}
	sack := func(o Options, n uint8) Options { o.NumSACK = n; return o }
	tests := []struct {
		name string
		o    Options
		want int
	}{
		{"none", Options{}, 0},
		{"MSS", Options{MSS: 1460}, 4},                            // kind 2, len 4
		{"SACK-permitted alone", Options{SACKPermitted: true}, 4}, // NOP NOP + kind 4 len 2
		{"timestamps", ts, 12},                                    // NOP NOP + kind 8 len 10
		{"SACK-permitted and timestamps", Options{SACKPermitted: true, HasTimestamp: true}, 12}, // kind 4 len 2 + kind 8 len 10
		{"window scale", Options{HasWScale: true, WScale: 7}, 4},                                // NOP + kind 3 len 3
		{"window scale 0", Options{HasWScale: true}, 4},
		{"Linux SYN", Options{MSS: 1460, SACKPermitted: true, HasTimestamp: true, HasWScale: true, WScale: 7}, 20},
		{"SYN without timestamps", Options{MSS: 1460, SACKPermitted: true, HasWScale: true, WScale: 7}, 12},
		{"1 SACK block", sack(Options{}, 1), 12},          // NOP NOP + kind 5 len 10
		{"2 SACK blocks", sack(Options{}, 2), 20},         // len 18
		{"3 SACK blocks", sack(Options{}, 3), 28},         // len 26
		{"4 SACK blocks", sack(Options{}, 4), 36},         // len 34
		{"3 SACK blocks and timestamps", sack(ts, 3), 40}, // the 40-byte limit
	}
	for _, tt := range tests {
		got := tt.o.OptionsLen()
		if got != tt.want {
			t.Errorf("%s: OptionsLen = %d, want %d", tt.name, got, tt.want)
		}
		if got%4 != 0 || got > 40 {
			t.Errorf("%s: %d bytes is not a valid TCP option area", tt.name, got)
		}
		s := Segment{Len: 100, Opt: tt.o}
		if ip := s.IPLen(); ip != 20+20+tt.want+100 {
			t.Errorf("%s: IPLen = %d, want %d", tt.name, ip, 140+tt.want)
		}
	}
	if got := (&Segment{Len: 1460}).IPLen(); got != 1500 {
		t.Errorf("a full-sized segment without options is %d bytes, want 1500", got)
	}
}

func TestSegment_String(t *testing.T) {
	src := netip.MustParseAddrPort("10.0.0.1:40000")
	dst := netip.MustParseAddrPort("10.0.0.2:80")
	blocks := [MaxSACKBlocks]SACKBlock{{0xFFFFFFF0, 0x10}, {100, 200}}
	tests := []struct {
		seg  Segment
		want string
	}{
		{Segment{Src: src, Dst: dst, Seq: 100, Flags: SYN, Window: 65535, Opt: Options{MSS: 1460}},
			"[SYN] seq=100 win=65535 len=0 <mss 1460>"},
		{Segment{Seq: 300, Ack: 101, Flags: SYN | ACK, Window: 65535, Opt: Options{MSS: 1460}},
			"[SYN,ACK] seq=300 ack=101 win=65535 len=0 <mss 1460>"},
		{Segment{Seq: 101, Ack: 301, Flags: ACK | PSH, Window: 502, Len: 1460},
			"[PSH,ACK] seq=101 ack=301 win=502 len=1460"},
		{Segment{Seq: 0xFFFFFFFF, Ack: 1, Flags: RST}, // no ACK flag: no ack shown
			"[RST] seq=4294967295 win=0 len=0"},
		{Segment{Seq: 1, Ack: 2, Flags: 0}, "[] seq=1 win=0 len=0"},
		{Segment{Seq: 1, Ack: 2, Flags: ACK, Window: 10, Opt: Options{
			MSS: 536, SACKPermitted: true, HasTimestamp: true, TSVal: 7, TSEcr: 0, HasWScale: true, WScale: 14}},
			"[ACK] seq=1 ack=2 win=10 len=0 <mss 536,sackOK,TS val 7 ecr 0,wscale 14>"},
		{Segment{Seq: 1, Ack: 2, Flags: ACK, Opt: Options{NumSACK: 2, SACK: blocks}},
			"[ACK] seq=1 ack=2 win=0 len=0 <sack 4294967280-16 100-200>"},
	}
	for _, tt := range tests {
		if got := tt.seg.String(); got != tt.want {
			t.Errorf("String() =\n\t%q, want\n\t%q", got, tt.want)
		}
	}
}
