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

// This file is the scenario format: a table of keys for each kind of
// mapping (keys.go says what an entry holds), with their kinds, limits,
// messages, defaults and meanings, and the functions that read each mapping
// through its table. What a table cannot say is written out below it: the
// checks between keys (rto_min ≤ rto_initial ≤ rto_max, queue or
// queue_bytes, a reader's bytes with every) and the values with a syntax
// of their own (close, keepalive, a drop rule's criteria). The key tables
// of docs/scenario-format.md are generated from these tables: after a
// change, run go test ./scenarios -run TestScenarioFormatDoc -update.

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
	helpName        = `a name is one line of text such as lost-segment; the output files are named after it, so it has no /, \, .. or control characters`
	helpDescription = `a description is text, or a mapping of languages such as {en: "…", vi: "…"}`
	helpDescLang    = `a description in one language is text`
	helpSeed        = `a seed is an integer 0..18446744073709551615`
	helpDuration    = `the run's time limit is a duration > 0 and ≤ 168h such as "60s"`
	helpEventBudget = `the event budget is an integer 1..1000000000 such as 10000000 (or 10_000_000)`

	helpLink       = `link settings are a mapping of delay, jitter, reorder, bandwidth, queue, queue_bytes, mtu, loss, burst, reorder_probability, reorder_delay, duplicate and corrupt, such as {delay: 50ms, bandwidth: 10Mbps}`
	helpBurst      = `burst is Gilbert-Elliott loss, a mapping {p, r, loss_bad, loss_good} of probabilities such as {p: 1%, r: 25%}`
	helpReorderP   = `reorder_probability is a probability 0..1 such as 0.05, or a percentage such as "5%"`
	helpReorderD   = `reorder_delay is a duration > 0 such as "20ms"`
	helpDuplicate  = `duplicate is a probability 0..1 such as 0.01, or a percentage such as "1%"`
	helpCorrupt    = `corrupt is a probability 0..1 such as 0.01, or a percentage such as "1%"`
	helpDelayRules = `delay_segments is a list of rules such as [{from: client, data_segment: 2, by: 30ms}]`
	helpDupRules   = `duplicate_segments is a list of rules such as [{from: server, flags: ACK, nth: 3}]`
	helpLinks      = `links is a mapping of client_to_server and server_to_client, each with link settings such as {loss: 0.01}`
	helpDelay      = `a delay is a duration ≥ 0 such as "50ms"`
	helpJitter     = `jitter is a duration ≥ 0 such as "5ms"`
	helpReorder    = `reorder is true or false`
	helpBandwidth  = `a bandwidth is a rate from 1kbps to 100Gbps such as "10Mbps" (units bps, kbps, Mbps, Gbps: bits per second), or "unlimited"`
	helpQueue      = `queue is a number of packets 1..1000000, or "unlimited"`
	helpQueueB     = `queue_bytes is a size from 1 byte to 1GiB such as "64KiB"`
	helpMTU        = `an MTU is a number of bytes 68..65535 (68 is IPv4's minimum, RFC 791)`
	helpLoss       = `loss is a probability 0..1 such as 0.01, or a percentage such as "1%"`

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
	helpDelayedACK = `delayed_ack is a duration less than 500ms such as "200ms" (RFC 1122 §4.2.3.2: the delay MUST be less than 0.5 s), or off`
	helpQuickACKs  = `quick_acks is a number of ACKs 0..100`
	helpKeepalive  = `keepalive is true, false, or a mapping {idle: 2h, interval: 75s, probes: 9}`
	helpKeepTime   = `a keepalive time is a duration from 1ms to 168h such as "75s"`
	helpTimestamps = `timestamps is true or false (RFC 7323 timestamps option)`
	helpSACK       = `sack is true or false (RFC 2018 SACK-permitted and SACK blocks)`
	helpCC         = `congestion_control is none, tahoe, reno, newreno or cubic`
	helpSynLinear  = `syn_linear_timeouts is how many SYN retransmissions go one initial RTO apart before doubling, 0..100 (Linux's tcp_syn_linear_timeouts)`
	helpTimerHZ    = `timer_hz is how many times a second the host's timers tick, 0..1000 (Linux's HZ; 0: exact timers)`
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

// profileKind is a behaviour profile's name: rfc or linux.
var profileKind = oneOf("a profile", true, false, tcp.Profiles...)

// The top level: the run's settings, and the mappings and lists below.
var topTable = &table[Scenario]{
	what: helpTop,
	keys: []field[Scenario]{
		{name: "name", read: custom("text", "one line, ≤ 100 characters, without `/`, `\\`, `..` or control characters", readName), help: helpName,
			def: "the file's name without `.yaml`", doc: "the scenario's name in traces and outputs"},
		{name: "description", read: custom("text or `{"+strings.Join(descriptionTable.names(), ", ")+"}`", "any; use `>-` for a folded paragraph; see [Descriptions](#descriptions)", readDescription), help: helpDescription,
			def: "empty", doc: "what the scenario shows, in one language or in each language of the outputs: `tcpsim list` prints it (in English), `tcpsim run --lang` writes the one in its language over the ladder and in the diagrams"},
		{name: "seed", read: into(unsignedUpTo(math.MaxUint64), func(sc *Scenario, n uint64) { sc.Seed = n }), help: helpSeed,
			def: code(defaultSeed), doc: "the seed of every random choice in the run (random ISNs, random loss, jitter). Same seed, same trace."},
		{name: "duration", read: custom("duration", "> 0, ≤ "+fmtDuration(maxDuration), readRunDuration), help: helpDuration,
			def: code(defaultDuration), doc: "the run's time limit in simulated time"},
		{name: "event_budget", read: into(integerIn(1, maxEventBudget), func(sc *Scenario, n int64) { sc.EventBudget = uint64(n) }), help: helpEventBudget,
			def: code(defaultEventBudget), doc: "the most events the run may fire; a run that needs more stops with an error, never hangs"},
		{name: "profile", read: bySection[Scenario](profileKind.typ, ""), help: helpProfile,
			def: code("rfc"), doc: "the behaviour profile both endpoints start from ([docs/profiles.md](profiles.md)); an endpoint's own `profile` wins, and `tcpsim run --profile` overrides both"},
		{name: "link", read: bySection[Scenario]("mapping", "link keys"), help: helpLink,
			def: "see [Links](#links)", doc: "settings for both directions"},
		{name: "links", read: bySection[Scenario]("mapping", "`client_to_server`, `server_to_client`"), help: helpLinks,
			doc: "per-direction settings that override `link`"},
		{name: "backup_link", read: bySection[Scenario]("mapping", "link keys"), help: helpBackup,
			doc: "a second path (both directions) that a client with `reconnect` uses after its connection was aborted"},
		{name: "client", read: bySection[Scenario]("mapping", "endpoint keys, `connect_at` and `reconnect`"), help: helpEndpoint,
			def: "see [Endpoints](#endpoints)", doc: "the host that connects"},
		{name: "server", read: bySection[Scenario]("mapping", "endpoint keys and `reply`"), help: helpEndpoint,
			def: "see [Endpoints](#endpoints)", doc: "the host that listens"},
		{name: "drop", read: bySection[Scenario]("list", "drop rules"), help: helpDrop,
			def: "none", doc: "packets to lose on purpose"},
		{name: "delay_segments", read: bySection[Scenario]("list", "drop rules with `by`"), help: helpDelayRules,
			def: "none", doc: "packets to hold back on purpose, so that later ones overtake them: the keys of a drop rule and `by`, how much later it arrives (`times` counts the packets delayed)"},
		{name: "duplicate_segments", read: bySection[Scenario]("list", "drop rules"), help: helpDupRules,
			def: "none", doc: "packets the network delivers twice: the keys of a drop rule (`times` counts the packets duplicated)"},
		{name: "outages", read: bySection[Scenario]("list", "outages"), help: helpOutages,
			def: "none", doc: "intervals when a link is down"},
		{name: "events", read: bySection[Scenario]("list", "`{at, crash: client|server}` or `{at, reboot: client|server}`"), help: helpEvents,
			def: "none", doc: "a host crashes (drops everything, sends nothing) or reboots (comes back with no connections, so it answers an old connection's segments with RST; a server listens again)"},
		{name: "bottleneck", read: bySection[Scenario]("mapping", "`rate`, `delay`, `queue`, `loss`"), help: helpBottleneck,
			def: "see [Many flows](#many-flows-a-dumbbell)", doc: "the link the `flows` share, the same each way"},
		{name: "flows", read: bySection[Scenario]("list", "flows"), help: helpFlows,
			def: "none", doc: "many flows on one bottleneck instead of a client and a server: senders `s1`, `s2` … and receivers `r1`, `r2` …; see [Many flows](#many-flows-a-dumbbell)"},
		{name: "sweep", read: bySection[Scenario]("mapping", "`params`, `seeds`"), help: helpSweep,
			def: "none", doc: "what `tcpsim sweep` runs: keys it sets, and the parameters and seeds it runs when its command line names none; see [Sweeps](#sweeps)"},
	},
}

