//! The vendor-independent decision whether and when to retry a failed request: rule, request, decision, policy.

use std::fmt;
use std::time::Duration;

use super::backoff::Backoff;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Jitter;

    const PENTIFY: Backoff = Backoff::new(
        Duration::from_secs(1),
        2.0,
        Some(Duration::from_secs(30)),
        Jitter::Proportional(0.25),
        5,
    );

    const POLICY: Policy = Policy {
        backoff: PENTIFY,
        delay_header: Some("Retry-After"),
        safe_methods: &["GET", "delete"],
        idempotency_key: Some("idempotency_key"),
    };

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
}
