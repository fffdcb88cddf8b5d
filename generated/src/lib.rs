//! Typed API error codes, retry rules and response parsing for every vendor in the errcat catalog.
//!
//! Each vendor has a module (`errcat::pentify`, `errcat::cert_ix`, ...) with
//! an `ErrorCode` enum, the vendor's `BACKOFF` policy and an `Error` parsed
//! from an HTTP response. [`parse`] handles any vendor's response alike.
//!
//! ```
//! let body = br#"{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_1"}}"#;
//! let err = errcat::pentify::Error::from_response(429, &[("Retry-After", "2")], body);
//! assert_eq!(err.code(), &errcat::pentify::ErrorCode::RateLimited);
//! let decision = err.retry_decision(1, &errcat::Request::new("GET"));
//! assert_eq!(decision.delay(), Some(std::time::Duration::from_secs(2)));
//! ```
//!
//! The decision follows the vendor's reference, within errcat's documented default
//! [`Limits`] where neither the reference nor the client gives a number. For
//! more than the vendor's policy, build an [`Attempt`] and call [`decide`]: it takes
//! the outcome (an error response, or a [`TransportFailure`] when no response came),
//! the client's own [`Limits`] (most attempts, longest wait, overall deadline), the
//! time elapsed and a [`Budget`] shared by every request to the vendor. A
//! [`Decision::GiveUp`] carries a [`GiveUpReason`] saying why, and whose limit it hit.
//!
//! Headers are read through [`Headers`]: slices, arrays and `Vec`s of pairs, and with
//! the `http` feature an `http::HeaderMap`; that feature also adds `parse_http`,
//! `Error::from_http` and `Request::from_http`.
//!
//! The vendor modules are generated from `catalog/*.yaml` by `cargo xtask codegen`;
//! everything that does not vary by vendor is written by hand in `runtime/`, one
//! module per concern, re-exported here.
#![deny(missing_docs)]

mod runtime;

pub use runtime::{
    backoff, budget, decision, headers, limits, lookup, outcome, rate_limit, report, response,
    vendor, xml,
};

#[rustfmt::skip]
#[path = "gen/mod.rs"]
mod generated;

pub use generated::*;
#[cfg(feature = "http")]
pub use runtime::parse_http;
#[cfg(feature = "reqwest")]
pub use runtime::reqwest_retry;
#[cfg(feature = "tower")]
pub use runtime::tower_retry;
pub use runtime::{
    Attempt, Backoff, Budget, Decision, Envelope, Format, GiveUpReason, Headers, Idempotent,
    Jitter, Limit, Limits, Outcome, Policy, RateLimit, RateLimitHeaders, RawError, Report,
    ReportSlot, Request, ResetFormat, Retrier, Retry, TransportFailure, decide, jitter_sample,
};
