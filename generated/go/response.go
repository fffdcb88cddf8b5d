package errcat

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxBody is the largest body, in bytes, that is read as JSON; larger bodies only
// yield an excerpt.
const MaxBody = 1 << 20

// ExcerptLen is the number of bytes of the body Excerpt keeps at most, before the
// ellipsis.
const ExcerptLen = 200

// MaxMessage is the longest message or request id kept from a response, in
// bytes; longer ones are cut at a character boundary and end in "…".
const MaxMessage = 4096

var bom = []byte("\xef\xbb\xbf")

// Envelope says where a vendor puts each error field: JSON pointers (RFC 6901)
// into the body and a header name. "" points at the whole body for Message;
// for the optional pointers "" means the vendor has none. A pointer that does
// not start with "/" matches nothing.
type Envelope struct {
	Code            string
	Message         string
	RequestID       string
	RequestIDHeader string
	Details         string

	once sync.Once
	ptrs [4]*pointer
}

func (e *Envelope) pointers() [4]*pointer {
	e.once.Do(func() {
		for i, p := range []string{e.Code, e.Message, e.RequestID, e.Details} {
			if p == "" && i != 1 {
				continue
			}
			ptr := newPointer(p)
			e.ptrs[i] = &ptr
		}
	})
	return e.ptrs
}

// RawError holds the fields of an error response before they are mapped to a
// vendor's code.
type RawError struct {
	Status int
	// Code is the string, or the decimal text of the number, at the code
	// pointer; HasCode is false when the body has none.
	Code    string
	HasCode bool
	// Message is the string at the message pointer, else an Excerpt of the body.
	Message string
	// RequestID is the string or number at its pointer, trimmed, else the
	// request-id header; "" when there is none.
	RequestID string
	// Details is the JSON value at the details pointer, as it is in the body.
	Details json.RawMessage
	// RetryAfter is the longest valid wait the delay header asks for, when
	// HasRetryAfter.
	RetryAfter    time.Duration
	HasRetryAfter bool
}

// ParseRaw extracts the error fields from a response; it never fails and its work
// is bounded. delayHeader names the header with the server's delay ("" for none);
// now measures delays given as dates (nil reads the clock when one needs it).
//
// The body is read as JSON only when it is at most MaxBody bytes after an optional
// UTF-8 byte order mark, and only as strict JSON: valid UTF-8, no unpaired
// surrogate escape, no number beyond the float range, at most 127 levels of
// nesting.
func ParseRaw(env *Envelope, delayHeader string, status int, header http.Header, body []byte, now func() time.Time) RawError {
	body = bytes.TrimPrefix(body, bom)
	raw := RawError{Status: status}
	var spans [4]jsonSpan
	var ok bool
	if len(body) <= MaxBody {
		spans, ok = extract(body, env.pointers())
	}
	if ok {
		at := func(i int) []byte {
			if !spans[i].found {
				return nil
			}
			return body[spans[i].start:spans[i].end]
		}
		raw.Code, raw.HasCode = scalarText(at(0), true)
		if m, found := scalarText(at(1), false); found {
			raw.Message = bounded(m, MaxMessage)
		} else {
			ok = false
		}
		if id, found := scalarText(at(2), true); found {
			raw.RequestID = strings.TrimFunc(id, unicode.IsSpace)
		}
		if d := at(3); d != nil {
			raw.Details = json.RawMessage(d)
		}
	}
	if !ok {
		raw.Message = Excerpt(body)
	}
	if raw.RequestID == "" && env.RequestIDHeader != "" {
		raw.RequestID, _ = Header(header, env.RequestIDHeader)
	}
	raw.RequestID = bounded(raw.RequestID, MaxMessage)
	if delayHeader != "" {
		raw.RetryAfter, raw.HasRetryAfter = RetryAfter(header, delayHeader, now)
	}
	return raw
}

// bounded cuts text to at most limit bytes at a character boundary, with "…"
// added when it was cut.
func bounded(text string, limit int) string {
	if len(text) <= limit {
		return text
	}
	end := limit
	for end > 0 && !utf8.RuneStart(text[end]) {
		end--
	}
	return text[:end] + "…"
}

// lossy decodes b as UTF-8, each maximal invalid subsequence replaced by one
// U+FFFD, as Rust's from_utf8_lossy and Python's "replace" do.
func lossy(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var out strings.Builder
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			out.Write(b[i : i+size])
			i += size
			continue
		}
		out.WriteRune(utf8.RuneError)
		i += invalidLen(b[i:])
	}
	return out.String()
}

// invalidLen is the length of the maximal subpart of an ill-formed sequence at
// the start of b (Unicode's "best practice" for U+FFFD substitution).
func invalidLen(b []byte) int {
	lo, hi, need := byte(0x80), byte(0xBF), 0
	switch c := b[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		lo, need = 0xA0, 2
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		need = 2
	case c == 0xED:
		hi, need = 0x9F, 2
	case c == 0xF0:
		lo, need = 0x90, 3
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		hi, need = 0x8F, 3
	default:
		return 1
	}
	n := 1
	for k := 0; k < need && n < len(b); k++ {
		c := b[n]
		if k == 0 && (c < lo || c > hi) || k > 0 && (c < 0x80 || c > 0xBF) {
			break
		}
		n++
	}
	return n
}

// Excerpt is a short, single-line excerpt of a body for use as an error message:
// the lossy UTF-8 decoding of at most the first ExcerptLen bytes, cut back to a
// character boundary, with every run of white space collapsed to one space and
// the ends trimmed; "…" is added when the body was longer.
func Excerpt(body []byte) string {
	cut := len(body) > ExcerptLen
	end := min(len(body), ExcerptLen)
	if cut {
		for k := 0; k < 3 && end > 0 && end < len(body) && body[end]&0xC0 == 0x80; k++ {
			end--
		}
	}
	text := lossy(body[:end])
	var out strings.Builder
	space := false
	for _, r := range text {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && out.Len() > 0 {
			out.WriteByte(' ')
		}
		space = false
		out.WriteRune(r)
	}
	result := bounded(out.String(), ExcerptLen)
	if cut && !strings.HasSuffix(result, "…") {
		result += "…"
	}
	return result
}
