package viz_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz"
	"github.com/tcpsim/tcpsim/wire"
)

// pcapEpoch is the instant a run's time 0 is written as (PCAP's documentation).
var pcapEpoch = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// The synthetic trace's endpoints.
var (
	pcapClient = netip.MustParseAddrPort("10.0.0.1:40000")
	pcapServer = netip.MustParseAddrPort("192.168.7.2:80")
)

// pcapTrace builds packet records by hand. Each send gets the next packet ID.
type pcapTrace struct {
	recs   []trace.Record
	nextID uint64
}

// send records node sending s at t and returns the packet's record, to
// pass to deliver or drop.
func (b *pcapTrace) send(t time.Duration, node string, s wire.Segment, labels trace.Label) trace.Record {
	peer := "server"
	s.Src, s.Dst = pcapClient, pcapServer
	if node == "server" {
		peer = "client"
		s.Src, s.Dst = pcapServer, pcapClient
	}
	b.nextID++
	r := trace.Record{T: sim.At(t), Kind: trace.KindSend, Node: node, Peer: peer, Conn: 1,
		Pkt: &trace.Packet{ID: b.nextID, Seg: s, Win: uint32(s.Window), Labels: labels, Conn: 1}}
	b.recs = append(b.recs, r)
	return r
}

func (b *pcapTrace) deliver(t time.Duration, sent trace.Record) {
	sent.T, sent.Kind = sim.At(t), trace.KindDeliver
	b.recs = append(b.recs, sent)
}

func (b *pcapTrace) drop(t time.Duration, sent trace.Record) {
	sent.T, sent.Kind, sent.Drop = sim.At(t), trace.KindDrop, trace.Drop{Code: trace.DropRandomLoss}
	b.recs = append(b.recs, sent)
}

// pcapSynthetic is a short connection whose segments carry every option
// layout: each segment's Seq tells the test which one it is. The client's
// first data segment and the server's first ACK are dropped.
func pcapSynthetic() []trace.Record {
	var b pcapTrace
	b.recs = append(b.recs,
		trace.Record{Kind: trace.KindRun, Name: "synthetic", Value: 1},
		trace.Record{Kind: trace.KindNode, Node: "client", Addr: pcapClient.Addr()},
		trace.Record{Kind: trace.KindNode, Node: "server", Addr: pcapServer.Addr()})
	// The SYN is sent at time 0: its frame must say the epoch, not the wall clock.
	syn := b.send(0, "client", wire.Segment{Seq: 1000, Flags: wire.SYN, Window: 64240,
		Opt: wire.Options{MSS: 1460, SACKPermitted: true, HasTimestamp: true, TSVal: 7, HasWScale: true, WScale: 7}}, 0)
	b.deliver(pcapMS(10), syn)
	synACK := b.send(pcapMS(10), "server", wire.Segment{Seq: 5000, Ack: 1001, Flags: wire.SYN | wire.ACK, Window: 65535,
		Opt: wire.Options{MSS: 1400, SACKPermitted: true, HasWScale: true, WScale: 14}}, 0) // no timestamps
	b.deliver(pcapMS(20), synACK)
	ack := b.send(pcapMS(20), "client", wire.Segment{Seq: 1001, Ack: 5001, Flags: wire.ACK, Window: 502}, 0)
	b.deliver(pcapMS(30), ack)
	lost := b.send(pcapMS(20)+1, "client", wire.Segment{Seq: 1001, Ack: 5001, Flags: wire.PSH | wire.ACK, Window: 502, Len: 1000,
		Opt: wire.Options{HasTimestamp: true, TSVal: 20, TSEcr: 10}}, 0)
	b.drop(pcapMS(25), lost)
	data := b.send(pcapMS(20)+2, "client", wire.Segment{Seq: 2001, Ack: 5001, Flags: wire.ACK | wire.ECE | wire.CWR | wire.URG, Window: 502, Len: 3,
		Opt: wire.Options{HasTimestamp: true, TSVal: 21, TSEcr: 10}}, 0)
	b.deliver(pcapMS(30)+2, data)
	sackLost := b.send(pcapMS(30)+2, "server", wire.Segment{Seq: 5001, Ack: 1001, Flags: wire.ACK, Window: 65535,
		Opt: wire.Options{HasTimestamp: true, TSVal: 30, TSEcr: 21, NumSACK: 1,
			SACK: [wire.MaxSACKBlocks]wire.SACKBlock{{Left: 2001, Right: 2004}}}}, trace.LabelDupACK)
	b.drop(pcapMS(31), sackLost)
	sack := b.send(pcapMS(30)+3, "server", wire.Segment{Seq: 5001, Ack: 1001, Flags: wire.ACK, Window: 65535,
		Opt: wire.Options{NumSACK: 4, SACK: [wire.MaxSACKBlocks]wire.SACKBlock{
			{Left: 2001, Right: 2004}, {Left: 3000, Right: 3100}, {Left: 4000, Right: 4100}, {Left: 0xfffffff0, Right: 5}}}}, trace.LabelDupACK)
	b.deliver(pcapMS(40)+3, sack)
	rexmit := b.send(pcapMS(40)+3, "client", wire.Segment{Seq: 1001, Ack: 5001, Flags: wire.FIN | wire.PSH | wire.ACK, Window: 502, Len: 1000,
		Opt: wire.Options{SACKPermitted: true}}, trace.LabelRetransmission|trace.LabelFastRetransmission) // SACK-permitted alone
	b.deliver(pcapMS(50)+3, rexmit)
	rst := b.send(pcapMS(50)+3, "server", wire.Segment{Seq: 5001, Flags: wire.RST}, 0) // no ACK: Ack is 0
	b.deliver(pcapMS(60)+3, rst)
	b.recs = append(b.recs, trace.Record{T: sim.At(pcapMS(60) + 3), Kind: trace.KindEnd, End: trace.EndFinished})
	return b.recs
}

