package tcp

import (
	"math/rand/v2"
	"net/netip"
	"slices"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Host is one node's TCP: its listening ports and connections. It is
// sans-IO: feed it segments with Input, take what it sends with Poll, and
// call Poll again no later than Deadline.
type Host struct {
	name   string
	addr   netip.Addr
	cfg    Config
	policy policy // chosen from cfg.Behaviour once, here
	// fromReceivePath is policy.sendsFromReceivePath(), asked once.
	fromReceivePath bool
	// emitsAtOnce: Input hands what output sends from the receive path
	// straight to emit when nothing waits before it (see Input).
	emitsAtOnce bool
	rng         *rand.Rand
	tr          trace.Sink
	reads       trace.KindSet // the kinds tr reads: records of others are not built

	// ConnID, when set, numbers each new connection from its endpoints, so
	// that a world of hosts can give both ends of a connection the same
	// number; otherwise the host numbers them 1, 2, … itself.
	ConnID func(local, remote netip.AddrPort) uint32

	listeners []uint16
	conns     []*Conn
	// last is the connection lookup found last: most segments in a row
	// are one connection's.
	last   *Conn
	nextID uint32
	out    []trace.Packet // segments built outside output (RSTs, the handshake's ACK), waiting to go
	// enqueue is the method value h.queue, made once: a method value
	// passed as the emit function would be allocated at every call.
	enqueue func(*trace.Packet)
	notices []Notice     // events not yet taken by Notices
	taken   []Notice     // the slice Notices returned last, reused
	pending bool         // something may have output to send
	rec     trace.Record // reused for the records of rare kinds
	// appRec, varRec and timerRec are reused for the records written on
	// every segment, each for its kind only: only the fields that kind
	// uses change, so a record is not cleared and rebuilt each time.
	appRec, varRec, timerRec trace.Record
	burst                    gsoBurst // the GSO packet output is building (gso.go), reused
	// noPrediction sends every segment through the general receive path,
	// header prediction off (input.go): for tests that hold the two alike.
	noPrediction bool
	// noSendFastPath sends every segment through send's general path: no
	// sendNew for new data, and the window chosen afresh for each segment
	// (chooseWindow): for tests that hold the two alike.
	noSendFastPath bool
}

// NewHost returns a host with the given name (for the trace), address and
// settings. rng draws its initial sequence numbers.
func NewHost(name string, addr netip.Addr, cfg Config, rng *rand.Rand, tr trace.Sink) *Host {
	if tr == nil {
		tr = trace.Discard
	}
	h := &Host{name: name, addr: addr, cfg: cfg, rng: rng, tr: tr, reads: trace.Reads(tr)}
	h.usePolicy(newPolicy(cfg.Behaviour))
	h.enqueue = h.queue
	h.emitsAtOnce = !h.reads.Has(trace.KindVar) && !h.reads.Has(trace.KindTimer)
	h.appRec = trace.Record{Kind: trace.KindApp, Node: name}
	h.varRec = trace.Record{Kind: trace.KindVar, Node: name}
	h.timerRec = trace.Record{Kind: trace.KindTimer, Node: name}
	return h
}

// usePolicy makes p the host's policy, with the answers the host takes from
// it once (a connection takes its own: policyAnswers).
func (h *Host) usePolicy(p policy) {
	h.policy = p
	h.fromReceivePath = p.sendsFromReceivePath()
}

// Name returns the host's name.
func (h *Host) Name() string { return h.name }

// Addr returns the host's address.
func (h *Host) Addr() netip.Addr { return h.addr }

// Conns returns the host's live connections, oldest first.
func (h *Host) Conns() []*Conn { return h.conns }

// Listen opens a passive port (RFC 9293 §3.10.1, passive OPEN).
func (h *Host) Listen(now sim.Time, port uint16) {
	if !slices.Contains(h.listeners, port) {
		h.listeners = append(h.listeners, port)
	}
	if r := h.record(now, trace.KindApp, 0); r != nil {
		r.App = trace.AppListen
		r.Value = int64(port)
		h.tr.Record(r)
	}
}

// Unlisten closes a passive port (CLOSE of a LISTEN socket, RFC 9293
// §3.10.4): SYNs for it are then answered as for no connection, with a RST
// (§3.10.7.1). Connections it accepted go on. The trace records an app
// close on connection 0 with the port.
func (h *Host) Unlisten(now sim.Time, port uint16) {
	if !slices.Contains(h.listeners, port) {
		return
	}
	h.listeners = slices.DeleteFunc(h.listeners, func(p uint16) bool { return p == port })
	if r := h.record(now, trace.KindApp, 0); r != nil {
		r.App = trace.AppClose
		r.Value = int64(port)
		h.tr.Record(r)
	}
}

// Connect opens a connection from local port lport to remote (RFC 9293
// §3.10.1, active OPEN): a SYN goes out at the next Poll.
func (h *Host) Connect(now sim.Time, lport uint16, remote netip.AddrPort) *Conn {
	c := h.newConn(netip.AddrPortFrom(h.addr, lport), remote)
	h.appRecord(now, c, trace.AppConnect, 0)
	c.setState(now, StateSynSent)
	h.pending = true
	return c
}

func (h *Host) newConn(local, peer netip.AddrPort) *Conn {
	h.nextID++
	id := h.nextID
	if h.ConnID != nil {
		id = h.ConnID(local, peer)
	}
	iss := h.cfg.ISS
	if !h.cfg.FixedISS {
		iss = wire.Seq(h.rng.Uint32())
	}
	cfg := &h.cfg
	c := &Conn{
		h: h, id: id, local: local, peer: peer,
		sender:   newSender(iss, newRTTEstimator(cfg.RTOInitial, cfg.RTOMin, cfg.RTOMax, h.policy), h.policy, cfg),
		receiver: receiver{acks: h.policy.delayedACKs(cfg), rbuf: h.policy.receiveBuffer(cfg), oowACKAt: sim.Never},
		timers:   newTimers(),
		pkt:      trace.Packet{Conn: id, Seg: wire.Segment{Src: local, Dst: peer}},
	}
	c.sndBuf = cfg.SendBuffer // tcp_init_sock: tcp_wmem[1], or SO_SNDBUF
	c.rfcACK, _ = c.acks.(*rfcACKs)
	_, c.rfcBuf = c.rbuf.(rfcBuffer)
	if cfg.WindowScaling {
		c.rcvWscale = c.rbuf.shift()
	}
	if cfg.TimerHZ > 0 && h.policy.rtoInTicks() {
		c.rtt.tick = tickOf(cfg.TimerHZ)
	}
	if cfg.Timestamps {
		c.tsOffset = h.rng.Uint32()
	}
	h.conns = append(h.conns, c)
	return c
}

// windowShift returns the smallest window scale that lets a buffer of n bytes
// be advertised whole (RFC 7323 §2.3; at most 14).
func windowShift(n int) uint8 {
	var s uint8
	for n>>s > 65535 && s < 14 {
		s++
	}
	return s
}

func (h *Host) lookup(local, peer netip.AddrPort) *Conn {
	if c := h.last; c != nil && c.local == local && c.peer == peer && c.state != StateClosed {
		return c
	}
	for _, c := range h.conns {
		if c.local == local && c.peer == peer && c.state != StateClosed {
			h.last = c
			return c
		}
	}
	return nil
}

// remove forgets a closed connection; its timers were stopped (and
// recorded) on the way to CLOSED.
func (h *Host) remove(c *Conn) {
	if d := c.deadline(); d != sim.Never {
		panic("tcp: a connection left with a timer running") // a broken invariant, never input
	}
	h.conns = slices.DeleteFunc(h.conns, func(x *Conn) bool { return x == c })
	if h.last == c {
		h.last = nil
	}
}

func (h *Host) markActive(*Conn) { h.pending = true }

// Notice is an event on a connection, as the application learns of it.
type Notice struct {
	Conn  *Conn
	Event Event
}

// notify queues an event for the application.
func (h *Host) notify(c *Conn, ev Event) { h.notices = append(h.notices, Notice{c, ev}) }

// HasNotices reports whether Notices has events to return.
func (h *Host) HasNotices() bool { return len(h.notices) > 0 }

// Notices returns the events queued since the last call, oldest first, and
// forgets them. The application learns of events only after the segment or
// timer that caused them has been processed in full (as smoltcp's sockets
// are asked after process, and a process runs after the kernel's softirq),
// so it never runs in the middle of TCP's own work. It may act on them
// (Read, Write, Close); what that queues is returned by the next call. The
// slice is valid until then.
func (h *Host) Notices() []Notice {
	if len(h.notices) == 0 {
		return nil // most polls have nothing to tell
	}
	h.taken, h.notices = h.notices, h.taken[:0]
	return h.taken
}

// Input processes a segment that arrived at now. emit receives the
// segments a stack sends from its receive path, before any application can
// run: a RST for a segment of no connection, and the handshake's final ACK;
// under a policy that sends from the receive path (Linux's), also the ACK
// due at once and what the segment's ACK lets go. Everything else waits for
// Poll. Events go to Notices.
func (h *Host) Input(now sim.Time, p *trace.Packet, emit func(*trace.Packet)) {
	seg := &p.Seg
	h.pending = true
	switch c := h.lookup(seg.Dst, seg.Src); {
	case c != nil:
		c.input(now, seg)
		if h.fromReceivePath && c.state != StateClosed {
			// What the segment lets go (an ACK due now, data its ACK
			// made room for) goes before any application runs, after
			// what the segment's processing queued. output writes no
			// records but var and timer ones: to a sink that reads
			// neither, sending each segment at once shows the same
			// records in the same order as queueing them all, without
			// copying each.
			if h.emitsAtOnce && len(h.out) == 0 {
				c.output(now, emit)
			} else {
				c.output(now, h.enqueue)
			}
		}
	case seg.Dst.Addr() == h.addr && slices.Contains(h.listeners, seg.Dst.Port()):
		h.listenInput(now, seg)
	default:
		h.closedInput(seg)
	}
	if len(h.out) > 0 {
		h.flushOut(emit)
	}
}

// queue keeps a copy of a segment built outside output for the next flushOut.
func (h *Host) queue(p *trace.Packet) { h.out = append(h.out, *p) }

// flushOut hands emit the queued segments.
func (h *Host) flushOut(emit func(*trace.Packet)) {
	for i := range h.out {
		emit(&h.out[i])
	}
	h.out = h.out[:0]
}

// closedInput answers a segment for no connection (RFC 9293 §3.10.7.1).
func (h *Host) closedInput(seg *wire.Segment) {
	switch {
	case seg.Flags&wire.RST != 0:
		// An incoming RST is discarded.
	case seg.Flags&wire.ACK == 0:
		h.sendRST(seg.Dst, seg.Src, 0, seg.Seq.Add(seg.SeqLen()), true, 0)
	default:
		h.sendRST(seg.Dst, seg.Src, seg.Ack, 0, false, 0)
	}
}

// listenInput handles a segment for a listening port (RFC 9293 §3.10.7.2).
func (h *Host) listenInput(now sim.Time, seg *wire.Segment) {
	switch {
	case seg.Flags&wire.RST != 0:
		return
	case seg.Flags&wire.ACK != 0:
		h.sendRST(seg.Dst, seg.Src, seg.Ack, 0, false, 0)
		return
	case seg.Flags&wire.SYN == 0:
		return
	}
	c := h.newConn(seg.Dst, seg.Src)
	c.passive = true
	c.state = StateListen
	c.irs = seg.Seq
	c.rcvNxt = seg.Seq.Add(1)
	c.rcvAdv = c.rcvNxt
	c.takeSYNOptions(seg)
	c.sndWnd = uint32(seg.Window) // never scaled in a SYN (RFC 7323 §2.2)
	c.maxSndWnd = c.sndWnd
	c.sndWl1 = seg.Seq
	c.sndWl2 = c.iss
	c.setState(now, StateSynReceived)
	// Data in a SYN is not kept: the peer sends it again (RFC 9293 §3.10.7.2 allows this).
}

// sendRST queues a reset for Poll.
func (h *Host) sendRST(src, dst netip.AddrPort, seq, ack wire.Seq, withACK bool, conn uint32) {
	p := trace.Packet{Conn: conn}
	p.Seg.Src, p.Seg.Dst = src, dst
	p.Seg.Seq = seq
	p.Seg.Flags = wire.RST
	if withACK {
		p.Seg.Flags |= wire.ACK
		p.Seg.Ack = ack
	}
	h.out = append(h.out, p)
	h.pending = true
}

// Poll fires the timers due at now and hands every segment to send now to
// emit, in order. emit must not keep the *Packet. It returns the
// Deadline it leaves the host with, which it computes to know it is done.
func (h *Host) Poll(now sim.Time, emit func(p *trace.Packet)) sim.Time {
	for round := 0; ; round++ {
		if !h.pending {
			if d := h.Deadline(); d > now {
				return d
			}
		}
		if round > 1000 {
			panic("tcp: Poll did not settle") // a broken invariant, never input
		}
		h.pending = false
		if len(h.out) > 0 {
			h.flushOut(emit)
		}
		// Connections may close (and leave h.conns) while we walk it.
		for i := 0; i < len(h.conns); i++ {
			c := h.conns[i]
			if c.deadline() <= now {
				c.onTimers(now, emit)
				if i >= len(h.conns) || h.conns[i] != c {
					continue // it closed and is gone
				}
			}
			c.output(now, emit)
		}
	}
}

// Deadline returns when Poll must next be called, or sim.Never.
func (h *Host) Deadline() sim.Time {
	d := sim.Never
	for _, c := range h.conns {
		d = min(d, c.deadline())
	}
	return d
}

// record returns the host's reusable record, reset for a new entry, or
// nil when the sink does not read records of kind k: then none is built.
func (h *Host) record(now sim.Time, k trace.Kind, conn uint32) *trace.Record {
	if !h.reads.Has(k) {
		return nil
	}
	h.rec = trace.Record{T: now, Kind: k, Node: h.name, Conn: conn}
	return &h.rec
}

func (h *Host) appRecord(now sim.Time, c *Conn, op trace.AppOp, n int64) {
	if !h.reads.Has(trace.KindApp) {
		return
	}
	r := &h.appRec
	r.T, r.Conn, r.App, r.Value = now, c.id, op, n
	h.tr.Record(r)
}

// varRecord writes a var record if the sink reads them (a summary does
// not): the check inlines, the record is built out of line.
func (h *Host) varRecord(now sim.Time, c *Conn, v trace.Var, value int64) {
	if h.reads.Has(trace.KindVar) {
		h.writeVar(now, c, v, value)
	}
}

func (h *Host) writeVar(now sim.Time, c *Conn, v trace.Var, value int64) {
	r := &h.varRec
	r.T, r.Conn, r.Var, r.Value = now, c.id, v, value
	h.tr.Record(r)
}

// timerRecord writes a timer record if the sink reads them, as varRecord.
func (h *Host) timerRecord(now sim.Time, c *Conn, t trace.Timer, op trace.TimerOp, at sim.Time, n int) {
	if h.reads.Has(trace.KindTimer) {
		h.writeTimer(now, c, t, op, at, n)
	}
}

func (h *Host) writeTimer(now sim.Time, c *Conn, t trace.Timer, op trace.TimerOp, at sim.Time, n int) {
	r := &h.timerRec
	r.T, r.Conn, r.Timer, r.TimerOp, r.At, r.Value = now, c.id, t, op, at, int64(n)
	h.tr.Record(r)
}
