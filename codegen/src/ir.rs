//! The IR: the validated catalog with names, kinds and retry guidance resolved, ready to emit.
//!
//! Emitters read only these types. Vendors are sorted by id; codes keep the
//! reference's order. Values the reference does not give carry errcat's
//! defaults and say so ([`Given::documented`] is false), so the docs can tell
//! the vendor's numbers from errcat's.

use std::collections::BTreeMap;

pub use crate::model::Kind;

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
    /// Rate-limit headers: name and description.
    pub rate_limit_headers: Vec<(String, String)>,
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
        self.envelope.code.is_none()
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

    /// Each status documented for exactly one code, with that code's index,
    /// sorted by status: a body without a code still maps to that code.
    pub fn single_status_codes(&self) -> Vec<(u16, usize)> {
        let mut by_status: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
        for (i, c) in self.codes.iter().enumerate() {
            for s in &c.statuses {
                by_status.entry(*s).or_default().push(i);
            }
        }
        by_status
            .into_iter()
            .filter_map(|(s, codes)| match codes[..] {
                [one] => Some((s, one)),
                _ => None,
            })
            .collect()
    }
}

/// JSON pointers into the error body and the request-id header.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// Pointer to the code; `None` when the vendor has no stable code.
    pub code: Option<String>,
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

/// Randomisation of a delay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Jitter {
    /// None.
    None,
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
