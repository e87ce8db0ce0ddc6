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
	Name        string
	Description string
	File        string // where it was loaded from ("lost-segment.yaml" for a built-in)
	Seed        uint64
	Duration    time.Duration // the run's time limit
	EventBudget uint64        // the most events the run may fire

	ClientToServer link.Config
	ServerToClient link.Config
	// Backup, when set, is a second path: a client that reconnects after
	// its connection was aborted uses it (the primary path was declared dead).
	Backup *Path

	Client Endpoint
	Server Endpoint

	// Events are things that happen to hosts during the run, in time order.
	Events []HostEvent
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
	App     App
}

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
