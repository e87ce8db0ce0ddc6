package kernel

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tcpsim/tcpsim/scenarios"
)

// setup is how one host of a scenario is set up on the real kernel: the
// socket options its applications' sockets get, the sysctls of its
// namespace, and the attributes of its route to the other host.
//
// The rule: a Linux host keeps its own defaults, and what the scenario sets
// to something other than its profile's default is applied, where Linux has
// a per-socket, per-namespace or per-route knob for it. A value equal to
// the profile's default counts as not set (the loader keeps no record of
// which keys a file wrote). What has no knob is listed in notes.
type setup struct {
	sock    sockOpts
	sysctls []sysctl
	route   []string // extra `ip route` attributes: rto_min, initcwnd, quickack
	mss     int      // the MSS the host's device must allow, for its MTU
	timerHZ int      // the scenario's timer_hz when it sets one (the kernel's CONFIG_HZ has no knob)
	notes   []string
}

// sockOpts are the socket options of a host's sockets; zero values leave
// the kernel's default.
type sockOpts struct {
	mss            int // TCP_MAXSEG
	sndBuf, rcvBuf int // SO_SNDBUF, SO_RCVBUF (the kernel doubles them: socket(7))
	noDelay        bool
	keepalive      bool
	keepIdle       int // TCP_KEEPIDLE, seconds
	keepIntvl      int // TCP_KEEPINTVL, seconds
	keepCnt        int // TCP_KEEPCNT
	userTimeout    time.Duration
	congestion     string // TCP_CONGESTION: the Linux module's name
}

// sysctl is one setting under /proc/sys/net of a namespace.
type sysctl struct {
	key   string // "ipv4/tcp_syn_retries", under /proc/sys/net
	value string
}

// Linux's limits on the keepalive options, in seconds (MAX_TCP_KEEPIDLE and
// MAX_TCP_KEEPINTVL in include/net/tcp.h); TCP_KEEPCNT is at most
// MAX_TCP_KEEPCNT, 127.
const (
	maxKeepIdle  = 32767
	maxKeepIntvl = 32767
	maxKeepCnt   = 127
)

// The namespaces' buffer sysctls, as the linux profile models a host that
// sets no socket buffer (tcp/rcvbuf.go, tcp/profile.go): a new network
// namespace copies tcp_rmem and tcp_wmem from the host's (tcp_sk_init), and
// a tuned host would otherwise lend its own buffers to the run.
const (
	rmemSysctl = "4096 131072 33554432" // tcp_rmem: min, default (sk_rcvbuf with no SO_RCVBUF), max (32 MiB: window scale 10)
	wmemSysctl = "4096 16384 4194304"   // tcp_wmem: min, default (sk_sndbuf with no SO_SNDBUF), max
)

// profileDefaults returns the settings an endpoint of the given profile has
// when the file sets nothing, by loading a scenario that says only that.
func profileDefaults(profile string) (scenarios.Endpoint, error) {
	s, err := scenarios.Parse("profile-defaults.yaml", []byte("profile: "+profile+"\n"))
	if err != nil {
		return scenarios.Endpoint{}, fmt.Errorf("the defaults of profile %q: %w", profile, err)
	}
	return s.Client, nil
}

