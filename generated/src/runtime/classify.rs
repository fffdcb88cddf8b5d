//! Naming the failure behind an error that came instead of a response: connect, timeout or reset.

use std::error::Error;
use std::io;

use crate::TransportFailure;

/// Names the failure behind an error that came instead of a response, if it is known.
///
/// Walks `error` and its sources. A timer's `Elapsed` (tokio's, or tower's `timeout`
/// layer's, with the features that bring them) is a [`TransportFailure::Timeout`]; an
/// [`io::Error`] is classified by its kind: refused, unreachable or unavailable
/// address is `Connect` (the request was never sent), `TimedOut` is `Timeout`, and a
/// reset, an abort, a broken pipe or an unexpected end of the stream is `Reset`.
/// Anything else is `None`.
pub fn classify_error(error: &(dyn Error + 'static)) -> Option<TransportFailure> {
    let mut next = Some(error);
    while let Some(error) = next {
        if is_elapsed(error) {
            return Some(TransportFailure::Timeout);
        }
        if let Some(failure) = error.downcast_ref::<io::Error>().and_then(from_io) {
            return Some(failure);
        }
        next = error.source();
    }
    None
}

/// Whether `error` is a timer's `Elapsed`.
fn is_elapsed(error: &(dyn Error + 'static)) -> bool {
    #[cfg(feature = "tower")]
    if error.is::<tower::timeout::error::Elapsed>() {
        return true;
    }
    #[cfg(any(feature = "tower", feature = "reqwest"))]
    if error.is::<tokio::time::error::Elapsed>() {
        return true;
    }
    let _ = error;
    false
}

/// The failure an I/O error's kind names, if any.
fn from_io(error: &io::Error) -> Option<TransportFailure> {
    use io::ErrorKind as K;
    match error.kind() {
        K::ConnectionRefused
        | K::AddrNotAvailable
        | K::HostUnreachable
        | K::NetworkUnreachable
        | K::NetworkDown => Some(TransportFailure::Connect),
        K::TimedOut => Some(TransportFailure::Timeout),
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
            Some(TransportFailure::Reset)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error whose source is `inner`, as clients wrap the I/O error they hit.
    #[derive(Debug)]
    struct Wrapped(io::Error);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("client error")
        }
    }

    impl Error for Wrapped {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn io_kinds_deep_in_the_chain_name_the_failure() {
        let cases = [
            (
                io::ErrorKind::ConnectionRefused,
                Some(TransportFailure::Connect),
            ),
            (
                io::ErrorKind::HostUnreachable,
                Some(TransportFailure::Connect),
            ),
            (io::ErrorKind::TimedOut, Some(TransportFailure::Timeout)),
            (
                io::ErrorKind::ConnectionReset,
                Some(TransportFailure::Reset),
            ),
            (io::ErrorKind::UnexpectedEof, Some(TransportFailure::Reset)),
            (io::ErrorKind::PermissionDenied, None),
            (io::ErrorKind::InvalidData, None),
        ];
        for (kind, expected) in cases {
            let error = Wrapped(io::Error::new(kind, "x"));
            assert_eq!(classify_error(&error), expected, "{kind:?}");
        }
        // An I/O error of no known kind that wraps one of a known kind is classified by the inner one.
        let nested = io::Error::other(Wrapped(io::Error::from(io::ErrorKind::BrokenPipe)));
        assert_eq!(classify_error(&nested), Some(TransportFailure::Reset));
        let plain = std::fmt::Error;
        assert_eq!(classify_error(&plain), None);
    }
}
