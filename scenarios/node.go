package scenarios

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	yaml "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// This file reads the YAML syntax tree: typed values with their place in
// the file, strict mappings and the messages for wrong types. decode.go
// says which keys there are and what their values mean.

// maxErrors is how many problems one load reports before it stops listing.
const maxErrors = 20

// maxCollected is how many problems the decoder keeps before it sorts them
// by place and reports the first maxErrors.
const maxCollected = 1000

// maxFileSize bounds what the loader reads: a scenario is a page of YAML.
const maxFileSize = 64 << 10

// maxAliasChain bounds how many anchors and aliases one value may go
// through, so an alias cycle is an error rather than a hang.
const maxAliasChain = 16

// decoder collects the problems of one file.
type decoder struct {
	// profileOverride, when set, replaces every profile the file names
	// (tcpsim run --profile).
	profileOverride string
	profileWritten  bool // a profile key was present: at the top, or in a host's section
	file            string
	lines           []string
	anchors         map[string]ast.Node
	errs            ErrorList
	more            int // problems found beyond maxCollected
	// end is the run's end, for the checks that times fall within it;
	// scenario sets it once it has read duration.
	end runEnd
	// overrides are the overrides applied to the file (Options), and
	// overridden maps the tokens of the nodes they made to them, so that a
	// problem found there names the override (override.go).
	overrides  []Override
	overridden map[*token.Token]Override
}

func newDecoder(file string, src []byte) *decoder {
	return &decoder{
		file:    file,
		lines:   strings.Split(string(src), "\n"),
		anchors: map[string]ast.Node{},
	}
}

// errorAt records a problem at a token's place.
func (d *decoder) errorAt(tk *token.Token, field, format string, args ...any) {
	if o, ok := d.overridden[tk]; ok && tk != nil {
		d.overrideProblem(o, fmt.Sprintf(format, args...))
		return
	}
	line, col := 0, 0
	if tk != nil && tk.Position != nil {
		line, col = tk.Position.Line, tk.Position.Column
	}
	d.errorAtPos(line, col, field, fmt.Sprintf(format, args...))
}

func (d *decoder) errorAtPos(line, col int, field, msg string) {
	for _, e := range d.errs {
		if e.Line == line && e.Col == col && e.Field == field && e.Msg == msg {
			return // one setting under link can be wrong for both directions
		}
	}
	if len(d.errs) >= maxCollected {
		d.more++
		return
	}
	e := &Error{File: d.file, Line: line, Col: col, Field: field, Msg: msg}
	if line >= 1 && line <= len(d.lines) {
		e.Source = d.lines[line-1]
	}
	d.errs = append(d.errs, e)
}

