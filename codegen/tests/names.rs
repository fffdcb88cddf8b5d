//! Vendor ids cannot take a module name the `errcat` crate root already uses.
//!
//! The generated vendor modules are re-exported at the crate root with a glob,
//! which any hand-written module of the same name silently shadows. This reads
//! the crate root and the runtime's modules, and checks that `names::RESERVED_MODULES`
//! keeps up with them.

use std::fs;
use std::path::Path;

use errcat_codegen::names;

#[test]
fn every_module_of_the_errcat_crate_root_is_reserved() {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/src/lib.rs");
    // The runtime's modules are re-exported at the crate root too.
    let runtime = lib.with_file_name("runtime/mod.rs");
    let text = fs::read_to_string(&lib).expect("read generated/src/lib.rs")
        + &fs::read_to_string(&runtime).expect("read generated/src/runtime/mod.rs");
    let mut modules: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter_map(|l| {
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))
        })
        .filter_map(|l| l.strip_suffix(';'))
        .collect();
    // The runtime's modules, re-exported at the root: `pub use runtime::{backoff, ...};`.
    let reexported = text
        .split_once("pub use runtime::{")
        .and_then(|(_, rest)| rest.split_once("};"))
        .map_or("", |(list, _)| list);
    modules.extend(
        reexported
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty()),
    );
    assert!(
        modules.contains(&"runtime") && modules.contains(&"decision"),
        "no module found in {}",
        lib.display()
    );
    for module in modules {
        assert!(
            names::RESERVED_MODULES.contains(&module),
            "`errcat::{module}` exists but `{module}` is not in names::RESERVED_MODULES"
        );
        assert!(
            names::check_vendor_id(module).is_err(),
            "a vendor file `{module}.yaml` would be accepted"
        );
    }
}