// writePCAP writes recs as a pcap with opt.
func writePCAP(t testing.TB, recs []trace.Record, opt viz.PCAPOptions) []byte {
	t.Helper()
	var out bytes.Buffer
	p, err := viz.NewPCAP(&out, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		p.Record(&recs[i])
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// pcapFrame is one frame read back.
type pcapFrame struct {
	ci   gopacket.CaptureInfo
	data []byte
	eth  *layers.Ethernet
	ip   *layers.IPv4
	tcp  *layers.TCP
}

// readPCAP decodes a pcap file, checking its header.
func readPCAP(t testing.TB, b []byte) []pcapFrame {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Errorf("link type %v, want Ethernet", r.LinkType())
	}
	if got := binary.LittleEndian.Uint32(b); got != 0xa1b23c4d {
		t.Errorf("magic %#x, want the nanosecond pcap magic 0xa1b23c4d", got)
	}
	var frames []pcapFrame
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return frames
		}
		if err != nil {
			t.Fatal(err)
		}
		pkt := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		if el := pkt.ErrorLayer(); el != nil {
			t.Fatalf("frame %d: %v", len(frames)+1, el.Error())
		}
		f := pcapFrame{ci: ci, data: data}
		f.eth, _ = pkt.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		f.ip, _ = pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		f.tcp, _ = pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if f.eth == nil || f.ip == nil || f.tcp == nil {
			t.Fatalf("frame %d is not Ethernet/IPv4/TCP: %v", len(frames)+1, pkt)
		}
		frames = append(frames, f)
	}
}

