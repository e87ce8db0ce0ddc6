package viz

import (
	"fmt"
	"strings"

	"github.com/tcpsim/tcpsim/trace"
)

// Lang is a language of the outputs, named by its ISO 639-1 code. The zero
// value means English.
type Lang string

// The languages, each with a complete catalogue in messages_LANG.go.
const (
	English    Lang = "en"
	Vietnamese Lang = "vi"
)

// catalogues lists every language with its catalogue, English first. A new
// language is one more file holding a complete catalogue, and one line here.
var catalogues = []struct {
	lang Lang
	c    *catalog
}{
	{English, &english},
	{Vietnamese, &vietnamese},
}

// Languages returns the languages viz speaks, English first.
func Languages() []Lang {
	ls := make([]Lang, len(catalogues))
	for i, c := range catalogues {
		ls[i] = c.lang
	}
	return ls
}

// ParseLang returns the language with code s ("en", "vi"; any case).
func ParseLang(s string) (Lang, error) {
	if c := Lang(s).lookup(); c != nil && s != "" {
		for _, l := range catalogues {
			if l.c == c {
				return l.lang, nil
			}
		}
	}
	var names []string
	for _, c := range catalogues {
		names = append(names, string(c.lang)+" ("+c.c.str(msgLangName)+")")
	}
	return "", fmt.Errorf("unknown language %q; the languages are %s", s, strings.Join(names, ", "))
}

// Name returns the language's name in itself ("English", "Tiếng Việt"), or
// its code when viz does not know it.
func (l Lang) Name() string {
	if c := l.lookup(); c != nil {
		return c.str(msgLangName)
	}
	return string(l)
}

// lookup returns the language's catalogue (its code in any case, with
// spaces around), English for "", or nil when viz does not know the
// language.
func (l Lang) lookup() *catalog {
	code := Lang(strings.ToLower(strings.TrimSpace(string(l))))
	if code == "" {
		return &english
	}
	for _, c := range catalogues {
		if c.lang == code {
			return c.c
		}
	}
	return nil
}

// catalog returns the language's catalogue; English when viz does not know
// the language (ParseLang checks what a user typed).
func (l Lang) catalog() *catalog {
	if c := l.lookup(); c != nil {
		return c
	}
	return &english
}

// check returns an error for a language viz does not know.
func (l Lang) check() error {
	if l.lookup() == nil {
		_, err := ParseLang(string(l))
		return err
	}
	return nil
}

// msg names one phrase a reader sees. Every word viz prints comes from a
// catalogue indexed by msg, so that a translation is one more catalogue.
// Protocol words (SYN, ACK, seq, RTO, state names such as ESTABLISHED) and
// units (s) stay as they are in every language.
type msg int

