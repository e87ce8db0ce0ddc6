package scenarios

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func param(path, value string) Override { return Override{Path: path, Value: value, Source: "--param"} }

func loadWith(t *testing.T, name string, os ...Override) *Scenario {
	t.Helper()
	s, err := LoadWith(name, Options{Overrides: os})
	require.NoError(t, err)
	return s
}

func TestOverride_SetsKeys(t *testing.T) {
	s := loadWith(t, "lost-segment", param("link.loss", "0.01"), param("link.delay", "10ms"), param("client.mss", "1000"), param("seed", "7"))
	for _, c := range []struct {
		name string
		loss float64
		d    time.Duration
	}{{"client→server", s.ClientToServer.Loss, s.ClientToServer.Delay}, {"server→client", s.ServerToClient.Loss, s.ServerToClient.Delay}} {
		assert.Equal(t, 0.01, c.loss, c.name)
		assert.Equal(t, 10*time.Millisecond, c.d, c.name)
	}
	assert.Equal(t, 1000, s.Client.TCP.MSS)
	assert.Equal(t, uint64(7), s.Seed)
	// The file's other keys stay: its bandwidth, its drop rule, the server's MSS.
	assert.Equal(t, int64(10_000_000), s.ClientToServer.Bandwidth)
	assert.Len(t, s.ClientToServer.Rules, 1)
	assert.Equal(t, 1460, s.Server.TCP.MSS)
}

// An override is read as if written in the file: the same scenario, and
// for a bad value the same message.
func TestOverride_AsIfInTheFile(t *testing.T) {
	for _, c := range []struct{ path, value, file string }{
		{"link.loss", "1%", "link: {delay: 50ms, loss: 1%}\nclient: {send: 8KiB}\n"},
		{"client.keepalive.idle", "1h", "link: {delay: 50ms}\nclient: {send: 8KiB, keepalive: {idle: 1h}}\n"},
		{"links.server_to_client", "{delay: 80ms, loss: 0.5%}", "link: {delay: 50ms}\nlinks: {server_to_client: {delay: 80ms, loss: 0.5%}}\nclient: {send: 8KiB}\n"},
		{"link", "{delay: 20ms}", "link: {delay: 20ms}\nclient: {send: 8KiB}\n"},
		{"server.profile", "linux", "link: {delay: 50ms}\nclient: {send: 8KiB}\nserver: {profile: linux}\n"},
	} {
		want, err := Parse("x.yaml", []byte(c.file))
		require.NoError(t, err, c.file)
		got, err := ParseWith("x.yaml", []byte("link: {delay: 50ms}\nclient: {send: 8KiB}\n"), Options{Overrides: []Override{param(c.path, c.value)}})
		require.NoError(t, err, c.path)
		assert.Equal(t, want, got, "%s=%s", c.path, c.value)
	}

	for _, c := range []struct{ path, value, file string }{
		{"link.loss", "2", "link: {loss: 2}\n"},
		{"link.delay", "-5ms", "link: {delay: -5ms}\n"},
		{"client.mss", "50", "client: {mss: 50}\n"},
		{"client.mss", "1e9", "client: {mss: 1e9}\n"},
		{"client.isn", "0100", "client: {isn: 0100}\n"},
		{"link.bandwidth", "10MBps", "link: {bandwidth: 10MBps}\n"},
		{"duration", "0", "duration: 0\n"},
	} {
		_, fileErr := Parse("x.yaml", []byte(c.file))
		var fileList ErrorList
		require.True(t, errors.As(fileErr, &fileList), c.file)
		_, err := ParseWith("x.yaml", []byte("seed: 1\n"), Options{Overrides: []Override{param(c.path, c.value)}})
		var list ErrorList
		require.True(t, errors.As(err, &list), "%s=%s: %v", c.path, c.value, err)
		require.Len(t, list, 1, "%s=%s: %v", c.path, c.value, err)
		assert.Equal(t, "--param "+c.path, list[0].File)
		assert.Zero(t, list[0].Line, "a problem with an override has no place in the file")
		assert.Equal(t, fileList[0].Msg, list[0].Msg, "%s=%s gives the file's message", c.path, c.value)
	}
}

