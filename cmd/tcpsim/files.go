package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// An output file is written whole or not at all. It is written to a
// temporary file in its destination's folder, which is renamed over the
// destination once complete: a reader never sees half a pcap, and a file
// that was there stays as it was until the new one is whole. An error
// removes the temporary file and names the output; so does SIGINT or
// SIGTERM, which then ends tcpsim with status 130 or 143 (128 + the
// signal's number, as shells report it). A destination that is not a
// regular file (/dev/null, a FIFO) is written in place, as is a file that
// may be written in a folder that may not; "-" is stdout.

// fileState is where an output file is in its life.
type fileState uint8

const (
	filePlanned fileState = iota // not opened yet
	fileOpen                     // being written
	fileDone                     // complete, in place
	fileFailed                   // not written
)

// fileSet is the output files of one run.
type fileSet struct {
	mu     sync.Mutex // guards the states, and renames against a signal
	files  []*outFile
	stdout io.Writer
	stderr io.Writer
	seq    int // for temporary names
}

// outFile is one output file of a fileSet.
type outFile struct {
	outputFile
	set   *fileSet
	state fileState
	w     io.Writer // what the output writes to: the temporary file, the file in place, or stdout
	f     *os.File  // nil for stdout
	tmp   string    // the temporary file; "" when written in place or to stdout
	dest  string    // the file renamed over: path, or the file a symbolic link names
	mode  fs.FileMode
}

// newFileSet returns the files of a run, none opened yet.
func newFileSet(files []outputFile, stdout, stderr io.Writer) *fileSet {
	s := &fileSet{stdout: stdout, stderr: stderr}
	for _, f := range files {
		s.files = append(s.files, &outFile{outputFile: f, set: s})
	}
	return s
}

// file returns the outFile of f.
func (s *fileSet) file(f outputFile) *outFile {
	for _, of := range s.files {
		if of.outputFile == f {
			return of
		}
	}
	panic("no such output file: " + f.flag + " " + f.path)
}

// open opens f for writing. It returns an error naming the file.
func (s *fileSet) open(f outputFile) (*outFile, error) {
	of := s.file(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := of.open(); err != nil {
		of.state = fileFailed
		return nil, of.errorf("%v; not written", err)
	}
	of.state = fileOpen
	return of, nil
}

func (of *outFile) open() error {
	if of.path == "-" {
		of.w = of.set.stdout
		return nil
	}
	of.dest, of.mode = of.path, 0o666
	if p, err := filepath.EvalSymlinks(of.path); err == nil {
		of.dest = p // write where a link points, and keep the link
	}
	fi, err := os.Stat(of.dest)
	exists := err == nil
	inPlace := func() error {
		f, err := os.OpenFile(of.dest, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return unwrapPath(err)
		}
		of.f, of.w = f, f
		return nil
	}
	switch {
	case exists && !fi.Mode().IsRegular():
		return inPlace() // a device or a FIFO, as a shell would
	case exists:
		of.mode = fi.Mode().Perm() // the new file keeps the old one's permissions
	}
	dir, base := filepath.Split(of.dest)
	for {
		of.set.seq++
		of.tmp = filepath.Join(dir, "."+base+".tcpsim-"+strconv.Itoa(os.Getpid())+"-"+strconv.Itoa(of.set.seq))
		f, err := os.OpenFile(of.tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666) // less the umask
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			of.tmp = ""
			if exists && errors.Is(err, fs.ErrPermission) {
				return inPlace() // a file that may be written in a folder that may not
			}
			return unwrapPath(err)
		}
		if of.mode != 0o666 {
			if err := f.Chmod(of.mode); err != nil {
				f.Close()
				os.Remove(of.tmp)
				return unwrapPath(err)
			}
		}
		of.f, of.w = f, f
		return nil
	}
}

// Write writes to the file.
func (of *outFile) Write(p []byte) (int, error) { return of.w.Write(p) }

// finish ends the file after its writer flushed it with err: it closes it
// and puts it in place, or removes it when anything failed. It returns
// the error, naming the file, or nil.
func (of *outFile) finish(err error) error {
	s := of.set
	if of.f != nil {
		if cerr := of.f.Close(); err == nil {
			err = unwrapPath(cerr)
		}
	}
	// A signal handler that got the lock first keeps it until tcpsim
	// ends: the file is then never put in place.
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && of.tmp != "" {
		err = unwrapPath(os.Rename(of.tmp, of.dest))
	}
	if err != nil {
		of.state = fileFailed
		if of.tmp != "" {
			os.Remove(of.tmp)
		}
		err = unwrapPath(err) // the message names the file already
		if of.path == "-" {
			return of.errorf("writing to stdout: %v", err)
		}
		return of.errorf("%v; not written", err)
	}
	of.state = fileDone
	return nil
}

// watchSignals makes SIGINT and SIGTERM remove the files being written,
// name every file not written, and end tcpsim with status 130 or 143. It
// returns the function that stops watching.
func (s *fileSet) watchSignals() (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			os.Exit(s.interrupt(sig))
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// interrupt removes the files being written, names every file not
// written, and returns the exit status for sig. It keeps the lock: no file
// is put in place after it.
func (s *fileSet) interrupt(sig os.Signal) int {
	s.mu.Lock()
	code := exitFailed
	if n, ok := sig.(syscall.Signal); ok {
		code = 128 + int(n)
	}
	fmt.Fprintf(s.stderr, "tcpsim: interrupted (%v)\n", sig)
	for _, of := range s.files {
		switch of.state {
		case fileDone, fileFailed:
			continue
		case fileOpen:
			if of.f != nil {
				of.f.Close()
			}
			if of.tmp != "" {
				os.Remove(of.tmp)
			}
		}
		if of.path != "-" {
			fmt.Fprintf(s.stderr, "tcpsim: %s %s: not written\n", of.flag, of.path)
		}
	}
	return code
}
