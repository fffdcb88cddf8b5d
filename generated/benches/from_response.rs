//! `Error::from_response` and `errcat::parse` on every example body of the
//! catalog, against `serde_json::from_slice::<serde_json::Value>` of the same bytes.
//!
//! The bodies are read from `catalog/*.yaml` when the bench starts (JSON
//! vendors only; `xml.rs` measures the XML ones): each vendor's envelope example and every example under its codes. Each is sent
//! with a `Content-Type`, a `Date` and the vendor's request-id header, plus
//! `Retry-After: 2` for a 429 or a 503, as an SDK would pass a response's
//! headers. One group per body (`from_response/<vendor>/<code>`), and one,
//! `from_response/all`, that parses every body in turn.
//!
//! The contenders, each including the drop of what it returns:
//!
//! - `errcat_from_response`: `errcat::<vendor>::Error::from_response`.
//! - `errcat_parse`: `errcat::parse`, the entry point for any vendor.
//! - `serde_json_value`: the bare JSON parse that both start with.
//!
//! `from_response/parts/pentify` breaks one body's time down (see `parts`).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use errcat::vendor::{VendorCode, VendorError};

/// `from_response` for one vendor's code type, its result dropped.
type Typed = fn(u16, &[(&str, &str)], &[u8]);

fn typed<C: VendorCode>(status: u16, headers: &[(&str, &str)], body: &[u8]) {
    black_box(VendorError::<C>::from_response(status, headers, body));
}

/// The vendor's own `from_response`.
fn typed_for(vendor: errcat::Vendor) -> Typed {
    use errcat::Vendor;
    match vendor {
        Vendor::AwsS3 => typed::<errcat::aws_s3::ErrorCode>,
        Vendor::CertIx => typed::<errcat::cert_ix::ErrorCode>,
        Vendor::Defendis => typed::<errcat::defendis::ErrorCode>,
        Vendor::Github => typed::<errcat::github::ErrorCode>,
        Vendor::Inkog => typed::<errcat::inkog::ErrorCode>,
        Vendor::Pentify => typed::<errcat::pentify::ErrorCode>,
        Vendor::Stripe => typed::<errcat::stripe::ErrorCode>,
        Vendor::Vantaprism => typed::<errcat::vantaprism::ErrorCode>,
        other => panic!("the bench has no module for {other:?}: add it to `typed_for`"),
    }
}

/// One example response.
struct Response {
    /// `<vendor>/<code>`, or `<vendor>/envelope` for the envelope's example.
    name: String,
    vendor: errcat::Vendor,
    typed: Typed,
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
    body: Vec<u8>,
}

/// Every example body of the catalog, with a status and headers.
fn responses() -> Vec<Response> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let catalog = errcat_codegen::load_catalog(&dir)
        .unwrap_or_else(|problems| panic!("the catalog does not load:\n{problems:?}"));
    let mut out: Vec<Response> = Vec::new();
    for v in &catalog.vendors {
        let vendor = errcat::Vendor::from_id(&v.id)
            .unwrap_or_else(|| panic!("errcat has no vendor `{}`", v.id));
        let request_id_header: &'static str = match &v.envelope.request_id_header {
            Some(name) => Box::leak(name.clone().into_boxed_str()),
            None => "X-Request-Id",
        };
        let mut push = |label: &str, status: u16, body: &str| {
            let mut headers = vec![
                ("Content-Type", "application/json"),
                ("Date", "Tue, 04 Nov 2025 10:00:00 GMT"),
                (request_id_header, "req_from_the_header"),
            ];
            if matches!(status, 429 | 503) {
                headers.push(("Retry-After", "2"));
            }
            out.push(Response {
                name: format!("{}/{label}", v.id),
                vendor,
                typed: typed_for(vendor),
                status,
                headers,
                body: body.as_bytes().to_vec(),
            });
        };
        // XML bodies are measured against quick-xml by `benches/xml.rs`.
        if v.envelope.format == errcat_codegen::ir::Format::Xml {
            continue;
        }
        // The envelope's example goes with the status of the code it shows,
        // else with the vendor's first documented status.
        let json: serde_json::Value = serde_json::from_str(&v.envelope.example)
            .unwrap_or_else(|e| panic!("{}: the envelope example is not JSON: {e}", v.id));
        let shown = v
            .envelope
            .code
            .first()
            .and_then(|pointer| json.pointer(pointer))
            .and_then(serde_json::Value::as_str);
        let status = v
            .codes
            .iter()
            .find(|c| Some(c.code.as_str()) == shown)
            .or(v.codes.first())
            .map_or(400, |c| c.statuses[0]);
        push("envelope", status, &v.envelope.example);
        for code in &v.codes {
            for example in &code.examples {
                push(&code.code, example.status, &example.body);
            }
        }
    }
    // A code with several examples: `<vendor>/<code>`, `<vendor>/<code>_2`, ...
    for i in 0..out.len() {
        let same = out[..i].iter().filter(|r| r.name == out[i].name).count();
        if same > 0 {
            out[i].name = format!("{}_{}", out[i].name, same + 1);
        }
    }
    out
}

