package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/ladder"
	"github.com/tcpsim/tcpsim/viz/pcap"
	"github.com/tcpsim/tcpsim/viz/plot"
)

// runOptions are the flags of 'tcpsim run', as cobra fills them, and what
// validate makes of them.
type runOptions struct {
	scenario   string // the argument: a file or a built-in scenario's name
	seed       uint64
	seedSet    bool   // --seed was given
	trace      string // JSON-lines trace file; "-" for stdout
	noColor    bool
	relative   bool     // --relative: --seq-numbers relative
	ladder     string   // auto, full or none
	width      int      // of the ladder, in columns
	profile    string   // overrides the scenario's behaviour profile
	sets       []string // --set PATH=VALUE: keys of the scenario set from outside
	pcap       string   // pcap file to write
	capture    string   // where the pcap is captured: client, server or link
	lang       string   // language of the ladder, summary and diagrams
	dir        string   // -o: write every output into this folder
	svg        string   // sequence diagram
	png        string
	pdf        string
	plotSeq    string // Stevens time-sequence graph
	plotWindow string // cwnd, flight and window plot
	plotFlows  string // the flows' goodput and cwnd (a scenario with flows)
	plotQueue  string // the bottleneck's queue and drops (a scenario with flows)
	flow       int    // the flow drawn, from 1 (a scenario with flows)
	flowSet    bool   // --flow was given
	mermaid    string
	plantuml   string
	html       string        // the page that steps through the run
	from, to   time.Duration // the window of the ladder, the capture and the drawings; 0, 0: all
	seqNumbers string        // "" (absolute when the scenario fixes both ISNs, else relative), absolute or relative

	captureSet     bool // --capture was given
	stdoutTerminal bool // stdout is a terminal: no binary data there

	// Set by validate.
	s        *scenarios.Scenario
	language catalog.Lang
	seq      catalog.SeqNumbers // for every output
	where    pcap.Capture
	files    []outputFile // every file the run writes, checked
}

// maxLadderWidth is the widest ladder --width asks for, in columns.
const maxLadderWidth = 1000

// autoLadderLines is how many ladder lines --ladder auto prints before it
// only counts: enough for a handshake, slow start and a loss or two; a bulk
// transfer's million segments are left to the summary and the trace.
const autoLadderLines = 300

// newRunCmd returns 'tcpsim run', which maps its flags to runOptions,
// validates them and calls runF (run, but for tests).
func newRunCmd(stdout, stderr io.Writer, runF func(*runOptions) error) *cobra.Command {
	o := &runOptions{}
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
			o.captureSet = cmd.Flags().Changed("capture")
			o.flowSet = cmd.Flags().Changed("flow")
			o.stdoutTerminal = isTerminal(stdout)
			if err := o.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return run(o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&o.seed, "seed", 0, "override the scenario's random seed")
	f.StringVar(&o.trace, "trace", "", "write the trace as JSON Lines to `FILE` (\"-\" for stdout, then the summary goes to stderr)")
	f.BoolVar(&o.noColor, "no-color", false, "no colours, even on a terminal (NO_COLOR is honoured too)")
	f.BoolVar(&o.relative, "relative", false, "show relative sequence numbers, as Wireshark does (the default when the scenario does not set both ISNs); the same as --seq-numbers relative")
	f.StringVar(&o.ladder, "ladder", "auto", "ladder diagram: auto (at most 300 lines), full or none")
	f.IntVar(&o.width, "width", ladder.DefaultWidth, fmt.Sprintf("ladder width in columns, %d to %d", ladder.MinWidth, maxLadderWidth))
	f.StringVar(&o.pcap, "pcap", "", "write a capture that Wireshark and tshark read to `FILE` (.pcap; \"-\" for stdout)")
	f.StringVar(&o.capture, "capture", "client", "where --pcap captures: client (its interface), server, or link (every segment as sent)")
	f.StringVar(&o.svg, "svg", "", "write the sequence diagram as SVG to `FILE`")
	f.StringVar(&o.png, "png", "", "write the sequence diagram as PNG to `FILE`")
	f.StringVar(&o.pdf, "pdf", "", "write the sequence diagram as PDF to `FILE`")
	f.StringVar(&o.plotSeq, "plot-seq", "", "write the time-sequence graph to `FILE` (.png, .svg or .pdf)")
	f.StringVar(&o.plotWindow, "plot-window", "", "write the cwnd / flight / window plot to `FILE` (.png, .svg or .pdf)")
	f.StringVar(&o.plotFlows, "plot-flows", "", "write each flow's throughput and cwnd over time to `FILE` (.png, .svg or .pdf; a scenario with flows)")
	f.StringVar(&o.plotQueue, "plot-queue", "", "write the bottleneck's queue and its drops over time to `FILE` (.png, .svg or .pdf; a scenario with flows)")
	f.IntVar(&o.flow, "flow", 1, "in a scenario with flows, the flow `N` whose ladder, diagrams, capture and --plot-seq/--plot-window are drawn")
	f.StringVar(&o.mermaid, "mermaid", "", "write a Mermaid sequenceDiagram to `FILE`")
	f.StringVar(&o.plantuml, "plantuml", "", "write a PlantUML sequence diagram to `FILE`")
	f.StringVar(&o.html, "html", "", "write a page that steps through the run, with each side's TCP variables, to `FILE` (.html)")
	f.DurationVar(&o.from, "from", 0, "the ladder, capture, diagrams and plots start at this simulated time, such as 1.5s (the summary and --trace cover the whole run)")
	f.DurationVar(&o.to, "to", 0, "the ladder, capture, diagrams and plots end at this simulated time (default: the end of the run)")
	f.StringVar(&o.seqNumbers, "seq-numbers", "", "absolute or relative sequence numbers in the ladder and diagrams (default: absolute when the scenario sets both ISNs, else relative)")
	f.StringVarP(&o.dir, "output-dir", "o", "", "write every output into `DIR`, named after the scenario (NAME.txt, .jsonl, .pcap, .svg, .png, .pdf, -seq.png, -window.png, .mmd, .puml, .html); a file flag given too names its own file")
	f.StringVar(&o.lang, "lang", "en", "language of the ladder, summary and diagrams: en or vi")
	f.StringVar(&o.profile, "profile", "", "behaviour profile for both hosts, overriding the scenario's: rfc (the textbook) or linux (what Linux sends)")
	f.StringArrayVar(&o.sets, "set", nil, "set a key of the scenario as if the file said so, `PATH=VALUE`, such as link.loss=5% or client.mss=536 (repeatable)")
	return cmd
}

