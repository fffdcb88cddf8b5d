//! What every vendor module shares: the code table entry, the code trait and the parsed `Error`.
//!
//! Each generated vendor module is tables plus a [`VendorCode`] impl; the
//! response parsing and the retry decision are written once here.

use std::fmt;
use std::hash::Hash;
use std::time::Duration;

use super::decision::{Attempt, Decision, Policy, Request, Retry, decide};
use super::headers::Headers;
use super::outcome::Outcome;
use super::response::{Envelope, RawError};
use crate::{ErrorKind, Vendor};

/// What the catalog records about one code, as a table row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The wire string.
    pub code: &'static str,
    /// The documented HTTP statuses.
    pub statuses: &'static [u16],
    /// The canonical kind.
    pub kind: ErrorKind,
    /// The retry rule.
    pub retry: Retry,
    /// Whether the vendor declares the code safe to retry whatever the HTTP method.
    pub any_method: bool,
    /// What the code means.
    pub meaning: &'static str,
    /// The message template, with `{placeholders}`.
    pub message: Option<&'static str>,
}

/// The meaning reported for a code the catalog does not know.
pub const UNKNOWN_MEANING: &str = "A code the catalog does not know yet.";

/// Keeps [`VendorCode`] implemented only by this crate's generated vendor modules.
pub(crate) mod sealed {
    /// Implemented by every generated `ErrorCode`.
    pub trait Sealed {}
}

/// A vendor's `ErrorCode`: implemented by generated code, used by [`VendorError`].
///
/// The trait is sealed: only the vendor modules of this crate implement it.
pub trait VendorCode:
    sealed::Sealed + Clone + fmt::Debug + fmt::Display + PartialEq + Eq + Hash + Send + Sync + 'static
{
    /// The vendor.
    const VENDOR: Vendor;
    /// Where the code, message, request id and details sit in the body.
    const ENVELOPE: Envelope;
    /// The vendor's retry guidance.
    const POLICY: Policy;
    /// The vendor's retry guidance, for as long as the program runs.
    fn policy() -> &'static Policy;
    /// The code for a wire string; unknown strings are kept verbatim.
    fn from_code(code: &str) -> Self;
    /// The code when the body carries none: the one code documented for
    /// `status`, else an unknown code.
    fn from_status_only(status: u16) -> Self;
    /// The table row, `None` for an unknown code.
    fn info(&self) -> Option<&'static CodeInfo>;
    /// The wire string.
    fn as_str(&self) -> &str;
}

/// The retry rule for a response whose code the catalog does not know, from
/// its status alone: 429 waits the server's delay (or backs off), a 5xx backs
/// off when the request is safe to repeat, anything else is not retried.
pub fn rule_for_unknown(status: u16, policy: &Policy) -> Retry {
    match status {
        429 if policy.delay_header.is_some() => Retry::RetryAfter,
        429 => Retry::Backoff,
        500..=599 => Retry::Idempotent,
        _ => Retry::Never,
    }
}

/// An error response from one vendor, parsed. Each vendor module names it `Error`.
///
/// Built by [`VendorError::from_response`], which never fails: a body that is
/// not the vendor's envelope still gives an error, with its code derived from
/// the status and a bounded excerpt of the body as its message.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorError<C> {
    raw: RawError,
    code: C,
}

impl<C: VendorCode> VendorError<C> {
    /// Parses an HTTP error response: status, headers (any case) and body bytes.
    ///
    /// `headers` is anything that implements [`Headers`]: a slice or array of
    /// `(&str, &str)` pairs, a `Vec` of pairs, or with the `http` feature an
    /// `http::HeaderMap`.
    pub fn from_response<H: Headers + ?Sized>(status: u16, headers: &H, body: &[u8]) -> Self {
        let raw = RawError::parse(&C::ENVELOPE, C::POLICY.delay_header, status, headers, body);
        let code = match &raw.code {
            Some(code) => C::from_code(code),
            None => C::from_status_only(status),
        };
        VendorError { raw, code }
    }

    /// The vendor.
    pub fn vendor(&self) -> Vendor {
        C::VENDOR
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> u16 {
        self.raw.status
    }

    /// The error code.
    pub fn code(&self) -> &C {
        &self.code
    }

    /// The canonical kind of the code.
    pub fn kind(&self) -> ErrorKind {
        self.code.info().map_or(ErrorKind::Unknown, |i| i.kind)
    }

    /// The human-readable message from the body, or an excerpt of a body that was not the envelope.
    pub fn message(&self) -> &str {
        &self.raw.message
    }

    /// The request id, from the body or the vendor's request-id header.
    pub fn request_id(&self) -> Option<&str> {
        self.raw.request_id.as_deref()
    }

    /// The endpoint-specific details from the body.
    pub fn details(&self) -> Option<&serde_json::Value> {
        self.raw.details.as_ref()
    }

    /// The server's requested delay, from the vendor's delay header (seconds or an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        self.raw.retry_after
    }

    /// The retry rule in force: the code's, or for an unknown code the status's.
    ///
    /// A response below 400 is not an error, whatever its body says: its rule is `Never`.
    pub fn retry_rule(&self) -> Retry {
        match self.code.info() {
            _ if self.raw.status < 400 => Retry::Never,
            Some(info) => info.retry,
            None => rule_for_unknown(self.raw.status, &C::POLICY),
        }
    }

    /// Whether the vendor declares the code safe to retry whatever the HTTP method
    /// (false for an unknown code).
    pub fn any_method(&self) -> bool {
        self.code.info().is_some_and(|info| info.any_method)
    }