// description: {en, vi}: the description in each language the outputs
// speak (viz/catalog's languages; cmd/tcpsim's tests hold the two lists
// together).
var descriptionTable = &table[Scenario]{
	what: helpDescription,
	keys: []field[Scenario]{
		{name: "en", read: into(text, describeIn("en")), help: helpDescLang, typ: "text", doc: "in English: `tcpsim list` prints it, and `--lang en` (the default)"},
		{name: "vi", read: into(text, describeIn("vi")), help: helpDescLang, typ: "text", doc: "in Vietnamese (Tiếng Việt), for `--lang vi`"},
	},
}

// describeIn stores a description in language lang; the first one given,
// in table order, is also the scenario's Description until English comes.
func describeIn(lang string) func(sc *Scenario, s string) {
	return func(sc *Scenario, s string) {
		s = strings.TrimSpace(s)
		if sc.Descriptions == nil {
			sc.Descriptions = make(map[string]string, 2)
		}
		sc.Descriptions[lang] = s
		if lang == "en" || len(sc.Descriptions) == 1 {
			sc.Description = s
		}
	}
}

// readDescription reads description: text, or a mapping of languages.
func readDescription(d *decoder, v value, sc *Scenario, help string) bool {
	if _, isMap := v.n.(*ast.MappingNode); !isMap {
		s, ok := d.text(v, help)
		if ok {
			sc.Description = strings.TrimSpace(s)
		}
		return ok
	}
	f := descriptionTable.fields(d, v)
	return descriptionTable.allStored(f, descriptionTable.apply(d, f, sc))
}

// One direction of a link. link gives the settings of both, each
// direction under links may override single keys, and backup_link is a
// second path; see linkConfig.
var linkTable = &table[link.Config]{
	what: helpLink,
	home: "it is a link setting: put it under link (both directions), or under links.client_to_server or links.server_to_client",
	keys: []field[link.Config]{
		{name: "delay", read: into(durationIn(0, maxDuration), func(c *link.Config, t time.Duration) { c.Delay = t }), help: helpDelay,
			def: code(defaultDelay), doc: "one-way propagation delay (the RTT is the sum of both directions' delays, plus serialization)"},
		{name: "jitter", read: into(durationIn(0, maxDuration), func(c *link.Config, t time.Duration) { c.Jitter = t }), help: helpJitter,
			def: code(0), doc: "an extra delay drawn uniformly from [0, jitter) for each packet"},
		{name: "reorder", read: into(boolean, func(c *link.Config, b bool) { c.Reorder = b }), help: helpReorder,
			def: code(false), note: "needs `jitter` > 0", doc: "lets jitter deliver a later packet before an earlier one; without it packets keep their order"},
		{name: "bandwidth", read: into(rateIn(minBandwidth, maxBandwidth), func(c *link.Config, n int64) { c.Bandwidth = n }), help: helpBandwidth,
			def: code(fmtRate(defaultBandwidth)), doc: "serialization rate; `unlimited` means no serialization delay and no queueing"},
		// A queue is limited in packets or in bytes: setting one limit
		// clears the other, so a direction can switch from link's packets
		// to bytes.
		{name: "queue", read: into(orWord(integerIn(1, maxQueue), "unlimited", 0), func(c *link.Config, n int64) { c.QueuePackets, c.QueueBytes = int(n), 0 }), help: helpQueue,
			def: code(defaultQueue), doc: "how many packets may wait behind the one being sent (drop-tail)"},
		{name: "queue_bytes", read: into(sizeIn(1, maxBytes), func(c *link.Config, n int64) { c.QueuePackets, c.QueueBytes = 0, int(n) }), help: helpQueueB,
			note: "not together with `queue`", doc: "limit the waiting packets by their IP bytes instead"},
		{name: "mtu", read: into(integerIn(68, 65535), func(c *link.Config, n int64) { c.MTU = int(n) }), help: helpMTU,
			typ: "integer (bytes)", def: code(defaultMTU), note: "(68: IPv4's minimum, RFC 791)", doc: "the largest IP packet the link carries; larger ones are dropped"},
		{name: "loss", read: into(probability, func(c *link.Config, p float64) { c.Loss = p }), help: helpLoss,
			def: code(0), doc: "each packet is lost at random with this probability"},
		{name: "burst", read: custom("`{"+strings.Join(burstTable.names(), ", ")+"}`", "probabilities", readBurst), help: helpBurst,
			def: "off", doc: "losses in bursts, as on a wireless link (Gilbert-Elliott): before each packet the link moves from its good state to its bad one with probability `p`, back with `r`; a packet is lost with `loss_bad` in the bad state (default 100%) and `loss_good` in the good one (default 0). Bursts last 1/`r` packets on average; the long-run loss is about `p`/(`p`+`r`). Drops say \"burst loss\""},
		{name: "reorder_probability", read: into(probability, func(c *link.Config, p float64) { c.ReorderProb = p }), help: helpReorderP,
			def: code(0), note: "with `reorder_delay`", doc: "each packet is held back `reorder_delay` longer with this probability, so that packets sent after it may arrive first"},
		{name: "reorder_delay", read: into(durationIn(time.Nanosecond, maxDuration), func(c *link.Config, t time.Duration) { c.ReorderDelay = t }), help: helpReorderD,
			def: code(0), doc: "how much longer a packet picked by `reorder_probability` takes"},
		{name: "duplicate", read: into(probability, func(c *link.Config, p float64) { c.Duplicate = p }), help: helpDuplicate,
			def: code(0), doc: "each packet is delivered twice with this probability: a copy the network made (labelled so) arrives just after it"},
		{name: "corrupt", read: into(probability, func(c *link.Config, p float64) { c.Corrupt = p }), help: helpCorrupt,
			def: code(0), doc: "each packet is damaged on the way with this probability: it arrives, its checksum fails and the receiver discards it (the drop says \"corrupted (checksum error)\")"},
	},
}

// burst: Gilbert-Elliott loss on a link.
var burstTable = &table[link.GilbertElliott]{
	what: helpBurst,
	keys: []field[link.GilbertElliott]{
		{name: "p", read: into(probability, func(b *link.GilbertElliott, p float64) { b.P = p }), help: helpBurst, required: true,
			doc: "the probability of moving from the good state to the bad one, before each packet"},
		{name: "r", read: into(probability, func(b *link.GilbertElliott, p float64) { b.R = p }), help: helpBurst, required: true,
			doc: "the probability of moving from the bad state back to the good one"},
		{name: "loss_bad", read: into(probability, func(b *link.GilbertElliott, p float64) { b.LossBad = p }), help: helpBurst,
			def: code("100%"), doc: "the loss probability in the bad state"},
		{name: "loss_good", read: into(probability, func(b *link.GilbertElliott, p float64) { b.LossGood = p }), help: helpBurst,
			def: code(0), doc: "the loss probability in the good state"},
	},
}

// readBurst reads burst: {p, r, loss_bad, loss_good}.
func readBurst(d *decoder, v value, c *link.Config, help string) bool {
	if isNull(v.n) {
		return false
	}
	f := burstTable.fields(d, v)
	b := link.GilbertElliott{LossBad: 1}
	burstTable.apply(d, f, &b)
	if !burstTable.require(d, f, v, help) {
		return false
	}
	c.Burst = &b
	return true
}

// links: per-direction link settings.
var linksTable = &table[struct{}]{
	what: helpLinks,
	keys: []field[struct{}]{
		{name: "client_to_server", read: bySection[struct{}]("mapping", "link keys"), help: helpLink, doc: "the client's packets to the server"},
		{name: "server_to_client", read: bySection[struct{}]("mapping", "link keys"), help: helpLink, doc: "the server's packets to the client"},
	},
}

