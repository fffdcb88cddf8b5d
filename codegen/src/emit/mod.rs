//! Emitters: turn the IR into files.

mod ast;

use rust::is_bidi_control;
pub mod docs;
pub mod python;
pub mod rust;
pub mod schema;

use std::time::{Duration, Instant};

use crate::ir::{Catalog, Vendor};
use crate::{Diagnostic, Diagnostics, OutputFile, Timings, par};

/// Every generated file for `catalog`, sorted by path.
pub fn all(catalog: &Catalog) -> Result<Vec<OutputFile>, Diagnostics> {
    all_timed(catalog, &mut Timings::default())
}

/// [`all`], recording the time of each stage in `timings`. Each vendor's
/// Rust module and its docs page are independent jobs, run in parallel (so
/// even a single vendor uses two cores); the wall time of the jobs is split
/// between building Rust items, formatting them and writing docs in
/// proportion to the time each took.
pub fn all_timed(catalog: &Catalog, timings: &mut Timings) -> Result<Vec<OutputFile>, Diagnostics> {
    enum Job<'a> {
        Rust(&'a Vendor),
        Docs(&'a Vendor),
    }
    let jobs: Vec<Job> = catalog
        .vendors
        .iter()
        .flat_map(|v| [Job::Rust(v), Job::Docs(v)])
        .collect();
    let start = Instant::now();
    let done = par::map(&jobs, |job| match job {
        Job::Rust(v) => rust::vendor_file_timed(v),
        Job::Docs(v) => {
            let start = Instant::now();
            let page = docs::vendor_page(v);
            Ok((page, Duration::ZERO, start.elapsed()))
        }
    });
    let (mut build, mut format, mut write_docs) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut files = vec![rust::root_file(catalog).map_err(internal)?];
    for (job, r) in jobs.iter().zip(done) {
        let (file, b, f) = r.map_err(internal)?;
        match job {
            Job::Rust(_) => {
                build += b;
                format += f;
            }
            Job::Docs(_) => write_docs += f,
        }
        files.push(file);
    }
    let start_rest = Instant::now();
    files.extend(docs::cross_vendor_pages(catalog));
    files.push(schema::schema_file());
    files.extend(python::files(catalog));
    let rest = start_rest.elapsed();
    let wall = start_rest.duration_since(start);
    let total = (build + format + write_docs)
        .as_secs_f64()
        .max(f64::MIN_POSITIVE);
    timings.emit_rust = wall.mul_f64(build.as_secs_f64() / total);
    timings.format = wall.mul_f64(format.as_secs_f64() / total);
    timings.emit_docs = wall.saturating_sub(timings.emit_rust + timings.format) + rest;
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

/// Displays the items separated by the string, without building a `String` per item.
struct Joined<'a, T>(&'a [T], &'static str);

impl<T: std::fmt::Display> std::fmt::Display for Joined<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}
