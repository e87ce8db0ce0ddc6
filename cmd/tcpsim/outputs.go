package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/viz/canvas"
	"github.com/tcpsim/tcpsim/viz/diagram"
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
		{"--mermaid", &o.mermaid, ".mmd"},
		{"--plantuml", &o.plantuml, ".puml"},
	}
}

// checkFiles makes the list of output files and checks each before the
// run: -o names every output its flag does not; no two outputs, and no
// output and the scenario, are one file; every file can be written (its
// folder exists, and it is not a folder itself). -o's folder is made if
// need be, once every flag that names a file of its own has passed. Any
// error is a usage error.
func (o *runOptions) checkFiles() error {
	o.files = o.files[:0]
	for _, out := range o.outputs() {
		f := outputFile{what: out.what, flag: out.what, path: *out.path}
		switch {
		case f.path == "-" && f.what == "--trace":
			continue // stdout
		case f.path == "" && o.dir != "":
			f.flag, f.path = "-o", filepath.Join(o.dir, o.s.Name+out.suffix)
		case f.path == "":
			continue
		}
		o.files = append(o.files, f)
	}
	scenario, _ := filepath.Abs(o.scenario)
	seen := make(map[string]outputFile)
	for _, f := range o.files {
		abs, err := filepath.Abs(f.path)
		if err != nil {
			return usageError{f.errorf("%v", err)}
		}
		if g, ok := seen[abs]; ok {
			return usageError{fmt.Errorf("%s and %s both write %s", g.flag, f.flag, f.path)}
		}
		seen[abs] = f
		if fi, err := os.Stat(abs); err == nil && fi.Mode().IsRegular() && abs == scenario {
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
			if (f.flag == "-o") != byDir {
				continue
			}
			if err := writable(f.path); err != nil {
				return usageError{f.errorf("%v", err)}
			}
		}
	}
	return nil
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

// openFile is an output file being written as the run goes.
type openFile struct {
	*os.File
	outputFile
}

// create creates the file.
func (f outputFile) create() (*openFile, error) {
	w, err := os.Create(f.path)
	if err != nil {
		return nil, f.errorf("%v", unwrapPath(err))
	}
	return &openFile{w, f}, nil
}

// close closes the file after flush, the error of flushing what was
// written to it, and returns the first error, naming the file.
func (w *openFile) close(flush error) error {
	err := w.File.Close()
	if flush != nil {
		err = flush
	}
	if err != nil {
		return w.errorf("%v", unwrapPath(err))
	}
	return nil
}

// streams are the outputs written as the run goes: the trace, the pcap
// and NAME.txt.
type streams struct {
	sinks   []trace.Sink
	closers []func() error // flush and close each, once the run is over
}

// openStreams creates the files of the streamed outputs, and the trace on
// stdout for --trace -. It returns an error for each file it could not
// create.
func (o *runOptions) openStreams(stdout io.Writer) (*streams, []error) {
	st := &streams{}
	var errs []error
	if o.trace == "-" {
		jw := trace.NewJSONWriter(stdout)
		st.add(jw, func() error {
			if err := jw.Flush(); err != nil {
				return fmt.Errorf("--trace -: writing the trace to stdout: %w", err)
			}
			return nil
		})
	}
	for _, f := range o.files {
		if f.what != "--trace" && f.what != "--pcap" && f.what != ladderFile {
			continue // drawn from the whole trace, after the run
		}
		w, err := f.create()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch f.what {
		case "--trace":
			jw := trace.NewJSONWriter(w)
			st.add(jw, func() error { return w.close(jw.Flush()) })
		case "--pcap":
			pw, err := pcap.NewWriter(w, pcap.Options{Capture: o.where})
			if err != nil {
				errs = append(errs, w.close(err))
				continue
			}
			st.add(pw, func() error { return w.close(pw.Flush()) })
		case ladderFile:
			opt := o.ladderOptions()
			if o.ladder != "full" {
				opt.MaxLines = autoLadderLines
			}
			l := ladder.New(w, opt)
			st.add(l, func() error { return w.close(l.Flush()) })
		}
	}
	return st, errs
}

func (st *streams) add(s trace.Sink, close func() error) {
	st.sinks = append(st.sinks, s)
	st.closers = append(st.closers, close)
}

// close flushes and closes every stream, and returns their errors.
func (st *streams) close() []error {
	var errs []error
	for _, c := range st.closers {
		if err := c(); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// drawings reports whether an output drawn from the whole trace was asked
// for: a diagram, a plot or a text diagram.
func (o *runOptions) drawings() bool {
	for _, f := range o.files {
		switch f.what {
		case "--trace", "--pcap", ladderFile:
		default:
			return true
		}
	}
	return false
}

// draw writes every output drawn from the whole trace: each is drawn in
// memory, then written to its file. It returns an error for each that
// failed, naming its file.
func (o *runOptions) draw(records []trace.Record) []error {
	from, to := sim.At(o.from), sim.At(o.to)
	dopt := diagram.Options{From: from, To: to, SeqNumbers: o.seq, Lang: o.language, Description: o.s.DescriptionIn(string(o.language))}
	popt := plot.Options{From: from, To: to, Lang: o.language}
	topt := textdiagram.Options{From: from, To: to, SeqNumbers: o.seq, Lang: o.language}
	plotFile := func(f outputFile) canvas.Format {
		format, _ := plotFormat(f.what, f.path) // checked by validate
		return format
	}
	var errs []error
	var b bytes.Buffer
	for _, f := range o.files {
		var err error
		b.Reset()
		switch f.what {
		case "--svg":
			err = diagram.Write(&b, canvas.SVG, records, dopt)
		case "--png":
			err = diagram.Write(&b, canvas.PNG, records, dopt)
		case "--pdf":
			err = diagram.Write(&b, canvas.PDF, records, dopt)
		case "--plot-seq":
			err = plot.WriteSeq(&b, plotFile(f), records, "client", popt)
		case "--plot-window":
			err = plot.WriteWindow(&b, plotFile(f), records, "client", popt)
		case "--mermaid":
			err = textdiagram.WriteMermaid(&b, records, topt)
		case "--plantuml":
			err = textdiagram.WritePlantUML(&b, records, topt)
		default:
			continue // written as the run went
		}
		if err == nil {
			err = unwrapPath(os.WriteFile(f.path, b.Bytes(), 0o644))
		}
		if err != nil {
			errs = append(errs, f.errorf("%v", err))
		}
	}
	return errs
}
