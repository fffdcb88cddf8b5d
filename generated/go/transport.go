package errcat

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"
)

// The reasons only the Transport gives, beside the decision's own.
const (
	// BodyNotReplayable: the request's body cannot be sent again (it has no
	// GetBody), so the request is sent once.
	BodyNotReplayable Reason = "body_not_replayable"
	// Canceled: the request's context was canceled or passed its deadline.
	Canceled Reason = "canceled"
	// UnknownFailure: the round trip failed with an error that names no
	// transport failure errcat knows (see ClassifyError), so it is not retried.
	UnknownFailure Reason = "unknown_failure"
)

// Transport is an http.RoundTripper that retries as the vendor's reference says:
// waits (backoff, Retry-After, the vendor's cap on it), attempt limits, which
// methods are safe to repeat, failures without a response, the client's own
// Limits and a Budget shared by every client of the vendor.
//
// Every attempt after the first sends the body again through the request's
// GetBody (http.NewRequest sets it for in-memory bodies); a request with a body
// and no GetBody is sent once. The request's context cancels the waits, and
// its deadline is the whole call's: a wait that would pass it is not started.
// A request carries the vendor's idempotency key when it has the header the
// vendor names, or when its context was made by WithIdempotencyKey. The
// outcome (attempts, the last decision) goes to the caller through
// WithResult. The zero values of the optional fields give the defaults.
//
// The response handed back is the last one, its body unread (the Transport
// reads at most MaxBody bytes of an error body to parse it, and puts them back).
type Transport struct {
	// Vendor is the vendor whose reference the decisions follow (required).
	Vendor *Vendor
	// Base sends each attempt; nil uses http.DefaultTransport.
	Base http.RoundTripper
	// Limits are the client's own limits (the zero value: errcat's defaults).
	Limits Limits
	// Budget, when set, pays for every retry; share one per vendor.
	Budget *Budget
	// Jitter gives samples in [0, 1); nil uses JitterSample.
	Jitter func() float64
	// Now is the clock; nil uses time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx is done; nil uses a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Classify names the failure behind a round trip's error; nil uses ClassifyError.
	Classify func(error) (TransportFailure, bool)
}

// Result is what a Transport did for one request: the attempts made and the
// decision after the last one (NotAnError after a response below 400).
type Result struct {
	Attempts int
	Decision Decision
	// Elapsed is the time from the first attempt to the end of the last.
	Elapsed time.Duration
}

type resultKey struct{}
type idempotencyKey struct{}

// WithResult returns a context under which a Transport writes its Result for
// the request into r.
func WithResult(ctx context.Context, r *Result) context.Context {
	return context.WithValue(ctx, resultKey{}, r)
}

// WithIdempotencyKey returns a context that marks a request as carrying the
// vendor's idempotency key where the Transport cannot see it (in the body, for
// one), so that it is safe to repeat when the vendor has such a key.
func WithIdempotencyKey(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, true)
}

// ClassifyError names the transport failure behind err, if it is known: a
// refused connection, an unreachable network or a failed DNS lookup is Connect
// (never sent); a timeout is Timeout; a reset or aborted connection, a broken
// pipe or an unexpected end of the stream is Reset.
func ClassifyError(err error) (TransportFailure, bool) {
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		return Connect, true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return Connect, true
	case errors.As(err, &op) && op.Op == "dial":
		if op.Timeout() {
			return Timeout, true
		}
		return Connect, true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return Reset, true
	}
	var timeout interface{ Timeout() bool }
	if errors.As(err, &timeout) && timeout.Timeout() {
		return Timeout, true
	}
	return 0, false
}

// ErrNoVendor is returned by a Transport without a Vendor.
var ErrNoVendor = errors.New("errcat: Transport.Vendor is not set")

// RoundTrip sends req, and again as long as the decision says to retry.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.Vendor == nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, ErrNoVendor
	}
	ctx := req.Context()
	result, _ := ctx.Value(resultKey{}).(*Result)
	if result == nil {
		result = new(Result)
	}
	*result = Result{}
	base, now, sleep := t.Base, t.Now, t.Sleep
	if base == nil {
		base = http.DefaultTransport
	}
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = sleepContext
	}
	policy := &t.Vendor.Policy
	request := Request{Method: req.Method}
	if marked, _ := ctx.Value(idempotencyKey{}).(bool); marked {
		request.IdempotencyKey = true
	} else if policy.IdempotencyKey != "" && req.Header.Get(policy.IdempotencyKey) != "" {
		request.IdempotencyKey = true
	}
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	limits := t.Limits
	start := now()
	if deadline, ok := ctx.Deadline(); ok {
		left := deadline.Sub(start)
		if d, _, ok := limits.DeadlineLimit(); !ok || left < d {
			limits.Deadline = max(left, time.Nanosecond)
		}
	}
	send := req
	for attempt := 1; ; attempt++ {
		result.Attempts = attempt
		resp, err := base.RoundTrip(send)
		result.Elapsed = now().Sub(start)
		var outcome Outcome
		var kept []byte
		switch {
		case err != nil && ctx.Err() != nil:
			result.Decision = giveUp(GiveUp{Reason: Canceled})
			return nil, err
		case err != nil:
			failure, known := t.classify(err)
			if !known {
				result.Decision = giveUp(GiveUp{Reason: UnknownFailure})
				return nil, err
			}
			outcome = FailureOutcome(failure)
		case resp.StatusCode < 400:
			if t.Budget != nil {
				t.Budget.DepositSuccess()
			}
			result.Decision = giveUp(GiveUp{Reason: NotAnError})
			return resp, nil
		default:
			kept, err = io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
			if err != nil && ctx.Err() != nil {
				resp.Body.Close()
				result.Decision = giveUp(GiveUp{Reason: Canceled})
				return nil, err
			}
			e := new(APIError)
			t.Vendor.ParseInto(e, resp.StatusCode, resp.Header, kept, now)
			outcome = e.Outcome()
		}
		jitter := JitterSample
		if t.Jitter != nil {
			jitter = t.Jitter
		}
		sample := jitter()
		decision := Decide(&Attempt{
			Policy: policy, Outcome: outcome, Request: request, Attempt: attempt,
			Limits: limits, Elapsed: result.Elapsed, Jitter: &sample, Budget: t.Budget,
		})
		if decision.Retry && !replayable {
			decision = giveUp(GiveUp{Reason: BodyNotReplayable})
		}
		result.Decision = decision
		if !decision.Retry {
			if resp == nil {
				return nil, err
			}
			resp.Body = putBack(kept, resp.Body)
			return resp, nil
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := sleep(ctx, decision.Delay); err != nil {
			result.Decision = giveUp(GiveUp{Reason: Canceled})
			return nil, err
		}
		send = req.Clone(ctx)
		if req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				result.Decision = giveUp(GiveUp{Reason: BodyNotReplayable})
				return nil, err
			}
			send.Body = body
		}
	}
}

func (t *Transport) classify(err error) (TransportFailure, bool) {
	if t.Classify != nil {
		return t.Classify(err)
	}
	return ClassifyError(err)
}

// sleepContext waits d, or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// putBack is a body that gives the bytes already read, then the rest.
func putBack(read []byte, rest io.ReadCloser) io.ReadCloser {
	if len(read) == 0 {
		return rest
	}
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(read), rest), rest}
}
