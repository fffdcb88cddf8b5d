//! Names chosen to break generated code: a catalog that validates builds.
//!
//! One vendor holds a code for every Rust keyword and reserved word, every
//! prelude item, every associated item the generated impls use, and every
//! name the generated code and errcat's runtime define; vendor ids take the
//! same kinds of names as modules and `Vendor` variants. The crate built from
//! them must compile with `-D warnings` (one `cargo check`). Names that differ
//! only in case, `-` or `_` must instead be refused, naming both places.

#[path = "support/krate.rs"]
mod krate;
#[allow(dead_code, reason = "this file uses only the Go module")]
#[path = "support/packages.rs"]
mod packages;

use std::path::Path;

use errcat_codegen::emit::docs;
use errcat_codegen::load::Source;
use errcat_codegen::names;

/// Every strict, reserved and weak keyword of Rust 2024.
const KEYWORDS: &[&str] = &[
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "macro",
    "override",
    "priv",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "try",
    "gen",
    "union",
    "macro_rules",
    "raw",
    "safe",
    "auto",
    "default",
    "'static",
];

/// The prelude (types, traits, functions, variants, macros) and the primitive types.
const PRELUDE: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Iterator",
    "IntoIterator",
    "Extend",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Default",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Debug",
    "Hash",
    "drop",
    "size_of",
    "align_of",
    "panic",
    "assert",
    "format",
    "println",
    "write",
    "matches",
    "bool",
    "char",
    "str",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
    "std",
    "core",
    "alloc",
];

/// Associated items of the traits the generated impls use, and their methods.
const ASSOCIATED: &[&str] = &[
    "Err",
    "Target",
    "Output",
    "Item",
    "Error",
    "Ok",
    "Owned",
    "Rhs",
    "IntoIter",
    "Value",
    "from_str",
    "fmt",
    "hash",
    "eq",
    "ne",
    "clone",
    "serialize",
    "deserialize",
    "description",
    "source",
    "cause",
    "provide",
    "to_string",
];

/// What the generated code and errcat's runtime define or name.
const DEFINED: &[&str] = &[
    "ErrorCode",
    "Error",
    "INFO",
    "BACKOFF",
    "POLICY",
    "ENVELOPE",
    "VENDOR",
    "ALL",
    "Unknown",
    "from_code",
    "as_str",
    "status",
    "statuses",
    "kind",
    "retry",
    "meaning",
    "message_template",
    "is_known",
    "row",
    "info",
    "from_status",
    "from_status_only",
    "Vendor",
    "ErrorKind",
    "ApiError",
    "parse",
    "id",
    "name",
    "from_id",
    "vendor",
    "message",
    "request_id",
    "retry_after",
    "retry_decision",
    "retry_decision_with",
    "grpc_code",
    "CodeInfo",
    "VendorCode",
    "VendorError",
    "Sealed",
    "code_impls",
    "Retry",
    "Jitter",
    "Backoff",
    "Policy",
    "Decision",
    "Request",
    "Envelope",
    "RawError",
    "GiveUpReason",
    "decide",
    "jitter_sample",
    "Duration",
    "Infallible",
    "Formatter",
    "Display",
    "FromStr",
    "Serialize",
    "Deserialize",
    "Serializer",
    "Deserializer",
    "Cow",
    "UNKNOWN_MEANING",
    "MAX_SHOWN_CODE",
    "write_code",
    "Escaped",
    "lookup",
    "miss",
    "find",
    "CODES",
    "SLOTS",
    "code",
    "Code",
    "generated",
    "http",
    "headers",
    "runtime",
    "response",
    "serde",
    "serde_json",
    "429",
    "r#type",
    "_x",
];

/// Go's keywords and predeclared identifiers, as codes and as vendor ids.
const GO_WORDS: &[&str] = &[
    "func",
    "go",
    "chan",
    "map",
    "range",
    "select",
    "defer",
    "goto",
    "fallthrough",
    "package",
    "import",
    "var",
    "interface",
    "switch",
    "case",
    "string",
    "error",
    "len",
    "nil",
    "iota",
    "any",
    "int",
    "make",
    "new",
    "append",
];

