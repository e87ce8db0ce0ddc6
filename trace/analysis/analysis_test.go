package analysis

import (
	"net/netip"
	"slices"
	"strconv"
	"testing"

	"github.com/tcpsim/tcpsim/wire"
)

var (
	client = netip.MustParseAddrPort("10.0.0.1:49152")
	server = netip.MustParseAddrPort("10.0.0.2:80")
)

// seg is one segment of a test capture: from the client ('c') or the
// server ('s').
type seg struct {
	from     byte
	flags    wire.Flags
	seq, ack uint32
	len      uint32
	win      uint16
	wscale   int8 // on a SYN: the shift offered, or -1 for none
	sack     bool // carries a SACK block (it changes no verdict)
}

func (s seg) segment() wire.Segment {
	w := wire.Segment{Src: client, Dst: server, Seq: wire.Seq(s.seq), Ack: wire.Seq(s.ack), Flags: s.flags, Window: s.win, Len: s.len}
	if s.from == 's' {
		w.Src, w.Dst = server, client
	}
	if s.flags&wire.SYN != 0 && s.wscale >= 0 {
		w.Opt.HasWScale, w.Opt.WScale = true, uint8(s.wscale)
	}
	if s.sack {
		w.Opt.NumSACK = 1
		w.Opt.SACK[0] = wire.SACKBlock{Left: wire.Seq(s.ack + 1000), Right: wire.Seq(s.ack + 2000)}
	}
	return w
}

// verdict writes a verdict as the tests spell it: "dup-ack #2", "retransmission".
func verdict(v Verdict) string {
	s := v.Labels.String()
	if v.N > 0 {
		s += " #" + strconv.Itoa(int(v.N))
	}
	return s
}

const (
	syn    = wire.SYN
	synAck = wire.SYN | wire.ACK
	ack    = wire.ACK
	psh    = wire.PSH | wire.ACK
	fin    = wire.FIN | wire.ACK
	rst    = wire.RST
)

// handshake is a three-way handshake without window scaling: client ISS
// 100, server ISS 300.
var handshake = []seg{
	{from: 'c', flags: syn, seq: 100, win: 65535, wscale: -1},
	{from: 's', flags: synAck, seq: 300, ack: 101, win: 65535, wscale: -1},
	{from: 'c', flags: ack, seq: 101, ack: 301, win: 65535},
}

