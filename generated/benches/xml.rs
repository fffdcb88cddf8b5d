//! `Error::from_response` on Amazon S3's XML example body, against quick-xml's own
//! plain parse of the same bytes.
//!
//! The body is the S3 envelope example from `catalog/aws-s3.yaml`, sent with a
//! `Content-Type` and the `x-amz-request-id` header, as an SDK would pass them.
//! The contenders, each including the drop of what it returns:
//!
//! - `errcat_from_response`: `errcat::aws_s3::Error::from_response`: the hardened
//!   read of the code, message, request id and `resource` paths, then the code lookup.
//! - `quick_xml_plain`: `quick_xml::Reader::from_str` reading every event to the end,
//!   the least any XML read of the body does.
//!
//! Run with `cargo bench --manifest-path generated/benches/Cargo.toml --bench xml`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use quick_xml::events::Event;

/// The S3 envelope example, verbatim from the catalog.
fn s3_example() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let catalog = errcat_codegen::load_catalog(&dir)
        .unwrap_or_else(|problems| panic!("the catalog does not load:\n{problems:?}"));
    catalog
        .vendors
        .iter()
        .find(|v| v.id == "aws-s3")
        .map(|v| v.envelope.example.clone())
        .expect("catalog/aws-s3.yaml")
}

/// Every event of the document, counted so the read cannot be optimised away.
fn plain(body: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(body);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => return events,
            Ok(event) => {
                black_box(&event);
                events += 1;
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let body = s3_example();
    let headers = [
        ("Content-Type", "application/xml"),
        ("x-amz-request-id", "4442587FB7D0A2F9"),
    ];
    let parsed = errcat::aws_s3::Error::from_response(404, &headers, body.as_bytes());
    assert_eq!(
        parsed.code().as_str(),
        "NoSuchKey",
        "the bench parses what it claims to"
    );
    assert!(plain(&body) > 0);

    let mut group = c.benchmark_group("xml/aws-s3");
    group.bench_function("errcat_from_response", |b| {
        b.iter(|| {
            errcat::aws_s3::Error::from_response(
                black_box(404),
                black_box(&headers[..]),
                black_box(body.as_bytes()),
            )
        })
    });
    group.bench_function("quick_xml_plain", |b| b.iter(|| plain(black_box(&body))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