/// Codes named like what every Go vendor package declares, or that differ
/// from such a name only in case once exported.
const GO_NAMES: &[&str] = &[
    "Info",
    "IsKnown",
    "Kind",
    "FromResponse",
    "FromResponseAt",
    "APIError",
    "Unwrap",
    "s",
    "Codes",
];

/// Vendor ids that are folders the go command treats specially, packages
/// the generated files import, or the registry's package; and ids whose file
/// names would be a test or a build constraint.
const GO_VENDOR_IDS: &[&str] = &[
    "internal", "testdata", "main", "init", "vendors", "errors", "time", "x-test", "y-linux",
];

/// Vendor ids: keywords, primitives, prelude and defined names as modules and `Vendor` variants.
const VENDOR_IDS: &[&str] = &[
    "self",
    "crate",
    "super",
    "type",
    "fn",
    "mod",
    "box",
    "try",
    "async",
    "dyn",
    "union",
    "macro-rules",
    "str",
    "u16",
    "bool",
    "option",
    "result",
    "some",
    "err",
    "drop",
    "sized",
    "parse",
    "error",
    "error-code",
    "error-kind",
    "api-error",
    "vendor-code",
    "decide",
    "jitter-sample",
    "errcat",
    "x",
    "a1",
];

/// A vendor file with `codes`, each a `never` code of status 400.
fn vendor(codes: &[&str]) -> String {
    let mut text = String::from(
        "name: Acme\nsummary: \"Adversarial names.\"\nsource: https://docs.acme.test/errors\n\
         envelope:\n  code: /error/code\n  message: /error/message\n  example: '{\"error\": {\"code\": \"x\", \"message\": \"m\"}}'\n\
         errors:\n",
    );
    for code in codes {
        let quoted = serde_json::to_string(code).unwrap();
        text.push_str(&format!(
            "  - code: {quoted}\n    status: 400\n    kind: invalid_request\n    meaning: \"A name that must not break the code.\"\n    retry: never\n"
        ));
    }
    text
}

fn source(id: &str, text: String) -> Source {
    Source {
        file_name: format!("{id}.yaml"),
        bytes: text.into_bytes(),
    }
}

/// The adversarial catalog: a vendor with a code for every name above, and a
/// vendor for each of [`VENDOR_IDS`] and `extra_ids`.
fn adversarial_catalog(extra_ids: &[&str]) -> errcat_codegen::ir::Catalog {
    let mut codes: Vec<&str> = Vec::new();
    for name in KEYWORDS
        .iter()
        .chain(PRELUDE)
        .chain(ASSOCIATED)
        .chain(DEFINED)
        .chain(GO_WORDS)
        .chain(GO_NAMES)
    {
        if !codes.contains(name) {
            codes.push(name);
        }
    }
    // A code per name, except where two of the lists spell one name alike in
    // Rust (`Err` and `err`), the collisions the other test refuses, and the
    // names of the docs page's sections (`bad/code-anchor-is-a-section-heading`).
    let mut variants = std::collections::HashMap::new();
    codes.retain(|c| {
        let v = names::variant(c).unwrap();
        let section = docs::SECTIONS
            .iter()
            .any(|s| names::heading_id(s) == names::anchor(c));
        !section && variants.insert(v, *c).is_none()
    });
    assert!(codes.len() > 200, "{} codes", codes.len());
    let mut sources = vec![source("adversary", vendor(&codes))];
    for id in VENDOR_IDS.iter().chain(extra_ids) {
        sources.push(source(id, vendor(&["x"])));
    }
    errcat_codegen::catalog_from_sources("catalog", &sources)
        .unwrap_or_else(|d| panic!("the adversarial catalog is refused:\n{d}"))
}

#[test]
fn a_catalog_of_adversarial_names_validates_and_its_crate_builds_without_warnings() {
    let catalog = adversarial_catalog(&[]);
    let files = errcat_codegen::emit::all(&catalog).unwrap_or_else(|d| panic!("{d}"));

    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    if let Err(report) = krate::check(
        workspace,
        &workspace.join("target/injection"),
        "adversarial",
        &files,
    ) {
        panic!("{}", report.chars().take(6000).collect::<String>());
    }
}

