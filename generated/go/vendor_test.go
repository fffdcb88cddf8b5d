package errcat_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	errcat "github.com/errcat/errcat/generated/go"
	"github.com/errcat/errcat/generated/go/defendis"
	"github.com/errcat/errcat/generated/go/pentify"
	"github.com/errcat/errcat/generated/go/vendors"
)

func TestAPentifyResponseGivesItsCodeAndErrorsAsFindsBothTypes(t *testing.T) {
	body := []byte(`{"error":{"code":"insufficient_tokens","message":"Top up","request_id":"req_1"}}`)
	var err error = pentify.FromResponse(402, http.Header{}, body)
	var apiErr *pentify.APIError
	if !errors.As(fmt.Errorf("scan: %w", err), &apiErr) {
		t.Fatal("errors.As does not find *pentify.APIError")
	}
	if apiErr.Code != pentify.CodeInsufficientTokens || apiErr.Kind() != errcat.KindPaymentRequired {
		t.Fatalf("%+v", apiErr)
	}
	if apiErr.Message != "Top up" || apiErr.RequestID != "req_1" || apiErr.Status != 402 {
		t.Fatalf("%+v", apiErr)
	}
	var generic *errcat.APIError
	if !errors.As(err, &generic) || generic.Vendor.ID != "pentify" || generic.Code != "insufficient_tokens" {
		t.Fatal("errors.As does not find the vendor-independent *errcat.APIError")
	}
	if r := apiErr.RetryRule(); r.Rule != errcat.RuleAfter || r.Action != "After top-up" {
		t.Fatalf("%v", r)
	}
	if got := err.Error(); got != "Pentify insufficient_tokens (HTTP 402): Top up [request id req_1]" {
		t.Fatal(got)
	}
}

func TestAnUnknownCodeKeepsItsText(t *testing.T) {
	e := pentify.FromResponse(418, nil, []byte(`{"error":{"code":"teapot","message":"short and stout"}}`))
	if e.Code != "teapot" || e.Code.IsKnown() || e.IsKnown() || e.Kind() != errcat.KindUnknown {
		t.Fatalf("%+v", e)
	}
	if e.RetryRule().Rule != errcat.RuleNever || e.Meaning() != errcat.UnknownMeaning {
		t.Fatalf("%v", e.RetryRule())
	}
	five := pentify.FromResponse(599, nil, []byte(`{"error":{"code":"new_thing","message":"m"}}`))
	if five.RetryRule().Rule != errcat.RuleIdempotent {
		t.Fatalf("%v", five.RetryRule())
	}
}

func TestAnAliasAndAFallbackGiveTheCode(t *testing.T) {
	// Pentify has no fallback: a 429 without a readable code is an unknown
	// code, retried by the status's rule (the server's delay).
	e := pentify.FromResponse(429, http.Header{"Retry-After": {"2"}}, []byte("<html>busy</html>"))
	if e.Code != "" || e.IsKnown() || e.Message != "<html>busy</html>" {
		t.Fatalf("%+v", e)
	}
	d := e.RetryDecision(1, errcat.Request{Method: "GET"}, errcat.Limits{})
	if !d.Retry || d.Delay != 2*time.Second {
		t.Fatalf("%v", d)
	}
	keyed := defendis.FromResponse(429, nil, []byte(`{"error":"Rate limit exceeded"}`))
	if keyed.Code != "429" || keyed.Kind() != errcat.KindRateLimited {
		t.Fatalf("%+v", keyed)
	}
	if keyed := defendis.FromResponse(418, nil, []byte(`{"error":"odd"}`)); keyed.Code != "418" || keyed.IsKnown() {
		t.Fatalf("%+v", keyed)
	}
}

func TestTheRegistryParsesAnyVendorByID(t *testing.T) {
	if len(vendors.IDs()) == 0 || vendors.Vendor("pentify") != pentify.Vendor {
		t.Fatal("pentify is in the registry")
	}
	e, err := vendors.Parse("pentify", 503, nil, []byte(`{"error":{"code":"engine_unavailable","message":"m"}}`))
	if err != nil || e.Code != string(pentify.CodeEngineUnavailable) || e.Kind() != errcat.KindUnavailable {
		t.Fatalf("%v %+v", err, e)
	}
	if _, err := vendors.Parse("nobody", 500, nil, nil); !errors.Is(err, vendors.ErrUnknownVendor) {
		t.Fatalf("%v", err)
	}
}

func TestErrorEscapesControlAndBidiCharacters(t *testing.T) {
	e := pentify.FromResponse(400, nil, []byte(`{"error":{"code":"x\n","message":"a\u202eb\r\nforged"}}`))
	if got := e.Error(); got != `Pentify x\u{a} (HTTP 400): a\u{202e}b\u{d}\u{a}forged` {
		t.Fatal(got)
	}
}

func Example() {
	body := []byte(`{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_1"}}`)
	err := pentify.FromResponse(429, http.Header{"Retry-After": {"2"}}, body)
	fmt.Println(err.Code == pentify.CodeRateLimited, err.Kind())
	fmt.Println(err.RetryDecision(1, errcat.Request{Method: "GET"}, errcat.Limits{}))
	// Output:
	// true rate_limited
	// retry after 2s
}
