package catalog

import (
	"fmt"
	"strings"

	"github.com/tcpsim/tcpsim/trace"
)

// Str returns message m as it is (for messages without verbs).
func (c *Phrases) Str(m Msg) string { return c[m] }

// Appendf appends message m formatted with args to b.
func (c *Phrases) Appendf(b []byte, m Msg, args ...any) []byte {
	return fmt.Appendf(b, c[m], args...)
}

// Sprintf returns message m formatted with args.
func (c *Phrases) Sprintf(m Msg, args ...any) string {
	return fmt.Sprintf(c[m], args...)
}

// DropReason returns why a segment to receiver was dropped, in c's
// language; a drop rule's reason is the scenario's text as it is.
func (c *Phrases) DropReason(d trace.Drop, receiver string) string {
	switch d.Code {
	case trace.DropLinkDown:
		return c.Str(MsgReasonLinkDown)
	case trace.DropRandomLoss:
		return c.Str(MsgReasonRandomLoss)
	case trace.DropQueueFull:
		return c.Str(MsgReasonQueueFull)
	case trace.DropMTU:
		return c.Sprintf(MsgReasonMTU, d.Size, d.MTU)
	case trace.DropReceiverDown:
		return c.Sprintf(MsgReasonReceiverDown, receiver)
	case trace.DropBurstLoss:
		return c.Str(MsgReasonBurstLoss)
	case trace.DropCorrupted:
		return c.Str(MsgReasonCorrupted)
	default:
		return d.Text(receiver)
	}
}

// abortReasons maps each abort cause to its phrase.
var abortReasons = [...]Msg{
	trace.AbortTimedOut:         MsgReasonTimedOut,
	trace.AbortReset:            MsgReasonReset,
	trace.AbortRefused:          MsgReasonRefused,
	trace.AbortByApplication:    MsgReasonAbortedByApp,
	trace.AbortKeepaliveTimeout: MsgReasonKeepaliveTimeout,
	trace.AbortUserTimeout:      MsgReasonUserTimeout,
}

// AbortReason returns why a connection was aborted, in c's language.
func (c *Phrases) AbortReason(a trace.AbortCause) string {
	if int(a) < len(abortReasons) && a != 0 {
		return c.Str(abortReasons[a])
	}
	return a.String()
}

// AppNote returns the note for an application call.
// MessageNote returns the note for an application message: "sends GET /1
// HTTP/1.1 (71 bytes)", "has read HTTP/1.1 200 OK (1083 bytes)".
func (c *Phrases) MessageNote(r *trace.Record) string {
	first, _, _ := strings.Cut(r.Text, "\r\n")
	if r.Msg == trace.MsgRecv {
		return c.Sprintf(MsgMessageRead, first, r.Value)
	}
	return c.Sprintf(MsgMessageSent, first, r.Value)
}

// AppNote returns the note for an application call.
func (c *Phrases) AppNote(r *trace.Record) string {
	switch r.App {
	case trace.AppConnect:
		return c.Str(MsgAppConnect)
	case trace.AppListen:
		return c.Str(MsgAppListen)
	case trace.AppWrite:
		return c.Sprintf(MsgAppWrite, r.Value)
	case trace.AppRead:
		return c.Sprintf(MsgAppRead, r.Value)
	case trace.AppClose:
		return c.Str(MsgAppClose)
	case trace.AppAbort:
		return c.Str(MsgAppAbort)
	}
	return c.Sprintf(MsgAppOther, r.App)
}

// HostNote returns the note for a host event.
func (c *Phrases) HostNote(r *trace.Record) string {
	switch r.Host {
	case trace.HostCrash:
		return c.Sprintf(MsgHostCrash, r.Node)
	case trace.HostReboot:
		return c.Sprintf(MsgHostReboot, r.Node)
	}
	return c.Sprintf(MsgHostOther, r.Node, r.Host)
}

