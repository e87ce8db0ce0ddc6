package tcp

// Header prediction (input.go, predicted): a segment an established
// connection expects next skips the first four steps of RFC 9293
// §3.10.7.4's processing and the checks of the rest that cannot apply to
// it. These tests hold it to the general path: the same transfers, run
// once with prediction and once without (every segment through the
// general path), must send the same segments at the same times and write
// the same trace records.

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// pathCase is a transfer between two hosts over a path with a fixed delay
// each way, serialized at a rate, with faults drawn from a seeded stream.
type pathCase struct {
	name             string
	profile          string
	tweak            func(c *Config) // both hosts' settings, after the profile's
	send, reply      int             // bytes the client writes, and the server once it has read them
	loss, dup, delay float64         // probabilities per packet: dropped, duplicated, held back
	readEvery        time.Duration   // the server reads readBytes this often; 0: everything at once
	readBytes        int
	// pause, when set, holds the server's reads between 300 ms and 4.3 s:
	// the window closes, probes go, and it reopens.
	pause bool
	// reads, when set, is the kinds the hosts' sink reads; otherwise it
	// reads every kind.
	reads trace.KindSet
	// noSendFastPath builds every segment through send's general path
	// (output_test.go).
	noSendFastPath bool
}

// pathRun is what a run of a pathCase produced.
type pathRun struct {
	records   []trace.Record // both hosts', in order
	sent      []string       // every segment sent, with its time and sender
	predicted int            // segments that took the predicted path
	delivered int            // bytes the server read
}

// pathFlight is a packet on its way to a host.
type pathFlight struct {
	at  sim.Time
	n   int // order of sending, for ties
	to  *Host
	pkt trace.Packet
}

// runPath runs pc between a client and a server host, with header
// prediction or (noPrediction) without, until nothing is left to happen.
func runPath(t *testing.T, pc pathCase, noPrediction bool) pathRun {
	t.Helper()
	cfg, err := Profile(pc.profile)
	require.NoError(t, err)
	if pc.tweak != nil {
		pc.tweak(&cfg)
	}
	var log trace.Log
	var sink trace.Sink = &log
	if pc.reads != 0 {
		sink = &selectiveLog{&log, pc.reads}
	}
	server := NewHost("server", remoteAddr.Addr(), cfg, sim.NewRand(1, "server"), sink)
	client := NewHost("client", localAddr.Addr(), cfg, sim.NewRand(1, "client"), sink)
	server.noPrediction, client.noPrediction = noPrediction, noPrediction
	server.noSendFastPath, client.noSendFastPath = pc.noSendFastPath, pc.noSendFastPath
	faults := sim.NewRand(2, "faults")

	var run pathRun
	var flights []pathFlight
	var now sim.Time
	free := map[*Host]sim.Time{} // when each host's way out is free again
	const delay = 5 * time.Millisecond
	const perByte = 80 * time.Nanosecond // 100 Mbit/s
	emitFrom := func(from, to *Host) func(*trace.Packet) {
		return func(p *trace.Packet) {
			run.sent = append(run.sent, fmt.Sprintf("%v %s %v win=%d opt=%+v", now, from.Name(), p.Seg.String(), p.Win, p.Seg.Opt))
			// A send record, as a link writes, among the hosts' records.
			sink.Record(&trace.Record{T: now, Kind: trace.KindSend, Node: from.Name(), Pkt: p})
			start := max(now, free[from])
			free[from] = start.Add(time.Duration(p.Seg.Len+52) * perByte)
			at := free[from].Add(delay)
			if roll(faults, pc.loss) {
				return
			}
			if roll(faults, pc.delay) {
				at = at.Add(3 * time.Millisecond) // overtaken by the next few
			}
			flights = append(flights, pathFlight{at, len(run.sent), to, *p})
			if roll(faults, pc.dup) {
				flights = append(flights, pathFlight{at.Add(time.Millisecond), len(run.sent), to, *p})
			}
		}
	}
	toServer, toClient := emitFrom(client, server), emitFrom(server, client)
	emitOf := func(h *Host) func(*trace.Packet) {
		if h == client {
			return toServer
		}
		return toClient
	}

	server.Listen(0, remoteAddr.Port())
	cc := client.Connect(0, localAddr.Port(), remoteAddr)
	written, replied, closed := 0, false, false
	var sc *Conn
	paused := func() bool { return pc.pause && now >= ms(300) && now < ms(4300) }
	serverRead := func(n int) {
		if sc != nil && !paused() {
			run.delivered += sc.Read(now, n)
		}
	}
	// app is both applications: the client writes send bytes and closes;
	// the server reads, replies once it has read them all, and closes
	// after the client.
	app := func(h *Host) bool {
		ns := h.Notices()
		for _, n := range ns {
			c := n.Conn
			switch {
			case h == client && c == cc:
				if written < pc.send {
					written += c.Write(now, pc.send-written)
				}
				if written == pc.send && !closed {
					closed = true
					c.Close(now)
				}
			case h == server:
				sc = c
				if n.Event == EventReadable && pc.readEvery == 0 {
					serverRead(c.Readable())
				}
				if run.delivered == pc.send && pc.reply > 0 && !replied {
					replied = true
					c.Write(now, pc.reply)
				}
				if c.PeerClosed() && c.Readable() == 0 && (replied || pc.reply == 0) && c.State() == StateCloseWait {
					c.Close(now)
				}
			}
		}
		return len(ns) > 0
	}
	poll := func(h *Host) {
		app(h)
		h.Poll(now, emitOf(h))
		for app(h) {
			h.Poll(now, emitOf(h))
		}
	}
	nextRead := sim.Never // the server's next read on its own clock
	switch {
	case pc.readEvery > 0:
		nextRead = sim.At(pc.readEvery)
	case pc.pause:
		nextRead = ms(4300) // it reads what came during the pause
	}
	for steps := 0; ; steps++ {
		require.Less(t, steps, 1_000_000, "the transfer does not end")
		poll(client)
		poll(server)
		next := min(client.Deadline(), server.Deadline(), nextRead)
		if len(flights) > 0 {
			slices.SortStableFunc(flights, func(a, b pathFlight) int {
				if a.at != b.at {
					return int(a.at - b.at)
				}
				return a.n - b.n
			})
			next = min(next, flights[0].at)
		}
		if next == sim.Never || next > sim.At(10*time.Minute) {
			break
		}
		now = next
		switch {
		case len(flights) > 0 && flights[0].at == now:
			f := flights[0]
			flights = flights[1:]
			if c := f.to.lookup(f.pkt.Seg.Dst, f.pkt.Seg.Src); c != nil && c.state.synchronized() && c.predicted(&f.pkt.Seg) {
				run.predicted++
			}
			f.to.Input(now, &f.pkt, emitOf(f.to))
		case nextRead == now && pc.readEvery == 0:
			nextRead = sim.Never
			if sc != nil {
				serverRead(sc.Readable())
			}
		case nextRead == now:
			nextRead = now.Add(pc.readEvery)
			if sc != nil {
				serverRead(min(pc.readBytes, sc.Readable()))
				if sc.State() == StateClosed {
					nextRead = sim.Never
				}
			}
		}
	}
	run.records = log.Records
	return run
}

