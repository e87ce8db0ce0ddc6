package sim_test

import (
	"fmt"
	"time"

	"github.com/tcpsim/tcpsim/sim"
)

func ExampleEngine() {
	e := sim.NewEngine(1000) // always set a budget
	var rto sim.Timer
	rto.Init(e, func(now sim.Time) { fmt.Println(now, "retransmit") })
	rto.Reset(e.Now().Add(time.Second))
	e.After(200*time.Millisecond, func(now sim.Time) {
		fmt.Println(now, "ACK: restart the timer")
		rto.Reset(now.Add(time.Second))
	})
	if err := e.Run(sim.At(10 * time.Second)); err != nil {
		fmt.Println(err)
	}
	fmt.Println(e.Now(), e.Fired(), e.Pending())
	// Output:
	// 0.200s ACK: restart the timer
	// 1.200s retransmit
	// 1.200s 2 0
}
