//! Hostile text in every field of a catalog cannot inject code into the generated Rust.
//!
//! The vendor built here carries quotes, backslashes, comment markers,
//! attribute openers, the marker that stands in for variant docs before
//! printing, braces, HTML, pipes, backticks, line breaks, NUL, a
//! right-to-left override and a 100 KB string in every text field. The test
//! checks that the generated module has exactly the items of a plain vendor's
//! module, that every string in its tables and every rustdoc line holds the
//! text exactly, and that a crate built from it compiles without warnings.

mod support;

use std::fs;
use std::path::Path;

use errcat_codegen::load::Source;

/// Everything that has broken a code generator somewhere.
const HOSTILE: &str = "q\" b\\ */ /* // #[cfg(any())] #![no_std] } { </script> <b> | ` ``` ~~ \n\
                       #[errcat_variant_doc]\n second line \u{0} \u{202e}rtl\u{202c} \r end";

/// The same, minus what a message template may not hold (`{`, `}` other than `{{`/`}}`, `{{#`).
const HOSTILE_TEMPLATE: &str = "q\" b\\ */ /* // #[cfg(any())] }} {{ </script> | ` ``` \n\
                                second \u{0} \u{202e}rtl {name}";

/// [`HOSTILE`]'s ASCII part: what an alias, which must be ASCII, can carry.
const HOSTILE_ASCII: &str =
    "q\" b\\ */ /* // #[cfg(any())] } { </script> <b> | ` ``` ~~ #[errcat_variant_doc]";

/// A docs address with quotes, comment and attribute openers.
const HOSTILE_URL: &str = "https://docs.acme.test/e\"*/#[/";

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A vendor file with hostile text in every field that takes free text.
fn hostile_vendor() -> String {
    let h = quoted(HOSTILE);
    let big = quoted(&format!("{HOSTILE} {}", "x".repeat(100_000)));
    let example = quoted(r##"{"err\"or": {"c*/de": "x\"*/{", "m#[sg": "hi", "id": "r\u0000"}}"##);
    format!(
        r##"name: {h}
summary: {big}
source: "https://docs.acme.test/e\"*/#["
docs_url: {url}
envelope:
  code: "/err\"or/c*~1de"
  code_note: {h}
  message: "/err\"or/m#[sg"
  request_id: "/err\"or/id"
  request_id_header: "X-Id*#|`"
  example: {example}
rate_limit_headers:
  - name: "X-Limit*/#[|`"
    description: {h}
retry:
  max_attempts: 4
  delay_header: "Retry-After*#|`"
  safe_methods: [GET]
  idempotency_key: {h}
  guidance: {h}
sdk:
  typescript: {h}
categories:
  - id: weird
    name: {h}
errors:
  - code: "x\"*/{{"
    status: [400, 422]
    kind: invalid_request
    meaning: {big}
    message: {template}
    resolution: {h}
    category: weird
    retry: {{after: {h}}}
    sdk: {{python: {h}}}
    deprecated: {h}
    removed: {{since: {h}, why: {h}}}
    aliases: [{alias}]
    examples:
      - title: {h}
        status: 422
        body: {example}
  - code: "#[doc = \"x\"]"
    status: 500
    kind: internal
    meaning: {h}
    retry: backoff
    fallback: true
    deprecated: {{since: {h}, why: {h}, replacement: "x\"*/{{"}}
"##,
        template = quoted(HOSTILE_TEMPLATE),
        alias = quoted(HOSTILE_ASCII),
        url = quoted(HOSTILE_URL),
    )
}

/// The same catalog shape with plain text.
fn plain_vendor() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/base.yaml")).unwrap()
}

/// The catalog of one vendor file `acme.yaml` holding `text`.
fn catalog(text: &str) -> errcat_codegen::ir::Catalog {
    let source = Source {
        file_name: "acme.yaml".into(),
        bytes: text.as_bytes().to_vec(),
    };
    errcat_codegen::catalog_from_sources("catalog", &[source])
        .unwrap_or_else(|d| panic!("{}", d.to_string().chars().take(2000).collect::<String>()))
}

