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

// MaxBody is the largest body, in bytes, that is read (JSON or XML); larger bodies only
// yield an excerpt.
const MaxBody = 1 << 20

// ExcerptLen is the number of bytes of the body Excerpt keeps at most, before the
// ellipsis.
const ExcerptLen = 200

// MaxMessage is the longest message or request id kept from a response, in
// bytes; longer ones are cut at a character boundary and end in "…".
const MaxMessage = 4096

var bom = []byte("\xef\xbb\xbf")

// Format is how a vendor writes its error bodies.
type Format uint8

const (
	// FormatJSON: the paths are JSON pointers (RFC 6901).
	FormatJSON Format = iota
	// FormatXML: the paths name elements from the root down, such as
	// "/Error/Code" (compared by local name, a prefix ignored), each step the
	// first child of that name; the value is the text directly inside the last.
	FormatXML
)

// Field is a documented extra field of an error body: its name and its path.
type Field struct {
	Name string
	Path string
}

// Envelope says where a vendor puts each error field: paths into the body (JSON
// pointers, or XML element paths for FormatXML) and a header name. For JSON, ""
// points at the whole body for Message; for the optional paths "" means the
// vendor has none. A path that does not start with "/" matches nothing.
type Envelope struct {
	// Format is the body's format.
	Format Format
	// Code holds the paths to the code, tried in order: the first that holds a
	// non-empty string (or, in JSON, a number) is the code. Empty when the
	// vendor sends no stable code.
	Code            []string
	Message         string
	RequestID       string
	RequestIDHeader string
	Details         string
	// Type is the path to the vendor's type of error.
	Type string
	// Subcode is the path to a sub-code.
	Subcode string
	// DocURL is the path to a docs link for the error.
	DocURL string
	// Fields are the documented extra fields.
	Fields []Field

	once  sync.Once
	ptrs  []*pointer
	steps [][]string
}

// The places of the fixed paths after the code paths, in Envelope.paths.
const (
	atMessage = iota
	atRequestID
	atDetails
	atType
	atSubcode
	atDocURL
	atFields
)

// paths prepares the paths once: the code paths, then the fixed ones, then the
// fields'. An optional path "" (and for XML any path that matches nothing) is nil.
func (e *Envelope) paths() {
	e.once.Do(func() {
		all := append([]string{}, e.Code...)
		all = append(all, e.Message, e.RequestID, e.Details, e.Type, e.Subcode, e.DocURL)
		for _, f := range e.Fields {
			all = append(all, f.Path)
		}
		message := len(e.Code) + atMessage
		if e.Format == FormatXML {
			e.steps = make([][]string, len(all))
			for i, p := range all {
				e.steps[i] = xmlPath(p)
			}
			return
		}
		e.ptrs = make([]*pointer, len(all))
		for i, p := range all {
			if p == "" && i != message {
				continue
			}
			ptr := newPointer(p)
			e.ptrs[i] = &ptr
		}
	})
}

// RawError holds the fields of an error response before they are mapped to a
// vendor's code.
type RawError struct {
	Status int
	// Code is the first non-empty string, or decimal text of a number, at the
	// code paths; HasCode is false when the body has none.
	Code    string
	HasCode bool
	// Message is the string at the message path, else an Excerpt of the body.
	Message string
	// BodyMessage is the string at the message path (never an excerpt), when
	// HasBodyMessage; match conditions read it.
	BodyMessage    string
	HasBodyMessage bool
	// RequestID is the string or number at its path, trimmed, else the
	// request-id header; "" when there is none.
	RequestID string
	// Details is the JSON value at the details path, as it is in the body (for
	// XML, the text as a JSON string).
	Details json.RawMessage
	// Type, Subcode and DocURL are the non-empty strings at their paths ("" for none).
	Type, Subcode, DocURL string
	// Fields holds the extra fields found in the body, by name: JSON values
	// as encoding/json decodes them into an any, strings for XML; nil when
	// none was found.
	Fields map[string]any
	// RetryAfter is the longest valid wait the delay header asks for, when
	// HasRetryAfter.
	RetryAfter    time.Duration
	HasRetryAfter bool
}

// ParseRaw extracts the error fields from a response; it never fails and its work
// is bounded. delayHeader names the header with the server's delay ("" for none);
// now measures delays given as dates (nil reads the clock when one needs it).
//
// The body is read only when it is at most MaxBody bytes after an optional
// UTF-8 byte order mark. JSON is read only as strict JSON: valid UTF-8, no
// unpaired surrogate escape, no number beyond the float range, at most 127
// levels of nesting. XML is read as parseXML says: well-formed, no DOCTYPE, at
// most MaxXMLDepth levels of elements, nothing fetched.
func ParseRaw(env *Envelope, delayHeader string, status int, header http.Header, body []byte, now func() time.Time) RawError {
	body = bytes.TrimPrefix(body, bom)
	raw := RawError{Status: status}
	env.paths()
	codes := len(env.Code)
	var text func(i int, numbers bool) (string, bool)
	var value func(i int) (any, json.RawMessage, bool)
	if len(body) <= MaxBody {
		if env.Format == FormatXML {
			if root := parseXML(body); root != nil {
				text = func(i int, _ bool) (string, bool) {
					if env.steps[i] == nil {
						return "", false
					}
					return xmlText(root, env.steps[i])
				}
				value = func(i int) (any, json.RawMessage, bool) {
					t, ok := text(i, false)
					if !ok {
						return nil, nil, false
					}
					quoted, _ := json.Marshal(t)
					return t, quoted, true
				}
			}
		} else if spans, ok := extract(body, env.ptrs); ok {
			at := func(i int) []byte {
				if !spans[i].found {
					return nil
				}
				return body[spans[i].start:spans[i].end]
			}
			text = func(i int, numbers bool) (string, bool) { return scalarText(at(i), numbers) }
			value = func(i int) (any, json.RawMessage, bool) {
				b := at(i)
				if b == nil {
					return nil, nil, false
				}
				var v any
				if json.Unmarshal(b, &v) != nil {
					return nil, nil, false
				}
				return v, json.RawMessage(b), true
			}
		}
	}
	if text != nil {
		for i := 0; i < codes; i++ {
			if c, found := text(i, true); found && c != "" {
				raw.Code, raw.HasCode = c, true
				break
			}
		}
		if m, found := text(codes+atMessage, false); found {
			raw.Message = bounded(m, MaxMessage)
			raw.BodyMessage, raw.HasBodyMessage = raw.Message, true
		}
		if id, found := text(codes+atRequestID, true); found {
			raw.RequestID = strings.TrimFunc(id, unicode.IsSpace)
		}
		if _, d, found := value(codes + atDetails); found {
			raw.Details = d
		}
		raw.Type, _ = text(codes+atType, false)
		raw.Subcode, _ = text(codes+atSubcode, false)
		raw.DocURL, _ = text(codes+atDocURL, false)
		for k, f := range env.Fields {
			if v, _, found := value(codes + atFields + k); found {
				if raw.Fields == nil {
					raw.Fields = make(map[string]any, len(env.Fields)-k)
				}
				raw.Fields[f.Name] = v
			}
		}
	}
	if !raw.HasBodyMessage {
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
