package errcat_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	errcat "github.com/errcat/errcat/generated/go"
	"github.com/errcat/errcat/generated/go/vendors"
)

// conformanceDir holds the cases every runtime answers alike, written by
// `cargo xtask codegen` (and by hand for edge.json and vendors.json).
const conformanceDir = "../conformance"

// conformanceCase is the part of a case the runner reads.
type conformanceCase struct {
	Name           string            `json:"name"`
	Vendor         string            `json:"vendor"`
	Status         int               `json:"status"`
	Failure        string            `json:"failure"`
	Headers        [][2]string       `json:"headers"`
	Body           string            `json:"body"`
	Now            *float64          `json:"now"`
	Method         string            `json:"method"`
	IdempotencyKey bool              `json:"idempotency_key"`
	Attempt        *int              `json:"attempt"`
	Jitter         *float64          `json:"jitter"`
	Limits         map[string]*int64 `json:"limits"`
	ElapsedMs      int64             `json:"elapsed_ms"`
	Budget         map[string]int    `json:"budget"`
	// Steps are a budget case's withdrawals and deposits (budget.json).
	Steps  []string       `json:"steps"`
	Expect map[string]any `json:"expect"`
	// Parse, when present, is what parsing the response answers (vendors.json).
	Parse map[string]any `json:"parse"`
}

func caseFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(conformanceDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	hand, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, hand...)
	sort.Strings(files)
	if len(files) == 0 {
		t.Fatalf("no conformance file under %s", conformanceDir)
	}
	return files
}

