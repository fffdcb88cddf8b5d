//! Properties every vendor's parsing and retry decision keep over arbitrary responses,
//! and that any backoff schedule keeps over arbitrary retries and jitter samples.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use errcat::vendor::{VendorCode, VendorError};
use errcat::{
    Attempt, Backoff, Budget, Decision, Envelope, Format, Jitter, Limit, Limits, Outcome, Policy,
    Request, Retry, TransportFailure,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Number, Value, json};

/// 256 cases a property unless `PROPTEST_CASES` asks for more, and no regression files
/// written next to the tests.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256);
    let mut config = ProptestConfig::with_cases(cases);
    config.failure_persistence = None;
    config
}

/// Bytes shown as an escaped byte string, so a failing body reads as text.
#[derive(Clone, PartialEq)]
struct Bytes(Vec<u8>);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let escaped: String = self
            .0
            .iter()
            .flat_map(|&byte| std::ascii::escape_default(byte))
            .map(char::from)
            .collect();
        write!(f, "b\"{escaped}\"")
    }
}

/// One failed request and the response it got.
#[derive(Clone, Debug)]
struct Input {
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
    attempt: u32,
    method: String,
    idempotency_key: bool,
    jitter: f64,
}

impl Input {
    fn headers(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect()
    }

    fn request(&self) -> Request {
        let request = Request::new(&self.method);
        if self.idempotency_key {
            request.with_idempotency_key()
        } else {
            request
        }
    }
}

/// What a vendor module exposes that the strategies and checks need.
struct Spec {
    backoff: Backoff,
    policy: Policy,
    envelope: Envelope,
    codes: Vec<String>,
}

/// `text` with the case of each ASCII letter flipped where `mask` has a bit set.
fn recase(text: &str, mask: u64) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 64) & 1 == 1 {
                if c.is_ascii_uppercase() {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                }
            } else {
                c
            }
        })
        .collect()
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => 400u16..=599,
        3 => select(vec![400u16, 401, 403, 404, 409, 413, 422, 429, 429, 500, 502, 503, 504]),
        1 => any::<u16>(),
    ]
}

fn attempt() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..=6, 2 => 0u32..=20, 1 => any::<u32>()]
}

fn jitter() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 0.0f64..1.0,
        1 => select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, 1.0, -1.0, f64::MAX, f64::MIN_POSITIVE]),
        1 => -1e6f64..0.0,
        1 => 1.0f64..1e6,
        1 => any::<f64>(),
    ]
}

fn method() -> impl Strategy<Value = String> {
    (
        select(vec![
            "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
        ]),
        any::<u64>(),
    )
        .prop_map(|(method, mask)| recase(method, mask))
}

/// Days since the Unix epoch as a proleptic Gregorian (year, month, day).
fn civil(days: i64) -> (i64, usize, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, usize::try_from(month).unwrap_or(1), day)
}

/// An HTTP date for `secs` since the epoch: IMF-fixdate, RFC 850 or asctime.
fn http_date(secs: i64, format: u8) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const LONG: [&str; 7] = [
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
    ];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (h, m, s) = (of_day / 3600, of_day / 60 % 60, of_day % 60);
    let (year, month, day) = civil(days);
    let weekday = usize::try_from(days.rem_euclid(7)).unwrap_or(0);
    let mon = MONTHS[month - 1];
    match format {
        0 => format!(
            "{}, {day:02} {mon} {year:04} {h:02}:{m:02}:{s:02} GMT",
            DAYS[weekday]
        ),
        1 => format!(
            "{}, {day:02}-{mon}-{:02} {h:02}:{m:02}:{s:02} GMT",
            LONG[weekday],
            year.rem_euclid(100)
        ),
        _ => format!(
            "{} {mon} {day:>2} {h:02}:{m:02}:{s:02} {year}",
            DAYS[weekday]
        ),
    }
}

fn http_dates() -> impl Strategy<Value = String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(0));
    let offset = prop_oneof![
        3 => -5i64..=65,
        1 => -200_000i64..=200_000,
        1 => any::<i32>().prop_map(i64::from),
    ];
    prop_oneof![
        3 => (offset, 0u8..3, any::<u64>()).prop_map(move |(offset, format, mask)| {
            let date = http_date(now + offset, format);
            if mask % 4 == 0 { recase(&date, mask) } else { date }
        }),
        1 => select(vec![
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Mon, 01 Jan 0001 00:00:00 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 29 Feb 2023 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:60 GMT",
        ])
        .prop_map(str::to_owned),
    ]
}

