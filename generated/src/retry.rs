//! Retry rules, backoff schedules and the vendor-independent decision whether to retry a failed request.

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A catalog entry's retry rule: what a client should do after receiving this error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Retry {
    /// Retrying the same request cannot help.
    Never,
    /// Retry with the vendor's exponential backoff.
    Backoff,
    /// Wait as long as the server's delay header says, falling back to backoff when it is absent.
    RetryAfter,
    /// Retry with backoff only when the request is safe to repeat.
    Idempotent,
    /// Give up; retry only after the user has done the given action.
    After(&'static str),
}

/// How a backoff delay is randomised so that many clients do not retry in lockstep.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Jitter {
    /// The delay is used as computed.
    None,
    /// The delay is scaled by a random factor within plus or minus this fraction (0.25 means ±25%).
    Proportional(f64),
    /// A random duration between zero and this value is added to the delay.
    Additive(Duration),
}

/// A vendor's exponential backoff schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    initial: Duration,
    multiplier: f64,
    max: Option<Duration>,
    jitter: Jitter,
    max_attempts: u32,
}

impl Backoff {
    /// Creates a schedule starting at `initial`, growing by `multiplier` per retry, never above `max`.
    ///
    /// `max_attempts` counts every attempt, the first one included.
    pub const fn new(
        initial: Duration,
        multiplier: f64,
        max: Option<Duration>,
        jitter: Jitter,
        max_attempts: u32,
    ) -> Backoff {
        Backoff {
            initial,
            multiplier,
            max,
            jitter,
            max_attempts,
        }
    }

    /// Returns the delay before the first retry, before jitter.
    pub const fn initial(&self) -> Duration {
        self.initial
    }

    /// Returns the factor the delay grows by from one retry to the next.
    pub const fn multiplier(&self) -> f64 {
        self.multiplier
    }

    /// Returns the longest delay the schedule ever produces, if the vendor sets one.
    pub const fn max(&self) -> Option<Duration> {
        self.max
    }

    /// Returns how delays are randomised.
    pub const fn jitter(&self) -> Jitter {
        self.jitter
    }

    /// Returns the number of attempts allowed in all, the first one included.
    pub const fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Returns the delay before retry number `retry`, given a jitter sample in `[0, 1)`.
    ///
    /// `retry` counts from 1 for the first retry; 0 is treated as 1. The sample is clamped
    /// into `[0, 1]` and NaN counts as 0, so the result is deterministic for a given sample.
    /// The base delay is `initial * multiplier^(retry - 1)`; jitter is then applied and the
    /// result is capped at `max` when there is one. Delays that do not fit saturate at about
    /// 584 years (`u64::MAX` nanoseconds) instead of overflowing. A NaN or negative multiplier
    /// counts as 1, and a proportional fraction is clamped into `[0, 1]`.
    pub fn delay(&self, retry: u32, jitter: f64) -> Duration {
        let sample = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        let exponent = retry.max(1).saturating_sub(1);
        let multiplier = if self.multiplier.is_nan() || self.multiplier < 0.0 {
            1.0
        } else {
            self.multiplier
        };
        // `powf` never panics: a huge exponent gives infinity (or zero), which saturates below.
        let growth = if exponent == 0 {
            1.0
        } else {
            multiplier.powf(f64::from(exponent))
        };
        let base_nanos = nanos_f64(self.initial) * growth;
        let delay = match self.jitter {
            Jitter::None => nanos_to_duration(base_nanos),
            Jitter::Proportional(fraction) => {
                let fraction = if fraction.is_nan() {
                    0.0
                } else {
                    fraction.clamp(0.0, 1.0)
                };
                nanos_to_duration(base_nanos * (1.0 + fraction * (2.0 * sample - 1.0)))
            }
            Jitter::Additive(spread) => nanos_to_duration(base_nanos)
                .saturating_add(nanos_to_duration(nanos_f64(spread) * sample)),
        };
        match self.max {
            Some(cap) => delay.min(cap),
            None => delay,
        }
    }
}

