package tcp

import (
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// sender is the send half of a connection's transmission control block: the
// send sequence variables of RFC 9293 §3.3.1, the retransmission state of
// RFC 6298, the probes that watch a stalled or idle connection, and the
// congestion window with the loss recovery that moves it (RFC 5681, RFC
// 6582, RFC 2018). It is embedded in Conn, so its fields keep their RFC
// names there (c.sndUna); methods that need only the sender are defined on
// it, so the compiler shows what they cannot touch.
//
// As in gVisor's snd.go, the congestion-control algorithm and the loss
// recovery are interfaces chosen once per connection (newConn and
// initLossRecovery); unlike it, neither writes the sender's fields: they
// return values the sender applies (recovery.go).
type sender struct {
	// Send sequence variables (RFC 9293 §3.3.1).

	// iss is the initial send sequence number.
	iss wire.Seq
	// synAcked: our SYN has been acknowledged. SND.UNA = ISS alone does
	// not say it is not: after 2^32 bytes SND.UNA comes back to ISS
	// (RFC 9293 §3.4, sequence numbers modulo 2^32).
	synAcked bool
	// sndUna (SND.UNA) is the oldest unacknowledged sequence number.
	sndUna wire.Seq
	// sndNxt (SND.NXT) is the next sequence number to send; an RTO rewinds
	// it to SND.UNA.
	sndNxt wire.Seq
	// sndMax is one past the highest sequence number ever sent; rewinding
	// SND.NXT leaves it.
	sndMax wire.Seq
	// sndWnd (SND.WND) is the peer's receive window in bytes, after scaling.
	sndWnd uint32
	// sndWl1 (SND.WL1) is the segment sequence number of the last window update.
	sndWl1 wire.Seq
	// sndWl2 (SND.WL2) is the acknowledgment number of the last window update.
	sndWl2 wire.Seq
	// maxSndWnd is the largest window the peer has offered, in bytes (RFC
	// 9293 §3.8.6.2.1's max(SND.WND)).
	maxSndWnd uint32
	// sndEnd is one past the last byte the application has written.
	sndEnd wire.Seq
	// sndBuf is the send buffer's size in bytes (Linux's sk_sndbuf):
	// Config.SendBuffer, grown by the policy as the handshake completes and
	// as cwnd grows (sndbuf.go). sndBufShort is set when a write found less
	// room than it asked for (Linux's SOCK_NOSPACE).
	sndBuf      int
	sndBufShort bool
	// sndSml is the end of the last new segment sent shorter than the MSS
	// (Linux's snd_sml, tcp_minshall_update), for the Nagle rule.
	sndSml wire.Seq
	// finQueued is set once the application closed: a FIN follows the data, at sndEnd.
	finQueued bool
	// synSent is set once our SYN (or SYN,ACK) has been sent, and cleared
	// when it must go again.
	synSent bool
	// sndMSS is the largest segment we may send, in bytes (RFC 9293
	// §3.7.1's Eff.snd.MSS, less the timestamps option when in use).
	sndMSS uint32
	// sndWscale is the shift applied to windows we receive (RFC 7323
	// §2.3); 0 unless both sides offered window scaling.
	sndWscale uint8
	// tsOffset is added to the millisecond clock for the TSval we send, one
	// random offset per connection (Linux since 4.10; RFC 7323 §5.4 leaves
	// the clock's origin open).
	tsOffset uint32

	// Retransmission (RFC 6298).

	// rtt estimates the round-trip time and gives the RTO before backoff.
	rtt rttEstimator
	// backoff is how many RTO doublings are in force (RFC 6298 (5.5)); 0
	// after a valid RTT sample.
	backoff int
	// retries counts consecutive RTO expiries without progress, against
	// the retry limits.
	retries int
	// synRetrans is set when the SYN or SYN,ACK was retransmitted (RFC 6298 (5.7)).
	synRetrans bool
	// synRetransmits counts how many times the RTO resent the SYN or SYN,ACK.
	synRetransmits int
	// rttTiming is set while a segment is being timed (Karn's algorithm).
	rttTiming bool
	// rttSeq is the sequence number SND.UNA must pass to acknowledge the
	// timed segment.
	rttSeq wire.Seq
	// rttSentAt is when the timed segment was sent.
	rttSentAt sim.Time
	// retxHigh is the end of the highest data sent more than once; ackTSecr
	// the timestamp echoed by the ACK being processed (0: none).
	retxHigh wire.Seq
	ackTSecr uint32
	// retransmits counts the segments sent again, of any kind.
	retransmits uint64
	// retransStamp is when the first retransmission of the current stall
	// went (Linux's retrans_stamp), or sim.Never: the linux retry budget
	// counts from it. A tail loss probe does not set it.
	retransStamp sim.Time
	// rtoAt is when the retransmission timeout is due: the retransmission
	// timer's deadline, unless the timer is armed for a loss probe.
	rtoAt sim.Time
	// stallSince is when the oldest unacknowledged data was sent (or, once
	// data is acknowledged with more outstanding, when that ACK came: the
	// next segment's own send time is not kept); the time-based limits
	// count from it.
	stallSince sim.Time

	// Tail loss probe (tlp.go).

	// tlpArmed is set while the retransmission timer runs for a loss
	// probe (its PTO) rather than the RTO.
	tlpArmed bool
	// tlpOut is set while a probe is outstanding (Linux's tlp_high_seq ≠ 0);
	// tlpHigh is SND.NXT when it went, tlpRetrans whether it resent data.
	tlpOut, tlpRetrans bool
	tlpHigh            wire.Seq
	// lastSegStart is where the highest segment of data (or the FIN) sent
	// so far begins: what a probe sends again.
	lastSegStart wire.Seq

	// Zero-window probes (persist.go) and keepalive probes (keepalive.go).

	// persistBackoff is how many times the probe interval has doubled.
	persistBackoff int
	// probesOut counts zero-window probes sent since the last ACK.
	probesOut int
	// persistN counts zero-window probes sent in this stall, for their ordinals.
	persistN int
	// probeFrom and probeTo bound the bytes sent so far only as zero-window
	// probes, [probeFrom, probeTo), beyond the data sent otherwise (a
	// probe carrying the next byte, RFC 9293 §3.8.6.1); empty when equal.
	// Data that starts there is sent as the data it is, not as a
	// retransmission.
	probeFrom, probeTo wire.Seq
	// persistSince is when the first probe of this zero-window spell went;
	// sim.Never otherwise.
	persistSince sim.Time
	// kaProbesOut counts keepalive probes sent since the peer was last heard.
	kaProbesOut int

	// Congestion control and loss recovery (RFC 5681, RFC 6582, RFC 2018).

	// cc is the window-growth algorithm, chosen in newConn.
	cc congestionControl
	// lr is the loss recovery, chosen once the handshake has settled
	// whether SACK is in use (initLossRecovery); nil before.
	lr lossRecovery
	// sack is lr when it is the SACK scoreboard's, nil otherwise: the one
	// strategy whose pipe decides what is sent, which names holes to
	// resend and takes SACK blocks. The send path asks it directly, and
	// skips asking the others on every ACK and output.
	sack *sackRecovery
	// cumulative is where lr points when SACK is not in use: kept in the
	// connection so that the common choice allocates nothing.
	cumulative cumulativeRecovery
	// cwndOff is set under the none algorithm: cwnd does not limit what is
	// sent (flow control only).
	cwndOff bool
	// cwnd is the congestion window, in bytes.
	cwnd uint32
	// ssthresh is the slow-start threshold, in bytes; "arbitrarily high"
	// (MaxUint32) until the first loss (RFC 5681 §3.1).
	ssthresh uint32
	// resend is what loss recovery has asked output to retransmit next.
	resend resendSet
	// limitedTransmit is how many bytes beyond cwnd new data may take, on
	// the first and second duplicate ACK (RFC 3042); 0 otherwise.
	limitedTransmit uint32

	// Congestion window validation (the policy's validateCwnd; Linux's
	// tcp_cwnd_validate): cwnd grows only while it limits what is sent.

	// validatesCwnd is the policy's answer, taken when the connection is made.
	validatesCwnd bool
	// cwndLimited is set when the last window of data was held back by
	// cwnd (Linux's is_cwnd_limited).
	cwndLimited bool
	// maxInFlight is the most in flight, in bytes, in the current window
	// (max_packets_out); cwndUsageSeq is SND.NXT when the window began.
	maxInFlight  uint32
	cwndUsageSeq wire.Seq

	// asks holds the policy's answers that every ACK and every segment
	// would otherwise ask it again, through the interface.
	asks policyAnswers
}

// policyAnswers are the policy's answers the send path needs on every ACK
// or segment, taken once when the connection is made: the host's policy
// never changes, and its methods answer the same every time.
type policyAnswers struct {
	gsoPackets        bool // output: new data in GSO packets (gso.go)
	rttEveryACK       bool // every ACK of new data gives an RTT sample (rttsample.go)
	tailLossProbe     bool // a tail loss probe may be armed (tlp.go)
	persistFromAnswer bool // an ACK that finds nothing in flight restarts the persist timer (persist.go)
	fixedSendBuffer   bool // the send buffer keeps its size (sndbuf.go)
	hystart           bool // CUBIC's slow start ends by HyStart (hystart.go)
}

// answersOf takes the answers of policy p for a host with settings cfg.
func answersOf(p policy, cfg *Config) policyAnswers {
	return policyAnswers{gsoPackets: p.gsoPackets(), rttEveryACK: p.rttEveryACK(),
		tailLossProbe: p.tailLossProbe(), persistFromAnswer: p.persistFromAnswer(),
		fixedSendBuffer: p.sendBufferFixed(cfg), hystart: p.hystart()}
}

// newSender returns the send side of a connection whose initial sequence
// number is iss, before any segment has been exchanged, under policy p on
// a host with settings cfg.
func newSender(iss wire.Seq, rtt rttEstimator, p policy, cfg *Config) sender {
	cc := cfg.CongestionControl
	return sender{
		validatesCwnd: p.validateCwnd(),
		asks:          answersOf(p, cfg),
		iss:           iss, sndUna: iss, sndNxt: iss, sndMax: iss, sndEnd: iss.Add(1), lastSegStart: iss, sndSml: iss, retxHigh: iss,
		sndMSS:       536, // RFC 9293 §3.7.1: the default when the peer sends no MSS option
		rtt:          rtt,
		persistSince: sim.Never,
		retransStamp: sim.Never,
		cc:           newCongestionControl(cc),
		cwndOff:      cc == CCNone,
		ssthresh:     ^uint32(0), // RFC 5681 §3.1: "arbitrarily high"
	}
}

// dataUna is the first unacknowledged data byte: SND.UNA, past the SYN.
func (s *sender) dataUna() wire.Seq {
	if !s.synAcked {
		return s.iss.Add(1)
	}
	return s.sndUna
}

// flightSize returns the bytes sent and not yet acknowledged (RFC 5681's FlightSize).
func (s *sender) flightSize() uint32 { return s.sndUna.Size(s.sndMax) }

// sndWndLimit returns the right edge of what may be sent: SND.UNA plus the
// smaller of the peer's window and the congestion window, which limited
// transmit extends for new data (RFC 3042 §2) and the none algorithm
// ignores.
func (s *sender) sndWndLimit() wire.Seq {
	if s.cwndOff {
		return s.sndUna.Add(s.sndWnd)
	}
	if s.sack != nil && s.sack.pipeGoverns() {
		if pipe, ok := s.sack.pipe(s.flight()); ok {
			// RFC 6675 §5 (3.3), (C): a segment may go while cwnd − pipe
			// ≥ 1 SMSS; SND.NXT is SND.MAX then (recovery waits for
			// SND.UNA to pass "recover" after an RTO).
			if s.cwnd < pipe || s.cwnd-pipe < s.sndMSS {
				return wire.Min(s.sndNxt, s.sndUna.Add(s.sndWnd))
			}
			return wire.Min(s.sndNxt.Add(s.cwnd-pipe), s.sndUna.Add(s.sndWnd))
		}
	}
	cwnd := s.cwnd
	if s.limitedTransmit > 0 && s.sndNxt == s.sndMax {
		cwnd += s.limitedTransmit // only previously unsent data
	}
	return s.sndUna.Add(min(s.sndWnd, cwnd))
}

// finAcked reports whether our FIN has been sent and acknowledged.
func (s *sender) finAcked() bool {
	return s.finQueued && s.sndUna == s.sndEnd.Add(1)
}

// flight returns what loss recovery decides from: a copy of the sender's
// variables, so that recovery reads them and never writes them.
func (s *sender) flight() flight {
	return flight{una: s.sndUna, max: s.sndMax, end: s.sndEnd, mss: s.sndMSS, cwnd: s.cwnd, ssthresh: s.ssthresh,
		srtt: s.rtt.srtt, stalled: s.validatesCwnd && !s.isCwndLimited()}
}

// cwndValidate is tcp_cwnd_validate, after output: it remembers whether the
// window of data now going was held back by cwnd (limited), and otherwise
// the most that was in flight in it, for isCwndLimited.
func (s *sender) cwndValidate(limited bool) {
	inFlight := s.flightSize()
	if !s.sndUna.LessThan(s.cwndUsageSeq) || limited || !s.cwndLimited && inFlight > s.maxInFlight {
		s.cwndLimited = limited
		s.maxInFlight = inFlight
		s.cwndUsageSeq = s.sndNxt
	}
}

// isCwndLimited is tcp_is_cwnd_limited: cwnd held back the last window of
// data, or, in slow start, cwnd is less than twice the most in flight
// (so slow start may still double it).
func (s *sender) isCwndLimited() bool {
	return s.cwndLimited || s.cwnd < s.ssthresh && s.cwnd < 2*s.maxInFlight
}

// apply takes loss recovery's decision: the new windows, what to resend,
// and how far limited transmit may go beyond cwnd until the next event.
func (s *sender) apply(d decision) {
	s.cwnd, s.ssthresh = d.cwnd, d.ssthresh
	s.resend |= d.resend
	s.limitedTransmit = d.limitedTransmit
}

// sampleRTT takes an RTT sample when the timed segment is acknowledged,
// and reports whether it did.
func (s *sender) sampleRTT(now sim.Time, ack wire.Seq) bool {
	if s.rttTiming && s.rttSeq.LessThanEq(ack) {
		s.rttTiming = false
		s.rtt.sample(now.Sub(s.rttSentAt))
		s.backoff = 0 // RFC 6298 §5: a new measurement collapses the backed-off RTO
		return true
	}
	return false
}

// rto returns the current timeout with backoff applied.
func (s *sender) rto() sim.Duration { return s.rtt.backedOff(s.backoff) }
