//! `cargo xtask synth`: writes a valid synthetic catalog of any size, for benchmarks.
//!
//! Codes are spread evenly over the vendors. Every field of the format is used:
//! categories, status lists, message templates with placeholders,
//! resolutions, every retry rule, SDK names and example bodies. Names and
//! texts are drawn deterministically from word lists, so a size always gives
//! the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const RESOURCES: &[&str] = &[
    "SCAN",
    "TARGET",
    "TEMPLATE",
    "WEBHOOK",
    "REPORT",
    "ASSET",
    "KEY",
    "TOKEN",
    "PROJECT",
    "WORKSPACE",
    "INVOICE",
    "EXPORT",
    "FINDING",
    "POLICY",
    "AGENT",
    "UPLOAD",
    "SESSION",
    "CURSOR",
    "QUOTA",
    "DOMAIN",
];
const CONDITIONS: &[(&str, u16, &str, &str)] = &[
    ("NOT_FOUND", 404, "not_found", "never"),
    ("INVALID", 400, "invalid_request", "never"),
    ("ALREADY_EXISTS", 409, "conflict", "never"),
    (
        "LOCKED",
        409,
        "failed_precondition",
        "{after: \"Wait for the running operation to finish\"}",
    ),
    ("FORBIDDEN", 403, "permission_denied", "never"),
    ("EXPIRED", 401, "unauthenticated", "never"),
    ("TOO_LARGE", 413, "payload_too_large", "never"),
    ("RATE_LIMITED", 429, "rate_limited", "retry_after"),
    (
        "QUOTA_EXHAUSTED",
        429,
        "quota_exhausted",
        "{after: \"Wait for the quota to reset\"}",
    ),
    ("UNAVAILABLE", 503, "unavailable", "backoff"),
    ("FAILED", 500, "internal", "idempotent"),
    ("TIMEOUT", 504, "timeout", "idempotent"),
];
const CATEGORIES: &[&str] = &[
    "Authentication",
    "Validation",
    "Resources",
    "Limits",
    "Server",
];

fn category_of(status: u16) -> usize {
    match status {
        401 | 403 => 0,
        400 | 413 => 1,
        404 | 409 => 2,
        429 => 3,
        _ => 4,
    }
}

/// One vendor's file with `codes` codes.
pub fn vendor_file(index: usize, codes: usize) -> String {
    let id = format!("vendor-{index:03}");
    let mut s = format!(
        "# yaml-language-server: $schema=schema.json\nname: \"Vendor {index:03}\"\n\
         summary: \"Synthetic vendor {index:03}: every field of the catalog format, at benchmark scale.\"\n\
         source: \"https://docs.vendor-{index:03}.example/errors\"\nenvelope:\n  code: /error/code\n  message: /error/message\n  \
         request_id: /error/request_id\n  request_id_header: x-request-id\n  details: /error/details\n  example: |\n    \
         {{\"error\": {{\"code\": \"SCAN_NOT_FOUND\", \"message\": \"Scan not found\", \"request_id\": \"req_1\", \"details\": {{}}}}}}\n\
         rate_limit_headers:\n  - name: X-RateLimit-Limit\n    description: Requests allowed per minute\n  \
         - name: X-RateLimit-Remaining\n    description: Requests remaining in the window\n\
         retry:\n  max_attempts: 5\n  backoff:\n    initial: 500ms\n    multiplier: 2\n    max: 30s\n    jitter: {{proportional: 0.25}}\n  \
         delay_header: Retry-After\n  safe_methods: [GET, DELETE]\n  idempotency_key: Idempotency-Key\n  \
         guidance: \"Retry 429 after Retry-After; retry 5xx with backoff when the request is idempotent.\"\n\
         sdk:\n  typescript: Vendor{index:03}Error\n  python: Vendor{index:03}Error\ncategories:\n"
    );
    for c in CATEGORIES {
        let _ = writeln!(
            s,
            "  - id: {}\n    name: \"{c} errors\"",
            c.to_ascii_lowercase()
        );
    }
    s.push_str("errors:\n");
    for i in 0..codes {
        let resource = RESOURCES[i % RESOURCES.len()];
        let (condition, status, kind, retry) = CONDITIONS[(i / RESOURCES.len()) % CONDITIONS.len()];
        let round = i / (RESOURCES.len() * CONDITIONS.len());
        let code = if round == 0 {
            format!("{resource}_{condition}")
        } else {
            format!("{resource}_{condition}_{round}")
        };
        let noun = resource.to_ascii_lowercase();
        let statuses = if status >= 500 {
            "[500, 503]".to_owned()
        } else {
            status.to_string()
        };
        let category = CATEGORIES[category_of(status)].to_ascii_lowercase();
        let _ = write!(
            s,
            "  - code: {code}\n    status: {statuses}\n    kind: {kind}\n    \
             meaning: \"The {noun} could not be processed because it is {cond} for this key (case {i}).\"\n    \
             message: \"The {noun} {{{noun}_id}} is {cond}: {{reason}}\"\n    \
             resolution: \"Check the {noun} identifier and its state, then send the request again if appropriate.\"\n    \
             category: {category}\n    retry: {retry}\n",
            cond = condition.to_ascii_lowercase().replace('_', " "),
        );
        if i % 10 == 0 {
            let class: String = code
                .split('_')
                .map(|w| format!("{}{}", &w[..1], w[1..].to_ascii_lowercase()))
                .collect();
            let _ = writeln!(
                s,
                "    sdk: {{typescript: {class}Error, python: {class}Error}}"
            );
        }
        if i % 25 == 0 {
            let example_status = if status >= 500 {
                "\n        status: 503"
            } else {
                ""
            };
            let _ = write!(
                s,
                "    examples:\n      - title: \"{noun} example\"{example_status}\n        body: |\n          \
                 {{\"error\": {{\"code\": \"{code}\", \"message\": \"The {noun} 42 is {cond}: example\", \"request_id\": \"req_{i}\"}}}}\n",
                cond = condition.to_ascii_lowercase().replace('_', " "),
            );
        }
    }
    let _ = id;
    s
}

