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
	case math.IsNaN(c.Loss) || c.Loss < 0 || c.Loss > 1:
		return fmt.Errorf("loss %v is not a probability in [0, 1]", c.Loss)
	}
	for i, r := range c.Rules {
		switch {
		case r.Match == nil:
			return fmt.Errorf("rule %d (%q): no predicate", i+1, r.Desc)
		case r.Desc == "":
			return fmt.Errorf("rule %d: no description (it is the drop reason)", i+1)
		case r.Times < 0:
			return fmt.Errorf("rule %d (%q): negative times %d", i+1, r.Desc, r.Times)
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
