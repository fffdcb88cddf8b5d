//! Hostile catalogs through the command line: every bad catalog of
//! `codegen/tests/bad/` makes `cargo xtask codegen` exit 1 with its diagnostic
//! and touch nothing, and two runs at once never leave a half-written file.

mod support;

use std::fs;
use std::process::Command;

use support::TempWorkspace;

#[test]
fn every_bad_catalog_exits_1_names_the_place_and_touches_nothing() {
    let bad = support::workspace().join("codegen/tests/bad");
    let mut cases: Vec<_> = fs::read_dir(&bad)
        .expect("codegen/tests/bad")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let ws = TempWorkspace::new("bad-corpus");
    let mut failures = Vec::new();
    for case in &cases {
        let bytes = fs::read(case).expect("read case");
        let text = String::from_utf8_lossy(&bytes);
        let file = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# file: "))
            .map_or("acme.yaml", str::trim)
            .to_owned();
        let expected = fs::read_to_string(case.with_extension("expected")).expect("expected");
        let first = expected.lines().next().unwrap_or_default().to_owned();
        let target = ws.path(&format!("catalog/{file}"));
        fs::write(&target, &bytes).expect("write case");
        let before = ws.snapshot();
        let (code, _, err) = ws.xtask(&["codegen"]);
        let after = ws.snapshot();
        fs::remove_file(&target).expect("remove case");
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if code != 1 {
            failures.push(format!("{name}: exit {code}"));
        }
        if !err.contains(&first) {
            failures.push(format!(
                "{name}: stderr lacks `{first}`:\n{}",
                err.lines().take(3).collect::<Vec<_>>().join("\n")
            ));
        }
        if before != after {
            failures.push(format!("{name}: the tree changed"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn two_runs_at_once_leave_whole_files() {
    let ws = TempWorkspace::new("concurrent");
    let synth = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["synth", "--vendors", "4", "--codes", "4000", "--out"])
        .arg(ws.path("big"))
        .output()
        .expect("synth");
    assert!(synth.status.success());
    for f in fs::read_dir(ws.path("big/catalog")).unwrap() {
        let f = f.unwrap();
        fs::copy(f.path(), ws.path("catalog").join(f.file_name())).unwrap();
    }
    fs::remove_dir_all(ws.path("big")).unwrap();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(&ws.root)
            .arg("codegen")
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    assert!(a.status.success() && b.status.success());
    let outs = [
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout),
    ];
    // The lock makes the runs take turns: one writes everything, the other finds it fresh.
    assert!(outs.iter().any(|o| o.contains("; 0 written,")), "{outs:?}");
    let (code, _, err) = ws.xtask(&["codegen", "--check"]);
    assert_eq!(code, 0, "{err}");
    for (path, _, _) in ws.snapshot() {
        assert!(!path.ends_with(".tmp"), "left behind: {path}");
    }
}
