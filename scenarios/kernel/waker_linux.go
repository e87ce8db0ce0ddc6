//go:build linux

package kernel

import (
	"os"
	"syscall"
	"time"
	"unsafe"
)

// timerfd flags (linux/timerfd.h) and the clock (linux/time.h).
const (
	clockMonotonic = 1
	tfdNonblock    = syscall.O_NONBLOCK
	tfdCloexec     = syscall.O_CLOEXEC
)

// timerWaker wakes the relay through a timerfd. Go's own timers fire up to
// a millisecond late on Linux (its poller sleeps in whole milliseconds),
// which would add a millisecond to every hop; a timerfd becoming readable
// wakes the poller at once, within microseconds of the deadline.
type timerWaker struct {
	f  *os.File
	fd int
	c  chan struct{}
}

// newWaker returns a timerfd waker, or a plain timer if the kernel will not
// make a timerfd.
func newWaker() waker {
	fd, _, e := syscall.Syscall(syscall.SYS_TIMERFD_CREATE, clockMonotonic, tfdNonblock|tfdCloexec, 0)
	if e != 0 {
		return newTimeWaker()
	}
	w := &timerWaker{f: os.NewFile(fd, "timerfd"), fd: int(fd), c: make(chan struct{}, 1)}
	go func() {
		var b [8]byte // the count of expiries
		for {
			if _, err := w.f.Read(b[:]); err != nil {
				return // closed
			}
			select {
			case w.c <- struct{}{}:
			default:
			}
		}
	}()
	return w
}

type itimerspec struct {
	interval, value syscall.Timespec
}

func (w *timerWaker) C() <-chan struct{} { return w.c }

// Set arms the timer d from now (a moment from now if d ≤ 0), replacing
// any earlier arming. A wake from an earlier arming may still come: the
// relay takes every wake as a cue to look at the clock, no more.
func (w *timerWaker) Set(d time.Duration) {
	spec := itimerspec{value: syscall.NsecToTimespec(max(int64(d), 1))}
	syscall.Syscall6(syscall.SYS_TIMERFD_SETTIME, uintptr(w.fd), 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
}

// Stop disarms the timer.
func (w *timerWaker) Stop() {
	var spec itimerspec
	syscall.Syscall6(syscall.SYS_TIMERFD_SETTIME, uintptr(w.fd), 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
}

// Close releases the timerfd; its reader ends.
func (w *timerWaker) Close() { w.f.Close() }