// result returns the problems sorted by place, or nil for none.
func (d *decoder) result() error {
	if len(d.errs) == 0 {
		return nil
	}
	sort.SliceStable(d.errs, func(i, j int) bool {
		a, b := d.errs[i], d.errs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	errs := d.errs
	more := d.more
	if len(errs) > maxErrors {
		more += len(errs) - maxErrors
		errs = errs[:maxErrors:maxErrors]
	}
	if more > 0 {
		what := "problems"
		if more == 1 {
			what = "problem"
		}
		errs = append(errs, &Error{File: d.file, Msg: fmt.Sprintf("%d more %s not shown; fix these first", more, what)})
	}
	return errs
}

// value is a YAML node with the path of the field it is the value of.
type value struct {
	path string
	n    ast.Node     // with tags, anchors and aliases resolved; nil when absent
	key  *token.Token // the key's token, for problems about the key; nil for list items
}

func (v value) present() bool { return v.n != nil }

// tok is the token to point at for a problem with the value.
func (v value) tok() *token.Token {
	if v.n == nil {
		return v.key
	}
	if m, ok := v.n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 && m.Values[0] != nil && m.Values[0].Key != nil && m.Values[0].Key.GetToken() != nil {
		// A block mapping's own token is its first ':'; point at the first key.
		return m.Values[0].Key.GetToken()
	}
	if tk := v.n.GetToken(); tk != nil {
		return tk
	}
	return v.key
}

func (d *decoder) errorf(v value, format string, args ...any) {
	d.errorAt(v.tok(), v.path, format, args...)
}

// parse turns the source into the scenario's top-level value.
func (d *decoder) parse(src []byte) (v value, ok bool) {
	defer func() {
		// The YAML parser is a third party's code; no input may crash a load.
		if r := recover(); r != nil {
			d.errorAtPos(0, 0, "", fmt.Sprintf("the YAML parser failed on this file (%v); please report it with the file", r))
			ok = false
		}
	}()
	tokens := lexer.Tokenize(string(src))
	if tk := tooDeep(tokens); tk != nil {
		d.errorAt(tk, "", "the YAML is nested more than %d levels deep; a scenario needs 4 at most", maxDepth)
		return value{}, false
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		d.yamlError(err)
		return value{}, false
	}
	var body ast.Node
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			tk := doc.Start
			if tk == nil {
				tk = doc.Body.GetToken()
			}
			d.errorAt(tk, "", "a second YAML document; a scenario file holds one: remove this '---' and what follows it, or move it to a file of its own")
			break
		}
		body = doc.Body
	}
	if body == nil {
		d.errorAtPos(0, 0, "", `the file is empty; a scenario is a YAML mapping such as "client: {send: 8KiB}"`)
		return value{}, false
	}
	// Anchors, in the order they are defined; a later one of the same name
	// replaces an earlier one, as for YAML's own aliases.
	ast.Walk(anchorCollector(d.anchors), body)
	// After the anchors: an override copies what it changes, and an alias
	// elsewhere keeps the file's value.
	body, ok = d.applyOverrides(body, d.overrides)
	if !ok {
		return value{}, false
	}
	root := d.child("", body, nil)
	return root, root.present()
}

// maxDepth bounds how deeply the YAML may nest. The parser's time grows
// with the square of the depth; a scenario needs four levels at most
// (drop[0].between[1]).
const maxDepth = 32

// tooDeep returns the first token past maxDepth levels of nesting, counting
// open flow collections ([ and {), block indentation levels and the
// entries that open a collection on the same line ("- - -"); nil if none.
func tooDeep(tokens token.Tokens) *token.Token {
	flow := 0
	var indents []int // the columns of the enclosing block lines
	line, onLine := 0, 0
	for _, tk := range tokens {
		if tk == nil || tk.Position == nil || tk.Type == token.CommentType {
			continue
		}
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			flow = max(flow-1, 0)
		}
		if tk.Position.Line != line {
			line, onLine = tk.Position.Line, 0
			for len(indents) > 0 && indents[len(indents)-1] >= tk.Position.Column {
				indents = indents[:len(indents)-1]
			}
			indents = append(indents, tk.Position.Column)
		}
		if tk.Type == token.SequenceEntryType || tk.Type == token.MappingKeyType {
			onLine++
		}
		if flow+len(indents)+onLine > maxDepth {
			return tk
		}
	}
	return nil
}

type anchorCollector map[string]ast.Node

func (c anchorCollector) Visit(n ast.Node) ast.Visitor {
	if a, ok := n.(*ast.AnchorNode); ok && a.Name != nil && a.Name.GetToken() != nil {
		c[a.Name.GetToken().Value] = a.Value
	}
	return c
}

var duplicateKeyRE = regexp.MustCompile(`^mapping key ("(?:[^"\\]|\\.)*") already defined at \[(\d+):\d+\]`)

