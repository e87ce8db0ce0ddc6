package trace

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"

	"github.com/tcpsim/tcpsim/sim"
	"github.com/tcpsim/tcpsim/wire"
)

// maxLineBytes limits one line of a JSON-lines trace. The longest line the
// writer produces is a few hundred bytes plus its strings.
const maxLineBytes = 1 << 20

// ReadJSON reads the JSON-lines form that [JSONWriter] writes and hands each
// record to s in order, reusing one Record.
//
// It is the inverse of [AppendJSON] for every field AppendJSON writes, so a
// record read back writes the same bytes again. What the form does not hold
// stays zero: a packet's segment gets its ports from "sport" and "dport"
// with zero addresses, and Packet.Conn is set to the record's "conn". Keys
// a kind does not use are ignored, as are blank lines.
//
// It stops at the first line it cannot read, after handing s the records
// before it, and returns an error naming the line: a line that is not a JSON
// object, lacks "t_ns" or "event", has an unknown event, flag, label,
// timer, state, operation, variable or reason (any vocabulary word but a
// drop reason, where text that is no fixed reason is a drop rule's), a
// number out of its field's range, or more than
// [wire.MaxSACKBlocks] SACK blocks. Lines may be at most 1 MiB long.
func ReadJSON(r io.Reader, s Sink) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLineBytes)
	var rec Record
	var pkt Packet
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if isBlank(line) {
			continue
		}
		if err := decodeRecord(line, &rec, &pkt); err != nil {
			return fmt.Errorf("trace: line %d: %w", n, err)
		}
		s.Record(&rec)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("trace: line %d: longer than %d bytes", n+1, maxLineBytes)
		}
		return fmt.Errorf("trace: line %d: %w", n+1, err)
	}
	return nil
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// jsonRecord holds every key AppendJSON writes, typed as the Record field it
// comes from, so that encoding/json range-checks the numbers.
type jsonRecord struct {
	T     *int64  `json:"t_ns"`
	Event *string `json:"event"`

	Name  string `json:"name"` // run, var
	Seed  uint64 `json:"seed"` // run
	Node  string `json:"node"`
	Addr  string `json:"addr"` // node
	Conn  uint32 `json:"conn"`
	Value int64  `json:"value"` // var
	Bytes int64  `json:"bytes"` // app, msg, queue
	// Packets is a queue record's packets waiting.
	Packets int64  `json:"packets"`
	Offset  int64  `json:"offset"` // msg
	Text    string `json:"text"`   // msg

	// send, drop, deliver
	ID       uint64       `json:"id"`
	Src      string       `json:"src"`
	Dst      string       `json:"dst"`
	Sport    uint16       `json:"sport"`
	Dport    uint16       `json:"dport"`
	Seq      uint32       `json:"seq"`
	Ack      uint32       `json:"ack"`
	Flags    string       `json:"flags"`
	Len      uint32       `json:"len"`
	Win      uint32       `json:"win"`
	WndField uint16       `json:"wnd_field"`
	Options  *jsonOptions `json:"options"`
	Labels   []string     `json:"labels"`
	N        int64        `json:"n"` // also timer

	Reason string `json:"reason"` // drop, abort, end
	From   string `json:"from"`   // state
	To     string `json:"to"`     // state
	Timer  string `json:"timer"`  // timer
	Op     string `json:"op"`     // timer, app, host, link
	AtNs   int64  `json:"at_ns"`  // timer
}

type jsonOptions struct {
	MSS           uint16     `json:"mss"`
	WScale        *uint8     `json:"wscale"`
	SACKPermitted bool       `json:"sack_permitted"`
	TSVal         *uint32    `json:"tsval"`
	TSEcr         *uint32    `json:"tsecr"`
	SACK          [][]uint32 `json:"sack"`
}

