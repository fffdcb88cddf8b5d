//! A `tower::retry::Policy` for `http::Request` / `http::Response` services that retries as the vendor's reference says (feature `tower`).
//!
//! ```
//! use errcat::tower_retry::RetryPolicy;
//! use errcat::{Budget, Limits, Vendor};
//! use tower::retry::RetryLayer;
//!
//! // One budget for every request to the vendor; the limits are the client's own.
//! let policy = RetryPolicy::new(Vendor::Pentify)
//!     .with_limits(Limits::new().with_deadline(std::time::Duration::from_secs(60)))
//!     .with_budget(Budget::new());
//! let layer: RetryLayer<RetryPolicy> = RetryLayer::new(policy);
//! # let _ = layer;
//! ```
//!
//! What the policy needs from the service:
//!
//! - **A request body that can be cloned** (`B: Clone`, such as `String`, `Bytes` or
//!   `http_body_util::Full<Bytes>`). Every attempt sends a clone of the original request.
//!   A streaming body cannot be replayed, so it is not accepted at all (the impl does not
//!   apply) rather than silently disabling retries, which is what tower does when
//!   `clone_request` returns `None`.
//! - **A response body already read** (`Rb: AsRef<[u8]>`, such as `Bytes`, `Vec<u8>` or
//!   `String`). tower hands the policy the response before anyone reads its body, and the
//!   vendor's code is in the body: a decision from the status alone would miss what
//!   the reference says per code. Put a layer that collects the body (for example
//!   `ServiceBuilder::and_then` with `http_body_util::BodyExt::collect`) between this
//!   policy's `RetryLayer` and the client, as the crate README shows.
//! - **Errors it can classify.** A failure without a response is a [`TransportFailure`]
//!   only when the policy recognises it: by default the error is a `tower::BoxError`
//!   and [`classify_error`] walks its sources for an `std::io::Error` of a known kind or
//!   a timer's `Elapsed`. Other clients' errors (hyper's "connection closed before
//!   message completed", for one) need [`RetryPolicy::with_error_classifier`]. An error
//!   that is not classified is returned without a retry: errcat does not repeat a
//!   request after a failure it cannot name.
//!
//! What it gives the caller:
//!
//! - **Idempotency per request**: a request marked with [`Idempotent`](crate::Idempotent)
//!   in its extensions, or carrying a header of the key's name, is repeated as a safe one.
//! - **The outcome**: the [`Report`] (attempts, each wait, the final decision) is in the
//!   returned response's extensions, and in a [`ReportSlot`] put in the request's extensions.
//! - **The deadline** (the client's, or errcat's default) is checked before every wait;
//!   a tower policy cannot cancel an attempt in flight, so bound each attempt with a
//!   `timeout` layer below the retry layer, as the crate README shows.
//!
//! tower clones the policy for every request: the clone counts that request's attempts
//! and measures its elapsed time from its first attempt (on tokio's clock, so a paused
//! clock in tests drives it), while the [`Budget`](crate::Budget) inside is shared by
//! every clone. Waits are `tokio::time::sleep`, so the future is `Send`.

use std::fmt;

use tokio::time::{Instant, Sleep};
use tower::BoxError;

pub use crate::runtime::classify::classify_error;
use crate::{
    Budget, Decision, GiveUpReason, Limits, Report, ReportSlot, Request, Retrier, TransportFailure,
};

/// A `tower::retry::Policy` that retries as the vendor's reference says, within the
/// client's limits and budget. See the [module documentation](self) for what it needs.
pub struct RetryPolicy<E = BoxError> {
    retrier: Retrier,
    classify: fn(&E) -> Option<TransportFailure>,
    attempt: u32,
    started: Option<Instant>,
    report: Report,
}

impl RetryPolicy<BoxError> {
    /// A policy for `retrier` (or a [`Vendor`](crate::Vendor)), for services whose error
    /// is a `tower::BoxError`, classified by [`classify_error`].
    pub fn new(retrier: impl Into<Retrier>) -> RetryPolicy<BoxError> {
        RetryPolicy {
            retrier: retrier.into(),
            classify: |error| classify_error(error.as_ref()),
            attempt: 0,
            started: None,
            report: Report::default(),
        }
    }
}

impl<E> RetryPolicy<E> {
    /// The same policy for a service whose error type is `F`, classified by `classify`.
    ///
    /// For an error type that implements `std::error::Error`, build on [`classify_error`]:
    /// `.with_error_classifier(|e: &MyError| errcat::tower_retry::classify_error(e))`.
    pub fn with_error_classifier<F>(
        self,
        classify: fn(&F) -> Option<TransportFailure>,
    ) -> RetryPolicy<F> {
        RetryPolicy {
            retrier: self.retrier,
            classify,
            attempt: self.attempt,
            started: self.started,
            report: self.report,
        }
    }

