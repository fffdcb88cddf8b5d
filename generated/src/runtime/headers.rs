//! HTTP header lookup and `Retry-After` parsing (delta-seconds and the three RFC 9110 HTTP-date formats).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The longest delay [`parse_retry_after`] returns, in seconds (`u32::MAX`, about 136 years).
const MAX_DELAY_SECS: u64 = u32::MAX as u64;

/// Response or request headers, whatever type holds them.
///
/// Every function of errcat that reads headers takes `&impl Headers`, so a slice or array
/// of `(&str, &str)` pairs, a `Vec` of pairs and, with the `http` feature, an
/// `http::HeaderMap` all work. Names compare ASCII-case-insensitively.
pub trait Headers {
    /// Returns every value of the header `name`, in the order received.
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a;
}

impl Headers for [(&str, &str)] {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        pairs(self.iter().map(|(n, v)| (*n, *v)), name)
    }
}

impl<const N: usize> Headers for [(&str, &str); N] {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.as_slice().header_values(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        pairs(self.iter().map(|(n, v)| (n.as_ref(), v.as_ref())), name)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        (**self).header_values(name)
    }
}

#[cfg(feature = "http")]
impl Headers for ::http::HeaderMap {
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        // `get_all` lowers the name itself; a value that is not UTF-8 is skipped.
        self.get_all(name)
            .iter()
            .filter_map(|value| std::str::from_utf8(value.as_bytes()).ok())
    }
}

/// The values among `pairs` whose name is `name`, compared ASCII-case-insensitively.
fn pairs<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)> + 'a,
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    pairs
        .filter(move |(candidate, _)| candidate.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// Returns the trimmed value of the first header named `name`, compared ASCII-case-insensitively.
pub fn header<'a, H: Headers + ?Sized>(headers: &'a H, name: &'a str) -> Option<&'a str> {
    headers
        .header_values(name)
        .next()
        .map(|value| value.trim_matches([' ', '\t']))
}

/// Returns the server's requested wait from every `name` header (such as `Retry-After`),
/// measured from `now`.
///
/// RFC 9110 allows one value; when a response carries several (a repeated header, or one
/// value that a proxy folded into a comma-separated list of delta-seconds such as
/// `45, 60`), the longest valid wait wins, which is the safe reading, and invalid values
/// are ignored. A value is split at commas only when every part is delta-seconds, since
/// an HTTP-date contains a comma itself. Each value is parsed by [`parse_retry_after`].
pub fn retry_after<H: Headers + ?Sized>(
    headers: &H,
    name: &str,
    now: SystemTime,
) -> Option<Duration> {
    headers
        .header_values(name)
        .filter_map(|value| parse_retry_after(value, now).or_else(|| delta_list(value, now)))
        .max()
}

/// The longest wait in a comma-separated list of delta-seconds; `None` unless every
/// element is delta-seconds.
fn delta_list(value: &str, now: SystemTime) -> Option<Duration> {
    value
        .split(',')
        .map(|part| part.trim_matches([' ', '\t']))
        .try_fold(None, |longest, part| {
            let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| parse_retry_after(part, now).max(longest))
        })
        .flatten()
}

/// Parses a `Retry-After` value into the time left to wait, measured from `now`.
///
/// The value is either delta-seconds (ASCII digits only; values above `u32::MAX` seconds
/// saturate there) or an HTTP-date in any of the formats RFC 9110 requires recipients to
/// accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 format
/// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). Names and
/// `GMT` are matched ASCII-case-insensitively, and a day name need not match the date.
/// A date in the past gives [`Duration::ZERO`]; anything malformed gives `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    // HTTP allows only spaces and tabs around a field value.
    let value = value.trim_matches([' ', '\t']);
    if value.is_empty() {
        return None;
    }
    let bytes = value.as_bytes();
    if bytes.iter().all(u8::is_ascii_digit) {
        let seconds = bytes.iter().fold(0u64, |total, digit| {
            total
                .saturating_mul(10)
                .saturating_add(u64::from(digit.saturating_sub(b'0')))
        });
        return Some(Duration::from_secs(seconds.min(MAX_DELAY_SECS)));
    }
    let date = parse_http_date(bytes, year_of(now))?;
    let target = if date >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(date.unsigned_abs()))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(date.unsigned_abs()))
    };
    let Some(target) = target else {
        // Only reachable on platforms whose clock cannot represent the date at all.
        return Some(if date < 0 {
            Duration::ZERO
        } else {
            Duration::from_secs(MAX_DELAY_SECS)
        });
    };
    let wait = target.duration_since(now).unwrap_or(Duration::ZERO);
    Some(wait.min(Duration::from_secs(MAX_DELAY_SECS)))
}