// yamlError turns the YAML parser's error into an Error.
func (d *decoder) yamlError(err error) {
	ye, ok := err.(yaml.Error)
	if !ok {
		d.errorAtPos(0, 0, "", "not valid YAML: "+err.Error())
		return
	}
	msg := ye.GetMessage()
	switch m := duplicateKeyRE.FindStringSubmatch(msg); {
	case m != nil:
		msg = fmt.Sprintf("%s is given twice (first on line %s); each key may appear once in a mapping", m[1], m[2])
	case strings.Contains(msg, "'\t'"):
		msg = "not valid YAML: a tab character; YAML indents with spaces, not tabs"
	default:
		msg = "not valid YAML: " + msg
	}
	d.errorAt(ye.GetToken(), "", "%s", msg)
}

// resolve looks through tags, anchors and aliases to the value itself.
func (d *decoder) resolve(n ast.Node) (ast.Node, string) {
	for range maxAliasChain {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			n = t.Value
		case *ast.AliasNode:
			name := ""
			if t.Value != nil && t.Value.GetToken() != nil {
				name = t.Value.GetToken().Value
			}
			target, ok := d.anchors[name]
			if !ok {
				return nil, fmt.Sprintf("the alias *%s names no anchor; define it first with &%s", name, name)
			}
			n = target
		default:
			return n, ""
		}
	}
	return nil, fmt.Sprintf("more than %d tags, anchors and aliases in a row, or aliases in a loop", maxAliasChain)
}

// child makes the value of a key or list item, resolving aliases.
func (d *decoder) child(path string, n ast.Node, key *token.Token) value {
	v := value{path: path, key: key}
	if n == nil {
		return v
	}
	r, problem := d.resolve(n)
	if problem != "" {
		d.errorAt(n.GetToken(), path, "%s", problem)
		return value{path: path, n: ast.Null(n.GetToken()), key: key}
	}
	if r == nil {
		r = ast.Null(n.GetToken())
	}
	v.n = r
	return v
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return n == nil || ok
}

// describe shows a value in a message the way the user wrote it: a string
// quoted, a number or boolean as is, a mapping or list by its kind.
func describe(n ast.Node) string {
	switch t := n.(type) {
	case nil, *ast.NullNode:
		return "no value"
	case *ast.StringNode:
		if !quotedToken(t.Token) && t.Value != "" && strings.Trim(t.Value, "+-0123456789") == "" {
			return t.Value // a number too large for YAML to hold as one
		}
		return strconv.Quote(t.Value)
	case *ast.LiteralNode:
		if t.Value == nil {
			return `""`
		}
		return strconv.Quote(t.Value.Value)
	case *ast.MappingNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	}
	if tk := n.GetToken(); tk != nil {
		return tk.Value
	}
	return "this value"
}

// key is one field of a mapping in the schema.
type key struct {
	name string
	// misplaced is the message for a key that is known but not allowed here
	// (connect_at on the server); "" for a key that is allowed.
	misplaced string
}

// fields checks that v is a mapping whose keys are all allowed and returns
// its values by key; absent keys give values with n == nil. what names the
// mapping in a message about its type ("link settings").
func (d *decoder) fields(v value, what string, allowed []key) map[string]value {
	out := make(map[string]value, len(allowed))
	for _, k := range allowed {
		if k.misplaced == "" {
			out[k.name] = value{path: join(v.path, k.name), key: v.key}
		}
	}
	if isNull(v.n) {
		return out
	}
	m, ok := v.n.(*ast.MappingNode)
	if !ok {
		d.errorf(v, "%s is not a mapping; %s", describe(v.n), what)
		return out
	}
	for _, kv := range m.Values {
		if kv == nil || kv.Key == nil {
			continue
		}
		ktk := kv.Key.GetToken()
		name := ""
		if ktk != nil {
			name = ktk.Value
		}
		if _, ok := kv.Key.(*ast.MergeKeyNode); ok {
			d.errorAt(ktk, v.path, "merge keys (<<) are not supported; write the keys out (the settings under link apply to both directions)")
			continue
		}
		if v.path == "" && strings.HasPrefix(name, "x-") {
			continue // free for anchors, as in Docker Compose: x-slow: &slow {delay: 1s}
		}
		var k *key
		for i := range allowed {
			if allowed[i].name == name {
				k = &allowed[i]
			}
		}
		switch {
		case k == nil:
			d.errorAt(ktk, v.path, "%s", unknownKey(name, allowed))
		case k.misplaced != "":
			d.errorAt(ktk, v.path, "%s", k.misplaced)
		default:
			out[name] = d.child(join(v.path, name), kv.Value, ktk)
		}
	}
	return out
}

