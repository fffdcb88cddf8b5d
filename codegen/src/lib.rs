//! errcat's generator: loads the YAML catalog, validates it, and emits Rust, markdown and a JSON Schema.
//!
//! Every stage is pure: [`generate`] reads the catalog folder and returns the
//! files to write, or every problem found. Writing is the caller's business
//! (`cargo xtask codegen`).

pub mod diag;
pub mod emit;
pub mod ir;
pub mod load;
pub mod model;
pub mod names;
pub mod validate;

use std::path::Path;

pub use diag::{Diagnostic, Diagnostics};

/// The command that regenerates every generated file, named in each file's header.
pub const REGENERATE: &str = "cargo xtask codegen";

/// A file to write, its path relative to the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// The exact bytes.
    pub contents: String,
}

/// Loads and validates every vendor of `catalog_dir`, reporting all problems of all files.
pub fn load_catalog(catalog_dir: &Path) -> Result<ir::Catalog, Diagnostics> {
    let sources = load::read_dir(catalog_dir)?;
    catalog_from_sources(&load::display_dir(catalog_dir), &sources)
}

/// Parses and validates files already read; `shown` is the folder name used in diagnostics.
pub fn catalog_from_sources(
    shown: &str,
    sources: &[load::Source],
) -> Result<ir::Catalog, Diagnostics> {
    let mut problems = Diagnostics::new();
    let mut vendors = Vec::with_capacity(sources.len());
    for source in sources {
        match load::parse(shown, source).and_then(|loaded| validate::vendor(&loaded)) {
            Ok(v) => vendors.push(v),
            Err(ds) => problems.extend(ds),
        }
    }
    if sources.is_empty() {
        problems.push(Diagnostic::new(
            shown,
            (1, 1),
            "the catalog has no vendor file",
            "add `<vendor-id>.yaml`, e.g. with `cargo xtask new-vendor <id> --name <Name>`",
        ));
    }
    if !problems.is_empty() {
        problems.sort();
        return Err(problems);
    }
    vendors.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(ir::Catalog { vendors })
}

/// Everything `cargo xtask codegen` writes, generated from `catalog_dir` alone.
pub fn generate(catalog_dir: &Path) -> Result<Vec<OutputFile>, Diagnostics> {
    load_catalog(catalog_dir).and_then(|catalog| emit::all(&catalog))
}
