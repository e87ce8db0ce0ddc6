package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/diagram"
	"github.com/tcpsim/tcpsim/viz/html"
	"github.com/tcpsim/tcpsim/viz/ladder"
	"github.com/tcpsim/tcpsim/viz/pcap"
	"github.com/tcpsim/tcpsim/viz/plot"
	"github.com/tcpsim/tcpsim/viz/textdiagram"
)

// ladderFile is the output -o adds that no flag of its own names: the
// ladder, without colour, in NAME.txt.
const ladderFile = "NAME.txt"

// outputFile is one file a run writes.
type outputFile struct {
	what string // the output: its flag ("--svg"), or ladderFile
	flag string // the flag that named the file, for messages: what, or "-o"
	path string
}

// errorf returns an error about the file, naming it and its flag.
func (f outputFile) errorf(format string, args ...any) error {
	return fmt.Errorf("%s %s: %s", f.flag, f.path, fmt.Sprintf(format, args...))
}

// outputFlag is an output and the flag that names its file.
type outputFlag struct {
	what   string  // the flag, or ladderFile
	path   *string // the flag's value
	suffix string  // what -o names the file: the scenario's name and this
}

// outputs returns the outputs that are files, in the order they are
// written.
func (o *runOptions) outputs() []outputFlag {
	none := "" // the ladder file has no flag of its own
	return []outputFlag{
		{"--trace", &o.trace, ".jsonl"},
		{"--pcap", &o.pcap, ".pcap"},
		{ladderFile, &none, ".txt"},
		{"--svg", &o.svg, ".svg"},
		{"--png", &o.png, ".png"},
		{"--pdf", &o.pdf, ".pdf"},
		{"--plot-seq", &o.plotSeq, "-seq.png"},
		{"--plot-window", &o.plotWindow, "-window.png"},
		{"--plot-flows", &o.plotFlows, "-flows.png"},
		{"--plot-queue", &o.plotQueue, "-queue.png"},
		{"--mermaid", &o.mermaid, ".mmd"},
		{"--plantuml", &o.plantuml, ".puml"},
		{"--html", &o.html, ".html"},
	}
}

// stdoutOutputs are the outputs that "-" sends to stdout, and whether
// what they write is binary (not for a terminal). A plot's format comes
// from its file's extension, so a plot cannot go to stdout.
var stdoutOutputs = map[string]bool{
	"--trace": false, "--pcap": true, "--svg": false, "--png": true, "--pdf": true,
	"--mermaid": false, "--plantuml": false,
}

// extensions are, for each output of one format, the file extensions of
// that format. A file named with another output's extension is a mistake
// (--png x.svg would put PNG bytes in x.svg); any other extension is the
// user's choice.
var extensions = map[string][]string{
	"--trace":    {".jsonl", ".json", ".ndjson"},
	"--pcap":     {".pcap", ".cap"},
	"--svg":      {".svg"},
	"--png":      {".png"},
	"--pdf":      {".pdf"},
	"--mermaid":  {".mmd", ".mermaid"},
	"--plantuml": {".puml", ".plantuml", ".pu", ".iuml"},
}

// checkExtension returns an error when f's extension is another output's.
func (f outputFile) checkExtension() error {
	ext := strings.ToLower(filepath.Ext(f.path))
	if ext == "" || slices.Contains(extensions[f.what], ext) {
		return nil
	}
	if ext == ".pcapng" && f.what == "--pcap" {
		return f.errorf("tcpsim writes pcap, not pcapng: name the file %s", swapExt(f.path, ".pcap"))
	}
	for what, exts := range extensions {
		if slices.Contains(exts, ext) {
			want := f.errorf("%s is the extension of %s's files", ext, what)
			if own := extensions[f.what]; len(own) > 0 {
				return fmt.Errorf("%w: name it %s, or use %s %s", want, swapExt(f.path, own[0]), what, f.path)
			}
			return fmt.Errorf("%w: use %s %s", want, what, f.path)
		}
	}
	return nil
}

// swapExt returns path with its extension replaced by ext.
func swapExt(path, ext string) string { return strings.TrimSuffix(path, filepath.Ext(path)) + ext }

