//! Exponential backoff schedules with jitter, and the jitter samples that drive them.

use std::hash::{BuildHasher, RandomState};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How a backoff delay is randomised so that many clients do not retry in lockstep.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Jitter {
    /// The delay is used as computed.
    None,
    /// The delay is scaled by a random factor within plus or minus this fraction (0.25 means ±25%).
    Proportional(f64),
    /// A random duration between zero and this value is added to the delay.
    Additive(Duration),
    /// The delay is a uniform draw from zero up to the capped delay ("full jitter", as the AWS SDKs do).
    Full,
}

/// A vendor's exponential backoff schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    initial: Duration,
    multiplier: f64,
    max: Option<Duration>,
    jitter: Jitter,
    max_attempts: Option<u32>,
}

impl Backoff {
    /// Creates a schedule starting at `initial`, growing by `multiplier` per retry, never above `max`.
    ///
    /// `max` is `None` when the vendor's reference sets no cap on a single delay.
    /// `max_attempts` counts every attempt, the first one included; `None` when the
    /// reference gives no attempt limit.
    pub const fn new(
        initial: Duration,
        multiplier: f64,
        max: Option<Duration>,
        jitter: Jitter,
        max_attempts: Option<u32>,
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

    /// Returns the number of attempts the vendor allows in all, the first one included.
    ///
    /// `None` means the vendor's reference gives no attempt limit.
    pub const fn max_attempts(&self) -> Option<u32> {
        self.max_attempts
    }

    /// Returns the delay before retry number `retry`, given a jitter sample in `[0, 1)`.
    ///
    /// `retry` counts from 1 for the first retry; 0 is treated as 1. The sample is clamped
    /// into `[0, 1]` and NaN counts as 0, so the result is deterministic for a given sample.
    /// The base delay is `initial * multiplier^(retry - 1)`; jitter is then applied and the
    /// result is capped at `max` when there is one. Full jitter is the sample times the
    /// capped base delay. Delays that do not fit saturate at about
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
            Jitter::Full => {
                let capped = match self.max {
                    Some(cap) => nanos_to_duration(base_nanos).min(cap),
                    None => nanos_to_duration(base_nanos),
                };
                nanos_to_duration(nanos_f64(capped) * sample)
            }
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
        Some(5),
    );

    const DEFENDIS: Backoff = Backoff::new(
        Duration::from_millis(500),
        2.0,
        Some(Duration::from_secs(30)),
        Jitter::Additive(Duration::from_millis(250)),
        None,
    );

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
        assert_eq!(PENTIFY.max_attempts(), Some(5));
        assert_eq!(DEFENDIS.max_attempts(), None);
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
    fn full_jitter_scales_the_capped_delay_by_the_sample() {
        // AWS-like: 1 s doubling, 20 s cap, full jitter.
        let full = Backoff::new(
            Duration::from_secs(1),
            2.0,
            Some(Duration::from_secs(20)),
            Jitter::Full,
            Some(3),
        );
        assert_eq!(full.delay(1, 0.0), Duration::ZERO);
        assert_eq!(full.delay(1, 0.5), Duration::from_millis(500));
        assert_eq!(full.delay(3, 0.25), Duration::from_secs(1));
        // 2^9 s is capped at 20 s before the sample applies: half of the cap, not of 512 s.
        assert_eq!(full.delay(10, 0.5), Duration::from_secs(10));
        assert!(full.delay(u32::MAX, 0.999_999) < Duration::from_secs(20));
        let uncapped = Backoff::new(Duration::from_secs(1), 2.0, None, Jitter::Full, None);
        assert_eq!(uncapped.delay(4, 0.5), Duration::from_secs(4));
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
        let backoff = Backoff::new(Duration::from_secs(1), 10.0, None, Jitter::None, Some(3));
        let huge = backoff.delay(u32::MAX, 0.5);
        assert_eq!(huge, Duration::from_nanos(u64::MAX));
        assert_eq!(backoff.delay(3, 0.5), Duration::from_secs(100));
        let additive = Backoff::new(
            Duration::MAX,
            f64::INFINITY,
            None,
            Jitter::Additive(Duration::MAX),
            None,
        );
        assert_eq!(
            additive.delay(u32::MAX, 1.0),
            Duration::from_nanos(u64::MAX).saturating_mul(2)
        );
    }

    #[test]
    fn degenerate_parameters_do_not_panic() {
        let zero = Backoff::new(Duration::ZERO, f64::INFINITY, None, Jitter::None, Some(3));
        assert_eq!(zero.delay(50, 0.5), Duration::ZERO);
        let nan = Backoff::new(
            Duration::from_secs(2),
            f64::NAN,
            None,
            Jitter::Proportional(f64::NAN),
            Some(3),
        );
        assert_eq!(nan.delay(9, 0.0), Duration::from_secs(2));
        let negative = Backoff::new(
            Duration::from_secs(2),
            -4.0,
            None,
            Jitter::Proportional(5.0),
            Some(3),
        );
        assert_eq!(negative.delay(3, 0.0), Duration::ZERO);
        assert_eq!(negative.delay(3, 1.0), Duration::from_secs(4));
        let shrinking = Backoff::new(Duration::from_secs(8), 0.5, None, Jitter::None, Some(3));
        assert_eq!(shrinking.delay(3, 0.5), Duration::from_secs(2));
    }

    #[test]
    fn non_binary_fractions_round_to_the_nanosecond() {
        let backoff = Backoff::new(Duration::from_millis(100), 3.0, None, Jitter::None, None);
        assert_eq!(backoff.delay(2, 0.0), Duration::from_millis(300));
        assert_eq!(backoff.delay(3, 0.0), Duration::from_millis(900));
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
