//go:build linux

package kernel

import (
	"fmt"
	"net"
	"syscall"
	"time"
)

// tcpUserTimeout is TCP_USER_TIMEOUT (linux/tcp.h), which the syscall
// package does not name.
const tcpUserTimeout = 18

// control sets the options that must be set before a socket connects or
// listens: the buffers (the window scale is chosen from them), the MSS it
// announces, and the user timeout (which applies to the SYN too). A
// listening socket's accepted sockets inherit them.
func (o sockOpts) control(_, _ string, rc syscall.RawConn) error {
	var err error
	cerr := rc.Control(func(fd uintptr) {
		set := func(level, opt, v int, name string) {
			if err == nil {
				if e := syscall.SetsockoptInt(int(fd), level, opt, v); e != nil {
					err = fmt.Errorf("setsockopt %s %d: %w", name, v, e)
				}
			}
		}
		if o.sndBuf > 0 {
			set(syscall.SOL_SOCKET, syscall.SO_SNDBUF, o.sndBuf, "SO_SNDBUF")
		}
		if o.rcvBuf > 0 {
			set(syscall.SOL_SOCKET, syscall.SO_RCVBUF, o.rcvBuf, "SO_RCVBUF")
		}
		if o.mss > 0 {
			set(syscall.IPPROTO_TCP, syscall.TCP_MAXSEG, o.mss, "TCP_MAXSEG")
		}
		if o.userTimeout > 0 {
			set(syscall.IPPROTO_TCP, tcpUserTimeout, int(o.userTimeout/time.Millisecond), "TCP_USER_TIMEOUT")
		}
		if o.congestion != "" && err == nil {
			// TCP_CONGESTION (tcp_set_congestion_control): root may pick
			// any algorithm; an accepted socket keeps its listener's
			// (tcp_ca_openreq_child: icsk_ca_setsockopt).
			if e := syscall.SetsockoptString(int(fd), syscall.IPPROTO_TCP, syscall.TCP_CONGESTION, o.congestion); e != nil {
				err = fmt.Errorf("setsockopt TCP_CONGESTION %s: %w", o.congestion, e)
			}
		}
	})
	if cerr != nil {
		return cerr
	}
	return err
}

// afterConnect sets the options of a connected socket: Nagle (Go turns it
// off on every connection it makes, so it is set back as the scenario
// says), keepalive, and the user timeout again for an accepted socket.
func (o sockOpts) afterConnect(c *net.TCPConn) error {
	if err := c.SetNoDelay(o.noDelay); err != nil {
		return fmt.Errorf("TCP_NODELAY: %w", err)
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	cerr := rc.Control(func(fd uintptr) {
		set := func(level, opt, v int, name string) {
			if serr == nil {
				if e := syscall.SetsockoptInt(int(fd), level, opt, v); e != nil {
					serr = fmt.Errorf("setsockopt %s %d: %w", name, v, e)
				}
			}
		}
		if o.keepalive {
			set(syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE, o.keepIdle, "TCP_KEEPIDLE")
			set(syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, o.keepIntvl, "TCP_KEEPINTVL")
			set(syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT, o.keepCnt, "TCP_KEEPCNT")
			set(syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 1, "SO_KEEPALIVE")
		}
		if o.userTimeout > 0 {
			set(syscall.IPPROTO_TCP, tcpUserTimeout, int(o.userTimeout/time.Millisecond), "TCP_USER_TIMEOUT")
		}
	})
	if cerr != nil {
		return cerr
	}
	return serr
}
