package trace

import (
	"slices"
	"testing"
)

func TestKind_Names(t *testing.T) {
	want := []string{"run", "node", "send", "drop", "deliver", "state", "timer", "var", "app", "abort", "host", "link", "msg", "end", "queue"}
	for i, name := range want {
		k := KindRun + Kind(i)
		if k.String() != name {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), name)
		}
		if got, ok := ParseKind(name); !ok || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", name, got, ok)
		}
	}
	if KindQueue.String() != "queue" || Kind(KindQueue+1).String() != "unknown" || Kind(0).String() != "" {
		t.Error("out-of-range kinds")
	}
	for _, bad := range []string{"", "unknown", "Send", "SEND"} {
		if _, ok := ParseKind(bad); ok {
			t.Errorf("ParseKind(%q) succeeded", bad)
		}
	}
}

func TestTimer_Names(t *testing.T) {
	want := []string{"retransmission", "persist", "keepalive", "delayed-ack", "time-wait"}
	for i, name := range want {
		tm := TimerRetransmission + Timer(i)
		if tm.String() != name {
			t.Errorf("Timer(%d).String() = %q, want %q", tm, tm.String(), name)
		}
		if got, ok := ParseTimer(name); !ok || got != tm {
			t.Errorf("ParseTimer(%q) = %v, %v", name, got, ok)
		}
	}
	if Timer(TimerTimeWait+1).String() != "unknown" {
		t.Error("out-of-range timer")
	}
	if _, ok := ParseTimer(""); ok {
		t.Error(`ParseTimer("") succeeded`)
	}
}

func TestLabel_Names(t *testing.T) {
	want := []string{"retransmission", "fast-retransmission", "dup-ack", "zero-window", "zero-window-probe",
		"window-update", "keepalive", "keepalive-ack", "delayed-ack"}
	var all Label
	for i, name := range want {
		l := Label(1) << i
		all |= l
		if l.String() != name || !slices.Equal(l.Names(), []string{name}) {
			t.Errorf("Label(%#x) = %q, want %q", uint32(l), l.String(), name)
		}
		if got, ok := ParseLabel(name); !ok || got != l {
			t.Errorf("ParseLabel(%q) = %v, %v", name, got, ok)
		}
	}
	if !slices.Equal(all.Names(), want) {
		t.Errorf("all labels: %q", all.Names())
	}
	if (LabelDupACK | LabelRetransmission).String() != "retransmission,dup-ack" {
		t.Errorf("String = %q", (LabelDupACK | LabelRetransmission).String())
	}
	if Label(0).Names() != nil || Label(0).String() != "" {
		t.Error("no labels should name nothing")
	}
	if !(LabelDupACK | LabelKeepalive).Has(LabelDupACK) || LabelDupACK.Has(LabelDupACK|LabelKeepalive) {
		t.Error("Has is wrong")
	}
	if _, ok := ParseLabel("dup-ACK"); ok {
		t.Error("ParseLabel is case-sensitive in JSON")
	}
}
