package scenarios

import (
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// The applications that take the scripted ones' place: HTTP (an http
// mapping on the client and one on the server) and a heartbeat (a
// heartbeat mapping on the client; the server answers its pings by
// itself). This file holds their key tables, read through keys.go like
// every other, and the checks between an endpoint's applications and
// between the two endpoints' (apps).

// Defaults of the applications' keys.
const (
	defaultHTTPHost           = "example.com"    // RFC 2606 §3: a name reserved for examples
	defaultBody               = 1000             // bytes: a small page, one segment
	defaultHeartbeatInterval  = 25 * time.Second // Socket.IO's pingInterval
	defaultHeartbeatTimeout   = 20 * time.Second // Socket.IO's pingTimeout
	defaultHeartbeatReconnect = time.Second
	// defaultHeartbeatSize is an HTTP/2 PING frame, as gRPC keepalive
	// sends: a 9-byte frame header and 8 bytes of data (RFC 9113 §6.7).
	defaultHeartbeatSize = 17
)

// Limits of the applications' keys.
const (
	maxRequests      = 1000
	maxConnections   = 100
	maxPipeline      = 100
	maxBodies        = 1000    // sizes in a body list
	maxHostLen       = 253     // a DNS name's longest text form (RFC 1035 §2.3.4, less the final dot)
	maxHeartbeatSize = 1 << 16 // bytes of a ping
)

// What each key allows, for messages: the part after "; ".
const (
	helpHTTP        = `http is true or a mapping: on the client such as {mode: keep-alive, requests: 5}, on the server such as {body: 1KiB, idle_timeout: 5s}`
	helpHTTPClient  = `the client's http is a mapping of mode, requests, connections, pipeline, start_at, think_time and host, such as {mode: keep-alive, requests: 5}`
	helpHTTPServer  = `the server's http is a mapping of processing_time, body, split_writes, idle_timeout and max_requests, such as {body: 1KiB, idle_timeout: 5s}`
	helpMode        = `mode is keep-alive (one connection carries request after request) or close (a connection per request)`
	helpRequests    = `requests is how many requests the client makes, an integer 1..1000`
	helpConnections = `connections is how many connections the client may have open at once, an integer 1..100 (a browser opens up to 6)`
	helpPipeline    = `pipeline is how many requests a connection may have outstanding, an integer 1..100 (1: no pipelining)`
	helpHTTPStartAt = `start_at is when the client starts, a duration ≥ 0 such as "1s", before the end of the run`
	helpThinkTime   = `think_time is the client's pause between a response and its next request, a duration from 0 to 1h such as "500ms"`
	helpHost        = `host is the Host header's value, a name such as example.com (no spaces, at most 253 characters)`
	helpProcessing  = `processing_time is how long the server works on a request before it answers, a duration from 0 to 1h such as "20ms"`
	helpBody        = `body is the size of the response bodies: a size such as 1KiB, a list of sizes such as [1KiB, 20KiB] (used in turn), or {min: 1KiB, max: 100KiB} (each drawn from the seed)`
	helpBodySize    = `a body size is a size from 0 to 1GiB such as "1KiB" or 1000`
	helpBodyRange   = `a body range is a mapping {min: <size>, max: <size>} with min ≤ max, such as {min: 1KiB, max: 100KiB}`
	helpSplit       = `split_writes is true (the head and the body in two writes) or false (in one)`
	helpIdleTimeout = `idle_timeout is a duration from 1ms to 168h such as "5s", or off`
	helpMaxRequests = `max_requests is how many responses a connection carries before the server closes it, an integer 1..2147483647, or unlimited`

	helpHeartbeat   = `heartbeat is true or a mapping such as {interval: 2s, timeout: 1s, reconnect: 1s}`
	helpHBInterval  = `interval is the time from one ping to the next, a duration from 1ms to 1h such as "2s"`
	helpHBTimeout   = `timeout is how long the client waits for a pong, a duration from 1ms to 1h such as "1s"`
	helpHBReconnect = `reconnect is true, false, or the delay before reconnecting, a duration from 0 to 1h such as "1s"`
	helpHBSize      = `size is the size of a ping and of a pong, from 1 byte to 64KiB such as 17`
	helpHBPort      = `port is the server port the heartbeat connects to, an integer 1..65535`
	helpHBStartAt   = `start_at is when the heartbeat connects, a duration ≥ 0 such as "1s", before the end of the run`
	helpHBStopAt    = `stop_at is when the heartbeat stops and closes its connection, a duration such as "30s", after start_at and before the end of the run`
)

// modeKind is an HTTP client's mode.
var modeKind = oneOf("a mode", true, true, "keep-alive", "close")

// The client's http: what the HTTP client asks.
var httpClientTable = &table[HTTPClient]{
	what: helpHTTPClient,
	home: "it is an HTTP client setting: put it under the client's http, such as client: {http: {requests: 5}}",
	keys: []field[HTTPClient]{
		{name: "mode", read: into(modeKind, func(c *HTTPClient, s string) {
			c.Mode = HTTPKeepAlive
			if s == "close" {
				c.Mode = HTTPClose
			}
		}), help: helpMode,
			def: code("keep-alive"), doc: "`keep-alive`: persistent connections, HTTP/1.1's default (RFC 9112 §9.3): a connection carries request after request until the client is done or the server closes it. `close`: `Connection: close` on every request (RFC 9112 §9.6): a connection per request, which the server closes after its response, so the server holds TIME-WAIT"},
		{name: "requests", read: into(integerIn(1, maxRequests), func(c *HTTPClient, n int64) { c.Requests = int(n) }), help: helpRequests,
			def: code(1), doc: "how many requests the client makes: `GET /1`, `/2`, … in order"},
		{name: "connections", read: into(integerIn(1, maxConnections), func(c *HTTPClient, n int64) { c.Connections = int(n) }), help: helpConnections,
			def: code(1), doc: "how many connections the client may have open at once; a browser opens up to 6 per host and spreads its requests over them"},
		{name: "pipeline", read: into(integerIn(1, maxPipeline), func(c *HTTPClient, n int64) { c.Pipeline = int(n) }), help: helpPipeline,
			def: code(1), note: "more than 1 needs `mode: keep-alive`", doc: "how many requests a connection may have outstanding (RFC 9112 §9.3.2): with more than 1 the client sends its next requests without waiting for the responses, which come back in order"},
		{name: "start_at", read: into(timeInRun("the client would never start"), func(c *HTTPClient, t time.Duration) { c.StartAt = t }), help: helpHTTPStartAt,
			def: code(0), doc: "when the client opens its first connection"},
		{name: "think_time", read: into(durationIn(0, maxTimerValue), func(c *HTTPClient, t time.Duration) { c.ThinkTime = t }), help: helpThinkTime,
			def: code(0), doc: "the client's pause between a response and its next request on that connection (with `close`: before its next connection). A think time longer than the server's `idle_timeout` finds the connection closed: the next request needs a new one"},
		{name: "host", read: into(headerHost, func(c *HTTPClient, s string) { c.Host = s }), help: helpHost,
			def: code(defaultHTTPHost), note: "no spaces", doc: "the `Host` header's value (RFC 9112 §3.2); its length counts in every request's size"},
	},
}

// headerHost is a Host header's value: visible ASCII, no spaces.
var headerHost = kind[string]{
	typ:     "text",
	allowed: "1 … " + strconv.Itoa(maxHostLen) + " characters",
	read: func(d *decoder, v value, help string) (string, bool) {
		s, ok := d.text(v, help)
		if !ok {
			return "", false
		}
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			d.errorf(v, "the host is empty; %s", help)
		case len(s) > maxHostLen:
			d.errorf(v, "the host is longer than %d characters; %s", maxHostLen, help)
		case strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0:
			d.errorf(v, "%s has a space or a character a header cannot carry; %s", describe(v.n), help)
		default:
			return s, true
		}
		return "", false
	},
}

