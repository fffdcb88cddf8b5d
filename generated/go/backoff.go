package errcat

import (
	"math"
	"math/rand/v2"
	"time"
)

// maxDuration is the longest Duration; longer delays saturate there.
const maxDuration = time.Duration(math.MaxInt64)

// JitterKind says how a backoff delay is randomised.
type JitterKind uint8

const (
	// JitterNone uses the delay as computed.
	JitterNone JitterKind = iota
	// JitterProportional scales the delay by a factor within plus or minus Fraction.
	JitterProportional
	// JitterAdditive adds up to Spread.
	JitterAdditive
	// JitterFull scales the delay, capped, by the sample itself: a draw from 0
	// up to the delay (AWS's "full jitter").
	JitterFull
)

// Jitter is how a backoff delay is randomised so that many clients do not retry
// in lockstep. The zero value is no jitter.
type Jitter struct {
	Kind JitterKind
	// Fraction is the proportional jitter's bound (0.25 means ±25%).
	Fraction float64
	// Spread is the additive jitter's largest addition.
	Spread time.Duration
}

// Backoff is a vendor's exponential backoff schedule and its attempt limit.
type Backoff struct {
	// Initial is the delay before the first retry.
	Initial time.Duration
	// Multiplier grows the delay from one retry to the next.
	Multiplier float64
	// Max caps every delay; 0 when the reference sets no cap.
	Max time.Duration
	// Jitter randomises each delay.
	Jitter Jitter
	// MaxAttempts counts every attempt, the first included; 0 when the reference
	// gives no limit.
	MaxAttempts int
}

// roundNanos is a float of nanoseconds as a Duration, rounded half away from
// zero; NaN and values at or below zero give 0 and values too large saturate.
func roundNanos(nanos float64) time.Duration {
	if math.IsNaN(nanos) || nanos <= 0 {
		return 0
	}
	if nanos >= math.MaxInt64 {
		return maxDuration
	}
	whole := math.Floor(nanos)
	d := time.Duration(whole)
	if nanos-whole >= 0.5 {
		d++
	}
	return d
}

func addSaturating(a, b time.Duration) time.Duration {
	if a > maxDuration-b {
		return maxDuration
	}
	return a + b
}

// Delay is the delay before retry number retry (counting from 1; 0 counts as 1),
// given a jitter sample in [0, 1).
//
// The sample is clamped into [0, 1] and NaN counts as 0. The base delay is
// Initial × Multiplier^(retry−1); jitter is then applied and the result capped at
// Max when there is one (full jitter scales the capped delay by the sample). A NaN or negative multiplier counts as 1, a proportional
// fraction is clamped into [0, 1], and delays that do not fit saturate.
func (b Backoff) Delay(retry int, jitter float64) time.Duration {
	sample := jitter
	if math.IsNaN(sample) {
		sample = 0
	}
	sample = min(max(sample, 0), 1)
	exponent := max(retry, 1) - 1
	multiplier := b.Multiplier
	if math.IsNaN(multiplier) || multiplier < 0 {
		multiplier = 1
	}
	growth := 1.0
	if exponent > 0 {
		growth = math.Pow(multiplier, float64(exponent))
	}
	base := float64(b.Initial) * growth
	var delay time.Duration
	switch b.Jitter.Kind {
	case JitterProportional:
		fraction := b.Jitter.Fraction
		if math.IsNaN(fraction) {
			fraction = 0
		}
		fraction = min(max(fraction, 0), 1)
		delay = roundNanos(base * (1 + fraction*(2*sample-1)))
	case JitterAdditive:
		delay = addSaturating(roundNanos(base), roundNanos(float64(b.Jitter.Spread)*sample))
	case JitterFull:
		capped := base
		if b.Max > 0 {
			capped = min(capped, float64(b.Max))
		}
		delay = roundNanos(capped * sample)
	default:
		delay = roundNanos(base)
	}
	if b.Max > 0 {
		delay = min(delay, b.Max)
	}
	return delay
}

// JitterSample is a random jitter sample in [0, 1), good enough to spread retries
// (not for secrets).
func JitterSample() float64 {
	return rand.Float64()
}
