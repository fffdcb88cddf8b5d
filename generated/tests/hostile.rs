//! Responses no reference shows: parsing never panics, stays fast, and keeps messages bounded.

mod support;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use errcat::response::{EXCERPT_LEN, MAX_BODY, MAX_MESSAGE};
use errcat::{Decision, GiveUpReason, Limit, Limits, Request};
use errcat_codegen::ir;
use serde_json::{Value, json};
use support::with_module;

/// The request id the tests send in the vendor's request-id header.
const HEADER_REQUEST_ID: &str = "req_hdr";

/// A proxy's error page, longer than an excerpt.
const PROXY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n\
<p>The upstream server sent an invalid response. Please try again in a few minutes; \
if the problem persists contact the site administrator.</p>\r\n</body>\r\n</html>\r\n";

/// Statuses worth trying beyond the documented ones.
const ODD_STATUSES: &[u16] = &[
    0,
    1,
    100,
    200,
    204,
    302,
    418,
    499,
    502,
    599,
    600,
    999,
    u16::MAX,
];

/// What one parse gave.
#[derive(Clone, Debug, PartialEq)]
struct Parsed {
    code: String,
    message: String,
    request_id: Option<String>,
    details: Option<Value>,
    retry_after: Option<Duration>,
    kind: errcat::ErrorKind,
    shown: String,
}

/// Parses through both APIs, checks they agree, and exercises every accessor.
fn parse(v: &ir::Vendor, status: u16, headers: &[(&str, &str)], body: &[u8]) -> Parsed {
    let vendor = support::runtime_vendor(v);
    let api = errcat::parse(vendor, status, headers, body);
    let (typed, details) = with_module!(vendor, m => {
        let e = m::Error::from_response(status, headers, body);
        assert_eq!(e.status(), status);
        for attempt in [0, 1, 2, u32::MAX] {
            for jitter in [f64::NAN, f64::NEG_INFINITY, -1.0, 0.0, 0.5, 0.999, 1.0, 7.0] {
                for request in [Request::new("GET"), Request::new("post").with_idempotency_key(), Request::new("")] {
                    let decision = e.retry_decision_with(attempt, &request, jitter);
                    if let Some(delay) = decision.delay() {
                        assert!(
                            delay <= m::BACKOFF.max().unwrap_or(Duration::MAX),
                            "{} HTTP {status}: {decision}", v.id
                        );
                    }
                }
            }
        }
        let _ = e.retry_decision(1, &Request::new("GET"));
        let details = e.details().cloned();
        (
            Parsed {
                code: e.code().as_str().to_owned(),
                message: e.message().to_owned(),
                request_id: e.request_id().map(str::to_owned),
                details: None,
                retry_after: e.retry_after(),
                kind: e.kind(),
                shown: e.to_string(),
            },
            details,
        )
    });
    let untyped = Parsed {
        code: api.code().to_owned(),
        message: api.message().to_owned(),
        request_id: api.request_id().map(str::to_owned),
        details: None,
        retry_after: api.retry_after(),
        kind: api.kind(),
        shown: api.to_string(),
    };
    // A delay given as a date counts down between the two parses.
    let (typed_wait, untyped_wait) = (typed.retry_after, untyped.retry_after);
    assert_eq!(
        typed_wait.is_some(),
        untyped_wait.is_some(),
        "{} HTTP {status}",
        v.id
    );
    if let (Some(a), Some(b)) = (typed_wait, untyped_wait) {
        assert!(
            a.abs_diff(b) < Duration::from_secs(1),
            "{} HTTP {status}",
            v.id
        );
    }
    assert_eq!(
        Parsed {
            retry_after: None,
            ..typed.clone()
        },
        Parsed {
            retry_after: None,
            ..untyped
        },
        "{} HTTP {status}",
        v.id
    );
    assert_eq!(api.status(), status);
    assert_eq!(api.vendor(), vendor);
    let _ = api.retry_decision_with(1, &Request::new("GET"), 0.5);
    Parsed { details, ..typed }
}

/// Asserts `message` is a bounded, single-line excerpt.
fn assert_excerpt(message: &str, what: &str) {
    assert!(
        message.chars().count() <= EXCERPT_LEN + 1,
        "{what}: {} chars",
        message.chars().count()
    );
    // At most EXCERPT_LEN bytes of text, counting each U+FFFD that replaced a byte that is
    // not UTF-8 as its three bytes, then the ellipsis.
    assert!(
        message.len() <= EXCERPT_LEN + '…'.len_utf8(),
        "{what}: {} bytes",
        message.len()
    );
    assert!(
        !message.contains(['\n', '\r', '\t']),
        "{what}: {message:?} spans lines"
    );
    assert_eq!(message, message.trim(), "{what}");
}

