package tcp

import (
	"time"

	"github.com/tcpsim/tcpsim/wire"
)

// Config holds one host's TCP settings. DefaultConfig gives the values of
// the RFCs; each field's comment names its source.
type Config struct {
	// ISS is the initial send sequence number used when FixedISS is set;
	// otherwise each connection draws one from the host's seeded stream
	// (RFC 9293 §3.4.1 wants it unpredictable; a simulation wants it repeatable).
	ISS      wire.Seq
	FixedISS bool

	// MSS is the maximum segment size this host announces and accepts to send:
	// 1460 = Ethernet's 1500-byte MTU less 20 IP and 20 TCP header bytes. A peer
	// that sends no MSS option is assumed to accept 536 (RFC 9293 §3.7.1).
	MSS int

	// SendBuffer is how many bytes the application may have written but not
	// yet acknowledged. RecvBuffer is the receive buffer: its free space is the
	// advertised window (RFC 9293 §3.8.6).
	SendBuffer int
	RecvBuffer int

	// WindowScaling offers the window scale option (RFC 7323 §2) so windows
	// over 65,535 bytes can be advertised. Both sides must offer it.
	WindowScaling bool

	// RTOInitial is the retransmission timeout before any RTT sample: 1 s
	// (RFC 6298 (2.1)). RTOMin is its floor, 1 s (RFC 6298 (2.4)); RTOMax its
	// ceiling, 60 s (RFC 6298 (2.5) allows one of at least 60 s).
	RTOInitial time.Duration
	RTOMin     time.Duration
	RTOMax     time.Duration

	// SynRetries is how many times a SYN (or SYN,ACK) is retransmitted before
	// the connection attempt is abandoned; 6 as Linux's tcp_syn_retries, which
	// with 1 s doubling gives 127 s, meeting RFC 1122 §4.2.3.5's 3 minutes R2
	// for SYN only approximately.
	SynRetries int
	// Retries is how many times data (or a FIN) is retransmitted before the
	// connection is aborted (ETIMEDOUT); 15 as Linux's tcp_retries2, about
	// 924.6 s with a 200 ms RTO floor (RFC 1122 §4.2.3.5 asks for at least 100 s).
	Retries int

	// MSL is the maximum segment lifetime; TIME-WAIT lasts 2·MSL. RFC 9293
	// §3.4.2 says 2 minutes. (Linux instead holds TIME-WAIT a fixed 60 s.)
	MSL time.Duration

	// NoDelay turns Nagle's algorithm off (TCP_NODELAY). With it on, the
	// default, a segment smaller than the MSS waits while earlier data is
	// unacknowledged (RFC 896, RFC 1122 §4.2.3.4).
	NoDelay bool

	// InitialWindow is the initial congestion window in segments. RFC 5681
	// §3.1: 4 for an SMSS ≤ 1095, 3 up to 2190, else 2; 0 picks that rule.
	InitialWindow int
}

// DefaultConfig returns the textbook settings (the rfc profile).
func DefaultConfig() Config {
	return Config{
		MSS:        1460,
		SendBuffer: 64 << 10,
		RecvBuffer: 65535,
		RTOInitial: time.Second,
		RTOMin:     time.Second,
		RTOMax:     60 * time.Second,
		SynRetries: 6,
		Retries:    15,
		MSL:        2 * time.Minute,
	}
}
