package kernel

import "time"

// waker wakes the relay's loop at the engine's next event.
type waker interface {
	C() <-chan struct{}
	Set(d time.Duration) // wake d from now, replacing any earlier Set
	Stop()
	Close()
}

// timeWaker is a waker on a Go timer: portable, and up to about a
// millisecond late on Linux.
type timeWaker struct {
	t *time.Timer
	c chan struct{}
}

func newTimeWaker() *timeWaker {
	w := &timeWaker{c: make(chan struct{}, 1)}
	w.t = time.AfterFunc(time.Hour, func() {
		select {
		case w.c <- struct{}{}:
		default:
		}
	})
	w.t.Stop()
	return w
}

func (w *timeWaker) C() <-chan struct{}  { return w.c }
func (w *timeWaker) Set(d time.Duration) { w.t.Reset(d) }
func (w *timeWaker) Stop()               { w.t.Stop() }
func (w *timeWaker) Close()              { w.t.Stop() }
