//! Each vendor module's codes, lookups, policy and envelope, checked against the catalog entry by entry.

mod support;

use std::time::Duration;

use errcat_codegen::ir;

/// Asserts at compile time that `T` is an error type an SDK can box and send across threads.
fn is_error<T: std::error::Error + Send + Sync + 'static>() {}

/// The crate's jitter for the catalog's.
fn jitter(catalog: ir::Jitter) -> errcat::Jitter {
    match catalog {
        ir::Jitter::None => errcat::Jitter::None,
        ir::Jitter::Full => errcat::Jitter::Full,
        ir::Jitter::Proportional(fraction) => errcat::Jitter::Proportional(fraction),
        ir::Jitter::AdditiveMs(ms) => errcat::Jitter::Additive(Duration::from_millis(ms)),
    }
}

macro_rules! vendor_modules {
    ($($m:ident),* $(,)?) => {
        /// Every module the tests cover, by module name.
        const MODULES: &[&str] = &[$(stringify!($m)),*];

        $(
            mod $m {
                use std::convert::Infallible;
                use std::time::Duration;

                use errcat::$m::{BACKOFF, DOC_URL_TEMPLATE, ENVELOPE, Error, ErrorCode, POLICY};
                use errcat::vendor::VendorCode;

                use crate::support;

                fn catalog_vendor() -> errcat_codegen::ir::Vendor {
                    let catalog = support::catalog();
                    let v = catalog
                        .vendors
                        .iter()
                        .find(|v| v.module == stringify!($m))
                        .unwrap_or_else(|| panic!("no vendor with module {}", stringify!($m)));
                    v.clone()
                }

                #[test]
                fn module_is_its_vendors() {
                    let v = catalog_vendor();
                    assert_eq!(<ErrorCode as VendorCode>::VENDOR, support::runtime_vendor(&v));
                    assert_eq!(<ErrorCode as VendorCode>::VENDOR.id(), v.id);
                    assert_eq!(<ErrorCode as VendorCode>::VENDOR.name(), v.name);
                    super::is_error::<Error>();
                }

                #[test]
                fn all_is_the_catalogs_codes_in_order() {
                    let v = catalog_vendor();
                    let wire: Vec<&str> = ErrorCode::ALL.iter().map(ErrorCode::as_str).collect();
                    let listed: Vec<&str> = v.codes.iter().map(|c| c.code.as_str()).collect();
                    assert_eq!(wire, listed);
                }

                #[test]
                fn every_code_round_trips_and_matches_its_entry() {
                    let v = catalog_vendor();
                    assert_eq!(ErrorCode::ALL.len(), v.codes.len());
                    for (c, entry) in ErrorCode::ALL.iter().zip(&v.codes) {
                        let what = format!("{} {}", v.id, entry.code);
                        assert_eq!(c.as_str(), entry.code, "{what}");
                        assert_eq!(&ErrorCode::from_code(c.as_str()), c, "{what}");
                        assert_eq!(c.to_string(), c.as_str(), "{what}");
                        let parsed: Result<ErrorCode, Infallible> = c.as_str().parse();
                        assert_eq!(parsed, Ok(c.clone()), "{what}");
                        assert!(c.is_known(), "{what}");

                        assert_eq!(c.statuses(), entry.statuses.as_slice(), "{what}");
                        let single = match entry.statuses.as_slice() {
                            [one] => Some(*one),
                            _ => None,
                        };
                        assert_eq!(c.status(), single, "{what}");
                        assert_eq!(c.kind().id(), entry.kind.id(), "{what}");
                        assert_eq!(c.kind().grpc_code(), entry.kind.grpc(), "{what}");
                        assert_eq!(c.meaning(), entry.meaning, "{what}");
                        assert_eq!(c.message_template(), entry.message.as_deref(), "{what}");
                        assert!(
                            support::same_rule(&entry.retry, c.retry()),
                            "{what}: retry {:?}, the catalog says {:?}",
                            c.retry(),
                            entry.retry
                        );
                        let info = VendorCode::info(c).unwrap_or_else(|| panic!("{what}: no row"));
                        assert_eq!(info.code, entry.code, "{what}");
                        assert_eq!(info.error_type, entry.error_type.as_deref(), "{what}");
                        assert_eq!(c.min_delay(), entry.min_delay_ms.map(Duration::from_millis), "{what}");
                        let subcodes: Vec<(&str, &str)> = entry
                            .subcodes
                            .iter()
                            .map(|(code, meaning)| (code.as_str(), meaning.as_str()))
                            .collect();
                        assert_eq!(c.subcodes(), subcodes.as_slice(), "{what}");
                        for (subcode, _) in &entry.subcodes {
                            assert!(c.is_known_subcode(subcode), "{what} {subcode}");
                        }
                        assert!(!c.is_known_subcode("errcat_no_such_subcode"), "{what}");
                        let conditions: Vec<errcat::vendor::Condition> = entry
                            .conditions
                            .iter()
                            .map(|cond| match cond {
                                errcat_codegen::ir::Condition::HeaderEquals(n, t) => {
                                    errcat::vendor::Condition::HeaderEquals(n.clone().leak(), t.clone().leak())
                                }
                                errcat_codegen::ir::Condition::HeaderPresent(n) => {
                                    errcat::vendor::Condition::HeaderPresent(n.clone().leak())
                                }
                                errcat_codegen::ir::Condition::MessageContains(t) => {
                                    errcat::vendor::Condition::MessageContains(t.clone().leak())
                                }
                            })
                            .collect();
                        assert_eq!(info.conditions, conditions.as_slice(), "{what}");

                        // What the docs know, at run time.
                        assert_eq!(c.resolution(), entry.resolution.as_deref(), "{what}");
                        let category = entry.category.map(|i| v.categories[i].name.as_str());
                        assert_eq!(c.category(), category, "{what}");
                        assert_eq!(c.aliases(), entry.aliases.as_slice(), "{what}");
                        for alias in &entry.aliases {
                            assert_eq!(&ErrorCode::from_code(alias), c, "{what}: alias {alias}");
                        }
                        assert_eq!(c.deprecation(), entry.deprecation_note().as_deref(), "{what}");
                        assert_eq!(c.is_removed(), entry.removed.is_some(), "{what}");
                        assert_eq!(
                            c.replaced_by().map(|r| r.as_str().to_owned()),
                            entry.replacement().map(str::to_owned),
                            "{what}"
                        );
                        assert_eq!(c.docs_url(), v.code_url(entry).as_deref(), "{what}");
                        assert_eq!(info.any_method, entry.retry_any_method, "{what}");
                    }
                }

                #[test]
                fn unknown_codes_are_kept_verbatim() {
                    let v = catalog_vendor();
                    let mut strangers = vec![
                        "SOMETHING_NEW".to_owned(),
                        String::new(),
                        "ünïcödé ✓".to_owned(),
                    ];
                    for entry in &v.codes {
                        // Wire strings are exact: padding or another case is a different code.
                        strangers.push(format!(" {}", entry.code));
                        strangers.push(format!("{}\n", entry.code));
                        if entry.code.to_lowercase() != entry.code {
                            strangers.push(entry.code.to_lowercase());
                        } else if entry.code.to_uppercase() != entry.code {
                            strangers.push(entry.code.to_uppercase());
                        }
                    }
                    for stranger in &strangers {
                        let c = ErrorCode::from_code(stranger);
                        assert_eq!(c, ErrorCode::Unknown(stranger.clone()), "{stranger:?}");
                        assert_eq!(c.as_str(), stranger);
                        // Display escapes a line break of a code from a response.
                        assert_eq!(c.to_string(), stranger.replace('\n', "\\u{a}"));
                        assert_eq!(stranger.parse::<ErrorCode>(), Ok(c.clone()));
                        assert_eq!(c.kind(), errcat::ErrorKind::Unknown);
                        assert!(!c.is_known());
                        assert_eq!(c.statuses(), &[] as &[u16]);
                        assert_eq!(c.status(), None);
                        assert_eq!(c.retry(), errcat::Retry::Never);
                        assert_eq!(c.meaning(), errcat::vendor::UNKNOWN_MEANING);
                        assert_eq!(c.message_template(), None);
                        assert!(VendorCode::info(&c).is_none());
                    }
                }

                #[test]
                fn status_alone_gives_only_the_catalogs_fallback() {
                    let v = catalog_vendor();
                    for status in (0..=1_000).chain([u16::MAX]) {
                        let c = <ErrorCode as VendorCode>::fallback(status);
                        assert_eq!(
                            c.as_str(),
                            support::code_for_status(&v, status),
                            "{} HTTP {status}",
                            v.id
                        );
                    }
                }

                #[test]
                fn policy_and_envelope_are_the_catalogs() {
                    let v = catalog_vendor();
                    let retry = &v.retry;
                    assert_eq!(BACKOFF.initial(), Duration::from_millis(retry.initial_ms.value));
                    assert_eq!(BACKOFF.multiplier(), retry.multiplier.value);
                    // Only a documented cap or attempt limit reaches the policy.
                    let cap = retry.max_ms.documented.then(|| Duration::from_millis(retry.max_ms.value));
                    assert_eq!(BACKOFF.max(), cap);
                    assert_eq!(BACKOFF.jitter(), super::jitter(retry.jitter));
                    let attempts = retry.max_attempts.documented.then_some(retry.max_attempts.value);
                    assert_eq!(BACKOFF.max_attempts(), attempts);
                    assert_eq!(
                        POLICY.max_server_delay,
                        retry.max_server_delay_ms.map(Duration::from_millis)
                    );
                    assert_eq!(POLICY.backoff, BACKOFF);
                    assert_eq!(POLICY.delay_header, retry.delay_header.as_deref());
                    let safe: Vec<&str> = retry.safe_methods.value.iter().map(String::as_str).collect();
                    assert_eq!(POLICY.safe_methods, safe.as_slice());
                    assert_eq!(POLICY.idempotency_key, retry.idempotency_key.as_deref());

                    let envelope = &v.envelope;
                    let code: Vec<&str> = envelope.code.iter().map(String::as_str).collect();
                    assert_eq!(ENVELOPE.code, code.as_slice());
                    let format = match envelope.format {
                        errcat_codegen::ir::Format::Json => errcat::Format::Json,
                        errcat_codegen::ir::Format::Xml => errcat::Format::Xml,
                    };
                    assert_eq!(ENVELOPE.format, format);
                    assert_eq!(ENVELOPE.message, envelope.message);
                    assert_eq!(ENVELOPE.error_type, envelope.type_path.as_deref());
                    assert_eq!(ENVELOPE.subcode, envelope.subcode.as_deref());
                    assert_eq!(ENVELOPE.doc_url, envelope.doc_url.as_deref());
                    let fields: Vec<(&str, &str)> = envelope
                        .fields
                        .iter()
                        .map(|(name, path)| (name.as_str(), path.as_str()))
                        .collect();
                    assert_eq!(ENVELOPE.fields, fields.as_slice());
                    assert_eq!(ENVELOPE.should_retry_header, retry.should_retry_header.as_deref());
                    assert_eq!(ENVELOPE.rate_limit.is_some(), v.has_rate_limit());
                    if let Some(headers) = ENVELOPE.rate_limit {
                        use errcat_codegen::ir::{RateLimitRole, ResetFormat};
                        let name = |role| v.rate_limit_header(role).map(|h| h.name.as_str());
                        assert_eq!(headers.limit, name(RateLimitRole::Limit));
                        assert_eq!(headers.remaining, name(RateLimitRole::Remaining));
                        assert_eq!(headers.used, name(RateLimitRole::Used));
                        let reset = v.rate_limit_header(RateLimitRole::Reset).map(|h| {
                            let format = match h.reset_format {
                                Some(ResetFormat::EpochSeconds) => errcat::ResetFormat::EpochSeconds,
                                _ => errcat::ResetFormat::Seconds,
                            };
                            (h.name.as_str(), format)
                        });
                        assert_eq!(headers.reset, reset);
                    }
                    assert_eq!(DOC_URL_TEMPLATE, v.doc_url_template.as_deref());
                    let matched: Vec<usize> = v.matched_codes().map(|(i, _)| i).collect();
                    assert_eq!(<ErrorCode as VendorCode>::MATCHED, matched.as_slice());
                    assert_eq!(ENVELOPE.request_id, envelope.request_id.as_deref());
                    assert_eq!(ENVELOPE.request_id_header, envelope.request_id_header.as_deref());
                    assert_eq!(ENVELOPE.details, envelope.details.as_deref());
                }
            }
        )*
    };
}

