package tcp

// RFC 6298 §2 (the estimator: SRTT, RTTVAR, RTO, G, the 1 s floor and the
// maximum), §3 (Karn's algorithm) and §5 (5.5) (backing off).

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tcpsim/tcpsim/trace"
)

func TestRTT_Estimator(t *testing.T) {
	const (
		us  = time.Microsecond
		msd = time.Millisecond
		s   = time.Second
	)
	tests := []struct {
		name             string
		min, max         time.Duration
		samples          []time.Duration
		srtt, rttvar, rt time.Duration
	}{
		// (2.1): before any sample RTO is the initial 1 s.
		{name: "no sample", min: s, max: 60 * s, rt: s},
		// (2.2): SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4·RTTVAR) = 100 + 200 ms.
		{name: "first sample", max: 60 * s, samples: []time.Duration{100 * msd},
			srtt: 100 * msd, rttvar: 50 * msd, rt: 300 * msd},
		// (2.4): under 1 s, RTO is rounded up to 1 s.
		{name: "first sample floored", min: s, max: 60 * s, samples: []time.Duration{100 * msd},
			srtt: 100 * msd, rttvar: 50 * msd, rt: s},
		// (2.3): RTTVAR = 3/4·50 + 1/4·|100−200| = 62.5 ms, using SRTT before
		// its own update; SRTT = 7/8·100 + 1/8·200 = 112.5 ms;
		// RTO = 112.5 + 4·62.5 = 362.5 ms.
		{name: "second sample", max: 60 * s, samples: []time.Duration{100 * msd, 200 * msd},
			srtt: 112500 * us, rttvar: 62500 * us, rt: 362500 * us},
		// Third: RTTVAR = 3/4·62.5 + 1/4·|112.5−50| = 62.5 ms;
		// SRTT = 7/8·112.5 + 1/8·50 = 104.6875 ms; RTO = 104.6875 + 250 ms.
		{name: "third sample", max: 60 * s, samples: []time.Duration{100 * msd, 200 * msd, 50 * msd},
			srtt: 104687500, rttvar: 62500 * us, rt: 354687500},
		// A steady RTT: RTTVAR decays by 3/4 a sample: 37.5 ms; RTO = 100 + 150 ms.
		{name: "steady", max: 60 * s, samples: []time.Duration{100 * msd, 100 * msd},
			srtt: 100 * msd, rttvar: 37500 * us, rt: 250 * msd},
		// G: 4·RTTVAR = 200 µs is under the 1 ms clock granularity, so
		// RTO = SRTT + G = 100 µs + 1 ms.
		{name: "granularity", max: 60 * s, samples: []time.Duration{100 * us},
			srtt: 100 * us, rttvar: 50 * us, rt: 1100 * us},
		// (2.5): 30 s + 4·15 s = 90 s is capped at the 60 s maximum.
		{name: "capped", min: s, max: 60 * s, samples: []time.Duration{30 * s},
			srtt: 30 * s, rttvar: 15 * s, rt: 60 * s},
		// Above the floor the estimate stands: 500 ms + 4·250 ms = 1.5 s.
		{name: "above the floor", min: s, max: 60 * s, samples: []time.Duration{500 * msd},
			srtt: 500 * msd, rttvar: 250 * msd, rt: 1500 * msd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newRTTEstimator(time.Second, tt.min, tt.max, rfcPolicy{})
			for _, r := range tt.samples {
				e.sample(r)
			}
			assert.Equal(t, tt.srtt, e.srtt, "SRTT")
			assert.Equal(t, tt.rttvar, e.rttvar, "RTTVAR")
			assert.Equal(t, tt.rt, e.rto, "RTO")
			assert.Equal(t, tt.rt, e.backedOff(0), "RTO without backoff")
		})
	}
}

func TestRTT_InitialAboveMaximumIsCapped(t *testing.T) {
	e := newRTTEstimator(120*time.Second, time.Second, 60*time.Second, rfcPolicy{})
	assert.Equal(t, 60*time.Second, e.backedOff(0))
}

func TestRTT_BackedOff(t *testing.T) {
	const s = time.Second
	tests := []struct {
		rto  time.Duration
		n    int
		want time.Duration
	}{
		// (5.5): RTO·2ⁿ, with (2.5)'s 60 s maximum bounding the doubling.
		{s, 0, s},
		{s, 1, 2 * s},
		{s, 2, 4 * s},
		{s, 5, 32 * s},
		{s, 6, 60 * s}, // 64 s capped
		{s, 7, 60 * s},
		{s, 100, 60 * s}, // no overflow however many expiries
		{3 * s, 1, 6 * s},
		{3 * s, 4, 48 * s},
		{3 * s, 5, 60 * s}, // 96 s capped
		{45 * s, 1, 60 * s},
		{60 * s, 1, 60 * s},
	}
	for _, tt := range tests {
		e := newRTTEstimator(tt.rto, 0, 60*s, rfcPolicy{})
		assert.Equal(t, tt.want, e.backedOff(tt.n), "RTO %v backed off %d times", tt.rto, tt.n)
	}
}

