package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	yaml "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// This file sets keys of a scenario from outside its file (tcpsim sweep
// --param link.loss=0.01). An override is applied to the YAML tree before
// it is decoded, as if it were written in the file: the value is read by
// the same key tables, with the same bounds and the same messages. The
// messages of a problem with an override name it ("--param link.los:
// unknown key "los"; did you mean "loss"?") rather than a place in the
// file.

// Override sets one key of a scenario.
type Override struct {
	// Path names the key: keys joined by dots, and [i] for the item i
	// (from 0) of a list the file has: "link.loss", "client.mss",
	// "client.keepalive.idle", "drop[0].times", "seed".
	Path string
	// Value is the key's value in YAML, written as in the file: "0.01",
	// "1%", "10ms", "true", "{idle: 1h, probes: 3}". It replaces the
	// file's value of the key, if any; the mappings on the way are made
	// when the file has none.
	Value string
	// Source names where the override came from in messages ("--param");
	// "" is "override".
	Source string

	// node, when set, is the value as written in a file (a value of the
	// scenario's sweep block), and at the key of the block's parameter:
	// problems with either are then reported at their places in the file.
	node ast.Node
	at   *token.Token
}

// String writes the override as PATH=VALUE.
func (o Override) String() string { return o.Path + "=" + o.Value }

// ParseOverride reads PATH=VALUE ("link.loss=0.01"); source names it in
// messages ("--param").
func ParseOverride(s, source string) (Override, error) {
	path, val, ok := strings.Cut(s, "=")
	o := Override{Path: strings.TrimSpace(path), Value: val, Source: source}
	if !ok {
		return o, ErrorList{{File: o.label(), Msg: "no value: write PATH=VALUE, such as link.loss=0.01"}}
	}
	if _, problem := parsePath(o.Path); problem != "" {
		return o, ErrorList{{File: o.label(), Msg: problem}}
	}
	return o, nil
}

// label is how a message names the override: "--param link.loss".
func (o Override) label() string {
	src := o.Source
	if src == "" {
		src = "override"
	}
	if o.Path == "" {
		return src
	}
	return src + " " + o.Path
}

// A step is one key of an override's path, with the list items it then
// names: drop[0] is the key drop and the index 0.
type step struct {
	key     string
	indexes []int
}

// maxPathSteps bounds a path: a scenario nests four levels at most.
const maxPathSteps = 8

// parsePath splits a path into its steps; problem says what is wrong.
func parsePath(path string) (steps []step, problem string) {
	const help = "a path is keys joined by dots, with [i] for an item of a list, such as link.loss, client.keepalive.idle or drop[0].times"
	if path == "" {
		return nil, "the path is empty; " + help
	}
	parts := strings.Split(path, ".")
	if len(parts) > maxPathSteps {
		return nil, fmt.Sprintf("the path has %d keys; a scenario nests at most %d deep", len(parts), maxPathSteps)
	}
	for _, p := range parts {
		name, rest, _ := strings.Cut(p, "[")
		if name == "" {
			return nil, fmt.Sprintf("%q has an empty key; %s", path, help)
		}
		if strings.ContainsAny(name, "] \t\n{}:,=\"'") {
			return nil, fmt.Sprintf("%q is not a key; %s", name, help)
		}
		s := step{key: name}
		if rest != "" || strings.Contains(p, "[") {
			for item := range strings.SplitSeq("["+rest, "[") {
				if item == "" {
					continue
				}
				num, ok := strings.CutSuffix(item, "]")
				i, err := strconv.Atoi(num)
				if !ok || err != nil || i < 0 || i > maxCount || strings.HasPrefix(num, "+") {
					return nil, fmt.Sprintf("%q: [%s is not an item's index; %s", p, item, help)
				}
				s.indexes = append(s.indexes, i)
			}
		}
		steps = append(steps, s)
	}
	if steps[0].key == "sweep" {
		return nil, "the sweep block is not a parameter; give the keys it would sweep instead"
	}
	return steps, ""
}

// overrideProblem records a problem with o that has no place in the file.
func (d *decoder) overrideProblem(o Override, msg string) {
	if o.at != nil {
		d.errorAt(o.at, "sweep", "%s: %s", o.Path, msg)
		return
	}
	for _, e := range d.errs {
		if e.File == o.label() && e.Msg == msg {
			return
		}
	}
	d.errs = append(d.errs, &Error{File: o.label(), Msg: msg})
}

// applyOverrides returns body with each override applied in turn. The
// file's nodes are not changed: each mapping and list on an override's
// path is copied, so an anchor's other aliases keep the file's value.
// It returns false after reporting a problem with a path or a value.
func (d *decoder) applyOverrides(body ast.Node, os []Override) (ast.Node, bool) {
	ok := true
	for _, o := range os {
		steps, problem := parsePath(o.Path)
		if problem != "" {
			d.overrideProblem(o, problem)
			ok = false
			continue
		}
		val := o.node
		if val == nil {
			if val, problem = d.overrideValue(o); problem != "" {
				d.overrideProblem(o, problem)
				ok = false
				continue
			}
		}
		n, problem := d.set(body, steps, "", val, o)
		if problem != "" {
			d.overrideProblem(o, problem)
			ok = false
			continue
		}
		body = n
	}
	return body, ok
}

