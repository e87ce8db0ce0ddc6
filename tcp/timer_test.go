package tcp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Timers, as the trace shows them: every timer that runs is set, then
// fired or cancelled, and none is left running on a closed connection.

// runningTimers returns the timers the trace leaves set on the harness's
// connection, by name.
func (h *harness) runningTimers() []string {
	set := map[trace.Timer]bool{}
	for _, r := range h.log.Records {
		if r.Kind != trace.KindTimer || r.Conn != h.conn.ID() {
			continue
		}
		set[r.Timer] = r.TimerOp == trace.TimerSet
	}
	var out []string
	for _, t := range fireOrder {
		if set[t] {
			out = append(out, t.String())
		}
	}
	return out
}

// timerOps returns the trace's operations on timer t of the connection.
func (h *harness) timerOps(t trace.Timer) []string {
	var out []string
	for _, r := range h.log.Records {
		if r.Kind == trace.KindTimer && r.Timer == t && r.Conn == h.conn.ID() {
			out = append(out, r.TimerOp.String()+"@"+r.T.String())
		}
	}
	return out
}

// RFC 9293 §3.10.4: CLOSE in SYN-SENT deletes the TCB. The SYN's
// retransmission timer goes with it (recorded), nothing is sent again, and
// the application hears the connection is closed.
func TestTimers_CloseInSynSentStopsTheRTOAndReportsClosed(t *testing.T) {
	h := newSynSent(t, testConfig())
	h.close(ms(10))
	assert.Equal(t, StateClosed, h.conn.State())
	assert.Equal(t, []string{"set@0.000s", "cancelled@0.010s"}, h.timerOps(trace.TimerRetransmission))
	assert.Empty(t, h.runningTimers())
	assert.Equal(t, []Event{EventClosed}, h.lifecycle())
	assert.Equal(t, sim.Never, h.host.Deadline())
	h.expectNothing(ms(200_000))
	assert.Empty(t, h.host.Conns())
}

// An abort stops every timer with a record, the keepalive timer included
// (the keepalive-reboot scenario's golden trace left it "set" after CLOSED,
// so its diagram drew the bracket to the bottom of the page).
func TestTimers_ResetStopsKeepaliveAndDelayedACK(t *testing.T) {
	cfg := testConfig()
	cfg.Keepalive = true
	cfg.DelayedACK = 200 * time.Millisecond
	h := newEstablishedCfg(t, cfg)
	h.send(ms(100), seg{seq: 301, ack: 101, flags: psh | ack, len: 10}) // a delayed ACK is pending
	require.ElementsMatch(t, []string{"keepalive", "delayed-ack"}, h.runningTimers())
	h.send(ms(150), seg{seq: 311, ack: 101, flags: wire.RST})
	assert.Equal(t, StateClosed, h.conn.State())
	assert.Equal(t, ErrReset, h.conn.Err())
	assert.Empty(t, h.runningTimers(), "timers left running on a closed connection")
	ops := h.timerOps(trace.TimerKeepalive)
	assert.Equal(t, "cancelled@0.150s", ops[len(ops)-1])
	h.expectNothing(ms(10 * hour))
}

// A normal close ends with TIME-WAIT fired and nothing else running.
func TestTimers_NoneRunningAfterTimeWait(t *testing.T) {
	cfg := testConfig()
	cfg.Keepalive = true
	h := newEstablishedCfg(t, cfg)
	h.close(ms(100))
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: finAck})
	h.send(ms(150), seg{seq: 301, ack: 102, flags: finAck})
	h.expect(ms(150), seg{seq: 102, ack: 302, flags: ack})
	assert.Equal(t, StateTimeWait, h.conn.State())
	h.expectNothing(ms(150 + 240_000)) // 2·MSL
	assert.Equal(t, StateClosed, h.conn.State())
	assert.Empty(t, h.runningTimers())
	assert.Equal(t, []string{"set@0.150s", "fired@240.150s"}, h.timerOps(trace.TimerTimeWait))
}

// A timer armed again for the instant it already fires at writes no record.
func TestTimers_SetAgainForTheSameInstantIsNotRecorded(t *testing.T) {
	h := newEstablished(t)
	c := h.conn
	n := len(h.log.Records)
	c.setTimer(ms(60), trace.TimerPersist, ms(1060), 0)
	c.setTimer(ms(70), trace.TimerPersist, ms(1060), 0)
	assert.Len(t, h.log.Records, n+1)
	assert.Equal(t, ms(1060), h.host.Deadline())
	c.stopTimer(ms(80), trace.TimerPersist)
	c.stopTimer(ms(90), trace.TimerPersist) // already off: no record
	assert.Len(t, h.log.Records, n+2)
	assert.Equal(t, sim.Never, h.host.Deadline())
}

