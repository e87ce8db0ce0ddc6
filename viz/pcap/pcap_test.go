package pcap_test

import (
	"bytes"
	"encoding/binary"
	"errors"
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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/internal/testtrace"
	"github.com/tcpsim/tcpsim/viz/pcap"
	"github.com/tcpsim/tcpsim/wire"
)

// pcapEpoch is the instant a run's time 0 is written as (Writer's documentation).
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
func writePCAP(t testing.TB, recs []trace.Record, opt pcap.Options) []byte {
	t.Helper()
	var out bytes.Buffer
	p, err := pcap.NewWriter(&out, opt)
	require.NoError(t, err)
	for i := range recs {
		p.Record(&recs[i])
	}
	require.NoError(t, p.Flush())
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
	require.NoError(t, err)
	assert.Equal(t, layers.LinkTypeEthernet, r.LinkType())
	assert.Equal(t, uint32(0xa1b23c4d), binary.LittleEndian.Uint32(b), "the nanosecond pcap magic")
	var frames []pcapFrame
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return frames
		}
		require.NoError(t, err)
		pkt := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		if el := pkt.ErrorLayer(); el != nil {
			require.NoError(t, el.Error(), "frame %d", len(frames)+1)
		}
		f := pcapFrame{ci: ci, data: data}
		f.eth, _ = pkt.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		f.ip, _ = pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		f.tcp, _ = pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		require.True(t, f.eth != nil && f.ip != nil && f.tcp != nil, "frame %d is not Ethernet/IPv4/TCP: %v", len(frames)+1, pkt)
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
	assert.Equal(t, uint16(0xffff), pcapOnesSum(0, ipHdr), "frame %d: the IPv4 header checksum %#04x", n, f.ip.Checksum)
	seg := f.ip.Payload
	pseudo := make([]byte, 0, 12)
	pseudo = append(pseudo, f.ip.SrcIP.To4()...)
	pseudo = append(pseudo, f.ip.DstIP.To4()...)
	pseudo = append(pseudo, 0, byte(layers.IPProtocolTCP), byte(len(seg)>>8), byte(len(seg)))
	assert.Equal(t, uint16(0xffff), pcapOnesSum(uint32(pcapOnesSum(0, pseudo)), seg), "frame %d: the TCP checksum %#04x", n, f.tcp.Checksum)
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
		capture pcap.Capture
		want    []pcapWant
	}{
		{"", pcapClientFrames}, // the default
		{pcap.CaptureClient, pcapClientFrames},
		{pcap.CaptureServer, pcapServerFrames},
		{pcap.CaptureLink, pcapLinkFrames},
	} {
		t.Run("capture="+string(tc.capture), func(t *testing.T) {
			frames := readPCAP(t, writePCAP(t, recs, pcap.Options{Capture: tc.capture}))
			require.Len(t, frames, len(tc.want))
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
	assert.Equal(t, pcapEpoch.Add(w.t), f.ci.Timestamp.UTC(), "frame %d: time", n)
	assert.Equal(t, [2]int{len(f.data), len(f.data)}, [2]int{f.ci.CaptureLength, f.ci.Length}, "frame %d: capture length, length", n)
	assert.Equal(t, srcMAC, f.eth.SrcMAC.String(), "frame %d: source MAC", n)
	assert.Equal(t, dstMAC, f.eth.DstMAC.String(), "frame %d: destination MAC", n)
	assert.Equal(t, layers.EthernetTypeIPv4, f.eth.EthernetType, "frame %d: EtherType", n)
	ip := f.ip
	gotSrc, _ := netip.AddrFromSlice(ip.SrcIP)
	gotDst, _ := netip.AddrFromSlice(ip.DstIP)
	assert.Equal(t, src.Addr(), gotSrc, "frame %d: IP source", n)
	assert.Equal(t, dst.Addr(), gotDst, "frame %d: IP destination", n)
	assert.Equal(t, []any{uint8(4), uint8(5), uint8(64), layers.IPv4DontFragment, uint16(0), layers.IPProtocolTCP, uint8(0)},
		[]any{ip.Version, ip.IHL, ip.TTL, ip.Flags, ip.FragOffset, ip.Protocol, ip.TOS},
		"frame %d: IP version, IHL, TTL, flags, offset, protocol, TOS", n)
	assert.Equal(t, w.ipID, ip.Id, "frame %d: IP ID", n)
	wantIPLen := 20 + 20 + len(w.opts) + w.len
	assert.Equal(t, wantIPLen, int(ip.Length), "frame %d: IP length", n)
	assert.Equal(t, pcapFrameLen(wantIPLen), len(f.data), "frame %d: frame length", n)
	tcp := f.tcp
	assert.Equal(t, [2]uint16{src.Port(), dst.Port()}, [2]uint16{uint16(tcp.SrcPort), uint16(tcp.DstPort)}, "frame %d: ports", n)
	assert.Equal(t, [2]uint32{w.seq, w.ack}, [2]uint32{tcp.Seq, tcp.Ack}, "frame %d: seq, ack", n)
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
	assert.Equal(t, w.flags, flags, "frame %d: flags", n)
	assert.False(t, tcp.NS, "frame %d: NS", n)
	assert.Equal(t, [2]uint16{w.window, 0}, [2]uint16{tcp.Window, tcp.Urgent}, "frame %d: window, urgent", n)
	assert.Equal(t, fmt.Sprintf("% x", w.opts), fmt.Sprintf("% x", tcp.Contents[20:]), "frame %d: TCP options", n)
	assert.Equal(t, 20+len(w.opts), int(tcp.DataOffset)*4, "frame %d: data offset", n)
	assert.Len(t, tcp.Payload, w.len, "frame %d: payload", n)
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
	frames := readPCAP(t, writePCAP(t, recs, pcap.Options{Capture: pcap.CaptureLink}))
	require.Len(t, frames, len(sends))
	for i, f := range frames {
		s := &sends[i].Pkt.Seg
		assert.Equal(t, s.IPLen(), int(f.ip.Length), "frame %d: IP length", i+1)
		assert.Equal(t, s.Opt.OptionsLen(), len(f.tcp.Contents)-20, "frame %d: options", i+1)
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
	frames := readPCAP(t, writePCAP(t, b.recs, pcap.Options{}))
	require.Len(t, frames, 2)
	assert.Equal(t, [4]uint32{2, 2, 1, 1}, [4]uint32{frames[0].tcp.Seq, uint32(frames[0].ip.Id), frames[1].tcp.Seq, uint32(frames[1].ip.Id)},
		"frames (seq, IP ID)")
}

func TestPCAPUnknownCapture(t *testing.T) {
	_, err := pcap.NewWriter(io.Discard, pcap.Options{Capture: "router"})
	assert.EqualError(t, err, `pcap: unknown capture point "router"; use "client", "server" or "link"`)
	for _, c := range []pcap.Capture{pcap.CaptureClient, pcap.CaptureServer, pcap.CaptureLink} {
		got, err := pcap.ParseCapture(string(c))
		assert.NoError(t, err)
		assert.Equal(t, c, got)
	}
	got, err := pcap.ParseCapture("")
	assert.NoError(t, err)
	assert.Equal(t, pcap.CaptureClient, got, "the default")
}

func TestPCAPErrors(t *testing.T) {
	t.Run("write", func(t *testing.T) {
		p, err := pcap.NewWriter(testtrace.FailWriter{}, pcap.Options{})
		require.NoError(t, err, "the header is buffered")
		recs := pcapSynthetic()
		for i := range recs {
			p.Record(&recs[i])
		}
		assert.ErrorIs(t, p.Flush(), testtrace.ErrDiskFull)
	})
	for name, s := range map[string]wire.Segment{
		"ipv4 to ipv6": {Src: pcapClient, Dst: netip.MustParseAddrPort("[2001:db8::2]:2")},
		"too long":     {Src: pcapClient, Dst: pcapServer, Len: 65496},
		"options":      {Src: pcapClient, Dst: pcapServer, Opt: wire.Options{HasTimestamp: true, NumSACK: 4}},
		"sack count":   {Src: pcapClient, Dst: pcapServer, Opt: wire.Options{NumSACK: 5}},
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			p, err := pcap.NewWriter(&out, pcap.Options{Capture: pcap.CaptureLink})
			require.NoError(t, err)
			r := trace.Record{Kind: trace.KindSend, Node: "client", Peer: "server", Pkt: &trace.Packet{ID: 1, Seg: s}}
			p.Record(&r)
			err = p.Flush()
			assert.Error(t, err)
			t.Log(err)
		})
	}
}

// The same trace gives the same bytes, which the golden file pins down. It
// is a pcap file (Wireshark opens it as it is); its name ends in .golden
// because .gitignore leaves out *.pcap.
func TestPCAPGolden(t *testing.T) {
	recs := pcapSynthetic()
	got := writePCAP(t, recs, pcap.Options{Capture: pcap.CaptureLink})
	require.True(t, bytes.Equal(got, writePCAP(t, recs, pcap.Options{Capture: pcap.CaptureLink})), "two writes of the same trace differ")
	// Under -update, open the new file in Wireshark before committing it.
	testtrace.Golden(t, filepath.Join("testdata", "synthetic-link.pcap.golden"), got)
}

// runPCAP runs a scenario, writing its pcap with opt; it also returns the
// records the capture saw.
func runPCAP(t testing.TB, s *scenarios.Scenario, opt pcap.Options) ([]byte, []trace.Record) {
	t.Helper()
	var out bytes.Buffer
	p, err := pcap.NewWriter(&out, opt)
	require.NoError(t, err)
	capture := opt.Capture
	if capture == "" {
		capture = pcap.CaptureClient
	}
	var seen []trace.Record
	keep := trace.SinkFunc(func(r *trace.Record) {
		switch {
		case r.Kind == trace.KindSend && (capture == pcap.CaptureLink || pcap.Capture(r.Node) == capture),
			r.Kind == trace.KindDeliver && capture != pcap.CaptureLink && pcap.Capture(r.Peer) == capture:
			seen = append(seen, r.Keep())
		}
	})
	_, err = scenarios.Run(s, trace.Tee(p, keep))
	require.NoError(t, err)
	require.NoError(t, p.Flush())
	return out.Bytes(), seen
}

// pcapLoad loads a built-in scenario; "bulk" stops after one second, which
// is enough for slow start to overrun the queue and recover, and so does
// "fairness", whose minute of four flows would only repeat itself.
func pcapLoad(t testing.TB, name string) *scenarios.Scenario {
	t.Helper()
	s, err := scenarios.Load(name)
	require.NoError(t, err)
	if name == "bulk" || name == "fairness" {
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
		for _, capture := range []pcap.Capture{pcap.CaptureClient, pcap.CaptureServer, pcap.CaptureLink} {
			t.Run(in.Name+"/"+string(capture), func(t *testing.T) {
				opt := pcap.Options{Capture: capture}
				b1, seen := runPCAP(t, pcapLoad(t, in.Name), opt)
				b2, _ := runPCAP(t, pcapLoad(t, in.Name), opt)
				assert.True(t, bytes.Equal(b1, b2), "two runs give different pcap files")
				frames := readPCAP(t, b1)
				require.Len(t, frames, len(seen))
				for i, f := range frames {
					r := &seen[i]
					s := &r.Pkt.Seg
					require.Equal(t, []any{pcapEpoch.Add(time.Duration(r.T)), uint32(s.Seq), uint32(s.Ack), int(s.Len), s.IPLen()},
						[]any{f.ci.Timestamp.UTC(), f.tcp.Seq, f.tcp.Ack, len(f.tcp.Payload), int(f.ip.Length)},
						"frame %d: time, seq, ack, payload and IP length", i+1)
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
	{trace.LabelSpuriousRetransmission, "tcp.analysis.spurious_retransmission"},
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
	require.NoError(t, cmd.Run(), "tshark %s:\n%s", strings.Join(args, " "), stderr.String())
	for _, line := range strings.Split(stderr.String(), "\n") {
		// tshark warns when it runs as root; that is about the machine, not the file.
		if line != "" && !strings.HasPrefix(line, "Running as user \"root\"") {
			assert.Fail(t, "tshark complains", line)
		}
	}
	var frames []tsharkFrame
	for _, line := range strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		vals := strings.Split(line, "\t")
		require.Len(t, vals, len(fields), "tshark's fields in %q", line)
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

// tsharkTimeoutAmidDupACKs: a retransmission we label a timeout's (tshark
// agrees it is a retransmission) that follows at least 2 of the peer's
// duplicate ACKs for its sequence number within the last 20 ms, the
// window in which Wireshark calls a retransmission fast.
func tsharkTimeoutAmidDupACKs(c *tsharkCase) bool {
	r := c.rec()
	if !c.ts.has("tcp.analysis.retransmission") || !r.Pkt.Labels.Has(trace.LabelRetransmission) {
		return false
	}
	dups := 0
	for j := c.i - 1; j >= 0 && r.T.Sub(c.frames[j].T) <= 20*time.Millisecond; j-- {
		f := &c.frames[j]
		if f.Node == r.Peer && f.Pkt.Labels.Has(trace.LabelDupACK) && f.Pkt.Seg.Ack == r.Pkt.Seg.Seq {
			dups++
		}
	}
	return dups >= 2
}

// tsharkACKNotYetSeen: a retransmission of data the receiver held (we
// know it), but the last ACK the capture saw from the receiver's side
// does not cover it: the ACK that does is lost, or still on its way to
// the capture point.
func tsharkACKNotYetSeen(c *tsharkCase) bool {
	r := c.rec()
	p := c.prev(r.Peer)
	return r.Pkt.Labels.Has(trace.LabelRetransmission) &&
		(p == nil || p.Pkt.Seg.Ack.LessThan(r.Pkt.Seg.Seq.Add(r.Pkt.Seg.Len)))
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
		label: trace.LabelFastRetransmission, ours: false, applies: tsharkTimeoutAmidDupACKs,
		why: "a retransmission on the retransmission timer (RFC 6298 §5.4) while duplicate ACKs for its sequence " +
			"number still arrive: fast retransmit already resent it and that copy was lost too, so the sender is " +
			"in recovery and waits for the timer (RFC 6582 §3.2 retransmits a hole once per recovery). Wireshark " +
			"sees 2 or more duplicate ACKs in the last 20 ms and calls it a fast retransmission.",
	},
	{
		label: trace.LabelSpuriousRetransmission, ours: true, applies: tsharkACKNotYetSeen,
		why: "the simulator knows the receiver already held the data when the retransmission left (the original " +
			"was delayed, not lost, or only its ACK was lost); Wireshark can call it spurious only once an ACK " +
			"covering it has passed the capture point, and at the sender that ACK was lost or still in flight. " +
			"Wireshark never calls spurious what we do not: a sender does not resend below an ACK it has seen.",
	},
	{
		label: trace.LabelDupACK, ours: false,
		applies: func(c *tsharkCase) bool { return c.rec().Pkt.Labels.Has(trace.LabelACKOfDuplicate) },
		why: "an ACK that answers a segment received before (its sender resent it because our earlier ACK was " +
			"lost) repeats our last ACK number, so Wireshark calls it a duplicate ACK. At the data sender it " +
			"acknowledges new data (the earlier ACK never arrived), so it is no duplicate ACK there (RFC 5681 §2) " +
			"and does not count toward fast retransmit: we label it \"ack-of-duplicate\".",
	},
}

// TestPCAPTshark has Wireshark's tshark read the client's capture of every
// built-in scenario: it must find every frame well formed, with good
// checksums, and its TCP analysis must flag exactly the frames we label
// (retransmission, fast retransmission, dup ACK, zero window, zero-window
// probe, window update, keepalive, keepalive ACK, spurious retransmission),
// but for the known disagreements in tsharkExceptions. The lost-ack run at
// the server is where the two agree on a spurious retransmission: the
// server's ACK passed its capture point before the client's retransmission
// came; at the client it never did (it was lost).
func TestPCAPTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("TCPSIM_REQUIRE_TOOLS") == "1" {
			require.NoError(t, err, "tshark is needed (TCPSIM_REQUIRE_TOOLS=1) but not found")
		}
		t.Skip("tshark (Wireshark's command-line reader) is not installed; skipping the check of pcap output against it. " +
			"Install it (e.g. apt-get install tshark), or set TCPSIM_REQUIRE_TOOLS=1 to make this a failure.")
	}
	used := make([]int, len(tsharkExceptions))
	type run struct {
		name     string
		point    pcap.Capture
		duration time.Duration // 0: the scenario's
	}
	var runs []run
	for _, in := range scenarios.List() {
		runs = append(runs, run{in.Name, pcap.CaptureClient, 0})
	}
	// Where the ACK was lost, tshark at the server sees the ACK number
	// repeat: the disagreement on "ack-of-duplicate" shows only there.
	runs = append(runs, run{"lost-ack", pcap.CaptureServer, 0})
	// mathis alone lasts 10 s; a minute of its random loss meets the
	// timeout amid duplicate ACKs (11.7 s with its seed).
	runs = append(runs, run{"mathis", pcap.CaptureClient, time.Minute})
	for _, in := range runs {
		name := in.name + "/" + string(in.point)
		if in.duration != 0 {
			name += "/" + in.duration.String()
		}
		t.Run(name, func(t *testing.T) {
			s := pcapLoad(t, in.name)
			if in.duration != 0 {
				s.Duration = in.duration
			}
			capture, seen := runPCAP(t, s, pcap.Options{Capture: in.point})
			file := filepath.Join(t.TempDir(), in.name+".pcap")
			require.NoError(t, os.WriteFile(file, capture, 0o644))
			frames := runTshark(t, tshark, file)
			require.Len(t, frames, len(seen), "the frames tshark read")
			for i, f := range frames {
				c := &tsharkCase{frames: seen, i: i, ts: f}
				r := c.rec()
				n := i + 1
				what := fmt.Sprintf("frame %d (%v, %s at %v: %v)", n, r.Kind, r.Node, r.T, &r.Pkt.Seg)
				assert.Equal(t, []string{strconv.Itoa(n), strconv.FormatUint(uint64(r.Pkt.Seg.Seq), 10), strconv.FormatUint(uint64(r.Pkt.Seg.Ack), 10)},
					[]string{f["frame.number"], f["tcp.seq_raw"], f["tcp.ack_raw"]}, "%s: tshark's frame number, seq and ack", what)
				assert.Equal(t, []string{"1", "1", ""}, []string{f["ip.checksum.status"], f["tcp.checksum.status"], f["_ws.malformed"]},
					"%s: tshark's IP and TCP checksum status (1 is good) and malformed", what)
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
					assert.Fail(t, "we and tshark disagree", "%s: we label it %q, tshark's %s is %v; tshark says %q",
						what, r.Pkt.Labels, l.field, theirs, f["_ws.expert.message"])
				}
				if r.Pkt.Labels.Has(trace.LabelDupACK) && f.has("tcp.analysis.duplicate_ack") {
					assert.Equal(t, strconv.Itoa(int(r.Pkt.N)), f["tcp.analysis.duplicate_ack_num"], "%s: our dup ACK number is tshark's", what)
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
	p, err := pcap.NewWriter(io.Discard, pcap.Options{Capture: pcap.CaptureLink})
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		for i := range recs {
			p.Record(&recs[i])
		}
	}
	require.NoError(b, p.Flush())
}

// The HTTP scenarios' captures hold real HTTP/1.1 messages: Wireshark's
// HTTP dissector finds every request and response, in order, with the
// sizes the trace gives them.
func TestPCAPTsharkHTTP(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("TCPSIM_REQUIRE_TOOLS") == "1" {
			require.NoError(t, err, "tshark is needed (TCPSIM_REQUIRE_TOOLS=1) but not found")
		}
		t.Skip("tshark is not installed; skipping the HTTP dissector check")
	}
	for _, name := range []string{"http-keepalive", "http-close", "http-pipelining"} {
		t.Run(name, func(t *testing.T) {
			capture, seen := runPCAP(t, pcapLoad(t, name), pcap.Options{Capture: pcap.CaptureClient})
			file := filepath.Join(t.TempDir(), name+".pcap")
			require.NoError(t, os.WriteFile(file, capture, 0o644))
			out, err := exec.Command(tshark, "-r", file, "-n", "-Y", "http", "-T", "fields",
				"-e", "http.request.method", "-e", "http.request.uri", "-e", "http.response.code", "-e", "http.content_length").Output()
			require.NoError(t, err)
			var requests, responses []string
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				f := strings.Split(line, "\t")
				switch {
				case len(f) >= 2 && f[0] == "GET":
					requests = append(requests, f[1])
				case len(f) >= 4 && f[2] == "200":
					responses = append(responses, f[3])
				}
			}
			assert.Equal(t, []string{"/1", "/2", "/3", "/4", "/5"}, requests, "tshark's requests")
			assert.Len(t, responses, 5, "tshark's responses")
			assert.NotEmpty(t, seen)
		})
	}
}

// From and To capture only that stretch of the run; every frame in it is
// the frame of the whole capture, IP ID included.
func TestPCAPWindow(t *testing.T) {
	recs := pcapSynthetic()
	all := readPCAP(t, writePCAP(t, recs, pcap.Options{Capture: pcap.CaptureLink}))
	from, to := all[2].ci.Timestamp, all[len(all)-2].ci.Timestamp
	opt := pcap.Options{Capture: pcap.CaptureLink, From: sim.At(from.Sub(all[0].ci.Timestamp)), To: sim.At(to.Sub(all[0].ci.Timestamp))}
	part := readPCAP(t, writePCAP(t, recs, opt))
	var want []pcapFrame
	for _, f := range all {
		if !f.ci.Timestamp.Before(from) && !f.ci.Timestamp.After(to) {
			want = append(want, f)
		}
	}
	require.NotEmpty(t, want)
	require.Less(t, len(want), len(all))
	require.Len(t, part, len(want))
	for i := range want {
		assert.Equal(t, want[i].data, part[i].data, "frame %d", i+1)
		assert.Equal(t, want[i].ci.Timestamp, part[i].ci.Timestamp, "frame %d", i+1)
	}
}
