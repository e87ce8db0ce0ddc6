package tcp

import (
	"fmt"
	"strings"
	"time"
)

// Limits on the settings, with their sources. The scenario loader
// (scenarios/decode.go) holds its keys to the same or narrower ranges.
const (
	// minMSS is Linux's TCP_MIN_MSS: 88 bytes. Less leaves a segment
	// mostly header; with the timestamps option 76 bytes of data remain.
	minMSS = 88
	// maxMSS is the largest IPv4 datagram, 65,535 bytes, less 20 IP and 20
	// TCP header bytes (RFC 9293 §3.7.1).
	maxMSS = 65535 - 40
	// maxBuffer is the largest window TCP can offer: 65,535 << 14, just
	// under 2^30 (RFC 7323 §2.3); a buffer may be that big, no bigger, so
	// that sequence comparisons (modulo 2^32) hold.
	maxBuffer = 1 << 30
	// maxDelayedACK bounds the ACK delay: "MUST be less than 0.5 seconds"
	// (RFC 1122 §4.2.3.2).
	maxDelayedACK = 500 * time.Millisecond
	// maxTimerHZ is the fastest timer tick: Linux's CONFIG_HZ is at most 1000.
	maxTimerHZ = 1000
)

// Validate reports the first setting in c that no TCP can run with: an
// MSS outside 88..65495 bytes (a host with MSS 0 would take a write and
// never send it), a buffer outside 1 byte..1 GiB, RTOs that are not
// 0 < RTOInitial and RTOMin ≤ RTOInitial ≤ RTOMax, a negative duration or
// count, a delayed ACK of 500 ms or more, keepalive on with a zero idle
// time, interval or probe count. NewHost does not check: whoever builds a
// Config from input (the scenario loader) calls Validate and reports the
// error there.
func (c Config) Validate() error {
	switch {
	case c.MSS < minMSS || c.MSS > maxMSS:
		return fmt.Errorf("MSS %d is outside %d..%d bytes", c.MSS, minMSS, maxMSS)
	case c.SendBuffer < 1 || c.SendBuffer > maxBuffer:
		return fmt.Errorf("send buffer %d is outside 1..%d bytes", c.SendBuffer, maxBuffer)
	case c.RecvBuffer < 1 || c.RecvBuffer > maxBuffer:
		return fmt.Errorf("receive buffer %d is outside 1..%d bytes", c.RecvBuffer, maxBuffer)
	case c.RTOInitial <= 0:
		return fmt.Errorf("initial RTO %v is not positive (RFC 6298 (2.1): 1s)", c.RTOInitial)
	case c.RTOMin < 0:
		return fmt.Errorf("negative minimum RTO %v", c.RTOMin)
	case c.RTOMin > c.RTOInitial:
		return fmt.Errorf("minimum RTO %v is more than the initial RTO %v", c.RTOMin, c.RTOInitial)
	case c.RTOInitial > c.RTOMax:
		return fmt.Errorf("initial RTO %v is more than the maximum RTO %v", c.RTOInitial, c.RTOMax)
	case c.SynRetries < 0:
		return fmt.Errorf("negative SYN retries %d", c.SynRetries)
	case c.Retries < 0:
		return fmt.Errorf("negative retries %d", c.Retries)
	case c.MSL < 0:
		return fmt.Errorf("negative MSL %v", c.MSL)
	case c.InitialWindow < 0:
		return fmt.Errorf("negative initial window %d segments", c.InitialWindow)
	case c.DelayedACK < 0:
		return fmt.Errorf("negative delayed ACK %v", c.DelayedACK)
	case c.DelayedACK >= maxDelayedACK:
		return fmt.Errorf("delayed ACK %v is not less than %v (RFC 1122 §4.2.3.2)", c.DelayedACK, maxDelayedACK)
	case c.Behaviour != BehaviourRFC && c.Behaviour != BehaviourLinux:
		return fmt.Errorf("unknown behaviour %d (BehaviourRFC or BehaviourLinux)", c.Behaviour)
	case int(c.CongestionControl) >= len(ccNames):
		return fmt.Errorf("unknown congestion control %d (%s)", c.CongestionControl, orNames(CongestionControls))
	case c.QuickACKs < 0:
		return fmt.Errorf("negative quick ACKs %d", c.QuickACKs)
	case c.KeepaliveIdle < 0:
		return fmt.Errorf("negative keepalive idle time %v", c.KeepaliveIdle)
	case c.KeepaliveInterval < 0:
		return fmt.Errorf("negative keepalive interval %v", c.KeepaliveInterval)
	case c.KeepaliveProbes < 0:
		return fmt.Errorf("negative keepalive probes %d", c.KeepaliveProbes)
	case c.Keepalive && c.KeepaliveIdle == 0:
		return fmt.Errorf("keepalive is on with an idle time of 0")
	case c.Keepalive && c.KeepaliveInterval == 0:
		return fmt.Errorf("keepalive is on with an interval of 0")
	case c.Keepalive && c.KeepaliveProbes == 0:
		return fmt.Errorf("keepalive is on with 0 probes")
	case c.UserTimeout < 0:
		return fmt.Errorf("negative user timeout %v", c.UserTimeout)
	case c.SynLinearTimeouts < 0:
		return fmt.Errorf("negative SYN linear timeouts %d", c.SynLinearTimeouts)
	case c.TimerHZ < 0 || c.TimerHZ > maxTimerHZ:
		return fmt.Errorf("timer rate %d Hz is outside 0..%d (Linux's CONFIG_HZ is 100, 250, 300 or 1000)", c.TimerHZ, maxTimerHZ)
	}
	return nil
}

// orNames writes names as "a, b or c".
func orNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