fn header_value() -> impl Strategy<Value = String> {
    let single = prop_oneof![
        3 => (0u64..=120).prop_map(|n| n.to_string()),
        1 => any::<u32>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => (-120i64..0).prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|f| f.to_string()),
        1 => (0.0f64..120.0).prop_map(|f| f.to_string()),
        1 => "[0-9]{20,80}",
        3 => http_dates(),
        1 => select(vec![
            "", " ", " 7 ", "\t12\t", "1e3", "+5", "-0", "0x10", "٣", "7;q=1", "soon", "\u{0}7",
        ])
        .prop_map(str::to_owned),
        1 => "[ -~]{0,30}",
        2 => any::<String>(),
        1 => select(vec!["true", "false", " TRUE ", "False", "0", "1700000000", "9999999999"])
            .prop_map(str::to_owned),
    ];
    prop_oneof![
        5 => single.clone(),
        1 => (single.clone(), single).prop_map(|(a, b)| format!("{a}, {b}")),
    ]
}

fn headers(spec: &Spec) -> impl Strategy<Value = Vec<(String, String)>> + use<> {
    let mut names: Vec<&'static str> = vec![
        "Retry-After",
        "X-Request-Id",
        "Request-Id",
        "Content-Type",
        "Date",
        "RateLimit-Reset",
        "Retry-After-Ms",
    ];
    // The vendor's own headers twice as often as the others.
    for _ in 0..2 {
        names.extend(spec.policy.delay_header);
        names.extend(spec.envelope.request_id_header);
        names.extend(spec.envelope.should_retry_header);
        if let Some(r) = spec.envelope.rate_limit {
            names.extend(
                [r.limit, r.remaining, r.used, r.reset.map(|(n, _)| n)]
                    .into_iter()
                    .flatten(),
            );
        }
    }
    let header = (select(names), any::<u64>(), header_value())
        .prop_map(|(name, mask, value)| (recase(name, mask), value));
    prop::collection::vec(header, 0..5)
}

/// A JSON object tree written as XML elements: each member an element, a string its
/// text (escaped), any other value its JSON text; the one top-level member is the root.
fn xml(value: &Value) -> String {
    fn write(out: &mut String, value: &Value) {
        match value {
            Value::Object(map) => {
                for (name, value) in map {
                    out.push_str(&format!("<{name}>"));
                    write(out, value);
                    out.push_str(&format!("</{name}>"));
                }
            }
            Value::String(text) => out.push_str(
                &text
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;"),
            ),
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(&mut out, value);
    out
}

/// Sets `value` at a JSON pointer made of plain keys, creating objects on the way.
fn put(root: &mut Value, pointer: &str, value: Value) {
    if pointer.is_empty() {
        *root = value;
        return;
    }
    let mut at = root;
    for key in pointer.split('/').skip(1) {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let Value::Object(map) = at else {
            unreachable!("just made an object");
        };
        at = map.entry(key.to_owned()).or_insert(Value::Null);
    }
    *at = value;
}

fn json_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

fn json_junk() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number(),
        Just(json!([])),
        Just(json!({})),
        Just(json!(["x", 1])),
        Just(json!({"nested": {"deep": [1, 2, 3]}})),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[ -~]{0,40}",
        2 => any::<String>(),
        1 => select(vec![
            "line one\nline two",
            "\u{1b}[31mred\u{1b}[0m",
            "nul\u{0}byte",
            "tab\there",
            "bell\u{7}",
            "next\u{85}line",
            "del\u{7f}",
            "  padded  ",
        ])
        .prop_map(str::to_owned),
        1 => (1usize..3).prop_map(|n| "m".repeat(n * 3000)),
    ]
}

