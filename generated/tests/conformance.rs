//! Every case of `generated/conformance/` against the Rust crate: the parse
//! cases through `errcat::parse`, the retry and edge cases through `decide`
//! with the case's attempt, request, limits, elapsed time, jitter and budget.
//! The TypeScript and Python packages run the same files and must give the
//! same answers; see `generated/conformance/README.md` for where the expected
//! answers come from.

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use errcat::{
    ApiError, Attempt, Budget, Decision, Limits, Outcome, Request, TransportFailure, Vendor, decide,
};
use serde_json::{Value, json};

/// The clock of a case without its own `now`: the one the generated cases are worked out at.
const NOW: u64 = 1_700_000_000;

fn path(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("conformance")
        .join(name)
}

/// The cases of one file.
fn cases(name: &str) -> Vec<Value> {
    let path = path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    file["cases"].as_array().cloned().unwrap_or_default()
}

fn vendor(case: &Value) -> Vendor {
    let id = case["vendor"].as_str().unwrap_or_default();
    Vendor::from_id(id).unwrap_or_else(|| panic!("{}: no vendor {id}", case["name"]))
}

fn headers(case: &Value) -> Vec<(String, String)> {
    case["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            let text = |i: usize| pair[i].as_str().unwrap_or_default().to_owned();
            (text(0), text(1))
        })
        .collect()
}

fn uint(value: &Value) -> Option<u64> {
    value.as_u64()
}

