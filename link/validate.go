package link

import (
	"fmt"
	"math"
	"time"
)

// Validate reports the first setting in c that a link cannot honour. [New]
// does not check: the scenario loader is expected to call Validate and
// report the error against the user's file.
func (c *Config) Validate() error {
	switch {
	case c.Delay < 0:
		return fmt.Errorf("negative delay %v", c.Delay)
	case c.Jitter < 0:
		return fmt.Errorf("negative jitter %v", c.Jitter)
	case c.Bandwidth < 0:
		return fmt.Errorf("negative bandwidth %d bit/s", c.Bandwidth)
	case c.QueuePackets < 0:
		return fmt.Errorf("negative queue limit %d packets", c.QueuePackets)
	case c.QueueBytes < 0:
		return fmt.Errorf("negative queue limit %d bytes", c.QueueBytes)
	case c.MTU < 0:
		return fmt.Errorf("negative MTU %d", c.MTU)
	case !probability(c.Loss):
		return fmt.Errorf("loss %v is not a probability in [0, 1]", c.Loss)
	case !probability(c.ReorderProb):
		return fmt.Errorf("reorder probability %v is not a probability in [0, 1]", c.ReorderProb)
	case c.ReorderDelay < 0:
		return fmt.Errorf("negative reorder delay %v", c.ReorderDelay)
	case !probability(c.Duplicate):
		return fmt.Errorf("duplicate probability %v is not a probability in [0, 1]", c.Duplicate)
	case !probability(c.Corrupt):
		return fmt.Errorf("corrupt probability %v is not a probability in [0, 1]", c.Corrupt)
	}
	if b := c.Burst; b != nil {
		for _, x := range []struct {
			name string
			v    float64
		}{{"p", b.P}, {"r", b.R}, {"loss_good", b.LossGood}, {"loss_bad", b.LossBad}} {
			if !probability(x.v) {
				return fmt.Errorf("burst loss %s %v is not a probability in [0, 1]", x.name, x.v)
			}
		}
	}
	for i, r := range c.Rules {
		switch {
		case r.Match == nil:
			return fmt.Errorf("rule %d (%q): no predicate", i+1, r.Desc)
		case r.Desc == "":
			return fmt.Errorf("rule %d: no description (it is the drop reason)", i+1)
		case r.Times < 0:
			return fmt.Errorf("rule %d (%q): negative times %d", i+1, r.Desc, r.Times)
		case r.Action > ActionDuplicate:
			return fmt.Errorf("rule %d (%q): unknown action %d", i+1, r.Desc, r.Action)
		case r.Action == ActionDelay && r.Delay <= 0:
			return fmt.Errorf("rule %d (%q): a delay rule needs a delay > 0", i+1, r.Desc)
		}
	}
	for i, o := range c.Outages {
		if o.To < o.From {
			return fmt.Errorf("outage %d ends (%v) before it starts (%v)", i+1, time.Duration(o.To), time.Duration(o.From))
		}
		if o.From < 0 {
			return fmt.Errorf("outage %d starts (%v) before the run", i+1, time.Duration(o.From))
		}
	}
	return nil
}

// probability reports whether p is in [0, 1].
func probability(p float64) bool { return !math.IsNaN(p) && p >= 0 && p <= 1 }
