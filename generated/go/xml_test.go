package errcat

import (
	"strings"
	"testing"
)

var s3Env = &Envelope{Format: FormatXML, Code: []string{"/Error/Code"}, Message: "/Error/Message", RequestID: "/Error/RequestId",
	Fields: []Field{{Name: "resource", Path: "/Error/Resource"}}}

func TestXMLReadsThePaths(t *testing.T) {
	body := "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<Error><Code>NoSuchKey</Code><Message> The key &amp; <![CDATA[<more>]]> </Message>" +
		"<Resource>/b/k</Resource><RequestId>4442587FB7D0A2F9</RequestId><Code>second</Code></Error>"
	raw := parseWith(s3Env, 404, nil, body)
	if raw.Code != "NoSuchKey" || raw.Message != " The key & <more> " || raw.RequestID != "4442587FB7D0A2F9" || raw.Fields["resource"] != "/b/k" {
		t.Fatalf("%+v", raw)
	}
	if raw := parseWith(s3Env, 404, nil, `<s3:Error xmlns:s3="urn:x"><s3:Code>A</s3:Code></s3:Error>`); raw.Code != "A" {
		t.Fatalf("a prefix is ignored: %+v", raw)
	}
	if raw := parseWith(s3Env, 404, nil, `<Error><Code>&#65;&#x42;&lt;&gt;&quot;&apos;</Code></Error>`); raw.Code != `AB<>"'` {
		t.Fatalf("predefined entities and character references: %+v", raw)
	}
	if raw := parseWith(s3Env, 404, nil, `<Error><Code></Code></Error>`); raw.HasCode {
		t.Fatalf("an empty code is none: %+v", raw)
	}
}

func unreadable(t *testing.T, why, body string) {
	t.Helper()
	if parseXML([]byte(body)) != nil {
		t.Errorf("%s: read", why)
	}
	if raw := parseWith(s3Env, 404, nil, body); raw.HasCode || raw.Message != Excerpt([]byte(body)) {
		t.Errorf("%s: %+v", why, raw)
	}
}

func TestXMLRefusesADoctype(t *testing.T) {
	unreadable(t, "internal entity", `<!DOCTYPE Error [<!ENTITY x "NoSuchKey">]><Error><Code>&x;</Code></Error>`)
	unreadable(t, "plain doctype", `<!DOCTYPE Error><Error><Code>A</Code></Error>`)
	unreadable(t, "billion laughs", `<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Error><Code>&b;</Code></Error>`)
}

func TestXMLFetchesNothing(t *testing.T) {
	unreadable(t, "external entity", `<!DOCTYPE Error [<!ENTITY x SYSTEM "http://127.0.0.1:1/x">]><Error><Code>&x;</Code></Error>`)
	unreadable(t, "external DTD", `<!DOCTYPE Error SYSTEM "file:///etc/passwd"><Error><Code>A</Code></Error>`)
}

func TestXMLExpandsOnlyPredefinedEntities(t *testing.T) {
	unreadable(t, "an HTML entity", `<Error><Code>&nbsp;</Code></Error>`)
	unreadable(t, "an undeclared entity", `<Error><Code>&x;</Code></Error>`)
}

func TestXMLIsStrict(t *testing.T) {
	for _, body := range []string{
		`<Error><Code>A</Error>`, `<Error>`, `<Error attr=x/>`, `<Error/><Error/>`, "<Error/>junk", "",
		"<Error>\xff</Error>", `<Error><Code>A & B</Code></Error>`,
	} {
		unreadable(t, body, body)
	}
}

func TestXMLDepth(t *testing.T) {
	nest := func(n int, inner string) string {
		return strings.Repeat("<a>", n) + inner + strings.Repeat("</a>", n)
	}
	if parseXML([]byte(nest(127, ""))) == nil {
		t.Error("127 levels are read")
	}
	unreadable(t, "128 levels", nest(128, ""))
	unreadable(t, "an empty element is a level", nest(127, "<b/>"))
}

func TestXMLSize(t *testing.T) {
	pad := strings.Repeat(" ", MaxBody-len(`<Error><Code>A</Code></Error>`))
	if raw := parseWith(s3Env, 404, nil, `<Error><Code>A</Code></Error>`+pad); raw.Code != "A" {
		t.Fatalf("MaxBody bytes are read: %+v", raw.Code)
	}
	unreadable(t, "over MaxBody", `<Error><Code>A</Code></Error>`+pad+" ")
}