    /// Applies the client's own limits; see [`Retrier::with_limits`].
    pub fn with_limits(self, limits: Limits) -> RetryPolicy<E> {
        self.map(|r| r.with_limits(limits))
    }

    /// Draws every retry from `budget`; see [`Retrier::with_budget`].
    pub fn with_budget(self, budget: Budget) -> RetryPolicy<E> {
        self.map(|r| r.with_budget(budget))
    }

    /// Takes jitter samples from `jitter`; see [`Retrier::with_jitter`].
    pub fn with_jitter(self, jitter: impl Fn() -> f64 + Send + Sync + 'static) -> RetryPolicy<E> {
        RetryPolicy {
            retrier: self.retrier.with_jitter(jitter),
            ..self
        }
    }

    /// The decisions' settings.
    pub fn retrier(&self) -> &Retrier {
        &self.retrier
    }

    /// This policy with its retrier changed by `change`.
    fn map(self, change: impl FnOnce(Retrier) -> Retrier) -> RetryPolicy<E> {
        RetryPolicy {
            retrier: change(self.retrier),
            ..self
        }
    }
}

impl<E> RetryPolicy<E> {
    /// Records the decision that ends the call, and returns the [`Report`]: in the
    /// response's extensions, and in the request's [`ReportSlot`] if it has one.
    fn finish<B, Rb>(
        &mut self,
        request: &http::Request<B>,
        result: &mut Result<http::Response<Rb>, E>,
        decision: Decision,
    ) {
        self.report.decided(decision);
        if let Some(slot) = request.extensions().get::<ReportSlot>() {
            slot.fill(self.report.clone());
        }
        if let Ok(response) = result {
            response.extensions_mut().insert(self.report.clone());
        }
    }
}

impl<E> Clone for RetryPolicy<E> {
    fn clone(&self) -> Self {
        RetryPolicy {
            retrier: self.retrier.clone(),
            classify: self.classify,
            attempt: self.attempt,
            started: self.started,
            report: self.report.clone(),
        }
    }
}

impl<E> fmt::Debug for RetryPolicy<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("retrier", &self.retrier)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl<B, Rb, E> tower::retry::Policy<http::Request<B>, http::Response<Rb>, E> for RetryPolicy<E>
where
    B: Clone,
    Rb: AsRef<[u8]>,
{
    type Future = Sleep;

    fn retry(
        &mut self,
        request: &mut http::Request<B>,
        result: &mut Result<http::Response<Rb>, E>,
    ) -> Option<Sleep> {
        self.attempt = self.attempt.saturating_add(1);
        self.report.attempted();
        if let Ok(response) = result
            && response.status().as_u16() < 400
        {
            self.retrier.after_success();
            self.finish(
                request,
                result,
                Decision::GiveUp {
                    reason: GiveUpReason::NotAnError,
                },
            );
            return None;
        }
        let elapsed = self.started.map(|s| s.elapsed()).unwrap_or_default();
        let sent = Request::from_http(request, self.retrier.vendor().policy());
        let decision = match result {
            Ok(response) => self.retrier.after_response(
                response.status().as_u16(),
                response.headers(),
                response.body().as_ref(),
                &sent,
                self.attempt,
                elapsed,
            ),
            Err(error) => match (self.classify)(error) {
                Some(failure) => self
                    .retrier
                    .after_failure(failure, &sent, self.attempt, elapsed),
                None => {
                    if let Some(slot) = request.extensions().get::<ReportSlot>() {
                        slot.fill(self.report.clone());
                    }
                    return None;
                }
            },
        };
        match decision.delay() {
            Some(wait) => {
                self.report.decided(decision);
                Some(tokio::time::sleep(wait))
            }
            None => {
                self.finish(request, result, decision);
                None
            }
        }
    }

    fn clone_request(&mut self, request: &http::Request<B>) -> Option<http::Request<B>> {
        // tower calls this on the service's own policy just before the first attempt
        // (and then clones the policy for the request), and on the request's clone before
        // every retry: only the former has made no attempt yet.
        // The clock is read only for a client deadline, the one limit measured on it.
        if self.attempt == 0 && self.retrier.limits().deadline().is_some() {
            self.started = Some(Instant::now());
        }
        Some(request.clone())
    }
}
