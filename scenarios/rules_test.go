package scenarios

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// ruleLink offers packets to rules the way link.Link does: every rule's
// Match for every packet, in order; the first rule that matched and has
// drops left drops it.
type ruleLink struct {
	rules []link.Rule
	drops []int
}

func newRuleLink(t *testing.T, yaml string) *ruleLink {
	t.Helper()
	sc, err := Parse("rules.yaml", []byte(yaml))
	require.NoError(t, err)
	rules := sc.ClientToServer.Rules
	return &ruleLink{rules: rules, drops: make([]int, len(rules))}
}

// offer returns the Desc of the rule that drops p, or "" when none does.
func (l *ruleLink) offer(now sim.Time, seg wire.Segment) string {
	p := &trace.Packet{Seg: seg}
	picked := -1
	for i := range l.rules {
		r := &l.rules[i]
		if r.Match(now, p) && picked < 0 && (r.Times <= 0 || l.drops[i] < r.Times) {
			picked = i
		}
	}
	if picked < 0 {
		return ""
	}
	l.drops[picked]++
	return l.rules[picked].Desc
}

const clientISS = 100

func syn() wire.Segment { return wire.Segment{Seq: clientISS, Flags: wire.SYN} }
func ack() wire.Segment {
	return wire.Segment{Seq: clientISS + 1, Ack: 301, Flags: wire.ACK}
}

// data is the client's kth 1000-byte segment (k from 1).
func data(k int) wire.Segment {
	return wire.Segment{Seq: clientISS + 1 + wire.Seq(1000*(k-1)), Ack: 301, Flags: wire.ACK | wire.PSH, Len: 1000}
}

func fin(afterSegments int) wire.Segment {
	return wire.Segment{Seq: clientISS + 1 + wire.Seq(1000*afterSegments), Ack: 301, Flags: wire.FIN | wire.ACK}
}

func ms(n int) sim.Time { return sim.At(time.Duration(n) * time.Millisecond) }

func TestDataSegment_DropsOnlyTheFirstTransmission(t *testing.T) {
	l := newRuleLink(t, `drop: [{from: client, data_segment: 3}]`)
	assert.Equal(t, "", l.offer(0, syn()))
	assert.Equal(t, "", l.offer(ms(100), ack()))
	assert.Equal(t, "", l.offer(ms(100), data(1)))
	assert.Equal(t, "", l.offer(ms(100), data(2)))
	assert.Equal(t, "data_segment 3", l.offer(ms(100), data(3)))
	assert.Equal(t, "", l.offer(ms(100), data(4)))
	assert.Equal(t, "", l.offer(ms(300), data(3)), "the retransmission gets through: times defaults to 1")
	assert.Equal(t, "", l.offer(ms(300), data(5)))
}

func TestDataSegment_RetransmissionsOfEarlierSegmentsDoNotCount(t *testing.T) {
	l := newRuleLink(t, `drop: [{from: client, data_segment: 3, times: always}]`)
	l.offer(0, syn())
	l.offer(ms(100), data(1))
	l.offer(ms(100), data(2))
	assert.Equal(t, "", l.offer(ms(1100), data(1)), "a retransmission of segment 1 is not the 3rd distinct segment")
	assert.Equal(t, "", l.offer(ms(1100), data(2)))
	assert.Equal(t, "data_segment 3, times always", l.offer(ms(1200), data(3)))
	assert.Equal(t, "data_segment 3, times always", l.offer(ms(2200), data(3)))
	assert.Equal(t, "data_segment 3, times always", l.offer(ms(4200), data(3)))
	assert.Equal(t, "", l.offer(ms(4300), data(4)))
}

func TestDataSegment_Times2DropsTheFirstRetransmissionToo(t *testing.T) {
	l := newRuleLink(t, `drop: [{from: client, data_segment: 2, times: 2}]`)
	l.offer(0, syn())
	l.offer(ms(100), data(1))
	assert.Equal(t, "data_segment 2, times 2", l.offer(ms(100), data(2)))
	assert.Equal(t, "", l.offer(ms(100), data(3)))
	assert.Equal(t, "", l.offer(ms(150), ack()), "pure ACKs never match")
	assert.Equal(t, "data_segment 2, times 2", l.offer(ms(400), data(2)), "first retransmission")
	assert.Equal(t, "", l.offer(ms(1400), data(2)), "second retransmission")
}

func TestDataSegment_FINAndSYNAreNotData(t *testing.T) {
	l := newRuleLink(t, `drop: [{from: client, data_segment: 2}]`)
	l.offer(0, syn())
	l.offer(ms(1000), syn()) // a retransmitted SYN
	l.offer(ms(2000), data(1))
	assert.Equal(t, "", l.offer(ms(2000), fin(1)), "a FIN with no data is not a data segment")
	assert.Equal(t, "", l.offer(ms(3000), fin(1)))
}

func TestFlagsNth(t *testing.T) {
	l := newRuleLink(t, `drop: [{from: client, flags: SYN, nth: 2}]`)
	assert.Equal(t, "", l.offer(0, syn()))
	assert.Equal(t, "", l.offer(ms(10), ack()))
	assert.Equal(t, "flags SYN nth 2", l.offer(ms(1000), syn()))
	assert.Equal(t, "", l.offer(ms(3000), syn()))
}