fn generate(text: &str) -> Vec<errcat_codegen::OutputFile> {
    errcat_codegen::emit::rust::files(&catalog(text)).unwrap()
}

fn module(files: &[errcat_codegen::OutputFile]) -> syn::File {
    let file = files
        .iter()
        .find(|f| f.path.ends_with("/acme.rs"))
        .expect("acme.rs");
    syn::parse_file(&file.contents).expect("the generated module parses")
}

/// Each item's kind and name, in order: the module's shape.
fn shape(file: &syn::File) -> Vec<String> {
    file.items
        .iter()
        .map(|item| match item {
            syn::Item::Const(i) => format!("const {}", i.ident),
            syn::Item::Static(i) => format!("static {}", i.ident),
            syn::Item::Type(i) => format!("type {}", i.ident),
            syn::Item::Enum(i) => format!("enum {}", i.ident),
            syn::Item::Impl(i) => format!("impl {}", i.items.len()),
            syn::Item::Macro(i) => format!("macro {}", i.mac.path.segments.len()),
            _ => "other".to_owned(),
        })
        .collect()
}

/// Undoes the emitter's rustdoc escaping: `\x` is `x`, `\u{hex}` is that character.
fn unescape_doc(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('u') if chars.peek() == Some(&'{') => {
                chars.next();
                let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Every string literal in the module, by value.
fn strings(file: &syn::File) -> Vec<String> {
    let tokens = quote::ToTokens::to_token_stream(file);
    let mut out = Vec::new();
    collect_strings(tokens, &mut out);
    out
}

fn collect_strings(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Literal(lit) => {
                if let Ok(s) = syn::parse_str::<syn::LitStr>(&lit.to_string()) {
                    out.push(s.value());
                }
            }
            proc_macro2::TokenTree::Group(g) => collect_strings(g.stream(), out),
            _ => {}
        }
    }
}

