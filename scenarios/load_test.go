package scenarios

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// withoutMatch clears the rules' predicates (funcs do not compare) after
// checking each has one.
func withoutMatch(t *testing.T, rules []link.Rule) []link.Rule {
	t.Helper()
	out := slices.Clone(rules)
	for i := range out {
		require.NotNil(t, out[i].Match, "rule %q", out[i].Desc)
		out[i].Match = nil
	}
	return out
}

func TestParse_Defaults(t *testing.T) {
	src := `
description: The client's 3rd data segment is lost once; duplicate ACKs ask for it; it is resent.
seed: 7
duration: 60s
link: {delay: 50ms, bandwidth: 10Mbps}
client: {isn: 100, send: 8KiB}
server: {isn: 300}
drop:
  - {from: client, data_segment: 3}
`
	sc, err := Parse("lessons/lost-segment.yaml", []byte(src))
	require.NoError(t, err)

	c2s := sc.ClientToServer
	c2s.Rules = withoutMatch(t, c2s.Rules)
	wantLink := link.Config{
		Delay:        50 * time.Millisecond,
		Bandwidth:    10_000_000,
		QueuePackets: 100,
		MTU:          1500,
	}
	client := tcp.DefaultConfig()
	client.ISS, client.FixedISS = 100, true
	server := tcp.DefaultConfig()
	server.ISS, server.FixedISS = 300, true

	want := &Scenario{
		Name:        "lost-segment",
		Description: "The client's 3rd data segment is lost once; duplicate ACKs ask for it; it is resent.",
		File:        "lessons/lost-segment.yaml",
		Seed:        7,
		Duration:    60 * time.Second,
		EventBudget: 50_000_000,
		ClientToServer: func() link.Config {
			c := wantLink
			c.Rules = []link.Rule{{Desc: "data_segment 3", Times: 1}}
			return c
		}(),
		ServerToClient: wantLink,
		Client: Endpoint{
			Name: "client", Addr: netip.MustParseAddr("10.0.0.1"), Port: 49152, Profile: "rfc", TCP: client,
			App: App{Send: 8192, Close: CloseAuto},
		},
		Server: Endpoint{
			Name: "server", Addr: netip.MustParseAddr("10.0.0.2"), Port: 80, Profile: "rfc", TCP: server,
			App: App{Close: CloseAuto},
		},
	}
	got := *sc
	got.ClientToServer = c2s
	assert.Equal(t, want, &got)
}

func TestParse_MinimalFileGetsEveryDefault(t *testing.T) {
	sc, err := Parse("x.yaml", []byte("{}\n"))
	require.NoError(t, err)
	assert.Equal(t, "x", sc.Name)
	assert.Equal(t, uint64(1), sc.Seed)
	assert.Equal(t, 10*time.Minute, sc.Duration)
	assert.Equal(t, uint64(50_000_000), sc.EventBudget)
	for _, l := range []link.Config{sc.ClientToServer, sc.ServerToClient} {
		assert.Equal(t, link.Config{Delay: 10 * time.Millisecond, Bandwidth: 100_000_000, QueuePackets: 100, MTU: 1500}, l)
	}
	assert.Equal(t, tcp.DefaultConfig(), sc.Client.TCP, "no isn: FixedISS false, the ISS comes from the seed")
	assert.Equal(t, tcp.DefaultConfig(), sc.Server.TCP)
	assert.Equal(t, App{Close: CloseAuto}, sc.Client.App)
}

