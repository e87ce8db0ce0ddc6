package pcap_test

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/pcap"
	"github.com/tcpsim/tcpsim/wire"
)

// analysisLabels are the labels the capture analysis gives; the simulator
// gives more (delayed-ack, ack-of-duplicate, probe-byte-resent), from
// state a capture does not hold.
const analysisLabels = trace.LabelRetransmission | trace.LabelFastRetransmission | trace.LabelDupACK |
	trace.LabelZeroWindow | trace.LabelZeroWindowProbe | trace.LabelWindowUpdate | trace.LabelKeepalive | trace.LabelKeepaliveACK

// Every built-in scenario, at every capture point, read back: each frame
// is the segment the capture point saw, at the instant it saw it, with the
// same window after scaling; each connection's client and server are the
// simulation's; and the labels of the segments that lose or resend data
// (retransmission, fast retransmission, dup ACK #N) are the simulator's.
// What a capture cannot hold does not come back: states, timers,
// variables, application calls, and drops (a segment dropped beyond the
// capture point looks delivered).
func TestReadRoundTrip(t *testing.T) {
	for _, in := range scenarios.List() {
		if in.Name == "bulk" && testing.Short() {
			continue
		}
		for _, capture := range []pcap.Capture{pcap.CaptureClient, pcap.CaptureServer, pcap.CaptureLink} {
			t.Run(in.Name+"/"+string(capture), func(t *testing.T) {
				s := pcapLoad(t, in.Name)
				b, seen := runPCAP(t, s, pcap.Options{Capture: capture})
				f, err := pcap.Read(bytes.NewReader(b), pcap.ReadOptions{})
				require.NoError(t, err)
				assert.Zero(t, f.Skipped)
				assert.Zero(t, f.Cut)
				require.Len(t, f.Segments, len(seen))
				disagree := 0
				for i, c := range f.Segments {
					r := &seen[i]
					require.Equal(t, []any{pcapEpoch.Add(time.Duration(r.T)), r.Pkt.Seg, r.Pkt.Win},
						[]any{c.At.UTC(), c.Seg, c.Verdict.Win}, "frame %d: time, segment and window", i+1)
					sim, ours := r.Pkt.Labels&analysisLabels, c.Verdict.Labels
					if sim != ours {
						disagree++
						if disagree <= 3 {
							t.Logf("frame %d at %v %v: simulator %q, analysis %q", i+1, r.T, &c.Seg, r.Pkt.Labels, ours)
						}
					}
					resends := trace.LabelRetransmission | trace.LabelFastRetransmission
					if in.Name == "lost-segment" || in.Name == "lost-ack" {
						assert.Equal(t, sim&resends != 0, ours&resends != 0, "frame %d %v: resent? simulator %q, analysis %q", i+1, &c.Seg, sim, ours)
						// The simulator knows an ACK answers a segment it had
						// already received (ack-of-duplicate); the capture,
						// like Wireshark, sees a duplicate ACK.
						// A capture that missed the first ACK (beside the
						// client, which it never reached) sees no duplicate.
						if !r.Pkt.Labels.Has(trace.LabelACKOfDuplicate) {
							assert.Equal(t, sim&trace.LabelDupACK != 0, ours&trace.LabelDupACK != 0, "frame %d %v: dup ACK? simulator %q, analysis %q", i+1, &c.Seg, r.Pkt.Labels, ours)
						}
					}
				}
				t.Logf("%d of %d segments labelled differently by the simulator and the analysis", disagree, len(seen))

				// Each connection as a trace: client and server as the
				// simulation named them, every segment once as sent and
				// delivered at the instant it was captured.
				var got int
				for n := 1; n <= len(f.Conns); n++ {
					recs, err := f.Records(n, pcap.RecordOptions{Name: in.Name, Zero: pcapEpoch})
					require.NoError(t, err)
					require.GreaterOrEqual(t, len(recs), 3)
					assert.Equal(t, trace.KindRun, recs[0].Kind)
					for _, r := range recs[3:] {
						if r.Kind != trace.KindSend {
							continue
						}
						got++
						want := findSeen(seen, r.T, &r.Pkt.Seg)
						// A capture names its sides client and server; the
						// flows of a dumbbell have senders and receivers.
						if assert.NotNil(t, want, "connection %d: %v at %v is not a segment the capture saw", n, &r.Pkt.Seg, r.T) && s.Dumbbell == nil {
							assert.Equal(t, want.Node, r.Node, "connection %d: %v: sender", n, &r.Pkt.Seg)
							assert.Equal(t, want.Peer, r.Peer, "connection %d: %v: receiver", n, &r.Pkt.Seg)
						}
					}
				}
				assert.Equal(t, len(seen), got, "segments in the connections' traces")
			})
		}
	}
}

