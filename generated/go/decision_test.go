package errcat

import (
	"math"
	"strings"
	"testing"
	"time"
)

// Backoff arithmetic and the retry decision, the Rust and Python runtimes' cases,
// each check of Decide in order.

const (
	s  = time.Second
	ms = time.Millisecond
)

var (
	pentifyBackoff  = Backoff{Initial: s, Multiplier: 2, Max: 30 * s, Jitter: Jitter{Kind: JitterProportional, Fraction: 0.25}, MaxAttempts: 5}
	defendisBackoff = Backoff{Initial: 500 * ms, Multiplier: 2, Max: 30 * s, Jitter: Jitter{Kind: JitterAdditive, Spread: 250 * ms}, MaxAttempts: 6}
	testPolicy      = Policy{Backoff: pentifyBackoff, DelayHeader: "Retry-After", SafeMethods: []string{"GET", "delete"}, IdempotencyKey: "idempotency_key"}
)

func TestBackoffDelays(t *testing.T) {
	for _, c := range []struct {
		b      Backoff
		retry  int
		jitter float64
		want   time.Duration
	}{
		{pentifyBackoff, 1, 0.5, s}, {pentifyBackoff, 2, 0.5, 2 * s}, {pentifyBackoff, 4, 0.5, 8 * s},
		{pentifyBackoff, 1, 0, 750 * ms}, {pentifyBackoff, 3, 0, 3 * s}, {pentifyBackoff, 10, 0.5, 30 * s},
		{pentifyBackoff, 1<<32 - 1, 0.999, 30 * s}, {pentifyBackoff, 0, 0.5, s},
		{pentifyBackoff, 1, math.NaN(), 750 * ms}, {pentifyBackoff, 1, -3, 750 * ms}, {pentifyBackoff, 1, math.Inf(1), 1250 * ms},
		{defendisBackoff, 1, 0, 500 * ms}, {defendisBackoff, 7, 0, 30 * s}, {defendisBackoff, 1, 0.5, 625 * ms},
		{defendisBackoff, 2, 0.5, 1125 * ms}, {defendisBackoff, 6, 0.999, 16_249_750_000}, {defendisBackoff, 1, 2, 750 * ms},
		{Backoff{Initial: s, Multiplier: 10}, 3, 0.5, 100 * s},
		{Backoff{Initial: s, Multiplier: 10}, 1<<32 - 1, 0.5, maxDuration},
		{Backoff{Multiplier: math.Inf(1)}, 50, 0.5, 0},
		{Backoff{Initial: 2 * s, Multiplier: math.NaN(), Jitter: Jitter{Kind: JitterProportional, Fraction: math.NaN()}}, 9, 0, 2 * s},
		{Backoff{Initial: 2 * s, Multiplier: -4, Jitter: Jitter{Kind: JitterProportional, Fraction: 5}}, 3, 0, 0},
		{Backoff{Initial: 2 * s, Multiplier: -4, Jitter: Jitter{Kind: JitterProportional, Fraction: 5}}, 3, 1, 4 * s},
		{Backoff{Initial: 8 * s, Multiplier: 0.5}, 3, 0.5, 2 * s},
		{Backoff{Initial: 100 * ms, Multiplier: 3}, 3, 0, 900 * ms},
		{Backoff{Initial: maxDuration, Multiplier: math.Inf(1), Jitter: Jitter{Kind: JitterAdditive, Spread: maxDuration}}, 1<<32 - 1, 1, maxDuration},
	} {
		if got := c.b.Delay(c.retry, c.jitter); got != c.want {
			t.Errorf("%+v retry %d jitter %v: got %v, want %v", c.b, c.retry, c.jitter, got, c.want)
		}
	}
	for _, retry := range []int{0, 1, 50, 100, 1000, 1<<32 - 1} {
		for _, j := range []float64{0, 0.5, 0.999999} {
			if d := defendisBackoff.Delay(retry, j); d > 30*s {
				t.Errorf("%d %v: %v", retry, j, d)
			}
		}
	}
}

func TestSafetyFollowsMethodsAndIdempotencyKeys(t *testing.T) {
	noKey := testPolicy
	noKey.IdempotencyKey = ""
	for _, c := range []struct {
		p    Policy
		r    Request
		want bool
	}{
		{testPolicy, Request{Method: "get"}, true}, {testPolicy, Request{Method: "DELETE"}, true},
		{testPolicy, Request{Method: "POST"}, false}, {testPolicy, Request{Method: "POST", IdempotencyKey: true}, true},
		{noKey, Request{Method: "POST", IdempotencyKey: true}, false}, {Policy{}, Request{Method: "GET"}, false},
	} {
		if got := c.p.IsSafe(c.r); got != c.want {
			t.Errorf("%+v: %v", c.r, got)
		}
	}
}

type run struct {
	outcome Outcome
	attempt int
	method  string
	limits  Limits
	elapsed time.Duration
	policy  *Policy
	jitter  float64
}

