//go:build linux

package kernel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

// These tests run scenarios on the real kernel. They need root (or
// CAP_NET_ADMIN and CAP_SYS_ADMIN), a TUN device and iproute2; without
// them they skip, unless TCPSIM_REQUIRE_TOOLS=1 makes that a failure (CI).

// needKernel skips (or fails) the test when the harness cannot run here.
func needKernel(t *testing.T) {
	t.Helper()
	err := Check()
	if err == nil {
		return
	}
	if os.Getenv("TCPSIM_REQUIRE_TOOLS") == "1" {
		t.Fatalf("TCPSIM_REQUIRE_TOOLS=1 and the kernel harness cannot run here: %v", err)
	}
	t.Skipf("the kernel harness cannot run here: %v. Run the tests as root (CI does), "+
		"or set TCPSIM_REQUIRE_TOOLS=1 to make this a failure", err)
}

// ourNamespaces lists the namespaces this process has made and not removed.
func ourNamespaces(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "list").Output()
	require.NoError(t, err)
	var ours []string
	prefix := fmt.Sprintf("%s%d-", nsPrefix, os.Getpid())
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], prefix) {
			ours = append(ours, f[0]) // "name" or "name (id: 3)"
		}
	}
	return ours
}

// runKernel runs a built-in scenario on the kernel and returns its records.
func runKernel(t *testing.T, name string, pcap io.Writer) ([]trace.Record, *Result) {
	t.Helper()
	needKernel(t)
	s, err := scenarios.Load(name)
	require.NoError(t, err)
	var log trace.Log
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := Run(ctx, s, &log, Options{Pcap: pcap, MaxDuration: 10 * time.Second})
	if errors.Is(err, ErrUnavailable) && os.Getenv("TCPSIM_REQUIRE_TOOLS") != "1" {
		t.Skipf("the kernel harness cannot run here: %v", err)
	}
	require.NoError(t, err)
	return log.Records, res
}

// sends returns the send records.
func sends(records []trace.Record) []trace.Record {
	var out []trace.Record
	for _, r := range records {
		if r.Kind == trace.KindSend {
			out = append(out, r)
		}
	}
	return out
}

// describe writes a send as the assertions spell it: "client SYN seq=100 ack=0 len=0".
func describe(r trace.Record) string {
	s := &r.Pkt.Seg
	return fmt.Sprintf("%s %v seq=%d ack=%d len=%d", r.Node, s.Flags, s.Seq, s.Ack, s.Len)
}

// TestKernel runs built-in scenarios on the kernel, side by side, and then
// checks that they left no namespace behind.
func TestKernel(t *testing.T) {
	needKernel(t)
	t.Run("group", func(t *testing.T) {
		t.Run("handshake", testHandshake)
		t.Run("lost-segment", testLostSegment)
		t.Run("reboot", testReboot)
		t.Run("http-keepalive", testHTTPKeepAlive)
	})
	assert.Empty(t, ourNamespaces(t), "the runs left namespaces behind")
}

// testHandshake runs the handshake scenario on the kernel: the three-way
// handshake in order, numbered from the scenario's ISNs (100 and 300) as
// the relay renumbers them, the request and the reply, both FINs, and a
// run that ends by itself.
func testHandshake(t *testing.T) {
	t.Parallel()
	records, res := runKernel(t, "handshake", nil)
	assert.Equal(t, trace.EndFinished, res.Reason)
	assert.Zero(t, res.Skipped)
	assert.Equal(t, trace.KindRun, records[0].Kind)
	assert.Equal(t, trace.KindEnd, records[len(records)-1].Kind)

	s := sends(records)
	require.GreaterOrEqual(t, len(s), 3)
	assert.Equal(t, []string{
		"client SYN seq=100 ack=0 len=0",
		"server SYN,ACK seq=300 ack=101 len=0",
		"client ACK seq=101 ack=301 len=0",
	}, []string{describe(s[0]), describe(s[1]), describe(s[2])})
	assert.NotZero(t, s[0].Pkt.Seg.Opt.MSS, "the SYN carries an MSS option")

	var data [2]uint32
	var fins []string
	for _, r := range s {
		if r.Pkt.Seg.Len > 0 {
			data[map[string]int{"client": 0, "server": 1}[r.Node]] += r.Pkt.Seg.Len
		}
		if r.Pkt.Seg.Flags.Has(wire.FIN) {
			fins = append(fins, r.Node)
		}
		assert.Zero(t, r.Pkt.Labels&(trace.LabelRetransmission|trace.LabelFastRetransmission), "nothing is lost: %s", describe(r))
	}
	assert.Equal(t, [2]uint32{100, 200}, data, "the request and the reply")
	assert.Equal(t, []string{"client", "server"}, fins, "the client closes first")
}

