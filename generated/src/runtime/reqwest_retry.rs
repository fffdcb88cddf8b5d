//! A `reqwest_middleware::Middleware` that retries as the vendor's reference says (feature `reqwest`).
//!
//! ```
//! use errcat::reqwest_retry::RetryMiddleware;
//! use errcat::{Budget, Limits, Vendor};
//!
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(
//!         RetryMiddleware::new(Vendor::Vantaprism)
//!             .with_limits(Limits::new().with_max_attempts(4))
//!             .with_budget(Budget::new()),
//!     )
//!     .build();
//! # let _ = client;
//! ```
//!
//! How it works, and what follows from it:
//!
//! - **Only replayable requests are retried.** The request is cloned with
//!   `reqwest::Request::try_clone` before every attempt; a streaming body cannot be
//!   cloned, so such a request is sent once, as if there were no middleware.
//! - **Error bodies are read.** For a status of 400 or more the middleware reads the
//!   body to find the vendor's code, then hands back a response rebuilt from the same
//!   status, version, headers, extensions, URL and bytes, so the caller reads it as
//!   usual. Success responses pass through untouched and unread.
//! - **Failures without a response** are named from `reqwest::Error`: a connect error
//!   is `Connect` (never sent, so safe to repeat whatever the method), a timeout is
//!   `Timeout`, and any other error while sending the request or reading an error
//!   body (a reset or closed connection, an incomplete message) is `Reset`. Errors that
//!   are not about the transfer (building the request, redirects, decoding) and errors
//!   of other middleware are returned at once.
//! - **Idempotency per request.** A request carries the vendor's idempotency key when it
//!   is marked with [`Idempotent`] (`RequestBuilder::with_extension(errcat::Idempotent)`,
//!   for a key in the body or the query) or sends a header of the key's name.
//! - **The deadline bounds the whole call.** The deadline (the client's, or errcat's
//!   default of 5 minutes) is measured on tokio's clock from the first attempt; an
//!   attempt still running when it passes is cancelled and the call ends with a
//!   [`DeadlineExceeded`] error, and a wait that would pass it is not begun.
//! - **The outcome is returned.** The [`Report`] (attempts, each wait, the final
//!   decision) is in the returned response's extensions, and in a [`ReportSlot`] put in
//!   the request's extensions (`with_extension(slot.clone())`), which also serves when
//!   the call ends in an error.
//! - **Waits** are `tokio::time::sleep`. With tokio's paused clock in tests, a client
//!   timeout (reqwest's own) fires as soon as the runtime is idle, before a loopback
//!   response arrives: test with the clock running, or without client timeouts.

use std::future::Future;
use std::pin::Pin;

use http::Extensions;
use reqwest::ResponseBuilderExt;
use reqwest_middleware::{Middleware, Next};
use tokio::time::Instant;

use crate::{
    Budget, Decision, GiveUpReason, Idempotent, Limits, Report, ReportSlot, Request, Retrier,
    TransportFailure,
};

/// A `reqwest_middleware::Middleware` that retries as the vendor's reference says, within
/// the client's limits and budget. See the [module documentation](self).
#[derive(Clone, Debug)]
pub struct RetryMiddleware {
    retrier: Retrier,
}

impl RetryMiddleware {
    /// A middleware for `retrier` (or a [`Vendor`](crate::Vendor)).
    pub fn new(retrier: impl Into<Retrier>) -> RetryMiddleware {
        RetryMiddleware {
            retrier: retrier.into(),
        }
    }

    /// Applies the client's own limits; see [`Retrier::with_limits`].
    pub fn with_limits(self, limits: Limits) -> RetryMiddleware {
        RetryMiddleware::new(self.retrier.with_limits(limits))
    }

    /// Draws every retry from `budget`; see [`Retrier::with_budget`].
    pub fn with_budget(self, budget: Budget) -> RetryMiddleware {
        RetryMiddleware::new(self.retrier.with_budget(budget))
    }

    /// Takes jitter samples from `jitter`; see [`Retrier::with_jitter`].
    pub fn with_jitter(self, jitter: impl Fn() -> f64 + Send + Sync + 'static) -> RetryMiddleware {
        RetryMiddleware::new(self.retrier.with_jitter(jitter))
    }

    /// The decisions' settings.
    pub fn retrier(&self) -> &Retrier {
        &self.retrier
    }

    /// Sends `request` until the decision is to stop, and returns the last result with
    /// its [`Report`] (in the response's extensions, and in a [`ReportSlot`] the caller
    /// put in the middleware extensions).
    ///
    /// A success costs one clone of the request, a timer for the deadline and the report;
    /// the error path (reading the body, deciding, waiting) is boxed, so the future every
    /// request carries stays small.
    async fn send(
        &self,
        request: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let started = Instant::now();
        let elapsed = || started.elapsed();
        let keyed = extensions.get::<Idempotent>().is_some();
        let slot = extensions.get::<ReportSlot>().cloned();
        let deadline = self.retrier.limits().deadline();
        let mut report = Report::default();
        let mut result = loop {
            report.attempted();
            let Some(this_attempt) = request.try_clone() else {
                // A streaming body: it can be sent once only.
                break within(
                    deadline,
                    elapsed(),
                    next.run(request, extensions),
                    &mut report,
                )
                .await;
            };
            let run = next.clone().run(this_attempt, extensions);
            let (decision, result) = match within(deadline, elapsed(), run, &mut report).await {
                Ok(response) if response.status().as_u16() < 400 => {
                    self.retrier.after_success();
                    report.decided(Decision::GiveUp {
                        reason: GiveUpReason::NotAnError,
                    });
                    break Ok(response);
                }
                Ok(response) => {
                    let sent = self.request(&request, keyed);
                    Box::pin(self.decide(response, &sent, report.attempts(), elapsed)).await
                }
                Err(error) => match failure_of(&error) {
                    Some(failure) => {
                        let sent = self.request(&request, keyed);
                        let decision = self.retrier.after_failure(
                            failure,
                            &sent,
                            report.attempts(),
                            elapsed(),
                        );
                        (decision, Err(error))
                    }
                    None => break Err(error),
                },
            };
            report.decided(decision);
            match decision.delay() {
                Some(wait) => Box::pin(tokio::time::sleep(wait)).await,
                None => break result,
            }
        };
        if let Ok(response) = &mut result {
            response.extensions_mut().insert(report.clone());
        }
        if let Some(slot) = slot {
            slot.fill(report);
        }
        result
    }

    /// What the decision needs to know of `request`: its method, and whether it carries
    /// the vendor's idempotency key, marked with [`Idempotent`] or as a header.
    fn request(&self, request: &reqwest::Request, keyed: bool) -> Request {
        let policy = self.retrier.vendor().policy();
        let sent = Request::from_http_parts(request.method(), request.headers(), policy);
        if keyed {
            sent.with_idempotency_key()
        } else {
            sent
        }
    }

    /// Decides after an error response, reading its body and handing back the response rebuilt.
    async fn decide(
        &self,
        mut response: reqwest::Response,
        sent: &Request,
        attempt: u32,
        elapsed: impl Fn() -> std::time::Duration,
    ) -> (Decision, reqwest_middleware::Result<reqwest::Response>) {
        let status = response.status();
        let version = response.version();
        let url = response.url().clone();
        let headers = std::mem::take(response.headers_mut());
        let extensions = std::mem::take(response.extensions_mut());
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) => {
                // The error body did not arrive whole: an incomplete response, or a timeout.
                let failure = if error.is_timeout() {
                    TransportFailure::Timeout
                } else {
                    TransportFailure::Reset
                };
                let decision = self
                    .retrier
                    .after_failure(failure, sent, attempt, elapsed());
                return (decision, Err(error.into()));
            }
        };
        let decision =
            self.retrier
                .after_response(status.as_u16(), &headers, &body, sent, attempt, elapsed());
        let mut rebuilt = http::Response::builder()
            .status(status)
            .version(version)
            .url(url)
            .body(body)
            .unwrap_or_default();
        *rebuilt.headers_mut() = headers;
        rebuilt.extensions_mut().extend(extensions);
        (decision, Ok(reqwest::Response::from(rebuilt)))
    }
}

