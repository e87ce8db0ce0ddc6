//go:build linux

package kernel

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// nsPrefix starts the name of every namespace the harness makes:
// tcpsim-<pid>-<n>-c and -s. The pid lets a later run remove what a killed
// one left behind, and nothing else.
const nsPrefix = "tcpsim-"

// netnsDir is where iproute2 keeps named namespaces (ip-netns(8)).
const netnsDir = "/run/netns"

// sysSetns is setns(2)'s number on this architecture (the syscall package
// has no name for it); 0 where it is not known here.
var sysSetns = map[string]uintptr{
	"amd64": 308, "arm64": 268, "riscv64": 268, "loong64": 268,
	"386": 346, "arm": 375, "ppc64": 350, "ppc64le": 350, "s390x": 339,
}[runtime.GOARCH]

// Capability bits (linux/capability.h).
const (
	capNetAdmin = 12
	capSysAdmin = 21
)

// Check reports whether this process can run the harness: an error
// wrapping ErrNotPermitted without the privileges, or ErrUnavailable
// without a TUN device or iproute2.
func Check() error {
	if sysSetns == 0 {
		return fmt.Errorf("%w: the harness does not know setns(2) on %s", ErrUnavailable, runtime.GOARCH)
	}
	caps, err := effectiveCaps()
	if err != nil {
		return fmt.Errorf("%w: reading the process's capabilities: %v", ErrUnavailable, err)
	}
	if caps&(1<<capNetAdmin) == 0 || caps&(1<<capSysAdmin) == 0 {
		return ErrNotPermitted
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		return fmt.Errorf("%w: no TUN device (/dev/net/tun): %v", ErrUnavailable, err)
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return fmt.Errorf("%w: the ip command (iproute2) is not installed", ErrUnavailable)
	}
	return nil
}

// effectiveCaps reads the effective capability set from /proc/self/status.
func effectiveCaps() (uint64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "CapEff:"); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
	}
	return 0, errors.New("no CapEff line in /proc/self/status")
}

// nsCount numbers the namespaces of this process.
var nsCount atomic.Uint64

// namespace is a named network namespace the harness made.
type namespace struct {
	name string
}

// newNamespace makes an empty network namespace (only a loopback device,
// down) named after this process.
func newNamespace(side string) (*namespace, error) {
	n := &namespace{name: fmt.Sprintf("%s%d-%d-%s", nsPrefix, os.Getpid(), nsCount.Add(1), side)}
	if err := ip("netns", "add", n.name); err != nil {
		return nil, fmt.Errorf("%w: making a network namespace: %v", ErrUnavailable, err)
	}
	return n, nil
}

func (n *namespace) path() string { return filepath.Join(netnsDir, n.name) }

// remove deletes the namespace. The kernel frees it, and the devices in
// it, once no socket or device file of it is left open.
func (n *namespace) remove() error { return ip("netns", "del", n.name) }

// do runs f on an OS thread that has entered the namespace: sockets and
// TUN devices made there belong to it, and /proc/sys/net is its own. The
// thread never leaves: it ends with f's goroutine (Go terminates a thread
// whose goroutine exits locked to it), so no other goroutine ever runs in
// the namespace by mistake.
func (n *namespace) do(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: see above
		fd, err := syscall.Open(n.path(), syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			errc <- fmt.Errorf("opening namespace %s: %w", n.name, err)
			return
		}
		_, _, e := syscall.RawSyscall(sysSetns, uintptr(fd), syscall.CLONE_NEWNET, 0)
		syscall.Close(fd)
		if e != 0 {
			errc <- fmt.Errorf("entering namespace %s: %w", n.name, e)
			return
		}
		errc <- f()
	}()
	return <-errc
}

// setSysctls writes the settings under the namespace's /proc/sys/net.
func (n *namespace) setSysctls(ss []sysctl) error {
	return n.do(func() error {
		for _, s := range ss {
			p := "/proc/sys/net/" + s.key
			if err := os.WriteFile(p, []byte(s.value+"\n"), 0); err != nil {
				return fmt.Errorf("sysctl net/%s = %s: %w", s.key, s.value, err)
			}
		}
		return nil
	})
}

// hasSysctl reports whether the kernel has the setting.
func hasSysctl(key string) bool {
	_, err := os.Stat("/proc/sys/net/" + key)
	return err == nil
}

// TUN ioctl and flags (linux/if_tun.h).
const (
	tunSetIff = 0x400454ca // TUNSETIFF
	iffTun    = 0x0001
	iffNoPI   = 0x1000
)

// tunName is the TUN device's name in each namespace.
const tunName = "tcpsim0"

// openTUN makes a TUN device in the namespace and returns its file, in
// non-blocking mode so that reads wait in Go's poller and Close ends them.
// Packets are whole IP packets without a header of TUN's own (IFF_NO_PI).
func (n *namespace) openTUN() (*os.File, error) {
	var f *os.File
	err := n.do(func() error {
		fd, err := syscall.Open("/dev/net/tun", syscall.O_RDWR|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err != nil {
			return fmt.Errorf("opening /dev/net/tun: %w", err)
		}
		var req [40]byte // struct ifreq: the name, then the flags
		copy(req[:], tunName)
		*(*uint16)(unsafe.Pointer(&req[16])) = iffTun | iffNoPI
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), tunSetIff, uintptr(unsafe.Pointer(&req[0]))); e != 0 {
			syscall.Close(fd)
			return fmt.Errorf("making TUN device: %w", e)
		}
		f = os.NewFile(uintptr(fd), "tun:"+n.name)
		return nil
	})
	return f, err
}

// configure brings the namespace's TUN up with address self and a route
// to peer only, with the route's extra attributes; mtu is the device's.
func (n *namespace) configure(self, peer netip.Addr, mtu int, route []string) error {
	steps := [][]string{
		{"link", "set", "dev", tunName, "mtu", strconv.Itoa(mtu), "up"},
		{"addr", "add", self.String() + "/32", "dev", tunName},
		append([]string{"route", "add", peer.String() + "/32", "dev", tunName, "src", self.String()}, route...),
	}
	for _, s := range steps {
		if err := ip(append([]string{"-n", n.name}, s...)...); err != nil {
			return err
		}
	}
	return nil
}

// ip runs the ip command.
func ip(args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.Command("ip", args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// removeStale removes the namespaces that runs of processes no longer alive
// left behind (a run killed with SIGKILL cannot clean up). Only names of
// the harness's own form, tcpsim-<pid>-<n>-<side>, are touched.
func removeStale() {
	entries, err := os.ReadDir(netnsDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), nsPrefix)
		if !ok {
			continue
		}
		parts := strings.Split(rest, "-")
		if len(parts) != 3 || (parts[2] != "c" && parts[2] != "s") {
			continue
		}
		pid, err := strconv.Atoi(parts[0])
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			_ = ip("netns", "del", e.Name())
		}
	}
}
