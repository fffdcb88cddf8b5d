//! The catalog as written: serde types for one `catalog/<id>.yaml`, with spans.
//!
//! These types mirror the YAML exactly and reject unknown fields. They carry
//! [`Spanned`] values wherever validation may need to point at a line, and they
//! derive [`JsonSchema`] so `catalog/schema.json` is generated from the same
//! definitions the loader uses. Every enum is externally tagged: spans do not
//! survive `flatten`, `untagged` or internally tagged enums.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
pub use serde_saphyr::Spanned;

/// One vendor's file: what its error reference says, and nothing it does not.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "errcat vendor catalog")]
pub struct VendorFile {
    /// The vendor's display name, e.g. `Pentify`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// One sentence on the API and its errors, taken from the reference.
    #[schemars(with = "String")]
    pub summary: Spanned<String>,
    /// URL of the vendor's error reference this file was written from.
    #[schemars(with = "String")]
    pub source: Spanned<String>,
    /// Where the generated reference (`generated/docs/`, an mdBook) is
    /// published, ending in `/`, e.g. `https://errors.acme.example/`. Each code
    /// then knows the URL of its section: `<docs_url><vendor-id>.html#<anchor>`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub docs_url: Option<Spanned<String>>,
    /// Where the code, message, request id and details sit in an error body.
    pub envelope: Envelope,
    /// Response headers the reference documents about rate limits.
    #[serde(default)]
    pub rate_limit_headers: Vec<HeaderDoc>,
    /// A URL with `{code}` where the vendor documents each code, when the
    /// reference gives such a pattern, e.g. `https://docs.acme.example/errors/{code}`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub doc_url_template: Option<Spanned<String>>,
    /// The vendor's second level of error names (Stripe's `type`), in the
    /// reference's order. Entries name theirs with `type`.
    #[serde(default)]
    pub types: Vec<ErrorType>,
    /// The vendor's own retry guidance. It may be left empty when the
    /// reference gives none; errcat's defaults then apply.
    #[serde(default)]
    pub retry: Option<RetryGuidance>,
    /// The vendor's SDK base classes, keyed by language (`typescript: PentifyError`).
    #[serde(default)]
    pub sdk: BTreeMap<String, String>,
    /// The vendor's groups of errors, in the reference's order.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// Every error the reference documents, in the reference's order.
    pub errors: Vec<Entry>,
}

/// The shape of the vendor's error body: paths into it, JSON pointers
/// (RFC 6901) for a JSON body or element paths (`/Error/Code`) for XML.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The body's format: `json` (the default) or `xml`.
    #[serde(default)]
    #[schemars(with = "Option<Format>")]
    pub format: Option<Spanned<Format>>,
    /// Path to the stable machine code, e.g. `/error/code`, or a list of paths
    /// tried in order (`[/error/code, /error/type]`). Absent when the vendor
    /// sends no stable code; its entries are then keyed by status.
    #[serde(default)]
    #[schemars(with = "Option<Paths>")]
    pub code: Option<Spanned<Paths>>,
    /// Path to the vendor's second level of error names (Stripe `/error/type`).
    #[serde(default, rename = "type")]
    #[schemars(with = "Option<String>")]
    pub type_: Option<Spanned<String>>,
    /// Path to a sub-code (Stripe `/error/decline_code`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub subcode: Option<Spanned<String>>,
    /// Path to the link to the vendor's docs for this error that the body carries.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub doc_url: Option<Spanned<String>>,
    /// The vendor's documented extra fields, by a lower snake case name:
    /// `param: /error/param`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub fields: BTreeMap<String, Spanned<String>>,
    /// Why there is no `code` pointer, or anything else about the code field.
    #[serde(default)]
    pub code_note: Option<String>,
    /// Pointer to the human-readable message, e.g. `/error/message`.
    #[schemars(with = "String")]
    pub message: Spanned<String>,
    /// Pointer to the request id in the body, e.g. `/error/request_id`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub request_id: Option<Spanned<String>>,
    /// Response header that carries the request id, e.g. `x-request-id`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub request_id_header: Option<Spanned<String>>,
    /// Pointer to endpoint-specific details, e.g. `/error/details`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub details: Option<Spanned<String>>,
    /// The reference's example error body, in the envelope's format. The
    /// code, message, request id and details paths must resolve in it.
    #[schemars(with = "String")]
    pub example: Spanned<String>,
}

/// The format of an error body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A JSON document; paths are JSON pointers.
    Json,
    /// An XML document; paths are element names from the root, `/Error/Code`.
    Xml,
}