/// Converts a duration to nanoseconds as a float.
fn nanos_f64(duration: Duration) -> f64 {
    duration.as_nanos() as f64
}

/// Converts nanoseconds as a float to a duration, rounding to the nearest nanosecond.
///
/// NaN and negative values give zero; values too large saturate at `u64::MAX` nanoseconds.
fn nanos_to_duration(nanos: f64) -> Duration {
    if nanos.is_nan() || nanos <= 0.0 {
        return Duration::ZERO;
    }
    // Float-to-integer `as` casts saturate, so this cannot overflow.
    Duration::from_nanos(nanos.round() as u64)
}

/// The request that failed, as far as the retry decision needs to know it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    method: String,
    idempotency_key: bool,
}

impl Request {
    /// Creates a request with the given HTTP method, which is compared case-insensitively.
    pub fn new(method: &str) -> Request {
        Request {
            method: method.to_ascii_uppercase(),
            idempotency_key: false,
        }
    }

    /// Marks the request as carrying the vendor's idempotency key.
    pub fn with_idempotency_key(self) -> Request {
        Request {
            idempotency_key: true,
            ..self
        }
    }

    /// Returns the HTTP method in upper case.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// Returns whether the request carries the vendor's idempotency key.
    pub fn has_idempotency_key(&self) -> bool {
        self.idempotency_key
    }
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Send the request again after waiting this long.
    Retry {
        /// How long to wait before the next attempt.
        after: Duration,
    },
    /// Stop retrying and report the error.
    GiveUp {
        /// Why retrying is not worthwhile.
        reason: GiveUpReason,
    },
}

impl Decision {
    /// Returns whether the decision is to retry.
    pub fn is_retry(&self) -> bool {
        matches!(self, Decision::Retry { .. })
    }

    /// Returns how long to wait before retrying, or `None` when the decision is to give up.
    pub fn delay(&self) -> Option<Duration> {
        match self {
            Decision::Retry { after } => Some(*after),
            Decision::GiveUp { .. } => None,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Retry { after } => write!(f, "retry after {after:?}"),
            Decision::GiveUp { reason } => write!(f, "give up: {reason}"),
        }
    }
}

/// Why a failed request should not be retried now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GiveUpReason {
    /// The error's rule says retrying the same request cannot help.
    NotRetryable,
    /// The request can only succeed after the user has done this action.
    AfterAction(&'static str),
    /// The vendor's attempt limit has been reached.
    AttemptsExhausted {
        /// The number of attempts the vendor allows, the first one included.
        max_attempts: u32,
    },
    /// The request is not safe to repeat, and the server may already have acted on it.
    NotIdempotent,
    /// The server asks for a longer wait than the vendor's backoff cap.
    WaitTooLong {
        /// The wait the server asked for.
        wait: Duration,
        /// The longest wait the vendor's policy allows.
        cap: Duration,
    },
}

impl fmt::Display for GiveUpReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GiveUpReason::NotRetryable => f.write_str("retrying the same request cannot help"),
            GiveUpReason::AfterAction(action) => {
                write!(f, "retry only after this is done: {action}")
            }
            GiveUpReason::AttemptsExhausted { max_attempts: 1 } => {
                f.write_str("1 attempt made, the vendor's limit")
            }
            GiveUpReason::AttemptsExhausted { max_attempts } => {
                write!(f, "{max_attempts} attempts made, the vendor's limit")
            }
            GiveUpReason::NotIdempotent => {
                f.write_str("the request is not safe to repeat and the server may have acted on it")
            }
            GiveUpReason::WaitTooLong { wait, cap } => {
                write!(
                    f,
                    "the server asks to wait {wait:?}, more than the {cap:?} cap"
                )
            }
        }
    }
}

