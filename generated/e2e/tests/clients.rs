//! End to end: a server on 127.0.0.1 replays the catalog's responses, proxies' pages, dropped connections and timeouts; reqwest through `errcat::reqwest_retry` and a hyper client through `errcat::tower_retry` retry them on tokio's paused clock, and every attempt and every wait is checked against what the catalog says.
//!
//! The expected attempts and waits are worked out here from the catalog's facts (rule,
//! statuses, backoff, attempt limit, safe methods, server-delay cap, codes safe for any
//! method) and the client's limits, not from errcat's answer. The same scripts then go
//! through the plain `errcat::parse` + `errcat::decide` API, which must agree.

// `with_module!` is for the tests that reach a vendor's module; these need none.
#[path = "support/server.rs"]
mod server;
#[allow(unused_macros, unused_imports)]
#[path = "../../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use errcat::{
    Attempt, Budget, Decision, Limit, Limits, Outcome, Request, TransportFailure, decide,
};
use errcat_codegen::{body, ir};
use http_body_util::{BodyExt, Full};
use serde_json::{Map, Value};
use server::{Server, Step};
use tower::{BoxError, Service, ServiceBuilder, ServiceExt};

/// The jitter sample every client and the plain API draw: the middle of `[0, 1)`, so a
/// proportional jitter scales by exactly 1 and an additive one adds half its spread.
const JITTER: f64 = 0.5;

/// The clients' timeout per attempt.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// How often a retryable failure repeats before the success in the "then succeeds" scripts.
const FAILURES: usize = 2;

/// The client's attempt limit in the "keeps failing" scripts: above every documented limit,
/// so a vendor's own limit shows where it has one.
const CLIENT_MAX_ATTEMPTS: u32 = 7;

/// The longest a client may take over one case, on the paused clock.
const CASE_BOUND: Duration = Duration::from_secs(24 * 3600);

/// The nginx page a proxy sends for a 502.
const PROXY_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// One scripted exchange and what the catalog says should come of it.
struct Case {
    name: String,
    /// The vendor's index in the catalog.
    vendor: usize,
    /// The same vendor in the crate.
    id: errcat::Vendor,
    method: &'static str,
    script: Vec<Step>,
    limits: Limits,
    /// A budget's capacity, for the case that drains one.
    budget: Option<u32>,
    expect: Expect,
}

/// What the client should do: how many attempts, each wait between two arrivals at the
/// server, and the last thing it got.
#[derive(Clone, Debug, PartialEq)]
struct Expect {
    attempts: usize,
    waits: Vec<Duration>,
    last: Last,
    /// Per error decision: `Some(wait)` for a retry, `None` for giving up.
    decisions: Vec<Option<Duration>>,
}

/// What the client ends with.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Last {
    Status(u16),
    NoResponse,
}

/// A scripted failure as the catalog describes it.
struct Failure {
    status: Option<u16>,
    rule: ir::Rule,
    any_method: bool,
    server_delay: Option<Duration>,
    /// The code's shortest wait, when the catalog gives one.
    min_delay: Option<Duration>,
    /// The time the client spends before it knows of the failure (its timeout).
    spent: Duration,
}

/// How the catalog's vendor `v` treats step `step`; `None` for a success.
fn failure(v: &ir::Vendor, step: &Step) -> Option<Failure> {
    let transport = |spent| Failure {
        status: None,
        rule: ir::Rule::Backoff,
        any_method: false,
        server_delay: None,
        min_delay: None,
        spent,
    };
    let (status, headers, body) = match step {
        Step::Drop => return Some(transport(Duration::ZERO)),
        Step::Hang => return Some(transport(CLIENT_TIMEOUT)),
        Step::Reply {
            status,
            headers,
            body,
        } => (*status, headers, body),
    };
    if status < 400 {
        return None;
    }
    // The code as the catalog's own reader finds it (JSON or XML, its
    // paths in order), else what the status alone maps to.
    let code = body::parse(v.envelope.format, body)
        .ok()
        .and_then(|doc| body::code(&doc, &v.envelope.code))
        .unwrap_or_else(|| support::code_for_status(v, status));
    let entry = support::code(v, &code);
    let rule = match entry {
        Some(entry) => entry.retry.clone(),
        // A code the catalog does not know: its status decides.
        None => match status {
            429 if v.retry.delay_header.is_some() => ir::Rule::RetryAfter,
            429 => ir::Rule::Backoff,
            500..=599 => ir::Rule::Idempotent,
            _ => ir::Rule::Never,
        },
    };
    let server_delay = v.retry.delay_header.as_ref().and_then(|name| {
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .filter_map(|(_, value)| value.trim().parse::<u64>().ok())
            .max()
            .map(Duration::from_secs)
    });
    Some(Failure {
        status: Some(status),
        rule,
        any_method: entry.is_some_and(|e| e.retry_any_method),
        server_delay,
        min_delay: entry
            .and_then(|e| e.min_delay_ms)
            .map(Duration::from_millis),
        spent: Duration::ZERO,
    })
}

