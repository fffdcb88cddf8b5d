//! The property the `response` fuzz target checks, also run over the checked-in
//! corpus by `generated/tests/fuzz_replay.rs`, which includes this file.
//!
//! An input is a response in a small binary-then-text format:
//!
//! - byte 0: the vendor, an index into `errcat::Vendor::ALL` modulo its length;
//! - bytes 1 and 2: the HTTP status, big-endian;
//! - the rest: header lines `Name: value` (one optional space after the colon is
//!   dropped; a line without a colon is a name with an empty value), an empty
//!   line, then the body. Without an empty line (`\n\n`) the rest is all body
//!   and there are no headers. Header bytes are read as lossy UTF-8.
//!
//! Missing bytes count as zero. The response is parsed with `errcat::parse`,
//! every accessor and `Display` is called, and `retry_decision_with` is asked
//! for a grid of attempts, methods (with and without an idempotency key) and
//! jitter samples, including out-of-range ones. Properties:
//!
//! - a retry never waits longer than the vendor's cap (`BACKOFF.max()`);
//! - nothing is retried once `attempt` (0 counts as 1) reaches `max_attempts`;
//! - a 5xx, or an error whose rule is `Idempotent`, is retried only when the
//!   request is safe: a safe method, or an idempotency key the vendor supports;
//! - a `Never` or `After` rule is never retried, unless the vendor's should-retry
//!   header says `true` (which makes any response of 400 or more retryable); a
//!   `false` there is never retried;
//! - the crate-level `ApiError` and the vendor's own `Error` agree, the code's
//!   wire string reads back as the same code, and the message and request id
//!   stay within `MAX_MESSAGE` bytes (plus the `…` that marks a cut).

use errcat::response::MAX_MESSAGE;
use errcat::vendor::{VendorCode, VendorError};
use errcat::{ApiError, Backoff, Decision, ErrorKind, Policy, Request, Retry, Vendor};

/// Methods tried, in the cases clients send them.
const METHODS: &[&str] = &[
    "GET",
    "get",
    "HEAD",
    "OPTIONS",
    "PUT",
    "DELETE",
    "delete",
    "POST",
    "post",
    "PATCH",
    "",
    "G\u{0130}T",
];

/// Jitter samples tried: the documented range and what lies outside it.
const JITTERS: &[f64] = &[
    f64::NAN,
    f64::NEG_INFINITY,
    -1.0,
    0.0,
    0.5,
    0.999_999,
    1.0,
    7.0,
    f64::INFINITY,
];

/// The response being checked, formatted only when a property fails.
struct Context<'a> {
    vendor: Vendor,
    status: u16,
    headers: &'a [(&'a str, &'a str)],
    body: &'a [u8],
}

impl std::fmt::Display for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} HTTP {}, headers {:?}, body {:?}",
            self.vendor,
            self.status,
            self.headers,
            String::from_utf8_lossy(self.body)
        )
    }
}

/// Checks a parsed response against the vendor's module `$m`: the code's
/// inherent accessors, which no trait names, then [`codes`] and [`typed`].
macro_rules! vendor {
    ($api:expr, $e:expr, $m:ident, $context:expr) => {{
        use errcat::$m as m;
        let context = $context;
        let code: &m::ErrorCode = $e.code();
        let info = VendorCode::info(code);
        assert_eq!(code.is_known(), info.is_some(), "{context}");
        assert_eq!(
            code.statuses(),
            info.map_or(&[][..], |i| i.statuses),
            "{context}"
        );
        let one = match code.statuses() {
            [one] => Some(*one),
            _ => None,
        };
        assert_eq!(code.status(), one, "{context}");
        assert_eq!(
            code.kind(),
            info.map_or(ErrorKind::Unknown, |i| i.kind),
            "{context}"
        );
        assert_eq!(
            code.retry(),
            info.map_or(Retry::Never, |i| i.retry),
            "{context}"
        );
        assert!(!code.meaning().is_empty(), "{context}");
        assert_eq!(
            code.message_template(),
            info.and_then(|i| i.message),
            "{context}"
        );
        codes(code, context);
        typed($api, $e, m::BACKOFF, m::POLICY, context);
    }};
}