// An endpoint: client or server. Most keys are TCP settings, whose defaults
// come from the profile (tcp.Profile); the doc lists the application's
// keys (group "app") in a table of their own.
var endpointTable = &table[Endpoint]{
	what: helpEndpoint,
	home: "it is an endpoint setting: put it under client or server",
	keys: []field[Endpoint]{
		{name: "connect_at", read: into(timeInRun("the client would never connect"), func(e *Endpoint, t time.Duration) { e.App.ConnectAt = t }), help: helpConnectAt,
			only: "client", misplaced: "connect_at is for the client: only the client connects (the server listens from the start)", group: "app",
			def: code(0), doc: "when the client opens its connection (the server listens from the start)"},
		{name: "reconnect", read: custom("`true`, `false` or a duration", "", readReconnect), help: helpReconnect,
			only: "client", misplaced: "reconnect is for the client: only the client connects", group: "app",
			def: code(false), doc: "after its connection is aborted the client connects again after this delay (`true`: 1 s), from the next local port, over `backup_link` if there is one, and runs its script again; a client host that reboots does the same after the delay"},
		{name: "addr", read: custom("IPv4 address", "a host address; the two must differ", readAddr), help: helpAddr,
			def: "client " + code(defaultClientAddr) + ", server " + code(defaultServerAddr), doc: "the host's address"},
		{name: "port", read: into(integerIn(1, 65535), func(e *Endpoint, n int64) { e.Port = uint16(n) }), help: helpPort,
			def: "client " + code(defaultClientPort) + ", server " + code(defaultServerPort), doc: "the client's local port (49152 is the first dynamic port, RFC 6335 §6); the server's listening port"},
		{name: "isn", read: into(unsignedUpTo(math.MaxUint32), func(e *Endpoint, n uint64) { e.TCP.ISS, e.TCP.FixedISS = wire.Seq(n), true }), help: helpISN,
			def: "drawn from the seed", doc: "the initial send sequence number (ISS). RFC 9293 §3.4.1 wants it unpredictable; a simulation wants it repeatable, so without `isn` each connection draws one from the host's seeded random stream. Set it to make numbers easy to read."},
		{name: "mss", read: into(integerIn(88, 65495), func(e *Endpoint, n int64) { e.TCP.MSS = int(n) }), help: helpMSS,
			typ: "integer (bytes)", def: profileDefault(func(c tcp.Config) string { return code(c.MSS) }),
			doc: "the maximum segment size this host announces, and the most it sends (the smaller of its own and the peer's, as with Linux's TCP_MAXSEG): Ethernet's 1500-byte MTU less 20 IP and 20 TCP header bytes. A peer that sends no MSS option is assumed to accept 536 (RFC 9293 §3.7.1). 88 is Linux's minimum; 65495 = 65535 − 40."},
		{name: "send_buffer", read: into(sizeIn(1, maxBytes), func(e *Endpoint, n int64) { e.TCP.SendBuffer = int(n) }), help: helpSendBuffer,
			def: profileDefault(func(c tcp.Config) string { return codeSize(c.SendBuffer) }), doc: "how many bytes the application may have written but not yet had acknowledged. Under the linux profile, `SO_SNDBUF`: `16KiB` stands for no `SO_SNDBUF`, and Linux grows the buffer after the handshake (`tcp_sndbuf_expand`: 46080 bytes at MSS 1460) and as cwnd grows; any other value is fixed (docs/profiles.md)"},
		{name: "recv_buffer", read: into(sizeIn(1, maxBytes), func(e *Endpoint, n int64) { e.TCP.RecvBuffer = int(n) }), help: helpRecvBuffer,
			def: profileDefault(func(c tcp.Config) string { return codeSize(c.RecvBuffer) }), doc: "the receive buffer; its free space is the advertised window (RFC 9293 §3.8.6). Under the linux profile, `SO_RCVBUF`: Linux doubles it and charges each segment's memory, not only its payload; `64KiB` stands for no `SO_RCVBUF` (docs/profiles.md)"},
		{name: "window_scaling", read: into(boolean, func(e *Endpoint, b bool) { e.TCP.WindowScaling = b }), help: helpWindowScaling,
			def: profileDefault(func(c tcp.Config) string {
				if c.WindowScaling {
					return code(true)
				}
				return "`true` when `recv_buffer` > 65535, else `false`"
			}),
			doc: "offer the window scale option (RFC 7323 §2) so windows over 65,535 bytes can be advertised; both sides must offer it"},
		{name: "rto_initial", read: into(durationIn(time.Millisecond, maxTimerValue), func(e *Endpoint, t time.Duration) { e.TCP.RTOInitial = t }), help: helpRTO,
			def: profileDefault(func(c tcp.Config) string { return code(c.RTOInitial) }), doc: "the retransmission timeout before any RTT sample: 1 s (RFC 6298 (2.1))"},
		{name: "rto_min", read: into(durationIn(time.Millisecond, maxTimerValue), func(e *Endpoint, t time.Duration) { e.TCP.RTOMin = t }), help: helpRTO,
			def: profileDefault(func(c tcp.Config) string { return code(c.RTOMin) }), doc: "the RTO's floor: 1 s (RFC 6298 (2.4))"},
		{name: "rto_max", read: into(durationIn(time.Millisecond, maxTimerValue), func(e *Endpoint, t time.Duration) { e.TCP.RTOMax = t }), help: helpRTO,
			def: profileDefault(func(c tcp.Config) string { return code(c.RTOMax) }), doc: "the RTO's ceiling: 60 s (RFC 6298 (2.5) allows one of at least 60 s)"},
		{name: "syn_retries", read: into(integerIn(0, maxRetries), func(e *Endpoint, n int64) { e.TCP.SynRetries = int(n) }), help: helpRetries,
			def: profileDefault(func(c tcp.Config) string { return code(c.SynRetries) }), doc: "how many times a SYN (or SYN,ACK) is retransmitted before the attempt is abandoned; 7 in the `rfc` profile, 6 (Linux's `tcp_syn_retries`) in `linux`. With the `rfc` profile's RTO (1 s, doubling, at most 60 s) the SYNs go at 0, 1, 3, 7, 15, 31, 63 and 123 s and the attempt is abandoned at 183 s, meeting the 3 minutes RFC 1122 §4.2.3.5 requires (`linux`: 135 s, its first 4 timeouts 1 s apart and each rounded up by the timer wheel: see `timer_hz`)"},
		{name: "retries", read: into(integerIn(0, maxRetries), func(e *Endpoint, n int64) { e.TCP.Retries = int(n) }), help: helpRetries,
			def: profileDefault(func(c tcp.Config) string { return code(c.Retries) }), doc: "how many times data (or a FIN) is retransmitted before the connection is aborted (ETIMEDOUT); 15 as Linux's `tcp_retries2`, about 924.6 s with a 200 ms RTO floor (RFC 1122 §4.2.3.5 asks for at least 100 s)"},
		{name: "msl", read: into(durationIn(0, maxTimerValue), func(e *Endpoint, t time.Duration) { e.TCP.MSL = t }), help: helpMSL,
			def: profileDefault(func(c tcp.Config) string { return code(c.MSL) }), doc: "the maximum segment lifetime; TIME-WAIT lasts 2·MSL. RFC 9293 §3.4.2 says 2 minutes (Linux instead holds TIME-WAIT a fixed 60 s)"},
		{name: "nodelay", read: into(boolean, func(e *Endpoint, b bool) { e.TCP.NoDelay = b }), help: helpNoDelay,
			def: profileDefault(func(c tcp.Config) string { return code(c.NoDelay) }), doc: "`true` turns Nagle's algorithm off (TCP_NODELAY). With it on, the default, a segment smaller than the MSS waits while earlier data is unacknowledged (RFC 896, RFC 1122 §4.2.3.4)"},
		{name: "initial_window", read: into(integerIn(1, 100), func(e *Endpoint, n int64) { e.TCP.InitialWindow = int(n) }), help: helpIW,
			typ: "integer (segments)", def: profileDefault(func(c tcp.Config) string {
				if c.InitialWindow == 0 {
					return "RFC 5681's rule"
				}
				return code(c.InitialWindow)
			}),
			doc: "the initial congestion window. Left out, RFC 5681 §3.1 decides: 4 segments for an SMSS ≤ 1095, 3 up to 2190, else 2"},
		{name: "send", read: into(sizeIn(0, maxBytes), func(e *Endpoint, n int64) { e.App.Send = n }), help: helpSend, group: "app",
			def: code(0), doc: "bytes the application writes as soon as the connection is established (the client's request; for the server, unsolicited data)"},
		{name: "writes", read: custom("list of `{at, bytes}`", "`at`: a time before the end of the run (for the client, not before `connect_at`); `bytes`: 1 byte … 1GiB", readWrites), help: helpWrites, group: "app",
			def: "none", doc: "further writes at given times, in any order (they are sorted). A write due before the connection is established is made once it is."},
		{name: "close", read: custom("`auto`, `never` or a duration", "a time before the end of the run (for the client, not before `connect_at`)", readClose), help: helpClose, group: "app",
			def: code("auto"), doc: "when the application closes. `auto`: the client closes once it has written everything and read the server's reply; the server closes once the client has closed and it has written its reply. `never`: it never closes. A duration: it closes then; a server with no connection yet closes its listening socket (later SYNs are refused with a RST), and a client whose connection does not exist yet closes right after connecting and writing, as a program would."},
		// Read by endpoint before the others: it picks the defaults they override.
		{name: "profile", read: bySection[Endpoint](profileKind.typ, ""), help: helpProfile,
			def: "the top-level `profile`", doc: "this endpoint's behaviour profile; see [docs/profiles.md](profiles.md) for what `linux` changes"},
		{name: "delayed_ack", read: into(durationOrOffBelow(0, 500*time.Millisecond), func(e *Endpoint, t time.Duration) { e.TCP.DelayedACK = t }), help: helpDelayedACK, note: "(RFC 1122 §4.2.3.2)",
			def: profileDefault(func(c tcp.Config) string { return code(c.DelayedACK) }), doc: "how long an ACK for in-order data may wait (RFC 1122 §4.2.3.2); every second full-sized segment, out-of-order data, a filled gap and a FIN are ACKed at once"},
		{name: "quick_acks", read: into(integerIn(0, 100), func(e *Endpoint, n int64) { e.TCP.QuickACKs = int(n) }), help: helpQuickACKs,
			def: profileDefault(func(c tcp.Config) string { return code(c.QuickACKs) }), doc: "ACKs of data sent at once at the start of a connection before delaying begins (Linux's quick-ack mode)"},
		{name: "keepalive", read: custom("`true`, `false` or `{"+strings.Join(keepaliveTable.names(), ", ")+"}`", "see [Keepalive](#keepalive)", readKeepalive), help: helpKeepalive,
			def: "off", doc: "TCP keepalive (RFC 1122 §4.2.3.6): after `idle` without a segment from the peer a probe goes, then one every `interval` while unanswered; after `probes` unanswered the connection is aborted. `true` uses the defaults of [Keepalive](#keepalive)"},
		{name: "user_timeout", read: into(durationOrOff(time.Millisecond, maxDuration), func(e *Endpoint, t time.Duration) { e.TCP.UserTimeout = t }), help: helpUserTO,
			def: profileDefault(func(c tcp.Config) string {
				if c.UserTimeout == 0 {
					return "off"
				}
				return code(c.UserTimeout)
			}),
			doc: "abort when data stays unacknowledged this long (RFC 5482); it replaces the retry limits"},
		{name: "reader", read: custom("`{bytes, every}`, `{rate}`, and `pauses`", "see [Reader](#reader)", readReader), help: helpReader, group: "app",
			def: "reads everything at once", doc: "how the application reads: `{bytes: 1KiB, every: 500ms}` takes at most 1 KiB every 500 ms, nothing during a pause; `{pauses: [...]}` alone reads everything at once except during a pause, and what came in a pause when it ends. Unread data fills the receive buffer and closes the window."},
		{name: "timestamps", read: into(boolean, func(e *Endpoint, b bool) { e.TCP.Timestamps = b }), help: helpTimestamps,
			def: profileDefault(func(c tcp.Config) string { return code(c.Timestamps) }), doc: "the RFC 7323 timestamps option: 12 bytes of every segment (an MSS of 1460 carries 1448 bytes of data)"},
		{name: "sack", read: into(boolean, func(e *Endpoint, b bool) { e.TCP.SACK = b }), help: helpSACK,
			def: profileDefault(func(c tcp.Config) string { return code(c.SACK) }), doc: "SACK (RFC 2018): offer SACK-permitted, and when both sides do, send SACK blocks in ACKs while data is out of order and use the peer's: the sender never resends SACKed data, after an RTO resends only the holes, and in fast recovery follows RFC 6675: a hole with three SACKed segments above it is lost, and segments go while cwnd − pipe ≥ 1 SMSS, so several holes go in one round trip"},
		{name: "congestion_control", read: into(oneOf("a congestion control algorithm", true, true, tcp.CongestionControls...), func(e *Endpoint, s string) {
			e.TCP.CongestionControl, _ = tcp.ParseCongestionControl(s) // oneOf has checked the name
		}), help: helpCC,
			def: profileDefault(func(c tcp.Config) string { return code(c.CongestionControl.String()) }), doc: "the sender's congestion-control algorithm ([docs/profiles.md](profiles.md#congestion-control)): `none` (flow control only: cwnd never limits, losses are still resent), `tahoe` (fast retransmit, then one segment and slow start), `reno` (RFC 5681 fast recovery, ended by any new ACK), `newreno` (RFC 6582: recovery lasts until all that was outstanding is acknowledged), `cubic` (RFC 9438, Linux's default). With SACK, `newreno` and `cubic` recover with the scoreboard; the others ignore the peer's SACK blocks"},
		{name: "syn_linear_timeouts", read: into(integerIn(0, maxRetries), func(e *Endpoint, n int64) { e.TCP.SynLinearTimeouts = int(n) }), help: helpSynLinear,
			def: profileDefault(func(c tcp.Config) string { return code(c.SynLinearTimeouts) }), doc: "SYN retransmissions one initial RTO apart before doubling, on top of `syn_retries` (Linux ≥ 6.5)"},
		{name: "timer_hz", read: into(integerIn(0, 1000), func(e *Endpoint, n int64) { e.TCP.TimerHZ = int(n) }), help: helpTimerHZ,
			def: profileDefault(func(c tcp.Config) string { return code(c.TimerHZ) }), doc: "how many times a second the host's timers tick (Linux's HZ). Timers are armed in whole ticks and fire late by the granularity of Linux's timer wheel: at 250, up to 4 ms for timers below 252 ms, 32 ms up to 2 s, 256 ms up to 16 s, 2 s up to 2 min. `0` fires every timer exactly when due"},
		{name: "reply", read: into(sizeIn(0, maxBytes), func(e *Endpoint, n int64) { e.App.Reply = n }), help: helpReply,
			only: "server", misplaced: "reply is for the server: it is what the server writes once it has read the client's data; the client's data is send", group: "app",
			def: code(0), doc: "bytes the server writes once it has read all of the client's data (`send` plus `writes`)"},
		{name: "processing_time", read: into(durationIn(0, maxTimerValue), func(e *Endpoint, t time.Duration) { e.App.ProcessingTime = t }), help: `processing_time is how long the server works on the client's data before its reply, a duration from 0 to 1h such as "20ms"`,
			only: "server", misplaced: "processing_time is for the server: how long it works before its reply; the client's pause is think_time", group: "app",
			def: code(0), doc: "how long the server works, once it has read all of the client's data, before it writes its `reply`"},
		{name: "think_time", read: into(durationIn(0, maxTimerValue), func(e *Endpoint, t time.Duration) { e.App.ThinkTime = t }), help: `think_time is how long the client takes, once it has read the reply, before it closes, a duration from 0 to 1h such as "500ms"`,
			only: "client", misplaced: "think_time is for the client: how long it takes after the reply before it closes; the server's is processing_time", group: "app",
			def: code(0), doc: "how long the client takes, once it has read the server's reply, before it closes (with `close: auto`)"},
		// The applications that replace the script (apps.go).
		{name: "http", read: custom("`true` or a mapping", "see [HTTP](#http)", readHTTP), help: helpHTTP, group: "app",
			def: "none", doc: "the host runs HTTP/1.1 instead of the script: the client's requests ([HTTP client](#http-client)), the server's responses ([HTTP server](#http-server)); give both or neither"},
		{name: "heartbeat", read: custom("`true` or a mapping", "see [Heartbeat](#heartbeat)", readHeartbeat), help: helpHeartbeat,
			only: "client", misplaced: "heartbeat is for the client: the client pings, and the server answers by itself on the heartbeat's port", group: "app",
			def: "none", doc: "the client runs an application heartbeat instead of the script (beside `http`, if any): a ping every `interval` on a connection of its own, a pong expected within `timeout`, and a new connection after `reconnect` when none comes"},
	},
}