// The messages. The comment after each says what its fmt verbs receive, in
// order; a translation may reorder them with explicit indexes (%[2]s).
const (
	msgLangName msg = iota // the language's name, in that language ("English")
	msgTime                // ladder header over the time column

	msgRetransmission     // a segment sent before
	msgFastRetransmission // resent after three dup ACKs
	msgDupACK             // a duplicate ACK without an ordinal
	msgDupACKN            // %d: the dup ACK's ordinal
	msgZeroWindow         // the segment advertises a window of 0
	msgZeroWindowProbe    // persist-timer probe
	msgZeroWindowProbeN   // %d: the probe's ordinal since the last answer
	msgWindowUpdate       // sent to announce a larger window
	msgKeepalive          // a keepalive probe without an ordinal
	msgKeepaliveN         // %d: the probe's ordinal
	msgKeepaliveACK       // the answer to a keepalive probe
	msgDelayedACK         // sent when the delayed-ACK timer fired

	msgDropped         // %s: why (the link's or host's drop reason)
	msgDroppedInFlight // %s: why
	msgConn            // %d: connection number, %s: the note about it
	msgState           // %s: old state, %s: new state
	msgAborted         // %s: why
	msgAbortedSide     // the same without the reason, which goes beside it
	msgAppConnect      // application called connect
	msgAppListen       // application called listen
	msgAppWrite        // %d: bytes written
	msgAppRead         // %d: bytes read
	msgAppClose        // application called close
	msgAppAbort        // application called abort
	msgAppOther        // %s: the operation
	msgRTOFired        // the retransmission timer expired
	msgRTOFiredN       // %d: the backoff count
	msgHostCrash       // %s: host
	msgHostReboot      // %s: host
	msgHostOther       // %s: host, %s: operation
	msgLinkDown        // %s: the link ("client→server")
	msgLinkUp          // %s: the link
	msgLinkOther       // %s: the link, %s: operation
	msgLinkReroute     // %s: the path whose traffic moved to the backup path
	msgMoreEvent       // %d: 1, events the ladder left out
	msgMoreEvents      // %d: events the ladder left out (more than one)
	msgInFlightAtEnd   // a segment neither delivered nor dropped when the run ended
	msgLater           // %s: a stretch of time ("1.000 s") in which nothing was drawn

	msgSumTitle          // %s: simulated end time ("2.345 s")
	msgSumSegments       // row: segments sent
	msgSumData           // row, under segments: with payload
	msgSumRetransmitted  // row, under segments
	msgSumDupACKs        // row, under segments
	msgSumPayload        // row: payload bytes sent, retransmissions included
	msgSumDropped        // row: segments the node sent that were dropped
	msgSumWritten        // row: bytes the application wrote
	msgSumRead           // row: bytes the application read
	msgSumFinalState     // row: last state of the node's only connection
	msgSumFinalStateConn // row, %d: connection number
	msgSumDropReasons    // section heading: drops per node and reason
	msgSumAborts         // section heading: aborted connections
	msgSumAbort          // %d: connection number, %s: why
	msgSumLastRead       // row: when each application last read data
	msgSumEnded          // %s: why the run ended (one of the msgEnd… phrases)
	msgEndFinished       // the run ended because nothing was left to happen
	msgEndTimeLimit      // the run reached its time limit
	msgEndBudget         // the run used up its event budget

	// The drawings (WriteDiagram) and plots.
	msgIdle                // %s: the idle time cut out of a diagram ("7180 s")
	msgMoreSegments        // %d: segments left out of a diagram past its limit
	msgFired               // legend: a timer that fired
	msgCancelled           // legend: a timer that was cancelled
	msgTimer               // legend: a timer bracket
	msgTimerRetransmission // short name of the retransmission timer (RFC 6298)
	msgTimerPersist        // short name of the persist timer
	msgTimerKeepalive      // short name of the keepalive timer
	msgTimerDelayedACK     // short name of the delayed-ACK timer
	msgTimerTimeWait       // short name of the TIME-WAIT (2·MSL) timer
	msgLegendData          // legend: a segment with payload
	msgLegendControl       // legend: a segment without payload (ACK, SYN, FIN)
	msgLegendRetrans       // legend: a retransmitted segment
	msgLegendDupACK        // legend: a duplicate ACK
	msgLegendWindow        // legend: zero window, window probe
	msgLegendUpdate        // legend: a window update
	msgLegendKeep          // legend: keepalive probe or reply
	msgLegendRST           // legend: a reset
	msgLegendDropped       // legend: a dropped segment
	msgPlotTime            // plot x axis
	msgPlotSeq             // sequence plot y axis
	msgPlotSeqTitle        // %s: the data sender, %s: its peer
	msgPlotData            // sequence plot: data segments
	msgPlotRetrans         // sequence plot: retransmitted data segments
	msgPlotACK             // sequence plot: highest ACK received
	msgPlotRcvWindow       // sequence plot: ACK + advertised window
	msgPlotBytes           // window plot y axis
	msgPlotWindowTitle     // %s: the data sender
	msgPlotCwnd            // cwnd line
	msgPlotSsthresh        // ssthresh line
	msgPlotInFlight        // bytes sent and not yet acknowledged
	msgPlotPeerWindow      // the receive window the peer advertises
	msgPlotRcvBuffer       // %s: the peer; bytes waiting in its receive buffer

	// The reasons for drops and aborts, one per trace.DropCode and
	// trace.AbortCause (a drop rule's reason is the scenario's own text).
	msgReasonLinkDown         // the link was down
	msgReasonRandomLoss       // random loss on the link
	msgReasonQueueFull        // the link's queue was full
	msgReasonMTU              // %d: packet bytes, %d: the MTU
	msgReasonReceiverDown     // %s: the receiving host, which was down when the segment arrived
	msgReasonTimedOut         // ETIMEDOUT after retransmissions
	msgReasonReset            // ECONNRESET
	msgReasonRefused          // ECONNREFUSED
	msgReasonAbortedByApp     // the application aborted the connection
	msgReasonKeepaliveTimeout // keepalive probes unanswered
	msgReasonUserTimeout      // data unacknowledged longer than the user timeout

	numMsgs
)

// catalog is one language's phrases, indexed by msg; each is a fmt format.
type catalog [numMsgs]string