// LinkNote returns the note for a link event: "link client→server down".
func (c *Phrases) LinkNote(r *trace.Record) string {
	name := r.Node
	if r.Peer != "" {
		name += "→" + r.Peer
	}
	switch r.Link {
	case trace.LinkDown:
		return c.Sprintf(MsgLinkDown, name)
	case trace.LinkUp:
		return c.Sprintf(MsgLinkUp, name)
	case trace.LinkReroute:
		return c.Sprintf(MsgLinkReroute, name)
	}
	return c.Sprintf(MsgLinkOther, name, r.Link)
}

// LabelPhrases appends the phrases for p's labels to ps: the words every
// output (ladder, diagrams, text diagrams) puts beside a segment.
func (c *Phrases) LabelPhrases(ps []string, p *trace.Packet) []string {
	lb := p.Labels
	add := func(m Msg, ordinal bool) {
		if ordinal && p.N > 0 {
			ps = append(ps, c.Sprintf(m+1, p.N)) // the ordinal form follows
			return
		}
		ps = append(ps, c.Str(m))
	}
	switch {
	case lb.Has(trace.LabelFastRetransmission):
		add(MsgFastRetransmission, false)
	case lb.Has(trace.LabelRetransmission):
		add(MsgRetransmission, false)
	}
	for _, l := range []struct {
		label   trace.Label
		m       Msg
		ordinal bool
	}{
		{trace.LabelDupACK, MsgDupACK, true},
		{trace.LabelZeroWindowProbe, MsgZeroWindowProbe, true},
		{trace.LabelZeroWindow, MsgZeroWindow, false},
		{trace.LabelWindowUpdate, MsgWindowUpdate, false},
		{trace.LabelKeepalive, MsgKeepalive, true},
		{trace.LabelKeepaliveACK, MsgKeepaliveACK, false},
		{trace.LabelDelayedACK, MsgDelayedACK, false},
		{trace.LabelACKOfDuplicate, MsgACKOfDuplicate, false},
		{trace.LabelProbeByteResent, MsgProbeByteResent, false},
		{trace.LabelNetworkDuplicate, MsgNetworkDuplicate, false},
		{trace.LabelTLP, MsgTLP, false},
		{trace.LabelSpuriousRetransmission, MsgSpuriousRetrans, false},
	} {
		if lb.Has(l.label) {
			add(l.m, l.ordinal)
		}
	}
	return ps
}

// EndReason returns why the run ended; false for a reason it has no
// phrase for.
func (c *Phrases) EndReason(e trace.EndReason) (string, bool) {
	switch e {
	case trace.EndFinished:
		return c.Str(MsgEndFinished), true
	case trace.EndTimeLimit:
		return c.Str(MsgEndTimeLimit), true
	case trace.EndBudgetExhausted:
		return c.Str(MsgEndBudget), true
	}
	return "", false
}

// TimerName returns the short name of a timer: "RTO", "persist".
func (c *Phrases) TimerName(t trace.Timer) string {
	switch t {
	case trace.TimerRetransmission:
		return c.Str(MsgTimerRetransmission)
	case trace.TimerPersist:
		return c.Str(MsgTimerPersist)
	case trace.TimerKeepalive:
		return c.Str(MsgTimerKeepalive)
	case trace.TimerDelayedACK:
		return c.Str(MsgTimerDelayedACK)
	case trace.TimerTimeWait:
		return c.Str(MsgTimerTimeWait)
	}
	return t.String()
}

// RTOFired returns the note for the retransmission timer's expiry, with
// its backoff count when it is above 0.
func (c *Phrases) RTOFired(backoff int64) string {
	if backoff > 0 {
		return c.Sprintf(MsgRTOFiredN, backoff)
	}
	return c.Str(MsgRTOFired)
}

// Conn returns text named by its connection ("[conn 2] text") when that is
// not the node's first.
func (c *Phrases) Conn(conn uint32, text string) string {
	if conn > 1 {
		return c.Sprintf(MsgConn, conn, text)
	}
	return text
}