/// A body in the vendor's envelope, every field present or not and of any JSON type.
fn envelope_body(spec: &Spec) -> impl Strategy<Value = Vec<u8>> + use<> {
    let envelope = spec.envelope;
    let real = select(if spec.codes.is_empty() {
        vec![String::new()]
    } else {
        spec.codes.clone()
    });
    let code = prop_oneof![
        4 => real.clone().prop_map(Value::String),
        1 => real.prop_map(|c| Value::String(format!(" {c}"))),
        2 => text().prop_map(Value::String),
        1 => json_junk(),
    ];
    let message = prop_oneof![3 => text().prop_map(Value::String), 1 => json_junk()];
    let request_id = prop_oneof![3 => text().prop_map(Value::String), 1 => json_junk()];
    (
        prop::option::weighted(0.9, code),
        prop::option::weighted(0.8, message),
        prop::option::weighted(0.7, request_id),
        prop::option::weighted(0.5, json_junk()),
        any::<bool>(),
        select(vec!["", " ", "\n", "garbage", "}"]),
    )
        .prop_map(move |(code, message, request_id, details, bom, trailer)| {
            let mut body = json!({});
            for (pointer, value) in [
                (envelope.code.first().copied(), code),
                (Some(envelope.message), message),
                (envelope.request_id, request_id),
                (envelope.details, details),
            ] {
                if let (Some(pointer), Some(value)) = (pointer, value) {
                    put(&mut body, pointer, value);
                }
            }
            let mut bytes = if bom {
                b"\xEF\xBB\xBF".to_vec()
            } else {
                Vec::new()
            };
            match envelope.format {
                Format::Json => bytes.extend(serde_json::to_vec(&body).unwrap_or_default()),
                Format::Xml => bytes.extend(xml(&body).into_bytes()),
            }
            bytes.extend_from_slice(trailer.as_bytes());
            bytes
        })
}

fn body(spec: &Spec) -> impl Strategy<Value = Bytes> + use<> {
    prop_oneof![
        3 => envelope_body(spec),
        2 => prop::collection::vec(any::<u8>(), 0..300),
        1 => "[ -~\\n\\r\\t]{0,300}".prop_map(String::into_bytes),
    ]
    .prop_map(Bytes)
}

fn input(spec: &Spec) -> impl Strategy<Value = Input> + use<> {
    (
        status(),
        headers(spec),
        body(spec),
        attempt(),
        method(),
        any::<bool>(),
        jitter(),
    )
        .prop_map(
            |(status, headers, body, attempt, method, idempotency_key, jitter)| Input {
                status,
                headers,
                body,
                attempt,
                method,
                idempotency_key,
                jitter,
            },
        )
}

/// Whether repeating the request is safe by the vendor's policy, worked out from its data.
fn safe_to_repeat(policy: &Policy, method: &str, idempotency_key: bool) -> bool {
    policy
        .safe_methods
        .iter()
        .any(|safe| safe.eq_ignore_ascii_case(method))
        || (idempotency_key && policy.idempotency_key.is_some())
}

