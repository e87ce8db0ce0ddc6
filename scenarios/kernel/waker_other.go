//go:build !linux

package kernel

func newWaker() waker { return newTimeWaker() }
