//go:build linux

package kernel

import (
	"errors"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/tcpsim/tcpsim/sim"
)

// This file holds a connection's socket work: the goroutines that block
// on it (a writer and a reader) and its closing. They report to the
// application's loop as events (app_linux.go).

// close closes the socket and stops its reader.
func (k *conn) close() {
	select {
	case <-k.stop:
	default:
		close(k.stop)
	}
	if !k.shut {
		k.shut = true
		close(k.writes)
	}
	k.c.Close()
}

// blockedWrite is how long a write may take and still be recorded when it
// was made; one that blocked longer (the send buffer was full) is recorded
// when the kernel had taken its bytes.
const blockedWrite = 10 * time.Millisecond

// writer writes what the loop hands it, in order, and reports each write.
// After an error it discards the rest.
func (a *app) writer(k *conn) {
	defer a.run.wg.Done()
	buf := make([]byte, 64<<10)
	var failed error
	for n := range k.writes {
		if failed != nil {
			a.send(evWrote{k: k, discarded: n, err: failed})
			continue
		}
		for n > 0 {
			start := a.now()
			w, err := k.c.Write(buf[:min(n, int64(len(buf)))])
			at := a.now()
			if at.Sub(start) < blockedWrite {
				at = start
			}
			n -= int64(w)
			if err != nil {
				failed = err
				a.send(evWrote{k: k, at: at, n: w, discarded: n, err: err})
				break
			}
			a.send(evWrote{k: k, at: at, n: w})
		}
	}
}

// reader reads as the scenario's reader says and reports what it read, the
// end of the stream, or the error that ended the connection.
func (a *app) reader(k *conn) {
	defer a.run.wg.Done()
	rd := &a.cfg.Reader
	if rd.Every > 0 {
		a.slowReader(k)
		return
	}
	buf := make([]byte, 64<<10)
	for {
		now := a.now()
		if end, paused := a.pausedUntil(now); paused {
			if !a.sleep(k, end) {
				return
			}
			continue
		}
		// A read in progress when a pause begins would read what arrives
		// during it: the deadline ends the read at the pause.
		var deadline time.Time
		if next, ok := a.nextPause(now); ok {
			deadline = a.run.rec.wall(next)
		}
		k.c.SetReadDeadline(deadline)
		n, err := k.c.Read(buf)
		if n > 0 {
			a.send(evRead{k, n})
		}
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded):
		case errors.Is(err, io.EOF):
			a.send(evEOF{k})
			return
		default:
			if !isClosed(k) {
				a.send(evError{k, err})
			}
			return
		}
	}
}

// slowReader takes at most Bytes every Every, nothing during a pause, from
// the first tick one Every after the connection was established.
func (a *app) slowReader(k *conn) {
	rd := &a.cfg.Reader
	buf := make([]byte, min(rd.Bytes, 1<<20))
	raw, err := k.c.SyscallConn()
	if err != nil {
		a.send(evError{k, err})
		return
	}
	next := a.now().Add(rd.Every)
	for {
		if !a.sleep(k, next) {
			return
		}
		next = next.Add(rd.Every)
		if _, paused := a.pausedUntil(a.now()); paused {
			continue
		}
		var n int
		var rerr error
		// A read that does not wait: what the socket holds now, up to Bytes.
		cerr := raw.Read(func(fd uintptr) bool {
			n, rerr = syscall.Read(int(fd), buf)
			return true
		})
		switch {
		case cerr != nil:
			if !isClosed(k) {
				a.send(evError{k, cerr})
			}
			return
		case rerr == syscall.EAGAIN:
		case rerr != nil:
			a.send(evError{k, rerr})
			return
		case n == 0:
			a.send(evEOF{k})
			return
		default:
			a.send(evRead{k, n})
			if peekEOF(raw) {
				// The simulated server closes as soon as a read leaves
				// nothing but the peer's FIN (scenarios/world's
				// maybeClose: PeerClosed and nothing readable); a real
				// read would see the end only at the next tick.
				a.send(evEOF{k})
				return
			}
		}
	}
}

// peekEOF reports whether the socket holds nothing but the end of the
// stream: a recv that neither waits nor consumes returns 0.
func peekEOF(raw syscall.RawConn) bool {
	var n int
	var err error
	b := make([]byte, 1)
	if cerr := raw.Read(func(fd uintptr) bool {
		n, _, err = syscall.Recvfrom(int(fd), b, syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true
	}); cerr != nil {
		return false
	}
	return err == nil && n == 0
}

// sleep waits until run time t; false when the connection or the run ended first.
func (a *app) sleep(k *conn, t sim.Time) bool {
	tm := time.NewTimer(time.Until(a.run.rec.wall(t)))
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-k.stop:
		return false
	case <-a.run.ctx.Done():
		return false
	}
}

func isClosed(k *conn) bool {
	select {
	case <-k.stop:
		return true
	default:
		return false
	}
}
