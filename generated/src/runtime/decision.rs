//! The vendor-independent decision whether and when to retry a failed attempt: the
//! catalog's rule, the request, the vendor's policy, the one input of [`decide`] and the
//! decision it returns.

use std::fmt;
use std::time::Duration;

use super::backoff::{Backoff, jitter_sample};
use super::budget::Budget;
use super::limits::{Limit, Limits};
use super::outcome::Outcome;

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
    /// Wait until the vendor's rate limit resets (its `reset` header), falling back to
    /// backoff when the header is absent or unreadable.
    UntilReset,
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

    /// Returns why to give up, or `None` when the decision is to retry.
    pub fn reason(&self) -> Option<GiveUpReason> {
        match self {
            Decision::Retry { .. } => None,
            Decision::GiveUp { reason } => Some(*reason),
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

/// Why a failed attempt should not be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GiveUpReason {
    /// The response's status is below 400: it is not an error.
    NotAnError,
    /// The error's rule says retrying the same request cannot help.
    NotRetryable,
    /// The request can only succeed after the user has done this action.
    AfterAction(&'static str),
    /// The attempt limit has been reached.
    AttemptsExhausted {
        /// The number of attempts allowed, the first one included.
        max_attempts: u32,
        /// Whose limit it is: the vendor's reference, the client's [`Limits`], or errcat's default.
        limit: Limit,
    },
    /// The request is not safe to repeat, and the server may already have acted on it.
    NotIdempotent,
    /// The wait is longer than a cap allows.
    WaitTooLong {
        /// The wait: the server's requested delay for the vendor's cap, the chosen wait for the client's.
        wait: Duration,
        /// The longest wait allowed.
        cap: Duration,
        /// Whose cap it is: the vendor's reference, the client's [`Limits`], errcat's
        /// default or the platform's timer.
        limit: Limit,
    },
    /// Waiting would carry the retry past the overall deadline.
    DeadlineExceeded {
        /// The deadline, measured from the first attempt.
        deadline: Duration,
        /// Whose deadline it is: the client's [`Limits`], or errcat's default.
        limit: Limit,
    },
    /// The retry budget shared with other requests holds too few tokens.
    BudgetExhausted,
    /// The server said in the vendor's should-retry header not to retry.
    ServerDeclined,
}

impl GiveUpReason {
    /// Returns the stable snake_case id, e.g. `wait_too_long`.
    pub fn id(&self) -> &'static str {
        match self {
            GiveUpReason::NotAnError => "not_an_error",
            GiveUpReason::NotRetryable => "not_retryable",
            GiveUpReason::AfterAction(_) => "after_action",
            GiveUpReason::AttemptsExhausted { .. } => "attempts_exhausted",
            GiveUpReason::NotIdempotent => "not_idempotent",
            GiveUpReason::WaitTooLong { .. } => "wait_too_long",
            GiveUpReason::DeadlineExceeded { .. } => "deadline_exceeded",
            GiveUpReason::BudgetExhausted => "budget_exhausted",
            GiveUpReason::ServerDeclined => "server_declined",
        }
    }

    /// Returns whose limit was hit, for the reasons that come from a limit.
    pub fn limit(&self) -> Option<Limit> {
        match self {
            GiveUpReason::AttemptsExhausted { limit, .. }
            | GiveUpReason::WaitTooLong { limit, .. }
            | GiveUpReason::DeadlineExceeded { limit, .. } => Some(*limit),
            _ => None,
        }
    }
}

impl fmt::Display for GiveUpReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GiveUpReason::NotAnError => f.write_str("the response is not an error"),
            GiveUpReason::NotRetryable => f.write_str("retrying the same request cannot help"),
            GiveUpReason::AfterAction(action) => {
                write!(f, "retry only after this is done: {action}")
            }
            GiveUpReason::AttemptsExhausted {
                max_attempts: 1,
                limit,
            } => write!(f, "1 attempt made, {limit}"),
            GiveUpReason::AttemptsExhausted {
                max_attempts,
                limit,
            } => write!(f, "{max_attempts} attempts made, {limit}"),
            GiveUpReason::NotIdempotent => {
                f.write_str("the request is not safe to repeat and the server may have acted on it")
            }
            GiveUpReason::WaitTooLong { wait, cap, limit } => {
                write!(
                    f,
                    "a wait of {wait:?} is more than the {cap:?} cap, {limit}"
                )
            }
            GiveUpReason::DeadlineExceeded { deadline, limit } => {
                write!(f, "the call would pass the {deadline:?} deadline, {limit}")
            }
            GiveUpReason::BudgetExhausted => f.write_str("the retry budget is used up"),
            GiveUpReason::ServerDeclined => f.write_str("the server said not to retry"),
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
    /// The longest server-requested wait the vendor's reference says to honour; `None`
    /// when it gives no cap, and the server's wait is honoured as given.
    pub max_server_delay: Option<Duration>,
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

/// Everything [`decide`] looks at about one failed attempt.
///
/// Built from the vendor's policy, how the attempt ended and the request; the rest has
/// defaults: first attempt, no client limits, no budget, nothing elapsed and a fresh
/// [`jitter_sample`]. Time and randomness are inputs, so a decision can be replayed.
///
/// ```
/// use std::time::Duration;
/// use errcat::{Attempt, Decision, Limits, Outcome, Request, TransportFailure, decide};
///
/// let policy = errcat::pentify::POLICY;
/// let request = Request::new("GET");
/// let limits = Limits::new().with_deadline(Duration::from_secs(10));
/// let timeout = Outcome::Transport(TransportFailure::Timeout);
/// let input = Attempt::new(&policy, timeout, &request)
///     .with_attempt(2)
///     .with_limits(&limits)
///     .with_elapsed(Duration::from_secs(3))
///     .with_jitter(0.5);
/// assert_eq!(decide(&input), Decision::Retry { after: Duration::from_secs(2) });
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    policy: &'a Policy,
    outcome: Outcome,
    request: &'a Request,
    attempt: u32,
    limits: Option<&'a Limits>,
    budget: Option<&'a Budget>,
    elapsed: Duration,
    jitter: f64,
}