/// Runs every case of `file` through `run`, and reports every disagreement at once.
fn check(file: &str, run: impl Fn(&Value) -> Value) {
    let all = cases(file);
    assert!(!all.is_empty(), "{file} has no cases");
    let failures: Vec<String> = all
        .iter()
        .filter_map(|case| {
            let got = run(case);
            (got != case["expect"]).then(|| {
                format!(
                    "{}\n    expected {}\n    got      {got}",
                    case["name"], case["expect"]
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases of {file} disagree:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// A case's limits: a number sets a limit, `null` removes it, and a limit the case does
/// not name keeps errcat's default.
pub fn limits_of(l: &Value) -> Limits {
    let mut limits = Limits::new();
    match l.get("max_attempts") {
        Some(Value::Null) => limits = limits.without_max_attempts(),
        Some(n) => limits = limits.with_max_attempts(uint(n).unwrap_or_default() as u32),
        None => {}
    }
    match l.get("max_wait_ms") {
        Some(Value::Null) => limits = limits.without_max_wait(),
        Some(ms) => {
            limits = limits.with_max_wait(Duration::from_millis(uint(ms).unwrap_or_default()))
        }
        None => {}
    }
    match l.get("deadline_ms") {
        Some(Value::Null) => limits = limits.without_deadline(),
        Some(ms) => {
            limits = limits.with_deadline(Duration::from_millis(uint(ms).unwrap_or_default()))
        }
        None => {}
    }
    limits
}

/// The response of a case parsed at the case's `now` (seconds; [`NOW`] when it has none).
fn parsed(case: &Value) -> ApiError {
    let status = uint(&case["status"]).unwrap_or_default() as u16;
    let body = case["body"].as_str().unwrap_or_default();
    let now = UNIX_EPOCH + Duration::from_secs(uint(&case["now"]).unwrap_or(NOW));
    errcat::parse_at(vendor(case), status, &headers(case), body.as_bytes(), now)
}

/// Everything a parse case's `expect` holds, as the crate gives it.
fn parse_facts(err: &ApiError) -> Value {
    let rate_limit = err.rate_limit().map(|r| {
        json!({
            "limit": r.limit,
            "remaining": r.remaining,
            "used": r.used,
            "reset_ms": r.reset.map(|d| d.as_millis() as u64),
        })
    });
    json!({
        "code": err.code(),
        "message": err.message(),
        "request_id": err.request_id(),
        "kind": err.kind().id(),
        "type": err.error_type(),
        "subcode": err.subcode(),
        "fields": err.fields(),
        "vendor_docs_url": err.vendor_docs_url(),
        "rate_limit": rate_limit,
    })
}

#[test]
fn every_parse_case_agrees() {
    check("parse.json", |case| parse_facts(&parsed(case)));
}

/// The decision a retry or edge case gives, in the cases' own terms.
fn decision(case: &Value) -> Value {
    let policy = vendor(case).policy();
    let mut code = None;
    let outcome = match case["failure"].as_str() {
        Some(failure) => Outcome::Transport(match failure {
            "connect" => TransportFailure::Connect,
            "timeout" => TransportFailure::Timeout,
            "reset" => TransportFailure::Reset,
            other => panic!("{}: unknown failure {other}", case["name"]),
        }),
        None => {
            let err = parsed(case);
            code = Some(err.code().to_owned());
            err.outcome()
        }
    };
    let mut request = Request::new(case["method"].as_str().unwrap_or_default());
    if case["idempotency_key"].as_bool() == Some(true) {
        request = request.with_idempotency_key();
    }
    let limits = limits_of(&case["limits"]);
    let budget = case.get("budget").map(|b| {
        Budget::new()
            .with_capacity(uint(&b["capacity"]).unwrap_or_default() as u32)
            .with_available(uint(&b["available"]).unwrap_or_default() as u32)
    });
    let mut input = Attempt::new(policy, outcome, &request)
        .with_attempt(uint(&case["attempt"]).unwrap_or_default() as u32)
        .with_limits(&limits)
        .with_elapsed(Duration::from_millis(
            uint(&case["elapsed_ms"]).unwrap_or_default(),
        ))
        .with_jitter(case["jitter"].as_f64().unwrap_or_default());
    if let Some(budget) = &budget {
        input = input.with_budget(budget);
    }
    let mut got = match decide(&input) {
        Decision::Retry { after } => {
            let ms = (after.as_nanos() + 500_000) / 1_000_000;
            json!({"decision": "retry", "delay_ms": ms as u64})
        }
        Decision::GiveUp { reason } => {
            let mut v = json!({"decision": "give_up", "reason": reason.id()});
            if let Some(limit) = reason.limit() {
                v["limit"] = limit.id().into();
            }
            v
        }
    };
    if case["expect"].get("code").is_some() {
        got["code"] = code.into();
    }
    got
}

#[test]
fn every_retry_case_agrees() {
    check("retry.json", decision);
}

#[test]
fn every_edge_case_agrees() {
    check("edge.json", decision);
}

/// What a budget case's steps give: the capacity, the start and each step's answer.
fn budget_steps(case: &Value) -> Value {
    let b = &case["budget"];
    let setting = |key: &str| uint(&b[key]).map(|n| n as u32);
    let mut budget = Budget::new();
    if let Some(n) = setting("capacity") {
        budget = budget.with_capacity(n);
    }
    if let Some(n) = setting("retry_cost") {
        budget = budget.with_retry_cost(n);
    }
    if let Some(n) = setting("timeout_cost") {
        budget = budget.with_timeout_cost(n);
    }
    if let Some(n) = setting("success_deposit") {
        budget = budget.with_success_deposit(n);
    }
    if let Some(n) = setting("available") {
        budget = budget.with_available(n);
    }
    let start = budget.available();
    let response = Outcome::Response {
        status: 503,
        rule: errcat::Retry::Backoff,
        any_method: false,
        retry_after: None,
        min_delay: None,
        should_retry: None,
        known_code: true,
    };
    let steps: Vec<Value> = case["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|step| {
            let outcome = match step.as_str().unwrap_or_default() {
                "success" => {
                    budget.deposit_success();
                    return json!({"available": budget.available()});
                }
                "response" => response,
                "connect" => Outcome::Transport(TransportFailure::Connect),
                "timeout" => Outcome::Transport(TransportFailure::Timeout),
                "reset" => Outcome::Transport(TransportFailure::Reset),
                other => panic!("{}: unknown step {other}", case["name"]),
            };
            let allowed = budget.try_withdraw(&outcome);
            json!({"allowed": allowed, "available": budget.available()})
        })
        .collect();
    json!({"capacity": budget.capacity(), "available": start, "steps": steps})
}

#[test]
fn every_budget_case_agrees() {
    check("budget.json", budget_steps);
}

/// The hand-written real-vendor cases, when the file is there: each case's decision as
/// an edge case's, and with `parse` also every parse fact.
#[test]
fn every_vendor_case_agrees() {
    if !path("vendors.json").is_file() {
        return;
    }
    let all = cases("vendors.json");
    let failures: Vec<String> = all
        .iter()
        .flat_map(|case| {
            let mut wrong = Vec::new();
            let got = decision(case);
            if got != case["expect"] {
                wrong.push(format!(
                    "{}\n    expected {}\n    got      {got}",
                    case["name"], case["expect"]
                ));
            }
            if let Some(expected) = case.get("parse") {
                let got = parse_facts(&parsed(case));
                if &got != expected {
                    wrong.push(format!(
                        "{} (parse)\n    expected {expected}\n    got      {got}",
                        case["name"]
                    ));
                }
            }
            wrong
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} disagreements over {} cases of vendors.json:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
