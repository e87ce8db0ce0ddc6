package scenarios

import (
	"net/netip"
	"time"

	"github.com/tcpsim/tcpsim/scenarios/world"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// Result tells how a run ended.
type Result = world.Result

// Run simulates the scenario, writing every record to tr: it builds the
// scenario's world — two hosts, a link each way (and a backup path), a
// scripted application on each, or HTTP and a heartbeat — and runs it. An
// error means the run was cut short (its event budget ran out); everything
// recorded until then is in the trace.
func Run(s *Scenario, tr trace.Sink) (*Result, error) {
	w := world.New(s.Name, s.Seed, s.EventBudget, tr)
	if s.Dumbbell != nil {
		return runDumbbell(w, s.Dumbbell, s.Duration)
	}
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
	if !s.Scripted() {
		return runApps(w, s, client, server, backup)
	}

	srv := world.NewServer(server, s.Server.Port, &s.Server.App, s.Client.App.Total())
	cli := world.NewClient(client, s.Client.Port, netip.AddrPortFrom(s.Server.Addr, s.Server.Port),
		&s.Client.App, s.Server.App.Reply+s.Server.App.Total())
	if backup != nil {
		cli.OnReconnect = useOnce(w, backup)
	}
	srv.Start()
	cli.Start()
	scheduleEvents(w, s, client, server)
	cli.StartConnect()
	return w.Run(s.Duration)
}

// runApps runs the world of a scenario whose client runs HTTP or a
// heartbeat (or both): the server's applications first (they listen from
// the start), then the host events, then the clients, which start at
// their start_at, after any event of the same instant.
func runApps(w *world.World, s *Scenario, client, server *world.Host, backup *world.Path) (*Result, error) {
	if s.Server.HTTPServer != nil {
		world.NewHTTPServer(server, s.Server.Port, s.Server.HTTPServer)
	}
	hb := s.Client.Heartbeat
	if hb != nil {
		world.NewHeartbeatServer(server, hb.Port)
	}
	client.SetFirstPort(s.Client.Port)
	var starts []func()
	if s.Client.HTTPClient != nil {
		c := world.NewHTTPClient(client, netip.AddrPortFrom(s.Server.Addr, s.Server.Port), s.Client.HTTPClient)
		starts = append(starts, c.Start)
	}
	if hb != nil {
		c := world.NewHeartbeatClient(client, netip.AddrPortFrom(s.Server.Addr, hb.Port), &hb.HeartbeatConfig)
		if backup != nil {
			c.OnReconnect = useOnce(w, backup)
		}
		starts = append(starts, c.Start)
	}
	scheduleEvents(w, s, client, server)
	for _, start := range starts {
		start()
	}
	return w.Run(s.Duration)
}

// useOnce returns a client's OnReconnect that moves the traffic to the
// backup path the first time: a client that reconnects after an abort
// takes it, since the primary was declared dead.
func useOnce(w *world.World, backup *world.Path) func(now sim.Time) {
	used := false
	return func(now sim.Time) {
		if !used {
			used = true
			w.UsePath(now, backup)
		}
	}
}

// scheduleEvents schedules the scenario's host events: crashes and reboots.
func scheduleEvents(w *world.World, s *Scenario, client, server *world.Host) {
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
}

// runDumbbell builds and runs the world of a scenario with flows: for each
// flow a sender and a receiver (s1, r1, s2, r2 …), joined across one
// bottleneck; the receivers listen from the start, and each sender
// connects at its flow's start.
func runDumbbell(w *world.World, db *Dumbbell, limit time.Duration) (*Result, error) {
	type pair struct{ s, r *world.Host }
	hosts := make([]pair, len(db.Flows))
	for i := range db.Flows {
		f := &db.Flows[i]
		hosts[i].s = w.AddHost(f.Sender.Name, f.Sender.Addr, f.Sender.TCP)
		hosts[i].r = w.AddHost(f.Receiver.Name, f.Receiver.Addr, f.Receiver.TCP)
	}
	d := w.AddDumbbell(db.Bottleneck, db.Bottleneck)
	for i := range db.Flows {
		d.Connect(hosts[i].s, hosts[i].r, db.Flows[i].Access)
	}
	var clients []*world.Script
	for i := range db.Flows {
		f := &db.Flows[i]
		srv := world.NewServer(hosts[i].r, f.Receiver.Port, &f.Receiver.App, f.Sender.App.Total())
		cli := world.NewClient(hosts[i].s, f.Sender.Port, netip.AddrPortFrom(f.Receiver.Addr, f.Receiver.Port), &f.Sender.App, 0)
		srv.Start()
		cli.Start()
		clients = append(clients, cli)
	}
	for _, c := range clients {
		c.StartConnect()
	}
	return w.Run(limit)
}
