package scenarios

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One bad input per kind of problem, with the exact messages. The messages
// are the interface with teachers and students: read them as they would.
func TestParse_Errors(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{"yaml syntax: tab indentation", "client:\n\tisn: 1\n", []string{
			"bad.yaml:2:1: not valid YAML: a tab character; YAML indents with spaces, not tabs",
		}},
		{"duplicate key", "seed: 1\nseed: 2\n", []string{
			"bad.yaml:2:1: \"seed\" is given twice (first on line 1); each key may appear once in a mapping",
		}},
		{"two documents", "seed: 1\n---\nseed: 2\n", []string{
			"bad.yaml:2:1: a second YAML document; a scenario file holds one: remove this '---' and what follows it, or move it to a file of its own",
		}},
		{"empty file", "", []string{
			"bad.yaml: the file is empty; a scenario is a YAML mapping such as \"client: {send: 8KiB}\"",
		}},
		{"only a comment", "# nothing here\n", []string{
			"bad.yaml: the file is empty; a scenario is a YAML mapping such as \"client: {send: 8KiB}\"",
		}},
		{"top level is a list", "- client\n", []string{
			"bad.yaml:1:1: a list is not a mapping; a scenario is a mapping of keys such as name, description, link, client, server and drop",
		}},
		{"a description in an unknown language", "description: {en: hello, fr: bonjour}\n", []string{
			"bad.yaml:1:26: description: unknown key \"fr\"; the keys here are en, vi",
		}},
		{"a description that is a list", "description: {vi: [a, b]}\n", []string{
			"bad.yaml:1:19: description.vi: a list is not text; a description in one language is text",
		}},
		{"an unknown congestion control", "client: {congestion_control: bbr}\n", []string{
			"bad.yaml:1:30: client.congestion_control: \"bbr\" is not a congestion control algorithm; congestion_control is none, tahoe, reno, newreno or cubic",
		}},
		{"a misspelt congestion control", "server: {congestion_control: NewRneo}\n", []string{
			"bad.yaml:1:30: server.congestion_control: \"NewRneo\" is not a congestion control algorithm; did you mean newreno? congestion_control is none, tahoe, reno, newreno or cubic",
		}},
		{"unknown key with a suggestion", "seeds: 5\n", []string{
			"bad.yaml:1:1: unknown key \"seeds\"; did you mean \"seed\"?",
		}},
		{"unknown key in camelCase", "client: {rtoMin: 200ms}\n", []string{
			"bad.yaml:1:10: client: unknown key \"rtoMin\"; did you mean \"rto_min\"?",
		}},
		{"unknown key listing the allowed ones", "link: {speed: 10Mbps}\n", []string{
			"bad.yaml:1:8: link: unknown key \"speed\"; the keys here are delay, jitter, reorder, bandwidth, queue, queue_bytes, mtu, loss, burst, reorder_probability, reorder_delay, duplicate, corrupt",
		}},
		{"a key of another section", "delay: 50ms\n", []string{
			"bad.yaml:1:1: unknown key \"delay\"; it is a link setting: put it under link (both directions), or under links.client_to_server or links.server_to_client",
		}},
		{"connect_at on the server", "server: {connect_at: 1s}\n", []string{
			"bad.yaml:1:10: server: connect_at is for the client: only the client connects (the server listens from the start)",
		}},
		{"reply on the client", "client: {reply: 1KiB}\n", []string{
			"bad.yaml:1:10: client: reply is for the server: it is what the server writes once it has read the client's data; the client's data is send",
		}},
		{"ISN not a number", "client: {isn: abc}\n", []string{
			"bad.yaml:1:15: client.isn: \"abc\" is not a number; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
		}},
		{"ISN in quotes", "client: {isn: \"100\"}\n", []string{
			"bad.yaml:1:15: client.isn: \"100\" is in quotes, so it is text; write the number without quotes; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
		}},
		{"ISN too large", "client: {isn: 4294967296}\n", []string{
			"bad.yaml:1:15: client.isn: 4294967296 is more than 4294967295; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
		}},
		{"ISN far too large", "client: {isn: 99999999999999999999999}\n", []string{
			"bad.yaml:1:15: client.isn: 99999999999999999999999 is too large; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
		}},
		{"ISN negative", "client: {isn: -1}\n", []string{
			"bad.yaml:1:15: client.isn: -1 is less than 0; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
		}},
		{"ISN a fraction", "client: {isn: 1.5}\n", []string{
			"bad.yaml:1:15: client.isn: 1.5 is not a whole number; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
		}},
		{"ISN a boolean", "client: {isn: true}\n", []string{
			"bad.yaml:1:15: client.isn: true is not a number; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
		}},
		{"ISN a list", "client: {isn: [1]}\n", []string{
			"bad.yaml:1:15: client.isn: a list is not a number; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
		}},
		{"ISN with no value", "client:\n  isn:\n", []string{
			"bad.yaml:2:8: client.isn: has no value; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
		}},
		{"negative delay", "link: {delay: -5ms}\n", []string{
			"bad.yaml:1:15: link.delay: \"-5ms\" is negative; a delay is a duration ≥ 0 such as \"50ms\"",
		}},
		{"delay without a unit", "link: {delay: 50}\n", []string{
			"bad.yaml:1:15: link.delay: 50 has no unit; write \"50s\" or \"50ms\"; a delay is a duration ≥ 0 such as \"50ms\"",
		}},
		{"delay with an unknown unit", "link: {delay: 50 millis}\n", []string{
			"bad.yaml:1:15: link.delay: \"50 millis\" has the unit \"millis\"; write \"50ms\"; a delay is a duration ≥ 0 such as \"50ms\"",
		}},
		{"duration zero", "duration: 0s\n", []string{
			"bad.yaml:1:11: duration: \"0s\" is zero: the run would end before it starts; the run's time limit is a duration > 0 and ≤ 168h such as \"60s\"",
		}},
		{"duration too long", "duration: 200h\n", []string{
			"bad.yaml:1:11: duration: \"200h\" is more than 168h; the run's time limit is a duration > 0 and ≤ 168h such as \"60s\"",
		}},
		{"reorder not a boolean", "link: {reorder: yes, jitter: 1ms}\n", []string{
			"bad.yaml:1:17: link.reorder: \"yes\" is not true or false; reorder is true or false",
		}},
		{"reorder without jitter", "link: {reorder: true}\n", []string{
			"bad.yaml:1:17: link.reorder: reorder is true but jitter is 0: packets overtake one another only when their delays vary; set jitter too, such as jitter: 5ms",
		}},
		{"bandwidth in bytes", "link: {bandwidth: 1MB/s}\n", []string{
			"bad.yaml:1:19: link.bandwidth: \"1MB/s\" is in bytes per second (1 MB/s is 8Mbps); a bandwidth is a rate from 1kbps to 100Gbps such as \"10Mbps\" (units bps, kbps, Mbps, Gbps: bits per second), or \"unlimited\"",
		}},
		{"bandwidth without a unit", "link: {bandwidth: 10}\n", []string{
			"bad.yaml:1:19: link.bandwidth: 10 has no unit; write \"10Mbps\" or \"10kbps\"; a bandwidth is a rate from 1kbps to 100Gbps such as \"10Mbps\" (units bps, kbps, Mbps, Gbps: bits per second), or \"unlimited\"",
		}},
		{"bandwidth too small", "link: {bandwidth: 100bps}\n", []string{
			"bad.yaml:1:19: link.bandwidth: \"100bps\" is less than 1kbps; a bandwidth is a rate from 1kbps to 100Gbps such as \"10Mbps\" (units bps, kbps, Mbps, Gbps: bits per second), or \"unlimited\"",
		}},
		{"queue and queue_bytes", "link: {queue: 10, queue_bytes: 15000}\n", []string{
			"bad.yaml:1:19: link.queue_bytes: both queue and queue_bytes are given; a queue is limited either in packets (queue) or in bytes (queue_bytes), not both",
		}},
		{"queue zero", "link: {queue: 0}\n", []string{
			"bad.yaml:1:15: link.queue: 0 is less than 1; queue is a number of packets 1..1000000, or \"unlimited\"",
		}},
		{"mtu too small", "links: {client_to_server: {mtu: 40}}\n", []string{
			"bad.yaml:1:33: links.client_to_server.mtu: 40 is less than 68; an MTU is a number of bytes 68..65535 (68 is IPv4's minimum, RFC 791)",
		}},
		{"loss above one", "link: {loss: 1.5}\n", []string{
			"bad.yaml:1:14: link.loss: 1.5 is more than 1 (for 1.5 percent write \"1.5%\"); loss is a probability 0..1 such as 0.01, or a percentage such as \"1%\"",
		}},
		{"loss above 100 percent", "link: {loss: 120%}\n", []string{
			"bad.yaml:1:14: link.loss: \"120%\" is more than 100%; loss is a probability 0..1 such as 0.01, or a percentage such as \"1%\"",
		}},
		{"loss negative", "link: {loss: -0.1}\n", []string{
			"bad.yaml:1:14: link.loss: -0.1 is negative; loss is a probability 0..1 such as 0.01, or a percentage such as \"1%\"",
		}},
		{"loss not a number", "link: {loss: often}\n", []string{
			"bad.yaml:1:14: link.loss: \"often\" is not a probability; loss is a probability 0..1 such as 0.01, or a percentage such as \"1%\"",
		}},
		{"rto_min above rto_max", "client: {rto_min: 2m, rto_max: 1m}\n", []string{
			"bad.yaml:1:19: client.rto_min: \"2m\" is more than rto_max (1m); rto_min ≤ rto_initial ≤ rto_max",
		}},
		{"rto_max below the default rto_min", "server: {rto_max: 500ms}\n", []string{
			"bad.yaml:1:19: server.rto_max: \"500ms\" is less than rto_min (1s, the default); rto_min ≤ rto_initial ≤ rto_max: set rto_min too",
		}},
		{"rto_initial below rto_min", "client: {rto_min: 500ms, rto_initial: 200ms}\n", []string{
			"bad.yaml:1:19: client.rto_min: \"500ms\" is more than rto_initial (200ms); rto_min ≤ rto_initial ≤ rto_max",
		}},
		{"rto zero", "client: {rto_min: 0}\n", []string{
			"bad.yaml:1:19: client.rto_min: 0 is less than 1ms; an RTO setting is a duration from 1ms to 1h such as \"200ms\"; rto_min ≤ rto_initial ≤ rto_max",
		}},
		{"address not an address", "client: {addr: 10.0.0.256}\n", []string{
			"bad.yaml:1:16: client.addr: \"10.0.0.256\" is not an IPv4 address; addr is an IPv4 address such as 10.0.0.1",
		}},
		{"address IPv6", "server: {addr: \"2001:db8::1\"}\n", []string{
			"bad.yaml:1:16: server.addr: \"2001:db8::1\" is an IPv6 address, which tcpsim does not model; addr is an IPv4 address such as 10.0.0.1",
		}},
		{"same addresses", "client: {addr: 10.0.0.2}\n", []string{
			"bad.yaml:1:16: client.addr: the client and the server have the same address 10.0.0.2; give them different ones (defaults: client 10.0.0.1, server 10.0.0.2)",
		}},
		{"port zero", "server: {port: 0}\n", []string{
			"bad.yaml:1:16: server.port: 0 is less than 1; a port is an integer 1..65535",
		}},
		{"size with bits", "client: {send: 8Kb}\n", []string{
			"bad.yaml:1:16: client.send: \"8Kb\" has the unit \"Kb\", which reads as bits; sizes are in bytes (B, KB, KiB, MB, MiB, GB, GiB); send is a size from 0 to 1GiB such as \"8KiB\" or 8192",
		}},
		{"size negative", "server: {reply: -1}\n", []string{
			"bad.yaml:1:17: server.reply: -1 is negative; reply is a size from 0 to 1GiB such as \"8KiB\" or 8192",
		}},
		{"buffer zero", "client: {recv_buffer: 0}\n", []string{
			"bad.yaml:1:23: client.recv_buffer: 0 is less than 1 byte; recv_buffer is a size from 1 byte to 1GiB such as \"64KiB\"",
		}},
		{"mss too small", "client: {mss: 40}\n", []string{
			"bad.yaml:1:15: client.mss: 40 is less than 88; an MSS is a number of bytes 88..65495",
		}},
		{"retries too many", "client: {retries: 1000}\n", []string{
			"bad.yaml:1:19: client.retries: 1000 is more than 100; a retry count is an integer 0..100",
		}},
		{"close not a mode", "client: {close: later}\n", []string{
			"bad.yaml:1:17: client.close: \"later\" is not auto, never or a duration; close is auto, never, or the time to close at, a duration such as \"30s\"",
		}},
		{"close after the end", "duration: 30s\nclient: {close: 40s}\n", []string{
			"bad.yaml:2:17: client.close: \"40s\" is not before the end of the run (duration 30s); to keep the connection open write close: never",
		}},
		{"close before connect_at", "client: {connect_at: 2s, close: 1s}\n", []string{
			"bad.yaml:1:33: client.close: \"1s\" is before connect_at (2s); the client can close only once it has begun to connect",
		}},
		{"connect_at after the end", "client: {connect_at: 11m}\n", []string{
			"bad.yaml:1:22: client.connect_at: \"11m\" is not before the end of the run (duration 10m, the default); the client would never connect",
		}},
		{"write without bytes", "client: {writes: [{at: 1s}]}\n", []string{
			"bad.yaml:1:19: client.writes[0]: bytes is missing; a write is a mapping {at: <time>, bytes: <size>} such as {at: 1s, bytes: 1KiB}",
		}},
		{"write before connect_at", "client: {connect_at: 5s, writes: [{at: 1s, bytes: 10}]}\n", []string{
			"bad.yaml:1:40: client.writes[0].at: \"1s\" is before connect_at (5s); the client writes only once it has begun to connect",
		}},
		{"write of zero bytes", "server: {writes: [{at: 1s, bytes: 0}]}\n", []string{
			"bad.yaml:1:35: server.writes[0].bytes: 0 is less than 1 byte; bytes is a size from 1 byte to 1GiB such as \"1KiB\"",
		}},
		{"writes not a list", "client: {writes: {at: 1s, bytes: 10}}\n", []string{
			"bad.yaml:1:18: client.writes: a mapping is not a list; writes is a list of timed writes such as [{at: 1s, bytes: 1KiB}]",
		}},
		{"link not a mapping", "link: 50ms\n", []string{
			"bad.yaml:1:7: link: \"50ms\" is not a mapping; link settings are a mapping of delay, jitter, reorder, bandwidth, queue, queue_bytes, mtu, loss, burst, reorder_probability, reorder_delay, duplicate and corrupt, such as {delay: 50ms, bandwidth: 10Mbps}",
		}},
		{"drop not a list", "drop: {from: client, segment: 3}\n", []string{
			"bad.yaml:1:7: drop: a mapping is not a list; drop is a list of rules such as [{from: client, data_segment: 3}]",
		}},
		{"drop rule without from", "drop: [{segment: 3}]\n", []string{
			"bad.yaml:1:8: drop[0]: from is missing; say whose packets the rule drops: from: client or from: server",
		}},
		{"drop rule from nobody", "drop: [{from: router, segment: 3}]\n", []string{
			"bad.yaml:1:15: drop[0].from: \"router\" is not client or server; from is client or server: whose packets the rule drops",
		}},
		{"drop rule without a criterion", "drop: [{from: client}]\n", []string{
			"bad.yaml:1:8: drop[0]: the rule has no criterion, so it would pick nothing; give at least one of segment, data_segment, seq, flags or between (several must all hold)",
		}},
		{"drop rule with times only", "drop: [{from: client, times: 2}]\n", []string{
			"bad.yaml:1:8: drop[0]: the rule has no criterion, so it would pick nothing; give at least one of segment, data_segment, seq, flags or between (several must all hold)",
		}},
		{"nth without flags", "drop: [{from: server, nth: 2}]\n", []string{
			"bad.yaml:1:23: drop[0].nth: nth counts the segments that have the given flags, so it needs flags (such as flags: SYN, nth: 2); for the Nth segment of any kind write segment: N",
		}},
		{"unknown flag", "drop: [{from: server, flags: SYNACK}]\n", []string{
			"bad.yaml:1:30: drop[0].flags: \"SYNACK\" is not a TCP flag; flags is a set of SYN, FIN, RST, PSH, ACK, URG, ECE, CWR such as \"SYN,ACK\" (in quotes inside {…}) or SYN+ACK",
		}},
		{"flags split by a comma in braces", "drop: [{from: server, flags: SYN,ACK}]\n", []string{
			"bad.yaml:1:34: drop[0]: unknown key \"ACK\": inside {…} a comma separates keys, so flags: SYN,ACK reads as flags: SYN and a key ACK; write flags: \"SYN,ACK\" in quotes, or flags: SYN+ACK",
		}},
		{"flags empty", "drop: [{from: server, flags: \"\"}]\n", []string{
			"bad.yaml:1:30: drop[0].flags: flags is empty; flags is a set of SYN, FIN, RST, PSH, ACK, URG, ECE, CWR such as \"SYN,ACK\" (in quotes inside {…}) or SYN+ACK",
		}},
		{"data_segment zero", "drop: [{from: client, data_segment: 0}]\n", []string{
			"bad.yaml:1:37: drop[0].data_segment: 0 is less than 1; data_segment is the Nth new segment of data the side sends; it is an ordinal 1..2147483647: 1 is the first",
		}},
		{"times on a single packet", "drop: [{from: client, segment: 3, times: 2}]\n", []string{
			"bad.yaml:1:42: drop[0].times: 2 can never be reached: segment 3 picks a single packet; leave times out (data_segment N also picks the retransmissions of the Nth data segment)",
		}},
		{"times not a number", "drop: [{from: client, segment: 3, times: twice}]\n", []string{
			"bad.yaml:1:42: drop[0].times: \"twice\" is not a number; times is how many matching packets to drop: an integer 1..2147483647, or always (0 also means always)",
		}},
		{"between reversed", "drop: [{from: client, between: [2s, 1s]}]\n", []string{
			"bad.yaml:1:37: drop[0].between[1]: \"1s\" is not after \"2s\"; between is a list of two times [from, to) such as [1s, 2s]",
		}},
		{"between with one time", "drop: [{from: client, between: [2s]}]\n", []string{
			"bad.yaml:1:32: drop[0].between: the list has 1 item, not 2; between is a list of two times [from, to) such as [1s, 2s]",
		}},
		{"between after the end", "duration: 10s\ndrop: [{from: client, between: [20s, 30s]}]\n", []string{
			"bad.yaml:2:33: drop[0].between[0]: \"20s\" is not before the end of the run (duration 10s); the rule would never pick a packet",
		}},
		{"drop rule not a mapping", "drop: [client]\n", []string{
			"bad.yaml:1:8: drop[0]: \"client\" is not a mapping; a drop rule is a mapping such as {from: client, data_segment: 3}",
		}},
		{"outage ends before it starts", "outages: [{from: 5s, to: 2s}]\n", []string{
			"bad.yaml:1:26: outages[0].to: \"2s\" is not after from (5s); an outage's from and to are durations ≥ 0 such as \"2s\", with from < to",
		}},
		{"outage ends when it starts", "outages: [{from: 5s, to: 5s}]\n", []string{
			"bad.yaml:1:26: outages[0].to: \"5s\" is not after from (5s); an outage's from and to are durations ≥ 0 such as \"2s\", with from < to",
		}},
		{"outage without to", "outages: [{from: 5s}]\n", []string{
			"bad.yaml:1:11: outages[0]: to is missing; an outage is a mapping such as {from: 2s, to: 5s, direction: both}",
		}},
		{"outage direction", "outages: [{from: 1s, to: 2s, direction: up}]\n", []string{
			"bad.yaml:1:41: outages[0].direction: \"up\" is not a direction; direction is client_to_server, server_to_client or both",
		}},
		{"outage direction misspelt", "outages: [{from: 1s, to: 2s, direction: client_to_sever}]\n", []string{
			"bad.yaml:1:41: outages[0].direction: \"client_to_sever\" is not a direction; did you mean client_to_server? direction is client_to_server, server_to_client or both",
		}},
		{"outage after the end", "duration: 10s\noutages: [{from: 15s, to: 20s}]\n", []string{
			"bad.yaml:2:18: outages[0].from: \"15s\" is not before the end of the run (duration 10s); the outage would never happen",
		}},
		{"unknown alias", "link: *fast\n", []string{
			"bad.yaml:1:7: link: the alias *fast names no anchor; define it first with &fast",
		}},
		{"merge key", "x-base: &b {delay: 1ms}\nlink: {<<: *b}\n", []string{
			"bad.yaml:2:8: link: merge keys (<<) are not supported; write the keys out (the settings under link apply to both directions)",
		}},
		{"name on two lines", "name: \"two\\nlines\"\n", []string{
			"bad.yaml:1:7: name: the name has more than one line (the description may have many); a name is one line of text such as lost-segment; the output files are named after it, so it has no /, \\, .. or control characters",
		}},
		{"event budget zero", "event_budget: 0\n", []string{
			"bad.yaml:1:15: event_budget: 0 is less than 1; the event budget is an integer 1..1000000000 such as 10000000 (or 10_000_000)",
		}},
		{"seed negative", "seed: -1\n", []string{
			"bad.yaml:1:7: seed: -1 is less than 0; a seed is an integer 0..18446744073709551615",
		}},
		{"close with a unit typo", "client: {close: 5sec}\n", []string{
			"bad.yaml:1:17: client.close: \"5sec\" has the unit \"sec\"; write \"5s\"; close is auto, never, or the time to close at, a duration such as \"30s\"",
		}},
		{"duplicate key in a flow mapping", "link: {delay: 1ms, \"delay\": 2ms}\n", []string{
			"bad.yaml:1:20: \"delay\" is given twice (first on line 1); each key may appear once in a mapping",
		}},
		{"misspelt link key at the top", "bandwith: 10Mbps\n", []string{
			"bad.yaml:1:1: unknown key \"bandwith\"; did you mean \"bandwidth\"? it is a link setting: put it under link (both directions), or under links.client_to_server or links.server_to_client",
		}},
		{"misspelt key", "client: {isnn: 5}\n", []string{
			"bad.yaml:1:10: client: unknown key \"isnn\"; did you mean \"isn\"?",
		}},
		{"too many problems", "client: {isn: a, mss: b, port: c, send: d, send_buffer: e, recv_buffer: f, rto_min: g, rto_max: h, syn_retries: i, retries: j, msl: k}\nserver: {isn: a, mss: b, port: c, send: d, send_buffer: e, recv_buffer: f, rto_min: g, rto_max: h, syn_retries: i, retries: j, msl: k}\n", []string{
			"bad.yaml:1:15: client.isn: \"a\" is not a number; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
			"bad.yaml:1:23: client.mss: \"b\" is not a number; an MSS is a number of bytes 88..65495",
			"bad.yaml:1:32: client.port: \"c\" is not a number; a port is an integer 1..65535",
			"bad.yaml:1:41: client.send: \"d\" is not a size; send is a size from 0 to 1GiB such as \"8KiB\" or 8192",
			"bad.yaml:1:57: client.send_buffer: \"e\" is not a size; send_buffer is a size from 1 byte to 1GiB such as \"64KiB\"",
			"bad.yaml:1:73: client.recv_buffer: \"f\" is not a size; recv_buffer is a size from 1 byte to 1GiB such as \"64KiB\"",
			"bad.yaml:1:85: client.rto_min: \"g\" is not a duration; an RTO setting is a duration from 1ms to 1h such as \"200ms\"; rto_min ≤ rto_initial ≤ rto_max",
			"bad.yaml:1:97: client.rto_max: \"h\" is not a duration; an RTO setting is a duration from 1ms to 1h such as \"200ms\"; rto_min ≤ rto_initial ≤ rto_max",
			"bad.yaml:1:113: client.syn_retries: \"i\" is not a number; a retry count is an integer 0..100",
			"bad.yaml:1:125: client.retries: \"j\" is not a number; a retry count is an integer 0..100",
			"bad.yaml:1:133: client.msl: \"k\" is not a duration; msl is a duration from 0 to 1h such as \"30s\"",
			"bad.yaml:2:15: server.isn: \"a\" is not a number; an ISN is an integer 0..4294967295 (leave it out for one drawn from the seed)",
			"bad.yaml:2:23: server.mss: \"b\" is not a number; an MSS is a number of bytes 88..65495",
			"bad.yaml:2:32: server.port: \"c\" is not a number; a port is an integer 1..65535",
			"bad.yaml:2:41: server.send: \"d\" is not a size; send is a size from 0 to 1GiB such as \"8KiB\" or 8192",
			"bad.yaml:2:57: server.send_buffer: \"e\" is not a size; send_buffer is a size from 1 byte to 1GiB such as \"64KiB\"",
			"bad.yaml:2:73: server.recv_buffer: \"f\" is not a size; recv_buffer is a size from 1 byte to 1GiB such as \"64KiB\"",
			"bad.yaml:2:85: server.rto_min: \"g\" is not a duration; an RTO setting is a duration from 1ms to 1h such as \"200ms\"; rto_min ≤ rto_initial ≤ rto_max",
			"bad.yaml:2:97: server.rto_max: \"h\" is not a duration; an RTO setting is a duration from 1ms to 1h such as \"200ms\"; rto_min ≤ rto_initial ≤ rto_max",
			"bad.yaml:2:113: server.syn_retries: \"i\" is not a number; a retry count is an integer 0..100",
			"bad.yaml: 2 more problems not shown; fix these first",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := Parse("bad.yaml", []byte(tc.src))
			require.Error(t, err)
			assert.Nil(t, sc)
			var list ErrorList
			require.True(t, errors.As(err, &list), "%T", err)
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// Inputs that would make the YAML parser slow (its time grows with the
// square of the nesting) are refused before it sees them.
func TestParse_Limits(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want string
	}{
		{"nested lists", strings.Repeat("[", 30000), "bad.yaml:1:32: the YAML is nested more than 32 levels deep; a scenario needs 4 at most"},
		{"nested entries", strings.Repeat("- ", 30000), "bad.yaml:1:63: the YAML is nested more than 32 levels deep; a scenario needs 4 at most"},
		{"nested mappings", "a: " + strings.Repeat("{b: ", 10000), "bad.yaml:1:128: the YAML is nested more than 32 levels deep; a scenario needs 4 at most"},
		{"indentation", func() string {
			var b strings.Builder
			for i := range 40 {
				b.WriteString(strings.Repeat(" ", i) + "a:\n")
			}
			return b.String()
		}(), "bad.yaml:33:33: the YAML is nested more than 32 levels deep; a scenario needs 4 at most"},
		{"size", "description: " + strings.Repeat("x", 70000), "bad.yaml: the file is 70013 bytes; a scenario file is at most 65536"},
		{"tags", strings.Repeat("!!str ", 100) + "x", "bad.yaml:1:1: more than 16 tags, anchors and aliases in a row, or aliases in a loop"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tc.src))
			var list ErrorList
			require.True(t, errors.As(err, &list), "%v", err)
			require.Len(t, list, 1)
			assert.Equal(t, tc.want, list[0].Error())
		})
	}
}
