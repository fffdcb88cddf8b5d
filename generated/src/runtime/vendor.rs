//! What every vendor module shares: the code table entry, the code trait and the parsed `Error`.
//!
//! Each generated vendor module is tables plus a [`VendorCode`] impl; the
//! response parsing and the retry decision are written once here.

use std::fmt;
use std::hash::Hash;
use std::time::{Duration, SystemTime};

use super::decision::{Attempt, Decision, Policy, Request, Retry, decide};
use super::headers::Headers;
use super::outcome::Outcome;
use super::rate_limit::RateLimit;
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
    /// What the caller should do, when the reference says.
    pub resolution: Option<&'static str>,
    /// The name of the vendor's group of errors the code belongs to.
    pub category: Option<&'static str>,
    /// Other wire spellings that parse to this code.
    pub aliases: &'static [&'static str],
    /// The deprecation note, when the code is deprecated or removed.
    pub deprecated: Option<&'static str>,
    /// The wire string of the code that replaces this one.
    pub replacement: Option<&'static str>,
    /// True when the vendor no longer sends the code.
    pub removed: bool,
    /// The URL of the code's section of the published reference.
    pub docs_url: Option<&'static str>,
    /// The vendor's type of error the code belongs to, as on the wire.
    pub error_type: Option<&'static str>,
    /// The conditions a response without a readable code must meet to be this code; empty for none.
    pub conditions: &'static [Condition],
    /// The shortest wait before a retry of this code, when the reference gives one.
    pub min_delay: Option<Duration>,
    /// The documented sub-codes: code and meaning.
    pub subcodes: &'static [(&'static str, &'static str)],
}

