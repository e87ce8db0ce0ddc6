package kernel

import (
	"io"
	"net/netip"
	"sync"
	"time"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/trace/analysis"
	"github.com/tcpsim/tcpsim/wire"
)

// The two sides of a run, as indices.
const (
	clientSide = 0
	serverSide = 1
)

// device is a TUN device as the relay uses it: whole IP packets in and out.
type device interface {
	io.ReadWriter
}

// relay carries packets between the two hosts' devices through the
// scenario's own links. It owns a sim.Engine that it keeps in step with the
// wall clock: virtual time is the wall time since the start. A packet read
// at t is offered to its link at t (the engine first catches up with t);
// the relay sleeps until the engine's next event and then runs it, which
// delivers what arrives by writing it to the other device. So the link's
// delay, rate, queue, random loss, outages and drop rules act on real
// packets as they act in the simulation.
//
// Everything but the readers runs on the relay's loop goroutine: the
// engine, the links and the analysis are single-goroutine, as everywhere
// in the simulator.
type relay struct {
	rec   *recorder
	e     *sim.Engine
	names [2]string
	addrs [2]netip.Addr
	devs  [2]device
	// route[i] is the link host i's packets take; backup the second path's
	// links, once the client moves to it (reroute).
	route, backup [2]*link.Link
	// fixedISS[i] is the scenario's ISS for host i, when it sets one: the
	// trace numbers host i's bytes from it (see mapISN).
	fixedISS [2]*wire.Seq
	shifts   map[uint32]*[2]isnShift
	an       *analysis.Analyzer
	conns    *connTable
	pcap     *capture // nil for none
	down     [2]bool  // the host has crashed
	onCrash  func(side int)
	// rebooting[i] is set from host i's reboot until its application has
	// aborted the old stack's sockets (up); upAt[i] is a little after that.
	// Until then the relay swallows, unrecorded, what host i sends: the
	// old stack's last words (the RSTs of the aborts), which a rebooted
	// host never sends.
	rebooting [2]bool
	upAt      [2]sim.Time
	onReboot  func(side int)

	raw    map[uint64][]byte // the bytes of each packet the links hold, by packet ID
	nextID uint64

	in   chan packetIn
	ctl  chan func()
	stop chan struct{}
	done chan struct{} // closed when the loop has returned
	wg   sync.WaitGroup

	// Counted on the loop, read after it has stopped.
	skipped   int   // packets that were not IPv4/TCP between the two hosts
	swallowed int   // packets a rebooting host's old stack sent
	writeErr  error // the first error writing to a device
	runErr    error // the engine's budget ran out
	last      sim.Time
}

// packetIn is a packet read from host side's device at run time at.
type packetIn struct {
	side int
	at   sim.Time
	b    []byte
}

// isnShift is what is added to one side's sequence numbers in the trace.
type isnShift struct {
	set bool
	d   uint32
}