// selectiveLog keeps the records of the kinds it reads.
type selectiveLog struct {
	*trace.Log
	reads trace.KindSet
}

func (s *selectiveLog) Record(r *trace.Record) {
	if s.reads.Has(r.Kind) {
		s.Log.Record(r)
	}
}

func (s *selectiveLog) Reads() trace.KindSet { return s.reads }

// roll draws true with probability p from r (nothing when p is 0, so that a
// case without faults draws nothing).
func roll(r *rand.Rand, p float64) bool { return p > 0 && r.Float64() < p }

func TestHeaderPrediction_AgreesWithGeneralPath(t *testing.T) {
	ts := func(c *Config) { c.Timestamps = true }
	small := func(c *Config) { c.RecvBuffer = 8 << 10 }
	cases := []pathCase{
		{name: "rfc bulk", profile: "rfc", send: 2 << 20},
		{name: "rfc bulk with timestamps and SACK", profile: "rfc", send: 2 << 20,
			tweak: func(c *Config) { ts(c); c.SACK = true; c.RecvBuffer = 256 << 10; c.ApplyBufferRules() }},
		{name: "rfc request and reply", profile: "rfc", send: 300 << 10, reply: 500 << 10, tweak: ts},
		{name: "rfc losses, duplicates, reordering", profile: "rfc", send: 1 << 20, reply: 100 << 10,
			loss: 0.02, dup: 0.02, delay: 0.03, tweak: func(c *Config) { ts(c); c.SACK = true }},
		{name: "rfc slow reader, small buffer", profile: "rfc", send: 200 << 10, readEvery: 7 * time.Millisecond, readBytes: 3000, tweak: small},
		{name: "rfc reader pauses", profile: "rfc", send: 1 << 20, pause: true, tweak: small},
		{name: "rfc no delayed ACKs", profile: "rfc", send: 1 << 20, tweak: func(c *Config) { c.DelayedACK = 0 }},
		{name: "linux bulk", profile: "linux", send: 2 << 20},
		{name: "linux request and reply", profile: "linux", send: 300 << 10, reply: 500 << 10},
		{name: "linux losses, duplicates, reordering", profile: "linux", send: 1 << 20, reply: 100 << 10,
			loss: 0.02, dup: 0.02, delay: 0.03},
		{name: "linux slow reader, small buffer", profile: "linux", send: 200 << 10, readEvery: 7 * time.Millisecond, readBytes: 3000,
			tweak: func(c *Config) { c.RecvBuffer = 4096 }},
		{name: "linux reader pauses", profile: "linux", send: 1 << 20, pause: true, tweak: small},
	}
	for _, pc := range cases {
		t.Run(pc.name, func(t *testing.T) {
			fast := runPath(t, pc, false)
			slow := runPath(t, pc, true)
			require.Equal(t, pc.send, fast.delivered, "the server read all the client sent")
			require.Greater(t, fast.predicted, len(fast.sent)/4, "most segments are predicted")
			require.Zero(t, slow.predicted, "the general path only")
			require.Equal(t, slow.sent, fast.sent, "the segments sent")
			requireSameRecords(t, slow.records, fast.records, "general", "predicted")
		})
	}
}

