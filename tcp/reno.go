package tcp

import "github.com/tcpsim/tcpsim/sim"

// reno grows the window as RFC 5681 §3.1 says: slow start adds at most one
// SMSS per ACK (eq. 2, with appropriate byte counting, RFC 3465, L = 1) and
// congestion avoidance adds one SMSS per window of acknowledged bytes. It
// is the growth of tahoe, reno and newreno alike: they differ in loss
// recovery (recovery.go), not here.
type reno struct {
	bytesAcked uint32 // bytes acknowledged since cwnd last grew in congestion avoidance
}

func (r *reno) onAck(_ sim.Time, f flight, acked uint32) uint32 {
	if f.cwnd < f.ssthresh {
		r.bytesAcked = 0
		return f.cwnd + min(acked, f.mss)
	}
	// RFC 5681 §3.1: "one alternative ... is to count the number of bytes
	// that have been acknowledged by ACKs for new data"; cwnd grows by SMSS
	// when that count reaches cwnd.
	r.bytesAcked += acked
	if r.bytesAcked >= f.cwnd {
		r.bytesAcked -= f.cwnd
		return f.cwnd + f.mss
	}
	return f.cwnd
}

// ssthreshAfterLoss is RFC 5681 eq. (4): max(FlightSize/2, 2·SMSS).
func (r *reno) ssthreshAfterLoss(_ sim.Time, f flight, flightSize uint32, _ bool) uint32 {
	r.bytesAcked = 0
	return max(flightSize/2, 2*f.mss)
}

// onTimeout: Reno's growth keeps no state a timeout clears but the count
// of bytes acknowledged toward the next SMSS.
func (r *reno) onTimeout() { r.bytesAcked = 0 }