// findSeen returns the record of seen at t whose segment is s.
func findSeen(seen []trace.Record, t sim.Time, s *wire.Segment) *trace.Record {
	for i := range seen {
		if seen[i].T == t && seen[i].Pkt.Seg == *s {
			return &seen[i]
		}
	}
	return nil
}

// ipv4Packet returns an IP packet (IPv4 or IPv6, as the addresses are)
// carrying a TCP segment from src to dst with flags, seq, window 1000 and
// payload bytes of payload.
func ipv4Packet(t testing.TB, src, dst string, flags wire.Flags, seq uint32, payload int) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	tcp := &layers.TCP{SrcPort: layers.TCPPort(s.Port()), DstPort: layers.TCPPort(d.Port()), Seq: seq, Window: 1000,
		SYN: flags.Has(wire.SYN), ACK: flags.Has(wire.ACK), FIN: flags.Has(wire.FIN)}
	pl := gopacket.Payload(make([]byte, payload))
	var err error
	if s.Addr().Is4() {
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: s.Addr().AsSlice(), DstIP: d.Addr().AsSlice()}
		require.NoError(t, tcp.SetNetworkLayerForChecksum(ip))
		err = gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tcp, pl)
	} else {
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: s.Addr().AsSlice(), DstIP: d.Addr().AsSlice()}
		require.NoError(t, tcp.SetNetworkLayerForChecksum(ip))
		err = gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tcp, pl)
	}
	require.NoError(t, err)
	return append([]byte(nil), buf.Bytes()...)
}

// frameOf wraps an IP packet in a link-layer header of type lt, or of
// Ethernet with a VLAN tag for vlanTag.
func frameOf(lt uint16, ip []byte) []byte {
	proto := uint16(0x0800)
	if ip[0]>>4 == 6 {
		proto = 0x86dd
	}
	be := binary.BigEndian
	var h []byte
	switch lt {
	case 1: // Ethernet
		h = make([]byte, 14)
		copy(h, []byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1})
		be.PutUint16(h[12:], proto)
	case vlanTag:
		h = make([]byte, 18)
		be.PutUint16(h[12:], 0x8100)
		be.PutUint16(h[14:], 42)
		be.PutUint16(h[16:], proto)
	case 113: // Linux cooked
		h = make([]byte, 16)
		be.PutUint16(h[0:], 4) // sent by us
		be.PutUint16(h[2:], 1) // ARPHRD_ETHER
		be.PutUint16(h[4:], 6)
		be.PutUint16(h[14:], proto)
	case 276: // Linux cooked v2
		h = make([]byte, 20)
		be.PutUint16(h[0:], proto)
		be.PutUint32(h[4:], 3) // ifindex
		be.PutUint16(h[8:], 1)
		h[11] = 6
	case 0: // BSD loopback
		h = make([]byte, 4)
		binary.LittleEndian.PutUint32(h, 2) // AF_INET, in the writer's byte order
		if proto == 0x86dd {
			binary.LittleEndian.PutUint32(h, 30) // AF_INET6 on macOS
		}
	}
	return append(h, ip...)
}

// vlanTag stands for Ethernet with a VLAN tag in frameOf.
const vlanTag = 0xffff

// captured is a frame to write in a test capture.
type captured struct {
	at     time.Time
	data   []byte
	length int // on the wire; 0 for len(data)
}

