package catalog

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"

	"github.com/tcpsim/tcpsim/trace"
)

// sampleArgs are arguments of the types each message's verbs expect.
var sampleArgs = map[Msg][]any{
	MsgDupACKN:              {2},
	MsgKeepaliveN:           {2},
	MsgZeroWindowProbeN:     {2},
	MsgDropped:              {"loss"},
	MsgDroppedInFlight:      {"link down"},
	MsgConn:                 {2, "note"},
	MsgState:                {"SYN-SENT", "ESTABLISHED"},
	MsgAborted:              {"reset"},
	MsgAppWrite:             {int64(10)},
	MsgAppRead:              {int64(10)},
	MsgAppOther:             {"shutdown"},
	MsgRTOFiredN:            {int64(2)},
	MsgHostCrash:            {"server"},
	MsgHostReboot:           {"server"},
	MsgHostOther:            {"server", "freeze"},
	MsgLinkDown:             {"client→server"},
	MsgLinkUp:               {"client→server"},
	MsgLinkOther:            {"client→server", "flap"},
	MsgLinkReroute:          {"client↔server"},
	MsgReasonReceiverDown:   {"server"},
	MsgMoreEvent:            {int64(1)},
	MsgMoreEvents:           {int64(2)},
	MsgLater:                {"1.000 s"},
	MsgSumTitle:             {"1.000 s"},
	MsgSumFinalStateConn:    {uint32(2)},
	MsgSumAbort:             {uint32(2), "reset"},
	MsgSumEnded:             {"x"},
	MsgReasonMTU:            {1500, 1400},
	MsgShownWindow:          {"1.000 s", "2.000 s"},
	MsgMessageSent:          {"GET /1 HTTP/1.1", int64(71)},
	MsgMessageRead:          {"HTTP/1.1 200 OK", int64(1083)},
	MsgMessageBody:          {"200 OK", int64(1000)},
	MsgLegendConn:           {uint32(2), uint16(49153), uint16(80)},
	MsgIdle:                 {"7180 s"},
	MsgMoreSegments:         {12},
	MsgPlotSeqTitle:         {"client", "server"},
	MsgPlotWindowTitle:      {"client"},
	MsgPlotRcvBuffer:        {"server"},
	MsgPlotFlowsTitle:       {4},
	MsgPlotQueueDrops:       {12},
	MsgSumFlow:              {"s1", "r1", "0.000 s", int64(1000), "2.000 Mbit/s"},
	MsgSumFairness:          {"0.998"},
	MsgPageEventOf:          {3, 100},
	MsgPageFiresIn:          {"0.250 s"},
	MsgPageMoreEvents:       {12},
	MsgPageBytes:            {int64(1460)},
	MsgPageBuffer:           {int64(4096)},
	MsgPageSegment:          {uint64(6)},
	MsgPageEvSend:           {"client", "ACK SEQ=1"},
	MsgPageEvDeliver:        {"server", "ACK SEQ=1"},
	MsgPageEvTimerSet:       {"client", "RTO", "1.000 s"},
	MsgPageEvTimerFired:     {"client", "RTO"},
	MsgPageEvTimerCancelled: {"client", "RTO"},
	MsgPageEvVar:            {"client", "cwnd", "2920"},
	MsgPageEvMsg:            {"client", "GET / HTTP/1.1"},
	MsgWhyUna:               {uint64(3021)},
	MsgWhyNxtSent:           {uint64(4481)},
	MsgWhyNxtACK:            {uint64(4481)},
	MsgWhySndWnd:            {int64(0)},
	MsgWhyRcvNxt:            {uint64(4481)},
	MsgWhyRcvNxtACK:         {uint64(4481)},
	MsgWhyRcvWnd:            {int64(0)},
	MsgWhyRcvBuffer:         {int64(1024)},
	MsgWhyCwndFast:          {int32(3)},
	MsgWhyCwndInflate:       {int32(4)},
	MsgWhyTimerSet:          {"RTO", "1.000 s"},
	MsgWhyTimerFired:        {"RTO"},
	MsgWhyTimerCancelled:    {"RTO"},
	MsgPlotAboveTop:         {"ACK + receive window", "80.3 kB"},
}

// Every message of every language exists and takes exactly the arguments
// viz passes it.
func TestCatalogues(t *testing.T) {
	for _, l := range catalogues {
		for m := Msg(0); m < numMsgs; m++ {
			if !assert.NotEmpty(t, l.p[m], "%s: message %d (English %q) has no translation", l.lang, m, english[m]) {
				continue
			}
			assert.NotContains(t, l.p.Sprintf(m, sampleArgs[m]...), "%!", "%s: message %d %q with %v", l.lang, m, l.p[m], sampleArgs[m])
		}
	}
}

