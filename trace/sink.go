package trace

// Sink consumes records in order. It must not keep r after returning.
type Sink interface {
	Record(r *Record)
}

// KindSet is a set of record kinds.
type KindSet uint32

// AllKinds holds every kind.
const AllKinds = ^KindSet(0)

// Kinds returns the set of the given kinds.
func Kinds(ks ...Kind) KindSet {
	var s KindSet
	for _, k := range ks {
		s |= 1 << k
	}
	return s
}

// Has reports whether k is in s. Every kind is below 32, so the shift needs
// no check for a longer one (k&31 is k).
func (s KindSet) Has(k Kind) bool { return s&(1<<(k&31)) != 0 }

// A KindSet holds every kind: this fails to compile once the last kind is 32
// or more.
const _ = uint(31 - KindQueue)

// Selective is a Sink that reads only some kinds of record. Producers ask
// (with Reads) before building a record, and build none that no sink
// reads: a run drawn as a summary alone builds no timer or variable
// records. A sink that is not Selective reads every kind.
type Selective interface {
	Sink
	Reads() KindSet
}

// Reads returns the kinds s reads: none for Discard or nil, what a
// Selective sink says, otherwise all.
func Reads(s Sink) KindSet {
	switch t := s.(type) {
	case nil, discard:
		return 0
	case Selective:
		return t.Reads()
	}
	return AllKinds
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(r *Record)

// Record calls f(r).
func (f SinkFunc) Record(r *Record) { f(r) }

// Discard is a Sink that ignores every record.
var Discard Sink = discard{}

// discard is comparable, so Tee can recognise Discard without comparing
// uncomparable sinks (a SinkFunc) to it.
type discard struct{}

func (discard) Record(*Record) {}

// Tee returns a Sink that hands each record to every sink in order. It
// leaves out nil sinks and Discard.
func Tee(sinks ...Sink) Sink {
	var live []Sink
	for _, s := range sinks {
		if s != nil && s != Discard {
			live = append(live, s)
		}
	}
	switch len(live) {
	case 0:
		return Discard
	case 1:
		return live[0]
	}
	t := make(tee, len(live))
	for i, s := range live {
		t[i] = teeSink{s, Reads(s)}
	}
	return t
}

// tee hands each record to the sinks that read its kind.
type tee []teeSink

type teeSink struct {
	s     Sink
	reads KindSet
}

func (t tee) Record(r *Record) {
	for _, x := range t {
		if x.reads.Has(r.Kind) {
			x.s.Record(r)
		}
	}
}

// Reads is the union of what the sinks read.
func (t tee) Reads() KindSet {
	var u KindSet
	for _, x := range t {
		u |= x.reads
	}
	return u
}

// Log keeps a copy of every record, for outputs that need the whole run
// (diagrams, plots). Streaming outputs should be Sinks of their own instead.
type Log struct {
	Records []Record
	// pkts holds the copies of the records' packets in chunks that never
	// move, so the pointers in Records stay valid as the log grows.
	pkts [][]Packet
}

// logChunk is how many packets one chunk of a Log holds.
const logChunk = 1024

// Record appends a copy of r, with a copy of its packet.
func (l *Log) Record(r *Record) {
	k := *r
	if r.Pkt != nil {
		n := len(l.pkts)
		if n == 0 || len(l.pkts[n-1]) == logChunk {
			l.pkts = append(l.pkts, make([]Packet, 0, logChunk))
			n++
		}
		c := append(l.pkts[n-1], *r.Pkt)
		l.pkts[n-1] = c
		k.Pkt = &c[len(c)-1]
	}
	l.Records = append(l.Records, k)
}

// Replay hands every kept record to s in order.
func (l *Log) Replay(s Sink) {
	for i := range l.Records {
		s.Record(&l.Records[i])
	}
}
