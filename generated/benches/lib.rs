//! Nothing: the package exists for its benches (`from_code.rs`, `from_response.rs`).
