//! The hand-written runtime: everything that does not vary by vendor, one module per concern.
//!
//! - [`response`]: extracting code, message, request id and details from an error body.
//! - [`xml`]: reading element paths from an XML error body, hardened.
//! - [`rate_limit`]: the rate limit a response's headers report.
//! - [`headers`]: header lookup and `Retry-After` parsing.
//! - [`backoff`]: exponential backoff schedules and jitter.
//! - [`outcome`]: how an attempt ended: a response, or a transport failure.
//! - [`limits`]: the client's own limits, and whose limit a give-up hit.
//! - [`decision`]: retry rules, requests, policies and the decision whether to retry.
//! - [`budget`]: the retry budget, a token bucket shared by every request to a vendor.
//! - [`report`]: what a retrying call did ([`Report`]), and the per-request [`Idempotent`] mark.
//! - [`lookup`]: the code table for large vendors.
//! - [`vendor`]: what every generated vendor module shares (`VendorCode`, `VendorError`).
//! - `http_types` (feature `http`): the `http` crate's responses, requests and methods as inputs.
//! - [`retrier`]: one client's decisions for one vendor (policy, limits, budget, jitter),
//!   which the adapters share.
//! - `tower_retry` (feature `tower`): a `tower::retry::Policy` for `http` services.
//! - `reqwest_retry` (feature `reqwest`): a `reqwest_middleware::Middleware`.
//! - `classify` (either adapter): naming the transport failure behind a client's error.
//! - `trace` (feature `tracing`): each decision the adapters make as a `tracing` event.

pub mod backoff;
pub mod budget;
pub mod decision;
pub mod headers;
#[cfg(feature = "http")]
mod http_types;
pub mod limits;
pub mod lookup;
pub mod outcome;
pub mod rate_limit;
pub mod report;
pub mod response;
pub mod vendor;
pub mod xml;

pub use backoff::{Backoff, Jitter, jitter_sample};
pub use budget::Budget;
pub use decision::{Attempt, Decision, GiveUpReason, Policy, Request, Retry, decide};
pub use headers::Headers;
#[cfg(feature = "http")]
pub use http_types::parse_http;
pub use limits::{Limit, Limits};
pub use outcome::{Outcome, TransportFailure};
pub use rate_limit::{RateLimit, RateLimitHeaders, ResetFormat};
pub use report::{Idempotent, Report, ReportSlot};
pub use response::{Envelope, Format, RawError};

// The adapters: one client's decisions in one value, and each HTTP stack's glue behind its feature.
#[cfg(any(feature = "tower", feature = "reqwest"))]
mod classify;
#[cfg(feature = "reqwest")]
pub mod reqwest_retry;
pub mod retrier;
#[cfg(feature = "tower")]
pub mod tower_retry;
mod trace;

pub use retrier::Retrier;
