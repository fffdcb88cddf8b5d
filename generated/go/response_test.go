package errcat

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The same cases as the Rust and Python runtimes' response tests.

var (
	pentifyEnv = &Envelope{Code: []string{"/error/code"}, Message: "/error/message", RequestID: "/error/request_id", RequestIDHeader: "X-Request-Id", Details: "/error/details"}
	certIxEnv  = &Envelope{Code: []string{"/code"}, Message: "/error"}
	exampleNow = time.Unix(784_111_777, 0)
)

func hdr(pairs ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(pairs); i += 2 {
		h.Add(pairs[i], pairs[i+1])
	}
	return h
}

func parseWith(env *Envelope, status int, h http.Header, body string) RawError {
	return ParseRaw(env, "Retry-After", status, h, []byte(body), func() time.Time { return exampleNow })
}

func TestAPentifyBodyGivesEveryField(t *testing.T) {
	raw := parseWith(pentifyEnv, 429, hdr("retry-after", "12", "X-Request-Id", "req_header"),
		`{"error":{"code":"rate_limited","message":"Too many","request_id":"req_1","details":{"a":1}}}`)
	if raw.Code != "rate_limited" || !raw.HasCode || raw.Message != "Too many" || raw.RequestID != "req_1" ||
		string(raw.Details) != `{"a":1}` || raw.RetryAfter != 12*time.Second || !raw.HasRetryAfter {
		t.Fatalf("%+v", raw)
	}
}

func TestAProxyPageGivesAnExcerptAndTheHeadersRequestID(t *testing.T) {
	body := "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
	raw := parseWith(pentifyEnv, 502, hdr("x-request-id", "req_from_proxy"), body)
	want := "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> </body> </html>"
	if raw.HasCode || raw.Message != want || raw.RequestID != "req_from_proxy" || raw.Details != nil {
		t.Fatalf("%+v", raw)
	}
}

func TestAnEmptyBodyWithADateDelay(t *testing.T) {
	raw := parseWith(pentifyEnv, 503, hdr("Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT"), "")
	if raw.HasCode || raw.Message != "" || raw.RetryAfter != 30*time.Second {
		t.Fatalf("%+v", raw)
	}
}

func TestInvalidUTF8IsReplacedPerMaximalSubpartAndIsNoJSON(t *testing.T) {
	raw := parseWith(pentifyEnv, 502, nil, "bad \xff\xfe gateway \xc3")
	if raw.HasCode || raw.Message != "bad \ufffd\ufffd gateway \ufffd" {
		t.Fatalf("%q", raw.Message)
	}
	if got := lossy([]byte("a\xe2\x82b\xf0\x9f\x98c")); got != "a\ufffdb\ufffdc" {
		t.Fatalf("%q", got)
	}
	raw = parseWith(pentifyEnv, 400, nil, "{\"error\":{\"code\":\"x\xff\"}}")
	if raw.HasCode || !strings.HasPrefix(raw.Message, `{"error"`) {
		t.Fatalf("%+v", raw)
	}
}

func TestWrongTypesAtEveryPointer(t *testing.T) {
	body := `{"error":{"code":true,"message":{"text":"x"},"request_id":42,"details":"plain"}}`
	raw := parseWith(pentifyEnv, 400, hdr("X-Request-Id", "req_h"), body)
	if raw.HasCode || raw.Message != body || raw.RequestID != "42" || string(raw.Details) != `"plain"` {
		t.Fatalf("%+v", raw)
	}
	raw = parseWith(pentifyEnv, 400, nil, `{"error":{"code":null,"message":null,"request_id":null,"details":null}}`)
	if raw.HasCode || raw.RequestID != "" || string(raw.Details) != "null" {
		t.Fatalf("%+v", raw)
	}
	raw = parseWith(certIxEnv, 400, nil, `"just a string"`)
	if raw.HasCode || raw.Message != `"just a string"` {
		t.Fatalf("%+v", raw)
	}
}

