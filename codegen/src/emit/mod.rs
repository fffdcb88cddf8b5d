//! Emitters: turn the IR into files.

mod ast;

use rust::is_bidi_control;
pub mod conformance;
pub mod docs;
pub mod python;
pub mod rust;
pub mod schema;
pub mod typescript;

use std::time::{Duration, Instant};

use crate::ir::{Catalog, Vendor};
use crate::{Diagnostic, Diagnostics, OutputFile, Timings, par};

/// An emitter beside the Rust crate and its docs: another language's package
/// or the conformance cases. Each owns folders under `generated/`; `xtask`
/// learns them from [`generated_dirs`], so adding an emitter is one entry in
/// [`LANGUAGES`].
pub struct Emitter {
    /// Its name, as benchmarks report it.
    pub name: &'static str,
    /// The folders it writes into, relative to the workspace root, each with
    /// the extension of its generated files (the files checked for orphans).
    pub dirs: &'static [(&'static str, &'static str)],
    /// Every file it writes for a catalog.
    pub files: fn(&Catalog) -> Vec<OutputFile>,
}

/// The emitters beside the Rust crate and its docs.
pub const LANGUAGES: &[Emitter] = &[
    Emitter {
        name: "conformance",
        dirs: conformance::DIRS,
        files: conformance::files,
    },
    Emitter {
        name: "python",
        dirs: python::DIRS,
        files: python::files,
    },
    Emitter {
        name: "typescript",
        dirs: typescript::DIRS,
        files: typescript::files,
    },
];

/// Every folder whose files are generated, with the extension of those files:
/// the Rust modules, the docs and each of [`LANGUAGES`]' folders.
pub fn generated_dirs() -> Vec<(&'static str, &'static str)> {
    let mut dirs = vec![(rust::DIR, "rs"), (docs::DIR, "md")];
    dirs.extend(LANGUAGES.iter().flat_map(|e| e.dirs.iter().copied()));
    dirs
}

/// Every generated file for `catalog`, sorted by path.
pub fn all(catalog: &Catalog) -> Result<Vec<OutputFile>, Diagnostics> {
    all_timed(catalog, &mut Timings::default())
}

