package catalog

// Msg names one phrase a reader sees. Every word an output prints comes
// from a catalogue indexed by Msg, so that a translation is one more
// catalogue. Protocol words (SYN, ACK, seq, RTO, state names such as
// ESTABLISHED) and units (s) stay as they are in every language.
type Msg int

// The messages. The comment after each says what its fmt verbs receive, in
// order; a translation may reorder them with explicit indexes (%[2]s).
const (
	MsgLangName Msg = iota // the language's name, in that language ("English")
	MsgTime                // ladder header over the time column

	MsgRetransmission     // a segment sent before
	MsgFastRetransmission // resent after three dup ACKs
	MsgDupACK             // a duplicate ACK without an ordinal
	MsgDupACKN            // %d: the dup ACK's ordinal
	MsgZeroWindow         // the segment advertises a window of 0
	MsgZeroWindowProbe    // persist-timer probe
	MsgZeroWindowProbeN   // %d: the probe's ordinal since the last answer
	MsgWindowUpdate       // sent to announce a larger window
	MsgKeepalive          // a keepalive probe without an ordinal
	MsgKeepaliveN         // %d: the probe's ordinal
	MsgKeepaliveACK       // the answer to a keepalive probe
	MsgDelayedACK         // sent when the delayed-ACK timer fired

	MsgDropped         // %s: why (the link's or host's drop reason)
	MsgDroppedInFlight // %s: why
	MsgConn            // %d: connection number, %s: the note about it
	MsgState           // %s: old state, %s: new state
	MsgAborted         // %s: why
	MsgAbortedSide     // the same without the reason, which goes beside it
	MsgAppConnect      // application called connect
	MsgAppListen       // application called listen
	MsgAppWrite        // %d: bytes written
	MsgAppRead         // %d: bytes read
	MsgAppClose        // application called close
	MsgAppAbort        // application called abort
	MsgAppOther        // %s: the operation
	MsgRTOFired        // the retransmission timer expired
	MsgRTOFiredN       // %d: the backoff count
	MsgHostCrash       // %s: host
	MsgHostReboot      // %s: host
	MsgHostOther       // %s: host, %s: operation
	MsgLinkDown        // %s: the link ("client→server")
	MsgLinkUp          // %s: the link
	MsgLinkOther       // %s: the link, %s: operation
	MsgLinkReroute     // %s: the path whose traffic moved to the backup path
	MsgMoreEvent       // %d: 1, events the ladder left out
	MsgMoreEvents      // %d: events the ladder left out (more than one)
	MsgInFlightAtEnd   // a segment neither delivered nor dropped when the run ended
	MsgLater           // %s: a stretch of time ("1.000 s") in which nothing was drawn
	MsgCloseQueued     // beside FIN-WAIT-1 or LAST-ACK entered with data still unsent: the FIN waits for it

	MsgSumTitle          // %s: simulated end time ("2.345 s")
	MsgSumSegments       // row: segments sent
	MsgSumData           // row, under segments: with payload
	MsgSumRetransmitted  // row, under segments
	MsgSumDupACKs        // row, under segments
	MsgSumPayload        // row: payload bytes sent, retransmissions included
	MsgSumDropped        // row: segments the node sent that were dropped
	MsgSumWritten        // row: bytes the application wrote
	MsgSumRead           // row: bytes the application read
	MsgSumFinalState     // row: last state of the node's only connection
	MsgSumFinalStateConn // row, %d: connection number
	MsgSumDropReasons    // section heading: drops per node and reason
	MsgSumAborts         // section heading: aborted connections
	MsgSumAbort          // %d: connection number, %s: why
	MsgSumLastRead       // row: when each application last read data
	MsgSumEnded          // %s: why the run ended (one of the MsgEnd… phrases)
	MsgEndFinished       // the run ended because nothing was left to happen
	MsgEndTimeLimit      // the run reached its time limit
	MsgEndBudget         // the run used up its event budget

	// The drawings (diagrams) and plots.
	MsgIdle                // %s: the idle time cut out of a diagram ("7180 s")
	MsgMoreSegments        // %d: segments left out of a diagram past its limit
	MsgFired               // legend: a timer that fired
	MsgCancelled           // legend: a timer that was cancelled
	MsgTimer               // legend: a timer bracket
	MsgTimerRetransmission // short name of the retransmission timer (RFC 6298)
	MsgTimerPersist        // short name of the persist timer
	MsgTimerKeepalive      // short name of the keepalive timer
	MsgTimerDelayedACK     // short name of the delayed-ACK timer
	MsgTimerTimeWait       // short name of the TIME-WAIT (2·MSL) timer
	MsgLegendData          // legend: a segment with payload
	MsgLegendControl       // legend: a segment without payload (ACK, SYN, FIN)
	MsgLegendRetrans       // legend: a retransmitted segment
	MsgLegendDupACK        // legend: a duplicate ACK
	MsgLegendWindow        // legend: zero window, window probe
	MsgLegendUpdate        // legend: a window update
	MsgLegendKeep          // legend: keepalive probe or reply
	MsgLegendRST           // legend: a reset
	MsgLegendDropped       // legend: a dropped segment
	MsgPlotTime            // plot x axis
	MsgPlotSeq             // sequence plot y axis
	MsgPlotSeqTitle        // %s: the data sender, %s: its peer
	MsgPlotData            // sequence plot: data segments
	MsgPlotRetrans         // sequence plot: retransmitted data segments
	MsgPlotACK             // sequence plot: highest ACK received
	MsgPlotRcvWindow       // sequence plot: ACK + advertised window
	MsgPlotAboveTop        // %s: a line's name, %s: its highest value ("80.3 kB"), above the top of the plot
	MsgPlotBytes           // window plot y axis
	MsgPlotWindowTitle     // %s: the data sender
	MsgPlotCwnd            // cwnd line
	MsgPlotSsthresh        // ssthresh line
	MsgPlotInFlight        // bytes sent and not yet acknowledged
	MsgPlotPeerWindow      // the receive window the peer advertises
	MsgPlotRcvBuffer       // %s: the peer; bytes waiting in its receive buffer

	// The reasons for drops and aborts, one per trace.DropCode and
	// trace.AbortCause (a drop rule's reason is the scenario's own text).
	MsgReasonLinkDown         // the link was down
	MsgReasonRandomLoss       // random loss on the link
	MsgReasonQueueFull        // the link's queue was full
	MsgReasonMTU              // %d: packet bytes, %d: the MTU
	MsgReasonReceiverDown     // %s: the receiving host, which was down when the segment arrived
	MsgReasonTimedOut         // ETIMEDOUT after retransmissions
	MsgReasonReset            // ECONNRESET
	MsgReasonRefused          // ECONNREFUSED
	MsgReasonAbortedByApp     // the application aborted the connection
	MsgReasonKeepaliveTimeout // keepalive probes unanswered
	MsgReasonUserTimeout      // data unacknowledged longer than the user timeout

	numMsgs
)

