package world

import "github.com/tcpsim/tcpsim/trace"

// labelSpurious labels p "spurious-retransmission" when it resends data its
// receiver already holds, all of it, as it leaves: the original was
// delayed rather than lost, or only its ACK was lost. The world is the one
// place that sees both ends; the sender's TCP cannot know, and is not told
// (the label goes on the record only). A host that is down holds nothing.
func (w *World) labelSpurious(p *trace.Packet) {
	if p.Seg.Len != 0 && p.Labels.Has(trace.LabelRetransmission) {
		w.labelResent(p)
	}
}

// labelResent is labelSpurious for a retransmission that carries data.
func (w *World) labelResent(p *trace.Packet) {
	dst := p.Seg.Dst.Addr()
	for _, h := range w.hosts {
		if h.addr == dst {
			if !h.down && h.stack.Holds(p.Seg.Dst, p.Seg.Src, p.Seg.Seq, p.Seg.Len) {
				p.Labels |= trace.LabelSpuriousRetransmission
			}
			return
		}
	}
}