/// Checks one input; panics with the response when a property fails.
pub fn check(bytes: &[u8]) {
    let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let vendor = Vendor::ALL[usize::from(byte(0)) % Vendor::ALL.len()];
    let status = u16::from_be_bytes([byte(1), byte(2)]);
    let rest = bytes.get(3..).unwrap_or_default();
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (String::from_utf8_lossy(&rest[..at]), &rest[at + 2..]),
        None => (Default::default(), rest),
    };
    let headers: Vec<(&str, &str)> = head
        .split('\n')
        .filter(|line| !line.is_empty())
        .map(|line| {
            let line = line.strip_suffix('\r').unwrap_or(line);
            match line.split_once(':') {
                Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
                None => (line, ""),
            }
        })
        .collect();
    let api = errcat::parse(vendor, status, &headers, body);
    let context = &Context {
        vendor,
        status,
        headers: &headers,
        body,
    };
    assert_eq!(api.vendor(), vendor, "{context}");
    assert_eq!(api.status(), status, "{context}");
    let shown = api.to_string();
    assert!(shown.contains(vendor.name()), "{shown:?} for {context}");
    let bound = MAX_MESSAGE + '…'.len_utf8();
    assert!(api.message().len() <= bound, "a long message: {context}");
    if let Some(id) = api.request_id() {
        assert!(id.len() <= bound, "a long request id: {context}");
    }
    match &api {
        ApiError::AwsS3(e) => vendor!(&api, e, aws_s3, context),
        ApiError::CertIx(e) => vendor!(&api, e, cert_ix, context),
        ApiError::Defendis(e) => vendor!(&api, e, defendis, context),
        ApiError::Github(e) => vendor!(&api, e, github, context),
        ApiError::Inkog(e) => vendor!(&api, e, inkog, context),
        ApiError::Pentify(e) => vendor!(&api, e, pentify, context),
        ApiError::Stripe(e) => vendor!(&api, e, stripe, context),
        ApiError::Vantaprism(e) => vendor!(&api, e, vantaprism, context),
        other => panic!(
            "fuzz/src/check_response.rs has no arm for {:?}: add one",
            other.vendor()
        ),
    }
}

/// The code's own accessors, through the trait every vendor's `ErrorCode` implements.
fn codes<C: VendorCode + std::str::FromStr>(code: &C, context: &Context<'_>) {
    let wire = code.as_str();
    assert_eq!(code.to_string(), wire, "{context}");
    assert_eq!(
        C::from_code(wire),
        *code,
        "`{wire}` reads back as another code: {context}"
    );
    assert_eq!(wire.parse::<C>().ok().as_ref(), Some(code), "{context}");
    if let Some(info) = code.info() {
        assert_eq!(info.code, wire, "{context}");
        assert!(!info.statuses.is_empty(), "{context}");
    }
}