vendor_modules!(
    aws_s3, cert_ix, defendis, github, inkog, pentify, stripe, vantaprism
);

#[test]
fn every_catalog_vendor_has_a_module_here_and_in_the_crate() {
    let catalog = support::catalog();
    let modules: Vec<&str> = catalog.vendors.iter().map(|v| v.module.as_str()).collect();
    assert_eq!(modules, MODULES);
    let ids: Vec<&str> = catalog.vendors.iter().map(|v| v.id.as_str()).collect();
    let crate_ids: Vec<&str> = errcat::Vendor::ALL.iter().map(|v| v.id()).collect();
    assert_eq!(crate_ids, ids);
    for (vendor, v) in errcat::Vendor::ALL.iter().zip(&catalog.vendors) {
        assert_eq!(errcat::Vendor::from_id(&v.id), Some(*vendor));
        assert_eq!(vendor.name(), v.name);
        assert_eq!(vendor.to_string(), v.name);
        let module_vendor = support::with_module!(*vendor, m => {
            <m::ErrorCode as errcat::vendor::VendorCode>::VENDOR
        });
        assert_eq!(module_vendor, *vendor);
    }
    assert_eq!(errcat::Vendor::from_id("no-such-vendor"), None);
    assert_eq!(errcat::Vendor::from_id("Pentify"), None);
}

