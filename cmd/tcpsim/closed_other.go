//go:build !linux

package main

// stdoutClosed reports whether tcpsim was started with its standard output
// closed. Only Linux tells (closed_linux.go).
func stdoutClosed() bool { return false }