/// The kind of the code `from_response` should settle on for `status` alone.
fn kind_for_status(v: &ir::Vendor, status: u16) -> &'static str {
    let code = support::code_for_status(v, status);
    support::code(v, &code).map_or("unknown", |c| c.kind.id())
}

/// Every status the vendor documents, then the odd ones.
fn statuses(v: &ir::Vendor) -> Vec<u16> {
    let mut all: Vec<u16> = v.codes.iter().flat_map(|c| c.statuses.clone()).collect();
    all.extend_from_slice(ODD_STATUSES);
    all.sort_unstable();
    all.dedup();
    all
}

/// A body of the vendor's envelope with `code`, a message and a request id where the vendor has them.
/// The first code a body alone parses to: for a vendor keyed by status, a status's
/// fallback, not a code told apart by conditions on headers or the message.
fn plain_code(v: &ir::Vendor) -> &ir::Code {
    v.codes
        .iter()
        .find(|c| !v.keyed_by_status() || support::code_for_status(v, c.statuses[0]) == c.code)
        .unwrap_or_else(|| panic!("{}: no code a body alone gives", v.id))
}

/// The vendors whose bodies are JSON, for the tests that build bodies by JSON pointer.
fn json_vendors() -> Vec<ir::Vendor> {
    let catalog = support::catalog();
    let (json, xml): (Vec<_>, Vec<_>) = catalog
        .vendors
        .into_iter()
        .partition(|v| v.envelope.format == ir::Format::Json);
    assert!(!json.is_empty() && json.len() + xml.len() > 1);
    json
}

#[test]
fn an_xml_message_as_large_as_the_parse_limit_is_cut_too() {
    let catalog = support::catalog();
    let xml: Vec<&ir::Vendor> = catalog
        .vendors
        .iter()
        .filter(|v| v.envelope.format == ir::Format::Xml)
        .collect();
    for v in xml {
        let code = plain_code(v);
        let element = |path: &str, text: &str| {
            // `/Root/A/B` with text as nested elements under the root, which the caller opens.
            let steps: Vec<&str> = path.split('/').skip(2).collect();
            let open: String = steps.iter().map(|s| format!("<{s}>")).collect();
            let close: String = steps.iter().rev().map(|s| format!("</{s}>")).collect();
            format!("{open}{text}{close}")
        };
        let root = v.envelope.message.split('/').nth(1).expect("a root");
        let frame = format!(
            "<{root}>{}{}</{root}>",
            element(&v.envelope.code[0], &code.code),
            element(&v.envelope.message, "")
        );
        let long = "y".repeat(MAX_BODY - frame.len());
        let text = format!(
            "<{root}>{}{}</{root}>",
            element(&v.envelope.code[0], &code.code),
            element(&v.envelope.message, &long)
        );
        assert_eq!(text.len(), MAX_BODY);
        let p = parse(v, code.statuses[0], &[], text.as_bytes());
        assert_eq!(p.code, code.code, "{}", v.id);
        assert_eq!(p.message.len(), MAX_MESSAGE + '…'.len_utf8(), "{}", v.id);
        assert!(p.message.starts_with(&long[..MAX_MESSAGE]), "{}", v.id);
        // One byte more and the body is not read at all: no code, an excerpt.
        let over = text.replacen(&format!("<{root}>"), &format!("<{root} >"), 1);
        let p = parse(v, code.statuses[0], &[], over.as_bytes());
        assert_eq!(
            p.code,
            support::code_for_status(v, code.statuses[0]),
            "{}",
            v.id
        );
        assert_excerpt(&p.message, &v.id);
    }
}

fn envelope_body(v: &ir::Vendor, code: &str) -> Value {
    let mut body = json!({});
    let mut put = |pointer: &str, value: Value| {
        let keys: Vec<&str> = pointer.split('/').skip(1).collect();
        let Some((last, parents)) = keys.split_last() else {
            panic!("{}: pointer {pointer:?} names no key", v.id);
        };
        let mut at = &mut body;
        for key in parents {
            at = at
                .as_object_mut()
                .expect("objects on the way")
                .entry(*key)
                .or_insert_with(|| json!({}));
        }
        at.as_object_mut()
            .expect("an object to hold the field")
            .insert((*last).to_owned(), value);
    };
    if let Some(pointer) = v.envelope.code.first() {
        put(pointer, json!(code));
    }
    put(&v.envelope.message, json!("msg"));
    if let Some(pointer) = &v.envelope.request_id {
        put(pointer, json!("req_body"));
    }
    if let Some(pointer) = &v.envelope.details {
        put(pointer, json!({"k": "v"}));
    }
    body
}