// pcapOnesSum is the Internet checksum's one's-complement sum of b (RFC 1071),
// folded to 16 bits, starting from sum.
func pcapOnesSum(sum uint32, b []byte) uint16 {
	for len(b) >= 2 {
		sum += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return uint16(sum)
}

// checkPCAPChecksums verifies f's IPv4 header and TCP checksums: a header with
// a correct checksum sums to 0xffff (RFC 1071).
func checkPCAPChecksums(t *testing.T, n int, f pcapFrame) {
	t.Helper()
	ipHdr := f.ip.Contents
	if s := pcapOnesSum(0, ipHdr); s != 0xffff {
		t.Errorf("frame %d: IPv4 header checksum %#04x is wrong (sum %#04x)", n, f.ip.Checksum, s)
	}
	seg := f.ip.Payload
	pseudo := make([]byte, 0, 12)
	pseudo = append(pseudo, f.ip.SrcIP.To4()...)
	pseudo = append(pseudo, f.ip.DstIP.To4()...)
	pseudo = append(pseudo, 0, byte(layers.IPProtocolTCP), byte(len(seg)>>8), byte(len(seg)))
	if s := pcapOnesSum(uint32(pcapOnesSum(0, pseudo)), seg); s != 0xffff {
		t.Errorf("frame %d: TCP checksum %#04x is wrong (sum %#04x)", n, f.tcp.Checksum, s)
	}
}

// pcapFrameLen is the length of an Ethernet frame (without its FCS) carrying
// an IP packet of n bytes: a frame is at least 60 bytes (IEEE 802.3 §4.2.3.3),
// so a short one ends in padding.
func pcapFrameLen(n int) int { return max(60, 14+n) }

// pcapWant is a frame the synthetic trace must give.
type pcapWant struct {
	t        time.Duration // after the epoch
	from     string        // "client" or "server"
	ipID     uint16
	seq, ack uint32
	flags    wire.Flags
	window   uint16
	opts     []byte // the TCP options, byte for byte
	len      int
}

// The synthetic trace's option bytes, laid out as Linux lays them out
// (tcp_options_write in net/ipv4/tcp_output.c).
var (
	pcapOptSYN = []byte{
		2, 4, 0x05, 0xb4, // MSS 1460
		4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, // SACK-permitted, TS val 7 ecr 0
		1, 3, 3, 7, // NOP, window scale 7
	}
	pcapOptSYNACK = []byte{
		2, 4, 0x05, 0x78, // MSS 1400
		1, 1, 4, 2, // NOP, NOP, SACK-permitted
		1, 3, 3, 14, // NOP, window scale 14
	}
	pcapOptTS2010 = []byte{1, 1, 8, 10, 0, 0, 0, 20, 0, 0, 0, 10}
	pcapOptTS2110 = []byte{1, 1, 8, 10, 0, 0, 0, 21, 0, 0, 0, 10}
	pcapOptSACK1  = []byte{
		1, 1, 8, 10, 0, 0, 0, 30, 0, 0, 0, 21, // NOP, NOP, TS val 30 ecr 21
		1, 1, 5, 10, 0, 0, 0x07, 0xd1, 0, 0, 0x07, 0xd4, // NOP, NOP, SACK 2001-2004
	}
	pcapOptSACK4 = []byte{
		1, 1, 5, 34, // NOP, NOP, SACK with 4 blocks
		0, 0, 0x07, 0xd1, 0, 0, 0x07, 0xd4, // 2001-2004
		0, 0, 0x0b, 0xb8, 0, 0, 0x0c, 0x1c, // 3000-3100
		0, 0, 0x0f, 0xa0, 0, 0, 0x10, 0x04, // 4000-4100
		0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 5, // across the wrap
	}
	pcapOptSACKPerm = []byte{1, 1, 4, 2} // NOP, NOP, SACK-permitted
)

// pcapMS returns n milliseconds.
func pcapMS(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// The synthetic trace's frames, by packet: the client's IP IDs count 1, 2, …
// in the order it sent, the server's likewise, dropped packets included.
var (
	pcapSYN          = pcapWant{0, "client", 1, 1000, 0, wire.SYN, 64240, pcapOptSYN, 0}
	pcapSYNACK       = pcapWant{pcapMS(10), "server", 1, 5000, 1001, wire.SYN | wire.ACK, 65535, pcapOptSYNACK, 0}
	pcapACK          = pcapWant{pcapMS(20), "client", 2, 1001, 5001, wire.ACK, 502, nil, 0}
	pcapLost         = pcapWant{pcapMS(20) + 1, "client", 3, 1001, 5001, wire.PSH | wire.ACK, 502, pcapOptTS2010, 1000}
	pcapData         = pcapWant{pcapMS(20) + 2, "client", 4, 2001, 5001, wire.ACK | wire.ECE | wire.CWR | wire.URG, 502, pcapOptTS2110, 3}
	pcapSACK1        = pcapWant{pcapMS(30) + 2, "server", 2, 5001, 1001, wire.ACK, 65535, pcapOptSACK1, 0}
	pcapSACK4        = pcapWant{pcapMS(30) + 3, "server", 3, 5001, 1001, wire.ACK, 65535, pcapOptSACK4, 0}
	pcapRexmit       = pcapWant{pcapMS(40) + 3, "client", 5, 1001, 5001, wire.FIN | wire.PSH | wire.ACK, 502, pcapOptSACKPerm, 1000}
	pcapRST          = pcapWant{pcapMS(50) + 3, "server", 4, 5001, 0, wire.RST, 0, nil, 0}
	pcapLater        = func(w pcapWant, d time.Duration) pcapWant { w.t += d; return w }
	pcapClientFrames = []pcapWant{ // sends at send time, the server's at delivery
		pcapSYN, pcapLater(pcapSYNACK, pcapMS(10)), pcapACK, pcapLost, pcapData,
		pcapLater(pcapSACK4, pcapMS(10)), pcapRexmit, pcapLater(pcapRST, pcapMS(10)),
	}
	pcapServerFrames = []pcapWant{
		pcapLater(pcapSYN, pcapMS(10)), pcapSYNACK, pcapLater(pcapACK, pcapMS(10)), pcapLater(pcapData, pcapMS(10)),
		pcapSACK1, pcapSACK4, pcapLater(pcapRexmit, pcapMS(10)), pcapRST,
	}
	pcapLinkFrames = []pcapWant{ // every send, in the order sent
		pcapSYN, pcapSYNACK, pcapACK, pcapLost, pcapData, pcapSACK1, pcapSACK4, pcapRexmit, pcapRST,
	}
)

func TestPCAPFrames(t *testing.T) {
	recs := pcapSynthetic()
	for _, tc := range []struct {
		capture string
		want    []pcapWant
	}{
		{"", pcapClientFrames}, // the default
		{viz.CaptureClient, pcapClientFrames},
		{viz.CaptureServer, pcapServerFrames},
		{viz.CaptureLink, pcapLinkFrames},
	} {
		t.Run("capture="+tc.capture, func(t *testing.T) {
			frames := readPCAP(t, writePCAP(t, recs, viz.PCAPOptions{Capture: tc.capture}))
			if len(frames) != len(tc.want) {
				t.Fatalf("%d frames, want %d", len(frames), len(tc.want))
			}
			for i, f := range frames {
				checkPCAPFrame(t, i+1, f, tc.want[i])
			}
		})
	}
}

func checkPCAPFrame(t *testing.T, n int, f pcapFrame, w pcapWant) {
	t.Helper()
	src, dst := pcapClient, pcapServer
	srcMAC, dstMAC := "02:00:0a:00:00:01", "02:00:c0:a8:07:02"
	if w.from == "server" {
		src, dst = dst, src
		srcMAC, dstMAC = dstMAC, srcMAC
	}
	if want := pcapEpoch.Add(w.t); !f.ci.Timestamp.Equal(want) {
		t.Errorf("frame %d: time %v, want %v", n, f.ci.Timestamp.UTC(), want)
	}
	if f.ci.CaptureLength != len(f.data) || f.ci.Length != len(f.data) {
		t.Errorf("frame %d: capture length %d, length %d, want both %d", n, f.ci.CaptureLength, f.ci.Length, len(f.data))
	}
	if got := f.eth.SrcMAC.String(); got != srcMAC {
		t.Errorf("frame %d: source MAC %s, want %s", n, got, srcMAC)
	}
	if got := f.eth.DstMAC.String(); got != dstMAC {
		t.Errorf("frame %d: destination MAC %s, want %s", n, got, dstMAC)
	}
	if f.eth.EthernetType != layers.EthernetTypeIPv4 {
		t.Errorf("frame %d: EtherType %v, want IPv4", n, f.eth.EthernetType)
	}
	ip := f.ip
	if got, _ := netip.AddrFromSlice(ip.SrcIP); got != src.Addr() {
		t.Errorf("frame %d: IP source %v, want %v", n, got, src.Addr())
	}
	if got, _ := netip.AddrFromSlice(ip.DstIP); got != dst.Addr() {
		t.Errorf("frame %d: IP destination %v, want %v", n, got, dst.Addr())
	}
	if ip.Version != 4 || ip.IHL != 5 || ip.TTL != 64 || ip.Flags != layers.IPv4DontFragment || ip.FragOffset != 0 ||
		ip.Protocol != layers.IPProtocolTCP || ip.TOS != 0 {
		t.Errorf("frame %d: IP version %d IHL %d TTL %d flags %v offset %d protocol %v TOS %d, want 4 5 64 DF 0 TCP 0",
			n, ip.Version, ip.IHL, ip.TTL, ip.Flags, ip.FragOffset, ip.Protocol, ip.TOS)
	}
	if ip.Id != w.ipID {
		t.Errorf("frame %d: IP ID %d, want %d", n, ip.Id, w.ipID)
	}
	wantIPLen := 20 + 20 + len(w.opts) + w.len
	if int(ip.Length) != wantIPLen || len(f.data) != pcapFrameLen(wantIPLen) {
		t.Errorf("frame %d: IP length %d, frame %d bytes, want %d and %d", n, ip.Length, len(f.data), wantIPLen, pcapFrameLen(wantIPLen))
	}
	tcp := f.tcp
	if uint16(tcp.SrcPort) != src.Port() || uint16(tcp.DstPort) != dst.Port() {
		t.Errorf("frame %d: ports %d → %d, want %d → %d", n, tcp.SrcPort, tcp.DstPort, src.Port(), dst.Port())
	}
	if tcp.Seq != w.seq || tcp.Ack != w.ack {
		t.Errorf("frame %d: seq %d ack %d, want %d %d", n, tcp.Seq, tcp.Ack, w.seq, w.ack)
	}
	var flags wire.Flags
	for _, fl := range []struct {
		set bool
		f   wire.Flags
	}{{tcp.FIN, wire.FIN}, {tcp.SYN, wire.SYN}, {tcp.RST, wire.RST}, {tcp.PSH, wire.PSH},
		{tcp.ACK, wire.ACK}, {tcp.URG, wire.URG}, {tcp.ECE, wire.ECE}, {tcp.CWR, wire.CWR}} {
		if fl.set {
			flags |= fl.f
		}
	}
	if flags != w.flags || tcp.NS {
		t.Errorf("frame %d: flags %v (NS %v), want %v", n, flags, tcp.NS, w.flags)
	}
	if tcp.Window != w.window || tcp.Urgent != 0 {
		t.Errorf("frame %d: window %d urgent %d, want %d 0", n, tcp.Window, tcp.Urgent, w.window)
	}
	if opts := tcp.Contents[20:]; !bytes.Equal(opts, w.opts) {
		t.Errorf("frame %d: TCP options\n% x\nwant\n% x", n, opts, w.opts)
	}
	if int(tcp.DataOffset)*4 != 20+len(w.opts) {
		t.Errorf("frame %d: data offset %d words, want %d", n, tcp.DataOffset, (20+len(w.opts))/4)
	}
	if len(tcp.Payload) != w.len {
		t.Errorf("frame %d: payload %d bytes, want %d", n, len(tcp.Payload), w.len)
	}
	checkPCAPChecksums(t, n, f)
}

// The options bytes follow wire.Options.OptionsLen, which the links use to
// size packets: a frame's length is the simulated packet's plus Ethernet's.
func TestPCAPLengthsMatchIPLen(t *testing.T) {
	recs := pcapSynthetic()
	var sends []*trace.Record
	for i := range recs {
		if recs[i].Kind == trace.KindSend {
			sends = append(sends, &recs[i])
		}
	}
	frames := readPCAP(t, writePCAP(t, recs, viz.PCAPOptions{Capture: viz.CaptureLink}))
	if len(frames) != len(sends) {
		t.Fatalf("%d frames for %d sends", len(frames), len(sends))
	}
	for i, f := range frames {
		s := &sends[i].Pkt.Seg
		if int(f.ip.Length) != s.IPLen() || len(f.tcp.Contents)-20 != s.Opt.OptionsLen() {
			t.Errorf("frame %d: IP length %d, options %d bytes; wire says %d and %d",
				i+1, f.ip.Length, len(f.tcp.Contents)-20, s.IPLen(), s.Opt.OptionsLen())
		}
	}
}

// The IP ID of a segment is the sender's count at send time, even when the
// segments reach the capturing node in another order than they left.
func TestPCAPIPIDFollowsSendOrder(t *testing.T) {
	var b pcapTrace
	first := b.send(0, "server", wire.Segment{Seq: 1, Flags: wire.ACK, Window: 1}, 0)
	second := b.send(1, "server", wire.Segment{Seq: 2, Flags: wire.ACK, Window: 1}, 0)
	b.deliver(pcapMS(5), second) // reordered
	b.deliver(pcapMS(6), first)
	frames := readPCAP(t, writePCAP(t, b.recs, viz.PCAPOptions{}))
	if len(frames) != 2 {
		t.Fatalf("%d frames, want 2", len(frames))
	}
	if frames[0].tcp.Seq != 2 || frames[0].ip.Id != 2 || frames[1].tcp.Seq != 1 || frames[1].ip.Id != 1 {
		t.Errorf("frames (seq, IP ID) = (%d, %d), (%d, %d); want (2, 2), (1, 1)",
			frames[0].tcp.Seq, frames[0].ip.Id, frames[1].tcp.Seq, frames[1].ip.Id)
	}
}

func TestPCAPUnknownCapture(t *testing.T) {
	if _, err := viz.NewPCAP(io.Discard, viz.PCAPOptions{Capture: "router"}); err == nil {
		t.Error("NewPCAP accepted capture point \"router\"")
	}
}

// pcapErrWriter fails every write.
type pcapErrWriter struct{}

var errPCAPDiskFull = errors.New("disk full")

func (pcapErrWriter) Write([]byte) (int, error) { return 0, errPCAPDiskFull }

func TestPCAPErrors(t *testing.T) {
	t.Run("write", func(t *testing.T) {
		p, err := viz.NewPCAP(pcapErrWriter{}, viz.PCAPOptions{})
		if err != nil {
			t.Fatal(err) // the header is buffered
		}
		recs := pcapSynthetic()
		for i := range recs {
			p.Record(&recs[i])
		}
		if err := p.Flush(); !errors.Is(err, errPCAPDiskFull) {
			t.Errorf("Flush: %v, want %v", err, errPCAPDiskFull)
		}
	})
	for name, s := range map[string]wire.Segment{
		"ipv6":       {Src: netip.MustParseAddrPort("[2001:db8::1]:1"), Dst: netip.MustParseAddrPort("[2001:db8::2]:2")},
		"too long":   {Src: pcapClient, Dst: pcapServer, Len: 65496},
		"options":    {Src: pcapClient, Dst: pcapServer, Opt: wire.Options{HasTimestamp: true, NumSACK: 4}},
		"sack count": {Src: pcapClient, Dst: pcapServer, Opt: wire.Options{NumSACK: 5}},
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			p, err := viz.NewPCAP(&out, viz.PCAPOptions{Capture: viz.CaptureLink})
			if err != nil {
				t.Fatal(err)
			}
			r := trace.Record{Kind: trace.KindSend, Node: "client", Peer: "server", Pkt: &trace.Packet{ID: 1, Seg: s}}
			p.Record(&r)
			if err := p.Flush(); err == nil {
				t.Error("Flush returned no error")
			} else {
				t.Log(err)
			}
		})
	}
}

