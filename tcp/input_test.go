package tcp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/wire"
)

// TestHeaderPrediction_AgreesWithTheGeneralPath gives the same ACK to two
// connections brought to the same state: processACK on one (its short path
// when ackPredicted accepts the ACK), processAnyACK, the general path, on
// the other. Both must leave the connections alike and write the same
// trace.
func TestHeaderPrediction_AgreesWithTheGeneralPath(t *testing.T) {
	const mss = 1460
	inFlight := func(t *testing.T, pol ...policy) *harness {
		h := newEstablishedCfg(t, testConfig(), pol...)
		h.write(ms(100), 3*mss) // the initial window's
		h.expect(ms(100), seg{seq: 101, ack: 301, flags: ack, len: mss}, seg{seq: 101 + mss, ack: 301, flags: ack, len: mss},
			seg{seq: 101 + 2*mss, ack: 301, flags: psh, len: mss})
		return h
	}
	idle := func(t *testing.T, pol ...policy) *harness {
		h := newEstablishedCfg(t, testConfig(), pol...)
		h.write(ms(100), 100)
		h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 100})
		h.send(ms(150), seg{seq: 301, ack: 201, flags: ack})
		return h
	}
	stalled := func(t *testing.T, pol ...policy) *harness { return newZeroWindow(t, testConfig(), pol...) }
	sackInFlight := func(t *testing.T, _ ...policy) *harness {
		h := newLinuxEstablished(t, linuxConfig(t), true, true).harness
		h.write(ms(100), 4*tsMSS)
		require.Len(t, h.out, 4)
		h.out = nil
		return h
	}
	linuxPersist := mixedPolicy{linuxPersist: true}
	peer := func(seq, ack wire.Seq, win uint16, n uint32) wire.Segment {
		return wire.Segment{Src: remoteAddr, Dst: localAddr, Seq: seq, Ack: ack, Flags: wire.ACK, Window: win, Len: n}
	}
	for _, tt := range []struct {
		name      string
		setup     func(t *testing.T, pol ...policy) *harness
		pol       []policy
		seg       wire.Segment
		predicted bool
	}{
		{"new data acknowledged", inFlight, nil, peer(301, 101+mss, 65535, 0), true},
		{"all in flight acknowledged", inFlight, nil, peer(301, 101+3*mss, 65535, 0), true},
		{"data, nothing in flight", idle, nil, peer(301, 201, 65535, 100), true},
		{"zero window held, rfc persist", stalled, nil, peer(301, 201, 0, 0), true},
		{"zero window held, linux persist", stalled, []policy{linuxPersist}, peer(301, 201, 0, 0), true},
		{"window opens", stalled, []policy{linuxPersist}, peer(301, 201, 1000, 0), false},
		{"window grows with new data acknowledged", inFlight, nil, peer(301, 101+mss, 65000, 0), false},
		{"duplicate ACK", inFlight, nil, peer(301, 101, 65535, 0), false},
		{"ACK of what was not sent", inFlight, nil, peer(301, 101+4*mss, 65535, 0), false},
		{"old ACK", idle, nil, peer(301, 101, 65535, 100), false},
		{"SACK agreed, new data acknowledged", sackInFlight, nil, peer(301, 101+tsMSS, 65535, 0), true},
		{"SACK blocks", sackInFlight, nil, sackOf(peer(301, 101, 65535, 0), 101+tsMSS, 101+2*tsMSS), false},
		{"SACK blocks with new data acknowledged", sackInFlight, nil, sackOf(peer(301, 101+tsMSS, 65535, 0), 101+2*tsMSS, 101+3*tsMSS), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fast, general := tt.setup(t, tt.pol...), tt.setup(t, tt.pol...)
			now := ms(200)
			fast.advance(now)
			general.advance(now)
			require.Equal(t, general.log.Records, fast.log.Records, "the two connections differ before the ACK")
			s := tt.seg
			assert.Equal(t, tt.predicted, fast.conn.ackPredicted(&s))

			okFast := fast.conn.processACK(now, &s)
			okGeneral := general.conn.processAnyACK(now, &tt.seg)
			assert.Equal(t, okGeneral, okFast)
			assert.Equal(t, general.conn.sender, fast.conn.sender)
			assert.Equal(t, general.conn.receiver, fast.conn.receiver)
			assert.Equal(t, general.conn.timers, fast.conn.timers)
			assert.Equal(t, general.conn.labeler, fast.conn.labeler)
			assert.Equal(t, events(general.host.Notices()), events(fast.host.Notices()))
			assert.Equal(t, general.log.Records, fast.log.Records)
		})
	}
}

// events returns the events of notices.
func events(ns []Notice) []Event {
	var evs []Event
	for _, n := range ns {
		evs = append(evs, n.Event)
	}
	return evs
}

// sackOf returns s carrying the SACK block [left, right).
func sackOf(s wire.Segment, left, right wire.Seq) wire.Segment {
	s.Opt.SACK[0], s.Opt.NumSACK = wire.SACKBlock{Left: left, Right: right}, 1
	return s
}
