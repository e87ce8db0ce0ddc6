package trace

import (
	"slices"
	"testing"
)

type names []string

func (n *names) sink(name string) Sink {
	return SinkFunc(func(r *Record) { *n = append(*n, name+":"+r.Name) })
}

func TestTee_HandsEachRecordToEverySinkInOrder(t *testing.T) {
	var got names
	s := Tee(got.sink("a"), nil, Discard, got.sink("b"), got.sink("c"))
	for _, n := range []string{"1", "2"} {
		s.Record(&Record{Kind: KindVar, Name: n})
	}
	want := names{"a:1", "b:1", "c:1", "a:2", "b:2", "c:2"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestTee_LeavesOutNilAndDiscard(t *testing.T) {
	// SinkFuncs are not comparable: Tee must not compare them to Discard.
	if s := Tee(); s != Discard {
		t.Errorf("Tee() = %T, want Discard", s)
	}
	if s := Tee(nil, Discard, Discard); s != Discard {
		t.Errorf("Tee(nil, Discard, Discard) = %T, want Discard", s)
	}
	var got names
	only := got.sink("only")
	s := Tee(Discard, only, nil)
	s.Record(&Record{Name: "x"})
	if !slices.Equal(got, names{"only:x"}) {
		t.Errorf("got %v", got)
	}
	if _, ok := s.(tee); ok {
		t.Error("Tee of one live sink wraps it")
	}
	l := &Log{}
	if s := Tee(l, Discard); s != Sink(l) {
		t.Errorf("Tee(log, Discard) = %T, want the log itself", s)
	}
	// A Tee inside a Tee.
	inner := Tee(got.sink("x"), got.sink("y"))
	got = nil
	Tee(inner, Discard, got.sink("z")).Record(&Record{Name: "r"})
	if !slices.Equal(got, names{"x:r", "y:r", "z:r"}) {
		t.Errorf("nested: got %v", got)
	}
}

func TestDiscard(t *testing.T) {
	Discard.Record(&Record{})
	Discard.Record(nil)
}

func TestLog_KeepsCopiesAndReplaysInOrder(t *testing.T) {
	var l Log
	r := Record{Kind: KindVar, Var: VarCwnd, Value: 1}
	l.Record(&r)
	r.Value = 2 // producers reuse their record
	l.Record(&r)
	r.Value = 3
	if len(l.Records) != 2 || l.Records[0].Value != 1 || l.Records[1].Value != 2 {
		t.Fatalf("Log kept %+v", l.Records)
	}
	var got []int64
	l.Replay(SinkFunc(func(r *Record) { got = append(got, r.Value) }))
	if !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("Replay gave %v", got)
	}
	var empty Log
	empty.Replay(SinkFunc(func(*Record) { t.Error("an empty log replayed a record") }))
}

func TestLog_CopiesPackets(t *testing.T) {
	var l Log
	p := Packet{ID: 1}
	r := Record{Kind: KindSend, Pkt: &p}
	for i := range 3 * logChunk { // across chunk boundaries: earlier copies must not move
		p.ID = uint64(i + 1)
		l.Record(&r)
	}
	p.ID = 999 // producers reuse their packet
	for i := range l.Records {
		if got := l.Records[i].Pkt; got == &p || got.ID != uint64(i+1) {
			t.Fatalf("record %d: packet %p ID %d, want a copy with ID %d", i, got, got.ID, i+1)
		}
	}
	if l.Records[0].Pkt == l.Records[1].Pkt {
		t.Error("two records share one packet copy")
	}
}

// selective reads only the kinds it names.
type selective struct {
	kinds KindSet
	got   []Kind
}

func (s *selective) Record(r *Record) { s.got = append(s.got, r.Kind) }
func (s *selective) Reads() KindSet   { return s.kinds }

func TestReads(t *testing.T) {
	sends := &selective{kinds: Kinds(KindSend, KindDrop)}
	vars := &selective{kinds: Kinds(KindVar)}
	var all Log
	if got := Reads(nil); got != 0 {
		t.Errorf("Reads(nil) = %b", got)
	}
	if got := Reads(Discard); got != 0 {
		t.Errorf("Reads(Discard) = %b", got)
	}
	if got := Reads(&all); got != AllKinds {
		t.Errorf("Reads(Log) = %b, want all", got)
	}
	tee := Tee(sends, vars)
	if got, want := Reads(tee), Kinds(KindSend, KindDrop, KindVar); got != want {
		t.Errorf("Reads(Tee) = %b, want %b", got, want)
	}
	if Reads(Tee(sends, &all)) != AllKinds {
		t.Error("a Tee with an unselective sink reads everything")
	}
	for _, k := range []Kind{KindSend, KindVar, KindTimer, KindDrop} {
		tee.Record(&Record{Kind: k})
	}
	if !slices.Equal(sends.got, []Kind{KindSend, KindDrop}) || !slices.Equal(vars.got, []Kind{KindVar}) {
		t.Errorf("Tee handed sends %v, vars %v", sends.got, vars.got)
	}
	if !Kinds(KindEnd).Has(KindEnd) || Kinds(KindEnd).Has(KindRun) {
		t.Error("KindSet.Has")
	}
}