/// The properties every decision keeps, worked out from the policy's data: nothing below
/// 400 is retried; no retry at or past the attempt limit; a request that was sent and is
/// not safe to repeat is never retried unless the code is declared safe for any method or
/// the server said to retry; a server that said not to retry is not retried;
/// no wait is longer than the reference's cap or the client's limit, or passes the deadline.
fn check_decision(
    spec: &Spec,
    decision: Decision,
    input: &Attempt<'_>,
) -> Result<(), TestCaseError> {
    let Some(after) = decision.delay() else {
        return Ok(());
    };
    let (policy, limits, attempt) = (input.policy(), input.limits(), input.attempt());
    let request = input.request();
    let safe = safe_to_repeat(policy, request.method(), request.has_idempotency_key());
    let server_delay = match input.outcome() {
        Outcome::Response {
            status,
            rule,
            any_method,
            retry_after,
            should_retry: None,
            ..
        } => {
            prop_assert!(status >= 400, "{decision:?} after HTTP {status}");
            prop_assert!(
                !matches!(rule, Retry::Never | Retry::After(_)),
                "{decision:?} under {rule:?}"
            );
            let needs_safe = (500..=599).contains(&status) || rule == Retry::Idempotent;
            prop_assert!(
                safe || any_method || !needs_safe,
                "{decision:?} repeats an unsafe {} (key: {}) after HTTP {status}",
                request.method(),
                request.has_idempotency_key()
            );
            retry_after
        }
        Outcome::Response {
            status,
            retry_after,
            should_retry: Some(said),
            ..
        } => {
            prop_assert!(
                said && status >= 400,
                "{decision:?} after HTTP {status}, should-retry {said}"
            );
            retry_after
        }
        Outcome::Transport(failure) => {
            prop_assert!(
                safe || !failure.was_sent(),
                "{decision:?} repeats an unsafe {} after {failure:?}",
                request.method()
            );
            None
        }
    };
    // errcat's default attempt limit applies only where the reference gives none.
    let client_attempts = match limits.max_attempts() {
        Some((_, Limit::Default)) if spec.backoff.max_attempts().is_some() => None,
        limit => limit.map(|(max, _)| max),
    };
    for max in [spec.backoff.max_attempts(), client_attempts]
        .into_iter()
        .flatten()
    {
        prop_assert!(
            attempt < max,
            "{decision:?} after {attempt} of {max} attempts"
        );
    }
    let backoff_cap = spec.backoff.max();
    let reference_cap = match (server_delay, policy.max_server_delay) {
        (Some(_), Some(cap)) => Some(backoff_cap.map_or(cap, |b| b.max(cap))),
        (Some(_), None) => None,
        (None, _) => backoff_cap,
    };
    // A code's minimum delay may raise the wait past the backoff cap.
    let min_delay = match input.outcome() {
        Outcome::Response { min_delay, .. } => min_delay,
        Outcome::Transport(_) => None,
    };
    let reference_cap = reference_cap.map(|cap| min_delay.map_or(cap, |min| cap.max(min)));
    if let Some(cap) = reference_cap {
        prop_assert!(
            after <= cap,
            "{decision:?} waits past the reference's {cap:?}"
        );
    }
    if let (Some(delay), Some(cap)) = (server_delay, policy.max_server_delay) {
        prop_assert!(delay <= cap, "{decision:?} honours {delay:?} past {cap:?}");
    }
    // errcat's default longest wait yields to the reference's longer caps.
    match limits.max_wait() {
        Some((cap, Limit::Default)) => {
            let cap = [backoff_cap, policy.max_server_delay]
                .into_iter()
                .flatten()
                .fold(cap, Duration::max);
            prop_assert!(after <= cap, "{decision:?} waits past the default {cap:?}");
        }
        Some((cap, _)) => {
            prop_assert!(after <= cap, "{decision:?} waits past the client's {cap:?}");
        }
        None => {}
    }
    prop_assert!(
        after <= Limits::TIMER_MAX,
        "{decision:?} waits past the platform's timer"
    );
    if let Some((deadline, _)) = limits.deadline() {
        prop_assert!(
            input.elapsed().saturating_add(after) <= deadline,
            "{decision:?} passes the {deadline:?} deadline"
        );
    }
    Ok(())
}

fn decisions_keep_cap_attempts_and_safety<C: VendorCode>(
    spec: &Spec,
    input: &Input,
) -> Result<(), TestCaseError> {
    let error = VendorError::<C>::from_response(input.status, &input.headers(), &input.body.0);
    let request = input.request();
    let attempt = Attempt::new(&spec.policy, error.outcome(), &request)
        .with_attempt(input.attempt)
        .with_jitter(input.jitter);
    let decision = error.retry_decision_with(input.attempt, &request, input.jitter);
    prop_assert_eq!(decision, errcat::decide(&attempt));
    check_decision(spec, decision, &attempt)?;
    let drawn = error.retry_decision(input.attempt, &request);
    check_decision(spec, drawn, &attempt.with_jitter(0.5))
}

fn rule() -> impl Strategy<Value = Retry> {
    select(vec![
        Retry::Never,
        Retry::Backoff,
        Retry::RetryAfter,
        Retry::Idempotent,
        Retry::UntilReset,
        Retry::After("After an action"),
    ])
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        3 => (0u64..=120_000).prop_map(Duration::from_millis),
        1 => (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
        1 => Just(Duration::MAX),
        1 => Just(Duration::ZERO),
    ]
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        4 => (
            (rule(), status(), any::<bool>(), prop::option::of(duration())),
            (prop::option::of(duration()), prop::option::weighted(0.3, any::<bool>()), any::<bool>()),
        )
            .prop_map(|((rule, status, any_method, retry_after), (min_delay, should_retry, known_code))| {
                Outcome::Response {
                    status,
                    rule,
                    any_method,
                    retry_after,
                    min_delay,
                    should_retry,
                    known_code,
                }
            }),
        1 => select(vec![
            TransportFailure::Connect,
            TransportFailure::Timeout,
            TransportFailure::Reset,
        ])
        .prop_map(Outcome::Transport),
    ]
}

