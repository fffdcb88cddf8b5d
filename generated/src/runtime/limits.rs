//! The client's own retry limits, errcat's defaults for them, and which limit a give-up hit.

use std::fmt;
use std::time::Duration;

/// Whose limit made a client give up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// A number the vendor's reference gives (its attempt limit, its cap on server-requested waits).
    Reference,
    /// A number the client set in its [`Limits`].
    Client,
    /// errcat's default, applied where neither the reference nor the client gave a number
    /// (see [`Limits`]).
    Default,
    /// The longest wait a timer holds on every platform errcat runs on, 2^31 − 1 ms (about
    /// 24.8 days, JavaScript's `setTimeout` limit); no setting lifts it.
    Platform,
}

impl Limit {
    /// Returns the stable id: `reference`, `client`, `default` or `platform`.
    pub fn id(self) -> &'static str {
        match self {
            Limit::Reference => "reference",
            Limit::Client => "client",
            Limit::Default => "default",
            Limit::Platform => "platform",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::Reference => "the vendor's limit",
            Limit::Client => "the client's limit",
            Limit::Default => "errcat's default limit",
            Limit::Platform => "the platform timer's limit",
        })
    }
}

/// One limit: errcat's default, a number the client set, or removed by the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Setting<T> {
    Default,
    Set(T),
    Removed,
}

impl<T: Copy> Setting<T> {
    fn resolve(self, default: T) -> Option<(T, Limit)> {
        match self {
            Setting::Default => Some((default, Limit::Default)),
            Setting::Set(value) => Some((value, Limit::Client)),
            Setting::Removed => None,
        }
    }
}

/// Limits a client sets for itself, on top of what the vendor's reference says.
///
/// Nothing is unbounded by default. Where neither the reference nor the client gives a
/// number, errcat's default applies, and a give-up it causes names [`Limit::Default`]:
///
/// | limit | default | applies |
/// |---|---|---|
/// | most attempts, the first included | [`Limits::DEFAULT_MAX_ATTEMPTS`] (3, as AWS's standard mode) | only when the reference gives no attempt limit: a documented limit is never replaced |
/// | longest single wait | [`Limits::DEFAULT_MAX_WAIT`] (60 s), raised to the reference's cap on waits where that is longer | to every wait, the server's `Retry-After` included: a longer one is a give-up, not a sleep |
/// | overall deadline from the first attempt | [`Limits::DEFAULT_DEADLINE`] (5 min) | to the whole call, attempts included, in the adapters |
///
/// Each can be raised or lowered (`with_*`) or removed (`without_*`); [`Limits::none`]
/// removes all three, leaving the reference's numbers, a [`Budget`](crate::Budget) where
/// one is used, and the platform's timer ([`Limits::TIMER_MAX`]), which no setting lifts.
///
/// ```
/// use std::time::Duration;
/// use errcat::{Limit, Limits};
///
/// let limits = Limits::new()
///     .with_max_attempts(4)
///     .with_max_wait(Duration::from_secs(60))
///     .without_deadline();
/// assert_eq!(limits.max_attempts(), Some((4, Limit::Client)));
/// assert_eq!(limits.deadline(), None);
/// assert_eq!(
///     Limits::default().deadline(),
///     Some((Duration::from_secs(300), Limit::Default))
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    max_attempts: Setting<u32>,
    max_wait: Setting<Duration>,
    deadline: Setting<Duration>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::new()
    }
}