// writeCapture writes frames as a pcap file (microsecond, big-endian, to
// read what a SPARC once wrote) or a pcapng file (one interface, with
// nanosecond timestamps), of link type lt, byte by byte: gopacket's
// writers keep a link type in a byte, and 276 does not fit.
func writeCapture(ng bool, lt uint16, frames []captured) []byte {
	var b []byte
	if !ng {
		be := binary.BigEndian
		b = be.AppendUint32(b, 0xa1b2c3d4)
		b = be.AppendUint16(b, 2)
		b = be.AppendUint16(b, 4)
		b = be.AppendUint64(b, 0)
		b = be.AppendUint32(b, 65535)
		b = be.AppendUint32(b, uint32(lt))
		for _, f := range frames {
			n := f.length
			if n == 0 {
				n = len(f.data)
			}
			b = be.AppendUint32(b, uint32(f.at.Unix()))
			b = be.AppendUint32(b, uint32(f.at.Nanosecond()/1000))
			b = be.AppendUint32(b, uint32(len(f.data)))
			b = be.AppendUint32(b, uint32(n))
			b = append(b, f.data...)
		}
		return b
	}
	le := binary.LittleEndian
	block := func(typ uint32, body []byte) {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		n := uint32(12 + len(body))
		b = le.AppendUint32(b, typ)
		b = le.AppendUint32(b, n)
		b = append(b, body...)
		b = le.AppendUint32(b, n)
	}
	var shb []byte
	shb = le.AppendUint32(shb, 0x1a2b3c4d)
	shb = le.AppendUint16(shb, 1)
	shb = le.AppendUint16(shb, 0)
	shb = le.AppendUint64(shb, ^uint64(0)) // section length unknown
	block(0x0a0d0d0a, shb)
	var idb []byte
	idb = le.AppendUint16(idb, lt)
	idb = le.AppendUint16(idb, 0)
	idb = le.AppendUint32(idb, 0)
	idb = append(idb, 9, 0, 1, 0, 9, 0, 0, 0) // if_tsresol: 10^-9
	idb = append(idb, 0, 0, 0, 0)             // opt_endofopt
	block(1, idb)
	for _, f := range frames {
		n := f.length
		if n == 0 {
			n = len(f.data)
		}
		ts := uint64(f.at.UnixNano())
		var epb []byte
		epb = le.AppendUint32(epb, 0)
		epb = le.AppendUint32(epb, uint32(ts>>32))
		epb = le.AppendUint32(epb, uint32(ts))
		epb = le.AppendUint32(epb, uint32(len(f.data)))
		epb = le.AppendUint32(epb, uint32(n))
		epb = append(epb, f.data...)
		block(6, epb)
	}
	return b
}