fn limits() -> impl Strategy<Value = Limits> {
    // Each limit left at its default (None), removed (Some(None)) or set.
    (
        prop::option::of(prop::option::of(attempt())),
        prop::option::of(prop::option::of(duration())),
        prop::option::of(prop::option::of(duration())),
    )
        .prop_map(|(attempts, wait, deadline)| {
            let mut limits = Limits::new();
            match attempts {
                Some(Some(attempts)) => limits = limits.with_max_attempts(attempts),
                Some(None) => limits = limits.without_max_attempts(),
                None => {}
            }
            match wait {
                Some(Some(wait)) => limits = limits.with_max_wait(wait),
                Some(None) => limits = limits.without_max_wait(),
                None => {}
            }
            match deadline {
                Some(Some(deadline)) => limits = limits.with_deadline(deadline),
                Some(None) => limits = limits.without_deadline(),
                None => {}
            }
            limits
        })
}

/// One attempt as the strategies draw it: outcome, attempt, method, idempotency key and
/// jitter; then the client's limits and the time elapsed.
type DrawnAttempt = ((Outcome, u32, String, bool, f64), (Limits, Duration));

/// The generic decision under the vendor's policy, for every outcome, server delay and
/// client limit.
fn decide_keeps_cap_attempts_and_safety(
    spec: &Spec,
    ((outcome, attempt, method, key, jitter), (limits, elapsed)): DrawnAttempt,
) -> Result<(), TestCaseError> {
    let mut request = Request::new(&method);
    if key {
        request = request.with_idempotency_key();
    }
    let input = Attempt::new(&spec.policy, outcome, &request)
        .with_attempt(attempt)
        .with_limits(&limits)
        .with_elapsed(elapsed)
        .with_jitter(jitter);
    check_decision(spec, errcat::decide(&input), &input)
}

/// Parsing never panics, and every accessor and formatter runs on what it gives.
fn from_response_never_panics<C: VendorCode>(input: &Input) -> Result<(), TestCaseError> {
    let error = VendorError::<C>::from_response(input.status, &input.headers(), &input.body.0);
    prop_assert_eq!(error.status(), input.status);
    let _ = (
        error.vendor(),
        error.kind(),
        error.details(),
        error.retry_rule(),
    );
    let _ = (
        error.code().to_string(),
        format!("{error:?}"),
        error.to_string(),
    );
    let decision = error.retry_decision_with(input.attempt, &input.request(), input.jitter);
    let _ = decision.to_string();
    Ok(())
}

/// The message, code and request id come from the response: Display must not pass raw
/// control characters (newlines, escape sequences) through into a log line.
fn display_has_no_control_characters<C: VendorCode>(input: &Input) -> Result<(), TestCaseError> {
    let error = VendorError::<C>::from_response(input.status, &input.headers(), &input.body.0);
    let shown = error.to_string();
    let control: Vec<char> = shown.chars().filter(|c| c.is_control()).collect();
    prop_assert!(
        control.is_empty(),
        "Display writes raw control characters {control:?}: {shown:?}"
    );
    Ok(())
}