// newRelay builds the relay of scenario s between the two devices. It
// writes nothing and starts nothing: see start.
func newRelay(s *scenarios.Scenario, rec *recorder, devs [2]device, pcap *capture, conns *connTable) *relay {
	r := &relay{
		rec:    rec,
		e:      sim.NewEngine(s.EventBudget),
		names:  [2]string{s.Client.Name, s.Server.Name},
		addrs:  [2]netip.Addr{s.Client.Addr, s.Server.Addr},
		devs:   devs,
		shifts: make(map[uint32]*[2]isnShift),
		an:     analysis.NewAnalyzer(),
		conns:  conns,
		pcap:   pcap,
		raw:    make(map[uint64][]byte),
		in:     make(chan packetIn, 256),
		ctl:    make(chan func()),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	for i, ep := range []*scenarios.Endpoint{&s.Client, &s.Server} {
		if ep.TCP.FixedISS {
			iss := ep.TCP.ISS
			r.fixedISS[i] = &iss
		}
	}
	// The same random streams as the simulation's links (scenarios.Run).
	r.route[clientSide] = r.newLink(s, clientSide, s.ClientToServer, "link/client→server")
	r.route[serverSide] = r.newLink(s, serverSide, s.ServerToClient, "link/server→client")
	if s.Backup != nil {
		r.backup[clientSide] = r.newLink(s, clientSide, s.Backup.ClientToServer, "link/backup/client→server")
		r.backup[serverSide] = r.newLink(s, serverSide, s.Backup.ServerToClient, "link/backup/server→client")
	}
	return r
}

// newLink makes the link that carries host from's packets to the other.
func (r *relay) newLink(s *scenarios.Scenario, from int, cfg link.Config, stream string) *link.Link {
	to := 1 - from
	l := link.New(r.names[from], r.names[to], cfg, r.e, sim.NewRand(s.Seed, stream), linkSink{r}, func(_ sim.Time, p *trace.Packet) {
		b := r.raw[p.ID]
		delete(r.raw, p.ID)
		if _, err := r.devs[to].Write(b); err != nil && r.writeErr == nil {
			r.writeErr = err
		}
	})
	l.SetRefuse(func(sim.Time) bool { return r.down[to] })
	return l
}

// linkSink passes the links' records to the recorder. A drop frees the
// packet's bytes; a delivery is stamped when it is written, which is when
// the relay got round to it, a little after the engine's instant.
type linkSink struct{ r *relay }

func (s linkSink) Record(rec *trace.Record) {
	k := *rec
	switch k.Kind {
	case trace.KindDrop:
		delete(s.r.raw, k.Pkt.ID)
	case trace.KindDeliver:
		k.T = max(k.T, s.r.rec.now())
	}
	s.r.rec.record(&k)
}

// at schedules f at run time t on the relay's engine. Call it before start.
func (r *relay) at(t time.Duration, f func(now sim.Time)) { r.e.After(t, f) }

// crash silences host side from now on: what it sends and what is sent to
// it is dropped. It runs on the loop.
func (r *relay) crash(side int, now sim.Time) {
	if r.down[side] {
		return
	}
	r.down[side] = true
	r.rec.record(&trace.Record{T: now, Kind: trace.KindHost, Node: r.names[side], Host: trace.HostCrash})
	if r.onCrash != nil {
		r.onCrash(side)
	}
}

// rebootGrace is how long after a rebooting host's application has closed
// its old sockets the relay still swallows what the host sends: the RSTs
// of those aborts are queued on its device when close returns, and the
// relay's reader takes a moment to read them.
const rebootGrace = 5 * time.Millisecond

// reboot starts host side's reboot (scenarios/world/host.go, Reboot): the
// relay swallows what the host sends while its application aborts the old
// stack's connections (onReboot), until up. It runs on the loop.
func (r *relay) reboot(side int, now sim.Time) {
	if r.down[side] {
		return
	}
	r.rebooting[side] = true
	r.upAt[side] = sim.Never
	r.rec.record(&trace.Record{T: now, Kind: trace.KindHost, Node: r.names[side], Host: trace.HostReboot})
	if r.onReboot != nil {
		r.onReboot(side)
	}
}

// up ends host side's reboot: its old sockets are closed, and from a moment
// later (rebootGrace) what it sends is the fresh stack's. It runs on the
// loop.
func (r *relay) up(side int) {
	r.rebooting[side] = false
	r.upAt[side] = r.rec.now().Add(rebootGrace)
}

// start starts the loop and a reader for each device.
func (r *relay) start() {
	r.wg.Add(3)
	go r.loop()
	for side := range r.devs {
		go r.read(side)
	}
}

// halt stops the loop and waits for it; the readers end when their
// devices are closed (see wait).
func (r *relay) halt() {
	select {
	case <-r.stop:
	default:
		close(r.stop)
	}
	<-r.done
}

// wait waits for the loop and the readers to return. Close the devices
// first.
func (r *relay) wait() { r.wg.Wait() }

// do runs f on the loop and waits for it; it reports false when the loop
// has stopped.
func (r *relay) do(f func()) bool {
	ran := make(chan struct{})
	select {
	case r.ctl <- func() { f(); close(ran) }:
		<-ran
		return true
	case <-r.done:
		return false
	}
}

// read reads packets from host side's device until it fails (it is closed)
// or the relay stops.
func (r *relay) read(side int) {
	defer r.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, err := r.devs[side].Read(buf)
		if err != nil {
			return
		}
		p := packetIn{side: side, at: r.rec.now(), b: append([]byte(nil), buf[:n]...)}
		select {
		case r.in <- p:
		case <-r.stop:
			return
		}
	}
}

// loop runs the engine in step with the wall clock until halt.
func (r *relay) loop() {
	defer r.wg.Done()
	defer close(r.done)
	w := newWaker()
	defer w.Close()
	for {
		if next := r.e.Next(); next != sim.Never {
			w.Set(time.Until(r.rec.wall(next)))
		} else {
			w.Stop()
		}
		select {
		case <-r.stop:
			return
		case p := <-r.in:
			r.handle(p)
		case f := <-r.ctl:
			f()
		case <-w.C():
		}
		r.advance(r.rec.now())
	}
}

// advance runs every event due by t and moves the engine's clock to t.
func (r *relay) advance(t sim.Time) {
	t = max(t, r.e.Now())
	if err := r.e.Run(t); err != nil && r.runErr == nil {
		r.runErr = err
	}
	r.e.AdvanceTo(t)
}