#[test]
fn kinds_are_the_catalogs_plus_unknown() {
    let ids: Vec<&str> = errcat::ErrorKind::ALL.iter().map(|k| k.id()).collect();
    let mut expected: Vec<&str> = ir::Kind::ALL.iter().map(|k| k.id()).collect();
    expected.push("unknown");
    assert_eq!(ids, expected);
    for (kind, catalog_kind) in errcat::ErrorKind::ALL.iter().zip(ir::Kind::ALL) {
        assert_eq!(kind.grpc_code(), catalog_kind.grpc(), "{kind}");
    }
    for kind in errcat::ErrorKind::ALL {
        assert!(!kind.grpc_code().is_empty(), "{kind:?}");
        assert!(
            kind.grpc_code()
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_'),
            "{kind:?}: {}",
            kind.grpc_code()
        );
        assert_eq!(kind.to_string(), kind.id());
    }
    assert_eq!(errcat::ErrorKind::Unknown.grpc_code(), "UNKNOWN");
}

#[test]
fn defendis_codes_are_its_statuses() {
    use errcat::defendis::ErrorCode;
    assert_eq!(ErrorCode::from_status(429), ErrorCode::Code429);
    assert_eq!(ErrorCode::from_status(429).status(), Some(429));
    assert_eq!(
        ErrorCode::from_status(418),
        ErrorCode::Unknown("418".to_owned())
    );
    assert_eq!(ErrorCode::from_status(418).as_str(), "418");
    for c in ErrorCode::ALL {
        let status = c
            .status()
            .unwrap_or_else(|| panic!("{c} has no single status"));
        assert_eq!(&ErrorCode::from_status(status), c);
        assert_eq!(c.as_str(), status.to_string());
    }
}

