//go:build linux

package kernel

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
)

// runner is an application of a run: the scripted one (app) or an HTTP one.
type runner interface {
	start() error
	send(e event)
	isFinished() bool // the client's script is over
	isBusy() bool     // the server has a connection open
}

// pollEvery is how often the run checks whether it is over.
const pollEvery = 20 * time.Millisecond

// noIPv6 keeps the TUN devices quiet: without IPv6 they send no router
// solicitations or MLD reports, so only the applications' TCP crosses.
var noIPv6 = []sysctl{{"ipv6/conf/all/disable_ipv6", "1"}, {"ipv6/conf/default/disable_ipv6", "1"}}

// run is Run once the checks have passed.
func run(ctx context.Context, s *scenarios.Scenario, tr trace.Sink, o Options) (res *Result, err error) {
	removeStale()
	end, notes := limit(s, &o)
	eps := [2]*scenarios.Endpoint{&s.Client, &s.Server}
	var setups [2]setup
	mtu := 1500
	for i, ep := range eps {
		st, err := plan(ep)
		if err != nil {
			return nil, err
		}
		var ss []sysctl
		for _, sc := range st.sysctls {
			if hasSysctl(sc.key) {
				ss = append(ss, sc)
			} else {
				st.notes = append(st.notes, fmt.Sprintf("%s: not applied: this kernel has no net.%s", ep.Name, sc.key))
			}
		}
		st.sysctls = ss
		if hz, ok := kernelHZ(); ok && st.timerHZ != 0 && st.timerHZ != hz {
			// CONFIG_HZ is fixed when the kernel is built: no knob.
			st.notes = append(st.notes, fmt.Sprintf("%s: timer_hz %d is not applied: this kernel ticks at HZ=%d", ep.Name, st.timerHZ, hz))
		}
		setups[i] = st
		// A device that lets the MSS through: the link's MTU, not the
		// device's, is what drops a packet too big (a scenario's lesson).
		mtu = max(mtu, st.mss+40)
	}

	// What is made here is removed when run returns, whatever happens.
	var nss [2]*namespace
	var tuns [2]*os.File
	defer func() {
		var errs []error
		for _, f := range tuns {
			if f != nil {
				f.Close()
			}
		}
		for _, n := range nss {
			if n != nil {
				if e := n.remove(); e != nil {
					errs = append(errs, e)
				}
			}
		}
		if e := errors.Join(errs...); e != nil && err == nil {
			err = fmt.Errorf("removing the namespaces: %w", e)
		}
	}()
	for i, side := range []string{"c", "s"} {
		if nss[i], err = newNamespace(side); err != nil {
			return nil, err
		}
	}
	for i, ep := range eps {
		var quiet []sysctl
		for _, sc := range noIPv6 {
			if hasSysctl(sc.key) {
				quiet = append(quiet, sc)
			}
		}
		if err := nss[i].setSysctls(quiet); err != nil {
			return nil, fmt.Errorf("%s: %w", ep.Name, err)
		}
		for _, sc := range setups[i].sysctls {
			// A value the kernel refuses (out of its range) is noted, not fatal.
			if err := nss[i].setSysctls([]sysctl{sc}); err != nil {
				setups[i].notes = append(setups[i].notes, fmt.Sprintf("%s: not applied: %v", ep.Name, err))
			}
		}
		notes = append(notes, setups[i].notes...)
		if tuns[i], err = nss[i].openTUN(); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrUnavailable, ep.Name, err)
		}
		if err := nss[i].configure(ep.Addr, eps[1-i].Addr, mtu, setups[i].route); err != nil {
			return nil, fmt.Errorf("%s: %w", ep.Name, err)
		}
	}

	var pc *capture
	if o.Pcap != nil {
		if pc, err = newCapture(o.Pcap); err != nil {
			return nil, err
		}
	}
	rec := newRecorder(time.Now(), tr)
	startRecords(s, rec)
	conns := newConnTable()
	r := newRelay(s, rec, [2]device{tuns[0], tuns[1]}, pc, conns)

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	st := &runState{ctx: runCtx, rec: rec, conns: conns}
	var client, server runner
	if s.Scripted() {
		c := &app{run: st, name: s.Client.Name, ns: nss[clientSide], role: roleClient,
			cfg: &s.Client.App, addr: s.Client.Addr, port: s.Client.Port,
			peer:   netip.AddrPortFrom(s.Server.Addr, s.Server.Port),
			expect: s.Server.App.Reply + s.Server.App.Total(), opts: setups[clientSide].sock, ev: make(chan event, 64)}
		srv := &app{run: st, name: s.Server.Name, ns: nss[serverSide], role: roleServer,
			cfg: &s.Server.App, addr: s.Server.Addr, port: s.Server.Port,
			expect: s.Client.App.Total(), opts: setups[serverSide].sock, ev: make(chan event, 64)}
		if s.Backup != nil {
			used := false
			c.onReconnect = func() {
				if !used {
					used = true
					r.do(r.reroute)
				}
			}
		}
		c.onRebooted = func() { r.do(func() { r.up(clientSide) }) }
		srv.onRebooted = func() { r.do(func() { r.up(serverSide) }) }
		client, server = c, srv
	} else {
		loop := func(side int, ep *scenarios.Endpoint) httpLoop {
			return httpLoop{run: st, name: ep.Name, ns: nss[side], opts: setups[side].sock, ev: make(chan event, 64),
				onRebooted: func() { r.do(func() { r.up(side) }) }}
		}
		var cs, ss runners
		ports := &portAlloc{next: s.Client.Port}
		if s.Client.HTTPClient != nil {
			cfg := s.Server.HTTPServer
			if cfg == nil {
				cfg = &scenarios.HTTPServer{}
			}
			ss = append(ss, &httpServer{httpLoop: loop(serverSide, &s.Server), cfg: cfg, addr: s.Server.Addr, port: s.Server.Port,
				rng: sim.NewRand(s.Seed, "app/"+s.Server.Name+"/http")})
			cs = append(cs, &httpClient{httpLoop: loop(clientSide, &s.Client), cfg: s.Client.HTTPClient, addr: s.Client.Addr,
				ports: ports, server: netip.AddrPortFrom(s.Server.Addr, s.Server.Port)})
		}
		if hb := s.Client.Heartbeat; hb != nil {
			ss = append(ss, &hbServer{httpLoop: loop(serverSide, &s.Server), addr: s.Server.Addr, port: hb.Port, size: hb.Size})
			c := &hbClient{httpLoop: loop(clientSide, &s.Client), cfg: &hb.HeartbeatConfig, addr: s.Client.Addr,
				ports: ports, server: netip.AddrPortFrom(s.Server.Addr, hb.Port)}
			if s.Backup != nil {
				used := false
				c.onReconnect = func() {
					if !used {
						used = true
						r.do(r.reroute)
					}
				}
			}
			cs = append(cs, c)
		}
		client, server = cs, ss
	}
	apps := [2]runner{client, server}
	r.onCrash = func(side int) { go apps[side].send(evCrash{}) }
	r.onReboot = func(side int) { go apps[side].send(evReboot{}) }
	for _, ev := range s.Events {
		side := clientSide
		if ev.Node == s.Server.Name {
			side = serverSide
		}
		switch ev.Op {
		case trace.HostCrash:
			r.at(ev.At, func(now sim.Time) { r.crash(side, now) })
		case trace.HostReboot:
			r.at(ev.At, func(now sim.Time) { r.reboot(side, now) })
		}
	}

	r.start()
	stopped := false
	var stuck error
	stop := func() {
		if !stopped {
			stopped = true
			r.halt()
			cancel()
			for _, f := range tuns {
				f.Close() // the relay's readers end
			}
			stuck = waitAtMost(stopTimeout, func() { st.wg.Wait(); r.wait() })
		}
	}
	defer stop()
	for i, a := range []runner{server, client} { // the server listens before anything else happens
		if err := a.start(); err != nil {
			return nil, fmt.Errorf("%s: %w", []string{s.Server.Name, s.Client.Name}[i], err)
		}
	}

	reason, endAt := wait(ctx, r, rec, client, server, end, o.Quiet)
	r.halt()
	if r.runErr != nil {
		reason = trace.EndBudgetExhausted
	}
	endT := rec.close(endAt, reason)
	stop()
	tuns = [2]*os.File{} // closed by stop

	res = &Result{End: time.Duration(endT), Reason: reason, Notes: notes, Skipped: r.skipped}
	var pcapErr error
	if pc != nil {
		pcapErr = pc.flush()
	}
	switch {
	case stuck != nil:
		return res, stuck
	case ctx.Err() != nil:
		return res, ctx.Err()
	case r.runErr != nil:
		return res, fmt.Errorf("%s: %w", s.Name, r.runErr)
	case r.writeErr != nil:
		return res, fmt.Errorf("the relay could not write a packet: %w", r.writeErr)
	}
	return res, pcapErr
}

