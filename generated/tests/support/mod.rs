//! Helpers the integration tests share: the catalog as the generator sees it, and a way to reach each vendor's module.
//!
//! Each test file uses only part of this module.
#![allow(dead_code)]

use std::path::Path;

use errcat_codegen::ir;

/// The header name the tests send a request id in when the vendor names none.
pub const DEFAULT_REQUEST_ID_HEADER: &str = "X-Request-Id";

/// Loads the real catalog the crate is generated from.
pub fn catalog() -> ir::Catalog {
    // The workspace's `catalog/`, from this crate or the end-to-end tests' crate below it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("catalog"))
        .find(|dir| dir.join("README.md").is_file())
        .expect("the workspace's catalog/ folder");
    match errcat_codegen::load_catalog(&dir) {
        Ok(catalog) => catalog,
        Err(problems) => panic!("the catalog does not load:\n{problems:?}"),
    }
}

/// The catalog's vendor with this id.
pub fn vendor<'a>(catalog: &'a ir::Catalog, id: &str) -> &'a ir::Vendor {
    catalog
        .vendors
        .iter()
        .find(|v| v.id == id)
        .unwrap_or_else(|| panic!("no vendor `{id}` in the catalog"))
}

/// The crate's vendor for a catalog vendor.
pub fn runtime_vendor(v: &ir::Vendor) -> errcat::Vendor {
    errcat::Vendor::from_id(&v.id)
        .unwrap_or_else(|| panic!("errcat::Vendor::from_id({:?}) is None", v.id))
}

/// Whether the crate's retry rule is the catalog's.
pub fn same_rule(catalog: &ir::Rule, runtime: errcat::Retry) -> bool {
    match (catalog, runtime) {
        (ir::Rule::Never, errcat::Retry::Never)
        | (ir::Rule::Backoff, errcat::Retry::Backoff)
        | (ir::Rule::RetryAfter, errcat::Retry::RetryAfter)
        | (ir::Rule::Idempotent, errcat::Retry::Idempotent)
        | (ir::Rule::UntilReset, errcat::Retry::UntilReset) => true,
        (ir::Rule::After(expected), errcat::Retry::After(actual)) => expected == actual,
        _ => false,
    }
}

/// The wire string `from_response` settles on when the body carries no usable code and
/// no code's conditions hold: the catalog's fallback for the status, else for a vendor
/// keyed by status the status as text, else the empty string.
pub fn code_for_status(v: &ir::Vendor, status: u16) -> String {
    // Only a code the catalog marks as its status's fallback (for a vendor
    // keyed by status, the code that is its status): errcat never borrows the
    // identity of the one code that happens to list a status.
    let fallback = v
        .codes
        .iter()
        .find(|c| c.fallback && c.statuses.contains(&status));
    match fallback {
        Some(c) => c.code.clone(),
        None if v.keyed_by_status() => status.to_string(),
        None => String::new(),
    }
}

/// The wire string `from_response` settles on for a body without a readable code: the
/// first code (in the catalog's order) told apart by conditions whose statuses include
/// `status` and whose conditions all hold, else [`code_for_status`]. `message` is the
/// message read from the body's message path, if any.
pub fn code_for_response(
    v: &ir::Vendor,
    status: u16,
    message: Option<&str>,
    headers: &[(&str, &str)],
) -> String {
    let values = |name: &str| {
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim_matches([' ', '\t']).to_owned())
            .collect::<Vec<_>>()
    };
    let holds = |c: &ir::Condition| match c {
        ir::Condition::HeaderEquals(name, text) => values(name).contains(text),
        ir::Condition::HeaderPresent(name) => !values(name).is_empty(),
        ir::Condition::MessageContains(text) => {
            message.is_some_and(|m| m.to_ascii_lowercase().contains(&text.to_ascii_lowercase()))
        }
    };
    v.codes
        .iter()
        .find(|c| {
            !c.conditions.is_empty()
                && c.statuses.contains(&status)
                && c.conditions.iter().all(holds)
        })
        .map_or_else(|| code_for_status(v, status), |c| c.code.clone())
}

/// Headers that meet a code's header conditions (a value for each header it names).
pub fn condition_headers(c: &ir::Code) -> Vec<(String, String)> {
    c.conditions
        .iter()
        .filter_map(|cond| match cond {
            ir::Condition::HeaderEquals(name, text) => Some((name.clone(), text.clone())),
            ir::Condition::HeaderPresent(name) => Some((name.clone(), "1".to_owned())),
            ir::Condition::MessageContains(_) => None,
        })
        .collect()
}

/// The catalog entry for a wire string, if the vendor documents it.
pub fn code<'a>(v: &'a ir::Vendor, wire: &str) -> Option<&'a ir::Code> {
    v.codes.iter().find(|c| c.code == wire)
}

/// The header the vendor carries its request id in, or a conventional one when it names none.
pub fn request_id_header(v: &ir::Vendor) -> &str {
    v.envelope
        .request_id_header
        .as_deref()
        .unwrap_or(DEFAULT_REQUEST_ID_HEADER)
}

/// Runs `$body` with `$m` bound to the module of `$vendor` (an `errcat::Vendor`).
macro_rules! with_module {
    ($vendor:expr, $m:ident => $body:expr) => {
        match $vendor {
            errcat::Vendor::AwsS3 => {
                use errcat::aws_s3 as $m;
                $body
            }
            errcat::Vendor::CertIx => {
                use errcat::cert_ix as $m;
                $body
            }
            errcat::Vendor::Defendis => {
                use errcat::defendis as $m;
                $body
            }
            errcat::Vendor::Inkog => {
                use errcat::inkog as $m;
                $body
            }
            errcat::Vendor::Github => {
                use errcat::github as $m;
                $body
            }
            errcat::Vendor::Pentify => {
                use errcat::pentify as $m;
                $body
            }
            errcat::Vendor::Stripe => {
                use errcat::stripe as $m;
                $body
            }
            errcat::Vendor::Vantaprism => {
                use errcat::vantaprism as $m;
                $body
            }
            other => panic!("the tests have no module for {other:?}: add it to `with_module!`"),
        }
    };
}

pub(crate) use with_module;
