package scenarios

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
)

// synGiveUp runs a client whose every SYN is lost under profile and returns
// when each SYN went and when the client gave up, in whole seconds.
func synGiveUp(t *testing.T, profile string) (sent []int, abort int) {
	t.Helper()
	s, err := Parse("x.yaml", []byte("profile: "+profile+"\nclient: {send: 1}\ndrop: [{from: client, flags: SYN, times: always}]\n"))
	require.NoError(t, err)
	abort = -1
	_, err = Run(s, trace.SinkFunc(func(r *trace.Record) {
		switch {
		case r.Kind == trace.KindSend && r.Node == "client":
			sent = append(sent, int(time.Duration(r.T)/time.Second))
		case r.Kind == trace.KindAbort && r.Node == "client":
			abort = int(time.Duration(r.T) / time.Second)
		}
	}))
	require.NoError(t, err)
	require.GreaterOrEqual(t, abort, 0, "the client never gave up")
	return sent, abort
}

// The doc's syn_retries row says when the profiles give up on a SYN, as
// measured (issue 12: it said 127 s where the rfc profile gives up at
// 123 s).
func TestSynRetriesDocMatchesTheRun(t *testing.T) {
	var row keyDoc
	for _, r := range endpointTable.docs("") {
		if r.name == "syn_retries" {
			row = r
		}
	}
	rfcSent, rfcAbort := synGiveUp(t, "rfc")
	_, linuxAbort := synGiveUp(t, "linux")
	times := make([]string, len(rfcSent))
	for i, s := range rfcSent {
		times[i] = fmt.Sprint(s)
	}
	want := fmt.Sprintf("the SYNs go at %s and %s s and the attempt is abandoned at %d s", strings.Join(times[:len(times)-1], ", "), times[len(times)-1], rfcAbort)
	assert.Contains(t, row.doc, want)
	assert.Contains(t, row.doc, fmt.Sprintf("(`linux`: %d s", linuxAbort))
	assert.GreaterOrEqual(t, rfcAbort, 180, "RFC 1122 §4.2.3.5: at least 3 minutes")
	assert.Contains(t, row.doc, "meeting the 3 minutes RFC 1122 §4.2.3.5 requires")
}
