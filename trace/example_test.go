package trace_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/tcpsim/tcpsim/trace"
)

func ExampleReadJSON() {
	in := `{"t_ns":0,"event":"run","name":"lost-segment","seed":1}
{"t_ns":1000000000,"event":"timer","node":"client","conn":1,"timer":"retransmission","op":"fired","n":1}
{"t_ns":1000000000,"event":"state","node":"client","conn":1,"from":"SYN-SENT","to":"CLOSED"}
`
	err := trace.ReadJSON(strings.NewReader(in), trace.SinkFunc(func(r *trace.Record) {
		switch r.Kind {
		case trace.KindTimer:
			fmt.Println(r.T, r.Node, r.Timer, r.TimerOp)
		case trace.KindState:
			fmt.Println(r.T, r.Node, r.From, "→", r.To)
		}
	}))
	fmt.Println(err)
	// Output:
	// 1.000s client retransmission fired
	// 1.000s client SYN-SENT → CLOSED
	// <nil>
}

func ExampleJSONWriter() {
	w := trace.NewJSONWriter(os.Stdout)
	w.Record(&trace.Record{T: 1_500_000, Kind: trace.KindVar, Node: "client", Conn: 1, Var: trace.VarCwnd, Value: 14600})
	if err := w.Flush(); err != nil {
		fmt.Println(err)
	}
	// Output: {"t_ns":1500000,"event":"var","node":"client","conn":1,"name":"cwnd","value":14600}
}
