package tcp

import (
	"fmt"
	"strings"
	"time"

	"github.com/tcpsim/tcpsim/sim"
)

// CongestionControl names the congestion-control algorithm an endpoint's
// sender runs (Config.CongestionControl). The algorithms differ in how
// cwnd grows (cc.go, reno.go, cubic.go) and in how a loss is recovered
// from (recovery.go):
//
//   - CCNone: flow control only; cwnd never limits what is sent, losses are
//     still retransmitted (on the third duplicate ACK and on the RTO).
//   - CCTahoe: 4.3BSD-Tahoe (Jacobson 1988): fast retransmit on the third
//     duplicate ACK, then the loss window and slow start; no fast recovery.
//   - CCReno: RFC 5681 §3.2 fast retransmit and fast recovery; the first
//     ACK of new data ends recovery, a partial one too.
//   - CCNewReno: RFC 6582 NewReno: recovery lasts until "recover" is
//     acknowledged, a partial ACK resends the next hole.
//   - CCCubic: RFC 9438 CUBIC window growth with NewReno's (or, with SACK,
//     RFC 6675's pipe) recovery, Linux's default.
//
// The zero value is CCNewReno, the rfc profile's.
type CongestionControl uint8

const (
	CCNewReno CongestionControl = iota
	CCNone
	CCTahoe
	CCReno
	CCCubic
)

// CongestionControls lists the algorithms' names, in the order the docs
// give them.
var CongestionControls = []string{"none", "tahoe", "reno", "newreno", "cubic"}

var ccNames = [...]string{CCNewReno: "newreno", CCNone: "none", CCTahoe: "tahoe", CCReno: "reno", CCCubic: "cubic"}

// String returns the algorithm's name as a scenario writes it ("newreno").
func (cc CongestionControl) String() string {
	if int(cc) < len(ccNames) {
		return ccNames[cc]
	}
	return fmt.Sprintf("CongestionControl(%d)", uint8(cc))
}

// ParseCongestionControl returns the algorithm named s (any case); the
// error lists the names allowed.
func ParseCongestionControl(s string) (CongestionControl, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	for cc, name := range ccNames {
		if name == w {
			return CongestionControl(cc), nil
		}
	}
	return 0, fmt.Errorf("unknown congestion control %q (known: %s)", s, strings.Join(CongestionControls, ", "))
}

// congestionControl is the window-growth part of congestion control: how
// cwnd grows on new acknowledgements and how far ssthresh falls on a loss.
// Loss recovery itself (fast retransmit, Reno's and NewReno's fast
// recovery, SACK holes, the RTO's loss window) is the lossRecovery's
// (recovery.go), which calls these. Algorithms return values rather than
// writing the sender's fields (as ns-3's TcpCongestionOps::GetSsThresh),
// and read the sender through a copy (flight); they keep only their own
// state.
type congestionControl interface {
	// onAck returns the new cwnd after acked bytes were newly acknowledged
	// outside loss recovery.
	onAck(now sim.Time, f flight, acked uint32) uint32
	// ssthreshAfterLoss returns the slow-start threshold after a loss was
	// detected: by duplicate ACKs (or a repairing loss probe), or, when
	// timeout is set, by the retransmission timer. flightSize is the
	// FlightSize to halve (RFC 5681 eq. (4)).
	ssthreshAfterLoss(now sim.Time, f flight, flightSize uint32, timeout bool) uint32
	// onTimeout is told of a retransmission timeout that leaves ssthresh
	// as it is (one during fast recovery, rto in recovery.go).
	onTimeout()
}

// newCongestionControl returns the window-growth algorithm of kind: Reno's
// (RFC 5681 §3.1) for tahoe, reno and newreno, which differ only in loss
// recovery; CUBIC's; nothing for none.
func newCongestionControl(kind CongestionControl) congestionControl {
	switch kind {
	case CCCubic:
		return &cubic{}
	case CCNone:
		return noWindow{}
	}
	return &reno{}
}

// noWindow is the none algorithm's growth: there is no congestion window
// to grow (sndWndLimit does not look at cwnd), and a loss leaves ssthresh
// alone.
type noWindow struct{}

func (noWindow) onAck(_ sim.Time, f flight, _ uint32) uint32 { return f.cwnd }

func (noWindow) ssthreshAfterLoss(_ sim.Time, f flight, _ uint32, _ bool) uint32 { return f.ssthresh }

func (noWindow) onTimeout() {}

// seconds is d in seconds, for the algorithms that compute in real numbers.
func seconds(d time.Duration) float64 { return float64(d) / float64(time.Second) }

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
