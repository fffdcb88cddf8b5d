//! The real catalog: it loads without a diagnostic, every vendor's file gives
//! as many codes as it has entries, and the IR holds what the references say.
//!
//! These are facts read from the vendors' references when the catalog was
//! written. A change here is a change to the catalog and should be checked
//! against the reference, not only made to pass.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use errcat_codegen::ir::{Catalog, Code, Kind, Rule, Vendor};

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
        match errcat_codegen::load_catalog(&dir) {
            Ok(catalog) => catalog,
            Err(ds) => panic!("the catalog has problems:\n{}", ds.render()),
        }
    })
}

fn vendor(id: &str) -> &'static Vendor {
    catalog()
        .vendors
        .iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("no vendor `{id}` in the catalog"))
}

fn code<'a>(v: &'a Vendor, code: &str) -> &'a Code {
    v.codes
        .iter()
        .find(|c| c.code == code)
        .unwrap_or_else(|| panic!("no code `{code}` in {}", v.id))
}

/// The catalog's files, each with its stem and the number of entries under
/// `errors:` (a line `  - code:` each), read from the text, not the loader.
fn files() -> Vec<(String, usize)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
    let mut out: Vec<(String, usize)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let entries = text.lines().filter(|l| l.starts_with("  - code:")).count();
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                entries,
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_catalog_loads_without_a_diagnostic() {
    let ids: Vec<&str> = catalog().vendors.iter().map(|v| v.id.as_str()).collect();
    let stems: Vec<String> = files().into_iter().map(|(stem, _)| stem).collect();
    assert_eq!(ids, stems);
    // The vendors these tests name facts of are among them.
    for id in ["cert-ix", "defendis", "inkog", "pentify", "vantaprism"] {
        assert!(ids.contains(&id), "{id}");
    }
}

#[test]
fn each_vendor_has_as_many_codes_as_its_file_has_entries() {
    let counts: Vec<(String, usize)> = catalog()
        .vendors
        .iter()
        .map(|v| (v.id.clone(), v.codes.len()))
        .collect();
    let files = files();
    assert_eq!(counts, files);
    assert_eq!(
        catalog().code_count(),
        files.iter().map(|(_, n)| n).sum::<usize>()
    );
    assert!(files.iter().all(|(_, n)| *n > 0));
}

#[test]
fn cert_ix_has_eight_categories_and_every_code_has_one() {
    let v = vendor("cert-ix");
    let ids: Vec<&str> = v.categories.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "authentication",
            "authorization",
            "scan",
            "template",
            "webhook",
            "rate_limit",
            "validation",
            "server",
        ]
    );
    for c in &v.codes {
        let i = c
            .category
            .unwrap_or_else(|| panic!("{} has no category", c.code));
        assert!(i < v.categories.len(), "{}: category {i}", c.code);
    }
    let used: BTreeSet<usize> = v.codes.iter().filter_map(|c| c.category).collect();
    assert_eq!(used.len(), 8, "every category has at least one code");
}

#[test]
fn cert_ix_server_errors_have_their_open_statuses() {
    let v = vendor("cert-ix");
    assert_eq!(code(v, "DATABASE_ERROR").statuses, [500, 503]);
    assert_eq!(code(v, "KAFKA_ERROR").statuses, [500, 503]);
}

#[test]
fn cert_ix_tells_a_rate_limit_from_an_exhausted_quota() {
    let v = vendor("cert-ix");
    let quota = code(v, "QUOTA_EXCEEDED");
    assert_eq!(quota.kind, Kind::QuotaExhausted);
    assert!(
        matches!(&quota.retry, Rule::After(what) if !what.is_empty()),
        "{:?}",
        quota.retry
    );
    let rate = code(v, "RATE_LIMIT_EXCEEDED");
    assert_eq!(rate.kind, Kind::RateLimited);
    assert_eq!(rate.retry, Rule::RetryAfter);
}