impl Limits {
    /// Attempts in all, the first included, where neither the reference nor the client
    /// gives a number: 3, as the AWS SDKs' standard mode.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
    /// The longest single wait where the client gives none: 60 s, so that every wait the
    /// references describe (Inkog's 60 s and VantaPrism's 45 s `Retry-After`) still applies.
    pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60);
    /// The overall time from the first attempt where the client gives none: 5 minutes.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);
    /// The longest wait any errcat runtime hands out or sleeps: 2^31 − 1 ms, what
    /// JavaScript's timers hold. No setting lifts it.
    pub const TIMER_MAX: Duration = Duration::from_millis(2_147_483_647);

    /// Returns errcat's defaults for every limit.
    pub const fn new() -> Limits {
        Limits {
            max_attempts: Setting::Default,
            max_wait: Setting::Default,
            deadline: Setting::Default,
        }
    }

    /// Returns limits with every one removed: only the reference's numbers (and the
    /// platform's timer) bound retries.
    pub const fn none() -> Limits {
        Limits {
            max_attempts: Setting::Removed,
            max_wait: Setting::Removed,
            deadline: Setting::Removed,
        }
    }

    /// Sets the most attempts in all, the first one included (0 counts as 1). The
    /// reference's attempt limit still applies when it is lower.
    pub const fn with_max_attempts(self, max_attempts: u32) -> Limits {
        Limits {
            max_attempts: Setting::Set(if max_attempts == 0 { 1 } else { max_attempts }),
            ..self
        }
    }

    /// Removes the attempt limit: only the reference's (if any) applies.
    pub const fn without_max_attempts(self) -> Limits {
        Limits {
            max_attempts: Setting::Removed,
            ..self
        }
    }

    /// Sets the longest single wait the client accepts before a retry.
    pub const fn with_max_wait(self, max_wait: Duration) -> Limits {
        Limits {
            max_wait: Setting::Set(max_wait),
            ..self
        }
    }

    /// Removes the longest single wait: the reference's cap and the platform's timer remain.
    pub const fn without_max_wait(self) -> Limits {
        Limits {
            max_wait: Setting::Removed,
            ..self
        }
    }

    /// Sets the longest time from the first attempt until the whole call ends: waits
    /// that would pass it give up, and the adapters cancel an attempt that would run past it.
    pub const fn with_deadline(self, deadline: Duration) -> Limits {
        Limits {
            deadline: Setting::Set(deadline),
            ..self
        }
    }

    /// Removes the overall deadline.
    pub const fn without_deadline(self) -> Limits {
        Limits {
            deadline: Setting::Removed,
            ..self
        }
    }

    /// Returns the most attempts these limits allow and whose number it is (the client's
    /// or the default), or `None` when removed. The default applies only where the
    /// reference gives no limit; [`decide`](crate::decide) combines the two.
    pub fn max_attempts(&self) -> Option<(u32, Limit)> {
        self.max_attempts.resolve(Limits::DEFAULT_MAX_ATTEMPTS)
    }

    /// Returns the longest single wait and whose number it is, or `None` when removed.
    pub fn max_wait(&self) -> Option<(Duration, Limit)> {
        self.max_wait.resolve(Limits::DEFAULT_MAX_WAIT)
    }

    /// Returns the overall deadline, measured from the first attempt, and whose number it
    /// is, or `None` when removed.
    pub fn deadline(&self) -> Option<(Duration, Limit)> {
        self.deadline.resolve(Limits::DEFAULT_DEADLINE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_errcat_s_defaults() {
        assert_eq!(Limits::default(), Limits::new());
        assert_eq!(Limits::new().max_attempts(), Some((3, Limit::Default)));
        assert_eq!(
            Limits::new().max_wait(),
            Some((Duration::from_secs(60), Limit::Default))
        );
        assert_eq!(
            Limits::new().deadline(),
            Some((Duration::from_secs(300), Limit::Default))
        );
    }

    #[test]
    fn setters_set_or_remove_one_limit_each() {
        let limits = Limits::new()
            .with_max_wait(Duration::from_secs(9))
            .with_max_attempts(2);
        assert_eq!(limits.max_attempts(), Some((2, Limit::Client)));
        assert_eq!(
            limits.max_wait(),
            Some((Duration::from_secs(9), Limit::Client))
        );
        assert_eq!(limits.deadline().map(|(_, l)| l), Some(Limit::Default));
        assert_eq!(
            Limits::new().with_max_attempts(0).max_attempts(),
            Some((1, Limit::Client))
        );
        let none = Limits::none();
        assert_eq!(
            (none.max_attempts(), none.max_wait(), none.deadline()),
            (None, None, None)
        );
        let removed = Limits::new()
            .without_max_attempts()
            .without_max_wait()
            .without_deadline();
        assert_eq!(removed, none);
        // A removed limit can be set again.
        assert_eq!(
            none.with_deadline(Duration::from_secs(1)).deadline(),
            Some((Duration::from_secs(1), Limit::Client))
        );
    }

    #[test]
    fn limit_ids() {
        assert_eq!(Limit::Reference.id(), "reference");
        assert_eq!(Limit::Client.id(), "client");
        assert_eq!(Limit::Default.id(), "default");
        assert_eq!(Limit::Platform.id(), "platform");
        assert_eq!(Limit::Client.to_string(), "the client's limit");
        assert_eq!(Limit::Default.to_string(), "errcat's default limit");
        assert_eq!(Limits::TIMER_MAX.as_millis(), (1u128 << 31) - 1);
    }
}
