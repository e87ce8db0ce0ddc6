package tcp

// RFC 9293 §3.10.7.4 (seventh step: segments beyond RCV.NXT "may be held
// for later processing") and RFC 5681 §4.2: the out-of-order queue, with
// sequence numbers compared modulo 2^32 (RFC 9293 §3.4).

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tcpsim/tcpsim/wire"
)

type block = wire.SACKBlock

// spans are [Left, Right) pairs, the tables' spelling of blocks.
type spans = [][2]wire.Seq

// spansOf returns blocks as spans, nil for none.
func spansOf(bs []block) spans {
	var out spans
	for _, b := range bs {
		out = append(out, [2]wire.Seq{b.Left, b.Right})
	}
	return out
}

// blocksOf is the inverse of spansOf.
func blocksOf(rs spans) []block {
	var out []block
	for _, r := range rs {
		out = append(out, block{Left: r[0], Right: r[1]})
	}
	return out
}

func TestReassembly_Add(t *testing.T) {
	const w = 0xFFFFFFF0 // 16 below the wrap
	tests := []struct {
		name string
		adds spans
		want spans
	}{
		{"empty range ignored", spans{{10, 10}}, nil},
		{"reversed range ignored", spans{{20, 10}}, nil},
		{"one", spans{{10, 20}}, spans{{10, 20}}},
		{"disjoint kept sorted", spans{{30, 40}, {10, 20}, {50, 60}}, spans{{10, 20}, {30, 40}, {50, 60}}},
		{"touching on the right merges", spans{{10, 20}, {20, 30}}, spans{{10, 30}}},
		{"touching on the left merges", spans{{20, 30}, {10, 20}}, spans{{10, 30}}},
		{"overlap extends", spans{{10, 20}, {15, 25}}, spans{{10, 25}}},
		{"contained changes nothing", spans{{10, 40}, {15, 25}}, spans{{10, 40}}},
		{"covering replaces", spans{{15, 25}, {10, 40}}, spans{{10, 40}}},
		{"duplicate", spans{{10, 20}, {10, 20}}, spans{{10, 20}}},
		{"bridges two", spans{{10, 20}, {30, 40}, {20, 30}}, spans{{10, 40}}},
		{"swallows several", spans{{10, 20}, {30, 40}, {50, 60}, {70, 80}, {15, 55}}, spans{{10, 60}, {70, 80}}},
		{"one byte gap stays", spans{{10, 20}, {21, 30}}, spans{{10, 20}, {21, 30}}},
		{"across the wrap", spans{{w, 16}}, spans{{w, 16}}},
		{"sorted across the wrap", spans{{4, 8}, {w, w + 8}}, spans{{w, w + 8}, {4, 8}}},
		{"merged across the wrap", spans{{w, 0}, {0, 10}}, spans{{w, 10}}},
		{"overlap across the wrap", spans{{w + 8, 4}, {w, w + 12}, {2, 20}}, spans{{w, 20}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r reassembly
			for _, a := range tt.adds {
				r.add(a[0], a[1])
			}
			assert.Equal(t, tt.want, spansOf(r.blocks))
		})
	}
}

func TestReassembly_Pull(t *testing.T) {
	const w = 0xFFFFFFF0
	tests := []struct {
		name    string
		blocks  spans
		rcvNxt  wire.Seq
		wantNxt wire.Seq
		wantN   uint32
		left    spans
	}{
		{"nothing held", nil, 10, 10, 0, nil},
		{"gap before the first block", spans{{20, 30}}, 10, 10, 0, spans{{20, 30}}},
		{"touching", spans{{10, 30}, {40, 50}}, 10, 30, 20, spans{{40, 50}}},
		{"overlapping RCV.NXT", spans{{5, 30}}, 10, 30, 20, nil},
		{"entirely old", spans{{2, 8}, {20, 30}}, 10, 10, 0, spans{{20, 30}}},
		{"old then touching", spans{{2, 8}, {10, 12}, {20, 30}}, 10, 12, 2, spans{{20, 30}}},
		{"across the wrap", spans{{w, 16}, {40, 50}}, w, 16, 32, spans{{40, 50}}},
		{"up to the wrap", spans{{w, 0}}, w, 0, 16, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reassembly{blocks: blocksOf(tt.blocks)}
			nxt, n := r.pull(tt.rcvNxt)
			assert.Equal(t, tt.wantNxt, nxt, "RCV.NXT")
			assert.Equal(t, tt.wantN, n, "bytes")
			assert.Equal(t, tt.left, spansOf(r.blocks))
		})
	}
}

func TestReassembly_BytesEmptyReset(t *testing.T) {
	var r reassembly
	assert.True(t, r.empty())
	r.add(0xFFFFFFFE, 3)
	r.add(10, 20)
	r.hasFin, r.finAt = true, 20
	assert.False(t, r.empty())
	assert.Equal(t, uint32(5+10), r.bytes())
	r.reset()
	assert.True(t, r.empty())
	assert.False(t, r.hasFin)
	assert.Equal(t, uint32(0), r.bytes())
}