// join appends a key to a field path.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// list returns the items of a list value (none when absent or null).
func (d *decoder) list(v value, what string) []value {
	if isNull(v.n) {
		return nil
	}
	s, ok := v.n.(*ast.SequenceNode)
	if !ok {
		d.errorf(v, "%s is not a list; %s", describe(v.n), what)
		return nil
	}
	out := make([]value, len(s.Values))
	for i, n := range s.Values {
		out[i] = d.child(fmt.Sprintf("%s[%d]", v.path, i), n, nil)
		if out[i].n == nil {
			out[i].n = ast.Null(s.GetToken())
		}
	}
	return out
}

// scalarText returns the text of a scalar value and whether it was written
// as a string (rather than a number or boolean).
func scalarText(n ast.Node) (text string, isString, ok bool) {
	switch t := n.(type) {
	case *ast.StringNode:
		return t.Value, true, true
	case *ast.LiteralNode:
		if t.Value == nil {
			return "", true, true
		}
		return t.Value.Value, true, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if tk := n.GetToken(); tk != nil {
			return tk.Value, false, true
		}
		return "", false, true
	}
	return "", false, false
}

// missing reports a value that has no value (a key with nothing after it).
func (d *decoder) missing(v value, help string) bool {
	if _, ok := v.n.(*ast.NullNode); ok {
		d.errorf(v, "has no value; %s", help)
		return true
	}
	return false
}

// text reads a string; numbers and booleans are taken as written.
func (d *decoder) text(v value, help string) (string, bool) {
	if !v.present() || d.missing(v, help) {
		return "", false
	}
	s, _, ok := scalarText(v.n)
	if !ok {
		d.errorf(v, "%s is not text; %s", describe(v.n), help)
		return "", false
	}
	return s, true
}

// boolean reads true or false.
func (d *decoder) boolean(v value, help string) (bool, bool) {
	if !v.present() || d.missing(v, help) {
		return false, false
	}
	if b, ok := v.n.(*ast.BoolNode); ok {
		return b.Value, true
	}
	d.errorf(v, "%s is not true or false; %s", describe(v.n), help)
	return false, false
}

// integer reads a whole number in [lo, hi].
func (d *decoder) integer(v value, lo, hi int64, help string) (int64, bool) {
	u, ok := d.unsigned(v, lo, uint64(hi), help)
	return int64(u), ok
}

// unsigned reads a whole number in [lo, hi] where lo may be negative when
// hi fits an int64; it returns the number as a uint64 bit pattern.
func (d *decoder) unsigned(v value, lo int64, hi uint64, help string) (uint64, bool) {
	if !v.present() || d.missing(v, help) {
		return 0, false
	}
	neg, mag, problem := wholeNumber(v.n)
	if problem == "" {
		switch {
		case neg && (lo >= 0 || mag > uint64(-lo)):
			problem = "is less than " + strconv.FormatInt(lo, 10)
		case !neg && mag < uint64(max(lo, 0)):
			problem = "is less than " + strconv.FormatInt(lo, 10)
		case !neg && mag > hi:
			problem = "is more than " + strconv.FormatUint(hi, 10)
		}
	}
	if problem != "" {
		d.errorf(v, "%s %s; %s", describe(v.n), problem, help)
		return 0, false
	}
	if neg {
		return uint64(-int64(mag)), true
	}
	return mag, true
}

