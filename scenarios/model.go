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

	Client Endpoint
	Server Endpoint
}

// Endpoint is one host: its address, TCP settings and application.
type Endpoint struct {
	Name string // "client" or "server"
	Addr netip.Addr
	Port uint16 // the client's local port, the server's listening port
	TCP  tcp.Config
	App  App
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
}

// Write is one timed application write.
type Write struct {
	At    time.Duration
	Bytes int64
}
