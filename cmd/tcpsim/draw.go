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
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/ladder"
	"github.com/tcpsim/tcpsim/viz/pcap"
)

// drawOptions are the flags of 'tcpsim draw': the outputs of 'tcpsim run'
// (the same flags, files and code), drawn from a capture instead of a run.
type drawOptions struct {
	runOptions        // the outputs; runOptions.scenario is the capture file
	conn       int    // which connection of the capture, from 1
	compare    string // a scenario to hold the capture against
	// Set by validate.
	file      *pcap.File
	simulated *scenarios.Scenario // the scenario of --compare, loaded
}

func newDrawCmd(stdout, stderr io.Writer) *cobra.Command {
	o := &drawOptions{}
	cmd := &cobra.Command{
		Use:   "draw FILE.pcap|FILE.pcapng",
		Short: "Draw a capture (Wireshark, tcpdump) like a simulation: ladder, diagrams, plots",
		Long: "Read a capture, pcap or pcapng (Ethernet, Linux cooked v1 and v2, raw IP or loopback;\n" +
			"IPv4 and IPv6), pick one TCP connection and draw it with the outputs of 'tcpsim run':\n" +
			"the ladder and summary, and on request the trace, the sequence diagrams, the plots and\n" +
			"the text diagrams. Segments are labelled from the capture alone, as Wireshark does\n" +
			"(retransmission, dup ACK #N, zero window, …). The side that sent the SYN is the client.\n" +
			"With --compare SCENARIO it prints instead how the capture differs from a simulation of\n" +
			"the scenario, segment by segment. See docs/kernel.md.",
		Example: "tcpsim draw lab.pcapng\ntcpsim draw lab.pcap --conn 2 --svg lab.svg\ntcpsim draw lab.pcap -o out/\ntcpsim draw lab.pcap --compare lost-segment",
		Args:    exactArgs(1, "a capture file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.scenario = args[0]
			o.stdoutTerminal = isTerminal(stdout)
			if err := o.validate(); err != nil {
				return err
			}
			return drawCapture(o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.conn, "conn", 1, "draw the `N`th TCP connection of the capture, in order of appearance")
	f.StringVar(&o.compare, "compare", "", "hold the capture against a simulation of `SCENARIO` (a file or built-in name) and print the differences")
	f.StringVar(&o.profile, "profile", "", "with --compare: the simulation's profile (default: the scenario's, or linux when it names none)")
	f.StringVar(&o.trace, "trace", "", "write the capture as a trace, JSON Lines, to `FILE` (\"-\" for stdout, then the summary goes to stderr)")
	f.StringVar(&o.pcap, "pcap", "", "write the connection alone, as tcpsim writes captures, to `FILE` (.pcap; \"-\" for stdout)")
	f.BoolVar(&o.noColor, "no-color", false, "no colours, even on a terminal (NO_COLOR is honoured too)")
	f.BoolVar(&o.relative, "relative", false, "show relative sequence numbers (the default for a capture); the same as --seq-numbers relative")
	f.StringVar(&o.seqNumbers, "seq-numbers", "", "absolute or relative sequence numbers in the ladder and diagrams (default: relative)")
	f.StringVar(&o.ladder, "ladder", "auto", "ladder diagram (or, with --compare, the comparison's rows): auto (at most 300 lines), full or none")
	f.IntVar(&o.width, "width", ladder.DefaultWidth, fmt.Sprintf("ladder width in columns, %d to %d", ladder.MinWidth, maxLadderWidth))
	f.StringVar(&o.svg, "svg", "", "write the sequence diagram as SVG to `FILE`")
	f.StringVar(&o.png, "png", "", "write the sequence diagram as PNG to `FILE`")
	f.StringVar(&o.pdf, "pdf", "", "write the sequence diagram as PDF to `FILE`")
	f.StringVar(&o.plotSeq, "plot-seq", "", "write the time-sequence graph to `FILE` (.png, .svg or .pdf)")
	f.StringVar(&o.plotWindow, "plot-window", "", "write the window plot to `FILE` (.png, .svg or .pdf); a capture has the advertised windows, not cwnd")
	f.StringVar(&o.mermaid, "mermaid", "", "write a Mermaid sequenceDiagram to `FILE`")
	f.StringVar(&o.plantuml, "plantuml", "", "write a PlantUML sequence diagram to `FILE`")
	f.StringVar(&o.html, "html", "", "write a page that steps through the connection to `FILE` (.html)")
	f.DurationVar(&o.from, "from", 0, "the ladder, capture, diagrams and plots start at this time after the connection's first segment, such as 1.5s")
	f.DurationVar(&o.to, "to", 0, "the ladder, capture, diagrams and plots end at this time (default: the last segment)")
	f.StringVarP(&o.dir, "output-dir", "o", "", "write every output into `DIR`, named after the capture (NAME.txt, .jsonl, .pcap, .svg, .png, .pdf, -seq.png, -window.png, .mmd, .puml, .html); a file flag given too names its own file")
	f.StringVar(&o.lang, "lang", "en", "language of the ladder, summary and diagrams: en or vi")
	return cmd
}

// validate checks the flags, reads the capture and checks every output
// file, so that a mistake stops the command before anything is written,
// with exit status 2 and a message naming the flag or the file.
func (o *drawOptions) validate() error {
	o.where = pcap.CaptureClient // a segment is sent and delivered at the instant it was captured: any point sees the same
	o.seq = catalog.SeqRelative  // a capture's ISNs are random
	if err := o.checkViewFlags("capture"); err != nil {
		return err
	}
	var err error
	if o.conn < 1 {
		return usageError{fmt.Errorf("--conn %d: connections are numbered from 1", o.conn)}
	}
	if o.profile != "" && o.compare == "" {
		return usageError{fmt.Errorf("--profile %s: the profile is the simulation's, for --compare", o.profile)}
	}
	if o.compare != "" {
		if o.simulated, err = loadForCompare(o.compare, o.profile); err != nil {
			return err
		}
	}

	if o.file, err = readCapture(o.scenario); err != nil {
		return usageError{err}
	}
	if o.conn > len(o.file.Conns) {
		_, err := o.file.Records(o.conn, pcap.RecordOptions{})
		return usageError{fmt.Errorf("--conn: %w", err)}
	}
	k := &o.file.Conns[o.conn-1]
	name := strings.TrimSuffix(filepath.Base(o.scenario), filepath.Ext(o.scenario))
	if o.conn > 1 {
		name += fmt.Sprintf("-conn%d", o.conn)
	}
	// The outputs of 'tcpsim run' name their files and size their time
	// column after the scenario: here, the capture's connection.
	o.s = &scenarios.Scenario{
		Name:        name,
		Description: describeConn(o.file, k),
		Duration:    k.Last.Sub(k.First) + time.Nanosecond,
	}
	if o.from > 0 && o.from >= o.s.Duration {
		return usageError{fmt.Errorf("--from %v is past the connection's last segment, %v after its first", o.from, k.Last.Sub(k.First))}
	}
	// No output may be the capture itself (checkFiles would call it the
	// scenario file).
	in, _ := filepath.Abs(o.scenario)
	for _, out := range o.outputs() {
		flag, path := out.what, *out.path
		if path == "" && o.dir != "" {
			flag, path = "-o", filepath.Join(o.dir, name+out.suffix)
		}
		if abs, _ := filepath.Abs(path); path != "" && path != "-" && abs == in {
			return usageError{fmt.Errorf("%s %s: that is the capture being drawn; write the output elsewhere", flag, path)}
		}
	}
	return o.checkFiles()
}

// maxCaptureBytes is the largest capture file draw reads.
const maxCaptureBytes = 2 << 30

// readCapture reads the capture file at path.
func readCapture(path string) (*pcap.File, error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, fmt.Errorf("the capture: %w", unwrapPath(err))
	case fi.IsDir():
		return nil, fmt.Errorf("%s is a folder, not a capture", path)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", path)
	case fi.Size() > maxCaptureBytes:
		return nil, fmt.Errorf("%s is %d MB; draw reads captures of at most %d MB (cut it with editcap first)", path, fi.Size()>>20, maxCaptureBytes>>20)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("the capture: %w", err)
	}
	defer f.Close()
	file, err := pcap.Read(f, pcap.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(file.Conns) == 0 {
		return nil, fmt.Errorf("%s holds no TCP segment (of %d packets)", path, file.Skipped)
	}
	return file, nil
}

// describeConn says which connection is drawn, for the heading.
func describeConn(f *pcap.File, k *pcap.Conn) string {
	var b strings.Builder
	fmt.Fprintf(&b, "connection %d of %d: client %v, server %v; %d segments from %s",
		k.N, len(f.Conns), k.Client, k.Server, k.Segments, k.First.UTC().Format("2006-01-02 15:04:05.000000 UTC"))
	if !k.SYN {
		b.WriteString("; the capture lacks its SYN: the client is the side with the higher port")
	}
	return b.String()
}

// drawCapture draws the capture's connection with the outputs of 'tcpsim
// run', as run does, the capture's records standing for the run; with
// --compare, the screen shows how it differs from a simulation instead of
// the ladder and summary.
func drawCapture(o *drawOptions, stdout, stderr io.Writer) error {
	records, err := o.file.Records(o.conn, pcap.RecordOptions{Name: o.s.Name})
	if err != nil {
		return err
	}
	human, humanName := stdout, "stdout"
	if _, ok := o.toStdout(); ok {
		human, humanName = stderr, "stderr"
	}
	var errs []error
	if o.compare != "" {
		if err := drawCompare(o, records, human); err != nil {
			errs = append(errs, fmt.Errorf("writing the comparison to %s: %w", humanName, err))
		}
	}
	files := newFileSet(o.files, stdout, stderr)
	defer files.watchSignals()()
	st, openErrs := o.openStreams(files)
	errs = append(errs, openErrs...)
	dr := o.newDrawings(nil)
	sinks := append(st.sinks, dr.sinks...)
	var sc *screen
	if o.compare == "" {
		sc = o.newScreen(human)
		sinks = append(sinks, sc.sinks()...)
	}
	tee := trace.Tee(sinks...)
	for i := range records {
		tee.Record(&records[i])
	}
	if sc != nil {
		if err := sc.finish(o.language); err != nil {
			errs = append(errs, fmt.Errorf("writing the ladder and summary to %s: %w", humanName, err))
		}
	}
	errs = append(errs, st.close()...)
	errs = append(errs, dr.write(&o.runOptions, files)...)
	if o.file.Unfinished {
		fmt.Fprintf(stderr, "tcpsim: note: %s ends in the middle of a packet (the capture was stopped while writing); the packets before it are drawn\n", o.scenario)
	}
	return errors.Join(errs...)
}

// drawCompare writes the comparison of a simulation of the --compare
// scenario with the capture's records.
func drawCompare(o *drawOptions, records []trace.Record, w io.Writer) error {
	sim, err := simulate(o.simulated, 0)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(w)
	fmt.Fprintf(out, "%s against the simulation of %s (%s)\n%s\n\n", filepath.Base(o.scenario), o.simulated.Name, profileOf(o.simulated), o.s.Description)
	if err := writeComparison(out, sim, records, "capture", o.ladder); err != nil {
		return err
	}
	return out.Flush()
}