// wholeNumber reads an integer node (or a float with no fraction, such as
// 1e6); problem says why n is not one.
func wholeNumber(n ast.Node) (neg bool, mag uint64, problem string) {
	switch t := n.(type) {
	case *ast.IntegerNode:
		if tk := t.GetToken(); tk != nil && leadingZero(tk.Value) != "" {
			return false, 0, leadingZero(tk.Value)
		}
		switch x := t.Value.(type) {
		case int64:
			if x < 0 {
				return true, uint64(-(x + 1)) + 1, ""
			}
			return false, uint64(x), ""
		case uint64:
			return false, x, ""
		}
	case *ast.FloatNode:
		f := t.Value
		if f != math.Trunc(f) {
			return false, 0, "is not a whole number"
		}
		if f <= -1<<63 || f >= 1<<64 {
			return false, 0, "is too large"
		}
		if f < 0 {
			return true, uint64(-f), ""
		}
		return false, uint64(f), ""
	case *ast.StringNode:
		s := strings.ReplaceAll(t.Value, "_", "")
		if !quotedToken(t.Token) && exponentRE.MatchString(s) {
			// 1e6: YAML's core schema reads it as text, people as a million.
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return wholeNumber(&ast.FloatNode{BaseNode: t.BaseNode, Token: t.Token, Value: f})
			}
		}
		if s != "" && strings.Trim(strings.TrimLeft(s, "+-"), "0123456789") == "" && strings.TrimLeft(s, "+-") != "" {
			if quotedToken(t.Token) {
				return false, 0, "is in quotes, so it is text; write the number without quotes"
			}
			if p := leadingZero(t.Value); p != "" {
				return false, 0, p // 08, 09: not octal, so YAML 1.1 leaves it text
			}
			return false, 0, "is too large" // a plain scalar of digits that YAML could not hold
		}
	}
	return false, 0, "is not a number"
}

// leadingZero is the problem with an integer written with a leading zero,
// such as 0100: YAML 1.1 reads it as octal (64) and YAML 1.2 as decimal
// (100), so its value would depend on the reader; "" for any other text.
// 0 and the explicit bases (0o144, 0x64, 0b1100100) are not ambiguous.
func leadingZero(text string) string {
	digits := strings.TrimLeft(text, "+-")
	sign := strings.TrimPrefix(text[:len(text)-len(digits)], "+")
	digits = strings.ReplaceAll(digits, "_", "")
	if len(digits) < 2 || digits[0] != '0' || strings.Trim(digits, "0123456789") != "" {
		return ""
	}
	dec := strings.TrimLeft(digits, "0")
	if dec == "" {
		return "has a leading zero, which marks an octal number in YAML 1.1; write 0"
	}
	if oct, err := strconv.ParseUint(digits, 8, 64); err == nil {
		return fmt.Sprintf("has a leading zero, which YAML 1.1 reads as octal (%s%d) and YAML 1.2 as decimal (%s%s); write %s%s, or %s0o%s for octal", sign, oct, sign, dec, sign, dec, sign, dec)
	}
	return "has a leading zero, which marks an octal number in YAML 1.1; write " + sign + dec
}