/// The vendor's backoff before retry number `retry`, from the catalog's numbers.
fn backoff(v: &ir::Vendor, retry: u32) -> Duration {
    let r = &v.retry;
    let base = r.initial_ms.value as f64 * r.multiplier.value.powi(retry as i32 - 1);
    let jittered = match r.jitter {
        ir::Jitter::None => base,
        // A share of the capped delay.
        ir::Jitter::Full if r.max_ms.documented => base.min(r.max_ms.value as f64) * JITTER,
        ir::Jitter::Full => base * JITTER,
        ir::Jitter::Proportional(fraction) => base * (1.0 + fraction * (2.0 * JITTER - 1.0)),
        ir::Jitter::AdditiveMs(spread) => base + spread as f64 * JITTER,
    };
    let ms = if r.max_ms.documented {
        jittered.min(r.max_ms.value as f64)
    } else {
        jittered
    };
    Duration::from_secs_f64(ms / 1000.0)
}

/// What the catalog says vendor `v` does with `script` for a `method` request under the
/// client's attempt limit and deadline, and a budget of `budget` tokens (5 a retry, 10
/// after a timeout or reset).
fn expect(
    v: &ir::Vendor,
    method: &str,
    script: &[Step],
    limits: &Limits,
    mut budget: Option<u32>,
) -> Expect {
    let safe = v.retry.safe_methods.value.iter().any(|m| m == method);
    let reference_limit = v
        .retry
        .max_attempts
        .documented
        .then_some(v.retry.max_attempts.value);
    // errcat's defaults where neither the reference nor the client gives a number: the
    // default attempt limit only without the reference's, the default longest wait raised
    // to the reference's caps.
    let client_limit = match limits.max_attempts() {
        Some((_, Limit::Default)) if reference_limit.is_some() => None,
        limit => limit.map(|(n, _)| n),
    };
    let limit = [reference_limit, client_limit].into_iter().flatten().min();
    let max_wait = limits.max_wait().map(|(cap, whose)| match whose {
        Limit::Default => [
            v.retry.max_ms.documented.then_some(v.retry.max_ms.value),
            v.retry.max_server_delay_ms,
        ]
        .into_iter()
        .flatten()
        .map(Duration::from_millis)
        .fold(cap, Duration::max),
        _ => cap,
    });
    let deadline = limits.deadline().map(|(deadline, _)| deadline);
    let mut waits = Vec::new();
    let mut decisions = Vec::new();
    let mut elapsed = Duration::ZERO;
    for n in 1u32.. {
        let step = &script[(n as usize - 1).min(script.len() - 1)];
        let last = match step {
            Step::Reply { status, .. } => Last::Status(*status),
            Step::Drop | Step::Hang => Last::NoResponse,
        };
        let done = |waits, decisions| Expect {
            attempts: n as usize,
            waits,
            last,
            decisions,
        };
        let Some(f) = failure(v, step) else {
            return done(waits, decisions);
        };
        elapsed += f.spent;
        let give_up = |mut decisions: Vec<Option<Duration>>, waits| {
            decisions.push(None);
            done(waits, decisions)
        };
        if matches!(f.rule, ir::Rule::Never | ir::Rule::After(_)) {
            return give_up(decisions, waits);
        }
        if limit.is_some_and(|limit| n >= limit) {
            return give_up(decisions, waits);
        }
        let needs_safe = match f.status {
            Some(status) => (status >= 500 || f.rule == ir::Rule::Idempotent) && !f.any_method,
            None => true,
        };
        if needs_safe && !safe {
            return give_up(decisions, waits);
        }
        let wait = match (f.server_delay, &f.rule) {
            (Some(delay), ir::Rule::RetryAfter) => delay,
            (Some(delay), _) => delay.max(backoff(v, n)),
            (None, _) => backoff(v, n),
        }
        .max(f.min_delay.unwrap_or_default());
        let cap = v.retry.max_server_delay_ms.map(Duration::from_millis);
        if let (Some(delay), Some(cap)) = (f.server_delay, cap)
            && delay > cap
        {
            return give_up(decisions, waits);
        }
        if max_wait.is_some_and(|cap| wait > cap) {
            return give_up(decisions, waits);
        }
        if deadline.is_some_and(|deadline| elapsed + wait > deadline) {
            return give_up(decisions, waits);
        }
        if let Some(tokens) = &mut budget {
            // Every failure without a response here is a timeout or a reset.
            let cost = if f.status.is_none() { 10 } else { 5 };
            if *tokens < cost {
                return give_up(decisions, waits);
            }
            *tokens -= cost;
        }
        decisions.push(Some(wait));
        waits.push(f.spent + wait);
        elapsed += wait;
    }
    unreachable!("the loop returns")
}

