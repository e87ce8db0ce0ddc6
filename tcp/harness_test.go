package tcp

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// Packet-level test harness, in the manner of smoltcp's socket tests: the
// test plays the peer, feeding segments at explicit times and asserting
// exactly what the host sends and when.

const (
	localISS  wire.Seq = 100
	remoteISS wire.Seq = 300
)

var (
	localAddr  = netip.MustParseAddrPort("10.0.0.1:49152")
	remoteAddr = netip.MustParseAddrPort("10.0.0.2:80")
)

func ms(n int64) sim.Time { return sim.Time(n * int64(time.Millisecond)) }

// seg is an expected or injected segment. Fields left zero are not compared,
// except seq, ack, flags and len, which always are.
type seg struct {
	seq, ack wire.Seq
	flags    wire.Flags
	len      uint32
	win      uint32 // compared (as bytes, after scaling) when non-zero
	zeroWin  bool   // the window must be 0
	field    uint16 // the window field as sent (before scaling), compared when non-zero
	mss      uint16 // compared when non-zero
	// hasWScale puts a window scale option of wscale in an injected segment
	// and requires exactly that option in an expected one; noWScale requires
	// that an expected segment carries none (RFC 7323 §2.2).
	wscale    uint8
	hasWScale bool
	noWScale  bool
	labels    trace.Label // compared when non-zero
	noLabels  bool        // the segment must carry no labels at all
	n         int32       // the labels' ordinal (dup-ACK #n), compared when non-zero
	// sackOK puts SACK-permitted in an injected segment (a SYN); sack puts
	// those SACK blocks in it. Neither is compared in expected segments.
	sackOK bool
	sack   []wire.SACKBlock
}

func (s seg) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%v] seq=%d ack=%d len=%d", s.flags, s.seq, s.ack, s.len)
	if s.win != 0 {
		fmt.Fprintf(&b, " win=%d", s.win)
	}
	if s.labels != 0 {
		fmt.Fprintf(&b, " labels=%v", s.labels)
	}
	if s.n != 0 {
		fmt.Fprintf(&b, " n=%d", s.n)
	}
	return b.String()
}

type sent struct {
	at  sim.Time
	pkt trace.Packet
}

type harness struct {
	t      *testing.T
	host   *Host
	conn   *Conn
	now    sim.Time
	out    []sent // segments sent and not yet expected
	log    trace.Log
	events []Event
	// peerWscale is the shift the test peer applies to windows it sends.
	peerWscale uint8
	// autoRead makes the application read everything as soon as it arrives.
	autoRead bool
	// onReadable, when set, replaces autoRead: it is called when data has
	// arrived, before the host's next Poll builds the ACK for it.
	onReadable func(now sim.Time, c *Conn)
}

// newHarness returns a harness whose host has the settings cfg and, when
// pol is given, that policy instead of cfg.Behaviour's (a test of one Linux
// behaviour on an otherwise RFC host, with RFC timings).
func newHarness(t *testing.T, cfg Config, pol ...policy) *harness {
	t.Helper()
	h := &harness{t: t, autoRead: true}
	h.host = NewHost("local", localAddr.Addr(), cfg, sim.NewRand(1, "test"), &h.log)
	if len(pol) > 0 {
		h.host.usePolicy(pol[0])
	}
	return h
}

// setPolicy gives the host policy p in place of its own, once the
// connection is made: the connection takes again the answers it took
// from the policy when it was made (policyAnswers).
func (h *harness) setPolicy(p policy) {
	h.host.usePolicy(p)
	if h.conn != nil {
		h.conn.asks = answersOf(p, &h.host.cfg)
	}
}

// mixedPolicy is the rfc policy with the Linux behaviours a test asks for,
// one switch per policy method (so a test keeps the RFC's timings and
// windows for everything else).
type mixedPolicy struct {
	rfcPolicy
	linuxProbes      bool // tcp_xmit_probe_skb's probe form
	keepaliveRST     bool // a RST when keepalive gives up (tcp_keepalive_timer)
	probeAbortRST    bool // a RST when zero-window probing gives up (as BSD's tcp_drop; neither profile)
	linuxRetries     bool // retransmits_timed_out
	linuxUserTimeout bool // TCP_USER_TIMEOUT's scope
	linuxRTO         bool // tcp_set_rto
	linuxIW          bool // tcp_init_transfer's cwnd after SYN loss
	linuxSYN         bool // a retransmitted SYN gets the SYN,ACK at once (tcp_check_req)
	linuxSACK        bool // the SACK scoreboard survives an RTO (tcp_enter_loss)
	linuxNoRescue    bool // SACK recovery resends only lost holes (tcp_xmit_retransmit_queue)
	linuxReset       bool // an abort sends RST,ACK with the window (tcp_send_active_reset)
	linuxPersist     bool // the persist timer runs from each answer (tcp_ack_probe)
}