fn from_response(c: &mut Criterion) {
    let responses = responses();
    assert!(responses.len() >= 13, "only {} bodies", responses.len());
    for r in &responses {
        assert!(
            serde_json::from_slice::<serde_json::Value>(&r.body).is_ok(),
            "{}: not JSON",
            r.name
        );
    }

    for r in &responses {
        let mut group = c.benchmark_group(format!("from_response/{}", r.name));
        let (status, headers, body) = (r.status, r.headers.as_slice(), r.body.as_slice());
        group.bench_function("errcat_from_response", |b| {
            b.iter(|| (r.typed)(black_box(status), black_box(headers), black_box(body)))
        });
        group.bench_function("errcat_parse", |b| {
            b.iter(|| {
                errcat::parse(
                    black_box(r.vendor),
                    black_box(status),
                    black_box(headers),
                    black_box(body),
                )
            })
        });
        group.bench_function("serde_json_value", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)))
        });
        group.finish();
    }

    let mut group = c.benchmark_group("from_response/all");
    group.throughput(criterion::Throughput::Elements(responses.len() as u64));
    group.bench_function("errcat_from_response", |b| {
        b.iter(|| {
            for r in &responses {
                (r.typed)(
                    black_box(r.status),
                    black_box(&r.headers),
                    black_box(&r.body),
                );
            }
        })
    });
    group.bench_function("errcat_parse", |b| {
        b.iter(|| {
            for r in &responses {
                black_box(errcat::parse(
                    black_box(r.vendor),
                    black_box(r.status),
                    black_box(&r.headers),
                    black_box(&r.body),
                ));
            }
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            for r in &responses {
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(&r.body)).ok());
            }
        })
    });
    group.finish();
}

/// Where the time goes, on the Pentify envelope example: the JSON parse, the
/// envelope extraction at a fixed time (`RawError::parse_at`: no clock read, no
/// code lookup), the whole `from_response`, and one envelope field found in
/// the parsed body with `Value::pointer` and with `Value::get`.
fn parts(c: &mut Criterion) {
    let r = responses()
        .into_iter()
        .find(|r| r.name == "pentify/envelope")
        .expect("the catalog has a Pentify envelope example");
    let envelope = &errcat::pentify::ENVELOPE;
    let delay_header = errcat::pentify::POLICY.delay_header;
    let pointer = *envelope.code.first().expect("Pentify has a code pointer");
    let json: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let by_get = |json: &serde_json::Value| {
        tokens
            .iter()
            .try_fold(json, |at, token| at.get(token))
            .is_some()
    };
    assert!(json.pointer(pointer).is_some() && by_get(&json));
    let (status, headers, body) = (r.status, r.headers.as_slice(), r.body.as_slice());

    let mut group = c.benchmark_group("from_response/parts/pentify");
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)))
    });
    group.bench_function("raw_error_parse_at", |b| {
        b.iter(|| {
            errcat::RawError::parse_at(
                black_box(envelope),
                delay_header,
                black_box(status),
                black_box(headers),
                black_box(body),
                std::time::SystemTime::UNIX_EPOCH,
            )
        })
    });
    group.bench_function("errcat_from_response", |b| {
        b.iter(|| (r.typed)(black_box(status), black_box(headers), black_box(body)))
    });
    group.bench_function("value_pointer", |b| {
        b.iter(|| black_box(&json).pointer(black_box(pointer)).is_some())
    });
    group.bench_function("value_get", |b| b.iter(|| by_get(black_box(&json))));
    group.finish();
}

criterion_group!(benches, from_response, parts);
criterion_main!(benches);