/// An error body in vendor `v`'s envelope with `code` (when the vendor has a code field) and `message`.
fn envelope_body(v: &ir::Vendor, code: &str, message: &str) -> String {
    let mut json = Value::Object(Map::new());
    let mut put = |pointer: &str, value: &str| {
        let mut at = &mut json;
        for token in pointer.trim_start_matches('/').split('/') {
            if !at.is_object() {
                *at = Value::Object(Map::new());
            }
            at = at
                .as_object_mut()
                .expect("an object")
                .entry(token.to_owned())
                .or_insert(Value::Null);
        }
        *at = Value::String(value.to_owned());
    };
    if let Some(pointer) = v.envelope.code.first() {
        put(pointer, code);
    }
    put(&v.envelope.message, message);
    json.to_string()
}

/// Every case: the catalog's example responses, a long `Retry-After`, a POST 500, a
/// proxy's HTML 502, a dropped connection and a timeout for every vendor, and the
/// client's limits and a budget.
fn cases(catalog: &ir::Catalog) -> Vec<Case> {
    let mut cases = Vec::new();
    for (index, v) in catalog.vendors.iter().enumerate() {
        let mut add = |name: String,
                       method: &'static str,
                       script: Vec<Step>,
                       limits: Limits,
                       budget: Option<u32>| {
            let expect = expect(v, method, &script, &limits, budget);
            cases.push(Case {
                name: format!("{}: {name}", v.id),
                vendor: index,
                id: support::runtime_vendor(v),
                method,
                script,
                limits,
                budget,
                expect,
            });
        };
        let then_ok = |step: Step| {
            let mut script = vec![step; FAILURES];
            script.push(Step::ok());
            script
        };

        // Every example body under every code, and the envelope's example at every documented status.
        // A code told apart by conditions is held by the conformance cases
        // (vendors.json); this model resolves a body without a code by status.
        let plain = v.codes.iter().filter(|c| c.conditions.is_empty());
        for entry in plain {
            for example in &entry.examples {
                let step = Step::reply(example.status, &example.body);
                let name = format!("`{}` example {:?}", entry.code, example.title);
                add(name, "GET", then_ok(step), Limits::new(), None);
            }
        }
        let mut statuses: Vec<u16> = v.codes.iter().flat_map(|c| c.statuses.clone()).collect();
        statuses.sort_unstable();
        statuses.dedup();
        // A 304 carries no body in HTTP, so the example cannot be sent with it.
        // Likewise a status that a matched code may take.
        let special = |s: u16| {
            v.codes
                .iter()
                .any(|c| c.statuses.contains(&s) && !c.conditions.is_empty())
        };
        for status in statuses.into_iter().filter(|s| *s != 304 && !special(*s)) {
            let step = Step::reply(status, &v.envelope.example);
            let name = format!("envelope example at HTTP {status}");
            add(name, "GET", then_ok(step), Limits::new(), None);
        }

        // A server delay longer than 30 s on the vendor's 429.
        if let Some(header) = &v.retry.delay_header {
            let code = support::code_for_status(v, 429);
            let step =
                Step::reply(429, &envelope_body(v, &code, "Slow down")).with_header(header, "45");
            add(
                "429 with Retry-After: 45".to_owned(),
                "GET",
                then_ok(step),
                Limits::new(),
                None,
            );
        }

        // A POST that gets the vendor's 500.
        let code = v
            .codes
            .iter()
            .find(|c| c.statuses.contains(&500))
            .map_or_else(|| support::code_for_status(v, 500), |c| c.code.clone());
        let step = Step::reply(500, &envelope_body(v, &code, "Internal error"));
        add(
            "POST 500".to_owned(),
            "POST",
            then_ok(step),
            Limits::new(),
            None,
        );

        // A proxy's HTML 502, over and over, under the client's attempt limit.
        add(
            "proxy HTML 502 until the attempt limit".to_owned(),
            "GET",
            vec![Step::reply(502, PROXY_502)],
            Limits::new().with_max_attempts(CLIENT_MAX_ATTEMPTS),
            None,
        );
        // The same under a deadline of 5 s and under a budget of 12 tokens.
        add(
            "proxy HTML 502 until the deadline".to_owned(),
            "GET",
            vec![Step::reply(502, PROXY_502)],
            Limits::new()
                .with_max_attempts(CLIENT_MAX_ATTEMPTS)
                .with_deadline(Duration::from_secs(5)),
            None,
        );
        add(
            "proxy HTML 502 until the budget is empty".to_owned(),
            "GET",
            vec![Step::reply(502, PROXY_502)],
            Limits::new().with_max_attempts(CLIENT_MAX_ATTEMPTS),
            Some(12),
        );

        // A dropped connection and a timeout, for a GET and a POST.
        for method in ["GET", "POST"] {
            add(
                format!("{method} dropped connection"),
                method,
                then_ok(Step::Drop),
                Limits::new(),
                None,
            );
            add(
                format!("{method} timeout"),
                method,
                then_ok(Step::Hang),
                Limits::new(),
                None,
            );
        }
    }
    cases
}