#[test]
fn empty_body() {
    for v in &support::catalog().vendors {
        for status in statuses(v) {
            let what = format!("{} HTTP {status}", v.id);
            let p = parse(v, status, &[], b"");
            assert_eq!(p.code, support::code_for_status(v, status), "{what}");
            assert_eq!(p.kind.id(), kind_for_status(v, status), "{what}");
            assert_eq!(p.message, "", "{what}");
            assert_eq!(p.request_id, None, "{what}");
            assert_eq!(p.details, None, "{what}");
            assert!(
                p.shown.contains(&format!("(HTTP {status})")),
                "{what}: {}",
                p.shown
            );
            for blank in [&b" "[..], b"\r\n\t ", b"\xEF\xBB\xBF", b"\0"] {
                let p = parse(v, status, &[], blank);
                assert_eq!(
                    p.code,
                    support::code_for_status(v, status),
                    "{what} {blank:?}"
                );
                assert_excerpt(&p.message, &what);
            }
        }
    }
}

#[test]
fn invalid_utf8() {
    let bodies: [&[u8]; 5] = [
        b"\xff\xfe\xfd",
        b"bad \xc3 gateway \xe2\x82",
        b"{\"error\":{\"code\":\"rate_limited\xff\",\"message\":\"m\"}}",
        b"{\"error\":\"\xed\xa0\x80\",\"code\":\"QUOTA_EXCEEDED\"}",
        &[0x80; 50_000],
    ];
    for v in &support::catalog().vendors {
        for status in [400, 429, 500, 503] {
            for body in bodies {
                let what = format!("{} HTTP {status} {:?}", v.id, &body[..body.len().min(20)]);
                let p = parse(v, status, &[], body);
                assert_eq!(p.code, support::code_for_status(v, status), "{what}");
                assert_excerpt(&p.message, &what);
                assert!(!p.message.is_empty(), "{what}");
                if body.len() > EXCERPT_LEN {
                    // Three bytes of output per invalid byte: a third as many fit.
                    let replaced = "\u{FFFD}".repeat(EXCERPT_LEN / 3);
                    assert!(p.message == format!("{replaced}…"), "{what}");
                }
            }
        }
    }
}

#[test]
fn html_proxy_page_at_every_error_status() {
    assert!(PROXY_PAGE.len() > EXCERPT_LEN);
    for v in &support::catalog().vendors {
        let header = support::request_id_header(v);
        for status in 400..=599 {
            let what = format!("{} HTTP {status}", v.id);
            let p = parse(
                v,
                status,
                &[(header, HEADER_REQUEST_ID)],
                PROXY_PAGE.as_bytes(),
            );
            assert_eq!(p.code, support::code_for_status(v, status), "{what}");
            assert_eq!(p.kind.id(), kind_for_status(v, status), "{what}");
            assert_excerpt(&p.message, &what);
            assert!(
                p.message
                    .starts_with("<html> <head><title>502 Bad Gateway</title></head> <body>"),
                "{what}: {}",
                p.message
            );
            assert!(p.message.ends_with('…'), "{what}");
            let expected_id = v
                .envelope
                .request_id_header
                .as_ref()
                .map(|_| HEADER_REQUEST_ID.to_owned());
            assert_eq!(p.request_id, expected_id, "{what}");
        }
    }
}

