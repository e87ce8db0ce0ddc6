package viz

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/tcpsim/tcpsim/trace"
)

// sampleArgs are arguments of the types each message's verbs expect.
var sampleArgs = map[msg][]any{
	msgDupACKN:            {2},
	msgKeepaliveN:         {2},
	msgZeroWindowProbeN:   {2},
	msgDropped:            {"loss"},
	msgDroppedInFlight:    {"link down"},
	msgConn:               {2, "note"},
	msgState:              {"SYN-SENT", "ESTABLISHED"},
	msgAborted:            {"reset"},
	msgAppWrite:           {int64(10)},
	msgAppRead:            {int64(10)},
	msgAppOther:           {"shutdown"},
	msgRTOFiredN:          {int64(2)},
	msgHostCrash:          {"server"},
	msgHostReboot:         {"server"},
	msgHostOther:          {"server", "freeze"},
	msgLinkDown:           {"client→server"},
	msgLinkUp:             {"client→server"},
	msgLinkOther:          {"client→server", "flap"},
	msgLinkReroute:        {"client↔server"},
	msgReasonReceiverDown: {"server"},
	msgMoreEvent:          {int64(1)},
	msgMoreEvents:         {int64(2)},
	msgLater:              {"1.000 s"},
	msgSumTitle:           {"1.000 s"},
	msgSumFinalStateConn:  {uint32(2)},
	msgSumAbort:           {uint32(2), "reset"},
	msgSumEnded:           {"x"},
	msgReasonMTU:          {1500, 1400},
	msgIdle:               {"7180 s"},
	msgMoreSegments:       {12},
	msgPlotSeqTitle:       {"client", "server"},
	msgPlotWindowTitle:    {"client"},
	msgPlotRcvBuffer:      {"server"},
}

