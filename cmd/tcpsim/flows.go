package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/pcap"
	"github.com/tcpsim/tcpsim/viz/plot"
)

// This file is what run does for a scenario with flows (a dumbbell): the
// flows' goodputs and Jain's fairness index after the summary, the flows
// and queue plots, and --flow, which picks the one flow whose ladder,
// diagrams, capture and connection plots are drawn (ten flows in one
// ladder cannot be read).

// flowOutputs are the outputs only a scenario with flows has.
var flowOutputs = map[string]bool{"--plot-flows": true, "--plot-queue": true}

// checkFlows checks --flow and the flows' outputs against the scenario.
func (o *runOptions) checkFlows() error {
	db := o.s.Dumbbell
	if db == nil {
		if o.flowSet {
			return usageError{fmt.Errorf("--flow %d: %s has no flows (only a scenario with flows: has many)", o.flow, o.s.Name)}
		}
		for _, p := range [][2]string{{"--plot-flows", o.plotFlows}, {"--plot-queue", o.plotQueue}} {
			if p[1] != "" {
				return usageError{fmt.Errorf("%s: %s has no flows sharing a bottleneck to plot (only a scenario with flows: has)", p[0], o.s.Name)}
			}
		}
		return nil
	}
	if o.captureSet && o.where != pcap.CaptureLink {
		return usageError{fmt.Errorf("--capture %s: %s has flows, whose hosts are senders and receivers, not a client and a server; its capture holds the segments of the flow --flow picks as they are sent (--capture link, the default here)", o.capture, o.s.Name)}
	}
	if o.flow < 1 || o.flow > len(db.Flows) {
		return usageError{fmt.Errorf("--flow %d: %s has flows 1 to %d", o.flow, o.s.Name, len(db.Flows))}
	}
	for _, p := range [][2]string{{"--plot-flows", o.plotFlows}, {"--plot-queue", o.plotQueue}} {
		if p[1] != "" && p[1] != "-" {
			if _, err := plotFormat(p[0], p[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// flowSides returns the sender and receiver of the flow --flow picks, or
// "", "" for a scenario without flows.
func (o *runOptions) flowSides() (sender, receiver string) {
	if o.s == nil || o.s.Dumbbell == nil {
		return "", ""
	}
	f := o.s.Dumbbell.Flows[o.flow-1]
	return f.Sender.Name, f.Receiver.Name
}

// oneFlow returns s, or for a scenario with flows s fed only the records
// of the flow --flow picks (and those of no node: the run, the end).
func (o *runOptions) oneFlow(s trace.Sink) trace.Sink {
	a, b := o.flowSides()
	if a == "" {
		return s
	}
	return &flowFilter{s: s, a: a, b: b, reads: trace.Reads(s) &^ trace.Kinds(trace.KindQueue, trace.KindLink)}
}

// flowFilter passes on the records of two nodes, and those of none.
type flowFilter struct {
	s     trace.Sink
	a, b  string
	reads trace.KindSet
}

func (f *flowFilter) Record(r *trace.Record) {
	switch r.Kind {
	case trace.KindRun, trace.KindEnd:
	case trace.KindQueue, trace.KindLink:
		return
	default:
		if r.Node != f.a && r.Node != f.b {
			return
		}
	}
	f.s.Record(r)
}

func (f *flowFilter) Reads() trace.KindSet { return f.reads }

// newFlowsCollector returns the collector of the flows' goodputs, cwnds
// and queue, or nil for a scenario without flows.
func (o *runOptions) newFlowsCollector() *plot.FlowsCollector {
	db := o.s.Dumbbell
	if db == nil {
		return nil
	}
	flows := make([]plot.Flow, len(db.Flows))
	for i, f := range db.Flows {
		flows[i] = plot.Flow{Sender: f.Sender.Name, Receiver: f.Receiver.Name}
	}
	// About 200 stretches of goodput over the run, none shorter than 10 ms.
	bin := max(o.s.Duration/200, 10*time.Millisecond)
	return plot.NewFlowsCollector(flows, bin, plot.Options{From: sim.At(o.from), To: sim.At(o.to), Lang: o.language})
}

// writeFlowStats writes the flows' goodputs and Jain's fairness index,
// after the summary.
func writeFlowStats(w io.Writer, fc *plot.FlowsCollector, lang catalog.Lang) {
	cat := lang.Phrases()
	fmt.Fprintf(w, "\n%s\n", cat.Str(catalog.MsgSumFlows))
	for _, s := range fc.Stats() {
		start := "-"
		if s.Started {
			start = catalog.Seconds(s.Start)
		}
		fmt.Fprintf(w, "  %s\n", cat.Sprintf(catalog.MsgSumFlow, s.Sender, s.Receiver, start, s.Read, fmtBitRate(s.Goodput)))
	}
	fmt.Fprintf(w, "  %s\n", cat.Sprintf(catalog.MsgSumFairness, strconv.FormatFloat(fc.Fairness(), 'f', 3, 64)))
}

// fmtBitRate writes a rate in bits per second: "2.906 Mbit/s".
func fmtBitRate(bps float64) string {
	switch {
	case bps >= 1e9:
		return strconv.FormatFloat(bps/1e9, 'f', 3, 64) + " Gbit/s"
	case bps >= 1e6:
		return strconv.FormatFloat(bps/1e6, 'f', 3, 64) + " Mbit/s"
	case bps >= 1e3:
		return strconv.FormatFloat(bps/1e3, 'f', 3, 64) + " kbit/s"
	}
	return strconv.FormatFloat(bps, 'f', 0, 64) + " bit/s"
}