// The link layers and IP versions a capture may have, in pcap and pcapng:
// each frame read back as the segment it carries; what is not TCP over IP
// is skipped.
func TestReadLinkTypes(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name    string
		lt      uint16 // as written in the file
		frameLT uint16 // how frameOf builds the frame
		c, s    string
	}{
		{"ethernet", 1, 1, "10.1.1.1:5000", "10.1.1.2:80"},
		{"ethernet with a VLAN tag", 1, vlanTag, "10.1.1.1:5000", "10.1.1.2:80"},
		{"ethernet IPv6", 1, 1, "[2001:db8::1]:5000", "[2001:db8::2]:80"},
		{"linux cooked", 113, 113, "10.1.1.1:5000", "10.1.1.2:80"},
		{"linux cooked IPv6", 113, 113, "[fe80::1]:5000", "[fe80::2]:80"},
		{"linux cooked v2", 276, 276, "10.1.1.1:5000", "10.1.1.2:80"},
		{"linux cooked v2 IPv6", 276, 276, "[::1]:5000", "[::1]:80"},
		{"raw IP", 101, 101, "10.1.1.1:5000", "10.1.1.2:80"},
		{"raw IPv6", 101, 101, "[2001:db8::1]:5000", "[2001:db8::2]:80"},
		{"IPv4", 228, 101, "10.1.1.1:5000", "10.1.1.2:80"},
		{"IPv6", 229, 101, "[2001:db8::1]:5000", "[2001:db8::2]:80"},
		{"BSD loopback", 0, 0, "127.0.0.1:5000", "127.0.0.1:80"},
		{"BSD loopback IPv6", 0, 0, "[::1]:5000", "[::1]:80"},
	} {
		for _, ng := range []bool{false, true} {
			name := tt.name + "/pcap"
			if ng {
				name = tt.name + "/pcapng"
			}
			t.Run(name, func(t *testing.T) {
				frames := []captured{
					{at: at, data: frameOf(tt.frameLT, ipv4Packet(t, tt.c, tt.s, wire.SYN, 1000, 0))},
					{at: at.Add(time.Millisecond), data: frameOf(tt.frameLT, ipv4Packet(t, tt.s, tt.c, wire.SYN|wire.ACK, 5000, 0))},
					{at: at.Add(2 * time.Millisecond), data: []byte{1, 2, 3}}, // not an IP packet
					{at: at.Add(3 * time.Millisecond), data: frameOf(tt.frameLT, ipv4Packet(t, tt.c, tt.s, wire.ACK, 1001, 100))},
				}
				f, err := pcap.Read(bytes.NewReader(writeCapture(ng, tt.lt, frames)), pcap.ReadOptions{})
				require.NoError(t, err)
				assert.Equal(t, 1, f.Skipped)
				require.Len(t, f.Segments, 3)
				c, s := netip.MustParseAddrPort(tt.c), netip.MustParseAddrPort(tt.s)
				want := []wire.Segment{
					{Src: c, Dst: s, Seq: 1000, Flags: wire.SYN, Window: 1000},
					{Src: s, Dst: c, Seq: 5000, Flags: wire.SYN | wire.ACK, Window: 1000},
					{Src: c, Dst: s, Seq: 1001, Flags: wire.ACK, Window: 1000, Len: 100},
				}
				for i, w := range want {
					assert.Equal(t, w, f.Segments[i].Seg, "segment %d", i+1)
				}
				assert.Equal(t, at.Add(3*time.Millisecond), f.Segments[2].At.UTC())
				require.Len(t, f.Conns, 1)
				assert.Equal(t, pcap.Conn{N: 1, Client: c, Server: s, Segments: 3, First: f.Segments[0].At, Last: f.Segments[2].At, SYN: true}, f.Conns[0])

				recs, err := f.Records(1, pcap.RecordOptions{Name: "lab"})
				require.NoError(t, err)
				require.Len(t, recs, 3+2*3)
				assert.Equal(t, []any{"lab", c.Addr(), s.Addr()}, []any{recs[0].Name, recs[1].Addr, recs[2].Addr})
				last := recs[len(recs)-1]
				assert.Equal(t, []any{trace.KindDeliver, "client", "server", 3 * time.Millisecond}, []any{last.Kind, last.Node, last.Peer, time.Duration(last.T)})
			})
		}
	}
}

// gopacket's own writers, pcap with nanoseconds and pcapng, read back.
func TestReadGopacketWriters(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC)
	fr := frameOf(1, ipv4Packet(t, "10.0.0.1:1", "10.0.0.2:2", wire.SYN, 7, 0))
	ci := gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(fr), Length: len(fr)}
	var a, b bytes.Buffer
	w := pcapgo.NewWriterNanos(&a)
	require.NoError(t, w.WriteFileHeader(65535, layers.LinkTypeEthernet))
	require.NoError(t, w.WritePacket(ci, fr))
	ng, err := pcapgo.NewNgWriter(&b, layers.LinkTypeEthernet)
	require.NoError(t, err)
	require.NoError(t, ng.WritePacket(ci, fr))
	require.NoError(t, ng.Flush())
	for name, out := range map[string][]byte{"pcap": a.Bytes(), "pcapng": b.Bytes()} {
		f, err := pcap.Read(bytes.NewReader(out), pcap.ReadOptions{})
		require.NoError(t, err, name)
		require.Len(t, f.Segments, 1, name)
		assert.Equal(t, wire.Seq(7), f.Segments[0].Seg.Seq, name)
		assert.True(t, at.Equal(f.Segments[0].At), "%s: %v", name, f.Segments[0].At)
	}
}

// A capture whose snapshot length cut the payload off: the headers are
// read, and the payload's length comes from the IP header.
func TestReadSnapLen(t *testing.T) {
	fr := frameOf(1, ipv4Packet(t, "10.0.0.1:1", "10.0.0.2:2", wire.ACK, 7, 1400))
	for _, ng := range []bool{false, true} {
		f, err := pcap.Read(bytes.NewReader(writeCapture(ng, 1, []captured{{at: time.Unix(1, 0), data: fr[:68], length: len(fr)}})), pcap.ReadOptions{})
		require.NoError(t, err)
		require.Len(t, f.Segments, 1)
		assert.Equal(t, uint32(1400), f.Segments[0].Seg.Len)
		assert.Equal(t, 1, f.Cut)
	}
}

