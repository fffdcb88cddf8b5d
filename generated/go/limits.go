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
	// LimitDefault is errcat's default, applied where neither the reference nor
	// the client gave a number (see Limits).
	LimitDefault
	// LimitPlatform is the longest wait a timer holds on every platform errcat
	// runs on, TimerMax; no setting lifts it.
	LimitPlatform
)

// ID is the stable name: reference, client, default or platform ("" for NoLimit).
func (l Limit) ID() string {
	switch l {
	case LimitReference:
		return "reference"
	case LimitClient:
		return "client"
	case LimitDefault:
		return "default"
	case LimitPlatform:
		return "platform"
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
	case LimitDefault:
		return "errcat's default limit"
	case LimitPlatform:
		return "the platform timer's limit"
	}
	return "no limit"
}

// whose is the owner of a limit as a possessive ("the vendor's").
func (l Limit) whose() string {
	switch l {
	case LimitReference:
		return "the vendor's"
	case LimitDefault:
		return "errcat's default"
	case LimitPlatform:
		return "the platform timer's"
	}
	return "the client's"
}

const (
	// DefaultMaxAttempts is the most attempts in all, the first included, where
	// neither the reference nor the client gives a number: 3, as the AWS SDKs'
	// standard mode.
	DefaultMaxAttempts = 3
	// DefaultMaxWait is the longest single wait where the client gives none:
	// 60 s, raised to the reference's own caps where they are longer.
	DefaultMaxWait = 60 * time.Second
	// DefaultDeadline is the overall time from the first attempt where the
	// client gives none: 5 minutes.
	DefaultDeadline = 5 * time.Minute
	// TimerMax is the longest wait any errcat runtime hands out or sleeps:
	// 2^31 - 1 ms, what JavaScript's timers hold (about 24.8 days). No setting
	// lifts it.
	TimerMax = (1<<31 - 1) * time.Millisecond
	// Unlimited, as a field of Limits, removes that limit (any negative value does).
	Unlimited = -1
)

// Limits are the limits a client sets for itself, on top of what the vendor's
// reference says. Nothing is unbounded by default: a field left at zero keeps
// errcat's default (DefaultMaxAttempts where the reference gives no attempt
// limit, DefaultMaxWait raised to the reference's caps, DefaultDeadline), a
// positive value sets it (higher or lower), and a negative value (Unlimited)
// removes it. The reference's numbers always apply, and no wait is longer than
// TimerMax.
type Limits struct {
	// MaxAttempts is the most attempts in all, the first included.
	MaxAttempts int
	// MaxWait is the longest single wait accepted before a retry.
	MaxWait time.Duration
	// Deadline is the longest time from the first attempt until the whole call
	// ends.
	Deadline time.Duration
}

// NoLimits removes every limit: only the reference's numbers (a Budget, where
// one is used) and the platform's timer bound retries.
func NoLimits() Limits {
	return Limits{MaxAttempts: Unlimited, MaxWait: Unlimited, Deadline: Unlimited}
}

// AttemptLimit is the most attempts these limits allow and whose number it is
// (LimitClient or LimitDefault); ok is false when removed. The default applies
// only where the reference gives no limit; Decide combines the two.
func (l Limits) AttemptLimit() (n int, whose Limit, ok bool) {
	switch {
	case l.MaxAttempts < 0:
		return 0, NoLimit, false
	case l.MaxAttempts == 0:
		return DefaultMaxAttempts, LimitDefault, true
	}
	return l.MaxAttempts, LimitClient, true
}

// WaitLimit is the longest single wait and whose number it is; ok is false when
// removed. The default is not yet raised to the reference's caps here.
func (l Limits) WaitLimit() (d time.Duration, whose Limit, ok bool) {
	return resolveDuration(l.MaxWait, DefaultMaxWait)
}

// DeadlineLimit is the overall deadline, measured from the first attempt, and
// whose number it is; ok is false when removed.
func (l Limits) DeadlineLimit() (d time.Duration, whose Limit, ok bool) {
	return resolveDuration(l.Deadline, DefaultDeadline)
}

func resolveDuration(v, def time.Duration) (time.Duration, Limit, bool) {
	switch {
	case v < 0:
		return 0, NoLimit, false
	case v == 0:
		return def, LimitDefault, true
	}
	return v, LimitClient, true
}
