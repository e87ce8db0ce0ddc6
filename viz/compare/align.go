package compare

import (
	"sort"
	"time"
)

// Pair is one row of an alignment: segment A of the first trace and
// segment B of the second, the same segment sent by both; or one of them
// alone (the other is -1).
type Pair struct{ A, B int }

// Matched reports whether both traces sent the segment.
func (p Pair) Matched() bool { return p.A >= 0 && p.B >= 0 }

// DefaultMaxCells bounds the table of the exact alignment (16 MiB): past
// it (two traces of some 2,000 different segments each, once their common
// start and end are set aside), Align lines up the rest greedily.
const DefaultMaxCells = 4 << 20

// lookahead is how far the greedy alignment looks, in each trace, for the
// next segment both sent.
const lookahead = 256

// Align lines up two traces' segments, each direction on its own: the
// order of one sender's segments means something, how the two directions
// interleave does not (a capture point, a wall clock, or the order of two
// events at one instant decides it). In each direction it takes a longest
// common subsequence of the segments' keys (flags but PSH, relative seq and
// ack, length), so that a segment one side sent and the other did not
// shifts nothing after it; where a key repeats (a segment resent,
// duplicate ACKs), each match then moves to the segment of that key,
// between its neighbouring matches, that is closest in time.
//
// It returns every segment of both once, in each direction each trace in
// its order, in the order of time on the first trace's clock: a matched
// pair at the first trace's time, a segment of the second alone moved by
// the Δt of the match before it (see withUnmatched); the first trace's
// first at equal times.
//
// In each direction the common start and end are matched as they are;
// what lies between is aligned exactly when it fits in maxCells table
// cells (0 means DefaultMaxCells); a longer stretch is cut at anchors,
// the segments that occur once on each side (as patience diff does), and
// each piece aligned the same way; a piece too long with no such segment
// is aligned greedily: at each mismatch it takes the nearest segment the
// two share within lookahead of each.
func Align(a, b []Segment, maxCells int) []Pair {
	if maxCells <= 0 {
		maxCells = DefaultMaxCells
	}
	var dirs [2][]row
	for d := range dirs {
		ia, ib := indexes(a, Dir(d)), indexes(b, Dir(d))
		for _, r := range alignOne(pick(a, ia), pick(b, ib), maxCells) {
			if r.A >= 0 {
				r.A = ia[r.A]
			}
			if r.B >= 0 {
				r.B = ib[r.B]
			}
			dirs[d] = append(dirs[d], r)
		}
	}
	pairs := make([]Pair, 0, len(dirs[0])+len(dirs[1]))
	x, y := dirs[0], dirs[1]
	for len(x) > 0 || len(y) > 0 {
		if len(y) == 0 || len(x) > 0 && !y[0].before(x[0]) {
			pairs, x = append(pairs, x[0].Pair), x[1:]
		} else {
			pairs, y = append(pairs, y[0].Pair), y[1:]
		}
	}
	return pairs
}

// row is a pair of the alignment of one direction and its place in time:
// on the first trace's clock. A segment of the second trace alone is
// placed by the Δt of the match before it (or, at the start, after it),
// and no row is placed before the one it follows.
type row struct {
	Pair
	at time.Duration
}

// before reports whether r comes before q: by time, and at equal times by
// their indexes in the first trace (then the second), the first trace's
// first.
func (r row) before(q row) bool {
	if r.at != q.at {
		return r.at < q.at
	}
	if r.A >= 0 && q.A >= 0 {
		return r.A < q.A
	}
	if r.B >= 0 && q.B >= 0 {
		return r.B < q.B
	}
	return r.A >= 0
}

// indexes returns the indexes of the segments of s that go in direction d.
func indexes(s []Segment, d Dir) []int {
	var ix []int
	for i := range s {
		if s[i].Dir == d {
			ix = append(ix, i)
		}
	}
	return ix
}

// pick returns the segments of s at the indexes ix.
func pick(s []Segment, ix []int) []Segment {
	out := make([]Segment, len(ix))
	for k, i := range ix {
		out[k] = s[i]
	}
	return out
}

