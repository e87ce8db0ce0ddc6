package scenarios

import (
	"fmt"
	"strings"
	"time"

	"github.com/tcpsim/tcpsim/tcp"
)

// This file is the machinery of the key tables. A table lists the keys of
// one kind of mapping (the link settings, an endpoint, a drop rule …); each
// entry says how its value is read (a kind, with its bounds), where the
// value goes, what the key allows (for messages) and its default and
// meaning (for docs/scenario-format.md). decode.go holds the tables. From
// them come the keys fields() accepts, the suggestions of unknownKey
// (keyHome) and the key tables of the doc (doc_test.go checks and rewrites
// them), so the three cannot drift apart.

// A kind is how a value is written and read: a duration, a size, a rate …
// with its bounds. V is the Go type it reads into.
type kind[V any] struct {
	typ     string // the doc's type column: "duration"
	allowed string // the doc's allowed column, from the bounds: "1ms … 1h"
	// read reads v, reporting a problem with help after "; ".
	read func(d *decoder, v value, help string) (V, bool)
}

// integerIn is a whole number in [lo, hi].
func integerIn(lo, hi int64) kind[int64] {
	return kind[int64]{
		typ:     "integer",
		allowed: fmt.Sprintf("%d … %d", lo, hi),
		read: func(d *decoder, v value, help string) (int64, bool) {
			return d.integer(v, lo, hi, help)
		},
	}
}

// unsignedUpTo is a whole number in [0, hi], for values up to 2⁶⁴−1.
func unsignedUpTo(hi uint64) kind[uint64] {
	return kind[uint64]{
		typ:     "integer",
		allowed: fmt.Sprintf("0 … %d", hi),
		read: func(d *decoder, v value, help string) (uint64, bool) {
			return d.unsigned(v, 0, hi, help)
		},
	}
}

// durationIn is a duration in [lo, hi].
func durationIn(lo, hi time.Duration) kind[time.Duration] {
	return kind[time.Duration]{
		typ:     "duration",
		allowed: docDuration(lo) + " … " + docDuration(hi),
		read: func(d *decoder, v value, help string) (time.Duration, bool) {
			return d.duration(v, lo, hi, help)
		},
	}
}

// durationOrOff is a duration in [lo, hi], or off (or 0) for none: 0.
func durationOrOff(lo, hi time.Duration) kind[time.Duration] {
	k := durationIn(lo, hi)
	k.typ = "duration or `off`"
	k.read = func(d *decoder, v value, help string) (time.Duration, bool) {
		return d.durationOrOff(v, lo, hi, help)
	}
	return k
}

// durationOrOffBelow is durationOrOff for a duration that must stay below
// hi, not reach it (a delayed ACK: "less than 0.5 seconds").
func durationOrOffBelow(lo, hi time.Duration) kind[time.Duration] {
	k := durationOrOff(lo, hi)
	k.allowed = "≥ " + docDuration(lo) + ", < " + docDuration(hi)
	k.read = func(d *decoder, v value, help string) (time.Duration, bool) {
		t, ok := d.durationOrOff(v, lo, hi, help)
		if ok && t >= hi {
			d.errorf(v, "%s is not less than %s; %s", describe(v.n), fmtDuration(hi), help)
			return 0, false
		}
		return t, ok
	}
	return k
}

// timeInRun is a time since the start of the run, before its end;
// consequence ends the message for one past the end ("the event would
// never happen").
func timeInRun(consequence string) kind[time.Duration] {
	return kind[time.Duration]{
		typ:     "duration",
		allowed: "before the end of the run",
		read: func(d *decoder, v value, help string) (time.Duration, bool) {
			t, ok := d.duration(v, 0, maxDuration, help)
			if !ok {
				return 0, false
			}
			if p := d.end.after(t); p != "" {
				d.errorf(v, "%s %s; %s", describe(v.n), p, consequence)
				return 0, false
			}
			return t, true
		},
	}
}

// sizeIn is a byte count in [lo, hi].
func sizeIn(lo, hi int64) kind[int64] {
	show := func(n int64) string {
		if n == 0 {
			return "0"
		}
		return fmtSize(n)
	}
	return kind[int64]{
		typ:     "size",
		allowed: show(lo) + " … " + show(hi),
		read: func(d *decoder, v value, help string) (int64, bool) {
			return d.size(v, lo, hi, help)
		},
	}
}

// rateIn is a rate in bits per second in [lo, hi], or 0 (unlimited) for none.
func rateIn(lo, hi int64) kind[int64] {
	return kind[int64]{
		typ:     "rate",
		allowed: fmtRate(lo) + " … " + fmtRate(hi) + ", or `unlimited`",
		read: func(d *decoder, v value, help string) (int64, bool) {
			return d.rate(v, lo, hi, help)
		},
	}
}

