package scenarios

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/tcp"
)

// Many flows on one bottleneck: a dumbbell. A scenario with flows has no
// client, server or link: it has senders s1…sN on the left, receivers
// r1…rN on the right, and between them the bottleneck, which every flow's
// data crosses through one shared drop-tail queue (world.Dumbbell).
//
//	bottleneck: {rate: 10Mbit/s, delay: 10ms, queue: 100 packets}
//	flows:
//	  - {count: 3}
//	  - {count: 1, start: 5s, rtt: 80ms, delayed_ack: off}
//
// A flow takes every TCP key of an endpoint, read by the endpoint's own
// table, so a key added there (congestion_control) works per flow too.

// Dumbbell is a scenario's flows and the bottleneck they share.
type Dumbbell struct {
	// Bottleneck is each direction of the shared link: the data goes left
	// to right, the ACKs right to left, through queues of the same limit.
	Bottleneck link.Config
	Flows      []Flow
}

// Flow is one sender and its receiver, across the bottleneck.
type Flow struct {
	// Sender ("s1") connects to Receiver ("r1") at Start and writes Size
	// bytes; both have the flow's TCP settings.
	Sender, Receiver Endpoint
	Start            time.Duration
	// Stagger is, in a group of count flows, how much later each starts
	// than the one before it (decoding only: Start is each flow's own).
	Stagger time.Duration
	Size    int64 // bytes; 0: unlimited, the sender writes for the whole run
	// RTT is the flow's round trip time without serialization or queueing:
	// the bottleneck's delay each way, and Access on each of the four
	// access-link crossings.
	RTT, Access time.Duration
}

// unlimitedBytes is what an unlimited flow's sender writes: more than any
// run can send (2⁶² bytes at 100 Gbit/s take 11 years).
const unlimitedBytes = 1 << 62

// Limits and defaults of the flows.
const (
	maxFlows          = 100 // in all; hosts are 10.0.1.i and 10.0.2.i
	defaultBottleneck = 10_000_000
)

const (
	helpBottleneck = `bottleneck is a mapping of rate, delay, queue and loss, such as {rate: 10Mbit/s, delay: 10ms, queue: 100 packets}`
	helpBRate      = `rate is the bottleneck's rate, from 1kbps to 100Gbps such as "10Mbit/s" or "10Mbps"`
	helpBQueue     = `queue is the bottleneck's drop-tail queue: a number of packets 1..1000000 such as 100 or "100 packets", a size such as "64KiB", or "unlimited"`
	helpFlows      = `flows is a list of flows such as [{count: 3}, {count: 1, start: 5s, rtt: 80ms}]`
	helpFlow       = `a flow is a mapping of count, start, size, rtt and endpoint TCP keys, such as {count: 2, start: 1s, size: 10MB}`
	helpCount      = `count is how many flows of these settings, an integer 1..100`
	helpFlowStart  = `start is when the flow's sender connects, a duration ≥ 0 such as "5s", before the end of the run`
	helpStagger    = `stagger is how much later each flow of the group starts than the one before it, a duration ≥ 0 such as "2s"; the last must start before the end of the run`
	helpFlowSize   = `size is how much the sender sends, a size from 1 byte to 1GiB such as "10MB", or "unlimited" (for the whole run)`
	helpFlowRTT    = `rtt is the flow's round trip time without queueing, a duration such as "80ms", at least twice the bottleneck's delay`
)

// The bottleneck: one link, the same each way.
var bottleneckTable = &table[link.Config]{
	what: helpBottleneck,
	keys: []field[link.Config]{
		{name: "rate", read: into(rateIn(minBandwidth, maxBandwidth), func(c *link.Config, n int64) { c.Bandwidth = n }), help: helpBRate,
			def: code(fmtRate(defaultBottleneck)), doc: "the rate every flow shares (bits per second: `10Mbit/s`, `10Mbps`); `unlimited` leaves nothing to share"},
		{name: "delay", read: into(durationIn(0, maxDuration), func(c *link.Config, t time.Duration) { c.Delay = t }), help: helpDelay,
			def: code(defaultDelay), doc: "one-way propagation delay of the bottleneck"},
		{name: "queue", read: into(bottleneckQueue, func(c *link.Config, q [2]int) { c.QueuePackets, c.QueueBytes = q[0], q[1] }), help: helpBQueue,
			def: code("100 packets"), doc: "the drop-tail queue the flows share, in packets (`100` or `100 packets`) or in IP bytes (`64KiB`); each direction has one"},
		{name: "loss", read: into(probability, func(c *link.Config, p float64) { c.Loss = p }), help: helpLoss,
			def: code(0), doc: "each packet crossing the bottleneck is lost at random with this probability, in each direction"},
	},
}