// checkViewFlags checks the flags run and draw share: the ladder, the
// language, the sequence numbers, the stretch of time (of a "run" or a
// "capture") and the plots' formats. o.seq keeps its default unless
// --seq-numbers names one.
func (o *runOptions) checkViewFlags(of string) error {
	switch o.ladder {
	case "auto", "full", "none":
	default:
		return usageError{fmt.Errorf("--ladder %q: use auto, full or none", o.ladder)}
	}
	if o.width < ladder.MinWidth || o.width > maxLadderWidth {
		return usageError{fmt.Errorf("--width %d: the ladder is %d to %d columns wide", o.width, ladder.MinWidth, maxLadderWidth)}
	}
	var err error
	if o.language, err = catalog.ParseLang(o.lang); err != nil {
		return usageError{fmt.Errorf("--lang: %w", err)}
	}
	if o.seqNumbers != "" {
		if o.seq, err = catalog.ParseSeqNumbers(o.seqNumbers); err != nil {
			return usageError{fmt.Errorf("--seq-numbers: %w", err)}
		}
		if o.relative && o.seq != catalog.SeqRelative {
			return usageError{fmt.Errorf("--relative and --seq-numbers %s contradict each other", o.seqNumbers)}
		}
	}
	if o.from < 0 || o.to < 0 {
		return usageError{fmt.Errorf("--from %v, --to %v: a time in the %s is not negative", o.from, o.to, of)}
	}
	if o.to != 0 && o.to <= o.from {
		return usageError{fmt.Errorf("--to %v is not after --from %v", o.to, o.from)}
	}
	for _, p := range [][2]string{{"--plot-seq", o.plotSeq}, {"--plot-window", o.plotWindow}} {
		if p[1] != "" && p[1] != "-" { // "-": checkFiles says why a plot cannot go to stdout
			if _, err := plotFormat(p[0], p[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// validate checks every flag, loads the scenario and checks every output
// file, so that a mistake stops the command before the run starts, with
// exit status 2 and a message naming the flag.
func (o *runOptions) validate() error {
	if err := o.checkViewFlags("run"); err != nil {
		return err
	}
	var err error
	if o.where, err = pcap.ParseCapture(o.capture); err != nil {
		return usageError{fmt.Errorf("--capture: %w", err)}
	}
	if o.captureSet && o.pcap == "" && o.dir == "" {
		return usageError{fmt.Errorf("--capture %s: no capture is written; add --pcap FILE (or -o DIR)", o.capture)}
	}

	lo := scenarios.Options{Profile: o.profile}
	for _, kv := range o.sets {
		ov, err := scenarios.ParseOverride(kv, "--set")
		if err != nil {
			return err
		}
		lo.Overrides = append(lo.Overrides, ov)
	}
	if o.s, err = scenarios.LoadWith(o.scenario, lo); err != nil {
		return err
	}
	if o.seedSet {
		o.s.Seed = o.seed
	}
	if err := o.checkFlows(); err != nil {
		return err
	}
	if o.from > 0 && o.from >= o.s.Duration {
		return usageError{fmt.Errorf("--from %v is past the end of the run: %s lasts %v (its duration)", o.from, o.s.Name, o.s.Duration)}
	}
	// Sequence numbers, for the ladder and every drawing alike: the flags
	// decide; otherwise absolute when the scenario sets both ISNs (the
	// textbook numbers) and relative when they are drawn at random
	// (ten-digit numbers would crowd every line), as Wireshark shows them.
	switch {
	case o.seqNumbers != "":
	case o.relative || !(o.s.Client.TCP.FixedISS && o.s.Server.TCP.FixedISS):
		o.seq = catalog.SeqRelative
	default:
		o.seq = catalog.SeqAbsolute
	}
	return o.checkFiles()
}

// plotFormat returns the format a plot file's extension names.
func plotFormat(flag, path string) (canvas.Format, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	f, err := canvas.ParseFormat(ext)
	if err != nil {
		return "", usageError{fmt.Errorf("%s %s: the extension picks the format: .png, .svg or .pdf", flag, path)}
	}
	return f, nil
}

// run runs the validated scenario, streaming the ladder, the trace and the
// pcap as it goes, then writes the summary and the outputs drawn from what
// their collectors kept. Human output goes to stdout, or to stderr when an
// output goes to stdout. Every file is written whole or not at all (see
// fileSet). It writes every output it can and returns every error met,
// each naming its file (exit status 1), and the run's own error.
func run(o *runOptions, stdout, stderr io.Writer) error {
	human, humanName := stdout, "stdout"
	if _, ok := o.toStdout(); ok {
		human, humanName = stderr, "stderr"
	}
	files := newFileSet(o.files, stdout, stderr)
	defer files.watchSignals()()
	st, errs := o.openStreams(files)
	sc := o.newScreen(human)
	fc := o.newFlowsCollector()
	dr := o.newDrawings(fc)
	sinks := append(st.sinks, sc.sinks()...)
	sinks = append(sinks, dr.sinks...)
	if fc != nil {
		sc.flows = fc
		sinks = append(sinks, fc)
	}

	_, runErr := scenarios.Run(o.s, trace.Tee(sinks...))

	if err := sc.finish(o.language); err != nil {
		errs = append(errs, fmt.Errorf("writing the ladder and summary to %s: %w", humanName, err))
	}
	errs = append(errs, st.close()...)
	errs = append(errs, dr.write(o, files)...)
	return errors.Join(append(errs, runErr)...)
}

// screen is what a person reads: the scenario's name and description, the
// ladder (unless --ladder none, or the trace takes stdout) and the summary.
type screen struct {
	out     *bufio.Writer
	ladder  *ladder.Ladder // nil for none
	summary *ladder.Summary
	flows   *plot.FlowsCollector // a scenario with flows: their goodputs follow the summary
	oneFlow func(trace.Sink) trace.Sink
}

// newScreen writes the heading to a buffer for w, and returns the screen's
// sinks ready for the run.
func (o *runOptions) newScreen(w io.Writer) *screen {
	sc := &screen{out: bufio.NewWriterSize(w, 64<<10), summary: ladder.NewSummary(), oneFlow: o.oneFlow}
	if _, ok := o.toStdout(); ok {
		return sc // the summary alone, on stderr
	}
	if d := o.s.DescriptionIn(string(o.language)); d != "" {
		fmt.Fprintf(sc.out, "%s — %s\n\n", o.s.Name, d)
	} else {
		fmt.Fprintf(sc.out, "%s\n\n", o.s.Name)
	}
	if o.from != 0 || o.to != 0 {
		to := o.to
		if to == 0 {
			to = o.s.Duration
		}
		sc.out.WriteString(o.language.Phrases().Sprintf(catalog.MsgShownWindow, catalog.Seconds(sim.At(o.from)), catalog.Seconds(sim.At(to))) + "\n\n")
	}
	if o.ladder != "none" {
		opt := o.ladderOptions()
		opt.Color = useColor(w, o.noColor)
		if o.ladder == "auto" {
			opt.MaxLines = autoLadderLines
		}
		sc.ladder = ladder.New(sc.out, opt)
	}
	return sc
}

func (sc *screen) sinks() []trace.Sink {
	if sc.ladder == nil {
		return []trace.Sink{sc.summary}
	}
	return []trace.Sink{sc.oneFlow(sc.ladder), sc.summary}
}

// finish writes the rest of the ladder and the summary, in lang, and
// flushes them out.
func (sc *screen) finish(lang catalog.Lang) error {
	if sc.ladder != nil {
		if err := sc.ladder.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(sc.out)
	}
	if err := sc.summary.WriteLang(sc.out, lang); err != nil {
		return err
	}
	if sc.flows != nil {
		writeFlowStats(sc.out, sc.flows, lang)
	}
	return sc.out.Flush()
}

// ladderOptions are the options of both ladders, on the terminal and in
// NAME.txt.
func (o *runOptions) ladderOptions() ladder.Options {
	left, right := o.flowSides()
	return ladder.Options{SeqNumbers: o.seq, Width: o.width, End: sim.At(o.s.Duration), Lang: o.language,
		From: sim.At(o.from), To: sim.At(o.to), Left: left, Right: right}
}

// useColor reports whether w is a terminal that should get colours.
func useColor(w io.Writer, noColor bool) bool {
	if noColor || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a terminal (a character device other
// than /dev/null).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}
