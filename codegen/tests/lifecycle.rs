//! Deprecated, removed and aliased codes in a crate built from the generator's output.
//!
//! Two vendors are generated into a copy of errcat's runtime: a small one,
//! whose `from_code` is a string `match`, and one above the match limit, whose
//! `from_code` probes a hash table. A test program in that crate parses every
//! alias and every deprecated code, and runs the conformance cases generated
//! for the two vendors; compiling it must warn where it names a deprecated
//! variant and nowhere else (the generated lookups name them too). The
//! TypeScript and Python packages generated for the same vendors must parse
//! every alias to its code as Rust does, and pass the same cases.

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
fn every_generated_parse_case_agrees() {
    let file: serde_json::Value = serde_json::from_str(include_str!("parse.json")).unwrap();
    let cases = file["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let vendor = errcat::Vendor::from_id(case["vendor"].as_str().unwrap()).unwrap();
        let status = case["status"].as_u64().unwrap() as u16;
        let body = case["body"].as_str().unwrap();
        let err = errcat::parse(vendor, status, &[], body.as_bytes());
        let got = serde_json::json!({
            "code": err.code(),
            "message": err.message(),
            "request_id": err.request_id(),
            "kind": err.kind().id(),
        });
        // The aliases are what this suite checks; the other facts of a parse
        // are each runtime's conformance suite's.
        for key in ["code", "message", "request_id", "kind"] {
            assert_eq!(got[key], case["expect"][key], "{} {key}", case["name"]);
        }
    }
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

fn catalog() -> errcat_codegen::ir::Catalog {
    let sources = [("acme.yaml", acme()), ("bulk.yaml", bulk())].map(|(name, text)| Source {
        file_name: name.into(),
        bytes: text.into_bytes(),
    });
    errcat_codegen::catalog_from_sources("catalog", &sources)
        .unwrap_or_else(|d| panic!("{}", d.render()))
}

fn generate() -> Vec<errcat_codegen::OutputFile> {
    errcat_codegen::emit::rust::files(&catalog()).unwrap()
}

/// The generated `parse.json` for the two vendors.
fn parse_cases() -> String {
    errcat_codegen::emit::conformance::files(&catalog())
        .into_iter()
        .find(|f| f.path.ends_with("/parse.json"))
        .expect("parse.json")
        .contents
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
    fs::write(krate.dir.join("tests/parse.json"), parse_cases()).unwrap();
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
    assert!(stdout.contains("test result: ok. 4 passed"), "{stdout}");
}

/// Each alias gives one parse case, in the vendor's envelope, expected to
/// parse to its code: the cases every language runs.
#[test]
fn every_alias_has_a_parse_case_expecting_its_code() {
    let file: serde_json::Value = serde_json::from_str(&parse_cases()).unwrap();
    let got: Vec<(String, String, String, String)> = file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"].as_str().unwrap().contains("/alias "))
        .map(|c| {
            let body: serde_json::Value =
                serde_json::from_str(c["body"].as_str().unwrap()).unwrap();
            let text = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
            let wire = text(&body["error"]["code"]);
            (
                text(&c["vendor"]),
                wire,
                text(&c["expect"]["code"]),
                text(&c["expect"]["kind"]),
            )
        })
        .collect();
    let want = [
        ("acme", "NotFound", "not_found", "not_found"),
        ("acme", "missing", "not_found", "not_found"),
        ("bulk", "seven", "code_7", "invalid_request"),
        ("bulk", "SEVEN_ALT", "code_7", "invalid_request"),
        ("bulk", "last-but-not-least", "code_599", "invalid_request"),
    ]
    .map(|(v, w, c, k)| (v.to_owned(), w.to_owned(), c.to_owned(), k.to_owned()));
    assert_eq!(got, want);
}

/// Spellings sent to each vendor (status, vendor, code in the body) and the
/// class, code and kind each must parse to: every alias, a code, and spellings
/// that are no alias (another case, an unlisted word), which stay unknown.
const PROBES: &[(&str, u16, &str, &str, &str, &str)] = &[
    (
        "acme",
        404,
        "not_found",
        "NotFoundError",
        "not_found",
        "not_found",
    ),
    (
        "acme",
        404,
        "NotFound",
        "NotFoundError",
        "not_found",
        "not_found",
    ),
    (
        "acme",
        404,
        "missing",
        "NotFoundError",
        "not_found",
        "not_found",
    ),
    (
        "acme",
        404,
        "NOT_FOUND",
        "AcmeError",
        "NOT_FOUND",
        "unknown",
    ),
    ("acme", 404, "Missing", "AcmeError", "Missing", "unknown"),
    (
        "bulk",
        400,
        "seven",
        "Code7Error",
        "code_7",
        "invalid_request",
    ),
    (
        "bulk",
        400,
        "SEVEN_ALT",
        "Code7Error",
        "code_7",
        "invalid_request",
    ),
    (
        "bulk",
        400,
        "last-but-not-least",
        "Code599Error",
        "code_599",
        "invalid_request",
    ),
    (
        "bulk",
        400,
        "code_598",
        "Code598Error",
        "code_598",
        "invalid_request",
    ),
    ("bulk", 400, "eight", "BulkError", "eight", "unknown"),
];

/// What a script is given: the probes as `[vendor, status, body]` and the
/// generated parse cases.
fn script_input() -> Vec<u8> {
    let probes: Vec<serde_json::Value> = PROBES
        .iter()
        .map(|(vendor, status, wire, ..)| {
            let body = serde_json::json!({"error": {"code": wire, "message": "m"}});
            serde_json::json!([vendor, status, body.to_string()])
        })
        .collect();
    let cases: serde_json::Value = serde_json::from_str(&parse_cases()).unwrap();
    serde_json::json!({"probes": probes, "cases": cases["cases"]})
        .to_string()
        .into_bytes()
}

/// What every language must answer for [`script_input`]: each probe's class,
/// code and kind, each case's expected answer, and the aliases in the code tables.
fn expected_answers() -> serde_json::Value {
    let cases: serde_json::Value = serde_json::from_str(&parse_cases()).unwrap();
    // The facts the scripts read: an alias changes the code and kind; the
    // other facts of a parse are each runtime's conformance suite's.
    let expect: Vec<serde_json::Value> = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let e = &c["expect"];
            serde_json::json!({
                "code": e["code"],
                "message": e["message"],
                "request_id": e["request_id"],
                "kind": e["kind"],
            })
        })
        .collect();
    let probes: Vec<[&str; 3]> = PROBES
        .iter()
        .map(|&(.., class, code, kind)| [class, code, kind])
        .collect();
    serde_json::json!({
        "probes": probes,
        "cases": expect,
        "aliases": [["NotFound", "missing"], [], ["seven", "SEVEN_ALT"]],
    })
}

