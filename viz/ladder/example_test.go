package ladder_test

import (
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/ladder"
	"github.com/tcpsim/tcpsim/wire"
)

// handshake returns the records of a three-way handshake with ISNs 100 and
// 300 over a path with 50 ms of delay each way.
func handshake() []trace.Record {
	client := netip.MustParseAddrPort("10.0.0.1:40000")
	server := netip.MustParseAddrPort("10.0.0.2:80")
	send := func(ms int, id uint64, from, to string, src, dst netip.AddrPort, flags wire.Flags, seq, ack wire.Seq) trace.Record {
		seg := wire.Segment{Src: src, Dst: dst, Seq: seq, Ack: ack, Flags: flags, Window: 65535}
		if flags.Has(wire.SYN) {
			seg.Opt.MSS = 1460
		}
		return trace.Record{T: sim.At(time.Duration(ms) * time.Millisecond), Kind: trace.KindSend,
			Node: from, Peer: to, Conn: 1, Pkt: &trace.Packet{ID: id, Seg: seg, Win: 65535, Conn: 1}}
	}
	state := func(ms int, node string, from, to trace.State) trace.Record {
		return trace.Record{T: sim.At(time.Duration(ms) * time.Millisecond), Kind: trace.KindState,
			Node: node, Conn: 1, From: from, To: to}
	}
	return []trace.Record{
		state(0, "client", trace.StateClosed, trace.StateSynSent),
		send(0, 1, "client", "server", client, server, wire.SYN, 100, 0),
		state(50, "server", trace.StateListen, trace.StateSynReceived),
		send(50, 2, "server", "client", server, client, wire.SYN|wire.ACK, 300, 101),
		state(100, "client", trace.StateSynSent, trace.StateEstablished),
		send(100, 3, "client", "server", client, server, wire.ACK, 101, 301),
		state(150, "server", trace.StateSynReceived, trace.StateEstablished),
		{T: sim.At(150 * time.Millisecond), Kind: trace.KindEnd},
	}
}

func ExampleLadder() {
	recs := handshake()
	l := ladder.New(os.Stdout, ladder.Options{})
	for i := range recs {
		l.Record(&recs[i])
	}
	if err := l.Flush(); err != nil {
		fmt.Println(err)
	}
	// Output:
	//     time      client                                             server
	//    0.000 s    │ CLOSED → SYN-SENT                                     │
	//    0.000 s    │── SYN seq=100 win=65535 <mss 1460> ──────────────────▶│
	//    0.050 s    │                                 LISTEN → SYN-RECEIVED │
	//    0.050 s    │◀────── SYN,ACK seq=300 ack=101 win=65535 <mss 1460> ──│
	//    0.100 s    │ SYN-SENT → ESTABLISHED                                │
	//    0.100 s    │── ACK seq=101 ack=301 win=65535 ─────────────────────▶│
	//    0.150 s    │                            SYN-RECEIVED → ESTABLISHED │
}

func ExampleSummary() {
	recs := handshake()
	s := ladder.NewSummary()
	for i := range recs {
		s.Record(&recs[i])
	}
	if err := s.Write(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// summary (simulated time 0.150 s)
	//                             client        server
	//   segments sent                  2             1
	//     with data                    0             0
	//     retransmitted                0             0
	//     dup ACKs                     0             0
	//   payload bytes sent             0             0
	//   segments dropped               0             0
	//   app bytes written              0             0
	//   app bytes read                 0             0
	//   last data read at              -             -
	//   final state          ESTABLISHED   ESTABLISHED
}