#[test]
fn html_page_codes_come_from_unambiguous_statuses() {
    let page = PROXY_PAGE.as_bytes();
    // A status is a code only where the catalog marks that code as its fallback.
    let catalog = support::catalog();
    let inkog = errcat::inkog::Error::from_response(413, &[], page);
    let fallback = support::code_for_status(support::vendor(&catalog, "inkog"), 413);
    assert_eq!(inkog.code().as_str(), fallback);
    assert_eq!(
        inkog.kind().id(),
        support::code(support::vendor(&catalog, "inkog"), &fallback)
            .map_or("unknown", |c| c.kind.id())
    );

    // Cert-IX documents two codes with 429: the page's code is unknown, and the status rules.
    let cert_ix = errcat::cert_ix::Error::from_response(429, &[("Retry-After", "4")], page);
    assert_eq!(
        cert_ix.code(),
        &errcat::cert_ix::ErrorCode::Unknown(String::new())
    );
    assert_eq!(cert_ix.kind(), errcat::ErrorKind::Unknown);
    assert_eq!(cert_ix.retry_rule(), errcat::Retry::RetryAfter);
    assert_eq!(
        cert_ix.retry_decision_with(1, &Request::new("POST"), 0.5),
        Decision::Retry {
            after: Duration::from_secs(4)
        }
    );
    assert!(
        cert_ix
            .to_string()
            .starts_with("Cert-IX unknown code (HTTP 429): <html>")
    );

    let pentify = errcat::pentify::Error::from_response(403, &[], page);
    assert_eq!(pentify.code().as_str(), "");
    let pentify = errcat::pentify::Error::from_response(502, &[], page);
    assert_eq!(pentify.code().as_str(), "");
    assert_eq!(pentify.retry_rule(), errcat::Retry::Idempotent);
    assert!(
        pentify
            .retry_decision_with(1, &Request::new("GET"), 0.5)
            .is_retry()
    );
    assert_eq!(
        pentify.retry_decision_with(1, &Request::new("POST"), 0.5),
        Decision::GiveUp {
            reason: GiveUpReason::NotIdempotent
        }
    );

    let vantaprism = errcat::vantaprism::Error::from_response(404, &[], page);
    let fallback = support::code_for_status(support::vendor(&catalog, "vantaprism"), 404);
    assert_eq!(vantaprism.code().as_str(), fallback);
    let defendis = errcat::defendis::Error::from_response(504, &[], page);
    assert_eq!(defendis.code(), &errcat::defendis::ErrorCode::Code504);
    assert_eq!(defendis.kind(), errcat::ErrorKind::Timeout);
}

#[test]
fn twenty_megabyte_bodies() {
    const SIZE: usize = 20 * 1024 * 1024;
    for v in &support::catalog().vendors {
        let code = plain_code(v);
        let status = code.statuses[0];
        // A valid envelope, padded far past the parse limit: it is not parsed.
        let mut body = envelope_body(v, &code.code);
        body.as_object_mut()
            .expect("an object")
            .insert("pad".to_owned(), json!("x".repeat(SIZE)));
        let text = body.to_string();
        let started = Instant::now();
        let p = parse(v, status, &[], text.as_bytes());
        assert!(started.elapsed() < Duration::from_secs(10), "{}", v.id);
        assert_eq!(p.code, support::code_for_status(v, status), "{}", v.id);
        assert_excerpt(&p.message, &v.id);
        assert!(p.message.ends_with('…'));
        assert_eq!(p.details, None);

        for filler in [b'a', b' ', b'{', 0xff] {
            let body = vec![filler; SIZE];
            let started = Instant::now();
            let p = parse(v, 502, &[], &body);
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{} {filler}",
                v.id
            );
            assert_eq!(
                p.code,
                support::code_for_status(v, 502),
                "{} {filler}",
                v.id
            );
            assert_excerpt(&p.message, &v.id);
        }
    }
}

#[test]
fn a_message_as_large_as_the_parse_limit_is_cut_to_max_message() {
    // JSON bodies here; `an_xml_message_as_large_as_the_parse_limit_is_cut_too` for XML.
    for v in &json_vendors() {
        let code = plain_code(v);
        let mut body = envelope_body(v, &code.code);
        let frame = body.to_string().len();
        let long = "y".repeat(MAX_BODY - frame - 10);
        *body.pointer_mut(&v.envelope.message).expect("message") = json!(long);
        let text = body.to_string();
        assert!(text.len() <= MAX_BODY);
        let p = parse(v, code.statuses[0], &[], text.as_bytes());
        assert_eq!(p.code, code.code, "{}", v.id);
        // Bounded by MAX_MESSAGE, not by the excerpt length, with an ellipsis for the cut.
        assert_eq!(p.message.len(), MAX_MESSAGE + '…'.len_utf8(), "{}", v.id);
        assert!(p.message.starts_with(&long[..MAX_MESSAGE]), "{}", v.id);
        assert!(p.message.ends_with('…'), "{}", v.id);

        // A message of exactly MAX_MESSAGE bytes is kept whole.
        *body.pointer_mut(&v.envelope.message).expect("message") = json!("y".repeat(MAX_MESSAGE));
        let p = parse(v, code.statuses[0], &[], body.to_string().as_bytes());
        assert!(p.message == "y".repeat(MAX_MESSAGE), "{}", v.id);

        // Three-byte characters: the cut steps back to a character boundary.
        let wide = "€".repeat(MAX_MESSAGE);
        *body.pointer_mut(&v.envelope.message).expect("message") = json!(wide);
        let p = parse(v, code.statuses[0], &[], body.to_string().as_bytes());
        let kept = MAX_MESSAGE / 3 * 3;
        assert_eq!(p.message.len(), kept + '…'.len_utf8(), "{}", v.id);
        assert!(p.message.starts_with(&wide[..kept]), "{}", v.id);
        assert!(p.message.ends_with('…'), "{}", v.id);
    }
}

