package tcp

import (
	"time"

	"github.com/tcpsim/tcpsim/wire"
)

// Config holds one host's TCP settings. DefaultConfig gives the values of
// the RFCs; each field's comment names its source. Behaviour picks how the
// host acts where Linux departs from the RFCs (policy.go); every other
// field is a number or a switch a scenario can set on its own.
type Config struct {
	// Behaviour is the behaviour policy: BehaviourRFC (the zero value) or
	// BehaviourLinux, as the profile of that name sets it.
	Behaviour Behaviour

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
	// advertised window (RFC 9293 §3.8.6). Under the linux profile it is
	// SO_RCVBUF, which Linux doubles and spends on each segment's memory, not
	// only its payload (rcvbuf.go); 65536, the profile's default, stands for
	// no SO_RCVBUF.
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
	// the connection attempt is abandoned. The rfc profile's 7, with a 1 s
	// RTO doubling up to 60 s, gives up at 183 s, meeting RFC 1122
	// §4.2.3.5's 3 minutes for SYN; the linux profile's 6 is Linux's
	// tcp_syn_retries (131 s with its linear timeouts).
	SynRetries int
	// Retries is how many times data (or a FIN) is retransmitted before the
	// connection is aborted (ETIMEDOUT); 15 as Linux's tcp_retries2 (RFC 1122
	// §4.2.3.5 asks for at least 100 s). The rfc behaviour counts timeouts;
	// the linux one turns the count into a time, as retransmits_timed_out
	// does: 924.6 s for 15, whatever the RTO, counted from the first
	// retransmission (retrans_stamp) and tested when an RTO fires.
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

	// DelayedACK is how long an ACK for in-order data may wait for more data
	// to ride with (RFC 1122 §4.2.3.2: less than 0.5 s; RFC 5681 §4.2: at
	// least every second full-sized segment is ACKed at once); 0 turns
	// delayed ACKs off, so every segment is ACKed at once.
	DelayedACK time.Duration
	// QuickACKs is how many ACKs at the start of a connection go out at once
	// before delaying begins (Linux's quick-ack mode, TCP_MAX_QUICKACKS 16);
	// 0, the rfc profile's, turns the mode off.
	QuickACKs int

	// KeepaliveGarbageByte puts one garbage byte in the rfc policy's
	// keepalive probe (RFC 1122 §4.2.3.6's MAY, as BSD); without it the
	// probe carries none (the SHOULD). Linux's probe never carries data.
	KeepaliveGarbageByte bool

	// Keepalive turns TCP keepalive on (RFC 1122 §4.2.3.6; off by default,
	// as in real stacks). After KeepaliveIdle without a segment from the
	// peer a probe goes out, then one every KeepaliveInterval while
	// unanswered; after KeepaliveProbes unanswered probes the connection is
	// aborted. Defaults: 2 h (RFC 1122's minimum, Linux's tcp_keepalive_time
	// 7200 s), 75 s and 9 (Linux's tcp_keepalive_intvl and tcp_keepalive_probes).
	Keepalive         bool
	KeepaliveIdle     time.Duration
	KeepaliveInterval time.Duration
	KeepaliveProbes   int

	// UserTimeout aborts a connection whose data has stayed unacknowledged
	// this long (RFC 5482, RFC 9293 §3.10.8); 0 is off. When set it replaces
	// the retry limits (RFC 1122 §4.2.3.5 lets the application set R2), and
	// the retransmission timer is shortened so the abort comes on time (as
	// Linux's tcp_clamp_rto_to_user_timeout). Its scope is the policy's:
	// every state, and never answered probes, under the rfc behaviour;
	// synchronized states, and zero-window probing that has lasted that
	// long, under the linux one (TCP_USER_TIMEOUT, tcp(7)).
	UserTimeout time.Duration

	// SynLinearTimeouts is how many SYN retransmissions go out one initial
	// RTO apart before doubling starts; they come on top of SynRetries
	// (Linux ≥ 6.5's tcp_syn_linear_timeouts, 4). 0, the rfc profile's, is
	// RFC 6298's doubling.
	SynLinearTimeouts int
	// Timestamps offers the timestamps option (RFC 7323 §3): every segment
	// then carries TSval/TSecr, and 12 bytes of each segment go to it (a
	// 1460-byte MSS carries 1448 bytes of data). RTT is still measured one
	// segment at a time (Karn), not from the timestamps.
	Timestamps bool
	// TimerHZ is the rate at which the host's timers tick (Linux's HZ): its
	// timers are armed in whole ticks and fire late by the granularity of
	// Linux's timer wheel (timer.go, wheelExpiry): at 250 Hz up to 4 ms
	// below 252 ms, 32 ms up to 2 s, 256 ms up to 16 s. 0, the rfc
	// profile's, fires every timer exactly when due.
	TimerHZ int
	// SACK offers SACK-permitted (RFC 2018 §2) and, when the peer agrees,
	// puts SACK blocks in ACKs sent while data is out of order (RFC 2018 §4)
	// and recovers losses with the SACK scoreboard (sack.go).
	SACK bool
	// CongestionControl is the sender's congestion-control algorithm
	// (cc.go): newreno (RFC 6582, the rfc profile's) or cubic (RFC 9438,
	// Linux's default tcp_congestion_control), or tahoe, reno or none.
	CongestionControl CongestionControl
}

// tick is the timer clock's period: a jiffy, 1/TimerHZ s (1 ms for exact
// timers, Linux's jiffy at HZ=1000).
func (c *Config) tick() time.Duration {
	if c.TimerHZ > 0 {
		return time.Second / time.Duration(c.TimerHZ)
	}
	return time.Millisecond
}

// maxUnscaledWindow is the largest window the 16-bit window field holds
// without the window scale option (RFC 7323 §2).
const maxUnscaledWindow = 65535

// ApplyBufferRules turns on what the buffer sizes need. A receive buffer
// larger than maxUnscaledWindow can be advertised whole only with window
// scaling (RFC 7323 §2: scaling is needed only for windows over 65,535
// bytes), so it turns WindowScaling on; it never turns it off (Linux
// offers scaling whatever the buffer). A caller that was told explicitly
// whether to offer scaling does not call it.
func (c *Config) ApplyBufferRules() {
	if c.RecvBuffer > maxUnscaledWindow {
		c.WindowScaling = true
	}
}

// DefaultConfig returns the textbook settings: the rfc profile.
func DefaultConfig() Config {
	c, _ := Profile("rfc")
	return c
}