// The server's http: how the HTTP server answers.
var httpServerTable = &table[HTTPServer]{
	what: helpHTTPServer,
	home: "it is an HTTP server setting: put it under the server's http, such as server: {http: {body: 1KiB}}",
	keys: []field[HTTPServer]{
		{name: "processing_time", read: into(durationIn(0, maxTimerValue), func(c *HTTPServer, t time.Duration) { c.ProcessingTime = t }), help: helpProcessing,
			def: code(0), doc: "how long the server works on a request before its response starts"},
		{name: "body", read: custom("size, list of sizes or `{min, max}`", "0 … 1GiB each; a list of up to "+strconv.Itoa(maxBodies), readBody), help: helpBody,
			def: code(defaultBody), doc: "the size of the response bodies: one size for all; a list, used in turn (request *n* gets the *n*th, starting over at the end); or `{min, max}`, each body drawn uniformly from [min, max] by the seed. The head (status line and headers, about 80 bytes) comes on top"},
		{name: "split_writes", read: into(boolean, func(c *HTTPServer, b bool) { c.SplitWrites = b }), help: helpSplit,
			def: code(false), doc: "`true`: the head and the body go in two writes, as Python's http.server and many frameworks do. With Nagle's algorithm on (no `nodelay`), the body then waits for the ACK of the head, which the client delays: the Nagle / delayed-ACK stall"},
		{name: "idle_timeout", read: into(durationOrOff(time.Millisecond, maxDuration), func(c *HTTPServer, t time.Duration) { c.IdleTimeout = t }), help: helpIdleTimeout,
			def: "off", doc: "the server closes a keep-alive connection that has been idle this long (nginx's `keepalive_timeout`, 75s; Apache's `KeepAliveTimeout`, 5s); it also bounds the wait for a first request"},
		{name: "max_requests", read: into(orWord(integerIn(1, maxCount), "unlimited", 0), func(c *HTTPServer, n int64) { c.MaxRequests = int(n) }), help: helpMaxRequests,
			def: code("unlimited"), doc: "the server closes a connection after this many responses (nginx's `keepalive_requests`, 1000)"},
	},
}