// verbRE matches a fmt verb: %%, or flags, an optional argument index,
// width, precision and the verb letter.
var verbRE = regexp.MustCompile(`%(%|[-+# 0]*(\[\d+\])?\d*(\.\d+)?[a-zA-Z])`)

// verbs returns the verbs of format f by the argument they format, in
// argument order ("%[2]s %[1]d" gives "d s"), resolving explicit indexes
// as fmt does.
func verbs(f string) string {
	byArg := map[int]string{}
	next := 1
	for _, v := range verbRE.FindAllStringSubmatch(f, -1) {
		if v[1] == "%" {
			continue
		}
		if v[2] != "" {
			next, _ = strconv.Atoi(v[2][1 : len(v[2])-1])
		}
		byArg[next] += v[0][len(v[0])-1:]
		next++
	}
	var out []string
	for i := 1; i <= len(byArg); i++ {
		out = append(out, byArg[i])
	}
	return strings.Join(out, " ")
}

func TestVerbs(t *testing.T) {
	for f, want := range map[string]string{
		"no verbs":             "",
		"%d%%":                 "d",
		"%s → %s":              "s s",
		"[conn %d] %s":         "d s",
		"%[2]s, kết nối %[1]d": "d s",
		"%-8q %5.2f":           "q f",
	} {
		assert.Equal(t, want, verbs(f), "verbs(%q)", f)
	}
}

// A translation formats the same arguments with the same verbs as English
// (it may reorder them with explicit indexes).
func TestCatalogueVerbs(t *testing.T) {
	for _, l := range catalogues {
		for m := Msg(0); m < numMsgs; m++ {
			assert.Equal(t, verbs(english[m]), verbs(l.p[m]), "%s: message %d %q; English %q", l.lang, m, l.p[m], english[m])
		}
	}
}

// The phrase with an ordinal follows its plain form in every catalogue.
func TestCatalogueOrdinalPairs(t *testing.T) {
	for _, l := range catalogues {
		for _, m := range []Msg{MsgDupACK, MsgKeepalive} {
			assert.True(t, strings.HasPrefix(l.p[m+1], l.p[m]) && strings.Contains(l.p[m+1], "%d"),
				"%s: message %d %q is not followed by its ordinal form (got %q)", l.lang, m, l.p[m], l.p[m+1])
		}
	}
}

// Every letter is precomposed (NFC), so that one code point is one column:
// a combining mark (U+0300 …) would make width count a column the terminal
// does not draw. Nor does any message hold a wide (East Asian) or
// zero-width character.
func TestCatalogueNFC(t *testing.T) {
	for _, l := range catalogues {
		for m := Msg(0); m < numMsgs; m++ {
			for i, r := range l.p[m] {
				assert.False(t, unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) || r < ' ' || r >= 0x1100 && !oneColumn(r),
					"%s: message %d %q: %U at byte %d is not one column wide", l.lang, m, l.p[m], r, i)
			}
		}
	}
}

// oneColumn reports whether r, at or above U+1100, is a character viz
// knows to take one column: Vietnamese letters (Latin Extended Additional),
// punctuation, arrows and the ladder's drawing characters.
func oneColumn(r rune) bool {
	return 0x1E00 <= r && r <= 0x1EFF || // Latin Extended Additional: ạ ả ấ … ỹ
		0x2000 <= r && r <= 0x206F || // General Punctuation: … —
		0x2190 <= r && r <= 0x21FF || // Arrows: →
		0x2500 <= r && r <= 0x25FF || // Box Drawing, Geometric Shapes: │ ─ ▶ ◀
		r == '✗'
}

// The Vietnamese catalogue uses the words of Vietnamese networking courses.
func TestVietnameseTerms(t *testing.T) {
	for m, want := range map[Msg]string{
		MsgRetransmission:  "truyền lại",
		MsgDupACK:          "ACK trùng lặp",
		MsgWindowUpdate:    "cửa sổ",
		MsgDropped:         "bị loại bỏ",
		MsgDroppedInFlight: "bị mất",
		MsgRTOFired:        "hết thời gian chờ",
		MsgAborted:         "kết nối bị hủy",
		MsgSumSegments:     "phân đoạn",
		MsgSumLastRead:     "thời điểm đọc dữ liệu lần cuối",
		MsgTimerPersist:    "kiên trì",
	} {
		assert.Contains(t, vietnamese[m], want, "message %d", m)
	}
	// Protocol words stay as they are.
	for _, m := range []Msg{MsgDupACK, MsgDelayedACK, MsgRTOFired, MsgReasonMTU} {
		for _, w := range []string{"ACK", "RTO", "MTU"} {
			if strings.Contains(english[m], w) {
				assert.Contains(t, vietnamese[m], w, "message %d", m)
			}
		}
	}
}