/// Parses an HTTP-date into seconds since the Unix epoch.
///
/// `current_year` resolves the two-digit years of the RFC 850 format.
fn parse_http_date(bytes: &[u8], current_year: i64) -> Option<i64> {
    imf_fixdate(bytes)
        .or_else(|| rfc850_date(bytes, current_year))
        .or_else(|| asctime_date(bytes))?
        .unix_seconds()
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT`.
fn imf_fixdate(bytes: &[u8]) -> Option<DateTime> {
    let mut cursor = Cursor { rest: bytes };
    lookup(&SHORT_DAYS, cursor.word())?;
    cursor.byte(b',')?;
    cursor.byte(b' ')?;
    let day = cursor.number(2)?;
    cursor.byte(b' ')?;
    let month = lookup(&MONTHS, cursor.word())?;
    cursor.byte(b' ')?;
    let year = cursor.number(4)?;
    cursor.byte(b' ')?;
    let (hour, minute, second) = cursor.time()?;
    cursor.byte(b' ')?;
    cursor.gmt()?;
    cursor.end()?;
    Some(DateTime {
        year: i64::from(year),
        month,
        day,
        hour,
        minute,
        second,
    })
}

/// Parses `Sunday, 06-Nov-94 08:49:37 GMT`.
fn rfc850_date(bytes: &[u8], current_year: i64) -> Option<DateTime> {
    let mut cursor = Cursor { rest: bytes };
    lookup(&LONG_DAYS, cursor.word())?;
    cursor.byte(b',')?;
    cursor.byte(b' ')?;
    let day = cursor.number(2)?;
    cursor.byte(b'-')?;
    let month = lookup(&MONTHS, cursor.word())?;
    cursor.byte(b'-')?;
    let short_year = cursor.number(2)?;
    cursor.byte(b' ')?;
    let (hour, minute, second) = cursor.time()?;
    cursor.byte(b' ')?;
    cursor.gmt()?;
    cursor.end()?;
    Some(DateTime {
        year: expand_year(short_year, current_year),
        month,
        day,
        hour,
        minute,
        second,
    })
}

/// Parses `Sun Nov  6 08:49:37 1994`.
fn asctime_date(bytes: &[u8]) -> Option<DateTime> {
    let mut cursor = Cursor { rest: bytes };
    lookup(&SHORT_DAYS, cursor.word())?;
    cursor.byte(b' ')?;
    let month = lookup(&MONTHS, cursor.word())?;
    cursor.byte(b' ')?;
    let day = match cursor.byte(b' ') {
        Some(()) => cursor.number(1)?,
        None => cursor.number(2)?,
    };
    cursor.byte(b' ')?;
    let (hour, minute, second) = cursor.time()?;
    cursor.byte(b' ')?;
    let year = cursor.number(4)?;
    cursor.end()?;
    Some(DateTime {
        year: i64::from(year),
        month,
        day,
        hour,
        minute,
        second,
    })
}

/// Resolves a two-digit year as RFC 9110 requires.
///
/// A year that would be more than 50 years in the future is taken as the most recent past
/// year with the same last two digits.
fn expand_year(short_year: u32, current_year: i64) -> i64 {
    let century = current_year.div_euclid(100).saturating_mul(100);
    let year = century.saturating_add(i64::from(short_year));
    let horizon = current_year.saturating_add(50);
    if year > horizon {
        year.saturating_sub(100)
    } else if year.saturating_add(100) <= horizon {
        year.saturating_add(100)
    } else {
        year
    }
}

const SHORT_DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const LONG_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Returns the 1-based position of `word` among `names`, compared ASCII-case-insensitively.
fn lookup(names: &[&str], word: &[u8]) -> Option<u32> {
    names
        .iter()
        .zip(1..)
        .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(word))
        .map(|(_, position)| position)
}

/// A byte-wise reader over a date; it never slices a `str`, so any input is safe.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    /// Consumes `expected` if it is the next byte.
    fn byte(&mut self, expected: u8) -> Option<()> {
        match self.rest.split_first() {
            Some((&first, rest)) if first == expected => {
                self.rest = rest;
                Some(())
            }
            _ => None,
        }
    }

    /// Consumes exactly `width` ASCII digits and returns their value.
    fn number(&mut self, width: usize) -> Option<u32> {
        let (digits, rest) = self.rest.split_at_checked(width)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.rest = rest;
        Some(digits.iter().fold(0u32, |total, digit| {
            total
                .saturating_mul(10)
                .saturating_add(u32::from(digit.saturating_sub(b'0')))
        }))
    }

    /// Consumes the longest run of ASCII letters, which may be empty.
    fn word(&mut self) -> &'a [u8] {
        let length = self
            .rest
            .iter()
            .take_while(|byte| byte.is_ascii_alphabetic())
            .count();
        let (word, rest) = self
            .rest
            .split_at_checked(length)
            .unwrap_or((self.rest, &[]));
        self.rest = rest;
        word
    }

    /// Consumes `hh:mm:ss`.
    fn time(&mut self) -> Option<(u32, u32, u32)> {
        let hour = self.number(2)?;
        self.byte(b':')?;
        let minute = self.number(2)?;
        self.byte(b':')?;
        let second = self.number(2)?;
        Some((hour, minute, second))
    }

    /// Consumes the `GMT` zone.
    fn gmt(&mut self) -> Option<()> {
        self.word().eq_ignore_ascii_case(b"GMT").then_some(())
    }

    /// Succeeds when all input has been consumed.
    fn end(&self) -> Option<()> {
        self.rest.is_empty().then_some(())
    }
}

/// A calendar date and time of day in UTC, not yet validated.
struct DateTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl DateTime {
    /// Validates the fields and returns seconds since the Unix epoch.
    ///
    /// A second of 60 (a leap second) is accepted and counts into the next minute.
    fn unix_seconds(&self) -> Option<i64> {
        let valid = (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour <= 23
            && self.minute <= 59
            && self.second <= 60;
        if !valid {
            return None;
        }
        let time_of_day = i64::from(self.hour * 3_600 + self.minute * 60 + self.second);
        days_from_civil(self.year, self.month, self.day)?
            .checked_mul(86_400)?
            .checked_add(time_of_day)
    }
}

/// Returns whether `year` is a leap year in the proleptic Gregorian calendar.
fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Returns the number of days in `month` (1 to 12) of `year`.
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Returns the days from 1970-01-01 to the given proleptic Gregorian date.
///
/// This is Howard Hinnant's `days_from_civil`; `month` must be 1 to 12 and `day` 1 to 31.
fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    let year = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = i64::from(if month > 2 { month - 3 } else { month + 9 });
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era.checked_mul(146_097)?
        .checked_add(day_of_era)?
        .checked_sub(719_468)
}

/// Returns the Gregorian year that contains `now`.
fn year_of(now: SystemTime) -> i64 {
    let seconds = match now.duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    };
    year_from_days(seconds.div_euclid(86_400))
}

/// Returns the year of the date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn year_from_days(days: i64) -> i64 {
    let shifted = days.saturating_add(719_468);
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let year = era.saturating_mul(400).saturating_add(year_of_era);
    // Shifted months 10 and 11 are January and February of the following year.
    if shifted_month >= 10 {
        year.saturating_add(1)
    } else {
        year
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1994-11-06 08:49:37 UTC, the RFC 9110 example date.
    const EXAMPLE: u64 = 784_111_777;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn parse(value: &str, now: u64) -> Option<Duration> {
        parse_retry_after(value, at(now))
    }

    #[test]
    fn header_matches_case_insensitively_and_trims() {
        let headers = [
            ("Content-Type", "text/html"),
            ("retry-after", "  120 \t"),
            ("Retry-After", "5"),
        ];
        assert_eq!(header(&headers, "Retry-After"), Some("120"));
        assert_eq!(header(&headers, "CONTENT-TYPE"), Some("text/html"));
        assert_eq!(header(&headers, "X-Request-Id"), None);
        assert_eq!(header(&[], "Retry-After"), None);
        assert_eq!(header(&[("Retry-Afte", "1")], "Retry-After"), None);
    }

    #[test]
    fn every_container_of_pairs_reads_alike() {
        let slice: &[(&str, &str)] = &[("X-A", "1"), ("x-a", "2"), ("X-B", "3")];
        let owned: Vec<(String, String)> = slice
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        let borrowed: Vec<(&str, &str)> = slice.to_vec();
        let expected = ["1", "2"];
        assert_eq!(slice.header_values("x-A").collect::<Vec<_>>(), expected);
        assert_eq!(owned.header_values("X-A").collect::<Vec<_>>(), expected);
        assert_eq!(borrowed.header_values("X-a").collect::<Vec<_>>(), expected);
        assert_eq!((&slice).header_values("x-b").collect::<Vec<_>>(), ["3"]);
        assert_eq!(header(&owned, "x-b"), Some("3"));
    }

    fn wait(headers: &[(&str, &str)]) -> Option<Duration> {
        retry_after(headers, "Retry-After", at(EXAMPLE))
    }

    #[test]
    fn the_longest_valid_retry_after_wins() {
        assert_eq!(wait(&[]), None);
        assert_eq!(wait(&[("Retry-After", "7")]), Some(Duration::from_secs(7)));
        let repeated = [
            ("Retry-After", "5"),
            ("retry-after", "garbage"),
            ("RETRY-AFTER", "45"),
            ("Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT"),
        ];
        assert_eq!(wait(&repeated), Some(Duration::from_secs(45)));
        assert_eq!(
            wait(&[
                ("Retry-After", "1"),
                ("Retry-After", "Sun, 06 Nov 1994 08:50:37 GMT")
            ]),
            Some(Duration::from_secs(60))
        );
        assert_eq!(wait(&[("Retry-After", "soon"), ("Retry-After", "")]), None);
    }

    #[test]
    fn a_folded_list_of_delta_seconds_counts_as_several_values() {
        assert_eq!(
            wait(&[("Retry-After", "45, 60")]),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            wait(&[("Retry-After", "7,7")]),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            wait(&[("Retry-After", "60 ,\t45")]),
            Some(Duration::from_secs(60))
        );
        // A date carries a comma of its own and is never split.
        assert_eq!(
            wait(&[("Retry-After", "Sun, 06 Nov 1994 08:49:47 GMT")]),
            Some(Duration::from_secs(10))
        );
        for invalid in ["45, soon", "45,", ",45", "45, -1", "Sun, 45"] {
            assert_eq!(wait(&[("Retry-After", invalid)]), None, "{invalid:?}");
        }
    }

    #[test]
    fn delta_seconds() {
        assert_eq!(parse("120", 0), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 7 ", 0), Some(Duration::from_secs(7)));
        assert_eq!(parse("0", 0), Some(Duration::ZERO));
        assert_eq!(parse("007", 0), Some(Duration::from_secs(7)));
    }

    #[test]
    fn huge_delta_seconds_saturate() {
        let cap = Some(Duration::from_secs(u64::from(u32::MAX)));
        assert_eq!(parse("4294967295", 0), cap);
        assert_eq!(parse("4294967296", 0), cap);
        assert_eq!(parse(&"9".repeat(10_000), 0), cap);
        assert_eq!(
            parse("4294967294", 0),
            Some(Duration::from_secs(4_294_967_294))
        );
    }

    #[test]
    fn malformed_delta_seconds() {
        for value in [
            "", "   ", "+5", "-1", "1.5", "1e3", "1 2", "0x10", "5s", "١٢", "１２",
        ] {
            assert_eq!(parse(value, 0), None, "{value:?}");
        }
    }

    #[test]
    fn imf_fixdate_in_the_future() {
        let value = "Sun, 06 Nov 1994 08:49:37 GMT";
        assert_eq!(parse(value, EXAMPLE - 60), Some(Duration::from_secs(60)));
        assert_eq!(parse(value, EXAMPLE), Some(Duration::ZERO));
        let now = at(EXAMPLE - 1) + Duration::from_millis(250);
        assert_eq!(
            parse_retry_after(value, now),
            Some(Duration::from_millis(750))
        );
        assert_eq!(
            parse("sun, 06 nov 1994 08:49:37 gmt", EXAMPLE - 1),
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn rfc850_date() {
        let value = "Sunday, 06-Nov-94 08:49:37 GMT";
        assert_eq!(parse(value, EXAMPLE - 90), Some(Duration::from_secs(90)));
        assert_eq!(parse("Sun, 06-Nov-94 08:49:37 GMT", EXAMPLE - 90), None);
    }

    #[test]
    fn rfc850_two_digit_years_follow_the_fifty_year_rule() {
        // 2025-01-01 00:00:00 UTC.
        let now = 1_735_689_600;
        // 2026-01-01 00:00:00 UTC is one year ahead.
        assert_eq!(
            parse("Thursday, 01-Jan-26 00:00:00 GMT", now),
            Some(Duration::from_secs(1_767_225_600 - now))
        );
        // 76 would be 2076, more than 50 years ahead, so it is 1976: in the past.
        assert_eq!(
            parse("Thursday, 01-Jan-76 00:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        // 70 is 2070, exactly 45 years ahead, so it stays in the future.
        assert!(
            parse("Wednesday, 01-Jan-70 00:00:00 GMT", now).is_some_and(|d| d > Duration::ZERO)
        );
        // In 2099, 00 means 2100 (one year ahead), not 2000.
        let late = 4_070_908_800;
        assert_eq!(
            parse("Friday, 01-Jan-00 00:00:00 GMT", late),
            Some(Duration::from_secs(4_102_444_800 - late))
        );
    }

    #[test]
    fn asctime_date() {
        assert_eq!(
            parse("Sun Nov  6 08:49:37 1994", EXAMPLE - 5),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse("Sun Nov 06 08:49:37 1994", EXAMPLE - 5),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse("Sun Nov 16 08:49:37 1994", EXAMPLE),
            Some(Duration::from_secs(10 * 86_400))
        );
        assert_eq!(parse("Sun Nov 6 08:49:37 1994", EXAMPLE - 5), None);
    }

    #[test]
    fn past_dates_give_zero() {
        let now = 1_735_689_600;
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse("Mon, 01 Jan 0001 00:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse("Sun Nov  6 08:49:37 1994", now), Some(Duration::ZERO));
        let before_epoch = UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", before_epoch),
            Some(Duration::from_secs(86_410))
        );
    }

    #[test]
    fn far_future_dates_saturate() {
        assert_eq!(
            parse("Fri, 31 Dec 9999 23:59:59 GMT", 0),
            Some(Duration::from_secs(u64::from(u32::MAX)))
        );
    }

    #[test]
    fn calendar_ranges_are_checked() {
        let ok = |value: &str| parse(value, 0).is_some();
        assert!(ok("Thu, 29 Feb 2024 00:00:00 GMT"));
        assert!(ok("Tue, 29 Feb 2000 00:00:00 GMT"));
        assert!(!ok("Wed, 29 Feb 2023 00:00:00 GMT"));
        assert!(!ok("Thu, 29 Feb 1900 00:00:00 GMT"));
        assert!(!ok("Thu, 31 Apr 2024 00:00:00 GMT"));
        assert!(!ok("Thu, 00 Jan 2024 00:00:00 GMT"));
        assert!(!ok("Thu, 32 Jan 2024 00:00:00 GMT"));
        assert!(!ok("Thu, 01 Jan 2024 24:00:00 GMT"));
        assert!(!ok("Thu, 01 Jan 2024 23:60:00 GMT"));
        assert!(!ok("Thu, 01 Jan 2024 23:59:61 GMT"));
        assert!(!ok("Thu, 01 Foo 2024 00:00:00 GMT"));
        assert!(!ok("Xyz, 01 Jan 2024 00:00:00 GMT"));
        assert!(ok("Sun, 06 Nov 1994 08:49:60 GMT"));
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:60 GMT", EXAMPLE),
            Some(Duration::from_secs(23))
        );
    }

    #[test]
    fn known_epoch_offsets() {
        // 2000-03-01 follows a leap day in a year divisible by 400.
        assert_eq!(days_from_civil(2000, 3, 1), Some(951_868_800 / 86_400));
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(1969, 12, 31), Some(-1));
        assert_eq!(year_of(at(1_735_689_599)), 2024);
        assert_eq!(year_of(at(1_735_689_600)), 2025);
        assert_eq!(year_of(UNIX_EPOCH - Duration::from_secs(1)), 1969);
    }

    #[test]
    fn malformed_dates() {
        for value in [
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun,  06 Nov 1994 08:49:37 GMT",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08-49-37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sun Nov  6 08:49:37 94",
            "tomorrow",
            "GMT",
            ",",
        ] {
            assert_eq!(parse(value, 0), None, "{value:?}");
        }
    }

    #[test]
    fn every_prefix_of_a_valid_date_is_rejected_without_panicking() {
        for value in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            for end in 0..value.len() {
                let prefix = value.get(..end).unwrap_or_default();
                let parsed = parse(prefix, 0);
                // Short all-digit prefixes do not exist here, so every prefix is malformed.
                assert_eq!(parsed, None, "{prefix:?}");
            }
            assert!(parse(value, 0).is_some());
        }
    }

    #[test]
    fn non_ascii_input_is_rejected() {
        for value in [
            "Sün, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Növ 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT€",
            "Sun, ０6 Nov 1994 08:49:37 GMT",
            "€",
            "日曜日, 06-Nov-94 08:49:37 GMT",
            "\u{feff}120",
        ] {
            assert_eq!(parse(value, 0), None, "{value:?}");
        }
        // A multi-byte character at every position of every format.
        for value in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            for (index, _) in value.char_indices() {
                let mut broken = value.to_owned();
                broken.insert(index, 'é');
                assert_eq!(parse(&broken, 0), None, "{broken:?}");
            }
        }
    }

    #[test]
    fn extreme_clocks_do_not_panic() {
        let value = "Friday, 01-Jan-00 00:00:00 GMT";
        let far = UNIX_EPOCH.checked_add(Duration::from_secs(i64::MAX as u64 / 2));
        if let Some(far) = far {
            assert!(parse_retry_after(value, far).is_some());
        }
        let ancient = UNIX_EPOCH.checked_sub(Duration::from_secs(i64::MAX as u64 / 2));
        if let Some(ancient) = ancient {
            assert!(parse_retry_after(value, ancient).is_some());
        }
        assert!(expand_year(99, i64::MAX) > i64::MAX - 200);
        assert_eq!(year_from_days(i64::MIN).signum(), -1);
        assert_eq!(year_from_days(i64::MAX).signum(), 1);
    }
}
