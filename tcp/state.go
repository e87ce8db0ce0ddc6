package tcp

import "github.com/tcpsim/tcpsim/trace"

// State is a connection state of RFC 9293 §3.3.2.
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

// String returns the state's name as RFC 9293 spells it ("SYN-SENT"). The
// states have the values of trace.State, which names them.
func (s State) String() string { return trace.State(s).String() }

// synchronized reports whether the state is one of those reached after the
// handshake's SYNs have been exchanged (RFC 9293 §3.5.2).
func (s State) synchronized() bool { return s >= StateEstablished }

// canSendData reports whether the application's data may still go out.
func (s State) canSendData() bool {
	return s == StateEstablished || s == StateCloseWait || s == StateFinWait1 || s == StateClosing || s == StateLastAck
}

// canReceiveData reports whether arriving data is accepted (RFC 9293
// §3.10.7.4, seventh step).
func (s State) canReceiveData() bool {
	return s == StateEstablished || s == StateFinWait1 || s == StateFinWait2
}
