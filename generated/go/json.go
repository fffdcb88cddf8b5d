package errcat

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is the deepest nesting of arrays and objects a body may have to be
// read: deeper bodies are unreadable, as serde_json's recursion limit makes them
// in the Rust runtime.
const maxDepth = 127

// pointer is a JSON pointer (RFC 6901) split into its unescaped tokens.
type pointer struct {
	// valid is false for a pointer that matches nothing (one not starting with "/").
	valid  bool
	tokens []string
	// index holds each token read as an array index, or -1 where it is none.
	index []int
}

// newPointer splits a pointer: "" is the whole document, "/a/b" its tokens with
// "~1" and "~0" unescaped to "/" and "~".
func newPointer(p string) pointer {
	if p == "" {
		return pointer{valid: true}
	}
	if p[0] != '/' {
		return pointer{}
	}
	parts := strings.Split(p[1:], "/")
	ptr := pointer{valid: true, tokens: make([]string, len(parts)), index: make([]int, len(parts))}
	for i, t := range parts {
		t = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
		ptr.tokens[i] = t
		ptr.index[i] = arrayIndex(t)
	}
	return ptr
}

// arrayIndex reads a token as an array index: decimal digits without a leading
// zero; -1 when it is none or too large to be one.
func arrayIndex(t string) int {
	if t == "" || len(t) > 18 || (len(t) > 1 && t[0] == '0') {
		return -1
	}
	n := 0
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return -1
		}
		n = n*10 + int(t[i]-'0')
	}
	return n
}

// jsonSpan is where a value sits in a body.
type jsonSpan struct {
	found      bool
	start, end int
}

// extractor reads a body as strict JSON (RFC 8259) in one pass and notes where the
// values at up to 64 pointers sit. It builds no tree: only the values asked for
// are ever decoded.
type extractor struct {
	data  []byte
	pos   int
	ptrs  []*pointer
	spans []jsonSpan
}

// maxPointers is how many pointers one pass of the extractor follows.
const maxPointers = 64

// extract reads body and returns where each pointer's value sits; ok is false when
// the body is not strict JSON, nests deeper than maxDepth, holds invalid UTF-8, an
// unpaired surrogate escape or a number beyond the float range. Of repeated keys,
// the last counts.
// More than 64 pointers take one pass per 64.
func extract(body []byte, ptrs []*pointer) (spans []jsonSpan, ok bool) {
	if !utf8.Valid(body) {
		return nil, false
	}
	spans = make([]jsonSpan, len(ptrs))
	for from := 0; from == 0 || from < len(ptrs); from += maxPointers {
		to := min(len(ptrs), from+maxPointers)
		x := extractor{data: body, ptrs: ptrs[from:to], spans: spans[from:to]}
		var active uint64
		for i, p := range x.ptrs {
			if p != nil && p.valid {
				active |= 1 << i
			}
		}
		x.space()
		if !x.value(0, active) {
			return nil, false
		}
		x.space()
		if x.pos != len(x.data) {
			return nil, false
		}
	}
	return spans, true
}

func (x *extractor) space() {
	for x.pos < len(x.data) {
		switch x.data[x.pos] {
		case ' ', '\t', '\n', '\r':
			x.pos++
		default:
			return
		}
	}
}

// value reads one value at nesting depth level; active holds the pointers whose
// first level tokens lead here.
func (x *extractor) value(level int, active uint64) bool {
	start := x.pos
	if x.pos >= len(x.data) {
		return false
	}
	var ok bool
	switch c := x.data[x.pos]; {
	case c == '{':
		ok = x.object(level, active)
	case c == '[':
		ok = x.array(level, active)
	case c == '"':
		ok = x.str()
	case c == '-' || (c >= '0' && c <= '9'):
		ok = x.number()
	case c == 't':
		ok = x.literal("true")
	case c == 'f':
		ok = x.literal("false")
	case c == 'n':
		ok = x.literal("null")
	}
	if !ok {
		return false
	}
	for i := range x.ptrs {
		if active&(1<<i) != 0 && len(x.ptrs[i].tokens) == level {
			x.spans[i] = jsonSpan{found: true, start: start, end: x.pos}
		}
	}
	return true
}

