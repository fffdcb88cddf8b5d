//! Replays the `catalog` fuzz target's corpus, `fuzz/corpus/catalog/`: each
//! file, read as one catalog file, must load without panicking and, when it
//! validates, emit Rust that parses and markdown whose tables are well-formed.
//!
//! The property is `fuzz/src/check_catalog.rs`, included here as it is, so the
//! fuzz target and this test check the same thing. `fuzz/README.md` says how
//! to run the fuzzer and add what it finds to the corpus.

#[path = "../../fuzz/src/check_catalog.rs"]
mod check;
#[path = "support/krate.rs"]
mod krate;

use std::fs;
use std::panic;
use std::path::Path;

/// The seeds alone: the real catalog, `tests/base.yaml`, some of `tests/bad/`
/// and the docs fixtures. Fewer files means the corpus was lost.
const AT_LEAST: usize = 24;

#[test]
fn every_file_of_the_catalog_corpus_passes_the_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/catalog");
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable folder entry").path())
        .collect();
    paths.sort();
    let mut failed = Vec::new();
    for path in &paths {
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // Every file is checked; the panic hook prints each failure's message.
        if panic::catch_unwind(|| check::check(&bytes)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} corpus files fail the check:\n{}",
        failed.len(),
        paths.len(),
        failed.join("\n")
    );
    assert!(
        paths.len() >= AT_LEAST,
        "only {} files in {}, expected at least {AT_LEAST}",
        paths.len(),
        dir.display()
    );
}
