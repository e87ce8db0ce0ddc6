package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/scenarios/kernel"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/ladder"
)

// kernelOptions are the flags of 'tcpsim kernel'.
type kernelOptions struct {
	scenario string
	trace    string // JSON-lines trace file; "-" for stdout
	pcap     string
	ladder   string // auto, full or none
	width    int
	noColor  bool
	relative bool
	lang     string
	maxTime  time.Duration
	compare  bool   // --compare: run the simulation too, and report the differences
	profile  string // the simulation's profile, for --compare
}

func newKernelCmd(stdout, stderr io.Writer) *cobra.Command {
	var o kernelOptions
	cmd := &cobra.Command{
		Use:   "kernel FILE|NAME",
		Short: "Run a scenario on the real Linux TCP stack and draw what it sent",
		Long: "Run a scenario's applications as real sockets in two network namespaces (made and removed\n" +
			"by the command), joined by a relay that applies the scenario's own links: delay, rate,\n" +
			"queue, loss and drop rules. The relay records every packet, so the run is drawn like a\n" +
			"simulated one: a ladder, a summary, a JSON trace and a pcap. Needs root\n" +
			"(CAP_NET_ADMIN and CAP_SYS_ADMIN); only addresses inside the namespaces are used.\n" +
			"See docs/kernel.md.",
		Example: "sudo tcpsim kernel handshake\nsudo tcpsim kernel lost-segment --pcap lost.pcap --trace lost.jsonl\nsudo tcpsim kernel lost-segment --compare",
		Args:    exactArgs(1, "a scenario file or built-in name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.scenario = args[0]
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runKernel(ctx, &o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.trace, "trace", "", "write the trace as JSON Lines to `FILE` (\"-\" for stdout, then nothing else goes there)")
	f.StringVar(&o.pcap, "pcap", "", "write the packets the kernels sent, as they sent them, to `FILE` (.pcap, raw IPv4)")
	f.StringVar(&o.ladder, "ladder", "auto", "ladder diagram: auto (at most 300 lines), full or none")
	f.IntVar(&o.width, "width", ladder.DefaultWidth, "ladder width in columns")
	f.BoolVar(&o.noColor, "no-color", false, "no colours, even on a terminal (NO_COLOR is honoured too)")
	f.BoolVar(&o.relative, "relative", false, "show relative sequence numbers (the default when the scenario does not set both ISNs)")
	f.StringVar(&o.lang, "lang", "en", "language of the ladder and summary: en or vi")
	f.DurationVar(&o.maxTime, "max-time", kernel.DefaultMaxDuration, "stop the run after this much wall time, whatever the scenario's duration")
	f.BoolVar(&o.compare, "compare", false, "simulate the scenario too and print, instead of the ladder, the differences segment by segment, with a similarity figure (--ladder: auto, full or none of the rows)")
	f.StringVar(&o.profile, "profile", "", "with --compare: the simulation's profile (default: the scenario's, or linux when it names none)")
	return cmd
}

// runKernel checks everything it can before it makes anything, then runs.
func runKernel(ctx context.Context, o *kernelOptions, stdout, stderr io.Writer) error {
	switch o.ladder {
	case "auto", "full", "none":
	default:
		return usageError{fmt.Errorf("--ladder %q: use auto, full or none", o.ladder)}
	}
	lang, err := catalog.ParseLang(o.lang)
	if err != nil {
		return usageError{fmt.Errorf("--lang: %w", err)}
	}
	if o.maxTime <= 0 {
		return usageError{fmt.Errorf("--max-time %v: give a positive duration such as 60s", o.maxTime)}
	}
	s, err := scenarios.Load(o.scenario)
	if err != nil {
		return err
	}
	if err := kernel.Supported(s); err != nil {
		return usageError{err}
	}
	if o.profile != "" && !o.compare {
		return usageError{fmt.Errorf("--profile %s: the kernel runs its own stack; the profile is the simulation's, for --compare", o.profile)}
	}
	var simScenario *scenarios.Scenario
	if o.compare {
		if simScenario, err = loadForCompare(o.scenario, o.profile); err != nil {
			return err
		}
	}
	if err := kernel.Check(); err != nil {
		return usageError{err}
	}
	seq := catalog.SeqAbsolute
	if o.relative || !(s.Client.TCP.FixedISS && s.Server.TCP.FixedISS) {
		seq = catalog.SeqRelative
	}

	var sinks []trace.Sink
	human := stdout // unless the trace goes there
	var jw *trace.JSONWriter
	if o.trace != "" {
		w := stdout
		if o.trace == "-" {
			human = stderr
		} else {
			f, err := os.Create(o.trace)
			if err != nil {
				return usageError{fmt.Errorf("--trace: %w", err)}
			}
			defer f.Close()
			w = f
		}
		jw = trace.NewJSONWriter(w)
		sinks = append(sinks, jw)
	}
	var pcap *os.File
	if o.pcap != "" {
		if pcap, err = os.Create(o.pcap); err != nil {
			return usageError{fmt.Errorf("--pcap: %w", err)}
		}
		defer pcap.Close()
	}
	out := bufio.NewWriterSize(human, 64<<10)
	switch {
	case o.compare:
		fmt.Fprintf(out, "%s: the simulation (%s) against the Linux kernel — %s\n\n", s.Name, profileOf(simScenario), s.Description)
	case o.trace != "-":
		fmt.Fprintf(out, "%s on the Linux kernel — %s\n\n", s.Name, s.Description)
	}
	var lad *ladder.Ladder
	if o.ladder != "none" && o.trace != "-" && !o.compare {
		opt := ladder.Options{Color: useColor(human, o.noColor), SeqNumbers: seq, Width: o.width,
			End: sim.At(min(s.Duration, o.maxTime)), Lang: lang}
		if o.ladder == "auto" {
			opt.MaxLines = autoLadderLines
		}
		lad = ladder.New(out, opt)
		sinks = append(sinks, lad)
	}
	summary := ladder.NewSummary()
	var kernelLog *trace.Log
	if o.compare {
		kernelLog = &trace.Log{}
		sinks = append(sinks, kernelLog)
	} else {
		sinks = append(sinks, summary)
	}

	kopt := kernel.Options{MaxDuration: o.maxTime}
	if pcap != nil {
		kopt.Pcap = pcap
	}
	res, runErr := kernel.Run(ctx, s, trace.Tee(sinks...), kopt)
	if res == nil { // nothing ran
		if errors.Is(runErr, kernel.ErrNotPermitted) || errors.Is(runErr, kernel.ErrUnavailable) || errors.Is(runErr, kernel.ErrUnsupported) {
			return usageError{runErr}
		}
		return runErr
	}
	if lad != nil {
		if err := lad.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(out)
	}
	if o.compare {
		sim, err := simulate(simScenario, min(s.Duration, o.maxTime))
		if err != nil {
			return err
		}
		if err := writeComparison(out, sim, kernelLog.Records, "kernel", o.ladder); err != nil {
			return err
		}
	} else if err := summary.WriteLang(out, lang); err != nil {
		return err
	}
	if len(res.Notes) > 0 && o.trace != "-" {
		fmt.Fprintln(out, "\nnotes")
		for _, n := range res.Notes {
			fmt.Fprintf(out, "  %s\n", n)
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if jw != nil {
		if err := jw.Flush(); err != nil {
			return fmt.Errorf("writing the trace: %w", err)
		}
	}
	if errors.Is(runErr, context.Canceled) {
		return errors.New("interrupted; the namespaces were removed")
	}
	return runErr
}