#[test]
fn json_nested_a_hundred_thousand_deep() {
    const DEPTH: usize = 100_000;
    for v in &support::catalog().vendors {
        let first = v.envelope.message.split('/').nth(1).unwrap_or("error");
        let open_objects = format!("{{\"{first}\":").repeat(DEPTH);
        let mut balanced = open_objects.clone();
        balanced.push('1');
        balanced.push_str(&"}".repeat(DEPTH));
        // A real envelope whose details (or an extra field) nest too deep.
        let mut deep_details = envelope_body(v, &plain_code(v).code).to_string();
        deep_details.pop();
        deep_details.push_str(",\"extra\":");
        deep_details.push_str(&"[".repeat(DEPTH));
        deep_details.push_str(&"]".repeat(DEPTH));
        deep_details.push('}');
        let bodies = [
            "[".repeat(DEPTH),
            format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH)),
            open_objects,
            balanced,
            deep_details,
        ];
        for (i, body) in bodies.iter().enumerate() {
            let status = plain_code(v).statuses[0];
            let what = format!("{} body {i}", v.id);
            let started = Instant::now();
            let p = parse(v, status, &[], body.as_bytes());
            assert!(started.elapsed() < Duration::from_secs(10), "{what}");
            assert_eq!(p.code, support::code_for_status(v, status), "{what}");
            assert_excerpt(&p.message, &what);
            assert!(p.message.ends_with('…'), "{what}");
        }
    }
}

#[test]
fn nesting_within_the_parsers_limit_still_parses() {
    // JSON nesting; XML nesting is bounded at 127 elements (`errcat::xml`'s tests).
    for v in &json_vendors() {
        let mut body = envelope_body(v, &plain_code(v).code);
        let mut deep = json!(1);
        for _ in 0..100 {
            deep = json!([deep]);
        }
        body.as_object_mut()
            .expect("an object")
            .insert("extra".to_owned(), deep);
        let p = parse(
            v,
            plain_code(v).statuses[0],
            &[],
            body.to_string().as_bytes(),
        );
        assert_eq!(p.code, plain_code(v).code, "{}", v.id);
        assert_eq!(p.message, "msg", "{}", v.id);
    }
}

/// Every value of a type no envelope field has.
fn wrong_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(-7),
        json!(1.5),
        json!(1e300),
        json!(u64::MAX),
        json!([]),
        json!(["msg"]),
        json!({}),
        json!({"message": "msg", "code": "x"}),
    ]
}

/// The envelope's pointers and every proper prefix of them, the whole body included.
fn pointers_and_prefixes(v: &ir::Vendor) -> Vec<String> {
    let e = &v.envelope;
    let mut all = Vec::new();
    for pointer in [
        e.code.first().map(String::as_str),
        Some(e.message.as_str()),
        e.request_id.as_deref(),
        e.details.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        let mut prefix = String::new();
        all.push(prefix.clone());
        for key in pointer.split('/').skip(1) {
            prefix.push('/');
            prefix.push_str(key);
            all.push(prefix.clone());
        }
    }
    all.sort();
    all.dedup();
    all
}

