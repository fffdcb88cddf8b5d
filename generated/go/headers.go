package errcat

import (
	"net/http"
	"strings"
	"time"
)

// MaxDelay is the longest delay ParseRetryAfter gives: 2^32 - 1 seconds, about
// 136 years. Longer values saturate there.
const MaxDelay = time.Duration(1<<32-1) * time.Second

// headerValues calls yield with each value of every header called name, compared
// ASCII-case-insensitively: the canonical key first, then any key of another
// spelling (a map written by hand need not be canonical).
func headerValues(header http.Header, name string, yield func(string) bool) {
	if len(header) == 0 {
		return
	}
	canonical := http.CanonicalHeaderKey(name)
	for _, v := range header[canonical] {
		if !yield(v) {
			return
		}
	}
	for key, values := range header {
		if key == canonical || !strings.EqualFold(key, name) {
			continue
		}
		for _, v := range values {
			if !yield(v) {
				return
			}
		}
	}
}

// Header is the first value of the header called name (any case), with spaces and
// tabs trimmed; ok is false when there is none.
func Header(header http.Header, name string) (value string, ok bool) {
	headerValues(header, name, func(v string) bool {
		value, ok = strings.Trim(v, " \t"), true
		return false
	})
	return value, ok
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// deltaSeconds reads delta-seconds (ASCII digits), saturating at MaxDelay.
func deltaSeconds(digits string) time.Duration {
	significant := strings.TrimLeft(digits, "0")
	if len(significant) > 10 {
		return MaxDelay
	}
	var n int64
	for i := 0; i < len(significant); i++ {
		n = n*10 + int64(significant[i]-'0')
	}
	return min(time.Duration(n)*time.Second, MaxDelay)
}

// ParseRetryAfter parses one Retry-After value into the time to wait, measured
// from now.
//
// The value is delta-seconds (ASCII digits only; values above MaxDelay saturate
// there) or an HTTP-date in any of the formats RFC 9110 requires recipients to
// accept: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the obsolete RFC 850
// format ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37
// 1994"). Names and GMT match ASCII-case-insensitively and a day name need not
// match the date. A date in the past gives 0; anything malformed gives ok false.
func ParseRetryAfter(value string, now time.Time) (wait time.Duration, ok bool) {
	value = strings.Trim(value, " \t")
	if value == "" {
		return 0, false
	}
	if allDigits(value) {
		return deltaSeconds(value), true
	}
	for i := 0; i < len(value); i++ {
		if value[i] >= 0x80 {
			return 0, false
		}
	}
	nowNanos := now.UnixNano()
	nowSecs := floorDiv(nowNanos, 1e9)
	date, ok := parseHTTPDate(value, yearOf(nowSecs))
	if !ok {
		return 0, false
	}
	// Seconds first, so that dates far from now cannot overflow.
	secs := date - nowSecs
	if secs > int64(MaxDelay/time.Second)+1 {
		return MaxDelay, true
	}
	if secs < -1 {
		return 0, true
	}
	d := time.Duration(secs)*time.Second - time.Duration(nowNanos-nowSecs*1e9)
	return max(0, min(d, MaxDelay)), true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// RetryAfter is the server's requested delay from every header called name.
//
// Several values (a repeated header, or one value that is a comma-separated list
// of delta-seconds, as a proxy folds repeats) give the longest valid wait; invalid
// values are ignored. A value is split at commas only when every part is digits,
// since an HTTP-date holds a comma itself. now measures dates; nil reads the clock
// when a date needs it.
func RetryAfter(header http.Header, name string, now func() time.Time) (longest time.Duration, ok bool) {
	keep := func(wait time.Duration) {
		if !ok || wait > longest {
			longest, ok = wait, true
		}
	}
	headerValues(header, name, func(value string) bool {
		if allDigits(value) {
			keep(deltaSeconds(value))
			return true
		}
		if strings.IndexByte(value, ',') >= 0 {
			parts := strings.Split(value, ",")
			digits := true
			for i, p := range parts {
				parts[i] = strings.Trim(p, " \t")
				digits = digits && allDigits(parts[i])
			}
			if digits {
				for _, p := range parts {
					keep(deltaSeconds(p))
				}
				return true
			}
		}
		at := time.Now
		if now != nil {
			at = now
		}
		if trimmed := strings.Trim(value, " \t"); allDigits(trimmed) {
			keep(deltaSeconds(trimmed))
		} else if wait, valid := ParseRetryAfter(value, at()); valid {
			keep(wait)
		}
		return true
	})
	return longest, ok
}

var (
	shortDays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	longDays  = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	months    = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
)

// cursor reads an ASCII date; each method's ok is false when the text does not match.
type cursor struct {
	text string
	at   int
}

func (c *cursor) byte(b byte) bool {
	if c.at < len(c.text) && c.text[c.at] == b {
		c.at++
		return true
	}
	return false
}

func (c *cursor) number(width int) (int, bool) {
	if c.at+width > len(c.text) {
		return 0, false
	}
	n := 0
	for i := 0; i < width; i++ {
		d := c.text[c.at+i]
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int(d-'0')
	}
	c.at += width
	return n, true
}

func (c *cursor) word() string {
	start := c.at
	for c.at < len(c.text) {
		b := c.text[c.at] | 0x20
		if b < 'a' || b > 'z' {
			break
		}
		c.at++
	}
	return strings.ToLower(c.text[start:c.at])
}

func (c *cursor) clock() (h, m, s int, ok bool) {
	if h, ok = c.number(2); !ok || !c.byte(':') {
		return 0, 0, 0, false
	}
	if m, ok = c.number(2); !ok || !c.byte(':') {
		return 0, 0, 0, false
	}
	s, ok = c.number(2)
	return h, m, s, ok
}

func contains(list []string, w string) bool {
	for _, x := range list {
		if x == w {
			return true
		}
	}
	return false
}

func month(w string) (int, bool) {
	for i, m := range months {
		if m == w {
			return i + 1, true
		}
	}
	return 0, false
}

type dateTime struct{ year, month, day, hour, minute, second int }

// dayMonthYear parses "Sun, 06 Nov 1994 08:49:37 GMT" (sep a space) or
// "Sunday, 06-Nov-94 08:49:37 GMT" (sep a dash), the year as written.
func dayMonthYear(text string, days []string, sep byte, yearWidth int) (d dateTime, ok bool) {
	c := cursor{text: text}
	if !contains(days, c.word()) || !c.byte(',') || !c.byte(' ') {
		return d, false
	}
	if d.day, ok = c.number(2); !ok || !c.byte(sep) {
		return d, false
	}
	if d.month, ok = month(c.word()); !ok || !c.byte(sep) {
		return d, false
	}
	if d.year, ok = c.number(yearWidth); !ok || !c.byte(' ') {
		return d, false
	}
	if d.hour, d.minute, d.second, ok = c.clock(); !ok || !c.byte(' ') {
		return d, false
	}
	if c.word() != "gmt" || c.at != len(c.text) {
		return d, false
	}
	return d, true
}

func asctime(text string) (d dateTime, ok bool) {
	c := cursor{text: text}
	if !contains(shortDays, c.word()) || !c.byte(' ') {
		return d, false
	}
	if d.month, ok = month(c.word()); !ok || !c.byte(' ') {
		return d, false
	}
	if c.byte(' ') {
		d.day, ok = c.number(1)
	} else {
		d.day, ok = c.number(2)
	}
	if !ok || !c.byte(' ') {
		return d, false
	}
	if d.hour, d.minute, d.second, ok = c.clock(); !ok || !c.byte(' ') {
		return d, false
	}
	if d.year, ok = c.number(4); !ok || c.at != len(c.text) {
		return d, false
	}
	return d, true
}

// expandYear reads a two-digit year: one more than 50 years ahead is the most
// recent past year with those digits (RFC 9110).
func expandYear(short, current int) int {
	year := (current/100)*100 + short
	horizon := current + 50
	if year > horizon {
		return year - 100
	}
	if year+100 <= horizon {
		return year + 100
	}
	return year
}

// parseHTTPDate reads an HTTP-date as seconds since the Unix epoch.
func parseHTTPDate(text string, currentYear int) (int64, bool) {
	d, ok := dayMonthYear(text, shortDays, ' ', 4)
	if !ok {
		if d, ok = dayMonthYear(text, longDays, '-', 2); ok {
			d.year = expandYear(d.year, currentYear)
		}
	}
	if !ok {
		d, ok = asctime(text)
	}
	if !ok {
		return 0, false
	}
	valid := d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= daysInMonth(d.year, d.month) &&
		d.hour <= 23 && d.minute <= 59 && d.second <= 60
	if !valid {
		return 0, false
	}
	days := daysFromCivil(int64(d.year), int64(d.month), int64(d.day))
	return days*86400 + int64(d.hour)*3600 + int64(d.minute)*60 + int64(d.second), true
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysInMonth(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil: days from 1970-01-01.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := m + 9
	if m > 2 {
		mp = m - 3
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// yearOf is the Gregorian year holding secs since the Unix epoch (civil_from_days).
func yearOf(secs int64) int {
	z := floorDiv(secs, 86400) + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	y := era*400 + yoe
	if mp >= 10 {
		y++
	}
	return int(y)
}
