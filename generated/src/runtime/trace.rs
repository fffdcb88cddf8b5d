//! Each retry decision the adapters make, as one `tracing` event (feature `tracing`; without it these functions do nothing).
//!
//! Every event is at DEBUG level with target `errcat` and the fields `vendor` (its id),
//! `status` (0 when no response came), `code` (the vendor's code, or `connect`, `timeout`
//! or `reset` for a failure without a response), `attempt`, `decision` (`retry` or
//! `give_up`) and then `wait_ms` for a retry or `reason` (the stable id of the
//! [`GiveUpReason`](crate::GiveUpReason)) for a give-up. Text from the server (the code)
//! is escaped as the errors' `Display` escapes it, so a response cannot forge a log line.

use crate::{ApiError, Decision, TransportFailure, Vendor};

/// Records the decision taken after an error response.
pub(crate) fn response(vendor: Vendor, error: &ApiError, attempt: u32, decision: &Decision) {
    #[cfg(feature = "tracing")]
    event(
        vendor,
        error.status(),
        &crate::runtime::vendor::Escaped(error.code()),
        attempt,
        decision,
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (vendor, error, attempt, decision);
}

/// Records the decision taken after a failure without a response.
pub(crate) fn failure(
    vendor: Vendor,
    failure: TransportFailure,
    attempt: u32,
    decision: &Decision,
) {
    #[cfg(feature = "tracing")]
    event(vendor, 0, &failure.id(), attempt, decision);
    #[cfg(not(feature = "tracing"))]
    let _ = (vendor, failure, attempt, decision);
}

/// The one event, with the same fields for every decision.
#[cfg(feature = "tracing")]
fn event(
    vendor: Vendor,
    status: u16,
    code: &dyn std::fmt::Display,
    attempt: u32,
    decision: &Decision,
) {
    let (kind, wait_ms, reason) = match decision {
        Decision::Retry { after } => (
            "retry",
            Some(u64::try_from(after.as_millis()).unwrap_or(u64::MAX)),
            None,
        ),
        Decision::GiveUp { reason } => ("give_up", None, Some(reason.id())),
    };
    tracing::debug!(
        target: "errcat",
        vendor = vendor.id(),
        status,
        code = %code,
        attempt,
        decision = kind,
        wait_ms,
        reason,
        "{decision}",
    );
}
