package scenarios

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/trace"
)

// The link faults of the scenario format: burst loss, reordering by
// probability, duplication, corruption, and rules that delay or duplicate
// a named segment.
func TestParse_LinkFaults(t *testing.T) {
	s, err := Parse("faults.yaml", []byte(`link: {burst: {p: 2%, r: 30%}, reorder_probability: 5%, reorder_delay: 15ms, duplicate: 1%, corrupt: 0.5%}
links: {server_to_client: {corrupt: 0}}
client: {send: 10KiB}
delay_segments: [{from: client, data_segment: 2, by: 30ms}]
duplicate_segments: [{from: server, flags: ACK, nth: 3}]
`))
	require.NoError(t, err)
	c := s.ClientToServer
	require.NotNil(t, c.Burst)
	assert.Equal(t, link.GilbertElliott{P: 0.02, R: 0.3, LossBad: 1}, *c.Burst)
	assert.Equal(t, 0.05, c.ReorderProb)
	assert.Equal(t, 15*time.Millisecond, c.ReorderDelay)
	assert.Equal(t, 0.01, c.Duplicate)
	assert.Equal(t, 0.005, c.Corrupt)
	assert.Zero(t, s.ServerToClient.Corrupt, "a direction overrides the link")
	require.Len(t, c.Rules, 1)
	assert.Equal(t, link.ActionDelay, c.Rules[0].Action)
	assert.Equal(t, 30*time.Millisecond, c.Rules[0].Delay)
	assert.Equal(t, "data_segment 2, by 30ms", c.Rules[0].Desc)
	require.Len(t, s.ServerToClient.Rules, 1)
	assert.Equal(t, link.ActionDuplicate, s.ServerToClient.Rules[0].Action)
	require.NoError(t, c.Validate())
}

// A delayed segment arrives after the one sent behind it; a duplicated
// one arrives twice (the copy labelled as the network's); every byte still
// arrives once.
func TestRun_DelayAndDuplicateRules(t *testing.T) {
	s, err := Parse("rules.yaml", []byte(`link: {delay: 10ms}
client: {isn: 100, send: 5000}
server: {isn: 300}
delay_segments: [{from: client, data_segment: 2, by: 30ms}]
duplicate_segments: [{from: client, data_segment: 3}]
`))
	require.NoError(t, err)
	var delivered []uint32
	copies := 0
	c := newStreamCheck()
	_, err = Run(s, trace.Tee(c, trace.SinkFunc(func(r *trace.Record) {
		if r.Kind == trace.KindDeliver && r.Node == "client" && r.Pkt.Seg.Len > 0 {
			delivered = append(delivered, uint32(r.Pkt.Seg.Seq))
		}
		if r.Kind == trace.KindSend && r.Pkt.Labels.Has(trace.LabelNetworkDuplicate) {
			copies++
		}
	})))
	require.NoError(t, err)
	assert.Equal(t, 1, copies)
	require.GreaterOrEqual(t, len(delivered), 4)
	assert.Equal(t, []uint32{101, 3021, 3021}, delivered[:3], "segment 2 (1561) overtaken by 3 (3021), which arrives twice")
	assert.Equal(t, int64(5000), c.read["server"])
}
