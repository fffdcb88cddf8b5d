package errcat

import "time"

// Limit says whose limit made a client give up.
type Limit uint8

const (
	// NoLimit: the give-up hit no numeric limit.
	NoLimit Limit = iota
	// LimitReference is a number the vendor's reference gives (its attempt
	// limit, its cap on server-requested waits).
	LimitReference
	// LimitClient is a number the client set in its Limits.
	LimitClient
)

// ID is the stable name: reference or client ("" for NoLimit).
func (l Limit) ID() string {
	switch l {
	case LimitReference:
		return "reference"
	case LimitClient:
		return "client"
	}
	return ""
}

// String is the limit in words.
func (l Limit) String() string {
	switch l {
	case LimitReference:
		return "the vendor's limit"
	case LimitClient:
		return "the client's limit"
	}
	return "no limit"
}

// Limits are the limits a client sets for itself, on top of what the vendor's
// reference says. The zero value sets none: then only the vendor's documented
// numbers (and a Budget, where one is used) stop retries.
type Limits struct {
	// MaxAttempts is the most attempts in all, the first included; 0 is none.
	MaxAttempts int
	// MaxWait is the longest single wait accepted before a retry; 0 is none.
	MaxWait time.Duration
	// Deadline is the longest time from the first attempt until the last retry
	// is sent; 0 is none.
	Deadline time.Duration
}
