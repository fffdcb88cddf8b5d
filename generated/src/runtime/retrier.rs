//! One client's retry decisions for one vendor: the vendor's policy, the client's limits, a shared budget and a jitter source, in one value the adapters share.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::runtime::trace;
use crate::{
    Attempt, Budget, Decision, GiveUpReason, Headers, Limits, Outcome, Request, TransportFailure,
    Vendor, decide, jitter_sample,
};

/// What a client needs to decide every retry against one vendor.
///
/// It holds the vendor (whose [`Policy`](crate::Policy) comes from its reference), the
/// client's own [`Limits`] (errcat's documented defaults unless set), an optional
/// [`Budget`] shared by every clone, and the source of jitter samples ([`jitter_sample`]
/// by default; any closure, such as a seeded generator). The tower
/// policy and the reqwest middleware are each a `Retrier` plus the glue their framework
/// needs; a hand-written retry loop can call [`Retrier::after_response`] and
/// [`Retrier::after_failure`] itself.
///
/// ```
/// use std::time::Duration;
/// use errcat::{Budget, Limits, Request, Retrier, Vendor};
///
/// let retrier = Retrier::new(Vendor::Pentify)
///     .with_limits(Limits::new().with_max_attempts(3))
///     .with_budget(Budget::new())
///     .with_jitter(|| 0.5);
/// let body = br#"{"error":{"code":"rate_limited","message":"Slow down"}}"#;
/// let get = Request::new("GET");
/// let decision =
///     retrier.after_response(429, &[("Retry-After", "2")], body, &get, 1, Duration::ZERO);
/// assert_eq!(decision.delay(), Some(Duration::from_secs(2)));
/// // The client's limit of three attempts ends it after the third.
/// let decision =
///     retrier.after_response(429, &[("Retry-After", "2")], body, &get, 3, Duration::ZERO);
/// assert!(!decision.is_retry());
/// ```
#[derive(Clone)]
pub struct Retrier {
    vendor: Vendor,
    limits: Limits,
    budget: Option<Budget>,
    jitter: Arc<dyn Fn() -> f64 + Send + Sync>,
}

impl fmt::Debug for Retrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Retrier")
            .field("vendor", &self.vendor)
            .field("limits", &self.limits)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl Retrier {
    /// Decides as `vendor`'s reference says, within errcat's default [`Limits`], with no
    /// budget and random jitter.
    pub fn new(vendor: Vendor) -> Retrier {
        Retrier {
            vendor,
            limits: Limits::new(),
            budget: None,
            jitter: Arc::new(jitter_sample),
        }
    }

    /// Applies the client's own limits (most attempts, longest wait, overall deadline);
    /// what `limits` leaves at its default keeps errcat's default.
    pub fn with_limits(self, limits: Limits) -> Retrier {
        Retrier { limits, ..self }
    }

    /// Draws every retry from `budget`; clones of the budget share one bucket, so pass
    /// clones of one budget to every client of the vendor.
    pub fn with_budget(self, budget: Budget) -> Retrier {
        Retrier {
            budget: Some(budget),
            ..self
        }
    }

    /// Takes jitter samples in `[0, 1)` from `jitter` instead of [`jitter_sample`], for
    /// example a constant or a seeded generator to make waits reproducible in tests.
    pub fn with_jitter(self, jitter: impl Fn() -> f64 + Send + Sync + 'static) -> Retrier {
        Retrier {
            jitter: Arc::new(jitter),
            ..self
        }
    }

    /// The vendor whose reference the decisions follow.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// The client's limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The budget retries are drawn from, if any.
    pub fn budget(&self) -> Option<&Budget> {
        self.budget.as_ref()
    }

    /// Decides after attempt number `attempt` (1 for the first) of `request` got a response.
    ///
    /// A status below 400 is no error: the decision is `GiveUp(NotAnError)`, the body is
    /// not read and the budget is credited with a success. Otherwise the response is
    /// parsed as the vendor's error and decided on; `elapsed` is the time since the first
    /// attempt was sent, used only against the deadline.
    pub fn after_response<H: Headers + ?Sized>(
        &self,
        status: u16,
        headers: &H,
        body: &[u8],
        request: &Request,
        attempt: u32,
        elapsed: Duration,
    ) -> Decision {
        if status < 400 {
            self.after_success();
            return Decision::GiveUp {
                reason: GiveUpReason::NotAnError,
            };
        }
        let error = crate::parse(self.vendor, status, headers, body);
        let decision = self.decide(error.outcome(), request, attempt, elapsed);
        trace::response(self.vendor, &error, attempt, &decision);
        decision
    }

    /// Records a response below 400: the budget, if any, is credited with a success.
    ///
    /// [`Retrier::after_response`] does this itself; an adapter that sees the status
    /// first calls it instead, without building a [`Request`] or reading the body.
    pub fn after_success(&self) {
        if let Some(budget) = &self.budget {
            budget.deposit_success();
        }
    }

    /// Decides after attempt number `attempt` of `request` got no response.
    pub fn after_failure(
        &self,
        failure: TransportFailure,
        request: &Request,
        attempt: u32,
        elapsed: Duration,
    ) -> Decision {
        let decision = self.decide(Outcome::Transport(failure), request, attempt, elapsed);
        trace::failure(self.vendor, failure, attempt, &decision);
        decision
    }

    /// [`decide`] under this client's limits and budget.
    fn decide(
        &self,
        outcome: Outcome,
        request: &Request,
        attempt: u32,
        elapsed: Duration,
    ) -> Decision {
        let input = Attempt::new(self.vendor.policy(), outcome, request)
            .with_attempt(attempt)
            .with_limits(&self.limits)
            .with_elapsed(elapsed)
            .with_jitter((self.jitter)());
        match &self.budget {
            Some(budget) => decide(&input.with_budget(budget)),
            None => decide(&input),
        }
    }
}

impl From<Vendor> for Retrier {
    fn from(vendor: Vendor) -> Retrier {
        Retrier::new(vendor)
    }
}