func TestOverride_Problems(t *testing.T) {
	for _, c := range []struct {
		o    Override
		want string
	}{
		{param("link.los", "0.01"), `--param link.los: unknown key "los"; did you mean "loss"?`},
		{param("clinet.mss", "1000"), `--param clinet.mss: unknown key "clinet"; did you mean "client"?`},
		{param("link.mss", "1000"), `--param link.mss: unknown key "mss"; it is an endpoint setting: put it under client or server`},
		{param("server.connect_at", "1s"), `--param server.connect_at: connect_at is for the client`},
		{param("link.loss", "[1"), `--param link.loss: the value is not valid YAML`},
		{param("link.loss", ""), `--param link.loss: has no value; loss is a probability`},
		{param("link.burst.p", "1%"), `--param link.burst.p: r is missing`},
		{param("drop[1].times", "2"), `--param drop[1].times: drop[1]: drop has 1 item, numbered from 0`},
		{param("drop.times", "2"), `--param drop.times: drop is a list in the file; name one of its items, such as drop[0].times`},
		{param("outages[0].from", "1s"), `--param outages[0].from: outages[0]: the file has no list outages`},
		{param("", "1"), `--param: the path is empty`},
		{param("link..loss", "1"), `--param link..loss: "link..loss" has an empty key`},
		{param("drop[x].times", "1"), `--param drop[x].times: "drop[x]": [x] is not an item's index`},
		{param("sweep.seeds", "3"), `--param sweep.seeds: the sweep block is not a parameter`},
		{Override{Path: "link.loss", Value: "9"}, `override link.loss: 9 is more than 1`},
	} {
		_, err := LoadWith("lost-segment", Options{Overrides: []Override{c.o}})
		require.Error(t, err, c.o.String())
		assert.Contains(t, err.Error(), c.want, c.o.String())
		var list ErrorList
		assert.True(t, errors.As(err, &list), "%s: an ErrorList", c.o)
	}

	_, err := ParseOverride("link.loss", "--param")
	assert.EqualError(t, err, "--param link.loss: no value: write PATH=VALUE, such as link.loss=0.01")
	o, err := ParseOverride(" client.keepalive = {idle: 1h}", "--set")
	require.NoError(t, err)
	assert.Equal(t, Override{Path: "client.keepalive", Value: " {idle: 1h}", Source: "--set"}, o)
}

// The file's nodes are copied, not changed: an alias of the overridden
// mapping keeps the file's values, and the next load sees the file anew.
func TestOverride_CopiesWhatItChanges(t *testing.T) {
	src := []byte("x-host: &host {mss: 1000, send_buffer: 32KiB}\nclient: *host\nserver: *host\n")
	s, err := ParseWith("x.yaml", src, Options{Overrides: []Override{param("client.mss", "536")}})
	require.NoError(t, err)
	assert.Equal(t, 536, s.Client.TCP.MSS)
	assert.Equal(t, 32<<10, s.Client.TCP.SendBuffer, "the alias's other keys")
	assert.Equal(t, 1000, s.Server.TCP.MSS, "the other alias")

	s = loadWith(t, "lost-segment", param("drop[0].data_segment", "5"), param("link.loss", "1%"), param("link.loss", "2%"))
	assert.Equal(t, "data_segment 5", s.ClientToServer.Rules[0].Desc)
	assert.Equal(t, 0.02, s.ClientToServer.Loss, "the later override wins")
	s = loadWith(t, "lost-segment")
	assert.Equal(t, "data_segment 3", s.ClientToServer.Rules[0].Desc)
	assert.Zero(t, s.ClientToServer.Loss)
}

