package errcat

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// UnknownMeaning is the meaning reported for a code the catalog does not know.
const UnknownMeaning = "A code the catalog does not know yet."

// CodeInfo is what the catalog records about one code: a row of the vendor's
// code table.
type CodeInfo struct {
	// Code is the wire string.
	Code string
	// Statuses are the documented HTTP statuses.
	Statuses []int
	Kind     Kind
	Retry    Retry
	Meaning  string
	// Message is the reference's message template ("" for none).
	Message string
	// Resolution is what to do about it ("" for none).
	Resolution string
	// AnyMethod is true when the reference declares the code safe to retry
	// whatever the HTTP method.
	AnyMethod bool
	// Deprecated is the deprecation note ("" for a current code).
	Deprecated string
	// Aliases are other spellings the vendor has sent; each parses to the code.
	Aliases []string
}

// Vendor is a vendor of the catalog: its id, name, retry guidance, envelope and
// code table. Each generated vendor package has one, its Vendor variable.
type Vendor struct {
	ID   string
	Name string
	// Policy is the vendor's retry guidance.
	Policy Policy
	// Envelope says where the error fields sit in a body.
	Envelope Envelope
	// KeyedByStatus is true when the vendor sends no stable code, so its codes
	// are its documented statuses.
	KeyedByStatus bool
	// Codes is the code table, in the catalog's order.
	Codes []CodeInfo

	once     sync.Once
	byCode   map[string]*CodeInfo
	byStatus map[int]*CodeInfo
}

func (v *Vendor) index() {
	v.once.Do(func() {
		v.byCode = make(map[string]*CodeInfo, len(v.Codes))
		counts := make(map[int]int)
		for i := range v.Codes {
			c := &v.Codes[i]
			for _, s := range c.Statuses {
				counts[s]++
			}
		}
		v.byStatus = make(map[int]*CodeInfo)
		for i := range v.Codes {
			c := &v.Codes[i]
			v.byCode[c.Code] = c
			for _, s := range c.Statuses {
				if counts[s] == 1 {
					v.byStatus[s] = c
				}
			}
		}
		for i := range v.Codes {
			c := &v.Codes[i]
			for _, a := range c.Aliases {
				if _, taken := v.byCode[a]; !taken {
					v.byCode[a] = c
				}
			}
		}
	})
}

// Lookup is the row of a wire code or one of its aliases; nil for a code the
// catalog does not know.
func (v *Vendor) Lookup(code string) *CodeInfo {
	v.index()
	return v.byCode[code]
}

// Parse parses an HTTP error response from the vendor; it never fails. Delays
// given as HTTP dates are measured from the clock.
func (v *Vendor) Parse(status int, header http.Header, body []byte) *APIError {
	e := new(APIError)
	v.ParseInto(e, status, header, body, nil)
	return e
}

// ParseInto parses as Parse does into e, measuring dates from now (nil: the clock).
//
// The code is the body's code (an alias gives its code's own spelling); a body
// without one maps to the one code documented for its status, else to no code
// ("" for Code, or for a vendor keyed by status the status as text).
func (v *Vendor) ParseInto(e *APIError, status int, header http.Header, body []byte, now func() time.Time) {
	v.index()
	raw := ParseRaw(&v.Envelope, v.Policy.DelayHeader, status, header, body, now)
	*e = APIError{
		Vendor:        v,
		Status:        status,
		Message:       raw.Message,
		RequestID:     raw.RequestID,
		Details:       raw.Details,
		RetryAfter:    raw.RetryAfter,
		HasRetryAfter: raw.HasRetryAfter,
	}
	switch {
	case raw.HasCode:
		e.Info = v.byCode[raw.Code]
		e.Code = raw.Code
	default:
		e.Info = v.byStatus[status]
		if v.KeyedByStatus {
			e.Code = strconv.Itoa(status)
		}
	}
	if e.Info != nil {
		e.Code = e.Info.Code
	}
}

// RuleForUnknown is the rule for a code the catalog does not know, from its
// status alone: 429 waits the server's delay (or backs off), a 5xx backs off when
// the request is safe to repeat, anything else is not retried.
func RuleForUnknown(status int, policy *Policy) Retry {
	switch {
	case status == 429 && policy.DelayHeader != "":
		return Retry{Rule: RuleRetryAfter}
	case status == 429:
		return Retry{Rule: RuleBackoff}
	case status >= 500 && status <= 599:
		return Retry{Rule: RuleIdempotent}
	}
	return Retry{Rule: RuleNever}
}