func TestAnalyzer(t *testing.T) {
	tests := []struct {
		name  string
		segs  []seg
		wants []string // one per segment after the handshake
	}{
		{
			name: "a lost segment: duplicate ACKs ask for it, and it comes again fast",
			segs: []seg{
				{from: 'c', flags: ack, seq: 101, ack: 301, len: 1000, win: 65535},
				{from: 'c', flags: ack, seq: 1101, ack: 301, len: 1000, win: 65535}, // lost
				{from: 'c', flags: ack, seq: 2101, ack: 301, len: 1000, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 65535},
				{from: 'c', flags: ack, seq: 3101, ack: 301, len: 1000, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 65535, sack: true},
				{from: 'c', flags: ack, seq: 4101, ack: 301, len: 1000, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 65535, sack: true},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 65535, sack: true},
				{from: 'c', flags: ack, seq: 1101, ack: 301, len: 1000, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 5101, win: 65535},
			},
			wants: []string{"", "", "", "", "", "dup-ack #1", "", "dup-ack #2", "dup-ack #3", "fast-retransmission", ""},
		},
		{
			name: "a retransmission without duplicate ACKs is a timeout's",
			segs: []seg{
				{from: 'c', flags: psh, seq: 101, ack: 301, len: 100, win: 65535},
				{from: 'c', flags: psh, seq: 101, ack: 301, len: 100, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 201, win: 65535},
				{from: 'c', flags: fin, seq: 201, ack: 301, win: 65535},
				{from: 'c', flags: fin, seq: 201, ack: 301, win: 65535},
			},
			wants: []string{"", "retransmission", "", "", "retransmission"},
		},
		{
			name: "one duplicate ACK is not enough for a fast retransmission",
			segs: []seg{
				{from: 'c', flags: ack, seq: 101, ack: 301, len: 1000, win: 65535},
				{from: 'c', flags: ack, seq: 1101, ack: 301, len: 1000, win: 65535},
				{from: 'c', flags: ack, seq: 2101, ack: 301, len: 1000, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 65535},
				{from: 'c', flags: ack, seq: 1101, ack: 301, len: 1000, win: 65535},
			},
			wants: []string{"", "", "", "", "dup-ack #1", "retransmission"},
		},
		{
			name: "a pure ACK with a new ACK number or another window is no duplicate",
			segs: []seg{
				{from: 'c', flags: ack, seq: 101, ack: 301, len: 10, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 111, win: 65535},
				{from: 'c', flags: ack, seq: 111, ack: 301, len: 10, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 121, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 121, win: 60000},
				{from: 's', flags: psh, seq: 301, ack: 121, len: 5, win: 60000},
				{from: 's', flags: psh, seq: 306, ack: 121, len: 5, win: 60000},
			},
			wants: []string{"", "", "", "", "window-update", "", ""},
		},
		{
			name: "keepalive probes (Linux: SND.UNA−1, no data), counted until answered",
			segs: []seg{
				{from: 'c', flags: ack, seq: 100, ack: 301, win: 65535},
				{from: 'c', flags: ack, seq: 100, ack: 301, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 101, win: 65535},
				{from: 'c', flags: ack, seq: 100, ack: 301, win: 65535},
				{from: 'c', flags: ack, seq: 100, ack: 301, len: 1, win: 65535}, // BSD's garbage byte
			},
			wants: []string{"keepalive #1", "keepalive #2", "keepalive-ack", "keepalive #1", "keepalive #2"},
		},
		{
			name: "a zero window, Linux's probes, and the update that opens it",
			segs: []seg{
				{from: 'c', flags: ack, seq: 101, ack: 301, len: 1000, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 0},
				{from: 'c', flags: ack, seq: 1100, ack: 301, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 0},
				{from: 'c', flags: ack, seq: 1100, ack: 301, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 4096},
				{from: 'c', flags: ack, seq: 1101, ack: 301, len: 1000, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 2101, win: 0},
				{from: 'c', flags: ack, seq: 2100, ack: 301, win: 65535},
			},
			wants: []string{"", "zero-window", "zero-window-probe #1", "zero-window", "zero-window-probe #2", "window-update", "",
				"zero-window", "zero-window-probe #1"},
		},
		{
			name: "an RFC 9293 probe carries the next byte; its repeat is a probe too",
			segs: []seg{
				{from: 'c', flags: ack, seq: 101, ack: 301, len: 1000, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 0},
				{from: 'c', flags: psh, seq: 1101, ack: 301, len: 1, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 1101, win: 0},
				{from: 'c', flags: psh, seq: 1101, ack: 301, len: 1, win: 65535},
			},
			wants: []string{"", "zero-window", "zero-window-probe #1", "zero-window", "zero-window-probe #2"},
		},
		{
			name: "the first pure ACK repeating the SYN,ACK's is a duplicate already",
			segs: []seg{
				{from: 'c', flags: ack, seq: 101, ack: 301, len: 1000, win: 65535},
				{from: 's', flags: ack, seq: 301, ack: 101, win: 65535},
			},
			wants: []string{"", "dup-ack #1"},
		},
		{
			name: "a RST with window 0 is no zero window",
			segs: []seg{
				{from: 's', flags: rst, seq: 301, win: 0},
			},
			wants: []string{""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAnalyzer()
			for i, s := range handshake {
				seg := s.segment()
				if v := a.Analyze(&seg); v.Labels != 0 || v.Conn != 1 {
					t.Fatalf("handshake segment %d: %q, connection %d", i, verdict(v), v.Conn)
				}
			}
			if len(tt.wants) != len(tt.segs) {
				t.Fatalf("%d wants for %d segments", len(tt.wants), len(tt.segs))
			}
			for i, s := range tt.segs {
				seg := s.segment()
				if got := verdict(a.Analyze(&seg)); got != tt.wants[i] {
					t.Errorf("segment %d (%c %v): %q, want %q", i+1, s.from, seg.String(), got, tt.wants[i])
				}
			}
		})
	}
}