// handle offers a packet read from a device to its link.
func (r *relay) handle(p packetIn) {
	t := max(p.at, r.e.Now())
	r.advance(t)
	seg, err := wire.ParseIPv4(p.b)
	if err != nil || seg.Src.Addr() != r.addrs[p.side] || seg.Dst.Addr() != r.addrs[1-p.side] {
		r.skipped++ // only TCP between the two hosts is modelled
		return
	}
	if r.rebooting[p.side] || p.at < r.upAt[p.side] {
		r.swallowed++ // the old stack's: see reboot
		return
	}
	r.last = t
	if r.pcap != nil {
		r.pcap.write(r.rec.wall(p.at), p.b)
	}
	v := r.an.Analyze(&seg)
	r.conns.note(seg.Src, seg.Dst, v.Conn)
	r.mapISN(v.Conn, p.side, &seg)
	r.nextID++
	pkt := trace.Packet{ID: r.nextID, Seg: seg, Win: v.Win, Labels: v.Labels, N: v.N, Conn: v.Conn}
	if r.down[p.side] {
		// A crashed host is silent: the relay swallows what its kernel,
		// still running here, sends.
		r.emit(t, trace.KindSend, p.side, &pkt, trace.Drop{})
		r.emit(t, trace.KindDrop, p.side, &pkt, trace.Drop{Code: trace.DropRule, Rule: r.names[p.side] + " crashed"})
		return
	}
	r.raw[pkt.ID] = p.b
	r.route[p.side].Send(t, &pkt)
}

// emit writes a packet record of the relay's own.
func (r *relay) emit(t sim.Time, k trace.Kind, side int, p *trace.Packet, why trace.Drop) {
	r.rec.record(&trace.Record{T: t, Kind: k, Node: r.names[side], Peer: r.names[1-side], Conn: p.Conn, Pkt: p, Drop: why})
}

// mapISN renumbers a segment of connection conn from host side for the
// trace, so that each host's bytes are numbered from the scenario's ISS
// when it sets one, as the simulation numbers them: the kernel draws its
// own ISN, and drop rules on sequence numbers (seq: 1101) and the textbook
// numbers of the ladder mean the scenario's. The shift of a side is learned
// from its SYN; its acknowledgment numbers and SACK blocks are shifted by
// the other side's. The bytes forwarded, and the pcap, keep the real
// numbers.
func (r *relay) mapISN(conn uint32, side int, s *wire.Segment) {
	sh := r.shifts[conn]
	if sh == nil {
		sh = new([2]isnShift)
		r.shifts[conn] = sh
	}
	if iss := r.fixedISS[side]; iss != nil && s.Flags&wire.SYN != 0 && !sh[side].set {
		sh[side] = isnShift{set: true, d: uint32(*iss - s.Seq)}
	}
	s.Seq = s.Seq.Add(sh[side].d)
	if s.Flags&wire.ACK != 0 {
		s.Ack = s.Ack.Add(sh[1-side].d)
	}
	for i := range s.Opt.SACK[:s.Opt.NumSACK] {
		b := &s.Opt.SACK[i]
		b.Left, b.Right = b.Left.Add(sh[1-side].d), b.Right.Add(sh[1-side].d)
	}
}

// reroute moves the traffic to the backup path, once. It runs on the loop.
func (r *relay) reroute() {
	if r.backup[clientSide] == nil || r.route[clientSide] == r.backup[clientSide] {
		return
	}
	r.advance(r.rec.now())
	r.route = r.backup
	r.rec.record(&trace.Record{T: r.e.Now(), Kind: trace.KindLink, Node: r.names[clientSide] + "↔" + r.names[serverSide], Link: trace.LinkReroute})
}

// idle reports, on the loop, when the last packet was read and whether the
// links hold none.
func (r *relay) idle() (last sim.Time, empty bool) {
	empty = true
	for _, ls := range [][2]*link.Link{r.route, r.backup} {
		for _, l := range ls {
			if l != nil && l.Stats().InFlight > 0 {
				empty = false
			}
		}
	}
	return r.last, empty
}

// connTable numbers the connections for the applications' records: the
// relay notes each connection's number as it sees its packets, and an
// application looks up its own by its addresses.
type connTable struct {
	mu sync.Mutex
	m  map[pairKey]uint32
}

// pairKey names a connection by its two ends, the smaller first.
type pairKey struct{ a, b netip.AddrPort }

func lessAddrPort(x, y netip.AddrPort) bool {
	if c := x.Addr().Compare(y.Addr()); c != 0 {
		return c < 0
	}
	return x.Port() < y.Port()
}

func newConnTable() *connTable { return &connTable{m: make(map[pairKey]uint32)} }

func orderedPair(a, b netip.AddrPort) pairKey {
	if lessAddrPort(b, a) {
		return pairKey{b, a}
	}
	return pairKey{a, b}
}

func (t *connTable) note(a, b netip.AddrPort, n uint32) {
	t.mu.Lock()
	t.m[orderedPair(a, b)] = n
	t.mu.Unlock()
}

// lookup returns the number of the connection between a and b, or 0 when
// the relay has seen none.
func (t *connTable) lookup(a, b netip.AddrPort) uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[orderedPair(a, b)]
}