func (x *extractor) literal(word string) bool {
	if !strings.HasPrefix(string(x.data[x.pos:min(len(x.data), x.pos+len(word))]), word) {
		return false
	}
	x.pos += len(word)
	return true
}

// deeper is the set of active pointers that go on below level.
func (x *extractor) deeper(level int, active uint64) uint64 {
	var out uint64
	for i := range x.ptrs {
		if active&(1<<i) != 0 && len(x.ptrs[i].tokens) > level {
			out |= 1 << i
		}
	}
	return out
}

func (x *extractor) object(level int, active uint64) bool {
	if level >= maxDepth {
		return false
	}
	x.pos++
	below := x.deeper(level, active)
	x.space()
	if x.pos < len(x.data) && x.data[x.pos] == '}' {
		x.pos++
		return true
	}
	for {
		if x.pos >= len(x.data) || x.data[x.pos] != '"' {
			return false
		}
		keyStart := x.pos
		if !x.str() {
			return false
		}
		var child uint64
		if below != 0 {
			key := x.data[keyStart+1 : x.pos-1]
			var unescaped string
			escaped := strings.IndexByte(string(key), '\\') >= 0
			if escaped {
				unescaped, _ = unquote(key)
			}
			for i := range x.ptrs {
				if below&(1<<i) == 0 {
					continue
				}
				tok := x.ptrs[i].tokens[level]
				if (!escaped && string(key) == tok) || (escaped && unescaped == tok) {
					child |= 1 << i
				}
			}
		}
		x.space()
		if x.pos >= len(x.data) || x.data[x.pos] != ':' {
			return false
		}
		x.pos++
		x.space()
		if !x.value(level+1, child) {
			return false
		}
		x.space()
		if x.pos >= len(x.data) {
			return false
		}
		switch x.data[x.pos] {
		case ',':
			x.pos++
			x.space()
		case '}':
			x.pos++
			return true
		default:
			return false
		}
	}
}

func (x *extractor) array(level int, active uint64) bool {
	if level >= maxDepth {
		return false
	}
	x.pos++
	below := x.deeper(level, active)
	x.space()
	if x.pos < len(x.data) && x.data[x.pos] == ']' {
		x.pos++
		return true
	}
	for n := 0; ; n++ {
		var child uint64
		if below != 0 {
			for i := range x.ptrs {
				if below&(1<<i) != 0 && x.ptrs[i].index[level] == n {
					child |= 1 << i
				}
			}
		}
		if !x.value(level+1, child) {
			return false
		}
		x.space()
		if x.pos >= len(x.data) {
			return false
		}
		switch x.data[x.pos] {
		case ',':
			x.pos++
			x.space()
		case ']':
			x.pos++
			return true
		default:
			return false
		}
	}
}

// str checks a string starting at its opening quote and moves past its closing one.
func (x *extractor) str() bool {
	x.pos++
	for x.pos < len(x.data) {
		c := x.data[x.pos]
		switch {
		case c == '"':
			x.pos++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			n, ok := escapeLen(x.data[x.pos:])
			if !ok {
				return false
			}
			x.pos += n
		default:
			x.pos++
		}
	}
	return false
}

// escapeLen checks the escape sequence at the start of b (a backslash first) and
// gives its length: 2, 6, or 12 for a surrogate pair. An unpaired surrogate is
// refused, as serde_json refuses it.
func escapeLen(b []byte) (int, bool) {
	if len(b) < 2 {
		return 0, false
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2, true
	case 'u':
		r, ok := hex4(b[2:])
		if !ok {
			return 0, false
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return 0, false
		case r >= 0xD800 && r <= 0xDBFF:
			if len(b) < 12 || b[6] != '\\' || b[7] != 'u' {
				return 0, false
			}
			low, ok := hex4(b[8:])
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return 0, false
			}
			return 12, true
		}
		return 6, true
	}
	return 0, false
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// unquote decodes the inside of a string already checked by str.
func unquote(b []byte) (string, bool) {
	if strings.IndexByte(string(b), '\\') < 0 {
		return string(b), true
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] != '\\' {
			out = append(out, b[i])
			i++
			continue
		}
		n, ok := escapeLen(b[i:])
		if !ok {
			return "", false
		}
		switch b[i+1] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, _ := hex4(b[i+2:])
			if n == 12 {
				low, _ := hex4(b[i+8:])
				r = utf16.DecodeRune(r, low)
			}
			out = utf8.AppendRune(out, r)
		default:
			out = append(out, b[i+1])
		}
		i += n
	}
	return string(out), true
}

