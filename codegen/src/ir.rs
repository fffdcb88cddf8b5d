//! The IR: the validated catalog with names, kinds and retry guidance resolved, ready to emit.
//!
//! Emitters read only these types. Vendors are sorted by id; codes keep the
//! reference's order. Values the reference does not give carry errcat's
//! defaults and say so ([`Given::documented`] is false), so the docs can tell
//! the vendor's numbers from errcat's.

use std::collections::BTreeMap;

pub use crate::model::{Format, Kind, RateLimitRole, ResetFormat};

/// Attempts in all shown when the reference gives no limit; the generated policy
/// has no attempt limit then (see [`RetryPolicy::attempt_limit`]).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// First retry delay when the reference gives none, in milliseconds.
pub const DEFAULT_INITIAL_MS: u64 = 1_000;
/// Backoff multiplier when the reference gives none.
pub const DEFAULT_MULTIPLIER: f64 = 2.0;
/// Delay cap recorded when the reference gives none, in milliseconds; the
/// generated policy has no cap then (see [`RetryPolicy::cap_ms`]).
pub const DEFAULT_MAX_MS: u64 = 30_000;
/// The methods RFC 9110 (section 9.2.2) defines as idempotent, used when the
/// reference names no safe methods.
pub const DEFAULT_SAFE_METHODS: &[&str] = &["GET", "HEAD", "OPTIONS", "PUT", "DELETE"];

/// The whole catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// Every vendor, sorted by id.
    pub vendors: Vec<Vendor>,
}

impl Catalog {
    /// The number of codes over all vendors.
    pub fn code_count(&self) -> usize {
        self.vendors.iter().map(|v| v.codes.len()).sum()
    }
}

/// A value and whether the vendor's reference gave it (else it is errcat's default).
#[derive(Debug, Clone, PartialEq)]
pub struct Given<T> {
    /// The value in force.
    pub value: T,
    /// True when the reference states it; false for errcat's default.
    pub documented: bool,
}

impl<T> Given<T> {
    /// Takes the documented value, or the default.
    pub fn or(value: Option<T>, default: T) -> Given<T> {
        match value {
            Some(value) => Given {
                value,
                documented: true,
            },
            None => Given {
                value: default,
                documented: false,
            },
        }
    }
}

/// One vendor.
#[derive(Debug, Clone)]
pub struct Vendor {
    /// The id: the catalog file's stem, e.g. `cert-ix`.
    pub id: String,
    /// The Rust module, e.g. `cert_ix`.
    pub module: String,
    /// The `Vendor` enum variant, e.g. `CertIx`.
    pub variant: String,
    /// The display name.
    pub name: String,
    /// One sentence on the API.
    pub summary: String,
    /// URL of the reference.
    pub source: String,
    /// Where the generated reference is published, ending in `/`.
    pub docs_url: Option<String>,
    /// The error body's shape.
    pub envelope: Envelope,
    /// Rate-limit headers, in the reference's order.
    pub rate_limit_headers: Vec<RateLimitHeader>,
    /// A URL with `{code}` where the vendor documents each code.
    pub doc_url_template: Option<String>,
    /// The vendor's types of error (a level between the vendor and its codes), in the reference's order.
    pub types: Vec<ErrorType>,
    /// Retry guidance with defaults filled in.
    pub retry: RetryPolicy,
    /// SDK base classes by language.
    pub sdk: BTreeMap<String, String>,
    /// Categories in the reference's order.
    pub categories: Vec<Category>,
    /// Codes in the reference's order.
    pub codes: Vec<Code>,
}

impl Vendor {
    /// True when the vendor sends no stable code, so its entries are keyed by status.
    pub fn keyed_by_status(&self) -> bool {
        self.envelope.code.is_empty()
    }

    /// The header a client reads for this rate-limit role, and for `reset` its format.
    pub fn rate_limit_header(&self, role: RateLimitRole) -> Option<&RateLimitHeader> {
        self.rate_limit_headers
            .iter()
            .find(|h| h.role == Some(role))
    }

    /// True when the vendor declares a header a client reads its rate limit from.
    pub fn has_rate_limit(&self) -> bool {
        self.rate_limit_headers.iter().any(|h| h.role.is_some())
    }

    /// The type with this id.
    pub fn error_type(&self, id: &str) -> Option<&ErrorType> {
        self.types.iter().find(|t| t.id == id)
    }

