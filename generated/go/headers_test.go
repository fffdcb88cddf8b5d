package errcat

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The same cases as the Rust and Python runtimes' header tests.

const example = 784_111_777 // 1994-11-06 08:49:37 UTC, the RFC 9110 example date.

func at(secs float64) time.Time { return time.Unix(0, int64(secs*1e9)) }

// retryAfterSecs is ParseRetryAfter in seconds, -1 for none.
func retryAfterSecs(value string, now float64) float64 {
	d, ok := ParseRetryAfter(value, at(now))
	if !ok {
		return -1
	}
	return d.Seconds()
}

func TestHeaderMatchesCaseInsensitivelyAndTrims(t *testing.T) {
	h := hdr("Content-Type", "text/html", "retry-after", "  120 \t", "Retry-After", "5")
	if v, _ := Header(h, "Retry-After"); v != "120" {
		t.Errorf("%q", v)
	}
	if v, _ := Header(h, "CONTENT-TYPE"); v != "text/html" {
		t.Errorf("%q", v)
	}
	if _, ok := Header(h, "X-Request-Id"); ok {
		t.Error("found a header that is not there")
	}
	if _, ok := Header(hdr("Retry-Afte", "1"), "Retry-After"); ok {
		t.Error("a prefix is not the name")
	}
}

func TestDeltaSeconds(t *testing.T) {
	for value, want := range map[string]float64{
		"120": 120, " 7 ": 7, "0": 0, "007": 7, "4294967295": 4294967295, "4294967296": 4294967295,
		strings.Repeat("9", 10_000): 4294967295, "4294967294": 4294967294,
	} {
		if got := retryAfterSecs(value, 0); got != want {
			t.Errorf("%.20q: %v", value, got)
		}
	}
	for _, value := range []string{"", "   ", "+5", "-1", "1.5", "1e3", "1 2", "0x10", "5s", "١٢", "１２"} {
		if got := retryAfterSecs(value, 0); got != -1 {
			t.Errorf("%q: %v", value, got)
		}
	}
}

func TestHTTPDates(t *testing.T) {
	now := 1_735_689_600.0 // 2025-01-01
	late := 4_070_908_800.0
	for _, c := range []struct {
		value string
		now   float64
		want  float64
	}{
		{"Sun, 06 Nov 1994 08:49:37 GMT", example - 60, 60},
		{"Sun, 06 Nov 1994 08:49:37 GMT", example, 0},
		{"Sun, 06 Nov 1994 08:49:37 GMT", example - 1 + 0.25, 0.75},
		{"sun, 06 nov 1994 08:49:37 gmt", example - 1, 1},
		{"Sunday, 06-Nov-94 08:49:37 GMT", example - 90, 90},
		{"Sun, 06-Nov-94 08:49:37 GMT", example - 90, -1},
		{"Thursday, 01-Jan-26 00:00:00 GMT", now, 1_767_225_600 - now},
		{"Thursday, 01-Jan-76 00:00:00 GMT", now, 0},
		{"Friday, 01-Jan-00 00:00:00 GMT", late, 4_102_444_800 - late},
		{"Sun Nov  6 08:49:37 1994", example - 5, 5},
		{"Sun Nov 06 08:49:37 1994", example - 5, 5},
		{"Sun Nov 16 08:49:37 1994", example, 10 * 86_400},
		{"Sun Nov 6 08:49:37 1994", example - 5, -1},
		{"Sun, 06 Nov 1994 08:49:37 GMT", now, 0},
		{"Mon, 01 Jan 0001 00:00:00 GMT", now, 0},
		{"Thu, 01 Jan 1970 00:00:10 GMT", -86_400, 86_410},
		{"Fri, 31 Dec 9999 23:59:59 GMT", 0, 4294967295},
		{"Sun, 06 Nov 1994 08:49:60 GMT", example, 23},
	} {
		if got := retryAfterSecs(c.value, c.now); got != c.want {
			t.Errorf("%q at %v: got %v, want %v", c.value, c.now, got, c.want)
		}
	}
	if retryAfterSecs("Wednesday, 01-Jan-70 00:00:00 GMT", now) <= 0 {
		t.Error("a two-digit year more than 50 years ahead is in the past century")
	}
}