// A capture stopped in the middle of writing a packet: the packets before
// it are read.
func TestReadUnfinished(t *testing.T) {
	fr := frameOf(101, ipv4Packet(t, "10.0.0.1:1", "10.0.0.2:2", wire.SYN, 7, 0))
	for _, ng := range []bool{false, true} {
		b := writeCapture(ng, 101, []captured{{at: time.Unix(1, 0), data: fr}, {at: time.Unix(2, 0), data: fr}})
		f, err := pcap.Read(bytes.NewReader(b[:len(b)-10]), pcap.ReadOptions{})
		require.NoError(t, err)
		assert.Len(t, f.Segments, 1)
		assert.True(t, f.Unfinished)
	}
}

// Connections are numbered in order of appearance; without a SYN the side
// with the higher port is the client.
func TestReadConnections(t *testing.T) {
	var frames []captured
	for i, p := range [][]byte{
		ipv4Packet(t, "10.0.0.2:443", "10.0.0.1:50000", wire.ACK, 1, 10), // mid-connection, the server first
		ipv4Packet(t, "10.0.0.1:50001", "10.0.0.2:443", wire.SYN, 1, 0),
		ipv4Packet(t, "10.0.0.1:50000", "10.0.0.2:443", wire.ACK, 1, 0),
	} {
		frames = append(frames, captured{at: time.Unix(100+int64(i), 0), data: p})
	}
	out := writeCapture(false, 101, frames)
	f, err := pcap.Read(bytes.NewReader(out), pcap.ReadOptions{})
	require.NoError(t, err)
	require.Len(t, f.Conns, 2)
	assert.Equal(t, []any{netip.MustParseAddrPort("10.0.0.1:50000"), netip.MustParseAddrPort("10.0.0.2:443"), 2, false},
		[]any{f.Conns[0].Client, f.Conns[0].Server, f.Conns[0].Segments, f.Conns[0].SYN})
	assert.Equal(t, []any{netip.MustParseAddrPort("10.0.0.1:50001"), true}, []any{f.Conns[1].Client, f.Conns[1].SYN})

	recs, err := f.Records(1, pcap.RecordOptions{})
	require.NoError(t, err)
	assert.Equal(t, []any{"server", time.Duration(0)}, []any{recs[3].Node, time.Duration(recs[3].T)})
	assert.Equal(t, []any{"client", 2 * time.Second}, []any{recs[5].Node, time.Duration(recs[5].T)}, "times from the connection's first segment")
	for _, n := range []int{0, 3} {
		_, err := f.Records(n, pcap.RecordOptions{})
		assert.ErrorContains(t, err, "connections 1 to 2")
	}

	_, err = pcap.Read(bytes.NewReader(out), pcap.ReadOptions{MaxSegments: 2})
	assert.ErrorContains(t, err, "more than 2 TCP segments")
}

func TestReadErrors(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":         nil,
		"short":         {0xd4, 0xc3},
		"not pcap":      []byte("hello, world, this is text"),
		"broken pcapng": {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0},
	} {
		_, err := pcap.Read(bytes.NewReader(b), pcap.ReadOptions{})
		assert.Error(t, err, name)
	}
	f, err := pcap.Read(bytes.NewReader(writeCapture(false, 101, nil)), pcap.ReadOptions{})
	require.NoError(t, err)
	_, err = f.Records(1, pcap.RecordOptions{})
	assert.ErrorContains(t, err, "no TCP segment")
}

