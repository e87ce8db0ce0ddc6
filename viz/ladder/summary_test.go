package ladder

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
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