func (r run) decide() Decision {
	if r.method == "" {
		r.method = "GET"
	}
	if r.policy == nil {
		r.policy = &testPolicy
	}
	if r.jitter == 0 {
		r.jitter = 0.5
	}
	return Decide(&Attempt{Policy: r.policy, Outcome: r.outcome, Request: Request{Method: r.method}, Attempt: r.attempt, Limits: r.limits, Elapsed: r.elapsed, Jitter: &r.jitter})
}

func resp(status int, rule Rule, wait ...time.Duration) Outcome {
	o := Outcome{Status: status, Rule: Retry{Rule: rule}}
	if len(wait) > 0 {
		o.RetryAfter, o.HasRetryAfter = wait[0], true
	}
	return o
}

func retryAfter(d time.Duration) Decision { return Decision{Retry: true, Delay: d} }

func TestDecideInOrder(t *testing.T) {
	unlimited := Policy{Backoff: Backoff{Initial: s, Multiplier: 2}, SafeMethods: []string{"GET"}}
	capped := Policy{Backoff: pentifyBackoff, DelayHeader: "Retry-After", SafeMethods: []string{"GET"}, MaxServerDelay: 30 * s}
	ref5 := Decision{GiveUp: GiveUp{Reason: AttemptsExhausted, MaxAttempts: 5, Limit: LimitReference}}
	anyMethod := resp(500, RuleBackoff)
	anyMethod.AnyMethod = true
	for i, c := range []struct {
		run  run
		want Decision
	}{
		// 1. Below 400 is no error.
		{run{outcome: resp(200, RuleBackoff)}, Decision{GiveUp: GiveUp{Reason: NotAnError}}},
		{run{outcome: resp(399, RuleBackoff)}, Decision{GiveUp: GiveUp{Reason: NotAnError}}},
		// 2. Never and after give up before anything else.
		{run{outcome: resp(500, RuleNever, s), attempt: 99, method: "POST"}, Decision{GiveUp: GiveUp{Reason: NotRetryable}}},
		{run{outcome: Outcome{Status: 401, Rule: After("rotate the API key")}, attempt: 99}, Decision{GiveUp: GiveUp{Reason: AfterAction, Action: "rotate the API key"}}},
		// 3. The smaller attempt limit, the reference's on a tie.
		{run{outcome: resp(429, RuleBackoff), attempt: 5}, ref5},
		{run{outcome: resp(429, RuleRetryAfter, s), attempt: 6}, ref5},
		{run{outcome: FailureOutcome(Connect), attempt: 1 << 32}, ref5},
		{run{outcome: resp(429, RuleBackoff), attempt: 5, limits: Limits{MaxAttempts: 5}}, ref5},
		{run{outcome: resp(429, RuleBackoff), attempt: 3, limits: Limits{MaxAttempts: 3}}, Decision{GiveUp: GiveUp{Reason: AttemptsExhausted, MaxAttempts: 3, Limit: LimitClient}}},
		{run{outcome: resp(429, RuleBackoff), attempt: 4, limits: Limits{MaxAttempts: 9}}, retryAfter(8 * s)},
		{run{outcome: resp(429, RuleBackoff), attempt: 7, policy: &unlimited, limits: Limits{MaxAttempts: 7}}, Decision{GiveUp: GiveUp{Reason: AttemptsExhausted, MaxAttempts: 7, Limit: LimitClient}}},
		// 4. Server errors and timeouts need a safe request.
		{run{outcome: resp(500, RuleBackoff), method: "POST"}, Decision{GiveUp: GiveUp{Reason: NotIdempotent}}},
		{run{outcome: resp(409, RuleIdempotent), method: "POST"}, Decision{GiveUp: GiveUp{Reason: NotIdempotent}}},
		{run{outcome: resp(499, RuleBackoff), method: "POST"}, retryAfter(s)},
		{run{outcome: anyMethod, method: "POST"}, retryAfter(s)},
		{run{outcome: FailureOutcome(Timeout), method: "POST"}, Decision{GiveUp: GiveUp{Reason: NotIdempotent}}},
		{run{outcome: FailureOutcome(Reset), method: "POST"}, Decision{GiveUp: GiveUp{Reason: NotIdempotent}}},
		{run{outcome: FailureOutcome(Connect), method: "POST"}, retryAfter(s)},
		// 5. The wait honours the server's delay.
		{run{outcome: resp(429, RuleRetryAfter, 7*s), method: "POST"}, retryAfter(7 * s)},
		{run{outcome: resp(429, RuleRetryAfter, 0), attempt: 3}, retryAfter(0)},
		{run{outcome: resp(429, RuleRetryAfter), attempt: 3}, retryAfter(4 * s)},
		{run{outcome: resp(429, RuleBackoff, 20*s), attempt: 2}, retryAfter(20 * s)},
		{run{outcome: resp(429, RuleBackoff, s), attempt: 3}, retryAfter(4 * s)},
		{run{outcome: resp(503, RuleBackoff, 99*s), limits: NoLimits()}, retryAfter(99 * s)},
		{run{outcome: resp(503, RuleBackoff, 99*s)}, Decision{GiveUp: GiveUp{Reason: WaitTooLong, Wait: 99 * s, Cap: DefaultMaxWait, Limit: LimitDefault}}},
		// 6. The vendor caps the server's delay, then the client the wait.
		{run{outcome: resp(429, RuleRetryAfter, 30*s), policy: &capped}, retryAfter(30 * s)},
		{run{outcome: resp(429, RuleRetryAfter, 31*s), policy: &capped, limits: Limits{MaxWait: 10 * s}}, Decision{GiveUp: GiveUp{Reason: WaitTooLong, Wait: 31 * s, Cap: 30 * s, Limit: LimitReference}}},
		{run{outcome: resp(429, RuleRetryAfter, 20*s), policy: &capped, limits: Limits{MaxWait: 10 * s}}, Decision{GiveUp: GiveUp{Reason: WaitTooLong, Wait: 20 * s, Cap: 10 * s, Limit: LimitClient}}},
		{run{outcome: resp(429, RuleBackoff), attempt: 4, limits: Limits{MaxWait: 8 * s}}, retryAfter(8 * s)},
		// 7. The deadline counts the time already spent.
		{run{outcome: resp(429, RuleBackoff), attempt: 3, limits: Limits{Deadline: 10 * s}, elapsed: 6 * s}, retryAfter(4 * s)},
		{run{outcome: resp(429, RuleBackoff), attempt: 3, limits: Limits{Deadline: 10 * s}, elapsed: 6001 * ms}, Decision{GiveUp: GiveUp{Reason: DeadlineExceeded, Deadline: 10 * s, Limit: LimitClient}}},
	} {
		if got := c.run.decide(); got != c.want {
			t.Errorf("case %d: got %v (%+v), want %v", i, got, got, c.want)
		}
	}
}

