package errcat

import "time"

// TransportFailure is a request that got no complete response.
type TransportFailure uint8

const (
	// Connect: the request never reached the server (DNS, refused, TLS
	// handshake), so it was never sent.
	Connect TransportFailure = iota + 1
	// Timeout: the request was (or may have been) sent and no response came in time.
	Timeout
	// Reset: the connection closed after the request was sent, or the response
	// was incomplete.
	Reset
)

// ID is the failure's stable name: connect, timeout or reset.
func (f TransportFailure) ID() string {
	switch f {
	case Connect:
		return "connect"
	case Timeout:
		return "timeout"
	case Reset:
		return "reset"
	}
	return "unknown"
}

// String is the failure's ID.
func (f TransportFailure) String() string { return f.ID() }

// WasSent reports whether the server may have received the request.
func (f TransportFailure) WasSent() bool { return f != Connect }

// TransportFailureFromID is the failure named connect, timeout or reset.
func TransportFailureFromID(id string) (TransportFailure, bool) {
	for _, f := range []TransportFailure{Connect, Timeout, Reset} {
		if f.ID() == id {
			return f, true
		}
	}
	return 0, false
}

// Outcome is how an attempt ended: an error response (Failure zero) or a
// transport failure (Failure set, the other fields unused).
type Outcome struct {
	// Failure is set when no response came.
	Failure TransportFailure
	// Status is the response's HTTP status.
	Status int
	// Rule is the code's retry rule.
	Rule Retry
	// AnyMethod is true when the reference declares the code safe to retry
	// whatever the HTTP method.
	AnyMethod bool
	// RetryAfter is the server's requested delay, when HasRetryAfter.
	RetryAfter    time.Duration
	HasRetryAfter bool
	// ShouldRetry is the server's word in the vendor's should-retry header.
	ShouldRetry ServerSaid
	// MinDelay is the shortest wait before a retry of the code (0 for none).
	MinDelay time.Duration
}

// ServerSaid is what a response's should-retry header says: nothing, "true"
// or "false".
type ServerSaid uint8

const (
	// ServerSaidNothing: no should-retry header, or a value other than true or false.
	ServerSaidNothing ServerSaid = iota
	// ServerSaidYes: "true"; the response is retryable whatever the code's rule.
	ServerSaidYes
	// ServerSaidNo: "false"; give up with ServerDeclined.
	ServerSaidNo
)

// FailureOutcome is the outcome of an attempt that got no response.
func FailureOutcome(f TransportFailure) Outcome { return Outcome{Failure: f} }

// IsResponse reports whether the attempt got a response.
func (o Outcome) IsResponse() bool { return o.Failure == 0 }
