package scenarios

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// serverSends returns the server's segments that carry label l.
func (r lessonRun) serverSends(l trace.Label) []trace.Record {
	var out []trace.Record
	for _, rec := range r {
		if rec.Kind == trace.KindSend && rec.Node == "server" && rec.Pkt.Labels.Has(l) {
			out = append(out, rec)
		}
	}
	return out
}

// sack: with SACK, all four holes go again within one round trip (50 ms)
// of the first fast retransmission, nothing SACKed is sent twice and no
// timer fires; without it, NewReno needs a round trip per hole.
func TestBuiltins_SACKLesson(t *testing.T) {
	const rtt = 50 * time.Millisecond
	for _, profile := range tcp.Profiles {
		r := runLessonWith(t, "sack", profile)
		fast := r.clientSends(trace.LabelFastRetransmission)
		require.Len(t, fast, 4, "%s: one retransmission per hole", profile)
		assert.Len(t, r.clientSends(trace.LabelRetransmission), 4, "%s: no SACKed segment resent", profile)
		assert.Empty(t, r.times(rtoFired), profile)
		assert.Empty(t, r.clientSends(trace.LabelSpuriousRetransmission), profile)
		assert.Less(t, time.Duration(fast[3].T-fast[0].T), rtt/4, "%s: all holes in a few milliseconds", profile)
		seqs := map[uint32]bool{}
		for _, f := range fast {
			seqs[uint32(f.Pkt.Seg.Seq)] = true
		}
		assert.Len(t, seqs, 4, "%s: four different holes", profile)
		require.Len(t, r.times(finFrom("server")), 1, "%s: the transfer completes", profile)
	}
	sack := runLessonWith(t, "sack", "rfc")
	newreno := runLessonWith(t, "sack", "rfc", "client.sack=false")
	fast := newreno.clientSends(trace.LabelFastRetransmission)
	require.Len(t, fast, 4, "newreno: one per partial ACK")
	assert.Empty(t, newreno.times(rtoFired))
	for i := 1; i < len(fast); i++ {
		assert.Greater(t, time.Duration(fast[i].T-fast[i-1].T), rtt, "newreno: a round trip per hole")
	}
	assert.Greater(t, newreno.times(finFrom("server"))[0], sack.times(finFrom("server"))[0]+rtt, "newreno ends later")
}

// reordering: nothing is lost, yet the duplicate ACKs of the overtaken
// segment bring a fast retransmission, which is labelled spurious, and
// its arrival an ACK of a duplicate.
func TestBuiltins_ReorderingLesson(t *testing.T) {
	for _, profile := range tcp.Profiles {
		r := runLessonWith(t, "reordering", profile)
		assert.Empty(t, r.times(func(rec *trace.Record) bool { return rec.Kind == trace.KindDrop }), "%s: no loss", profile)
		assert.GreaterOrEqual(t, len(r.serverSends(trace.LabelDupACK)), 3, "%s: duplicate ACKs", profile)
		rexmit := r.clientSends(trace.LabelRetransmission)
		require.Len(t, rexmit, 1, "%s: one retransmission", profile)
		assert.True(t, rexmit[0].Pkt.Labels.Has(trace.LabelFastRetransmission|trace.LabelSpuriousRetransmission),
			"%s: a spurious fast retransmission: %v", profile, rexmit[0].Pkt.Labels)
		assert.Len(t, r.serverSends(trace.LabelACKOfDuplicate), 1, "%s: its arrival answered as a duplicate", profile)
		assert.Len(t, r.cuts(), 1, "%s: the window was cut once, for nothing", profile)
	}
	// Without SACK, NewReno's partial ACKs bring more retransmissions, of
	// data that was not lost either: several already held by the receiver.
	r := runLessonWith(t, "reordering", "rfc", "client.sack=false")
	assert.Greater(t, len(r.clientSends(trace.LabelRetransmission)), 1)
	assert.GreaterOrEqual(t, len(r.clientSends(trace.LabelSpuriousRetransmission)), 2)
	assert.Empty(t, r.times(func(rec *trace.Record) bool { return rec.Kind == trace.KindDrop }))
}
