package scenarios

import (
	"net/netip"
	"time"

	"github.com/tcpsim/tcpsim/link"
	"github.com/tcpsim/tcpsim/tcp"
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
	Node string // "client" or "server"
	Op   string // "crash" or "reboot"
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

// CloseMode says when an application closes its connection.
type CloseMode uint8

const (
	// CloseAuto: the client closes once it has written Send and read the
	// server's Reply; the server closes once the client has closed and it has
	// written its Reply.
	CloseAuto CloseMode = iota
	// CloseNever: the application never closes.
	CloseNever
	// CloseAt: the application closes at App.CloseAt.
	CloseAt
)

// App is the scripted application on one endpoint.
type App struct {
	// ConnectAt is when the client opens its connection (client only).
	ConnectAt time.Duration
	// Send is how many bytes the application writes as soon as the connection
	// is established (the client's request; for the server, unsolicited data).
	Send int64
	// Writes are further writes at given times.
	Writes []Write
	// Reply is how many bytes the server writes once it has read all the
	// client's data (Send plus Writes) (server only).
	Reply   int64
	Close   CloseMode
	CloseAt time.Duration
	// Reader is how the application reads what arrives.
	Reader Reader
	// Reconnect makes the client open a new connection ReconnectDelay after
	// its connection was aborted, and run its script again (client only).
	Reconnect      bool
	ReconnectDelay time.Duration
}

// Reader models a receiving application. The zero Reader reads everything
// the moment it arrives. Otherwise it reads up to Bytes every Every, and
// not at all during its pauses: a slow reader fills the receive buffer and
// closes the window.
type Reader struct {
	Bytes  int64
	Every  time.Duration
	Pauses []Pause
}

// Pause is an interval [From, To) during which the reader reads nothing.
type Pause struct {
	From, To time.Duration
}

// Write is one timed application write.
type Write struct {
	At    time.Duration
	Bytes int64
}