/// A vendor's retry guidance as data.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// The vendor's backoff schedule and attempt limit.
    pub backoff: Backoff,
    /// The response header carrying the server's requested delay, such as `Retry-After`.
    pub delay_header: Option<&'static str>,
    /// The HTTP methods that are always safe to repeat, compared case-insensitively.
    pub safe_methods: &'static [&'static str],
    /// The name of the vendor's idempotency key, if it has one.
    pub idempotency_key: Option<&'static str>,
}

impl Policy {
    /// Returns whether repeating `request` cannot cause a side effect twice.
    ///
    /// A request is safe when its method is one of the safe methods, or when it carries an
    /// idempotency key and the vendor supports one.
    pub fn is_safe(&self, request: &Request) -> bool {
        self.safe_methods
            .iter()
            .any(|method| method.eq_ignore_ascii_case(request.method()))
            || (request.has_idempotency_key() && self.idempotency_key.is_some())
    }
}

/// Decides whether to retry a request that failed with an error governed by `rule`.
///
/// `attempt` is the number of attempts already made (0 counts as 1), `status` the HTTP
/// status of the failure, `retry_after` the delay the server asked for, if any, and `jitter`
/// a sample in `[0, 1)` such as [`jitter_sample`] returns. The checks run in this order:
/// a `Never` or `After` rule gives up; reaching the attempt limit gives up; a 5xx status or
/// an `Idempotent` rule gives up unless the request is safe to repeat; a server delay above
/// the backoff cap gives up rather than sleeping for hours. Then a `RetryAfter` rule waits
/// as the server asked, or backs off when the server did not say; `Backoff` and
/// `Idempotent` rules back off, waiting at least the server's delay when it sent one.
pub fn decide(
    policy: &Policy,
    rule: Retry,
    status: u16,
    attempt: u32,
    request: &Request,
    retry_after: Option<Duration>,
    jitter: f64,
) -> Decision {
    let give_up = |reason| Decision::GiveUp { reason };
    let attempt = attempt.max(1);
    match rule {
        Retry::Never => return give_up(GiveUpReason::NotRetryable),
        Retry::After(action) => return give_up(GiveUpReason::AfterAction(action)),
        Retry::Backoff | Retry::RetryAfter | Retry::Idempotent => {}
    }
    let max_attempts = policy.backoff.max_attempts();
    if attempt >= max_attempts {
        return give_up(GiveUpReason::AttemptsExhausted { max_attempts });
    }
    let server_error = (500..=599).contains(&status);
    if (server_error || rule == Retry::Idempotent) && !policy.is_safe(request) {
        return give_up(GiveUpReason::NotIdempotent);
    }
    // The server's delay, when it sent one, is honoured under every rule
    // (RFC 9110: a 503's Retry-After is the expected downtime), but never
    // slept past the cap. `RetryAfter` waits exactly that long; the backoff
    // rules wait at least that long.
    let backoff = policy.backoff.delay(attempt, jitter);
    match retry_after {
        Some(wait) => match policy.backoff.max() {
            Some(cap) if wait > cap => give_up(GiveUpReason::WaitTooLong { wait, cap }),
            _ if rule == Retry::RetryAfter => Decision::Retry { after: wait },
            _ => Decision::Retry {
                after: wait.max(backoff),
            },
        },
        None => Decision::Retry { after: backoff },
    }
}