// endpointKeys are the keys of client and of server: each side's own,
// then the other side's as misplaced.
var endpointKeys = map[string][]key{
	"client": endpointTable.allowed("client"),
	"server": endpointTable.allowed("server"),
}

// keepalive: {idle, interval, probes, garbage_byte}; true is all defaults.
var keepaliveTable = &table[tcp.Config]{
	what: helpKeepalive,
	keys: []field[tcp.Config]{
		{name: "idle", read: into(durationIn(time.Millisecond, maxDuration), func(c *tcp.Config, t time.Duration) { c.KeepaliveIdle = t }), help: helpKeepTime,
			def: profileDefault(func(c tcp.Config) string { return code(c.KeepaliveIdle) }), doc: "how long the connection may be idle (no segment from the peer) before the first probe; RFC 1122 §4.2.3.6 says no less than two hours"},
		{name: "interval", read: into(durationIn(time.Millisecond, maxDuration), func(c *tcp.Config, t time.Duration) { c.KeepaliveInterval = t }), help: helpKeepTime,
			def: profileDefault(func(c tcp.Config) string { return code(c.KeepaliveInterval) }), doc: "the time between unanswered probes (Linux's `tcp_keepalive_intvl`)"},
		{name: "probes", read: into(integerIn(1, 100), func(c *tcp.Config, n int64) { c.KeepaliveProbes = int(n) }), help: helpKeepProbes,
			def: profileDefault(func(c tcp.Config) string { return code(c.KeepaliveProbes) }), doc: "how many probes go unanswered before the connection is aborted (Linux's `tcp_keepalive_probes`)"},
		{name: "garbage_byte", read: into(boolean, func(c *tcp.Config, b bool) { c.KeepaliveGarbageByte = b }), help: helpGarbage,
			def: profileDefault(func(c tcp.Config) string { return code(c.KeepaliveGarbageByte) }), doc: "`true` makes the probe carry one old byte, as BSD does; otherwise it carries none (RFC 1122's SHOULD). The `linux` profile ignores it: its probes are SEQ = SND.UNA − 1 with no data, as Linux sends them"},
	},
}

