package tcp

import (
	"math"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// labeler is what the trace needs beyond TCP's own state: the labels that
// say what a segment is (a retransmission, a duplicate ACK, a window
// update, a probe) and the values last written as "var" records. TCP's
// own decisions never read it (the input path only notes why the next ACK
// goes, in ackLabel and ackForProbe); removing tracing would remove it
// whole. Labels are computed by label, which changes nothing; send's
// commit step then records what was sent (output.go).
type labeler struct {
	// ackLabel is the label the next pure ACK carries: why it is sent
	// (delayed, answering a keepalive).
	ackLabel trace.Label
	// ackForProbe is set when the ACK owed answers a probe: it repeats the
	// last ACK but duplicates nothing.
	ackForProbe bool
	// lastAckSent is the acknowledgment number of the last segment sent
	// with ACK; meaningful once ackSent is set.
	lastAckSent wire.Seq
	// lastWinSent is the window, in bytes, that segment advertised.
	lastWinSent uint32
	// dupAckCount counts the duplicate ACKs sent in a row for lastAckSent.
	dupAckCount int32
	// ackSent is set once a segment with ACK has been sent.
	ackSent bool

	// The values last written to the trace as "var" records, so that only
	// changes are written: cwnd, ssthresh, SND.WND and the receive buffer
	// in bytes, the RTO in nanoseconds.
	tracedCwnd, tracedSsthresh, tracedSndWnd uint32
	tracedRcvBuf                             uint32
	tracedRTO                                int64
	// tracedPipe is the pipe last written, valid while pipeTraced: pipe is
	// written only while SACK recovery (or limited transmit before it)
	// reckons with it.
	tracedPipe uint32
	pipeTraced bool
}

// labelOf is the label each kind of probe carries.
var labelOf = [...]trace.Label{notProbe: 0, zeroWindowProbe: trace.LabelZeroWindowProbe, keepaliveProbe: trace.LabelKeepalive}

// label returns the labels and ordinal of the segment p, of SEG.LEN
// segLen, built to carry labels from its caller, and the count of
// duplicate ACKs in a row it leaves; retx and probeResent are p's
// isRetransmission and isProbeByteResent. It reads the sender's,
// receiver's and labeler's state and changes none of it.
func (c *Conn) label(p *trace.Packet, segLen uint32, labels trace.Label, probe probeKind, retx, probeResent bool) (trace.Label, int32, int32) {
	s := &p.Seg
	labels |= labelOf[probe]
	var n int32
	switch {
	case probeResent:
		labels |= trace.LabelProbeByteResent
	case retx:
		labels |= trace.LabelRetransmission
	}
	dups := c.dupAckCount
	// Labels for the receiver side: duplicate ACKs, window updates, zero windows.
	switch {
	case s.Flags&wire.ACK == 0:
	case segLen > 0 || s.Flags&wire.RST != 0 || probe != notProbe:
		dups = 0 // no pure ACK: no duplicate either
	default: // a pure ACK
		labels |= c.ackLabel
		switch {
		case c.ackForProbe:
			// The answer to a probe repeats the last ACK but duplicates nothing.
		case c.ackLabel.Has(trace.LabelACKOfDuplicate):
			// The ACK of a resent segment: not a duplicate at the data
			// sender, and it ends a run of duplicates.
			dups = 0
		case s.Ack == c.lastAckSent && p.Win == c.lastWinSent && c.ackSent:
			dups++
			labels |= trace.LabelDupACK
			n = dups
		case s.Ack == c.lastAckSent && p.Win > c.lastWinSent:
			labels |= trace.LabelWindowUpdate
			dups = 0
		default:
			dups = 0
		}
	}
	switch probe {
	case zeroWindowProbe:
		n = int32(c.persistN)
	case keepaliveProbe:
		n = int32(c.kaProbesOut)
	}
	if p.Win == 0 && s.Flags&wire.RST == 0 {
		labels |= trace.LabelZeroWindow
	}
	return labels, n, dups
}

// ackLabelled records that a segment with ACK went: what it acknowledged
// and advertised, and the duplicate count label computed.
func (l *labeler) ackLabelled(ack wire.Seq, win uint32, dups int32) {
	l.dupAckCount = dups
	l.lastAckSent, l.lastWinSent, l.ackSent = ack, win, true
	l.ackLabel, l.ackForProbe = 0, false
}

// traceVars writes "var" records for congestion and window variables that
// changed. The test is inlined where it is called: nobody reads them, and
// not even the comparisons are made, in most runs.
func (c *Conn) traceVars(now sim.Time) {
	if c.h.reads.Has(trace.KindVar) {
		c.traceChangedVars(now)
	}
}

// traceChangedVars is traceVars once someone reads the records.
func (c *Conn) traceChangedVars(now sim.Time) {
	h := c.h
	if c.cwnd != c.tracedCwnd && !c.cwndOff { // none has no congestion window to show
		c.tracedCwnd = c.cwnd
		h.varRecord(now, c, trace.VarCwnd, int64(c.cwnd))
	}
	if c.ssthresh != c.tracedSsthresh {
		c.tracedSsthresh = c.ssthresh
		v := int64(c.ssthresh)
		if c.ssthresh == math.MaxUint32 {
			v = -1
		}
		h.varRecord(now, c, trace.VarSsthresh, v)
	}
	if c.rcvUnread != c.tracedRcvBuf {
		c.tracedRcvBuf = c.rcvUnread
		h.varRecord(now, c, trace.VarRcvBuffer, int64(c.rcvUnread))
	}
	if c.sndWnd != c.tracedSndWnd {
		c.tracedSndWnd = c.sndWnd
		h.varRecord(now, c, trace.VarSndWnd, int64(c.sndWnd))
	}
	if c.sackOK {
		// RFC 6675's pipe, while it governs what is sent (SetPipe, §4).
		if pipe, ok := c.lr.pipe(c.flight()); !ok {
			c.pipeTraced = false
		} else if !c.pipeTraced || pipe != c.tracedPipe {
			c.tracedPipe, c.pipeTraced = pipe, true
			h.varRecord(now, c, trace.VarPipe, int64(pipe))
		}
	}
	if rto := int64(c.rtt.backedOff(c.backoff)); rto != c.tracedRTO {
		c.tracedRTO = rto
		h.varRecord(now, c, trace.VarRTO, rto)
		if c.rtt.samples > 0 {
			h.varRecord(now, c, trace.VarSRTT, int64(c.rtt.srtt))
		}
	}
}