// overrideValue parses an override's value as YAML, and marks its nodes
// as the override's, so that a problem with the value names it.
func (d *decoder) overrideValue(o Override) (n ast.Node, problem string) {
	defer func() {
		if r := recover(); r != nil {
			n, problem = nil, fmt.Sprintf("the YAML parser failed on the value (%v); please report it", r)
		}
	}()
	if len(o.Value) > maxFileSize {
		return nil, fmt.Sprintf("the value is %d bytes; at most %d", len(o.Value), maxFileSize)
	}
	f, err := parser.ParseBytes([]byte(o.Value), 0)
	if err != nil {
		msg := err.Error()
		if ye, ok := err.(yaml.Error); ok {
			msg = ye.GetMessage()
		}
		return nil, "the value is not valid YAML: " + msg
	}
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if n != nil {
			return nil, "the value holds a second YAML document ('---'); give one value"
		}
		n = doc.Body
	}
	if n == nil {
		n = ast.Null(d.overrideToken(o, token.NullType, ""))
	}
	ast.Walk(tokenMarker{d, o}, n)
	return n, ""
}

// tokenMarker marks the tokens of an override's value as the override's.
type tokenMarker struct {
	d *decoder
	o Override
}

func (m tokenMarker) Visit(n ast.Node) ast.Visitor {
	if tk := n.GetToken(); tk != nil {
		m.d.markOverride(tk, m.o)
	}
	if kv, ok := n.(*ast.MappingValueNode); ok && kv.Key != nil && kv.Key.GetToken() != nil {
		m.d.markOverride(kv.Key.GetToken(), m.o)
	}
	return m
}

// markOverride notes that a problem reported at tk is one with o.
func (d *decoder) markOverride(tk *token.Token, o Override) {
	if d.overridden == nil {
		d.overridden = map[*token.Token]Override{}
	}
	d.overridden[tk] = o
}

// overrideToken makes a token of an override's, for a node it makes.
func (d *decoder) overrideToken(o Override, typ token.Type, text string) *token.Token {
	tk := &token.Token{Type: typ, Value: text, Origin: text, Position: &token.Position{}}
	d.markOverride(tk, o)
	return tk
}

// set returns n (nil when the key is absent) with the value at steps
// replaced by val. where is the path of n, for messages.
func (d *decoder) set(n ast.Node, steps []step, where string, val ast.Node, o Override) (ast.Node, string) {
	if len(steps) == 0 {
		return val, ""
	}
	if n != nil {
		r, problem := d.resolve(n)
		if problem != "" {
			return nil, where + ": " + problem
		}
		n = r
	}
	s := steps[0]
	here := join(where, s.key)
	var m *ast.MappingNode
	switch t := n.(type) {
	case *ast.MappingNode:
		m = &ast.MappingNode{BaseNode: t.BaseNode, Start: t.Start, End: t.End, IsFlowStyle: t.IsFlowStyle, Values: slices.Clone(t.Values)}
	case *ast.SequenceNode:
		return nil, fmt.Sprintf("%s is a list in the file; name one of its items, such as %s[0].%s", where, where, s.key)
	default:
		// Absent, empty or a scalar (keepalive: true for client.keepalive.idle):
		// a mapping of this key alone.
		m = ast.Mapping(d.overrideToken(o, token.MappingStartType, "{"), true)
	}
	i := slices.IndexFunc(m.Values, func(kv *ast.MappingValueNode) bool {
		if kv == nil || kv.Key == nil || kv.Key.GetToken() == nil {
			return false
		}
		_, merge := kv.Key.(*ast.MergeKeyNode)
		return !merge && kv.Key.GetToken().Value == s.key
	})
	var child ast.Node
	if i >= 0 {
		child = m.Values[i].Value
	}
	child, problem := d.setItems(child, s, steps[1:], here, val, o)
	if problem != "" {
		return nil, problem
	}
	if i >= 0 {
		kv := *m.Values[i]
		kv.Value = child
		m.Values[i] = &kv
	} else {
		key := ast.String(d.overrideToken(o, token.StringType, s.key))
		m.Values = append(m.Values, ast.MappingValue(d.overrideToken(o, token.MappingValueType, ":"), key, child))
	}
	return m, ""
}

// setItems sets the value at rest below the list items s names in n, the
// value of s's key (or below n itself when s names no item).
func (d *decoder) setItems(n ast.Node, s step, rest []step, here string, val ast.Node, o Override) (ast.Node, string) {
	if len(s.indexes) == 0 {
		return d.set(n, rest, here, val, o)
	}
	if n != nil {
		r, problem := d.resolve(n)
		if problem != "" {
			return nil, here + ": " + problem
		}
		n = r
	}
	seq, ok := n.(*ast.SequenceNode)
	i := s.indexes[0]
	switch {
	case !ok || isNull(n):
		return nil, fmt.Sprintf("%s[%d]: the file has no list %s; an override can change an item of a list, not make one (set %s to a whole list instead)", here, i, here, here)
	case i >= len(seq.Values):
		items := "items"
		if len(seq.Values) == 1 {
			items = "item"
		}
		return nil, fmt.Sprintf("%s[%d]: %s has %d %s, numbered from 0", here, i, here, len(seq.Values), items)
	}
	c := *seq
	c.Values = slices.Clone(seq.Values)
	item, problem := d.setItems(c.Values[i], step{key: s.key, indexes: s.indexes[1:]}, rest, fmt.Sprintf("%s[%d]", here, i), val, o)
	if problem != "" {
		return nil, problem
	}
	c.Values[i] = item
	return &c, ""
}