// stopTimeout bounds how long the end of a run waits for its goroutines
// (sockets closed, devices closed): a bug there must not hang the run.
const stopTimeout = 5 * time.Second

// waitAtMost runs wait and gives up on it after d, with an error.
func waitAtMost(d time.Duration, wait func()) error {
	done := make(chan struct{})
	go func() {
		wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(d):
		return fmt.Errorf("the run's goroutines did not end within %v of its end (a bug); the namespaces are removed anyway", d)
	}
}

// wait waits for the run to end: at its time limit, when ctx is cancelled,
// or once the client's script is over, the server has no connection open,
// the links are empty and no packet has moved for quiet. It returns why and
// when the end record goes: the time limit, or (0) after the last record.
func wait(ctx context.Context, r *relay, rec *recorder, client, server runner, end, quiet time.Duration) (trace.EndReason, sim.Time) {
	deadline := time.NewTimer(time.Until(rec.wall(sim.At(end))))
	defer deadline.Stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return trace.EndTimeLimit, rec.now()
		case <-deadline.C:
			return trace.EndTimeLimit, sim.At(end)
		case <-tick.C:
			if !client.isFinished() || server.isBusy() {
				continue
			}
			var last sim.Time
			var empty bool
			if !r.do(func() { last, empty = r.idle() }) {
				return trace.EndTimeLimit, rec.now()
			}
			if empty && rec.now().Sub(last) >= quiet {
				return trace.EndFinished, 0
			}
		}
	}
}