#[test]
fn right_keys_with_wrong_types_at_every_pointer() {
    let mut checked = 0;
    // JSON types; an XML element holds only text.
    for v in &json_vendors() {
        let header = support::request_id_header(v);
        let code = plain_code(v);
        for pointer in pointers_and_prefixes(v) {
            for wrong in wrong_values() {
                let mut body = envelope_body(v, &code.code);
                *body
                    .pointer_mut(&pointer)
                    .unwrap_or_else(|| panic!("{}: {pointer:?} missing", v.id)) = wrong.clone();
                let text = body.to_string();
                for status in [code.statuses[0], 429, 503] {
                    let what = format!("{} HTTP {status}: {pointer:?} = {wrong}", v.id);
                    let p = parse(v, status, &[(header, HEADER_REQUEST_ID)], text.as_bytes());

                    let expected_code = match v
                        .envelope
                        .code
                        .first()
                        .map(String::as_str)
                        .and_then(|c| body.pointer(c))
                    {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Number(n)) => n.to_string(),
                        _ => support::code_for_status(v, status),
                    };
                    assert_eq!(p.code, expected_code, "{what}");
                    let expected_message = match body.pointer(&v.envelope.message) {
                        Some(Value::String(s)) => s.clone(),
                        _ => {
                            assert!(text.len() <= EXCERPT_LEN && !text.contains(' '));
                            text.clone()
                        }
                    };
                    assert_eq!(p.message, expected_message, "{what}");
                    // Text or the decimal text of a number; an empty id counts as none.
                    let from_body = v
                        .envelope
                        .request_id
                        .as_deref()
                        .and_then(|r| body.pointer(r))
                        .and_then(|id| match id {
                            Value::String(s) => Some(s.trim().to_owned()),
                            Value::Number(n) => Some(n.to_string()),
                            _ => None,
                        })
                        .filter(|id| !id.is_empty());
                    let from_header = v
                        .envelope
                        .request_id_header
                        .as_ref()
                        .map(|_| HEADER_REQUEST_ID.to_owned());
                    assert_eq!(p.request_id, from_body.or(from_header), "{what}");
                    let details = v.envelope.details.as_deref().and_then(|d| body.pointer(d));
                    assert_eq!(p.details.as_ref(), details, "{what}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 300, "{checked}");
}

/// Formats `time` as an IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(time: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let days = i64::try_from(seconds / 86_400).expect("days fit");
    let of_day = seconds % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = era * 400 + yoe + i64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        DAYS[usize::try_from(days.rem_euclid(7)).expect("small")],
        MONTHS[usize::try_from(month - 1).expect("small")],
        of_day / 3_600,
        of_day / 60 % 60,
        of_day % 60
    )
}

#[test]
fn http_date_helper_formats_the_rfc_example() {
    assert_eq!(
        http_date(UNIX_EPOCH + Duration::from_secs(784_111_777)),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
}

/// The first code of the vendor whose rule is to wait for the server's delay.
/// A code retried after the server's delay that a body alone parses to (not one told
/// apart by conditions on headers or the message).
fn retry_after_code(v: &ir::Vendor) -> Option<&ir::Code> {
    v.codes
        .iter()
        .filter(|c| c.retry == ir::Rule::RetryAfter)
        .find(|c| !v.keyed_by_status() || support::code_for_status(v, c.statuses[0]) == c.code)
}

#[test]
fn retry_after_values_servers_really_send() {
    let in_20s = http_date(SystemTime::now() + Duration::from_secs(20));
    let huge = Duration::from_secs(u64::from(u32::MAX));
    // (value, the delay it means; None when it is ignored)
    let cases: Vec<(String, Option<Duration>)> = vec![
        ("7".into(), Some(Duration::from_secs(7))),
        (" 7 ".into(), Some(Duration::from_secs(7))),
        ("\t7\t".into(), Some(Duration::from_secs(7))),
        ("\u{3000}7".into(), None),
        ("0".into(), Some(Duration::ZERO)),
        ("-1".into(), None),
        ("-0".into(), None),
        ("+7".into(), None),
        ("99999999999999999999999999".into(), Some(huge)),
        ("4294967296".into(), Some(huge)),
        ("1.5".into(), None),
        ("2.0".into(), None),
        ("1e3".into(), None),
        ("7s".into(), None),
        ("7, 7".into(), Some(Duration::from_secs(7))),
        ("7, 9".into(), Some(Duration::from_secs(9))),
        ("45, 60".into(), Some(Duration::from_secs(60))),
        ("soon, 7".into(), None),
        ("".into(), None),
        ("soon".into(), None),
        ("\u{0}".into(), None),
        ("７".into(), None),
        ("Sun, 06 Nov 1994 08:49:37 GMT".into(), Some(Duration::ZERO)),
        ("Thu, 32 Jan 2099 00:00:00 GMT".into(), None),
        ("Fri, 31 Dec 9999 23:59:59 GMT".into(), Some(huge)),
        ("2099-01-01T00:00:00Z".into(), None),
    ];
    let mut checked = 0;
    for v in &support::catalog().vendors {
        let Some(code) = retry_after_code(v) else {
            continue;
        };
        let header = v.retry.delay_header.as_deref().expect("a delay header");
        let status = code.statuses[0];
        let body = envelope_body(v, &code.code).to_string();
        let (backoff, cap) =
            with_module!(support::runtime_vendor(v), m => (m::BACKOFF, m::POLICY.max_server_delay));
        // The code's minimum delay, when it has one, raises every wait.
        let min = code
            .min_delay_ms
            .map_or(Duration::ZERO, Duration::from_millis);
        for (value, delay) in &cases {
            let what = format!("{} {}: Retry-After {value:?}", v.id, code.code);
            let p = parse(v, status, &[(header, value)], body.as_bytes());
            assert_eq!(p.code, code.code, "{what}");
            assert_eq!(p.retry_after, *delay, "{what}");
            let decision = with_module!(support::runtime_vendor(v), m => {
                m::Error::from_response(status, &[(header, value.as_str())], body.as_bytes())
                    .retry_decision_with(1, &Request::new("GET"), 0.5)
            });
            let expected = match delay {
                None => Decision::Retry {
                    after: backoff.delay(1, 0.5).max(min),
                },
                Some(wait) if cap.is_some_and(|cap| *wait > cap) => Decision::GiveUp {
                    reason: GiveUpReason::WaitTooLong {
                        wait: *wait,
                        cap: cap.unwrap_or_default(),
                        limit: Limit::Reference,
                    },
                },
                // errcat's default longest wait, where the reference's cap is shorter.
                Some(wait)
                    if (*wait).max(min) > cap.unwrap_or_default().max(Limits::DEFAULT_MAX_WAIT) =>
                {
                    Decision::GiveUp {
                        reason: GiveUpReason::WaitTooLong {
                            wait: (*wait).max(min),
                            cap: cap.unwrap_or_default().max(Limits::DEFAULT_MAX_WAIT),
                            limit: Limit::Default,
                        },
                    }
                }
                Some(wait) => Decision::Retry {
                    after: (*wait).max(min),
                },
            };
            assert_eq!(decision, expected, "{what}");
            checked += 1;
        }

        // A date 20 seconds ahead: the wait counts down from when the response is parsed.
        let p = parse(v, status, &[(header, &in_20s)], body.as_bytes());
        let wait = p.retry_after.expect("a date is a delay");
        assert!(
            wait > Duration::from_secs(17) && wait <= Duration::from_secs(20),
            "{} {wait:?}",
            v.id
        );

        // The header name in any case.
        for name in ["retry-after", "RETRY-AFTER", "Retry-After", "rEtRy-AfTeR"] {
            let p = parse(v, status, &[(name, "5")], body.as_bytes());
            assert_eq!(
                p.retry_after,
                Some(Duration::from_secs(5)),
                "{} {name}",
                v.id
            );
        }
        // Of duplicated headers, the longest valid wait counts.
        let twice = [("Retry-After", "9"), ("retry-after", "3")];
        assert_eq!(
            parse(v, status, &twice, body.as_bytes()).retry_after,
            Some(Duration::from_secs(9))
        );
        let bad_then_good = [("Retry-After", "soon"), ("Retry-After", "5")];
        assert_eq!(
            parse(v, status, &bad_then_good, body.as_bytes()).retry_after,
            Some(Duration::from_secs(5))
        );
        // A similar but different header is not read.
        for other in [
            "Retry-After-Ms",
            "X-Retry-After",
            "RetryAfter",
            "Retry_After",
        ] {
            assert_eq!(
                parse(v, status, &[(other, "5")], body.as_bytes()).retry_after,
                None,
                "{} {other}",
                v.id
            );
        }
    }
    assert!(checked >= 4 * cases.len(), "{checked}");
}

#[test]
fn retry_after_is_ignored_where_no_delay_header_is_documented_and_read_by_every_other_rule() {
    let defendis = errcat::defendis::Error::from_response(
        429,
        &[("Retry-After", "99999")],
        br#"{ "error": "Rate limit exceeded" }"#,
    );
    assert_eq!(defendis.retry_after(), None);
    assert_eq!(
        defendis.retry_decision_with(1, &Request::new("GET"), 0.0),
        Decision::Retry {
            after: Duration::from_millis(500)
        }
    );

    // Pentify's 500 rule is `backoff`: a Retry-After past its SDKs' 30 s still makes it give up.
    let pentify = errcat::pentify::Error::from_response(
        500,
        &[("Retry-After", "99999")],
        br#"{"error":{"code":"server_error","message":"Pentify internal failure."}}"#,
    );
    assert_eq!(pentify.retry_after(), Some(Duration::from_secs(99_999)));
    assert_eq!(
        pentify.retry_decision_with(1, &Request::new("GET"), 0.5),
        Decision::GiveUp {
            reason: GiveUpReason::WaitTooLong {
                wait: Duration::from_secs(99_999),
                cap: Duration::from_secs(30),
                limit: Limit::Reference,
            }
        }
    );
    // Within the cap, `backoff` waits the longer of its backoff and the server's delay.
    let pentify = errcat::pentify::Error::from_response(
        500,
        &[("Retry-After", "5")],
        br#"{"error":{"code":"server_error","message":"Pentify internal failure."}}"#,
    );
    assert_eq!(
        pentify.retry_decision_with(1, &Request::new("GET"), 0.5),
        Decision::Retry {
            after: Duration::from_secs(5)
        }
    );
    assert_eq!(
        pentify.retry_decision_with(4, &Request::new("GET"), 0.5),
        Decision::Retry {
            after: Duration::from_secs(8)
        }
    );

    // A `never` code stays `never` whatever the header says.
    let never = errcat::pentify::Error::from_response(
        400,
        &[("Retry-After", "1")],
        br#"{"error":{"code":"validation_error","message":"Bad."}}"#,
    );
    assert_eq!(
        never.retry_decision_with(1, &Request::new("GET"), 0.5),
        Decision::GiveUp {
            reason: GiveUpReason::NotRetryable
        }
    );
}

#[test]
fn odd_headers_do_not_disturb_parsing() {
    let body = br#"{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_1"}}"#;
    let headers = [
        ("", ""),
        ("Ünïcode", "välue"),
        ("Retry-After\0", "1"),
        ("Retry-After ", "2"),
        ("Retry-After", "\u{feff}3"),
        ("Retry-After", "4"),
    ];
    let e = errcat::pentify::Error::from_response(429, &headers, body);
    assert_eq!(e.code(), &errcat::pentify::ErrorCode::RateLimited);
    assert_eq!(e.request_id(), Some("req_1"));
    // The first header named exactly Retry-After carries a byte order mark, which is not
    // HTTP whitespace, so it is unusable and the next one counts.
    assert_eq!(e.retry_after(), Some(Duration::from_secs(4)));
}

/// An unknown code comes from a response: every `Display` escapes it and cuts
/// it short, while `as_str` keeps it as sent.
#[test]
fn unknown_codes_are_escaped_and_bounded_when_displayed() {
    use errcat::pentify::{Error, ErrorCode};
    use errcat::vendor::MAX_SHOWN_CODE;

    let forged = "bad\n2026-01-01 INFO forged line\u{1b}[31m\u{202e}";
    let huge = "é".repeat(20_000);
    for raw in [forged.to_owned(), huge.clone()] {
        let code = ErrorCode::from_code(&raw);
        assert_eq!(code.as_str(), raw, "as_str keeps the code as sent");
        let shown = code.to_string();
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        assert!(!shown.contains('\u{202e}'), "{shown:?}");
        assert!(
            shown.len() <= MAX_SHOWN_CODE * 10 + 4,
            "{} bytes",
            shown.len()
        );

        let body = serde_json::json!({"error": {"code": raw, "message": "m"}}).to_string();
        let err = Error::from_response(400, &[], body.as_bytes());
        assert_eq!(err.code().as_str(), raw);
        let line = err.to_string();
        assert!(line.contains(&shown), "{line:?}");
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert!(line.len() < 1_000, "{} bytes", line.len());
        let api = errcat::parse(errcat::Vendor::Pentify, 400, &[], body.as_bytes());
        assert_eq!(api.to_string(), line);
    }
    assert_eq!(
        ErrorCode::from_code(forged).to_string(),
        "bad\\u{a}2026-01-01 INFO forged line\\u{1b}[31m\\u{202e}"
    );
    let cut = ErrorCode::from_code(&huge).to_string();
    assert_eq!(cut, format!("{}…", "é".repeat(MAX_SHOWN_CODE / 2)));
}
