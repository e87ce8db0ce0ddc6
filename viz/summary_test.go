package viz

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
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
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Stats() =\n%+v\nwant\n%+v", got, want)
	}
}

func TestSummaryEndWithoutEndRecord(t *testing.T) {
	recs := synthetic()
	recs = recs[:len(recs)-1] // no end record: the last record's time
	if got := summarize(recs).Stats().End; got != ms(5000) {
		t.Errorf("End = %v, want 5.000s", got)
	}
}

func TestSummaryGolden(t *testing.T) {
	var out bytes.Buffer
	if err := summarize(synthetic()).Write(&out); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden", out.String())
	checkWidth(t, out.String(), DefaultLadderWidth)

	// One connection per node: a single final-state row.
	out.Reset()
	recs := synthetic()
	var conn1 []trace.Record
	for _, r := range recs {
		if r.Conn <= 1 && r.Kind != trace.KindLink {
			conn1 = append(conn1, r)
		}
	}
	if err := summarize(conn1).Write(&out); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary_one_conn.golden", out.String())
}

func TestSummaryEmpty(t *testing.T) {
	var out bytes.Buffer
	if err := NewSummary().Write(&out); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "summary (simulated time 0.000 s)\n"; got != want {
		t.Errorf("empty summary = %q, want %q", got, want)
	}
}

func TestSummaryWriteError(t *testing.T) {
	if err := summarize(synthetic()).Write(failWriter{}); err == nil {
		t.Error("Write to a failing writer returned nil")
	}
}
