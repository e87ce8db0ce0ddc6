package tcp

// send's fast paths (output.go): new data goes through sendNew, which
// knows in advance what label and commit would find, and the RFC's buffer
// remembers the window it chose last (chooseWindow). These tests hold
// them to the general path: the same transfers, run once with them and
// once without, must send the same segments at the same times and write
// the same trace records (among them the send records, with the labels).

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tcpsim/tcpsim/trace"
	"github.com/tcpsim/tcpsim/wire"
)

func TestSendFastPath_AgreesWithGeneralPath(t *testing.T) {
	ts := func(c *Config) { c.Timestamps = true }
	small := func(c *Config) { c.RecvBuffer = 8 << 10 }
	cases := []pathCase{
		{name: "rfc bulk", profile: "rfc", send: 2 << 20},
		{name: "rfc request and reply, timestamps", profile: "rfc", send: 300 << 10, reply: 500 << 10, tweak: ts},
		{name: "rfc losses, duplicates, reordering, SACK", profile: "rfc", send: 1 << 20, reply: 100 << 10,
			loss: 0.02, dup: 0.02, delay: 0.03, tweak: func(c *Config) { ts(c); c.SACK = true }},
		{name: "rfc slow reader, small buffer", profile: "rfc", send: 200 << 10, readEvery: 7 * time.Millisecond, readBytes: 3000, tweak: small},
		{name: "rfc reader pauses", profile: "rfc", send: 1 << 20, pause: true, tweak: small},
		{name: "rfc no delayed ACKs", profile: "rfc", send: 1 << 20, tweak: func(c *Config) { c.DelayedACK = 0 }},
		{name: "rfc no window scaling, Nagle off", profile: "rfc", send: 300 << 10, reply: 70 << 10,
			tweak: func(c *Config) { c.WindowScaling = false; c.NoDelay = true }},
		{name: "linux bulk", profile: "linux", send: 2 << 20},
		{name: "linux request and reply", profile: "linux", send: 300 << 10, reply: 500 << 10},
		{name: "linux losses, duplicates, reordering", profile: "linux", send: 1 << 20, reply: 100 << 10,
			loss: 0.02, dup: 0.02, delay: 0.03},
		{name: "linux reader pauses", profile: "linux", send: 1 << 20, pause: true, tweak: small},
	}
	for _, pc := range cases {
		t.Run(pc.name, func(t *testing.T) {
			fast := runPath(t, pc, false)
			pc.noSendFastPath = true
			general := runPath(t, pc, false)
			require.Equal(t, pc.send, fast.delivered, "the server read all the client sent")
			newData := 0 // segments of data without a label, as sendNew sends them
			for _, r := range fast.records {
				if r.Kind == trace.KindSend && r.Pkt.Seg.Len > 0 && r.Pkt.Labels == 0 {
					newData++
				}
			}
			require.Greater(t, newData, len(fast.sent)/3, "most segments are new data")
			require.Equal(t, general.sent, fast.sent, "the segments sent")
			requireSameRecords(t, general.records, fast.records, "general", "fast")
		})
	}
}

// TestSendFastPath_RandomExchangesAgree plays a peer that does random
// things to two connections alike, one with send's fast paths and one
// without: the application writes and reads at random, the peer sends
// data in order and out of order (duplicate ACKs), ACKs what it likes and
// opens and closes its window, and time passes (delayed ACKs,
// retransmissions, probes). Both must send the same segments, labels
// included, and write the same records.
func TestSendFastPath_RandomExchangesAgree(t *testing.T) {
	configs := []struct {
		name string
		cfg  func(t *testing.T) Config
	}{
		{"rfc", func(*testing.T) Config { return testConfig() }},
		{"rfc delayed ACKs, small buffer", func(*testing.T) Config {
			cfg := testConfig()
			cfg.DelayedACK, cfg.RecvBuffer = 200*time.Millisecond, 4096
			return cfg
		}},
		{"linux", linuxConfig},
		{"linux small buffer", func(t *testing.T) Config {
			cfg := linuxConfig(t)
			cfg.RecvBuffer = 4096
			return cfg
		}},
	}
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			for seed := uint64(1); seed <= 25; seed++ {
				randomExchange(t, tc.cfg(t), seed)
			}
		})
	}
}

// randomExchange is one run of TestSendFastPath_RandomExchangesAgree.
func randomExchange(t *testing.T, cfg Config, seed uint64) {
	fast, general := newEstablishedCfg(t, cfg), newEstablishedCfg(t, cfg)
	general.host.noSendFastPath = true
	general.conn.winMemo = rfcWindowMemo{} // what the handshake's ACK left
	fast.autoRead, general.autoRead = false, false
	both := func(f func(h *harness)) { f(fast); f(general) }
	rng := rand.New(rand.NewPCG(seed, 0))
	now := ms(50)
	checked := 0 // segments compared
	for step := 0; step < 400 && fast.conn.State() == StateEstablished; step++ {
		now = now.Add(time.Duration(rng.IntN(40)) * time.Millisecond)
		c := fast.conn
		ack := c.sndUna.Add(uint32(rng.IntN(int(c.sndUna.Size(c.sndMax)) + 1)))
		win := []uint32{0, 700, 3000, 65535}[rng.IntN(4)]
		switch op := rng.IntN(7); {
		case op == 0: // short writes (Nagle) as often as long ones
			if n := min(1+rng.IntN([]int{300, 5000}[rng.IntN(2)]), c.WriteSpace()); n > 0 {
				both(func(h *harness) { h.write(now, n) })
			}
		case op == 1 && c.Readable() > 0:
			n := 1 + rng.IntN(c.Readable())
			both(func(h *harness) { h.read(now, n) })
		case op <= 3: // in order, within the window offered; at times read at once
			n := min(uint32(rng.IntN(1461)), c.offered())
			s := seg{seq: c.rcvNxt, ack: ack, flags: wire.ACK, len: n, win: win, zeroWin: win == 0}
			both(func(h *harness) { h.send(now, s) })
			if unread := c.Readable(); n > 0 && unread >= int(n) && rng.IntN(2) == 0 {
				both(func(h *harness) { h.read(now, int(n)) }) // RCV.NXT moves, the bytes unread do not
			}
		case op == 4: // out of order: a duplicate ACK comes back
			s := seg{seq: c.rcvNxt.Add(uint32(500 + rng.IntN(3000))), ack: ack, flags: wire.ACK, len: uint32(1 + rng.IntN(1000)), win: win, zeroWin: win == 0}
			both(func(h *harness) { h.send(now, s) })
		default:
			both(func(h *harness) { h.advance(now) })
		}
		for ; checked < min(len(general.out), len(fast.out)); checked++ {
			if g, f := general.out[checked], fast.out[checked]; g != f {
				t.Fatalf("seed %d, step %d: segment %d differs:\n general: %v %+v\n fast:    %v %+v", seed, step, checked,
					g.pkt.Seg.String(), g.pkt, f.pkt.Seg.String(), f.pkt)
			}
		}
		require.Equal(t, len(general.out), len(fast.out), "seed %d, step %d: segments sent", seed, step)
	}
	require.Greater(t, len(fast.out), 50, "seed %d: segments sent", seed)
	require.Equal(t, len(general.log.Records), len(fast.log.Records), "seed %d: the number of trace records", seed)
	for i := range general.log.Records {
		if !reflect.DeepEqual(general.log.Records[i], fast.log.Records[i]) {
			t.Fatalf("seed %d: trace record %d differs:\n general: %+v\n fast:    %+v", seed, i, general.log.Records[i], fast.log.Records[i])
		}
	}
}