#[test]
fn rate_limits_and_exhausted_quotas_never_share_a_kind() {
    // Every kind the catalog gives a rate limit or a quota, across vendors.
    let mut rate_kinds = BTreeSet::new();
    let mut quota_kinds = BTreeSet::new();
    for v in &catalog().vendors {
        for c in &v.codes {
            let name = c.code.to_ascii_lowercase();
            // A card declined for too many attempts (Stripe's
            // `card_decline_rate_limit_exceeded`) is the issuer's decline, not
            // the API's rate limit.
            let card = c.kind == Kind::PaymentDeclined;
            if c.kind == Kind::RateLimited || (name.contains("rate_limit") && !card) {
                rate_kinds.insert(c.kind);
            }
            if c.kind == Kind::QuotaExhausted || name.contains("quota") {
                quota_kinds.insert(c.kind);
            }
        }
    }
    assert_eq!(rate_kinds, BTreeSet::from([Kind::RateLimited]));
    assert_eq!(quota_kinds, BTreeSet::from([Kind::QuotaExhausted]));
    assert_ne!(Kind::RateLimited.id(), Kind::QuotaExhausted.id());
}

#[test]
fn defendis_is_keyed_by_status() {
    let v = vendor("defendis");
    assert!(v.keyed_by_status());
    assert!(v.envelope.code.is_empty());
    assert_eq!(
        v.envelope.request_id_header.as_deref(),
        Some("x-request-id")
    );
    let statuses: Vec<u16> = v.codes.iter().flat_map(|c| c.statuses.clone()).collect();
    let mut sorted = statuses.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [400, 401, 403, 404, 409, 429, 500, 502, 503, 504]);
    for c in &v.codes {
        assert_eq!(c.statuses.len(), 1, "{}", c.code);
        assert_eq!(c.code, c.statuses[0].to_string());
    }
}

#[test]
fn attempt_limits_count_the_first_attempt() {
    let pentify = &vendor("pentify").retry.max_attempts;
    assert_eq!((pentify.value, pentify.documented), (5, true));
    let defendis = &vendor("defendis").retry.max_attempts;
    assert_eq!((defendis.value, defendis.documented), (6, true));
}

#[test]
fn examples_are_counted() {
    let count = |v: &Vendor| v.codes.iter().map(|c| c.examples.len()).sum::<usize>();
    assert_eq!(count(vendor("inkog")), 4);
    assert_eq!(count(vendor("defendis")), 5);
    assert_eq!(
        code(vendor("vantaprism"), "VALIDATION_ERROR")
            .examples
            .len(),
        2
    );
}

#[test]
fn every_example_is_readable_and_carries_its_code() {
    use errcat_codegen::body;
    for v in &catalog().vendors {
        let format = v.envelope.format;
        let envelope = body::parse(format, &v.envelope.example)
            .unwrap_or_else(|e| panic!("{}: envelope example: {}", v.id, e.message));
        if let body::Doc::Json(json) = &envelope {
            assert!(json.is_object(), "{}: envelope example", v.id);
        }
        for c in &v.codes {
            for ex in &c.examples {
                let what = format!("{} {} example `{}`", v.id, c.code, ex.title);
                let doc = body::parse(format, &ex.body)
                    .unwrap_or_else(|e| panic!("{what}: not readable: {}", e.message));
                if let body::Doc::Json(json) = &doc {
                    assert!(json.is_object(), "{what}: not an object");
                }
                assert!(c.statuses.contains(&ex.status), "{what}: status");
                if !v.keyed_by_status() {
                    let sent = body::code(&doc, &v.envelope.code);
                    assert!(
                        sent.as_deref() == Some(c.code.as_str())
                            || c.aliases
                                .iter()
                                .any(|a| Some(a.as_str()) == sent.as_deref()),
                        "{what}: code {sent:?}"
                    );
                }
            }
        }
    }
}
