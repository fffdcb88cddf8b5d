package errcat_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	errcat "github.com/errcat/errcat/generated/go"
	"github.com/errcat/errcat/generated/go/pentify"
	"github.com/errcat/errcat/generated/go/vantaprism"
)

// script answers each request with the next of its responses (the last one
// repeats), and records what it received.
type script struct {
	mu        sync.Mutex
	responses []func(http.ResponseWriter)
	bodies    []string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.bodies)
	s.bodies = append(s.bodies, string(body))
	respond := s.responses[min(n, len(s.responses)-1)]
	s.mu.Unlock()
	respond(w)
}

func (s *script) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

func status(code int, headers map[string]string, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

// serve starts a server on 127.0.0.1 with the responses.
func serve(t *testing.T, responses ...func(http.ResponseWriter)) (*httptest.Server, *script) {
	t.Helper()
	s := &script{responses: responses}
	server := httptest.NewServer(s)
	t.Cleanup(server.Close)
	if host, _, _ := net.SplitHostPort(server.Listener.Addr().String()); host != "127.0.0.1" {
		t.Fatalf("the test server listens on %s", host)
	}
	return server, s
}

// sleeps records the waits instead of waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func transport(v *errcat.Vendor, z *sleeps) *errcat.Transport {
	return &errcat.Transport{Vendor: v, Jitter: func() float64 { return 0.5 }, Sleep: z.sleep}
}

const rateLimited = `{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_1"}}`
const serverError = `{"error":{"code":"server_error","message":"Oops","request_id":"req_2"}}`