/// What a client did in one case, read from the server's log.
#[derive(Debug, PartialEq)]
struct Seen {
    attempts: usize,
    waits: Vec<Duration>,
    last: Last,
}

/// The waits between the arrivals of `case`'s requests, to the millisecond.
fn seen(server: &Server, case: usize, last: Last) -> Seen {
    let arrivals = server.arrivals(case);
    let waits = arrivals
        .windows(2)
        .map(|pair| round_ms(pair[1] - pair[0]))
        .collect();
    Seen {
        attempts: arrivals.len(),
        waits,
        last,
    }
}

/// A duration rounded to the nearest millisecond.
fn round_ms(duration: Duration) -> Duration {
    Duration::from_millis(((duration.as_nanos() + 500_000) / 1_000_000) as u64)
}

/// What the catalog says the server should have seen.
fn wanted(expect: &Expect) -> Seen {
    Seen {
        attempts: expect.attempts,
        waits: expect.waits.iter().copied().map(round_ms).collect(),
        last: expect.last,
    }
}

/// The jitter every client draws.
fn fixed_jitter() -> f64 {
    JITTER
}

/// The client's limits and budget for a case, as a retrier for its vendor.
fn retrier(case: &Case) -> errcat::Retrier {
    let retrier = errcat::Retrier::new(case.id)
        .with_limits(case.limits)
        .with_jitter(fixed_jitter);
    match case.budget {
        Some(capacity) => retrier.with_budget(Budget::new().with_capacity(capacity)),
        None => retrier,
    }
}

/// A server for `cases`, bounded by the attempts they expect.
async fn serve(cases: &[Case]) -> Server {
    let scripts = cases.iter().map(|c| c.script.clone()).collect();
    let bound = cases.iter().map(|c| c.expect.attempts).sum::<usize>() + cases.len();
    Server::start(scripts, bound).await
}

/// Checks what the server saw of every case against the catalog, and the methods sent.
fn check_server(server: &Server, cases: &[Case], lasts: &[Last], client: &str) {
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let got = seen(server, i, lasts[i]);
        let want = wanted(&case.expect);
        if got != want {
            failures.push(format!(
                "{client}, {}:\n  saw    {got:?}\n  wanted {want:?}",
                case.name
            ));
        }
    }
    for hit in server.hits() {
        let case = hit.case.expect("every request names its case");
        assert_eq!(hit.method, cases[case].method, "{}", cases[case].name);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from the catalog:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Runs the client tests one at a time. tracing caches each callsite's interest
/// for the whole process, and while a single dispatcher exists it asks the
/// registering thread's own: a test thread without a subscriber that reaches
/// errcat's event first caches `never`, and a test capturing events beside it
/// then sees none (tokio-rs/tracing#3611, tracing-core 0.1).
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

#[tokio::test(start_paused = true)]
#[allow(
    clippy::await_holding_lock,
    reason = "the guard only orders tests, each on its own thread"
)]
async fn reqwest_through_the_middleware_retries_as_the_catalog_says() {
    let _serial = one_at_a_time();
    let catalog = support::catalog();
    let cases = cases(&catalog);
    let server = serve(&cases).await;
    let events = Capture::default();
    let _guard = tracing::subscriber::set_default(events.clone());
    let mut lasts = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let client = reqwest::Client::builder()
            .timeout(CLIENT_TIMEOUT)
            .no_proxy()
            .build()
            .expect("a reqwest client");
        let client = reqwest_middleware::ClientBuilder::new(client)
            .with(errcat::reqwest_retry::RetryMiddleware::new(retrier(case)))
            .build();
        let method = reqwest::Method::from_bytes(case.method.as_bytes()).expect("a method");
        let send = client.request(method, server.case_url(i)).send();
        let result = tokio::time::timeout(CASE_BOUND, send)
            .await
            .unwrap_or_else(|_| panic!("{}: no end within {CASE_BOUND:?}", case.name));
        let last = match result {
            Ok(response) => {
                let status = response.status().as_u16();
                // An error body handed back is the server's, whole.
                let body = response.text().await.expect("the body");
                let last_step = case.expect.attempts.min(case.script.len()) - 1;
                if let Step::Reply { body: sent, .. } = &case.script[last_step] {
                    assert_eq!(&body, sent, "{}: body", case.name);
                }
                Last::Status(status)
            }
            Err(_) => Last::NoResponse,
        };
        lasts.push(last);
        check_events(&events.take(), case, &catalog);
    }
    check_server(&server, &cases, &lasts, "reqwest");
    server.stop().await;
}