func TestParse_EverySetting(t *testing.T) {
	src := `
name: everything
seed: 18446744073709551615
duration: 2h
event_budget: 1e6
link: {delay: 20ms, jitter: 5ms, reorder: true, bandwidth: 1.5Mbps, queue: 10, mtu: 576, loss: 1%}
links:
  client_to_server: {queue_bytes: 64KiB, loss: 0}
  server_to_client: {delay: 80ms, bandwidth: unlimited, queue: unlimited}
client:
  addr: 192.168.1.10
  port: 5000
  isn: 4294967295
  mss: 536
  send_buffer: 1MiB
  recv_buffer: 256KiB
  rto_initial: 3s
  rto_min: 200ms
  rto_max: 120s
  syn_retries: 0
  retries: 3
  msl: 30s
  nodelay: true
  initial_window: 10
  delayed_ack: 100ms
  quick_acks: 2
  keepalive: {idle: 10s, interval: 2s, probes: 4, garbage_byte: true}
  user_timeout: 30s
  timestamps: true
  sack: true
  syn_linear_timeouts: 2
  timer_hz: 1000
  reader: {bytes: 1KiB, every: 50ms, pauses: [{from: 4s, to: 6s}, {from: 1s, to: 2s}]}
  connect_at: 1s
  send: 1MB
  writes: [{at: 5s, bytes: 100}, {at: 2s, bytes: 1KiB}]
  close: 90s
server:
  profile: linux
  port: 8080
  recv_buffer: 65536
  reader: {rate: 10KB/s}
  window_scaling: false
  reply: 2KiB
  send: 0
  close: never
drop:
  - {from: server, flags: SYN+ACK, nth: 1}
  - {from: client, flags: [FIN, ACK], times: always}
  - {from: client, segment: 5, between: [1s, 1m30s]}
  - {from: server, seq: 0, times: 3}
outages:
  - {from: 2s, to: 5s}
  - {from: 10s, to: 11s, direction: server_to_client}
  - {from: 20s, to: 21s, direction: client_to_server}
events:
  - {at: 50s, reboot: server}
  - {at: 40s, crash: server}
`
	sc, err := Parse("everything.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, uint64(18446744073709551615), sc.Seed)
	assert.Equal(t, 2*time.Hour, sc.Duration)
	assert.Equal(t, uint64(1_000_000), sc.EventBudget)

	assert.Equal(t, link.Config{
		Delay: 20 * time.Millisecond, Jitter: 5 * time.Millisecond, Reorder: true, Bandwidth: 1_500_000,
		QueueBytes: 65536, MTU: 576, Loss: 0,
		Outages: []link.Outage{{From: sim.At(2 * time.Second), To: sim.At(5 * time.Second)}, {From: sim.At(20 * time.Second), To: sim.At(21 * time.Second)}},
	}, func() link.Config { c := sc.ClientToServer; c.Rules = nil; return c }())
	assert.Equal(t, link.Config{
		Delay: 80 * time.Millisecond, Jitter: 5 * time.Millisecond, Reorder: true, Bandwidth: 0,
		MTU: 576, Loss: 0.01,
		Outages: []link.Outage{{From: sim.At(2 * time.Second), To: sim.At(5 * time.Second)}, {From: sim.At(10 * time.Second), To: sim.At(11 * time.Second)}},
	}, func() link.Config { c := sc.ServerToClient; c.Rules = nil; return c }())
	assert.Equal(t, []link.Rule{
		{Desc: "flags FIN,ACK, times always", Times: 0},
		{Desc: "segment 5 between [1s, 1m30s)", Times: 1},
	}, withoutMatch(t, sc.ClientToServer.Rules))
	assert.Equal(t, []link.Rule{
		{Desc: "flags SYN,ACK nth 1", Times: 1},
		{Desc: "seq 0, times 3", Times: 3},
	}, withoutMatch(t, sc.ServerToClient.Rules))

	c := sc.Client
	assert.Equal(t, netip.MustParseAddr("192.168.1.10"), c.Addr)
	assert.Equal(t, uint16(5000), c.Port)
	assert.Equal(t, tcp.Config{
		ISS: 4294967295, FixedISS: true, MSS: 536, SendBuffer: 1 << 20, RecvBuffer: 256 << 10,
		WindowScaling: true, RTOInitial: 3 * time.Second, RTOMin: 200 * time.Millisecond, RTOMax: 120 * time.Second,
		SynRetries: 0, Retries: 3, MSL: 30 * time.Second, NoDelay: true, InitialWindow: 10,
		DelayedACK: 100 * time.Millisecond, QuickACKs: 2, Keepalive: true, KeepaliveIdle: 10 * time.Second,
		KeepaliveInterval: 2 * time.Second, KeepaliveProbes: 4, UserTimeout: 30 * time.Second,
		KeepaliveGarbageByte: true, Timestamps: true, SACK: true, SynLinearTimeouts: 2, TimerHZ: 1000,
	}, c.TCP)
	assert.Equal(t, App{
		ConnectAt: time.Second, Send: 1_000_000,
		Writes: []Write{{At: 2 * time.Second, Bytes: 1024}, {At: 5 * time.Second, Bytes: 100}},
		Close:  CloseAt, CloseAt: 90 * time.Second,
		Reader: Reader{Bytes: 1024, Every: 50 * time.Millisecond, Pauses: []Pause{{From: time.Second, To: 2 * time.Second}, {From: 4 * time.Second, To: 6 * time.Second}}},
	}, c.App)
	assert.Equal(t, "rfc", c.Profile)
	assert.Equal(t, []HostEvent{{At: 40 * time.Second, Node: "server", Op: trace.HostCrash}, {At: 50 * time.Second, Node: "server", Op: trace.HostReboot}}, sc.Events)

	s := sc.Server
	assert.Equal(t, uint16(8080), s.Port)
	assert.False(t, s.TCP.WindowScaling, "window_scaling: false wins over recv_buffer > 65535")
	assert.False(t, s.TCP.FixedISS)
	assert.Equal(t, App{Reply: 2048, Close: CloseNever, Reader: Reader{Bytes: 1000, Every: 100 * time.Millisecond}}, s.App)
	assert.Equal(t, "linux", s.Profile)
	assert.Equal(t, 40*time.Millisecond, s.TCP.DelayedACK, "the linux profile's delayed ACK")
	assert.Equal(t, tcp.BehaviourLinux, s.TCP.Behaviour)
}

func TestParse_WindowScalingDefaultsFromRecvBuffer(t *testing.T) {
	sc, err := Parse("x.yaml", []byte("client: {recv_buffer: 65535}\nserver: {recv_buffer: 65536}\n"))
	require.NoError(t, err)
	assert.False(t, sc.Client.TCP.WindowScaling)
	assert.True(t, sc.Server.TCP.WindowScaling)
}

func TestParse_DirectionQueueReplacesBoth(t *testing.T) {
	sc, err := Parse("x.yaml", []byte("link: {queue: 5}\nlinks: {server_to_client: {queue_bytes: 3000}}\n"))
	require.NoError(t, err)
	assert.Equal(t, 5, sc.ClientToServer.QueuePackets)
	assert.Equal(t, 0, sc.ClientToServer.QueueBytes)
	assert.Equal(t, 0, sc.ServerToClient.QueuePackets)
	assert.Equal(t, 3000, sc.ServerToClient.QueueBytes)
}

func TestParse_AnchorsAndAliases(t *testing.T) {
	sc, err := Parse("x.yaml", []byte(`
link: &slow {delay: 100ms, bandwidth: 1Mbps}
links: {client_to_server: *slow}
client: {send: &n 4KiB}
server: {reply: *n}
`))
	require.NoError(t, err)
	assert.Equal(t, 100*time.Millisecond, sc.ClientToServer.Delay)
	assert.Equal(t, int64(4096), sc.Server.App.Reply)
}

// Every embedded scenario loads, is named after its file and says what it shows.
func TestBuiltins(t *testing.T) {
	list := List()
	require.NotEmpty(t, list)
	require.True(t, slices.IsSortedFunc(list, func(a, b Info) int { return strings.Compare(a.Name, b.Name) }))
	for _, info := range list {
		t.Run(info.Name, func(t *testing.T) {
			src, err := Source(info.Name)
			require.NoError(t, err)
			sc, err := Load(info.Name)
			require.NoError(t, err)
			assert.Equal(t, info.Name, sc.Name, "a built-in's name is its file's")
			assert.Equal(t, info.Name+".yaml", sc.File)
			assert.NotEmpty(t, sc.Description)
			assert.Equal(t, sc.Description, info.Description)
			// Every built-in says what it shows in each language of the
			// outputs (cmd/tcpsim's tests hold these to viz/catalog's).
			for _, lang := range descriptionTable.names() {
				assert.NotEmpty(t, sc.Descriptions[lang], "no description in %q", lang)
			}
			assert.Equal(t, sc.Descriptions["en"], sc.Description, "the English description is the one tcpsim list prints")
			assert.NotEqual(t, sc.Descriptions["en"], sc.Descriptions["vi"], "the Vietnamese description is English")
			again, err := Parse(info.Name+".yaml", src)
			require.NoError(t, err)
			assert.Equal(t, sc.Client, again.Client)
		})
	}
	names := make([]string, len(list))
	for i, info := range list {
		names[i] = info.Name
	}
	assert.Subset(t, names, []string{"handshake", "lost-segment"})
}

// A description is text, or one text per language; DescriptionIn picks
// one, falling back to the English text, or to the only one given.
func TestParse_Descriptions(t *testing.T) {
	for _, tc := range []struct {
		src          string
		def, en, vi  string
		descriptions map[string]string
	}{
		{"description: A lost segment.\n", "A lost segment.", "A lost segment.", "A lost segment.", nil},
		{"description: {en: A lost segment., vi: Một phân đoạn bị mất.}\n", "A lost segment.", "A lost segment.", "Một phân đoạn bị mất.",
			map[string]string{"en": "A lost segment.", "vi": "Một phân đoạn bị mất."}},
		{"description:\n  vi: >-\n    Một phân đoạn\n    bị mất.\n", "Một phân đoạn bị mất.", "Một phân đoạn bị mất.", "Một phân đoạn bị mất.",
			map[string]string{"vi": "Một phân đoạn bị mất."}},
		{"description: {}\n", "", "", "", nil},
	} {
		sc, err := Parse("x.yaml", []byte(tc.src))
		require.NoError(t, err, tc.src)
		assert.Equal(t, tc.def, sc.Description, tc.src)
		assert.Equal(t, tc.descriptions, sc.Descriptions, tc.src)
		assert.Equal(t, tc.en, sc.DescriptionIn("en"), tc.src)
		assert.Equal(t, tc.vi, sc.DescriptionIn("vi"), tc.src)
		assert.Equal(t, tc.en, sc.DescriptionIn("fr"), tc.src)
	}
}

func TestLoad_Path(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "my-lesson.yml")
	require.NoError(t, os.WriteFile(path, []byte("client: {send: 1KiB}\n"), 0o644))
	sc, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, "my-lesson", sc.Name)
	assert.Equal(t, path, sc.File)
}

