// Package errcat is the hand-written runtime of errcat's Go SDK: everything about
// API error responses and retries that does not vary by vendor.
//
// Each vendor of the catalog has a generated package beside this one
// (github.com/errcat/errcat/generated/go/pentify, ...) with its Code type and a
// constant per code, its APIError type, its policy and FromResponse. The package
// github.com/errcat/errcat/generated/go/vendors parses any vendor's response by
// its id. This package holds what they share, one file per concern:
//
//   - response.go and json.go: extracting code, message, request id and details
//     from an error body, driven by the vendor's Envelope;
//   - headers.go: header lookup and Retry-After (delta-seconds and HTTP dates);
//   - backoff.go: exponential backoff schedules and jitter;
//   - outcome.go: how an attempt ended, a response or a TransportFailure;
//   - limits.go: the client's own Limits, and whose limit a give-up hit;
//   - decision.go: retry rules, requests, policies and Decide;
//   - budget.go: the retry Budget, a token bucket shared by every request to a vendor;
//   - vendor.go: the Vendor record, code rows and the parsed APIError;
//   - transport.go: an http.RoundTripper that retries as the vendor's reference says.
//
// It answers every case of generated/conformance/ exactly as errcat's Rust,
// TypeScript and Python runtimes do. It needs nothing beyond the standard library.
package errcat