// bodyRange is a body's {min, max}.
type bodyRange struct{ min, max int64 }

var bodyRangeTable = &table[bodyRange]{
	what: helpBodyRange,
	keys: []field[bodyRange]{
		{name: "min", read: into(sizeIn(0, maxBytes), func(r *bodyRange, n int64) { r.min = n }), help: helpBodyRange, required: true},
		{name: "max", read: into(sizeIn(0, maxBytes), func(r *bodyRange, n int64) { r.max = n }), help: helpBodyRange, required: true},
	},
}

// readBody reads body: a size, a list of sizes or {min, max}.
func readBody(d *decoder, v value, c *HTTPServer, help string) bool {
	if d.missing(v, help) {
		return false
	}
	switch v.n.(type) {
	case *ast.SequenceNode:
		items := d.list(v, help)
		switch {
		case len(items) == 0:
			d.errorf(v, "the list of body sizes is empty; %s", help)
			return false
		case len(items) > maxBodies:
			d.errorf(v, "the list has %d body sizes; at most %d; %s", len(items), maxBodies, help)
			return false
		}
		bodies, ok := make([]int64, 0, len(items)), true
		for _, item := range items {
			n, good := d.size(item, 0, maxBytes, helpBodySize)
			bodies, ok = append(bodies, n), ok && good
		}
		if ok {
			c.Bodies = bodies
		}
		return ok
	case *ast.MappingNode:
		f := bodyRangeTable.fields(d, v)
		var r bodyRange
		stored := bodyRangeTable.apply(d, f, &r)
		bodyRangeTable.require(d, f, v, helpBodyRange)
		if !stored["min"] || !stored["max"] {
			return false
		}
		if r.max < r.min {
			d.errorf(f["max"], "%s is less than min (%s); %s", describe(f["max"].n), fmtSize(r.min), helpBodyRange)
			return false
		}
		c.Bodies, c.BodyMin, c.BodyMax = nil, r.min, r.max
		return true
	}
	n, ok := d.size(v, 0, maxBytes, help)
	if ok {
		c.Bodies = []int64{n}
	}
	return ok
}

// The client's heartbeat.
var heartbeatTable = &table[Heartbeat]{
	what: helpHeartbeat,
	keys: []field[Heartbeat]{
		{name: "interval", read: into(durationIn(time.Millisecond, maxTimerValue), func(h *Heartbeat, t time.Duration) { h.Interval = t }), help: helpHBInterval,
			def: code(defaultHeartbeatInterval), doc: "the time from one ping to the next (Socket.IO's `pingInterval`; a ping waits for the previous one's pong)"},
		{name: "timeout", read: into(durationIn(time.Millisecond, maxTimerValue), func(h *Heartbeat, t time.Duration) { h.Timeout = t }), help: helpHBTimeout,
			def: code(defaultHeartbeatTimeout), doc: "how long the client waits for a pong (Socket.IO's `pingTimeout`, gRPC's `keepalive_timeout`); without one it gives up on the connection and resets it (a RST)"},
		{name: "reconnect", read: custom("`true`, `false` or a duration", "0 … 1h", readHeartbeatReconnect), help: helpHBReconnect,
			def: code(defaultHeartbeatReconnect), doc: "after it gave up on a connection, or the connection was aborted or closed by the server, the client connects again after this delay (`true`: 1s), over `backup_link` if there is one; `false`: it does not"},
		{name: "size", read: into(sizeIn(1, maxHeartbeatSize), func(h *Heartbeat, n int64) { h.Size = n }), help: helpHBSize,
			def: code(defaultHeartbeatSize), doc: "the size of a ping and of a pong: 17 bytes is an HTTP/2 PING frame, which gRPC keepalive sends; a WebSocket ping from a client is 6"},
		{name: "port", read: into(integerIn(1, 65535), func(h *Heartbeat, n int64) { h.Port = uint16(n) }), help: helpHBPort,
			def: "the server's `port`", note: "not the HTTP server's", doc: "the server port the heartbeat connects to; the server answers pings there"},
		{name: "start_at", read: into(timeInRun("the heartbeat would never start"), func(h *Heartbeat, t time.Duration) { h.StartAt = t }), help: helpHBStartAt,
			def: code(0), doc: "when the client opens the heartbeat's connection; the first ping goes `interval` after it is established"},
		{name: "stop_at", read: into(timeInRun("the heartbeat would never stop"), func(h *Heartbeat, t time.Duration) { h.StopAt = t }), help: helpHBStopAt,
			def: "never", note: "after `start_at`", doc: "when the client stops pinging and closes the connection"},
	},
}