// plan works out the setup of endpoint ep.
func plan(ep *scenarios.Endpoint) (setup, error) {
	def, err := profileDefaults(ep.Profile)
	if err != nil {
		return setup{}, err
	}
	c, d := &ep.TCP, &def.TCP
	var st setup
	note := func(format string, args ...any) {
		st.notes = append(st.notes, ep.Name+": "+fmt.Sprintf(format, args...))
	}
	set := func(key string, v int) { st.sysctls = append(st.sysctls, sysctl{key, strconv.Itoa(v)}) }
	boolInt := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}

	st.mss = c.MSS
	if c.MSS != d.MSS {
		st.sock.mss = c.MSS
	}
	if c.SendBuffer != d.SendBuffer {
		st.sock.sndBuf = c.SendBuffer
	}
	if c.RecvBuffer != d.RecvBuffer {
		st.sock.rcvBuf = c.RecvBuffer
	}
	st.sock.noDelay = c.NoDelay
	if c.Keepalive {
		st.sock.keepalive = true
		st.sock.keepIdle = seconds(c.KeepaliveIdle, maxKeepIdle, "keepalive idle", note)
		st.sock.keepIntvl = seconds(c.KeepaliveInterval, maxKeepIntvl, "keepalive interval", note)
		st.sock.keepCnt = min(c.KeepaliveProbes, maxKeepCnt)
		if c.KeepaliveProbes > maxKeepCnt {
			note("keepalive probes %d: Linux allows at most %d", c.KeepaliveProbes, maxKeepCnt)
		}
		if c.KeepaliveGarbageByte {
			note("keepalive garbage_byte is not applied: Linux's probes carry no data")
		}
	}
	if c.UserTimeout > 0 {
		st.sock.userTimeout = c.UserTimeout
		if c.UserTimeout%time.Millisecond != 0 {
			st.sock.userTimeout = c.UserTimeout.Truncate(time.Millisecond) + time.Millisecond
			note("user_timeout %v rounded up to %v: TCP_USER_TIMEOUT counts milliseconds", c.UserTimeout, st.sock.userTimeout)
		}
	}

	// Per-namespace sysctls (net.ipv4 is per network namespace). The
	// buffers always: a buffer the scenario leaves at its default is the
	// namespace's default (tcp_rmem[1], tcp_wmem[1]); one it sets is the
	// socket's (SO_RCVBUF, SO_SNDBUF, above).
	st.sysctls = append(st.sysctls, sysctl{"ipv4/tcp_rmem", rmemSysctl}, sysctl{"ipv4/tcp_wmem", wmemSysctl})
	// The congestion control always, for the same reason: a new namespace
	// takes the host's default (tcp_sk_init copies init_net's
	// tcp_congestion_control), and a host that runs BBR would lend it to
	// the run (this project's machines do: before this, the mathis and
	// bulk comparisons held tcpsim's CUBIC against the kernel's BBR). It
	// is set on each socket (TCP_CONGESTION): a namespace's own default
	// may only be an algorithm of the host's tcp_allowed_congestion_control
	// (EPERM otherwise), which is the host's to set. An algorithm left at
	// its profile's default is Linux's default, cubic.
	st.sock.congestion = "cubic"
	if c.CongestionControl != d.CongestionControl {
		st.sock.congestion = linuxCongestionControl(c.CongestionControl.String(), note)
	}
	if c.SynRetries != d.SynRetries {
		set("ipv4/tcp_syn_retries", min(c.SynRetries, 127))
		set("ipv4/tcp_synack_retries", min(c.SynRetries, 127))
	}
	if c.Retries != d.Retries {
		set("ipv4/tcp_retries2", c.Retries)
	}
	if c.WindowScaling != d.WindowScaling {
		set("ipv4/tcp_window_scaling", boolInt(c.WindowScaling))
	}
	if c.Timestamps != d.Timestamps {
		set("ipv4/tcp_timestamps", boolInt(c.Timestamps))
	}
	if c.SACK != d.SACK {
		set("ipv4/tcp_sack", boolInt(c.SACK))
	}
	if c.SynLinearTimeouts != d.SynLinearTimeouts {
		set("ipv4/tcp_syn_linear_timeouts", c.SynLinearTimeouts)
	}
	if c.RTOMin != d.RTOMin {
		set("ipv4/tcp_rto_min_us", int(c.RTOMin/time.Microsecond))
	}
	if c.RTOMax != d.RTOMax {
		set("ipv4/tcp_rto_max_ms", int(c.RTOMax/time.Millisecond))
	}

	// Per-route attributes of the route to the other host.
	if c.InitialWindow != d.InitialWindow && c.InitialWindow > 0 {
		st.route = append(st.route, "initcwnd", strconv.Itoa(c.InitialWindow))
	}
	if c.DelayedACK != d.DelayedACK {
		if c.DelayedACK == 0 {
			st.route = append(st.route, "quickack", "1")
		} else {
			note("delayed_ack %v is not applied: Linux chooses its delayed-ACK timeout itself (40 ms to 200 ms)", c.DelayedACK)
		}
	}

	// What Linux has no knob for.
	if c.TimerHZ != d.TimerHZ {
		st.timerHZ = c.TimerHZ // noted by run when the kernel's HZ differs
	}
	if c.FixedISS {
		note("isn %d: the kernel draws its own ISN; the trace shows the scenario's numbers (the pcap the real ones)", c.ISS)
	}
	if c.RTOInitial != d.RTOInitial {
		note("rto_initial %v is not applied: Linux's is fixed at 1 s (TCP_TIMEOUT_INIT)", c.RTOInitial)
	}
	if c.MSL != d.MSL {
		note("msl %v is not applied: Linux's TIME-WAIT is fixed at 60 s", c.MSL)
	}
	if c.QuickACKs != d.QuickACKs {
		note("quick_acks %d is not applied: Linux counts its quick ACKs itself", c.QuickACKs)
	}
	return st, nil
}

// linuxCongestionControl names the Linux module that runs the algorithm
// named cc (tcp.CongestionControl's String): cubic (tcp_cubic.c) for
// cubic; reno (tcp_cong.c's tcp_reno, whose losses the kernel recovers
// from as NewReno does, RFC 6582, or with SACK) for reno and newreno, and,
// with a note, for tahoe and none, which Linux does not have. (By name:
// the harness, under scenarios, does not import tcp.)
func linuxCongestionControl(cc string, note func(string, ...any)) string {
	switch cc {
	case "cubic":
		return "cubic"
	case "reno", "newreno":
		return "reno"
	}
	note("congestion_control %s is not applied: Linux has no such algorithm; the kernel runs reno", cc)
	return "reno"
}

// seconds converts d to whole seconds for a keepalive option, rounding up
// and noting when it had to.
func seconds(d time.Duration, most int, what string, note func(string, ...any)) int {
	s := int((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	if s > most {
		note("%s %v: Linux allows at most %d s", what, d, most)
		return most
	}
	if time.Duration(s)*time.Second != d {
		note("%s %v rounded up to %d s: Linux counts keepalive times in seconds", what, d, s)
	}
	return s
}