// Phrases are one language's catalogue, indexed by Msg; each phrase is a
// fmt format. Get them with [Lang.Phrases].
type Phrases [numMsgs]string

// english is the default catalogue. Phrases stay short: the ladder's note
// column is about 20 characters wide.
var english = Phrases{
	MsgLangName: "English",
	MsgTime:     "time",

	MsgRetransmission:     "retransmission",
	MsgFastRetransmission: "fast retransmission",
	MsgDupACK:             "dup ACK",
	MsgDupACKN:            "dup ACK #%d",
	MsgZeroWindow:         "window 0: receive buffer full",
	MsgZeroWindowProbe:    "window probe",
	MsgZeroWindowProbeN:   "window probe #%d",
	MsgWindowUpdate:       "window update",
	MsgKeepalive:          "keepalive probe",
	MsgKeepaliveN:         "keepalive probe #%d",
	MsgKeepaliveACK:       "keepalive reply",
	MsgDelayedACK:         "delayed ACK",

	MsgDropped:         "dropped: %s",
	MsgDroppedInFlight: "dropped in flight: %s",
	MsgConn:            "[conn %d] %s",
	MsgState:           "%s → %s",
	MsgAborted:         "connection aborted: %s",
	MsgAbortedSide:     "connection aborted",
	MsgAppConnect:      "app: connect",
	MsgAppListen:       "app: listen",
	MsgAppWrite:        "app: write %d bytes",
	MsgAppRead:         "app: read %d bytes",
	MsgAppClose:        "app: close",
	MsgAppAbort:        "app: abort",
	MsgAppOther:        "app: %s",
	MsgRTOFired:        "RTO fired",
	MsgRTOFiredN:       "RTO fired (backoff #%d)",
	MsgHostCrash:       "%s crashed",
	MsgHostReboot:      "%s rebooted",
	MsgHostOther:       "%s: %s",
	MsgLinkDown:        "link %s down",
	MsgLinkUp:          "link %s up",
	MsgLinkOther:       "link %s: %s",
	MsgLinkReroute:     "link %s: reroute",
	MsgMoreEvent:       "… %d more event not shown (use --ladder full)",
	MsgMoreEvents:      "… %d more events not shown (use --ladder full)",
	MsgInFlightAtEnd:   "still in flight when the run ended",
	MsgLater:           "%s later",
	MsgCloseQueued:     "close queued: FIN follows the data",

	MsgSumTitle:          "summary (simulated time %s)",
	MsgSumSegments:       "segments sent",
	MsgSumData:           "with data",
	MsgSumRetransmitted:  "retransmitted",
	MsgSumDupACKs:        "dup ACKs",
	MsgSumPayload:        "payload bytes sent",
	MsgSumDropped:        "segments dropped",
	MsgSumWritten:        "app bytes written",
	MsgSumRead:           "app bytes read",
	MsgSumFinalState:     "final state",
	MsgSumFinalStateConn: "final state, conn %d",
	MsgSumDropReasons:    "dropped segments, by reason",
	MsgSumAborts:         "aborted connections",
	MsgSumAbort:          "conn %d: %s",
	MsgSumLastRead:       "last data read at",
	MsgSumEnded:          "the run ended: %s",
	MsgEndFinished:       "nothing was left to happen",
	MsgEndTimeLimit:      "it reached its time limit (duration)",
	MsgEndBudget:         "it used up its event budget",

	MsgIdle:                "… %s idle …",
	MsgMoreSegments:        "… %d more segments not drawn: choose a time window (From, To)",
	MsgFired:               "fired",
	MsgCancelled:           "cancelled",
	MsgTimer:               "timer",
	MsgTimerRetransmission: "RTO",
	MsgTimerPersist:        "persist",
	MsgTimerKeepalive:      "keepalive",
	MsgTimerDelayedACK:     "delayed ACK",
	MsgTimerTimeWait:       "TIME-WAIT",
	MsgLegendData:          "data",
	MsgLegendControl:       "no data",
	MsgLegendRetrans:       "retransmission",
	MsgLegendDupACK:        "dup ACK",
	MsgLegendWindow:        "zero window",
	MsgLegendUpdate:        "window update",
	MsgLegendKeep:          "keepalive",
	MsgLegendRST:           "reset",
	MsgLegendDropped:       "dropped",
	MsgPlotTime:            "time (s)",
	MsgPlotSeq:             "sequence number (relative to the ISN)",
	MsgPlotSeqTitle:        "Time–sequence graph: data from %s to %s",
	MsgPlotData:            "data sent",
	MsgPlotRetrans:         "retransmitted",
	MsgPlotACK:             "ACK received",
	MsgPlotRcvWindow:       "ACK + receive window",
	MsgPlotAboveTop:        "%s (above the top, up to %s)",
	MsgPlotBytes:           "bytes",
	MsgPlotWindowTitle:     "Windows of %s",
	MsgPlotCwnd:            "cwnd",
	MsgPlotSsthresh:        "ssthresh",
	MsgPlotInFlight:        "bytes in flight",
	MsgPlotPeerWindow:      "peer's receive window",
	MsgPlotRcvBuffer:       "%s receive buffer",

	MsgReasonLinkDown:         "link down",
	MsgReasonRandomLoss:       "random loss",
	MsgReasonQueueFull:        "queue full",
	MsgReasonMTU:              "exceeds MTU (%d > %d bytes)",
	MsgReasonReceiverDown:     "%s crashed",
	MsgReasonTimedOut:         "connection timed out (ETIMEDOUT)",
	MsgReasonReset:            "connection reset by peer (ECONNRESET)",
	MsgReasonRefused:          "connection refused (ECONNREFUSED)",
	MsgReasonAbortedByApp:     "connection aborted by the application",
	MsgReasonKeepaliveTimeout: "keepalive timeout: probes unanswered (ETIMEDOUT)",
	MsgReasonUserTimeout:      "user timeout: data unacknowledged too long (ETIMEDOUT)",
}
