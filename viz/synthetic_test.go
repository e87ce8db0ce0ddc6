package viz

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// The synthetic trace's endpoints: the client's first connection uses port
// 40000, its second 40001.
var (
	clientAddr = netip.MustParseAddr("10.0.0.1")
	serverAddr = netip.MustParseAddr("10.0.0.2")
	serverAP   = netip.AddrPortFrom(serverAddr, 80)
)

func clientAP(conn uint32) netip.AddrPort { return netip.AddrPortFrom(clientAddr, uint16(39999+conn)) }

// us returns the instant n microseconds into the run.
func us(n int64) sim.Time { return sim.At(time.Duration(n) * time.Microsecond) }

// ms returns the instant n milliseconds into the run.
func ms(n int64) sim.Time { return sim.At(time.Duration(n) * time.Millisecond) }

// seg is a segment as the tests write it.
type seg struct {
	flags    wire.Flags
	seq, ack uint32
	len      uint32
	opt      wire.Options
	labels   trace.Label
	n        int32
	conn     uint32 // 0 means 1
}

// builder writes a trace by hand, the way tcp, link and the scenario
// wiring will: packets get increasing IDs; drops and deliveries repeat the
// packet of their send.
type builder struct {
	recs []trace.Record
	pkts map[uint64]trace.Record
}

func newBuilder() *builder { return &builder{pkts: make(map[uint64]trace.Record)} }

func peerOf(node string) string {
	if node == "client" {
		return "server"
	}
	return "client"
}

func (b *builder) add(r trace.Record) { b.recs = append(b.recs, r) }

// must returns a vocabulary word a test spells out, failing loudly on a typo.
func must[T any](v T, ok bool) T {
	if !ok {
		panic(fmt.Sprintf("not a trace word: %v", v))
	}
	return v
}

func (b *builder) send(t sim.Time, from string, s seg) uint64 {
	if s.conn == 0 {
		s.conn = 1
	}
	src, dst := clientAP(s.conn), serverAP
	if from == "server" {
		src, dst = dst, src
	}
	id := uint64(len(b.pkts) + 1)
	r := trace.Record{
		T: t, Kind: trace.KindSend, Node: from, Peer: peerOf(from), Conn: s.conn,
		Pkt: &trace.Packet{
			ID: id,
			Seg: wire.Segment{
				Src: src, Dst: dst, Seq: wire.Seq(s.seq), Ack: wire.Seq(s.ack),
				Flags: s.flags, Window: 65535, Len: s.len, Opt: s.opt,
			},
			Win: 65535, Labels: s.labels, N: s.n, Conn: s.conn,
		},
	}
	b.pkts[id] = r
	b.add(r)
	return id
}

func (b *builder) drop(t sim.Time, id uint64, reason string) {
	r := b.pkts[id]
	r.T, r.Kind, r.Drop = t, trace.KindDrop, trace.ParseDrop(reason, r.Peer)
	b.add(r)
}

func (b *builder) deliver(t sim.Time, id uint64) {
	r := b.pkts[id]
	r.T, r.Kind = t, trace.KindDeliver
	b.add(r)
}

func (b *builder) state(t sim.Time, node string, conn uint32, from, to string) {
	b.add(trace.Record{T: t, Kind: trace.KindState, Node: node, Conn: conn, From: must(trace.ParseState(from)), To: must(trace.ParseState(to))})
}

func (b *builder) app(t sim.Time, node string, conn uint32, op string, bytes int64) {
	b.add(trace.Record{T: t, Kind: trace.KindApp, Node: node, Conn: conn, App: must(trace.ParseAppOp(op)), Value: bytes})
}

func (b *builder) timer(t sim.Time, node string, conn uint32, op string, at sim.Time, n int64) {
	b.add(trace.Record{T: t, Kind: trace.KindTimer, Node: node, Conn: conn,
		Timer: trace.TimerRetransmission, TimerOp: must(trace.ParseTimerOp(op)), At: at, Value: n})
}

func (b *builder) variable(t sim.Time, node string, name string, v int64) {
	b.add(trace.Record{T: t, Kind: trace.KindVar, Node: node, Conn: 1, Var: must(trace.ParseVar(name)), Value: v})
}

