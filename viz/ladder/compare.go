package ladder

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/wire"
)

// Costs are what a run spent to carry its application's messages: the
// figures that answer "one connection per request, or keep-alive?". A
// Costs is a streaming trace.Sink; its memory grows with connections and
// outstanding requests, not with records.
type Costs struct {
	// Connections is how many connections the client opened (SYNs of its
	// own, not retransmissions); Handshakes how many completed.
	Connections, Handshakes int
	// Packets and the bytes on the wire: headers (IP and TCP, options
	// included) and payload, retransmissions included.
	Packets                   int64
	HeaderBytes, PayloadBytes int64
	// Requests answered, when the last answer was read, and how long each
	// took: from the request's write to its response's last byte read, or,
	// for a connection's first request, from the connect, since a client
	// that opens a connection for it waits for the handshake too.
	Requests               int
	Finished               sim.Time
	LatencySum, LatencyMax time.Duration
	// ServerConnSeconds is the time the server's connections were open,
	// summed (a proxy for the server's memory): from SYN-RECEIVED to
	// TIME-WAIT, CLOSED or the end of the run. TIME-WAIT, a much smaller
	// cost, is counted in TimeWaitLeft.
	ServerConnSeconds time.Duration
	// TimeWaitLeft is how many connections, by host, were in TIME-WAIT
	// when the run ended.
	TimeWaitLeft map[string]int
	End          sim.Time

	client, server string
	open           map[connKey]sim.Time // server connections alive, since
	state          map[connKey]trace.State
	pending        map[connKey][]sim.Time // client requests sent, not yet answered
	connected      map[connKey]sim.Time   // client connections not yet carrying a request, since their connect
}

type connKey struct {
	node string
	conn uint32
}

// NewCosts returns a Costs for a run whose client and server hosts have
// these names.
func NewCosts(client, server string) *Costs {
	return &Costs{client: client, server: server, TimeWaitLeft: map[string]int{},
		open: map[connKey]sim.Time{}, state: map[connKey]trace.State{}, pending: map[connKey][]sim.Time{},
		connected: map[connKey]sim.Time{}}
}

// Reads is what Costs reads.
func (c *Costs) Reads() trace.KindSet {
	return trace.Kinds(trace.KindSend, trace.KindState, trace.KindMsg, trace.KindApp, trace.KindEnd)
}

// Record counts r.
func (c *Costs) Record(r *trace.Record) {
	c.End = max(c.End, r.T)
	switch r.Kind {
	case trace.KindSend:
		s := &r.Pkt.Seg
		c.Packets++
		c.HeaderBytes += int64(s.IPLen()) - int64(s.Len)
		c.PayloadBytes += int64(s.Len)
		if r.Node == c.client && s.Flags == wire.SYN && !r.Pkt.Labels.Has(trace.LabelRetransmission) {
			c.Connections++
		}
	case trace.KindState:
		k := connKey{r.Node, r.Conn}
		c.state[k] = r.To
		if r.Node == c.client && r.To == trace.StateEstablished && r.From == trace.StateSynSent {
			c.Handshakes++
		}
		if r.Node == c.server {
			if _, ok := c.open[k]; !ok && r.To != trace.StateClosed && r.To != trace.StateListen {
				c.open[k] = r.T
			}
			if r.To == trace.StateClosed || r.To == trace.StateTimeWait {
				if since, ok := c.open[k]; ok {
					c.ServerConnSeconds += r.T.Sub(since)
					delete(c.open, k)
				}
			}
		}
	case trace.KindApp:
		if r.Node == c.client && r.App == trace.AppConnect {
			c.connected[connKey{r.Node, r.Conn}] = r.T
		}
	case trace.KindMsg:
		if r.Node != c.client {
			return
		}
		k := connKey{r.Node, r.Conn}
		switch r.Msg {
		case trace.MsgSend:
			start := r.T
			if at, ok := c.connected[k]; ok {
				start = at // the first request waited for its connection
				delete(c.connected, k)
			}
			c.pending[k] = append(c.pending[k], start)
		case trace.MsgRecv:
			if q := c.pending[k]; len(q) > 0 {
				d := r.T.Sub(q[0])
				c.pending[k] = q[1:]
				c.Requests++
				c.LatencySum += d
				c.LatencyMax = max(c.LatencyMax, d)
				c.Finished = r.T
			}
		}
	case trace.KindEnd:
		for k, since := range c.open {
			c.ServerConnSeconds += r.T.Sub(since)
			delete(c.open, k)
		}
		for k, s := range c.state {
			if s == trace.StateTimeWait {
				c.TimeWaitLeft[k.node]++
			}
		}
	}
}

// MeanLatency is the mean request latency.
func (c *Costs) MeanLatency() time.Duration {
	if c.Requests == 0 {
		return 0
	}
	return c.LatencySum / time.Duration(c.Requests)
}

// WriteCosts prints runs' costs side by side, one column per run.
func WriteCosts(w io.Writer, names []string, runs []*Costs, lang catalog.Lang) error {
	m := lang.Phrases()
	secs := func(t time.Duration) string { return string(catalog.AppendSeconds(nil, sim.Time(t))) }
	rows := []struct {
		label catalog.Msg
		cell  func(c *Costs) string
	}{
		{catalog.MsgCmpConnections, func(c *Costs) string { return strconv.Itoa(c.Connections) }},
		{catalog.MsgCmpHandshakes, func(c *Costs) string { return strconv.Itoa(c.Handshakes) }},
		{catalog.MsgCmpPackets, func(c *Costs) string { return strconv.FormatInt(c.Packets, 10) }},
		{catalog.MsgCmpHeaderBytes, func(c *Costs) string { return strconv.FormatInt(c.HeaderBytes, 10) }},
		{catalog.MsgCmpPayloadBytes, func(c *Costs) string { return strconv.FormatInt(c.PayloadBytes, 10) }},
		{catalog.MsgCmpRequests, func(c *Costs) string { return strconv.Itoa(c.Requests) }},
		{catalog.MsgCmpFinished, func(c *Costs) string { return secs(time.Duration(c.Finished)) }},
		{catalog.MsgCmpMeanLatency, func(c *Costs) string { return secs(c.MeanLatency()) }},
		{catalog.MsgCmpMaxLatency, func(c *Costs) string { return secs(c.LatencyMax) }},
		{catalog.MsgCmpServerConnSeconds, func(c *Costs) string { return secs(c.ServerConnSeconds) }},
		{catalog.MsgCmpTimeWaitClient, func(c *Costs) string { return strconv.Itoa(c.TimeWaitLeft[c.client]) }},
		{catalog.MsgCmpTimeWaitServer, func(c *Costs) string { return strconv.Itoa(c.TimeWaitLeft[c.server]) }},
	}
	labelW := 0
	for _, r := range rows {
		labelW = max(labelW, width(m.Str(r.label)))
	}
	colW := make([]int, len(runs))
	for i, n := range names {
		colW[i] = width(n)
		for _, r := range rows {
			colW[i] = max(colW[i], width(r.cell(runs[i])))
		}
	}
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", labelW))
	for i, n := range names {
		fmt.Fprintf(&b, "   %*s", colW[i], n)
	}
	b.WriteByte('\n')
	for _, r := range rows {
		b.WriteString(m.Str(r.label))
		b.WriteString(strings.Repeat(" ", labelW-width(m.Str(r.label))))
		for i, c := range runs {
			fmt.Fprintf(&b, "   %*s", colW[i], r.cell(c))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