impl<'a> Attempt<'a> {
    /// Describes the first attempt of `request`, which ended in `outcome`, under `policy`.
    pub fn new(policy: &'a Policy, outcome: Outcome, request: &'a Request) -> Attempt<'a> {
        Attempt {
            policy,
            outcome,
            request,
            attempt: 1,
            limits: None,
            budget: None,
            elapsed: Duration::ZERO,
            jitter: jitter_sample(),
        }
    }

    /// Sets the number of attempts made so far, the failed one included (0 counts as 1).
    pub fn with_attempt(self, attempt: u32) -> Attempt<'a> {
        Attempt {
            attempt: attempt.max(1),
            ..self
        }
    }

    /// Applies the client's own limits.
    pub fn with_limits(self, limits: &'a Limits) -> Attempt<'a> {
        Attempt {
            limits: Some(limits),
            ..self
        }
    }

    /// Draws a retry from `budget`: a decision to retry withdraws its cost, or gives up
    /// with [`GiveUpReason::BudgetExhausted`] when the budget holds too little.
    pub fn with_budget(self, budget: &'a Budget) -> Attempt<'a> {
        Attempt {
            budget: Some(budget),
            ..self
        }
    }

    /// Sets the time since the first attempt was sent (used with a client deadline).
    pub fn with_elapsed(self, elapsed: Duration) -> Attempt<'a> {
        Attempt { elapsed, ..self }
    }

    /// Sets the jitter sample, in `[0, 1)` (clamped; NaN counts as 0).
    pub fn with_jitter(self, jitter: f64) -> Attempt<'a> {
        Attempt { jitter, ..self }
    }

    /// Returns the vendor's policy.
    pub fn policy(&self) -> &'a Policy {
        self.policy
    }

    /// Returns how the attempt ended.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Returns the request.
    pub fn request(&self) -> &'a Request {
        self.request
    }

    /// Returns the number of attempts made so far, at least 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Returns the client's limits; none set when it gave none.
    pub fn limits(&self) -> Limits {
        self.limits.copied().unwrap_or_default()
    }

    /// Returns the time since the first attempt.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Returns the jitter sample.
    pub fn jitter(&self) -> f64 {
        self.jitter
    }
}

/// The longest single wait under `limits`: the client's, or errcat's default raised to the
/// reference's own caps (on the backoff and on the server's delay) where they are longer,
/// so that a documented number is never replaced by a default.
fn max_wait(policy: &Policy, limits: &Limits) -> Option<(Duration, Limit)> {
    match limits.max_wait()? {
        (cap, Limit::Default) => {
            let reference = [policy.backoff.max(), policy.max_server_delay];
            Some((
                reference.into_iter().flatten().fold(cap, Duration::max),
                Limit::Default,
            ))
        }
        client => Some(client),
    }
}

