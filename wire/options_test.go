package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The bytes of every layout, as Linux writes them (tcp_options_write in
// net/ipv4/tcp_output.c); tshark reads them back in viz/pcap's tests.
func TestAppendOptions(t *testing.T) {
	sack := [MaxSACKBlocks]SACKBlock{{2001, 2004}, {3000, 3100}, {4000, 4100}, {0xfffffff0, 5}}
	for _, tc := range []struct {
		name string
		o    Options
		want []byte
	}{
		{"none", Options{}, nil},
		{"Linux SYN", Options{MSS: 1460, SACKPermitted: true, HasTimestamp: true, TSVal: 7, HasWScale: true, WScale: 7}, []byte{
			OptMSS, 4, 0x05, 0xb4,
			OptSACKPerm, 2, OptTimestamp, 10, 0, 0, 0, 7, 0, 0, 0, 0,
			OptNOP, OptWScale, 3, 7,
		}},
		{"SYN without timestamps", Options{MSS: 1400, SACKPermitted: true, HasWScale: true, WScale: 14}, []byte{
			OptMSS, 4, 0x05, 0x78,
			OptNOP, OptNOP, OptSACKPerm, 2,
			OptNOP, OptWScale, 3, 14,
		}},
		{"timestamps alone", Options{HasTimestamp: true, TSVal: 20, TSEcr: 10}, []byte{
			OptNOP, OptNOP, OptTimestamp, 10, 0, 0, 0, 20, 0, 0, 0, 10,
		}},
		{"timestamps and a SACK block", Options{HasTimestamp: true, TSVal: 30, TSEcr: 21, NumSACK: 1, SACK: sack}, []byte{
			OptNOP, OptNOP, OptTimestamp, 10, 0, 0, 0, 30, 0, 0, 0, 21,
			OptNOP, OptNOP, OptSACK, 10, 0, 0, 0x07, 0xd1, 0, 0, 0x07, 0xd4,
		}},
		{"4 SACK blocks, one across the wrap", Options{NumSACK: 4, SACK: sack}, []byte{
			OptNOP, OptNOP, OptSACK, 34,
			0, 0, 0x07, 0xd1, 0, 0, 0x07, 0xd4,
			0, 0, 0x0b, 0xb8, 0, 0, 0x0c, 0x1c,
			0, 0, 0x0f, 0xa0, 0, 0, 0x10, 0x04,
			0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 5,
		}},
		{"no more SACK blocks than there are", Options{NumSACK: 9, SACK: sack}, append([]byte{
			OptNOP, OptNOP, OptSACK, 34}, AppendOptions(nil, &Options{NumSACK: 4, SACK: sack})[4:]...)},
		{"window scale 0", Options{HasWScale: true}, []byte{OptNOP, OptWScale, 3, 0}},
	} {
		got := AppendOptions([]byte("hdr"), &tc.o)
		assert.Equal(t, append([]byte("hdr"), tc.want...), got, tc.name)
		assert.Equal(t, len(tc.want), tc.o.OptionsLen(), "%s: OptionsLen", tc.name)
		assert.Zero(t, len(tc.want)%4, "%s: options fill whole words", tc.name)
	}
}

// OptionsLen is the length of what AppendOptions writes, for every
// combination of options.
func TestOptionsLenIsAppendOptions(t *testing.T) {
	for bits := range 1 << 5 {
		for n := range uint8(MaxSACKBlocks + 2) {
			o := Options{NumSACK: n}
			if bits&1 != 0 {
				o.MSS = 1460
			}
			o.SACKPermitted = bits&2 != 0
			o.HasTimestamp = bits&4 != 0
			o.HasWScale = bits&8 != 0
			if bits&16 != 0 {
				o.TSVal, o.WScale = 1, 3
			}
			assert.Equal(t, len(AppendOptions(nil, &o)), o.OptionsLen(), "%+v", o)
		}
	}
}