// reader: how an application reads; see reader for the checks between keys.
var readerTable = &table[Reader]{
	what: helpReader,
	keys: []field[Reader]{
		{name: "bytes", read: into(sizeIn(1, maxBytes), func(r *Reader, n int64) { r.Bytes = n }), help: helpReadBytes,
			note: "needs `every`", doc: "the most the application takes each time it reads"},
		{name: "every", read: into(durationIn(time.Millisecond, maxTimerValue), func(r *Reader, t time.Duration) { r.Every = t }), help: helpReadEvery,
			note: "needs `bytes`", doc: "how often it reads"},
		{name: "rate", read: into(perSecond, func(r *Reader, n int64) {
			r.Every = readerTick
			r.Bytes = max(1, n*int64(readerTick)/int64(time.Second))
		}), help: helpReadRate,
			note: "not with `bytes` or `every`", doc: "how fast it reads: every " + fmtDuration(readerTick) + " it takes what the rate allows in that time (at least 1 byte)"},
		{name: "pauses", read: custom("list of `{from, to}`", "times in the run, `from` < `to`", readPauses), help: helpPauses,
			def: "none", doc: "intervals [from, to) during which the application reads nothing"},
	},
}

// A write in an application's writes.
var writeTable = &table[Write]{
	what: helpWrite,
	keys: []field[Write]{
		{name: "at", read: into(timeInRun("the write would never happen"), func(w *Write, t time.Duration) { w.At = t }), help: helpWriteAt, required: true},
		{name: "bytes", read: into(sizeIn(1, maxBytes), func(w *Write, n int64) { w.Bytes = n }), help: helpWriteBytes, required: true},
	},
}

// A pause in a reader's pauses.
var pauseTable = &table[Pause]{
	what: helpPause,
	keys: []field[Pause]{
		{name: "from", read: into(durationIn(0, maxDuration), func(p *Pause, t time.Duration) { p.From = t }), help: helpPause, required: true},
		{name: "to", read: into(durationIn(0, maxDuration), func(p *Pause, t time.Duration) { p.To = t }), help: helpPause, required: true},
	},
}

// hostKind names a host in an event.
const hostKind = "`client` or `server`"

// An event in events: a host crashes or reboots. crash and reboot name the
// host and exclude each other, so event reads them.
var eventTable = &table[HostEvent]{
	what: helpEvent,
	keys: []field[HostEvent]{
		{name: "at", read: into(timeInRun("the event would never happen"), func(ev *HostEvent, t time.Duration) { ev.At = t }), help: helpEvent, required: true,
			doc: "when it happens"},
		{name: "crash", read: bySection[HostEvent](hostKind, ""), help: helpEvent,
			doc: "the host crashes: from then on it drops everything that arrives and sends nothing"},
		{name: "reboot", read: bySection[HostEvent](hostKind, ""), help: helpEvent,
			doc: "the host comes back with no connections (it answers an old connection's segments with RST; a server listens again); give a crash or a reboot, not both"},
	},
}

// ruleSpec is what a drop rule's keys say; dropRule makes it a link.Rule.
type ruleSpec struct {
	from                      string
	segment, dataSegment, nth int
	seq                       wire.Seq
	flags                     wire.Flags
	between                   [2]time.Duration
	times                     int
	by                        time.Duration // delay_segments: how much later the packet arrives
}

// A drop rule. Its criteria combine (dropRule), and "flags: SYN,ACK" in
// {…} needs a message of its own (flagSplit).
var dropTable = &table[ruleSpec]{
	what: helpRule,
	home: "it belongs in a drop rule, such as drop: [{from: client, data_segment: 3}]",
	keys: []field[ruleSpec]{
		{name: "from", read: into(oneOf("client or server", true, false, "client", "server"), func(r *ruleSpec, s string) { r.from = s }), help: helpFrom, required: true,
			doc: "whose packets the rule looks at"},
		{name: "segment", read: into(integerIn(1, maxCount), func(r *ruleSpec, n int64) { r.segment = int(n) }), help: "segment is the Nth segment of any kind the side sends; " + helpOrdinal,
			doc: "the Nth segment of any kind that side sends (SYNs, pure ACKs and all), counting every segment offered to the link, even those dropped by another rule"},
		{name: "data_segment", read: into(integerIn(1, maxCount), func(r *ruleSpec, n int64) { r.dataSegment = int(n) }), help: "data_segment is the Nth new segment of data the side sends; " + helpOrdinal,
			doc: "the Nth *distinct* data segment: the Nth segment carrying new data (starting at or beyond the highest sequence number sent so far). Once found, its sequence number is remembered and every transmission of it matches, so `times: 2` drops the first transmission **and** the first retransmission. Retransmissions of earlier segments do not count."},
		{name: "seq", read: into(unsignedUpTo(math.MaxUint32), func(r *ruleSpec, n uint64) { r.seq = wire.Seq(n) }), help: helpSeq,
			doc: "any segment whose sequence number is this, and that occupies sequence space (data, SYN or FIN)"},
		{name: "flags", read: into(flagSet, func(r *ruleSpec, f wire.Flags) { r.flags = f }), help: helpFlags,
			doc: "segments whose flags are exactly this set. Names: SYN, FIN, RST, PSH, ACK, URG, ECE, CWR (any case), joined by `,`, `+`, `|` or spaces, or a YAML list. Inside `{…}` quote a comma-joined set: `flags: \"SYN,ACK\"` or write `flags: SYN+ACK`. A data segment usually carries `PSH,ACK` or `ACK`."},
		{name: "nth", read: into(integerIn(1, maxCount), func(r *ruleSpec, n int64) { r.nth = int(n) }), help: "nth picks the Nth segment with the given flags; " + helpOrdinal,
			def: "all", note: "needs `flags`", doc: "with `flags`: only the Nth segment with those flags"},
		{name: "between", read: into(timeSpan, func(r *ruleSpec, b [2]time.Duration) { r.between = b }), help: helpBetween,
			doc: "segments sent at a time in [from, to)"},
		{name: "times", read: into(orWord(integerIn(0, maxCount), "always", 0), func(r *ruleSpec, n int64) { r.times = int(n) }), help: helpTimes,
			def: code(1), doc: "how many picked packets to drop; `always` (or `0`) drops every one. A rule that picks one packet at most (`segment`, or `flags` with `nth`) cannot have `times` > 1."},
	},
}

