package scenarios

import (
	"fmt"
	"slices"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// This file is a scenario's sweep block: the keys every sweep of the
// scenario sets, and the parameters and seeds tcpsim sweep runs when its
// command line names none.
//
//	sweep:
//	  set: {duration: 1000s}
//	  params:
//	    links.client_to_server.loss: [0.5%, 1%, 2%]
//	    link.delay: [10ms, 50ms]
//	  seeds: 5

// Sweep is a scenario's own sweep.
type Sweep struct {
	// Set are keys set for every run of the sweep and not varied, such
	// as a duration long enough for statistics that a single run to look
	// at does not need.
	Set []Override
	// Params are the swept parameters in the file's order: in the grid the
	// first varies slowest.
	Params []SweepParam
	// Seeds, when > 0, runs each point of the grid with seeds 1 … Seeds;
	// 0 runs it once, with the scenario's seed.
	Seeds int
}

// SweepParam is one swept key and its values.
type SweepParam struct {
	Path string
	// Values each set Path; Value is the text of the value as written.
	Values []Override
}

// Limits of a sweep block.
const (
	maxSweepParams = 16
	maxSweepValues = 1000
	maxSweepSeeds  = 10_000
)

const (
	helpSweep       = `sweep is a mapping {set, params, seeds} such as {params: {link.loss: [0.5%, 1%]}, seeds: 5}`
	helpSweepSet    = `set maps a key's path to one value, such as {duration: 1000s}; at most 16 keys`
	helpSweepParams = `params maps a key's path to a list of its values, such as {link.loss: [0.5%, 1%], link.delay: [10ms, 50ms]}; at most 16 keys and 1000 values each`
	helpSweepValues = `a parameter's values are a list such as [0.5%, 1%, 2%] (1 to 1000 values)`
	helpSweepSeeds  = `seeds is a number of seeds 1..10000: each point runs with seeds 1 to this`
)

// sweep: {params, seeds}.
var sweepTable = &table[Sweep]{
	what: helpSweep,
	keys: []field[Sweep]{
		{name: "set", read: custom("mapping of a key's path to a value", "paths as for `params`; ≤ 16 keys", readSweepSet), help: helpSweepSet,
			def: "none", doc: "keys set for every run of every sweep of the scenario and not varied (no column in the CSV), such as a `duration` long enough for statistics that a single run does not need; `tcpsim sweep --set` comes after them"},
		{name: "params", read: custom("mapping of a key's path to a list of values", "paths as `tcpsim sweep --param` takes them, such as `link.loss` or `client.mss`; ≤ 16 keys, ≤ 1000 values each", readSweepParams), help: helpSweepParams,
			def: "none", doc: "the keys to vary, each with its values; the grid is every combination, in order: the first key varies slowest. Each value is read as if written at its key, with the same checks. `tcpsim sweep --param` replaces them"},
		{name: "seeds", read: into(integerIn(1, maxSweepSeeds), func(s *Sweep, n int64) { s.Seeds = int(n) }), help: helpSweepSeeds,
			def: "the scenario's `seed` alone", doc: "each point of the grid runs with seeds 1, 2 … `seeds`; `tcpsim sweep --seeds` overrides it"},
	},
}

// sweep reads the sweep block v.
func (d *decoder) sweep(v value) *Sweep {
	f := sweepTable.fields(d, v)
	var s Sweep
	sweepTable.apply(d, f, &s)
	return &s
}

// readSweepSet reads set: a mapping of paths to values.
func readSweepSet(d *decoder, v value, s *Sweep, help string) bool {
	return sweepEntries(d, v, help, func(path string, ktk *token.Token, item value) bool {
		s.Set = append(s.Set, Override{Path: path, Value: valueText(item.n), Source: "sweep", node: item.n, at: ktk})
		return true
	})
}

// readSweepParams reads params: a mapping of paths to lists of values.
func readSweepParams(d *decoder, v value, s *Sweep, help string) bool {
	return sweepEntries(d, v, help, func(path string, ktk *token.Token, item value) bool {
		values := d.list(item, helpSweepValues)
		switch {
		case isNull(item.n):
			d.errorf(item, "has no values; %s", helpSweepValues)
		case len(values) == 0 && !isList(item.n):
			// reported by list
		case len(values) == 0:
			d.errorf(item, "the list is empty; %s", helpSweepValues)
		case len(values) > maxSweepValues:
			d.errorf(item, "%d values; %s", len(values), helpSweepValues)
		default:
			p := SweepParam{Path: path}
			for _, x := range values {
				p.Values = append(p.Values, Override{Path: path, Value: valueText(x.n), Source: "sweep", node: x.n, at: ktk})
			}
			s.Params = append(s.Params, p)
			return true
		}
		return false
	})
}

// sweepEntries reads a mapping of paths v, calling read with each path,
// its key and its value; it returns whether all were good.
func sweepEntries(d *decoder, v value, help string, read func(path string, ktk *token.Token, item value) bool) bool {
	if isNull(v.n) {
		return false
	}
	m, ok := v.n.(*ast.MappingNode)
	if !ok {
		d.errorf(v, "%s is not a mapping; %s", describe(v.n), help)
		return false
	}
	if len(m.Values) > maxSweepParams {
		d.errorf(v, "%d keys; %s", len(m.Values), help)
		return false
	}
	good := true
	for _, kv := range m.Values {
		if kv == nil || kv.Key == nil || kv.Key.GetToken() == nil {
			continue
		}
		ktk := kv.Key.GetToken()
		path := ktk.Value
		if _, problem := parsePath(path); problem != "" {
			d.errorAt(ktk, v.path, "%s: %s", path, problem)
			good = false
			continue
		}
		good = read(path, ktk, d.child(join(v.path, path), kv.Value, ktk)) && good
	}
	return good
}

func isList(n ast.Node) bool {
	_, ok := n.(*ast.SequenceNode)
	return ok
}

// valueText is a value as a sweep's table shows it: a scalar as written,
// without quotes; anything else in YAML.
func valueText(n ast.Node) string {
	if s, _, ok := scalarText(n); ok {
		return s
	}
	if isNull(n) {
		return ""
	}
	return n.String()
}

// checkSweep checks the sweep block s as the sweep will use it: the
// file decoded again with the keys of set, then with those and each value
// of each parameter in turn. A problem a value causes elsewhere in the
// file says which value it was.
func (d *decoder) checkSweep(src []byte, name string, s *Sweep) {
	if len(s.Set) > 0 && !d.checkOverrides(src, name, s.Set) {
		return
	}
	for _, p := range s.Params {
		for _, o := range p.Values {
			d.checkOverrides(src, name, append(slices.Clip(s.Set), o))
		}
	}
}

// checkOverrides decodes the file again with os and reports its problems,
// saying which override (the last of os) they came with; it returns
// whether there were none.
func (d *decoder) checkOverrides(src []byte, name string, os []Override) bool {
	sub := newDecoder(d.file, src)
	sub.profileOverride = d.profileOverride
	sub.overrides = os
	if root, ok := sub.parse(src); ok {
		sub.scenario(root, name)
	}
	o := os[len(os)-1]
	at := o.node.GetToken()
	for _, e := range sub.errs {
		msg := e.Msg
		atValue := at != nil && at.Position != nil && e.Line == at.Position.Line && e.Col == at.Position.Column
		if !atValue && e.Field != "sweep" {
			msg += fmt.Sprintf(" (when the sweep sets %s to %s)", o.Path, o.Value)
		}
		d.errorAtPos(e.Line, e.Col, e.Field, msg)
	}
	d.more += sub.more
	return len(sub.errs) == 0 && sub.more == 0
}
