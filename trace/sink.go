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
}

// Record appends a copy of r.
func (l *Log) Record(r *Record) { l.Records = append(l.Records, *r) }

// Replay hands every kept record to s in order.
func (l *Log) Replay(s Sink) {
	for i := range l.Records {
		s.Record(&l.Records[i])
	}
}
