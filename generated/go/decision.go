package errcat

import (
	"fmt"
	"strings"
	"time"
)

// Rule names a code's retry rule.
type Rule uint8

const (
	// RuleNever: retrying the same request cannot help.
	RuleNever Rule = iota
	// RuleBackoff: retry with the vendor's exponential backoff.
	RuleBackoff
	// RuleRetryAfter: wait as long as the server's delay header says, backing off
	// when it is absent.
	RuleRetryAfter
	// RuleIdempotent: back off only when the request is safe to repeat.
	RuleIdempotent
	// RuleAfter: give up; retry only after the user has done the Retry's Action.
	RuleAfter
	// RuleUntilReset: wait until the vendor's rate limit resets (its reset
	// header), backing off when the header is absent.
	RuleUntilReset
)

// ID is the rule's stable name, as the catalog writes it.
func (r Rule) ID() string {
	switch r {
	case RuleBackoff:
		return "backoff"
	case RuleRetryAfter:
		return "retry_after"
	case RuleIdempotent:
		return "idempotent"
	case RuleAfter:
		return "after"
	case RuleUntilReset:
		return "until_reset"
	}
	return "never"
}

// Retry is a code's retry rule: what a client should do after receiving the error.
// The zero value is RuleNever.
type Retry struct {
	Rule Rule
	// Action is what must be done first, for RuleAfter.
	Action string
}

// After is the rule RuleAfter: retry only once action is done.
func After(action string) Retry { return Retry{Rule: RuleAfter, Action: action} }

// String is the rule's ID, or "only after: <action>".
func (r Retry) String() string {
	if r.Rule == RuleAfter {
		return "only after: " + r.Action
	}
	return r.Rule.ID()
}

// Request is the request that failed, as far as the decision needs it.
type Request struct {
	// Method is the HTTP method, in any case.
	Method string
	// IdempotencyKey is true when the request carries the vendor's idempotency key.
	IdempotencyKey bool
}

// Policy is a vendor's retry guidance as data.
type Policy struct {
	Backoff Backoff
	// DelayHeader names the header with the server's delay ("" for none).
	DelayHeader string
	// SafeMethods are the methods always safe to repeat, upper case.
	SafeMethods []string
	// IdempotencyKey names the header that makes a mutating request safe to
	// repeat ("" for none).
	IdempotencyKey string
	// MaxServerDelay is the longest server-requested wait the reference says to
	// honour; 0 when it gives no cap.
	MaxServerDelay time.Duration
	// ShouldRetryHeader names the header whose "true" or "false" overrides the
	// code's rule ("" for none).
	ShouldRetryHeader string
}

// IsSafe reports whether repeating req cannot cause a side effect twice: its
// method is one of the safe methods, or it carries an idempotency key and the
// vendor has one.
func (p *Policy) IsSafe(req Request) bool {
	for _, m := range p.SafeMethods {
		if strings.EqualFold(m, req.Method) {
			return true
		}
	}
	return req.IdempotencyKey && p.IdempotencyKey != ""
}

// Reason is the stable name of why a failed request should not be retried now.
type Reason string

// The reasons to give up.
const (
	NotAnError        Reason = "not_an_error"
	NotRetryable      Reason = "not_retryable"
	AfterAction       Reason = "after_action"
	AttemptsExhausted Reason = "attempts_exhausted"
	NotIdempotent     Reason = "not_idempotent"
	WaitTooLong       Reason = "wait_too_long"
	DeadlineExceeded  Reason = "deadline_exceeded"
	BudgetExhausted   Reason = "budget_exhausted"
	// ServerDeclined: the server said "false" in the vendor's should-retry header.
	ServerDeclined Reason = "server_declined"
)

// GiveUp says why a failed request should not be retried now. The fields beside
// Reason are set for the reasons they belong to: Action (after_action),
// MaxAttempts and Limit (attempts_exhausted), Wait, Cap and Limit
// (wait_too_long), Deadline and Limit (deadline_exceeded).
type GiveUp struct {
	Reason      Reason
	Action      string
	MaxAttempts int
	Limit       Limit
	Wait, Cap   time.Duration
	Deadline    time.Duration
}

// String says why in a sentence.
func (g GiveUp) String() string {
	whose := g.Limit.whose()
	switch g.Reason {
	case NotAnError:
		return "the response is not an error"
	case NotRetryable:
		return "retrying the same request cannot help"
	case AfterAction:
		return "retry only after this is done: " + g.Action
	case AttemptsExhausted:
		plural := "attempts"
		if g.MaxAttempts == 1 {
			plural = "attempt"
		}
		return fmt.Sprintf("%d %s made, %s limit", g.MaxAttempts, plural, whose)
	case NotIdempotent:
		return "the request is not safe to repeat and the server may have acted on it"
	case WaitTooLong:
		return fmt.Sprintf("the wait of %v is longer than %s cap of %v", g.Wait, whose, g.Cap)
	case DeadlineExceeded:
		return fmt.Sprintf("the call would pass %s deadline of %v", whose, g.Deadline)
	case BudgetExhausted:
		return "the retry budget is used up"
	case ServerDeclined:
		return "the server said not to retry"
	}
	return string(g.Reason)
}

// Decision is what to do after a failed attempt: retry after Delay, or give up
// for GiveUp's reason.
type Decision struct {
	// Retry is true to retry after Delay.
	Retry bool
	Delay time.Duration
	// GiveUp is why not, when Retry is false.
	GiveUp GiveUp
}

// String says what to do in words.
func (d Decision) String() string {
	if d.Retry {
		return fmt.Sprintf("retry after %v", d.Delay)
	}
	return "give up: " + d.GiveUp.String()
}