/// `errcat::parse` and the typed `Error::from_response` agree.
fn parse_agrees_with_typed<C: VendorCode>(input: &Input) -> Result<(), TestCaseError> {
    let headers = input.headers();
    let typed = VendorError::<C>::from_response(input.status, &headers, &input.body.0);
    let api = errcat::parse(typed.vendor(), input.status, &headers, &input.body.0);
    prop_assert_eq!(api.vendor(), typed.vendor());
    prop_assert_eq!(api.code(), typed.code().as_str());
    prop_assert_eq!(api.status(), typed.status());
    prop_assert_eq!(api.message(), typed.message());
    prop_assert_eq!(api.request_id(), typed.request_id());
    prop_assert_eq!(api.kind(), typed.kind());
    prop_assert_eq!(api.error_type(), typed.error_type());
    prop_assert_eq!(api.subcode(), typed.subcode());
    prop_assert_eq!(api.fields(), typed.fields());
    prop_assert_eq!(api.vendor_docs_url(), typed.vendor_docs_url());
    prop_assert_eq!(api.to_string(), typed.to_string());
    let request = input.request();
    let (a, b) = (api.retry_after(), typed.retry_after());
    if a == b {
        prop_assert_eq!(
            api.retry_decision_with(input.attempt, &request, input.jitter),
            typed.retry_decision_with(input.attempt, &request, input.jitter)
        );
    } else {
        // Only a delay given as a date differs: it counts down between the two parses.
        match (a, b) {
            (Some(a), Some(b)) => prop_assert!(
                a.abs_diff(b) <= Duration::from_secs(2),
                "delays {a:?} and {b:?}"
            ),
            _ => prop_assert!(false, "delays {a:?} and {b:?}"),
        }
    }
    Ok(())
}

macro_rules! vendor_props {
    ($($vendor:ident),+ $(,)?) => {$(
        mod $vendor {
            use super::*;
            use errcat::$vendor as v;

            fn spec() -> Spec {
                Spec {
                    backoff: v::BACKOFF,
                    policy: v::POLICY,
                    envelope: v::ENVELOPE,
                    codes: v::ErrorCode::ALL.iter().map(|c| c.as_str().to_owned()).collect(),
                }
            }

            #[test]
            fn policy_uses_the_backoff() {
                assert_eq!(v::POLICY.backoff, v::BACKOFF);
                if v::POLICY.max_server_delay.is_some() {
                    assert!(v::POLICY.delay_header.is_some(), "a cap on a delay no header carries");
                }
            }

            proptest! {
                #![proptest_config(config())]

                #[test]
                fn decisions_keep_cap_attempts_and_safety(input in input(&spec())) {
                    super::decisions_keep_cap_attempts_and_safety::<v::ErrorCode>(&spec(), &input)?;
                }

                #[test]
                fn decide_keeps_cap_attempts_and_safety(
                    args in (
                        (outcome(), attempt(), method(), any::<bool>(), jitter()),
                        (limits(), duration()),
                    )
                ) {
                    super::decide_keeps_cap_attempts_and_safety(&spec(), args)?;
                }

                #[test]
                fn from_response_never_panics(input in input(&spec())) {
                    super::from_response_never_panics::<v::ErrorCode>(&input)?;
                }

                #[test]
                fn display_has_no_control_characters(input in input(&spec())) {
                    super::display_has_no_control_characters::<v::ErrorCode>(&input)?;
                }

                #[test]
                fn parse_agrees_with_typed(input in input(&spec())) {
                    super::parse_agrees_with_typed::<v::ErrorCode>(&input)?;
                }

                #[test]
                fn vendor_backoff_is_capped_and_monotone(
                    retry in any::<u32>(), jitter in jitter()
                ) {
                    super::backoff_is_capped_and_monotone(&v::BACKOFF, retry, jitter)?;
                }
            }
        }
    )+};
}

vendor_props!(
    pentify, cert_ix, inkog, defendis, vantaprism, stripe, github, aws_s3
);

/// `delay` stays under the cap, and with a multiplier of at least 1 does not shrink as
/// `retry` grows for the same jitter sample.
fn backoff_is_capped_and_monotone(
    backoff: &Backoff,
    retry: u32,
    jitter: f64,
) -> Result<(), TestCaseError> {
    let delay = backoff.delay(retry, jitter);
    if let Some(cap) = backoff.max() {
        prop_assert!(
            delay <= cap,
            "delay({retry}, {jitter}) = {delay:?} > {cap:?}"
        );
    }
    if backoff.multiplier() >= 1.0 {
        // The neighbours of `retry`, a sweep from the start and the last retry there is.
        let mut retries: Vec<u32> = (retry.saturating_sub(2)..=retry.saturating_add(2))
            .chain(0..=40)
            .chain([u32::MAX])
            .collect();
        retries.sort_unstable();
        retries.dedup();
        for pair in retries.windows(2) {
            let (before, after) = (pair[0], pair[1]);
            let (shorter, longer) = (backoff.delay(before, jitter), backoff.delay(after, jitter));
            prop_assert!(
                shorter <= longer,
                "delay({before}, {jitter}) = {shorter:?} > delay({after}, {jitter}) = {longer:?}"
            );
        }
    }
    Ok(())
}