// Under a policy that sends from the receive path, Input hands what output
// sends there straight to emit when the sink reads no var or timer record
// (Host.emitsAtOnce), and queues it otherwise. The two must send the same
// segments at the same times and show the records the sink reads (sends
// among them) in the same order.
func TestInput_EmitsAtOnceAgreesWithQueue(t *testing.T) {
	summary := trace.Kinds(trace.KindSend, trace.KindState, trace.KindApp, trace.KindAbort)
	cases := []pathCase{
		{name: "linux bulk", profile: "linux", send: 2 << 20},
		{name: "linux request and reply", profile: "linux", send: 300 << 10, reply: 500 << 10},
		{name: "linux losses, duplicates, reordering", profile: "linux", send: 1 << 20, reply: 100 << 10,
			loss: 0.02, dup: 0.02, delay: 0.03},
		{name: "linux slow reader, small buffer", profile: "linux", send: 200 << 10, readEvery: 7 * time.Millisecond, readBytes: 3000,
			tweak: func(c *Config) { c.RecvBuffer = 4096 }},
		{name: "linux reader pauses", profile: "linux", send: 1 << 20, pause: true,
			tweak: func(c *Config) { c.RecvBuffer = 8 << 10 }},
	}
	for _, pc := range cases {
		t.Run(pc.name, func(t *testing.T) {
			queued := runPath(t, pc, false)
			pc.reads = summary
			atOnce := runPath(t, pc, false)
			require.Equal(t, pc.send, atOnce.delivered, "the server read all the client sent")
			require.Equal(t, queued.sent, atOnce.sent, "the segments sent")
			var want []trace.Record
			for _, r := range queued.records {
				if summary.Has(r.Kind) {
					want = append(want, r)
				}
			}
			requireSameRecords(t, want, atOnce.records, "queued", "at once")
		})
	}
}

func TestNewHost_EmitsAtOnceOnlyWithoutVarOrTimerRecords(t *testing.T) {
	for _, tc := range []struct {
		reads trace.KindSet
		want  bool
	}{
		{trace.Kinds(trace.KindSend, trace.KindState, trace.KindApp, trace.KindAbort), true},
		{trace.Kinds(trace.KindSend, trace.KindVar), false},
		{trace.Kinds(trace.KindTimer), false},
		{trace.AllKinds, false},
	} {
		h := NewHost("h", localAddr.Addr(), testConfig(), sim.NewRand(1, "h"), &selectiveLog{&trace.Log{}, tc.reads})
		require.Equal(t, tc.want, h.emitsAtOnce, "reads %v", tc.reads)
	}
}

// requireSameRecords fails the test at the first record in which two runs'
// traces differ, naming the runs a and b.
func requireSameRecords(t *testing.T, want, got []trace.Record, a, b string) {
	t.Helper()
	require.Equal(t, len(want), len(got), "the number of trace records")
	for i := range want {
		if !reflect.DeepEqual(want[i], got[i]) {
			t.Fatalf("trace record %d differs:\n %s: %+v\n %s: %+v", i, a, want[i], b, got[i])
		}
	}
}
