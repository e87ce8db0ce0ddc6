package tcp

// Config.ApplyBufferRules: RFC 7323 §2, window scaling for a receive
// buffer larger than the 16-bit window field holds.

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConfig_ApplyBufferRules(t *testing.T) {
	for _, tc := range []struct {
		name       string
		recvBuffer int
		scaling    bool // WindowScaling before
		want       bool
	}{
		{"the largest unscaled window needs no scaling", 65535, false, false},
		{"one byte more needs it", 65536, false, true},
		{"a big buffer needs it", 1 << 20, false, true},
		{"a small buffer keeps scaling that was on (as Linux offers it always)", 4096, true, true},
		{"a big buffer keeps it on", 1 << 20, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			c.RecvBuffer, c.WindowScaling = tc.recvBuffer, tc.scaling
			c.ApplyBufferRules()
			assert.Equal(t, tc.want, c.WindowScaling)
		})
	}
}

// The profiles' own buffers already agree with the rule: applying it
// changes neither.
func TestConfig_ApplyBufferRules_Profiles(t *testing.T) {
	for _, name := range Profiles {
		c, err := Profile(name)
		assert.NoError(t, err)
		before := c
		c.ApplyBufferRules()
		assert.Equal(t, before, c, name)
	}
}