/// One path or several, tried in order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "`code` must be a path such as `/error/code`, or a list of paths such as [/error/code, /error/type]"
)]
pub enum Paths {
    /// The one path.
    One(String),
    /// Paths tried in order; the first that holds a code wins.
    Many(Vec<String>),
}

impl Paths {
    /// The paths in order.
    pub fn as_slice(&self) -> &[String] {
        match self {
            Paths::One(p) => std::slice::from_ref(p),
            Paths::Many(v) => v,
        }
    }
}

/// One of the vendor's types of error: a level between the vendor and its codes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorType {
    /// The type exactly as sent on the wire, e.g. `card_error`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What errors of this type have in common, in the catalog's words.
    pub meaning: String,
    /// The class names the vendor's SDKs give the type, by language.
    #[serde(default)]
    pub sdk: BTreeMap<String, String>,
}

/// A response header and what the reference says it carries.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderDoc {
    /// The header name as the reference writes it.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// What it carries, when the reference says.
    #[serde(default)]
    pub description: Option<String>,
    /// What a client reads from it at run time: `limit`, `remaining`, `used` or `reset`.
    #[serde(default)]
    #[schemars(with = "Option<RateLimitRole>")]
    pub role: Option<Spanned<RateLimitRole>>,
    /// For a `reset` header: `epoch_seconds` (a Unix time) or `seconds` (from now).
    #[serde(default)]
    #[schemars(with = "Option<ResetFormat>")]
    pub format: Option<Spanned<ResetFormat>>,
}

/// What a rate-limit header tells a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RateLimitRole {
    /// The number of requests allowed in the window.
    Limit,
    /// The number of requests left in the window.
    Remaining,
    /// The number of requests made in the window.
    Used,
    /// When the window resets.
    Reset,
}

/// How a reset header writes its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResetFormat {
    /// Seconds since the Unix epoch.
    EpochSeconds,
    /// Seconds from now.
    Seconds,
}

/// The vendor's retry guidance. Fields the reference does not give are left
/// out; errcat's documented defaults then apply and the docs say so.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryGuidance {
    /// Attempts in all, the first included ("give up after 5 attempts" is 5).
    #[serde(default)]
    #[schemars(with = "Option<u32>", range(min = 1))]
    pub max_attempts: Option<Spanned<u32>>,
    /// Exponential backoff between attempts.
    #[serde(default)]
    pub backoff: Option<BackoffSpec>,
    /// The response header that carries the server's delay, e.g. `Retry-After`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub delay_header: Option<Spanned<String>>,
    /// Methods that are always safe to retry, e.g. `[GET, DELETE]`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub safe_methods: Option<Vec<Spanned<String>>>,
    /// The idempotency key that makes a mutating request safe to retry.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// A response header whose `true` or `false` tells a client whether to
    /// retry, overriding the code's rule either way (`Stripe-Should-Retry`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub should_retry_header: Option<Spanned<String>>,
    /// The longest server-requested wait (delay header) the reference says to
    /// honour, e.g. `30s`. Left out when the reference gives no cap: the
    /// server's wait is then honoured as given.
    #[serde(default)]
    #[schemars(with = "Option<Duration>")]
    pub max_server_delay: Option<Spanned<String>>,
    /// The reference's retry guidance in its own words.
    #[serde(default)]
    pub guidance: Option<String>,
}

/// Exponential backoff: `initial * multiplier^(retry - 1)`, capped, with jitter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackoffSpec {
    /// Delay before the first retry, e.g. `500ms` or `1s`.
    #[serde(default)]
    #[schemars(with = "Option<Duration>")]
    pub initial: Option<Spanned<String>>,
    /// Factor applied to the delay after each retry, e.g. `2`.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub multiplier: Option<Spanned<f64>>,
    /// The cap on any single delay, e.g. `30s`.
    #[serde(default)]
    #[schemars(with = "Option<Duration>")]
    pub max: Option<Spanned<String>>,
    /// Randomisation added to each delay.
    #[serde(default)]
    #[schemars(with = "Option<Jitter>")]
    pub jitter: Option<Spanned<Jitter>>,
}