func TestLoad_Errors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("seed: x\n"), 0o644))
	for _, tc := range []struct{ in, want string }{
		{"lost-segmnet", `lost-segmnet: no built-in scenario has this name (did you mean lost-segment?), and there is no file of this name; the built-ins are `},
		{"nothing-like-it", `nothing-like-it: no built-in scenario has this name, and there is no file of this name; the built-ins are `},
		{filepath.Join(dir, "missing.yaml"), filepath.Join(dir, "missing.yaml") + `: no such file`},
		{dir, dir + `: is a directory; give a scenario file (.yaml) or a built-in scenario's name`},
		{bad, bad + `:1:7: seed: "x" is not a number; a seed is an integer 0..18446744073709551615`},
	} {
		_, err := Load(tc.in)
		require.Error(t, err, tc.in)
		var e *Error
		require.True(t, errors.As(err, &e), "%T", err)
		assert.True(t, strings.HasPrefix(e.Error(), tc.want), "Load(%q):\n got %s\nwant %s…", tc.in, e.Error(), tc.want)
	}
}

func TestSource_Unknown(t *testing.T) {
	_, err := Source("handshak")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "handshak: no built-in scenario has this name (did you mean handshake?)")
	_, err = Source("../load.go")
	require.Error(t, err)
}

// Every ```yaml block of docs/scenario-format.md is a scenario that loads.
func TestDocExamples(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "scenario-format.md"))
	require.NoError(t, err)
	blocks := strings.Split(string(doc), "```yaml\n")[1:]
	require.GreaterOrEqual(t, len(blocks), 3)
	for i, b := range blocks {
		src, _, ok := strings.Cut(b, "```")
		require.True(t, ok, "block %d is not closed", i)
		_, err := Parse(fmt.Sprintf("scenario-format.md block %d", i+1), []byte(src))
		assert.NoError(t, err)
	}
}

// ProfileWritten tells a profile the file names from the default, whatever
// --profile makes of it.
func TestParse_ProfileWritten(t *testing.T) {
	for src, want := range map[string]bool{
		"{}\n":                             false,
		"profile: rfc\n":                   true,
		"client: {profile: linux}\n":       true,
		"server: {profile: rfc, mss: 536}": true,
	} {
		for _, override := range []string{"", "linux"} {
			sc, err := ParseWith("x.yaml", []byte(src), Options{Profile: override})
			require.NoError(t, err, src)
			assert.Equal(t, want, sc.ProfileWritten, "%q with --profile %q", src, override)
		}
	}
}