// rtoConfig has a 200 ms floor (Linux's TCP_RTO_MIN) so that the estimate
// itself, not the 1 s floor, shows in the timings.
func rtoConfig() Config {
	cfg := testConfig()
	cfg.RTOMin = 200 * time.Millisecond
	return cfg
}

func TestRTT_HandshakeSampleSetsRTO(t *testing.T) {
	h := newEstablishedCfg(t, rtoConfig())
	// The SYN's RTT, 50 ms: SRTT 50, RTTVAR 25, RTO = 50 + 100 = 150 ms,
	// raised to the 200 ms floor.
	h.write(ms(100), 10)
	data := seg{seq: localISS + 1, ack: remoteISS + 1, flags: psh, len: 10}
	h.expect(ms(100), data)
	h.expectNothing(ms(299))
	data.labels = trace.LabelRetransmission
	h.expect(ms(300), data)
	h.expect(ms(700), data) // (5.5): backed off to 400 ms
}

func TestRTT_KarnKeepsBackoffUntilValidSample(t *testing.T) {
	h := newEstablishedCfg(t, rtoConfig())
	h.write(ms(100), 10)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 10})
	h.expect(ms(300), seg{seq: 101, ack: 301, flags: psh, len: 10, labels: trace.LabelRetransmission})
	// The ACK of a retransmitted segment is ambiguous: no sample (Karn, RFC
	// 6298 §3), so the backed-off 400 ms RTO stays for the next data.
	h.send(ms(350), seg{seq: 301, ack: 111, flags: ack})
	h.write(ms(400), 10)
	h.expect(ms(400), seg{seq: 111, ack: 301, flags: psh, len: 10})
	h.expectNothing(ms(799))
	h.expect(ms(800), seg{seq: 111, ack: 301, flags: psh, len: 10, labels: trace.LabelRetransmission})
}

func TestRTT_ValidSampleCollapsesBackoff(t *testing.T) {
	h := newEstablishedCfg(t, rtoConfig())
	h.write(ms(100), 10)
	h.expect(ms(100), seg{seq: 101, ack: 301, flags: psh, len: 10})
	h.expect(ms(300), seg{seq: 101, ack: 301, flags: psh, len: 10, labels: trace.LabelRetransmission})
	h.send(ms(350), seg{seq: 301, ack: 111, flags: ack})
	h.write(ms(400), 10)
	h.expect(ms(400), seg{seq: 111, ack: 301, flags: psh, len: 10})
	// Acknowledged after 100 ms, never retransmitted: a valid sample.
	// RTTVAR = 3/4·25 + 1/4·|50−100| = 31.25 ms, SRTT = 7/8·50 + 1/8·100 =
	// 56.25 ms, RTO = 56.25 + 125 = 181.25 ms → the 200 ms floor, and the
	// backoff collapses (RFC 6298 §5, note after (5.7)).
	h.send(ms(500), seg{seq: 301, ack: 121, flags: ack})
	assert.Equal(t, 56250*time.Microsecond, h.conn.rtt.srtt)
	assert.Equal(t, 31250*time.Microsecond, h.conn.rtt.rttvar)
	h.write(ms(600), 10)
	h.expect(ms(600), seg{seq: 121, ack: 301, flags: psh, len: 10})
	h.expectNothing(ms(799))
	h.expect(ms(800), seg{seq: 121, ack: 301, flags: psh, len: 10, labels: trace.LabelRetransmission})
}

func TestRTT_RestartedOnNewACK(t *testing.T) {
	h := newEstablished(t)
	h.write(ms(100), 2*1460)
	h.expect(ms(100),
		seg{seq: 101, ack: 301, flags: ack, len: 1460},
		seg{seq: 1561, ack: 301, flags: psh, len: 1460})
	// RFC 6298 (5.3): an ACK of new data restarts the timer for one RTO (1 s)
	// from now, so the second segment is resent at 1.5 s, not 1.1 s.
	h.send(ms(500), seg{seq: 301, ack: 1561, flags: ack})
	h.expectNothing(ms(1499))
	h.expect(ms(1500), seg{seq: 1561, ack: 301, flags: psh, len: 1460, labels: trace.LabelRetransmission})
}