// decodeRecord parses one line into r, overwriting all of it; a packet goes
// into pkt.
func decodeRecord(line []byte, r *Record, pkt *Packet) error {
	var j jsonRecord
	if err := json.Unmarshal(line, &j); err != nil {
		return err
	}
	if j.T == nil {
		return errors.New(`missing "t_ns"`)
	}
	if j.Event == nil {
		return errors.New(`missing "event"`)
	}
	kind, ok := ParseKind(*j.Event)
	if !ok {
		return fmt.Errorf("unknown event %q", *j.Event)
	}
	*r = Record{T: sim.Time(*j.T), Kind: kind}
	var err error

	switch kind {
	case KindRun:
		r.Name = j.Name
		r.Value = int64(j.Seed) // JSONWriter writes Value back as a uint64
	case KindNode:
		r.Node = j.Node
		if j.Addr != "" {
			a, err := netip.ParseAddr(j.Addr)
			if err != nil {
				return fmt.Errorf("bad addr: %w", err)
			}
			r.Addr = a
		}
	case KindSend, KindDrop, KindDeliver:
		*pkt = Packet{}
		r.Pkt = pkt
		if err := decodePacket(&j, r); err != nil {
			return err
		}
	case KindState:
		r.Node, r.Conn = j.Node, j.Conn
		if r.From, err = parse(ParseState, "state", j.From); err != nil {
			return err
		}
		if r.To, err = parse(ParseState, "state", j.To); err != nil {
			return err
		}
	case KindTimer:
		r.Node, r.Conn, r.Value = j.Node, j.Conn, j.N
		if r.Timer, err = parse(ParseTimer, "timer", j.Timer); err != nil {
			return err
		}
		if r.TimerOp, err = parse(ParseTimerOp, "timer op", j.Op); err != nil {
			return err
		}
		if r.TimerOp == TimerSet {
			r.At = sim.Time(j.AtNs)
		}
	case KindVar:
		r.Node, r.Conn, r.Value = j.Node, j.Conn, j.Value
		r.Var, err = parse(ParseVar, "variable", j.Name)
	case KindApp:
		r.Node, r.Conn, r.Value = j.Node, j.Conn, j.Bytes
		r.App, err = parse(ParseAppOp, "app op", j.Op)
	case KindAbort:
		r.Node, r.Conn = j.Node, j.Conn
		r.Abort, err = parse(ParseAbortCause, "abort reason", j.Reason)
	case KindHost:
		r.Node = j.Node
		r.Host, err = parse(ParseHostOp, "host op", j.Op)
	case KindLink:
		r.Node = j.Node
		r.Link, err = parse(ParseLinkOp, "link op", j.Op)
	case KindMsg:
		r.Node, r.Conn, r.Off, r.Value, r.Text = j.Node, j.Conn, j.Offset, j.Bytes, j.Text
		r.Msg, err = parse(ParseMsgOp, "message op", j.Op)
	case KindEnd:
		r.End, err = parse(ParseEndReason, "end reason", j.Reason)
	case KindQueue:
		r.Node, r.Value, r.Off = j.Node, j.Packets, j.Bytes
	}
	return err
}

// parse reads one vocabulary word with f, naming what in the error. ""
// is the zero value, which the writer writes for none.
func parse[T any](f func(string) (T, bool), what, s string) (T, error) {
	if s == "" {
		var zero T
		return zero, nil
	}
	v, ok := f(s)
	if !ok {
		return v, fmt.Errorf("unknown %s %q", what, s)
	}
	return v, nil
}

func decodePacket(j *jsonRecord, r *Record) error {
	r.Node, r.Peer, r.Conn = j.Src, j.Dst, j.Conn
	p := r.Pkt
	p.ID, p.Conn, p.Win = j.ID, j.Conn, j.Win
	if j.N < math.MinInt32 || j.N > math.MaxInt32 {
		return fmt.Errorf(`"n" %d out of range`, j.N)
	}
	p.N = int32(j.N)
	for _, name := range j.Labels {
		l, ok := ParseLabel(name)
		if !ok {
			return fmt.Errorf("unknown label %q", name)
		}
		p.Labels |= l
	}

	seg := &p.Seg
	seg.Src = netip.AddrPortFrom(netip.Addr{}, j.Sport)
	seg.Dst = netip.AddrPortFrom(netip.Addr{}, j.Dport)
	seg.Seq, seg.Ack = wire.Seq(j.Seq), wire.Seq(j.Ack)
	seg.Len, seg.Window = j.Len, j.WndField
	f, ok := wire.ParseFlags(j.Flags)
	if !ok {
		return fmt.Errorf("bad flags %q", j.Flags)
	}
	seg.Flags = f

	if o := j.Options; o != nil {
		opt := &seg.Opt
		opt.MSS = o.MSS
		if o.WScale != nil {
			opt.HasWScale, opt.WScale = true, *o.WScale
		}
		opt.SACKPermitted = o.SACKPermitted
		if o.TSVal != nil || o.TSEcr != nil {
			opt.HasTimestamp = true
			if o.TSVal != nil {
				opt.TSVal = *o.TSVal
			}
			if o.TSEcr != nil {
				opt.TSEcr = *o.TSEcr
			}
		}
		if len(o.SACK) > wire.MaxSACKBlocks {
			return fmt.Errorf("%d SACK blocks, at most %d", len(o.SACK), wire.MaxSACKBlocks)
		}
		for i, blk := range o.SACK {
			if len(blk) != 2 {
				return fmt.Errorf("SACK block %d has %d numbers, want 2", i, len(blk))
			}
			opt.SACK[i] = wire.SACKBlock{Left: wire.Seq(blk[0]), Right: wire.Seq(blk[1])}
		}
		opt.NumSACK = uint8(len(o.SACK))
	}
	if r.Kind == KindDrop {
		r.Drop = ParseDrop(j.Reason, j.Dst)
	}
	return nil
}