/// The failure behind a hyper client's error: errcat's classification, plus hyper's
/// own signs of a connection closed before the response was complete.
fn hyper_failure(error: &BoxError) -> Option<TransportFailure> {
    errcat::tower_retry::classify_error(error.as_ref()).or_else(|| {
        let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error.as_ref());
        while let Some(error) = next {
            if let Some(error) = error.downcast_ref::<hyper::Error>()
                && (error.is_incomplete_message() || error.is_closed())
            {
                return Some(TransportFailure::Reset);
            }
            if let Some(error) = error.downcast_ref::<hyper_util::client::legacy::Error>()
                && error.is_connect()
            {
                return Some(TransportFailure::Connect);
            }
            next = error.source();
        }
        None
    })
}

#[tokio::test(start_paused = true)]
#[allow(
    clippy::await_holding_lock,
    reason = "the guard only orders tests, each on its own thread"
)]
async fn a_hyper_client_under_the_tower_policy_retries_as_the_catalog_says() {
    let _serial = one_at_a_time();
    let catalog = support::catalog();
    let cases = cases(&catalog);
    let server = serve(&cases).await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let mut lasts = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let policy = errcat::tower_retry::RetryPolicy::new(retrier(case))
            .with_error_classifier(hyper_failure);
        let service = ServiceBuilder::new()
            .retry(policy)
            .timeout(CLIENT_TIMEOUT)
            .and_then(
                |response: http::Response<hyper::body::Incoming>| async move {
                    let (parts, body) = response.into_parts();
                    let body = body.collect().await?.to_bytes();
                    Ok::<_, BoxError>(http::Response::from_parts(parts, body))
                },
            )
            .service(client.clone());
        let request = http::Request::builder()
            .method(case.method)
            .uri(server.case_url(i))
            .body(Full::new(Bytes::new()))
            .expect("a request");
        let result = tokio::time::timeout(CASE_BOUND, service.oneshot(request))
            .await
            .unwrap_or_else(|_| panic!("{}: no end within {CASE_BOUND:?}", case.name));
        lasts.push(match result {
            Ok(response) => Last::Status(response.status().as_u16()),
            Err(_) => Last::NoResponse,
        });
    }
    check_server(&server, &cases, &lasts, "hyper + tower");
    server.stop().await;
}

