//! Every example body in the catalog, parsed by the crate: the code, message and request id come out as the reference shows them.

mod support;

use errcat::vendor::VendorCode;
use errcat_codegen::body::{self, Doc};
use errcat_codegen::ir;
use serde_json::Value;
use support::with_module;

/// The request id the tests send in the vendor's request-id header.
const HEADER_REQUEST_ID: &str = "req_from_the_header";

/// What one parse gave, read through either API.
#[derive(Debug, PartialEq)]
struct Parsed {
    vendor: errcat::Vendor,
    status: u16,
    code: String,
    known: bool,
    kind: errcat::ErrorKind,
    message: String,
    request_id: Option<String>,
    retry_rule: errcat::Retry,
}

/// What the catalog says a body should parse to.
struct Expected<'a> {
    code: String,
    entry: Option<&'a ir::Code>,
    message: String,
    request_id: Option<String>,
}

/// Parses through the vendor's own module: `errcat::<vendor>::Error::from_response`.
fn typed(vendor: errcat::Vendor, status: u16, headers: &[(&str, &str)], body: &[u8]) -> Parsed {
    with_module!(vendor, m => {
        let e = m::Error::from_response(status, headers, body);
        assert_eq!(
            *e.code(),
            m::ErrorCode::from_code(e.code().as_str()),
            "the typed code is the variant of its own wire string"
        );
        assert_eq!(<m::ErrorCode as VendorCode>::VENDOR, vendor);
        Parsed {
            vendor: e.vendor(),
            status: e.status(),
            code: e.code().as_str().to_owned(),
            known: e.code().is_known(),
            kind: e.kind(),
            message: e.message().to_owned(),
            request_id: e.request_id().map(str::to_owned),
            retry_rule: e.retry_rule(),
        }
    })
}

/// Parses through the crate's single entry point, `errcat::parse`.
fn untyped(vendor: errcat::Vendor, status: u16, headers: &[(&str, &str)], body: &[u8]) -> Parsed {
    let api = errcat::parse(vendor, status, headers, body);
    let retry_rule = with_module!(vendor, m => {
        m::Error::from_response(status, headers, body).retry_rule()
    });
    Parsed {
        vendor: api.vendor(),
        status: api.status(),
        code: api.code().to_owned(),
        known: api.kind() != errcat::ErrorKind::Unknown,
        kind: api.kind(),
        message: api.message().to_owned(),
        request_id: api.request_id().map(str::to_owned),
        retry_rule,
    }
}

/// The string at `path` in `doc`, if there is one.
fn text_at(doc: &Doc, path: &str) -> Option<String> {
    body::text(doc, path, false)
}

/// What `body` sent with `status` and `headers` should give, computed from the catalog,
/// the body (read by the generator's own reader, JSON or XML) and the headers alone.
fn expected<'a>(
    v: &'a ir::Vendor,
    status: u16,
    text: &str,
    doc: &Doc,
    headers: &[(&str, &str)],
    what: &str,
) -> Expected<'a> {
    // A body without a message (Stripe's envelope example) gives an excerpt of itself.
    let in_body = text_at(doc, &v.envelope.message);
    let message = in_body
        .clone()
        .unwrap_or_else(|| errcat::response::excerpt(text.as_bytes()));
    let code = match body::code(doc, &v.envelope.code) {
        Some(code) => code,
        None if v.keyed_by_status() => {
            support::code_for_response(v, status, in_body.as_deref(), headers)
        }
        None => panic!("{what}: no code at the code paths {:?}", v.envelope.code),
    };
    // The request id is text or the decimal text of a number; an empty one counts as none.
    let request_id = v
        .envelope
        .request_id
        .as_deref()
        .and_then(|path| body::lookup(doc, path))
        .and_then(|id| match id {
            Value::String(text) => Some(text.trim().to_owned()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        })
        .filter(|id| !id.is_empty())
        .or_else(|| {
            v.envelope
                .request_id_header
                .as_ref()
                .map(|_| HEADER_REQUEST_ID.to_owned())
        });
    Expected {
        entry: support::code(v, &code),
        code,
        message,
        request_id,
    }
}

/// The headers a case sends: the request id, and those that `extra` adds.
fn headers<'h>(v: &'h ir::Vendor, extra: &'h [(String, String)]) -> Vec<(&'h str, &'h str)> {
    let mut headers = vec![(support::request_id_header(v), HEADER_REQUEST_ID)];
    headers.extend(extra.iter().map(|(n, value)| (n.as_str(), value.as_str())));
    headers
}