/// The adversarial catalog, with Go's own troublesome names among its codes
/// and vendor ids, generates a Go module that is gofmt-clean and builds with
/// `go vet` clean.
#[test]
fn the_adversarial_catalogs_go_module_is_gofmt_clean_and_vets() {
    let ids: Vec<&str> = GO_WORDS
        .iter()
        .chain(GO_VENDOR_IDS)
        .copied()
        .filter(|id| !VENDOR_IDS.contains(id))
        .collect();
    let catalog = adversarial_catalog(&ids);
    let files = errcat_codegen::emit::all(&catalog).unwrap_or_else(|d| panic!("{d}"));
    let packages: std::collections::BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.strip_prefix("generated/go/"))
        .filter_map(|p| p.split_once('/').map(|(dir, _)| dir))
        .collect();
    for escaped in [
        "func_",
        "string_",
        "internal_",
        "testdata_",
        "main_",
        "x_test_",
        "vendors_",
    ] {
        assert!(
            packages.contains(escaped),
            "no package {escaped} in {packages:?}"
        );
    }
    packages::Go::new("adversarial", &files).check();
}

/// Names a catalog gives the Go SDK (`sdk.go`) that would collide are not used:
/// the vendor's error type falls back to `APIError`, and a code's name that is
/// taken gets a suffix.
#[test]
fn go_names_from_the_catalog_that_would_collide_are_replaced() {
    let text = r#"name: Acme
summary: "Go names."
source: https://docs.acme.test/errors
sdk:
  go: acme.FromResponse
envelope:
  code: /error/code
  message: /error/message
  example: '{"error": {"code": "a", "message": "m"}}'
errors:
  - code: a
    status: 400
    kind: invalid_request
    meaning: "A."
    retry: never
    sdk: {go: acme.CodeB}
  - code: b
    status: 400
    kind: invalid_request
    meaning: "B."
    retry: never
  - code: c
    status: 400
    kind: invalid_request
    meaning: "C."
    retry: never
    sdk: {go: acme.Vendor}
"#;
    let catalog =
        errcat_codegen::catalog_from_sources("catalog", &[source("acme", text.to_owned())])
            .unwrap_or_else(|d| panic!("{d}"));
    let v = &catalog.vendors[0];
    assert_eq!(errcat_codegen::emit::go::error_type(v), "APIError");
    assert_eq!(
        errcat_codegen::emit::go::code_names(v),
        ["CodeB", "CodeB_2", "CodeC"]
    );
    let files = errcat_codegen::emit::all(&catalog).unwrap_or_else(|d| panic!("{d}"));
    packages::Go::new("go-names", &files).check();
}

#[test]
fn names_differing_only_in_case_dash_or_underscore_are_refused_naming_both_places() {
    let text = vendor(&[
        "err",
        "Err",
        "ERR",
        "rate-limited",
        "rate_limited",
        "Rate.Limited",
    ]);
    let problems = errcat_codegen::catalog_from_sources("catalog", &[source("acme", text)])
        .expect_err("collisions are refused")
        .to_string();
    let firsts: Vec<&str> = problems.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        firsts,
        [
            "catalog/acme.yaml:14:11: code `Err` and code `err` (catalog/acme.yaml:9:11) both become the Rust name `Err`",
            "catalog/acme.yaml:19:11: code `ERR` and code `err` (catalog/acme.yaml:9:11) both become the Rust name `Err`",
            "catalog/acme.yaml:29:11: code `rate_limited` and code `rate-limited` (catalog/acme.yaml:24:11) both become the Rust name `RateLimited`",
            "catalog/acme.yaml:34:11: code `Rate.Limited` and code `rate-limited` (catalog/acme.yaml:24:11) both become the Rust name `RateLimited`",
        ],
        "{problems}"
    );

    let vendors: Vec<Source> = ["a1", "a-1", "error-code", "error_code"]
        .iter()
        .map(|id| source(id, vendor(&["x"])))
        .collect();
    let problems = errcat_codegen::catalog_from_sources("catalog", &vendors)
        .expect_err("collisions are refused")
        .to_string();
    let firsts: Vec<&str> = problems.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        firsts,
        [
            "catalog/a1.yaml:1:1: vendor `a1` and vendor `a-1` (catalog/a-1.yaml:1:1) both become the `Vendor` variant `A1`",
            "catalog/error_code.yaml:1:1: the file name `error_code.yaml` is not a vendor id of the form [a-z][a-z0-9-]*",
        ],
        "{problems}"
    );
}