    /// The URL of a code's section of the published reference, when the
    /// catalog says where it is published.
    pub fn code_url(&self, c: &Code) -> Option<String> {
        let base = self.docs_url.as_deref()?;
        Some(format!("{base}{}.html#{}", self.id, c.anchor))
    }

    /// The code with this wire string.
    pub fn code(&self, code: &str) -> Option<&Code> {
        self.codes.iter().find(|c| c.code == code)
    }

    /// Each status the catalog says a body without a readable code means,
    /// with the index of that code, sorted by status: the codes marked
    /// `fallback` and, for a vendor keyed by status, each code that is its
    /// status. No other status maps to a code (errcat invents no identity).
    pub fn status_fallbacks(&self) -> Vec<(u16, usize)> {
        let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
        for (i, c) in self.codes.iter().enumerate() {
            if c.fallback {
                for s in &c.statuses {
                    by_status.entry(*s).or_insert(i);
                }
            }
        }
        by_status.into_iter().collect()
    }

    /// The codes told apart by conditions, with their indexes, in the
    /// catalog's order: the order a response without a readable code is
    /// tried against them.
    pub fn matched_codes(&self) -> impl Iterator<Item = (usize, &Code)> {
        self.codes
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.conditions.is_empty())
    }
}

/// Paths into the error body (JSON pointers, or XML element paths) and the request-id header.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The body's format.
    pub format: Format,
    /// Paths to the code, tried in order; empty when the vendor has no stable code.
    pub code: Vec<String>,
    /// Path to the vendor's type of error.
    pub type_path: Option<String>,
    /// Path to the sub-code.
    pub subcode: Option<String>,
    /// Path to the vendor's docs link for the error.
    pub doc_url: Option<String>,
    /// The documented extra fields: name and path, sorted by name.
    pub fields: Vec<(String, String)>,
    /// A note on the code field.
    pub code_note: Option<String>,
    /// Pointer to the message.
    pub message: String,
    /// Pointer to the request id.
    pub request_id: Option<String>,
    /// Header carrying the request id.
    pub request_id_header: Option<String>,
    /// Pointer to the details.
    pub details: Option<String>,
    /// The reference's example body.
    pub example: String,
}

/// A rate-limit header the reference documents.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimitHeader {
    /// The name as the reference writes it.
    pub name: String,
    /// What it carries, in the reference's words; empty when it does not say.
    pub description: String,
    /// What a client reads from it, when the catalog says.
    pub role: Option<RateLimitRole>,
    /// How a `reset` header writes its time.
    pub reset_format: Option<ResetFormat>,
}

/// One of the vendor's types of error.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorType {
    /// The wire string.
    pub id: String,
    /// What its errors have in common.
    pub meaning: String,
    /// The vendor's SDK class names by language.
    pub sdk: BTreeMap<String, String>,
}

/// A condition a response without a readable code must meet to be a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// A value of the header (name as written), trimmed, equals the text.
    HeaderEquals(String, String),
    /// The response has the header.
    HeaderPresent(String),
    /// The body's message contains the text, ignoring ASCII case.
    MessageContains(String),
}

/// Randomisation of a delay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Jitter {
    /// None.
    None,
    /// A uniform draw from 0 up to the delay.
    Full,
    /// Plus or minus this fraction.
    Proportional(f64),
    /// Plus 0 up to this many milliseconds.
    AdditiveMs(u64),
}

/// A vendor's retry guidance.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all.
    pub max_attempts: Given<u32>,
    /// First retry delay, in milliseconds.
    pub initial_ms: Given<u64>,
    /// Multiplier.
    pub multiplier: Given<f64>,
    /// Cap, in milliseconds.
    pub max_ms: Given<u64>,
    /// The longest server-requested wait the reference says to honour, in
    /// milliseconds; `None` when it gives no cap.
    pub max_server_delay_ms: Option<u64>,
    /// Jitter (`None` when not documented).
    pub jitter: Jitter,
    /// Header with the server's delay.
    pub delay_header: Option<String>,
    /// Methods always safe to retry, upper case.
    pub safe_methods: Given<Vec<String>>,
    /// The idempotency key that makes a mutating request safe.
    pub idempotency_key: Option<String>,
    /// The header whose `true` or `false` overrides the code's rule.
    pub should_retry_header: Option<String>,
    /// The reference's words.
    pub guidance: Option<String>,
}

impl RetryPolicy {
    /// The attempt limit in force: the reference's, or none. errcat invents no limit.
    pub fn attempt_limit(&self) -> Option<u32> {
        self.max_attempts
            .documented
            .then_some(self.max_attempts.value)
    }