// The same trace gives the same bytes, which the golden file pins down. It
// is a pcap file (Wireshark opens it as it is); its name ends in .golden
// because .gitignore leaves out *.pcap.
func TestPCAPGolden(t *testing.T) {
	recs := pcapSynthetic()
	got := writePCAP(t, recs, viz.PCAPOptions{Capture: viz.CaptureLink})
	if again := writePCAP(t, recs, viz.PCAPOptions{Capture: viz.CaptureLink}); !bytes.Equal(got, again) {
		t.Fatal("two writes of the same trace differ")
	}
	path := filepath.Join("testdata", "pcap", "synthetic-link.pcap.golden")
	if pcapUpdate() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the pcap differs from %s; if the change is meant, run the test with -update and open the file in Wireshark", path)
	}
}

// pcapUpdate reports whether -update was given. The flag belongs to the
// package's internal tests (ladder_test.go), which share the test binary.
func pcapUpdate() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	v, _ := g.Get().(bool)
	return v
}

// runPCAP runs a scenario, writing its pcap with opt; it also returns the
// records the capture saw.
func runPCAP(t testing.TB, s *scenarios.Scenario, opt viz.PCAPOptions) ([]byte, []trace.Record) {
	t.Helper()
	var out bytes.Buffer
	p, err := viz.NewPCAP(&out, opt)
	if err != nil {
		t.Fatal(err)
	}
	capture := opt.Capture
	if capture == "" {
		capture = viz.CaptureClient
	}
	var seen []trace.Record
	keep := trace.SinkFunc(func(r *trace.Record) {
		switch {
		case r.Kind == trace.KindSend && (capture == viz.CaptureLink || r.Node == capture),
			r.Kind == trace.KindDeliver && capture != viz.CaptureLink && r.Peer == capture:
			seen = append(seen, r.Keep())
		}
	})
	if _, err := scenarios.Run(s, trace.Tee(p, keep)); err != nil {
		t.Fatal(err)
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), seen
}

