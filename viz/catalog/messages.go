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
	MsgACKOfDuplicate     // the ACK of a segment received before (an earlier ACK was lost)
	MsgProbeByteResent    // data starting with a zero-window probe's byte
	MsgNetworkDuplicate   // a copy of a segment that the network made
	MsgTLP                // a tail loss probe (RFC 8985 §7)
	MsgSpuriousRetrans    // a retransmission of data the receiver already held
	MsgMessageSent        // %s: a message's first line ("GET /1 HTTP/1.1"), %d: its bytes
	MsgMessageRead        // %s: a message's first line, %d: its bytes
	MsgMessageBody        // %s: a response's status ("200 OK"), %d: its body's bytes; a label on the segment carrying it

	// tcpsim compare's rows.
	MsgCmpConnections       // connections the client opened
	MsgCmpHandshakes        // three-way handshakes completed
	MsgCmpPackets           // packets sent, both ways
	MsgCmpHeaderBytes       // IP and TCP header bytes sent
	MsgCmpPayloadBytes      // payload bytes sent
	MsgCmpRequests          // requests answered
	MsgCmpFinished          // when the last response was read
	MsgCmpMeanLatency       // mean request latency
	MsgCmpMaxLatency        // longest request latency
	MsgCmpServerConnSeconds // server connection-seconds held
	MsgCmpTimeWaitClient    // client connections left in TIME-WAIT
	MsgCmpTimeWaitServer    // server connections left in TIME-WAIT

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
	MsgRTOFiredN       // %d: which timeout in a row this is (1, 2, …)
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
	MsgSumCrashed        // final state of a connection whose host crashed
	MsgSumLostInReboot   // final state of a connection its host's reboot forgot
	MsgSumDropReasons    // section heading: drops per node and reason
	MsgSumAborts         // section heading: aborted connections
	MsgSumAbort          // %d: connection number, %s: why
	MsgSumLastRead       // row: when each application last read data
	MsgSumEnded          // %s: why the run ended (one of the MsgEnd… phrases)
	MsgEndFinished       // the run ended because nothing was left to happen
	MsgEndTimeLimit      // the run reached its time limit
	MsgEndBudget         // the run used up its event budget
	MsgShownWindow       // %s: start, %s: end of the stretch the ladder and outputs show (--from, --to)

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
	MsgLegendConn          // legend: %d: a connection's number on the left node, %d: its port there, %d: the right node's port
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
	MsgPlotFlowsTitle      // %d: how many flows share the bottleneck
	MsgPlotThroughput      // flows plot y axis: each flow's throughput
	MsgPlotQueueTitle      // the bottleneck's queue plot
	MsgPlotQueuePackets    // queue plot y axis
	MsgPlotQueueDrops      // %d: packets dropped because the queue was full
	MsgSumFlows            // the summary's heading of the flows' goodputs
	MsgSumFlow             // %s: sender, %s: receiver, %s: start time, %d: bytes read, %s: goodput
	MsgSumFairness         // %s: Jain's fairness index ("0.998")

	// The reasons for drops and aborts, one per trace.DropCode and
	// trace.AbortCause (a drop rule's reason is the scenario's own text).
	MsgReasonLinkDown         // the link was down
	MsgReasonRandomLoss       // random loss on the link
	MsgReasonQueueFull        // the link's queue was full
	MsgReasonMTU              // %d: packet bytes, %d: the MTU
	MsgReasonReceiverDown     // %s: the receiving host, which was down when the segment arrived
	MsgReasonBurstLoss        // the link's Gilbert-Elliott (bursty) loss
	MsgReasonCorrupted        // damaged on the way; the receiver's checksum failed
	MsgReasonTimedOut         // ETIMEDOUT after retransmissions
	MsgReasonReset            // ECONNRESET
	MsgReasonRefused          // ECONNREFUSED
	MsgReasonAbortedByApp     // the application aborted the connection
	MsgReasonKeepaliveTimeout // keepalive probes unanswered
	MsgReasonUserTimeout      // data unacknowledged longer than the user timeout

	// The interactive page (viz/html): its controls, panels and the
	// reasons it gives for each value that changes.
	MsgPageFirst            // control: to the first event
	MsgPagePrev             // control: one event back
	MsgPagePlay             // control: play
	MsgPagePause            // control: pause
	MsgPageNext             // control: one event on
	MsgPageLast             // control: to the last event
	MsgPageSpeed            // control: the playing speed
	MsgPageGoTo             // control: jump to a time, in seconds
	MsgPageEventOf          // %d: the event at the cursor, %d: how many
	MsgPageBefore           // the cursor is before the first event
	MsgPageConnection       // the connection picker
	MsgPageKeys             // the keyboard help
	MsgPageMoreEvents       // %d: events past the page's limit
	MsgPageNoConn           // a node with no connection at the cursor
	MsgPageState            // panel: the TCP state
	MsgPageSending          // panel: the sending side
	MsgPageReceiving        // panel: the receiving side
	MsgPageCongestion       // panel: congestion control
	MsgPageTimers           // panel: the timers
	MsgPageNoTimers         // no timer is running
	MsgPageFiresIn          // %s: the time left ("0.250 s")
	MsgPageSndUna           // SND.UNA explained
	MsgPageSndNxt           // SND.NXT explained
	MsgPageSndWnd           // SND.WND explained
	MsgPageRcvNxt           // RCV.NXT explained
	MsgPageRcvWnd           // RCV.WND explained
	MsgPageCwnd             // cwnd explained
	MsgPageSsthresh         // ssthresh explained
	MsgPageRTO              // RTO explained
	MsgPageSRTT             // SRTT explained
	MsgPageBytes            // %d: a number of bytes
	MsgPageAcked            // send bar: bytes acknowledged
	MsgPageInFlight         // send bar: bytes sent and not acknowledged
	MsgPageUsable           // send bar: the usable window
	MsgPageNotAllowed       // send bar: beyond the window
	MsgPageResend           // send bar: sent, and to be sent again after an RTO
	MsgPageLimitCwnd        // the send window is limited by cwnd
	MsgPageLimitWnd         // the send window is limited by the peer's window
	MsgPageRead             // receive bar: read by the application
	MsgPageWaiting          // receive bar: in the buffer, not yet read
	MsgPageFree             // receive bar: free buffer space
	MsgPageOutOfOrder       // receive bar: held out of order
	MsgPageAdvertised       // receive bar: the window last advertised
	MsgPageBuffer           // %d: the receive buffer's size in bytes
	MsgPageSendSpace        // the send sequence space bar
	MsgPageSegment          // %d: the packet's number
	MsgPageFlags            // field: flags
	MsgPageSentAt           // field: when it was sent
	MsgPageArrivedAt        // field: when it arrived
	MsgPageDroppedAt        // field: when it was dropped
	MsgPageOptions          // field: TCP options
	MsgPageLabels           // field: what the segment means
	MsgPageWhySent          // field: why it was sent
	MsgPageWhyDropped       // field: why it was dropped
	MsgPageRule             // field: the scenario's drop rule that dropped it
	MsgPageNone             // no value
	MsgPageClose            // close the segment's details
	MsgPageWhyData          // why a segment with new data was sent
	MsgPageWhyACK           // why a pure ACK was sent
	MsgPageWhyOpen          // why a SYN was sent
	MsgPageWhyClose         // why a FIN was sent
	MsgPageWhyReset         // why a RST was sent
	MsgPageEvSend           // %s: the sender, %s: the segment
	MsgPageEvDeliver        // %s: the receiver, %s: the segment
	MsgPageEvTimerSet       // %s: the node, %s: the timer, %s: when it fires
	MsgPageEvTimerFired     // %s: the node, %s: the timer
	MsgPageEvTimerCancelled // %s: the node, %s: the timer
	MsgPageEvVar            // %s: the node, %s: the variable, %s: its value
	MsgPageEvMsg            // %s: the node, %s: the message's first line
	MsgWhyUna               // %d: the ACK number
	MsgWhyNxtSent           // %d: the end of what was sent
	MsgWhyNxtACK            // %d: the ACK number
	MsgWhyNxtRTO            // SND.NXT rewinds after an RTO
	MsgWhySndWnd            // %d: the window
	MsgWhyRcvNxt            // %d: the new RCV.NXT
	MsgWhyRcvNxtSYN         // RCV.NXT after the peer's SYN
	MsgWhyRcvNxtACK         // %d: the ACK number sent
	MsgWhyOutOfOrder        // a segment beyond RCV.NXT
	MsgWhyRcvWnd            // %d: the window
	MsgWhyRcvBuffer         // %d: bytes waiting
	MsgWhyCwndInit          // cwnd when the connection opens
	MsgWhyCwndSlowStart     // cwnd grows in slow start
	MsgWhyCwndAvoidance     // cwnd grows in congestion avoidance
	MsgWhyCwndFast          // %d: the dup ACK's ordinal
	MsgWhyCwndInflate       // %d: the dup ACK's ordinal
	MsgWhyCwndDeflate       // cwnd falls on an ACK in recovery
	MsgWhyCwndRTO           // cwnd after an RTO
	MsgWhySsthreshLoss      // ssthresh after a loss
	MsgWhyRTO               // the RTO from a new RTT sample
	MsgWhyRTOBackoff        // the RTO doubled after a timeout
	MsgWhySRTT              // a new RTT sample
	MsgWhyTimerSet          // %s: the timer, %s: its delay
	MsgWhyTimerFired        // %s: the timer
	MsgWhyTimerCancelled    // %s: the timer

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
	MsgACKOfDuplicate:     "ACK of a duplicate",
	MsgProbeByteResent:    "probe byte sent as data",
	MsgNetworkDuplicate:   "copy made by the network",
	MsgTLP:                "tail loss probe",
	MsgSpuriousRetrans:    "spurious retransmission (the receiver already had it)",
	MsgMessageSent:        "sends %s (%d bytes)",
	MsgMessageRead:        "has read %s (%d bytes)",
	MsgMessageBody:        "%s, %d B body",

	MsgCmpConnections:       "connections opened",
	MsgCmpHandshakes:        "handshakes",
	MsgCmpPackets:           "packets",
	MsgCmpHeaderBytes:       "header bytes",
	MsgCmpPayloadBytes:      "payload bytes",
	MsgCmpRequests:          "requests answered",
	MsgCmpFinished:          "all answered at",
	MsgCmpMeanLatency:       "mean request latency",
	MsgCmpMaxLatency:        "max request latency",
	MsgCmpServerConnSeconds: "server connection-seconds",
	MsgCmpTimeWaitClient:    "TIME-WAIT left, client",
	MsgCmpTimeWaitServer:    "TIME-WAIT left, server",

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
	MsgRTOFiredN:       "RTO fired (timeout #%d)",
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
	MsgSumCrashed:        "crashed",
	MsgSumLostInReboot:   "lost in reboot",
	MsgSumDropReasons:    "dropped segments, by reason",
	MsgSumAborts:         "aborted connections",
	MsgSumAbort:          "conn %d: %s",
	MsgSumLastRead:       "last data read at",
	MsgSumEnded:          "the run ended: %s",
	MsgEndFinished:       "nothing was left to happen",
	MsgEndTimeLimit:      "it reached its time limit (duration)",
	MsgEndBudget:         "it used up its event budget",
	MsgShownWindow:       "from %s to %s only (--from, --to); the summary counts the whole run",

	MsgIdle:                "… %s idle …",
	MsgMoreSegments:        "… %d more segments not drawn: choose a time window (--from, --to)",
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
	MsgLegendConn:          "conn %d: %d → %d",
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
	MsgPlotFlowsTitle:      "Throughput and cwnd of %d flows on one bottleneck",
	MsgPlotThroughput:      "throughput (Mbit/s)",
	MsgPlotQueueTitle:      "The bottleneck's queue",
	MsgPlotQueuePackets:    "packets waiting",
	MsgPlotQueueDrops:      "dropped, queue full (%d)",
	MsgSumFlows:            "flows (goodput: bytes read by the receiver ÷ time from the sender's connect to the last byte read)",
	MsgSumFlow:             "%s→%s from %s: %d bytes read, %s",
	MsgSumFairness:         "Jain's fairness index of the goodputs: %s",

	MsgReasonLinkDown:         "link down",
	MsgReasonRandomLoss:       "random loss",
	MsgReasonQueueFull:        "queue full",
	MsgReasonMTU:              "exceeds MTU (%d > %d bytes)",
	MsgReasonReceiverDown:     "%s crashed",
	MsgReasonBurstLoss:        "burst loss",
	MsgReasonCorrupted:        "corrupted (checksum error)",
	MsgReasonTimedOut:         "connection timed out (ETIMEDOUT)",
	MsgReasonReset:            "connection reset by peer (ECONNRESET)",
	MsgReasonRefused:          "connection refused (ECONNREFUSED)",
	MsgReasonAbortedByApp:     "connection aborted by the application",
	MsgReasonKeepaliveTimeout: "keepalive timeout: probes unanswered (ETIMEDOUT)",
	MsgReasonUserTimeout:      "user timeout: data unacknowledged too long (ETIMEDOUT)",

	MsgPageFirst:            "first event (Home)",
	MsgPagePrev:             "previous event (←)",
	MsgPagePlay:             "play (space)",
	MsgPagePause:            "pause (space)",
	MsgPageNext:             "next event (→)",
	MsgPageLast:             "last event (End)",
	MsgPageSpeed:            "speed",
	MsgPageGoTo:             "go to time (s)",
	MsgPageEventOf:          "event %d of %d",
	MsgPageBefore:           "before the first event",
	MsgPageConnection:       "connection",
	MsgPageKeys:             "→ ← next or previous event · Shift+→ ← next or previous segment · space play or pause · Home End first or last · click a segment for its fields",
	MsgPageMoreEvents:       "… %d more events not in this page: choose a time window (--from, --to)",
	MsgPageNoConn:           "no connection yet",
	MsgPageState:            "state",
	MsgPageSending:          "sending",
	MsgPageReceiving:        "receiving",
	MsgPageCongestion:       "congestion control",
	MsgPageTimers:           "timers",
	MsgPageNoTimers:         "no timer running",
	MsgPageFiresIn:          "fires in %s",
	MsgPageSndUna:           "oldest byte not yet acknowledged",
	MsgPageSndNxt:           "next byte to send",
	MsgPageSndWnd:           "send window: what the peer advertised",
	MsgPageRcvNxt:           "next byte expected",
	MsgPageRcvWnd:           "receive window advertised",
	MsgPageCwnd:             "congestion window",
	MsgPageSsthresh:         "slow-start threshold",
	MsgPageRTO:              "retransmission timeout",
	MsgPageSRTT:             "smoothed round-trip time",
	MsgPageBytes:            "%d bytes",
	MsgPageAcked:            "acknowledged",
	MsgPageInFlight:         "sent, not yet acknowledged",
	MsgPageUsable:           "may send now",
	MsgPageNotAllowed:       "not yet allowed",
	MsgPageResend:           "sent, to be sent again",
	MsgPageLimitCwnd:        "limited by cwnd",
	MsgPageLimitWnd:         "limited by the peer's window",
	MsgPageRead:             "read by the application",
	MsgPageWaiting:          "waiting to be read",
	MsgPageFree:             "free",
	MsgPageOutOfOrder:       "received out of order",
	MsgPageAdvertised:       "advertised window",
	MsgPageBuffer:           "receive buffer: %d bytes",
	MsgPageSendSpace:        "send sequence space",
	MsgPageSegment:          "segment #%d",
	MsgPageFlags:            "flags",
	MsgPageSentAt:           "sent",
	MsgPageArrivedAt:        "arrived",
	MsgPageDroppedAt:        "dropped",
	MsgPageOptions:          "options",
	MsgPageLabels:           "labels",
	MsgPageWhySent:          "why sent",
	MsgPageWhyDropped:       "why dropped",
	MsgPageRule:             "drop rule",
	MsgPageNone:             "none",
	MsgPageClose:            "close",
	MsgPageWhyData:          "new data from the application",
	MsgPageWhyACK:           "to acknowledge what arrived",
	MsgPageWhyOpen:          "to open the connection",
	MsgPageWhyClose:         "the application closed: no more data",
	MsgPageWhyReset:         "to reset the connection",
	MsgPageEvSend:           "%s sends %s",
	MsgPageEvDeliver:        "%s receives %s",
	MsgPageEvTimerSet:       "%s: %s timer set, fires at %s",
	MsgPageEvTimerFired:     "%s: %s timer fired",
	MsgPageEvTimerCancelled: "%s: %s timer cancelled",
	MsgPageEvVar:            "%s: %s = %s",
	MsgPageEvMsg:            "%s: message %s",
	MsgWhyUna:               "ACK %d arrived: SND.UNA advances",
	MsgWhyNxtSent:           "sent up to %d: SND.NXT advances",
	MsgWhyNxtACK:            "ACK %d covers more than was sent again: SND.NXT moves up to it",
	MsgWhyNxtRTO:            "RTO: SND.NXT goes back to SND.UNA, the unacknowledged data goes again (RFC 6298 5.4)",
	MsgWhySndWnd:            "the peer advertised a window of %d bytes",
	MsgWhyRcvNxt:            "bytes up to %d arrived in order: RCV.NXT advances",
	MsgWhyRcvNxtSYN:         "the peer's SYN arrived: RCV.NXT = its ISN + 1",
	MsgWhyRcvNxtACK:         "it sent ACK %d: that is RCV.NXT",
	MsgWhyOutOfOrder:        "a segment beyond RCV.NXT: held out of order, a byte is missing before it",
	MsgWhyRcvWnd:            "it advertised a window of %d bytes: its free buffer space",
	MsgWhyRcvBuffer:         "%d bytes wait in the receive buffer for the application",
	MsgWhyCwndInit:          "the initial window (RFC 5681 3.1)",
	MsgWhyCwndSlowStart:     "an ACK of new data in slow start: cwnd grows by up to one SMSS (RFC 5681 3.1)",
	MsgWhyCwndAvoidance:     "congestion avoidance: cwnd grows by about one SMSS per round trip (RFC 5681 3.1)",
	MsgWhyCwndFast:          "dup ACK #%d: fast retransmit and fast recovery, cwnd = ssthresh + 3·SMSS (RFC 5681 3.2)",
	MsgWhyCwndInflate:       "dup ACK #%d in fast recovery: cwnd grows by one SMSS (RFC 5681 3.2)",
	MsgWhyCwndDeflate:       "an ACK of new data in recovery: cwnd deflates (RFC 6582 3.2)",
	MsgWhyCwndRTO:           "RTO: cwnd = one SMSS, the loss window (RFC 5681 3.1)",
	MsgWhySsthreshLoss:      "a loss: ssthresh = max(FlightSize/2, 2·SMSS) (RFC 5681)",
	MsgWhyRTO:               "RTO = SRTT + 4·RTTVAR, at least RTO min (RFC 6298 2)",
	MsgWhyRTOBackoff:        "the RTO doubles after a timeout (RFC 6298 5.5)",
	MsgWhySRTT:              "a new RTT sample (RFC 6298 2)",
	MsgWhyTimerSet:          "%s timer set for %s",
	MsgWhyTimerFired:        "%s timer fired",
	MsgWhyTimerCancelled:    "%s timer cancelled",
}
