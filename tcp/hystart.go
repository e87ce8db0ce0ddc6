package tcp

import (
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// HyStart (Ha and Rhee, "Taming the elephants", 2011), as Linux's CUBIC
// runs it by default (net/ipv4/tcp_cubic.c: hystart = 1, hystart_detect =
// HYSTART_ACK_TRAIN | HYSTART_DELAY): slow start ends early, ssthresh =
// cwnd, when within one round trip
//
//   - the ACKs of the round, arriving no more than hystart_ack_delta_us
//     (2 ms) apart, stretch over more than half the smallest RTT plus the
//     ACK delay allowance (the ACK train: the flight fills the path); or
//   - the smallest of the round's first HYSTART_MIN_SAMPLES (8) RTT samples
//     exceeds the smallest RTT ever seen by more than
//     clamp(delay_min/8, 4 ms, 16 ms) (the delay: a queue is building).
//
// Both apply only from a window of hystart_low_window (16) segments on. A
// round starts when SND.UNA passes the SND.NXT recorded at the last one's
// start (bictcp_hystart_reset). Only the linux profile does this: RFC 9438
// §4.10 leaves slow start to RFC 5681 and makes HyStart++ (RFC 9406)
// optional, and the rfc profile keeps to RFC 5681's slow start.
//
// The RTT samples are Linux's ca_rtt_us (tcp_clean_rtx_queue, passed to
// cubictcp_acked as ack_sample.rtt_us): the age of the newest segment the
// ACK covers in full, or the echoed timestamp's when the ACK covers
// retransmitted data. SACKed segments also give Linux a sample
// (sack->last_sackt); here they do not.

// Linux's HyStart parameters (tcp_cubic.c).
const (
	hystartLowWindow   = 16                    // hystart_low_window, segments
	hystartACKDelta    = 2 * time.Millisecond  // hystart_ack_delta_us
	hystartMinSamples  = 8                     // HYSTART_MIN_SAMPLES
	hystartDelayMin    = 4 * time.Millisecond  // HYSTART_DELAY_MIN
	hystartDelayMax    = 16 * time.Millisecond // HYSTART_DELAY_MAX
	hystartGSOMaxSize  = 65536                 // sk_gso_max_size: GSO_LEGACY_MAX_SIZE, a TUN's or veth's
	hystartAckDelayCap = time.Millisecond      // hystart_ack_delay's USEC_PER_MSEC
)

// hystart is CUBIC's HyStart state (struct bictcp's round_start, end_seq,
// last_ack, curr_rtt, sample_cnt, found and delay_min).
type hystart struct {
	// found is set once HyStart has ended slow start; it stays set until
	// a timeout (cubictcp_state, TCP_CA_Loss) resets everything.
	found bool
	// started is set once the first round was started (cubictcp_init).
	started bool
	// roundStart is when the current round began; lastACK is when the
	// last ACK of the current train came.
	roundStart, lastACK sim.Time
	// endSeq is SND.NXT when the round began: the round ends when SND.UNA
	// passes it.
	endSeq wire.Seq
	// currRTT is the smallest RTT sample of the round (0: none yet);
	// samples counts the samples taken in it, up to hystartMinSamples.
	currRTT time.Duration
	samples int
	// delayMin is the smallest RTT sample (0: none yet).
	delayMin time.Duration
}

// reset is bictcp_hystart_reset: a new round starts now, ending when
// SND.UNA passes sndNxt.
func (h *hystart) reset(now sim.Time, sndNxt wire.Seq) {
	h.roundStart, h.lastACK = now, now
	h.endSeq = sndNxt
	h.currRTT = 0
	h.samples = 0
}

// lossReset is cubictcp_state on TCP_CA_Loss: bictcp_reset clears
// delay_min and found, bictcp_hystart_reset starts a round.
func (h *hystart) lossReset(now sim.Time, sndNxt wire.Seq) {
	*h = hystart{started: true}
	h.reset(now, sndNxt)
}

// ackDelay is hystart_ack_delay: the time a GSO packet's worth of four
// takes at the pacing rate, at most 1 ms. The pacing rate is
// tcp_update_pacing_rate's in slow start: 200 % (tcp_pacing_ss_ratio) of
// cwnd/SRTT.
func ackDelay(cwnd uint32, srtt time.Duration) time.Duration {
	if srtt <= 0 || cwnd == 0 {
		return 0
	}
	// rate = 2·cwnd/srtt bytes/s; 4·GSO bytes take 4·GSO·srtt/(2·cwnd).
	d := time.Duration(int64(4*hystartGSOMaxSize) * int64(srtt) / (2 * int64(cwnd)))
	return min(d, hystartAckDelayCap)
}

// acked is cubictcp_acked and hystart_update for an ACK with RTT sample
// delay (negative: none) at now. It returns true when HyStart ends slow
// start: the caller sets ssthresh = cwnd. inSlowStart is cwnd < ssthresh;
// epochAge is how long CUBIC's congestion-avoidance epoch has run (-1: none).
func (h *hystart) acked(now sim.Time, delay time.Duration, f flight, sndNxt wire.Seq, epochAge time.Duration) bool {
	if delay < 0 {
		return false // "Some calls are for duplicates without timestamps"
	}
	// "Discard delay samples right after fast recovery": within a second
	// (HZ jiffies) of the epoch's start.
	if epochAge >= 0 && epochAge < time.Second {
		return false
	}
	// Linux counts microseconds: a sample of 0 is 1 µs.
	delay = max(delay.Truncate(time.Microsecond), time.Microsecond)
	if h.delayMin == 0 || h.delayMin > delay {
		h.delayMin = delay
	}
	if h.found || f.cwnd >= f.ssthresh {
		return false
	}
	// hystart_update.
	if !h.started || h.endSeq.LessThan(f.una) { // after(snd_una, end_seq)
		h.started = true
		h.reset(now, sndNxt)
	}
	if f.cwnd < hystartLowWindow*f.mss {
		return false
	}
	// HYSTART_ACK_TRAIN.
	if now.Sub(h.lastACK) <= hystartACKDelta {
		h.lastACK = now
		// The socket is not paced (SK_PACING_NONE without fq): half.
		threshold := (h.delayMin + ackDelay(f.cwnd, f.srtt)) / 2
		threshold = threshold.Truncate(time.Microsecond)
		if now.Sub(h.roundStart) > threshold {
			h.found = true
			return true
		}
	}
	// HYSTART_DELAY.
	if h.currRTT == 0 || h.currRTT > delay {
		h.currRTT = delay
	}
	if h.samples < hystartMinSamples {
		h.samples++
		return false
	}
	thresh := min(max((h.delayMin/8).Truncate(time.Microsecond), hystartDelayMin), hystartDelayMax)
	if h.currRTT > h.delayMin+thresh {
		h.found = true
		return true
	}
	return false
}

// hystartAcked hands an ACK's RTT sample (negative: none) to HyStart, when
// the connection runs CUBIC under a policy that has it. Linux calls it from
// tcp_clean_rtx_queue (pkts_acked), before tcp_cong_control grows the
// window for the same ACK.
func (c *Conn) hystartAcked(now sim.Time, delay time.Duration) {
	if c.asks.hystart { // inlined: the rfc policy has none
		c.hystartSample(now, delay)
	}
}

// hystartSample is hystartAcked under a policy that has HyStart.
func (c *Conn) hystartSample(now sim.Time, delay time.Duration) {
	cu, ok := c.cc.(*cubic)
	if !ok {
		return
	}
	epochAge := time.Duration(-1)
	if cu.inEpoch {
		epochAge = now.Sub(cu.epochStart)
	}
	if cu.hs.acked(now, delay, c.flight(), c.sndNxt, epochAge) {
		c.ssthresh = c.cwnd // tp->snd_ssthresh = tcp_snd_cwnd(tp)
	}
}
