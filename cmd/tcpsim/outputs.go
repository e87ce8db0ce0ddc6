package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/diagram"
	"github.com/tcpsim/tcpsim/viz/plot"
	"github.com/tcpsim/tcpsim/viz/textdiagram"
)

// fileOutputs are the outputs drawn from the whole trace once the run is
// over: sequence diagrams, plots and text diagrams.
type fileOutputs struct {
	svg, png, pdf       string // sequence diagram
	plotSeq, plotWindow string // Stevens time-sequence graph; cwnd/window plot
	mermaid, plantuml   string
	from, to            time.Duration // the diagrams' time window; 0, 0: all
	seqNumbers          string        // "", "absolute" or "relative"
}

// any reports whether a whole-trace output was asked for.
func (f *fileOutputs) any() bool {
	return f.svg != "" || f.png != "" || f.pdf != "" || f.plotSeq != "" || f.plotWindow != "" || f.mermaid != "" || f.plantuml != ""
}

// standardNames fills in every output under dir, named after the scenario.
func (o *runOptions) standardNames(name string) {
	p := func(suffix string) string { return filepath.Join(o.dir, name+suffix) }
	o.trace = p(".jsonl")
	o.pcap = p(".pcap")
	o.ladderFile = p(".txt")
	o.files.svg, o.files.png, o.files.pdf = p(".svg"), p(".png"), p(".pdf")
	o.files.plotSeq, o.files.plotWindow = p("-seq.png"), p("-window.png")
	o.files.mermaid, o.files.plantuml = p(".mmd"), p(".puml")
}

// plotFormat returns the format a plot file's extension names.
func plotFormat(flag, path string) (canvas.Format, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	switch ext {
	case "png", "svg", "pdf":
		return canvas.Format(ext), nil
	}
	return "", usageError{fmt.Errorf("%s %s: the extension picks the format: .png, .svg or .pdf", flag, path)}
}

// checkFiles checks what can be checked before the run.
func (f *fileOutputs) check() error {
	for _, p := range [][2]string{{"--plot-seq", f.plotSeq}, {"--plot-window", f.plotWindow}} {
		if p[1] != "" {
			if _, err := plotFormat(p[0], p[1]); err != nil {
				return err
			}
		}
	}
	switch f.seqNumbers {
	case "", "absolute", "relative":
	default:
		return usageError{fmt.Errorf("--seq-numbers %q: use absolute or relative", f.seqNumbers)}
	}
	if f.to != 0 && f.to <= f.from {
		return usageError{fmt.Errorf("--to %v is not after --from %v", f.to, f.from)}
	}
	return nil
}

// write draws every requested file from the records of the run.
func (f *fileOutputs) write(s *scenarios.Scenario, lang catalog.Lang, records []trace.Record) error {
	seq := f.seqNumbers
	if seq == "" {
		// Absolute when the scenario fixes both ISNs (the textbook numbers
		// show), relative otherwise, as Wireshark does.
		seq = "relative"
		if s.Client.TCP.FixedISS && s.Server.TCP.FixedISS {
			seq = "absolute"
		}
	}
	from, to := sim.At(f.from), sim.At(f.to)
	seqNumbers, _ := catalog.ParseSeqNumbers(seq) // checked by check
	dopt := diagram.Options{From: from, To: to, SeqNumbers: seqNumbers, Lang: lang}
	popt := plot.Options{From: from, To: to, Lang: lang}
	topt := textdiagram.Options{From: from, To: to, SeqNumbers: seqNumbers, Lang: lang}
	type job struct {
		path string
		draw func(b *bytes.Buffer) error
	}
	jobs := []job{
		{f.svg, func(b *bytes.Buffer) error { return diagram.Write(b, canvas.SVG, records, dopt) }},
		{f.png, func(b *bytes.Buffer) error { return diagram.Write(b, canvas.PNG, records, dopt) }},
		{f.pdf, func(b *bytes.Buffer) error { return diagram.Write(b, canvas.PDF, records, dopt) }},
		{f.plotSeq, func(b *bytes.Buffer) error {
			format, _ := plotFormat("--plot-seq", f.plotSeq)
			return plot.WriteSeq(b, format, records, "client", popt)
		}},
		{f.plotWindow, func(b *bytes.Buffer) error {
			format, _ := plotFormat("--plot-window", f.plotWindow)
			return plot.WriteWindow(b, format, records, "client", popt)
		}},
		{f.mermaid, func(b *bytes.Buffer) error { return textdiagram.WriteMermaid(b, records, topt) }},
		{f.plantuml, func(b *bytes.Buffer) error { return textdiagram.WritePlantUML(b, records, topt) }},
	}
	var b bytes.Buffer
	for _, j := range jobs {
		if j.path == "" {
			continue
		}
		b.Reset()
		if err := j.draw(&b); err != nil {
			return fmt.Errorf("%s: %w", j.path, err)
		}
		if err := os.WriteFile(j.path, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
