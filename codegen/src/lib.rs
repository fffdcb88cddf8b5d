//! errcat's generator: loads the YAML catalog, validates it, and emits Rust, TypeScript, conformance cases, markdown and a JSON Schema.
//!
//! Every stage is pure: [`generate`] reads the catalog folder and returns the
//! files to write, or every problem found. Writing is the caller's business
//! (`cargo xtask codegen`).

pub mod body;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod layout;
pub mod load;
pub mod model;
pub mod names;
pub mod par;
pub mod validate;

use std::path::Path;
use std::time::{Duration, Instant};

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

/// The wall time of each stage of a run, for benchmarks.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Timings {
    /// Reading the catalog files.
    pub read: Duration,
    /// Parsing the YAML into the model.
    pub parse: Duration,
    /// Validating and lowering to the IR (one pass).
    pub validate: Duration,
    /// Building the Rust items with `quote!`.
    pub emit_rust: Duration,
    /// Parsing them with syn and printing them with prettyplease.
    pub format: Duration,
    /// Writing the markdown pages and the schema.
    pub emit_docs: Duration,
    /// Each of the other emitters (`emit::LANGUAGES`), by name.
    pub languages: Vec<(&'static str, Duration)>,
}

/// Loads and validates every vendor of `catalog_dir`, reporting all problems of all files.
pub fn load_catalog(catalog_dir: &Path) -> Result<ir::Catalog, Diagnostics> {
    load_catalog_timed(catalog_dir, &mut Timings::default())
}

/// [`load_catalog`], recording the time of each stage in `timings`.
pub fn load_catalog_timed(
    catalog_dir: &Path,
    timings: &mut Timings,
) -> Result<ir::Catalog, Diagnostics> {
    let start = Instant::now();
    let sources = load::read_dir(catalog_dir)?;
    timings.read = start.elapsed();
    check_sources(&load::display_dir(catalog_dir), &sources, timings)
}

/// Parses and validates files already read; `shown` is the folder name used in diagnostics.
pub fn catalog_from_sources(
    shown: &str,
    sources: &[load::Source],
) -> Result<ir::Catalog, Diagnostics> {
    check_sources(shown, sources, &mut Timings::default())
}

/// Parses and validates each vendor on its own core.
fn check_sources(
    shown: &str,
    sources: &[load::Source],
    timings: &mut Timings,
) -> Result<ir::Catalog, Diagnostics> {
    let start = Instant::now();
    let parsed = par::map(sources, |source| load::parse(shown, source));
    timings.parse = start.elapsed();
    let start = Instant::now();
    let checked = par::map(&parsed, |p| match p {
        Ok(loaded) => validate::vendor(loaded),
        Err(ds) => Err(ds.clone()),
    });
    timings.validate = start.elapsed();
    let mut problems = Diagnostics::new();
    let mut vendors = Vec::with_capacity(sources.len());
    for result in checked {
        match result {
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
    vendors.sort_by(|a, b| a.id.cmp(&b.id));
    problems.extend(validate::across(shown, &vendors));
    if !problems.is_empty() {
        problems.sort();
        return Err(problems);
    }
    Ok(ir::Catalog { vendors })
}

/// Everything `cargo xtask codegen` writes, generated from `catalog_dir` alone.
pub fn generate(catalog_dir: &Path) -> Result<Vec<OutputFile>, Diagnostics> {
    load_catalog(catalog_dir).and_then(|catalog| emit::all(&catalog))
}

/// Parses the catalog's YAML alone, validating nothing: the floor a full run is measured against.
pub fn parse_only(catalog_dir: &Path) -> Result<usize, Diagnostics> {
    let sources = load::read_dir(catalog_dir)?;
    let shown = load::display_dir(catalog_dir);
    let parsed = par::map(&sources, |source| {
        load::parse(&shown, source).map(|l| l.file.errors.len())
    });
    let mut codes = 0;
    for p in parsed {
        codes += p?;
    }
    Ok(codes)
}
