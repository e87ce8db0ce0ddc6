package trace

// Sink consumes records in order. It must not keep r after returning.
type Sink interface {
	Record(r *Record)
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
	return tee(live)
}

type tee []Sink

func (t tee) Record(r *Record) {
	for _, s := range t {
		s.Record(r)
	}
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
