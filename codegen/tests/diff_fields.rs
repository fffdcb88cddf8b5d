//! `diff` sees a change to every field of the catalog's schema: the test walks
//! the JSON Schema `cargo xtask codegen` writes, and for each field found there
//! changes it in a vendor that uses every field, then checks that the diff
//! reports a change. A field added to the schema without a change here fails,
//! naming the field, so no field that changes generated behaviour can go unseen.

use errcat_codegen::diff;
use errcat_codegen::ir::Catalog;
use errcat_codegen::load::Source;
use serde_json::{Value, json};

/// A vendor with every field of the schema (the note form of `deprecated`
/// is the details form's other shape; it is changed as a whole).
fn base() -> Value {
    json!({
        "name": "Acme",
        "summary": "Errors.",
        "source": "https://docs.acme.test/errors",
        "docs_url": "https://errors.acme.test/",
        "envelope": {
            "code": "/error/code",
            "code_note": "Stable.",
            "message": "/error/message",
            "request_id": "/error/request_id",
            "request_id_header": "X-Request-Id",
            "details": "/error/details",
            "example": "{\"error\": {\"code\": \"gone\", \"message\": \"m\", \"request_id\": \"r\", \"details\": {}, \"kind\": \"gone\"}}"
        },
        "rate_limit_headers": [{"name": "X-Limit", "description": "Left."}],
        "retry": {
            "max_attempts": 4,
            "backoff": {"initial": "500ms", "multiplier": 2, "max": "20s", "jitter": {"proportional": 0.2}},
            "max_server_delay": "30s",
            "delay_header": "Retry-After",
            "safe_methods": ["GET"],
            "idempotency_key": "Idempotency-Key",
            "guidance": "Retry."
        },
        "sdk": {"typescript": "AcmeError"},
        "categories": [{"id": "other", "name": "Other"}, {"id": "lookups", "name": "Lookups"}],
        "errors": [
            {
                "code": "gone",
                "status": [404, 410],
                "kind": "not_found",
                "meaning": "Gone.",
                "message": "Gone {id}.",
                "resolution": "Stop.",
                "category": "lookups",
                "retry": "backoff",
                "retry_any_method": true,
                "sdk": {"typescript": "GoneError"},
                "aliases": ["Gone"],
                "deprecated": {"since": "2024", "why": "Merged.", "replacement": "current"},
                "removed": {"since": "2025", "why": "Not sent."},
                "examples": [{"title": "Gone", "status": 410, "body": "{\"error\": {\"code\": \"gone\", \"message\": \"m\", \"kind\": \"gone\"}}"}]
            },
            {"code": "current", "status": 400, "kind": "invalid_request", "meaning": "Now.", "retry": {"after": "Fix it"}},
            {"code": "later", "status": 409, "kind": "conflict", "meaning": "Later.", "retry": "never"}
        ]
    })
}

/// A field of the schema, as a path (`[]` for the first item of a list),
/// and the fields set to change it, each with its new value: the field
/// itself, or the enclosing one for a variant of an externally tagged value
/// such as `{after: ...}`, and what must change with it to stay valid.
type Edit = (&'static str, Vec<(&'static str, Value)>);