func TestLanguages(t *testing.T) {
	assert.Equal(t, []Lang{English, Vietnamese}, Languages())
	for _, s := range []string{"en", "vi", "VI", " vi "} {
		l, err := ParseLang(s)
		if assert.NoError(t, err, s) {
			assert.Equal(t, strings.ToLower(strings.TrimSpace(s)), string(l))
		}
	}
	for _, s := range []string{"", "fr", "vietnamese", "vi-VN"} {
		_, err := ParseLang(s)
		if assert.Error(t, err, s) {
			assert.Contains(t, err.Error(), fmt.Sprintf("%q", s))
			assert.Contains(t, err.Error(), "en (English), vi (Tiếng Việt)")
		}
	}
	assert.Equal(t, "English", English.Name())
	assert.Equal(t, "Tiếng Việt", Vietnamese.Name())
	assert.Equal(t, "fr", Lang("fr").Name())
	// Phrases falls back to English; Check says when it does.
	assert.Same(t, &english, Lang("").Phrases())
	assert.Same(t, &english, Lang("fr").Phrases())
	assert.Same(t, &vietnamese, Vietnamese.Phrases())
	assert.Same(t, &vietnamese, Lang("VI").Phrases())
	assert.NoError(t, Lang("VI").Check())
	assert.NoError(t, Lang("").Check())
	assert.Error(t, Lang("fr").Check())
}

// Drop and abort reasons are phrases looked up by their code; a drop rule's
// text is the scenario's and stays as written. The English phrases are the
// trace's own words.
func TestReasonTranslation(t *testing.T) {
	for _, tc := range []struct {
		lang Lang
		d    trace.Drop
		want string
	}{
		{English, trace.Drop{Code: trace.DropRandomLoss}, "random loss"},
		{English, trace.Drop{Code: trace.DropMTU, Size: 1500, MTU: 1400}, "exceeds MTU (1500 > 1400 bytes)"},
		{English, trace.Drop{Code: trace.DropReceiverDown}, "server crashed"},
		{Vietnamese, trace.Drop{Code: trace.DropRandomLoss}, "mất gói ngẫu nhiên"},
		{Vietnamese, trace.Drop{Code: trace.DropQueueFull}, "hàng đợi đầy"},
		{Vietnamese, trace.Drop{Code: trace.DropLinkDown}, "đường truyền bị ngắt"},
		{Vietnamese, trace.Drop{Code: trace.DropMTU, Size: 1500, MTU: 1400}, "vượt quá MTU (1500 > 1400 byte)"},
		{Vietnamese, trace.Drop{Code: trace.DropReceiverDown}, "server bị sập"},
		{Vietnamese, trace.Drop{Code: trace.DropRule, Rule: "client data_segment 3"}, "client data_segment 3"},
	} {
		assert.Equal(t, tc.want, tc.lang.Phrases().DropReason(tc.d, "server"), "%s: %+v", tc.lang, tc.d)
		if tc.lang == English {
			assert.Equal(t, tc.d.Text("server"), tc.want, "the English phrase is the trace's")
		}
	}
	for a := trace.AbortTimedOut; a <= trace.AbortUserTimeout; a++ {
		assert.Equal(t, a.String(), English.Phrases().AbortReason(a), "the English phrase is the trace's")
		assert.NotEqual(t, a.String(), Vietnamese.Phrases().AbortReason(a), "abort cause %d is not translated", a)
	}
	assert.Equal(t, "hết thời gian chờ kết nối (ETIMEDOUT)", Vietnamese.Phrases().AbortReason(trace.AbortTimedOut))
}

