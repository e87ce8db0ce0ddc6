package scenarios

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// A flow as the expansion gives it, in the fields the table checks.
type flowWant struct {
	sender, receiver string
	saddr, raddr     string
	start, access    time.Duration
	size             int64 // 0: unlimited
}

func TestFlows_Expansion(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		bottleneck link.Config
		flows      []flowWant
	}{
		{
			name:       "defaults",
			yaml:       "flows: [{}]",
			bottleneck: link.Config{Delay: 10 * time.Millisecond, Bandwidth: 10e6, QueuePackets: 100, MTU: 1500},
			flows:      []flowWant{{"s1", "r1", "10.0.1.1", "10.0.2.1", 0, 0, 0}},
		},
		{
			name: "the issue's example",
			yaml: "duration: 20s\nbottleneck: {rate: 10Mbit/s, delay: 10ms, queue: 100 packets}\n" +
				"flows:\n  - {count: 3}\n  - {count: 1, start: 5s, rtt: 80ms}\n",
			bottleneck: link.Config{Delay: 10 * time.Millisecond, Bandwidth: 10e6, QueuePackets: 100, MTU: 1500},
			flows: []flowWant{
				{"s1", "r1", "10.0.1.1", "10.0.2.1", 0, 0, 0},
				{"s2", "r2", "10.0.1.2", "10.0.2.2", 0, 0, 0},
				{"s3", "r3", "10.0.1.3", "10.0.2.3", 0, 0, 0},
				// 80 ms = 2·10 ms on the bottleneck + 4·15 ms on the access links.
				{"s4", "r4", "10.0.1.4", "10.0.2.4", 5 * time.Second, 15 * time.Millisecond, 0},
			},
		},
		{
			name:       "stagger, size, queue in bytes",
			yaml:       "bottleneck: {rate: 1Gbps, delay: 5ms, queue: 64KiB, loss: 1%}\nflows: [{count: 3, start: 1s, stagger: 500ms, size: 1MB, rtt: 14ms}]",
			bottleneck: link.Config{Delay: 5 * time.Millisecond, Bandwidth: 1e9, QueueBytes: 64 << 10, MTU: 1500, Loss: 0.01},
			flows: []flowWant{
				{"s1", "r1", "10.0.1.1", "10.0.2.1", time.Second, time.Millisecond, 1e6},
				{"s2", "r2", "10.0.1.2", "10.0.2.2", 1500 * time.Millisecond, time.Millisecond, 1e6},
				{"s3", "r3", "10.0.1.3", "10.0.2.3", 2 * time.Second, time.Millisecond, 1e6},
			},
		},
		{
			name:       "queue unlimited, as a bare number",
			yaml:       "bottleneck: {queue: unlimited}\nflows: [{count: 1}, {size: unlimited}]",
			bottleneck: link.Config{Delay: 10 * time.Millisecond, Bandwidth: 10e6, MTU: 1500},
			flows: []flowWant{
				{"s1", "r1", "10.0.1.1", "10.0.2.1", 0, 0, 0},
				{"s2", "r2", "10.0.1.2", "10.0.2.2", 0, 0, 0},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := Parse("flows.yaml", []byte(tc.yaml))
			require.NoError(t, err)
			db := sc.Dumbbell
			require.NotNil(t, db)
			assert.Equal(t, tc.bottleneck, db.Bottleneck)
			require.Len(t, db.Flows, len(tc.flows))
			for i, w := range tc.flows {
				f := db.Flows[i]
				assert.Equal(t, w.sender, f.Sender.Name, "flow %d", i+1)
				assert.Equal(t, w.receiver, f.Receiver.Name, "flow %d", i+1)
				assert.Equal(t, netip.MustParseAddr(w.saddr), f.Sender.Addr, "flow %d", i+1)
				assert.Equal(t, netip.MustParseAddr(w.raddr), f.Receiver.Addr, "flow %d", i+1)
				assert.Equal(t, w.start, f.Start, "flow %d", i+1)
				assert.Equal(t, w.start, f.Sender.App.ConnectAt, "flow %d", i+1)
				assert.Equal(t, w.access, f.Access, "flow %d", i+1)
				assert.Equal(t, w.size, f.Size, "flow %d", i+1)
				if w.size == 0 {
					assert.Equal(t, int64(unlimitedBytes), f.Sender.App.Send, "an unlimited flow writes for the whole run")
					assert.Equal(t, CloseNever, f.Sender.App.Close)
				} else {
					assert.Equal(t, w.size, f.Sender.App.Send)
					assert.Equal(t, CloseAuto, f.Sender.App.Close)
				}
				assert.Equal(t, CloseAuto, f.Receiver.App.Close)
				assert.Equal(t, uint16(49152), f.Sender.Port)
				assert.Equal(t, uint16(80), f.Receiver.Port)
			}
			// What looks at the client and the server sees the first flow.
			assert.Equal(t, "s1", sc.Client.Name)
			assert.Equal(t, "r1", sc.Server.Name)
		})
	}
}