/// Decides whether and when to retry after a failed attempt.
///
/// The first check that applies wins:
///
/// 1. A response below 400 is not an error: give up ([`GiveUpReason::NotAnError`]).
/// 2. The vendor's should-retry header, when the response has one, overrides the rule:
///    `false` gives up ([`GiveUpReason::ServerDeclined`]); `true` makes the response
///    retryable whatever its rule, method or status. A rule that retries keeps its own
///    delay (`RetryAfter` and `UntilReset` honour the server's wait); any other rule,
///    and every rule of a code the catalog does not know, becomes `Backoff`.
/// 3. A `Never` rule gives up, an `After` rule gives up naming the action. A transport
///    failure is treated as a `Backoff` rule without a server delay.
/// 4. The attempt limit is the smaller of the vendor's documented `max_attempts` and the
///    client's, whichever exist; with neither, errcat's default
///    ([`Limits::DEFAULT_MAX_ATTEMPTS`]) unless the client removed it. Reaching it gives
///    up, saying whose limit it was (the vendor's on a tie).
/// 5. A 5xx status or an `Idempotent` rule (unless the vendor declares the code safe for
///    any method, or the server said to retry), or a timeout or reset after the request
///    was sent, needs a request that is safe to repeat ([`Policy::is_safe`]); otherwise
///    give up. A connect failure was never sent and is always safe.
/// 6. The wait is the vendor's backoff for this attempt; with a server delay, a
///    `RetryAfter` or `UntilReset` rule waits exactly that long and the other rules at
///    least that long. A code's minimum delay raises the wait to at least that.
/// 7. A server delay above the vendor's documented `max_server_delay` gives up; then a
///    wait above the client's `max_wait` (or errcat's default, raised to the reference's
///    caps where they are longer) gives up; then a wait above [`Limits::TIMER_MAX`].
/// 8. A wait that would pass the deadline (the client's or errcat's default) gives up.
/// 9. Otherwise retry after the wait; with a budget, only when it pays for the retry.
///
/// Nothing is unbounded by default: where neither the reference nor the client limits a
/// sequence, [`Limits`]' documented defaults do, and the give-up names [`Limit::Default`].
pub fn decide(input: &Attempt<'_>) -> Decision {
    let give_up = |reason| Decision::GiveUp { reason };
    let policy = input.policy;
    let limits = input.limits();
    let (rule, server_delay, min_delay, needs_safe) = match input.outcome {
        Outcome::Response { status, .. } if status < 400 => {
            return give_up(GiveUpReason::NotAnError);
        }
        Outcome::Response {
            should_retry: Some(false),
            ..
        } => return give_up(GiveUpReason::ServerDeclined),
        Outcome::Response {
            should_retry: Some(true),
            rule,
            retry_after,
            min_delay,
            known_code,
            ..
        } => {
            let rule = match rule {
                Retry::RetryAfter | Retry::UntilReset | Retry::Backoff if known_code => rule,
                _ => Retry::Backoff,
            };
            (rule, retry_after, min_delay, false)
        }
        Outcome::Response {
            rule: Retry::Never, ..
        } => return give_up(GiveUpReason::NotRetryable),
        Outcome::Response {
            rule: Retry::After(action),
            ..
        } => return give_up(GiveUpReason::AfterAction(action)),
        Outcome::Response {
            status,
            rule,
            any_method,
            retry_after,
            min_delay,
            ..
        } => (
            rule,
            retry_after,
            min_delay,
            !any_method && ((500..=599).contains(&status) || rule == Retry::Idempotent),
        ),
        Outcome::Transport(failure) => (Retry::Backoff, None, None, failure.was_sent()),
    };
    // The reference's attempt limit is never replaced by the default; a client's applies
    // when lower, and the default only where the reference gives none.
    let attempt_limit = match (policy.backoff.max_attempts(), limits.max_attempts()) {
        (Some(reference), Some((client, Limit::Client))) if client < reference => {
            Some((client, Limit::Client))
        }
        (Some(reference), _) => Some((reference, Limit::Reference)),
        (None, limit) => limit,
    };
    if let Some((max_attempts, limit)) = attempt_limit
        && input.attempt >= max_attempts
    {
        return give_up(GiveUpReason::AttemptsExhausted {
            max_attempts,
            limit,
        });
    }
    if needs_safe && !policy.is_safe(input.request) {
        return give_up(GiveUpReason::NotIdempotent);
    }
    let backoff = policy.backoff.delay(input.attempt, input.jitter);
    let wait = match server_delay {
        Some(delay) if matches!(rule, Retry::RetryAfter | Retry::UntilReset) => delay,
        Some(delay) => delay.max(backoff),
        None => backoff,
    };
    let wait = min_delay.map_or(wait, |min| wait.max(min));
    if let (Some(delay), Some(cap)) = (server_delay, policy.max_server_delay)
        && delay > cap
    {
        return give_up(GiveUpReason::WaitTooLong {
            wait: delay,
            cap,
            limit: Limit::Reference,
        });
    }
    if let Some((cap, limit)) = max_wait(policy, &limits)
        && wait > cap
    {
        return give_up(GiveUpReason::WaitTooLong { wait, cap, limit });
    }
    if wait > Limits::TIMER_MAX {
        return give_up(GiveUpReason::WaitTooLong {
            wait,
            cap: Limits::TIMER_MAX,
            limit: Limit::Platform,
        });
    }
    if let Some((deadline, limit)) = limits.deadline()
        && input.elapsed.saturating_add(wait) > deadline
    {
        return give_up(GiveUpReason::DeadlineExceeded { deadline, limit });
    }
    if let Some(budget) = input.budget
        && !budget.try_withdraw(&input.outcome)
    {
        return give_up(GiveUpReason::BudgetExhausted);
    }
    Decision::Retry { after: wait }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Jitter, TransportFailure};

    /// Pentify's documented numbers: 1 s doubling, ±25%, capped at 30 s, 5 attempts.
    const POLICY: Policy = Policy {
        backoff: Backoff::new(
            Duration::from_secs(1),
            2.0,
            Some(Duration::from_secs(30)),
            Jitter::Proportional(0.25),
            Some(5),
        ),
        delay_header: Some("Retry-After"),
        safe_methods: &["GET", "delete"],
        idempotency_key: Some("idempotency_key"),
        max_server_delay: Some(Duration::from_secs(30)),
    };

    /// A vendor whose reference gives no numbers at all (VantaPrism, Inkog).
    const SILENT: Policy = Policy {
        backoff: Backoff::new(Duration::from_secs(1), 2.0, None, Jitter::None, None),
        delay_header: Some("Retry-After"),
        safe_methods: &["GET", "HEAD", "OPTIONS", "PUT", "DELETE"],
        idempotency_key: None,
        max_server_delay: None,
    };

    fn secs(seconds: u64) -> Duration {
        Duration::from_secs(seconds)
    }

    fn response(status: u16, rule: Retry, retry_after: Option<u64>) -> Outcome {
        Outcome::Response {
            status,
            rule,
            any_method: false,
            retry_after: retry_after.map(secs),
            min_delay: None,
            should_retry: None,
            known_code: true,
        }
    }

    fn run(rule: Retry, status: u16, attempt: u32, method: &str, header: Option<u64>) -> Decision {
        let request = Request::new(method);
        let outcome = response(status, rule, header);
        decide(
            &Attempt::new(&POLICY, outcome, &request)
                .with_attempt(attempt)
                .with_jitter(0.5),
        )
    }

    fn give_up(reason: GiveUpReason) -> Decision {
        Decision::GiveUp { reason }
    }

    fn retry(after: Duration) -> Decision {
        Decision::Retry { after }
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

    #[test]
    fn a_status_below_400_is_never_an_error() {
        for status in [100, 200, 204, 301, 304, 399] {
            for rule in [Retry::Backoff, Retry::RetryAfter, Retry::Never] {
                assert_eq!(
                    run(rule, status, 1, "POST", Some(5)),
                    give_up(GiveUpReason::NotAnError),
                    "{status} {rule:?}"
                );
            }
        }
        assert!(run(Retry::Backoff, 400, 1, "GET", None).is_retry());
    }

    #[test]
    fn never_gives_up_before_anything_else() {
        assert_eq!(
            run(Retry::Never, 400, 1, "GET", None),
            give_up(GiveUpReason::NotRetryable)
        );
        assert_eq!(
            run(Retry::Never, 500, 99, "POST", Some(1)),
            give_up(GiveUpReason::NotRetryable)
        );
    }

    #[test]
    fn after_action_gives_up_with_the_action() {
        assert_eq!(
            run(Retry::After("rotate the API key"), 401, 1, "GET", None),
            give_up(GiveUpReason::AfterAction("rotate the API key"))
        );
    }

    #[test]
    fn the_reference_attempt_limit_is_enforced() {
        let exhausted = give_up(GiveUpReason::AttemptsExhausted {
            max_attempts: 5,
            limit: Limit::Reference,
        });
        assert_eq!(run(Retry::Backoff, 429, 5, "GET", None), exhausted);
        assert_eq!(run(Retry::RetryAfter, 429, 6, "GET", Some(1)), exhausted);
        assert_eq!(
            run(Retry::Idempotent, 503, u32::MAX, "POST", None),
            exhausted
        );
        assert!(run(Retry::Backoff, 429, 4, "GET", None).is_retry());
    }

    #[test]
    fn the_smaller_attempt_limit_wins_and_the_reference_wins_ties() {
        let request = Request::new("GET");
        let outcome = response(503, Retry::Backoff, None);
        let at = |attempt, limits: &Limits| {
            decide(
                &Attempt::new(&POLICY, outcome, &request)
                    .with_attempt(attempt)
                    .with_limits(limits)
                    .with_jitter(0.5),
            )
        };
        let two = Limits::new().with_max_attempts(2);
        assert_eq!(
            at(2, &two),
            give_up(GiveUpReason::AttemptsExhausted {
                max_attempts: 2,
                limit: Limit::Client
            })
        );
        assert!(at(1, &two).is_retry());
        let tie = Limits::new().with_max_attempts(5);
        assert_eq!(
            at(5, &tie).reason().and_then(|r| r.limit()),
            Some(Limit::Reference)
        );
        let more = Limits::new().with_max_attempts(50);
        assert_eq!(
            at(5, &more),
            give_up(GiveUpReason::AttemptsExhausted {
                max_attempts: 5,
                limit: Limit::Reference
            })
        );
    }

    #[test]
    fn without_a_reference_limit_the_default_bounds_attempts() {
        let request = Request::new("GET");
        let outcome = response(503, Retry::Backoff, None);
        let input = Attempt::new(&SILENT, outcome, &request).with_jitter(0.5);
        assert_eq!(decide(&input.with_attempt(2)), retry(secs(2)));
        assert_eq!(
            decide(&input.with_attempt(3)),
            give_up(GiveUpReason::AttemptsExhausted {
                max_attempts: 3,
                limit: Limit::Default
            })
        );
        // A client's number replaces the default, higher or lower.
        let more = Limits::new().with_max_attempts(20);
        assert_eq!(
            decide(&input.with_attempt(6).with_limits(&more)),
            retry(secs(32))
        );
        let fewer = Limits::new().with_max_attempts(2);
        assert_eq!(
            decide(&input.with_attempt(2).with_limits(&fewer)),
            give_up(GiveUpReason::AttemptsExhausted {
                max_attempts: 2,
                limit: Limit::Client
            })
        );
        // Removed, the sequence is bounded by the wait: the default longest wait (60 s) at
        // attempt 7 (64 s), the platform's timer (2^31 - 1 ms) with every limit removed.
        let unlimited = Limits::new().without_max_attempts();
        assert_eq!(
            decide(&input.with_attempt(7).with_limits(&unlimited)),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(64),
                cap: secs(60),
                limit: Limit::Default
            })
        );
        let none = Limits::none();
        assert_eq!(
            decide(&input.with_attempt(21).with_limits(&none)),
            retry(secs(1 << 20))
        );
        assert_eq!(
            decide(&input.with_attempt(1_000).with_limits(&none)),
            give_up(GiveUpReason::WaitTooLong {
                wait: Duration::from_nanos(u64::MAX),
                cap: Limits::TIMER_MAX,
                limit: Limit::Platform
            })
        );
    }

    #[test]
    fn a_reference_number_is_never_replaced_by_a_default() {
        // Pentify's 5 attempts, not the default 3.
        assert_eq!(run(Retry::Backoff, 429, 4, "GET", None), retry(secs(8)));
        // A reference whose caps are above the default longest wait keeps them.
        let patient = Policy {
            max_server_delay: Some(secs(90)),
            ..POLICY
        };
        let get = Request::new("GET");
        let outcome = response(429, Retry::RetryAfter, Some(90));
        assert_eq!(
            decide(&Attempt::new(&patient, outcome, &get)),
            retry(secs(90))
        );
        // A client's own cap is the client's, even below the reference's.
        let limits = Limits::new().with_max_wait(secs(80));
        assert_eq!(
            decide(&Attempt::new(&patient, outcome, &get).with_limits(&limits)),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(90),
                cap: secs(80),
                limit: Limit::Client
            })
        );
    }

    #[test]
    fn server_errors_need_a_safe_request() {
        let not_idempotent = give_up(GiveUpReason::NotIdempotent);
        assert_eq!(run(Retry::Backoff, 500, 1, "POST", None), not_idempotent);
        assert_eq!(
            run(Retry::RetryAfter, 599, 1, "PATCH", Some(2)),
            not_idempotent
        );
        assert!(run(Retry::Backoff, 500, 1, "GET", None).is_retry());
        assert!(run(Retry::Backoff, 499, 1, "POST", None).is_retry());
        assert!(run(Retry::Backoff, 600, 1, "POST", None).is_retry());
        let keyed = Request::new("POST").with_idempotency_key();
        let outcome = response(502, Retry::Backoff, None);
        assert!(decide(&Attempt::new(&POLICY, outcome, &keyed)).is_retry());
    }

    #[test]
    fn a_code_declared_safe_for_any_method_is_retried_after_a_post() {
        // VantaPrism INTERNAL_ERROR: "500: Safe to retry with exponential backoff".
        let post = Request::new("POST");
        let declared = Outcome::Response {
            status: 500,
            rule: Retry::Backoff,
            any_method: true,
            retry_after: None,
            min_delay: None,
            should_retry: None,
            known_code: true,
        };
        let input = Attempt::new(&SILENT, declared, &post).with_jitter(0.5);
        assert_eq!(decide(&input), retry(secs(1)));
        assert_eq!(decide(&input.with_attempt(2)), retry(secs(2)));
        let undeclared = response(500, Retry::Backoff, None);
        assert_eq!(
            decide(&Attempt::new(&SILENT, undeclared, &post)),
            give_up(GiveUpReason::NotIdempotent)
        );
        let idempotent_rule = Outcome::Response {
            status: 409,
            rule: Retry::Idempotent,
            any_method: true,
            retry_after: None,
            min_delay: None,
            should_retry: None,
            known_code: true,
        };
        assert!(decide(&Attempt::new(&SILENT, idempotent_rule, &post)).is_retry());
    }

    #[test]
    fn idempotent_rule_needs_a_safe_request_at_any_status() {
        assert_eq!(
            run(Retry::Idempotent, 409, 1, "POST", None),
            give_up(GiveUpReason::NotIdempotent)
        );
        assert_eq!(
            run(Retry::Idempotent, 409, 2, "DELETE", None),
            retry(secs(2))
        );
    }

    #[test]
    fn transport_failures_back_off_and_need_safety_once_sent() {
        let post = Request::new("POST");
        let get = Request::new("GET");
        let decision = |failure, request: &Request, attempt| {
            decide(
                &Attempt::new(&POLICY, Outcome::Transport(failure), request)
                    .with_attempt(attempt)
                    .with_jitter(0.5),
            )
        };
        assert_eq!(
            decision(TransportFailure::Connect, &post, 1),
            retry(secs(1))
        );
        assert_eq!(
            decision(TransportFailure::Connect, &post, 3),
            retry(secs(4))
        );
        for sent in [TransportFailure::Timeout, TransportFailure::Reset] {
            assert_eq!(
                decision(sent, &post, 1),
                give_up(GiveUpReason::NotIdempotent)
            );
            assert_eq!(decision(sent, &get, 2), retry(secs(2)));
            assert!(decision(sent, &post.clone().with_idempotency_key(), 1).is_retry());
            assert_eq!(
                decision(sent, &get, 5),
                give_up(GiveUpReason::AttemptsExhausted {
                    max_attempts: 5,
                    limit: Limit::Reference
                })
            );
        }
    }

    #[test]
    fn retry_after_honours_the_header_within_the_reference_cap() {
        assert_eq!(
            run(Retry::RetryAfter, 429, 1, "POST", Some(7)),
            retry(secs(7))
        );
        assert_eq!(
            run(Retry::RetryAfter, 429, 1, "POST", Some(30)),
            retry(secs(30))
        );
        assert_eq!(
            run(Retry::RetryAfter, 429, 1, "POST", Some(31)),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(31),
                cap: secs(30),
                limit: Limit::Reference
            })
        );
    }

    #[test]
    fn without_a_reference_cap_the_default_longest_wait_applies() {
        // VantaPrism 429 "Retry after Retry-After seconds" with 45 s; Inkog's 60 s.
        let get = Request::new("GET");
        for wait in [45, 60] {
            let outcome = response(429, Retry::RetryAfter, Some(wait));
            assert_eq!(
                decide(&Attempt::new(&SILENT, outcome, &get)),
                retry(secs(wait))
            );
        }
        // A 30-day Retry-After is a give-up, not a sleep; removed, the platform's timer
        // (24.8 days) still refuses it; a client that accepts it says so.
        let month = response(429, Retry::RetryAfter, Some(2_592_000));
        assert_eq!(
            decide(&Attempt::new(&SILENT, month, &get)),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(2_592_000),
                cap: secs(60),
                limit: Limit::Default
            })
        );
        let none = Limits::none();
        assert_eq!(
            decide(&Attempt::new(&SILENT, month, &get).with_limits(&none))
                .reason()
                .and_then(|r| r.limit()),
            Some(Limit::Platform)
        );
        let hour = response(429, Retry::RetryAfter, Some(3_600));
        assert_eq!(
            decide(&Attempt::new(&SILENT, hour, &get).with_limits(&none)),
            retry(secs(3_600))
        );
    }

    #[test]
    fn the_client_max_wait_caps_the_chosen_wait() {
        let get = Request::new("GET");
        let limits = Limits::new().with_max_wait(secs(40)).without_max_attempts();
        let at = |outcome, attempt| {
            decide(
                &Attempt::new(&SILENT, outcome, &get)
                    .with_limits(&limits)
                    .with_attempt(attempt)
                    .with_jitter(0.5),
            )
        };
        assert_eq!(
            at(response(429, Retry::RetryAfter, Some(45)), 1),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(45),
                cap: secs(40),
                limit: Limit::Client
            })
        );
        assert_eq!(
            at(response(429, Retry::RetryAfter, Some(40)), 1),
            retry(secs(40))
        );
        // The backoff itself (64 s at attempt 7) is over the client's limit.
        assert_eq!(
            at(response(503, Retry::Backoff, None), 7),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(64),
                cap: secs(40),
                limit: Limit::Client
            })
        );
    }

    #[test]
    fn the_reference_cap_is_checked_before_the_client_cap() {
        let get = Request::new("GET");
        let limits = Limits::new().with_max_wait(secs(10));
        let outcome = response(429, Retry::RetryAfter, Some(31));
        let decision = decide(&Attempt::new(&POLICY, outcome, &get).with_limits(&limits));
        assert_eq!(
            decision.reason().and_then(|r| r.limit()),
            Some(Limit::Reference)
        );
    }

    #[test]
    fn the_deadline_counts_the_elapsed_time_and_the_wait() {
        let get = Request::new("GET");
        let limits = Limits::new().with_deadline(secs(60));
        let outcome = response(429, Retry::RetryAfter, Some(45));
        let input = Attempt::new(&SILENT, outcome, &get).with_limits(&limits);
        assert_eq!(decide(&input.with_elapsed(secs(15))), retry(secs(45)));
        let exceeded = give_up(GiveUpReason::DeadlineExceeded {
            deadline: secs(60),
            limit: Limit::Client,
        });
        assert_eq!(decide(&input.with_elapsed(secs(16))), exceeded);
        assert_eq!(decide(&input.with_elapsed(Duration::MAX)), exceeded);
        // Without one of the client's, the default deadline of 5 minutes.
        let default = Attempt::new(&SILENT, outcome, &get);
        assert_eq!(decide(&default.with_elapsed(secs(255))), retry(secs(45)));
        assert_eq!(
            decide(&default.with_elapsed(secs(256))),
            give_up(GiveUpReason::DeadlineExceeded {
                deadline: secs(300),
                limit: Limit::Default
            })
        );
    }

    #[test]
    fn retry_after_falls_back_to_backoff() {
        assert_eq!(run(Retry::RetryAfter, 429, 3, "POST", None), retry(secs(4)));
    }

    #[test]
    fn backoff_waits_at_least_the_header_and_uses_attempt_as_retry_number() {
        assert_eq!(
            run(Retry::Backoff, 429, 2, "POST", Some(20)),
            retry(secs(20))
        );
        assert_eq!(run(Retry::Backoff, 429, 3, "POST", Some(1)), retry(secs(4)));
        assert_eq!(
            run(Retry::Backoff, 503, 0, "GET", Some(99)),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(99),
                cap: secs(30),
                limit: Limit::Reference
            })
        );
        let get = Request::new("GET");
        let outcome = response(429, Retry::Backoff, None);
        let jittered = decide(&Attempt::new(&POLICY, outcome, &get).with_jitter(0.0));
        assert_eq!(jittered.delay(), Some(Duration::from_millis(750)));
    }

    /// A response with the server's should-retry word, a minimum delay and whether the code is known.
    fn said(
        status: u16,
        rule: Retry,
        retry_after: Option<u64>,
        should_retry: Option<bool>,
        known_code: bool,
    ) -> Outcome {
        Outcome::Response {
            status,
            rule,
            any_method: false,
            retry_after: retry_after.map(secs),
            min_delay: None,
            should_retry,
            known_code,
        }
    }

    fn at(outcome: Outcome, method: &str) -> Decision {
        let request = Request::new(method);
        decide(&Attempt::new(&POLICY, outcome, &request).with_jitter(0.5))
    }

    #[test]
    fn until_reset_waits_the_reset_exactly_and_backs_off_without_one() {
        assert_eq!(
            at(said(403, Retry::UntilReset, Some(17), None, true), "GET"),
            retry(secs(17))
        );
        // Shorter than the backoff of attempt 1 (1 s): still the reset, not the backoff.
        assert_eq!(
            at(said(403, Retry::UntilReset, Some(0), None, true), "GET"),
            retry(Duration::ZERO)
        );
        assert_eq!(
            at(said(403, Retry::UntilReset, None, None, true), "GET"),
            retry(secs(1))
        );
        // A server-requested wait: the reference's 30 s cap applies.
        assert_eq!(
            at(said(403, Retry::UntilReset, Some(31), None, true), "GET"),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(31),
                cap: secs(30),
                limit: Limit::Reference
            })
        );
    }

    #[test]
    fn a_minimum_delay_raises_the_wait_and_the_client_cap_still_applies() {
        let get = Request::new("GET");
        let slow = Outcome::Response {
            status: 429,
            rule: Retry::RetryAfter,
            any_method: false,
            retry_after: Some(secs(7)),
            min_delay: Some(secs(60)),
            should_retry: None,
            known_code: true,
        };
        assert_eq!(decide(&Attempt::new(&SILENT, slow, &get)), retry(secs(60)));
        let longer = Outcome::Response {
            status: 429,
            rule: Retry::RetryAfter,
            any_method: false,
            retry_after: Some(secs(90)),
            min_delay: Some(secs(60)),
            should_retry: None,
            known_code: true,
        };
        // A longer server delay is honoured once the client lifts the default longest wait.
        let lifted = Limits::new().without_max_wait();
        assert_eq!(
            decide(&Attempt::new(&SILENT, longer, &get).with_limits(&lifted)),
            retry(secs(90))
        );
        assert_eq!(
            decide(&Attempt::new(&SILENT, longer, &get)),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(90),
                cap: secs(60),
                limit: Limit::Default
            })
        );
        let limits = Limits::new().with_max_wait(secs(30));
        assert_eq!(
            decide(&Attempt::new(&SILENT, slow, &get).with_limits(&limits)),
            give_up(GiveUpReason::WaitTooLong {
                wait: secs(60),
                cap: secs(30),
                limit: Limit::Client
            })
        );
    }

    #[test]
    fn the_server_saying_false_declines_whatever_the_rule() {
        for rule in [
            Retry::Backoff,
            Retry::RetryAfter,
            Retry::Never,
            Retry::Idempotent,
        ] {
            assert_eq!(
                at(said(500, rule, Some(1), Some(false), true), "GET"),
                give_up(GiveUpReason::ServerDeclined),
                "{rule:?}"
            );
        }
        // Below 400 it is not an error at all.
        assert_eq!(
            at(said(302, Retry::Backoff, None, Some(false), true), "GET"),
            give_up(GiveUpReason::NotAnError)
        );
        assert_eq!(GiveUpReason::ServerDeclined.id(), "server_declined");
        assert_eq!(GiveUpReason::ServerDeclined.limit(), None);
    }

    #[test]
    fn the_server_saying_true_retries_any_rule_method_and_status() {
        // Never, After and an unsafe POST on a 5xx all become backoff.
        assert_eq!(
            at(said(402, Retry::Never, None, Some(true), true), "POST"),
            retry(secs(1))
        );
        assert_eq!(
            at(
                said(401, Retry::After("rotate the key"), None, Some(true), true),
                "POST"
            ),
            retry(secs(1))
        );
        assert_eq!(
            at(said(503, Retry::Idempotent, None, Some(true), true), "POST"),
            retry(secs(1))
        );
        // A rule that retries keeps its own delay: RetryAfter waits the header exactly.
        assert_eq!(
            at(
                said(429, Retry::RetryAfter, Some(0), Some(true), true),
                "POST"
            ),
            retry(Duration::ZERO)
        );
        // An unknown code's rule from its status becomes backoff: at least the backoff.
        assert_eq!(
            at(
                said(429, Retry::RetryAfter, Some(0), Some(true), false),
                "POST"
            ),
            retry(secs(1))
        );
        // Limits still apply.
        let request = Request::new("POST");
        let outcome = said(500, Retry::Never, None, Some(true), true);
        assert_eq!(
            decide(&Attempt::new(&POLICY, outcome, &request).with_attempt(5)),
            give_up(GiveUpReason::AttemptsExhausted {
                max_attempts: 5,
                limit: Limit::Reference
            })
        );
    }

    #[test]
    fn a_budget_pays_for_retries_and_nothing_else() {
        let get = Request::new("GET");
        let budget = Budget::new().with_capacity(15);
        let timeout = Outcome::Transport(TransportFailure::Timeout);
        let input = Attempt::new(&POLICY, timeout, &get)
            .with_budget(&budget)
            .with_jitter(0.5);
        assert!(decide(&input).is_retry());
        assert_eq!(budget.available(), 5);
        assert_eq!(decide(&input), give_up(GiveUpReason::BudgetExhausted));
        assert_eq!(budget.available(), 5);
        let error = response(503, Retry::Backoff, None);
        let input = Attempt::new(&POLICY, error, &get).with_budget(&budget);
        assert!(decide(&input).is_retry());
        assert_eq!(budget.available(), 0);
        let never = response(400, Retry::Never, None);
        budget.deposit_success();
        assert_eq!(
            decide(&Attempt::new(&POLICY, never, &get).with_budget(&budget)),
            give_up(GiveUpReason::NotRetryable)
        );
        assert_eq!(budget.available(), 1, "a give-up withdraws nothing");
    }

    #[test]
    fn attempt_getters_and_defaults() {
        let get = Request::new("GET");
        let outcome = response(503, Retry::Backoff, None);
        let input = Attempt::new(&POLICY, outcome, &get).with_attempt(0);
        assert_eq!(input.attempt(), 1);
        assert_eq!(input.limits(), Limits::new());
        assert_eq!(input.elapsed(), Duration::ZERO);
        assert!((0.0..1.0).contains(&input.jitter()));
        assert_eq!(input.outcome(), outcome);
        assert_eq!(input.request().method(), "GET");
        assert_eq!(input.policy().delay_header, Some("Retry-After"));
    }

    #[test]
    fn decision_accessors() {
        let after = Duration::from_millis(1_500);
        assert!(retry(after).is_retry());
        assert_eq!(retry(after).delay(), Some(after));
        assert_eq!(retry(after).reason(), None);
        let unsafe_request = give_up(GiveUpReason::NotIdempotent);
        assert!(!unsafe_request.is_retry());
        assert_eq!(unsafe_request.delay(), None);
        assert_eq!(unsafe_request.reason(), Some(GiveUpReason::NotIdempotent));
    }

    #[test]
    fn reason_ids_are_stable() {
        let reasons = [
            GiveUpReason::NotAnError,
            GiveUpReason::NotRetryable,
            GiveUpReason::AfterAction("x"),
            GiveUpReason::AttemptsExhausted {
                max_attempts: 1,
                limit: Limit::Client,
            },
            GiveUpReason::NotIdempotent,
            GiveUpReason::WaitTooLong {
                wait: secs(2),
                cap: secs(1),
                limit: Limit::Client,
            },
            GiveUpReason::DeadlineExceeded {
                deadline: secs(1),
                limit: Limit::Default,
            },
            GiveUpReason::BudgetExhausted,
        ];
        let ids: Vec<_> = reasons.iter().map(GiveUpReason::id).collect();
        assert_eq!(
            ids,
            [
                "not_an_error",
                "not_retryable",
                "after_action",
                "attempts_exhausted",
                "not_idempotent",
                "wait_too_long",
                "deadline_exceeded",
                "budget_exhausted"
            ]
        );
        let limits: Vec<_> = reasons.iter().map(GiveUpReason::limit).collect();
        assert_eq!(
            limits,
            [
                None,
                None,
                None,
                Some(Limit::Client),
                None,
                Some(Limit::Client),
                Some(Limit::Default),
                None
            ]
        );
    }

    #[test]
    fn display_is_one_short_sentence() {
        let exhausted = give_up(GiveUpReason::AttemptsExhausted {
            max_attempts: 5,
            limit: Limit::Reference,
        });
        assert_eq!(
            exhausted.to_string(),
            "give up: 5 attempts made, the vendor's limit"
        );
        assert_eq!(
            GiveUpReason::AttemptsExhausted {
                max_attempts: 1,
                limit: Limit::Client
            }
            .to_string(),
            "1 attempt made, the client's limit"
        );
        assert_eq!(
            retry(Duration::from_millis(1_500)).to_string(),
            "retry after 1.5s"
        );
        assert_eq!(
            GiveUpReason::AfterAction("verify the domain").to_string(),
            "retry only after this is done: verify the domain"
        );
        assert_eq!(
            GiveUpReason::WaitTooLong {
                wait: secs(60),
                cap: secs(30),
                limit: Limit::Reference
            }
            .to_string(),
            "a wait of 60s is more than the 30s cap, the vendor's limit"
        );
        assert_eq!(
            GiveUpReason::DeadlineExceeded {
                deadline: secs(90),
                limit: Limit::Client
            }
            .to_string(),
            "the call would pass the 90s deadline, the client's limit"
        );
        assert_eq!(
            GiveUpReason::NotAnError.to_string(),
            "the response is not an error"
        );
        assert!(GiveUpReason::BudgetExhausted.to_string().contains("budget"));
        assert!(GiveUpReason::NotIdempotent.to_string().contains("not safe"));
    }
}