var exponentRE = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+$`)

// quotedToken reports whether a scalar was written in quotes.
func quotedToken(tk *token.Token) bool {
	return tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType)
}

// duration reads a duration in [lo, hi]: a string such as "50ms", or 0.
func (d *decoder) duration(v value, lo, hi time.Duration, help string) (time.Duration, bool) {
	if !v.present() || d.missing(v, help) {
		return 0, false
	}
	dur, problem, ok := withUnit(d, v, "duration", [2]string{"s", "ms"}, ParseDuration, help)
	if !ok {
		return 0, false
	}
	if problem == "" {
		switch {
		case dur < 0 && lo >= 0:
			problem = "is negative"
		case dur < lo:
			problem = "is less than " + fmtDuration(lo)
		case dur > hi:
			problem = "is more than " + fmtDuration(hi)
		}
	}
	if problem != "" {
		d.errorf(v, "%s %s; %s", describe(v.n), problem, help)
		return 0, false
	}
	return dur, true
}

// withUnit reads a scalar that needs a unit: a string parse understands,
// or a bare 0. It returns the value and the problem with it (to report
// with the bounds' problems), or false when it has reported one itself.
// kind names the value in messages; units are two suffixes to suggest.
func withUnit[T any](d *decoder, v value, kind string, units [2]string, parse func(string) (T, error), help string) (T, string, bool) {
	var zero T
	s, isString, ok := scalarText(v.n)
	switch {
	case !ok:
		return zero, "is not a " + kind, true
	case !isString:
		if _, mag, p := wholeNumber(v.n); p == "" && mag == 0 {
			return zero, "", true
		}
		if _, isBool := v.n.(*ast.BoolNode); isBool {
			return zero, "is not a " + kind, true
		}
		return zero, "has no unit; write " + strconv.Quote(s+units[0]) + " or " + strconv.Quote(s+units[1]), true
	}
	x, err := parse(s)
	if err != nil {
		d.errorf(v, "%s; %s", err, help)
		return zero, "", false
	}
	return x, "", true
}

// fmtDuration writes a duration the short way: "1s", "500ms", "168h".
func fmtDuration(t time.Duration) string {
	s := t.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// size reads a byte count in [lo, hi]: an integer, or a string such as "64KiB".
func (d *decoder) size(v value, lo, hi int64, help string) (int64, bool) {
	if !v.present() || d.missing(v, help) {
		return 0, false
	}
	s, isString, ok := scalarText(v.n)
	var n int64
	var problem string
	switch {
	case !ok:
		problem = "is not a size"
	case !isString:
		neg, mag, p := wholeNumber(v.n)
		switch {
		case p == "is not a number":
			problem = "is not a size"
		case p != "":
			problem = p
		case neg:
			problem = "is negative"
		case mag > math.MaxInt64:
			problem = "is too large"
		default:
			n = int64(mag)
		}
	case !quotedToken(v.n.GetToken()) && leadingZero(s) != "":
		problem = leadingZero(s) // 08: a string to YAML 1.1
	default:
		var err error
		if n, err = ParseSize(s); err != nil {
			d.errorf(v, "%s; %s", err, help)
			return 0, false
		}
	}
	if problem == "" {
		problem = outOfRange(n, lo, hi, fmtSize)
	}
	if problem != "" {
		d.errorf(v, "%s %s; %s", describe(v.n), problem, help)
		return 0, false
	}
	return n, true
}

// outOfRange says how n lies outside [lo, hi], with the bounds written by
// f; "" when it does not.
func outOfRange(n, lo, hi int64, f func(int64) string) string {
	switch {
	case n < lo:
		return "is less than " + f(lo)
	case n > hi:
		return "is more than " + f(hi)
	}
	return ""
}

// unit is a named multiple, for fmtUnits.
type unit struct {
	name string
	size int64
}

// fmtUnits writes n in the largest of units (largest first) that divides
// it, or plain with the suffix one.
func fmtUnits(n int64, units []unit, one string) string {
	for _, u := range units {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10) + one
}

// fmtSize writes a byte count in the largest binary unit that divides it.
func fmtSize(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return fmtUnits(n, []unit{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}, " bytes")
}

// rate reads a rate in bits per second: a string such as "10Mbps", or 0.
func (d *decoder) rate(v value, lo, hi int64, help string) (int64, bool) {
	if !v.present() || d.missing(v, help) {
		return 0, false
	}
	n, problem, ok := withUnit(d, v, "rate", [2]string{"Mbps", "kbps"}, ParseRate, help)
	if !ok {
		return 0, false
	}
	if problem == "" && n != 0 {
		problem = outOfRange(n, lo, hi, fmtRate)
	}
	if problem != "" {
		d.errorf(v, "%s %s; %s", describe(v.n), problem, help)
		return 0, false
	}
	return n, true
}

// fmtRate writes a rate in the largest decimal unit that divides it.
func fmtRate(n int64) string {
	return fmtUnits(n, []unit{{"Gbps", 1e9}, {"Mbps", 1e6}, {"kbps", 1e3}}, "bps")
}

// probability reads a number in [0, 1] or a percentage such as "1%".
func (d *decoder) probability(v value, help string) (float64, bool) {
	if !v.present() || d.missing(v, help) {
		return 0, false
	}
	var p float64
	switch t := v.n.(type) {
	case *ast.FloatNode:
		p = t.Value
	case *ast.IntegerNode:
		neg, mag, problem := wholeNumber(t)
		if problem != "" {
			d.errorf(v, "%s %s; %s", describe(v.n), problem, help)
			return 0, false
		}
		p = float64(mag)
		if neg {
			p = -p
		}
	case *ast.StringNode:
		var err error
		if p, err = parseProbability(t.Value); err != nil {
			d.errorf(v, "%s; %s", err, help)
			return 0, false
		}
	default:
		d.errorf(v, "%s is not a probability; %s", describe(v.n), help)
		return 0, false
	}
	problem := ""
	switch {
	case math.IsNaN(p):
		problem = "is not a probability"
	case p < 0:
		problem = "is negative"
	case p > 1:
		problem = "is more than 1"
		if s, ok := v.n.(*ast.StringNode); ok && strings.HasSuffix(strings.TrimSpace(s.Value), "%") {
			problem = "is more than 100%"
		} else if p <= 100 {
			problem = fmt.Sprintf("is more than 1 (for %s percent write \"%s%%\")", describe(v.n), describe(v.n))
		}
	}
	if problem != "" {
		d.errorf(v, "%s %s; %s", describe(v.n), problem, help)
		return 0, false
	}
	return p, true
}

// unknownKey is the message for a key the schema does not have: the
// closest allowed key when one is close, where the key belongs when it is
// a key of another section, else the list of allowed keys.
func unknownKey(name string, allowed []key) string {
	msg := fmt.Sprintf("unknown key %q", name)
	var names []string
	for _, k := range allowed {
		if k.misplaced == "" {
			names = append(names, k.name)
		}
	}
	if s := suggest(name, names); s != "" {
		return msg + fmt.Sprintf("; did you mean %q?", s)
	}
	if where, ok := keyHome[normalizeKey(name)]; ok {
		return msg + "; " + where
	}
	if s := suggest(name, homeKeys); s != "" {
		return msg + fmt.Sprintf("; did you mean %q? %s", s, keyHome[s])
	}
	return msg + "; the keys here are " + strings.Join(names, ", ")
}

// suggest returns the allowed name closest to name: the same once case,
// dashes and camelCase are normalized, or else within a small edit distance.
func suggest(name string, allowed []string) string {
	norm := normalizeKey(name)
	for _, a := range allowed {
		if norm == a {
			return a
		}
	}
	best, bestDist := "", 0
	limit := min(max(1, len(norm)/3), 3)
	for _, a := range allowed {
		if dist := editDistance(norm, a); dist <= limit && (best == "" || dist < bestDist) {
			best, bestDist = a, dist
		}
	}
	return best
}

// normalizeKey spells a key the schema's way: lower case, words joined by
// underscores ("RTO-Min", "rtoMin" and "rto min" all give "rto_min").
func normalizeKey(s string) string {
	var b strings.Builder
	rs := []rune(strings.TrimSpace(s))
	for i, r := range rs {
		switch {
		case r == '-' || r == ' ' || r == '.':
			b.WriteByte('_')
		case unicode.IsUpper(r):
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours each cost one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return math.MaxInt32 // no key is that long: not worth the work
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
