package textdiagram

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
)

// referenceDiagram builds the diagram as it was built from the whole
// trace, the window's segment limit counted over every record: the oracle
// the Collector is held to.
func referenceDiagram(recs []trace.Record, opt Options) *seqDiagram {
	limit := opt.MaxSegments
	if limit == 0 {
		limit = DefaultSegments
	}
	cut, more, n := -1, 0, 0
	for i := range recs {
		r := &recs[i]
		if r.T < opt.From || opt.To != 0 && r.T > opt.To || r.Kind != trace.KindSend {
			continue
		}
		if n++; limit > 0 && n == limit+1 {
			cut = i
		}
		if cut >= 0 {
			more++
		}
	}
	return buildSeqDiagram(recs, cut, more, &opt)
}

// A Collector keeps only the window and what it needs from around it, and
// writes exactly what the whole trace gave: every built-in scenario in both
// profiles, windows that start after the SYNs (relative numbers), and
// segment limits.
func TestCollector_WritesAsTheWholeTrace(t *testing.T) {
	for _, name := range []string{"handshake", "lost-segment", "syn-lost", "zero-window", "keepalive-dead-peer",
		"keepalive-reboot", "link-outage", "failover", "nagle-delayed-ack",
		"http-keepalive", "http-browser", "http-pipelining"} { // the last: messages on arrows, connections in colours
		for _, profile := range []string{"rfc", "linux"} {
			s, err := scenarios.LoadWith(name, scenarios.Options{Profile: profile})
			require.NoError(t, err)
			var log trace.Log
			_, err = scenarios.Run(s, &log)
			require.NoError(t, err)
			recs := log.Records
			end := recs[len(recs)-1].T
			at := func(f float64) sim.Time { return sim.Time(float64(end) * f) }
			for _, opt := range []Options{
				{},
				{From: at(0.2), To: at(0.6), SeqNumbers: catalog.SeqRelative},
				{From: at(0.5), SeqNumbers: catalog.SeqRelative},
				{To: at(0.3), MaxSegments: 4},
				{From: at(0.1), MaxSegments: 3, SeqNumbers: catalog.SeqRelative},
				{From: end + 1},
			} {
				t.Run(fmt.Sprintf("%s/%s/%v-%v/%d", name, profile, opt.From, opt.To, opt.MaxSegments), func(t *testing.T) {
					c := NewCollector(opt)
					for i := range recs {
						c.Record(&recs[i])
					}
					want := referenceDiagram(recs, opt)
					got, err := c.build()
					require.NoError(t, err)
					assert.Equal(t, want, got)
					var m, p bytes.Buffer
					require.NoError(t, c.WriteMermaid(&m))
					require.NoError(t, c.WritePlantUML(&p))
					if opt.From > 0 || opt.To > 0 {
						assert.Less(t, len(c.win.Records()), len(recs), "a window keeps less than the run")
					}
				})
			}
		}
	}
}
