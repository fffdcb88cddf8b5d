//! The client's own retry limits, and which limit a give-up hit.

use std::fmt;
use std::time::Duration;

/// Whose limit made a client give up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// A number the vendor's reference gives (its attempt limit, its cap on server-requested waits).
    Reference,
    /// A number the client set in its [`Limits`].
    Client,
}

impl Limit {
    /// Returns the stable id: `reference` or `client`.
    pub fn id(self) -> &'static str {
        match self {
            Limit::Reference => "reference",
            Limit::Client => "client",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::Reference => "the vendor's limit",
            Limit::Client => "the client's limit",
        })
    }
}

/// Limits a client sets for itself, on top of what the vendor's reference says.
///
/// None is set by default: without them only the vendor's documented numbers (and a
/// [`Budget`](crate::Budget), where one is used) stop retries. Set them per client or per
/// call:
///
/// ```
/// use std::time::Duration;
///
/// let limits = errcat::Limits::new()
///     .with_max_attempts(4)
///     .with_max_wait(Duration::from_secs(60))
///     .with_deadline(Duration::from_secs(120));
/// assert_eq!(limits.max_attempts(), Some(4));
/// assert_eq!(errcat::Limits::default().deadline(), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Limits {
    max_attempts: Option<u32>,
    max_wait: Option<Duration>,
    deadline: Option<Duration>,
}

impl Limits {
    /// Returns limits with nothing set.
    pub const fn new() -> Limits {
        Limits {
            max_attempts: None,
            max_wait: None,
            deadline: None,
        }
    }

    /// Sets the most attempts in all, the first one included (0 counts as 1).
    pub const fn with_max_attempts(self, max_attempts: u32) -> Limits {
        Limits {
            max_attempts: Some(if max_attempts == 0 { 1 } else { max_attempts }),
            ..self
        }
    }

    /// Sets the longest single wait the client accepts before a retry.
    pub const fn with_max_wait(self, max_wait: Duration) -> Limits {
        Limits {
            max_wait: Some(max_wait),
            ..self
        }
    }

    /// Sets the longest time from the first attempt until the last retry is sent.
    pub const fn with_deadline(self, deadline: Duration) -> Limits {
        Limits {
            deadline: Some(deadline),
            ..self
        }
    }

    /// Returns the most attempts the client allows, if it set a number.
    pub const fn max_attempts(&self) -> Option<u32> {
        self.max_attempts
    }

    /// Returns the longest single wait the client accepts, if it set one.
    pub const fn max_wait(&self) -> Option<Duration> {
        self.max_wait
    }

    /// Returns the client's overall deadline, measured from the first attempt, if it set one.
    pub const fn deadline(&self) -> Option<Duration> {
        self.deadline
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_sets_nothing() {
        assert_eq!(Limits::default(), Limits::new());
        assert_eq!(Limits::new().max_attempts(), None);
        assert_eq!(Limits::new().max_wait(), None);
        assert_eq!(Limits::new().deadline(), None);
    }

    #[test]
    fn setters_set_one_limit_each() {
        let limits = Limits::new()
            .with_max_wait(Duration::from_secs(9))
            .with_max_attempts(2);
        assert_eq!(limits.max_attempts(), Some(2));
        assert_eq!(limits.max_wait(), Some(Duration::from_secs(9)));
        assert_eq!(limits.deadline(), None);
        assert_eq!(Limits::new().with_max_attempts(0).max_attempts(), Some(1));
    }

    #[test]
    fn limit_ids() {
        assert_eq!(Limit::Reference.id(), "reference");
        assert_eq!(Limit::Client.id(), "client");
        assert_eq!(Limit::Client.to_string(), "the client's limit");
    }
}
