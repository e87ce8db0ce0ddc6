// Package testtrace holds what the tests of the outputs share: traces
// written by hand (Builder, and Synthetic, a short run with everything the
// outputs draw), golden files rewritten under -update, and a writer that
// fails. Only tests import it.
package testtrace

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// US returns the instant n microseconds into the run.
func US(n int64) sim.Time { return sim.At(time.Duration(n) * time.Microsecond) }

// MS returns the instant n milliseconds into the run.
func MS(n int64) sim.Time { return sim.At(time.Duration(n) * time.Millisecond) }

// Seg is a segment as the tests write it; the zero Conn means 1.
type Seg struct {
	Flags    wire.Flags
	Seq, Ack uint32
	Len      uint32
	Opt      wire.Options
	Labels   trace.Label
	N        int32
	Conn     uint32
}

// Builder writes a trace by hand, the way tcp, link and the scenario
// wiring do: packets get increasing IDs; drops and deliveries repeat the
// packet of their send. The client's first connection uses port 40000,
// its second 40001; the server is 10.0.0.2:80.
type Builder struct {
	Recs []trace.Record
	// Pkts are the send records by packet ID, which Drop and Deliver copy.
	Pkts map[uint64]trace.Record
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder { return &Builder{Pkts: make(map[uint64]trace.Record)} }

func peerOf(node string) string {
	if node == "client" {
		return "server"
	}
	return "client"
}

// Add appends r.
func (b *Builder) Add(r trace.Record) { b.Recs = append(b.Recs, r) }

// Must returns a vocabulary word a test spells out, failing loudly on a typo.
func Must[T any](v T, ok bool) T {
	if !ok {
		panic(fmt.Sprintf("not a trace word: %v", v))
	}
	return v
}

// Send records from (client or server) sending s at t and returns the
// packet ID.
func (b *Builder) Send(t sim.Time, from string, s Seg) uint64 {
	if s.Conn == 0 {
		s.Conn = 1
	}
	src, dst := clientAP(s.Conn), serverAP
	if from == "server" {
		src, dst = dst, src
	}
	id := uint64(len(b.Pkts) + 1)
	r := trace.Record{
		T: t, Kind: trace.KindSend, Node: from, Peer: peerOf(from), Conn: s.Conn,
		Pkt: &trace.Packet{
			ID: id,
			Seg: wire.Segment{
				Src: src, Dst: dst, Seq: wire.Seq(s.Seq), Ack: wire.Seq(s.Ack),
				Flags: s.Flags, Window: 65535, Len: s.Len, Opt: s.Opt,
			},
			Win: 65535, Labels: s.Labels, N: s.N, Conn: s.Conn,
		},
	}
	b.Pkts[id] = r
	b.Add(r)
	return id
}

// Drop records packet id dropped at t for reason, in the trace's words.
func (b *Builder) Drop(t sim.Time, id uint64, reason string) {
	r := b.Pkts[id]
	r.T, r.Kind, r.Drop = t, trace.KindDrop, trace.ParseDrop(reason, r.Peer)
	b.Add(r)
}

// Deliver records packet id delivered at t.
func (b *Builder) Deliver(t sim.Time, id uint64) {
	r := b.Pkts[id]
	r.T, r.Kind = t, trace.KindDeliver
	b.Add(r)
}

// State records a state change of node's connection conn.
func (b *Builder) State(t sim.Time, node string, conn uint32, from, to string) {
	b.Add(trace.Record{T: t, Kind: trace.KindState, Node: node, Conn: conn, From: Must(trace.ParseState(from)), To: Must(trace.ParseState(to))})
}

// App records an application call; bytes are its Value.
func (b *Builder) App(t sim.Time, node string, conn uint32, op string, bytes int64) {
	b.Add(trace.Record{T: t, Kind: trace.KindApp, Node: node, Conn: conn, App: Must(trace.ParseAppOp(op)), Value: bytes})
}

// Timer records an operation on conn's retransmission timer.
func (b *Builder) Timer(t sim.Time, node string, conn uint32, op string, at sim.Time, n int64) {
	b.Add(trace.Record{T: t, Kind: trace.KindTimer, Node: node, Conn: conn,
		Timer: trace.TimerRetransmission, TimerOp: Must(trace.ParseTimerOp(op)), At: at, Value: n})
}

// Var records a variable of node's first connection.
func (b *Builder) Var(t sim.Time, node string, name string, v int64) {
	b.Add(trace.Record{T: t, Kind: trace.KindVar, Node: node, Conn: 1, Var: Must(trace.ParseVar(name)), Value: v})
}

// Synthetic is a short run with everything the ladder draws: a handshake
// (ISNs 100 and 300), data with one segment dropped by a rule, two dup
// ACKs of which one is lost, an RTO retransmission, the FIN teardown, then
// a second connection whose SYNs die on a link outage until it is aborted.
// Delays are 50 ms each way; data segments are 1.2 ms apart.
func Synthetic() []trace.Record {
	b := NewBuilder()
	mss := wire.Options{MSS: 1460}
	b.Add(trace.Record{T: 0, Kind: trace.KindRun, Name: "synthetic", Value: 1})
	b.Add(trace.Record{T: 0, Kind: trace.KindNode, Node: "client", Addr: clientAddr})
	b.Add(trace.Record{T: 0, Kind: trace.KindNode, Node: "server", Addr: serverAddr})

	// The three-way handshake.
	b.App(0, "server", 1, "listen", 0)
	b.State(0, "server", 1, "CLOSED", "LISTEN")
	b.App(0, "client", 1, "connect", 0)
	b.State(0, "client", 1, "CLOSED", "SYN-SENT")
	syn := b.Send(0, "client", Seg{Flags: wire.SYN, Seq: 100, Opt: mss})
	b.Timer(0, "client", 1, "set", MS(1000), 0)
	b.Deliver(MS(50), syn)
	b.State(MS(50), "server", 1, "LISTEN", "SYN-RECEIVED")
	synack := b.Send(MS(50), "server", Seg{Flags: wire.SYN | wire.ACK, Seq: 300, Ack: 101, Opt: mss})
	b.Deliver(MS(100), synack)
	b.Timer(MS(100), "client", 1, "cancelled", 0, 0)
	b.State(MS(100), "client", 1, "SYN-SENT", "ESTABLISHED")
	ack := b.Send(MS(100), "client", Seg{Flags: wire.ACK, Seq: 101, Ack: 301})

	// Four data segments; the second is dropped by a rule.
	b.App(MS(100), "client", 1, "write", 5840)
	d1 := b.Send(MS(100), "client", Seg{Flags: wire.ACK, Seq: 101, Ack: 301, Len: 1460})
	b.Timer(MS(100), "client", 1, "set", MS(1100), 0)
	d2 := b.Send(US(101200), "client", Seg{Flags: wire.ACK, Seq: 1561, Ack: 301, Len: 1460})
	b.Var(US(101200), "client", "cwnd", 4380) // a silent record between send and drop
	b.Drop(US(101200), d2, `rule "client data_segment 2, times 1"`)
	d3 := b.Send(US(102400), "client", Seg{Flags: wire.ACK, Seq: 3021, Ack: 301, Len: 1460})
	d4 := b.Send(US(103600), "client", Seg{Flags: wire.PSH | wire.ACK, Seq: 4481, Ack: 301, Len: 1460})
	b.Deliver(MS(150), ack)
	b.State(MS(150), "server", 1, "SYN-RECEIVED", "ESTABLISHED")
	b.Deliver(MS(150), d1)
	b.App(MS(150), "server", 1, "read", 1460)
	a1 := b.Send(MS(150), "server", Seg{Flags: wire.ACK, Seq: 301, Ack: 1561})
	b.Deliver(US(152400), d3)
	dup1 := b.Send(US(152400), "server", Seg{Flags: wire.ACK, Seq: 301, Ack: 1561, Labels: trace.LabelDupACK, N: 1})
	b.Deliver(US(153600), d4)
	dup2 := b.Send(US(153600), "server", Seg{Flags: wire.ACK, Seq: 301, Ack: 1561, Labels: trace.LabelDupACK, N: 2})
	b.Drop(US(153600), dup2, "random loss")
	b.Deliver(MS(200), a1)
	b.Timer(MS(200), "client", 1, "set", MS(1200), 0)
	b.Deliver(US(202400), dup1)

	// The retransmission timer fires; the lost segment goes again.
	b.Timer(MS(1200), "client", 1, "fired", 0, 1)
	re := b.Send(MS(1200), "client", Seg{Flags: wire.ACK, Seq: 1561, Ack: 301, Len: 1460, Labels: trace.LabelRetransmission})
	b.Deliver(MS(1250), re)
	b.App(MS(1250), "server", 1, "read", 4380)
	a2 := b.Send(MS(1250), "server", Seg{Flags: wire.ACK, Seq: 301, Ack: 5941})
	b.Deliver(MS(1300), a2)

	// Teardown: the client closes first.
	b.App(MS(1300), "client", 1, "close", 0)
	b.State(MS(1300), "client", 1, "ESTABLISHED", "FIN-WAIT-1")
	fin1 := b.Send(MS(1300), "client", Seg{Flags: wire.FIN | wire.ACK, Seq: 5941, Ack: 301})
	b.Deliver(MS(1350), fin1)
	b.State(MS(1350), "server", 1, "ESTABLISHED", "CLOSE-WAIT")
	a3 := b.Send(MS(1350), "server", Seg{Flags: wire.ACK, Seq: 301, Ack: 5942})
	b.App(MS(1350), "server", 1, "close", 0)
	b.State(MS(1350), "server", 1, "CLOSE-WAIT", "LAST-ACK")
	fin2 := b.Send(MS(1350), "server", Seg{Flags: wire.FIN | wire.ACK, Seq: 301, Ack: 5942})
	b.Deliver(MS(1400), a3)
	b.State(MS(1400), "client", 1, "FIN-WAIT-1", "FIN-WAIT-2")
	b.Deliver(MS(1400), fin2)
	b.State(MS(1400), "client", 1, "FIN-WAIT-2", "TIME-WAIT")
	a4 := b.Send(MS(1400), "client", Seg{Flags: wire.ACK, Seq: 5942, Ack: 302})
	b.Deliver(MS(1450), a4)
	b.State(MS(1450), "server", 1, "LAST-ACK", "CLOSED")

	// A second connection meets a link outage.
	b.App(MS(2000), "client", 2, "connect", 0)
	b.State(MS(2000), "client", 2, "CLOSED", "SYN-SENT")
	syn2 := b.Send(MS(2000), "client", Seg{Conn: 2, Flags: wire.SYN, Seq: 900,
		Opt: wire.Options{MSS: 1460, SACKPermitted: true, HasWScale: true, WScale: 7}})
	b.Add(trace.Record{T: MS(2020), Kind: trace.KindLink, Node: "client", Peer: "server", Link: trace.LinkDown})
	b.Drop(MS(2020), syn2, "link down")
	b.Timer(MS(3000), "client", 2, "fired", 0, 1)
	syn3 := b.Send(MS(3000), "client", Seg{Conn: 2, Flags: wire.SYN, Seq: 900, Labels: trace.LabelRetransmission,
		Opt: wire.Options{MSS: 1460, SACKPermitted: true, HasWScale: true, WScale: 7}})
	b.Drop(MS(3000), syn3, "link down")
	b.Add(trace.Record{T: MS(4000), Kind: trace.KindLink, Node: "client", Peer: "server", Link: trace.LinkUp})
	b.Timer(MS(5000), "client", 2, "fired", 0, 2)
	b.Add(trace.Record{T: MS(5000), Kind: trace.KindAbort, Node: "client", Conn: 2, Abort: trace.AbortTimedOut})
	b.State(MS(5000), "client", 2, "SYN-SENT", "CLOSED")
	b.Add(trace.Record{T: MS(6000), Kind: trace.KindEnd})
	return b.Recs
}

// update is -update, which rewrites golden files instead of comparing.
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Updating reports whether -update was given.
func Updating() bool { return *update }

// Golden compares got with the file at path, or writes it there under
// -update. Text gets a diff on failure; anything else (PNG, pcap) only a
// word, with the advice to look at the file.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run the test with -update to create it")
	if utf8.Valid(want) && !bytes.ContainsRune(want, 0) {
		assert.Equal(t, string(want), string(got), "output differs from %s (-update rewrites it; read the diff)", path)
		return
	}
	assert.True(t, bytes.Equal(want, got), "output differs from %s (-update rewrites it; look at the new file)", path)
}

// ErrDiskFull is what FailWriter's writes return.
var ErrDiskFull = errors.New("disk full")

// FailWriter is an io.Writer whose every write fails with ErrDiskFull.
type FailWriter struct{}

func (FailWriter) Write([]byte) (int, error) { return 0, ErrDiskFull }
