//go:build linux

package kernel

import (
	"bufio"
	"compress/gzip"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// kernelHZ returns the running kernel's CONFIG_HZ, the tick of its timer
// wheel (what a scenario's timer_hz models), from /proc/config.gz or
// /boot/config-RELEASE; false when neither says.
var kernelHZ = sync.OnceValues(func() (int, bool) {
	if f, err := os.Open("/proc/config.gz"); err == nil {
		defer f.Close()
		if z, err := gzip.NewReader(f); err == nil {
			if hz, ok := configHZ(z); ok {
				return hz, true
			}
		}
	}
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return 0, false
	}
	var rel strings.Builder
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		rel.WriteByte(byte(c))
	}
	f, err := os.Open("/boot/config-" + rel.String())
	if err != nil {
		return 0, false
	}
	defer f.Close()
	return configHZ(f)
})

// configHZ finds CONFIG_HZ=N in a kernel configuration.
func configHZ(r io.Reader) (int, bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "CONFIG_HZ="); ok {
			hz, err := strconv.Atoi(v)
			return hz, err == nil && hz > 0
		}
	}
	return 0, false
}
