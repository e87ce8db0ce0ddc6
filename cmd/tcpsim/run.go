package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/ladder"
	"github.com/tcpsim/tcpsim/viz/pcap"
)

// runOptions are the flags of 'tcpsim run'.
type runOptions struct {
	scenario string
	seed     uint64
	seedSet  bool
	trace    string // JSON-lines trace file; "-" for stdout
	noColor  bool
	relative bool
	ladder   string // auto, full or none
	width    int
	profile  string // overrides the scenario's behaviour profile
	pcap     string // pcap file to write
	capture  string // where the pcap is captured: client, server or link
	lang     string // language of the ladder, summary and diagrams
	dir      string // -o: write every output into this folder
	// ladderFile also writes the ladder (without colour) to a file (-o).
	ladderFile string
	files      fileOutputs
}

// autoLadderLines is how many ladder lines --ladder auto prints before it
// only counts: enough for a handshake, slow start and a loss or two; a bulk
// transfer's million segments are left to the summary and the trace.
const autoLadderLines = 300

func newRunCmd(stdout, stderr io.Writer) *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run FILE|NAME",
		Short: "Run a scenario and draw it as a ladder diagram",
		Long: "Run a scenario (a YAML file, or the name of a built-in one: see 'tcpsim list') and print\n" +
			"a ladder diagram of every segment, then a summary.",
		Example: "tcpsim run scenarios/lost-segment.yaml\ntcpsim run handshake --relative\ntcpsim run lost-segment --trace out.jsonl",
		Args:    exactArgs(1, "a scenario file or built-in name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.scenario = args[0]
			o.seedSet = cmd.Flags().Changed("seed")
			return runRun(&o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&o.seed, "seed", 0, "override the scenario's random seed")
	f.StringVar(&o.trace, "trace", "", "write the trace as JSON Lines to `FILE` (\"-\" for stdout, then nothing else goes there)")
	f.BoolVar(&o.noColor, "no-color", false, "no colours, even on a terminal (NO_COLOR is honoured too)")
	f.BoolVar(&o.relative, "relative", false, "show relative sequence numbers, as Wireshark does (the default when the scenario does not set both ISNs)")
	f.StringVar(&o.ladder, "ladder", "auto", "ladder diagram: auto (at most 300 lines), full or none")
	f.IntVar(&o.width, "width", ladder.DefaultWidth, "ladder width in columns")
	f.StringVar(&o.pcap, "pcap", "", "write a capture that Wireshark and tshark read to `FILE` (.pcap)")
	f.StringVar(&o.capture, "capture", "client", "where --pcap captures: client (its interface), server, or link (every segment as sent)")
	f.StringVar(&o.files.svg, "svg", "", "write the sequence diagram as SVG to `FILE`")
	f.StringVar(&o.files.png, "png", "", "write the sequence diagram as PNG to `FILE`")
	f.StringVar(&o.files.pdf, "pdf", "", "write the sequence diagram as PDF to `FILE`")
	f.StringVar(&o.files.plotSeq, "plot-seq", "", "write the time-sequence graph to `FILE` (.png, .svg or .pdf)")
	f.StringVar(&o.files.plotWindow, "plot-window", "", "write the cwnd / flight / window plot to `FILE` (.png, .svg or .pdf)")
	f.StringVar(&o.files.mermaid, "mermaid", "", "write a Mermaid sequenceDiagram to `FILE`")
	f.StringVar(&o.files.plantuml, "plantuml", "", "write a PlantUML sequence diagram to `FILE`")
	f.DurationVar(&o.files.from, "from", 0, "diagrams and plots start at this simulated time, such as 1.5s")
	f.DurationVar(&o.files.to, "to", 0, "diagrams and plots end at this simulated time (default: the end of the run)")
	f.StringVar(&o.files.seqNumbers, "seq-numbers", "", "absolute or relative sequence numbers in the ladder and diagrams (default: absolute when the scenario sets both ISNs, else relative)")
	f.StringVarP(&o.dir, "output-dir", "o", "", "write every output into `DIR`, named after the scenario (NAME.txt, .jsonl, .pcap, .svg, .png, .pdf, -seq.png, -window.png, .mmd, .puml)")
	f.StringVar(&o.lang, "lang", "en", "language of the ladder, summary and diagrams: en or vi")
	f.StringVar(&o.profile, "profile", "", "behaviour profile for both hosts, overriding the scenario's: rfc (the textbook) or linux (what Linux sends)")
	return cmd
}