// number checks a number and that it is within the float range.
func (x *extractor) number() bool {
	start := x.pos
	if x.data[x.pos] == '-' {
		x.pos++
	}
	if x.pos >= len(x.data) {
		return false
	}
	if x.data[x.pos] == '0' {
		x.pos++
	} else if !x.digits() {
		return false
	}
	plain := true
	if x.pos < len(x.data) && x.data[x.pos] == '.' {
		x.pos++
		plain = false
		if !x.digits() {
			return false
		}
	}
	if x.pos < len(x.data) && (x.data[x.pos] == 'e' || x.data[x.pos] == 'E') {
		x.pos++
		plain = false
		if x.pos < len(x.data) && (x.data[x.pos] == '+' || x.data[x.pos] == '-') {
			x.pos++
		}
		if !x.digits() {
			return false
		}
	}
	if plain && x.pos-start <= 18 {
		return true
	}
	_, err := strconv.ParseFloat(string(x.data[start:x.pos]), 64)
	return err == nil
}

func (x *extractor) digits() bool {
	start := x.pos
	for x.pos < len(x.data) && x.data[x.pos] >= '0' && x.data[x.pos] <= '9' {
		x.pos++
	}
	return x.pos > start
}

// scalarText is the text of a string value, or, when numbers is true, of a number
// as serde_json writes it; ok is false for any other value.
func scalarText(raw []byte, numbers bool) (string, bool) {
	if len(raw) == 0 {
		return "", false
	}
	switch c := raw[0]; {
	case c == '"':
		return unquote(raw[1 : len(raw)-1])
	case numbers && (c == '-' || (c >= '0' && c <= '9')):
		return numberText(string(raw)), true
	}
	return "", false
}

// numberText writes a JSON number as serde_json does: an integer that fits 64 bits
// as it is, anything else as the shortest float that reads back the same.
func numberText(text string) string {
	if !strings.ContainsAny(text, ".eE") && text != "-0" {
		if text[0] == '-' {
			if _, err := strconv.ParseInt(text, 10, 64); err == nil {
				return text
			}
		} else if _, err := strconv.ParseUint(text, 10, 64); err == nil {
			return text
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return text
	}
	return floatText(f)
}

// floatText writes a finite float as serde_json does: the shortest digits that read
// back as the same float, in plain notation from 1e-5 up to below 1e16 ("100.0",
// "0.00001"), else as "1.5e+16" or "1e-6".
func floatText(f float64) string {
	if f == 0 {
		if strconv.FormatFloat(f, 'g', -1, 64)[0] == '-' {
			return "-0.0"
		}
		return "0.0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.TrimRight(strings.Replace(mant, ".", "", 1), "0")
	if digits == "" {
		digits = "0"
	}
	point := exp + 1
	n := len(digits)
	switch {
	case point >= 0 && point <= 16 && n <= point:
		return sign + digits + strings.Repeat("0", point-n) + ".0"
	case point > 0 && point <= 16:
		return sign + digits[:point] + "." + digits[point:]
	case point > -5 && point <= 0:
		return sign + "0." + strings.Repeat("0", -point) + digits
	}
	rest := ""
	if n > 1 {
		rest = "." + digits[1:]
	}
	exp10 := strconv.Itoa(point - 1)
	if point >= 1 {
		exp10 = "+" + exp10
	}
	return sign + digits[:1] + rest + "e" + exp10
}