// synthetic is a short run with everything the ladder draws: a handshake
// (ISNs 100 and 300), data with one segment dropped by a rule, two dup
// ACKs of which one is lost, an RTO retransmission, the FIN teardown, then
// a second connection whose SYNs die on a link outage until it is aborted.
// Delays are 50 ms each way; data segments are 1.2 ms apart.
func synthetic() []trace.Record {
	b := newBuilder()
	mss := wire.Options{MSS: 1460}
	b.add(trace.Record{T: 0, Kind: trace.KindRun, Name: "synthetic", Value: 1})
	b.add(trace.Record{T: 0, Kind: trace.KindNode, Node: "client", Addr: clientAddr})
	b.add(trace.Record{T: 0, Kind: trace.KindNode, Node: "server", Addr: serverAddr})

	// The three-way handshake.
	b.app(0, "server", 1, "listen", 0)
	b.state(0, "server", 1, "CLOSED", "LISTEN")
	b.app(0, "client", 1, "connect", 0)
	b.state(0, "client", 1, "CLOSED", "SYN-SENT")
	syn := b.send(0, "client", seg{flags: wire.SYN, seq: 100, opt: mss})
	b.timer(0, "client", 1, "set", ms(1000), 0)
	b.deliver(ms(50), syn)
	b.state(ms(50), "server", 1, "LISTEN", "SYN-RECEIVED")
	synack := b.send(ms(50), "server", seg{flags: wire.SYN | wire.ACK, seq: 300, ack: 101, opt: mss})
	b.deliver(ms(100), synack)
	b.timer(ms(100), "client", 1, "cancelled", 0, 0)
	b.state(ms(100), "client", 1, "SYN-SENT", "ESTABLISHED")
	ack := b.send(ms(100), "client", seg{flags: wire.ACK, seq: 101, ack: 301})

	// Four data segments; the second is dropped by a rule.
	b.app(ms(100), "client", 1, "write", 5840)
	d1 := b.send(ms(100), "client", seg{flags: wire.ACK, seq: 101, ack: 301, len: 1460})
	b.timer(ms(100), "client", 1, "set", ms(1100), 0)
	d2 := b.send(us(101200), "client", seg{flags: wire.ACK, seq: 1561, ack: 301, len: 1460})
	b.variable(us(101200), "client", "cwnd", 4380) // a silent record between send and drop
	b.drop(us(101200), d2, `rule "client data_segment 2, times 1"`)
	d3 := b.send(us(102400), "client", seg{flags: wire.ACK, seq: 3021, ack: 301, len: 1460})
	d4 := b.send(us(103600), "client", seg{flags: wire.PSH | wire.ACK, seq: 4481, ack: 301, len: 1460})
	b.deliver(ms(150), ack)
	b.state(ms(150), "server", 1, "SYN-RECEIVED", "ESTABLISHED")
	b.deliver(ms(150), d1)
	b.app(ms(150), "server", 1, "read", 1460)
	a1 := b.send(ms(150), "server", seg{flags: wire.ACK, seq: 301, ack: 1561})
	b.deliver(us(152400), d3)
	dup1 := b.send(us(152400), "server", seg{flags: wire.ACK, seq: 301, ack: 1561, labels: trace.LabelDupACK, n: 1})
	b.deliver(us(153600), d4)
	dup2 := b.send(us(153600), "server", seg{flags: wire.ACK, seq: 301, ack: 1561, labels: trace.LabelDupACK, n: 2})
	b.drop(us(153600), dup2, "random loss")
	b.deliver(ms(200), a1)
	b.timer(ms(200), "client", 1, "set", ms(1200), 0)
	b.deliver(us(202400), dup1)

	// The retransmission timer fires; the lost segment goes again.
	b.timer(ms(1200), "client", 1, "fired", 0, 1)
	re := b.send(ms(1200), "client", seg{flags: wire.ACK, seq: 1561, ack: 301, len: 1460, labels: trace.LabelRetransmission})
	b.deliver(ms(1250), re)
	b.app(ms(1250), "server", 1, "read", 4380)
	a2 := b.send(ms(1250), "server", seg{flags: wire.ACK, seq: 301, ack: 5941})
	b.deliver(ms(1300), a2)

	// Teardown: the client closes first.
	b.app(ms(1300), "client", 1, "close", 0)
	b.state(ms(1300), "client", 1, "ESTABLISHED", "FIN-WAIT-1")
	fin1 := b.send(ms(1300), "client", seg{flags: wire.FIN | wire.ACK, seq: 5941, ack: 301})
	b.deliver(ms(1350), fin1)
	b.state(ms(1350), "server", 1, "ESTABLISHED", "CLOSE-WAIT")
	a3 := b.send(ms(1350), "server", seg{flags: wire.ACK, seq: 301, ack: 5942})
	b.app(ms(1350), "server", 1, "close", 0)
	b.state(ms(1350), "server", 1, "CLOSE-WAIT", "LAST-ACK")
	fin2 := b.send(ms(1350), "server", seg{flags: wire.FIN | wire.ACK, seq: 301, ack: 5942})
	b.deliver(ms(1400), a3)
	b.state(ms(1400), "client", 1, "FIN-WAIT-1", "FIN-WAIT-2")
	b.deliver(ms(1400), fin2)
	b.state(ms(1400), "client", 1, "FIN-WAIT-2", "TIME-WAIT")
	a4 := b.send(ms(1400), "client", seg{flags: wire.ACK, seq: 5942, ack: 302})
	b.deliver(ms(1450), a4)
	b.state(ms(1450), "server", 1, "LAST-ACK", "CLOSED")

	// A second connection meets a link outage.
	b.app(ms(2000), "client", 2, "connect", 0)
	b.state(ms(2000), "client", 2, "CLOSED", "SYN-SENT")
	syn2 := b.send(ms(2000), "client", seg{conn: 2, flags: wire.SYN, seq: 900,
		opt: wire.Options{MSS: 1460, SACKPermitted: true, HasWScale: true, WScale: 7}})
	b.add(trace.Record{T: ms(2020), Kind: trace.KindLink, Node: "client", Peer: "server", Link: trace.LinkDown})
	b.drop(ms(2020), syn2, "link down")
	b.timer(ms(3000), "client", 2, "fired", 0, 1)
	syn3 := b.send(ms(3000), "client", seg{conn: 2, flags: wire.SYN, seq: 900, labels: trace.LabelRetransmission,
		opt: wire.Options{MSS: 1460, SACKPermitted: true, HasWScale: true, WScale: 7}})
	b.drop(ms(3000), syn3, "link down")
	b.add(trace.Record{T: ms(4000), Kind: trace.KindLink, Node: "client", Peer: "server", Link: trace.LinkUp})
	b.timer(ms(5000), "client", 2, "fired", 0, 2)
	b.add(trace.Record{T: ms(5000), Kind: trace.KindAbort, Node: "client", Conn: 2, Abort: trace.AbortTimedOut})
	b.state(ms(5000), "client", 2, "SYN-SENT", "CLOSED")
	b.add(trace.Record{T: ms(6000), Kind: trace.KindEnd})
	return b.recs
}