// A flow's TCP keys go through the endpoint's own table, so every key of
// an endpoint works per flow, for both its sender and its receiver.
func TestFlows_TCPKeysAreTheEndpointsKeys(t *testing.T) {
	sc, err := Parse("f.yaml", []byte("flows:\n  - {mss: 536, delayed_ack: off, rto_min: 200ms, isn: 7}\n  - {profile: linux}\n"))
	require.NoError(t, err)
	f1, f2 := sc.Dumbbell.Flows[0], sc.Dumbbell.Flows[1]
	for _, ep := range []Endpoint{f1.Sender, f1.Receiver} {
		assert.Equal(t, 536, ep.TCP.MSS, ep.Name)
		assert.Equal(t, time.Duration(0), ep.TCP.DelayedACK, ep.Name)
		assert.Equal(t, 200*time.Millisecond, ep.TCP.RTOMin, ep.Name)
		assert.True(t, ep.TCP.FixedISS, ep.Name)
		assert.Equal(t, "rfc", ep.Profile)
	}
	assert.Equal(t, "linux", f2.Sender.Profile)
	assert.True(t, f2.Sender.TCP.SACK, "the linux profile offers SACK")
	assert.True(t, sc.ProfileWritten)

	// Every TCP key of an endpoint is a key of a flow: none is forgotten.
	flowNames := map[string]bool{}
	for _, k := range flowKeys {
		if k.misplaced == "" {
			flowNames[k.name] = true
		}
	}
	for _, f := range endpointTable.keys {
		if f.group == "" && f.name != "addr" && f.name != "port" {
			assert.True(t, flowNames[f.name], "the endpoint key %s is not a flow key", f.name)
		}
	}
}

