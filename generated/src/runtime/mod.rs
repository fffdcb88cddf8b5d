//! The hand-written runtime: everything that does not vary by vendor, one module per concern.
//!
//! - [`response`]: extracting code, message, request id and details from an error body.
//! - [`headers`]: header lookup and `Retry-After` parsing.
//! - [`backoff`]: exponential backoff schedules and jitter.
//! - [`decision`]: retry rules, requests, policies and the decision whether to retry.
//! - [`lookup`]: the code table for large vendors.
//! - [`vendor`]: what every generated vendor module shares (`VendorCode`, `VendorError`).

pub mod backoff;
pub mod decision;
pub mod headers;
pub mod lookup;
pub mod response;
pub mod vendor;

pub use backoff::{Backoff, Jitter, jitter_sample};
pub use decision::{Decision, GiveUpReason, Policy, Request, Retry, decide};
pub use response::{Envelope, RawError};