/// A condition on a response without a readable code, telling apart codes of one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Some value of the header (name, any case), trimmed of spaces and tabs, equals the text.
    HeaderEquals(&'static str, &'static str),
    /// The response has the header.
    HeaderPresent(&'static str),
    /// The message read from the body's message path (not an excerpt) contains the
    /// text, ignoring ASCII case.
    MessageContains(&'static str),
}

impl Condition {
    /// Whether the response meets the condition; `message` is the body's message, if it has one.
    pub fn holds<H: Headers + ?Sized>(&self, message: Option<&str>, headers: &H) -> bool {
        let values = |name| {
            headers
                .header_values(name)
                .map(|value| value.trim_matches([' ', '\t']))
        };
        match *self {
            Condition::HeaderEquals(name, text) => values(name).any(|value| value == text),
            Condition::HeaderPresent(name) => values(name).next().is_some(),
            Condition::MessageContains(text) => message.is_some_and(|m| {
                text.is_empty()
                    || m.as_bytes()
                        .windows(text.len())
                        .any(|w| w.eq_ignore_ascii_case(text.as_bytes()))
            }),
        }
    }
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
    /// The rows of the codes told apart by conditions, in the catalog's order.
    const MATCHED: &'static [usize];
    /// A URL with `{code}` where the vendor documents each code.
    const DOC_URL_TEMPLATE: Option<&'static str>;
    /// The vendor's retry guidance, for as long as the program runs.
    fn policy() -> &'static Policy;
    /// The code for a wire string; unknown strings are kept verbatim.
    fn from_code(code: &str) -> Self;
    /// The catalog's fallback for `status` (the code marked `fallback`, or for a
    /// vendor keyed by status the code that is the status), else an unknown code:
    /// empty, or for a vendor keyed by status the status as text.
    fn fallback(status: u16) -> Self;
    /// The code in row `row` of the table; an unknown empty code past its end.
    fn from_row(row: usize) -> Self;
    /// The table row of a code, `None` for an unknown code.
    fn row_info(row: usize) -> Option<&'static CodeInfo>;
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

/// The code of a response whose body carries no readable code: the first code
/// told apart by conditions whose statuses include `status` and whose conditions all
/// hold, in the catalog's order; else the catalog's fallback for the status; else unknown.
pub fn code_without_readable<C: VendorCode, H: Headers + ?Sized>(
    status: u16,
    message: Option<&str>,
    headers: &H,
) -> C {
    C::MATCHED
        .iter()
        .copied()
        .find(|&row| {
            C::row_info(row).is_some_and(|info| {
                info.statuses.contains(&status)
                    && info.conditions.iter().all(|c| c.holds(message, headers))
            })
        })
        .map_or_else(|| C::fallback(status), C::from_row)
}

/// An error response from one vendor, parsed. Each vendor module names it `Error`.
///
/// Built by [`VendorError::from_response`], which never fails: a body that is
/// not the vendor's envelope still gives an error, with its code derived from
/// the status and headers (see [`code_without_readable`]) and a bounded excerpt
/// of the body as its message.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorError<C> {
    raw: RawError,
    code: C,
    vendor_docs_url: Option<String>,
}

impl<C: VendorCode> VendorError<C> {
    /// Parses an HTTP error response: status, headers (any case) and body bytes.
    ///
    /// `headers` is anything that implements [`Headers`]: a slice or array of
    /// `(&str, &str)` pairs, a `Vec` of pairs, or with the `http` feature an
    /// `http::HeaderMap`. Times in headers (a `Retry-After` date, an epoch
    /// rate-limit reset) are measured from the system clock.
    pub fn from_response<H: Headers + ?Sized>(status: u16, headers: &H, body: &[u8]) -> Self {
        let raw = RawError::parse(&C::ENVELOPE, C::POLICY.delay_header, status, headers, body);
        VendorError::from_raw(raw, headers)
    }

    /// Parses an HTTP error response as [`VendorError::from_response`] does, taking `now`
    /// as the current time, so that delays and rate-limit resets are deterministic.
    pub fn parse_at<H: Headers + ?Sized>(
        status: u16,
        headers: &H,
        body: &[u8],
        now: SystemTime,
    ) -> Self {
        let raw = RawError::parse_at(
            &C::ENVELOPE,
            C::POLICY.delay_header,
            status,
            headers,
            body,
            now,
        );
        VendorError::from_raw(raw, headers)
    }

    fn from_raw<H: Headers + ?Sized>(raw: RawError, headers: &H) -> Self {
        let code = match &raw.code {
            Some(code) => C::from_code(code),
            None => {
                let message = raw.message_in_body.then_some(raw.message.as_str());
                code_without_readable(raw.status, message, headers)
            }
        };
        let vendor_docs_url = raw.doc_url.clone().or_else(|| {
            let template = C::DOC_URL_TEMPLATE?;
            let known = code.info()?;
            Some(template.replace("{code}", known.code))
        });
        VendorError {
            raw,
            code,
            vendor_docs_url,
        }
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

    /// The vendor's type of error: the one the body names, else the code's type in the
    /// catalog, else none.
    pub fn error_type(&self) -> Option<&str> {
        self.raw
            .error_type
            .as_deref()
            .or_else(|| self.code.info().and_then(|i| i.error_type))
    }

    /// The sub-code the body carries (Stripe's `decline_code`).
    pub fn subcode(&self) -> Option<&str> {
        self.raw.subcode.as_deref()
    }

    /// The documented extra field `name`, when the body has it (for an XML body, a string).
    pub fn field(&self, name: &str) -> Option<&serde_json::Value> {
        self.raw.fields.get(name)
    }

    /// Every documented extra field the body has, by name.
    pub fn fields(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.raw.fields
    }

    /// The vendor's docs link for the error: the one the body carries, else for a known
    /// code the vendor's per-code URL, else none.
    pub fn vendor_docs_url(&self) -> Option<&str> {
        self.vendor_docs_url.as_deref()
    }

    /// The rate limit the response's headers report; `None` when the vendor declares no
    /// rate-limit header. The reset is measured from the time of parsing.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.raw.rate_limit
    }

    /// The server's word in the vendor's should-retry header, if it gave one.
    pub fn should_retry(&self) -> Option<bool> {
        self.raw.should_retry
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
        let rule = self.retry_rule();
        let info = self.code.info();
        let retry_after = match rule {
            Retry::UntilReset => self.raw.rate_limit.and_then(|r| r.reset),
            _ => self.raw.retry_after,
        };
        Outcome::Response {
            status: self.raw.status,
            rule,
            any_method: self.any_method(),
            retry_after,
            min_delay: info.and_then(|i| i.min_delay),
            should_retry: self.raw.should_retry,
            known_code: info.is_some(),
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
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

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

/// The most of an unknown code's bytes a `Display` shows; the rest is cut, marked `…`.
pub const MAX_SHOWN_CODE: usize = 128;

/// Writes a code for a log line: escaped as [`Escaped`], and cut (at a
/// character boundary) after [`MAX_SHOWN_CODE`] bytes. A known code is
/// catalog text and passes unchanged; an unknown one comes from a response.
#[doc(hidden)]
pub fn write_code(f: &mut fmt::Formatter<'_>, code: &str) -> fmt::Result {
    let mut end = code.len().min(MAX_SHOWN_CODE);
    while !code.is_char_boundary(end) {
        end -= 1;
    }
    write!(f, "{}", Escaped(&code[..end]))?;
    if end < code.len() {
        f.write_str("…")?;
    }
    Ok(())
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
        write!(f, "{} ", C::VENDOR.name())?;
        write_code(f, code)?;
        write!(
            f,
            " (HTTP {}): {}",
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
/// Called in a vendor module as `code_impls!(ErrorCode, Vendor, ROWS, fallback)`:
/// the enum (with `Unknown(String)`, `from_code`, `ALL` and a `row` method giving each
/// known code's index in `ROWS`), its [`Vendor`](crate::Vendor) variant, the
/// module's table of [`CodeInfo`] rows, and the function that picks a code from
/// a status alone. The module's `ENVELOPE`, `POLICY`, `MATCHED` and
/// `DOC_URL_TEMPLATE` are used by name.
macro_rules! code_impls {
    ($code:ident, $vendor:ident, $rows:ident, $fallback:ident) => {
        impl $crate::vendor::sealed::Sealed for $code {}

        impl $crate::vendor::VendorCode for $code {
            const VENDOR: $crate::Vendor = $crate::Vendor::$vendor;
            const ENVELOPE: $crate::Envelope = ENVELOPE;
            const POLICY: $crate::Policy = POLICY;
            const MATCHED: &'static [usize] = &MATCHED;
            const DOC_URL_TEMPLATE: Option<&'static str> = DOC_URL_TEMPLATE;

            fn policy() -> &'static $crate::Policy {
                &POLICY
            }

            fn from_code(code: &str) -> $code {
                $code::from_code(code)
            }

            fn fallback(status: u16) -> $code {
                $code::$fallback(status)
            }

            fn from_row(row: usize) -> $code {
                $code::ALL
                    .get(row)
                    .cloned()
                    .unwrap_or_else(|| $code::Unknown(::std::string::String::new()))
            }

            fn row_info(row: usize) -> Option<&'static $crate::vendor::CodeInfo> {
                $rows.get(row)
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

            /// What the caller should do about it, when the reference says.
            pub fn resolution(&self) -> Option<&'static str> {
                $crate::vendor::VendorCode::info(self).and_then(|i| i.resolution)
            }

            /// The name of the vendor's group of errors the code belongs to.
            pub fn category(&self) -> Option<&'static str> {
                $crate::vendor::VendorCode::info(self).and_then(|i| i.category)
            }

            /// Other wire spellings that parse to this code (`as_str` gives the canonical one).
            pub fn aliases(&self) -> &'static [&'static str] {
                $crate::vendor::VendorCode::info(self).map_or(&[], |i| i.aliases)
            }

            /// The deprecation note (since when, why, what replaces it) when the
            /// vendor deprecated or removed the code.
            pub fn deprecation(&self) -> Option<&'static str> {
                $crate::vendor::VendorCode::info(self).and_then(|i| i.deprecated)
            }

            /// True when the vendor deprecated or removed the code.
            pub fn is_deprecated(&self) -> bool {
                self.deprecation().is_some()
            }

            /// True when the vendor no longer sends the code; it still parses.
            pub fn is_removed(&self) -> bool {
                $crate::vendor::VendorCode::info(self).is_some_and(|i| i.removed)
            }

            /// The code that replaces this one, when the catalog names it.
            pub fn replaced_by(&self) -> Option<$code> {
                $crate::vendor::VendorCode::info(self)
                    .and_then(|i| i.replacement)
                    .map($code::from_code)
            }

            /// The URL of the code's section of the published reference, when
            /// the catalog says where the reference is published.
            pub fn docs_url(&self) -> Option<&'static str> {
                $crate::vendor::VendorCode::info(self).and_then(|i| i.docs_url)
            }

            /// The shortest wait before a retry of this code, when the reference gives one.
            pub fn min_delay(&self) -> Option<::std::time::Duration> {
                $crate::vendor::VendorCode::info(self).and_then(|i| i.min_delay)
            }

            /// The documented sub-codes (code and meaning); empty when the catalog lists none.
            pub fn subcodes(&self) -> &'static [(&'static str, &'static str)] {
                $crate::vendor::VendorCode::info(self).map_or(&[], |i| i.subcodes)
            }

            /// True when `subcode` is one the catalog documents for this code.
            pub fn is_known_subcode(&self, subcode: &str) -> bool {
                self.subcodes().iter().any(|(code, _)| *code == subcode)
            }
        }

        impl ::core::fmt::Display for $code {
            /// Writes the wire string; an unknown code, which comes from a
            /// response, escaped and cut at `MAX_SHOWN_CODE` bytes (`as_str`
            /// gives it as sent).
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                $crate::vendor::write_code(f, $crate::vendor::VendorCode::as_str(self))
            }
        }

        impl ::core::str::FromStr for $code {
            type Err = ::core::convert::Infallible;

            /// Never fails: see `from_code`.
            fn from_str(
                s: &str,
            ) -> ::core::result::Result<Self, <Self as ::core::str::FromStr>::Err> {
                ::core::result::Result::Ok($code::from_code(s))
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
