package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/trace"
)

// The errors Run returns before it makes anything; callers (the CLI, the
// tests) tell them apart with errors.Is.
var (
	// ErrNotPermitted: the process lacks the privileges (root, or
	// CAP_NET_ADMIN and CAP_SYS_ADMIN) to make network namespaces.
	ErrNotPermitted = errors.New("running a scenario on the kernel needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to create network namespaces")
	// ErrUnavailable: this machine cannot run it (not Linux, no TUN
	// device, no iproute2, or namespaces cannot be made here).
	ErrUnavailable = errors.New("the kernel harness is not available here")
	// ErrUnsupported: the scenario uses something the harness does not do yet.
	ErrUnsupported = errors.New("not supported yet")
)

// DefaultMaxDuration caps a kernel run's wall time when Options leave it
// unset: a scenario's duration may be hours of simulated time.
const DefaultMaxDuration = 60 * time.Second

// Options change how a kernel run goes.
type Options struct {
	// MaxDuration caps the run's wall time; 0 means DefaultMaxDuration. A
	// run ends at the scenario's duration or this, whichever comes first.
	MaxDuration time.Duration
	// Pcap, when set, receives the capture (see capture).
	Pcap io.Writer
	// Quiet is how long the run goes on once the applications are done and
	// the links are empty, in case a retransmission is still to come; the
	// run ends when no packet has moved for that long. 0 means one second
	// plus twice the round trip of the links' delays.
	Quiet time.Duration
}

// Result tells how a kernel run went.
type Result struct {
	End    time.Duration   // when it ended, since the start
	Reason trace.EndReason // EndFinished: the applications were done and all was quiet
	// Notes say what of the scenario the kernel could not do as written
	// (settings without a Linux knob, times rounded, the run's time cap).
	Notes []string
	// Skipped counts packets the relay did not forward: anything but TCP
	// between the two hosts (none is expected).
	Skipped int
}

// Run runs scenario s on the real kernel, writing the run's records to tr
// (the records of a simulated run, less what only a simulator knows: no
// state, timer or variable records) and the capture to o.Pcap. It writes
// the run and node records first and the end record last.
//
// It returns an error wrapping ErrNotPermitted, ErrUnavailable or
// ErrUnsupported, having made nothing, when it cannot run s here. When ctx
// is cancelled the run stops, cleans up, and returns ctx's error after
// writing the end record. Whatever happens, the namespaces and devices it
// made are removed before it returns.
func Run(ctx context.Context, s *scenarios.Scenario, tr trace.Sink, o Options) (*Result, error) {
	if err := Supported(s); err != nil {
		return nil, err
	}
	if err := Check(); err != nil {
		return nil, err
	}
	if o.MaxDuration <= 0 {
		o.MaxDuration = DefaultMaxDuration
	}
	if o.Quiet <= 0 {
		o.Quiet = time.Second + 2*(s.ClientToServer.Delay+s.ServerToClient.Delay)
	}
	return run(ctx, s, tr, o)
}

// Supported reports, as an error wrapping ErrUnsupported, what of s the
// harness cannot do yet.
func Supported(s *scenarios.Scenario) error {
	if s.Dumbbell != nil {
		return fmt.Errorf("%w: flows (the harness joins one client and one server, not a dumbbell)", ErrUnsupported)
	}
	return nil
}

// limit is the run's time limit: the scenario's duration, capped.
func limit(s *scenarios.Scenario, o *Options) (time.Duration, []string) {
	if s.Duration > o.MaxDuration {
		return o.MaxDuration, []string{fmt.Sprintf("the scenario lasts %v; the kernel run stops after %v of wall time (raise the cap with --max-time)",
			s.Duration, o.MaxDuration)}
	}
	return s.Duration, nil
}

// startRecords writes the run's first records, as a simulated run does.
func startRecords(s *scenarios.Scenario, rec *recorder) {
	rec.record(&trace.Record{Kind: trace.KindRun, Name: s.Name, Value: int64(s.Seed)})
	for _, ep := range []*scenarios.Endpoint{&s.Client, &s.Server} {
		rec.record(&trace.Record{Kind: trace.KindNode, Node: ep.Name, Addr: ep.Addr})
	}
}
