package wire_test

import (
	"fmt"

	"github.com/tcpsim/tcpsim/wire"
)

func ExampleSeq_LessThan() {
	a, b := wire.Seq(0xFFFFFFF0), wire.Seq(0x10) // b is 32 bytes after a, across the wrap
	fmt.Println(a.LessThan(b), b.LessThan(a), b.Sub(a), a.Size(b))
	// Output: true false 32 32
}

func ExampleSegment_String() {
	s := wire.Segment{Seq: 300, Ack: 101, Flags: wire.SYN | wire.ACK, Window: 65535,
		Opt: wire.Options{MSS: 1460, SACKPermitted: true}}
	fmt.Println(s.String(), s.SeqLen(), s.IPLen())
	// Output: [SYN,ACK] seq=300 ack=101 win=65535 len=0 <mss 1460,sackOK> 1 48
}
