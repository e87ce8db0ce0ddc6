package viz

// drawMsg names a phrase of the drawings (sequence diagrams and plots); each
// is a message of the catalogue (messages.go), which has every language.
type drawMsg int

// The phrases. The comment after each says what its fmt verbs receive.
const (
	dmsgIdle         drawMsg = iota // %s: the idle time cut out of a diagram ("7180 s")
	dmsgMoreSegments                // %d: segments left out of a diagram past its limit
	dmsgFired                       // legend: a timer that fired
	dmsgCancelled                   // legend: a timer that was cancelled
	dmsgTimer                       // legend: a timer bracket

	dmsgTimerRetransmission // short name of the retransmission timer (RFC 6298)
	dmsgTimerPersist        // short name of the persist timer
	dmsgTimerKeepalive      // short name of the keepalive timer
	dmsgTimerDelayedACK     // short name of the delayed-ACK timer
	dmsgTimerTimeWait       // short name of the TIME-WAIT (2·MSL) timer

	dmsgLegendData    // legend: a segment with payload
	dmsgLegendControl // legend: a segment without payload (ACK, SYN, FIN)
	dmsgLegendRetrans // legend: a retransmitted segment
	dmsgLegendDupACK  // legend: a duplicate ACK
	dmsgLegendWindow  // legend: zero window, window probe
	dmsgLegendUpdate  // legend: a window update
	dmsgLegendKeep    // legend: keepalive probe or reply
	dmsgLegendRST     // legend: a reset
	dmsgLegendDropped // legend: a dropped segment

	dmsgPlotTime        // plot x axis
	dmsgPlotSeq         // sequence plot y axis
	dmsgPlotSeqTitle    // %s: the data sender, %s: its peer
	dmsgPlotData        // sequence plot: data segments
	dmsgPlotRetrans     // sequence plot: retransmitted data segments
	dmsgPlotACK         // sequence plot: highest ACK received
	dmsgPlotRcvWindow   // sequence plot: ACK + advertised window
	dmsgPlotBytes       // window plot y axis
	dmsgPlotWindowTitle // %s: the data sender
	dmsgPlotCwnd        // cwnd line
	dmsgPlotSsthresh    // ssthresh line
	dmsgPlotInFlight    // bytes sent and not yet acknowledged
	dmsgPlotPeerWindow  // the receive window the peer advertises
	dmsgPlotRcvBuffer   // %s: the peer; bytes waiting in its receive buffer

	numDrawMsgs
)

// drawCatalog maps each phrase to its message in the catalogue (messages.go),
// so the drawings speak the chosen language.
var drawCatalog = [numDrawMsgs]msg{
	dmsgIdle:                msgIdle,
	dmsgMoreSegments:        msgMoreSegments,
	dmsgFired:               msgFired,
	dmsgCancelled:           msgCancelled,
	dmsgTimer:               msgTimer,
	dmsgTimerRetransmission: msgTimerRetransmission,
	dmsgTimerPersist:        msgTimerPersist,
	dmsgTimerKeepalive:      msgTimerKeepalive,
	dmsgTimerDelayedACK:     msgTimerDelayedACK,
	dmsgTimerTimeWait:       msgTimerTimeWait,
	dmsgLegendData:          msgLegendData,
	dmsgLegendControl:       msgLegendControl,
	dmsgLegendRetrans:       msgLegendRetrans,
	dmsgLegendDupACK:        msgLegendDupACK,
	dmsgLegendWindow:        msgLegendWindow,
	dmsgLegendUpdate:        msgLegendUpdate,
	dmsgLegendKeep:          msgLegendKeep,
	dmsgLegendRST:           msgLegendRST,
	dmsgLegendDropped:       msgLegendDropped,
	dmsgPlotTime:            msgPlotTime,
	dmsgPlotSeq:             msgPlotSeq,
	dmsgPlotSeqTitle:        msgPlotSeqTitle,
	dmsgPlotData:            msgPlotData,
	dmsgPlotRetrans:         msgPlotRetrans,
	dmsgPlotACK:             msgPlotACK,
	dmsgPlotRcvWindow:       msgPlotRcvWindow,
	dmsgPlotBytes:           msgPlotBytes,
	dmsgPlotWindowTitle:     msgPlotWindowTitle,
	dmsgPlotCwnd:            msgPlotCwnd,
	dmsgPlotSsthresh:        msgPlotSsthresh,
	dmsgPlotInFlight:        msgPlotInFlight,
	dmsgPlotPeerWindow:      msgPlotPeerWindow,
	dmsgPlotRcvBuffer:       msgPlotRcvBuffer,
}

// str returns phrase m in c's language.
func (m drawMsg) str(c *catalog) string { return c.str(drawCatalog[m]) }

// sprintf returns phrase m in c's language, formatted with args.
func (m drawMsg) sprintf(c *catalog, args ...any) string { return c.sprintf(drawCatalog[m], args...) }