/// The rustdoc of each variant, unescaped, joined by newlines.
fn variant_docs(file: &syn::File) -> Vec<String> {
    let e = file
        .items
        .iter()
        .find_map(|i| match i {
            syn::Item::Enum(e) if e.ident == "ErrorCode" => Some(e),
            _ => None,
        })
        .expect("enum ErrorCode");
    e.variants
        .iter()
        .map(|v| {
            v.attrs
                .iter()
                .filter_map(|a| match &a.meta {
                    syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => Some(unescape_doc(&s.value())),
                        _ => None,
                    },
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

#[test]
fn hostile_text_keeps_the_module_shape_and_is_kept_exactly() {
    let hostile = module(&generate(&hostile_vendor()));
    let plain = module(&generate(&plain_vendor()));
    assert_eq!(shape(&hostile), shape(&plain), "the item structure changed");

    let strings = strings(&hostile);
    let big = format!("{HOSTILE} {}", "x".repeat(100_000));
    for wanted in [
        HOSTILE,
        big.as_str(),
        HOSTILE_TEMPLATE,
        "x\"*/{",
        "#[doc = \"x\"]",
        "Retry-After*#|`",
        "X-Id*#|`",
        HOSTILE_ASCII,
        &format!(
            "{HOSTILE_URL}acme.html#{}",
            errcat_codegen::names::anchor("x\"*/{")
        ),
    ] {
        assert!(
            strings.iter().any(|s| s == wanted),
            "no string literal holds {:?}",
            &wanted[..wanted.len().min(40)]
        );
    }

    let docs = variant_docs(&hostile);
    assert_eq!(docs.len(), 3, "two codes and Unknown");
    // The rustdoc holds each text line by line (a doc line cannot hold a line
    // break); prettyplease drops spaces at the end of a doc line.
    for line in big
        .split('\n')
        .chain(HOSTILE_TEMPLATE.split('\n'))
        .chain(HOSTILE.split('\n'))
    {
        let line = line.trim_end_matches(' ');
        assert!(
            docs[0].contains(line),
            "the rustdoc lacks {:?}",
            &line[..line.len().min(40)]
        );
    }
    assert!(docs[1].contains(HOSTILE.split('\n').next().unwrap().trim_end()));
}

/// A crate made of errcat's runtime and the hostile vendor's module compiles without warnings.
#[test]
fn a_crate_built_from_hostile_text_compiles() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let built = support::krate::check(
        workspace,
        &workspace.join("target/injection"),
        "injection",
        &generate(&hostile_vendor()),
    );
    if let Err(report) = built {
        panic!("{}", report.chars().take(4000).collect::<String>());
    }
}

/// The hostile vendor's TypeScript type-checks with `tsc --strict`, and once
/// compiled and imported its tables hold every text exactly.
#[test]
fn hostile_text_type_checks_as_typescript_and_is_kept_exactly() {
    let files = errcat_codegen::emit::typescript::files(&catalog(&hostile_vendor()));
    let package = support::packages::TypeScript::build("injection", &files);
    let script = "const m = await import('./dist/index.js'); \
                  const { readFileSync } = await import('node:fs'); \
                  const codes = Object.values(m.acme.CODES); \
                  const classes = Object.keys(m.acme).filter((k) => typeof m.acme[k] === 'function'); \
                  const err = m.acme.fromResponse(422, {}, readFileSync(0, 'utf8')); \
                  const parsed = [err.constructor.name, err.code]; \
                  process.stdout.write(JSON.stringify({ vendor: m.acme.VENDOR, codes, classes, parsed }));";
    // A body carrying the hostile alias: the table's key holds it exactly.
    let body = serde_json::json!({"err\"or": {"c*/de": HOSTILE_ASCII, "m#[sg": "hi"}});
    let got = package.node(script, body.to_string().as_bytes());
    let big = format!("{HOSTILE} {}", "x".repeat(100_000));
    assert_eq!(got["vendor"]["name"], HOSTILE);
    assert_eq!(
        got["vendor"]["envelope"]["code"],
        serde_json::json!(["/err\"or/c*~1de"])
    );
    assert_eq!(got["vendor"]["envelope"]["requestIdHeader"], "X-Id*#|`");
    assert_eq!(got["vendor"]["policy"]["delayHeader"], "Retry-After*#|`");
    assert_eq!(got["vendor"]["policy"]["idempotencyKey"], HOSTILE);
    let first = &got["codes"][0];
    assert_eq!(first["code"], "x\"*/{");
    assert_eq!(first["meaning"], big.as_str());
    assert_eq!(first["message"], HOSTILE_TEMPLATE);
    assert_eq!(first["resolution"], HOSTILE);
    assert_eq!(first["retry"]["action"], HOSTILE);
    assert_eq!(first["aliases"], serde_json::json!([HOSTILE_ASCII]));
    assert_eq!(got["parsed"], serde_json::json!(["XError", "x\"*/{"]));
    assert_eq!(got["codes"][1]["code"], "#[doc = \"x\"]");
    assert_eq!(got["codes"][1]["meaning"], HOSTILE);
    // The hostile `sdk.typescript` is no identifier: the names are derived instead.
    let classes: Vec<&str> = got["classes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    for class in ["AcmeError", "XError", "DocXError"] {
        assert!(classes.contains(&class), "no class {class} in {classes:?}");
    }
}

fn generate_python(text: &str) -> Vec<errcat_codegen::OutputFile> {
    errcat_codegen::emit::python::files(&catalog(text))
}

/// What Python sees in a vendor module: its docstring, public names, classes and tables, as JSON.
const PYTHON_PROBE: &str = r#"
import dataclasses, json, sys
import errcat
import errcat.acme as m
err = m.from_response(422, {}, sys.stdin.buffer.read())
print(json.dumps({
    "doc": m.__doc__,
    "public": sorted(n for n in dir(m) if not n.startswith("_") and not isinstance(getattr(m, n), type)),
    "base": m.TABLE.base.__name__,
    "classes": [c.__name__ for c in m.TABLE.by_code.values()],
    "aliases": {a: c.__name__ for a, c in m.TABLE.aliases.items()},
    "codes": [dataclasses.asdict(c) for c in m.CODES],
    "vendor": [m.VENDOR.id, m.VENDOR.name],
    "envelope": dataclasses.asdict(m.ENVELOPE),
    "policy": [m.POLICY.delay_header, m.POLICY.idempotency_key, list(m.POLICY.safe_methods)],
    "parsed": [type(err).__name__, err.code, err.message, err.request_id],
    "via_parse": errcat.parse("acme", 500, [], b"{}").code,
}))
"#;

/// Runs the probe over a package made of errcat's hand-written Python modules and `files`.
fn probe_python(
    files: &[errcat_codegen::OutputFile],
    example: &str,
    label: &str,
) -> serde_json::Value {
    support::packages::Python::new(label, files).run(PYTHON_PROBE, example.as_bytes())
}

/// The hostile vendor's Python module imports without a warning, has the shape
/// of a plain vendor's module, and holds every text exactly.
#[test]
fn a_python_module_built_from_hostile_text_imports_and_keeps_the_text() {
    let example = r##"{"err\"or": {"c*/de": "x\"*/{", "m#[sg": "hi", "id": "r\u0000"}}"##;
    let hostile = probe_python(&generate_python(&hostile_vendor()), example, "hostile");
    let plain = probe_python(&generate_python(&plain_vendor()), "{}", "plain");
    assert_eq!(
        hostile["public"], plain["public"],
        "the module's names changed"
    );

    let big = format!("{HOSTILE} {}", "x".repeat(100_000));
    let doc = hostile["doc"].as_str().unwrap();
    assert!(
        doc.starts_with(&format!("{HOSTILE}: {big}\n")),
        "the module docstring"
    );
    assert_eq!(hostile["vendor"], serde_json::json!(["acme", HOSTILE]));
    // The `sdk.python` name is no identifier, so the class name is derived.
    assert_eq!(hostile["base"], "AcmeError");
    assert_eq!(
        hostile["classes"],
        serde_json::json!(["XError", "DocXError"])
    );
    let code = &hostile["codes"][0];
    assert_eq!(code["code"], "x\"*/{");
    assert_eq!(code["statuses"], serde_json::json!([400, 422]));
    assert_eq!(code["meaning"], big.as_str());
    assert_eq!(code["message"], HOSTILE_TEMPLATE);
    assert_eq!(code["resolution"], HOSTILE);
    assert_eq!(code["aliases"], serde_json::json!([HOSTILE_ASCII]));
    assert_eq!(
        hostile["aliases"],
        serde_json::json!({HOSTILE_ASCII: "XError"})
    );
    // The deprecation reads as the Rust crate gives it: removed or
    // deprecated, since when, why, each part kept exactly.
    let note = catalog(&hostile_vendor()).vendors[0].codes[0].deprecation_note();
    assert_eq!(code["deprecated"].as_str(), note.as_deref());
    assert_eq!(
        code["retry"],
        serde_json::json!({"rule": "after", "action": HOSTILE})
    );
    assert_eq!(hostile["codes"][1]["code"], "#[doc = \"x\"]");
    assert_eq!(hostile["codes"][1]["meaning"], HOSTILE);
    assert_eq!(hostile["envelope"]["code"], "/err\"or/c*~1de");
    assert_eq!(hostile["envelope"]["request_id_header"], "X-Id*#|`");
    assert_eq!(
        hostile["policy"],
        serde_json::json!(["Retry-After*#|`", HOSTILE, ["GET"]])
    );
    assert_eq!(
        hostile["parsed"],
        serde_json::json!(["XError", "x\"*/{", "hi", "r\u{0}"])
    );
    assert_eq!(hostile["via_parse"], "#[doc = \"x\"]");
}
