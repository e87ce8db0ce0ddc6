package ladder

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/internal/testtrace"
)

func summarize(recs []trace.Record) *Summary {
	s := NewSummary()
	for i := range recs {
		s.Record(&recs[i])
	}
	return s
}

func TestSummaryStats(t *testing.T) {
	got := summarize(synthetic()).Stats()
	want := Stats{
		End: ms(6000),
		Nodes: []NodeStats{
			{
				Name:          "client",
				Segments:      11, // SYN, ACK, 4 data, retransmission, FIN, ACK; 2 SYNs on conn 2
				DataSegments:  5,
				PayloadBytes:  5 * 1460,
				Retransmitted: 2, // the data segment and the second SYN of conn 2
				Dropped:       3,
				Drops: []DropCount{
					{Drop: trace.Drop{Code: trace.DropLinkDown}, Count: 2},
					{Drop: trace.Drop{Code: trace.DropRule, Rule: `rule "client data_segment 2, times 1"`}, Count: 1},
				},
				AppWritten: 5840,
				Conns: []ConnStats{
					{Conn: 1, State: trace.StateTimeWait, HasState: true},
					{Conn: 2, State: trace.StateClosed, HasState: true, Abort: trace.AbortTimedOut},
				},
			},
			{
				Name:     "server",
				Segments: 7, // SYN,ACK, 4 ACKs (two dup), ACK and FIN,ACK of the teardown
				DupACKs:  2,
				Dropped:  1,
				Drops:    []DropCount{{Drop: trace.Drop{Code: trace.DropRandomLoss}, Count: 1}},
				AppRead:  5840,
				LastRead: 1250 * sim.Time(time.Millisecond),
				Conns:    []ConnStats{{Conn: 1, State: trace.StateClosed, HasState: true}},
			},
		},
	}
	assert.Equal(t, want, got)
}

func TestSummaryEndWithoutEndRecord(t *testing.T) {
	recs := synthetic()
	recs = recs[:len(recs)-1] // no end record: the last record's time
	assert.Equal(t, ms(5000), summarize(recs).Stats().End)
}

func TestSummaryGolden(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, summarize(synthetic()).Write(&out))
	golden(t, "summary.golden", out.String())
	checkWidth(t, out.String(), DefaultWidth)

	// One connection per node: a single final-state row.
	out.Reset()
	recs := synthetic()
	var conn1 []trace.Record
	for _, r := range recs {
		if r.Conn <= 1 && r.Kind != trace.KindLink {
			conn1 = append(conn1, r)
		}
	}
	require.NoError(t, summarize(conn1).Write(&out))
	golden(t, "summary_one_conn.golden", out.String())
}

func TestSummaryEmpty(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, NewSummary().Write(&out))
	assert.Equal(t, "summary (simulated time 0.000 s)\n", out.String())
}

func TestSummaryWriteError(t *testing.T) {
	assert.ErrorIs(t, summarize(synthetic()).Write(testtrace.FailWriter{}), testtrace.ErrDiskFull)
}

// A host that crashes or reboots takes its open connections with it: the
// final state says so rather than the state they were in, in every
// language; a connection closed before stays CLOSED, and one that changes
// state after it shows that state.
func TestSummaryFinalStateAfterCrashAndReboot(t *testing.T) {
	host := func(b *testtrace.Builder, t sim.Time, node string, op trace.HostOp) {
		b.Add(trace.Record{T: t, Kind: trace.KindHost, Node: node, Host: op})
	}
	established := func() *testtrace.Builder {
		b := testtrace.NewBuilder()
		b.Add(trace.Record{Kind: trace.KindNode, Node: "client"})
		b.Add(trace.Record{Kind: trace.KindNode, Node: "server"})
		b.State(0, "server", 1, "CLOSED", "LISTEN")
		b.State(0, "client", 1, "CLOSED", "SYN-SENT")
		b.State(ms(50), "server", 1, "LISTEN", "SYN-RECEIVED")
		b.State(ms(100), "client", 1, "SYN-SENT", "ESTABLISHED")
		return b
	}
	finalStates := func(recs []trace.Record, lang catalog.Lang) string {
		var out bytes.Buffer
		require.NoError(t, summarize(recs).WriteLang(&out, lang))
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.Contains(line, lang.Phrases().Str(catalog.MsgSumFinalState)) {
				return strings.Join(strings.Fields(line), " ")
			}
		}
		return ""
	}

	b := established()
	host(b, ms(120), "server", trace.HostCrash) // in SYN-RECEIVED
	assert.Equal(t, "final state ESTABLISHED crashed", finalStates(b.Recs, catalog.English))
	assert.Equal(t, "trạng thái cuối ESTABLISHED máy bị sập", finalStates(b.Recs, catalog.Vietnamese))
	assert.Equal(t, trace.HostCrash, summarize(b.Recs).Stats().Nodes[1].Conns[0].Host)

	b = established()
	b.State(ms(150), "server", 1, "SYN-RECEIVED", "ESTABLISHED")
	host(b, ms(200), "server", trace.HostReboot)
	assert.Equal(t, "final state ESTABLISHED lost in reboot", finalStates(b.Recs, catalog.English))
	assert.Equal(t, "trạng thái cuối ESTABLISHED mất khi khởi động lại", finalStates(b.Recs, catalog.Vietnamese))

	// A crash, then a reboot: the reboot is the last word.
	host(b, ms(300), "server", trace.HostCrash)
	host(b, ms(400), "server", trace.HostReboot)
	assert.Equal(t, "final state ESTABLISHED lost in reboot", finalStates(b.Recs, catalog.English))

	// Closed before the crash: CLOSED. A state after it: that state.
	b = established()
	b.State(ms(150), "server", 1, "SYN-RECEIVED", "CLOSED")
	host(b, ms(200), "server", trace.HostCrash)
	host(b, ms(200), "client", trace.HostReboot)
	b.State(ms(300), "client", 1, "ESTABLISHED", "CLOSED")
	assert.Equal(t, "final state CLOSED CLOSED", finalStates(b.Recs, catalog.English))
}