func TestNumericCodesBecomeTheTextSerdeJSONWrites(t *testing.T) {
	for _, c := range [][2]string{
		{"4012", "4012"}, {"-1.5", "-1.5"}, {"-0", "-0.0"}, {"1e2", "100.0"}, {"1E+2", "100.0"},
		{"0e5", "0.0"}, {"1e-5", "0.00001"}, {"1e-6", "1e-6"}, {"1.5e16", "1.5e+16"},
		{"1e15", "1000000000000000.0"}, {"18446744073709551615", "18446744073709551615"},
		{"-9223372036854775808", "-9223372036854775808"},
		{"18446744073709551616", "1.8446744073709552e+19"}, {"5e-324", "5e-324"},
	} {
		raw := parseWith(certIxEnv, 400, nil, `{"error":"bad","code":`+c[0]+`}`)
		if raw.Code != c[1] || !raw.HasCode {
			t.Errorf("%s: got %q, want %q", c[0], raw.Code, c[1])
		}
	}
	for _, body := range []string{`{"error":"bad","code":["X"]}`, `{"error":"bad","code":false}`} {
		if raw := parseWith(certIxEnv, 400, nil, body); raw.HasCode {
			t.Errorf("%s: %q", body, raw.Code)
		}
	}
	for _, f := range []float64{0.1, 1.0 / 3, 2.5e-300, 6.02214076e23, 123456.789} {
		back, err := strconv.ParseFloat(floatText(f), 64)
		if err != nil || back != f {
			t.Errorf("%v: %s", f, floatText(f))
		}
	}
}

func TestWhatSerdeJSONRejectsIsNotJSON(t *testing.T) {
	whole := &Envelope{Message: "/m", Details: ""}
	whole.Details = ""
	for _, body := range []string{
		"NaN", "[Infinity]", "-Infinity", "1E400", "[1" + strings.Repeat("0", 400) + "]", `"\ud800"`,
		`"\udc00x"`, "{'a':1}", "[1,]", "\xfe\xff\x00[\x00]", "", " ", "01", "1.", ".5", "[1 2]",
		`{"a":1,}`, `{"a" 1}`, "tru", "nul", `"a` + "\x01" + `"`, `"\x"`, `"\u12"`, "[]]", "{}x",
	} {
		if _, ok := extract([]byte(body), nil); ok {
			t.Errorf("%q was read as JSON", body)
		}
	}
	for _, body := range []string{`"\ud83d\ude00"`, " [1, -0.5e+3, true, false, null, {}] ", `{"a":{"b":[]}}`} {
		if _, ok := extract([]byte(body), nil); !ok {
			t.Errorf("%q was not read as JSON", body)
		}
	}
	got, _ := unquote([]byte(`\ud83d\ude00 \n\"\/\u00e9`))
	if got != "\U0001f600 \n\"/é" {
		t.Errorf("%q", got)
	}
}

func TestDetailsOfAnyTypeAndRepeatedKeys(t *testing.T) {
	raw := parseWith(pentifyEnv, 422, nil, `{"error":{"message":"m","details":[{"field":"name"}]}}`)
	if string(raw.Details) != `[{"field":"name"}]` || raw.HasCode || raw.Message != "m" {
		t.Fatalf("%+v", raw)
	}
	raw = parseWith(pentifyEnv, 400, nil, `{"error":{"code":"first","message":"m"},"error":{"code":"last","message":"n"}}`)
	if raw.Code != "last" || raw.Message != "n" {
		t.Fatalf("the last of repeated keys counts: %+v", raw)
	}
}

