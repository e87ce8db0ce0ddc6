package tcp

// Config.Validate: the settings no TCP can run with.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidate_ProfilesAreValid(t *testing.T) {
	for _, name := range Profiles {
		cfg, err := Profile(name)
		require.NoError(t, err)
		assert.NoError(t, cfg.Validate(), name)
		cfg.Keepalive = true // the profiles' keepalive values are good ones too
		assert.NoError(t, cfg.Validate(), name+" with keepalive")
	}
	assert.NoError(t, DefaultConfig().Validate())
}

func TestValidate_Limits(t *testing.T) {
	// Each case changes the linux profile; want is the error, "" for a
	// valid config.
	tests := []struct {
		name   string
		change func(c *Config)
		want   string
	}{
		{"MSS 0", func(c *Config) { c.MSS = 0 }, "MSS 0 is outside 88..65495 bytes"},
		{"negative MSS", func(c *Config) { c.MSS = -1460 }, "MSS -1460 is outside 88..65495 bytes"},
		{"MSS below TCP_MIN_MSS", func(c *Config) { c.MSS = 87 }, "MSS 87 is outside 88..65495 bytes"},
		{"MSS TCP_MIN_MSS", func(c *Config) { c.MSS = 88 }, ""},
		{"MSS of a 65535-byte datagram", func(c *Config) { c.MSS = 65495 }, ""},
		{"MSS above it", func(c *Config) { c.MSS = 65496 }, "MSS 65496 is outside 88..65495 bytes"},

		{"send buffer 0", func(c *Config) { c.SendBuffer = 0 }, "send buffer 0 is outside 1..1073741824 bytes"},
		{"send buffer 1", func(c *Config) { c.SendBuffer = 1 }, ""},
		{"send buffer 1 GiB", func(c *Config) { c.SendBuffer = 1 << 30 }, ""},
		{"send buffer over 1 GiB", func(c *Config) { c.SendBuffer = 1<<30 + 1 }, "send buffer 1073741825 is outside 1..1073741824 bytes"},
		{"receive buffer 0", func(c *Config) { c.RecvBuffer = 0 }, "receive buffer 0 is outside 1..1073741824 bytes"},
		{"negative receive buffer", func(c *Config) { c.RecvBuffer = -1 }, "receive buffer -1 is outside 1..1073741824 bytes"},
		{"receive buffer over 1 GiB", func(c *Config) { c.RecvBuffer = 1 << 31 }, "receive buffer 2147483648 is outside 1..1073741824 bytes"},

		{"initial RTO 0", func(c *Config) { c.RTOInitial, c.RTOMin = 0, 0 }, "initial RTO 0s is not positive (RFC 6298 (2.1): 1s)"},
		{"negative minimum RTO", func(c *Config) { c.RTOMin = -time.Second }, "negative minimum RTO -1s"},
		{"minimum RTO 0", func(c *Config) { c.RTOMin = 0 }, ""},
		{"minimum over initial", func(c *Config) { c.RTOMin = 2 * time.Second }, "minimum RTO 2s is more than the initial RTO 1s"},
		{"initial over maximum", func(c *Config) { c.RTOMax = 500 * time.Millisecond }, "initial RTO 1s is more than the maximum RTO 500ms"},
		{"maximum RTO 0", func(c *Config) { c.RTOMax = 0 }, "initial RTO 1s is more than the maximum RTO 0s"},
		{"all three equal", func(c *Config) { c.RTOMin, c.RTOInitial, c.RTOMax = time.Second, time.Second, time.Second }, ""},

		{"negative SYN retries", func(c *Config) { c.SynRetries = -1 }, "negative SYN retries -1"},
		{"no SYN retries", func(c *Config) { c.SynRetries = 0 }, ""},
		{"negative retries", func(c *Config) { c.Retries = -1 }, "negative retries -1"},
		{"negative MSL", func(c *Config) { c.MSL = -time.Second }, "negative MSL -1s"},
		{"MSL 0", func(c *Config) { c.MSL = 0 }, ""},
		{"negative initial window", func(c *Config) { c.InitialWindow = -1 }, "negative initial window -1 segments"},
		{"initial window by RFC 5681's rule", func(c *Config) { c.InitialWindow = 0 }, ""},

		{"negative delayed ACK", func(c *Config) { c.DelayedACK = -time.Millisecond }, "negative delayed ACK -1ms"},
		{"delayed ACK off", func(c *Config) { c.DelayedACK = 0 }, ""},
		{"delayed ACK 499 ms", func(c *Config) { c.DelayedACK = 499 * time.Millisecond }, ""},
		{"delayed ACK 500 ms", func(c *Config) { c.DelayedACK = 500 * time.Millisecond }, "delayed ACK 500ms is not less than 500ms (RFC 1122 §4.2.3.2)"},
		{"negative quick ACKs", func(c *Config) { c.QuickACKs = -1 }, "negative quick ACKs -1"},
		{"unknown behaviour", func(c *Config) { c.Behaviour = 7 }, "unknown behaviour 7 (BehaviourRFC or BehaviourLinux)"},

		{"negative keepalive idle", func(c *Config) { c.KeepaliveIdle = -time.Second }, "negative keepalive idle time -1s"},
		{"negative keepalive interval", func(c *Config) { c.KeepaliveInterval = -time.Second }, "negative keepalive interval -1s"},
		{"negative keepalive probes", func(c *Config) { c.KeepaliveProbes = -1 }, "negative keepalive probes -1"},
		{"keepalive off, zero values", func(c *Config) { c.KeepaliveIdle, c.KeepaliveInterval, c.KeepaliveProbes = 0, 0, 0 }, ""},
		{"keepalive, idle 0", func(c *Config) { c.Keepalive, c.KeepaliveIdle = true, 0 }, "keepalive is on with an idle time of 0"},
		{"keepalive, interval 0", func(c *Config) { c.Keepalive, c.KeepaliveInterval = true, 0 }, "keepalive is on with an interval of 0"},
		{"keepalive, 0 probes", func(c *Config) { c.Keepalive, c.KeepaliveProbes = true, 0 }, "keepalive is on with 0 probes"},
		{"keepalive, 1 probe", func(c *Config) { c.Keepalive, c.KeepaliveProbes = true, 1 }, ""},

		{"negative user timeout", func(c *Config) { c.UserTimeout = -time.Second }, "negative user timeout -1s"},
		{"user timeout", func(c *Config) { c.UserTimeout = 30 * time.Second }, ""},
		{"negative SYN linear timeouts", func(c *Config) { c.SynLinearTimeouts = -1 }, "negative SYN linear timeouts -1"},
		{"negative timer rate", func(c *Config) { c.TimerHZ = -1 }, "timer rate -1 Hz is outside 0..1000 (Linux's CONFIG_HZ is 100, 250, 300 or 1000)"},
		{"timer rate above 1000 Hz", func(c *Config) { c.TimerHZ = 1001 }, "timer rate 1001 Hz is outside 0..1000 (Linux's CONFIG_HZ is 100, 250, 300 or 1000)"},

		{"the first problem is reported", func(c *Config) { c.MSS, c.Retries = 0, -1 }, "MSS 0 is outside 88..65495 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Profile("linux")
			require.NoError(t, err)
			tt.change(&cfg)
			err = cfg.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, tt.want)
			}
		})
	}
}
