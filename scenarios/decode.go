package scenarios

import (
	"cmp"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// This file is the scenario format: its keys, their defaults, their limits
// and the checks between them. docs/scenario-format.md describes the same.

// Defaults that are not TCP's (TCP's come from tcp.DefaultConfig).
const (
	defaultSeed        = 1
	defaultDuration    = 10 * time.Minute
	defaultEventBudget = 50_000_000
	defaultDelay       = 10 * time.Millisecond
	defaultBandwidth   = 100_000_000 // bits per second
	defaultQueue       = 100         // packets
	defaultMTU         = 1500        // bytes: Ethernet
	defaultClientPort  = 49152       // the first dynamic port (RFC 6335 §6)
	defaultServerPort  = 80
)

var (
	defaultClientAddr = netip.AddrFrom4([4]byte{10, 0, 0, 1})
	defaultServerAddr = netip.AddrFrom4([4]byte{10, 0, 0, 2})
)

// Limits: every quantity has one (a scenario is a lesson, not a benchmark).
const (
	maxDuration    = 168 * time.Hour // a week of simulated time
	maxEventBudget = 1_000_000_000
	maxBytes       = 1 << 30 // an application's data, a buffer
	maxBandwidth   = 100_000_000_000
	minBandwidth   = 1000
	maxTimerValue  = time.Hour // RTOs, MSL
	maxRetries     = 100
	maxCount       = math.MaxInt32 // segment ordinals, times
	maxQueue       = 1_000_000
)

// What each key allows, for messages: the part after "; ".
const (
	helpTop         = `a scenario is a mapping of keys such as name, description, link, client, server and drop`
	helpName        = `a name is one line of text such as lost-segment`
	helpDescription = `a description is text`
	helpSeed        = `a seed is an integer 0..18446744073709551615`
	helpDuration    = `the run's time limit is a duration > 0 and ≤ 168h such as "60s"`
	helpEventBudget = `the event budget is an integer 1..1000000000 such as 10000000 (or 10_000_000)`

	helpLink      = `link settings are a mapping of delay, jitter, reorder, bandwidth, queue, queue_bytes, mtu and loss, such as {delay: 50ms, bandwidth: 10Mbps}`
	helpLinks     = `links is a mapping of client_to_server and server_to_client, each with link settings such as {loss: 0.01}`
	helpDelay     = `a delay is a duration ≥ 0 such as "50ms"`
	helpJitter    = `jitter is a duration ≥ 0 such as "5ms"`
	helpReorder   = `reorder is true or false`
	helpBandwidth = `a bandwidth is a rate from 1kbps to 100Gbps such as "10Mbps" (units bps, kbps, Mbps, Gbps: bits per second), or "unlimited"`
	helpQueue     = `queue is a number of packets 1..1000000, or "unlimited"`
	helpQueueB    = `queue_bytes is a size from 1 byte to 1GiB such as "64KiB"`
	helpMTU       = `an MTU is a number of bytes 68..65535 (68 is IPv4's minimum, RFC 791)`
	helpLoss      = `loss is a probability 0..1 such as 0.01, or a percentage such as "1%"`

	helpEndpoint      = `an endpoint is a mapping of keys such as isn, send, mss and rto_min, such as {isn: 100, send: 8KiB}`
	helpAddr          = `addr is an IPv4 address such as 10.0.0.1`
	helpPort          = `a port is an integer 1..65535`
	helpISN           = `an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)`
	helpMSS           = `an MSS is a number of bytes 88..65495`
	helpSendBuffer    = `send_buffer is a size from 1 byte to 1GiB such as "64KiB"`
	helpRecvBuffer    = `recv_buffer is a size from 1 byte to 1GiB such as "64KiB"`
	helpWindowScaling = `window_scaling is true or false`
	helpRTO           = `an RTO setting is a duration from 1ms to 1h such as "200ms"; rto_min ≤ rto_initial ≤ rto_max`
	helpRetries       = `a retry count is an integer 0..100`
	helpMSL           = `msl is a duration from 0 to 1h such as "30s"`
	helpNoDelay       = `nodelay is true (Nagle's algorithm off) or false`
	helpIW            = `initial_window is a number of segments 1..100 (leave it out for RFC 5681's rule)`
	helpConnectAt     = `connect_at is a duration ≥ 0 such as "1s", before the end of the run`
	helpSend          = `send is a size from 0 to 1GiB such as "8KiB" or 8192`
	helpReply         = `reply is a size from 0 to 1GiB such as "8KiB" or 8192`
	helpWrites        = `writes is a list of timed writes such as [{at: 1s, bytes: 1KiB}]`
	helpWrite         = `a write is a mapping {at: <time>, bytes: <size>} such as {at: 1s, bytes: 1KiB}`
	helpWriteAt       = `at is the time of the write since the start of the run, a duration ≥ 0 such as "1s"`
	helpWriteBytes    = `bytes is a size from 1 byte to 1GiB such as "1KiB"`
	helpClose         = `close is auto, never, or the time to close at, a duration such as "30s"`

	helpProfile    = `a profile is rfc (the textbook values) or linux (what a Linux host sends)`
	helpDelayedACK = `delayed_ack is a duration from 0 to 500ms such as "200ms" (RFC 1122 §4.2.3.2: under 0.5 s), or off`
	helpQuickACKs  = `quick_acks is a number of ACKs 0..100`
	helpKeepalive  = `keepalive is true, false, or a mapping {idle: 2h, interval: 75s, probes: 9}`
	helpKeepTime   = `a keepalive time is a duration from 1ms to 168h such as "75s"`
	helpTimestamps = `timestamps is true or false (RFC 7323 timestamps option)`
	helpSACK       = `sack is true or false (RFC 2018 SACK-permitted and SACK blocks)`
	helpSynLinear  = `syn_linear_timeouts is how many SYN retransmissions go one initial RTO apart before doubling, 0..100 (Linux's tcp_syn_linear_timeouts)`
	helpGarbage    = `garbage_byte is true (the probe carries one old byte, as BSD) or false (no data, RFC 1122's SHOULD)`
	helpKeepProbes = `probes is the number of unanswered probes before the connection is dropped, 1..100`
	helpUserTO     = `user_timeout is a duration from 1ms to 168h such as "30s", or off`
	helpReader     = `reader is a mapping such as {bytes: 1KiB, every: 100ms}, {rate: 10KB/s} or {pauses: [{from: 1s, to: 5s}]}`
	helpReadBytes  = `bytes is how much the reader takes each time, a size from 1 byte to 1GiB such as "1KiB"`
	helpReadEvery  = `every is how often the reader reads, a duration from 1ms to 1h such as "100ms"`
	helpReadRate   = `rate is how fast the reader reads, a size per second such as "10KB/s" or "2KiB/s"`
	helpPauses     = `pauses is a list such as [{from: 1s, to: 5s}]`
	helpPause      = `a pause is a mapping {from: <time>, to: <time>} with from < to, such as {from: 1s, to: 5s}`
	helpReconnect  = `reconnect is true, false, or the delay before reconnecting, a duration such as "1s"`
	helpBackup     = `backup_link is link settings for a second path, such as {delay: 80ms, bandwidth: 5Mbps}; a client with reconnect uses it after an abort`
	helpEvents     = `events is a list such as [{at: 30s, crash: server}, {at: 60s, reboot: server}]`
	helpEvent      = `an event is a mapping {at: <time>, crash: client|server} or {at: <time>, reboot: client|server}`

	helpDrop      = `drop is a list of rules such as [{from: client, data_segment: 3}]`
	helpRule      = `a drop rule is a mapping such as {from: client, data_segment: 3}`
	helpFrom      = `from is client or server: whose packets the rule drops`
	helpOrdinal   = `it is an ordinal 1..2147483647: 1 is the first`
	helpSeq       = `seq is a sequence number 0..4294967295`
	helpFlags     = `flags is a set of SYN, FIN, RST, PSH, ACK, URG, ECE, CWR such as "SYN,ACK" (in quotes inside {…}) or SYN+ACK`
	helpBetween   = `between is a list of two times [from, to) such as [1s, 2s]`
	helpTimes     = `times is how many matching packets to drop: an integer 1..2147483647, or always (0 also means always)`
	helpOutages   = `outages is a list such as [{from: 2s, to: 5s, direction: both}]`
	helpOutage    = `an outage is a mapping such as {from: 2s, to: 5s, direction: both}`
	helpOutageT   = `an outage's from and to are durations ≥ 0 such as "2s", with from < to`
	helpDirection = `direction is client_to_server, server_to_client or both`
)

func keys(names ...string) []key {
	ks := make([]key, len(names))
	for i, n := range names {
		ks[i] = key{name: n}
	}
	return ks
}

var (
	topKeys      = keys("name", "description", "seed", "duration", "event_budget", "profile", "link", "links", "backup_link", "client", "server", "drop", "outages", "events")
	linkKeys     = keys("delay", "jitter", "reorder", "bandwidth", "queue", "queue_bytes", "mtu", "loss")
	linksKeys    = keys("client_to_server", "server_to_client")
	endpointKeys = keys("addr", "port", "isn", "mss", "send_buffer", "recv_buffer", "window_scaling",
		"rto_initial", "rto_min", "rto_max", "syn_retries", "retries", "msl", "nodelay", "initial_window", "send", "writes", "close",
		"profile", "delayed_ack", "quick_acks", "keepalive", "user_timeout", "reader",
		"timestamps", "sack", "syn_linear_timeouts")
	clientKeys = append(keys("connect_at", "reconnect"), append(slices.Clone(endpointKeys),
		key{name: "reply", misplaced: "reply is for the server: it is what the server writes once it has read the client's data; the client's data is send"})...)
	serverKeys = append(slices.Clone(endpointKeys), key{name: "reply"},
		key{name: "connect_at", misplaced: "connect_at is for the client: only the client connects (the server listens from the start)"},
		key{name: "reconnect", misplaced: "reconnect is for the client: only the client connects"})
	writeKeys  = keys("at", "bytes")
	dropKeys   = keys("from", "segment", "data_segment", "seq", "flags", "nth", "between", "times")
	outageKeys = keys("from", "to", "direction")
	keepKeys   = keys("idle", "interval", "probes", "garbage_byte")
	readerKeys = keys("bytes", "every", "rate", "pauses")
	pauseKeys  = keys("from", "to")
	eventKeys  = keys("at", "crash", "reboot")
)

// keyHome says where a key that is not allowed here belongs, by its
// normalized spelling; for unknownKey.
var keyHome = func() map[string]string {
	m := map[string]string{}
	for _, k := range linkKeys {
		m[k.name] = "it is a link setting: put it under link (both directions), or under links.client_to_server or links.server_to_client"
	}
	for _, k := range append(slices.Clone(endpointKeys), key{name: "connect_at"}, key{name: "reply"}) {
		m[k.name] = "it is an endpoint setting: put it under client or server"
	}
	for _, k := range dropKeys {
		m[k.name] = "it belongs in a drop rule, such as drop: [{from: client, data_segment: 3}]"
	}
	for _, k := range outageKeys[1:] {
		m[k.name] = "it belongs in an outage, such as outages: [{from: 2s, to: 5s}]"
	}
	m["latency"] = `the one-way delay is delay, a link setting (link: {delay: 50ms})`
	m["rtt"] = `set the one-way delay instead: delay, a link setting (link: {delay: 50ms} gives an RTT of 100ms)`
	m["rate"] = `the link rate is bandwidth, a link setting (link: {bandwidth: 10Mbps})`
	m["iss"] = `the initial sequence number is isn, an endpoint setting (client: {isn: 100})`
	m["drops"] = `drop rules go under drop`
	m["nagle"] = `Nagle's algorithm is on unless nodelay: true (an endpoint setting)`
	m["loss_rate"] = `the loss probability is loss, a link setting (link: {loss: 0.01})`
	return m
}()

// homeKeys are keyHome's keys, sorted, for suggestions.
var homeKeys = func() []string {
	ks := make([]string, 0, len(keyHome))
	for k := range keyHome {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}()

// runEnd is the run's duration, for checking that times fall within it.
type runEnd struct {
	d       time.Duration
	known   bool // false when duration was invalid: skip the checks
	written bool // duration was given in the file
}

// after returns the problem when t is not before the end of the run.
func (e runEnd) after(t time.Duration) string {
	if !e.known || t < e.d {
		return ""
	}
	how := ""
	if !e.written {
		how = ", the default"
	}
	return fmt.Sprintf("is not before the end of the run (duration %s%s)", fmtDuration(e.d), how)
}

// scenario decodes and checks the whole file.
func (d *decoder) scenario(root value, defaultName string) *Scenario {
	f := d.fields(root, helpTop, topKeys)
	sc := &Scenario{
		Name:        defaultName,
		File:        d.file,
		Seed:        defaultSeed,
		Duration:    defaultDuration,
		EventBudget: defaultEventBudget,
	}
	if v := f["name"]; v.present() {
		if s, ok := d.text(v, helpName); ok {
			switch {
			case strings.TrimSpace(s) == "":
				d.errorf(v, "the name is empty; %s", helpName)
			case strings.ContainsAny(s, "\n\r"):
				d.errorf(v, "the name has more than one line; %s (the description may have many)", helpName)
			case len([]rune(s)) > 100:
				d.errorf(v, "the name is longer than 100 characters; %s (the description may be long)", helpName)
			default:
				sc.Name = s
			}
		}
	}
	if v := f["description"]; v.present() {
		if s, ok := d.text(v, helpDescription); ok {
			sc.Description = strings.TrimSpace(s)
		}
	}
	if v := f["seed"]; v.present() {
		if n, ok := d.unsigned(v, 0, math.MaxUint64, helpSeed); ok {
			sc.Seed = n
		}
	}
	end := runEnd{d: defaultDuration, known: true}
	if v := f["duration"]; v.present() {
		end.written = true
		if dur, ok := d.duration(v, 0, maxDuration, helpDuration); ok {
			if dur == 0 {
				d.errorf(v, "%s is zero: the run would end before it starts; %s", describe(v.n), helpDuration)
				end.known = false
			} else {
				sc.Duration, end.d = dur, dur
			}
		} else {
			end.known = false
		}
	}
	if v := f["event_budget"]; v.present() {
		if n, ok := d.integer(v, 1, maxEventBudget, helpEventBudget); ok {
			sc.EventBudget = uint64(n)
		}
	}

	profile := "rfc"
	if v := f["profile"]; v.present() {
		if p, ok := d.profileName(v); ok {
			profile = p
		}
	}
	if d.profileOverride != "" {
		profile = d.profileOverride
	}

	base := d.linkSpec(f["link"])
	lf := d.fields(f["links"], helpLinks, linksKeys)
	sc.ClientToServer = d.linkConfig(base.with(d.linkSpec(lf["client_to_server"])))
	sc.ServerToClient = d.linkConfig(base.with(d.linkSpec(lf["server_to_client"])))

	if v := f["backup_link"]; v.present() && !isNull(v.n) {
		spec := d.linkSpec(v)
		sc.Backup = &Path{ClientToServer: d.linkConfig(spec), ServerToClient: d.linkConfig(spec)}
	}

	var addrs [2]value
	var addrsOK [2]bool
	sc.Client, addrs[0], addrsOK[0] = d.endpoint(f["client"], "client", end, profile)
	sc.Server, addrs[1], addrsOK[1] = d.endpoint(f["server"], "server", end, profile)
	if addrsOK[0] && addrsOK[1] && sc.Client.Addr == sc.Server.Addr {
		v := addrs[1]
		if !v.present() {
			v = addrs[0]
		}
		d.errorf(v, "the client and the server have the same address %s; give them different ones (defaults: client 10.0.0.1, server 10.0.0.2)", sc.Client.Addr)
	}

	for _, item := range d.list(f["drop"], helpDrop) {
		from, rule, ok := d.dropRule(item, end)
		if !ok {
			continue
		}
		if from == "client" {
			sc.ClientToServer.Rules = append(sc.ClientToServer.Rules, rule)
		} else {
			sc.ServerToClient.Rules = append(sc.ServerToClient.Rules, rule)
		}
	}
	for _, item := range d.list(f["events"], helpEvents) {
		if ev, ok := d.event(item, end); ok {
			sc.Events = append(sc.Events, ev)
		}
	}
	slices.SortStableFunc(sc.Events, func(x, y HostEvent) int { return cmp.Compare(x.At, y.At) })
	for _, item := range d.list(f["outages"], helpOutages) {
		o, dir, ok := d.outage(item, end)
		if !ok {
			continue
		}
		if dir != "server_to_client" {
			sc.ClientToServer.Outages = append(sc.ClientToServer.Outages, o)
		}
		if dir != "client_to_server" {
			sc.ServerToClient.Outages = append(sc.ServerToClient.Outages, o)
		}
	}
	return sc
}

// opt is a setting that may be absent, with the value it was read from.
type opt[T any] struct {
	v   T
	set bool
	at  value
}

func (o opt[T]) or(def T) T {
	if o.set {
		return o.v
	}
	return def
}

// linkSpec is the link settings one mapping gives.
type linkSpec struct {
	delay, jitter     opt[time.Duration]
	reorder           opt[bool]
	bandwidth         opt[int64]
	queue, queueBytes opt[int64]
	mtu               opt[int64]
	loss              opt[float64]
}

func (d *decoder) linkSpec(v value) linkSpec {
	f := d.fields(v, helpLink, linkKeys)
	var s linkSpec
	if x := f["delay"]; x.present() {
		s.delay.v, s.delay.set = d.duration(x, 0, maxDuration, helpDelay)
		s.delay.at = x
	}
	if x := f["jitter"]; x.present() {
		s.jitter.v, s.jitter.set = d.duration(x, 0, maxDuration, helpJitter)
		s.jitter.at = x
	}
	if x := f["reorder"]; x.present() {
		s.reorder.v, s.reorder.set = d.boolean(x, helpReorder)
		s.reorder.at = x
	}
	if x := f["bandwidth"]; x.present() {
		s.bandwidth.v, s.bandwidth.set = d.rate(x, minBandwidth, maxBandwidth, helpBandwidth)
		s.bandwidth.at = x
	}
	if x := f["queue"]; x.present() {
		if t, isString, _ := scalarText(x.n); isString && strings.EqualFold(strings.TrimSpace(t), "unlimited") {
			s.queue.set = true
		} else {
			s.queue.v, s.queue.set = d.integer(x, 1, maxQueue, helpQueue)
		}
		s.queue.at = x
	}
	if x := f["queue_bytes"]; x.present() {
		s.queueBytes.v, s.queueBytes.set = d.size(x, 1, maxBytes, helpQueueB)
		s.queueBytes.at = x
	}
	if f["queue"].present() && f["queue_bytes"].present() {
		x := f["queue_bytes"]
		d.errorAt(x.key, x.path, "both queue and queue_bytes are given; a queue is limited either in packets (queue) or in bytes (queue_bytes), not both")
	}
	if x := f["mtu"]; x.present() {
		s.mtu.v, s.mtu.set = d.integer(x, 68, 65535, helpMTU)
		s.mtu.at = x
	}
	if x := f["loss"]; x.present() {
		s.loss.v, s.loss.set = d.probability(x, helpLoss)
		s.loss.at = x
	}
	return s
}

// with returns s overridden by the settings o gives. A queue limit in o
// replaces both of s's, so a direction can switch from packets to bytes.
func (s linkSpec) with(o linkSpec) linkSpec {
	over := func(dst *opt[time.Duration], src opt[time.Duration]) {
		if src.set {
			*dst = src
		}
	}
	over(&s.delay, o.delay)
	over(&s.jitter, o.jitter)
	if o.reorder.set {
		s.reorder = o.reorder
	}
	if o.bandwidth.set {
		s.bandwidth = o.bandwidth
	}
	if o.queue.set || o.queueBytes.set || o.queue.at.present() || o.queueBytes.at.present() {
		s.queue, s.queueBytes = o.queue, o.queueBytes
	}
	if o.mtu.set {
		s.mtu = o.mtu
	}
	if o.loss.set {
		s.loss = o.loss
	}
	return s
}

func (d *decoder) linkConfig(s linkSpec) link.Config {
	c := link.Config{
		Delay:     s.delay.or(defaultDelay),
		Jitter:    s.jitter.or(0),
		Reorder:   s.reorder.or(false),
		Bandwidth: s.bandwidth.or(defaultBandwidth),
		MTU:       int(s.mtu.or(defaultMTU)),
		Loss:      s.loss.or(0),
	}
	switch {
	case s.queue.set || s.queueBytes.set:
		c.QueuePackets, c.QueueBytes = int(s.queue.v), int(s.queueBytes.v)
	case !s.queue.at.present() && !s.queueBytes.at.present():
		c.QueuePackets = defaultQueue
	}
	if c.Reorder && c.Jitter == 0 {
		d.errorf(s.reorder.at, "reorder is true but jitter is 0: packets overtake one another only when their delays vary; set jitter too, such as jitter: 5ms")
	}
	return c
}

// endpoint decodes client or server; it returns the addr value, and
// whether it is good, for the check that the two differ.
func (d *decoder) endpoint(v value, name string, end runEnd, profile string) (Endpoint, value, bool) {
	allowed := clientKeys
	if name == "server" {
		allowed = serverKeys
	}
	f := d.fields(v, helpEndpoint, allowed)
	if x := f["profile"]; x.present() && d.profileOverride == "" {
		if p, ok := d.profileName(x); ok {
			profile = p
		}
	}
	cfg, _ := tcp.Profile(profile) // profileName accepted only known names
	ep := Endpoint{Name: name, Addr: defaultClientAddr, Port: defaultClientPort, Profile: profile, TCP: cfg}
	if name == "server" {
		ep.Addr, ep.Port = defaultServerAddr, defaultServerPort
	}
	c := &ep.TCP

	addrOK := true
	if x := f["addr"]; x.present() {
		addrOK = false
		if s, ok := d.text(x, helpAddr); ok {
			a, err := netip.ParseAddr(strings.TrimSpace(s))
			switch {
			case err != nil:
				d.errorf(x, "%s is not an IPv4 address; %s", describe(x.n), helpAddr)
			case !a.Is4():
				d.errorf(x, "%s is an IPv6 address, which tcpsim does not model; %s", describe(x.n), helpAddr)
			case a.IsUnspecified() || a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
				d.errorf(x, "%s is not a host's address (it is unspecified, multicast or broadcast); %s", describe(x.n), helpAddr)
			default:
				ep.Addr, addrOK = a, true
			}
		}
	}
	if x := f["port"]; x.present() {
		if n, ok := d.integer(x, 1, 65535, helpPort); ok {
			ep.Port = uint16(n)
		}
	}
	if x := f["isn"]; x.present() {
		if n, ok := d.unsigned(x, 0, math.MaxUint32, helpISN); ok {
			c.ISS, c.FixedISS = wire.Seq(n), true
		}
	}
	if x := f["mss"]; x.present() {
		if n, ok := d.integer(x, 88, 65495, helpMSS); ok {
			c.MSS = int(n)
		}
	}
	if x := f["send_buffer"]; x.present() {
		if n, ok := d.size(x, 1, maxBytes, helpSendBuffer); ok {
			c.SendBuffer = int(n)
		}
	}
	if x := f["recv_buffer"]; x.present() {
		if n, ok := d.size(x, 1, maxBytes, helpRecvBuffer); ok {
			c.RecvBuffer = int(n)
		}
	}
	// RFC 7323 §2: scaling is needed only for windows over 65,535 bytes
	// (Linux offers it always).
	c.WindowScaling = c.WindowScaling || c.RecvBuffer > 65535
	if x := f["window_scaling"]; x.present() {
		if b, ok := d.boolean(x, helpWindowScaling); ok {
			c.WindowScaling = b
		}
	}
	d.rto(f, c)
	if x := f["syn_retries"]; x.present() {
		if n, ok := d.integer(x, 0, maxRetries, helpRetries); ok {
			c.SynRetries = int(n)
		}
	}
	if x := f["retries"]; x.present() {
		if n, ok := d.integer(x, 0, maxRetries, helpRetries); ok {
			c.Retries = int(n)
		}
	}
	if x := f["msl"]; x.present() {
		if t, ok := d.duration(x, 0, maxTimerValue, helpMSL); ok {
			c.MSL = t
		}
	}
	if x := f["nodelay"]; x.present() {
		if b, ok := d.boolean(x, helpNoDelay); ok {
			c.NoDelay = b
		}
	}
	if x := f["initial_window"]; x.present() {
		if n, ok := d.integer(x, 1, 100, helpIW); ok {
			c.InitialWindow = int(n)
		}
	}
	if x := f["delayed_ack"]; x.present() {
		if t, ok := d.durationOrOff(x, 0, 500*time.Millisecond, helpDelayedACK); ok {
			c.DelayedACK = t
		}
	}
	if x := f["quick_acks"]; x.present() {
		if n, ok := d.integer(x, 0, 100, helpQuickACKs); ok {
			c.QuickACKs = int(n)
		}
	}
	if x := f["user_timeout"]; x.present() {
		if t, ok := d.durationOrOff(x, time.Millisecond, maxDuration, helpUserTO); ok {
			c.UserTimeout = t
		}
	}
	for _, b := range []struct {
		key, help string
		p         *bool
	}{{"timestamps", helpTimestamps, &c.Timestamps}, {"sack", helpSACK, &c.SACK}} {
		if x := f[b.key]; x.present() {
			if v, ok := d.boolean(x, b.help); ok {
				*b.p = v
			}
		}
	}
	if x := f["syn_linear_timeouts"]; x.present() {
		if n, ok := d.integer(x, 0, maxRetries, helpSynLinear); ok {
			c.SynLinearTimeouts = int(n)
		}
	}
	d.keepalive(f["keepalive"], c)
	ep.App = d.app(f, name, end)
	ep.App.Reader = d.reader(f["reader"], end)
	if x := f["reconnect"]; x.present() && !isNull(x.n) {
		if s, _, _ := scalarText(x.n); strings.EqualFold(s, "true") || strings.EqualFold(s, "false") {
			if b, ok := d.boolean(x, helpReconnect); ok {
				ep.App.Reconnect, ep.App.ReconnectDelay = b, time.Second
			}
		} else if t, ok := d.duration(x, 0, maxDuration, helpReconnect); ok {
			ep.App.Reconnect, ep.App.ReconnectDelay = true, t
		}
	}
	return ep, f["addr"], addrOK
}

// profileName reads a profile's name.
func (d *decoder) profileName(v value) (string, bool) {
	s, ok := d.text(v, helpProfile)
	if !ok {
		return "", false
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if !slices.Contains(tcp.Profiles, s) {
		d.errorf(v, "%s is not a profile; %s", describe(v.n), helpProfile)
		return "", false
	}
	return s, true
}

// durationOrOff reads a duration, or "off" (or 0) for none.
func (d *decoder) durationOrOff(v value, lo, hi time.Duration, help string) (time.Duration, bool) {
	if s, isString, _ := scalarText(v.n); isString && strings.EqualFold(strings.TrimSpace(s), "off") {
		return 0, true
	}
	if s, _, _ := scalarText(v.n); strings.TrimSpace(s) == "0" {
		return 0, true
	}
	return d.duration(v, lo, hi, help)
}

// keepalive reads keepalive: true | false | {idle, interval, probes}.
func (d *decoder) keepalive(v value, c *tcp.Config) {
	if !v.present() || isNull(v.n) {
		return
	}
	if _, isMap := v.n.(*ast.MappingNode); !isMap {
		if b, ok := d.boolean(v, helpKeepalive); ok {
			c.Keepalive = b
		}
		return
	}
	c.Keepalive = true
	f := d.fields(v, helpKeepalive, keepKeys)
	if x := f["idle"]; x.present() {
		if t, ok := d.duration(x, time.Millisecond, maxDuration, helpKeepTime); ok {
			c.KeepaliveIdle = t
		}
	}
	if x := f["interval"]; x.present() {
		if t, ok := d.duration(x, time.Millisecond, maxDuration, helpKeepTime); ok {
			c.KeepaliveInterval = t
		}
	}
	if x := f["probes"]; x.present() {
		if n, ok := d.integer(x, 1, 100, helpKeepProbes); ok {
			c.KeepaliveProbes = int(n)
		}
	}
	if x := f["garbage_byte"]; x.present() {
		if b, ok := d.boolean(x, helpGarbage); ok {
			c.KeepaliveGarbageByte = b
		}
	}
}

// readerTick is how often a reader given only a rate reads.
const readerTick = 100 * time.Millisecond

// reader reads the application's reading model.
func (d *decoder) reader(v value, end runEnd) Reader {
	var r Reader
	if !v.present() || isNull(v.n) {
		return r
	}
	f := d.fields(v, helpReader, readerKeys)
	if x := f["rate"]; x.present() {
		if f["bytes"].present() || f["every"].present() {
			d.errorf(x, "rate goes alone, or bytes with every, not both; %s", helpReader)
		} else if s, isString, _ := scalarText(x.n); !isString || !strings.HasSuffix(strings.ToLower(strings.TrimSpace(s)), "/s") {
			d.errorf(x, "%s is not a rate; %s", describe(x.n), helpReadRate)
		} else if n, err := ParseSize(strings.TrimSpace(strings.TrimSpace(s)[:len(strings.TrimSpace(s))-2])); err != nil || n <= 0 || n > maxBytes {
			d.errorf(x, "%s is not a rate; %s", describe(x.n), helpReadRate)
		} else {
			r.Every = readerTick
			r.Bytes = max(1, n*int64(readerTick)/int64(time.Second))
		}
	}
	if x := f["bytes"]; x.present() {
		if n, ok := d.size(x, 1, maxBytes, helpReadBytes); ok {
			r.Bytes = n
		}
		if !f["every"].present() {
			d.errorf(x, "bytes needs every too; %s", helpReader)
		}
	}
	if x := f["every"]; x.present() {
		if t, ok := d.duration(x, time.Millisecond, maxTimerValue, helpReadEvery); ok {
			r.Every = t
		}
		if !f["bytes"].present() {
			d.errorf(x, "every needs bytes too; %s", helpReader)
		}
	}
	for _, item := range d.list(f["pauses"], helpPauses) {
		pf := d.fields(item, helpPause, pauseKeys)
		var p Pause
		okF, okT := false, false
		if x := pf["from"]; x.present() {
			p.From, okF = d.duration(x, 0, maxDuration, helpPause)
		} else {
			d.errorf(item, "from is missing; %s", helpPause)
		}
		if x := pf["to"]; x.present() {
			p.To, okT = d.duration(x, 0, maxDuration, helpPause)
		} else {
			d.errorf(item, "to is missing; %s", helpPause)
		}
		if okF && okT {
			if p.To <= p.From {
				d.errorf(pf["to"], "the pause ends (%s) before it begins (%s); %s", fmtDuration(p.To), fmtDuration(p.From), helpPause)
				continue
			}
			r.Pauses = append(r.Pauses, p)
		}
	}
	slices.SortStableFunc(r.Pauses, func(x, y Pause) int { return cmp.Compare(x.From, y.From) })
	return r
}

// event reads one host event.
func (d *decoder) event(v value, end runEnd) (HostEvent, bool) {
	f := d.fields(v, helpEvent, eventKeys)
	var ev HostEvent
	ok := true
	if x := f["at"]; !x.present() {
		d.errorf(v, "at is missing; %s", helpEvent)
		ok = false
	} else if t, good := d.duration(x, 0, maxDuration, helpEvent); !good {
		ok = false
	} else if p := end.after(t); p != "" {
		d.errorf(x, "%s %s; the event would never happen", describe(x.n), p)
		ok = false
	} else {
		ev.At = t
	}
	crash, reboot := f["crash"], f["reboot"]
	switch {
	case crash.present() && reboot.present():
		d.errorf(reboot, "an event is a crash or a reboot, not both; write two events; %s", helpEvent)
		return ev, false
	case crash.present():
		ev.Op = trace.HostCrash
	case reboot.present():
		ev.Op, crash = trace.HostReboot, reboot
	default:
		d.errorf(v, "say what happens: crash: <host> or reboot: <host>; %s", helpEvent)
		return ev, false
	}
	node, good := d.text(crash, helpEvent)
	node = strings.ToLower(strings.TrimSpace(node))
	if good && node != "client" && node != "server" {
		d.errorf(crash, "%s is not a host; the hosts are client and server", describe(crash.n))
		good = false
	}
	ev.Node = node
	return ev, ok && good
}

// rto reads rto_initial, rto_min and rto_max and checks
// rto_min ≤ rto_initial ≤ rto_max (RFC 6298 (2.1), (2.4), (2.5)).
func (d *decoder) rto(f map[string]value, c *tcp.Config) {
	type setting struct {
		name string
		v    value
		t    *time.Duration
		ok   bool
	}
	ss := []*setting{{name: "rto_min", t: &c.RTOMin}, {name: "rto_initial", t: &c.RTOInitial}, {name: "rto_max", t: &c.RTOMax}}
	for _, s := range ss {
		s.v = f[s.name]
		s.ok = true
		if s.v.present() {
			*s.t, s.ok = d.duration(s.v, time.Millisecond, maxTimerValue, helpRTO)
		}
	}
	show := func(s *setting) string {
		if s.v.present() {
			return fmtDuration(*s.t)
		}
		return fmtDuration(*s.t) + ", the default"
	}
	// Check the pairs in order and report the first broken one.
	for _, p := range [][2]int{{0, 2}, {0, 1}, {1, 2}} {
		lo, hi := ss[p[0]], ss[p[1]]
		if !lo.ok || !hi.ok || *lo.t <= *hi.t {
			continue
		}
		if lo.v.present() {
			d.errorf(lo.v, "%s is more than %s (%s); rto_min ≤ rto_initial ≤ rto_max", describe(lo.v.n), hi.name, show(hi))
		} else {
			d.errorf(hi.v, "%s is less than %s (%s); rto_min ≤ rto_initial ≤ rto_max: set %s too", describe(hi.v.n), lo.name, show(lo), lo.name)
		}
		return
	}
}

// app reads the application keys of an endpoint.
func (d *decoder) app(f map[string]value, name string, end runEnd) App {
	var a App
	if x := f["connect_at"]; x.present() {
		if t, ok := d.duration(x, 0, maxDuration, helpConnectAt); ok {
			if p := end.after(t); p != "" {
				d.errorf(x, "%s %s; the client would never connect", describe(x.n), p)
			} else {
				a.ConnectAt = t
			}
		}
	}
	if x := f["send"]; x.present() {
		if n, ok := d.size(x, 0, maxBytes, helpSend); ok {
			a.Send = n
		}
	}
	if x := f["reply"]; x.present() {
		if n, ok := d.size(x, 0, maxBytes, helpReply); ok {
			a.Reply = n
		}
	}
	for _, item := range d.list(f["writes"], helpWrites) {
		wf := d.fields(item, helpWrite, writeKeys)
		var w Write
		ok := true
		if x := wf["at"]; !x.present() {
			d.errorf(item, "at is missing; %s", helpWrite)
			ok = false
		} else if w.At, ok = d.duration(x, 0, maxDuration, helpWriteAt); ok {
			if p := end.after(w.At); p != "" {
				d.errorf(x, "%s %s; the write would never happen", describe(x.n), p)
				ok = false
			} else if name == "client" && w.At < a.ConnectAt {
				d.errorf(x, "%s is before connect_at (%s); the client writes only once it has begun to connect", describe(x.n), fmtDuration(a.ConnectAt))
				ok = false
			}
		}
		if x := wf["bytes"]; !x.present() {
			d.errorf(item, "bytes is missing; %s", helpWrite)
			ok = false
		} else {
			var okb bool
			if w.Bytes, okb = d.size(x, 1, maxBytes, helpWriteBytes); !okb {
				ok = false
			}
		}
		if ok && item.present() && !isNull(item.n) {
			a.Writes = append(a.Writes, w)
		}
	}
	slices.SortStableFunc(a.Writes, func(x, y Write) int { return cmp.Compare(x.At, y.At) })

	a.Close = CloseAuto
	if x := f["close"]; x.present() {
		s, isString, _ := scalarText(x.n)
		switch t := strings.ToLower(strings.TrimSpace(s)); {
		case isString && t == "auto":
		case isString && t == "never":
			a.Close = CloseNever
		case isString && !strings.ContainsAny(t[:min(len(t), 1)], "0123456789.+-"):
			if _, err := ParseDuration(s); err != nil {
				d.errorf(x, "%s is not auto, never or a duration; %s", describe(x.n), helpClose)
				break
			}
			fallthrough
		default:
			at, ok := d.duration(x, 0, maxDuration, helpClose)
			if !ok {
				break
			}
			switch p := end.after(at); {
			case p != "":
				d.errorf(x, "%s %s; to keep the connection open write close: never", describe(x.n), p)
			case name == "client" && at < a.ConnectAt:
				d.errorf(x, "%s is before connect_at (%s); the client can close only once it has begun to connect", describe(x.n), fmtDuration(a.ConnectAt))
			default:
				a.Close, a.CloseAt = CloseAt, at
			}
		}
	}
	return a
}

// flagSplit is the message for a key that is a flag name: in a flow mapping
// "flags: SYN,ACK" reads as flags: SYN and a key ACK.
func flagSplit(name string) string {
	if _, ok := wire.ParseFlags(name); !ok || strings.TrimSpace(name) == "" {
		return ""
	}
	return fmt.Sprintf("unknown key %q: inside {…} a comma separates keys, so flags: SYN,ACK reads as flags: SYN and a key %s; write flags: \"SYN,ACK\" in quotes, or flags: SYN+ACK", name, name)
}

// dropRule decodes one drop rule into the link rule it becomes and the side
// whose packets it drops.
func (d *decoder) dropRule(v value, end runEnd) (from string, rule link.Rule, ok bool) {
	if isNull(v.n) {
		d.errorf(v, "the rule is empty; %s", helpRule)
		return "", rule, false
	}
	if _, isMap := v.n.(*ast.MappingNode); !isMap {
		d.errorf(v, "%s is not a mapping; %s", describe(v.n), helpRule)
		return "", rule, false
	}
	// Keys that are flag names get their own message (see flagSplit).
	m := v.n.(*ast.MappingNode)
	hasFlagsKey := slices.ContainsFunc(m.Values, func(kv *ast.MappingValueNode) bool {
		return kv != nil && kv.Key != nil && kv.Key.GetToken() != nil && kv.Key.GetToken().Value == "flags"
	})
	keep := m.Values[:0:0]
	for _, kv := range m.Values {
		if hasFlagsKey && kv != nil && kv.Key != nil && kv.Key.GetToken() != nil && isNull(kv.Value) && !slices.ContainsFunc(dropKeys, func(k key) bool { return k.name == kv.Key.GetToken().Value }) {
			if msg := flagSplit(kv.Key.GetToken().Value); msg != "" {
				d.errorAt(kv.Key.GetToken(), v.path, "%s", msg)
				continue
			}
		}
		keep = append(keep, kv)
	}
	mv := *m
	mv.Values = keep
	v.n = &mv
	f := d.fields(v, helpRule, dropKeys)

	ok = true
	switch x := f["from"]; {
	case !x.present():
		d.errorf(v, "from is missing; say whose packets the rule drops: from: client or from: server")
		ok = false
	default:
		s, good := d.text(x, helpFrom)
		switch {
		case !good:
			ok = false
		case s == "client" || s == "server":
			from = s
		default:
			d.errorf(x, "%s is not client or server; %s", describe(x.n), helpFrom)
			ok = false
		}
	}

	var cs []criterion
	var desc []string
	single := "" // a criterion that picks one packet at most
	if x := f["segment"]; x.present() {
		if n, good := d.integer(x, 1, maxCount, "segment is the Nth segment of any kind the side sends; "+helpOrdinal); good {
			cs = append(cs, segmentN(int(n)))
			desc = append(desc, "segment "+strconv.FormatInt(n, 10))
			single = "segment " + strconv.FormatInt(n, 10)
		} else {
			ok = false
		}
	}
	if x := f["data_segment"]; x.present() {
		if n, good := d.integer(x, 1, maxCount, "data_segment is the Nth new segment of data the side sends; "+helpOrdinal); good {
			cs = append(cs, dataSegmentN(int(n)))
			desc = append(desc, "data_segment "+strconv.FormatInt(n, 10))
		} else {
			ok = false
		}
	}
	if x := f["seq"]; x.present() {
		if n, good := d.unsigned(x, 0, math.MaxUint32, helpSeq); good {
			cs = append(cs, seqIs(wire.Seq(n)))
			desc = append(desc, "seq "+strconv.FormatUint(n, 10))
		} else {
			ok = false
		}
	}
	var flags wire.Flags
	hasFlags := false
	if x := f["flags"]; x.present() {
		if fl, good := d.flags(x); good {
			flags, hasFlags = fl, true
		} else {
			ok = false
		}
	}
	nth := 0
	if x := f["nth"]; x.present() {
		if n, good := d.integer(x, 1, maxCount, "nth picks the Nth segment with the given flags; "+helpOrdinal); good {
			nth = int(n)
		} else {
			ok = false
		}
		if !f["flags"].present() {
			d.errorAt(x.key, x.path, "nth counts the segments that have the given flags, so it needs flags (such as flags: SYN, nth: 2); for the Nth segment of any kind write segment: N")
			ok = false
		}
	}
	if hasFlags {
		cs = append(cs, flagsAre(flags, nth))
		s := "flags " + flags.String()
		if nth > 0 {
			s += " nth " + strconv.Itoa(nth)
			single = s
		}
		desc = append(desc, s)
	}
	if x := f["between"]; x.present() {
		if t1, t2, good := d.between(x, end); good {
			cs = append(cs, within(sim.At(t1), sim.At(t2)))
			desc = append(desc, fmt.Sprintf("between [%s, %s)", fmtDuration(t1), fmtDuration(t2)))
		} else {
			ok = false
		}
	}
	times := 1
	timesV := f["times"]
	if timesV.present() {
		if s, isString, _ := scalarText(timesV.n); isString && strings.EqualFold(strings.TrimSpace(s), "always") {
			times = 0
		} else if n, good := d.integer(timesV, 0, maxCount, helpTimes); good {
			times = int(n)
		} else {
			ok = false
		}
	}
	if len(cs) == 0 && ok {
		d.errorf(v, "the rule has no criterion, so it would pick nothing; give at least one of segment, data_segment, seq, flags or between (several must all hold)")
		ok = false
	}
	if single != "" && times > 1 {
		d.errorf(timesV, "%s can never be reached: %s picks a single packet; leave times out (data_segment N also picks the retransmissions of the Nth data segment)", describe(timesV.n), single)
		ok = false
	}
	if !ok {
		return "", rule, false
	}
	rule.Desc = strings.Join(desc, " ") // whose packets it drops is the link's side, in every record
	switch times {
	case 1:
	case 0:
		rule.Desc += ", times always"
	default:
		rule.Desc += ", times " + strconv.Itoa(times)
	}
	rule.Times = times
	rule.Match = all(cs)
	return from, rule, true
}

// flags reads a set of TCP flags: "SYN,ACK", "SYN+ACK" or a list [SYN, ACK].
func (d *decoder) flags(v value) (wire.Flags, bool) {
	if d.missing(v, helpFlags) {
		return 0, false
	}
	var names []string
	var at []value
	if _, isList := v.n.(*ast.SequenceNode); isList {
		for _, item := range d.list(v, helpFlags) {
			s, ok := d.text(item, helpFlags)
			if !ok {
				return 0, false
			}
			names, at = append(names, s), append(at, item)
		}
		if len(names) == 0 {
			d.errorf(v, "the list of flags is empty; %s", helpFlags)
			return 0, false
		}
	} else {
		s, ok := d.text(v, helpFlags)
		if !ok {
			return 0, false
		}
		if strings.TrimSpace(s) == "" {
			d.errorf(v, "flags is empty; %s", helpFlags)
			return 0, false
		}
		names, at = []string{s}, []value{v}
	}
	var all wire.Flags
	for i, s := range names {
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '|' || r == ' ' || r == '+' })
		if len(parts) == 0 {
			d.errorf(at[i], "%s names no flag; %s", describe(at[i].n), helpFlags)
			return 0, false
		}
		for _, name := range parts {
			fl, ok := wire.ParseFlags(name)
			if !ok {
				d.errorf(at[i], "%q is not a TCP flag; %s", name, helpFlags)
				return 0, false
			}
			all |= fl
		}
	}
	return all, true
}

// between reads [t1, t2) with 0 ≤ t1 < t2.
func (d *decoder) between(v value, end runEnd) (t1, t2 time.Duration, ok bool) {
	if d.missing(v, helpBetween) {
		return 0, 0, false
	}
	if _, isList := v.n.(*ast.SequenceNode); !isList {
		d.errorf(v, "%s is not a list; %s", describe(v.n), helpBetween)
		return 0, 0, false
	}
	items := d.list(v, helpBetween)
	if len(items) != 2 {
		what := "items"
		if len(items) == 1 {
			what = "item"
		}
		d.errorf(v, "the list has %d %s, not 2; %s", len(items), what, helpBetween)
		return 0, 0, false
	}
	t1, ok1 := d.duration(items[0], 0, maxDuration, helpBetween)
	t2, ok2 := d.duration(items[1], 0, maxDuration, helpBetween)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	if t2 <= t1 {
		d.errorf(items[1], "%s is not after %s; %s", describe(items[1].n), describe(items[0].n), helpBetween)
		return 0, 0, false
	}
	if p := end.after(t1); p != "" {
		d.errorf(items[0], "%s %s; the rule would never pick a packet", describe(items[0].n), p)
		return 0, 0, false
	}
	return t1, t2, true
}

// outage decodes one outage and the direction it applies to.
func (d *decoder) outage(v value, end runEnd) (o link.Outage, dir string, ok bool) {
	if isNull(v.n) {
		d.errorf(v, "the outage is empty; %s", helpOutage)
		return o, "", false
	}
	f := d.fields(v, helpOutage, outageKeys)
	ok = true
	var from, to time.Duration
	for _, k := range []struct {
		name string
		t    *time.Duration
	}{{"from", &from}, {"to", &to}} {
		x := f[k.name]
		if !x.present() {
			if _, isMap := v.n.(*ast.MappingNode); isMap {
				d.errorf(v, "%s is missing; %s", k.name, helpOutage)
			}
			ok = false
			continue
		}
		var good bool
		if *k.t, good = d.duration(x, 0, maxDuration, helpOutageT); !good {
			ok = false
		}
	}
	if ok && to <= from {
		d.errorf(f["to"], "%s is not after from (%s); %s", describe(f["to"].n), fmtDuration(from), helpOutageT)
		ok = false
	}
	if ok {
		if p := end.after(from); p != "" {
			d.errorf(f["from"], "%s %s; the outage would never happen", describe(f["from"].n), p)
			ok = false
		}
	}
	dir = "both"
	if x := f["direction"]; x.present() {
		s, good := d.text(x, helpDirection)
		switch {
		case !good:
			ok = false
		case s == "both" || s == "client_to_server" || s == "server_to_client":
			dir = s
		default:
			msg := fmt.Sprintf("%s is not a direction; %s", describe(x.n), helpDirection)
			if sg := suggest(s, []string{"client_to_server", "server_to_client", "both"}); sg != "" {
				msg = fmt.Sprintf("%s is not a direction; did you mean %s? %s", describe(x.n), sg, helpDirection)
			}
			d.errorf(x, "%s", msg)
			ok = false
		}
	}
	return link.Outage{From: sim.At(from), To: sim.At(to)}, dir, ok
}
