//! What a retrying call did, returned to the caller: the attempts made, each wait, and the
//! final decision; and [`Idempotent`], the per-request mark that it carries the vendor's
//! idempotency key.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::Decision;

/// Marks one request as carrying the vendor's idempotency key, wherever the vendor puts
/// it (body, header or query), so that it is repeated as safely as a safe method.
///
/// Put it in the request's extensions: `http::Request::extensions_mut().insert(Idempotent)`
/// for [`Request::from_http`](crate::Request::from_http) and the tower policy, or
/// `reqwest_middleware::RequestBuilder::with_extension(Idempotent)` for the reqwest
/// middleware. A header whose name the catalog declares as the key is recognised without it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Idempotent;

/// What one retrying call did: how many attempts it made, each wait between them, and
/// the decision that ended it.
///
/// The adapters put it in the extensions of the response they return
/// (`response.extensions().get::<Report>()`), and fill a [`ReportSlot`] the caller put
/// in the request's extensions, which also serves when the call ends in an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    attempts: u32,
    waits: Vec<Duration>,
    decision: Option<Decision>,
}

impl Report {
    /// Returns the attempts made, the first included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Returns the wait before each retry, in order (one fewer than the attempts).
    pub fn waits(&self) -> &[Duration] {
        &self.waits
    }

    /// Returns the decision that ended the call: `GiveUp(NotAnError)` after a success,
    /// the reason given up otherwise; `None` when the last attempt ended in an error the
    /// adapter does not decide on (a request that could be sent once only, or an error
    /// that is not a transport failure).
    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()
    }

    /// Counts one more attempt (for a hand-written retry loop; the adapters call it).
    pub fn attempted(&mut self) {
        self.attempts = self.attempts.saturating_add(1);
    }

    /// Records `decision`: a retry's wait, or the decision that ends the call.
    pub fn decided(&mut self, decision: Decision) {
        match decision {
            Decision::Retry { after } => self.waits.push(after),
            give_up => self.decision = Some(give_up),
        }
    }
}

/// A place the caller puts in a request's extensions for the adapter to leave the call's
/// [`Report`] in, whether the call ends in a response or an error. Clones share one place.
///
/// ```
/// // With the `http` feature: http::Request::get(url).extension(slot.clone()).body(body)
/// let slot = errcat::ReportSlot::new();
/// assert_eq!(slot.take(), None); // until a call has been made with it
/// ```
#[derive(Clone, Debug, Default)]
pub struct ReportSlot(Arc<Mutex<Option<Report>>>);

impl ReportSlot {
    /// Returns an empty slot.
    pub fn new() -> ReportSlot {
        ReportSlot::default()
    }

    /// Takes the report of the last call made with this slot, leaving it empty.
    pub fn take(&self) -> Option<Report> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    /// Leaves `report` in the slot.
    pub fn fill(&self, report: Report) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GiveUpReason;

    #[test]
    fn a_report_counts_attempts_and_waits_and_keeps_the_last_decision() {
        let mut report = Report::default();
        report.attempted();
        report.decided(Decision::Retry {
            after: Duration::from_secs(1),
        });
        report.attempted();
        report.decided(Decision::GiveUp {
            reason: GiveUpReason::NotRetryable,
        });
        assert_eq!(report.attempts(), 2);
        assert_eq!(report.waits(), [Duration::from_secs(1)]);
        assert_eq!(
            report.decision().and_then(Decision::reason),
            Some(GiveUpReason::NotRetryable)
        );
        let slot = ReportSlot::new();
        slot.clone().fill(report.clone());
        assert_eq!(slot.take(), Some(report));
        assert_eq!(slot.take(), None);
    }
}