// pcapLoad loads a built-in scenario; "bulk" stops after one second, which
// is enough for slow start to overrun the queue and recover.
func pcapLoad(t testing.TB, name string) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	if name == "bulk" {
		s.Duration = time.Second
	}
	return s
}

// Every built-in scenario, at every capture point: two runs give the same
// bytes, and the frames are the segments the capture point sees.
func TestPCAPScenarios(t *testing.T) {
	for _, in := range scenarios.List() {
		if in.Name == "bulk" && testing.Short() {
			continue
		}
		for _, capture := range []string{viz.CaptureClient, viz.CaptureServer, viz.CaptureLink} {
			t.Run(in.Name+"/"+capture, func(t *testing.T) {
				opt := viz.PCAPOptions{Capture: capture}
				b1, seen := runPCAP(t, pcapLoad(t, in.Name), opt)
				b2, _ := runPCAP(t, pcapLoad(t, in.Name), opt)
				if !bytes.Equal(b1, b2) {
					t.Error("two runs give different pcap files")
				}
				frames := readPCAP(t, b1)
				if len(frames) != len(seen) {
					t.Fatalf("%d frames, want %d", len(frames), len(seen))
				}
				for i, f := range frames {
					r := &seen[i]
					s := &r.Pkt.Seg
					if !f.ci.Timestamp.Equal(pcapEpoch.Add(time.Duration(r.T))) || f.tcp.Seq != uint32(s.Seq) ||
						f.tcp.Ack != uint32(s.Ack) || len(f.tcp.Payload) != int(s.Len) || int(f.ip.Length) != s.IPLen() {
						t.Fatalf("frame %d: %v seq %d ack %d len %d, want %v %v", i+1,
							f.ci.Timestamp.Sub(pcapEpoch), f.tcp.Seq, f.tcp.Ack, len(f.tcp.Payload), r.T, s)
					}
					checkPCAPChecksums(t, i+1, f)
				}
			})
		}
	}
}