/// Writes `out/catalog/vendor-NNN.yaml` for `vendors` vendors sharing `codes` codes,
/// plus a `Cargo.toml` marker so `cargo xtask --root <out> codegen` runs there.
pub fn run(out: &Path, vendors: usize, codes: usize) -> Result<String, String> {
    if vendors == 0 || codes < vendors {
        return Err("need at least one vendor and at least one code per vendor".to_owned());
    }
    let catalog = out.join("catalog");
    if catalog.exists()
        && fs::read_dir(&catalog)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
    {
        return Err(format!(
            "{} is not empty; choose a new --out folder",
            catalog.display()
        ));
    }
    fs::create_dir_all(&catalog)
        .map_err(|e| format!("cannot create {}: {e}", catalog.display()))?;
    fs::write(
        out.join("Cargo.toml"),
        "# A synthetic errcat catalog written by `cargo xtask synth`.\n",
    )
    .map_err(|e| format!("cannot write Cargo.toml: {e}"))?;
    for v in 0..vendors {
        let n = codes / vendors + usize::from(v < codes % vendors);
        fs::write(
            catalog.join(format!("vendor-{v:03}.yaml")),
            vendor_file(v, n),
        )
        .map_err(|e| format!("cannot write vendor-{v:03}.yaml: {e}"))?;
    }
    Ok(format!(
        "synth: wrote {vendors} vendors, {codes} codes to {}",
        catalog.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synthetic_catalog_validates_and_uses_every_rule() {
        let dir = std::env::temp_dir().join(format!("errcat-synth-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        run(&dir, 3, 700).unwrap();
        let catalog = errcat_codegen::load_catalog(&dir.join("catalog"))
            .unwrap_or_else(|d| panic!("{}", d.render()));
        assert_eq!(catalog.vendors.len(), 3);
        assert_eq!(catalog.code_count(), 700);
        let codes: Vec<_> = catalog.vendors.iter().flat_map(|v| &v.codes).collect();
        use errcat_codegen::ir::Rule;
        for rule in [
            Rule::Never,
            Rule::Backoff,
            Rule::RetryAfter,
            Rule::Idempotent,
        ] {
            assert!(codes.iter().any(|c| c.retry == rule), "{rule:?}");
        }
        assert!(codes.iter().any(|c| matches!(c.retry, Rule::After(_))));
        assert!(codes.iter().any(|c| c.statuses.len() > 1));
        assert!(
            codes
                .iter()
                .all(|c| c.category.is_some() && c.placeholders.len() == 2)
        );
        assert!(
            codes
                .iter()
                .any(|c| !c.examples.is_empty() && !c.sdk.is_empty())
        );
        assert!(run(&dir, 1, 1).is_err(), "refuses a non-empty folder");
        fs::remove_dir_all(&dir).unwrap();
    }
}