func TestSweepBlock(t *testing.T) {
	src := []byte(`duration: 10s
links: {client_to_server: {loss: 1%}}
client: {send: 1MiB}
sweep:
  set: {duration: 1000s}
  params:
    links.client_to_server.loss: [0.5%, 1%, "2%"]
    client.keepalive: [true, {idle: 1h, probes: 3}]
  seeds: 5
`)
	s, err := Parse("x.yaml", src)
	require.NoError(t, err)
	require.NotNil(t, s.Sweep)
	assert.Equal(t, 5, s.Sweep.Seeds)
	require.Len(t, s.Sweep.Set, 1)
	assert.Equal(t, "duration=1000s", s.Sweep.Set[0].String())
	require.Len(t, s.Sweep.Params, 2)
	var paths []string
	var values [][]string
	for _, p := range s.Sweep.Params {
		paths = append(paths, p.Path)
		var vs []string
		for _, o := range p.Values {
			vs = append(vs, o.Value)
		}
		values = append(values, vs)
	}
	assert.Equal(t, []string{"links.client_to_server.loss", "client.keepalive"}, paths)
	assert.Equal(t, [][]string{{"0.5%", "1%", "2%"}, {"true", "{idle: 1h, probes: 3}"}}, values)
	assert.Equal(t, 10*time.Second, s.Duration, "the block does not change a run")
	assert.Equal(t, 0.01, s.ClientToServer.Loss)

	// Its values load as overrides.
	s2, err := ParseWith("x.yaml", src, Options{Overrides: append(s.Sweep.Set, s.Sweep.Params[0].Values[2], s.Sweep.Params[1].Values[1])})
	require.NoError(t, err)
	assert.Equal(t, 0.02, s2.ClientToServer.Loss)
	assert.Equal(t, 1000*time.Second, s2.Duration)
	assert.Equal(t, time.Hour, s2.Client.TCP.KeepaliveIdle)
	assert.Equal(t, 3, s2.Client.TCP.KeepaliveProbes)
}

// Overrides never crash the loader, and explain themselves.
func FuzzOverride(f *testing.F) {
	for _, s := range [][2]string{{"link.loss", "0.01"}, {"drop[0].times", "2"}, {"client.keepalive", "{idle: 1h}"}, {"a[0][1].b", "&x *x"}, {"seed", "!!str 1"}, {"x-a", "[[["}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, path, value string) {
		s, err := LoadWith("lost-segment", Options{Overrides: []Override{{Path: path, Value: value}}})
		if err == nil {
			checkInvariants(t, s)
			return
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("%T %v is not a non-empty ErrorList", err, err)
		}
		for _, e := range list {
			if e == nil || e.Msg == "" {
				t.Fatalf("bad Error %#v", e)
			}
		}
	})
}

func TestSweepBlock_Problems(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"sweep: {params: {link.los: [1%, 2%]}}\n", `x.yaml:1:18: sweep: link.los: unknown key "los"; did you mean "loss"?`},
		{"sweep: {params: {link.loss: [1%, 2]}}\n", `x.yaml:1:34: link.loss: 2 is more than 1`},
		{"sweep: {params: {link.loss: 1%}}\n", `x.yaml:1:29: sweep.params.link.loss: "1%" is not a list`},
		{"sweep: {params: {link.loss: []}}\n", `sweep.params.link.loss: the list is empty`},
		{"sweep: {params: {sweep.seeds: [1]}}\n", `sweep.params: sweep.seeds: the sweep block is not a parameter`},
		{"sweep: {seeds: 0}\n", `sweep.seeds: 0 is less than 1`},
		{"sweep: {set: {duration: 0}, params: {link.loss: [1%]}}\n", `x.yaml:1:25: duration: 0 is zero`},
		{"sweep: {sets: {duration: 1s}}\n", `unknown key "sets"; did you mean "set"?`},
		{"link: {reorder: true, jitter: 1ms}\nsweep: {params: {link.jitter: [2ms, 0]}}\n",
			`x.yaml:1:17: link.reorder: reorder is true but jitter is 0: packets overtake one another only when their delays vary; set jitter too, such as jitter: 5ms (when the sweep sets link.jitter to 0)`},
	} {
		_, err := Parse("x.yaml", []byte(c.src))
		require.Error(t, err, c.src)
		assert.Contains(t, err.Error(), c.want, c.src)
	}
}
