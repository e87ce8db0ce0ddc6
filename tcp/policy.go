package tcp

import (
	"strconv"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// A profile (profile.go) is numbers and a behaviour. The numbers (RTOMin,
// MSL, QuickACKs, SynLinearTimeouts, …) are Config fields a scenario can
// set one by one. The behaviour is where the linux profile does something
// other than what the RFCs say, not just with other numbers: each such
// difference is one method of policy, with the RFC's answer in rfcPolicy
// and Linux's in linuxPolicy, and the code asks the host's policy instead
// of testing a flag. A Linux behaviour that runs under both profiles on
// purpose is listed, with its reason, in docs/profiles.md ("Linux
// behaviour in both profiles, deliberately").
//
// The policy is chosen once, when the host is made (NewHost), from
// Config.Behaviour. Its methods are pure: they answer from their
// arguments, and the caller acts.

// Behaviour selects the behaviour policy of a host: what it does where
// Linux departs from the RFCs (window selection, probe form, retry budget,
// user-timeout scope, RTO formula, …; docs/profiles.md lists them). The
// zero value is the RFCs'.
type Behaviour uint8

// The behaviours, one per profile.
const (
	BehaviourRFC   Behaviour = iota // as the RFCs say
	BehaviourLinux                  // as Linux 6.x does
)

// String returns the behaviour's profile name: "rfc" or "linux".
func (b Behaviour) String() string {
	switch b {
	case BehaviourRFC:
		return "rfc"
	case BehaviourLinux:
		return "linux"
	}
	return "Behaviour(" + strconv.Itoa(int(b)) + ")"
}

// newPolicy returns the policy of a behaviour; an unknown value gets the RFCs'.
func newPolicy(b Behaviour) policy {
	if b == BehaviourLinux {
		return linuxPolicy{}
	}
	return rfcPolicy{}
}

// policy is every behaviour in which the linux profile departs from the
// RFCs.
type policy interface {
	// name is the profile's name.
	name() string

	// probe returns the sequence number and length of a zero-window or
	// keepalive probe, given SND.UNA, SND.NXT and the end of the data
	// written, and whether a keepalive may carry a garbage byte.
	probe(kind probeKind, una, nxt, end wire.Seq, garbageByte bool) (wire.Seq, uint32)
	// resetOnGiveUp reports whether a RST goes to the peer when probes of
	// this kind went unanswered and the connection is aborted.
	resetOnGiveUp(kind probeKind) bool

	// retriesExhausted reports whether a timeout of data (or a FIN) is one
	// too many: retries expiries have passed since the last progress, the
	// limit is Retries, and since is how long ago the first retransmission
	// of this stall went (0 before any). SYN retries are counted alike
	// under both.
	retriesExhausted(retries, limit int, since time.Duration) bool
	// userTimeoutCovers reports whether the user timeout (RFC 5482)
	// replaces the retry limits in state s.
	userTimeoutCovers(s State) bool
	// userTimeoutEndsProbing reports whether zero-window probing that has
	// lasted the user timeout ends the connection even while answered.
	userTimeoutEndsProbing() bool

	// rto returns the retransmission timeout from SRTT and the variance
	// term k = max(G, 4·RTTVAR), within the floor lo and the ceiling hi.
	rto(srtt, k, lo, hi time.Duration) time.Duration
	// oneSegmentAfterSYN reports whether data starts with a congestion
	// window of one segment after the SYN (or SYN,ACK) was resent n times.
	oneSegmentAfterSYN(n int) bool
	// answerRetransmittedSYN reports whether a retransmitted SYN that
	// reaches SYN-RECEIVED gets our SYN,ACK again at once, rather than the
	// ACK an unacceptable segment gets.
	answerRetransmittedSYN() bool
	// keepSACKedAfterRTO reports whether the SACK scoreboard survives a
	// retransmission timeout.
	keepSACKedAfterRTO() bool
	// impatientRTO reports whether the retransmission timer, in fast
	// recovery, is restarted only by the first partial ACK rather than by
	// every ACK of new data.
	impatientRTO() bool
	// renoRecoversAsNewReno reports whether the reno algorithm only sets
	// the window's growth and reduction, and loss recovery is the stack's
	// own (NewReno's, or SACK's), rather than RFC 5681 §3.2's Reno.
	renoRecoversAsNewReno() bool
	// sackRescue reports whether SACK recovery resends holes not yet
	// deemed lost and makes a rescue retransmission (RFC 6675 NextSeg
	// rules (3) and (4)).
	sackRescue() bool

	// persistFromAnswer reports whether an ACK that finds nothing in flight
	// while the window still holds back the next segment (the answer to a
	// zero-window probe) starts the persist timer's current interval again
	// from its arrival, rather than leaving it counted from the probe.
	persistFromAnswer() bool

	// oowACKInterval is the least time between two ACKs answering segments
	// out of the window or challenges; 0: no limit.
	oowACKInterval() time.Duration
	// validateCwnd reports whether cwnd grows only while it limits what is
	// sent (congestion window validation).
	validateCwnd() bool
	// tailLossProbe reports whether a tail loss probe (RFC 8985 §7) may go
	// before the RTO when SACK is agreed (tlp.go).
	tailLossProbe() bool

	// duplicateUpdatesTSRecent reports whether a segment received before
	// that ends at Last.ACK.sent updates TS.Recent (input.go,
	// duplicateTSRecent).
	duplicateUpdatesTSRecent() bool

	// timestampOnRST reports whether a RST the connection sends itself
	// (giving up on keepalive) carries the timestamps option.
	timestampOnRST() bool
	// activeResetACK reports whether the RST of an application's abort
	// carries ACK, the window and the timestamps, rather than RST alone.
	activeResetACK() bool

	// rtoInTicks reports whether the RTO is kept in whole timer ticks
	// (TimerHZ), rounded up, before any backoff doubles it.
	rtoInTicks() bool

	// rttEveryACK reports whether every ACK of new data gives an RTT
	// sample, from the oldest segment it acknowledges (rttsample.go),
	// rather than one timed segment per round trip.
	rttEveryACK() bool

	// rttFromTimestamps reports whether an ACK that covers retransmitted
	// data gives an RTT sample from the timestamp it echoes (retransmit.go,
	// sampleEchoedRTT).
	rttFromTimestamps() bool

	// hystart reports whether CUBIC leaves slow start early on an ACK
	// train or a rising RTT (hystart.go).
	hystart() bool

	// nagleHolds reports whether Nagle's algorithm holds back a segment
	// shorter than the MSS, given SND.UNA, SND.NXT and the end of the last
	// such segment sent (sml).
	nagleHolds(una, nxt, sml wire.Seq) bool

	// gsoPackets reports whether new data goes out in GSO packets of
	// several segments, the last of each marked PSH (gso.go).
	gsoPackets() bool

	// receiveBuffer returns a connection's receive buffer, fresh, for a
	// host with settings cfg (rcvbuf.go).
	receiveBuffer(cfg *Config) rcvBuffer

	// delayedACKs returns a connection's delayed-ACK rules, fresh, for a
	// host with settings cfg (delack.go).
	delayedACKs(cfg *Config) ackRules
	// sendsFromReceivePath reports whether what a segment's arrival lets go
	// (an ACK due at once, data its ACK made room for) is sent from the
	// receive path, before the application runs, rather than at the next
	// Poll, after it.
	sendsFromReceivePath() bool

	// sendBuffer returns the send buffer's size, in bytes, as the handshake
	// completes or an ACK frees space a writer waits for: cur now, for a
	// host with settings cfg, a segment clamp of mss bytes and a congestion
	// window of cwndSegs segments (sndbuf.go).
	sendBuffer(cfg *Config, cur, mss, cwndSegs int) int
	// sendBufferFixed reports whether sendBuffer always returns cur for a
	// host with settings cfg: the buffer keeps its size, and an ACK need
	// not work out what it would grow to.
	sendBufferFixed(cfg *Config) bool
}

// rfcPolicy is the RFCs' behaviour.
type rfcPolicy struct{}

func (rfcPolicy) name() string { return "rfc" }

// probe: a zero-window probe is the next byte of new data (RFC 9293
// §3.8.6.1), or, when only the FIN is left, a bare ACK at SND.NXT; a
// keepalive is SEQ = SND.NXT−1 with no data (RFC 1122 §4.2.3.6: it SHOULD
// carry none), or one garbage byte when asked (the MAY of the same
// section, as BSD).
func (rfcPolicy) probe(kind probeKind, _, nxt, end wire.Seq, garbageByte bool) (wire.Seq, uint32) {
	if kind == keepaliveProbe {
		if garbageByte {
			return nxt.Add(^uint32(0)), 1
		}
		return nxt.Add(^uint32(0)), 0
	}
	if nxt.LessThan(end) {
		return nxt, 1
	}
	return nxt, 0
}

// resetOnGiveUp: RFC 1122 §4.2.3.6 and §4.2.3.5 abort without a RST: the
// peer is presumed unreachable.
func (rfcPolicy) resetOnGiveUp(probeKind) bool { return false }

// retriesExhausted: RFC 1122 §4.2.3.5's R2 as a count of timeouts.
func (rfcPolicy) retriesExhausted(retries, limit int, _ time.Duration) bool {
	return retries >= limit
}

// userTimeoutCovers: RFC 9293 §3.10.8: "For any state if a user timeout
// occurs …".
func (rfcPolicy) userTimeoutCovers(State) bool { return true }

// userTimeoutEndsProbing: RFC 1122 §4.2.2.17: while the peer answers, the
// sender "MUST allow the connection to stay open".
func (rfcPolicy) userTimeoutEndsProbing() bool { return false }

// rto: RFC 6298 (2.3) RTO = SRTT + max(G, 4·RTTVAR), (2.4) rounded up to
// the minimum, (2.5) at most the maximum.
func (rfcPolicy) rto(srtt, k, lo, hi time.Duration) time.Duration {
	return clampDuration(srtt+k, lo, hi)
}

// oneSegmentAfterSYN: RFC 5681 §3.1: after a lost SYN or SYN,ACK "the
// initial window used by a sender after a correctly transmitted SYN MUST
// be one segment".
func (rfcPolicy) oneSegmentAfterSYN(n int) bool { return n >= 1 }

// answerRetransmittedSYN: RFC 9293 §3.10.7.4: the repeated SYN is not
// acceptable (it lies before RCV.NXT) and gets an ACK; our SYN,ACK goes
// again when its own timer expires.
func (rfcPolicy) answerRetransmittedSYN() bool { return false }

// keepSACKedAfterRTO: RFC 2018 §8: "After a retransmit timeout the data
// sender SHOULD turn off all of the SACKed bits, since the timeout might
// indicate that the data receiver has reneged."
func (rfcPolicy) keepSACKedAfterRTO() bool { return false }

// impatientRTO: RFC 6582 §3.2 (3) resets the timer "only if this is the
// first partial ACK" (the Impatient variant it recommends).
func (rfcPolicy) impatientRTO() bool { return true }

// renoRecoversAsNewReno: the rfc profile's reno is RFC 5681 §3.2's, which
// ends recovery at the first ACK of new data, so that it can be held
// against NewReno (RFC 6582) and Tahoe in class.
func (rfcPolicy) renoRecoversAsNewReno() bool { return false }

// persistFromAnswer: RFC 9293 §3.8.6.1 and RFC 1122 §4.2.2.17 time the
// probes from one another ("increase exponentially the interval between
// successive probes"), as BSD's tcp_timer_persist does: an answer changes
// nothing.
func (rfcPolicy) persistFromAnswer() bool { return false }

// sackRescue: RFC 6675 §4 NextSeg's rules (3) and (4) are SHOULDs.
func (rfcPolicy) sackRescue() bool { return true }

// oowACKInterval: RFC 9293 §3.10.7.4 answers every unacceptable segment
// with an ACK; RFC 5961 §7's throttling is left to the implementation.
func (rfcPolicy) oowACKInterval() time.Duration { return 0 }

// validateCwnd: RFC 5681 §3.1 grows cwnd on every ACK of new data; RFC
// 7661's window validation is experimental and not part of the rfc profile.
func (rfcPolicy) validateCwnd() bool { return false }

// tailLossProbe: the RFCs the rfc profile follows (RFC 5681, RFC 6582, RFC
// 6298) repair a lost tail by the RTO; RFC 8985's probe is Linux's default.
func (rfcPolicy) tailLossProbe() bool { return false }

// duplicateUpdatesTSRecent: RFC 7323 §4.3 (2): only a segment with
// Last.ACK.sent inside it.
func (rfcPolicy) duplicateUpdatesTSRecent() bool { return false }

// timestampOnRST: the rfc profile sends no option on a RST (RFC 7323 §3.2
// requires TSopt only on non-<RST> segments; on a RST it is a SHOULD the
// profile has never taken, and its golden traces stay as they are).
func (rfcPolicy) timestampOnRST() bool { return false }

// activeResetACK: RFC 9293 §3.10.5's ABORT sends <SEQ=SND.NXT><CTL=RST>.
func (rfcPolicy) activeResetACK() bool { return false }

// rtoInTicks: RFC 6298 keeps the RTO as a duration; a host with ticking
// timers (timer_hz) only fires it on a tick.
func (rfcPolicy) rtoInTicks() bool { return false }

// rttEveryACK: RFC 6298 §3 times one segment at a time ("TCP MUST use
// Karn's algorithm for taking RTT samples"; the classic implementation
// times one segment per round trip).
func (rfcPolicy) rttEveryACK() bool { return false }

// hystart: RFC 9438 §4.10 leaves slow start to RFC 5681 and makes HyStart++
// (RFC 9406) optional; the rfc profile keeps RFC 5681's slow start.
func (rfcPolicy) hystart() bool { return false }

// rttFromTimestamps: Karn's algorithm (RFC 6298 §3): no sample from
// retransmitted data; RFC 7323 §4 allows the echo, but the rfc profile
// keeps one clock of samples.
func (rfcPolicy) rttFromTimestamps() bool { return false }

// nagleHolds: RFC 1122 §4.2.3.4 (RFC 896): while any data is
// unacknowledged.
func (rfcPolicy) nagleHolds(una, nxt, _ wire.Seq) bool { return una != nxt }

// gsoPackets: segment by segment; PSH marks where the application's data
// ends (RFC 9293 §3.9.1: the sender's own choice when not asked).
func (rfcPolicy) gsoPackets() bool { return false }

// receiveBuffer: RecvBuffer bytes of payload; the window is their free
// space (RFC 9293 §3.8.6).
func (rfcPolicy) receiveBuffer(cfg *Config) rcvBuffer { return rfcBuffer{size: uint32(cfg.RecvBuffer)} }

// delayedACKs: RFC 1122 §4.2.3.2 and RFC 5681 §4.2: an ACK waits at most
// DelayedACK, and goes at once for every second full-sized segment (and
// for the first QuickACKs, when a scenario asks for Linux's quick start).
func (rfcPolicy) delayedACKs(cfg *Config) ackRules {
	return &rfcACKs{delay: cfg.DelayedACK, quick: cfg.QuickACKs}
}

// sendsFromReceivePath: the RFCs describe segment processing and sending
// apart (RFC 9293 §3.10.7 answers with ACKs "sent" but does not say when);
// the application acts first, so its reply carries the ACK.
func (rfcPolicy) sendsFromReceivePath() bool { return false }

// sendBuffer: SendBuffer, for the connection's life.
func (rfcPolicy) sendBuffer(_ *Config, cur, _, _ int) int { return cur }

func (rfcPolicy) sendBufferFixed(*Config) bool { return true }

// linuxPolicy is what Linux 6.x does (net/ipv4/tcp_*.c), where it differs.
type linuxPolicy struct{}

func (linuxPolicy) name() string { return "linux" }

// probe is tcp_xmit_probe_skb: zero-length, SEQ = SND.UNA−1, a sequence
// number the peer has acknowledged, for both kinds (no garbage byte).
func (linuxPolicy) probe(_ probeKind, una, _, _ wire.Seq, _ bool) (wire.Seq, uint32) {
	return una.Add(^uint32(0)), 0
}

// resetOnGiveUp: tcp_keepalive_timer sends a RST (tcp_send_active_reset)
// before tcp_write_err; tcp_probe_timer only reports ETIMEDOUT.
func (linuxPolicy) resetOnGiveUp(kind probeKind) bool { return kind == keepaliveProbe }

// retriesExhausted is retransmits_timed_out: at least one timeout has
// passed since the last progress (icsk_retransmits), and since the first
// retransmission (retrans_stamp, set by tcp_retransmit_skb; a tail loss
// probe does not set it) at least as long as limit doublings of
// TCP_RTO_MIN, capped at TCP_RTO_MAX, take (tcp_model_timeout). It is
// asked when the RTO fires, before the segment is sent again.
func (linuxPolicy) retriesExhausted(retries, limit int, since time.Duration) bool {
	return retries > 0 && since >= linuxRetriesTimeout(limit)
}

// userTimeoutCovers: TCP_USER_TIMEOUT applies to data in synchronized
// states (tcp(7); SYN retries keep tcp_syn_retries).
func (linuxPolicy) userTimeoutCovers(s State) bool { return s.synchronized() }

// userTimeoutEndsProbing: tcp_probe_timer ends probing that has lasted the
// user timeout since the first probe (icsk_probes_tstamp), answered or not.
func (linuxPolicy) userTimeoutEndsProbing() bool { return true }

// rto is tcp_set_rto: SRTT + max(4·RTTVAR, TCP_RTO_MIN): the floor is on
// the variance term, so a 50 ms path gets 250 ms, not 200 ms.
func (linuxPolicy) rto(srtt, k, lo, hi time.Duration) time.Duration {
	return clampDuration(srtt+max(k, lo), 0, hi)
}

// oneSegmentAfterSYN is tcp_init_transfer: cwnd 1 only when total_retrans
// > 1 ("In light of RFC6298 more aggressive 1sec initRTO").
func (linuxPolicy) oneSegmentAfterSYN(n int) bool { return n > 1 }

// answerRetransmittedSYN is tcp_check_req: a retransmitted SYN means our
// SYN,ACK was probably lost, so it goes again at once (inet_rtx_syn_ack).
func (linuxPolicy) answerRetransmittedSYN() bool { return true }

// keepSACKedAfterRTO: tcp_enter_loss keeps the SACKed marks (and resends
// only what is not SACKed) unless the receiver is seen to renege.
func (linuxPolicy) keepSACKedAfterRTO() bool { return true }

// impatientRTO: tcp_clean_rtx_queue sets FLAG_SET_XMIT_TIMER for every ACK
// that acknowledges data, and tcp_ack rearms the RTO (or the loss probe)
// from it, in recovery as outside it.
func (linuxPolicy) impatientRTO() bool { return false }

// renoRecoversAsNewReno: Linux's "reno" module (tcp_reno_cong_avoid,
// tcp_reno_ssthresh) sets only the window; loss recovery is
// tcp_fastretrans_alert's for every module: SACK's when negotiated, else
// NewReno's partial-ACK handling (tcp_try_undo_partial, tcp_add_reno_sack).
func (linuxPolicy) renoRecoversAsNewReno() bool { return true }

// persistFromAnswer is tcp_ack_probe, which tcp_ack calls for an ACK that
// arrives with nothing in flight (no_queue): if the send head still does
// not fit the window, the probe timer is armed again for tcp_probe0_when
// (the base, max(RTO, TCP_RTO_MIN), shifted by icsk_backoff) from now. The
// probes are thus spaced by the interval plus a round trip, not by the
// interval alone.
func (linuxPolicy) persistFromAnswer() bool { return true }

// sackRescue: tcp_xmit_retransmit_queue resends only segments marked lost
// (the "forward retransmission" of not-yet-lost holes went in Linux 4.x);
// a tail loss is the loss probe's (tcp_schedule_loss_probe).
func (linuxPolicy) sackRescue() bool { return false }

// oowACKInterval is tcp_invalid_ratelimit (500 ms): tcp_validate_incoming
// answers an out-of-window pure ACK (a zero-window or keepalive probe among
// them) only if it answered none in the last 500 ms (tcp_oow_rate_limited),
// and tcp_send_challenge_ack shares the per-socket limit.
func (linuxPolicy) oowACKInterval() time.Duration { return 500 * time.Millisecond }

// validateCwnd: tcp_cong_avoid (Reno's, CUBIC's) returns early unless
// tcp_is_cwnd_limited: cwnd held back the last window sent
// (tcp_cwnd_validate), or in slow start cwnd is under twice the most in
// flight.
func (linuxPolicy) validateCwnd() bool { return true }

// tailLossProbe: tcp_early_retrans 3 (the default) enables TLP
// (tcp_schedule_loss_probe, tcp_send_loss_probe).
func (linuxPolicy) tailLossProbe() bool { return true }

// duplicateUpdatesTSRecent: tcp_sequence passes a segment whose end is
// not before rcv_wup, and tcp_replace_ts_recent stores its TSval.
func (linuxPolicy) duplicateUpdatesTSRecent() bool { return true }

// timestampOnRST: tcp_send_active_reset goes through tcp_transmit_skb,
// whose tcp_established_options adds TSopt (RFC 7323 §3.2's SHOULD);
// Linux 6.18's keepalive RST in failover carries it.
func (linuxPolicy) timestampOnRST() bool { return true }

// activeResetACK: tcp_send_active_reset builds the RST with
// tcp_init_nondata_skb(skb, tcp_acceptable_seq(sk), TCPHDR_ACK |
// TCPHDR_RST) and sends it through tcp_transmit_skb, which fills in the
// window and the options.
func (linuxPolicy) activeResetACK() bool { return true }

// rtoInTicks: icsk_rto is in jiffies (__tcp_set_rto: usecs_to_jiffies,
// rounding up), and the backoff shifts the jiffies (inet_csk_rto_backoff,
// tcp_probe0_when): a 244.8 ms RTO is 62 jiffies, backed off 124, not 123.
func (linuxPolicy) rtoInTicks() bool { return true }

// rttEveryACK is tcp_clean_rtx_queue: seq_rtt_us from the first skb the
// ACK acknowledges (first_ackt), on every ACK that acknowledges data sent
// once.
func (linuxPolicy) rttEveryACK() bool { return true }

// hystart is tcp_cubic.c's default: hystart = 1, hystart_detect = ACK train
// and delay (hystart.go).
func (linuxPolicy) hystart() bool { return true }

// rttFromTimestamps is tcp_ack_update_rtt's fallback to tcp_rtt_tsopt_us
// when the ACK covers retransmitted data (FLAG_RETRANS_DATA_ACKED).
func (linuxPolicy) rttFromTimestamps() bool { return true }

// nagleHolds is tcp_nagle_check with Minshall's variant
// (tcp_minshall_check): only while a segment shorter than the MSS is
// unacknowledged; full-sized ones in flight do not hold a short one back.
func (linuxPolicy) nagleHolds(una, nxt, sml wire.Seq) bool {
	return una.LessThan(sml) && sml.LessThanEq(nxt)
}

// gsoPackets: tcp_write_xmit builds packets of tcp_tso_autosize segments,
// and __tcp_transmit_skb forces PSH on each.
func (linuxPolicy) gsoPackets() bool { return true }

// receiveBuffer: SO_RCVBUF doubled, skb truesize, scaling_ratio,
// window_clamp and rcv_ssthresh (rcvbuf.go's linuxBuffer).
func (linuxPolicy) receiveBuffer(cfg *Config) rcvBuffer {
	return newLinuxBuffer(cfg.RecvBuffer, cfg.WindowScaling)
}

// delayedACKs: quick-ack and ping-pong modes, the adaptive ATO
// (tcp_event_data_recv, __tcp_ack_snd_check, tcp_send_delayed_ack,
// tcp_delack_timer_handler, __tcp_cleanup_rbuf): delack.go's linuxACKs.
func (linuxPolicy) delayedACKs(cfg *Config) ackRules { return newLinuxACKs(cfg) }

// sendsFromReceivePath: tcp_rcv_established ends with tcp_data_snd_check
// and tcp_ack_snd_check in softirq context, before the process that reads
// the socket runs: in quick-ack mode a pure ACK precedes the reply.
func (linuxPolicy) sendsFromReceivePath() bool { return true }

// sendBuffer: tcp_sndbuf_expand, from tcp_init_buffer_space and
// tcp_new_space, unless SO_SNDBUF locked the size (tcp_should_expand_sndbuf:
// SOCK_SNDBUF_LOCK): the profile's 16 KiB, tcp_wmem[1], stands for none set
// (sndbuf.go).
func (p linuxPolicy) sendBuffer(cfg *Config, cur, mss, cwndSegs int) int {
	if p.sendBufferFixed(cfg) {
		return cur
	}
	return linuxSndbufExpand(cur, mss, cwndSegs)
}

// sendBufferFixed: a SendBuffer other than the profile's stands for
// SO_SNDBUF.
func (linuxPolicy) sendBufferFixed(cfg *Config) bool { return cfg.SendBuffer != linuxDefaultSendBuffer }

// linuxRetriesTimeout is Linux's retransmits_timed_out for a boundary of n
// retries: the time n doublings of TCP_RTO_MIN (200 ms) take, each capped at
// TCP_RTO_MAX (120 s): 924.6 s for tcp_retries2 = 15.
func linuxRetriesTimeout(n int) sim.Duration {
	const rtoMin, rtoMax = 200 * time.Millisecond, 120 * time.Second
	var total sim.Duration
	rto := rtoMin
	for i := 0; i <= n; i++ {
		total += rto
		rto = min(2*rto, rtoMax)
	}
	return total
}
