//! Names: the one place where catalog strings become Rust identifiers, modules and anchors.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust's strict and reserved keywords (2024 edition), which cannot name a module.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Variant names taken by the generated enum itself or by Rust.
const RESERVED_VARIANTS: &[&str] = &["Self", "Unknown"];

/// Module names the `errcat` crate root already uses, which a vendor id cannot
/// take (checked against the id and against its module name).
/// `catalog/README.md` lists the same names; a test keeps the two equal.
pub const RESERVED_MODULES: &[&str] = &[
    "gen",
    "generated",
    "runtime",
    "backoff",
    "budget",
    "classify",
    "decision",
    "headers",
    "http",
    "http_types",
    "limits",
    "lookup",
    "rate_limit",
    "report",
    "outcome",
    "reqwest_retry",
    "response",
    "retrier",
    "retry",
    "tower_retry",
    "trace",
    "vendor",
    "xml",
    "std",
    "core",
    "alloc",
    "serde",
    "serde_json",
];

/// Names Windows reserves for devices, which cannot be file names there.
const WINDOWS_DEVICES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Why a code cannot become a variant name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// The code is empty or has no ASCII letter or digit.
    NoAlphanumeric,
    /// The code has a character outside printable ASCII.
    NotAscii(char),
}

/// The `ErrorCode` variant for a wire code: `rate_limited` and `RATE-LIMITED`
/// both give `RateLimited`. A name that would start with a digit or clash with
/// `Self` or `Unknown` is prefixed with `Code` (`429` gives `Code429`).
pub fn variant(code: &str) -> Result<String, NameError> {
    if let Some(c) = code.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ')) {
        return Err(NameError::NotAscii(c));
    }
    let words: String = code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let camel = words.to_upper_camel_case();
    if camel.is_empty() {
        return Err(NameError::NoAlphanumeric);
    }
    let starts_with_digit = camel.starts_with(|c: char| c.is_ascii_digit());
    if starts_with_digit || RESERVED_VARIANTS.contains(&camel.as_str()) {
        Ok(format!("Code{camel}"))
    } else {
        Ok(camel)
    }
}

/// The Rust module for a vendor id: `cert-ix` gives `cert_ix`, a keyword gets a trailing `_`.
pub fn module(id: &str) -> String {
    let snake = id.to_snake_case();
    if KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// Why a file stem cannot be a vendor id.
pub fn check_vendor_id(id: &str) -> Result<(), String> {
    let mut chars = id.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !first_ok || !rest_ok {
        return Err(format!(
            "the file name `{id}.yaml` is not a vendor id of the form [a-z][a-z0-9-]*"
        ));
    }
    if id.ends_with('-') || id.contains("--") {
        return Err(format!(
            "the vendor id `{id}` has a dangling or doubled `-`"
        ));
    }
    if WINDOWS_DEVICES.contains(&id) {
        return Err(format!("the vendor id `{id}` is a device name on Windows"));
    }
    if RESERVED_MODULES.contains(&id) || RESERVED_MODULES.contains(&module(id).as_str()) {
        return Err(format!(
            "the vendor id `{id}` is reserved: the `errcat` crate has a module of that name"
        ));
    }
    if let Some(page) = crate::emit::docs::PAGES.iter().find(|p| {
        p.strip_suffix(".md")
            .is_some_and(|s| s.eq_ignore_ascii_case(id))
    }) {
        return Err(format!(
            "the vendor id `{id}` is reserved: its page would be `generated/docs/{page}`, a page of every vendor"
        ));
    }
    Ok(())
}

/// The id mdBook gives a heading: lower case, white space as `-`, only
/// letters, digits, `_` and `-` kept.
pub fn heading_id(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// A stable markdown anchor for a code: lower case, anything but `[a-z0-9_-]` becomes `-`.
pub fn anchor(code: &str) -> String {
    code.chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_follow_upper_camel_case() {
        assert_eq!(variant("rate_limited").unwrap(), "RateLimited");
        assert_eq!(variant("RATE_LIMIT_EXCEEDED").unwrap(), "RateLimitExceeded");
        assert_eq!(variant("card-declined").unwrap(), "CardDeclined");
        assert_eq!(
            variant("CARD-DECLINED").unwrap(),
            variant("card_declined").unwrap()
        );
        assert_eq!(variant("r#type").unwrap(), "RType");
    }

    #[test]
    fn unusable_names_get_a_prefix() {
        assert_eq!(variant("429").unwrap(), "Code429");
        assert_eq!(variant("self").unwrap(), "CodeSelf");
        assert_eq!(variant("unknown").unwrap(), "CodeUnknown");
        assert_eq!(variant("crate").unwrap(), "Crate");
    }

    #[test]
    fn codes_without_an_identifier_are_errors() {
        assert_eq!(variant(""), Err(NameError::NoAlphanumeric));
        assert_eq!(variant("--"), Err(NameError::NoAlphanumeric));
        assert_eq!(variant("b\u{430}d"), Err(NameError::NotAscii('\u{430}')));
    }

    #[test]
    fn modules_are_snake_case_and_avoid_keywords() {
        assert_eq!(module("cert-ix"), "cert_ix");
        assert_eq!(module("pentify"), "pentify");
        assert_eq!(module("type"), "type_");
        assert_eq!(module("self"), "self_");
    }

    #[test]
    fn vendor_ids_are_checked() {
        assert!(check_vendor_id("cert-ix").is_ok());
        for bad in [
            "", "Cert", "9x", "a_b", "a.b", "../x", "/abs", "con", "a-", "a--b", "retry", "gen",
            "readme", "summary", "kinds",
        ] {
            assert!(check_vendor_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn anchors_are_stable() {
        assert_eq!(anchor("rate_limited"), "rate_limited");
        assert_eq!(anchor("RATE_LIMIT_EXCEEDED"), "rate_limit_exceeded");
        assert_eq!(anchor("429"), "429");
        assert_eq!(anchor("a.b"), "a-b");
    }
}