/// Returns a pseudo-random jitter sample in `[0, 1)`.
///
/// The sample hashes the current time and a process-wide counter with the standard
/// library's randomly seeded hasher; it is good enough to spread retries, not for secrets.
pub fn jitter_sample() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SEED: OnceLock<RandomState> = OnceLock::new();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let hash = SEED.get_or_init(RandomState::new).hash_one((nanos, count));
    // The top 53 bits fit a float's mantissa exactly, so the result is below 1.
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const PENTIFY: Backoff = Backoff::new(
        Duration::from_secs(1),
        2.0,
        Some(Duration::from_secs(30)),
        Jitter::Proportional(0.25),
        5,
    );

    const DEFENDIS: Backoff = Backoff::new(
        Duration::from_millis(500),
        2.0,
        Some(Duration::from_secs(30)),
        Jitter::Additive(Duration::from_millis(250)),
        6,
    );

    const POLICY: Policy = Policy {
        backoff: PENTIFY,
        delay_header: Some("Retry-After"),
        safe_methods: &["GET", "delete"],
        idempotency_key: Some("idempotency_key"),
    };

    fn secs(value: f64) -> Duration {
        Duration::from_secs_f64(value)
    }

    fn close(actual: Duration, expected: Duration) -> bool {
        actual.abs_diff(expected) <= Duration::from_micros(1)
    }

    #[test]
    fn getters_return_constructor_arguments() {
        assert_eq!(PENTIFY.initial(), Duration::from_secs(1));
        assert_eq!(PENTIFY.multiplier(), 2.0);
        assert_eq!(PENTIFY.max(), Some(Duration::from_secs(30)));
        assert_eq!(PENTIFY.jitter(), Jitter::Proportional(0.25));
        assert_eq!(PENTIFY.max_attempts(), 5);
        assert_eq!(DEFENDIS.max_attempts(), 6);
    }

    #[test]
    fn pentify_doubles_from_one_second_at_midpoint_jitter() {
        let delays: Vec<_> = (1..=4).map(|retry| PENTIFY.delay(retry, 0.5)).collect();
        assert_eq!(
            delays,
            [1, 2, 4, 8].map(Duration::from_secs).to_vec(),
            "retries 1 to 4"
        );
    }

    #[test]
    fn pentify_jitter_spans_plus_minus_a_quarter() {
        assert_eq!(PENTIFY.delay(1, 0.0), Duration::from_millis(750));
        let high = PENTIFY.delay(1, 0.999_999);
        assert!(close(high, secs(1.25)), "{high:?}");
        assert!(high < Duration::from_millis(1250));
        assert_eq!(PENTIFY.delay(3, 0.0), Duration::from_secs(3));
    }

    #[test]
    fn pentify_is_capped_at_thirty_seconds() {
        assert_eq!(PENTIFY.delay(10, 0.5), Duration::from_secs(30));
        assert_eq!(PENTIFY.delay(10, 0.0), Duration::from_secs(30));
        assert_eq!(PENTIFY.delay(u32::MAX, 0.999), Duration::from_secs(30));
        // 16s * 1.25 = 20s stays below the cap; 16s at retry 5 is still uncapped.
        assert_eq!(PENTIFY.delay(5, 0.999_999_999).as_secs(), 19);
    }

    #[test]
    fn defendis_adds_up_to_a_quarter_second() {
        let delays: Vec<_> = (1..=7).map(|retry| DEFENDIS.delay(retry, 0.0)).collect();
        let expected = [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000].map(Duration::from_millis);
        assert_eq!(delays, expected.to_vec());
        assert_eq!(DEFENDIS.delay(1, 0.5), Duration::from_millis(625));
        assert_eq!(DEFENDIS.delay(2, 0.5), Duration::from_millis(1_125));
    }

    #[test]
    fn defendis_never_exceeds_the_cap() {
        for retry in (0..=100).chain([1_000, u32::MAX - 1, u32::MAX]) {
            for jitter in [0.0, 0.5, 0.999_999] {
                assert!(DEFENDIS.delay(retry, jitter) <= Duration::from_secs(30));
            }
        }
        assert_eq!(DEFENDIS.delay(6, 0.999), Duration::from_micros(16_249_750));
    }

    #[test]
    fn retry_zero_counts_as_first_retry() {
        assert_eq!(PENTIFY.delay(0, 0.5), PENTIFY.delay(1, 0.5));
        assert_eq!(DEFENDIS.delay(0, 0.0), Duration::from_millis(500));
    }

    #[test]
    fn out_of_range_jitter_is_clamped() {
        assert_eq!(PENTIFY.delay(1, f64::NAN), Duration::from_millis(750));
        assert_eq!(PENTIFY.delay(1, -3.0), Duration::from_millis(750));
        assert_eq!(
            PENTIFY.delay(1, f64::NEG_INFINITY),
            Duration::from_millis(750)
        );
        assert_eq!(PENTIFY.delay(1, 7.0), Duration::from_millis(1_250));
        assert_eq!(
            PENTIFY.delay(1, f64::INFINITY),
            Duration::from_millis(1_250)
        );
        assert_eq!(DEFENDIS.delay(1, 2.0), Duration::from_millis(750));
    }

    #[test]
    fn uncapped_huge_exponent_saturates_without_panicking() {
        let backoff = Backoff::new(Duration::from_secs(1), 10.0, None, Jitter::None, 3);
        let huge = backoff.delay(u32::MAX, 0.5);
        assert_eq!(huge, Duration::from_nanos(u64::MAX));
        assert_eq!(backoff.delay(3, 0.5), Duration::from_secs(100));
        let additive = Backoff::new(
            Duration::MAX,
            f64::INFINITY,
            None,
            Jitter::Additive(Duration::MAX),
            3,
        );
        assert_eq!(
            additive.delay(u32::MAX, 1.0),
            Duration::from_nanos(u64::MAX).saturating_mul(2)
        );
    }

    #[test]
    fn degenerate_parameters_do_not_panic() {
        let zero = Backoff::new(Duration::ZERO, f64::INFINITY, None, Jitter::None, 3);
        assert_eq!(zero.delay(50, 0.5), Duration::ZERO);
        let nan = Backoff::new(
            Duration::from_secs(2),
            f64::NAN,
            None,
            Jitter::Proportional(f64::NAN),
            3,
        );
        assert_eq!(nan.delay(9, 0.0), Duration::from_secs(2));
        let negative = Backoff::new(
            Duration::from_secs(2),
            -4.0,
            None,
            Jitter::Proportional(5.0),
            3,
        );
        assert_eq!(negative.delay(3, 0.0), Duration::ZERO);
        assert_eq!(negative.delay(3, 1.0), Duration::from_secs(4));
        let shrinking = Backoff::new(Duration::from_secs(8), 0.5, None, Jitter::None, 3);
        assert_eq!(shrinking.delay(3, 0.5), Duration::from_secs(2));
    }

    #[test]
    fn non_binary_fractions_round_to_the_nanosecond() {
        let backoff = Backoff::new(Duration::from_millis(100), 3.0, None, Jitter::None, 9);
        assert_eq!(backoff.delay(2, 0.0), Duration::from_millis(300));
        assert_eq!(backoff.delay(3, 0.0), Duration::from_millis(900));
    }

    #[test]
    fn request_normalises_the_method() {
        let request = Request::new("post");
        assert_eq!(request.method(), "POST");
        assert!(!request.has_idempotency_key());
        let keyed = request.clone().with_idempotency_key();
        assert!(keyed.has_idempotency_key());
        assert_eq!(keyed.method(), "POST");
        assert_ne!(request, keyed);
        assert_eq!(Request::new("GeT"), Request::new("GET"));
    }

    #[test]
    fn safety_follows_methods_and_idempotency_keys() {
        assert!(POLICY.is_safe(&Request::new("get")));
        assert!(POLICY.is_safe(&Request::new("DELETE")));
        assert!(!POLICY.is_safe(&Request::new("POST")));
        assert!(POLICY.is_safe(&Request::new("POST").with_idempotency_key()));
        let no_key = Policy {
            idempotency_key: None,
            ..POLICY
        };
        assert!(!no_key.is_safe(&Request::new("POST").with_idempotency_key()));
        assert!(no_key.is_safe(&Request::new("Delete")));
        let nothing = Policy {
            safe_methods: &[],
            ..no_key
        };
        assert!(!nothing.is_safe(&Request::new("GET")));
    }

    fn run(rule: Retry, status: u16, attempt: u32, method: &str, header: Option<u64>) -> Decision {
        decide(
            &POLICY,
            rule,
            status,
            attempt,
            &Request::new(method),
            header.map(Duration::from_secs),
            0.5,
        )
    }

    #[test]
    fn never_gives_up_before_anything_else() {
        assert_eq!(
            run(Retry::Never, 400, 1, "GET", None),
            Decision::GiveUp {
                reason: GiveUpReason::NotRetryable
            }
        );
        assert_eq!(
            run(Retry::Never, 500, 99, "POST", Some(1)),
            Decision::GiveUp {
                reason: GiveUpReason::NotRetryable
            }
        );
    }

    #[test]
    fn after_action_gives_up_with_the_action() {
        assert_eq!(
            run(Retry::After("rotate the API key"), 401, 1, "GET", None),
            Decision::GiveUp {
                reason: GiveUpReason::AfterAction("rotate the API key")
            }
        );
    }

    #[test]
    fn attempt_limit_is_enforced() {
        let exhausted = Decision::GiveUp {
            reason: GiveUpReason::AttemptsExhausted { max_attempts: 5 },
        };
        assert_eq!(run(Retry::Backoff, 429, 5, "GET", None), exhausted);
        assert_eq!(run(Retry::RetryAfter, 429, 6, "GET", Some(1)), exhausted);
        assert_eq!(
            run(Retry::Idempotent, 503, u32::MAX, "POST", None),
            exhausted
        );
        assert!(run(Retry::Backoff, 429, 4, "GET", None).is_retry());
    }

    #[test]
    fn server_errors_need_a_safe_request() {
        let unsafe_decision = Decision::GiveUp {
            reason: GiveUpReason::NotIdempotent,
        };
        assert_eq!(run(Retry::Backoff, 500, 1, "POST", None), unsafe_decision);
        assert_eq!(
            run(Retry::RetryAfter, 599, 1, "PATCH", Some(2)),
            unsafe_decision
        );
        assert!(run(Retry::Backoff, 500, 1, "GET", None).is_retry());
        assert!(run(Retry::Backoff, 499, 1, "POST", None).is_retry());
        assert!(run(Retry::Backoff, 600, 1, "POST", None).is_retry());
        let keyed = Request::new("POST").with_idempotency_key();
        assert!(decide(&POLICY, Retry::Backoff, 502, 1, &keyed, None, 0.5).is_retry());
    }

    #[test]
    fn idempotent_rule_needs_a_safe_request_at_any_status() {
        assert_eq!(
            run(Retry::Idempotent, 409, 1, "POST", None),
            Decision::GiveUp {
                reason: GiveUpReason::NotIdempotent
            }
        );
        assert_eq!(
            run(Retry::Idempotent, 409, 2, "DELETE", None),
            Decision::Retry {
                after: Duration::from_secs(2)
            }
        );
    }

    #[test]
    fn retry_after_honours_the_header_within_the_cap() {
        assert_eq!(
            run(Retry::RetryAfter, 429, 1, "POST", Some(7)),
            Decision::Retry {
                after: Duration::from_secs(7)
            }
        );
        assert_eq!(
            run(Retry::RetryAfter, 429, 1, "POST", Some(30)).delay(),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            run(Retry::RetryAfter, 429, 1, "POST", Some(31)),
            Decision::GiveUp {
                reason: GiveUpReason::WaitTooLong {
                    wait: Duration::from_secs(31),
                    cap: Duration::from_secs(30)
                }
            }
        );
    }

    #[test]
    fn retry_after_without_a_cap_waits_any_time() {
        let uncapped = Policy {
            backoff: Backoff::new(Duration::from_secs(1), 2.0, None, Jitter::None, 5),
            ..POLICY
        };
        let decision = decide(
            &uncapped,
            Retry::RetryAfter,
            429,
            1,
            &Request::new("GET"),
            Some(Duration::from_secs(3_600)),
            0.5,
        );
        assert_eq!(decision.delay(), Some(Duration::from_secs(3_600)));
    }

    #[test]
    fn retry_after_falls_back_to_backoff() {
        assert_eq!(
            run(Retry::RetryAfter, 429, 3, "POST", None),
            Decision::Retry {
                after: Duration::from_secs(4)
            }
        );
    }

    #[test]
    fn backoff_waits_at_least_the_header_and_uses_attempt_as_retry_number() {
        // The header is longer than the backoff: it wins.
        assert_eq!(
            run(Retry::Backoff, 429, 2, "POST", Some(20)),
            Decision::Retry {
                after: Duration::from_secs(20)
            }
        );
        // Shorter than the backoff: the backoff wins.
        assert_eq!(
            run(Retry::Backoff, 429, 3, "POST", Some(1)),
            Decision::Retry {
                after: Duration::from_secs(4)
            }
        );
        // Above the cap: give up rather than sleep.
        assert_eq!(
            run(Retry::Backoff, 503, 0, "GET", Some(99)),
            Decision::GiveUp {
                reason: GiveUpReason::WaitTooLong {
                    wait: Duration::from_secs(99),
                    cap: Duration::from_secs(30)
                }
            }
        );
        let jittered = decide(
            &POLICY,
            Retry::Backoff,
            429,
            1,
            &Request::new("GET"),
            None,
            0.0,
        );
        assert_eq!(jittered.delay(), Some(Duration::from_millis(750)));
    }

    #[test]
    fn decision_accessors() {
        let retry = Decision::Retry {
            after: Duration::from_millis(1_500),
        };
        assert!(retry.is_retry());
        assert_eq!(retry.delay(), Some(Duration::from_millis(1_500)));
        let give_up = Decision::GiveUp {
            reason: GiveUpReason::NotIdempotent,
        };
        assert!(!give_up.is_retry());
        assert_eq!(give_up.delay(), None);
    }

    #[test]
    fn display_is_one_short_sentence() {
        let exhausted = Decision::GiveUp {
            reason: GiveUpReason::AttemptsExhausted { max_attempts: 5 },
        };
        assert_eq!(
            exhausted.to_string(),
            "give up: 5 attempts made, the vendor's limit"
        );
        assert_eq!(
            GiveUpReason::AttemptsExhausted { max_attempts: 1 }.to_string(),
            "1 attempt made, the vendor's limit"
        );
        assert_eq!(
            Decision::Retry {
                after: Duration::from_millis(1_500)
            }
            .to_string(),
            "retry after 1.5s"
        );
        assert_eq!(
            GiveUpReason::AfterAction("verify the domain").to_string(),
            "retry only after this is done: verify the domain"
        );
        assert_eq!(
            GiveUpReason::WaitTooLong {
                wait: Duration::from_secs(60),
                cap: Duration::from_secs(30)
            }
            .to_string(),
            "the server asks to wait 60s, more than the 30s cap"
        );
        assert!(
            GiveUpReason::NotRetryable
                .to_string()
                .contains("cannot help")
        );
        assert!(GiveUpReason::NotIdempotent.to_string().contains("not safe"));
    }

    #[test]
    fn jitter_samples_are_in_range_and_vary() {
        let samples: Vec<f64> = (0..1_000).map(|_| jitter_sample()).collect();
        assert!(samples.iter().all(|s| (0.0..1.0).contains(s)));
        let first = samples.first().copied().unwrap_or_default();
        assert!(samples.iter().any(|s| *s != first));
        let low = samples.iter().filter(|s| **s < 0.5).count();
        assert!((300..=700).contains(&low), "{low} of 1000 below 0.5");
    }
}