// probability is a number in [0, 1] or a percentage.
var probability = kind[float64]{
	typ:     "probability",
	allowed: "0 … 1",
	read:    (*decoder).probability,
}

// boolean is true or false.
var boolean = kind[bool]{typ: "boolean", read: (*decoder).boolean}

// text is a string; numbers and booleans are taken as written.
var text = kind[string]{typ: "text", read: (*decoder).text}

// orWord is k, or a word (any case) that stands for w: queue: unlimited.
func orWord[V any](k kind[V], word string, w V) kind[V] {
	return kind[V]{
		typ:     k.typ + " or `" + word + "`",
		allowed: k.allowed + ", or `" + word + "`",
		read: func(d *decoder, v value, help string) (V, bool) {
			if s, isString, _ := scalarText(v.n); isString && strings.EqualFold(strings.TrimSpace(s), word) {
				return w, true
			}
			return k.read(d, v, help)
		},
	}
}

// oneOf is one of a few words. noun names them in a message ("a profile":
// "bsd" is not a profile); fold takes them in any case and with spaces
// around; withSuggestion offers the nearest for a misspelling.
func oneOf(noun string, fold, withSuggestion bool, words ...string) kind[string] {
	return kind[string]{
		typ: orList(words, "`"),
		read: func(d *decoder, v value, help string) (string, bool) {
			s, ok := d.text(v, help)
			if !ok {
				return "", false
			}
			if fold {
				s = strings.ToLower(strings.TrimSpace(s))
			}
			for _, w := range words {
				if s == w {
					return s, true
				}
			}
			if withSuggestion {
				if sg := suggest(s, words); sg != "" {
					d.errorf(v, "%s is not %s; did you mean %s? %s", describe(v.n), noun, sg, help)
					return "", false
				}
			}
			d.errorf(v, "%s is not %s; %s", describe(v.n), noun, help)
			return "", false
		},
	}
}

