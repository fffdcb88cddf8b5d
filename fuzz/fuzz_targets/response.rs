//! Arbitrary HTTP error responses: parsing must not panic, and retry decisions
//! must respect the vendor's cap, attempt limit and idempotency rules.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| errcat_fuzz::check_response::check(bytes));