// readHeartbeatReconnect reads the heartbeat's reconnect: true, false or
// the delay before reconnecting.
func readHeartbeatReconnect(d *decoder, x value, h *Heartbeat, help string) bool {
	if s, _, _ := scalarText(x.n); strings.EqualFold(s, "true") || strings.EqualFold(s, "false") {
		b, ok := d.boolean(x, help)
		if ok {
			h.Reconnect, h.ReconnectDelay = b, defaultHeartbeatReconnect
		}
		return ok
	}
	t, ok := d.duration(x, 0, maxTimerValue, help)
	if ok {
		h.Reconnect, h.ReconnectDelay = true, t
	}
	return ok
}

// readHTTP reads an endpoint's http: true (every default), false (none),
// or a mapping of the client's or the server's keys.
func readHTTP(d *decoder, v value, ep *Endpoint, help string) bool {
	on, isMap, ok := switchOrMapping(d, v, help)
	if !ok || !on {
		return ok
	}
	if ep.Name == "client" {
		c := HTTPClient{Mode: HTTPKeepAlive, Requests: 1, Connections: 1, Pipeline: 1, Host: defaultHTTPHost}
		if isMap {
			f := httpClientTable.fields(d, v)
			stored := httpClientTable.apply(d, f, &c)
			if stored["pipeline"] && c.Pipeline > 1 && c.Mode == HTTPClose {
				d.errorf(f["pipeline"], "%s needs a persistent connection, but with mode: close each connection carries one request; write mode: keep-alive, or leave pipeline out", describe(f["pipeline"].n))
			}
		}
		ep.HTTPClient = &c
		return true
	}
	s := HTTPServer{Bodies: []int64{defaultBody}}
	if isMap {
		httpServerTable.apply(d, httpServerTable.fields(d, v), &s)
	}
	ep.HTTPServer = &s
	return true
}

// readHeartbeat reads the client's heartbeat: true (every default), false
// (none) or a mapping.
func readHeartbeat(d *decoder, v value, ep *Endpoint, help string) bool {
	on, isMap, ok := switchOrMapping(d, v, help)
	if !ok || !on {
		return ok
	}
	h := Heartbeat{HeartbeatConfig: defaultHeartbeat()}
	if isMap {
		f := heartbeatTable.fields(d, v)
		stored := heartbeatTable.apply(d, f, &h)
		if stored["stop_at"] && h.StopAt <= h.StartAt {
			d.errorf(f["stop_at"], "%s is not after start_at (%s); %s", describe(f["stop_at"].n), fmtDuration(h.StartAt), helpHBStopAt)
		}
	}
	ep.Heartbeat = &h
	return true
}

// defaultHeartbeat is a heartbeat's settings when its keys are left out.
func defaultHeartbeat() HeartbeatConfig {
	return HeartbeatConfig{Interval: defaultHeartbeatInterval, Timeout: defaultHeartbeatTimeout,
		Reconnect: true, ReconnectDelay: defaultHeartbeatReconnect, Size: defaultHeartbeatSize}
}

