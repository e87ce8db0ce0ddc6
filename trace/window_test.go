package trace

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// windowTrace writes records by hand: packets get increasing IDs.
type windowTrace struct {
	recs []Record
	id   uint64
}

var (
	clientAP = netip.MustParseAddrPort("10.0.0.1:40000")
	serverAP = netip.MustParseAddrPort("10.0.0.2:80")
)

func (w *windowTrace) add(r Record) { w.recs = append(w.recs, r) }

// send records node sending a segment at t and returns its packet ID.
func (w *windowTrace) send(t sim.Time, node string, flags wire.Flags) uint64 {
	w.id++
	src, dst, peer := clientAP, serverAP, "server"
	if node == "server" {
		src, dst, peer = serverAP, clientAP, "client"
	}
	w.add(Record{T: t, Kind: KindSend, Node: node, Peer: peer, Conn: 1,
		Pkt: &Packet{ID: w.id, Seg: wire.Segment{Src: src, Dst: dst, Seq: wire.Seq(w.id * 100), Flags: flags}}})
	return w.id
}

// end records packet id delivered (or dropped) at t.
func (w *windowTrace) end(t sim.Time, id uint64, kind Kind) {
	for _, r := range w.recs {
		if r.Kind == KindSend && r.Pkt.ID == id {
			r.T, r.Kind = t, kind
			w.add(r)
			return
		}
	}
	panic("no such packet")
}

func (w *windowTrace) state(t sim.Time, node string, to State) {
	w.add(Record{T: t, Kind: KindState, Node: node, Conn: 1, To: to})
}

func (w *windowTrace) timer(t sim.Time, node string, timer Timer, op TimerOp) {
	w.add(Record{T: t, Kind: KindTimer, Node: node, Conn: 1, Timer: timer, TimerOp: op})
}

// kept returns what a Window of recs keeps, as "kind@ms" strings.
func kept(recs []Record, from, to sim.Time, limit int) ([]string, *Window) {
	w := NewWindow(from, to, limit, nil)
	for i := range recs {
		w.Record(&recs[i])
	}
	var out []string
	for _, r := range w.Records() {
		s := r.Kind.String() + "@" + time.Duration(r.T).String()
		if r.Pkt != nil {
			s += "#" + string(rune('0'+r.Pkt.ID))
		}
		out = append(out, s)
	}
	return out, w
}

func TestWindow_KeepsTheStretchAndWhatItNeeds(t *testing.T) {
	var tr windowTrace
	tr.add(Record{Kind: KindRun, Name: "x"})
	tr.add(Record{Kind: KindNode, Node: "client"})
	tr.state(0, "client", StateSynSent)
	syn := tr.send(0, "client", wire.SYN)                // #1: the client's ISN
	tr.timer(0, "client", TimerRetransmission, TimerSet) // cancelled below
	tr.end(ms(10), syn, KindDeliver)
	tr.state(ms(10), "server", StateSynReceived)
	synack := tr.send(ms(10), "server", wire.SYN|wire.ACK) // #2: the server's ISN
	tr.end(ms(20), synack, KindDeliver)
	tr.timer(ms(20), "client", TimerRetransmission, TimerCancelled)
	tr.state(ms(20), "client", StateEstablished)
	data := tr.send(ms(20), "client", wire.ACK) // #3: in flight at 25 ms
	tr.timer(ms(20), "client", TimerRetransmission, TimerSet)
	tr.add(Record{T: ms(22), Kind: KindVar, Node: "client", Var: VarCwnd}) // not needed
	lost := tr.send(ms(22), "client", wire.ACK)                            // #4: dropped before 25 ms
	tr.end(ms(23), lost, KindDrop)
	tr.end(ms(30), data, KindDeliver) // in the stretch
	late := tr.send(ms(40), "client", wire.ACK)
	tr.end(ms(50), late, KindDeliver) // after the stretch: its end is kept
	tr.add(Record{T: ms(60), Kind: KindEnd})

	got, w := kept(tr.recs, ms(25), ms(45), 0)
	want := []string{"run@0s", "node@0s", "send@0s#1", "state@10ms", "send@10ms#2", "state@20ms", "send@20ms#3", "timer@20ms",
		"deliver@30ms#3", "send@40ms#5", "deliver@50ms#5"}
	if !slices.Equal(got, want) {
		t.Errorf("kept\n %v\nwant\n %v", got, want)
	}
	if w.Cut() != -1 || w.Omitted() != 0 {
		t.Errorf("Cut %d, Omitted %d: nothing was cut", w.Cut(), w.Omitted())
	}

	// From 0 without To is the whole run.
	if got, _ := kept(tr.recs, 0, 0, 0); len(got) != len(tr.recs) {
		t.Errorf("the whole run: kept %d of %d records", len(got), len(tr.recs))
	}

	// A limit of one segment in the stretch: the second ends it, is kept,
	// and is counted with the later ones; after it, only the ends of the
	// segments kept. Before the stretch: the SYN-ACK still in flight, the
	// timer still pending, the states.
	got, w = kept(tr.recs, ms(20), 0, 1)
	want = []string{"run@0s", "node@0s", "state@0s", "send@0s#1", "timer@0s", "state@10ms", "send@10ms#2",
		"deliver@20ms#2", "timer@20ms", "state@20ms", "send@20ms#3", "timer@20ms", "var@22ms", "send@22ms#4",
		"drop@23ms#4", "deliver@30ms#3"}
	if !slices.Equal(got, want) {
		t.Errorf("with a limit: kept\n %v\nwant\n %v", got, want)
	}
	if w.Cut() != 13 || w.Omitted() != 2 {
		t.Errorf("Cut %d, Omitted %d; want 13 (the segment past the limit) and 2", w.Cut(), w.Omitted())
	}

	// A window after the run keeps the context.
	if got, _ := kept(tr.recs, ms(100), 0, 0); !slices.Equal(got, []string{"run@0s", "node@0s", "send@0s#1", "state@10ms", "send@10ms#2", "state@20ms", "timer@20ms"}) {
		t.Errorf("a window after the run kept %v", got)
	}
}

// A Window's memory follows the stretch, not the run: a million keepalive
// probes before and after it leave the same few records.
func TestWindow_BoundedByTheStretch(t *testing.T) {
	w := NewWindow(ms(1000), ms(1010), 0, nil)
	var id uint64
	p := Packet{Seg: wire.Segment{Src: clientAP, Dst: serverAP, Flags: wire.ACK}}
	r := Record{Kind: KindSend, Node: "client", Peer: "server", Pkt: &p}
	for i := range int64(1_000_000) {
		id++
		p.ID, r.T, r.Kind = id, ms(i/100), KindSend
		w.Record(&r)
		r.Kind = KindDeliver
		w.Record(&r)
	}
	if n := len(w.Records()); n != 1+2*1100 {
		t.Errorf("kept %d records, want the first segment and the %d of the stretch", n, 2*1100)
	}
}