func loadCases(t *testing.T, path string) []conformanceCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []json.RawMessage `json:"cases"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(file.Cases) == 0 {
		t.Fatalf("%s has no case", path)
	}
	out := make([]conformanceCase, len(file.Cases))
	for i, raw := range file.Cases {
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			t.Fatalf("%s case %d: %v", path, i, err)
		}
	}
	return out
}

func (c *conformanceCase) header() http.Header {
	h := http.Header{}
	for _, pair := range c.Headers {
		h.Add(pair[0], pair[1])
	}
	return h
}

func (c *conformanceCase) now() func() time.Time {
	if c.Now == nil {
		return nil
	}
	secs := *c.Now
	at := time.Unix(0, int64(secs*1e9))
	return func() time.Time { return at }
}

func (c *conformanceCase) parse(t *testing.T) *errcat.APIError {
	v := vendors.Vendor(c.Vendor)
	if v == nil {
		t.Fatalf("unknown vendor %q", c.Vendor)
	}
	e := new(errcat.APIError)
	v.ParseInto(e, c.Status, c.header(), []byte(c.Body), c.now())
	return e
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// parseAnswer is what the package answers for a parse case, in the shape of its expect.
func parseAnswer(t *testing.T, c *conformanceCase) map[string]any {
	e := c.parse(t)
	fields := map[string]any{}
	for k, v := range e.Fields {
		fields[k] = v
	}
	var rateLimit any
	if rl := e.RateLimit; rl != nil {
		count := func(n *uint64) any {
			if n == nil {
				return nil
			}
			return float64(*n)
		}
		var reset any
		if rl.Reset != nil {
			reset = float64(*rl.Reset / time.Millisecond)
		}
		rateLimit = map[string]any{
			"limit":     count(rl.Limit),
			"remaining": count(rl.Remaining),
			"used":      count(rl.Used),
			"reset_ms":  reset,
		}
	}
	return map[string]any{
		"code":            e.Code,
		"message":         e.Message,
		"request_id":      nullable(e.RequestID),
		"kind":            string(e.Kind()),
		"type":            nullable(e.Type),
		"subcode":         nullable(e.Subcode),
		"fields":          fields,
		"vendor_docs_url": nullable(e.VendorDocsURL),
		"rate_limit":      rateLimit,
	}
}

// limit is one of a case's limits, scaled by unit: absent keeps errcat's
// default (0), null removes it (errcat.Unlimited), a number is the client's (a
// client's 0, which the package cannot tell from the default, as the least it
// holds: 1).
func (c *conformanceCase) limit(key string, unit int64) int64 {
	n, ok := c.Limits[key]
	switch {
	case !ok:
		return 0
	case n == nil:
		return errcat.Unlimited
	case *n <= 0:
		return 1
	}
	return *n * unit
}

// limits are the case's limits, in the package's terms.
func (c *conformanceCase) limits() errcat.Limits {
	return errcat.Limits{
		MaxAttempts: int(c.limit("max_attempts", 1)),
		MaxWait:     time.Duration(c.limit("max_wait_ms", int64(time.Millisecond))),
		Deadline:    time.Duration(c.limit("deadline_ms", int64(time.Millisecond))),
	}
}

// retryAnswer is what the package answers for a retry case, with only the keys its expect has.
func retryAnswer(t *testing.T, c *conformanceCase) map[string]any {
	answer := map[string]any{}
	var outcome errcat.Outcome
	var policy *errcat.Policy
	if c.Failure != "" {
		f, ok := errcat.TransportFailureFromID(c.Failure)
		if !ok {
			t.Fatalf("unknown failure %q", c.Failure)
		}
		outcome = errcat.FailureOutcome(f)
		policy = &vendors.Vendor(c.Vendor).Policy
	} else {
		e := c.parse(t)
		answer["code"] = e.Code
		outcome = e.Outcome()
		policy = e.Policy()
	}
	attempt := 1
	if c.Attempt != nil {
		attempt = *c.Attempt
	}
	jitter := 0.5
	if c.Jitter != nil {
		jitter = *c.Jitter
	}
	in := errcat.Attempt{
		Policy:  policy,
		Outcome: outcome,
		Request: errcat.Request{Method: c.Method, IdempotencyKey: c.IdempotencyKey},
		Attempt: attempt,
		Limits:  c.limits(),
		Elapsed: time.Duration(c.ElapsedMs) * time.Millisecond,
		Jitter:  &jitter,
	}
	if c.Budget != nil {
		available := c.Budget["available"]
		in.Budget = errcat.NewBudgetWith(errcat.BudgetConfig{Capacity: c.Budget["capacity"], Available: &available})
	}
	d := errcat.Decide(&in)
	if d.Retry {
		answer["decision"] = "retry"
		answer["delay_ms"] = float64((d.Delay + 500*time.Microsecond) / time.Millisecond)
	} else {
		answer["decision"] = "give_up"
		answer["reason"] = string(d.GiveUp.Reason)
		if id := d.GiveUp.Limit.ID(); id != "" {
			answer["limit"] = id
		}
	}
	if _, ok := c.Expect["code"]; !ok {
		delete(answer, "code")
	}
	return answer
}

// budgetAnswer is what the package's Budget answers for a budget case's steps.
func budgetAnswer(t *testing.T, c *conformanceCase) map[string]any {
	b := errcat.NewBudget()
	for _, set := range []struct {
		key  string
		with func(*errcat.Budget, int) *errcat.Budget
	}{
		{"capacity", (*errcat.Budget).WithCapacity},
		{"retry_cost", (*errcat.Budget).WithRetryCost},
		{"timeout_cost", (*errcat.Budget).WithTimeoutCost},
		{"success_deposit", (*errcat.Budget).WithSuccessDeposit},
		{"available", (*errcat.Budget).WithAvailable},
	} {
		if n, ok := c.Budget[set.key]; ok {
			b = set.with(b, n)
		}
	}
	start := b.Available()
	steps := []any{}
	for _, step := range c.Steps {
		var outcome errcat.Outcome
		switch step {
		case "success":
			b.DepositSuccess()
			steps = append(steps, map[string]any{"available": float64(b.Available())})
			continue
		case "response":
			outcome = errcat.Outcome{Status: 503, Rule: errcat.Retry{Rule: errcat.RuleBackoff}}
		default:
			f, ok := errcat.TransportFailureFromID(step)
			if !ok {
				t.Fatalf("unknown step %q", step)
			}
			outcome = errcat.FailureOutcome(f)
		}
		allowed := b.TryWithdraw(outcome)
		steps = append(steps, map[string]any{"allowed": allowed, "available": float64(b.Available())})
	}
	return map[string]any{"capacity": float64(b.Capacity()), "available": float64(start), "steps": steps}
}

func TestConformance(t *testing.T) {
	for _, path := range caseFiles(t) {
		name := filepath.Base(path)
		if name == "scenarios.json" {
			// Adapter scenarios, in their own format; Go's adapter, Transport,
			// is tested by its own transport tests.
			continue
		}
		for _, c := range loadCases(t, path) {
			t.Run(name+": "+c.Name, func(t *testing.T) {
				var got map[string]any
				switch name {
				case "parse.json":
					got = parseAnswer(t, &c)
				case "budget.json":
					got = budgetAnswer(t, &c)
				default:
					got = retryAnswer(t, &c)
				}
				if !reflect.DeepEqual(got, c.Expect) {
					t.Errorf("got  %#v\nwant %#v", got, c.Expect)
				}
				if c.Parse != nil {
					if got := parseAnswer(t, &c); !reflect.DeepEqual(got, c.Parse) {
						t.Errorf("parse: got  %#v\nparse: want %#v", got, c.Parse)
					}
				}
			})
		}
	}
}
