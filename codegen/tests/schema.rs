//! The catalog's JSON Schema: it accepts every real vendor file, rejects
//! mistakes an editor should underline, and `catalog/schema.json` is up to date.
//!
//! YAML is read into a `serde_json::Value` the way an editor's YAML language
//! server hands it to the schema. It is read with strict booleans, as the
//! loader reads it, so that `no` stays the string `"no"` and is not `false`.

use std::fs;
use std::path::{Path, PathBuf};

use errcat_codegen::emit::schema;
use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A compiled schema (boon: a pure-Rust validator with no HTTP client).
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new(schema: Value) -> Validator {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource("file:///schema.json", schema)
            .expect("the schema is JSON");
        let index = compiler
            .compile("file:///schema.json", &mut schemas)
            .unwrap_or_else(|e| panic!("the generated schema is a valid schema: {e}"));
        Validator { schemas, index }
    }

    fn is_valid(&self, instance: &Value) -> bool {
        self.schemas.validate(instance, self.index).is_ok()
    }

    /// The innermost errors, as `instance path: message` lines.
    fn iter_errors(&self, instance: &Value) -> Vec<String> {
        fn leaves(e: &boon::ValidationError<'_, '_>, out: &mut Vec<String>) {
            if e.causes.is_empty() {
                out.push(format!("{}: {}", e.instance_location, e.kind));
            }
            for cause in &e.causes {
                leaves(cause, out);
            }
        }
        let mut out = Vec::new();
        if let Err(e) = self.schemas.validate(instance, self.index) {
            leaves(&e, &mut out);
        }
        out
    }
}

fn validator() -> Validator {
    let schema = schema::schema();
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-07/schema#",
        "yaml-language-server reads draft-07"
    );
    Validator::new(schema)
}

/// Reads YAML as a JSON value, with the loader's strict booleans.
fn yaml(text: &str) -> Value {
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(text, options).expect("the YAML parses")
}

/// The schema's errors for `instance`, as `instance path: message` lines.
fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator.iter_errors(instance)
}

fn base() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/base.yaml");
    fs::read_to_string(path).expect("read tests/base.yaml")
}

/// Replaces exactly one occurrence of `from` in the base vendor.
fn base_with(from: &str, to: &str) -> Value {
    let base = base();
    assert_eq!(base.matches(from).count(), 1, "`{from}` in tests/base.yaml");
    yaml(&base.replacen(from, to, 1))
}

#[test]
fn the_schema_accepts_every_vendor_file() {
    let validator = validator();
    let mut checked = 0;
    let mut entries: Vec<_> = fs::read_dir(workspace().join("catalog"))
        .expect("read catalog/")
        .map(|e| e.expect("list catalog/").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    entries.sort();
    for path in entries {
        let text = fs::read_to_string(&path).expect("read a vendor file");
        let problems = errors(&validator, &yaml(&text));
        assert!(
            problems.is_empty(),
            "{} does not match the schema:\n{}",
            path.display(),
            problems.join("\n")
        );
        checked += 1;
    }
    let vendors = errcat_codegen::load_catalog(&workspace().join("catalog"))
        .map(|c| c.vendors.len())
        .unwrap_or_default();
    assert_eq!(checked, vendors, "every vendor file of the catalog");
}

#[test]
fn the_schema_accepts_the_base_vendor() {
    assert_eq!(errors(&validator(), &yaml(&base())), Vec::<String>::new());
}

#[test]
fn the_schema_rejects_an_unknown_field() {
    let problems = errors(
        &validator(),
        &base_with("    retry: never", "    retry: never\n    resolutoin: x"),
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("/errors/0: ") && problems[0].contains("resolutoin"),
        "{problems:?}"
    );
}

#[test]
fn the_schema_rejects_an_unknown_top_level_field() {
    let problems = errors(
        &validator(),
        &base_with("name: Acme", "name: Acme\nvendor: acme"),
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(": ") && problems[0].contains("vendor"),
        "{problems:?}"
    );
}

#[test]
fn the_schema_rejects_a_bad_duration() {
    let validator = validator();
    let with_initial = |d: &str| {
        base_with(
            "  delay_header: Retry-After",
            &format!("  delay_header: Retry-After\n  backoff:\n    initial: \"{d}\""),
        )
    };
    // `retry` and `backoff` may be null, so besides the pattern mismatch the
    // validator reports each null branch of their `anyOf`s; every report is
    // on the path down to the duration.
    for bad in ["1.5s", "1h", "30", "1 s", "-1s"] {
        let problems = errors(&validator, &with_initial(bad));
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("/retry/backoff/initial: ")
                    && p.contains("does not match pattern")),
            "{bad}: {problems:?}"
        );
        assert!(
            problems.iter().all(|p| p.starts_with("/retry")),
            "{bad}: {problems:?}"
        );
    }
    assert_eq!(
        errors(&validator, &with_initial("250ms")),
        Vec::<String>::new()
    );

    // The `Duration` definition itself, which every duration field refers to.
    let mut duration = schema::schema();
    duration["$ref"] = "#/definitions/Duration".into();
    for key in [
        "properties",
        "required",
        "additionalProperties",
        "type",
        "title",
    ] {
        duration.as_object_mut().unwrap().remove(key);
    }
    let duration = Validator::new(duration);
    for good in ["250ms", "1s", "30s", "2m"] {
        assert!(duration.is_valid(&good.into()), "{good}");
    }
    for bad in ["1.5s", "1h", "30", "1 s", "-1s", "s", ""] {
        assert!(!duration.is_valid(&bad.into()), "{bad}");
    }
}

#[test]
fn the_schema_rejects_an_unknown_kind() {
    // One report per allowed kind, each at the kind.
    let problems = errors(&validator(), &base_with("kind: not_found", "kind: gone"));
    assert_eq!(
        problems.len(),
        errcat_codegen::ir::Kind::ALL.len(),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .all(|p| p.starts_with("/errors/0/kind: value must be '")),
        "{problems:?}"
    );
}

#[test]
fn a_yaml_1_1_boolean_word_is_a_string_for_the_schema() {
    // With strict booleans `no` is the code "no", as the loader reads it; a
    // YAML 1.1 reader would make it `false` and the schema would reject it.
    let instance = base_with("code: not_found", "code: no");
    assert_eq!(instance["errors"][0]["code"], "no");
    assert_eq!(errors(&validator(), &instance), Vec::<String>::new());
}

#[test]
fn schema_json_is_up_to_date() {
    let mut expected = serde_json::to_string_pretty(&schema::schema()).expect("serialise");
    expected.push('\n');
    let path = workspace().join(schema::PATH);
    let on_disk = fs::read_to_string(&path).expect("read catalog/schema.json");
    assert!(
        on_disk == expected,
        "catalog/schema.json is stale: run `cargo xtask codegen`"
    );
    assert_eq!(schema::schema_file().contents, expected);
}
