//! Bad catalogs in, expected diagnostics out: one case per file of `tests/bad/`.
//!
//! Each `tests/bad/<case>.yaml` is copied into a fresh temporary `catalog/`
//! folder and loaded with `errcat_codegen::load_catalog`. The `Display` text of
//! the diagnostics it returns must equal `tests/bad/<case>.expected` byte for
//! byte. The copy is named `acme.yaml` unless the case's first line is
//! `# file: <name>`, which names it (the file-stem rules need other names).
//! Most cases are the small valid vendor of `tests/base.yaml` with one mistake,
//! named after the rule it breaks and described in the case's own comment.
//! A case that needs several files is a folder, `tests/bad/<case>/`, whose
//! files are copied as they are named, with its `tests/bad/<case>.expected`.
//!
//! After a deliberate change to a message, rewrite the expected files with
//!
//! ```text
//! UPDATE_EXPECT=1 cargo test -p errcat-codegen --test bad
//! ```
//!
//! and review the diff before committing it. Without `UPDATE_EXPECT`, the test
//! runs every case and then fails once, listing every case whose output differs.

mod support;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The file name a case is copied to when it names none.
const DEFAULT_FILE: &str = "acme.yaml";

/// Fewer cases than this means some were lost.
const MIN_CASES: usize = 94;

/// The `codegen/tests` folder.
fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The name a case is copied to: its `# file: <name>` first line, or `acme.yaml`.
/// Cases are bytes, not text, so that one can hold a file that is not UTF-8.
fn file_name(case: &[u8]) -> String {
    let first = case.split(|&b| b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(first)
        .strip_prefix("# file:")
        .map_or(DEFAULT_FILE.to_owned(), |n| n.trim().to_owned())
}

/// Loads a catalog made of `files` (name and contents), returning the
/// warnings' text (each line of a warning's first line prefixed `warning: `)
/// and the diagnostics' text, empty when the catalog is valid and has no
/// stray file.
fn diagnostics(label: &str, files: &[(&str, &[u8])]) -> String {
    let tmp = support::TempCatalog::new(label);
    for (name, contents) in files {
        fs::write(tmp.dir().join(name), contents).expect("write a file into the catalog");
    }
    let mut out: String = errcat_codegen::load::stray_files(&tmp.dir())
        .iter()
        .map(|w| format!("warning: {w}\n"))
        .collect();
    if let Err(ds) = errcat_codegen::load_catalog(&tmp.dir()) {
        out.push_str(&ds.to_string());
    }
    out
}

/// The files of `dir` with extension `ext` and, with `ext` `yaml`, its
/// folders (cases of several files), by stem, sorted.
fn stems(dir: &Path, ext: &str) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(dir)
        .expect("read tests/bad")
        .map(|e| e.expect("list tests/bad").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext) || (ext == "yaml" && p.is_dir()))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// A case's files, name and contents: the folder's files, or the one file
/// named by its `# file:` line.
fn case_files(dir: &Path, stem: &str) -> Vec<(String, Vec<u8>)> {
    let folder = dir.join(stem);
    if folder.is_dir() {
        let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(&folder)
            .expect("read a case folder")
            .map(|e| {
                let path = e.expect("list a case folder").path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, fs::read(&path).expect("read a case file"))
            })
            .collect();
        files.sort();
        return files;
    }
    let case = fs::read(dir.join(format!("{stem}.yaml"))).expect("read a case");
    vec![(file_name(&case), case)]
}

/// A line diff of `expected` against `actual`: ` ` kept, `-` expected only, `+` actual only.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // Longest common subsequence table, filled from the end.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            writeln!(out, "   {}", a[i]).unwrap();
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            writeln!(out, "  -{}", a[i]).unwrap();
            i += 1;
        } else {
            writeln!(out, "  +{}", b[j]).unwrap();
            j += 1;
        }
    }
    out
}

#[test]
fn the_base_vendor_is_valid() {
    let base = fs::read(tests_dir().join("base.yaml")).expect("read tests/base.yaml");
    let out = diagnostics("base", &[(DEFAULT_FILE, &base)]);
    assert!(out.is_empty(), "tests/base.yaml must be valid, got:\n{out}");
}