// bottleneckQueue is a queue limit in packets or in bytes: [packets, bytes],
// one of them 0; both 0 for unlimited.
var bottleneckQueue = kind[[2]int]{
	typ:     "integer, `N packets`, size or `unlimited`",
	allowed: "1 … 1000000 packets, or 1 byte … 1GiB",
	read: func(d *decoder, v value, help string) ([2]int, bool) {
		s, isString, _ := scalarText(v.n)
		if !isString {
			n, ok := d.integer(v, 1, maxQueue, help)
			return [2]int{int(n), 0}, ok
		}
		s = strings.TrimSpace(s)
		if strings.EqualFold(s, "unlimited") {
			return [2]int{}, true
		}
		for _, unit := range []string{"packets", "packet"} {
			if num, ok := strings.CutSuffix(s, unit); ok {
				n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
				if err != nil || n < 1 || n > maxQueue {
					d.errorf(v, "%s is not a number of packets 1..%d; %s", describe(v.n), maxQueue, help)
					return [2]int{}, false
				}
				return [2]int{int(n), 0}, true
			}
		}
		n, ok := d.size(v, 1, maxBytes, help)
		return [2]int{0, int(n)}, ok
	},
}

// flowTable is a flow's own keys; the endpoint's TCP keys follow them (see
// flowKeys).
var flowTable = &table[Flow]{
	what: helpFlow,
	keys: []field[Flow]{
		{name: "count", read: bySection[Flow]("integer", "1 … 100"), help: helpCount,
			def: code(1), doc: "how many flows have these settings (at most 100 flows in all): they are numbered on from the flows before them"},
		{name: "start", read: into(timeInRun("the flow would never start"), func(f *Flow, t time.Duration) { f.Start = t }), help: helpFlowStart,
			def: code(0), doc: "when the sender connects"},
		{name: "stagger", read: into(durationIn(0, maxDuration), func(f *Flow, t time.Duration) { f.Stagger = t }), help: helpStagger,
			def: code(0), doc: "with `count` > 1, each flow starts this much later than the one before it: the k-th at `start` + (k−1)·`stagger`"},
		{name: "size", read: into(orWord(sizeIn(1, maxBytes), "unlimited", 0), func(f *Flow, n int64) { f.Size = n }), help: helpFlowSize,
			def: code("unlimited"), doc: "how many bytes the sender writes, then closes; `unlimited`: it writes for the whole run and never closes"},
		{name: "rtt", read: into(durationIn(0, maxDuration), func(f *Flow, t time.Duration) { f.RTT = t }), help: helpFlowRTT,
			def: "twice the bottleneck's `delay`", doc: "the flow's round trip time without serialization and queueing: the bottleneck's delay each way, and a quarter of the rest on each of the four access-link crossings (sender and receiver, each way)"},
	},
}

// flowKeys are the keys of a flow: its own, then every TCP key of an
// endpoint (not addr and port: the dumbbell numbers its hosts), then the
// application's keys as misplaced.
var flowKeys = func() []key {
	ks := flowTable.allowed("")
	for _, f := range endpointTable.keys {
		switch {
		case f.name == "addr" || f.name == "port":
			ks = append(ks, key{name: f.name, misplaced: f.name + " is not a flow setting: the flows' hosts are numbered, senders s1, s2 … at 10.0.1.1, 10.0.1.2 …, receivers r1, r2 … at 10.0.2.1, 10.0.2.2 …"})
		case f.group == "app":
			ks = append(ks, key{name: f.name, misplaced: f.name + " is an application setting of client and server; a flow's sender writes size bytes (default unlimited) from start, and its receiver reads them"})
		default:
			ks = append(ks, key{name: f.name})
		}
	}
	return ks
}()

// Keys a scenario with flows does not have: they describe one client and
// one server on one link.
var notWithFlows = []string{"link", "links", "backup_link", "client", "server", "drop", "delay_segments", "duplicate_segments", "outages", "events"}

