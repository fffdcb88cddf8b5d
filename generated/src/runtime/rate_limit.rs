//! The rate limit a response's headers report: the vendor's limit, what remains, what is used and when it resets.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::headers::Headers;

/// How a vendor's `reset` header writes the time the rate limit resets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResetFormat {
    /// The moment of the reset, in seconds since the Unix epoch (GitHub's `x-ratelimit-reset`).
    EpochSeconds,
    /// The number of seconds until the reset.
    Seconds,
}

/// The headers a vendor reports its rate limit in, one per role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitHeaders {
    /// The header with the number of requests allowed in the window.
    pub limit: Option<&'static str>,
    /// The header with the number of requests left in the window.
    pub remaining: Option<&'static str>,
    /// The header with the number of requests used in the window.
    pub used: Option<&'static str>,
    /// The header saying when the window resets, and how it writes that.
    pub reset: Option<(&'static str, ResetFormat)>,
}

/// The rate limit a response reports, each part `None` when its header is absent or unreadable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// The number of requests allowed in the window.
    pub limit: Option<u64>,
    /// The number of requests left in the window.
    pub remaining: Option<u64>,
    /// The number of requests used in the window.
    pub used: Option<u64>,
    /// The wait until the window resets, measured from the time the response was parsed.
    pub reset: Option<Duration>,
}

impl RateLimit {
    /// Reads the rate limit from `headers` as `names` says, measuring an epoch reset from `now`.
    ///
    /// Each count is the first value of its header that is 1 to 18 ASCII digits once
    /// spaces and tabs are trimmed. A reset in epoch seconds that has passed is a zero
    /// wait; one in seconds is that many seconds.
    pub fn read<H: Headers + ?Sized>(
        names: &RateLimitHeaders,
        headers: &H,
        now: SystemTime,
    ) -> RateLimit {
        let count = |name: Option<&str>| name.and_then(|name| count(headers, name));
        let reset = names.reset.and_then(|(name, format)| {
            let n = count(Some(name))?;
            let ms = match format {
                ResetFormat::EpochSeconds => {
                    let now_ms = now
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                    n.saturating_mul(1000).saturating_sub(now_ms)
                }
                ResetFormat::Seconds => n.saturating_mul(1000),
            };
            Some(Duration::from_millis(ms))
        });
        RateLimit {
            limit: count(names.limit),
            remaining: count(names.remaining),
            used: count(names.used),
            reset,
        }
    }
}

/// The first value of the header that is 1 to 18 ASCII digits once trimmed of spaces and tabs.
fn count<H: Headers + ?Sized>(headers: &H, name: &str) -> Option<u64> {
    headers
        .header_values(name)
        .map(|value| value.trim_matches([' ', '\t']))
        .find(|t| (1..=18).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GITHUB: RateLimitHeaders = RateLimitHeaders {
        limit: Some("x-ratelimit-limit"),
        remaining: Some("x-ratelimit-remaining"),
        used: Some("x-ratelimit-used"),
        reset: Some(("x-ratelimit-reset", ResetFormat::EpochSeconds)),
    };

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn github_headers_give_counts_and_the_wait_until_the_epoch_reset() {
        let headers = [
            ("X-RateLimit-Limit", "60"),
            ("x-ratelimit-remaining", " 0\t"),
            ("x-ratelimit-used", "60"),
            ("x-ratelimit-reset", "1700000090"),
        ];
        let limit = RateLimit::read(&GITHUB, &headers, at(1_700_000_000));
        assert_eq!(
            limit,
            RateLimit {
                limit: Some(60),
                remaining: Some(0),
                used: Some(60),
                reset: Some(Duration::from_secs(90)),
            }
        );
        let later = RateLimit::read(&GITHUB, &headers, at(1_700_000_100));
        assert_eq!(later.reset, Some(Duration::ZERO), "a past reset is no wait");
    }

    #[test]
    fn unreadable_values_are_skipped_for_the_first_readable_one() {
        let headers = [
            ("x-ratelimit-limit", "sixty"),
            ("x-ratelimit-limit", "5000"),
            ("x-ratelimit-remaining", "-1"),
            ("x-ratelimit-used", "1234567890123456789"),
            ("x-ratelimit-reset", ""),
        ];
        let limit = RateLimit::read(&GITHUB, &headers, at(0));
        assert_eq!(
            limit,
            RateLimit {
                limit: Some(5000),
                ..RateLimit::default()
            }
        );
        let eighteen = [("x-ratelimit-used", "999999999999999999")];
        assert_eq!(
            RateLimit::read(&GITHUB, &eighteen, at(0)).used,
            Some(999_999_999_999_999_999)
        );
    }

    #[test]
    fn a_reset_in_seconds_is_that_wait_whatever_the_clock() {
        let names = RateLimitHeaders {
            limit: None,
            remaining: None,
            used: None,
            reset: Some(("RateLimit-Reset", ResetFormat::Seconds)),
        };
        let headers = [("ratelimit-reset", "30"), ("x-ratelimit-limit", "9")];
        for now in [at(0), at(1_700_000_000)] {
            assert_eq!(
                RateLimit::read(&names, &headers, now),
                RateLimit {
                    reset: Some(Duration::from_secs(30)),
                    ..RateLimit::default()
                }
            );
        }
        let before_epoch = UNIX_EPOCH - Duration::from_secs(5);
        let epoch = [("x-ratelimit-reset", "10")];
        assert_eq!(
            RateLimit::read(&GITHUB, &epoch, before_epoch).reset,
            Some(Duration::from_secs(10))
        );
    }
}
