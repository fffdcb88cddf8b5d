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
	// Type is the id of the vendor's type of error the code belongs to ("" for none).
	Type string
	// Fallback marks the code a body without a readable code means at its statuses.
	Fallback bool
	// Match holds the conditions that tell the code apart from others of its
	// status for a body without a readable code; all must hold.
	Match []Condition
	// MinDelay is the shortest wait before a retry of the code (0 for none).
	MinDelay time.Duration
	// Subcodes are the documented sub-codes, with their meanings.
	Subcodes []Subcode
}

// Subcode is a documented sub-code of a code (Stripe's decline codes).
type Subcode struct {
	Code    string
	Meaning string
}

// SubcodeMeaning is the documented meaning of one of the code's sub-codes;
// ok is false for one the catalog does not list.
func (c *CodeInfo) SubcodeMeaning(subcode string) (meaning string, ok bool) {
	for _, s := range c.Subcodes {
		if s.Code == subcode {
			return s.Meaning, true
		}
	}
	return "", false
}

// ConditionKind says what a Condition checks.
type ConditionKind uint8

const (
	// HeaderEquals: some value of the header Name, trimmed of spaces and
	// tabs, equals Text exactly.
	HeaderEquals ConditionKind = iota
	// HeaderPresent: the response has the header Name.
	HeaderPresent
	// MessageContains: the message read from the body's message path (not an
	// excerpt) contains Text, ignoring ASCII case.
	MessageContains
)

// Condition is one condition of a code's Match.
type Condition struct {
	Kind ConditionKind
	Name string
	Text string
}