// A file converted to pcapng by Wireshark's editcap reads as the pcap did.
func TestReadEditcapPcapng(t *testing.T) {
	editcap, err := exec.LookPath("editcap")
	if err != nil {
		if os.Getenv("TCPSIM_REQUIRE_TOOLS") == "1" {
			require.NoError(t, err, "editcap is needed (TCPSIM_REQUIRE_TOOLS=1) but not found")
		}
		t.Skip("editcap (Wireshark's) is not installed; set TCPSIM_REQUIRE_TOOLS=1 to make this a failure")
	}
	b, _ := runPCAP(t, pcapLoad(t, "lost-segment"), pcap.Options{})
	dir := t.TempDir()
	in, ng := filepath.Join(dir, "a.pcap"), filepath.Join(dir, "a.pcapng")
	require.NoError(t, os.WriteFile(in, b, 0o644))
	out, err := exec.Command(editcap, "-F", "pcapng", in, ng).CombinedOutput()
	require.NoError(t, err, "%s", out)
	b2, err := os.ReadFile(ng)
	require.NoError(t, err)
	f1, err := pcap.Read(bytes.NewReader(b), pcap.ReadOptions{})
	require.NoError(t, err)
	f2, err := pcap.Read(bytes.NewReader(b2), pcap.ReadOptions{})
	require.NoError(t, err)
	require.Equal(t, len(f1.Segments), len(f2.Segments))
	for i := range f1.Segments {
		assert.Equal(t, f1.Segments[i].Seg, f2.Segments[i].Seg)
		assert.True(t, f1.Segments[i].At.Equal(f2.Segments[i].At))
	}
}

// FuzzRead: whatever the bytes, Read returns an error or a file, and
// never panics or reads a segment that is not in them.
func FuzzRead(f *testing.F) {
	fr := frameOf(276, ipv4Packet(f, "10.0.0.1:1", "10.0.0.2:2", wire.SYN, 7, 0))
	for _, ng := range []bool{false, true} {
		f.Add(writeCapture(ng, 276, []captured{{at: time.Unix(1, 0), data: fr}}))
		f.Add(writeCapture(ng, 1, []captured{{at: time.Unix(1, 0), data: frameOf(1, fr[20:]), length: 2000}}))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := pcap.Read(bytes.NewReader(b), pcap.ReadOptions{MaxSegments: 100})
		if err != nil {
			return
		}
		if len(file.Segments) > len(b)/20 {
			t.Fatalf("%d segments from %d bytes", len(file.Segments), len(b))
		}
		for n := range file.Conns {
			if _, err := file.Records(n+1, pcap.RecordOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// An IPv6 connection read from a capture, written again by the Writer (as
// tcpsim draw -o does) and read back: the same segments, in frames that
// gopacket decodes with good checksums.
func TestReadIPv6WrittenAgain(t *testing.T) {
	c, sv := "[2001:db8::1]:40000", "[2001:db8::2]:443"
	var frames []captured
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, p := range [][]byte{
		ipv4Packet(t, c, sv, wire.SYN, 100, 0),
		ipv4Packet(t, sv, c, wire.SYN|wire.ACK, 300, 0),
		ipv4Packet(t, c, sv, wire.ACK, 101, 1200),
	} {
		frames = append(frames, captured{at: at.Add(time.Duration(i) * time.Millisecond), data: frameOf(1, p)})
	}
	f, err := pcap.Read(bytes.NewReader(writeCapture(true, 1, frames)), pcap.ReadOptions{})
	require.NoError(t, err)
	recs, err := f.Records(1, pcap.RecordOptions{})
	require.NoError(t, err)
	var out bytes.Buffer
	w, err := pcap.NewWriter(&out, pcap.Options{Capture: pcap.CaptureLink})
	require.NoError(t, err)
	for i := range recs {
		w.Record(&recs[i])
	}
	require.NoError(t, w.Flush())

	again, err := pcap.Read(bytes.NewReader(out.Bytes()), pcap.ReadOptions{})
	require.NoError(t, err)
	require.Len(t, again.Segments, len(f.Segments))
	for i := range f.Segments {
		assert.Equal(t, f.Segments[i].Seg, again.Segments[i].Seg)
	}
	r, err := pcapgo.NewReader(bytes.NewReader(out.Bytes()))
	require.NoError(t, err)
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			break
		}
		pkt := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		require.Nil(t, pkt.ErrorLayer())
		ip6, _ := pkt.Layer(layers.LayerTypeIPv6).(*layers.IPv6)
		tcp, _ := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		require.True(t, ip6 != nil && tcp != nil, "an IPv6/TCP frame: %v", pkt)
		require.NoError(t, tcp.SetNetworkLayerForChecksum(ip6))
		sum, err := tcp.ComputeChecksum()
		require.NoError(t, err)
		assert.Zero(t, sum, "the TCP checksum verifies: the sum over the segment with it is 0")
	}
}