/// A duration written as an integer and a unit: `250ms`, `1s`, `30s`, `2m`.
#[derive(JsonSchema)]
#[schemars(transparent)]
#[allow(dead_code)]
pub struct Duration(#[schemars(pattern(r"^[0-9]+(ms|s|m)$"))] String);

/// Randomisation of a delay.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Jitter {
    /// A uniformly drawn delay from 0 up to the computed one ("full jitter").
    Full,
    /// Plus or minus this fraction of the delay: `0.25` is ±25%.
    Proportional(f64),
    /// Plus a uniformly drawn 0 up to this duration, e.g. `250ms`.
    Additive(#[schemars(with = "Duration")] String),
}

/// One of the vendor's groups of errors.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Lower snake case id that entries refer to, e.g. `authentication`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The heading the reference gives the group.
    pub name: String,
}

/// One documented error.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The code exactly as sent on the wire. For a vendor without stable codes,
    /// the status as a string (`"429"`).
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// The HTTP status, or a list where the reference leaves it open.
    #[schemars(with = "Status")]
    pub status: Spanned<Status>,
    /// The canonical cross-vendor kind.
    pub kind: Kind,
    /// What the error means, in the reference's words.
    pub meaning: String,
    /// The message template, with `{placeholder}`s as the reference writes them.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub message: Option<Spanned<String>>,
    /// What the caller should do about it.
    #[serde(default)]
    pub resolution: Option<String>,
    /// The id of the category the entry belongs to.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub category: Option<Spanned<String>>,
    /// Whether and when a client may retry.
    #[schemars(with = "RetryRule")]
    pub retry: Spanned<RetryRule>,
    /// `true` when the reference declares this code safe to retry whatever the
    /// HTTP method ("Safe to retry with exponential backoff"). Left out otherwise:
    /// a 5xx is then retried only for a safe method or with the idempotency key.
    #[serde(default)]
    #[schemars(with = "bool")]
    pub retry_any_method: Option<Spanned<bool>>,
    /// The id of the vendor's type this code belongs to (`card_error`).
    #[serde(default, rename = "type")]
    #[schemars(with = "Option<String>")]
    pub type_: Option<Spanned<String>>,
    /// `true` when the reference says that a response of this code's status
    /// whose body carries no readable code is this code.
    #[serde(default)]
    #[schemars(with = "bool")]
    pub fallback: Option<Spanned<bool>>,
    /// Conditions, all of which a response without a readable code must meet
    /// to be this code; tried in the catalog's order before any fallback.
    #[serde(default, rename = "match")]
    #[schemars(with = "Vec<Condition>")]
    pub match_: Vec<Spanned<Condition>>,
    /// The shortest wait before retrying this code that the reference gives, e.g. `60s`.
    #[serde(default)]
    #[schemars(with = "Option<Duration>")]
    pub min_delay: Option<Spanned<String>>,
    /// The sub-codes the reference documents under this code (Stripe's decline codes).
    #[serde(default)]
    pub subcodes: Vec<Subcode>,
    /// Class or constant names the vendor's SDKs use for this code, by language.
    #[serde(default)]
    pub sdk: BTreeMap<String, String>,
    /// Other spellings of the code that the vendor sends on the wire; each
    /// parses to this code, which keeps its own spelling as the canonical one.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub aliases: Vec<Spanned<String>>,
    /// Set when the vendor deprecated the code: a note, or since when, why and
    /// the code that replaces it. Codes are never deleted from the catalog.
    #[serde(default)]
    #[schemars(with = "Option<Deprecated>")]
    pub deprecated: Option<Spanned<Deprecated>>,
    /// Set when the vendor no longer sends the code. The code stays in the
    /// catalog, deprecated, so old programs compile and old logs still parse.
    #[serde(default)]
    #[schemars(with = "Option<Removed>")]
    pub removed: Option<Spanned<Removed>>,
    /// Every example response body the reference shows for this entry, verbatim.
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// A condition on a response that has no readable code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// A value of the header, trimmed, equals the text exactly.
    Header(HeaderEquals),
    /// The response has this header.
    HeaderPresent(String),
    /// The body's message contains the text, ignoring ASCII case.
    MessageContains(String),
}

/// A header and the value it must have.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderEquals {
    /// The header name.
    pub name: String,
    /// The value, compared exactly after trimming spaces and tabs.
    pub equals: String,
}

/// A sub-code the reference documents under a code.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subcode {
    /// The sub-code as sent on the wire.
    pub code: String,
    /// What it means, in the catalog's words.
    pub meaning: String,
}

/// A code's deprecation: a plain note, or its parts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "`deprecated` must be a note, or a mapping with `since`, `why` and optionally `replacement`"
)]
pub enum Deprecated {
    /// A note saying since when and what replaces the code.
    Note(String),
    /// Since when, why, and the code that replaces it.
    Details(Deprecation),
}

