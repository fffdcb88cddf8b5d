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
//! - **Waits** are `tokio::time::sleep`; the elapsed time for the client's deadline is
//!   measured on tokio's clock from the first attempt.

use std::future::Future;
use std::pin::Pin;

use http::Extensions;
use reqwest::ResponseBuilderExt;
use reqwest_middleware::{Middleware, Next};
use tokio::time::Instant;

use crate::{Budget, Decision, Limits, Request, Retrier, TransportFailure};

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
    pub fn with_jitter(self, jitter: fn() -> f64) -> RetryMiddleware {
        RetryMiddleware::new(self.retrier.with_jitter(jitter))
    }

    /// The decisions' settings.
    pub fn retrier(&self) -> &Retrier {
        &self.retrier
    }

    /// Sends `request` until the decision is to stop, and returns the last result.
    ///
    /// A success costs one clone of the request and nothing else: the clock is read only
    /// for a client deadline, and the error path (reading the body, deciding, waiting)
    /// is boxed, so the future every request carries stays small.
    async fn send(
        &self,
        request: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let started = self.retrier.limits().deadline().map(|_| Instant::now());
        let elapsed = || started.map(|s| s.elapsed()).unwrap_or_default();
        let mut attempt: u32 = 0;
        loop {
            let Some(this_attempt) = request.try_clone() else {
                // A streaming body: it can be sent once only.
                return next.run(request, extensions).await;
            };
            attempt = attempt.saturating_add(1);
            let (decision, result) = match next.clone().run(this_attempt, extensions).await {
                Ok(response) if response.status().as_u16() < 400 => {
                    self.retrier.after_success();
                    return Ok(response);
                }
                Ok(response) => {
                    let sent = self.request(&request);
                    Box::pin(self.decide(response, &sent, attempt, elapsed)).await
                }
                Err(error) => match failure_of(&error) {
                    Some(failure) => {
                        let sent = self.request(&request);
                        let decision =
                            self.retrier
                                .after_failure(failure, &sent, attempt, elapsed());
                        (decision, Err(error))
                    }
                    None => return Err(error),
                },
            };
            match decision.delay() {
                Some(wait) => Box::pin(tokio::time::sleep(wait)).await,
                None => return result,
            }
        }
    }

    /// What the decision needs to know of `request`: its method, and whether it carries
    /// the vendor's idempotency key as a header.
    fn request(&self, request: &reqwest::Request) -> Request {
        let policy = self.retrier.vendor().policy();
        Request::from_http_parts(request.method(), request.headers(), policy)
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