// testLostSegment runs lost-segment on the kernel: the scenario's drop
// rule drops the client's 3rd data segment, the real kernel sends it
// again, and every byte reaches the server's application. The pcap holds
// every packet the kernels sent, the lost one included.
func testLostSegment(t *testing.T) {
	t.Parallel()
	var pcap bytes.Buffer
	records, res := runKernel(t, "lost-segment", &pcap)
	assert.Equal(t, trace.EndFinished, res.Reason)

	var lost *trace.Record
	var resent []trace.Record
	var read int64
	for i := range records {
		r := &records[i]
		switch {
		case r.Kind == trace.KindDrop:
			require.Nil(t, lost, "one drop only: %s", describe(*r))
			assert.Equal(t, "client", r.Node)
			assert.Equal(t, trace.Drop{Code: trace.DropRule, Rule: "data_segment 3"}, r.Drop)
			lost = r
		case r.Kind == trace.KindSend && lost != nil && r.Node == "client" && r.Pkt.Seg.Seq == lost.Pkt.Seg.Seq && r.Pkt.Seg.Len > 0:
			resent = append(resent, *r)
		case r.Kind == trace.KindApp && r.App == trace.AppRead && r.Node == "server":
			read += r.Value
		}
	}
	require.NotNil(t, lost, "the rule dropped nothing")
	assert.Greater(t, lost.Pkt.Seg.Len, uint32(0))
	require.NotEmpty(t, resent, "the kernel never sent the lost segment again")
	assert.NotZero(t, resent[0].Pkt.Labels&(trace.LabelRetransmission|trace.LabelFastRetransmission),
		"the resent segment is labelled a retransmission: %s", resent[0].Pkt.Labels)
	assert.Equal(t, int64(16<<10), read, "the server's application read everything")

	// The capture: raw IPv4, one packet per send record, the real bytes.
	rd, err := pcapgo.NewReader(&pcap)
	require.NoError(t, err)
	assert.Equal(t, layers.LinkTypeRaw, rd.LinkType())
	n := 0
	for {
		b, _, err := rd.ReadPacketData()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		_, err = wire.ParseIPv4(b)
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, len(sends(records)), n)
}

// runKernelFile runs the scenario file at path on the kernel.
func runKernelFile(t *testing.T, path string) ([]trace.Record, *Result) {
	t.Helper()
	s, err := scenarios.Load(path)
	require.NoError(t, err)
	var log trace.Log
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := Run(ctx, s, &log, Options{MaxDuration: 10 * time.Second})
	require.NoError(t, err)
	return log.Records, res
}

