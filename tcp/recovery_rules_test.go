package tcp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/wire"
)

// These drive the recovery strategies directly, with the sender's values
// given as a flight, to pin the rules that decide when recovery may start
// and what a timeout does to ssthresh (found in review, 2026-12-02).

func rulesFlight(una, max wire.Seq, cwnd uint32) flight {
	return flight{una: una, max: max, end: max.Add(1 << 20), mss: 1000, cwnd: cwnd, ssthresh: ^uint32(0)}
}

func newRenoRecovery(iss wire.Seq, cc congestionControl) *fastRecovery {
	return &fastRecovery{cc: cc, style: styleNewReno, iss: iss, recover: iss, impatient: true}
}

// enterAndLeave runs one NewReno recovery over 20 segments sent from
// iss+1, ended by a full ACK of them while 10 more went out; it returns
// the flight after that ACK (SND.UNA = the old SND.MAX = "recover").
func enterAndLeave(t *testing.T, r *fastRecovery, iss wire.Seq) flight {
	t.Helper()
	una, max := iss.Add(1), iss.Add(1+20000)
	f := rulesFlight(una, max, 20000)
	for range dupThresh {
		r.dupACK(0, f, false)
	}
	require.True(t, r.recovering)
	f = rulesFlight(max, max.Add(10000), 10000)
	f.ssthresh = 10000
	r.newACK(0, f, 20000)
	require.False(t, r.recovering, "the full ACK ends recovery")
	return f
}

// RFC 6582 §3.2 (2): a new recovery may start once the ACK "covers more
// than recover", the highest sequence number sent: the segment that
// starts exactly at the old SND.MAX, lost, is fast-retransmitted.
func TestRecovery_NewRecoveryRightAfterRecover(t *testing.T) {
	iss := wire.Seq(1000)
	r := newRenoRecovery(iss, &reno{})
	f := enterAndLeave(t, r, iss)
	var d decision
	for range dupThresh {
		d, _ = r.dupACK(0, f, false)
	}
	assert.NotZero(t, d.resend&resendFirst, "three duplicates of the old SND.MAX start fast retransmit")
	assert.True(t, r.recovering)
}

// Before "recover" is reached (after an RTO), duplicates start nothing.
func TestRecovery_NoNewRecoveryBeforeRecover(t *testing.T) {
	iss := wire.Seq(1000)
	r := newRenoRecovery(iss, &reno{})
	f := rulesFlight(iss.Add(1), iss.Add(1+20000), 20000)
	r.rto(0, f, true)
	f.una = f.una.Add(5000) // part of what the RTO found outstanding is acknowledged
	r.newACK(0, f, 5000)
	var d decision
	for range dupThresh {
		d, _ = r.dupACK(0, f, false)
	}
	assert.Zero(t, d.resend, "SND.UNA below recover: no fast retransmit (RFC 6582 §3.2 (2))")
}

// 2³¹ bytes after the last recovery, serial arithmetic would put SND.UNA
// "below" recover again; the guard is over by then.
func TestRecovery_GuardDoesNotTurnOver(t *testing.T) {
	iss := wire.Seq(1000)
	r := newRenoRecovery(iss, &reno{})
	f := enterAndLeave(t, r, iss)
	far := f.una.Add(1<<31 + 5000)
	f = rulesFlight(far, far.Add(10000), 10000)
	f.ssthresh = 10000
	r.newACK(0, f, 1000)
	var d decision
	for range dupThresh {
		d, _ = r.dupACK(0, f, false)
	}
	assert.NotZero(t, d.resend&resendFirst, "2 GiB later, three duplicates still start fast retransmit")
}

// A timeout during NewReno recovery keeps the ssthresh recovery set, where
// eq. (4) on the grown FlightSize would raise it (tcp_enter_loss reduces
// only once in a window); cwnd still falls to the loss window.
func TestRecovery_RTOInRecoveryKeepsSsthresh(t *testing.T) {
	iss := wire.Seq(1000)
	r := newRenoRecovery(iss, &reno{})
	f := rulesFlight(iss.Add(1), iss.Add(1+20000), 20000)
	var d decision
	for range dupThresh {
		d, _ = r.dupACK(0, f, false)
	}
	require.Equal(t, uint32(10000), d.ssthresh)
	// Inflated by 30 more duplicates, with 30 new segments let out.
	f.cwnd, f.ssthresh, f.max = d.cwnd+30*1000, d.ssthresh, f.max.Add(30000)
	d = r.rto(0, f, true)
	assert.Equal(t, uint32(10000), d.ssthresh, "not max(FlightSize/2, 2·SMSS) = 25000")
	assert.Equal(t, uint32(1000), d.cwnd, "the loss window")
	// A timeout outside recovery halves FlightSize as eq. (4) says.
	f = rulesFlight(f.max, f.max.Add(8000), 8000)
	f.ssthresh = 10000
	r.newACK(0, f, 30000)
	d = r.rto(0, f, true)
	assert.Equal(t, uint32(4000), d.ssthresh)
}

// Under CUBIC with SACK (the linux profile's), cwnd = ssthresh = 0.7·W in
// recovery; a timeout then must not cut again to 0.49·W, and W_max is
// forgotten (RFC 9438 §4.8).
func TestRecovery_RTOInSACKRecoveryDoesNotCutTwice(t *testing.T) {
	iss := wire.Seq(1000)
	c := &cubic{}
	r := &sackRecovery{fastRecovery: *newRenoRecovery(iss, c), keepAfterRTO: true}
	f := rulesFlight(iss.Add(1), iss.Add(1+100000), 100000)
	var d decision
	for range dupThresh {
		d = r.onDupACK(0, f)
	}
	require.Equal(t, uint32(70000), d.ssthresh)
	require.Equal(t, 100.0, c.wMax)
	f.cwnd, f.ssthresh = d.cwnd, d.ssthresh
	d = r.onRTO(0, f, true)
	assert.Equal(t, uint32(70000), d.ssthresh)
	assert.Equal(t, uint32(1000), d.cwnd)
	assert.Zero(t, c.wMax, "W_max forgotten after the timeout")
}

// RFC 6582's Impatient variant restarts the timer on the first partial ACK
// only; Linux restarts it on every ACK of new data.
func TestRecovery_RTORestartInRecovery(t *testing.T) {
	for _, c := range []struct {
		impatient bool
		keep      []bool // keepRTO after each of three partial ACKs
	}{
		{true, []bool{false, true, true}},
		{false, []bool{false, false, false}},
	} {
		iss := wire.Seq(1000)
		r := newRenoRecovery(iss, &reno{})
		r.impatient = c.impatient
		f := rulesFlight(iss.Add(1), iss.Add(1+20000), 20000)
		for range dupThresh {
			r.dupACK(0, f, false)
		}
		for i, want := range c.keep {
			f.una = f.una.Add(1000)
			d, partial := r.newACK(0, f, 1000)
			require.True(t, partial)
			assert.Equal(t, want, d.keepRTO, "impatient %v, partial ACK %d", c.impatient, i+1)
		}
	}
}