// Every message of every language exists and takes exactly the arguments
// viz passes it.
func TestCatalogues(t *testing.T) {
	for _, l := range catalogues {
		for m := msg(0); m < numMsgs; m++ {
			if l.c[m] == "" {
				t.Errorf("%s: message %d (English %q) has no translation", l.lang, m, english[m])
				continue
			}
			if got := l.c.sprintf(m, sampleArgs[m]...); strings.Contains(got, "%!") {
				t.Errorf("%s: message %d %q with %v gives %q", l.lang, m, l.c[m], sampleArgs[m], got)
			}
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
		if got := verbs(f); got != want {
			t.Errorf("verbs(%q) = %q, want %q", f, got, want)
		}
	}
}

// A translation formats the same arguments with the same verbs as English
// (it may reorder them with explicit indexes).
func TestCatalogueVerbs(t *testing.T) {
	for _, l := range catalogues {
		for m := msg(0); m < numMsgs; m++ {
			if got, want := verbs(l.c[m]), verbs(english[m]); got != want {
				t.Errorf("%s: message %d %q has verbs %q; English %q has %q", l.lang, m, l.c[m], got, english[m], want)
			}
		}
	}
}

// The phrase with an ordinal follows its plain form in every catalogue.
func TestCatalogueOrdinalPairs(t *testing.T) {
	for _, l := range catalogues {
		for _, m := range []msg{msgDupACK, msgKeepalive} {
			if !strings.HasPrefix(l.c[m+1], l.c[m]) || !strings.Contains(l.c[m+1], "%d") {
				t.Errorf("%s: message %d %q is not followed by its ordinal form (got %q)", l.lang, m, l.c[m], l.c[m+1])
			}
		}
	}
}

// Every letter is precomposed (NFC), so that one code point is one column:
// a combining mark (U+0300 …) would make width count a column the terminal
// does not draw. Nor does any message hold a wide (East Asian) or
// zero-width character.
func TestCatalogueNFC(t *testing.T) {
	for _, l := range catalogues {
		for m := msg(0); m < numMsgs; m++ {
			for i, r := range l.c[m] {
				if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) || r < ' ' || r >= 0x1100 && !oneColumn(r) {
					t.Errorf("%s: message %d %q: %U at byte %d is not one column wide", l.lang, m, l.c[m], r, i)
				}
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
	for m, want := range map[msg]string{
		msgRetransmission:  "truyền lại",
		msgDupACK:          "ACK trùng lặp",
		msgWindowUpdate:    "cửa sổ",
		msgDropped:         "bị loại bỏ",
		msgDroppedInFlight: "bị mất",
		msgRTOFired:        "hết thời gian chờ",
		msgAborted:         "kết nối bị hủy",
		msgSumSegments:     "phân đoạn",
	} {
		if !strings.Contains(vietnamese[m], want) {
			t.Errorf("message %d %q does not say %q", m, vietnamese[m], want)
		}
	}
	// Protocol words stay as they are.
	for _, m := range []msg{msgDupACK, msgDelayedACK, msgRTOFired, msgReasonMTU} {
		for _, w := range []string{"ACK", "RTO", "MTU"} {
			if strings.Contains(english[m], w) && !strings.Contains(vietnamese[m], w) {
				t.Errorf("message %d %q lost %q", m, vietnamese[m], w)
			}
		}
	}
}

func TestLanguages(t *testing.T) {
	if got, want := Languages(), []Lang{English, Vietnamese}; !slices.Equal(got, want) {
		t.Errorf("Languages() = %v, want %v", got, want)
	}
	for _, s := range []string{"en", "vi", "VI", " vi "} {
		l, err := ParseLang(s)
		if err != nil || string(l) != strings.ToLower(strings.TrimSpace(s)) {
			t.Errorf("ParseLang(%q) = %q, %v", s, l, err)
		}
	}
	for _, s := range []string{"", "fr", "vietnamese", "vi-VN"} {
		_, err := ParseLang(s)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) ||
			!strings.Contains(err.Error(), "en (English), vi (Tiếng Việt)") {
			t.Errorf("ParseLang(%q) error = %v, want one naming it and listing en and vi", s, err)
		}
	}
	if English.Name() != "English" || Vietnamese.Name() != "Tiếng Việt" || Lang("fr").Name() != "fr" {
		t.Error("Name() is wrong")
	}
	if Lang("").catalog() != &english || Lang("fr").catalog() != &english || Vietnamese.catalog() != &vietnamese ||
		Lang("VI").catalog() != &vietnamese || Lang("VI").check() != nil || Lang("fr").check() == nil {
		t.Error("catalog() does not fall back to English")
	}
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
		if got := tc.lang.catalog().dropReason(tc.d, "server"); got != tc.want {
			t.Errorf("%s: dropReason(%+v) = %q, want %q", tc.lang, tc.d, got, tc.want)
		}
		if tc.lang == English {
			if text := tc.d.Text("server"); text != tc.want {
				t.Errorf("English phrase %q differs from the trace's %q", tc.want, text)
			}
		}
	}
	for a := trace.AbortTimedOut; a <= trace.AbortUserTimeout; a++ {
		if got := English.catalog().abortReason(a); got != a.String() {
			t.Errorf("English abort phrase %q differs from the trace's %q", got, a.String())
		}
		if vi := Vietnamese.catalog().abortReason(a); vi == a.String() {
			t.Errorf("abort cause %d is not translated: %q", a, vi)
		}
	}
	if got := Vietnamese.catalog().abortReason(trace.AbortTimedOut); got != "hết thời gian chờ kết nối (ETIMEDOUT)" {
		t.Errorf("Vietnamese ETIMEDOUT: %q", got)
	}
}

// A Vietnamese ladder keeps its timelines in place and its lines within
// the width, and says nothing in English but protocol words.
func TestLadderVietnamese(t *testing.T) {
	for _, w := range []int{MinLadderWidth, DefaultLadderWidth, 140} {
		got := render(t, synthetic(), LadderOptions{Width: w, Lang: Vietnamese, ShowReads: true})
		checkWidth(t, got, w)
		checkTimelines(t, got, w)
		for _, english := range []string{"dropped", "dup ACK", "retransmission", "app:", "time ", "connection aborted"} {
			if strings.Contains(got, english) {
				t.Errorf("width %d: the Vietnamese ladder says %q:\n%s", w, english, got)
			}
		}
		words := strings.Join(strings.Fields(strings.ReplaceAll(got, "│", " ")), " ")
		for _, vi := range []string{"thời gian", "ACK trùng lặp #1", "truyền lại", "bị loại bỏ: mất gói ngẫu nhiên", "kết nối bị"} {
			if !strings.Contains(words, vi) {
				t.Errorf("width %d: the Vietnamese ladder lacks %q:\n%s", w, vi, got)
			}
		}
	}
	if render(t, synthetic(), LadderOptions{Lang: "fr"}) != render(t, synthetic(), LadderOptions{}) {
		t.Error("an unknown language does not fall back to English")
	}
}