/// Parses `body` with `headers` both ways and checks both against `want`.
fn check(
    v: &ir::Vendor,
    status: u16,
    headers: &[(&str, &str)],
    body: &str,
    want: &Expected<'_>,
    what: &str,
) {
    let vendor = support::runtime_vendor(v);
    let typed = typed(vendor, status, headers, body.as_bytes());
    let untyped = untyped(vendor, status, headers, body.as_bytes());
    assert_eq!(
        typed, untyped,
        "{what}: errcat::parse and from_response differ"
    );

    assert_eq!(typed.vendor, vendor, "{what}: vendor");
    assert_eq!(typed.status, status, "{what}: status");
    assert_eq!(typed.code, want.code, "{what}: code");
    assert_eq!(typed.message, want.message, "{what}: message");
    assert_eq!(typed.request_id, want.request_id, "{what}: request id");
    assert_eq!(typed.known, want.entry.is_some(), "{what}: known code");
    match want.entry {
        Some(entry) => {
            assert_eq!(typed.kind.id(), entry.kind.id(), "{what}: kind");
            assert!(
                support::same_rule(&entry.retry, typed.retry_rule),
                "{what}: retry rule {:?}, the catalog says {:?}",
                typed.retry_rule,
                entry.retry
            );
        }
        None => assert_eq!(typed.kind, errcat::ErrorKind::Unknown, "{what}: kind"),
    }

    let shown = errcat::parse(vendor, status, headers, body.as_bytes()).to_string();
    assert!(
        shown.contains(&want.message),
        "{what}: Display {shown:?} lacks the message"
    );
    assert!(
        shown.contains(&format!("HTTP {status}")),
        "{what}: Display {shown:?} lacks the status"
    );
}

#[test]
fn every_reference_body_parses_to_what_the_reference_shows() {
    let catalog = support::catalog();
    let mut code_examples = 0;
    let mut envelope_examples = 0;
    for v in &catalog.vendors {
        for entry in &v.codes {
            for example in &entry.examples {
                let what = format!("{} `{}` example {:?}", v.id, entry.code, example.title);
                let doc = body::parse(v.envelope.format, &example.body)
                    .unwrap_or_else(|e| panic!("{what}: unreadable: {e:?}"));
                // A code told apart by headers is shown with the headers that tell it.
                let extra = support::condition_headers(entry);
                let headers = headers(v, &extra);
                let want = expected(v, example.status, &example.body, &doc, &headers, &what);
                assert_eq!(want.code, entry.code, "{what}: the body shows another code");
                check(v, example.status, &headers, &example.body, &want, &what);
                code_examples += 1;
            }
        }

        // The envelope's example body, sent with every status the vendor documents.
        let doc = body::parse(v.envelope.format, &v.envelope.example)
            .unwrap_or_else(|e| panic!("{} envelope example: unreadable: {e:?}", v.id));
        let headers = headers(v, &[]);
        let mut statuses: Vec<u16> = v.codes.iter().flat_map(|c| c.statuses.clone()).collect();
        statuses.sort_unstable();
        statuses.dedup();
        assert!(!statuses.is_empty(), "{}: no statuses", v.id);
        for status in statuses {
            let what = format!("{} envelope example at HTTP {status}", v.id);
            let want = expected(v, status, &v.envelope.example, &doc, &headers, &what);
            check(v, status, &headers, &v.envelope.example, &want, &what);
        }
        envelope_examples += 1;
    }

    let in_catalog: usize = catalog
        .vendors
        .iter()
        .flat_map(|v| &v.codes)
        .map(|c| c.examples.len())
        .sum();
    assert_eq!(code_examples, in_catalog);
    assert_eq!(envelope_examples, catalog.vendors.len());
    // The catalog holds 11 example bodies under its codes and one envelope example per vendor.
    assert!(code_examples >= 11, "only {code_examples} code examples");
    assert!(
        code_examples + envelope_examples >= 13,
        "only {} bodies checked",
        code_examples + envelope_examples
    );
}

#[test]
fn the_crate_doc_example_body_is_a_pentify_rate_limit() {
    let body = br#"{"error":{"code":"rate_limited","message":"Slow down","request_id":"req_1"}}"#;
    let err = errcat::pentify::Error::from_response(429, &[("Retry-After", "2")], body);
    assert_eq!(err.code(), &errcat::pentify::ErrorCode::RateLimited);
    assert_eq!(err.message(), "Slow down");
    assert_eq!(err.request_id(), Some("req_1"));
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(2)));
    assert_eq!(
        err.to_string(),
        "Pentify rate_limited (HTTP 429): Slow down [request id req_1]"
    );
}

#[test]
fn defendis_request_id_comes_from_the_header_in_any_case() {
    let body = br#"{ "error": "Rate limit exceeded" }"#;
    for name in ["x-request-id", "X-Request-Id", "X-REQUEST-ID"] {
        let err = errcat::defendis::Error::from_response(429, &[(name, " req_42 ")], body);
        assert_eq!(err.request_id(), Some("req_42"), "{name}");
        assert_eq!(err.code(), &errcat::defendis::ErrorCode::Code429);
        assert_eq!(err.message(), "Rate limit exceeded");
    }
    let none = errcat::defendis::Error::from_response(429, &[], body);
    assert_eq!(none.request_id(), None);
    // An empty or all-space header is no request id.
    for blank in ["", "  ", " \t "] {
        let err = errcat::defendis::Error::from_response(429, &[("x-request-id", blank)], body);
        assert_eq!(err.request_id(), None, "{blank:?}");
    }
}

#[test]
fn pentify_request_id_is_text_or_a_number_and_never_blank() {
    let with_id = |id: &str| {
        let body =
            format!(r#"{{"error":{{"code":"rate_limited","message":"m","request_id":{id}}}}}"#);
        errcat::pentify::Error::from_response(429, &[], body.as_bytes())
    };
    assert_eq!(with_id("42").request_id(), Some("42"));
    assert_eq!(with_id(r#"" req_1 ""#).request_id(), Some("req_1"));
    for blank in [r#""""#, r#""   ""#] {
        assert_eq!(with_id(blank).request_id(), None, "{blank}");
    }
}