// tsharkLabels pairs our labels with the tshark fields that mean the same.
var tsharkLabels = []struct {
	label trace.Label
	field string
}{
	{trace.LabelRetransmission, "tcp.analysis.retransmission"},
	{trace.LabelFastRetransmission, "tcp.analysis.fast_retransmission"},
	{trace.LabelDupACK, "tcp.analysis.duplicate_ack"},
	{trace.LabelZeroWindow, "tcp.analysis.zero_window"},
	{trace.LabelZeroWindowProbe, "tcp.analysis.zero_window_probe"},
	{trace.LabelWindowUpdate, "tcp.analysis.window_update"},
	{trace.LabelKeepalive, "tcp.analysis.keep_alive"},
	{trace.LabelKeepaliveACK, "tcp.analysis.keep_alive_ack"},
}

// tsharkOther are further tshark fields the comparison reads.
var tsharkOther = []string{
	"frame.number", "tcp.seq_raw", "tcp.ack_raw",
	"tcp.analysis.duplicate_ack_num", "tcp.analysis.out_of_order",
	"ip.checksum.status", "tcp.checksum.status", "_ws.malformed", "_ws.expert.message",
}

// tsharkFrame is a frame as tshark analysed it: field name → value ("" when absent).
type tsharkFrame map[string]string