func runRun(o *runOptions, stdout, stderr io.Writer) error {
	switch o.ladder {
	case "auto", "full", "none":
	default:
		return usageError{fmt.Errorf("--ladder %q: use auto, full or none", o.ladder)}
	}
	lang, err := catalog.ParseLang(o.lang)
	if err != nil {
		return usageError{fmt.Errorf("--lang: %w", err)}
	}
	if err := o.files.check(); err != nil {
		return err
	}
	s, err := scenarios.LoadWith(o.scenario, scenarios.Options{Profile: o.profile})
	if err != nil {
		return err
	}
	if o.dir != "" {
		if err := os.MkdirAll(o.dir, 0o755); err != nil {
			return usageError{fmt.Errorf("-o: %w", err)}
		}
		o.standardNames(s.Name)
	}
	// Sequence numbers: --relative or --seq-numbers decide; otherwise, as in
	// the diagrams, absolute when the scenario sets both ISNs (the textbook
	// numbers) and relative when they are drawn at random (ten-digit
	// numbers would crowd every line).
	switch o.files.seqNumbers {
	case "relative":
		o.relative = true
	case "":
		o.relative = o.relative || !(s.Client.TCP.FixedISS && s.Server.TCP.FixedISS)
	}
	seq := catalog.SeqAbsolute
	if o.relative {
		seq = catalog.SeqRelative
	}
	if o.seedSet {
		s.Seed = o.seed
	}

	var sinks []trace.Sink
	// Human output goes to stdout, unless the trace does; then to stderr.
	human := stdout
	var jw *trace.JSONWriter
	if o.trace != "" {
		var w io.Writer = stdout
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
	var pw *pcap.Writer
	if o.pcap != "" {
		f, err := os.Create(o.pcap)
		if err != nil {
			return usageError{fmt.Errorf("--pcap: %w", err)}
		}
		defer f.Close()
		if pw, err = pcap.NewWriter(f, pcap.Options{Capture: pcap.Capture(o.capture)}); err != nil {
			return usageError{fmt.Errorf("--capture: %w", err)}
		}
		sinks = append(sinks, pw)
	}
	out := bufio.NewWriterSize(human, 64<<10)
	if o.trace != "-" {
		if s.Description != "" {
			fmt.Fprintf(out, "%s — %s\n\n", s.Name, s.Description)
		} else {
			fmt.Fprintf(out, "%s\n\n", s.Name)
		}
	}
	var lad *ladder.Ladder
	if o.ladder != "none" && !(o.trace == "-") {
		opt := ladder.Options{Color: useColor(human, o.noColor), SeqNumbers: seq, Width: o.width, End: sim.At(s.Duration), Lang: lang}
		if o.ladder == "auto" {
			opt.MaxLines = autoLadderLines
		}
		lad = ladder.New(out, opt)
		sinks = append(sinks, lad)
	}
	if o.ladderFile != "" {
		f, err := os.Create(o.ladderFile)
		if err != nil {
			return usageError{fmt.Errorf("-o: %w", err)}
		}
		defer f.Close()
		opt := ladder.Options{SeqNumbers: seq, Width: o.width, End: sim.At(s.Duration), Lang: lang}
		if o.ladder != "full" {
			opt.MaxLines = autoLadderLines
		}
		fileLadder := ladder.New(f, opt)
		defer fileLadder.Flush()
		sinks = append(sinks, fileLadder)
	}
	var log *trace.Log
	if o.files.any() {
		log = &trace.Log{}
		sinks = append(sinks, log)
	}
	summary := ladder.NewSummary()
	sinks = append(sinks, summary)

	_, runErr := scenarios.Run(s, trace.Tee(sinks...))
	if lad != nil {
		if err := lad.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(out)
	}
	if err := summary.WriteLang(out, lang); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if jw != nil {
		if err := jw.Flush(); err != nil {
			return fmt.Errorf("writing the trace: %w", err)
		}
	}
	if pw != nil {
		if err := pw.Flush(); err != nil {
			return fmt.Errorf("writing the pcap: %w", err)
		}
	}
	if log != nil {
		if err := o.files.write(s, lang, log.Records); err != nil {
			return err
		}
	}
	return runErr
}

// useColor reports whether w is a terminal that should get colours.
func useColor(w io.Writer, noColor bool) bool {
	if noColor || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
