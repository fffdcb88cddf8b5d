//! Deprecated, removed and aliased codes in a crate built from the generator's output.
//!
//! Two vendors are generated into a copy of errcat's runtime: a small one,
//! whose `from_code` is a string `match`, and one above the match limit, whose
//! `from_code` probes a hash table. A test program in that crate parses every
//! alias and every deprecated code; compiling it must warn where it names a
//! deprecated variant and nowhere else (the generated lookups name them too).

mod support;

use std::fmt::Write as _;
use std::fs;

use errcat_codegen::emit::rust::MATCH_LIMIT;
use errcat_codegen::load::Source;

const HEAD: &str = r#"name: NAME
summary: "Errors."
source: https://docs.acme.test/errors
docs_url: https://errors.acme.test/
envelope:
  code: /error/code
  message: /error/message
  example: |
    {"error": {"code": "not_found", "message": "No such thing."}}
retry:
  delay_header: Retry-After
categories:
  - id: lookups
    name: Lookups
errors:
"#;

/// The small vendor: an aliased code, a deprecated one with its replacement, a removed one.
fn acme() -> String {
    HEAD.replace("NAME", "Acme")
        + r#"  - code: not_found
    status: 404
    kind: not_found
    meaning: "The resource does not exist."
    resolution: "Check the id."
    category: lookups
    retry: never
    aliases: [NotFound, missing]
  - code: gone
    status: 410
    kind: not_found
    meaning: "Gone."
    retry: never
    deprecated: {since: "2024-01", why: "Merged into not_found.", replacement: not_found}
  - code: old_limit
    status: 429
    kind: rate_limited
    meaning: "Old."
    retry: retry_after
    removed: {since: v3, why: "No longer sent."}
"#
}

/// The large vendor: more codes than the match limit, some aliased, one deprecated.
fn bulk() -> String {
    let mut s = HEAD.replace("NAME", "Bulk");
    for i in 0..MATCH_LIMIT + 88 {
        let _ = write!(
            s,
            "  - code: code_{i}\n    status: 400\n    kind: invalid_request\n    meaning: \"Code {i}.\"\n    retry: never\n"
        );
        match i {
            3 => s.push_str(
                "    deprecated: {since: \"2025\", why: \"Split.\", replacement: code_4}\n",
            ),
            7 => s.push_str("    aliases: [seven, SEVEN_ALT]\n"),
            599 => s.push_str("    aliases: [last-but-not-least]\n"),
            _ => {}
        }
    }
    s
}

/// The program built against the generated crate: naming `Gone`, `OldLimit`
/// and `Code3` must warn; the assertions run as its tests.
const PROGRAM: &str = r##"
use errcat::{acme, bulk};

#[test]
fn aliases_parse_to_their_code_and_print_canonically() {
    for spelling in ["not_found", "NotFound", "missing"] {
        let code = acme::ErrorCode::from_code(spelling);
        assert_eq!(code, acme::ErrorCode::NotFound, "{spelling}");
        assert_eq!(code.as_str(), "not_found");
    }
    assert_eq!(acme::ErrorCode::NotFound.aliases(), &["NotFound", "missing"]);
    assert!(!acme::ErrorCode::from_code("NOT_FOUND").is_known());
    for spelling in ["code_7", "seven", "SEVEN_ALT"] {
        assert_eq!(bulk::ErrorCode::from_code(spelling), bulk::ErrorCode::Code7, "{spelling}");
    }
    assert_eq!(bulk::ErrorCode::from_code("seven").as_str(), "code_7");
    assert_eq!(bulk::ErrorCode::from_code("last-but-not-least"), bulk::ErrorCode::Code599);
    assert_eq!(bulk::ErrorCode::from_code("code_598"), bulk::ErrorCode::Code598);
    assert_eq!(bulk::ErrorCode::from_code("eight"), bulk::ErrorCode::Unknown("eight".into()));
    let body = br#"{"error":{"code":"missing","message":"m"}}"#;
    let err = acme::Error::from_response(404, &[], body);
    assert_eq!(err.code(), &acme::ErrorCode::NotFound);
}

