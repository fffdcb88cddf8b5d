//! Emitters: turn the IR into files.

mod ast;

use rust::is_bidi_control;
pub mod docs;
pub mod rust;
pub mod schema;

use std::time::{Duration, Instant};

use crate::ir::Catalog;
use crate::{Diagnostic, Diagnostics, OutputFile, Timings, par};

/// Every generated file for `catalog`, sorted by path.
pub fn all(catalog: &Catalog) -> Result<Vec<OutputFile>, Diagnostics> {
    all_timed(catalog, &mut Timings::default())
}

/// [`all`], recording the time of each stage in `timings`. Vendors are
/// emitted in parallel; the Rust stage's wall time is split between building
/// items and formatting them in proportion to the time each took.
pub fn all_timed(catalog: &Catalog, timings: &mut Timings) -> Result<Vec<OutputFile>, Diagnostics> {
    let start = Instant::now();
    let rust = par::map(&catalog.vendors, rust::vendor_file_timed);
    let wall = start.elapsed();
    let (mut build, mut format) = (Duration::ZERO, Duration::ZERO);
    let mut files = vec![rust::root_file(catalog).map_err(internal)?];
    for r in rust {
        let (file, b, f) = r.map_err(internal)?;
        build += b;
        format += f;
        files.push(file);
    }
    let share = build.as_secs_f64() / (build + format).as_secs_f64().max(f64::MIN_POSITIVE);
    timings.emit_rust = wall.mul_f64(share);
    timings.format = wall.saturating_sub(timings.emit_rust);

    let start = Instant::now();
    files.extend(par::map(&catalog.vendors, docs::vendor_page));
    files.extend(docs::cross_vendor_pages(catalog));
    files.push(schema::schema_file());
    timings.emit_docs = start.elapsed();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// A generator bug, reported like a problem rather than a panic.
fn internal(message: String) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.push(Diagnostic::new(
        "codegen",
        (1, 1),
        message,
        "report it with the catalog file that triggers it",
    ));
    ds
}