func (m mixedPolicy) activeResetACK() bool { return pick(m.linuxReset).activeResetACK() }

// pick returns the Linux policy when on is set, else the RFC one.
func pick(on bool) policy {
	if on {
		return linuxPolicy{}
	}
	return rfcPolicy{}
}

func (m mixedPolicy) retriesExhausted(n, limit int, stalled time.Duration) bool {
	return pick(m.linuxRetries).retriesExhausted(n, limit, stalled)
}
func (m mixedPolicy) rto(srtt, k, lo, hi time.Duration) time.Duration {
	return pick(m.linuxRTO).rto(srtt, k, lo, hi)
}
func (m mixedPolicy) oneSegmentAfterSYN(n int) bool { return pick(m.linuxIW).oneSegmentAfterSYN(n) }
func (m mixedPolicy) answerRetransmittedSYN() bool  { return m.linuxSYN }
func (m mixedPolicy) keepSACKedAfterRTO() bool      { return m.linuxSACK }
func (m mixedPolicy) sackRescue() bool              { return !m.linuxNoRescue }

func (m mixedPolicy) probe(kind probeKind, una, nxt, end wire.Seq, garbage bool) (wire.Seq, uint32) {
	return pick(m.linuxProbes).probe(kind, una, nxt, end, garbage)
}

func (m mixedPolicy) resetOnGiveUp(kind probeKind) bool {
	return kind == keepaliveProbe && m.keepaliveRST || kind == zeroWindowProbe && m.probeAbortRST
}

func (m mixedPolicy) userTimeoutCovers(s State) bool {
	return pick(m.linuxUserTimeout).userTimeoutCovers(s)
}

func (m mixedPolicy) userTimeoutEndsProbing() bool { return m.linuxUserTimeout }
func (m mixedPolicy) persistFromAnswer() bool      { return m.linuxPersist }

// notices hands the application the events the host queued, as a real
// application learns of them: after the host has processed what caused
// them. It reports whether there were any.
func (h *harness) notices() bool {
	ns := h.host.Notices()
	for _, n := range ns {
		c, ev := n.Conn, n.Event
		h.events = append(h.events, ev)
		if h.conn == nil {
			h.conn = c
		}
		switch {
		case ev != EventReadable:
		case h.onReadable != nil:
			h.onReadable(h.now, c)
		case h.autoRead:
			c.Read(h.now, c.Readable())
		}
	}
	return len(ns) > 0
}

func (h *harness) emit(p *trace.Packet) { h.out = append(h.out, sent{h.now, *p}) }

// testConfig is the rfc profile with a fixed ISS and every segment ACKed at
// once; delayed-ACK tests turn DelayedACK back on.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.ISS, cfg.FixedISS = localISS, true
	cfg.DelayedACK = 0
	return cfg
}

// advance fires every timer due up to at, collecting what is sent.
func (h *harness) advance(at sim.Time) {
	h.t.Helper()
	if at < h.now {
		h.t.Fatalf("time goes backwards: %v after %v", at, h.now)
	}
	for {
		d := h.host.Deadline()
		if d > at {
			break
		}
		h.now = d
		h.poll()
	}
	h.now = at
}

// poll lets the application act on what it was told, then the host send,
// until neither has anything more to do at this instant.
func (h *harness) poll() {
	h.notices()
	h.host.Poll(h.now, h.emit)
	for h.notices() {
		h.host.Poll(h.now, h.emit)
	}
}