// Holds reports whether a response with these headers, and the message its
// body gives (hasMessage false for none), meets the condition.
func (c *Condition) Holds(header http.Header, message string, hasMessage bool) bool {
	switch c.Kind {
	case MessageContains:
		return hasMessage && strings.Contains(asciiLower(message), asciiLower(c.Text))
	case HeaderPresent:
		found := false
		headerValues(header, c.Name, func(string) bool { found = true; return false })
		return found
	}
	found := false
	headerValues(header, c.Name, func(v string) bool {
		found = strings.Trim(v, " \t") == c.Text
		return !found
	})
	return found
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// TypeInfo is one of the vendor's types of error (a level between the vendor
// and its codes): its wire id and what its errors have in common.
type TypeInfo struct {
	ID      string
	Meaning string
}

// ResetFormat says how a rate-limit reset header writes its time.
type ResetFormat uint8

const (
	// ResetSeconds: seconds from now.
	ResetSeconds ResetFormat = iota
	// ResetEpochSeconds: a Unix time in seconds.
	ResetEpochSeconds
)

// RateLimitHeaders names the headers a vendor gives its rate limit in, by role
// ("" for a role it has no header for).
type RateLimitHeaders struct {
	Limit, Remaining, Used, Reset string
	// ResetFormat says how Reset writes its time.
	ResetFormat ResetFormat
}

// RateLimit is the rate limit a response's headers give: each count nil when
// its header is absent or not 1 to 18 ASCII digits once trimmed.
type RateLimit struct {
	Limit, Remaining, Used *uint64
	// Reset is the wait until the limit resets, measured from the parse's now
	// (saturating at the longest Duration); nil when unknown.
	Reset *time.Duration
}

// Read is the rate limit in header; now (nil: the clock) measures an epoch reset.
func (h *RateLimitHeaders) Read(header http.Header, now func() time.Time) RateLimit {
	rl := RateLimit{Limit: count(header, h.Limit), Remaining: count(header, h.Remaining), Used: count(header, h.Used)}
	if reset := count(header, h.Reset); reset != nil {
		ms := *reset * 1000 // at most 18 digits: fits
		if h.ResetFormat == ResetEpochSeconds {
			if now == nil {
				now = time.Now
			}
			nowMs := now().UnixMilli()
			switch {
			case nowMs < 0:
				ms += uint64(-nowMs)
			case ms > uint64(nowMs):
				ms -= uint64(nowMs)
			default:
				ms = 0
			}
		}
		wait := maxDuration
		if ms <= uint64(maxDuration/time.Millisecond) {
			wait = time.Duration(ms) * time.Millisecond
		}
		rl.Reset = &wait
	}
	return rl
}

// count is the first value of header name that is 1 to 18 ASCII digits once trimmed.
func count(header http.Header, name string) *uint64 {
	if name == "" {
		return nil
	}
	var out *uint64
	headerValues(header, name, func(v string) bool {
		v = strings.Trim(v, " \t")
		if len(v) > 18 || !allDigits(v) {
			return true
		}
		n, _ := strconv.ParseUint(v, 10, 64)
		out = &n
		return false
	})
	return out
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
	// Types are the vendor's types of error (none for most vendors).
	Types []TypeInfo
	// RateLimit names the headers the rate limit is read from; nil when the
	// vendor declares none.
	RateLimit *RateLimitHeaders
	// DocURLTemplate is a URL with "{code}" where the vendor documents each
	// code ("" for none).
	DocURLTemplate string

	once     sync.Once
	byCode   map[string]*CodeInfo
	byStatus map[int]*CodeInfo
	matched  map[int][]*CodeInfo
}

func (v *Vendor) index() {
	v.once.Do(func() {
		v.byCode = make(map[string]*CodeInfo, len(v.Codes))
		v.byStatus = make(map[int]*CodeInfo)
		v.matched = make(map[int][]*CodeInfo)
		for i := range v.Codes {
			c := &v.Codes[i]
			if _, taken := v.byCode[c.Code]; !taken {
				v.byCode[c.Code] = c
			}
			for _, s := range c.Statuses {
				if _, taken := v.byStatus[s]; c.Fallback && !taken {
					v.byStatus[s] = c
				}
				if len(c.Match) > 0 {
					v.matched[s] = append(v.matched[s], c)
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
// without one is the first code of its status whose Match holds (in the
// catalog's order), else its status's fallback code, else unknown: no code (""
// for Code, or for a vendor keyed by status the status as text). now also
// measures the rate limit's reset.
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
		Subcode:       raw.Subcode,
		Fields:        raw.Fields,
	}
	if raw.HasCode {
		e.Info = v.byCode[raw.Code]
		e.Code = raw.Code
	} else {
		e.Info = v.forStatus(status, header, &raw)
		if e.Info == nil && v.KeyedByStatus {
			e.Code = strconv.Itoa(status)
		}
	}
	if e.Info != nil {
		e.Code = e.Info.Code
	}
	e.Type = raw.Type
	if e.Type == "" && e.Info != nil {
		e.Type = e.Info.Type
	}
	e.VendorDocsURL = raw.DocURL
	if e.VendorDocsURL == "" && e.Info != nil && v.DocURLTemplate != "" {
		e.VendorDocsURL = strings.ReplaceAll(v.DocURLTemplate, "{code}", e.Info.Code)
	}
	if v.RateLimit != nil {
		rl := v.RateLimit.Read(header, now)
		e.RateLimit = &rl
	}
	if name := v.Policy.ShouldRetryHeader; name != "" {
		if said, ok := Header(header, name); ok {
			switch asciiLower(said) {
			case "true":
				e.ShouldRetry = ServerSaidYes
			case "false":
				e.ShouldRetry = ServerSaidNo
			}
		}
	}
}

// forStatus is the row of a response without a readable code: the first code
// of its status whose Match holds, else the status's fallback, else nil.
func (v *Vendor) forStatus(status int, header http.Header, raw *RawError) *CodeInfo {
	for _, c := range v.matched[status] {
		holds := true
		for i := range c.Match {
			if !c.Match[i].Holds(header, raw.BodyMessage, raw.HasBodyMessage) {
				holds = false
				break
			}
		}
		if holds {
			return c
		}
	}
	return v.byStatus[status]
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
	// Type is the vendor's type of error: the one the body names, else the
	// code's type in the catalog, else "".
	Type string
	// Subcode is the sub-code the body carries (Stripe's decline_code), or "".
	Subcode string
	// Fields holds the documented extra fields found in the body, by name
	// (JSON values as encoding/json decodes them; strings for XML); nil when
	// none was found.
	Fields map[string]any
	// VendorDocsURL is the vendor's docs for this error: the body's link, else
	// the vendor's URL template with a known code, else "".
	VendorDocsURL string
	// RateLimit is the rate limit the headers give; nil when the vendor
	// declares no rate-limit header.
	RateLimit *RateLimit
	// ShouldRetry is the server's word in the vendor's should-retry header.
	ShouldRetry ServerSaid
	// Info is the catalog's row for the code; nil for a code it does not know.
	Info *CodeInfo
}

// Field is the documented extra field name as the body gives it; ok is false
// when the body does not have it.
func (e *APIError) Field(name string) (value any, ok bool) {
	value, ok = e.Fields[name]
	return value, ok
}

// SubcodeIsKnown reports whether the body's sub-code is one the catalog lists
// for the code.
func (e *APIError) SubcodeIsKnown() bool {
	if e.Subcode == "" || e.Info == nil {
		return false
	}
	_, ok := e.Info.SubcodeMeaning(e.Subcode)
	return ok
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

// Outcome is the response as the retry decision sees it. For rule
// until_reset the server's delay is the wait until the rate limit resets.
func (e *APIError) Outcome() Outcome {
	o := Outcome{
		Status:        e.Status,
		Rule:          e.RetryRule(),
		AnyMethod:     e.Info != nil && e.Info.AnyMethod,
		RetryAfter:    e.RetryAfter,
		HasRetryAfter: e.HasRetryAfter,
		ShouldRetry:   e.ShouldRetry,
	}
	if o.Rule.Rule == RuleUntilReset {
		o.RetryAfter, o.HasRetryAfter = 0, false
		if e.RateLimit != nil && e.RateLimit.Reset != nil {
			o.RetryAfter, o.HasRetryAfter = *e.RateLimit.Reset, true
		}
	}
	if e.Info != nil {
		o.MinDelay = e.Info.MinDelay
	}
	return o
}

// RetryDecision says whether and when to retry after attempt attempts (the
// failed one included) of req, under the client's limits (the zero Limits for
// errcat's defaults), with a fresh jitter sample and no budget. Use Decide for the rest.
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