func TestFlows_Errors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"flows: [{cuont: 2}]", `f.yaml:1:10: flows[0]: unknown key "cuont"; did you mean "count"?`},
		{"flows: [{count: 0}]", `f.yaml:1:17: flows[0].count: 0 is less than 1; count is how many flows of these settings, an integer 1..100`},
		{"flows: [{count: 60}, {count: 41}]", `f.yaml:1:30: flows[1].count: 101 flows in all; a scenario has at most 100`},
		{"bottleneck: {delay: 20ms}\nflows: [{rtt: 30ms}]", `f.yaml:2:15: flows[0].rtt: rtt 30ms is less than the bottleneck's own round trip, twice its delay: 40ms; rtt is the flow's round trip time without queueing, a duration such as "80ms", at least twice the bottleneck's delay`},
		{"bottleneck: {queue: 100 pakets}\nflows: [{}]", `f.yaml:1:21: bottleneck.queue: "100 pakets"`},
		{"bottleneck: {queue: 0 packets}\nflows: [{}]", `f.yaml:1:21: bottleneck.queue: "0 packets" is not a number of packets 1..1000000; queue is the bottleneck's drop-tail queue`},
		{"bottleneck: {rate: fast}\nflows: [{}]", `f.yaml:1:20: bottleneck.rate: "fast"`},
		{"bottleneck: {bandwidth: 1Mbps}\nflows: [{}]", `f.yaml:1:14: bottleneck: unknown key "bandwidth"`},
		{"duration: 10s\nflows: [{start: 10s}]", `f.yaml:2:17: flows[0].start: "10s" is not before the end of the run (duration 10s); the flow would never start`},
		{"duration: 10s\nflows: [{count: 4, stagger: 4s}]", `f.yaml:2:29: flows[0].stagger: the last of the 4 flows would start at 12s, which is not before the end of the run (duration 10s); the flow would never start`},
		{"flows: [{size: 0}]", `f.yaml:1:16: flows[0].size: 0 is less than 1 byte`},
		{"flows: [{send: 1MB}]", `f.yaml:1:10: flows[0]: send is an application setting of client and server; a flow's sender writes size bytes (default unlimited) from start, and its receiver reads them`},
		{"flows: [{addr: 10.0.0.9}]", `f.yaml:1:10: flows[0]: addr is not a flow setting: the flows' hosts are numbered`},
		{"flows: [{mss: 20}]", `f.yaml:1:15: flows[0].mss: 20 is less than 88; an MSS is a number of bytes 88..65495`},
		{"flows: [{congestion_kontrol: reno}]", `f.yaml:1:10: flows[0]: unknown key "congestion_kontrol"`},
		{"flows: []", `f.yaml:1:8: flows: flows is empty; flows is a list of flows`},
		{"flows:\nseed: 1", `f.yaml:1:7: flows: flows is empty; flows is a list of flows`},
		{"flows: {count: 2}", `f.yaml:1:8: flows: a mapping is not a list; flows is a list of flows`},
		{"client: {isn: 1}\nflows: [{}]", `f.yaml:1:1: client: client is not used with flows: the flows' senders and receivers are joined by the bottleneck`},
		{"link: {delay: 1ms}\nflows: [{}]", `f.yaml:1:1: link: link is not used with flows`},
		{"bottleneck: {rate: 1Mbps}", `f.yaml:1:1: bottleneck: bottleneck is given but flows is not: a bottleneck is shared by flows, such as flows: [{count: 2}]; for one client and one server use link`},
	} {
		t.Run(tc.yaml, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// flowScenario is a dumbbell of n flows of size bytes each (0: unlimited)
// through a bottleneck of the given queue and loss, with seed.
func flowScenario(t testing.TB, n int, size string, queue string, loss string, seed uint64, extra string) *Scenario {
	t.Helper()
	src := fmt.Sprintf("seed: %d\nduration: 5m\nbottleneck: {rate: 2Mbit/s, delay: 10ms, queue: %s, loss: %s}\n"+
		"flows:\n  - {count: %d, stagger: 100ms, size: %s, rtt: 40ms, rto_min: 200ms, retries: 100, syn_retries: 100%s}\n",
		seed, queue, loss, n, size, extra)
	sc, err := Parse("flows.yaml", []byte(src))
	require.NoError(t, err)
	return sc
}

// packetLives checks that the trace tells one life per packet, as for one
// link, though a packet crosses three: one send, then one delivery or one
// drop, each naming the sender and the receiver.
type packetLives struct {
	sent map[uint64]string // id → "s1→r1"
	end  map[uint64]int
	errs []string
}

func (p *packetLives) Record(r *trace.Record) {
	if r.Pkt == nil {
		return
	}
	ends := r.Node + "→" + r.Peer
	switch r.Kind {
	case trace.KindSend:
		if _, dup := p.sent[r.Pkt.ID]; dup {
			p.errs = append(p.errs, fmt.Sprintf("packet %d sent twice", r.Pkt.ID))
		}
		p.sent[r.Pkt.ID] = ends
	case trace.KindDeliver, trace.KindDrop:
		if p.sent[r.Pkt.ID] != ends {
			p.errs = append(p.errs, fmt.Sprintf("packet %d sent %s, %v %s", r.Pkt.ID, p.sent[r.Pkt.ID], r.Kind, ends))
		}
		p.end[r.Pkt.ID]++
		if p.end[r.Pkt.ID] > 1 {
			p.errs = append(p.errs, fmt.Sprintf("packet %d delivered or dropped twice", r.Pkt.ID))
		}
	}
}

// queueCheck follows the queue records.
type queueCheck struct {
	maxPackets, maxBytes map[string]int64
	records              int
}

func (q *queueCheck) Record(r *trace.Record) {
	if r.Kind == trace.KindQueue {
		q.records++
		q.maxPackets[r.Node] = max(q.maxPackets[r.Node], r.Value)
		q.maxBytes[r.Node] = max(q.maxBytes[r.Node], r.Off)
	}
}

// Every byte each sender writes is read by its receiver, once and in
// order, across seeds and random loss on the bottleneck; every packet has
// one life in the trace; the queue never holds more than its limit, in
// packets or in bytes; both ends of every flow close.
func TestFlows_EveryByteDeliveredOnceInOrder(t *testing.T) {
	seeds := 4
	if testing.Short() {
		seeds = 2
	}
	for _, queue := range []string{"10 packets", "15000 bytes"} {
		for _, loss := range []string{"0", "2%"} {
			for seed := uint64(1); seed <= uint64(seeds); seed++ {
				t.Run(fmt.Sprintf("queue=%s/loss=%s/seed=%d", queue, loss, seed), func(t *testing.T) {
					const n, size = 4, 200_000
					s := flowScenario(t, n, "200000", queue, loss, seed, "")
					c, timers := newStreamCheck(), newTimerCheck()
					lives := &packetLives{sent: map[uint64]string{}, end: map[uint64]int{}}
					q := &queueCheck{maxPackets: map[string]int64{}, maxBytes: map[string]int64{}}
					_, err := Run(s, trace.Tee(c, timers, lives, q))
					require.NoError(t, err)
					assert.Empty(t, c.aborts)
					assert.Empty(t, timers.violations)
					assert.Empty(t, lives.errs)
					for i := 1; i <= n; i++ {
						snd, rcv := fmt.Sprint("s", i), fmt.Sprint("r", i)
						assert.Equal(t, int64(size), c.written[snd], snd)
						assert.Equal(t, int64(size), c.read[rcv], rcv)
						assert.Zero(t, c.read[snd]+c.written[rcv], "the receivers send nothing")
						assert.Equal(t, "CLOSED", c.final[snd], snd)
						assert.Equal(t, "CLOSED", c.final[rcv], rcv)
					}
					require.Positive(t, q.records)
					b := s.Dumbbell.Bottleneck
					for name, p := range q.maxPackets {
						if b.QueuePackets > 0 {
							assert.LessOrEqual(t, p, int64(b.QueuePackets), name)
						}
						if b.QueueBytes > 0 {
							assert.LessOrEqual(t, q.maxBytes[name], int64(b.QueueBytes), name)
						}
					}
					if loss == "0" {
						// The queue was full at some point: the limit is what
						// held it, not a lack of traffic.
						if b.QueuePackets > 0 {
							assert.Equal(t, int64(b.QueuePackets), q.maxPackets["left→right"])
						} else {
							assert.Greater(t, q.maxBytes["left→right"], int64(b.QueueBytes-1500))
						}
					}
				})
			}
		}
	}
}

// The flows share ONE queue: a packet of one flow waits behind the others'.
// Two flows each send one data segment, s2's a little after s1's, over
// access links of their own: s2's arrives at the bottleneck while s1's is
// on the wire, so it is delivered exactly when it would be after waiting
// for s1's segment and for s2's own handshake ACK, sent just before it.
func TestFlows_OneSharedQueue(t *testing.T) {
	sc, err := Parse("f.yaml", []byte("bottleneck: {rate: 1Mbps, delay: 10ms}\nflows: [{count: 2, size: 100, isn: 0, nodelay: true}]\n"))
	require.NoError(t, err)
	var sent, delivered []trace.Record
	_, err = Run(sc, trace.SinkFunc(func(r *trace.Record) {
		if r.Pkt != nil && r.Pkt.Seg.Len == 100 {
			switch r.Kind {
			case trace.KindSend:
				sent = append(sent, r.Keep())
			case trace.KindDeliver:
				delivered = append(delivered, r.Keep())
			}
		}
	}))
	require.NoError(t, err)
	require.Len(t, sent, 2)
	require.Len(t, delivered, 2)
	assert.Equal(t, "s1", delivered[0].Node)
	assert.Equal(t, "s2", delivered[1].Node)
	wireFree := delivered[0].T.Add(-10 * time.Millisecond) // s1's segment leaves the bottleneck's wire
	require.Less(t, sent[1].T, wireFree, "s2's segment arrives while s1's is on the wire")
	const ack = 40 // s2's handshake ACK: IP and TCP headers
	size := delivered[1].Pkt.Seg.IPLen()
	assert.Equal(t, wireFree.Add(time.Duration((ack+size)*8)*time.Microsecond+10*time.Millisecond), delivered[1].T,
		"at 1 Mbit/s: the ACK's 40 bytes and the segment's %d after s1's segment, then 10 ms", size)
}

// A flow's rtt sets its access links: with the bottleneck's 10 ms each way,
// rtt 60 ms puts 10 ms on each of the four access-link crossings, so its
// SYN arrives 30 ms (and its serialization on the bottleneck) after it
// was sent, and the SYN,ACK as long after that.
func TestFlows_AccessDelays(t *testing.T) {
	sc, err := Parse("f.yaml", []byte("bottleneck: {rate: 1Mbps, delay: 10ms}\nflows: [{size: 1, rtt: 60ms}]\n"))
	require.NoError(t, err)
	var recs []trace.Record
	_, err = Run(sc, trace.SinkFunc(func(r *trace.Record) {
		if r.Pkt != nil && r.Pkt.Seg.Flags.Has(wire.SYN) {
			recs = append(recs, r.Keep())
		}
	}))
	require.NoError(t, err)
	require.Len(t, recs, 4, "send and deliver of the SYN and of the SYN,ACK, once each")
	for k, want := range []struct {
		kind       trace.Kind
		node, peer string
	}{{trace.KindSend, "s1", "r1"}, {trace.KindDeliver, "s1", "r1"}, {trace.KindSend, "r1", "s1"}, {trace.KindDeliver, "r1", "s1"}} {
		assert.Equal(t, want.kind, recs[k].Kind, k)
		assert.Equal(t, want.node, recs[k].Node, k)
		assert.Equal(t, want.peer, recs[k].Peer, k)
	}
	for _, k := range []int{0, 2} {
		ser := time.Duration(recs[k].Pkt.Seg.IPLen()*8) * time.Microsecond // at 1 Mbit/s
		assert.Equal(t, 30*time.Millisecond+ser, recs[k+1].T.Sub(recs[k].T), "%v", &recs[k].Pkt.Seg)
	}
}

func TestFlows_Deterministic(t *testing.T) {
	run := func() string {
		var b []byte
		_, err := Run(flowScenario(t, 3, "100000", "8 packets", "1%", 3, ""), trace.SinkFunc(func(r *trace.Record) {
			b = trace.AppendJSON(b, r)
			b = append(b, '\n')
		}))
		require.NoError(t, err)
		return string(b)
	}
	a := run()
	assert.Equal(t, a, run())
	assert.Contains(t, a, `"event":"queue"`)
	assert.True(t, strings.Contains(a, `"reason":"queue full"`), "the small queue overflows")
}

// The built-in fairness scenario, too long for a golden trace, is held to
// its numbers: four flows that converge to about a quarter of the link
// each (Jain's index of their goodputs ≥ 0.99), the queue within its
// limit, and every packet's one life.
func TestBuiltins_Fairness(t *testing.T) {
	if testing.Short() {
		t.Skip("60 s of four flows in -short mode")
	}
	s, err := Load("fairness")
	require.NoError(t, err)
	c := newStreamCheck()
	q := &queueCheck{maxPackets: map[string]int64{}, maxBytes: map[string]int64{}}
	lives := &packetLives{sent: map[uint64]string{}, end: map[uint64]int{}}
	res, err := Run(s, trace.Tee(c, q, lives))
	require.NoError(t, err)
	assert.Equal(t, trace.EndTimeLimit, res.Reason)
	assert.Empty(t, lives.errs)
	assert.LessOrEqual(t, q.maxPackets["left→right"], int64(100))
	var goodputs []float64
	for i, f := range s.Dumbbell.Flows {
		read := c.read[f.Receiver.Name]
		assert.LessOrEqual(t, read, c.written[f.Sender.Name])
		goodputs = append(goodputs, float64(read)*8/(s.Duration-f.Start).Seconds())
		assert.Equal(t, time.Duration(i)*2*time.Second, f.Start)
	}
	var sum, sq float64
	for _, g := range goodputs {
		sum, sq = sum+g, sq+g*g
	}
	jain := sum * sum / (float64(len(goodputs)) * sq)
	assert.GreaterOrEqual(t, jain, 0.99, "goodputs %v", goodputs)
	assert.InDelta(t, 10e6, sum, 1e6, "together the flows fill the 10 Mbit/s link: %v", goodputs)
}

// TestFlows_GoldenTrace runs a small dumbbell (testdata/flows/*.yaml) and
// compares its JSON-lines trace with testdata/golden/flows/NAME.jsonl, as
// TestBuiltins_GoldenTrace does for the built-ins (fairness is too long
// for one).
func TestFlows_GoldenTrace(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "flows", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			got := runJSON(t, file)
			assert.Equal(t, string(got), string(runJSON(t, file)), "two runs differ")
			path := filepath.Join("testdata", "golden", "flows", name+".jsonl")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run 'go test ./scenarios -run Golden -update' to create it")
			if !bytes.Equal(got, want) {
				t.Errorf("trace of %s differs from %s; read the diff, then update with -update:\n%s", file, path, firstDiff(want, got))
			}
		})
	}
}