// send delivers s from the peer at time at.
func (h *harness) send(at sim.Time, s seg) {
	h.t.Helper()
	h.advance(at)
	p := trace.Packet{}
	p.Seg = wire.Segment{Src: remoteAddr, Dst: localAddr, Seq: s.seq, Ack: s.ack, Flags: s.flags, Len: s.len}
	w := s.win
	if w == 0 && !s.zeroWin {
		w = 65535
	}
	if s.flags&wire.SYN == 0 {
		w >>= h.peerWscale
	}
	p.Seg.Window = uint16(min(w, 65535))
	p.Seg.Opt.MSS = s.mss
	p.Seg.Opt.HasWScale, p.Seg.Opt.WScale = s.hasWScale, s.wscale
	p.Seg.Opt.SACKPermitted = s.sackOK
	p.Seg.Opt.NumSACK = uint8(copy(p.Seg.Opt.SACK[:], s.sack))
	h.host.Input(h.now, &p, h.emit)
	h.poll()
}

// sendRaw delivers a segment built by the caller.
func (h *harness) sendRaw(at sim.Time, s wire.Segment) {
	h.t.Helper()
	h.advance(at)
	p := trace.Packet{Seg: s}
	h.host.Input(h.now, &p, h.emit)
	h.poll()
}

// expect asserts that exactly segs, in order, were sent at time at (and
// nothing else unexpected before).
func (h *harness) expect(at sim.Time, segs ...seg) {
	h.t.Helper()
	h.advance(at)
	for i, want := range segs {
		if len(h.out) == 0 {
			h.t.Fatalf("at %v: expected %v (#%d), nothing was sent", at, want, i+1)
		}
		got := h.out[0]
		h.out = h.out[1:]
		if got.at != at {
			h.t.Fatalf("expected %v at %v, but %v was sent at %v", want, at, got.pkt.Seg.String(), got.at)
		}
		h.compare(want, got.pkt)
	}
	h.expectNothing(at)
}

func (h *harness) compare(want seg, got trace.Packet) {
	h.t.Helper()
	g := got.Seg
	ok := g.Seq == want.seq && g.Ack == want.ack && g.Flags == want.flags && g.Len == want.len
	if want.win != 0 && got.Win != want.win || want.zeroWin && got.Win != 0 {
		ok = false
	}
	if want.field != 0 && g.Window != want.field {
		ok = false
	}
	if want.mss != 0 && g.Opt.MSS != want.mss {
		ok = false
	}
	if want.hasWScale && (!g.Opt.HasWScale || g.Opt.WScale != want.wscale) || want.noWScale && g.Opt.HasWScale {
		ok = false
	}
	if want.labels != 0 && got.Labels != want.labels || want.noLabels && got.Labels != 0 {
		ok = false
	}
	if want.n != 0 && got.N != want.n {
		ok = false
	}
	if g.Src != localAddr || g.Dst != remoteAddr {
		ok = false
	}
	if !ok {
		h.t.Fatalf("at %v: want %v\n             got %v (win %d labels %v n=%d)", h.now, want, g.String(), got.Win, got.Labels, got.N)
	}
}

// expectNothing asserts nothing was sent up to at beyond what was expected.
func (h *harness) expectNothing(at sim.Time) {
	h.t.Helper()
	h.advance(at)
	if len(h.out) > 0 {
		h.t.Fatalf("at %v: unexpected %v sent at %v", at, h.out[0].pkt.Seg.String(), h.out[0].at)
	}
}

func (h *harness) write(at sim.Time, n int) {
	h.t.Helper()
	h.advance(at)
	if got := h.conn.Write(h.now, n); got != n {
		h.t.Fatalf("Write(%d) took %d", n, got)
	}
	h.poll()
}

// read has the application take n bytes; all n must be readable.
func (h *harness) read(at sim.Time, n int) {
	h.t.Helper()
	h.advance(at)
	if got := h.conn.Read(h.now, n); got != n {
		h.t.Fatalf("Read(%d) took %d", n, got)
	}
	h.poll()
}

func (h *harness) close(at sim.Time) {
	h.t.Helper()
	h.advance(at)
	h.conn.Close(h.now)
	h.poll()
}

// abort has the application reset the connection (RFC 9293 §3.10.5).
func (h *harness) abort(at sim.Time) {
	h.t.Helper()
	h.advance(at)
	h.conn.Abort(h.now)
	h.poll()
}

