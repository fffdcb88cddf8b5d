//! A `cargo xtask codegen` killed at any of its renames leaves every
//! language's index naming only files that exist: `gen/mod.rs`, `index.ts`,
//! `_vendors.py` and `SUMMARY.md` are renamed into place after the vendor
//! files they name. The kill is injected with strace, at the first rename,
//! then the second, and so on until a run is not killed.

mod support;

use std::path::Path;
use std::process::Command;

use support::TempWorkspace;

/// The names in `text` between each `open` and the next `close`.
fn between<'t>(text: &'t str, open: &str, close: &str) -> Vec<&'t str> {
    text.split(open)
        .skip(1)
        .filter_map(|rest| rest.split_once(close).map(|(name, _)| name))
        .collect()
}

/// What each index names that is not on disk.
fn dangling(root: &Path) -> Vec<String> {
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let mut missing = Vec::new();
    let mut check = |index: &str, names: Vec<&str>, file: &dyn Fn(&str) -> String| {
        for name in names {
            let path = file(name);
            if !root.join(&path).is_file() {
                missing.push(format!("{index} names {path}"));
            }
        }
    };
    let rust = read("generated/src/gen/mod.rs");
    check("gen/mod.rs", between(&rust, "pub mod ", ";"), &|m| {
        format!("generated/src/gen/{m}.rs")
    });
    let ts = read("generated/typescript/src/index.ts");
    check(
        "index.ts",
        between(&ts, "from \"./vendors/", ".js\""),
        &|v| format!("generated/typescript/src/vendors/{v}.ts"),
    );
    let py = read("generated/python/src/errcat/_vendors.py");
    check("_vendors.py", between(&py, "\": \"", "\""), &|m| {
        format!("generated/python/src/errcat/{m}.py")
    });
    let summary = read("generated/docs/SUMMARY.md");
    check("SUMMARY.md", between(&summary, "](", ")"), &|p| {
        format!("generated/docs/{p}")
    });
    missing
}

#[test]
fn a_run_killed_at_any_rename_leaves_every_index_naming_files_that_exist() {
    if Command::new("strace").arg("-V").output().is_err() {
        // Past the harness's capture, so that the run says what it did not check.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"note: strace is not installed, so codegen was not killed at each rename\n",
        );
        return;
    }
    let mut killed = 0;
    for n in 1..=400 {
        let ws = TempWorkspace::new("interrupt");
        // A new vendor: each language gains a file its index must name.
        let text = ws
            .read("catalog/pentify.yaml")
            .replacen("name: Pentify", "name: Newco", 1);
        ws.write("catalog/newco.yaml", &text);
        assert!(dangling(&ws.root).is_empty(), "the copy is consistent");
        let out = Command::new("strace")
            .args(["-f", "-o", "/dev/null", "-e"])
            .arg(format!(
                "inject=rename,renameat,renameat2:signal=KILL:when={n}"
            ))
            .arg(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(&ws.root)
            .arg("codegen")
            .output()
            .expect("run strace");
        let missing = dangling(&ws.root);
        assert!(missing.is_empty(), "killed at rename {n}: {missing:?}");
        if out.status.success() {
            assert!(
                ws.path("generated/typescript/src/vendors/newco.ts")
                    .is_file()
                    && ws
                        .read("generated/typescript/src/index.ts")
                        .contains("newco"),
                "the run that was not killed wrote the new vendor"
            );
            break;
        }
        killed += 1;
    }
    // Rust, TypeScript, Python and a docs page for the new vendor, and their indexes.
    assert!(killed >= 8, "only {killed} runs were killed");
}