// APIError is an error response from any vendor, parsed. Each vendor package's
// APIError embeds it and adds the code as the vendor's Code type; errors.As
// finds either.
type APIError struct {
	// Vendor is the vendor that sent it.
	Vendor *Vendor
	// Status is the HTTP status.
	Status int
	// Code is the wire code as sent, kept verbatim for a code the catalog does
	// not know; "" when the body had none.
	Code string
	// Message is the body's message, or a bounded excerpt of the body.
	Message string
	// RequestID is the request id from the body or the header ("" for none).
	RequestID string
	// Details is the value at the envelope's details pointer (nil for none).
	Details json.RawMessage
	// RetryAfter is the server's requested delay, when HasRetryAfter.
	RetryAfter    time.Duration
	HasRetryAfter bool
	// Info is the catalog's row for the code; nil for a code it does not know.
	Info *CodeInfo
}

// IsKnown reports whether the catalog knows the code.
func (e *APIError) IsKnown() bool { return e.Info != nil }

// Kind is the canonical kind (KindUnknown for an unknown code).
func (e *APIError) Kind() Kind {
	if e.Info == nil {
		return KindUnknown
	}
	return e.Info.Kind
}

// Meaning is what the code means.
func (e *APIError) Meaning() string {
	if e.Info == nil {
		return UnknownMeaning
	}
	return e.Info.Meaning
}

// RetryRule is the rule in force: the code's, or for an unknown code the status's.
func (e *APIError) RetryRule() Retry {
	if e.Info == nil {
		return RuleForUnknown(e.Status, &e.Vendor.Policy)
	}
	return e.Info.Retry
}

// Policy is the vendor's retry guidance.
func (e *APIError) Policy() *Policy { return &e.Vendor.Policy }

// Outcome is the response as the retry decision sees it.
func (e *APIError) Outcome() Outcome {
	return Outcome{
		Status:        e.Status,
		Rule:          e.RetryRule(),
		AnyMethod:     e.Info != nil && e.Info.AnyMethod,
		RetryAfter:    e.RetryAfter,
		HasRetryAfter: e.HasRetryAfter,
	}
}

// RetryDecision says whether and when to retry after attempt attempts (the
// failed one included) of req, under the client's limits (the zero Limits for
// none), with a fresh jitter sample and no budget. Use Decide for the rest.
func (e *APIError) RetryDecision(attempt int, req Request, limits Limits) Decision {
	return Decide(&Attempt{Policy: &e.Vendor.Policy, Outcome: e.Outcome(), Request: req, Attempt: attempt, Limits: limits})
}

// Error is one line: vendor, code, status, message and request id, with control
// and bidirectional characters shown as escapes, so that a response can neither
// forge a line break nor reorder text.
func (e *APIError) Error() string {
	code := e.Code
	if code == "" {
		code = "unknown code"
	}
	name := "unknown vendor"
	if e.Vendor != nil {
		name = e.Vendor.Name
	}
	var b strings.Builder
	b.WriteString(escaped(name))
	b.WriteByte(' ')
	b.WriteString(escaped(code))
	b.WriteString(" (HTTP ")
	b.WriteString(strconv.Itoa(e.Status))
	b.WriteString("): ")
	b.WriteString(escaped(e.Message))
	if e.RequestID != "" {
		b.WriteString(" [request id ")
		b.WriteString(escaped(e.RequestID))
		b.WriteByte(']')
	}
	return b.String()
}

func isBidi(r rune) bool {
	switch r {
	case '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e',
		'\u2066', '\u2067', '\u2068', '\u2069', '\u061c', '\u2028', '\u2029':
		return true
	}
	return false
}

func escaped(text string) string {
	clean := true
	for _, r := range text {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || isBidi(r) {
			clean = false
			break
		}
	}
	if clean {
		return text
	}
	var b strings.Builder
	for _, r := range text {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || isBidi(r) {
			b.WriteString(`\u{` + strconv.FormatInt(int64(r), 16) + `}`)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