func (f tsharkFrame) has(field string) bool { return f[field] != "" }

// runTshark has tshark analyse a pcap file and returns its view of every frame.
func runTshark(t *testing.T, tshark, file string) []tsharkFrame {
	t.Helper()
	fields := append([]string(nil), tsharkOther...)
	for _, l := range tsharkLabels {
		fields = append(fields, l.field)
	}
	args := []string{"-r", file, "-n", "-T", "fields", "-E", "separator=/t", "-E", "aggregator=|",
		"-o", "tcp.relative_sequence_numbers:FALSE", "-o", "tcp.analyze_sequence_numbers:TRUE",
		"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	cmd := exec.Command(tshark, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		// tshark warns when it runs as root; that is about the machine, not the file.
		if line != "" && !strings.HasPrefix(line, "Running as user \"root\"") {
			t.Errorf("tshark: %s", line)
		}
	}
	var frames []tsharkFrame
	for _, line := range strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		vals := strings.Split(line, "\t")
		if len(vals) != len(fields) {
			t.Fatalf("tshark printed %d fields, want %d: %q", len(vals), len(fields), line)
		}
		f := make(tsharkFrame, len(fields))
		for i, name := range fields {
			f[name] = vals[i]
		}
		frames = append(frames, f)
	}
	return frames
}

// tsharkCase is one frame of a capture, as we and tshark see it.
type tsharkCase struct {
	frames []trace.Record // what the capture saw, in frame order
	i      int            // this frame's index in frames
	ts     tsharkFrame
}

func (c *tsharkCase) rec() *trace.Record { return &c.frames[c.i] }

// prev returns the latest frame before this one sent by node, or nil.
func (c *tsharkCase) prev(node string) *trace.Record {
	for j := c.i - 1; j >= 0; j-- {
		if c.frames[j].Node == node {
			return &c.frames[j]
		}
	}
	return nil
}

// tsharkException is a known, explained disagreement: tshark's heuristics
// read a segment otherwise than its sender meant it.
type tsharkException struct {
	label trace.Label // the label we and tshark disagree on
	ours  bool        // whether we set it; tshark does the opposite
	// applies tells whether the exception explains this frame. It must be
	// narrow: what makes tshark decide otherwise, not just "any frame".
	applies func(c *tsharkCase) bool
	why     string
}

// tsharkOutOfOrder: tshark judged the frame out-of-order instead.
func tsharkOutOfOrder(c *tsharkCase) bool { return c.ts.has("tcp.analysis.out_of_order") }

// tsharkAfterPartialACK: a retransmission (tshark agrees it is one) whose
// trigger was not a run of duplicate ACKs for its sequence number: the
// peer's latest segment acknowledged new data up to exactly this segment
// (a partial ACK, RFC 6582 §3.2 step 3) rather than duplicating an ACK.
func tsharkAfterPartialACK(c *tsharkCase) bool {
	r := c.rec()
	p := c.prev(r.Peer)
	return c.ts.has("tcp.analysis.retransmission") && p != nil &&
		!p.Pkt.Labels.Has(trace.LabelDupACK) && p.Pkt.Seg.Ack == r.Pkt.Seg.Seq
}

// tsharkExceptions are the known disagreements between tshark (Wireshark
// 4.0's TCP analysis, epan/dissectors/packet-tcp.c) and the labels the
// senders give their segments. Each entry is a heuristic of Wireshark's
// that guesses from the capture what we know from the sender's state.
var tsharkExceptions = []tsharkException{
	{
		label: trace.LabelRetransmission, ours: true, applies: tsharkOutOfOrder,
		why: "Wireshark calls a segment below the highest sequence number sent \"out-of-order\" instead of a " +
			"retransmission when it follows the highest segment by less than the initial RTT (3 ms before one is " +
			"known). At the sender nothing is out of order: these are NewReno's retransmissions of holes (RFC 6582 " +
			"§3.2), sent right after new data.",
	},
	{
		label: trace.LabelFastRetransmission, ours: true, applies: tsharkOutOfOrder,
		why: "the same out-of-order heuristic: Wireshark stops at \"out-of-order\" before it looks for a fast retransmission.",
	},
	{
		label: trace.LabelFastRetransmission, ours: true, applies: tsharkAfterPartialACK,
		why: "Wireshark calls a retransmission fast only when at least 2 duplicate ACKs for its sequence number came " +
			"within the last 20 ms. During NewReno fast recovery a partial ACK (RFC 6582 §3.2 step 3) triggers the " +
			"next retransmission, and an ACK that advances resets Wireshark's count; the retransmission is still " +
			"part of fast recovery, not of a timeout (Linux counts it in TCPFastRetrans too), so we label it fast.",
	},
	{
		label: trace.LabelRetransmission, ours: true,
		applies: func(c *tsharkCase) bool {
			r := c.rec()
			p := c.prev(r.Node)
			return r.Pkt.Seg.Len > 1 && p != nil && p.Pkt.Labels.Has(trace.LabelZeroWindowProbe) &&
				p.Pkt.Seg.Len == 1 && p.Pkt.Seg.Seq == r.Pkt.Seg.Seq
		},
		why: "after a zero-window probe that carried the next byte of data (RFC 9293 §3.8.6.1), the first full " +
			"segment starts with that byte again. We label it a retransmission, because the byte was sent before; " +
			"Wireshark deliberately does not flag a segment that starts one byte before the next expected sequence " +
			"number and carries more than one byte, since the segment before it may have been such a probe.",
	},
}

