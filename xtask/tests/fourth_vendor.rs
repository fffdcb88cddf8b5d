//! Adding a vendor by the guide (catalog/README.md, "Adding a vendor") keeps
//! the tests green: in a clone of the repository, `new-vendor`, the filled-in
//! placeholders, `add-code` and `codegen`, then the tests that read the real
//! catalog, run there.
//!
//! The clone shares this build's target folder (`CARGO_TARGET_DIR`), so only
//! the workspace's own crates are rebuilt. The tests run there are those that
//! read the real catalog: codegen's catalog, docs and README suites, and the
//! xtask end-to-end and README suites.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{program} {args:?} failed:\n{text}");
    text
}

/// This build's target folder: the test binary sits in `<target>/debug/deps`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

#[test]
fn a_vendor_added_by_the_guide_keeps_the_tests_green() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let clone = std::env::temp_dir().join(format!("errcat-fourth-vendor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&clone);
    run(
        real,
        "git",
        &[
            "clone",
            "--quiet",
            "--no-hardlinks",
            ".",
            clone.to_str().unwrap(),
        ],
    );
    let cargo = env!("CARGO");
    let xtask = |args: &[&str]| {
        let mut all = vec!["run", "--quiet", "-p", "xtask", "--"];
        all.extend_from_slice(args);
        run(&clone, cargo, &all)
    };
    xtask(&["new-vendor", "fourth-pay", "--name", "Fourth Pay"]);
    let path = clone.join("catalog/fourth-pay.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let filled = text
        .replace(
            "summary: \"FILL-IN\"",
            "summary: \"Fourth Pay's API errors.\"",
        )
        .replace(
            "source: \"FILL-IN\"",
            "source: \"https://acme.example/errors\"",
        )
        .replace("\"code\": \"FILL-IN\"", "\"code\": \"card_declined\"")
        .replace(
            "\"message\": \"FILL-IN\"",
            "\"message\": \"The card was declined.\"",
        );
    assert!(!filled.contains("\"FILL-IN\""), "{filled}");
    std::fs::write(&path, filled).unwrap();
    xtask(&[
        "add-code",
        "fourth-pay",
        "card_declined",
        "--status",
        "402",
        "--kind",
        "payment_declined",
        "--meaning",
        "The card was declined.",
    ]);
    xtask(&["codegen", "--check"]);
    run(
        &clone,
        cargo,
        &[
            "test",
            "--quiet",
            "-p",
            "errcat-codegen",
            "--test",
            "catalog",
            "--test",
            "docs",
            "--test",
            "readme",
        ],
    );
    run(
        &clone,
        cargo,
        &[
            "test", "--quiet", "-p", "xtask", "--test", "e2e", "--test", "readme",
        ],
    );
    let _ = std::fs::remove_dir_all(&clone);
}