    /// The vendor's retry guidance.
    pub fn policy(&self) -> &'static Policy {
        C::policy()
    }

    /// The outcome of the attempt this error ended, as [`decide`] takes it.
    pub fn outcome(&self) -> Outcome {
        Outcome::Response {
            status: self.raw.status,
            rule: self.retry_rule(),
            any_method: self.any_method(),
            retry_after: self.raw.retry_after,
        }
    }

    /// Whether and when to retry, after `attempt` attempts already made, with jitter drawn internally.
    ///
    /// A shorthand for [`decide`] with the vendor's policy and no client limits or budget;
    /// build an [`Attempt`] for those.
    pub fn retry_decision(&self, attempt: u32, request: &Request) -> Decision {
        decide(&Attempt::new(self.policy(), self.outcome(), request).with_attempt(attempt))
    }

    /// Whether and when to retry, deterministic given a jitter sample in `[0, 1)`.
    pub fn retry_decision_with(&self, attempt: u32, request: &Request, jitter: f64) -> Decision {
        decide(
            &Attempt::new(self.policy(), self.outcome(), request)
                .with_attempt(attempt)
                .with_jitter(jitter),
        )
    }
}

/// Text from a response written for a log line: control characters and
/// bidirectional overrides are shown as escapes, so a response can neither
/// forge a line break nor reorder what a reader sees.
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}');
            if c.is_control() || bidi || c == '\u{2028}' || c == '\u{2029}' {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

impl<C: VendorCode> fmt::Display for VendorError<C> {
    /// One line: vendor, code, status, message and request id. Text from the
    /// response is escaped (see `message()` for the text as sent).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.code.as_str();
        let code = if code.is_empty() {
            "unknown code"
        } else {
            code
        };
        write!(
            f,
            "{} {} (HTTP {}): {}",
            C::VENDOR.name(),
            Escaped(code),
            self.raw.status,
            Escaped(&self.raw.message)
        )?;
        if let Some(id) = &self.raw.request_id {
            write!(f, " [request id {}]", Escaped(id))?;
        }
        Ok(())
    }
}

impl<C: VendorCode> std::error::Error for VendorError<C> {}

/// The methods and traits every vendor's `ErrorCode` shares, written once.
///
/// Called in a vendor module as `code_impls!(ErrorCode, Vendor, ROWS, from_status)`:
/// the enum (with `Unknown(String)`, `from_code` and a `row` method giving each
/// known code's index in `ROWS`), its [`Vendor`](crate::Vendor) variant, the
/// module's table of [`CodeInfo`] rows, and the function that picks a code from
/// a status alone. The module's `ENVELOPE` and `POLICY` are used by name.
macro_rules! code_impls {
    ($code:ident, $vendor:ident, $rows:ident, $from_status:ident) => {
        impl $crate::vendor::sealed::Sealed for $code {}

        impl $crate::vendor::VendorCode for $code {
            const VENDOR: $crate::Vendor = $crate::Vendor::$vendor;
            const ENVELOPE: $crate::Envelope = ENVELOPE;
            const POLICY: $crate::Policy = POLICY;

            fn policy() -> &'static $crate::Policy {
                &POLICY
            }

            fn from_code(code: &str) -> $code {
                $code::from_code(code)
            }

            fn from_status_only(status: u16) -> $code {
                $code::$from_status(status)
            }

            fn info(&self) -> Option<&'static $crate::vendor::CodeInfo> {
                $rows.get(self.row())
            }

            fn as_str(&self) -> &str {
                match self {
                    $code::Unknown(code) => code,
                    known => $crate::vendor::VendorCode::info(known).map_or("", |row| row.code),
                }
            }
        }

        impl $code {
            /// The wire string: exactly what the vendor sends.
            pub fn as_str(&self) -> &str {
                $crate::vendor::VendorCode::as_str(self)
            }

            /// The documented HTTP status, when there is exactly one.
            pub fn status(&self) -> Option<u16> {
                match self.statuses() {
                    [one] => Some(*one),
                    _ => None,
                }
            }

            /// Every documented HTTP status (empty for an unknown code).
            pub fn statuses(&self) -> &'static [u16] {
                $crate::vendor::VendorCode::info(self).map_or(&[], |i| i.statuses)
            }

            /// The canonical kind (`Unknown` for an unknown code).
            pub fn kind(&self) -> $crate::ErrorKind {
                $crate::vendor::VendorCode::info(self)
                    .map_or($crate::ErrorKind::Unknown, |i| i.kind)
            }

            /// The retry rule (`Never` for an unknown code; `Error::retry_rule` falls back on the status).
            pub fn retry(&self) -> $crate::Retry {
                $crate::vendor::VendorCode::info(self).map_or($crate::Retry::Never, |i| i.retry)
            }

            /// What the code means.
            pub fn meaning(&self) -> &'static str {
                $crate::vendor::VendorCode::info(self)
                    .map_or($crate::vendor::UNKNOWN_MEANING, |i| i.meaning)
            }

            /// The message template with its `{placeholders}`, when the reference gives one.
            pub fn message_template(&self) -> Option<&'static str> {
                $crate::vendor::VendorCode::info(self).and_then(|i| i.message)
            }

            /// True for a code the catalog knows.
            pub fn is_known(&self) -> bool {
                $crate::vendor::VendorCode::info(self).is_some()
            }
        }

        impl ::std::fmt::Display for $code {
            /// Writes the wire string.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $code {
            type Err = ::std::convert::Infallible;

            /// Never fails: see `from_code`.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_code(s))
            }
        }

        #[cfg(feature = "serde")]
        impl ::serde::Serialize for $code {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> ::serde::Deserialize<'de> for $code {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                Ok(Self::from_code(&s))
            }
        }
    };
}

pub(crate) use code_impls;