// alignOne aligns the segments of one direction.
func alignOne(a, b []Segment, maxCells int) []row {
	ka, kb := keys(a), keys(b)
	var matches []Pair
	pre := 0
	for pre < len(ka) && pre < len(kb) && ka[pre] == kb[pre] {
		matches = append(matches, Pair{pre, pre})
		pre++
	}
	suf := 0
	for suf < len(ka)-pre && suf < len(kb)-pre && ka[len(ka)-1-suf] == kb[len(kb)-1-suf] {
		suf++
	}
	mid := match(ka[pre:len(ka)-suf], kb[pre:len(kb)-suf], maxCells, 0)
	for _, p := range mid {
		matches = append(matches, Pair{p.A + pre, p.B + pre})
	}
	for i := suf; i > 0; i-- {
		matches = append(matches, Pair{len(ka) - i, len(kb) - i})
	}
	closest(matches, a, b, ka)
	return withUnmatched(matches, a, b)
}

// maxDepth bounds match's recursion.
const maxDepth = 64

// match returns the matched pairs of an alignment of a and b: a longest
// common subsequence when its table fits in maxCells; otherwise, as
// patience diff does, the keys that occur once in each are anchors (the
// longest run of them in the same order in both), and what lies between
// two anchors is matched the same way; greedily where no key is unique.
func match(a, b []key, maxCells, depth int) []Pair {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	if len(a)*len(b) <= maxCells {
		return lcs(a, b)
	}
	anchors := uniqueAnchors(a, b)
	if len(anchors) == 0 || depth == maxDepth {
		return greedy(a, b)
	}
	var out []Pair
	ia, ib := 0, 0
	for _, an := range append(anchors, Pair{len(a), len(b)}) {
		for _, p := range match(a[ia:an.A], b[ib:an.B], maxCells, depth+1) {
			out = append(out, Pair{p.A + ia, p.B + ib})
		}
		if an.A < len(a) {
			out = append(out, an)
		}
		ia, ib = an.A+1, an.B+1
	}
	return out
}

// uniqueAnchors returns the pairs of positions of the keys that occur once
// in a and once in b, the longest run of them that is in order in both (a
// longest increasing subsequence of their positions in b, by patience
// sorting).
func uniqueAnchors(a, b []key) []Pair {
	type seen struct{ na, nb, ia, ib int }
	m := make(map[key]*seen, len(a))
	for i, k := range a {
		s := m[k]
		if s == nil {
			s = &seen{}
			m[k] = s
		}
		s.na++
		s.ia = i
	}
	for j, k := range b {
		if s := m[k]; s != nil {
			s.nb++
			s.ib = j
		}
	}
	var cand []Pair // in the order of a
	for i, k := range a {
		if s := m[k]; s.na == 1 && s.nb == 1 {
			cand = append(cand, Pair{i, s.ib})
		}
	}
	// Patience sorting: tops[k] is the candidate that ends the best run of
	// length k+1; prev links each candidate to the one before it.
	var tops []int
	prev := make([]int, len(cand))
	for c, p := range cand {
		k := sort.Search(len(tops), func(k int) bool { return cand[tops[k]].B > p.B })
		prev[c] = -1
		if k > 0 {
			prev[c] = tops[k-1]
		}
		if k == len(tops) {
			tops = append(tops, c)
		} else {
			tops[k] = c
		}
	}
	if len(tops) == 0 {
		return nil
	}
	run := make([]Pair, len(tops))
	for c, k := tops[len(tops)-1], len(tops)-1; c >= 0; c, k = prev[c], k-1 {
		run[k] = cand[c]
	}
	return run
}

func keys(s []Segment) []key {
	k := make([]key, len(s))
	for i := range s {
		k[i] = s[i].key()
	}
	return k
}

// lcs returns the matched pairs of a longest common subsequence of a and
// b, from a table of the subsequences' lengths for every pair of suffixes:
// (len(a)+1)·(len(b)+1) cells of 4 bytes (Align bounds their number).
func lcs(a, b []key) []Pair {
	n, m := len(a), len(b)
	w := m + 1
	l := make([]uint32, (n+1)*w) // l[i*w+j]: the length for a[i:], b[j:]
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i*w+j] = l[(i+1)*w+j+1] + 1
			} else {
				l[i*w+j] = max(l[(i+1)*w+j], l[i*w+j+1])
			}
		}
	}
	var matches []Pair
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i] == b[j]:
			matches = append(matches, Pair{i, j})
			i++
			j++
		case l[(i+1)*w+j] >= l[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return matches
}

