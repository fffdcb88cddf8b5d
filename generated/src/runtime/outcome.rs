//! What happened to an attempt: an error response, or a transport failure with no response.

use std::fmt;
use std::time::Duration;

use super::decision::Retry;

/// A request that got no response.
///
/// Whether the server may have acted on the request decides whether it is safe to send
/// again: a request that never left the client is, one that was sent may not be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransportFailure {
    /// The connection was never made (DNS failure, connection refused, TLS handshake
    /// failure): the request was never sent, so it is safe to send again whatever its method.
    Connect,
    /// The request was (or may have been) sent and no response came in time.
    Timeout,
    /// The connection was closed or reset after the request was sent, or the response
    /// was cut short.
    Reset,
}

impl TransportFailure {
    /// Returns the stable id: `connect`, `timeout` or `reset`.
    pub fn id(self) -> &'static str {
        match self {
            TransportFailure::Connect => "connect",
            TransportFailure::Timeout => "timeout",
            TransportFailure::Reset => "reset",
        }
    }

    /// Returns whether the server may have received the request.
    pub fn was_sent(self) -> bool {
        !matches!(self, TransportFailure::Connect)
    }
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportFailure::Connect => "the connection could not be made",
            TransportFailure::Timeout => "no response in time",
            TransportFailure::Reset => "the connection was reset",
        })
    }
}

/// How an attempt ended, as far as the retry decision needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered.
    Response {
        /// The HTTP status; below 400 it is not an error and is never retried.
        status: u16,
        /// The retry rule of the error's code (or of its status, for an unknown code).
        rule: Retry,
        /// Whether the vendor declares the code safe to retry whatever the HTTP method.
        any_method: bool,
        /// The wait the server asked for: the vendor's delay header, or for an
        /// `UntilReset` rule the time until the rate limit resets.
        retry_after: Option<Duration>,
        /// The shortest wait the catalog gives for the code, if any.
        min_delay: Option<Duration>,
        /// The server's word in the vendor's should-retry header: `Some(true)` makes the
        /// response retryable whatever the rule, `Some(false)` gives up.
        should_retry: Option<bool>,
        /// Whether the catalog knows the code; the rule of an unknown code comes from its status.
        known_code: bool,
    },
    /// No response came.
    Transport(TransportFailure),
}

impl Outcome {
    /// A response whose code the catalog knows, with this rule and nothing else said:
    /// not declared safe for any method, no server delay, no minimum wait, no should-retry header.
    pub const fn response(status: u16, rule: Retry) -> Outcome {
        Outcome::Response {
            status,
            rule,
            any_method: false,
            retry_after: None,
            min_delay: None,
            should_retry: None,
            known_code: true,
        }
    }

    /// Returns the HTTP status of a response, `None` for a transport failure.
    pub fn status(&self) -> Option<u16> {
        match self {
            Outcome::Response { status, .. } => Some(*status),
            Outcome::Transport(_) => None,
        }
    }
}

impl From<TransportFailure> for Outcome {
    fn from(failure: TransportFailure) -> Outcome {
        Outcome::Transport(failure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_connect_failures_were_never_sent() {
        assert!(!TransportFailure::Connect.was_sent());
        assert!(TransportFailure::Timeout.was_sent());
        assert!(TransportFailure::Reset.was_sent());
    }

    #[test]
    fn ids_and_text() {
        let all = [
            TransportFailure::Connect,
            TransportFailure::Timeout,
            TransportFailure::Reset,
        ];
        let ids: Vec<_> = all.iter().map(|f| f.id()).collect();
        assert_eq!(ids, ["connect", "timeout", "reset"]);
        assert_eq!(
            TransportFailure::Reset.to_string(),
            "the connection was reset"
        );
    }

    #[test]
    fn status_of_each_outcome() {
        let response = Outcome::response(503, Retry::Backoff);
        assert_eq!(response.status(), Some(503));
        assert!(matches!(
            response,
            Outcome::Response {
                rule: Retry::Backoff,
                any_method: false,
                retry_after: None,
                min_delay: None,
                should_retry: None,
                known_code: true,
                ..
            }
        ));
        assert_eq!(Outcome::from(TransportFailure::Timeout).status(), None);
    }
}
