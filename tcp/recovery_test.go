package tcp

// Loss recovery (recovery.go, sack.go): the strategy is chosen once, when
// the handshake settles whether SACK is in use (RFC 2018 §2: only when both
// sides offered SACK-permitted); NewReno resends one hole per partial ACK
// (RFC 6582 §3.2 (3)), the SACK scoreboard the next hole with each further
// duplicate ACK (RFC 6675 NextSeg) and never what the peer holds.

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

func TestRecovery_ChosenOnceWhenTheHandshakeSettlesSACK(t *testing.T) {
	for _, tt := range []struct {
		name       string
		ours, peer bool
		want       string
	}{
		{"neither offers SACK", false, false, "newreno"},
		{"only we offer it", true, false, "newreno"},
		{"only the peer offers it", false, true, "newreno"},
		{"both offer it", true, true, "sack"},
	} {
		t.Run(tt.name+", active open", func(t *testing.T) {
			cfg := testConfig()
			cfg.SACK = tt.ours
			h := newSynSent(t, cfg)
			assert.Nil(t, h.conn.lr, "no strategy before the peer's SYN")
			h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460, sackOK: tt.peer})
			require.NotNil(t, h.conn.lr)
			assert.Equal(t, tt.want, h.conn.lr.name())
			lr := h.conn.lr
			h.write(ms(100), 100)
			h.send(ms(150), seg{seq: remoteISS + 1, ack: localISS + 101, flags: ack, sackOK: tt.peer})
			assert.Same(t, lr, h.conn.lr, "chosen once")
		})
		t.Run(tt.name+", passive open", func(t *testing.T) {
			cfg := testConfig()
			cfg.SACK = tt.ours
			h := newHarness(t, cfg)
			h.host.Listen(0, localAddr.Port())
			h.send(ms(10), seg{seq: remoteISS, flags: wire.SYN, mss: 1460, sackOK: tt.peer})
			require.Len(t, h.host.Conns(), 1)
			c := h.host.Conns()[0]
			require.NotNil(t, c.lr)
			assert.Equal(t, tt.want, c.lr.name())
		})
	}
}

// TestRecovery_NextHoleWithEachDuplicateACK: of six segments, 1 and 3 are
// lost. The third duplicate ACK starts fast retransmit of segment 1 with
// either strategy. With SACK the fourth, which shows segment 3 is a hole
// below SACKed data, lets it go at once, and the partial ACK that follows
// has nothing more to send; NewReno waits for that partial ACK to resend
// segment 3, one hole per round trip.
func TestRecovery_NextHoleWithEachDuplicateACK(t *testing.T) {
	for _, tt := range []struct {
		name   string
		sack   bool
		onDup4 bool // segment 3 goes on the fourth duplicate (else on the partial ACK)
	}{
		{"newreno", false, false},
		{"sack", true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.SACK = tt.sack
			cfg.InitialWindow = 10
			h := newSynSent(t, cfg)
			h.send(ms(50), seg{seq: remoteISS, ack: localISS + 1, flags: synAck, mss: 1460, sackOK: tt.sack})
			h.expect(ms(50), seg{seq: localISS + 1, ack: remoteISS + 1, flags: ack})
			require.Equal(t, tt.name, h.conn.lr.name())

			const mss = 1460
			start := func(i int) wire.Seq { return 101 + wire.Seq((i-1)*mss) } // segment i, from 1
			data := func(i int) seg { return seg{seq: start(i), ack: 301, flags: ack, len: mss} }
			h.write(ms(100), 6*mss)
			sent := []seg{data(1), data(2), data(3), data(4), data(5), data(6)}
			sent[5].flags = psh
			h.expect(ms(100), sent...)

			// Segments 2, 4, 5 and 6 arrive: four duplicate ACKs of 101,
			// each SACKing what the peer holds (the newest block first).
			dup := func(at int64, blocks ...wire.SACKBlock) {
				s := seg{seq: 301, ack: 101, flags: ack}
				if tt.sack {
					s.sack = blocks
				}
				h.send(ms(at), s)
			}
			two := wire.SACKBlock{Left: start(2), Right: start(3)}
			dup(150, two)
			dup(151, wire.SACKBlock{Left: start(4), Right: start(5)}, two)
			h.expectNothing(ms(151))
			dup(152, wire.SACKBlock{Left: start(4), Right: start(6)}, two)
			first := data(1)
			first.labels = trace.LabelRetransmission | trace.LabelFastRetransmission
			h.expect(ms(152), first) // RFC 5681 §3.2 (2): the third
			assert.True(t, h.recovery().recovering)
			dup(153, wire.SACKBlock{Left: start(4), Right: start(7)}, two)
			hole := data(3)
			hole.labels = trace.LabelRetransmission | trace.LabelFastRetransmission
			if tt.onDup4 {
				h.expect(ms(153), hole)
			} else {
				h.expectNothing(ms(153))
			}

			// Segment 1's retransmission arrives: a partial ACK up to
			// segment 3 (RFC 6582 §3.2 (3)).
			partial := seg{seq: 301, ack: start(3), flags: ack}
			if tt.sack {
				partial.sack = []wire.SACKBlock{{Left: start(4), Right: start(7)}}
			}
			h.send(ms(202), partial)
			if tt.onDup4 {
				h.expectNothing(ms(202))
			} else {
				h.expect(ms(202), hole)
			}
			assert.True(t, h.recovery().recovering, "a partial ACK does not end recovery")
			// Segment 3's retransmission arrives: a full ACK ends recovery.
			h.send(ms(250), seg{seq: 301, ack: start(7), flags: ack})
			assert.False(t, h.recovery().recovering)
			h.expectNothing(ms(60_000))
		})
	}
}
