package trace

import (
	"strconv"
	"strings"
)

// The trace's vocabulary: a small integer type for each thing a record can
// name (an application call, a timer operation, a variable, why a segment was
// dropped, …), with a String method giving its JSON spelling, as
// net/http.ConnState and go/token.Token do. Consumers switch on the
// constants, never on the text; a translated phrase is looked up by the
// constant. The zero value of each type means "none" and has no name, except
// State, whose zero is CLOSED.

// name returns names[i]: "" for the zero value (none), "unknown" when i is
// out of range.
func name[T ~uint8](names []string, i T) string {
	if int(i) < len(names) {
		return names[i]
	}
	return "unknown"
}

// parseName returns the value whose name is s; the empty name never matches.
func parseName[T ~uint8](names []string, s string) (T, bool) {
	for i, n := range names {
		if n != "" && n == s {
			return T(i), true
		}
	}
	return 0, false
}

// State is a TCP connection state as RFC 9293 §3.3.2 names it. tcp.State
// has the same values in the same order.
type State uint8

// The states, in the order RFC 9293 lists them.
const (
	StateClosed State = iota
	StateListen
	StateSynSent
	StateSynReceived
	StateEstablished
	StateFinWait1
	StateFinWait2
	StateCloseWait
	StateClosing
	StateLastAck
	StateTimeWait
)

var stateNames = []string{"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
	"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT"}

// String returns the state's name as RFC 9293 spells it ("SYN-SENT").
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "UNKNOWN"
}

// ParseState returns the state with the given RFC 9293 name.
func ParseState(s string) (State, bool) { return parseName[State](stateNames, s) }

// TimerOp is what happened to a timer.
type TimerOp uint8

// The timer operations, with their JSON names.
const (
	TimerSet       TimerOp = iota + 1 // "set": armed (or re-armed) to fire at At
	TimerFired                        // "fired": it expired
	TimerCancelled                    // "cancelled": stopped before it expired
)

var timerOpNames = []string{"", "set", "fired", "cancelled"}

func (o TimerOp) String() string { return name(timerOpNames, o) }

// ParseTimerOp returns the timer operation with the given JSON name.
func ParseTimerOp(s string) (TimerOp, bool) { return parseName[TimerOp](timerOpNames, s) }

// AppOp is a call an application made on the socket API.
type AppOp uint8

// The application operations, with their JSON names.
const (
	AppListen  AppOp = iota + 1 // "listen": a passive open (Value: the port)
	AppConnect                  // "connect": an active open
	AppWrite                    // "write": Value bytes taken into the send buffer
	AppRead                     // "read": Value bytes taken from the receive buffer
	AppClose                    // "close": an orderly close (a FIN follows the data)
	AppAbort                    // "abort": a reset
)

var appOpNames = []string{"", "listen", "connect", "write", "read", "close", "abort"}

func (o AppOp) String() string { return name(appOpNames, o) }

// ParseAppOp returns the application operation with the given JSON name.
func ParseAppOp(s string) (AppOp, bool) { return parseName[AppOp](appOpNames, s) }

// HostOp is something that happened to a host.
type HostOp uint8

// The host operations, with their JSON names.
const (
	HostCrash  HostOp = iota + 1 // "crash": the host went silent
	HostReboot                   // "reboot": the host came back with no connection state
)

var hostOpNames = []string{"", "crash", "reboot"}

func (o HostOp) String() string { return name(hostOpNames, o) }

// ParseHostOp returns the host operation with the given JSON name.
func ParseHostOp(s string) (HostOp, bool) { return parseName[HostOp](hostOpNames, s) }

// LinkOp is something that happened to a link or a path.
type LinkOp uint8

// The link operations, with their JSON names.
const (
	LinkDown    LinkOp = iota + 1 // "down": an outage began
	LinkUp                        // "up": it ended
	LinkReroute                   // "reroute": traffic moved to the backup path
)

var linkOpNames = []string{"", "down", "up", "reroute"}

func (o LinkOp) String() string { return name(linkOpNames, o) }

// ParseLinkOp returns the link operation with the given JSON name.
func ParseLinkOp(s string) (LinkOp, bool) { return parseName[LinkOp](linkOpNames, s) }

// MsgOp says what happened to an application message.
type MsgOp uint8

// The message operations, with their JSON names.
const (
	MsgSend MsgOp = iota + 1 // "send": the application wrote the message (its first byte is at Off)
	MsgRecv                  // "recv": the application has read the whole message
)

var msgOpNames = []string{"", "send", "recv"}

func (o MsgOp) String() string { return name(msgOpNames, o) }

// ParseMsgOp returns the message operation with the given JSON name.
func ParseMsgOp(s string) (MsgOp, bool) { return parseName[MsgOp](msgOpNames, s) }

// Var names a connection variable a "var" record reports.
type Var uint8

// The variables, with their JSON names and units.
const (
	VarCwnd      Var = iota + 1 // "cwnd": the congestion window, bytes
	VarSsthresh                 // "ssthresh": the slow-start threshold, bytes; -1 while "arbitrarily high"
	VarRcvBuffer                // "rcv_buffer": bytes received in order and not yet read
	VarSndWnd                   // "snd_wnd": the peer's window, bytes, after scaling
	VarRTO                      // "rto_ns": the retransmission timeout with backoff, ns
	VarSRTT                     // "srtt_ns": the smoothed round-trip time, ns
	VarPipe                     // "pipe": RFC 6675's estimate of the bytes in flight, in SACK recovery
)