/// The vendor's `Error` against the crate-level one, and the retry decisions.
fn typed<C: VendorCode>(
    api: &ApiError,
    e: &VendorError<C>,
    backoff: Backoff,
    policy: Policy,
    context: &Context<'_>,
) {
    assert_eq!(C::VENDOR, api.vendor(), "{context}");
    assert_eq!(C::POLICY.backoff, backoff, "{context}");
    assert_eq!(e.vendor(), api.vendor(), "{context}");
    assert_eq!(e.status(), api.status(), "{context}");
    assert_eq!(e.code().as_str(), api.code(), "{context}");
    assert_eq!(e.kind(), api.kind(), "{context}");
    assert_eq!(e.message(), api.message(), "{context}");
    assert_eq!(e.request_id(), api.request_id(), "{context}");
    assert_eq!(e.retry_after(), api.retry_after(), "{context}");
    assert_eq!(e.to_string(), api.to_string(), "{context}");
    assert_eq!(e.error_type(), api.error_type(), "{context}");
    assert_eq!(e.subcode(), api.subcode(), "{context}");
    assert_eq!(e.fields(), api.fields(), "{context}");
    assert_eq!(e.vendor_docs_url(), api.vendor_docs_url(), "{context}");
    assert_eq!(
        e.rate_limit().is_some(),
        C::ENVELOPE.rate_limit.is_some(),
        "{context}"
    );
    let _ = e.details();
    match e.code().info() {
        Some(info) => {
            assert_eq!(e.kind(), info.kind, "{context}");
            // A response below 400 is not an error, whatever its body says.
            let rule = if e.status() < 400 {
                Retry::Never
            } else {
                info.retry
            };
            assert_eq!(e.retry_rule(), rule, "{context}");
        }
        None => assert_eq!(e.kind(), ErrorKind::Unknown, "{context}"),
    }
    let rule = e.retry_rule();
    let status = e.status();
    let errcat::Outcome::Response {
        retry_after: server_delay,
        min_delay,
        should_retry,
        ..
    } = e.outcome()
    else {
        panic!("a parsed response's outcome is a response: {context}");
    };
    // With a server delay (the delay header's, or the time to a rate-limit reset), the
    // longest wait is the larger of the reference's two caps (none when the reference
    // caps neither); without one, the backoff's cap. A code's minimum delay may raise it.
    let cap = match (server_delay, policy.max_server_delay, backoff.max()) {
        (Some(_), Some(server), Some(backoff)) => Some(server.max(backoff)),
        (Some(_), _, _) => None,
        (None, _, backoff) => backoff,
    };
    let cap = cap.map(|cap| min_delay.map_or(cap, |min| cap.max(min)));
    let max_attempts = backoff.max_attempts();
    let limit = max_attempts.unwrap_or(5);
    let attempts = [
        0,
        1,
        2,
        3,
        limit.saturating_sub(1),
        limit,
        limit.saturating_add(1),
        u32::MAX,
    ];
    for method in METHODS {
        for keyed in [false, true] {
            let request = if keyed {
                Request::new(method).with_idempotency_key()
            } else {
                Request::new(method)
            };
            let safe = policy
                .safe_methods
                .iter()
                .any(|m| m.eq_ignore_ascii_case(method))
                || (keyed && policy.idempotency_key.is_some());
            for attempt in attempts {
                let drawn = api.retry_decision(attempt, &request);
                let _ = drawn.to_string();
                let mut decisions = vec![(None, drawn)];
                for &jitter in JITTERS {
                    let decision = api.retry_decision_with(attempt, &request, jitter);
                    let again = e.retry_decision_with(attempt, &request, jitter);
                    assert_eq!(decision, again, "{context}");
                    decisions.push((Some(jitter), decision));
                }
                for (jitter, decision) in decisions {
                    let Decision::Retry { after } = decision else {
                        continue;
                    };
                    let case = || {
                        format!(
                            "{decision:?} for {rule:?}, attempt {attempt}, {method:?} \
                             (key: {keyed}), jitter {jitter:?}: {context}"
                        )
                    };
                    if let Some(cap) = cap {
                        assert!(after <= cap, "waits past the {cap:?} cap: {}", case());
                    }
                    if let Some(max_attempts) = max_attempts {
                        assert!(
                            attempt.max(1) < max_attempts,
                            "retries past {max_attempts} attempts: {}",
                            case()
                        );
                    }
                    assert!(status >= 400, "retries a non-error: {}", case());
                    assert_ne!(
                        should_retry,
                        Some(false),
                        "the server said not to retry: {}",
                        case()
                    );
                    if should_retry == Some(true) {
                        // The server's word makes any rule, method and status retryable.
                        continue;
                    }
                    if (500..=599).contains(&status) || rule == Retry::Idempotent {
                        assert!(
                            safe || e.any_method(),
                            "retries a request that is not safe: {}",
                            case()
                        );
                    }
                    assert!(
                        !matches!(rule, Retry::Never | Retry::After(_)),
                        "retries under a rule that says not to: {}",
                        case()
                    );
                }
            }
        }
    }
}