// Notifications come after the segment is processed, in the order things
// happened: with an out-of-order FIN held, the segment that fills the gap
// makes the data readable before the FIN closes the stream, so an
// application told "peer closed" has nothing left unread. (Reported in the
// middle of input processing, the FIN's news came first while 200 bytes
// were still unread.)
func TestNotices_DataBeforeTheFINThatFollowsIt(t *testing.T) {
	h := newEstablished(t)
	var unreadAtPeerClosed []int
	h.autoRead = false
	h.onReadable = func(now sim.Time, c *Conn) { c.Read(now, c.Readable()) }
	h.send(ms(100), seg{seq: 401, ack: 101, flags: wire.FIN | psh, len: 100})
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, labels: trace.LabelDupACK, n: 1})
	h.events = nil
	h.advance(ms(150))
	p := trace.Packet{Seg: wire.Segment{Src: remoteAddr, Dst: localAddr, Seq: 301, Ack: 101, Flags: psh | ack, Len: 100, Window: 65535}}
	h.host.Input(h.now, &p, h.emit)
	for _, n := range h.host.Notices() {
		h.events = append(h.events, n.Event)
		switch n.Event {
		case EventReadable:
			n.Conn.Read(h.now, n.Conn.Readable())
		case EventPeerClosed:
			unreadAtPeerClosed = append(unreadAtPeerClosed, n.Conn.Readable())
		}
	}
	h.poll()
	assert.Equal(t, []Event{EventReadable, EventPeerClosed}, h.events)
	assert.Equal(t, []int{0}, unreadAtPeerClosed)
	assert.Equal(t, int64(200), h.appBytes(trace.AppRead))
	h.expect(ms(150), seg{seq: 101, ack: 502, flags: ack})
}

// Nothing reaches the application while the host works: a segment's
// events wait in the queue until the caller asks for them.
func TestNotices_QueuedUntilAsked(t *testing.T) {
	h := newSynSent(t, testConfig())
	h.advance(ms(50))
	p := trace.Packet{Seg: wire.Segment{Src: remoteAddr, Dst: localAddr, Seq: remoteISS, Ack: localISS + 1,
		Flags: wire.SYN | ack, Window: 65535, Opt: wire.Options{MSS: 1460}}}
	h.events = nil
	h.host.Input(h.now, &p, h.emit)
	assert.Empty(t, h.events, "the application ran during Input")
	// The handshake's ACK went from the receive path, before the
	// application could write anything.
	require.Len(t, h.out, 1)
	h.compare(seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack}, h.out[0].pkt)
	ns := h.host.Notices()
	require.Len(t, ns, 1)
	assert.Equal(t, Notice{h.conn, EventEstablished}, ns[0])
	assert.Empty(t, h.host.Notices(), "Notices forgets what it returned")
}

// kindCounter is a Selective sink that reads only the kinds it is given.
type kindCounter struct {
	reads trace.KindSet
	seen  map[trace.Kind]int
}

func (k *kindCounter) Record(r *trace.Record) { k.seen[r.Kind]++ }
func (k *kindCounter) Reads() trace.KindSet   { return k.reads }

// A host builds no record its sink does not read (issue 10): here only
// state changes, though the handshake also sets timers and changes
// variables.
func TestHost_BuildsOnlyTheRecordsItsSinkReads(t *testing.T) {
	k := &kindCounter{reads: trace.Kinds(trace.KindState), seen: map[trace.Kind]int{}}
	cfg := testConfig()
	host := NewHost("local", localAddr.Addr(), cfg, sim.NewRand(1, "test"), k)
	c := host.Connect(0, localAddr.Port(), remoteAddr)
	var sent []trace.Packet
	host.Poll(0, func(p *trace.Packet) { sent = append(sent, *p) })
	p := trace.Packet{Seg: wire.Segment{Src: remoteAddr, Dst: localAddr, Seq: remoteISS, Ack: localISS + 1,
		Flags: wire.SYN | ack, Window: 65535, Opt: wire.Options{MSS: 1460}}}
	host.Input(ms(50), &p, func(p *trace.Packet) { sent = append(sent, *p) })
	require.Equal(t, StateEstablished, c.State())
	require.Len(t, sent, 2, "SYN and ACK")
	assert.Equal(t, map[trace.Kind]int{trace.KindState: 2}, k.seen)
}