var varNames = []string{"", "cwnd", "ssthresh", "rcv_buffer", "snd_wnd", "rto_ns", "srtt_ns", "pipe"}

func (v Var) String() string { return name(varNames, v) }

// ParseVar returns the variable with the given JSON name.
func ParseVar(s string) (Var, bool) { return parseName[Var](varNames, s) }

// EndReason says why a run stopped.
type EndReason uint8

// The end reasons, with their JSON names.
const (
	EndFinished        EndReason = iota + 1 // "finished": nothing was left to happen
	EndTimeLimit                            // "time limit reached": the scenario's duration ran out
	EndBudgetExhausted                      // "event budget exhausted": the run was cut short
)

var endNames = []string{"", "finished", "time limit reached", "event budget exhausted"}

func (e EndReason) String() string { return name(endNames, e) }

// ParseEndReason returns the end reason with the given JSON name.
func ParseEndReason(s string) (EndReason, bool) { return parseName[EndReason](endNames, s) }

// AbortCause says why a connection was aborted: the error a socket reports.
type AbortCause uint8

// The abort causes. Their JSON form is the error's text.
const (
	AbortTimedOut         AbortCause = iota + 1 // retransmissions went unanswered (ETIMEDOUT)
	AbortReset                                  // the peer sent a RST (ECONNRESET)
	AbortRefused                                // the peer refused the connection (ECONNREFUSED)
	AbortByApplication                          // the application called abort
	AbortKeepaliveTimeout                       // keepalive probes went unanswered (ETIMEDOUT)
	AbortUserTimeout                            // data stayed unacknowledged past the user timeout (ETIMEDOUT)
)

var abortNames = []string{"",
	"connection timed out (ETIMEDOUT)",
	"connection reset by peer (ECONNRESET)",
	"connection refused (ECONNREFUSED)",
	"connection aborted by the application",
	"keepalive timeout: probes unanswered (ETIMEDOUT)",
	"user timeout: data unacknowledged too long (ETIMEDOUT)",
}

func (a AbortCause) String() string { return name(abortNames, a) }

// ParseAbortCause returns the abort cause with the given text.
func ParseAbortCause(s string) (AbortCause, bool) { return parseName[AbortCause](abortNames, s) }

// DropCode says why a segment was discarded.
type DropCode uint8

// The drop codes; Drop holds the parameters some of them have.
const (
	DropLinkDown     DropCode = iota + 1 // "link down": an outage, or the link was taken down
	DropRandomLoss                       // "random loss": the link's loss probability
	DropQueueFull                        // "queue full": the link's queue had no room
	DropMTU                              // "exceeds MTU (SIZE > MTU bytes)"
	DropRule                             // a drop rule of the scenario; its text is the reason
	DropReceiverDown                     // "NAME crashed": the receiving host was down when it arrived
	DropBurstLoss                        // "burst loss": the link's Gilbert-Elliott loss
	DropCorrupted                        // "corrupted (checksum error)": damaged on the way, discarded by the receiver
)

var dropNames = []string{"", "link down", "random loss", "queue full", "exceeds MTU", "drop rule", "receiver down",
	"burst loss", "corrupted (checksum error)"}

// String returns a short name for the code (not the JSON form: see Drop.Text).
func (c DropCode) String() string { return name(dropNames, c) }

// Drop is why a segment was dropped: a code and its parameters.
type Drop struct {
	Code DropCode
	// Size and MTU are the packet's IP length and the link's MTU (DropMTU).
	Size, MTU int32
	// Rule is the drop rule as the scenario wrote it (DropRule).
	Rule string
}

// Text returns the reason as the JSON trace writes it; receiver is the
// receiving host's name, which DropReceiverDown names.
func (d Drop) Text(receiver string) string {
	switch d.Code {
	case DropMTU:
		return "exceeds MTU (" + strconv.Itoa(int(d.Size)) + " > " + strconv.Itoa(int(d.MTU)) + " bytes)"
	case DropRule:
		return d.Rule
	case DropReceiverDown:
		return receiver + " crashed"
	}
	return d.Code.String()
}

// ParseDrop reads a drop reason as Text writes it. Text that is none of the
// fixed reasons is a drop rule's.
func ParseDrop(text, receiver string) Drop {
	switch text {
	case "link down":
		return Drop{Code: DropLinkDown}
	case "random loss":
		return Drop{Code: DropRandomLoss}
	case "queue full":
		return Drop{Code: DropQueueFull}
	case "burst loss":
		return Drop{Code: DropBurstLoss}
	case "corrupted (checksum error)":
		return Drop{Code: DropCorrupted}
	case receiver + " crashed":
		return Drop{Code: DropReceiverDown}
	}
	if rest, ok := strings.CutPrefix(text, "exceeds MTU ("); ok {
		if a, b, ok := strings.Cut(strings.TrimSuffix(rest, " bytes)"), " > "); ok {
			size, err1 := strconv.Atoi(a)
			mtu, err2 := strconv.Atoi(b)
			d := Drop{Code: DropMTU, Size: int32(size), MTU: int32(mtu)}
			if err1 == nil && err2 == nil && d.Text(receiver) == text {
				return d
			}
		}
	}
	return Drop{Code: DropRule, Rule: text}
}