// A rule of delay_segments: a drop rule's keys and by.
var delayTable = &table[ruleSpec]{
	what: `a delay rule is a mapping such as {from: client, data_segment: 2, by: 30ms}`,
	keys: append(append([]field[ruleSpec](nil), dropTable.keys...),
		field[ruleSpec]{name: "by", read: into(durationIn(time.Nanosecond, maxDuration), func(r *ruleSpec, t time.Duration) { r.by = t }),
			help: `by is how much later the packet arrives, a duration > 0 such as "30ms"`, required: true,
			doc: "how much later than it would have the packet arrives"}),
}

// outageSpec is what an outage's keys say.
type outageSpec struct {
	from, to  time.Duration
	direction string
}

// An outage in outages.
var outageTable = &table[outageSpec]{
	what: helpOutage,
	home: "it belongs in an outage, such as outages: [{from: 2s, to: 5s}]",
	keys: []field[outageSpec]{
		{name: "from", read: into(durationIn(0, maxDuration), func(o *outageSpec, t time.Duration) { o.from = t }), help: helpOutageT, required: true,
			note: "before the end of the run", doc: "when the outage starts"},
		{name: "to", read: into(durationIn(0, maxDuration), func(o *outageSpec, t time.Duration) { o.to = t }), help: helpOutageT, required: true,
			note: "after `from`", doc: "when it ends (the interval is [from, to))"},
		{name: "direction", read: into(oneOf("a direction", false, true, "client_to_server", "server_to_client", "both"), func(o *outageSpec, s string) { o.direction = s }), help: helpDirection,
			def: code("both"), doc: "which link goes down"},
	},
}

// keyHome says where a key that is not allowed here belongs, by its
// normalized spelling; for unknownKey. It holds the keys of the tables
// that have a home and names of no key that people write for one.
// homeKeys are its keys, sorted, for suggestions. (Set by init: the
// tables' readers reach unknownKey, so keyHome cannot be initialized from
// the tables in its declaration.)
var (
	keyHome  map[string]string
	homeKeys []string
)