// TestPCAPTshark has Wireshark's tshark read the client's capture of every
// built-in scenario: it must find every frame well formed, with good
// checksums, and its TCP analysis must flag exactly the frames we label
// (retransmission, fast retransmission, dup ACK, zero window, zero-window
// probe, window update, keepalive, keepalive ACK), but for the known
// disagreements in tsharkExceptions.
func TestPCAPTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("TCPSIM_REQUIRE_TOOLS") == "1" {
			t.Fatalf("tshark is needed (TCPSIM_REQUIRE_TOOLS=1) but not found: %v", err)
		}
		t.Skip("tshark (Wireshark's command-line reader) is not installed; skipping the check of pcap output against it. " +
			"Install it (e.g. apt-get install tshark), or set TCPSIM_REQUIRE_TOOLS=1 to make this a failure.")
	}
	used := make([]int, len(tsharkExceptions))
	for _, in := range scenarios.List() {
		t.Run(in.Name, func(t *testing.T) {
			pcap, seen := runPCAP(t, pcapLoad(t, in.Name), viz.PCAPOptions{Capture: viz.CaptureClient})
			file := filepath.Join(t.TempDir(), in.Name+".pcap")
			if err := os.WriteFile(file, pcap, 0o644); err != nil {
				t.Fatal(err)
			}
			frames := runTshark(t, tshark, file)
			if len(frames) != len(seen) {
				t.Fatalf("tshark read %d frames, want %d", len(frames), len(seen))
			}
			for i, f := range frames {
				c := &tsharkCase{frames: seen, i: i, ts: f}
				r := c.rec()
				n := i + 1
				what := fmt.Sprintf("frame %d (%v, %s at %v: %v)", n, r.Kind, r.Node, r.T, &r.Pkt.Seg)
				if f["frame.number"] != strconv.Itoa(n) || f["tcp.seq_raw"] != strconv.FormatUint(uint64(r.Pkt.Seg.Seq), 10) ||
					f["tcp.ack_raw"] != strconv.FormatUint(uint64(r.Pkt.Seg.Ack), 10) {
					t.Errorf("%s: tshark reads frame %s seq %s ack %s", what, f["frame.number"], f["tcp.seq_raw"], f["tcp.ack_raw"])
				}
				if f["ip.checksum.status"] != "1" || f["tcp.checksum.status"] != "1" || f.has("_ws.malformed") {
					t.Errorf("%s: tshark: IP checksum status %q, TCP checksum status %q (1 is good), malformed %q",
						what, f["ip.checksum.status"], f["tcp.checksum.status"], f["_ws.malformed"])
				}
			labels:
				for _, l := range tsharkLabels {
					ours, theirs := r.Pkt.Labels.Has(l.label), f.has(l.field)
					if ours == theirs {
						continue
					}
					for k, e := range tsharkExceptions {
						if e.label == l.label && e.ours == ours && e.applies(c) {
							used[k]++
							continue labels
						}
					}
					t.Errorf("%s: we label it %q, tshark's %s is %v; tshark says %q",
						what, r.Pkt.Labels, l.field, theirs, f["_ws.expert.message"])
				}
				if r.Pkt.Labels.Has(trace.LabelDupACK) && f.has("tcp.analysis.duplicate_ack") &&
					f["tcp.analysis.duplicate_ack_num"] != strconv.Itoa(int(r.Pkt.N)) {
					t.Errorf("%s: our dup ACK #%d is tshark's #%s", what, r.Pkt.N, f["tcp.analysis.duplicate_ack_num"])
				}
			}
		})
	}
	for k, e := range tsharkExceptions {
		t.Logf("exception %d (%v: ours %v, tshark's %v) explained %d frames: %s", k, e.label, e.ours, !e.ours, used[k], e.why)
	}
}

func BenchmarkPCAP(b *testing.B) {
	recs := pcapSynthetic()
	p, err := viz.NewPCAP(io.Discard, viz.PCAPOptions{Capture: viz.CaptureLink})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range recs {
			p.Record(&recs[i])
		}
	}
	if err := p.Flush(); err != nil {
		b.Fatal(err)
	}
}