// english is the default catalogue. Phrases stay short: the ladder's note
// column is about 20 characters wide.
var english = catalog{
	msgLangName: "English",
	msgTime:     "time",

	msgRetransmission:     "retransmission",
	msgFastRetransmission: "fast retransmission",
	msgDupACK:             "dup ACK",
	msgDupACKN:            "dup ACK #%d",
	msgZeroWindow:         "window 0: receive buffer full",
	msgZeroWindowProbe:    "window probe",
	msgZeroWindowProbeN:   "window probe #%d",
	msgWindowUpdate:       "window update",
	msgKeepalive:          "keepalive probe",
	msgKeepaliveN:         "keepalive probe #%d",
	msgKeepaliveACK:       "keepalive reply",
	msgDelayedACK:         "delayed ACK",

	msgDropped:         "dropped: %s",
	msgDroppedInFlight: "dropped in flight: %s",
	msgConn:            "[conn %d] %s",
	msgState:           "%s → %s",
	msgAborted:         "connection aborted: %s",
	msgAbortedSide:     "connection aborted",
	msgAppConnect:      "app: connect",
	msgAppListen:       "app: listen",
	msgAppWrite:        "app: write %d bytes",
	msgAppRead:         "app: read %d bytes",
	msgAppClose:        "app: close",
	msgAppAbort:        "app: abort",
	msgAppOther:        "app: %s",
	msgRTOFired:        "RTO fired",
	msgRTOFiredN:       "RTO fired (backoff #%d)",
	msgHostCrash:       "%s crashed",
	msgHostReboot:      "%s rebooted",
	msgHostOther:       "%s: %s",
	msgLinkDown:        "link %s down",
	msgLinkUp:          "link %s up",
	msgLinkOther:       "link %s: %s",
	msgLinkReroute:     "link %s: reroute",
	msgMoreEvent:       "… %d more event not shown (use --ladder full)",
	msgMoreEvents:      "… %d more events not shown (use --ladder full)",
	msgInFlightAtEnd:   "still in flight when the run ended",
	msgLater:           "%s later",

	msgSumTitle:          "summary (simulated time %s)",
	msgSumSegments:       "segments sent",
	msgSumData:           "with data",
	msgSumRetransmitted:  "retransmitted",
	msgSumDupACKs:        "dup ACKs",
	msgSumPayload:        "payload bytes sent",
	msgSumDropped:        "segments dropped",
	msgSumWritten:        "app bytes written",
	msgSumRead:           "app bytes read",
	msgSumFinalState:     "final state",
	msgSumFinalStateConn: "final state, conn %d",
	msgSumDropReasons:    "dropped segments, by reason",
	msgSumAborts:         "aborted connections",
	msgSumAbort:          "conn %d: %s",
	msgSumLastRead:       "last data read at",
	msgSumEnded:          "the run ended: %s",
	msgEndFinished:       "nothing was left to happen",
	msgEndTimeLimit:      "it reached its time limit (duration)",
	msgEndBudget:         "it used up its event budget",

	msgIdle:                "… %s idle …",
	msgMoreSegments:        "… %d more segments not drawn: choose a time window (From, To)",
	msgFired:               "fired",
	msgCancelled:           "cancelled",
	msgTimer:               "timer",
	msgTimerRetransmission: "RTO",
	msgTimerPersist:        "persist",
	msgTimerKeepalive:      "keepalive",
	msgTimerDelayedACK:     "delayed ACK",
	msgTimerTimeWait:       "TIME-WAIT",
	msgLegendData:          "data",
	msgLegendControl:       "no data",
	msgLegendRetrans:       "retransmission",
	msgLegendDupACK:        "dup ACK",
	msgLegendWindow:        "zero window",
	msgLegendUpdate:        "window update",
	msgLegendKeep:          "keepalive",
	msgLegendRST:           "reset",
	msgLegendDropped:       "dropped",
	msgPlotTime:            "time (s)",
	msgPlotSeq:             "sequence number (relative to the ISN)",
	msgPlotSeqTitle:        "Time–sequence graph: data from %s to %s",
	msgPlotData:            "data sent",
	msgPlotRetrans:         "retransmitted",
	msgPlotACK:             "ACK received",
	msgPlotRcvWindow:       "ACK + receive window",
	msgPlotBytes:           "bytes",
	msgPlotWindowTitle:     "Windows of %s",
	msgPlotCwnd:            "cwnd",
	msgPlotSsthresh:        "ssthresh",
	msgPlotInFlight:        "bytes in flight",
	msgPlotPeerWindow:      "peer's receive window",
	msgPlotRcvBuffer:       "%s receive buffer",

	msgReasonLinkDown:         "link down",
	msgReasonRandomLoss:       "random loss",
	msgReasonQueueFull:        "queue full",
	msgReasonMTU:              "exceeds MTU (%d > %d bytes)",
	msgReasonReceiverDown:     "%s crashed",
	msgReasonTimedOut:         "connection timed out (ETIMEDOUT)",
	msgReasonReset:            "connection reset by peer (ECONNRESET)",
	msgReasonRefused:          "connection refused (ECONNREFUSED)",
	msgReasonAbortedByApp:     "connection aborted by the application",
	msgReasonKeepaliveTimeout: "keepalive timeout: probes unanswered (ETIMEDOUT)",
	msgReasonUserTimeout:      "user timeout: data unacknowledged too long (ETIMEDOUT)",
}

