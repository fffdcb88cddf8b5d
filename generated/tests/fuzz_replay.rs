//! Replays the `response` fuzz target's corpus, `fuzz/corpus/response/`: each
//! file is a vendor, a status, headers and a body (the format is described in
//! `fuzz/src/check_response.rs`); parsing it must not panic, and no retry
//! decision may wait past the vendor's cap, retry past its attempt limit, or
//! repeat a request that is not safe to repeat.
//!
//! The property is `fuzz/src/check_response.rs`, included here as it is, so
//! the fuzz target and this test check the same thing. `fuzz/README.md` says
//! how to run the fuzzer and add what it finds to the corpus.

#[path = "../../fuzz/src/check_response.rs"]
mod check;

use std::fs;
use std::panic;
use std::path::Path;

/// The seeds alone: the catalog's example bodies and a few bodies no
/// reference shows. Fewer files means the corpus was lost.
const AT_LEAST: usize = 28;

#[test]
fn every_file_of_the_response_corpus_passes_the_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/response");
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