func TestCalendarRangesAndMalformedDates(t *testing.T) {
	for _, ok := range []string{"Thu, 29 Feb 2024 00:00:00 GMT", "Tue, 29 Feb 2000 00:00:00 GMT"} {
		if retryAfterSecs(ok, 0) < 0 {
			t.Errorf("%q is a date", ok)
		}
	}
	for _, bad := range []string{
		"Wed, 29 Feb 2023 00:00:00 GMT", "Thu, 29 Feb 1900 00:00:00 GMT", "Thu, 31 Apr 2024 00:00:00 GMT",
		"Thu, 00 Jan 2024 00:00:00 GMT", "Thu, 32 Jan 2024 00:00:00 GMT", "Thu, 01 Jan 2024 24:00:00 GMT",
		"Thu, 01 Jan 2024 23:60:00 GMT", "Thu, 01 Jan 2024 23:59:61 GMT", "Thu, 01 Foo 2024 00:00:00 GMT",
		"Xyz, 01 Jan 2024 00:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37",
		"Sun, 06 Nov 1994 08:49:37 GMT extra", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun,  06 Nov 1994 08:49:37 GMT",
		"Sun 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT",
		"Sun, 06 Nov 1994 08-49-37 GMT", "Sun, +6 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT",
		"Sun Nov  6 08:49:37 94", "tomorrow", "GMT", ",", "Sün, 06 Nov 1994 08:49:37 GMT", "€", "\ufeff120",
	} {
		if got := retryAfterSecs(bad, 0); got != -1 {
			t.Errorf("%q: %v", bad, got)
		}
	}
	for _, value := range []string{"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"} {
		for end := 0; end < len(value); end++ {
			if retryAfterSecs(value[:end], 0) != -1 {
				t.Errorf("the prefix %q is no date", value[:end])
			}
		}
		for i := 0; i <= len(value); i++ {
			if retryAfterSecs(value[:i]+"é"+value[i:], 0) != -1 {
				t.Errorf("non-ASCII at %d of %q", i, value)
			}
		}
	}
}

func TestCalendarArithmetic(t *testing.T) {
	if daysFromCivil(2000, 3, 1) != 951_868_800/86_400 || daysFromCivil(1970, 1, 1) != 0 || daysFromCivil(1969, 12, 31) != -1 {
		t.Error("days from civil")
	}
	if yearOf(1_735_689_599) != 2024 || yearOf(1_735_689_600) != 2025 || yearOf(-1) != 1969 {
		t.Error("year of")
	}
	if expandYear(99, 2_000_000) <= 1_999_000 {
		t.Error("expand year")
	}
}

func TestSeveralValuesGiveTheLongestValidWait(t *testing.T) {
	zero := func() time.Time { return at(0) }
	get := func(h http.Header, now func() time.Time) float64 {
		d, ok := RetryAfter(h, "Retry-After", now)
		if !ok {
			return -1
		}
		return d.Seconds()
	}
	if got := get(hdr("Retry-After", "3", "retry-after", "bogus", "RETRY-AFTER", "45, 60", "Retry-After", "7"), zero); got != 60 {
		t.Errorf("%v", got)
	}
	date := "Sun, 06 Nov 1994 08:49:37 GMT"
	before := func() time.Time { return at(example - 100) }
	if got := get(hdr("Retry-After", date), before); got != 100 {
		t.Errorf("%v", got)
	}
	if got := get(hdr("Retry-After", date, "Retry-After", "200"), before); got != 200 {
		t.Errorf("%v", got)
	}
	for _, h := range []http.Header{hdr("Retry-After", "45, soon"), hdr("Retry-After", "45,"), hdr("Retry-After", "x", "Other", "9"), {}} {
		if got := get(h, zero); got != -1 {
			t.Errorf("%v: %v", h, got)
		}
	}
}