// str returns message m as it is (for messages without verbs).
func (c *catalog) str(m msg) string { return c[m] }

// appendf appends message m formatted with args to b.
func (c *catalog) appendf(b []byte, m msg, args ...any) []byte {
	return fmt.Appendf(b, c[m], args...)
}

// sprintf returns message m formatted with args.
func (c *catalog) sprintf(m msg, args ...any) string {
	return fmt.Sprintf(c[m], args...)
}

// dropReason returns why a segment to receiver was dropped, in c's
// language; a drop rule's reason is the scenario's text as it is.
func (c *catalog) dropReason(d trace.Drop, receiver string) string {
	switch d.Code {
	case trace.DropLinkDown:
		return c.str(msgReasonLinkDown)
	case trace.DropRandomLoss:
		return c.str(msgReasonRandomLoss)
	case trace.DropQueueFull:
		return c.str(msgReasonQueueFull)
	case trace.DropMTU:
		return c.sprintf(msgReasonMTU, d.Size, d.MTU)
	case trace.DropReceiverDown:
		return c.sprintf(msgReasonReceiverDown, receiver)
	default:
		return d.Text(receiver)
	}
}

// abortReasons maps each abort cause to its phrase.
var abortReasons = [...]msg{
	trace.AbortTimedOut:         msgReasonTimedOut,
	trace.AbortReset:            msgReasonReset,
	trace.AbortRefused:          msgReasonRefused,
	trace.AbortByApplication:    msgReasonAbortedByApp,
	trace.AbortKeepaliveTimeout: msgReasonKeepaliveTimeout,
	trace.AbortUserTimeout:      msgReasonUserTimeout,
}

// abortReason returns why a connection was aborted, in c's language.
func (c *catalog) abortReason(a trace.AbortCause) string {
	if int(a) < len(abortReasons) && a != 0 {
		return c.str(abortReasons[a])
	}
	return a.String()
}

// appNote returns the note for an application call.
func (c *catalog) appNote(r *trace.Record) string {
	switch r.App {
	case trace.AppConnect:
		return c.str(msgAppConnect)
	case trace.AppListen:
		return c.str(msgAppListen)
	case trace.AppWrite:
		return c.sprintf(msgAppWrite, r.Value)
	case trace.AppRead:
		return c.sprintf(msgAppRead, r.Value)
	case trace.AppClose:
		return c.str(msgAppClose)
	case trace.AppAbort:
		return c.str(msgAppAbort)
	}
	return c.sprintf(msgAppOther, r.App)
}

// hostNote returns the note for a host event.
func (c *catalog) hostNote(r *trace.Record) string {
	switch r.Host {
	case trace.HostCrash:
		return c.sprintf(msgHostCrash, r.Node)
	case trace.HostReboot:
		return c.sprintf(msgHostReboot, r.Node)
	}
	return c.sprintf(msgHostOther, r.Node, r.Host)
}

// linkNote returns the note for a link event: "link client→server down".
func (c *catalog) linkNote(r *trace.Record) string {
	name := r.Node
	if r.Peer != "" {
		name += "→" + r.Peer
	}
	switch r.Link {
	case trace.LinkDown:
		return c.sprintf(msgLinkDown, name)
	case trace.LinkUp:
		return c.sprintf(msgLinkUp, name)
	case trace.LinkReroute:
		return c.sprintf(msgLinkReroute, name)
	}
	return c.sprintf(msgLinkOther, name, r.Link)
}

// labelPhrases appends the phrases for p's labels to ps: the words every
// output (ladder, diagrams, text diagrams) puts beside a segment.
func (c *catalog) labelPhrases(ps []string, p *trace.Packet) []string {
	lb := p.Labels
	add := func(m msg, ordinal bool) {
		if ordinal && p.N > 0 {
			ps = append(ps, c.sprintf(m+1, p.N)) // the ordinal form follows
			return
		}
		ps = append(ps, c.str(m))
	}
	switch {
	case lb.Has(trace.LabelFastRetransmission):
		add(msgFastRetransmission, false)
	case lb.Has(trace.LabelRetransmission):
		add(msgRetransmission, false)
	}
	for _, l := range []struct {
		label   trace.Label
		m       msg
		ordinal bool
	}{
		{trace.LabelDupACK, msgDupACK, true},
		{trace.LabelZeroWindowProbe, msgZeroWindowProbe, true},
		{trace.LabelZeroWindow, msgZeroWindow, false},
		{trace.LabelWindowUpdate, msgWindowUpdate, false},
		{trace.LabelKeepalive, msgKeepalive, true},
		{trace.LabelKeepaliveACK, msgKeepaliveACK, false},
		{trace.LabelDelayedACK, msgDelayedACK, false},
	} {
		if lb.Has(l.label) {
			add(l.m, l.ordinal)
		}
	}
	return ps
}