/// An edit for every field of the schema.
fn changes() -> Vec<Edit> {
    let same = |(path, value): (&'static str, Value)| (path, vec![(path, value)]);
    let mut out: Vec<_> = [
        ("name", json!("Acme Two")),
        ("summary", json!("Other errors.")),
        ("source", json!("https://docs.acme.test/v2")),
        ("docs_url", json!("https://errors.acme.test/v2/")),
        ("envelope", json!({"code": "/error/code", "message": "/error/message", "example": "{\"error\": {\"code\": \"gone\", \"message\": \"m\"}}"})),
        ("envelope.code", json!("/error/kind")),
        ("envelope.code_note", json!("Stable, really.")),
        ("envelope.message", json!("/error/code")),
        ("envelope.request_id", json!("/error/message")),
        ("envelope.request_id_header", json!("X-Id")),
        ("envelope.details", json!("/error/request_id")),
        ("envelope.example", json!("{\"error\": {\"code\": \"gone\", \"message\": \"n\", \"request_id\": \"r\", \"details\": {}, \"kind\": \"gone\"}}")),
        ("rate_limit_headers", json!([])),
        ("rate_limit_headers[].name", json!("X-Left")),
        ("rate_limit_headers[].description", json!("Remaining.")),
        ("retry", json!({"delay_header": "Retry-After"})),
        ("retry.max_attempts", json!(3)),
        ("retry.backoff", json!({"initial": "1s"})),
        ("retry.backoff.initial", json!("600ms")),
        ("retry.backoff.multiplier", json!(3)),
        ("retry.backoff.max", json!("25s")),
        ("retry.backoff.jitter", json!({"proportional": 0.5})),
        ("retry.backoff.jitter.proportional", json!(0.3)),
        ("retry.max_server_delay", json!("60s")),
        ("retry.delay_header", json!("X-Retry-After")),
        ("retry.safe_methods", json!(["GET", "PUT"])),
        ("retry.idempotency_key", json!("X-Key")),
        ("retry.guidance", json!("Retry later.")),
        ("sdk", json!({"typescript": "AcmeApiError"})),
        ("categories", json!([{"id": "lookups", "name": "Lookups"}])),
        ("categories[].id", json!("finds")),
        ("categories[].name", json!("Finds")),
        ("errors", json!([{"code": "gone", "status": 404, "kind": "not_found", "meaning": "Gone.", "retry": "never"}])),
        ("errors[].status", json!([404, 410, 411])),
        ("errors[].kind", json!("failed_precondition")),
        ("errors[].meaning", json!("Gone for good.")),
        ("errors[].message", json!("Gone {name}.")),
        ("errors[].resolution", json!("Stop now.")),
        ("errors[].category", json!("other")),
        ("errors[].retry", json!("idempotent")),
        ("errors[].retry_any_method", json!(false)),
        ("errors[].sdk", json!({"typescript": "GoneAwayError"})),
        ("errors[].aliases", json!(["GONE"])),
        ("errors[].deprecated", json!("Merged in 2024.")),
        ("errors[].deprecated.since", json!("2023")),
        ("errors[].deprecated.why", json!("Split.")),
        ("errors[].deprecated.replacement", json!("later")),
        ("errors[].removed", Value::Null),
        ("errors[].removed.since", json!("2026")),
        ("errors[].removed.why", json!("Gone.")),
        ("errors[].examples", json!([])),
        ("errors[].examples[].title", json!("Gone away")),
        ("errors[].examples[].status", json!(404)),
        ("errors[].examples[].body", json!("{\"error\": {\"code\": \"gone\", \"message\": \"n\", \"kind\": \"gone\"}}")),
    ]
    .into_iter()
    .map(same)
    .collect();
    out.push((
        "errors[].retry.after",
        vec![
            ("errors[].retry", json!({"after": "Wait"})),
            ("errors[].retry_any_method", Value::Null),
        ],
    ));
    out.push((
        "retry.backoff.jitter.additive",
        vec![("retry.backoff.jitter", json!({"additive": "1s"}))],
    ));
    out.push((
        "errors[].code",
        vec![
            ("errors[].code", json!("gone_away")),
            ("errors[].examples", Value::Null),
        ],
    ));
    out
}

/// Every field path of a JSON Schema, `[]` marking a list's items.
fn schema_paths(schema: &Value) -> Vec<String> {
    fn walk(node: &Value, defs: &Value, path: &str, depth: usize, out: &mut Vec<String>) {
        if depth > 12 {
            return;
        }
        if let Some(name) = node["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
            walk(&defs[name], defs, path, depth + 1, out);
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            for x in node[key].as_array().into_iter().flatten() {
                walk(x, defs, path, depth + 1, out);
            }
        }
        if node["items"].is_object() {
            walk(&node["items"], defs, &format!("{path}[]"), depth + 1, out);
        }
        for (name, sub) in node["properties"].as_object().into_iter().flatten() {
            let p = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if !out.contains(&p) {
                out.push(p.clone());
            }
            walk(sub, defs, &p, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    let defs = if schema["definitions"].is_object() {
        &schema["definitions"]
    } else {
        &schema["$defs"]
    };
    walk(schema, defs, "", 0, &mut out);
    out.sort();
    out
}

/// `doc` with the field at `path` set to `value` (`null` removes it).
fn set(doc: &mut Value, path: &str, value: Value) {
    let mut at = doc;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let (name, item) = match part.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (*part, false),
        };
        if i == parts.len() - 1 && !item {
            match value {
                Value::Null => {
                    at.as_object_mut().unwrap().remove(name);
                }
                v => at[name] = v,
            }
            return;
        }
        at = &mut at[name];
        if item {
            at = &mut at[0];
        }
    }
}

fn catalog(doc: &Value) -> Result<Catalog, String> {
    let source = Source {
        file_name: "acme.yaml".into(),
        // JSON is YAML.
        bytes: serde_json::to_vec_pretty(doc).unwrap(),
    };
    errcat_codegen::catalog_from_sources("catalog", &[source]).map_err(|d| d.render())
}

#[test]
fn the_diff_sees_a_change_to_every_field_of_the_schema() {
    let paths = schema_paths(&errcat_codegen::emit::schema::schema());
    assert!(
        paths.len() > 40,
        "the schema walk found too few fields: {paths:?}"
    );
    let changes = changes();
    let listed: Vec<&str> = changes.iter().map(|(p, _)| *p).collect();
    let unlisted: Vec<&String> = paths
        .iter()
        .filter(|p| !listed.contains(&p.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "fields of the schema this test does not change (add each to `changes`, and to the diff's fields): {unlisted:?}"
    );
    let old = catalog(&base()).unwrap_or_else(|e| panic!("{e}"));
    let (mut unseen, mut invalid) = (Vec::new(), Vec::new());
    for (path, sets) in changes {
        assert!(
            paths.iter().any(|p| p == path),
            "`{path}` is not in the schema"
        );
        let mut doc = base();
        for (at, value) in sets {
            set(&mut doc, at, value);
        }
        match catalog(&doc) {
            Ok(new) if diff::compare(&old, &new).changes.is_empty() => unseen.push(path),
            Ok(_) => {}
            Err(e) => invalid.push(format!("{path}: {e}")),
        }
    }
    assert!(
        invalid.is_empty(),
        "changed catalogs that do not validate:\n{}",
        invalid.join("\n")
    );
    assert!(
        unseen.is_empty(),
        "the diff reports no change when these fields change: {unseen:?}"
    );
}