func TestPointersFollowRFC6901(t *testing.T) {
	whole := &Envelope{Code: []string{"no-leading-slash"}, Message: "", RequestID: "/a~1b", Details: "/m~0n"}
	raw := parseWith(whole, 400, nil, `{"a/b":"rid","m~n":7}`)
	if raw.HasCode || raw.Message != `{"a/b":"rid","m~n":7}` || raw.RequestID != "rid" || string(raw.Details) != "7" {
		t.Fatalf("%+v", raw)
	}
	if raw := parseWith(whole, 400, nil, `"the whole body"`); raw.Message != "the whole body" {
		t.Fatalf("%+v", raw)
	}
	value := `{"a":{"b/c":[10,{"~d":"x"}],"":1,"0":"zero"},"list":[1,2,3]}`
	for _, c := range [][2]string{
		{"/a/b~1c/1/~0d", `"x"`}, {"/a/", "1"}, {"/a/0", `"zero"`}, {"/list/2", "3"}, {"/list/3", ""},
		{"/list/01", ""}, {"/list/-", ""}, {"/list/+1", ""}, {"/list/١", ""}, {"/nope", ""}, {"a", ""},
		{"/a/b~1c/1/~0d/deeper", ""},
	} {
		p := newPointer(c[0])
		spans, ok := extract([]byte(value), []*pointer{nil, nil, nil, &p})
		got := ""
		if spans[3].found {
			got = value[spans[3].start:spans[3].end]
		}
		if !ok || got != c[1] {
			t.Errorf("%s: got %q, want %q", c[0], got, c[1])
		}
	}
}

func TestRequestIDsFromTheHeaderInAnyCaseAndTrimmed(t *testing.T) {
	body := `{"error":{"code":"c","message":"m"}}`
	for _, name := range []string{"x-request-id", "X-REQUEST-ID", "X-Request-Id"} {
		if got := parseWith(pentifyEnv, 500, hdr(name, " req_9 "), body).RequestID; got != "req_9" {
			t.Errorf("%s: %q", name, got)
		}
	}
	if got := parseWith(pentifyEnv, 500, http.Header{"x-request-id": {"raw"}}, body).RequestID; got != "raw" {
		t.Errorf("a key that is not canonical is still found: %q", got)
	}
	spaced := `{"error":{"code":"c","message":"m","request_id":"\u2003 r1 \u00a0"}}`
	if got := parseWith(pentifyEnv, 500, nil, spaced).RequestID; got != "r1" {
		t.Errorf("%q", got)
	}
	blank := `{"error":{"code":"c","message":"m","request_id":"  "}}`
	if got := parseWith(pentifyEnv, 500, hdr("X-Request-Id", "from_header"), blank).RequestID; got != "from_header" {
		t.Errorf("%q", got)
	}
	if got := parseWith(pentifyEnv, 500, hdr("X-Request-Id", " "), body).RequestID; got != "" {
		t.Errorf("%q", got)
	}
}

func TestLongMessagesAndIDsAreCutAtACharacterBoundary(t *testing.T) {
	long := strings.Repeat("é", MaxMessage)
	raw := parseWith(pentifyEnv, 500, nil, `{"error":{"message":"`+long+`","request_id":"`+long+`"}}`)
	if want := strings.Repeat("é", MaxMessage/2) + "…"; raw.Message != want || raw.RequestID != want {
		t.Fatalf("%d %d", len(raw.Message), len(raw.RequestID))
	}
}

func TestTheDelayHeaderGivesTheLongestValue(t *testing.T) {
	h := hdr("Retry-After", "3", "retry-after", "9")
	if raw := parseWith(certIxEnv, 429, h, "{}"); raw.RetryAfter != 9*time.Second {
		t.Fatalf("%+v", raw)
	}
	if raw := parseWith(certIxEnv, 429, hdr("Retry-After", "soon"), "{}"); raw.HasRetryAfter {
		t.Fatalf("%+v", raw)
	}
	if raw := ParseRaw(certIxEnv, "", 429, h, []byte("{}"), nil); raw.HasRetryAfter {
		t.Fatalf("%+v", raw)
	}
}

func TestTheClockMeasuresDatesWhenNoNowIsGiven(t *testing.T) {
	ahead := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	raw := ParseRaw(certIxEnv, "Retry-After", 429, hdr("Retry-After", ahead), []byte("{}"), nil)
	if raw.RetryAfter < 3590*time.Second || raw.RetryAfter > 3600*time.Second {
		t.Fatalf("%v", raw.RetryAfter)
	}
}

