package viz

import "fmt"

// msg names one phrase a reader sees. Every word viz prints comes from a
// catalogue indexed by msg, so that a translation is one more catalogue.
// Protocol words (SYN, ACK, seq, RTO, state names such as ESTABLISHED) and
// units (s) stay as they are in every language.
type msg int

// The messages. The comment after each says what its fmt verbs receive, in
// order; a translation may reorder them with explicit indexes (%[2]s).
const (
	msgTime msg = iota // ladder header over the time column

	msgRetransmission     // a segment sent before
	msgFastRetransmission // resent after three dup ACKs
	msgDupACK             // a duplicate ACK without an ordinal
	msgDupACKN            // %d: the dup ACK's ordinal
	msgZeroWindow         // the segment advertises a window of 0
	msgZeroWindowProbe    // persist-timer probe
	msgWindowUpdate       // sent to announce a larger window
	msgKeepalive          // a keepalive probe without an ordinal
	msgKeepaliveN         // %d: the probe's ordinal
	msgKeepaliveACK       // the answer to a keepalive probe
	msgOutOfOrder         // arrived beyond a gap
	msgDelayedACK         // sent when the delayed-ACK timer fired

	msgDropped         // %s: why (the link's or host's drop reason)
	msgDroppedInFlight // %s: why
	msgConn            // %d: connection number, %s: the note about it
	msgState           // %s: old state, %s: new state
	msgAborted         // %s: why
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
	msgMoreEvent       // %d: 1, events the ladder left out
	msgMoreEvents      // %d: events the ladder left out (more than one)

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

	numMsgs
)

// catalog is one language's phrases, indexed by msg; each is a fmt format.
type catalog [numMsgs]string

// english is the default catalogue. Phrases stay short: the ladder's note
// column is about 20 characters wide.
var english = catalog{
	msgTime: "time",

	msgRetransmission:     "retransmission",
	msgFastRetransmission: "fast retransmission",
	msgDupACK:             "dup ACK",
	msgDupACKN:            "dup ACK #%d",
	msgZeroWindow:         "window 0",
	msgZeroWindowProbe:    "window probe",
	msgWindowUpdate:       "window update",
	msgKeepalive:          "keepalive",
	msgKeepaliveN:         "keepalive #%d",
	msgKeepaliveACK:       "keepalive reply",
	msgOutOfOrder:         "out of order",
	msgDelayedACK:         "delayed ACK",

	msgDropped:         "dropped: %s",
	msgDroppedInFlight: "dropped in flight: %s",
	msgConn:            "[conn %d] %s",
	msgState:           "%s → %s",
	msgAborted:         "connection aborted: %s",
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
	msgMoreEvent:       "… %d more event not shown (use --ladder full)",
	msgMoreEvents:      "… %d more events not shown (use --ladder full)",

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
