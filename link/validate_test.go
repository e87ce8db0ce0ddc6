package link

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

func TestValidate(t *testing.T) {
	match := func(sim.Time, *trace.Packet) bool { return true }
	for _, tc := range []struct {
		cfg  Config
		want string // "" for valid
	}{
		{Config{}, ""},
		{complexConfig(), ""},
		{Config{Loss: 1, Outages: []Outage{{ms(5), ms(5)}}}, ""},
		{Config{Delay: -time.Millisecond}, "negative delay -1ms"},
		{Config{Jitter: -1}, "negative jitter -1ns"},
		{Config{Bandwidth: -1}, "negative bandwidth -1 bit/s"},
		{Config{QueuePackets: -1}, "negative queue limit -1 packets"},
		{Config{QueueBytes: -1}, "negative queue limit -1 bytes"},
		{Config{MTU: -1}, "negative MTU -1"},
		{Config{Loss: 1.5}, "loss 1.5 is not a probability in [0, 1]"},
		{Config{Loss: math.NaN()}, "loss NaN is not a probability in [0, 1]"},
		{Config{Rules: []Rule{{Desc: "x"}}}, `rule 1 ("x"): no predicate`},
		{Config{Rules: []Rule{{Match: match}}}, "rule 1: no description (it is the drop reason)"},
		{Config{Rules: []Rule{{Desc: "x", Match: match, Times: -1}}}, `rule 1 ("x"): negative times -1`},
		{Config{Outages: []Outage{{ms(2), ms(1)}}}, "outage 1 ends (1ms) before it starts (2ms)"},
		{Config{Outages: []Outage{{-1, ms(1)}}}, "outage 1 starts (-1ns) before the run"},
	} {
		err := tc.cfg.Validate()
		if tc.want == "" {
			assert.NoError(t, err)
		} else {
			assert.EqualError(t, err, tc.want)
		}
	}
}
