package scenarios

import (
	"net/netip"

	"github.com/tcpsim/tcpsim/scenarios/world"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// Result tells how a run ended.
type Result = world.Result

// Run simulates the scenario, writing every record to tr: it builds the
// scenario's world — two hosts, a link each way (and a backup path), a
// scripted application on each — and runs it. An error means the run was
// cut short (its event budget ran out); everything recorded until then is
// in the trace.
func Run(s *Scenario, tr trace.Sink) (*Result, error) {
	w := world.New(s.Name, s.Seed, s.EventBudget, tr)
	// The order of construction is the order of same-instant events.
	client := w.AddHost(s.Client.Name, s.Client.Addr, s.Client.TCP)
	server := w.AddHost(s.Server.Name, s.Server.Addr, s.Server.TCP)
	w.AddLink(client, server, s.ClientToServer, "link/client→server")
	w.AddLink(server, client, s.ServerToClient, "link/server→client")
	var backup *world.Path
	if s.Backup != nil {
		backup = w.AddPath(client, server, s.Backup.ClientToServer, s.Backup.ServerToClient,
			"link/backup/client→server", "link/backup/server→client")
	}

	srv := world.NewServer(server, s.Server.Port, &s.Server.App, s.Client.App.Total())
	cli := world.NewClient(client, s.Client.Port, netip.AddrPortFrom(s.Server.Addr, s.Server.Port),
		&s.Client.App, s.Server.App.Reply+s.Server.App.Total())
	if backup != nil {
		// A client that reconnects after an abort takes the backup path:
		// the primary was declared dead.
		used := false
		cli.OnReconnect = func(now sim.Time) {
			if !used {
				used = true
				w.UsePath(now, backup)
			}
		}
	}
	srv.Start()
	cli.Start()
	for _, ev := range s.Events {
		h := client
		if ev.Node == server.Name() {
			h = server
		}
		w.At(ev.At, func(now sim.Time) {
			switch ev.Op {
			case trace.HostCrash:
				h.Crash(now)
			case trace.HostReboot:
				h.Reboot(now)
			}
		})
	}
	cli.StartConnect()
	return w.Run(s.Duration)
}
