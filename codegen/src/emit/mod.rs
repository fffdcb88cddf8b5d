//! Emitters: turn the IR into files.

mod ast;

use rust::is_bidi_control;
pub mod conformance;
pub mod docs;
pub mod go;
pub mod python;
pub mod rust;
pub mod schema;
pub mod typescript;

use std::sync::{Mutex, PoisonError};
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
    /// A folder written `parent/*` stands for each folder in `parent`.
    pub dirs: &'static [(&'static str, &'static str)],
    /// The file it writes for each vendor, if it writes one per vendor.
    pub vendor_file: Option<fn(&Vendor) -> OutputFile>,
    /// The files that span the catalog (an index, a registry, every vendor's
    /// cases), each made by a job of its own.
    pub catalog_files: &'static [fn(&Catalog) -> OutputFile],
}

/// The emitters beside the Rust crate and its docs.
pub const LANGUAGES: &[Emitter] = &[
    Emitter {
        name: "conformance",
        dirs: conformance::DIRS,
        vendor_file: None,
        catalog_files: conformance::CATALOG_FILES,
    },
    Emitter {
        name: "go",
        dirs: go::DIRS,
        vendor_file: Some(go::vendor_file),
        catalog_files: &[go::kinds_file, go::registry_file],
    },
    Emitter {
        name: "python",
        dirs: python::DIRS,
        vendor_file: Some(python::vendor_file),
        catalog_files: &[python::registry_file],
    },
    Emitter {
        name: "typescript",
        dirs: typescript::DIRS,
        vendor_file: Some(typescript::vendor_file),
        catalog_files: &[typescript::index_file],
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
    let files = Mutex::new(Vec::new());
    each(catalog, &mut Timings::default(), &|f| {
        files.lock().unwrap_or_else(PoisonError::into_inner).push(f);
    })?;
    let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Makes every generated file for `catalog` and hands each to `sink` as soon
/// as it is made, on the thread that made it, so that no more than the files
/// being made are held at once. Files come in no set order.
///
/// Each vendor's Rust module, its docs page and its file in each of
/// [`LANGUAGES`] are independent jobs, and so are the files that span the
/// catalog (`gen/mod.rs`, the cross-vendor pages and the schema, each
/// language's index), all run in parallel. The wall time of the jobs is split
/// in `timings` between building Rust items, formatting them, writing docs,
/// each language and the sink (which is left out of `timings`) in proportion
/// to the time each took.
///
/// A generator bug is reported once every job has run.
pub fn each(
    catalog: &Catalog,
    timings: &mut Timings,
    sink: &(dyn Fn(OutputFile) + Sync),
) -> Result<(), Diagnostics> {
    enum Job<'a> {
        RustRoot,
        Rust(&'a Vendor),
        Docs(&'a Vendor),
        DocsCatalog,
        Language(usize, &'a Vendor),
        LanguageCatalog(usize, fn(&Catalog) -> OutputFile),
    }
    /// What a job spent: building Rust items, formatting them, making its
    /// other files, and in the sink.
    #[derive(Default)]
    struct Spent {
        build: Duration,
        format: Duration,
        made: Duration,
        sink: Duration,
    }
    // The jobs that span the catalog are the largest: first, so that the
    // small ones fill the cores at the end.
    let mut jobs: Vec<Job> = LANGUAGES
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            e.catalog_files
                .iter()
                .map(move |&f| Job::LanguageCatalog(i, f))
        })
        .chain([Job::RustRoot, Job::DocsCatalog])
        .collect();
    for v in &catalog.vendors {
        jobs.extend([Job::Rust(v), Job::Docs(v)]);
        jobs.extend(
            LANGUAGES
                .iter()
                .enumerate()
                .filter(|(_, e)| e.vendor_file.is_some())
                .map(|(i, _)| Job::Language(i, v)),
        );
    }
    let start = Instant::now();
    let done = par::map(&jobs, |job| {
        let mut spent = Spent::default();
        let made = Instant::now();
        let files = match job {
            Job::RustRoot => vec![rust::root_file(catalog)?],
            Job::Rust(v) => {
                let (f, build, format) = rust::vendor_file_timed(v)?;
                (spent.build, spent.format) = (build, format);
                vec![f]
            }
            Job::Docs(v) => vec![docs::vendor_page(v)],
            Job::DocsCatalog => {
                let mut files = docs::cross_vendor_pages(catalog);
                files.push(schema::schema_file());
                files
            }
            Job::Language(i, v) => LANGUAGES[*i]
                .vendor_file
                .map(|f| f(v))
                .into_iter()
                .collect(),
            Job::LanguageCatalog(_, f) => vec![f(catalog)],
        };
        spent.made = made.elapsed().saturating_sub(spent.build + spent.format);
        let handed = Instant::now();
        files.into_iter().for_each(sink);
        spent.sink = handed.elapsed();
        Ok::<_, String>(spent)
    });
    let wall = start.elapsed();
    let mut languages: Vec<(&'static str, Duration)> =
        LANGUAGES.iter().map(|e| (e.name, Duration::ZERO)).collect();
    let (mut build, mut format) = (Duration::ZERO, Duration::ZERO);
    let (mut write_docs, mut sunk) = (Duration::ZERO, Duration::ZERO);
    for (job, spent) in jobs.iter().zip(done) {
        let spent = spent.map_err(internal)?;
        build += spent.build;
        format += spent.format;
        sunk += spent.sink;
        match job {
            Job::Language(i, _) | Job::LanguageCatalog(i, _) => languages[*i].1 += spent.made,
            Job::RustRoot | Job::Rust(_) => build += spent.made,
            Job::Docs(_) | Job::DocsCatalog => write_docs += spent.made,
        }
    }
    let spent: Duration = languages.iter().map(|(_, d)| *d).sum();
    let total = (build + format + write_docs + spent + sunk)
        .as_secs_f64()
        .max(f64::MIN_POSITIVE);
    let share = |d: Duration| wall.mul_f64(d.as_secs_f64() / total);
    timings.emit_rust = share(build);
    timings.format = share(format);
    timings.emit_docs = share(write_docs);
    timings.languages = languages.into_iter().map(|(n, d)| (n, share(d))).collect();
    Ok(())
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
            unique_name(stem, &mut taken)
        })
        .collect()
}

/// `stem`, or `stem_2`, `stem_3`, ... the first that is not taken; it is taken then.
pub fn unique_name(stem: String, taken: &mut std::collections::BTreeSet<String>) -> String {
    let mut name = stem.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{stem}_{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
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

/// The catalog of `tests/base.yaml` alone, for the emitters' unit tests.
#[cfg(test)]
pub(crate) fn base_catalog() -> Catalog {
    crate::catalog_from_sources(
        "catalog",
        &[crate::load::Source {
            file_name: "acme.yaml".into(),
            bytes: include_bytes!("../../tests/base.yaml").to_vec(),
        }],
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headers_the_emitters_write_are_recognised_and_nothing_looser() {
        let ir = base_catalog();
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
