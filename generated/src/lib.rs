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
//! The vendor modules are generated from `catalog/*.yaml` by `cargo xtask codegen`;
//! everything that does not vary by vendor is written by hand in this crate.
#![deny(missing_docs)]

mod runtime;

pub use runtime::{backoff, budget, decision, headers, limits, lookup, outcome, response, vendor};

#[rustfmt::skip]
#[path = "gen/mod.rs"]
mod generated;

pub use generated::*;
#[cfg(feature = "http")]
pub use runtime::parse_http;
pub use runtime::{
    Attempt, Backoff, Budget, Decision, Envelope, GiveUpReason, Headers, Jitter, Limit, Limits,
    Outcome, Policy, RawError, Request, Retry, TransportFailure, decide, jitter_sample,
};
