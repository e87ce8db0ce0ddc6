package tcp

import (
	"fmt"
	"time"
)

// Profiles lists the behaviour profiles by name.
var Profiles = []string{"rfc", "linux"}

// Profile returns the settings of a behaviour profile:
//
//   - "rfc": the textbook, value by value from the RFCs;
//   - "linux": what a Linux host (6.x, default sysctls) puts on the wire.
//
// A profile is numbers and a Behaviour, which picks the policy (policy.go)
// for everything Linux does differently rather than with other numbers.
// Every value names its source. A scenario overrides any number.
func Profile(name string) (Config, error) {
	c := Config{
		MSS:        1460,     // Ethernet MTU 1500 − 20 IP − 20 TCP
		SendBuffer: 64 << 10, // a classic socket buffer
		RecvBuffer: 65535,    // the largest window without scaling (RFC 9293 §3.1)
		RTOInitial: time.Second,
		SynRetries: 6,  // Linux's tcp_syn_retries (the rfc profile sets 7, below)
		Retries:    15, // Linux's tcp_retries2; RFC 1122 §4.2.3.5 wants R2 ≥ 100 s
		// Keepalive values are used only when a scenario turns keepalive on.
		KeepaliveIdle:     2 * time.Hour,    // RFC 1122 §4.2.3.6: no less than two hours
		KeepaliveInterval: 75 * time.Second, // Linux's tcp_keepalive_intvl
		KeepaliveProbes:   9,                // Linux's tcp_keepalive_probes
	}
	switch name {
	case "rfc":
		c.RTOMin = time.Second                // RFC 6298 (2.4)
		c.SynRetries = 7                      // RFC 1122 §4.2.3.5: a SYN is retransmitted for at least 3 minutes: SYNs at 0, 1, 3, 7, 15, 31, 63 and 123 s, given up at 183 s
		c.RTOMax = 60 * time.Second           // RFC 6298 (2.5): "at least 60 seconds"
		c.MSL = 2 * time.Minute               // RFC 9293 §3.4.2
		c.DelayedACK = 200 * time.Millisecond // RFC 1122 §4.2.3.2: < 0.5 s; 200 ms is the classic BSD value
		c.Behaviour = BehaviourRFC            // rfcPolicy: each behaviour as the RFCs say
		c.CongestionControl = CCNewReno       // RFC 5681 with RFC 6582's fast recovery
	case "linux":
		c.Behaviour = BehaviourLinux         // linuxPolicy: where Linux departs from the RFCs
		c.RTOMin = 200 * time.Millisecond    // TCP_RTO_MIN
		c.RTOMax = 120 * time.Second         // TCP_RTO_MAX
		c.MSL = 30 * time.Second             // TIME-WAIT is TCP_TIMEWAIT_LEN = 60 s = 2·MSL
		c.DelayedACK = 40 * time.Millisecond // TCP_DELACK_MIN (ATO starts at TCP_ATO_MIN = 40 ms)
		c.QuickACKs = 16                     // TCP_MAX_QUICKACKS
		c.InitialWindow = 10                 // TCP_INIT_CWND (RFC 6928)
		c.SendBuffer = 16 << 10              // tcp_wmem default 16384 (it grows by auto-tuning, not modelled)
		c.RecvBuffer = 64 << 10              // as SO_RCVBUF: 64 KiB stands for none set, sk_rcvbuf = tcp_rmem[1] = 131072 (rcvbuf.go; auto-tuning not modelled)
		c.WindowScaling = true               // tcp_window_scaling = 1
		c.Timestamps = true                  // tcp_timestamps = 1
		c.SACK = true                        // tcp_sack = 1
		c.SynLinearTimeouts = 4              // tcp_syn_linear_timeouts (Linux ≥ 6.5)
		c.TimerHZ = 250                      // CONFIG_HZ=250 (Debian, Ubuntu; this project's machines): the timer wheel's jiffy
		c.CongestionControl = CCCubic        // tcp_congestion_control = cubic (CONFIG_DEFAULT_TCP_CONG)
	default:
		return Config{}, fmt.Errorf("unknown profile %q (known: rfc, linux)", name)
	}
	return c, nil
}