#[test]
fn the_plain_api_agrees_with_the_catalog_on_every_case() {
    let catalog = support::catalog();
    let cases = cases(&catalog);
    let mut failures = Vec::new();
    for case in &cases {
        let vendor = case.id;
        let budget = case
            .budget
            .map(|capacity| Budget::new().with_capacity(capacity));
        let request = Request::new(case.method);
        let mut waits = Vec::new();
        let mut decisions = Vec::new();
        let mut elapsed = Duration::ZERO;
        let mut attempts = 0;
        let last = loop {
            attempts += 1;
            let step = &case.script[(attempts - 1).min(case.script.len() - 1)];
            let (outcome, spent, last) = match step {
                Step::Reply {
                    status,
                    headers,
                    body,
                } => {
                    if *status < 400 {
                        break Last::Status(*status);
                    }
                    let headers: Vec<(&str, &str)> = headers
                        .iter()
                        .map(|(n, v)| (n.as_str(), v.as_str()))
                        .collect();
                    let error = errcat::parse(vendor, *status, &headers[..], body.as_bytes());
                    (error.outcome(), Duration::ZERO, Last::Status(*status))
                }
                Step::Drop => (
                    Outcome::Transport(TransportFailure::Reset),
                    Duration::ZERO,
                    Last::NoResponse,
                ),
                Step::Hang => (
                    Outcome::Transport(TransportFailure::Timeout),
                    CLIENT_TIMEOUT,
                    Last::NoResponse,
                ),
            };
            elapsed += spent;
            let input = Attempt::new(vendor.policy(), outcome, &request)
                .with_attempt(attempts as u32)
                .with_limits(&case.limits)
                .with_elapsed(elapsed)
                .with_jitter(JITTER);
            let decision = match decide(&input) {
                Decision::Retry { .. }
                    if budget.as_ref().is_some_and(|b| !b.try_withdraw(&outcome)) =>
                {
                    None
                }
                decision => decision.delay(),
            };
            decisions.push(decision);
            match decision {
                Some(wait) => {
                    waits.push(spent + wait);
                    elapsed += wait;
                }
                None => break last,
            }
        };
        let got = Expect {
            attempts,
            waits: waits.into_iter().map(round_ms).collect(),
            last,
            decisions: decisions.into_iter().map(|d| d.map(round_ms)).collect(),
        };
        let want = Expect {
            waits: case.expect.waits.iter().copied().map(round_ms).collect(),
            decisions: case
                .expect
                .decisions
                .iter()
                .map(|d| d.map(round_ms))
                .collect(),
            ..case.expect.clone()
        };
        if got != want {
            failures.push(format!(
                "{}:\n  plain API {got:?}\n  catalog   {want:?}",
                case.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn the_cases_cover_what_the_catalog_and_the_network_can_do() {
    let catalog = support::catalog();
    let cases = cases(&catalog);
    let examples: usize = catalog
        .vendors
        .iter()
        .flat_map(|v| &v.codes)
        .map(|c| c.examples.len())
        .sum();
    assert!(examples >= 11, "only {examples} example bodies");
    let retried = cases.iter().filter(|c| c.expect.attempts > 1).count();
    let once = cases.iter().filter(|c| c.expect.attempts == 1).count();
    assert!(retried >= 20 && once >= 20, "{retried} retried, {once} not");
    // The three answers the references settle: a long Retry-After is honoured where no cap
    // is documented, refused where one is; a POST 500 is retried only where the code is
    // declared safe for any method.
    let case = |name: &str| {
        cases
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no case {name}"))
    };
    assert_eq!(
        case("vantaprism: 429 with Retry-After: 45").expect.waits,
        [Duration::from_secs(45); FAILURES]
    );
    assert_eq!(case("pentify: 429 with Retry-After: 45").expect.attempts, 1);
    assert_eq!(case("vantaprism: POST 500").expect.attempts, FAILURES + 1);
    assert_eq!(case("pentify: POST 500").expect.attempts, 1);
}

/// The decision events recorded for `case` agree with what the catalog says.
fn check_events(events: &[BTreeMap<String, String>], case: &Case, catalog: &ir::Catalog) {
    let v = &catalog.vendors[case.vendor];
    assert_eq!(
        events.len(),
        case.expect.decisions.len(),
        "{}: one event per decision: {events:?}",
        case.name
    );
    for (n, (event, decision)) in events.iter().zip(&case.expect.decisions).enumerate() {
        let what = format!("{} decision {}: {event:?}", case.name, n + 1);
        assert_eq!(event["level"], "DEBUG", "{what}");
        assert_eq!(event["vendor"], v.id, "{what}");
        assert_eq!(event["attempt"], (n + 1).to_string(), "{what}");
        match decision {
            Some(wait) => {
                assert_eq!(event["decision"], "retry", "{what}");
                assert_eq!(
                    event["wait_ms"],
                    round_ms(*wait).as_millis().to_string(),
                    "{what}"
                );
            }
            None => {
                assert_eq!(event["decision"], "give_up", "{what}");
                assert!(event.contains_key("reason"), "{what}");
            }
        }
        assert!(
            !event["code"].contains(['\n', '\r']),
            "{what}: the code is escaped"
        );
    }
}

/// A `tracing` subscriber that keeps the fields of every `errcat` event.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<BTreeMap<String, String>>>>);

impl Capture {
    /// The events so far, leaving none.
    fn take(&self) -> Vec<BTreeMap<String, String>> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Collects one event's fields as text.
struct Fields(BTreeMap<String, String>);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl tracing::Subscriber for Capture {
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == "errcat"
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(BTreeMap::new());
        event.record(&mut fields);
        fields
            .0
            .insert("level".to_owned(), event.metadata().level().to_string());
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(fields.0);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

/// A reqwest client for `retrier`, with the tests' timeout and no proxy.
fn reqwest_client(retrier: errcat::Retrier) -> reqwest_middleware::ClientWithMiddleware {
    let client = reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .no_proxy()
        .build()
        .expect("a reqwest client");
    reqwest_middleware::ClientBuilder::new(client)
        .with(errcat::reqwest_retry::RetryMiddleware::new(retrier))
        .build()
}

#[tokio::test(start_paused = true)]
#[allow(
    clippy::await_holding_lock,
    reason = "the guard only orders tests, each on its own thread"
)]
async fn a_refused_connection_is_retried_for_any_method_with_the_vendors_backoff() {
    let _serial = one_at_a_time();
    let catalog = support::catalog();
    let v = support::vendor(&catalog, "pentify");
    let max_attempts = v.retry.max_attempts.value;
    assert!(v.retry.max_attempts.documented);
    // A port that was just free: nothing listens on it.
    let port = {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind 127.0.0.1:0");
        listener.local_addr().expect("an address").port()
    };
    let events = Capture::default();
    let _guard = tracing::subscriber::set_default(events.clone());
    let retrier = errcat::Retrier::new(support::runtime_vendor(v)).with_jitter(fixed_jitter);
    let client = reqwest_client(retrier);
    for method in [reqwest::Method::GET, reqwest::Method::POST] {
        let started = tokio::time::Instant::now();
        let url = format!("http://127.0.0.1:{port}/");
        let result = client.request(method.clone(), url).send().await;
        assert!(result.is_err_and(|e| e.is_connect()), "{method}");
        // A connect failure was never sent: a POST is retried as a GET is, up to the limit.
        let waits: Vec<Duration> = (1..max_attempts).map(|n| backoff(v, n)).collect();
        let events = events.take();
        assert_eq!(events.len(), max_attempts as usize, "{method}: {events:?}");
        for (n, event) in events.iter().enumerate() {
            assert_eq!(event["code"], "connect", "{method}: {event:?}");
            assert_eq!(event["status"], "0", "{method}: {event:?}");
            match waits.get(n) {
                Some(wait) => assert_eq!(event["wait_ms"], wait.as_millis().to_string()),
                None => assert_eq!(event["reason"], "attempts_exhausted"),
            }
        }
        assert_eq!(
            round_ms(started.elapsed()),
            round_ms(waits.iter().sum()),
            "{method}"
        );
    }
}

#[tokio::test(start_paused = true)]
#[allow(
    clippy::await_holding_lock,
    reason = "the guard only orders tests, each on its own thread"
)]
async fn one_service_and_one_budget_serve_request_after_request() {
    let _serial = one_at_a_time();
    let catalog = support::catalog();
    let v = support::vendor(&catalog, "pentify");
    let vendor = support::runtime_vendor(v);
    // Each request fails twice with a 502 and then succeeds; the deadline allows two waits
    // and a second for the attempt after them (it bounds the whole call, attempts included).
    let script = {
        let mut script = vec![Step::reply(502, PROXY_502); FAILURES];
        script.push(Step::ok());
        script
    };
    let deadline = backoff(v, 1) + backoff(v, 2) + Duration::from_secs(1);
    let limits = Limits::new().with_deadline(deadline);
    let requests = 3;
    let server = Server::start(vec![script; requests * 2], requests * 2 * 3).await;
    // 5 tokens a retry, 1 back for a success: 50 tokens pay for the two retries of each
    // of the first five requests (10 each, 9 net) and leave 5, one retry of the last.
    let budget = Budget::new()
        .with_capacity(50)
        .with_retry_cost(5)
        .with_success_deposit(1);
    let retrier = errcat::Retrier::new(vendor)
        .with_limits(limits)
        .with_budget(budget.clone())
        .with_jitter(fixed_jitter);

    // One tower service takes request after request; each request counts its own
    // attempts and measures its own deadline from its first attempt.
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let mut service = ServiceBuilder::new()
        .retry(
            errcat::tower_retry::RetryPolicy::new(retrier.clone())
                .with_error_classifier(hyper_failure),
        )
        .and_then(
            |response: http::Response<hyper::body::Incoming>| async move {
                let (parts, body) = response.into_parts();
                let body = body.collect().await?.to_bytes();
                Ok::<_, BoxError>(http::Response::from_parts(parts, body))
            },
        )
        .service(client);
    let reqwest = reqwest_client(retrier);
    for case in 0..requests * 2 {
        let status = if case % 2 == 0 {
            let request = http::Request::get(server.case_url(case))
                .body(Full::new(Bytes::new()))
                .expect("a request");
            let ready = service.ready().await.expect("a ready service");
            let response = ready.call(request).await.expect("a response");
            response.status().as_u16()
        } else {
            let response = reqwest.get(server.case_url(case)).send().await;
            response.expect("a response").status().as_u16()
        };
        let arrivals = server.arrivals(case);
        if case + 1 < requests * 2 {
            assert_eq!(status, 200, "request {case}");
            assert_eq!(arrivals.len(), FAILURES + 1, "request {case}");
        } else {
            // The budget paid for one retry of the last request, not two.
            assert_eq!(status, 502, "request {case}");
            assert_eq!(arrivals.len(), 2, "request {case}");
        }
    }
    assert_eq!(budget.available(), 0);
    server.stop().await;
}

#[tokio::test(start_paused = true)]
#[allow(
    clippy::await_holding_lock,
    reason = "the guard only orders tests, each on its own thread"
)]
async fn a_post_carrying_the_vendors_idempotency_key_header_is_retried() {
    let _serial = one_at_a_time();
    let catalog = support::catalog();
    let v = support::vendor(&catalog, "pentify");
    let key = v
        .retry
        .idempotency_key
        .as_deref()
        .expect("Pentify documents an idempotency key");
    assert!(!v.retry.safe_methods.value.iter().any(|m| m == "POST"));
    let code = support::code_for_status(v, 500);
    let failure = Step::reply(500, &envelope_body(v, &code, "Internal error"));
    let script = vec![failure.clone(), failure, Step::ok()];
    // With the key the POST is safe to repeat, so it gets the GET's schedule.
    let keyed = expect(v, "GET", &script, &Limits::new(), None);
    assert_eq!(keyed.attempts, 3);
    let server = Server::start(vec![script; 5], 15).await;
    let retrier = errcat::Retrier::new(support::runtime_vendor(v)).with_jitter(fixed_jitter);

    let client = reqwest_client(retrier.clone());
    let sent = client.post(server.case_url(0)).header(key, "scan-7").send();
    assert_eq!(sent.await.expect("a response").status().as_u16(), 200);
    let unkeyed = client.post(server.case_url(1)).send();
    assert_eq!(unkeyed.await.expect("a response").status().as_u16(), 500);

    let hyper = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let service = ServiceBuilder::new()
        .retry(errcat::tower_retry::RetryPolicy::new(retrier).with_error_classifier(hyper_failure))
        .and_then(
            |response: http::Response<hyper::body::Incoming>| async move {
                let (parts, body) = response.into_parts();
                let body = body.collect().await?.to_bytes();
                Ok::<_, BoxError>(http::Response::from_parts(parts, body))
            },
        )
        .service(hyper);
    let request = http::Request::post(server.case_url(2))
        .header(key, "scan-8")
        .body(Full::new(Bytes::new()))
        .expect("a request");
    let response = service.clone().oneshot(request).await.expect("a response");
    assert_eq!(response.status().as_u16(), 200);

    // Pentify's key is a body field: a request marked `Idempotent` in its extensions is
    // repeated alike through both adapters, and the report comes back with the response.
    let body = r#"{"target":"example.com","idempotency_key":"scan-9"}"#;
    let slot = errcat::ReportSlot::new();
    let marked = client
        .post(server.case_url(3))
        .body(body)
        .with_extension(errcat::Idempotent)
        .with_extension(slot.clone())
        .send()
        .await
        .expect("a response");
    assert_eq!(marked.status().as_u16(), 200);
    let report = marked
        .extensions()
        .get::<errcat::Report>()
        .cloned()
        .expect("the report is in the response's extensions");
    assert_eq!(report.attempts(), 3);
    assert_eq!(report.waits().len(), 2);
    assert_eq!(
        report.decision().and_then(Decision::reason),
        Some(errcat::GiveUpReason::NotAnError)
    );
    assert_eq!(slot.take(), Some(report));
    let tower_slot = errcat::ReportSlot::new();
    let request = http::Request::post(server.case_url(4))
        .extension(errcat::Idempotent)
        .extension(tower_slot.clone())
        .body(Full::new(Bytes::from(body)))
        .expect("a request");
    let response = service.clone().oneshot(request).await.expect("a response");
    assert_eq!(response.status().as_u16(), 200);
    let report = response
        .extensions()
        .get::<errcat::Report>()
        .cloned()
        .expect("the report is in the response's extensions");
    assert_eq!(report.attempts(), 3);
    assert_eq!(tower_slot.take(), Some(report));

    for case in [0, 2, 3, 4] {
        assert_eq!(
            seen(&server, case, Last::Status(200)),
            wanted(&keyed),
            "case {case}"
        );
    }
    assert_eq!(
        server.arrivals(1).len(),
        1,
        "a POST without the key is not repeated"
    );
    server.stop().await;
}

#[tokio::test(start_paused = true)]
#[allow(
    clippy::await_holding_lock,
    reason = "the guard only orders tests, each on its own thread"
)]
async fn the_deadline_cancels_an_attempt_against_a_hanging_server() {
    let _serial = one_at_a_time();
    let catalog = support::catalog();
    let v = support::vendor(&catalog, "vantaprism");
    // A 10 s client timeout per attempt and a 2 s deadline for the whole call: the
    // attempt is cancelled at the deadline, not at its own timeout.
    let deadline = Duration::from_secs(2);
    let retrier = errcat::Retrier::new(support::runtime_vendor(v))
        .with_limits(Limits::new().with_deadline(deadline))
        .with_jitter(fixed_jitter);
    let server = Server::start(vec![vec![Step::Hang]], 3).await;
    let slot = errcat::ReportSlot::new();
    let started = tokio::time::Instant::now();
    let result = reqwest_client(retrier)
        .get(server.case_url(0))
        .with_extension(slot.clone())
        .send()
        .await;
    assert_eq!(started.elapsed(), deadline);
    let error = result.expect_err("a hanging server gives no response");
    let reqwest_middleware::Error::Middleware(error) = error else {
        panic!("not the middleware's error: {error}");
    };
    assert_eq!(
        error.downcast_ref::<errcat::reqwest_retry::DeadlineExceeded>(),
        Some(&errcat::reqwest_retry::DeadlineExceeded { deadline })
    );
    let report = slot.take().expect("the report is left in the slot");
    assert_eq!(report.attempts(), 1);
    assert_eq!(
        report.decision().and_then(Decision::reason),
        Some(errcat::GiveUpReason::DeadlineExceeded {
            deadline,
            limit: Limit::Client
        })
    );
    assert_eq!(server.arrivals(0).len(), 1);
    server.stop().await;
}