// The two-algorithm lessons say which flow takes the larger share: CUBIC
// under the linux profile (the file's), where both recover alike with
// SACK, about evenly with --profile rfc (the Reno-friendly region at this
// small bandwidth-delay product); Reno against Tahoe under both.
func TestBuiltins_AlgorithmsShareUnequally(t *testing.T) {
	if testing.Short() {
		t.Skip("a minute of two flows, four times, in -short mode")
	}
	for _, c := range []struct {
		name, profile   string
		larger, smaller int     // flow indexes
		ratio           float64 // larger/smaller at least; 0: about even (Jain ≥ 0.95)
	}{
		{"cubic-vs-reno", "linux", 0, 1, 1.5},
		{"cubic-vs-reno", "rfc", 0, 1, 0},
		{"tahoe-vs-reno", "rfc", 1, 0, 1.2},
		{"tahoe-vs-reno", "linux", 1, 0, 1.5},
	} {
		t.Run(c.name+"/"+c.profile, func(t *testing.T) {
			s, err := LoadWith(c.name, Options{Profile: c.profile})
			require.NoError(t, err)
			check := newStreamCheck()
			res, err := Run(s, check)
			require.NoError(t, err)
			assert.Equal(t, trace.EndTimeLimit, res.Reason)
			goodput := func(i int) float64 {
				f := s.Dumbbell.Flows[i]
				return float64(check.read[f.Receiver.Name]) * 8 / (s.Duration - f.Start).Seconds()
			}
			g, h := goodput(c.larger), goodput(c.smaller)
			if c.ratio == 0 {
				assert.GreaterOrEqual(t, (g+h)*(g+h)/(2*(g*g+h*h)), 0.95, "about even: %v, %v", g, h)
			} else {
				assert.Greater(t, g, c.ratio*h, "flow %d's goodput against flow %d's", c.larger+1, c.smaller+1)
			}
			assert.InDelta(t, 10e6, goodput(0)+goodput(1), 1e6, "together the flows fill the link")
		})
	}
}