// checkFiles makes the list of output files and checks each before the
// run: -o names every output its flag does not; "-" is stdout for one
// output that can go there; a file's extension is not another output's;
// no two outputs, and no output and the scenario, are one file; every file
// can be written (its folder exists, and it is not a folder itself). -o's
// folder is made if need be, once every flag that names a file of its own
// has passed. Any error is a usage error.
func (o *runOptions) checkFiles() error {
	o.files = o.files[:0]
	for _, out := range o.outputs() {
		f := outputFile{what: out.what, flag: out.what, path: *out.path}
		switch {
		case flowOutputs[f.what] && (o.s == nil || o.s.Dumbbell == nil) && f.path == "":
			continue // only a scenario with flows has them
		case f.path == "" && o.dir != "":
			f.flag, f.path = "-o", filepath.Join(o.dir, o.s.Name+out.suffix)
		case f.path == "":
			continue
		}
		o.files = append(o.files, f)
	}
	var toStdout *outputFile
	for i := range o.files {
		f := &o.files[i]
		switch binary, ok := stdoutOutputs[f.what]; {
		case f.path != "-":
			if f.flag == "-o" || extensions[f.what] == nil {
				continue // -o names its files well; a plot's extension picks its format
			}
			if err := f.checkExtension(); err != nil {
				return usageError{err}
			}
			continue
		case !ok:
			return usageError{f.errorf("a plot's format is its file's extension, so it cannot go to stdout: name a file such as plot.png")}
		case toStdout != nil:
			return usageError{fmt.Errorf("%s - and %s - both write to stdout; one output at most goes there", toStdout.flag, f.flag)}
		case binary && o.stdoutTerminal:
			return usageError{f.errorf("%s writes binary data, which is not for a terminal: send stdout to a file or a program (%s - > file)", f.what, f.what)}
		}
		toStdout = f
	}
	scenario, _ := filepath.Abs(o.scenario)
	seen := make(map[string]outputFile)
	var existing []outputFile
	var infos []os.FileInfo
	for _, f := range o.files {
		if f.path == "-" {
			continue
		}
		abs, err := filepath.Abs(f.path)
		if err != nil {
			return usageError{f.errorf("%v", err)}
		}
		if g, ok := seen[abs]; ok {
			return usageError{fmt.Errorf("%s and %s both write %s", g.flag, f.flag, f.path)}
		}
		seen[abs] = f
		fi, err := os.Stat(abs)
		if err != nil {
			continue
		}
		if fi.Mode().IsRegular() && abs == scenario {
			return usageError{f.errorf("that is the scenario file")}
		}
		// The same file by another name: a link, or a folder named twice.
		for k, gi := range infos {
			if os.SameFile(fi, gi) && fi.Mode().IsRegular() {
				return usageError{fmt.Errorf("%s %s and %s %s are the same file", existing[k].flag, existing[k].path, f.flag, f.path)}
			}
		}
		existing, infos = append(existing, f), append(infos, fi)
		if sfi, err := os.Stat(scenario); err == nil && os.SameFile(fi, sfi) {
			return usageError{f.errorf("that is the scenario file")}
		}
	}
	for _, byDir := range []bool{false, true} {
		if byDir && o.dir != "" {
			if err := os.MkdirAll(o.dir, 0o755); err != nil {
				return usageError{fmt.Errorf("-o: %w", err)}
			}
		}
		for _, f := range o.files {
			if (f.flag == "-o") != byDir || f.path == "-" {
				continue
			}
			if err := writable(f.path); err != nil {
				return usageError{f.errorf("%v", err)}
			}
		}
	}
	return nil
}

// toStdout returns the output that goes to stdout, if any.
func (o *runOptions) toStdout() (outputFile, bool) {
	for _, f := range o.files {
		if f.path == "-" {
			return f, true
		}
	}
	return outputFile{}, false
}

