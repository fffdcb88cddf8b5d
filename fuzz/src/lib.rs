//! The properties the fuzz targets check, one file each so that the replay
//! tests in `codegen/tests/fuzz_replay.rs` and `generated/tests/fuzz_replay.rs`
//! include the very same code with `#[path]`.

pub mod check_catalog;
/// Builds a generated crate; shared with the codegen tests.
#[path = "../../codegen/tests/support/krate.rs"]
pub mod krate;
pub mod check_response;