// reassemblyModel is the obvious implementation: one bit per byte of a
// window starting at base.
type reassemblyModel struct {
	base wire.Seq
	have [modelWindow]bool
}

const modelWindow = 1 << 12

func (m *reassemblyModel) add(off, n uint32) {
	for i := off; i < off+n && i < modelWindow; i++ {
		m.have[i] = true
	}
}

// pull is reassembly.pull with RCV.NXT at base+off: everything before the
// new RCV.NXT is dropped and the bytes from off on that became in order are
// counted.
func (m *reassemblyModel) pull(off uint32) (uint32, uint32) {
	end := off
	for end < modelWindow && m.have[end] {
		end++
	}
	for i := range end {
		m.have[i] = false
	}
	return end, end - off
}

// blocks returns the held ranges as sequence numbers.
func (m *reassemblyModel) blocks() []block {
	var out []block
	for i := uint32(0); i < modelWindow; i++ {
		if !m.have[i] {
			continue
		}
		j := i
		for j < modelWindow && m.have[j] {
			j++
		}
		out = append(out, block{Left: m.base.Add(i), Right: m.base.Add(j)})
		i = j
	}
	return out
}

// checkReassembly compares r with the model and checks its invariants:
// blocks non-empty, sorted, neither overlapping nor touching.
func checkReassembly(t *testing.T, step string, r *reassembly, m *reassemblyModel) {
	t.Helper()
	for i, b := range r.blocks {
		if !b.Left.LessThan(b.Right) {
			t.Fatalf("%s: empty or reversed block %d: %v", step, i, r.blocks)
		}
		if i > 0 && !r.blocks[i-1].Right.LessThan(b.Left) {
			t.Fatalf("%s: blocks %d and %d overlap or touch: %v", step, i-1, i, r.blocks)
		}
	}
	want := m.blocks()
	if fmt.Sprint(spansOf(r.blocks)) != fmt.Sprint(spansOf(want)) {
		t.Fatalf("%s: blocks %v, model %v", step, r.blocks, want)
	}
	var n uint32
	for _, b := range want {
		n += b.Left.Size(b.Right)
	}
	if r.bytes() != n {
		t.Fatalf("%s: bytes() = %d, model %d", step, r.bytes(), n)
	}
}

// FuzzReassembly drives reassembly with random adds and pulls inside a 4 KiB
// window at any base, the 2^32 wrap included, against reassemblyModel. Each
// operation is 5 bytes: a kind (even: add, odd: pull), a 16-bit offset and a 16-bit length.
func FuzzReassembly(f *testing.F) {
	op := func(kind byte, off, n uint16) []byte {
		return []byte{kind, byte(off >> 8), byte(off), byte(n >> 8), byte(n)}
	}
	cat := func(ops ...[]byte) []byte {
		var b []byte
		for _, o := range ops {
			b = append(b, o...)
		}
		return b
	}
	f.Add(uint32(0), cat(op(0, 10, 10), op(0, 30, 10), op(0, 20, 10), op(1, 10, 0)))
	f.Add(uint32(0xFFFFFF00), cat(op(0, 250, 20), op(0, 100, 156), op(0, 0, 100), op(1, 0, 0)))
	f.Add(uint32(0xFFFFFFF0), cat(op(0, 8, 16), op(0, 40, 8), op(1, 0, 0), op(0, 0, 8), op(1, 0, 0)))
	f.Add(uint32(0x7FFFFFF8), cat(op(0, 4, 8), op(0, 16, 4), op(0, 0, 30), op(1, 2, 0)))
	f.Add(uint32(0xFFFFFFFF), cat(op(0, 1, 1), op(0, 3, 1), op(0, 2, 1), op(1, 1, 0)))
	f.Fuzz(func(t *testing.T, base uint32, ops []byte) {
		var r reassembly
		m := reassemblyModel{base: wire.Seq(base)}
		pulled := uint32(0) // RCV.NXT never moves back
		for i := 0; i+5 <= len(ops) && i < 5*256; i += 5 {
			off := uint32(binary.BigEndian.Uint16(ops[i+1:])) % modelWindow
			n := uint32(binary.BigEndian.Uint16(ops[i+3:])) % 1024
			switch ops[i] % 2 {
			case 0:
				// Data is only ever added beyond RCV.NXT, inside the window.
				off = max(off, pulled)
				n = min(n, modelWindow-off)
				seq := m.base.Add(off)
				r.add(seq, seq.Add(n))
				m.add(off, n)
				checkReassembly(t, fmt.Sprintf("add(+%d, %d)", off, n), &r, &m)
			case 1:
				off = max(off, pulled)
				nxt, got := r.pull(m.base.Add(off))
				end, want := m.pull(off)
				if nxt != m.base.Add(end) || got != want {
					t.Fatalf("pull(+%d) = (+%d, %d), model (+%d, %d)", off, m.base.Size(nxt), got, end, want)
				}
				pulled = end
				checkReassembly(t, fmt.Sprintf("pull(+%d)", off), &r, &m)
			}
		}
	})
}