func TestByteOrderMarkAndSizeLimit(t *testing.T) {
	raw := parseWith(certIxEnv, 400, nil, "\xef\xbb\xbf"+`{"error":"with bom","code":"B"}`)
	if raw.Code != "B" || raw.Message != "with bom" {
		t.Fatalf("%+v", raw)
	}
	prefix := `{"error":"edge","code":"E","pad":"`
	body := prefix + strings.Repeat(" ", MaxBody-2-len(prefix)) + `"}`
	if raw := parseWith(certIxEnv, 400, nil, body); raw.Code != "E" {
		t.Fatalf("a body at the limit is read")
	}
	longer := body[:len(body)-2] + ` "}`
	raw = parseWith(certIxEnv, 413, nil, longer)
	if raw.HasCode || !strings.HasSuffix(raw.Message, "…") || len(raw.Message) > ExcerptLen+3 {
		t.Fatalf("a longer body is not read: %+v", raw.Code)
	}
}

func TestNestingDeeperThanSerdeJSONAllowsIsNotJSON(t *testing.T) {
	whole := &Envelope{Message: "/message", Details: ""}
	p := newPointer("")
	read := func(body string) bool {
		_, ok := extract([]byte(body), []*pointer{nil, nil, nil, &p})
		return ok
	}
	if !read(strings.Repeat("[", 127) + strings.Repeat("]", 127)) {
		t.Error("127 levels are read")
	}
	if read(strings.Repeat("[", 128) + strings.Repeat("]", 128)) {
		t.Error("128 levels are not")
	}
	if !read(`["` + strings.Repeat("[", 500) + `"]`) {
		t.Error("brackets in a string do not count")
	}
	raw := parseWith(whole, 400, nil, strings.Repeat("[", 100_000))
	if raw.Message != strings.Repeat("[", ExcerptLen)+"…" {
		t.Errorf("%q", raw.Message)
	}
}

func TestExcerpts(t *testing.T) {
	for _, c := range [][2]string{
		{"  a \n\t b  ", "a b"}, {"", ""}, {" \r\n ", ""}, {strings.Repeat("x", ExcerptLen), strings.Repeat("x", ExcerptLen)},
		{"a\u2003\u00a0b\x1fc", "a b\x1fc"},
		{strings.Repeat("a", ExcerptLen-1) + "€uro", strings.Repeat("a", ExcerptLen-1) + "…"},
		{strings.Repeat("a", ExcerptLen-1) + "é and more", strings.Repeat("a", ExcerptLen-1) + "…"},
		{strings.Repeat("a", ExcerptLen-3) + "€!", strings.Repeat("a", ExcerptLen-3) + "€…"},
	} {
		if got := Excerpt([]byte(c[0])); got != c[1] {
			t.Errorf("%q: got %q, want %q", c[0], got, c[1])
		}
	}
	garbage := Excerpt(bytes.Repeat([]byte{0x80}, 10_000))
	if !strings.HasSuffix(garbage, "…") || len([]rune(garbage)) > ExcerptLen+1 {
		t.Errorf("%d", len(garbage))
	}
	all := make([]byte, 0, 256*20)
	for i := 0; i < 20; i++ {
		for b := 0; b < 256; b++ {
			all = append(all, byte(b))
		}
	}
	if n := len([]rune(Excerpt(all))); n > ExcerptLen+1 {
		t.Errorf("%d", n)
	}
}

// FuzzParseRaw checks that no body makes parsing fail, and that what is read
// as JSON is what encoding/json reads as valid.
func FuzzParseRaw(f *testing.F) {
	for _, s := range []string{`{"error":{"code":"x","message":"m"}}`, `[1,2]`, `"\ud800"`, "\xff", `{"a":1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw := ParseRaw(pentifyEnv, "Retry-After", 400, nil, body, nil)
		if len(raw.Message) > MaxMessage+3 {
			t.Fatalf("message of %d bytes", len(raw.Message))
		}
		p := newPointer("")
		if _, ok := extract(body, []*pointer{&p}); ok && !json.Valid(body) {
			t.Fatalf("%q read as JSON, which encoding/json refuses", body)
		}
	})
}
