package trace

import (
	"bufio"
	"io"
	"net/netip"
	"strconv"
	"unicode/utf8"
)

// JSONWriter is a Sink that writes each record as one JSON object per line
// (JSON Lines). The field set per kind is documented in docs/trace-format.md;
// keys always come in the same order, so equal runs give equal bytes.
type JSONWriter struct {
	w   *bufio.Writer
	buf []byte
	err error
}

// NewJSONWriter returns a JSONWriter on w. Call Flush when the run ends.
func NewJSONWriter(w io.Writer) *JSONWriter {
	return &JSONWriter{w: bufio.NewWriterSize(w, 64<<10), buf: make([]byte, 0, 512)}
}

// Flush writes any buffered output and returns the first write error seen.
func (j *JSONWriter) Flush() error {
	if err := j.w.Flush(); j.err == nil {
		j.err = err
	}
	return j.err
}

// Record writes r as one line.
func (j *JSONWriter) Record(r *Record) {
	if j.err != nil {
		return
	}
	j.buf = AppendJSON(j.buf[:0], r)
	j.buf = append(j.buf, '\n')
	if _, err := j.w.Write(j.buf); err != nil {
		j.err = err
	}
}

// AppendJSON appends the JSON object for r (without a newline) to b.
func AppendJSON(b []byte, r *Record) []byte {
	b = append(b, `{"t_ns":`...)
	b = strconv.AppendInt(b, int64(r.T), 10)
	b = appendStr(b, "event", r.Kind.String())
	switch r.Kind {
	case KindRun:
		b = appendStr(b, "name", r.Name)
		b = append(b, `,"seed":`...)
		b = strconv.AppendUint(b, uint64(r.Value), 10) // a uint64 seed kept in Value
	case KindNode:
		b = appendStr(b, "node", r.Node)
		b = appendStr(b, "addr", addrString(r.Addr))
	case KindSend, KindDrop, KindDeliver:
		p := r.Pkt
		if p == nil {
			p = &noPacket
		}
		b = appendInt(b, "id", int64(p.ID))
		b = appendStr(b, "src", r.Node)
		b = appendStr(b, "dst", r.Peer)
		b = appendInt(b, "conn", int64(r.Conn))
		b = appendInt(b, "sport", int64(p.Seg.Src.Port()))
		b = appendInt(b, "dport", int64(p.Seg.Dst.Port()))
		b = appendInt(b, "seq", int64(p.Seg.Seq))
		b = appendInt(b, "ack", int64(p.Seg.Ack))
		b = appendStr(b, "flags", p.Seg.Flags.String())
		b = appendInt(b, "len", int64(p.Seg.Len))
		b = appendInt(b, "win", int64(p.Win))
		b = appendInt(b, "wnd_field", int64(p.Seg.Window))
		if o := &p.Seg.Opt; o.MSS != 0 || o.HasWScale || o.SACKPermitted || o.HasTimestamp || o.NumSACK > 0 {
			b = append(b, `,"options":{`...)
			first := true
			sep := func() {
				if !first {
					b = append(b, ',')
				}
				first = false
			}
			if o.MSS != 0 {
				sep()
				b = append(b, `"mss":`...)
				b = strconv.AppendInt(b, int64(o.MSS), 10)
			}
			if o.HasWScale {
				sep()
				b = append(b, `"wscale":`...)
				b = strconv.AppendInt(b, int64(o.WScale), 10)
			}
			if o.SACKPermitted {
				sep()
				b = append(b, `"sack_permitted":true`...)
			}
			if o.HasTimestamp {
				sep()
				b = append(b, `"tsval":`...)
				b = strconv.AppendUint(b, uint64(o.TSVal), 10)
				b = append(b, `,"tsecr":`...)
				b = strconv.AppendUint(b, uint64(o.TSEcr), 10)
			}
			if o.NumSACK > 0 {
				sep()
				b = append(b, `"sack":[`...)
				for i, blk := range o.SACK[:o.NumSACK] {
					if i > 0 {
						b = append(b, ',')
					}
					b = append(b, '[')
					b = strconv.AppendUint(b, uint64(blk.Left), 10)
					b = append(b, ',')
					b = strconv.AppendUint(b, uint64(blk.Right), 10)
					b = append(b, ']')
				}
				b = append(b, ']')
			}
			b = append(b, '}')
		}
		b = append(b, `,"labels":[`...)
		first := true
		for i, n := range labelNames {
			if p.Labels&(1<<i) != 0 {
				if !first {
					b = append(b, ',')
				}
				first = false
				b = appendQuoted(b, n)
			}
		}
		b = append(b, ']')
		if p.N != 0 {
			b = appendInt(b, "n", int64(p.N))
		}
		if r.Kind == KindDrop {
			b = appendStr(b, "reason", r.Drop.Text(r.Peer))
		}
	case KindState:
		b = appendStr(b, "node", r.Node)
		b = appendInt(b, "conn", int64(r.Conn))
		b = appendStr(b, "from", r.From.String())
		b = appendStr(b, "to", r.To.String())
	case KindTimer:
		b = appendStr(b, "node", r.Node)
		b = appendInt(b, "conn", int64(r.Conn))
		b = appendStr(b, "timer", r.Timer.String())
		b = appendStr(b, "op", r.TimerOp.String())
		if r.TimerOp == TimerSet {
			b = appendInt(b, "at_ns", int64(r.At))
		}
		if r.Value != 0 {
			b = appendInt(b, "n", r.Value)
		}
	case KindVar:
		b = appendStr(b, "node", r.Node)
		b = appendInt(b, "conn", int64(r.Conn))
		b = appendStr(b, "name", r.Var.String())
		b = appendInt(b, "value", r.Value)
	case KindApp:
		b = appendStr(b, "node", r.Node)
		b = appendInt(b, "conn", int64(r.Conn))
		b = appendStr(b, "op", r.App.String())
		b = appendInt(b, "bytes", r.Value)
	case KindAbort:
		b = appendStr(b, "node", r.Node)
		b = appendInt(b, "conn", int64(r.Conn))
		b = appendStr(b, "reason", r.Abort.String())
	case KindHost:
		b = appendStr(b, "node", r.Node)
		b = appendStr(b, "op", r.Host.String())
	case KindLink:
		b = appendStr(b, "node", r.Node)
		b = appendStr(b, "op", r.Link.String())
	case KindMsg:
		b = appendStr(b, "node", r.Node)
		b = appendInt(b, "conn", int64(r.Conn))
		b = appendStr(b, "op", r.Msg.String())
		b = appendInt(b, "offset", r.Off)
		b = appendInt(b, "bytes", r.Value)
		b = appendStr(b, "text", r.Text)
	case KindEnd:
		b = appendStr(b, "reason", r.End.String())
	case KindQueue:
		b = appendStr(b, "node", r.Node)
		b = appendInt(b, "packets", r.Value)
		b = appendInt(b, "bytes", r.Off)
	}
	return append(b, '}')
}

// noPacket stands in for a missing packet, so a malformed record still
// gives valid JSON.
var noPacket Packet

func appendStr(b []byte, key, v string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendQuoted(b, v)
}

// appendQuoted appends s as a JSON string: quotes, backslashes and control
// characters escaped, everything else (UTF-8 included) as it is. Bytes that
// are not UTF-8 become U+FFFD, so the output is always valid JSON.
func appendQuoted(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, "\ufffd"...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}

// addrString is a's text form, or "" for the zero Addr.
func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func appendInt(b []byte, key string, v int64) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return strconv.AppendInt(b, v, 10)
}