const TYPESCRIPT: &str = r#"
import { readFileSync } from "node:fs";
const m = await import("./dist/index.js");
const input = JSON.parse(readFileSync(0, "utf8"));
const probes = input.probes.map(([vendor, status, body]) => {
  const err = m.parse(vendor, status, {}, body, 0).toError();
  return [err.constructor.name, err.code, err.kind];
});
const cases = input.cases.map((c) => {
  const err = m.parse(c.vendor, c.status, c.headers, c.body, 0);
  return { code: err.code, message: err.message, request_id: err.requestId, kind: err.kind };
});
const aliases = [m.acme.CODES["not_found"], m.acme.CODES["gone"], m.bulk.CODES["code_7"]].map((c) => c.aliases);
process.stdout.write(JSON.stringify({ probes, cases, aliases }));
"#;

const PYTHON: &str = r#"
import json, sys
import errcat
from errcat import acme, bulk
data = json.load(sys.stdin)
probes = []
for vendor, status, body in data["probes"]:
    err = errcat.parse(vendor, status, {}, body, 0)
    probes.append([type(err).__name__, err.code, err.kind])
cases = []
for c in data["cases"]:
    err = errcat.parse(c["vendor"], c["status"], c["headers"], c["body"], 0)
    cases.append({"code": err.code, "message": err.message, "request_id": err.request_id, "kind": err.kind})
row = lambda m, code: list(next(r for r in m.CODES if r.code == code).aliases)
aliases = [row(acme, "not_found"), row(acme, "gone"), row(bulk, "code_7")]
print(json.dumps({"probes": probes, "cases": cases, "aliases": aliases}))
"#;

/// The TypeScript package parses each alias to its code's class and its
/// code's own spelling, keeps a spelling that is no alias unknown, lists the
/// aliases in `CODES`, and passes the generated parse cases.
#[test]
fn typescript_parses_aliases_as_rust_does() {
    let files = errcat_codegen::emit::typescript::files(&catalog());
    let package = support::packages::TypeScript::build("lifecycle", &files);
    assert_eq!(
        package.node(TYPESCRIPT, &script_input()),
        expected_answers()
    );
}

/// The Python package does the same, through `errcat.parse`.
#[test]
fn python_parses_aliases_as_rust_does() {
    let files = errcat_codegen::emit::python::files(&catalog());
    let package = support::packages::Python::new("lifecycle", &files);
    assert_eq!(package.run(PYTHON, &script_input()), expected_answers());
}