#[test]
fn errors_are_std_errors_that_cross_threads() {
    is_error::<errcat::ApiError>();
    is_error::<errcat::pentify::Error>();
    is_error::<errcat::cert_ix::Error>();
    is_error::<errcat::inkog::Error>();
    is_error::<errcat::defendis::Error>();
    is_error::<errcat::vantaprism::Error>();
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(errcat::parse(
        errcat::Vendor::Pentify,
        404,
        &[],
        br#"{"error":{"code":"not_found","message":"No such scan."}}"#,
    ));
    assert_eq!(
        boxed.to_string(),
        "Pentify not_found (HTTP 404): No such scan."
    );
}

#[test]
fn stripe_error_types_are_the_catalogs() {
    use errcat::stripe::{ErrorCode, ErrorType};
    let catalog = support::catalog();
    let v = support::vendor(&catalog, "stripe");
    let ids: Vec<&str> = ErrorType::ALL.iter().map(ErrorType::as_str).collect();
    let listed: Vec<&str> = v.types.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, listed);
    for (t, entry) in ErrorType::ALL.iter().zip(&v.types) {
        assert_eq!(&ErrorType::from_type(t.as_str()), t);
        assert_eq!(t.meaning(), Some(entry.meaning.as_str()));
        assert_eq!(t.to_string(), entry.id);
    }
    let new = ErrorType::from_type("brand_new_error");
    assert_eq!(new, ErrorType::Unknown("brand_new_error".to_owned()));
    assert_eq!((new.as_str(), new.meaning()), ("brand_new_error", None));
    for (c, entry) in ErrorCode::ALL.iter().zip(&v.codes) {
        let t = c.error_type().map(|t| t.as_str().to_owned());
        assert_eq!(t, entry.error_type, "{}", entry.code);
    }
    assert_eq!(ErrorCode::Unknown("x".to_owned()).error_type(), None);
}