func init() {
	keyHome = map[string]string{}
	// A later table wins a name two share: a drop rule's from over an outage's.
	linkTable.addHomes(keyHome)
	endpointTable.addHomes(keyHome)
	httpClientTable.addHomes(keyHome)
	httpServerTable.addHomes(keyHome)
	outageTable.addHomes(keyHome)
	dropTable.addHomes(keyHome)
	for name, where := range map[string]string{
		"latency":   `the one-way delay is delay, a link setting (link: {delay: 50ms})`,
		"rtt":       `set the one-way delay instead: delay, a link setting (link: {delay: 50ms} gives an RTT of 100ms)`,
		"rate":      `the link rate is bandwidth, a link setting (link: {bandwidth: 10Mbps})`,
		"iss":       `the initial sequence number is isn, an endpoint setting (client: {isn: 100})`,
		"drops":     `drop rules go under drop`,
		"nagle":     `Nagle's algorithm is on unless nodelay: true (an endpoint setting)`,
		"loss_rate": `the loss probability is loss, a link setting (link: {loss: 0.01})`,
	} {
		keyHome[name] = where
	}
	for k := range keyHome {
		homeKeys = append(homeKeys, k)
	}
	slices.Sort(homeKeys)
}

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
	f := topTable.fields(d, root)
	sc := &Scenario{
		Name:        defaultName,
		File:        d.file,
		Seed:        defaultSeed,
		Duration:    defaultDuration,
		EventBudget: defaultEventBudget,
	}
	stored := topTable.apply(d, f, sc)
	dur := f["duration"]
	d.end = runEnd{d: sc.Duration, known: !dur.present() || stored["duration"], written: dur.present()}

	profile := "rfc"
	if v := f["profile"]; v.present() {
		d.profileWritten = true
		if p, ok := profileKind.read(d, v, helpProfile); ok {
			profile = p
		}
	}
	if d.profileOverride != "" {
		profile = d.profileOverride
	}

	d.checkFlowKeys(f)
	if f["flows"].present() {
		d.dumbbell(sc, f, profile)
		sc.ProfileWritten = d.profileWritten
		if v := f["sweep"]; v.present() && !isNull(v.n) {
			sc.Sweep = d.sweep(v)
		}
		return sc
	}

	base := linkTable.fields(d, f["link"])
	lf := linksTable.fields(d, f["links"])
	sc.ClientToServer = d.linkConfig(base, linkTable.fields(d, lf["client_to_server"]))
	sc.ServerToClient = d.linkConfig(base, linkTable.fields(d, lf["server_to_client"]))

	if v := f["backup_link"]; v.present() && !isNull(v.n) {
		c := d.linkConfig(d.fields(v, helpBackup, linkTable.allowed("")), nil)
		sc.Backup = &Path{ClientToServer: c, ServerToClient: c}
	}

	var addrs [2]value
	var addrsOK [2]bool
	sc.Client, addrs[0], addrsOK[0] = d.endpoint(f["client"], "client", profile)
	sc.Server, addrs[1], addrsOK[1] = d.endpoint(f["server"], "server", profile)
	if addrsOK[0] && addrsOK[1] && sc.Client.Addr == sc.Server.Addr {
		v := addrs[1]
		if !v.present() {
			v = addrs[0]
		}
		d.errorf(v, "the client and the server have the same address %s; give them different ones (defaults: client 10.0.0.1, server 10.0.0.2)", sc.Client.Addr)
	}
	d.apps(sc, f["client"], f["server"], f["backup_link"])
	sc.ProfileWritten = d.profileWritten

	for _, list := range []struct {
		key, help string
		action    link.Action
	}{
		{"drop", helpDrop, link.ActionDrop},
		{"delay_segments", helpDelayRules, link.ActionDelay},
		{"duplicate_segments", helpDupRules, link.ActionDuplicate},
	} {
		for _, item := range d.list(f[list.key], list.help) {
			from, rule, ok := d.dropRule(item, list.action)
			if !ok {
				continue
			}
			if from == "client" {
				sc.ClientToServer.Rules = append(sc.ClientToServer.Rules, rule)
			} else {
				sc.ServerToClient.Rules = append(sc.ServerToClient.Rules, rule)
			}
		}
	}
	for _, item := range d.list(f["events"], helpEvents) {
		if ev, ok := d.event(item); ok {
			sc.Events = append(sc.Events, ev)
		}
	}
	slices.SortStableFunc(sc.Events, func(x, y HostEvent) int { return cmp.Compare(x.At, y.At) })
	if v := f["sweep"]; v.present() && !isNull(v.n) {
		sc.Sweep = d.sweep(v)
	}
	for _, item := range d.list(f["outages"], helpOutages) {
		o, dir, ok := d.outage(item)
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

// readName reads the scenario's name: one line of text.
func readName(d *decoder, v value, sc *Scenario, help string) bool {
	s, ok := d.text(v, help)
	switch {
	case !ok:
		return false
	case strings.TrimSpace(s) == "":
		d.errorf(v, "the name is empty; %s", help)
	case strings.ContainsAny(s, "\n\r"):
		d.errorf(v, "the name has more than one line (the description may have many); %s", help)
	case len([]rune(s)) > maxNameRunes:
		d.errorf(v, "the name is longer than %d characters (the description may be long); %s", maxNameRunes, help)
	case nameProblem(s) != "":
		d.errorf(v, "%s %s; %s", describe(v.n), nameProblem(s), help)
	default:
		sc.Name = s
		return true
	}
	return false
}

// readRunDuration reads the run's duration, which must not be zero.
func readRunDuration(d *decoder, v value, sc *Scenario, help string) bool {
	t, ok := d.duration(v, 0, maxDuration, help)
	if !ok {
		return false
	}
	if t == 0 {
		d.errorf(v, "%s is zero: the run would end before it starts; %s", describe(v.n), help)
		return false
	}
	sc.Duration = t
	return true
}

// linkConfig is one direction's link: the defaults, overridden by the
// settings under link (base), overridden by those of the direction (over).
// The checks between keys are here: a queue limit in packets or in bytes,
// and reorder with jitter.
func (d *decoder) linkConfig(base, over map[string]value) link.Config {
	c := link.Config{Delay: defaultDelay, Bandwidth: defaultBandwidth, QueuePackets: defaultQueue, MTU: defaultMTU}
	var reorderAt, probAt value // where the reorder and reorder_probability in effect were set
	for _, f := range []map[string]value{base, over} {
		stored := linkTable.apply(d, f, &c)
		if stored["reorder"] {
			reorderAt = f["reorder"]
		}
		if stored["reorder_probability"] {
			probAt = f["reorder_probability"]
		}
		if x := f["queue_bytes"]; x.present() && f["queue"].present() {
			d.errorAt(x.key, x.path, "both queue and queue_bytes are given; a queue is limited either in packets (queue) or in bytes (queue_bytes), not both")
		}
	}
	if c.Reorder && c.Jitter == 0 {
		d.errorf(reorderAt, "reorder is true but jitter is 0: packets overtake one another only when their delays vary; set jitter too, such as jitter: 5ms")
	}
	if c.ReorderProb > 0 && c.ReorderDelay == 0 {
		d.errorf(probAt, "reorder_probability is given but reorder_delay is not: say how much longer a packet it picks takes, such as reorder_delay: 20ms")
	}
	return c
}

// endpoint decodes client or server (side); profile is the top level's.
// It returns the addr value, and whether it is good, for the check that
// the two differ.
func (d *decoder) endpoint(v value, side, profile string) (Endpoint, value, bool) {
	errs := len(d.errs) + d.more
	f := d.fields(v, endpointTable.what, endpointKeys[side])
	if x := f["profile"]; x.present() {
		d.profileWritten = true
		if p, ok := profileKind.read(d, x, helpProfile); ok && d.profileOverride == "" {
			profile = p
		}
	}
	cfg, _ := tcp.Profile(profile) // profileKind accepted only known names
	ep := Endpoint{Name: side, Addr: defaultClientAddr, Port: defaultClientPort, Profile: profile, TCP: cfg}
	if side == "server" {
		ep.Addr, ep.Port = defaultServerAddr, defaultServerPort
	}
	stored := endpointTable.apply(d, f, &ep)
	d.rto(f, stored, &ep.TCP)
	if !stored["window_scaling"] {
		ep.TCP.ApplyBufferRules() // a receive buffer over 65,535 bytes needs window scaling
	}
	if len(d.errs)+d.more == errs {
		d.checkTCP(v, ep.TCP)
	}
	return ep, f["addr"], !f["addr"].present() || stored["addr"]
}

// readAddr reads a host's IPv4 address.
func readAddr(d *decoder, x value, ep *Endpoint, help string) bool {
	s, ok := d.text(x, help)
	if !ok {
		return false
	}
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	switch {
	case err != nil:
		d.errorf(x, "%s is not an IPv4 address; %s", describe(x.n), help)
	case !a.Is4():
		d.errorf(x, "%s is an IPv6 address, which tcpsim does not model; %s", describe(x.n), help)
	case a.IsUnspecified() || a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		d.errorf(x, "%s is not a host's address (it is unspecified, multicast or broadcast); %s", describe(x.n), help)
	default:
		ep.Addr = a
		return true
	}
	return false
}

// rto checks rto_min ≤ rto_initial ≤ rto_max (RFC 6298 (2.1), (2.4),
// (2.5)), defaults included, once the table has read the three.
func (d *decoder) rto(f map[string]value, stored map[string]bool, c *tcp.Config) {
	type setting struct {
		name string
		t    time.Duration
	}
	ss := []setting{{"rto_min", c.RTOMin}, {"rto_initial", c.RTOInitial}, {"rto_max", c.RTOMax}}
	good := func(s setting) bool { return !f[s.name].present() || stored[s.name] }
	show := func(s setting) string {
		if f[s.name].present() {
			return fmtDuration(s.t)
		}
		return fmtDuration(s.t) + ", the default"
	}
	// Check the pairs in order and report the first broken one.
	for _, p := range [][2]int{{0, 2}, {0, 1}, {1, 2}} {
		lo, hi := ss[p[0]], ss[p[1]]
		if !good(lo) || !good(hi) || lo.t <= hi.t {
			continue
		}
		if lv := f[lo.name]; lv.present() {
			d.errorf(lv, "%s is more than %s (%s); rto_min ≤ rto_initial ≤ rto_max", describe(lv.n), hi.name, show(hi))
		} else {
			hv := f[hi.name]
			d.errorf(hv, "%s is less than %s (%s); rto_min ≤ rto_initial ≤ rto_max: set %s too", describe(hv.n), lo.name, show(lo), lo.name)
		}
		return
	}
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

// readKeepalive reads keepalive: true | false | {idle, interval, probes,
// garbage_byte}; a mapping turns keepalive on.
func readKeepalive(d *decoder, v value, ep *Endpoint, help string) bool {
	if isNull(v.n) {
		return false
	}
	if _, isMap := v.n.(*ast.MappingNode); !isMap {
		b, ok := d.boolean(v, help)
		if ok {
			ep.TCP.Keepalive = b
		}
		return ok
	}
	ep.TCP.Keepalive = true
	keepaliveTable.apply(d, keepaliveTable.fields(d, v), &ep.TCP)
	return true
}

// readReconnect reads reconnect: true, false or the delay before reconnecting.
func readReconnect(d *decoder, x value, ep *Endpoint, help string) bool {
	if isNull(x.n) {
		return false
	}
	if s, _, _ := scalarText(x.n); strings.EqualFold(s, "true") || strings.EqualFold(s, "false") {
		b, ok := d.boolean(x, help)
		if ok {
			ep.App.Reconnect, ep.App.ReconnectDelay = b, time.Second
		}
		return ok
	}
	t, ok := d.duration(x, 0, maxDuration, help)
	if ok {
		ep.App.Reconnect, ep.App.ReconnectDelay = true, t
	}
	return ok
}

// readerTick is how often a reader given only a rate reads.
const readerTick = 100 * time.Millisecond

// perSecond is a reader's rate: a size per second such as "10KB/s".
var perSecond = kind[int64]{
	typ:     "size per second",
	allowed: "such as `10KB/s`",
	read: func(d *decoder, x value, help string) (int64, bool) {
		s, isString, _ := scalarText(x.n)
		s = strings.TrimSpace(s)
		if !isString || !strings.HasSuffix(strings.ToLower(s), "/s") {
			d.errorf(x, "%s is not a rate; %s", describe(x.n), help)
			return 0, false
		}
		n, err := ParseSize(strings.TrimSpace(s[:len(s)-2]))
		if err != nil || n <= 0 || n > maxBytes {
			d.errorf(x, "%s is not a rate; %s", describe(x.n), help)
			return 0, false
		}
		return n, true
	},
}

// readReader reads the application's reading model.
func readReader(d *decoder, v value, ep *Endpoint, _ string) bool {
	if isNull(v.n) {
		return false
	}
	var r Reader
	f := readerTable.fields(d, v)
	if x := f["rate"]; x.present() && (f["bytes"].present() || f["every"].present()) {
		d.errorf(x, "rate goes alone, or bytes with every, not both; %s", helpReader)
		delete(f, "rate")
	}
	readerTable.apply(d, f, &r)
	if x := f["bytes"]; x.present() && !f["every"].present() {
		d.errorf(x, "bytes needs every too; %s", helpReader)
	}
	if x := f["every"]; x.present() && !f["bytes"].present() {
		d.errorf(x, "every needs bytes too; %s", helpReader)
	}
	ep.App.Reader = r
	return true
}

// readPauses reads a reader's pauses.
func readPauses(d *decoder, v value, r *Reader, help string) bool {
	for _, item := range d.list(v, help) {
		pf := pauseTable.fields(d, item)
		var p Pause
		stored := pauseTable.apply(d, pf, &p)
		pauseTable.require(d, pf, item, helpPause)
		if !stored["from"] || !stored["to"] {
			continue
		}
		if p.To <= p.From {
			d.errorf(pf["to"], "the pause ends (%s) before it begins (%s); %s", fmtDuration(p.To), fmtDuration(p.From), helpPause)
			continue
		}
		r.Pauses = append(r.Pauses, p)
	}
	slices.SortStableFunc(r.Pauses, func(x, y Pause) int { return cmp.Compare(x.From, y.From) })
	return true
}

// readWrites reads an application's timed writes. A client's may not come
// before its connect_at, which the table reads first.
func readWrites(d *decoder, v value, ep *Endpoint, help string) bool {
	a := &ep.App
	for _, item := range d.list(v, help) {
		wf := writeTable.fields(d, item)
		var w Write
		stored := writeTable.apply(d, wf, &w)
		ok := writeTable.require(d, wf, item, helpWrite) && stored["at"] && stored["bytes"]
		if x := wf["at"]; stored["at"] && ep.Name == "client" && w.At < a.ConnectAt {
			d.errorf(x, "%s is before connect_at (%s); the client writes only once it has begun to connect", describe(x.n), fmtDuration(a.ConnectAt))
			ok = false
		}
		if ok && item.present() && !isNull(item.n) {
			a.Writes = append(a.Writes, w)
		}
	}
	slices.SortStableFunc(a.Writes, func(x, y Write) int { return cmp.Compare(x.At, y.At) })
	return true
}

// readClose reads close: auto, never, or the time to close at (for a
// client, not before its connect_at, which the table reads first).
func readClose(d *decoder, x value, ep *Endpoint, help string) bool {
	a := &ep.App
	s, isString, _ := scalarText(x.n)
	switch t := strings.ToLower(strings.TrimSpace(s)); {
	case isString && t == "auto":
		a.Close = CloseAuto
		return true
	case isString && t == "never":
		a.Close = CloseNever
		return true
	case isString && !strings.ContainsAny(t[:min(len(t), 1)], "0123456789.+-"):
		if _, err := ParseDuration(s); err != nil {
			d.errorf(x, "%s is not auto, never or a duration; %s", describe(x.n), help)
			return false
		}
	}
	at, ok := d.duration(x, 0, maxDuration, help)
	if !ok {
		return false
	}
	switch p := d.end.after(at); {
	case p != "":
		d.errorf(x, "%s %s; to keep the connection open write close: never", describe(x.n), p)
	case ep.Name == "client" && at < a.ConnectAt:
		d.errorf(x, "%s is before connect_at (%s); the client can close only once it has begun to connect", describe(x.n), fmtDuration(a.ConnectAt))
	default:
		a.Close, a.CloseAt = CloseAt, at
		return true
	}
	return false
}

// event reads one host event.
func (d *decoder) event(v value) (HostEvent, bool) {
	f := eventTable.fields(d, v)
	var ev HostEvent
	stored := eventTable.apply(d, f, &ev)
	ok := eventTable.require(d, f, v, helpEvent) && stored["at"]
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

// flagSplit is the message for a key that is a flag name: in a flow mapping
// "flags: SYN,ACK" reads as flags: SYN and a key ACK.
func flagSplit(name string) string {
	if _, ok := wire.ParseFlags(name); !ok || strings.TrimSpace(name) == "" {
		return ""
	}
	return fmt.Sprintf("unknown key %q: inside {…} a comma separates keys, so flags: SYN,ACK reads as flags: SYN and a key %s; write flags: \"SYN,ACK\" in quotes, or flags: SYN+ACK", name, name)
}

// dropRule decodes one rule into the link rule it becomes and the side
// whose packets it picks: a drop rule, or with action a rule of
// delay_segments (which also has by) or duplicate_segments.
func (d *decoder) dropRule(v value, action link.Action) (from string, rule link.Rule, ok bool) {
	t := dropTable
	if action == link.ActionDelay {
		t = delayTable
	}
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
		if hasFlagsKey && kv != nil && kv.Key != nil && kv.Key.GetToken() != nil && isNull(kv.Value) && !slices.Contains(t.names(), kv.Key.GetToken().Value) {
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
	f := t.fields(d, v)

	s := ruleSpec{times: 1}
	stored := t.apply(d, f, &s)
	verb := [...]string{link.ActionDrop: "drops", link.ActionDelay: "delays", link.ActionDuplicate: "duplicates"}[action]
	ok = t.require(d, f, v, "say whose packets the rule "+verb+": from: client or from: server")
	ok = t.allStored(f, stored) && ok
	if x := f["nth"]; x.present() && !f["flags"].present() {
		d.errorAt(x.key, x.path, "nth counts the segments that have the given flags, so it needs flags (such as flags: SYN, nth: 2); for the Nth segment of any kind write segment: N")
		ok = false
	}

	// The criteria, in this order whatever the order of the keys; all of
	// them must hold.
	var cs []criterion
	var desc []string
	single := "" // a criterion that picks one packet at most
	if stored["segment"] {
		cs = append(cs, segmentN(s.segment))
		desc = append(desc, "segment "+strconv.Itoa(s.segment))
		single = "segment " + strconv.Itoa(s.segment)
	}
	if stored["data_segment"] {
		cs = append(cs, dataSegmentN(s.dataSegment))
		desc = append(desc, "data_segment "+strconv.Itoa(s.dataSegment))
	}
	if stored["seq"] {
		cs = append(cs, seqIs(s.seq))
		desc = append(desc, "seq "+strconv.FormatUint(uint64(s.seq), 10))
	}
	if stored["flags"] {
		cs = append(cs, flagsAre(s.flags, s.nth))
		fs := "flags " + s.flags.String()
		if s.nth > 0 {
			fs += " nth " + strconv.Itoa(s.nth)
			single = fs
		}
		desc = append(desc, fs)
	}
	if stored["between"] {
		t1, t2 := s.between[0], s.between[1]
		cs = append(cs, within(sim.At(t1), sim.At(t2)))
		desc = append(desc, fmt.Sprintf("between [%s, %s)", fmtDuration(t1), fmtDuration(t2)))
	}
	if len(cs) == 0 && ok {
		d.errorf(v, "the rule has no criterion, so it would pick nothing; give at least one of segment, data_segment, seq, flags or between (several must all hold)")
		ok = false
	}
	if timesV := f["times"]; single != "" && s.times > 1 {
		d.errorf(timesV, "%s can never be reached: %s picks a single packet; leave times out (data_segment N also picks the retransmissions of the Nth data segment)", describe(timesV.n), single)
		ok = false
	}
	if !ok {
		return "", rule, false
	}
	rule.Desc = strings.Join(desc, " ") // whose packets it drops is the link's side, in every record
	switch s.times {
	case 1:
	case 0:
		rule.Desc += ", times always"
	default:
		rule.Desc += ", times " + strconv.Itoa(s.times)
	}
	rule.Times = s.times
	rule.Match = all(cs)
	rule.Action = action
	if action == link.ActionDelay {
		rule.Delay = s.by
		rule.Desc += ", by " + fmtDuration(s.by)
	}
	return s.from, rule, true
}

// flagSet is a set of TCP flags: "SYN,ACK", "SYN+ACK" or a list [SYN, ACK].
var flagSet = kind[wire.Flags]{
	typ:  "flag set",
	read: func(d *decoder, v value, _ string) (wire.Flags, bool) { return d.flags(v) },
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

// timeSpan is a drop rule's between: [t1, t2) with 0 ≤ t1 < t2, t1 before
// the end of the run.
var timeSpan = kind[[2]time.Duration]{
	typ:     "`[from, to]`",
	allowed: "times in the run, `from` < `to`",
	read: func(d *decoder, v value, _ string) ([2]time.Duration, bool) {
		t1, t2, ok := d.between(v)
		return [2]time.Duration{t1, t2}, ok
	},
}

// between reads [t1, t2) with 0 ≤ t1 < t2.
func (d *decoder) between(v value) (t1, t2 time.Duration, ok bool) {
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
	if p := d.end.after(t1); p != "" {
		d.errorf(items[0], "%s %s; the rule would never pick a packet", describe(items[0].n), p)
		return 0, 0, false
	}
	return t1, t2, true
}

// outage decodes one outage and the direction it applies to.
func (d *decoder) outage(v value) (o link.Outage, dir string, ok bool) {
	if isNull(v.n) {
		d.errorf(v, "the outage is empty; %s", helpOutage)
		return o, "", false
	}
	f := outageTable.fields(d, v)
	s := outageSpec{direction: "both"}
	stored := outageTable.apply(d, f, &s)
	if _, isMap := v.n.(*ast.MappingNode); isMap {
		outageTable.require(d, f, v, helpOutage)
	}
	ok = stored["from"] && stored["to"]
	if ok && s.to <= s.from {
		d.errorf(f["to"], "%s is not after from (%s); %s", describe(f["to"].n), fmtDuration(s.from), helpOutageT)
		ok = false
	}
	if ok {
		if p := d.end.after(s.from); p != "" {
			d.errorf(f["from"], "%s %s; the outage would never happen", describe(f["from"].n), p)
			ok = false
		}
	}
	ok = ok && outageTable.allStored(f, stored)
	return link.Outage{From: sim.At(s.from), To: sim.At(s.to)}, s.direction, ok
}