func TestFlagsExactSet(t *testing.T) {
	l := newRuleLink(t, `drop: [{from: client, flags: "FIN,ACK", times: always}]`)
	assert.Equal(t, "", l.offer(0, syn()))
	assert.Equal(t, "", l.offer(0, data(1)), "PSH,ACK is not FIN,ACK")
	fp := fin(1)
	fp.Flags |= wire.PSH
	assert.Equal(t, "", l.offer(0, fp), "FIN,PSH,ACK is not exactly FIN,ACK")
	assert.Equal(t, "flags FIN,ACK, times always", l.offer(0, fin(1)))
	assert.Equal(t, "flags FIN,ACK, times always", l.offer(0, fin(1)))
}

func TestSegmentCountsPacketsAnotherRuleDrops(t *testing.T) {
	l := newRuleLink(t, `
drop:
  - {from: client, segment: 2}
  - {from: client, segment: 3}
  - {from: client, data_segment: 1}
`)
	assert.Equal(t, "", l.offer(0, syn()))
	assert.Equal(t, "segment 2", l.offer(ms(100), ack()))
	assert.Equal(t, "segment 3", l.offer(ms(100), data(1)), "the 3rd segment, counting the dropped 2nd; rule 3 matched too but rule 2 came first")
	assert.Equal(t, "data_segment 1", l.offer(ms(400), data(1)), "rule 3 still has its drop: the retransmission of data segment 1")
	assert.Equal(t, "", l.offer(ms(1400), data(1)))
}

func TestConjunctionCountsEveryPacket(t *testing.T) {
	// segment 4 AND flags ACK: both criteria see every packet, so "segment
	// 4" is the 4th packet even though packets 1 and 3 fail the flags test.
	l := newRuleLink(t, `drop: [{from: client, segment: 4, flags: ACK}]`)
	assert.Equal(t, "", l.offer(0, syn()))
	assert.Equal(t, "", l.offer(0, ack()))
	assert.Equal(t, "", l.offer(0, data(1)))
	assert.Equal(t, "segment 4 flags ACK", l.offer(0, ack()))
	assert.Equal(t, "", l.offer(0, ack()))
}

func TestSeqAndBetween(t *testing.T) {
	l := newRuleLink(t, `drop: [{from: client, seq: 1101, between: [1s, 2s], times: always}]`)
	assert.Equal(t, "", l.offer(ms(500), data(2)), "before the interval")
	assert.Equal(t, "seq 1101 between [1s, 2s), times always", l.offer(ms(1000), data(2)))
	assert.Equal(t, "", l.offer(ms(1500), wire.Segment{Seq: 1101, Flags: wire.ACK}), "an ACK carries seq 1101 but no sequence space")
	assert.Equal(t, "seq 1101 between [1s, 2s), times always", l.offer(ms(1999), data(2)))
	assert.Equal(t, "", l.offer(ms(2000), data(2)), "the interval is half-open")
}

func TestSegmentN_StopsCounting(t *testing.T) {
	c := segmentN(2)
	p := &trace.Packet{}
	var got []bool
	for range 5 {
		got = append(got, c(0, p))
	}
	assert.Equal(t, []bool{false, true, false, false, false}, got)
}

func TestDataSegment_SequenceWrap(t *testing.T) {
	c := dataSegmentN(2)
	iss := wire.Seq(0xFFFF_FF00)
	seg := func(seq wire.Seq, n uint32) *trace.Packet {
		return &trace.Packet{Seg: wire.Segment{Seq: seq, Flags: wire.ACK, Len: n}}
	}
	assert.False(t, c(0, &trace.Packet{Seg: wire.Segment{Seq: iss, Flags: wire.SYN}}))
	assert.False(t, c(0, seg(iss+1, 1000)))    // wraps past 2^32
	assert.True(t, c(0, seg(iss+1001, 1000)))  // the 2nd, at a wrapped seq
	assert.False(t, c(0, seg(iss+1, 1000)))    // a retransmission of the 1st
	assert.True(t, c(0, seg(iss+1001, 1000)))  // the 2nd again
	assert.False(t, c(0, seg(iss+2001, 1000))) // the 3rd
}

// A host is named in any case, in a drop rule's from as in an event
// (issue 12: from: Client was refused while crash: Client was taken).
func TestParse_HostNamesInAnyCase(t *testing.T) {
	sc, err := Parse("x.yaml", []byte("drop:\n  - {from: Client, segment: 1}\n  - {from: SERVER, segment: 2}\nevents: [{at: 1s, crash: Client}]\n"))
	require.NoError(t, err)
	require.Len(t, sc.ClientToServer.Rules, 1)
	assert.Equal(t, "segment 1", sc.ClientToServer.Rules[0].Desc)
	require.Len(t, sc.ServerToClient.Rules, 1)
	assert.Equal(t, "segment 2", sc.ServerToClient.Rules[0].Desc)
	assert.Equal(t, "client", sc.Events[0].Node)
}
