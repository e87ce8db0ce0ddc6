package html

import "github.com/tcpsim/tcpsim/viz/catalog"

// pagePhrases are the catalogue's messages the page's script shows, by the
// key the script looks them up with: the script holds no words of its
// own.
var pagePhrases = map[string]catalog.Msg{
	"first": catalog.MsgPageFirst, "prev": catalog.MsgPagePrev, "play": catalog.MsgPagePlay,
	"pause": catalog.MsgPagePause, "next": catalog.MsgPageNext, "last": catalog.MsgPageLast,
	"speed": catalog.MsgPageSpeed, "goto": catalog.MsgPageGoTo, "eventOf": catalog.MsgPageEventOf,
	"before": catalog.MsgPageBefore, "connection": catalog.MsgPageConnection, "keys": catalog.MsgPageKeys,
	"noConn": catalog.MsgPageNoConn, "time": catalog.MsgTime,

	"state": catalog.MsgPageState, "sending": catalog.MsgPageSending, "receiving": catalog.MsgPageReceiving,
	"congestion": catalog.MsgPageCongestion, "timers": catalog.MsgPageTimers, "noTimers": catalog.MsgPageNoTimers,
	"firesIn": catalog.MsgPageFiresIn, "una": catalog.MsgPageSndUna, "nxt": catalog.MsgPageSndNxt,
	"wnd": catalog.MsgPageSndWnd, "rnxt": catalog.MsgPageRcvNxt, "rwnd": catalog.MsgPageRcvWnd,
	"cwnd": catalog.MsgPageCwnd, "ssthresh": catalog.MsgPageSsthresh, "rto": catalog.MsgPageRTO,
	"srtt": catalog.MsgPageSRTT, "bytes": catalog.MsgPageBytes,

	"acked": catalog.MsgPageAcked, "inFlight": catalog.MsgPageInFlight, "usable": catalog.MsgPageUsable,
	"notAllowed": catalog.MsgPageNotAllowed, "resend": catalog.MsgPageResend, "limitCwnd": catalog.MsgPageLimitCwnd,
	"limitWnd": catalog.MsgPageLimitWnd, "read": catalog.MsgPageRead, "waiting": catalog.MsgPageWaiting,
	"free": catalog.MsgPageFree, "outOfOrder": catalog.MsgPageOutOfOrder, "advertised": catalog.MsgPageAdvertised,
	"buffer": catalog.MsgPageBuffer, "sendSpace": catalog.MsgPageSendSpace,

	"segment": catalog.MsgPageSegment, "flags": catalog.MsgPageFlags, "sentAt": catalog.MsgPageSentAt,
	"arrivedAt": catalog.MsgPageArrivedAt, "droppedAt": catalog.MsgPageDroppedAt, "options": catalog.MsgPageOptions,
	"labels": catalog.MsgPageLabels, "whySent": catalog.MsgPageWhySent, "whyDropped": catalog.MsgPageWhyDropped,
	"rule": catalog.MsgPageRule, "none": catalog.MsgPageNone, "close": catalog.MsgPageClose,
	"inFlightAtEnd": catalog.MsgInFlightAtEnd, "evSend": catalog.MsgPageEvSend, "evDeliver": catalog.MsgPageEvDeliver,
	"dropped": catalog.MsgDropped,

	"timer.retransmission": catalog.MsgTimerRetransmission, "timer.persist": catalog.MsgTimerPersist,
	"timer.keepalive": catalog.MsgTimerKeepalive, "timer.delayed-ack": catalog.MsgTimerDelayedACK,
	"timer.time-wait": catalog.MsgTimerTimeWait,
}

// phrases returns the page's phrases in cat's language. Phrases with verbs
// (%d, %s) keep them: the script fills them in order.
func phrases(cat *catalog.Phrases) map[string]string {
	out := make(map[string]string, len(pagePhrases))
	for k, m := range pagePhrases {
		out[k] = cat.Str(m)
	}
	return out
}

// langCode returns the language's ISO 639-1 code, for the page's lang
// attribute.
func langCode(l catalog.Lang) string {
	if p, err := catalog.ParseLang(string(l)); err == nil {
		return string(p)
	}
	return string(catalog.English)
}