// writable returns why path cannot be written, or nil. It leaves nothing
// behind and changes no file: an existing file is opened for writing
// without truncating it; for a new one, a temporary file is made in its
// folder and removed.
func writable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return errors.New("is a folder")
	case err == nil:
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("cannot be written: %w", unwrapPath(err))
		}
		return f.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return unwrapPath(err)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		return fmt.Errorf("its folder %s does not exist", dir)
	} else if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	tmp, err := os.CreateTemp(dir, ".tcpsim-*")
	if err != nil {
		return fmt.Errorf("cannot create files in %s: %w", dir, unwrapPath(err))
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// unwrapPath returns a *fs.PathError's cause, whose path the message names
// already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// streams are the outputs written as the run goes: the trace, the pcap
// and NAME.txt.
type streams struct {
	sinks   []trace.Sink
	closers []func() error // flush and finish each, once the run is over
}

// openStreams opens the files of the streamed outputs, or stdout for "-".
// It returns an error for each file it could not open.
func (o *runOptions) openStreams(files *fileSet) (*streams, []error) {
	st := &streams{}
	var errs []error
	for _, f := range o.files {
		if f.what != "--trace" && f.what != "--pcap" && f.what != ladderFile {
			continue // drawn from what the run kept, after it
		}
		w, err := files.open(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch f.what {
		case "--trace":
			jw := trace.NewJSONWriter(w)
			st.add(jw, func() error { return w.finish(jw.Flush()) })
		case "--pcap":
			where := o.where
			if a, _ := o.flowSides(); a != "" {
				where = pcap.CaptureLink // the flow's segments as sent: its hosts are no client or server
			}
			pw, err := pcap.NewWriter(w, pcap.Options{Capture: where, From: sim.At(o.from), To: sim.At(o.to)})
			if err != nil {
				errs = append(errs, w.finish(err))
				continue
			}
			st.add(o.oneFlow(pw), func() error { return w.finish(pw.Flush()) })
		case ladderFile:
			opt := o.ladderOptions()
			if o.ladder != "full" {
				opt.MaxLines = autoLadderLines
			}
			l := ladder.New(w, opt)
			st.add(o.oneFlow(l), func() error { return w.finish(l.Flush()) })
		}
	}
	return st, errs
}

func (st *streams) add(s trace.Sink, close func() error) {
	st.sinks = append(st.sinks, s)
	st.closers = append(st.closers, close)
}

// close flushes and finishes every stream, and returns their errors.
func (st *streams) close() []error {
	var errs []error
	for _, c := range st.closers {
		if err := c(); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// drawings are the outputs drawn after the run from what their
// collectors kept during it: diagrams, plots and text diagrams. Each
// collector keeps only what its output draws (its window, a bounded
// summary of a long plot), so memory does not grow with the run.
type drawings struct {
	sinks  []trace.Sink
	writes map[outputFile]func(w io.Writer) error
}

// newDrawings makes a collector for each kind of drawing asked for: the
// three diagram formats share one, as do Mermaid and PlantUML.
func (o *runOptions) newDrawings(fc *plot.FlowsCollector) *drawings {
	from, to := sim.At(o.from), sim.At(o.to)
	dr := &drawings{writes: make(map[outputFile]func(w io.Writer) error)}
	left, right := o.flowSides()
	node := left // the data sender of --plot-seq and --plot-window: "" is the client
	var dc *diagram.Collector
	var tc *textdiagram.Collector
	for _, f := range o.files {
		switch f.what {
		case "--svg", "--png", "--pdf":
			if dc == nil {
				dc = diagram.NewCollector(diagram.Options{From: from, To: to, SeqNumbers: o.seq, Lang: o.language,
					Description: o.s.DescriptionIn(string(o.language)), Left: left, Right: right})
				dr.sinks = append(dr.sinks, o.oneFlow(dc))
			}
			format := map[string]canvas.Format{"--svg": canvas.SVG, "--png": canvas.PNG, "--pdf": canvas.PDF}[f.what]
			c := dc
			dr.writes[f] = func(w io.Writer) error { return c.Write(w, format) }
		case "--plot-seq", "--plot-window":
			format, _ := plotFormat(f.what, f.path) // checked by validate
			popt := plot.Options{From: from, To: to, Lang: o.language}
			c := plot.NewSeqCollector(node, popt)
			if f.what == "--plot-window" {
				c = plot.NewWindowCollector(node, popt)
			}
			dr.sinks = append(dr.sinks, o.oneFlow(c))
			dr.writes[f] = func(w io.Writer) error { return c.Write(w, format) }
		case "--html":
			c := &htmlCollector{from: from, to: to, limit: html.DefaultMaxEvents + 1000}
			dr.sinks = append(dr.sinks, o.oneFlow(c))
			dr.writes[f] = func(w io.Writer) error {
				return html.Write(w, c.log.Records, html.Options{From: from, To: to, SeqNumbers: o.seq, Lang: o.language, Left: left, Right: right})
			}
		case "--plot-flows", "--plot-queue":
			format, _ := plotFormat(f.what, f.path) // checked by validate
			dr.writes[f] = func(w io.Writer) error { return fc.WriteFlows(w, format) }
			if f.what == "--plot-queue" {
				dr.writes[f] = func(w io.Writer) error { return fc.WriteQueue(w, format) }
			}
		case "--mermaid", "--plantuml":
			if tc == nil {
				tc = textdiagram.NewCollector(textdiagram.Options{From: from, To: to, SeqNumbers: o.seq, Lang: o.language, Left: left, Right: right})
				dr.sinks = append(dr.sinks, o.oneFlow(tc))
			}
			c := tc
			dr.writes[f] = c.WriteMermaid
			if f.what == "--plantuml" {
				dr.writes[f] = c.WritePlantUML
			}
		}
	}
	return dr
}

// write writes every drawing, in the order of the files. It returns an
// error for each that failed, naming its file.
func (dr *drawings) write(o *runOptions, files *fileSet) []error {
	var errs []error
	for _, f := range o.files {
		write, ok := dr.writes[f]
		if !ok {
			continue // written as the run went
		}
		w, err := files.open(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		bw := bufio.NewWriterSize(w, 64<<10)
		err = write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err := w.finish(err); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// htmlCollector keeps what the classroom page needs: every record up to
// its window's end, but no more than a page holds after the window's
// start (the page rebuilds each side's state from the run before it, so
// that part is kept whole: a known cost when --from is late in a long run).
type htmlCollector struct {
	log      trace.Log
	from, to sim.Time
	limit    int // records kept from the window's start on
	after    int
}

func (c *htmlCollector) Record(r *trace.Record) {
	if c.to != 0 && r.T > c.to {
		return
	}
	if r.T >= c.from {
		if c.after >= c.limit {
			return
		}
		c.after++
	}
	c.log.Record(r)
}
