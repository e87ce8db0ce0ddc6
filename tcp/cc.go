package tcp

import "github.com/tcpsim/tcpsim/sim"

// congestionControl is the window-growth part of congestion control: how
// cwnd grows on new acknowledgements and how far ssthresh falls on a loss.
// Loss recovery itself (fast retransmit, NewReno's partial ACKs, SACK
// holes, the RTO's loss window) is the lossRecovery's (recovery.go), which
// calls these. Algorithms return values rather than writing the sender's
// fields (as ns-3's TcpCongestionOps::GetSsThresh).
type congestionControl interface {
	// name is the algorithm's name for traces ("reno").
	name() string
	// onAck returns the new cwnd after acked bytes were newly acknowledged
	// outside loss recovery.
	onAck(now sim.Time, cwnd, ssthresh, acked, mss uint32) uint32
	// ssthreshAfterLoss returns the slow-start threshold after a loss was
	// detected with flight bytes outstanding.
	ssthreshAfterLoss(now sim.Time, cwnd, flight, mss uint32) uint32
}

// initialWindow returns the initial congestion window in bytes: the
// configured number of segments, or RFC 5681 §3.1's rule (eq. 1).
func initialWindow(segments int, mss uint32) uint32 {
	if segments > 0 {
		return uint32(segments) * mss
	}
	switch {
	case mss > 2190:
		return 2 * mss
	case mss > 1095:
		return 3 * mss
	default:
		return 4 * mss
	}
}
