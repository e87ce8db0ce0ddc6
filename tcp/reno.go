package tcp

import "github.com/tcpsim/tcpsim/sim"

// reno grows the window as RFC 5681 §3.1 says: slow start adds at most one
// SMSS per ACK (eq. 2, with appropriate byte counting, RFC 3465, L = 1) and
// congestion avoidance adds one SMSS per window of acknowledged bytes.
type reno struct {
	bytesAcked uint32 // bytes acknowledged since cwnd last grew in congestion avoidance
}

func (r *reno) name() string { return "reno" }

func (r *reno) onAck(_ sim.Time, cwnd, ssthresh, acked, mss uint32) uint32 {
	if cwnd < ssthresh {
		r.bytesAcked = 0
		return cwnd + min(acked, mss)
	}
	// RFC 5681 §3.1: "one alternative ... is to count the number of bytes
	// that have been acknowledged by ACKs for new data"; cwnd grows by SMSS
	// when that count reaches cwnd.
	r.bytesAcked += acked
	if r.bytesAcked >= cwnd {
		r.bytesAcked -= cwnd
		return cwnd + mss
	}
	return cwnd
}

// ssthreshAfterLoss is RFC 5681 eq. (4): max(FlightSize/2, 2·SMSS).
func (r *reno) ssthreshAfterLoss(_ sim.Time, _, flight, mss uint32) uint32 {
	r.bytesAcked = 0
	return max(flight/2, 2*mss)
}
