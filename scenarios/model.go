package scenarios

import (
	"net/netip"
	"time"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/scenarios/world"
	"github.com/tcpsim/tcpsim/tcp"
	"github.com/tcpsim/tcpsim/trace"
)

// Scenario is a loaded, validated scenario with every default filled in:
// everything a run needs and nothing it has to guess.
type Scenario struct {
	Name string
	// Description says what the scenario shows: the text the file gives,
	// or its English one when it gives one per language.
	Description string
	// Descriptions holds the description per language ("en", "vi") when
	// the file gives them as {en: …, vi: …}; see DescriptionIn.
	Descriptions map[string]string
	File         string // where it was loaded from ("lost-segment.yaml" for a built-in)
	Seed         uint64
	Duration     time.Duration // the run's time limit
	EventBudget  uint64        // the most events the run may fire

	ClientToServer link.Config
	ServerToClient link.Config
	// Backup, when set, is a second path: a client that reconnects after
	// its connection was aborted uses it (the primary path was declared dead).
	Backup *Path

	Client Endpoint
	Server Endpoint

	// Events are things that happen to hosts during the run, in time order.
	Events []HostEvent

	// Dumbbell, when set, is the scenario's many flows on one bottleneck
	// (flows): the run has its hosts and links, not the client's and the
	// server's, and Client and Server are its first flow's sender and
	// receiver.
	Dumbbell *Dumbbell

	// Sweep is the scenario's sweep block; nil for none. It does not
	// change a run: tcpsim sweep reads it.
	Sweep *Sweep

	// ProfileWritten says that the file names a behaviour profile, at the
	// top or for a host (whatever Options.Profile then made of it): a
	// comparison with the kernel simulates the linux profile unless the
	// scenario asks for one.
	ProfileWritten bool
}

// DescriptionIn returns the description in language lang (an ISO 639-1
// code: "en", "vi"), or Description when the scenario has none in it.
func (sc *Scenario) DescriptionIn(lang string) string {
	if s, ok := sc.Descriptions[lang]; ok {
		return s
	}
	return sc.Description
}

// HostEvent is a host crashing (it goes silent: it drops everything that
// arrives and sends nothing) or rebooting (it comes back with no connection
// state, so it answers segments of old connections with RST).
type HostEvent struct {
	At   time.Duration
	Node string       // the host's name: "client" or "server"
	Op   trace.HostOp // trace.HostCrash or trace.HostReboot
}

// Path is a pair of links, one per direction.
type Path struct {
	ClientToServer link.Config
	ServerToClient link.Config
}

// Endpoint is one host: its address, TCP settings and application.
type Endpoint struct {
	Name string // "client" or "server"
	Addr netip.Addr
	Port uint16 // the client's local port, the server's listening port
	// Profile is the behaviour profile the TCP settings started from ("rfc", "linux").
	Profile string
	TCP     tcp.Config
	// App is the scripted application, which the host runs unless the
	// scenario has HTTP or a heartbeat (Scenario.Scripted).
	App App
	// HTTPClient (on the client) or HTTPServer (on the server) is the
	// host's HTTP application, from its http key; nil for none.
	HTTPClient *HTTPClient
	HTTPServer *HTTPServer
	// Heartbeat (on the client) is the host's heartbeat application, from
	// its heartbeat key; the server answers its pings. nil for none.
	Heartbeat *Heartbeat
}

// Scripted reports whether the hosts run the scripted applications (App).
// They do unless the client runs HTTP or a heartbeat: then the server
// runs what answers them.
func (s *Scenario) Scripted() bool {
	return s.Client.HTTPClient == nil && s.Client.Heartbeat == nil
}

// The HTTP applications' settings are the world's.
type (
	HTTPClient = world.HTTPClientConfig
	HTTPServer = world.HTTPServerConfig
)

// The HTTP client's modes (see world.HTTPMode).
const (
	HTTPKeepAlive = world.HTTPKeepAlive
	HTTPClose     = world.HTTPClose
)

// Heartbeat is the client's heartbeat: what it does, and the server port
// it connects to, where the server answers its pings.
type Heartbeat struct {
	HeartbeatConfig
	Port uint16
}

// HeartbeatConfig is what a heartbeat client does (see world.HeartbeatConfig).
type HeartbeatConfig = world.HeartbeatConfig

// The scripted applications' settings are the world's.
type (
	App       = world.ScriptConfig
	CloseMode = world.CloseMode
	Reader    = world.Reader
	Pause     = world.Pause
	Write     = world.Write
)

// The close modes (see world.CloseMode).
const (
	CloseAuto  = world.CloseAuto
	CloseNever = world.CloseNever
	CloseAt    = world.CloseAt
)
