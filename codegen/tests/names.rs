//! Vendor ids cannot take a module name the `errcat` crate root already uses.
//!
//! The generated vendor modules are re-exported at the crate root with a glob,
//! which any hand-written module of the same name silently shadows. This reads
//! the crate root and the runtime's modules, and checks that `names::RESERVED_MODULES`
//! keeps up with them.

mod support;

use std::fs;
use std::path::Path;

use errcat_codegen::names;

#[test]
fn every_module_of_the_errcat_crate_root_is_reserved() {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/src/lib.rs");
    // The runtime's modules are re-exported at the crate root too.
    let runtime = lib.with_file_name("runtime/mod.rs");
    let text = fs::read_to_string(&lib).expect("read generated/src/lib.rs")
        + &fs::read_to_string(&runtime).expect("read generated/src/runtime/mod.rs");
    let mut modules: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter_map(|l| {
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))
        })
        .filter_map(|l| l.strip_suffix(';'))
        .collect();
    // The runtime's modules, re-exported at the root: `pub use runtime::{backoff, ...};`.
    let reexported = text
        .split_once("pub use runtime::{")
        .and_then(|(_, rest)| rest.split_once("};"))
        .map_or("", |(list, _)| list);
    modules.extend(
        reexported
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty()),
    );
    assert!(
        modules.contains(&"runtime") && modules.contains(&"decision"),
        "no module found in {}",
        lib.display()
    );
    for module in modules {
        assert!(
            names::RESERVED_MODULES.contains(&module),
            "`errcat::{module}` exists but `{module}` is not in names::RESERVED_MODULES"
        );
        assert!(
            names::check_vendor_id(module).is_err(),
            "a vendor file `{module}.yaml` would be accepted"
        );
    }
}

/// Every lower-case name the Python package's `__init__.py` binds at its top
/// level (what it defines, imports, or takes from `__future__`), read with
/// Python's own parser: a vendor module of that name would replace it once
/// imported (`errcat.importlib` would break `errcat.parse`).
#[test]
fn every_name_the_python_package_root_binds_is_reserved() {
    let init =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/python/src/errcat/__init__.py");
    let script = r#"
import ast, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
names = set()
for node in tree.body:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.add(node.name)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            names.add((alias.asname or alias.name).split(".")[0])
    elif isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name):
                    names.add(leaf.id)
print("\n".join(sorted(names)))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&init)
        .output()
        .expect("run python3 (Python 3.9 or later is needed for the Python package's checks)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bound = String::from_utf8(out.stdout).expect("names are UTF-8");
    let candidates: Vec<&str> = bound
        .lines()
        .filter(|n| n.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter(|n| {
            n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .collect();
    for name in ["annotations", "importlib", "parse", "vendor"] {
        assert!(
            candidates.contains(&name),
            "{name} not found in {candidates:?}"
        );
    }
    for name in candidates {
        let id = name.replace('_', "-");
        assert_ne!(
            errcat_codegen::emit::python::module(&id),
            name,
            "vendor id `{id}` would replace `errcat.{name}`: add it to RESERVED_MODULES in codegen/src/emit/python.rs"
        );
    }
}

/// Vendors called `importlib` and `annotations`: once their modules are
/// imported, `errcat.parse` still parses another vendor's response.
#[test]
fn python_vendor_modules_named_like_the_package_roots_imports_leave_it_working() {
    let vendor = |id: &str| errcat_codegen::load::Source {
        file_name: format!("{id}.yaml"),
        bytes: format!(
            "name: {id}\nsummary: \"Errors.\"\nsource: https://docs.acme.test/errors\n\
             envelope:\n  code: /error/code\n  message: /error/message\n  \
             example: '{{\"error\": {{\"code\": \"gone\", \"message\": \"m\"}}}}'\n\
             errors:\n  - code: gone\n    status: 410\n    kind: not_found\n    \
             meaning: \"Gone.\"\n    retry: never\n"
        )
        .into_bytes(),
    };
    let sources = [vendor("importlib"), vendor("annotations"), vendor("acme")];
    let catalog = errcat_codegen::catalog_from_sources("catalog", &sources)
        .unwrap_or_else(|d| panic!("{}", d.render()));
    let files = errcat_codegen::emit::python::files(&catalog);
    let package = support::packages::Python::new("root-names", &files);
    let got = package.run(
        "import json, errcat, errcat.importlib_, errcat.annotations_\n\
         from errcat import importlib_, annotations_\n\
         err = errcat.parse('acme', 410, {}, b'{\"error\": {\"code\": \"gone\", \"message\": \"m\"}}')\n\
         print(json.dumps([err.code, errcat.importlib_.VENDOR.id, annotations_.VENDOR.id]))",
        b"",
    );
    assert_eq!(got, serde_json::json!(["gone", "importlib", "annotations"]));
}