func TestAMissingJitterDrawsASample(t *testing.T) {
	seen := map[time.Duration]bool{}
	for i := 0; i < 50; i++ {
		d := Decide(&Attempt{Policy: &testPolicy, Outcome: resp(429, RuleBackoff), Request: Request{Method: "GET"}})
		if !d.Retry || d.Delay < 750*ms || d.Delay > 1250*ms {
			t.Fatalf("%v", d)
		}
		seen[d.Delay] = true
	}
	if len(seen) < 2 {
		t.Error("the samples do not vary")
	}
}

func TestDecisionsAndReasonsReadAsSentences(t *testing.T) {
	if got := retryAfter(1500 * ms).String(); got != "retry after 1.5s" {
		t.Error(got)
	}
	if got := (Decision{GiveUp: GiveUp{Reason: AttemptsExhausted, MaxAttempts: 5, Limit: LimitReference}}).String(); got != "give up: 5 attempts made, the vendor's limit" {
		t.Error(got)
	}
	if got := (GiveUp{Reason: AttemptsExhausted, MaxAttempts: 1, Limit: LimitClient}).String(); got != "1 attempt made, the client's limit" {
		t.Error(got)
	}
	if got := (GiveUp{Reason: WaitTooLong, Wait: 60 * s, Cap: 30 * s, Limit: LimitReference}).String(); !strings.Contains(got, "1m0s") {
		t.Error(got)
	}
	if f, ok := TransportFailureFromID("timeout"); !ok || f != Timeout {
		t.Error("timeout")
	}
	if _, ok := TransportFailureFromID("dns"); ok {
		t.Error("dns is no failure")
	}
}

func TestBudget(t *testing.T) {
	b := NewBudgetWith(BudgetConfig{Capacity: 15})
	get := &Attempt{Policy: &testPolicy, Outcome: resp(500, RuleBackoff), Request: Request{Method: "GET"}, Budget: b}
	if d := Decide(get); !d.Retry || b.Available() != 10 {
		t.Fatalf("%v %d", d, b.Available())
	}
	timeout := &Attempt{Policy: &testPolicy, Outcome: FailureOutcome(Timeout), Request: Request{Method: "GET"}, Budget: b}
	if d := Decide(timeout); !d.Retry || b.Available() != 0 {
		t.Fatalf("%v %d", d, b.Available())
	}
	if d := Decide(get); d.Retry || d.GiveUp.Reason != BudgetExhausted {
		t.Fatalf("%v", d)
	}
	b.DepositSuccess()
	never := &Attempt{Policy: &testPolicy, Outcome: resp(400, RuleNever), Request: Request{Method: "GET"}, Budget: b}
	if d := Decide(never); d.Retry || b.Available() != 1 {
		t.Fatal("a give-up withdraws nothing")
	}
	for i := 0; i < 100; i++ {
		b.DepositSuccess()
	}
	if b.Available() != 15 || b.Capacity() != 15 {
		t.Fatal("deposits stop at the capacity")
	}
	if NewBudget().Available() != 500 {
		t.Fatal("a new budget is full")
	}
	neg := -4
	if NewBudgetWith(BudgetConfig{Available: &neg}).Available() != 0 {
		t.Fatal("clamped")
	}
}