// greedy returns the matched pairs of a one-pass alignment: equal keys
// match; at a mismatch it finds the nearest pair of equal keys (the least
// x+y for a[i+x] == b[j+y], x and y within lookahead) and leaves what comes
// before it unmatched; with none, both segments are unmatched. A mismatch
// costs O(lookahead): the keys of b's window go in a map.
func greedy(a, b []key) []Pair {
	var matches []Pair
	first := make(map[key]int, lookahead+1) // key → its least y in b's window
	for i, j := 0, 0; i < len(a) && j < len(b); {
		if a[i] == b[j] {
			matches = append(matches, Pair{i, j})
			i++
			j++
			continue
		}
		clear(first)
		for y := 0; y <= lookahead && j+y < len(b); y++ {
			if _, ok := first[b[j+y]]; !ok {
				first[b[j+y]] = y
			}
		}
		best, bx, by := -1, 0, 0
		for x := 0; x <= lookahead && i+x < len(a) && (best < 0 || x < best); x++ {
			if y, ok := first[a[i+x]]; ok && (best < 0 || x+y < best) {
				best, bx, by = x+y, x, y
			}
		}
		if best < 0 {
			bx, by = 1, 1 // nothing near: both are unmatched, and on
		}
		i, j = i+bx, j+by
	}
	return matches
}

// maxCandidates bounds the segments closest looks at on each side of a
// match.
const maxCandidates = 64

// closest moves each match, among the segments of its key between its
// neighbouring matches, to the two closest in time. Any of them keeps the
// alignment valid: what lies between two matches is unmatched. A run of
// matches of one key (duplicate ACKs) can only shift one step at a time,
// so it goes over the matches from the last and from the first, again
// while anything moves (at most closestPasses times).
func closest(matches []Pair, a, b []Segment, ka []key) {
	for range closestPasses {
		moved := false
		for k := len(matches) - 1; k >= 0; k-- {
			moved = closer(matches, k, a, b, ka) || moved
		}
		for k := range matches {
			moved = closer(matches, k, a, b, ka) || moved
		}
		if !moved {
			return
		}
	}
}

// closestPasses bounds closest's passes over the matches.
const closestPasses = 4

// closer moves match k to the closest pair in time of its key between its
// neighbours, and reports whether it moved.
func closer(matches []Pair, k int, a, b []Segment, ka []key) bool {
	m := &matches[k]
	loA, loB := -1, -1
	if k > 0 {
		loA, loB = matches[k-1].A, matches[k-1].B
	}
	hiA, hiB := len(a), len(b)
	if k+1 < len(matches) {
		hiA, hiB = matches[k+1].A, matches[k+1].B
	}
	want := ka[m.A]
	best, bestD := *m, absDelta(a[m.A].T, b[m.B].T)
	for i := max(loA+1, m.A-maxCandidates); i < min(hiA, m.A+maxCandidates+1); i++ {
		if ka[i] != want {
			continue
		}
		for j := max(loB+1, m.B-maxCandidates); j < min(hiB, m.B+maxCandidates+1); j++ {
			if b[j].key() != want {
				continue
			}
			if d := absDelta(a[i].T, b[j].T); d < bestD {
				best, bestD = Pair{i, j}, d
			}
		}
	}
	moved := best != *m
	*m = best
	return moved
}

func absDelta(x, y time.Duration) time.Duration {
	if x > y {
		return x - y
	}
	return y - x
}

// withUnmatched returns the whole alignment of one direction: the
// matches, and between each two the segments of each side alone, in the
// order of their times on the first trace's clock (a segment of the
// second is moved by the Δt of the match before the gap, or after it for
// the gap before the first match), the first trace's first at equal
// times; each side keeps its order.
func withUnmatched(matches []Pair, a, b []Segment) []row {
	rows := make([]row, 0, len(a)+len(b)-len(matches))
	var last time.Duration // rows never go back in time
	add := func(p Pair, at time.Duration) {
		last = max(last, at)
		rows = append(rows, row{p, last})
	}
	offset := time.Duration(0) // B's clock less A's, at the last match
	if len(matches) > 0 {
		offset = b[matches[0].B].T - a[matches[0].A].T
	}
	i, j := 0, 0
	gap := func(toA, toB int) {
		for i < toA || j < toB {
			if j == toB || i < toA && a[i].T <= b[j].T-offset {
				add(Pair{i, -1}, a[i].T)
				i++
			} else {
				add(Pair{-1, j}, b[j].T-offset)
				j++
			}
		}
	}
	for _, m := range matches {
		gap(m.A, m.B)
		add(m, a[m.A].T)
		offset = b[m.B].T - a[m.A].T
		i, j = m.A+1, m.B+1
	}
	gap(len(a), len(b))
	return rows
}