// testReboot runs the focused keepalive-reboot case: the server reboots at
// 1 s, silently (the RST of the old socket's abort never leaves: no send
// record of the server between the reboot and the probe), listens again,
// and its fresh stack answers the client's first keepalive probe with RST,
// which resets the client's connection.
func testReboot(t *testing.T) {
	t.Parallel()
	records, _ := runKernelFile(t, "testdata/keepalive-reboot.yaml")
	var rebootAt, probeAt time.Duration = -1, -1
	var afterReboot []string
	listens, resets := 0, 0
	for _, r := range records {
		switch {
		case r.Kind == trace.KindHost && r.Host == trace.HostReboot:
			assert.Equal(t, "server", r.Node)
			rebootAt = time.Duration(r.T)
		case r.Kind == trace.KindApp && r.App == trace.AppListen:
			listens++
		case r.Kind == trace.KindSend && rebootAt >= 0:
			afterReboot = append(afterReboot, describe(r))
			if r.Node == "client" && probeAt < 0 {
				probeAt = time.Duration(r.T)
			}
		case r.Kind == trace.KindAbort && r.Node == "client":
			assert.Equal(t, trace.AbortReset, r.Abort)
			resets++
		}
	}
	require.GreaterOrEqual(t, rebootAt, time.Duration(0), "no reboot record")
	assert.InDelta(t, float64(time.Second), float64(rebootAt), float64(50*time.Millisecond))
	assert.Equal(t, 2, listens, "the server listens again after the reboot")
	assert.Equal(t, []string{
		"client ACK seq=300 ack=601 len=0", // the keepalive probe (SND.UNA − 1)
		"server RST seq=601 ack=0 len=0",   // the fresh stack's answer, at the probe's ACK
	}, afterReboot)
	assert.Greater(t, probeAt, 2*time.Second, "the probe after 2 s idle")
	assert.Equal(t, 1, resets, "the client's connection is reset")
}

// testHTTPKeepAlive runs http-keepalive on the kernel: five GETs on one
// connection, each answered with its 1000-byte body and a head of the
// world's text (83 bytes), then the client's FIN.
func testHTTPKeepAlive(t *testing.T) {
	t.Parallel()
	records, res := runKernel(t, "http-keepalive", nil)
	assert.Equal(t, trace.EndFinished, res.Reason)
	var req, resp []uint32
	var syns, fins []string
	for _, r := range sends(records) {
		switch {
		case r.Pkt.Seg.Flags.Has(wire.SYN):
			syns = append(syns, r.Node)
		case r.Pkt.Seg.Len > 0 && r.Node == "client":
			req = append(req, r.Pkt.Seg.Len)
		case r.Pkt.Seg.Len > 0:
			resp = append(resp, r.Pkt.Seg.Len)
		}
		if r.Pkt.Seg.Flags.Has(wire.FIN) {
			fins = append(fins, r.Node)
		}
	}
	assert.Equal(t, []string{"client", "server"}, syns, "one connection")
	assert.Equal(t, []uint32{71, 71, 71, 71, 71}, req, "GET /n with its Host, User-Agent and Accept")
	assert.Equal(t, []uint32{1083, 1083, 1083, 1083, 1083}, resp, "the 83-byte head and the body")
	assert.Equal(t, []string{"client", "server"}, fins, "the client closes when it is done")
}

// TestNamespace_SysctlsStayInside sets a sysctl in a namespace of the
// harness and checks that the host's own value did not move.
func TestNamespace_SysctlsStayInside(t *testing.T) {
	needKernel(t)
	const key = "ipv4/tcp_syn_retries"
	host, err := os.ReadFile("/proc/sys/net/" + key)
	require.NoError(t, err)
	ns, err := newNamespace("c")
	require.NoError(t, err)
	defer func() {
		require.NoError(t, ns.remove())
		assert.Empty(t, ourNamespaces(t))
	}()
	want := "3"
	if strings.TrimSpace(string(host)) == want {
		want = "4"
	}
	require.NoError(t, ns.setSysctls([]sysctl{{key, want}}))
	var inside []byte
	require.NoError(t, ns.do(func() error {
		var err error
		inside, err = os.ReadFile("/proc/sys/net/" + key)
		return err
	}))
	assert.Equal(t, want, strings.TrimSpace(string(inside)))
	after, err := os.ReadFile("/proc/sys/net/" + key)
	require.NoError(t, err)
	assert.Equal(t, string(host), string(after), "the host's setting changed")
}

// TestKernelHZ_FromConfig reads CONFIG_HZ among the other lines.
func TestKernelHZ_FromConfig(t *testing.T) {
	hz, ok := configHZ(strings.NewReader("CONFIG_HZ_250=y\nCONFIG_HZ=250\nCONFIG_SCHED_HRTICK=y\n"))
	assert.True(t, ok)
	assert.Equal(t, 250, hz)
	_, ok = configHZ(strings.NewReader("CONFIG_NO_HZ=y\n"))
	assert.False(t, ok)
}