#[test]
fn a_catalog_without_a_vendor_file_is_a_problem() {
    let out = diagnostics("none", &[("README.md", b"# The catalog\n")]);
    assert_eq!(
        out,
        "catalog:1:1: the catalog has no vendor file\n  help: add `<vendor-id>.yaml`, \
         e.g. with `cargo xtask new-vendor <id> --name <Name>`\n"
    );
}

#[test]
fn problems_in_several_files_are_all_reported_in_file_order() {
    let base = fs::read(tests_dir().join("base.yaml")).expect("read tests/base.yaml");
    let base = String::from_utf8(base).expect("tests/base.yaml is UTF-8");
    let zeta = base.replace("status: 404", "status: 200");
    let alpha = base.replace("kind: not_found", "kind: gone");
    let out = diagnostics(
        "several",
        &[
            ("zeta.yaml", zeta.as_bytes()),
            ("alpha.yaml", alpha.as_bytes()),
            ("mid.yaml", base.as_bytes()),
        ],
    );
    let firsts: Vec<&str> = out.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(firsts.len(), 2, "{out}");
    assert!(
        firsts[0].starts_with("catalog/alpha.yaml:15:11: unknown kind `gone`"),
        "{out}"
    );
    assert!(
        firsts[1].starts_with("catalog/zeta.yaml:14:13: status 200 "),
        "{out}"
    );
}

#[test]
fn bad_catalogs_give_the_expected_diagnostics() {
    let dir = tests_dir().join("bad");
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v != "0" && !v.is_empty());

    let cases = stems(&dir, "yaml");
    let expected_files = stems(&dir, "expected");
    let mut failures = Vec::new();
    for stem in &cases {
        if !update && !expected_files.contains(stem) {
            failures.push(format!(
                "{stem}: bad/{stem}.yaml has no bad/{stem}.expected (run with UPDATE_EXPECT=1)"
            ));
        }
    }
    for stem in &expected_files {
        if !cases.contains(stem) {
            failures.push(format!(
                "{stem}: bad/{stem}.expected has no bad/{stem}.yaml"
            ));
        }
    }
    if cases.len() < MIN_CASES {
        failures.push(format!(
            "tests/bad has {} cases, fewer than {MIN_CASES}: some were lost",
            cases.len()
        ));
    }

    for stem in &cases {
        let files = case_files(&dir, stem);
        let files: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
            .collect();
        let actual = diagnostics(stem, &files);
        if actual.is_empty() {
            failures.push(format!(
                "{stem}: the catalog loaded without any diagnostic or warning; a bad case must have at least one"
            ));
            continue;
        }
        let expected_path = dir.join(format!("{stem}.expected"));
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if actual == expected {
            continue;
        }
        if update {
            fs::write(&expected_path, &actual).expect("write an expected file");
        } else if expected_files.contains(stem) {
            failures.push(format!(
                "{stem}: the diagnostics differ (-expected +actual):\n{}",
                diff(&expected, &actual)
            ));
        }
    }

    assert!(
        failures.is_empty(),
        "{} problems in tests/bad, {} cases (UPDATE_EXPECT=1 rewrites the expected files):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// A 50 MB file (one huge scalar) is refused before it is read or parsed.
#[test]
fn an_oversized_file_is_refused_unread() {
    let base = fs::read_to_string(tests_dir().join("base.yaml")).expect("base.yaml");
    let huge = base.replacen(
        "meaning: ",
        &format!("meaning: \"{}\"\n    resolution: ", "x".repeat(50_000_000)),
        1,
    );
    let started = std::time::Instant::now();
    let problems =
        support::load("oversized", &[("acme.yaml", huge.as_bytes())]).expect_err("refused");
    assert_eq!(
        problems.to_string(),
        "catalog/acme.yaml:1:1: the file is larger than 16 MiB, the most a catalog file may be\n  \
         help: a vendor's file holds its error codes only; look for pasted data or a generated dump\n"
    );
    // Refused without parsing: far quicker than parsing 50 MB would be.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
