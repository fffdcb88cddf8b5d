//! Every scenario of `generated/conformance/scenarios.json` through the reqwest middleware, against a server on 127.0.0.1 on tokio's paused clock: waits advance it, and the report the middleware returns must give the scenario's attempts, waits, final decision and last result.
//!
//! A connect failure is a request to a port nothing listens on: a middleware placed after
//! errcat's sends the attempts the scenario scripts as `connect` there, and every other
//! attempt to the server, whose script holds the scenario's other steps in order.

#[path = "support/server.rs"]
mod server;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use errcat::{Budget, Decision, Limits, ReportSlot, Vendor};
use http::Extensions;
use reqwest_middleware::{Middleware, Next};
use serde_json::{Value, json};
use server::{Server, Step};

/// The client's timeout per attempt, which a `timeout` step runs into.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends the attempts scripted as `connect` to a port nothing listens on.
struct Refuse {
    connect: Vec<bool>,
    attempts: Arc<AtomicUsize>,
    closed: String,
}

impl Middleware for Refuse {
    fn handle<'life0, 'life1, 'life2, 'async_trait>(
        &'life0 self,
        mut request: reqwest::Request,
        extensions: &'life1 mut Extensions,
        next: Next<'life2>,
    ) -> Pin<
        Box<
            dyn Future<Output = reqwest_middleware::Result<reqwest::Response>>
                + Send
                + 'async_trait,
        >,
    >
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        Self: 'async_trait,
    {
        let n = self.attempts.fetch_add(1, Ordering::SeqCst);
        let refused = self.connect[n.min(self.connect.len() - 1)];
        if refused && let Ok(url) = reqwest::Url::parse(&self.closed) {
            *request.url_mut() = url;
        }
        Box::pin(next.run(request, extensions))
    }
}

fn limits_of(l: &Value) -> Limits {
    let mut limits = Limits::new();
    let ms = |v: &Value| Duration::from_millis(v.as_u64().unwrap_or_default());
    match l.get("max_attempts") {
        Some(Value::Null) => limits = limits.without_max_attempts(),
        Some(n) => limits = limits.with_max_attempts(n.as_u64().unwrap_or_default() as u32),
        None => {}
    }
    match l.get("max_wait_ms") {
        Some(Value::Null) => limits = limits.without_max_wait(),
        Some(v) => limits = limits.with_max_wait(ms(v)),
        None => {}
    }
    match l.get("deadline_ms") {
        Some(Value::Null) => limits = limits.without_deadline(),
        Some(v) => limits = limits.with_deadline(ms(v)),
        None => {}
    }
    limits
}

fn step_of(step: &Value) -> Option<Step> {
    if step.get("hang").is_some() || step["failure"] == "timeout" {
        return Some(Step::Hang);
    }
    match step["failure"].as_str() {
        Some("reset") => Some(Step::Drop),
        Some(_) => None,
        None => {
            let mut reply = Step::reply(
                step["status"].as_u64().unwrap_or_default() as u16,
                step["body"].as_str().unwrap_or_default(),
            );
            for pair in step["headers"].as_array().into_iter().flatten() {
                reply = reply.with_header(
                    pair[0].as_str().unwrap_or_default(),
                    pair[1].as_str().unwrap_or_default(),
                );
            }
            Some(reply)
        }
    }
}

/// A port on 127.0.0.1 that nothing listens on: bound, then released.
async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("its address");
    drop(listener);
    format!("http://{address}/v1/things")
}

async fn run(s: &Value) -> Value {
    let vendor = Vendor::from_id(s["vendor"].as_str().unwrap_or_default()).expect("a vendor");
    let steps = s["responses"].as_array().cloned().unwrap_or_default();
    let connect: Vec<bool> = steps
        .iter()
        .map(|step| step["failure"] == "connect")
        .collect();
    let script: Vec<Step> = steps.iter().filter_map(step_of).collect();
    let script = if script.is_empty() {
        vec![Step::ok()]
    } else {
        script
    };
    let server = Server::start(vec![script], 60).await;
    let jitter = s["jitter"].as_f64().unwrap_or_default();
    let mut retrier = errcat::Retrier::new(vendor)
        .with_limits(limits_of(&s["limits"]))
        .with_jitter(move || jitter);
    if let Some(b) = s.get("budget") {
        retrier = retrier.with_budget(
            Budget::new()
                .with_capacity(b["capacity"].as_u64().unwrap_or_default() as u32)
                .with_available(b["available"].as_u64().unwrap_or_default() as u32),
        );
    }
    let client = reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .no_proxy()
        .build()
        .expect("a reqwest client");
    let client = reqwest_middleware::ClientBuilder::new(client)
        .with(errcat::reqwest_retry::RetryMiddleware::new(retrier))
        .with(Refuse {
            connect,
            attempts: Arc::new(AtomicUsize::new(0)),
            closed: closed_port().await,
        })
        .build();
    let request = &s["request"];
    let method = request["method"].as_str().unwrap_or("GET");
    let slot = ReportSlot::new();
    let mut builder = client
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).expect("a method"),
            server.case_url(0),
        )
        .body(request["body"].as_str().unwrap_or_default().to_owned())
        .with_extension(slot.clone());
    if request["idempotent"] == true {
        builder = builder.with_extension(errcat::Idempotent);
    }
    let last = match builder.send().await {
        Ok(response) => json!({"status": response.status().as_u16()}),
        Err(reqwest_middleware::Error::Middleware(_)) => json!({"error": "deadline"}),
        Err(reqwest_middleware::Error::Reqwest(error)) => {
            let failure = if error.is_connect() {
                "connect"
            } else if error.is_timeout() {
                "timeout"
            } else {
                "reset"
            };
            json!({ "error": failure })
        }
    };
    server.stop().await;
    let report = slot.take().expect("the middleware leaves its report");
    let waits: Vec<u64> = report
        .waits()
        .iter()
        .map(|w| ((w.as_nanos() + 500_000) / 1_000_000) as u64)
        .collect();
    let mut got = json!({
        "attempts": report.attempts(),
        "waits_ms": waits,
        "decision": if report.decision().is_some_and(Decision::is_retry) { "retry" } else { "give_up" },
        "reason": report.decision().and_then(Decision::reason).map(|r| r.id()),
    });
    if let Some(limit) = report
        .decision()
        .and_then(Decision::reason)
        .and_then(|r| r.limit())
    {
        got["limit"] = limit.id().into();
    }
    got["last"] = last;
    got
}

#[tokio::test(start_paused = true)]
async fn every_scenario_through_the_reqwest_middleware() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/scenarios.json");
    let text = std::fs::read_to_string(&path).expect("scenarios.json");
    let file: Value = serde_json::from_str(&text).expect("JSON");
    let scenarios = file["scenarios"].as_array().expect("scenarios");
    assert!(scenarios.len() >= 20);
    let mut failures = Vec::new();
    for s in scenarios {
        let got = run(s).await;
        if got != s["expect"] {
            failures.push(format!(
                "{}\n    expected {}\n    got      {got}",
                s["name"], s["expect"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