#[test]
fn deprecated_codes_still_parse_and_say_what_replaces_them() {
    let gone = acme::ErrorCode::from_code("gone");
    assert_eq!(gone, acme::ErrorCode::Gone);
    assert!(gone.is_deprecated() && !gone.is_removed());
    assert_eq!(gone.replaced_by(), Some(acme::ErrorCode::NotFound));
    assert_eq!(
        gone.deprecation(),
        Some("Deprecated since 2024-01: Merged into not_found. Use `not_found` instead.")
    );
    let old = acme::ErrorCode::from_code("old_limit");
    assert_eq!(old, acme::ErrorCode::OldLimit);
    assert!(old.is_deprecated() && old.is_removed());
    assert_eq!(old.deprecation(), Some("Removed since v3: No longer sent."));
    assert_eq!(old.replaced_by(), None);
    assert_eq!(bulk::ErrorCode::from_code("code_3"), bulk::ErrorCode::Code3);
    assert_eq!(bulk::ErrorCode::Code3.replaced_by(), Some(bulk::ErrorCode::Code4));
    assert!(!acme::ErrorCode::NotFound.is_deprecated());
}

#[test]
fn a_code_carries_what_the_docs_know() {
    let code = acme::ErrorCode::NotFound;
    assert_eq!(code.resolution(), Some("Check the id."));
    assert_eq!(code.category(), Some("Lookups"));
    assert_eq!(code.docs_url(), Some("https://errors.acme.test/acme.html#not_found"));
    assert_eq!(acme::ErrorCode::from_code("nope").docs_url(), None);
    assert_eq!(acme::ErrorCode::from_code("nope").resolution(), None);
}
"##;

fn generate() -> Vec<errcat_codegen::OutputFile> {
    let sources = [("acme.yaml", acme()), ("bulk.yaml", bulk())].map(|(name, text)| Source {
        file_name: name.into(),
        bytes: text.into_bytes(),
    });
    let catalog = errcat_codegen::catalog_from_sources("catalog", &sources)
        .unwrap_or_else(|d| panic!("{}", d.render()));
    errcat_codegen::emit::rust::files(&catalog).unwrap()
}

#[test]
fn the_large_vendor_uses_the_hash_table_and_lists_its_aliases_there() {
    let files = generate();
    let bulk = files
        .iter()
        .find(|f| f.path.ends_with("/bulk.rs"))
        .expect("bulk.rs");
    assert!(
        bulk.contents
            .contains("static ALIAS_OF: [u32; 3] = [7, 7, 599];")
    );
    assert!(bulk.contents.contains("\"last-but-not-least\""));
    let acme = files
        .iter()
        .find(|f| f.path.ends_with("/acme.rs"))
        .expect("acme.rs");
    assert!(
        acme.contents
            .contains("\"not_found\" | \"NotFound\" | \"missing\" => ErrorCode::NotFound,")
    );
    assert!(!acme.contents.contains("ALIAS_OF"));
}

#[test]
fn naming_a_deprecated_code_warns_and_parsing_still_yields_it() {
    let krate = support::TempCrate::new("lifecycle", &generate());
    fs::create_dir_all(krate.dir.join("tests")).unwrap();
    fs::write(krate.dir.join("tests/lifecycle.rs"), PROGRAM).unwrap();
    let out = krate.cargo(&["test", "--color", "never", "--test", "lifecycle"], "");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let warned: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("warning: use of deprecated unit variant `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    for variant in [
        "errcat::acme::ErrorCode::Gone",
        "errcat::acme::ErrorCode::OldLimit",
        "errcat::bulk::ErrorCode::Code3",
    ] {
        assert!(
            warned.contains(&variant),
            "no warning for {variant}:\n{stderr}"
        );
    }
    // Only the program warns: the generated crate names every variant without a warning.
    assert!(!stderr.contains("(lib) generated"), "{stderr}");
    assert!(stdout.contains("test result: ok. 3 passed"), "{stdout}");
}
