//! What the adapters cost: the tower policy's decision per error response against the bare JSON parse of its body, and requests per second through the reqwest middleware against the same client without it.
//!
//! - `adapters/policy/all`: `tower::retry::Policy::retry` of `errcat::tower_retry::RetryPolicy`
//!   on every example body of the catalog in turn (an `http::Response<Bytes>` with the
//!   body's status and the headers an SDK would see), against
//!   `serde_json::from_slice::<serde_json::Value>` of the same bodies. The policy
//!   parses the body, decides, and returns the wait (a tokio `Sleep`, dropped unpolled).
//!   `errcat_parse_http` is `errcat::parse_http` alone on the same responses: what the
//!   policy costs beyond parsing.
//! - `adapters/loopback`: one GET answered 200 by a hyper server on 127.0.0.1, sent by
//!   `reqwest::Client` directly, through `reqwest_middleware` with no middleware, and
//!   with `errcat::reqwest_retry::RetryMiddleware`, one request at a time on one tokio
//!   runtime (client and server on one thread, so the ratio is the middleware's own
//!   cost, not the scheduler's).

#[path = "../e2e/tests/support/server.rs"]
mod server;

use std::hint::black_box;
use std::path::Path;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use errcat::tower_retry::RetryPolicy;
use server::{Server, Step};
use tower::retry::Policy;

/// Every example body of the catalog (each vendor's envelope example with its first
/// documented status, and every example under a code with its status) as a response with
/// the headers an SDK would see, for its vendor.
fn responses() -> Vec<(errcat::Vendor, http::Response<Bytes>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
    let catalog = errcat_codegen::load_catalog(&dir)
        .unwrap_or_else(|problems| panic!("the catalog does not load:\n{problems:?}"));
    let mut out = Vec::new();
    for v in &catalog.vendors {
        let vendor = errcat::Vendor::from_id(&v.id).expect("a vendor the crate knows");
        let first_status = v.codes.first().map_or(400, |c| c.statuses[0]);
        let examples = v
            .codes
            .iter()
            .flat_map(|c| &c.examples)
            .map(|e| (e.status, e.body.as_str()));
        let envelope = std::iter::once((first_status, v.envelope.example.as_str()));
        for (status, body) in envelope.chain(examples) {
            let mut response = http::Response::builder()
                .status(status)
                .header("Content-Type", "application/json")
                .header("Date", "Tue, 04 Nov 2025 10:00:00 GMT")
                .header("X-Request-Id", "req_from_the_header");
            if matches!(status, 429 | 503) {
                response = response.header("Retry-After", "2");
            }
            let response = response
                .body(Bytes::from(body.to_owned()))
                .expect("a valid response");
            out.push((vendor, response));
        }
    }
    out
}

fn policy(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    // `tokio::time::sleep` needs a runtime to build its timer.
    let _entered = runtime.enter();
    let mut cases: Vec<(RetryPolicy, Result<http::Response<Bytes>, tower::BoxError>)> = responses()
        .into_iter()
        .map(|(vendor, response)| (RetryPolicy::new(vendor).with_jitter(|| 0.5), Ok(response)))
        .collect();
    assert!(cases.len() >= 16, "only {} bodies", cases.len());
    let mut request = http::Request::builder()
        .method("GET")
        .uri("http://127.0.0.1/")
        .body(())
        .expect("a request");

    let mut group = c.benchmark_group("adapters/policy/all");
    group.throughput(criterion::Throughput::Elements(cases.len() as u64));
    group.bench_function("errcat_tower_policy", |b| {
        b.iter(|| {
            for (policy, result) in &mut cases {
                // tower clones the policy for every request.
                let mut session = policy.clone();
                black_box(session.retry(&mut request, black_box(result)));
            }
        })
    });
    group.bench_function("errcat_parse_http", |b| {
        b.iter(|| {
            for (policy, result) in &cases {
                if let Ok(response) = result {
                    let vendor = policy.retrier().vendor();
                    black_box(errcat::parse_http(vendor, black_box(response)));
                }
            }
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            for (_, result) in &cases {
                let body = result
                    .as_ref()
                    .map(|r| r.body().as_ref())
                    .unwrap_or_default();
                black_box(serde_json::from_slice::<serde_json::Value>(black_box(body)).ok());
            }
        })
    });
    group.finish();
}

fn loopback(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let server = runtime.block_on(Server::start(vec![vec![Step::ok()]], usize::MAX));
    let url = server.case_url(0);
    let plain = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    let wrapped = reqwest_middleware::ClientBuilder::new(plain.clone()).build();
    let retrying = reqwest_middleware::ClientBuilder::new(plain.clone())
        .with(errcat::reqwest_retry::RetryMiddleware::new(
            errcat::Vendor::Pentify,
        ))
        .build();

    let mut group = c.benchmark_group("adapters/loopback");
    group.throughput(criterion::Throughput::Elements(1));
    group.bench_function("reqwest", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let response = plain.get(&url).send().await.expect("a response");
                black_box(response.bytes().await.expect("a body"));
            })
        })
    });
    group.bench_function("reqwest_middleware_without_middleware", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let response = wrapped.get(&url).send().await.expect("a response");
                black_box(response.bytes().await.expect("a body"));
            })
        })
    });
    group.bench_function("reqwest_with_errcat_middleware", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let response = retrying.get(&url).send().await.expect("a response");
                black_box(response.bytes().await.expect("a body"));
            })
        })
    });
    group.finish();
    runtime.block_on(server.stop());
}

criterion_group!(benches, policy, loopback);
criterion_main!(benches);