// newSynSent returns a client that has sent its SYN at 0. The SYN's window
// is the receive buffer, at most 65,535: a SYN's window is never scaled
// (RFC 7323 §2.2).
func newSynSent(t *testing.T, cfg Config, pol ...policy) *harness {
	t.Helper()
	h := newHarness(t, cfg, pol...)
	h.conn = h.host.Connect(0, localAddr.Port(), remoteAddr)
	h.poll()
	h.expect(0, seg{seq: cfg.ISS, flags: wire.SYN, win: synWindowOf(cfg), mss: uint16(cfg.MSS), noLabels: true})
	return h
}

// synWindowOf is the window of the SYN a client with settings cfg sends:
// the buffer, at most 65,535 (rfc), or, on Linux, its window space rounded
// down to whole segments (tcp_select_initial_window: 64240 on default
// buffers).
func synWindowOf(cfg Config) uint32 {
	if cfg.Behaviour == BehaviourLinux {
		return newLinuxBuffer(cfg.RecvBuffer, cfg.WindowScaling).synWindow(windowRoom{}, uint32(cfg.MSS))
	}
	return uint32(min(cfg.RecvBuffer, 65535))
}

// wscaleOf is the window scale a host with settings cfg offers: what its
// buffer needs (RFC 7323 §2.3), or, on Linux, what covers tcp_rmem[2] (7)
// or the locked buffer.
func wscaleOf(cfg Config) uint8 {
	if cfg.Behaviour == BehaviourLinux {
		return newLinuxBuffer(cfg.RecvBuffer, cfg.WindowScaling).shift()
	}
	return windowShift(cfg.RecvBuffer)
}

// newEstablished returns a client whose handshake completed at 50 ms with an
// RTT sample of 50 ms.
func newEstablished(t *testing.T) *harness {
	t.Helper()
	return newEstablishedCfg(t, testConfig())
}

// newEstablishedCfg is newEstablished with the given settings (cfg.ISS must
// be localISS), and policy if given; the peer announces an MSS of 1460 and
// no window scaling.
func newEstablishedCfg(t *testing.T, cfg Config, pol ...policy) *harness {
	t.Helper()
	h := newSynSent(t, cfg, pol...)
	h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: wire.SYN | wire.ACK, mss: 1460})
	h.expect(ms(50), seg{seq: localISS + 1, ack: remoteISS + 1, flags: wire.ACK})
	if h.conn.State() != StateEstablished {
		t.Fatalf("state %v, want ESTABLISHED", h.conn.State())
	}
	return h
}

// appBytes sums the application's operations of kind op ("read", "write").
func (h *harness) appBytes(op trace.AppOp) int64 {
	var n int64
	for _, r := range h.log.Records {
		if r.Kind == trace.KindApp && r.App == op {
			n += r.Value
		}
	}
	return n
}

// lifecycle returns the events reported other than EventReadable and
// EventWritable, which come with every data segment and ACK.
func (h *harness) lifecycle() []Event {
	var out []Event
	for _, ev := range h.events {
		if ev != EventReadable && ev != EventWritable {
			out = append(out, ev)
		}
	}
	return out
}

// states returns the state transitions recorded, as "A→B" strings.
func (h *harness) states() []string {
	var out []string
	for _, r := range h.log.Records {
		if r.Kind == trace.KindState {
			out = append(out, r.From.String()+"→"+r.To.String())
		}
	}
	return out
}

// recovery returns the connection's fast-recovery state, whichever loss
// recovery it uses.
func (h *harness) recovery() *fastRecovery {
	switch r := h.conn.lr.(type) {
	case *cumulativeRecovery:
		return &r.fastRecovery
	case *sackRecovery:
		return &r.fastRecovery
	}
	h.t.Fatalf("no loss recovery (%T)", h.conn.lr)
	return nil
}

// inGSO returns segs as Linux sends them in GSO packets of n segments
// each (gso.go): PSH on the last segment of each packet of two or more.
// n < 2 leaves them as they are (the rfc profile's segment by segment).
func inGSO(n int, segs ...seg) []seg {
	out := slices.Clone(segs)
	if n < 2 {
		return out
	}
	for i := n - 1; i < len(out); i += n {
		out[i].flags |= wire.PSH
	}
	if rest := len(out) % n; rest > 1 {
		out[len(out)-1].flags |= wire.PSH
	}
	return out
}