/// [`all`], recording the time of each stage in `timings`. Each vendor's
/// Rust module and its docs page are independent jobs, and so is each of
/// [`LANGUAGES`], all run in parallel (so even a single vendor uses two
/// cores); the wall time of the jobs is split between building Rust items,
/// formatting them, writing docs and each language in proportion to the time
/// each took.
pub fn all_timed(catalog: &Catalog, timings: &mut Timings) -> Result<Vec<OutputFile>, Diagnostics> {
    enum Job<'a> {
        Rust(&'a Vendor),
        Docs(&'a Vendor),
        Language(&'a Emitter),
    }
    let jobs: Vec<Job> = LANGUAGES
        .iter()
        .map(Job::Language)
        .chain(
            catalog
                .vendors
                .iter()
                .flat_map(|v| [Job::Rust(v), Job::Docs(v)]),
        )
        .collect();
    let start = Instant::now();
    let done = par::map(&jobs, |job| match job {
        Job::Rust(v) => rust::vendor_file_timed(v).map(|(f, b, t)| (vec![f], b, t)),
        Job::Docs(v) => {
            let start = Instant::now();
            let page = docs::vendor_page(v);
            Ok((vec![page], Duration::ZERO, start.elapsed()))
        }
        Job::Language(e) => {
            let start = Instant::now();
            let files = (e.files)(catalog);
            Ok((files, Duration::ZERO, start.elapsed()))
        }
    });
    let (mut build, mut format, mut write_docs) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut languages = Vec::new();
    let mut files = vec![rust::root_file(catalog).map_err(internal)?];
    for (job, r) in jobs.iter().zip(done) {
        let (made, b, f) = r.map_err(internal)?;
        match job {
            Job::Rust(_) => {
                build += b;
                format += f;
            }
            Job::Docs(_) => write_docs += f,
            Job::Language(e) => languages.push((e.name, f)),
        }
        files.extend(made);
    }
    let start_rest = Instant::now();
    files.extend(docs::cross_vendor_pages(catalog));
    files.push(schema::schema_file());
    let rest = start_rest.elapsed();
    let wall = start_rest.duration_since(start);
    let spent: Duration = languages.iter().map(|(_, d)| *d).sum();
    let total = (build + format + write_docs + spent)
        .as_secs_f64()
        .max(f64::MIN_POSITIVE);
    let share = |d: Duration| wall.mul_f64(d.as_secs_f64() / total);
    timings.emit_rust = share(build);
    timings.format = share(format);
    timings.languages = languages.iter().map(|&(n, d)| (n, share(d))).collect();
    timings.emit_docs =
        wall.saturating_sub(timings.emit_rust + timings.format + share(spent)) + rest;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// True when `line` is exactly the first line the generator writes in a Rust,
/// TypeScript or Python module or a docs page: the header naming the command
/// and the catalog file (or folder) it comes from, as a comment of the file's
/// language. A line that merely mentions `@generated` is not.
pub fn is_header(line: &str) -> bool {
    if docs::header().lines().next() == Some(line) {
        return true;
    }
    let Some(from) = line
        .strip_prefix("// ")
        .or_else(|| line.strip_prefix("# "))
        .and_then(|l| l.strip_prefix("@generated by `"))
        .and_then(|l| l.strip_prefix(crate::REGENERATE))
        .and_then(|l| l.strip_prefix("` from catalog/"))
        .and_then(|l| l.strip_suffix(". Do not edit by hand."))
    else {
        return false;
    };
    from.is_empty()
        || from
            .strip_suffix(".yaml")
            .is_some_and(|id| crate::names::check_vendor_id(id).is_ok())
}

/// A class name derived from a Rust name, for the languages whose SDKs name
/// error classes: itself when it ends in `Error` (`ValidationError`), else
/// with `Error` added (`RateLimited` gives `RateLimitedError`).
pub fn error_class(variant: &str) -> String {
    if variant.ends_with("Error") {
        variant.to_owned()
    } else {
        format!("{variant}Error")
    }
}

/// Each code's class in one language, in the vendor's order: the catalog's
/// `sdk.<lang>` name when `usable` accepts it and it is not taken yet, else
/// [`error_class`] of the code's Rust name, with `_2`, `_3`, ... added while
/// that is taken. `taken` starts with the names the module already uses.
pub fn sdk_class_names(
    v: &Vendor,
    lang: &str,
    usable: impl Fn(&str) -> bool,
    mut taken: std::collections::BTreeSet<String>,
) -> Vec<String> {
    v.codes
        .iter()
        .map(|c| {
            let given = c
                .sdk
                .get(lang)
                .filter(|n| usable(n.as_str()) && !taken.contains(n.as_str()));
            let stem = given.cloned().unwrap_or_else(|| error_class(&c.variant));
            let mut name = stem.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{stem}_{n}");
                n += 1;
            }
            taken.insert(name.clone());
            name
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headers_the_emitters_write_are_recognised_and_nothing_looser() {
        let ir = crate::catalog_from_sources(
            "catalog",
            &[crate::load::Source {
                file_name: "acme.yaml".into(),
                bytes: include_bytes!("../../tests/base.yaml").to_vec(),
            }],
        )
        .unwrap();
        let files = all(&ir).unwrap();
        for f in files.iter().filter(|f| !f.path.ends_with(".json")) {
            assert!(is_header(f.contents.lines().next().unwrap()), "{}", f.path);
        }
        for loose in [
            "Pages here are @generated; this one is not.",
            "// @generated",
            "<!-- @generated -->",
            "// @generated by `cargo xtask codegen` from catalog/acme.yaml. Do not edit by hand. ",
            "// @generated by `cargo xtask codegen` from catalog/../x.yaml. Do not edit by hand.",
            " // @generated by `cargo xtask codegen` from catalog/. Do not edit by hand.",
        ] {
            assert!(!is_header(loose), "{loose}");
        }
    }
}