// dumbbell decodes bottleneck and flows (f holds the top level) into
// sc.Dumbbell, with profile the top level's.
func (d *decoder) dumbbell(sc *Scenario, f map[string]value, profile string) {
	flows := f["flows"]
	for _, k := range notWithFlows {
		if v := f[k]; v.present() {
			d.errorAt(v.key, v.path, "%s is not used with flows: the flows' senders and receivers are joined by the bottleneck (set its rate, delay and queue under bottleneck, and each flow's TCP settings in the flow)", k)
		}
	}
	db := &Dumbbell{Bottleneck: link.Config{Delay: defaultDelay, Bandwidth: defaultBottleneck, QueuePackets: defaultQueue, MTU: defaultMTU}}
	bottleneckTable.apply(d, bottleneckTable.fields(d, f["bottleneck"]), &db.Bottleneck)
	items := d.list(flows, helpFlows)
	if _, isList := flows.n.(*ast.SequenceNode); (isList || isNull(flows.n)) && len(items) == 0 {
		d.errorf(flows, "flows is empty; %s", helpFlows)
	}
	for _, item := range items {
		d.flows(db, item, profile)
	}
	sc.Dumbbell = db
	if len(db.Flows) > 0 {
		// What looks at the client and the server sees the first flow.
		sc.Client, sc.Server = db.Flows[0].Sender, db.Flows[0].Receiver
	}
}

// flows decodes one item of flows, appending count flows to db.
func (d *decoder) flows(db *Dumbbell, v value, profile string) {
	errs := len(d.errs) + d.more
	f := d.fields(v, helpFlow, flowKeys)
	count := int64(1)
	if x := f["count"]; x.present() {
		n, ok := d.integer(x, 1, maxFlows, helpCount)
		if !ok {
			return
		}
		count = n
	}
	if x := f["profile"]; x.present() {
		d.profileWritten = true
		if p, ok := profileKind.read(d, x, helpProfile); ok && d.profileOverride == "" {
			profile = p
		}
	}
	cfg, _ := tcp.Profile(profile)
	ep := Endpoint{Profile: profile, TCP: cfg}
	stored := endpointTable.apply(d, f, &ep)
	d.rto(f, stored, &ep.TCP)
	if !stored["window_scaling"] {
		ep.TCP.ApplyBufferRules()
	}
	fl := Flow{RTT: 2 * db.Bottleneck.Delay}
	flowTable.apply(d, f, &fl)
	if x := f["rtt"]; x.present() && fl.RTT < 2*db.Bottleneck.Delay {
		d.errorf(x, "rtt %s is less than the bottleneck's own round trip, twice its delay: %s; %s", fmtDuration(fl.RTT), fmtDuration(2*db.Bottleneck.Delay), helpFlowRTT)
	}
	if len(d.errs)+d.more != errs {
		return
	}
	d.checkTCP(v, ep.TCP)
	if n := len(db.Flows) + int(count); n > maxFlows {
		d.errorf(f["count"], "%d flows in all; a scenario has at most %d", n, maxFlows)
		return
	}
	if last := fl.Start + time.Duration(count-1)*fl.Stagger; fl.Stagger > 0 {
		if p := d.end.after(last); p != "" {
			d.errorf(f["stagger"], "the last of the %d flows would start at %s, which %s; the flow would never start", count, fmtDuration(last), p)
			return
		}
	}
	fl.Access = (fl.RTT - 2*db.Bottleneck.Delay) / 4
	start := fl.Start
	for k := range count {
		fl.Start = start + time.Duration(k)*fl.Stagger
		db.Flows = append(db.Flows, newFlow(fl, ep, len(db.Flows)+1))
	}
}

// newFlow is flow number i (from 1) with the given settings and TCP.
func newFlow(fl Flow, ep Endpoint, i int) Flow {
	fl.Sender, fl.Receiver = ep, ep
	fl.Sender.Name, fl.Receiver.Name = "s"+strconv.Itoa(i), "r"+strconv.Itoa(i)
	fl.Sender.Addr = netip.AddrFrom4([4]byte{10, 0, 1, byte(i)})
	fl.Receiver.Addr = netip.AddrFrom4([4]byte{10, 0, 2, byte(i)})
	fl.Sender.Port, fl.Receiver.Port = defaultClientPort, defaultServerPort
	fl.Sender.App = App{ConnectAt: fl.Start, Send: fl.Size, Close: CloseAuto}
	if fl.Size == 0 {
		fl.Sender.App.Send, fl.Sender.App.Close = unlimitedBytes, CloseNever
	}
	fl.Receiver.App = App{Close: CloseAuto}
	return fl
}

// checkFlowKeys reports a bottleneck given without flows.
func (d *decoder) checkFlowKeys(f map[string]value) {
	if v := f["bottleneck"]; v.present() && !f["flows"].present() {
		d.errorAt(v.key, v.path, "bottleneck is given but flows is not: a bottleneck is shared by flows, such as flows: [{count: 2}]; for one client and one server use link")
	}
}