func TestAnalyzer_SYNRetransmissionsAndNewConnections(t *testing.T) {
	a := NewAnalyzer()
	steps := []struct {
		s    seg
		want string
		conn uint32
	}{
		{seg{from: 'c', flags: syn, seq: 100, win: 64240, wscale: 7}, "", 1},
		{seg{from: 'c', flags: syn, seq: 100, win: 64240, wscale: 7}, "retransmission", 1},
		{seg{from: 's', flags: synAck, seq: 300, ack: 101, win: 65160, wscale: 7}, "", 1},
		{seg{from: 's', flags: synAck, seq: 300, ack: 101, win: 65160, wscale: 7}, "retransmission", 1},
		{seg{from: 'c', flags: rst, seq: 101}, "", 1},
		// The same ports again, a new ISS: a new connection, not a retransmission.
		{seg{from: 'c', flags: syn, seq: 5000, win: 64240, wscale: 7}, "", 2},
	}
	for i, st := range steps {
		seg := st.s.segment()
		v := a.Analyze(&seg)
		if got := verdict(v); got != st.want || v.Conn != st.conn {
			t.Errorf("step %d: %q on connection %d, want %q on %d", i, got, v.Conn, st.want, st.conn)
		}
	}
}

func TestAnalyzer_WindowScaling(t *testing.T) {
	tests := []struct {
		name           string
		clientWS       int8
		serverWS       int8
		synWin, ackWin uint32 // the SYN,ACK's window and the client's ACK's
	}{
		{"both offer: the SYN is never scaled, the rest are", 7, 7, 65160, 502 << 7},
		{"only the client offers: nothing is scaled", 7, -1, 65160, 502},
		{"only the server offers: nothing is scaled", -1, 7, 65160, 502},
		{"the shift is the sender's own", 2, 9, 65160, 502 << 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAnalyzer()
			for i, s := range []seg{
				{from: 'c', flags: syn, seq: 100, win: 64240, wscale: tt.clientWS},
				{from: 's', flags: synAck, seq: 300, ack: 101, win: 65160, wscale: tt.serverWS},
				{from: 'c', flags: ack, seq: 101, ack: 301, win: 502},
			} {
				seg := s.segment()
				v := a.Analyze(&seg)
				switch i {
				case 1:
					if v.Win != tt.synWin {
						t.Errorf("SYN,ACK window %d, want %d", v.Win, tt.synWin)
					}
				case 2:
					if v.Win != tt.ackWin {
						t.Errorf("ACK window %d, want %d", v.Win, tt.ackWin)
					}
				}
			}
		})
	}
}

// A retransmission of data the other side has already acknowledged, as
// the capture saw it, is spurious (Wireshark's "TCP Spurious
// Retransmission"); one beyond the last ACK is not.
func TestAnalyze_SpuriousRetransmission(t *testing.T) {
	a := NewAnalyzer()
	var got []string
	for _, s := range []seg{
		{from: 'c', flags: syn, seq: 100, win: 1000, wscale: -1},
		{from: 's', flags: synAck, seq: 300, ack: 101, win: 1000, wscale: -1},
		{from: 'c', flags: ack, seq: 101, ack: 301, win: 1000},
		{from: 'c', flags: ack, seq: 101, ack: 301, len: 100, win: 1000},
		{from: 'c', flags: ack, seq: 201, ack: 301, len: 100, win: 1000},
		{from: 's', flags: ack, seq: 301, ack: 201, win: 1000}, // the first is acknowledged
		{from: 'c', flags: ack, seq: 101, ack: 301, len: 100, win: 1000},
		{from: 'c', flags: ack, seq: 201, ack: 301, len: 100, win: 1000},
	} {
		w := s.segment()
		got = append(got, verdict(a.Analyze(&w)))
	}
	want := []string{"", "", "", "", "", "", "retransmission,spurious-retransmission", "retransmission"}
	if !slices.Equal(got, want) {
		t.Errorf("verdicts %q, want %q", got, want)
	}
}