func giveUp(g GiveUp) Decision { return Decision{GiveUp: g} }

// Attempt is the one input of Decide.
type Attempt struct {
	Policy  *Policy
	Outcome Outcome
	Request Request
	// Attempt counts the attempts already made, the one that just failed
	// included (0 counts as 1).
	Attempt int
	// Limits are the client's own limits (the zero value: errcat's defaults).
	Limits Limits
	// Elapsed is the time since the first attempt was sent (used with a deadline only).
	Elapsed time.Duration
	// Jitter is a sample in [0, 1); nil draws a fresh JitterSample.
	Jitter *float64
	// Budget, when set, pays for a retry or makes the decision give up.
	Budget *Budget
}

// Decide says whether and when to retry; the first check that applies wins.
//
//  1. A response with a status below 400 is not an error.
//  2. When the server said "false" in the vendor's should-retry header, give up
//     (server_declined); when it said "true", the response is retryable whatever
//     its rule, method or status: rules backoff, retry_after and until_reset
//     stay, any other becomes backoff. Otherwise rule never or after gives up; a
//     transport failure counts as rule backoff without a server delay.
//  3. The attempt limit is the smaller of the vendor's and the client's (the
//     vendor's on a tie); with neither, errcat's default unless the client
//     removed it.
//  4. A 5xx status or rule idempotent (unless the code is safe for any method,
//     or the server said "true"), and a timeout or reset, need a safe request.
//  5. The wait is the backoff delay; with a server delay, rules retry_after and
//     until_reset wait exactly that, other rules the longer of the two; a code's
//     MinDelay raises the wait to it.
//  6. A server delay above the vendor's MaxServerDelay, then a wait above the
//     client's MaxWait (or the default, raised to the reference's caps), then
//     above TimerMax, gives up.
//  7. A wait that would pass the deadline (the client's or the default) gives up.
//  8. Otherwise retry after the wait; with a budget, only when it pays for the retry.
func Decide(in *Attempt) Decision {
	policy := in.Policy
	if policy == nil {
		policy = &Policy{}
	}
	outcome := in.Outcome
	attempt := max(in.Attempt, 1)
	var rule Retry
	var needsSafe, hasServer bool
	var server, minDelay time.Duration
	if outcome.IsResponse() {
		if outcome.Status < 400 {
			return giveUp(GiveUp{Reason: NotAnError})
		}
		rule = outcome.Rule
		switch outcome.ShouldRetry {
		case ServerSaidNo:
			return giveUp(GiveUp{Reason: ServerDeclined})
		case ServerSaidYes:
			switch rule.Rule {
			case RuleBackoff, RuleRetryAfter, RuleUntilReset:
			default:
				rule = Retry{Rule: RuleBackoff}
			}
		default:
			switch rule.Rule {
			case RuleNever:
				return giveUp(GiveUp{Reason: NotRetryable})
			case RuleAfter:
				return giveUp(GiveUp{Reason: AfterAction, Action: rule.Action})
			}
			needsSafe = (outcome.Status >= 500 && outcome.Status <= 599 || rule.Rule == RuleIdempotent) && !outcome.AnyMethod
		}
		server, hasServer = outcome.RetryAfter, outcome.HasRetryAfter
		minDelay = outcome.MinDelay
	} else {
		rule = Retry{Rule: RuleBackoff}
		needsSafe = outcome.Failure.WasSent()
	}

	// The reference's number is never replaced by the default; a client's
	// applies when lower.
	limit, whose, hasLimit := in.Limits.AttemptLimit()
	if reference := policy.Backoff.MaxAttempts; reference > 0 && (!hasLimit || whose != LimitClient || reference <= limit) {
		limit, whose, hasLimit = reference, LimitReference, true
	}
	if hasLimit && attempt >= limit {
		return giveUp(GiveUp{Reason: AttemptsExhausted, MaxAttempts: limit, Limit: whose})
	}

	if needsSafe && !policy.IsSafe(in.Request) {
		return giveUp(GiveUp{Reason: NotIdempotent})
	}

	var sample float64
	if in.Jitter != nil {
		sample = *in.Jitter
	} else {
		sample = JitterSample()
	}
	wait := policy.Backoff.Delay(attempt, sample)
	if hasServer {
		if rule.Rule == RuleRetryAfter || rule.Rule == RuleUntilReset {
			wait = server
		} else {
			wait = max(wait, server)
		}
	}
	wait = max(wait, minDelay)

	if hasServer && policy.MaxServerDelay > 0 && server > policy.MaxServerDelay {
		return giveUp(GiveUp{Reason: WaitTooLong, Wait: server, Cap: policy.MaxServerDelay, Limit: LimitReference})
	}
	if waitCap, whose, ok := in.Limits.WaitLimit(); ok {
		if whose == LimitDefault {
			waitCap = max(waitCap, policy.Backoff.Max, policy.MaxServerDelay)
		}
		if wait > waitCap {
			return giveUp(GiveUp{Reason: WaitTooLong, Wait: wait, Cap: waitCap, Limit: whose})
		}
	}
	if wait > TimerMax {
		return giveUp(GiveUp{Reason: WaitTooLong, Wait: wait, Cap: TimerMax, Limit: LimitPlatform})
	}
	if deadline, whose, ok := in.Limits.DeadlineLimit(); ok && addSaturating(max(in.Elapsed, 0), wait) > deadline {
		return giveUp(GiveUp{Reason: DeadlineExceeded, Deadline: deadline, Limit: whose})
	}
	if in.Budget != nil && !in.Budget.TryWithdraw(outcome) {
		return giveUp(GiveUp{Reason: BudgetExhausted})
	}
	return Decision{Retry: true, Delay: wait}
}