// orList writes words as "a, b or c", each between quote and quote.
func orList(words []string, quote string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = quote + w + quote
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// docDuration writes a duration for the doc: 0 without a unit, and a few
// minutes that are not whole ones in seconds ("75s", not "1m15s").
func docDuration(t time.Duration) string {
	switch {
	case t == 0:
		return "0"
	case t > time.Minute && t < 10*time.Minute && t%time.Second == 0 && t%time.Minute != 0:
		return fmt.Sprintf("%ds", t/time.Second)
	}
	return fmtDuration(t)
}

// A reader reads a key's value into the mapping's Go value T.
type reader[T any] struct {
	typ, allowed string // for the doc, from the kind
	// apply reads v into x and reports whether it stored a value; nil when
	// the mapping's function reads the key itself (see bySection).
	apply func(d *decoder, v value, x *T, help string) bool
}

// into reads a value of kind k and stores it in x with set.
func into[T, V any](k kind[V], set func(x *T, v V)) reader[T] {
	return reader[T]{typ: k.typ, allowed: k.allowed, apply: func(d *decoder, v value, x *T, help string) bool {
		val, ok := k.read(d, v, help)
		if ok {
			set(x, val)
		}
		return ok
	}}
}

// custom is a reader written out for a value no kind fits (close: auto,
// never or a time; keepalive: a boolean or a mapping).
func custom[T any](typ, allowed string, apply func(d *decoder, v value, x *T, help string) bool) reader[T] {
	return reader[T]{typ: typ, allowed: allowed, apply: apply}
}

// bySection marks a key that the mapping's function reads itself, because
// other keys depend on it (profile) or it is a mapping or list of its own
// (link, drop); typ and allowed are for the doc.
func bySection[T any](typ, allowed string) reader[T] {
	return reader[T]{typ: typ, allowed: allowed}
}

// A field is one key of a mapping.
type field[T any] struct {
	name string
	read reader[T]
	help string // what the key allows: the part of a message after "; "
	// The doc's columns: def is the default ("" for none, shown as —),
	// doc the meaning; typ replaces the kind's type and note is added to
	// the kind's allowed values ("; note", or " (note)"), when set. All
	// Markdown.
	def, doc, typ, note string
	// required keys must be given ("from is missing; …").
	required bool
	// only is "client" or "server" for an endpoint key that only that side
	// has; misplaced is then the message for the key on the other side.
	only, misplaced string
	// group puts the key in a table of its own in the doc (the
	// application's keys of an endpoint: "app").
	group string
}

// A table is the keys of one kind of mapping, in the order messages list
// them and the doc shows them.
type table[T any] struct {
	what string // what the mapping is, for a message about its type
	// home says where its keys belong, for unknownKey when one is written
	// in another mapping; "" for keys that are not sent here.
	home string
	keys []field[T]
}

// allowed returns the keys fields() accepts on side ("" for any mapping
// but an endpoint): the keys for this side in table order, then the other
// side's, as misplaced.
func (t *table[T]) allowed(side string) []key {
	var ks, others []key
	for _, f := range t.keys {
		switch {
		case side == "" || f.only == "" || f.only == side:
			ks = append(ks, key{name: f.name})
		default:
			others = append(others, key{name: f.name, misplaced: f.misplaced})
		}
	}
	return append(ks, others...)
}

// fields checks that v is a mapping of this table's keys and returns its
// values by key (see decoder.fields).
func (t *table[T]) fields(d *decoder, v value) map[string]value {
	return d.fields(v, t.what, t.allowed(""))
}

// apply reads every given key that has a reader into x, in table order,
// and returns the keys it stored a value for.
func (t *table[T]) apply(d *decoder, f map[string]value, x *T) map[string]bool {
	stored := map[string]bool{}
	for _, k := range t.keys {
		if v := f[k.name]; v.present() && k.read.apply != nil {
			stored[k.name] = k.read.apply(d, v, x, k.help)
		}
	}
	return stored
}

// require reports each required key that f lacks at v, the mapping, with
// help; it returns whether all are there.
func (t *table[T]) require(d *decoder, f map[string]value, v value, help string) bool {
	ok := true
	for _, k := range t.keys {
		if k.required && !f[k.name].present() {
			d.errorf(v, "%s is missing; %s", k.name, help)
			ok = false
		}
	}
	return ok
}

// allStored reports whether every key given in f that the table reads
// was stored by apply.
func (t *table[T]) allStored(f map[string]value, stored map[string]bool) bool {
	for _, k := range t.keys {
		if f[k.name].present() && k.read.apply != nil && !stored[k.name] {
			return false
		}
	}
	return true
}

// keyDoc is one row of a key table in the doc.
type keyDoc struct {
	name, typ, def, allowed, doc string
	only                         string // "client", "server" or "" (both)
}

// docs returns the doc's rows for the keys of a group ("" for the keys
// in none).
func (t *table[T]) docs(group string) []keyDoc {
	var rows []keyDoc
	for _, f := range t.keys {
		if f.group != group {
			continue
		}
		r := keyDoc{name: f.name, typ: f.read.typ, def: f.def, allowed: f.read.allowed, doc: f.doc, only: f.only}
		if f.typ != "" {
			r.typ = f.typ
		}
		switch {
		case f.note != "" && r.allowed != "" && strings.HasPrefix(f.note, "("):
			r.allowed += " " + f.note
		case f.note != "" && r.allowed != "":
			r.allowed += "; " + f.note
		case f.note != "":
			r.allowed = f.note
		}
		if f.required {
			r.def = "required"
		}
		rows = append(rows, r)
	}
	return rows
}

// names returns the table's key names, in order.
func (t *table[T]) names() []string {
	ns := make([]string, len(t.keys))
	for i, f := range t.keys {
		ns[i] = f.name
	}
	return ns
}

// addHomes records in m that the table's keys belong here (see keyHome);
// a key that only one side has belongs under that side.
func (t *table[T]) addHomes(m map[string]string) {
	if t.home == "" {
		return
	}
	for _, f := range t.keys {
		m[f.name] = t.home
		if f.only != "" {
			m[f.name] = "it is a setting of the " + f.only + " only: put it under " + f.only
		}
	}
}

// code writes a value as Markdown code: `1s`, `1460`, `true`.
func code(x any) string {
	if t, ok := x.(time.Duration); ok {
		return "`" + docDuration(t) + "`"
	}
	return "`" + fmt.Sprint(x) + "`"
}

// codeSize writes a byte count as Markdown code in its largest whole unit.
func codeSize(n int) string {
	if n%1024 != 0 {
		return code(n)
	}
	return code(fmtSize(int64(n)))
}

// profileDefault is a TCP key's default for the doc: what show makes of
// the rfc profile's settings, and of the linux profile's when that differs.
func profileDefault(show func(c tcp.Config) string) string {
	rfc, _ := tcp.Profile("rfc")
	linux, _ := tcp.Profile("linux")
	r, l := show(rfc), show(linux)
	if r == l {
		return r
	}
	return r + " (`linux`: " + l + ")"
}