// The notes every output writes for the trace's events.
func TestNotes(t *testing.T) {
	en, vi := English.Phrases(), Vietnamese.Phrases()
	for _, tc := range []struct {
		got, want string
	}{
		{en.AppNote(&trace.Record{App: trace.AppWrite, Value: 10}), "app: write 10 bytes"},
		{en.AppNote(&trace.Record{App: trace.AppOp(99)}), "app: unknown"},
		{en.HostNote(&trace.Record{Node: "server", Host: trace.HostCrash}), "server crashed"},
		{vi.HostNote(&trace.Record{Node: "server", Host: trace.HostReboot}), "server khởi động lại"},
		{en.LinkNote(&trace.Record{Node: "client", Peer: "server", Link: trace.LinkDown}), "link client→server down"},
		{en.LinkNote(&trace.Record{Node: "client→server", Link: trace.LinkUp}), "link client→server up"},
		{en.RTOFired(0), "RTO fired"},
		{en.RTOFired(2), "RTO fired (timeout #2)"},
		{en.Conn(1, "ESTABLISHED"), "ESTABLISHED"},
		{vi.Conn(2, "ESTABLISHED"), "[kết nối 2] ESTABLISHED"},
		{en.TimerName(trace.TimerRetransmission), "RTO"},
		{vi.TimerName(trace.TimerDelayedACK), "ACK trì hoãn"},
		{strings.Join(en.LabelPhrases(nil, &trace.Packet{Labels: trace.LabelRetransmission | trace.LabelFastRetransmission | trace.LabelDupACK, N: 3}), ", "),
			"fast retransmission, dup ACK #3"},
	} {
		assert.Equal(t, tc.want, tc.got)
	}
	why, ok := en.EndReason(trace.EndBudgetExhausted)
	assert.True(t, ok)
	assert.Equal(t, "it used up its event budget", why)
	_, ok = en.EndReason(0)
	assert.False(t, ok)
}

// protocolWords are phrases that stay as they are in every language:
// protocol words, as the catalogues' comments say.
var protocolWords = map[string]bool{"RTO": true, "TIME-WAIT": true, "keepalive": true}

// Every drop reason, host event, link event, abort cause and timer the trace
// can name has a phrase of its own in every translation (not the catch-all
// "server: crash"), and a translation says it in its own words: nothing
// reaches a Vietnamese reader in English but protocol words, node names and
// a drop rule's text, which is the scenario's.
func TestCataloguesCoverTheTrace(t *testing.T) {
	en := English.Phrases()
	for _, l := range catalogues {
		c := l.p
		translated := func(what, got, english string) {
			t.Helper()
			if l.lang != English && !protocolWords[english] {
				assert.NotEqual(t, english, got, "%s: %s is left in English", l.lang, what)
			}
		}
		for d := trace.DropCode(1); d.String() != "unknown"; d++ {
			if d == trace.DropRule {
				continue // the scenario's own text
			}
			drop := trace.Drop{Code: d, Size: 1500, MTU: 1400}
			got := c.DropReason(drop, "server")
			if l.lang == English {
				assert.Equal(t, drop.Text("server"), got, "the English drop reason is the trace's")
			}
			translated(fmt.Sprintf("drop reason %q", drop.Text("server")), got, en.DropReason(drop, "server"))
		}
		for h := trace.HostOp(1); h.String() != "unknown"; h++ {
			r := &trace.Record{Kind: trace.KindHost, Node: "server", Host: h}
			got := c.HostNote(r)
			if l.lang != English { // English is the reference (see the link events)
				assert.NotEqual(t, c.Sprintf(MsgHostOther, r.Node, h), got, "%s: host event %q has no phrase of its own", l.lang, h)
			}
			translated(fmt.Sprintf("host event %q", h), got, en.HostNote(r))
		}
		for op := trace.LinkOp(1); op.String() != "unknown"; op++ {
			r := &trace.Record{Kind: trace.KindLink, Node: "client", Peer: "server", Link: op}
			got := c.LinkNote(r)
			if l.lang != English { // English's "link client→server: reroute" reads as its catch-all does
				assert.NotEqual(t, c.Sprintf(MsgLinkOther, "client→server", op), got, "%s: link event %q has no phrase of its own", l.lang, op)
			}
			translated(fmt.Sprintf("link event %q", op), got, en.LinkNote(r))
		}
		for a := trace.AbortCause(1); a.String() != "unknown"; a++ {
			translated(fmt.Sprintf("abort cause %q", a), c.AbortReason(a), en.AbortReason(a))
		}
		for tm := trace.Timer(1); tm.String() != "unknown"; tm++ {
			translated(fmt.Sprintf("timer %q", tm), c.TimerName(tm), en.TimerName(tm))
		}
	}
}

// Every label a segment can carry has a phrase in every language, so no
// output shows a segment's label as nothing.
func TestLabelPhrases_EveryLabel(t *testing.T) {
	for _, lang := range []Lang{English, Vietnamese} {
		c := lang.Phrases()
		for l := trace.LabelRetransmission; l <= trace.LabelSpuriousRetransmission; l <<= 1 {
			got := c.LabelPhrases(nil, &trace.Packet{Labels: l})
			assert.Len(t, got, 1, "%s: label %v", lang, l)
		}
	}
}