// switchOrMapping reads a value that is true, false or a mapping: on says
// whether the application runs; a mapping's keys are the caller's to read.
func switchOrMapping(d *decoder, v value, help string) (on, isMap, ok bool) {
	if d.missing(v, help) {
		return false, false, false
	}
	if _, isMap := v.n.(*ast.MappingNode); isMap {
		return true, true, true
	}
	b, ok := d.boolean(v, help)
	return b, false, ok
}

// scriptKeys are the scripted application's keys of an endpoint, which an
// endpoint running HTTP or a heartbeat does not take.
var scriptKeys = []string{"connect_at", "reconnect", "send", "writes", "close", "reader", "reply", "processing_time", "think_time"}

// apps checks that the two endpoints' applications go together: HTTP on
// both or neither, no script keys beside an application that replaces the
// script, a heartbeat port of its own, and a backup path that someone
// takes. client, server and backup are the file's values, for the places
// of the problems. It fills in the heartbeat's port.
func (d *decoder) apps(sc *Scenario, client, server, backup value) {
	cl, sv := &sc.Client, &sc.Server
	switch {
	case cl.HTTPClient != nil && sv.HTTPServer == nil:
		x := given(d, client, "http")
		d.errorAt(x.key, x.path, "the client speaks HTTP, but the server has no http to answer it; add one, such as server: {http: {body: 1KiB}}")
	case sv.HTTPServer != nil && cl.HTTPClient == nil:
		x := given(d, server, "http")
		d.errorAt(x.key, x.path, "the server serves HTTP, but the client has no http to ask it; add one, such as client: {http: {requests: 5}}")
	}

	// What replaces each side's script, and the keys that replace some of
	// its keys there.
	type replaced struct {
		v       value
		why     string
		instead map[string]string
	}
	var sides []replaced
	switch {
	case cl.HTTPClient != nil:
		sides = append(sides, replaced{client, "http replaces it on the client: the HTTP client writes its requests, reads the responses and opens and closes its connections by itself",
			map[string]string{"connect_at": "http.start_at"}})
	case cl.Heartbeat != nil:
		sides = append(sides, replaced{client, "heartbeat replaces it on the client: the heartbeat opens its connection, pings and reconnects by itself",
			map[string]string{"connect_at": "heartbeat.start_at", "reconnect": "heartbeat.reconnect"}})
	}
	switch {
	case sv.HTTPServer != nil:
		sides = append(sides, replaced{server, "http replaces it on the server: the HTTP server answers each request by itself", nil})
	case cl.HTTPClient != nil:
		sides = append(sides, replaced{server, "the server runs none: the client speaks HTTP instead of running a script", nil})
	case cl.Heartbeat != nil:
		sides = append(sides, replaced{server, "the server runs none: the client runs a heartbeat instead of a script, and the server only answers its pings", nil})
	}
	for _, side := range sides {
		for _, k := range scriptKeys {
			x := given(d, side.v, k)
			if !x.present() {
				continue
			}
			hint := ""
			if alt, ok := side.instead[k]; ok {
				hint = " (write " + alt + " instead)"
			}
			d.errorAt(x.key, x.path, "%s is a key of the scripted application, and %s; remove %s%s", k, side.why, k, hint)
		}
	}

	if hb := cl.Heartbeat; hb != nil {
		portGiven := hb.Port != 0
		if !portGiven {
			hb.Port = sv.Port
		}
		if sv.HTTPServer != nil && hb.Port == sv.Port {
			x := given(d, client, "heartbeat")
			if portGiven {
				x = given(d, x, "port")
			}
			d.errorAt(x.key, x.path, "the heartbeat connects to port %d, where the HTTP server listens; give it a port of its own, such as heartbeat: {port: 8080}", hb.Port)
		}
	}

	if backup.present() && !isNull(backup.n) && !sc.Scripted() && cl.Heartbeat == nil {
		d.errorAt(backup.key, backup.path, "backup_link is the path a client takes when it reconnects: a scripted client with reconnect, or a heartbeat; the HTTP client never takes it; remove it, or add a heartbeat to the client")
	}
}

// given returns the value of key name in the mapping v, as the file has
// it, without checking anything: absent when v is no mapping or has no
// such key.
func given(d *decoder, v value, name string) value {
	m, ok := v.n.(*ast.MappingNode)
	if !ok {
		return value{path: join(v.path, name), key: v.key}
	}
	for _, kv := range m.Values {
		if kv != nil && kv.Key != nil && kv.Key.GetToken() != nil && kv.Key.GetToken().Value == name {
			return d.child(join(v.path, name), kv.Value, kv.Key.GetToken())
		}
	}
	return value{path: join(v.path, name), key: v.key}
}