/// The error of an attempt the middleware cancelled because it would have run past the
/// deadline; the [`Report`]'s decision is then `GiveUp(DeadlineExceeded)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadlineExceeded {
    /// The deadline, measured from the first attempt.
    pub deadline: std::time::Duration,
}

impl std::fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the attempt was cancelled at the {:?} deadline",
            self.deadline
        )
    }
}

impl std::error::Error for DeadlineExceeded {}

/// Runs one attempt, cancelled (dropped, closing its connection) when it would run past
/// the deadline; the cancellation is recorded in `report`.
async fn within(
    deadline: Option<(std::time::Duration, crate::Limit)>,
    elapsed: std::time::Duration,
    attempt: impl Future<Output = reqwest_middleware::Result<reqwest::Response>>,
    report: &mut Report,
) -> reqwest_middleware::Result<reqwest::Response> {
    let Some((deadline, limit)) = deadline else {
        return attempt.await;
    };
    match tokio::time::timeout(deadline.saturating_sub(elapsed), attempt).await {
        Ok(result) => result,
        Err(_) => {
            report.decided(Decision::GiveUp {
                reason: GiveUpReason::DeadlineExceeded { deadline, limit },
            });
            Err(reqwest_middleware::Error::middleware(DeadlineExceeded {
                deadline,
            }))
        }
    }
}

/// The failure without a response behind a client error, if it is one.
fn failure_of(error: &reqwest_middleware::Error) -> Option<TransportFailure> {
    let reqwest_middleware::Error::Reqwest(error) = error else {
        return None;
    };
    if error.is_connect() {
        Some(TransportFailure::Connect)
    } else if error.is_timeout() {
        Some(TransportFailure::Timeout)
    } else if error.is_request() || error.is_body() {
        Some(crate::runtime::classify::classify_error(error).unwrap_or(TransportFailure::Reset))
    } else {
        None
    }
}

impl Middleware for RetryMiddleware {
    // The signature `#[async_trait]` gives `Middleware::handle`, written out.
    fn handle<'life0, 'life1, 'life2, 'async_trait>(
        &'life0 self,
        request: reqwest::Request,
        extensions: &'life1 mut Extensions,
        next: Next<'life2>,
    ) -> Pin<
        Box<
            dyn Future<Output = reqwest_middleware::Result<reqwest::Response>>
                + Send
                + 'async_trait,
        >,
    >
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(self.send(request, extensions, next))
    }
}
