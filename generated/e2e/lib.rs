//! End-to-end tests of errcat's retry adapters (`tests/clients.rs`), and the README's
//! examples compiled as doctests against errcat with every adapter. Nothing here is
//! built unless the feature `e2e` is on: `cargo test -p errcat-e2e --features e2e`.

/// The README's examples, compiled and run as doctests with every adapter.
#[cfg(all(doctest, feature = "e2e"))]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