    /// The backoff cap in force, in milliseconds: the reference's, or none.
    pub fn cap_ms(&self) -> Option<u64> {
        self.max_ms.documented.then_some(self.max_ms.value)
    }
}

/// A category.
#[derive(Debug, Clone)]
pub struct Category {
    /// Its id.
    pub id: String,
    /// Its heading.
    pub name: String,
}

/// A code's retry rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Never retry.
    Never,
    /// Retry with backoff.
    Backoff,
    /// Wait what the delay header says.
    RetryAfter,
    /// Retry with backoff when the request is safe to repeat.
    Idempotent,
    /// Wait until the vendor's rate-limit reset header says.
    UntilReset,
    /// Retry only after the user does this.
    After(String),
}

/// One code.
#[derive(Debug, Clone)]
pub struct Code {
    /// The wire string.
    pub code: String,
    /// The enum variant.
    pub variant: String,
    /// The markdown anchor.
    pub anchor: String,
    /// Documented statuses (at least one).
    pub statuses: Vec<u16>,
    /// Canonical kind.
    pub kind: Kind,
    /// Meaning.
    pub meaning: String,
    /// Message template.
    pub message: Option<String>,
    /// Placeholder names in the template, in order of first use.
    pub placeholders: Vec<String>,
    /// Resolution.
    pub resolution: Option<String>,
    /// Index into the vendor's categories.
    pub category: Option<usize>,
    /// Retry rule.
    pub retry: Rule,
    /// True when the reference declares the code safe to retry whatever the HTTP method.
    pub retry_any_method: bool,
    /// The vendor's type of error this code belongs to.
    pub error_type: Option<String>,
    /// True when a response of one of its statuses without a readable code is this code.
    pub fallback: bool,
    /// Conditions telling this code apart from others of its status; empty for none.
    pub conditions: Vec<Condition>,
    /// The shortest wait before a retry, in milliseconds, when the reference gives one.
    pub min_delay_ms: Option<u64>,
    /// Documented sub-codes: code and meaning.
    pub subcodes: Vec<(String, String)>,
    /// SDK names by language.
    pub sdk: BTreeMap<String, String>,
    /// Other wire spellings, each parsed to this code.
    pub aliases: Vec<String>,
    /// Set when the vendor deprecated the code.
    pub deprecated: Option<Deprecation>,
    /// Set when the vendor no longer sends the code.
    pub removed: Option<Removed>,
    /// Example bodies.
    pub examples: Vec<Example>,
}

impl Code {
    /// True when the code is deprecated or removed: its variant is `#[deprecated]`.
    pub fn is_deprecated(&self) -> bool {
        self.deprecated.is_some() || self.removed.is_some()
    }

    /// The code that replaces this one, when the catalog names it.
    pub fn replacement(&self) -> Option<&str> {
        self.deprecated.as_ref()?.replacement.as_deref()
    }

    /// The deprecation in one paragraph, as `#[deprecated]`, the runtime and
    /// `explain` give it: removed or deprecated, since when, why, and the
    /// replacement; `None` for a current code.
    pub fn deprecation_note(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(r) = &self.removed {
            parts.push(format!("Removed since {}: {}", r.since, r.why));
        }
        if let Some(d) = &self.deprecated {
            parts.push(match &d.since {
                Some(since) => format!("Deprecated since {since}: {}", d.note),
                None => d.note.clone(),
            });
        }
        if let Some(r) = self.replacement() {
            parts.push(format!("Use `{r}` instead."));
        }
        (!parts.is_empty()).then(|| {
            parts
                .iter()
                .map(|p| p.trim_end())
                .map(|p| {
                    if p.ends_with(['.', '!', '?']) {
                        p.to_owned()
                    } else {
                        format!("{p}.")
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

/// A code's deprecation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deprecation {
    /// Since when, for the structured form.
    pub since: Option<String>,
    /// Why (the structured form's `why`, or the plain note).
    pub note: String,
    /// The code of the same vendor that replaces it.
    pub replacement: Option<String>,
}

/// Since when the vendor no longer sends a code, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// Since when.
    pub since: String,
    /// Why.
    pub why: String,
}

/// An example body.
#[derive(Debug, Clone)]
pub struct Example {
    /// Caption.
    pub title: String,
    /// Status it comes with.
    pub status: u16,
    /// Body, verbatim.
    pub body: String,
}