/// Since when a code is deprecated, why, and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    /// When the vendor deprecated it: a date or a version, as the reference gives it.
    pub since: String,
    /// Why, in the reference's words.
    pub why: String,
    /// The code of this vendor that replaces it.
    #[serde(default)]
    pub replacement: Option<String>,
}

/// Since when the vendor no longer sends a code, and why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Removed {
    /// When the vendor stopped sending it: a date or a version.
    pub since: String,
    /// Why, in the reference's words.
    pub why: String,
}

/// An HTTP status or a list of them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "`status` must be an HTTP status such as 404, or a list of statuses such as [500, 503]"
)]
pub enum Status {
    /// The one documented status.
    One(u16),
    /// The statuses the reference leaves open.
    Many(Vec<u16>),
}

impl Status {
    /// The statuses as a slice.
    pub fn as_slice(&self) -> &[u16] {
        match self {
            Status::One(s) => std::slice::from_ref(s),
            Status::Many(v) => v,
        }
    }
}

/// A retry rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RetryRule {
    /// Retrying the same request cannot help.
    Never,
    /// Retry with the vendor's exponential backoff.
    Backoff,
    /// Wait what the server's delay header says (needs `retry.delay_header`).
    RetryAfter,
    /// Retry with backoff only when the request is safe to repeat.
    Idempotent,
    /// Wait until the rate limit resets, as the vendor's `reset` header says.
    UntilReset,
    /// Retry only after the user has done this first.
    After(String),
}

/// An example response body.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The reference's caption for the example.
    pub title: String,
    /// The status of the example, when the entry has several.
    #[serde(default)]
    #[schemars(with = "Option<u16>")]
    pub status: Option<Spanned<u16>>,
    /// The body, verbatim.
    #[schemars(with = "String")]
    pub body: Spanned<String>,
}

macro_rules! kinds {
    ($($variant:ident => $id:literal, $grpc:literal, $doc:literal;)*) => {
        /// The canonical, cross-vendor kind of an error: a closed set.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum Kind {
            $(#[doc = $doc] $variant,)*
        }

        impl Kind {
            /// Every kind, in documentation order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];

            /// The id written in the catalog.
            pub fn id(self) -> &'static str {
                match self { $(Kind::$variant => $id,)* }
            }

            /// The `google.rpc.Code` equivalent.
            pub fn grpc(self) -> &'static str {
                match self { $(Kind::$variant => $grpc,)* }
            }

            /// One sentence on what the kind means.
            pub fn doc(self) -> &'static str {
                match self { $(Kind::$variant => $doc,)* }
            }
        }
    };
}

kinds! {
    InvalidRequest => "invalid_request", "INVALID_ARGUMENT", "The request is malformed or semantically invalid; fix it before sending it again.";
    Unauthenticated => "unauthenticated", "UNAUTHENTICATED", "The credentials are missing, malformed, expired or revoked.";
    PermissionDenied => "permission_denied", "PERMISSION_DENIED", "The caller is known but not allowed to do this.";
    NotFound => "not_found", "NOT_FOUND", "The resource does not exist or is not visible to the caller.";
    Conflict => "conflict", "ABORTED", "The resource's current state conflicts with the request.";
    FailedPrecondition => "failed_precondition", "FAILED_PRECONDITION", "Something must be done first (verify, wait for completion, re-enable).";
    PaymentRequired => "payment_required", "FAILED_PRECONDITION", "The account's balance does not cover the operation.";
    PaymentDeclined => "payment_declined", "FAILED_PRECONDITION", "The card issuer or payment provider declined the payment.";
    PayloadTooLarge => "payload_too_large", "INVALID_ARGUMENT", "The request body exceeds the size limit.";
    UnsupportedMediaType => "unsupported_media_type", "INVALID_ARGUMENT", "The content type or file type is not supported.";
    RateLimited => "rate_limited", "RESOURCE_EXHAUSTED", "Too many requests in a short window: retry soon.";
    QuotaExhausted => "quota_exhausted", "RESOURCE_EXHAUSTED", "A budget or quota is used up until a reset or a purchase: do not retry soon.";
    Internal => "internal", "INTERNAL", "The server failed.";
    Unavailable => "unavailable", "UNAVAILABLE", "The service or a dependency is temporarily unavailable.";
    Timeout => "timeout", "DEADLINE_EXCEEDED", "The server or a gateway timed out.";
}
