//! Arbitrary bytes as one catalog file: loading, validating and emitting must
//! not panic, and what a valid catalog emits must be well-formed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| errcat_fuzz::check_catalog::check(bytes));
