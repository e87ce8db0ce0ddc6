// Package html writes the classroom page: one self-contained HTML file
// (inline CSS, JavaScript and SVG; nothing fetched, so it works offline
// and from a USB stick) that steps through a run's trace on its sequence
// diagram, with each endpoint's TCP variables beside it.
//
// # What the page holds
//
// Write computes everything in Go and embeds it as JSON; the page's
// script (page.js) only draws and steps:
//
//   - the diagram's geometry, from viz/diagram's own layout (diagram.Lay):
//     the same arrows, labels, notes, timer brackets, time axis and cuts as
//     the SVG output with the same options, without its limit on segments;
//   - the phrases, from viz/catalog in the page's language: the script has
//     no words of its own, and fills a phrase's %d and %s itself;
//   - the events: every trace record in the window but the run's name and
//     its nodes, each with its time, its y in the diagram, what it is in
//     words, and the fields of each endpoint it changed, with why.
//
// The cursor steps one event at a time (→ ←), or one segment event at a
// time (Shift+→ ←); playing moves it down the diagram at a steady pace,
// so that an idle stretch cut out of the diagram does not stall it and a
// burst of simultaneous events is not skipped. The state at an event is
// the state before the window plus the changes of every event up to it;
// the script keeps a snapshot every 256 events so that a jump is cheap.
// The diagram draws only what is on screen.
//
// # How each value is derived, from the trace alone
//
// An endpoint is a (node, connection number) of the trace; its ports come
// from the first segment it sends, and the endpoint with the mirror ports
// is its peer. A segment that arrives goes to the latest endpoint with
// its ports that existed by then (deliver records carry the sender's
// connection number).
//
//   - state: the state records; before an endpoint's first one, its From.
//     A host that crashes or reboots leaves its connections CLOSED.
//   - ISS, IRS: the sequence number of the SYN it sends, and of the SYN
//     that reaches it. Sequence numbers are kept as offsets from them, so
//     the bars work across a wrap of 2³².
//   - SND.UNA: the ISS at its SYN, then the ACK field of every segment
//     delivered to it that acknowledges something new and no more than
//     was sent (SND.UNA < ACK ≤ SND.MAX).
//   - SND.NXT: inferred from the segments it sends: the end of a segment
//     (sequence number + length, + 1 for SYN and FIN) beyond SND.NXT moves
//     it there; when the retransmission timer fires it goes back to
//     SND.UNA (tcpsim resends everything unacknowledged after an RTO, RFC
//     6298 (5.4)); an ACK beyond it moves it up. A fast retransmission, a
//     keepalive probe or a probe at SND.UNA−1 leaves it. SND.MAX is the
//     highest end sent.
//   - SND.WND, cwnd, ssthresh, RTO, SRTT and the bytes waiting in the
//     receive buffer: the var records (snd_wnd, cwnd, ssthresh, rto_ns,
//     srtt_ns, rcv_buffer), which the endpoint writes when a value changes
//     once it has processed an input. The reason given for cwnd and
//     ssthresh is the rule that matches the input at the same instant
//     (a new ACK in slow start or congestion avoidance, the third or a
//     later dup ACK, a full or partial ACK in recovery, an RTO): the trace
//     says what changed, and the page names the rule that fits.
//   - RCV.NXT: inferred from the segments delivered to it: bytes in order
//     within the window it last advertised move it on, with any bytes
//     held out of order after them; bytes beyond it are held out of order
//     (the "received out of order" ranges). A segment with data into a
//     zero window is not acceptable (RFC 9293 §3.10.7.4). Every segment the
//     endpoint then sends carries its real RCV.NXT as the ACK: if the two
//     ever differ, the ACK wins and the page says so. A test holds that
//     they never differ in any built-in scenario under either profile.
//   - RCV.WND: the window in the last segment it sent (what it
//     advertised), and where that window starts (that segment's ACK).
//   - receive buffer size: not in the trace; inferred as the most the
//     endpoint ever had in use plus the window it advertised at the end of
//     the same instant. Window scaling rounds the advertised window down,
//     and receiver-side silly window avoidance holds back small updates,
//     so it can come out a little small; it is exact in the built-in
//     scenarios without window scaling.
//   - timers: the timer records: set (with when it fires), fired,
//     cancelled; the countdown is the time left to the cursor's time.
//   - bytes written and read by the application: the app records.
//
// The window bar (the textbook's figure) shows the send sequence space:
// acknowledged [ISS, SND.UNA), sent and not yet acknowledged [SND.UNA,
// SND.NXT), sent before and to be sent again after an RTO [SND.NXT,
// SND.MAX), may be sent now up to SND.UNA + min(SND.WND, cwnd), and not yet
// allowed beyond; the frame is the usable window, labelled with what
// limits it. It shows the whole byte stream when the stream is short next
// to the largest window, and otherwise a stretch four windows wide that
// moves on by half its width. The receive bar shows the buffer: bytes read
// by the application, bytes waiting to be read, free space with the
// ranges held out of order, and the advertised window as a frame.
//
// # Limits
//
// A page holds at most Options.MaxEvents events (DefaultMaxEvents): a
// longer run ends with a line saying how many were left out, and --from
// and --to choose the stretch to show. The diagram's timelines are two
// nodes (Options.Left, Right); segments between other nodes are not
// drawn, but their events are stepped through. The state is what the
// trace shows: between two var records the page cannot know a value the
// endpoint did not report.
package html