func do(t *testing.T, client *http.Client, req *http.Request) (*http.Response, errcat.Result) {
	t.Helper()
	var result errcat.Result
	resp, err := client.Do(req.WithContext(errcat.WithResult(req.Context(), &result)))
	if err != nil {
		t.Fatalf("%v (result %+v)", err, result)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp, result
}

func TestA429WaitsWhatRetryAfterSaysThenSucceeds(t *testing.T) {
	server, _ := serve(t, status(429, map[string]string{"Retry-After": "2"}, rateLimited), status(200, nil, "ok"))
	z := &sleeps{}
	budget := errcat.NewBudget()
	rt := transport(pentify.Vendor, z)
	rt.Budget = budget
	req, _ := http.NewRequest("GET", server.URL, nil)
	resp, result := do(t, &http.Client{Transport: rt}, req)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	if result.Attempts != 2 || result.Decision.GiveUp.Reason != errcat.NotAnError {
		t.Fatalf("%+v", result)
	}
	if len(z.waits) != 1 || z.waits[0] != 2*time.Second {
		t.Fatalf("%v", z.waits)
	}
	if budget.Available() != 496 {
		t.Fatalf("a retry costs 5 and a success gives 1 back: %d", budget.Available())
	}
}

func TestTheLastErrorResponseComesBackWithItsBodyAndTheReason(t *testing.T) {
	server, _ := serve(t, status(429, map[string]string{"Retry-After": "1"}, rateLimited))
	z := &sleeps{}
	req, _ := http.NewRequest("GET", server.URL, nil)
	resp, result := do(t, &http.Client{Transport: transport(pentify.Vendor, z)}, req)
	if result.Attempts != 5 || result.Decision.GiveUp.Reason != errcat.AttemptsExhausted || result.Decision.GiveUp.Limit != errcat.LimitReference {
		t.Fatalf("Pentify's reference allows 5 attempts: %+v", result)
	}
	body, _ := io.ReadAll(resp.Body)
	e := pentify.FromResponse(resp.StatusCode, resp.Header, body)
	if e.Code != pentify.CodeRateLimited || e.RequestID != "req_1" || len(z.waits) != 4 {
		t.Fatalf("%+v %v", e, z.waits)
	}
}

func TestAPostIsRetriedOnlyWithTheIdempotencyKeyAndItsBodyIsSentAgain(t *testing.T) {
	server, s := serve(t, status(500, nil, serverError), status(500, nil, serverError), status(201, nil, "made"))
	z := &sleeps{}
	client := &http.Client{Transport: transport(pentify.Vendor, z)}
	req, _ := http.NewRequest("POST", server.URL, strings.NewReader("payload"))
	resp, result := do(t, client, req)
	if resp.StatusCode != 500 || result.Attempts != 1 || result.Decision.GiveUp.Reason != errcat.NotIdempotent {
		t.Fatalf("%d %+v", resp.StatusCode, result)
	}
	req, _ = http.NewRequest("POST", server.URL, strings.NewReader("payload"))
	req.Header.Set("idempotency_key", "k1")
	resp, result = do(t, client, req)
	if resp.StatusCode != 201 || result.Attempts != 2 {
		t.Fatalf("%d %+v", resp.StatusCode, result)
	}
	got := s.received()
	if len(got) != 3 || got[1] != "payload" || got[2] != "payload" {
		t.Fatalf("%q", got)
	}
	marked, _ := serve(t, status(500, nil, serverError), status(201, nil, "made"))
	req, _ = http.NewRequest("POST", marked.URL, strings.NewReader("payload"))
	req = req.WithContext(errcat.WithIdempotencyKey(context.Background()))
	if resp, result = do(t, client, req); resp.StatusCode != 201 || result.Attempts != 2 {
		t.Fatalf("a key marked through the context: %d %+v", resp.StatusCode, result)
	}
}

func TestABodyWithoutGetBodyIsSentOnce(t *testing.T) {
	server, s := serve(t, status(503, nil, `{"error":{"code":"engine_unavailable","message":"m"}}`), status(200, nil, "ok"))
	req, _ := http.NewRequest("PUT", server.URL, io.NopCloser(bytes.NewReader([]byte("stream"))))
	req.GetBody = nil
	req.Header.Set("idempotency_key", "k")
	resp, result := do(t, &http.Client{Transport: transport(pentify.Vendor, &sleeps{})}, req)
	if resp.StatusCode != 503 || result.Attempts != 1 || result.Decision.GiveUp.Reason != errcat.BodyNotReplayable || len(s.received()) != 1 {
		t.Fatalf("%d %+v", resp.StatusCode, result)
	}
}

func TestTheContextDeadlineBoundsTheWholeCall(t *testing.T) {
	server, _ := serve(t, status(429, map[string]string{"Retry-After": "20"}, rateLimited))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", server.URL, nil)
	resp, result := do(t, &http.Client{Transport: transport(pentify.Vendor, &sleeps{})}, req)
	if resp.StatusCode != 429 || result.Attempts != 1 || result.Decision.GiveUp.Reason != errcat.DeadlineExceeded {
		t.Fatalf("a 20 s wait passes a 5 s deadline: %d %+v", resp.StatusCode, result)
	}
}

func TestCancelingTheContextEndsAWait(t *testing.T) {
	server, _ := serve(t, status(429, map[string]string{"Retry-After": "30"}, rateLimited))
	ctx, cancel := context.WithCancel(context.Background())
	var result errcat.Result
	req, _ := http.NewRequestWithContext(errcat.WithResult(ctx, &result), "GET", server.URL, nil)
	time.AfterFunc(50*time.Millisecond, cancel)
	began := time.Now()
	_, err := (&http.Client{Transport: &errcat.Transport{Vendor: pentify.Vendor}}).Do(req)
	if !errors.Is(err, context.Canceled) || time.Since(began) > 10*time.Second {
		t.Fatalf("%v after %v", err, time.Since(began))
	}
	if result.Attempts != 1 || result.Decision.GiveUp.Reason != errcat.Canceled {
		t.Fatalf("%+v", result)
	}
}

func TestAConnectionRefusedIsRetriedUpToTheClientsLimit(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listener.Addr().String()
	listener.Close()
	z := &sleeps{}
	rt := transport(vantaprism.Vendor, z)
	rt.Limits = errcat.Limits{MaxAttempts: 3}
	var result errcat.Result
	req, _ := http.NewRequestWithContext(errcat.WithResult(context.Background(), &result), "POST", "http://"+addr, strings.NewReader("x"))
	_, err = (&http.Client{Transport: rt}).Do(req)
	if err == nil || result.Attempts != 3 {
		t.Fatalf("%v %+v", err, result)
	}
	if d := result.Decision.GiveUp; d.Reason != errcat.AttemptsExhausted || d.Limit != errcat.LimitClient || len(z.waits) != 2 {
		t.Fatalf("%+v %v", result, z.waits)
	}
}

func TestAResetGETIsRetriedAndAResetPOSTIsNot(t *testing.T) {
	hangUp := func(w http.ResponseWriter) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	server, _ := serve(t, hangUp, status(200, nil, "ok"))
	client := &http.Client{Transport: transport(vantaprism.Vendor, &sleeps{})}
	req, _ := http.NewRequest("GET", server.URL, nil)
	if resp, result := do(t, client, req); resp.StatusCode != 200 || result.Attempts != 2 {
		t.Fatalf("%d %+v", resp.StatusCode, result)
	}
	server2, _ := serve(t, hangUp)
	var result errcat.Result
	req, _ = http.NewRequestWithContext(errcat.WithResult(context.Background(), &result), "POST", server2.URL, strings.NewReader("x"))
	if _, err := client.Do(req); err == nil || result.Attempts != 1 || result.Decision.GiveUp.Reason != errcat.NotIdempotent {
		t.Fatalf("%v %+v", err, result)
	}
}

func TestASharedBudgetStopsRetries(t *testing.T) {
	server, _ := serve(t, status(503, nil, `{"error":{"code":"engine_unavailable","message":"m"}}`))
	budget := errcat.NewBudgetWith(errcat.BudgetConfig{Capacity: 7})
	rt := transport(pentify.Vendor, &sleeps{})
	rt.Budget = budget
	req, _ := http.NewRequest("GET", server.URL, nil)
	_, result := do(t, &http.Client{Transport: rt}, req)
	if result.Attempts != 2 || result.Decision.GiveUp.Reason != errcat.BudgetExhausted || budget.Available() != 2 {
		t.Fatalf("%+v %d", result, budget.Available())
	}
}

func TestATransportWithoutAVendorFailsInsteadOfPanicking(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://127.0.0.1:1", nil)
	if _, err := (&errcat.Transport{}).RoundTrip(req); !errors.Is(err, errcat.ErrNoVendor) {
		t.Fatal(err)
	}
}

func TestClassifyError(t *testing.T) {
	for _, c := range []struct {
		err  error
		want errcat.TransportFailure
		ok   bool
	}{
		{&net.OpError{Op: "dial", Err: errors.New("refused")}, errcat.Connect, true},
		{&net.DNSError{Err: "no such host", Name: "x"}, errcat.Connect, true},
		{io.ErrUnexpectedEOF, errcat.Reset, true},
		{context.DeadlineExceeded, errcat.Timeout, true},
		{errors.New("something else"), 0, false},
	} {
		got, ok := errcat.ClassifyError(c.err)
		if got != c.want || ok != c.ok {
			t.Errorf("%v: %v %v", c.err, got, ok)
		}
	}
}

// The README's example: a client whose requests to Pentify retry as its
// reference says, within the client's own limits and a shared budget.
func ExampleTransport() {
	budget := errcat.NewBudget() // one per vendor, shared by every client
	client := &http.Client{Transport: &errcat.Transport{
		Vendor: pentify.Vendor,
		Limits: errcat.Limits{MaxAttempts: 4, Deadline: time.Minute},
		Budget: budget,
	}}
	var result errcat.Result // filled in: attempts made and the last decision
	ctx := errcat.WithResult(context.Background(), &result)
	req, _ := http.NewRequestWithContext(ctx, "GET", "https://api.pentify.example/v1/scans", nil)
	resp, err := client.Do(req)
	if err == nil && resp.StatusCode >= 400 {
		body, _ := io.ReadAll(resp.Body)
		apiErr := pentify.FromResponse(resp.StatusCode, resp.Header, body)
		if apiErr.Code == pentify.CodeInsufficientTokens {
			fmt.Println("top up first")
		}
	}
	fmt.Println(result.Attempts, result.Decision)
}