fn multiplier() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => 1.0f64..4.0,
        1 => 0.0f64..1.0,
        1 => select(vec![1.0, 2.0, 0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MAX, f64::MIN_POSITIVE]),
        1 => any::<f64>(),
    ]
}

fn any_backoff() -> impl Strategy<Value = Backoff> {
    let jitter = prop_oneof![
        Just(Jitter::None),
        prop_oneof![
            3 => 0.0f64..=1.0,
            1 => select(vec![f64::NAN, f64::INFINITY, -0.5, 2.0]),
            1 => any::<f64>(),
        ]
        .prop_map(Jitter::Proportional),
        duration().prop_map(Jitter::Additive),
    ];
    (
        duration(),
        multiplier(),
        prop::option::weighted(0.8, duration()),
        jitter,
        prop::option::of(any::<u32>()),
    )
        .prop_map(|(initial, multiplier, max, jitter, attempts)| {
            Backoff::new(initial, multiplier, max, jitter, attempts)
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_backoff_is_capped_and_monotone(
        backoff in any_backoff(),
        retry in prop_oneof![0u32..=64, any::<u32>()],
        jitter in jitter(),
    ) {
        backoff_is_capped_and_monotone(&backoff, retry, jitter)?;
    }
}

/// One thread's use of a shared budget: `true` withdraws for a retry (after a timeout
/// when the number is odd), `false` records a success.
fn budget_ops() -> impl Strategy<Value = Vec<(bool, u8)>> {
    prop::collection::vec((any::<bool>(), any::<u8>()), 0..200)
}

proptest! {
    #![proptest_config(config())]

    /// Four threads share one bucket: it never holds more than its capacity, and the
    /// tokens withdrawn never exceed what it started with plus what was deposited.
    #[test]
    fn a_shared_budget_stays_within_zero_and_its_capacity(
        capacity in 1u32..=600,
        start in 0u32..=600,
        costs in (0u32..=20, 0u32..=40, 0u32..=5),
        threads in prop::collection::vec(budget_ops(), 4),
    ) {
        let (retry_cost, timeout_cost, deposit) = costs;
        let budget = Budget::new()
            .with_capacity(capacity)
            .with_available(start)
            .with_retry_cost(retry_cost)
            .with_timeout_cost(timeout_cost)
            .with_success_deposit(deposit);
        let initial = budget.available();
        let results: Vec<(u64, u64, bool)> = std::thread::scope(|scope| {
            let handles: Vec<_> = threads
                .iter()
                .map(|ops| {
                    let budget = budget.clone();
                    scope.spawn(move || {
                        let (mut withdrawn, mut deposited, mut within) = (0u64, 0u64, true);
                        for &(retry, n) in ops {
                            if retry {
                                let outcome = if n % 2 == 1 {
                                    Outcome::Transport(TransportFailure::Timeout)
                                } else {
                                    Outcome::Transport(TransportFailure::Connect)
                                };
                                if budget.try_withdraw(&outcome) {
                                    withdrawn += u64::from(budget.cost(&outcome));
                                }
                            } else {
                                budget.deposit_success();
                                deposited += u64::from(deposit);
                            }
                            within &= budget.available() <= budget.capacity();
                        }
                        (withdrawn, deposited, within)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("no panic")).collect()
        });
        let withdrawn: u64 = results.iter().map(|r| r.0).sum();
        let deposited: u64 = results.iter().map(|r| r.1).sum();
        prop_assert!(results.iter().all(|r| r.2), "the bucket went over its capacity");
        prop_assert!(budget.available() <= budget.capacity());
        prop_assert!(
            withdrawn <= u64::from(initial) + deposited,
            "{withdrawn} withdrawn from {initial} plus {deposited} deposited"
        );
        prop_assert!(u64::from(budget.available()) <= u64::from(initial) + deposited - withdrawn);
    }
}
