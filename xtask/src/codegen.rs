//! `cargo xtask codegen`: writes what changed, removes orphans, or with `--check` only compares.
//!
//! Write mode and check mode share [`plan`]: it compares each generated file
//! with the disk as soon as it is made (and, when writing, stages it to a
//! temporary), keeping only its path and what the report needs, so memory
//! stays bounded by the files being made rather than by all of them; it also
//! finds generated files that no longer have a source, and temporary files an
//! interrupted run left. [`apply`] then carries the plan out; unchanged files
//! are left alone, so their modification times stay put and cargo does not
//! rebuild.
//!
//! The generator touches only what it owns. Every path it reads, writes or
//! removes is under the workspace root with no symbolic link on the way
//! ([`inside`]); a generated file is recognised as such only by the exact
//! header line the emitters write; temporaries are created exclusively, under
//! unpredictable names, without following links. Every new file is written to
//! a temporary first and nothing is replaced until all are written; [`apply`]
//! then renames in an order that keeps every language building at every step:
//! every language's vendor files and pages, then the indexes that name them
//! (`gen/mod.rs`, `index.ts`, `_vendors.py`, `SUMMARY.md`, ...), then removed
//! files. A run killed at any point leaves each language's index naming only
//! files that exist, and at most some temporaries, which the next run removes
//! (and `--check` reports).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use errcat_codegen::OutputFile;

/// The folders the generator writes into: every emitter's generated folders
/// (`errcat_codegen::emit::generated_dirs`) and `catalog/` (for `schema.json`).
fn written_dirs() -> Vec<&'static str> {
    let mut dirs: Vec<&str> = errcat_codegen::emit::generated_dirs()
        .into_iter()
        .map(|(dir, _)| dir)
        .collect();
    dirs.push("catalog");
    dirs
}

/// The folders `dir` stands for: itself, or for `parent/*` (an emitter that
/// writes a package per folder) each real folder in `parent`, links left out.
fn expand(root: &Path, dir: &str) -> io::Result<Vec<String>> {
    let Some(parent) = dir.strip_suffix("/*") else {
        return Ok(vec![dir.to_owned()]);
    };
    let entries = match fs::read_dir(inside(root, parent)?) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(at(parent, e)),
    };
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_dir()
            && let Some(name) = entry.file_name().to_str()
        {
            dirs.push(format!("{parent}/{name}"));
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// How the name of every temporary file ends: `.<name>.<random>.errcat-tmp`.
const TEMP_SUFFIX: &str = ".errcat-tmp";

/// What has to happen to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The file is missing: create it.
    Create(Made),
    /// The file differs: replace it.
    Update(Made),
    /// A generated file with no source any more: remove it.
    Remove(String),
    /// A temporary file left by an interrupted run: remove it.
    Leftover(String),
}

/// A generated file that is missing or differs, once its contents are gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    /// The path relative to the root.
    pub path: String,
    /// When writing, the temporary beside the file that holds its new bytes.
    pub staged: Option<PathBuf>,
    /// When checking, the short diff of a file that differs, as the report shows it.
    pub diff: String,
}

impl Change {
    /// The path relative to the root.
    pub fn path(&self) -> &str {
        match self {
            Change::Create(f) | Change::Update(f) => &f.path,
            Change::Remove(p) | Change::Leftover(p) => p,
        }
    }

    /// When the change is made: leftovers first, then the Go kinds (which
    /// every Go vendor package imports), then every language's per-vendor
    /// files (and the schema), then the indexes that name them ([`is_index`],
    /// the Go registry among them), then removed files, which no index names
    /// any more.
    fn phase(&self) -> u8 {
        let go_kinds = self.path().strip_prefix(errcat_codegen::emit::go::DIR) == Some("/kinds.go");
        match self {
            Change::Leftover(_) => 0,
            Change::Create(_) | Change::Update(_) if go_kinds => 1,
            Change::Create(_) | Change::Update(_) if !is_index(self.path()) => 2,
            Change::Create(_) | Change::Update(_) => 3,
            Change::Remove(_) => 4,
        }
    }

    /// The temporary this change stages, if any.
    fn staged(&self) -> Option<&Path> {
        match self {
            Change::Create(f) | Change::Update(f) => f.staged.as_deref(),
            Change::Remove(_) | Change::Leftover(_) => None,
        }
    }
}

/// The generated files that name other generated files, one per language:
/// renamed into place after the files they name, so that a killed run never
/// leaves an index naming a file not yet written.
const INDEXES: &[&str] = &[
    "generated/src/gen/mod.rs",
    "generated/typescript/src/index.ts",
    "generated/python/src/errcat/_vendors.py",
];

/// Whether `path` is an index ([`INDEXES`]), a docs page that spans vendors
/// (`SUMMARY.md`, the index, kinds and retry link every vendor's page), or a
/// conformance file (whose cases name every vendor).
fn is_index(path: &str) -> bool {
    INDEXES.contains(&path)
        || path
            .strip_prefix(errcat_codegen::emit::docs::DIR)
            .and_then(|p| p.strip_prefix('/'))
            .is_some_and(|page| errcat_codegen::emit::docs::PAGES.contains(&page))
        || path
            .strip_prefix(errcat_codegen::emit::conformance::DIR)
            .is_some_and(|p| p.starts_with('/'))
        // The Go registry package imports every Go vendor package.
        || path
            .strip_prefix(errcat_codegen::emit::go::DIR)
            .and_then(|p| p.strip_prefix('/'))
            .and_then(|p| p.strip_prefix(errcat_codegen::emit::go::REGISTRY))
            .is_some_and(|p| p.starts_with('/'))
}

/// The difference between the generated files and the disk.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to create, update or remove, sorted by path.
    pub changes: Vec<Change>,
    /// Files already up to date.
    pub unchanged: usize,
}

/// Whether [`plan`] stages each new file for [`apply`] or only compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `--check`: compare, and keep a short diff of each file that differs.
    Check,
    /// Compare, and write each file that differs to a temporary beside it.
    Write,
}

/// Why no plan was made. Every temporary staged was removed; nothing else changed.
#[derive(Debug)]
pub enum Failure {
    /// The generator reported a problem.
    Generate(errcat_codegen::Diagnostics),
    /// A file could not be compared or staged, or a folder is refused.
    Io(io::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Generate(problems) => f.write_str(&problems.render()),
            Failure::Io(e) => write!(f, "{e}"),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

/// An error about a path, saying which.
fn at(path: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{path}: {e}"))
}

/// `root.join(rel)`, after checking that `rel` is a plain relative path and
/// that no part of it that exists is a symbolic link, and that the deepest
/// existing folder resolves inside `root`: what the generator reads, writes
/// or removes stays inside the repository.
pub fn inside(root: &Path, rel: &str) -> io::Result<PathBuf> {
    let refuse = |why: String| Err(io::Error::new(io::ErrorKind::PermissionDenied, why));
    let mut path = root.to_path_buf();
    // The deepest folder of `rel` that exists.
    let mut existing = root.to_path_buf();
    for part in Path::new(rel).components() {
        let Component::Normal(part) = part else {
            return refuse(format!("{rel}: not a plain path inside the repository"));
        };
        path.push(part);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let shown = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                let target =
                    fs::read_link(&path).map_or_else(|_| "?".into(), |t| t.display().to_string());
                return refuse(format!(
                    "{shown} is a symbolic link (to {target}); codegen reads and writes only inside the \
                     repository: replace the link with a real folder or file (e.g. `rm {shown}`) and run \
                     `{}` again",
                    errcat_codegen::REGENERATE
                ));
            }
            Ok(m) => {
                if m.is_dir() {
                    existing.clone_from(&path);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => break,
            Err(e) => return Err(at(rel, e)),
        }
    }
    let (real_root, real) = (fs::canonicalize(root)?, fs::canonicalize(&existing)?);
    if !real.starts_with(&real_root) {
        return refuse(format!(
            "{rel}: resolves to {}, outside the repository",
            real.display()
        ));
    }
    Ok(root.join(rel))
}

/// What [`plan`] keeps of the files made so far.
#[derive(Default)]
struct Compared {
    changes: Vec<Change>,
    unchanged: usize,
    paths: HashSet<String>,
    first_error: Option<io::Error>,
}

/// Compares each file `make` hands to its sink with what is under `root` as
/// soon as it is made, on the thread that made it; with [`Mode::Write`],
/// each file that is missing or differs is written to a temporary beside it
/// at once. Only paths, temporaries and short diffs are kept. Then finds
/// orphans (generated files nothing made) and leftovers of an interrupted
/// run. If making, comparing or staging fails, every temporary staged is
/// removed and nothing else has changed; the error reported is the first met.
pub fn plan(
    root: &Path,
    mode: Mode,
    make: impl FnOnce(&(dyn Fn(OutputFile) + Sync)) -> Result<(), errcat_codegen::Diagnostics>,
) -> Result<Plan, Failure> {
    for dir in written_dirs() {
        for dir in expand(root, dir)? {
            inside(root, &dir)?;
        }
    }
    // Found before anything is staged, so that no temporary of this run is
    // taken for a leftover.
    let on_disk = scan(root)?;
    let compared = Mutex::new(Compared::default());
    let lock = || compared.lock().unwrap_or_else(PoisonError::into_inner);
    let made = make(&|file: OutputFile| {
        if lock().first_error.is_some() {
            return;
        }
        let result = compare(root, mode, &file);
        let mut c = lock();
        c.paths.insert(file.path);
        match result {
            Ok(Some(change)) => c.changes.push(change),
            Ok(None) => c.unchanged += 1,
            Err(e) => {
                c.first_error.get_or_insert(e);
            }
        }
    });
    let compared = compared
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let failure = match (made, compared.first_error) {
        (Err(problems), _) => Some(Failure::Generate(problems)),
        (Ok(()), Some(e)) => Some(Failure::Io(e)),
        (Ok(()), None) => None,
    };
    if let Some(failure) = failure {
        discard(&compared.changes);
        return Err(failure);
    }
    let mut plan = Plan {
        changes: compared.changes,
        unchanged: compared.unchanged,
    };
    plan.changes
        .extend(on_disk.leftovers.into_iter().map(Change::Leftover));
    plan.changes.extend(
        on_disk
            .candidates
            .into_iter()
            .filter(|(path, full)| !compared.paths.contains(path) && is_generated(full))
            .map(|(path, _)| Change::Remove(path)),
    );
    plan.changes.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(plan)
}

/// [`plan`] for every file the generator makes from `catalog`, the time of
/// each emitting stage recorded in `timings`.
pub fn plan_catalog(
    root: &Path,
    mode: Mode,
    catalog: &errcat_codegen::ir::Catalog,
    timings: &mut errcat_codegen::Timings,
) -> Result<Plan, Failure> {
    plan(root, mode, |sink| {
        errcat_codegen::emit::each(catalog, timings, sink)
    })
}

/// One file against the disk: nothing to do, or the change it needs, staged
/// (writing) or with its diff (checking).
fn compare(root: &Path, mode: Mode, file: &OutputFile) -> io::Result<Option<Change>> {
    let path = inside(root, &file.path)?;
    let old = match fs::read(&path) {
        Ok(bytes) if bytes == file.contents.as_bytes() => return Ok(None),
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(at(&file.path, e)),
    };
    let mut made = Made {
        path: file.path.clone(),
        staged: None,
        diff: String::new(),
    };
    match mode {
        Mode::Write => {
            made.staged =
                Some(stage(&path, file.contents.as_bytes()).map_err(|e| at(&file.path, e))?);
        }
        Mode::Check => {
            if let Some(old) = &old {
                made.diff = short_diff(
                    &file.path,
                    &String::from_utf8_lossy(old),
                    &file.contents,
                    20,
                );
            }
        }
    }
    Ok(Some(match old {
        Some(_) => Change::Update(made),
        None => Change::Create(made),
    }))
}

/// Removes the temporaries `changes` staged.
fn discard(changes: &[Change]) {
    for tmp in changes.iter().filter_map(Change::staged) {
        let _ = fs::remove_file(tmp);
    }
}

/// What the written folders hold before a run stages anything.
#[derive(Default)]
struct OnDisk {
    /// Temporaries an interrupted run left.
    leftovers: Vec<String>,
    /// Files that could be orphans: those with the extension of the folder's
    /// generated files, by path relative to the root, with their full path.
    candidates: Vec<(String, PathBuf)>,
}

/// Lists the written folders. Links and special files are never listed (nor
/// read, nor removed).
fn scan(root: &Path) -> io::Result<OnDisk> {
    let mut found = OnDisk::default();
    // The folders come from the emitters, so a new language's orphans are found too.
    let generated = errcat_codegen::emit::generated_dirs();
    for pattern in written_dirs() {
        let ext = generated
            .iter()
            .find(|(d, _)| *d == pattern)
            .map(|(_, e)| *e);
        for dir in expand(root, pattern)? {
            scan_dir(root, &dir, ext, &mut found)?;
        }
    }
    Ok(found)
}

/// Lists one written folder into `found`.
fn scan_dir(root: &Path, dir: &str, ext: Option<&str>, found: &mut OnDisk) -> io::Result<()> {
    let entries = match fs::read_dir(inside(root, dir)?) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(at(dir, e)),
    };
    for entry in entries {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let path = format!("{dir}/{name}");
        if !entry.file_type()?.is_file() {
            continue;
        }
        if is_temporary(&name) {
            found.leftovers.push(path);
        } else if ext.is_some_and(|ext| name.ends_with(&format!(".{ext}"))) {
            found.candidates.push((path, entry.path()));
        }
    }
    Ok(())
}

/// True for the name of a temporary file the generator creates.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(TEMP_SUFFIX)
}

/// True when the file's first line is exactly a header the generator writes.
pub fn is_generated(path: &Path) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if io::Read::read_to_end(&mut io::Read::take(file, 512), &mut head).is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    head.lines()
        .next()
        .is_some_and(errcat_codegen::emit::is_header)
}

/// How many files were written, left alone and removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Created or replaced.
    pub written: usize,
    /// Already up to date.
    pub unchanged: usize,
    /// Orphans removed.
    pub removed: usize,
    /// Temporaries of an interrupted run removed.
    pub leftovers: usize,
}

/// Carries out a [`Mode::Write`] `plan` under `root`: leftovers are removed,
/// then each temporary is renamed over its file and orphans are removed, in
/// the order of [`Change::phase`], so the crate builds after each step. If a
/// step fails, the temporaries not yet renamed are removed. The error
/// reported is the first met.
pub fn apply(root: &Path, plan: &Plan) -> io::Result<Applied> {
    let mut applied = Applied {
        unchanged: plan.unchanged,
        ..Applied::default()
    };
    let mut changes: Vec<&Change> = plan.changes.iter().collect();
    changes.sort_by_key(|c| (c.phase(), c.path()));
    for (i, change) in changes.iter().enumerate() {
        let result = match change {
            Change::Leftover(p) | Change::Remove(p) => inside(root, p)
                .and_then(fs::remove_file)
                .map_err(|e| at(p, e)),
            Change::Create(f) | Change::Update(f) => match &f.staged {
                Some(tmp) => inside(root, &f.path)
                    .and_then(|path| fs::rename(tmp, path))
                    .map_err(|e| at(&f.path, e)),
                None => Ok(()),
            },
        };
        if let Err(e) = result {
            for tmp in changes[i..].iter().filter_map(|c| c.staged()) {
                let _ = fs::remove_file(tmp);
            }
            return Err(e);
        }
        match change {
            Change::Leftover(_) => applied.leftovers += 1,
            Change::Remove(_) => applied.removed += 1,
            Change::Create(_) | Change::Update(_) => applied.written += 1,
        }
    }
    Ok(applied)
}

/// Takes the workspace's codegen lock (`target/errcat-codegen.lock`), waiting
/// while another run holds it. The lock is released when the file is dropped,
/// also when the process dies, so a crashed run never leaves it stuck.
pub fn lock(root: &Path) -> io::Result<fs::File> {
    let dir = root.join("target");
    fs::create_dir_all(&dir)?;
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("errcat-codegen.lock"))?;
    file.lock()?;
    Ok(file)
}

/// Creates a new temporary file beside `path`, exclusively (`O_EXCL`: never
/// an existing file, never through a link) under an unpredictable name, and
/// writes `bytes` to it. Returns its path.
fn stage(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0u32;
    loop {
        // A randomly keyed hasher of the process id, the time and the attempt.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(attempt);
        let tmp = dir.join(format!(".{name}.{:016x}{TEMP_SUFFIX}", h.finish()));
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW).mode(0o644);
        }
        match options.open(&tmp) {
            Ok(mut file) => {
                if let Err(e) = file.write_all(bytes) {
                    let _ = fs::remove_file(&tmp);
                    return Err(e);
                }
                return Ok(tmp);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Writes `bytes` to `path` through an exclusive temporary sibling and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = stage(path, bytes)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// The `--check` report: every stale, missing or orphan file with a short diff.
pub fn report(plan: &Plan) -> String {
    let mut out = String::new();
    for change in &plan.changes {
        match change {
            Change::Create(f) => {
                let _ = writeln!(out, "missing: {} (would be created)", f.path);
            }
            Change::Update(f) => {
                let _ = writeln!(out, "stale: {}", f.path);
                out.push_str(&f.diff);
            }
            Change::Remove(p) => {
                let _ = writeln!(
                    out,
                    "orphan: {p} (its vendor left the catalog; would be removed)"
                );
            }
            Change::Leftover(p) => {
                let _ = writeln!(
                    out,
                    "leftover: {p} (a temporary file of an interrupted run; would be removed)"
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "error: {} generated file{} out of date; run `{}` to fix",
        plan.changes.len(),
        if plan.changes.len() == 1 {
            " is"
        } else {
            "s are"
        },
        errcat_codegen::REGENERATE
    );
    out
}

/// A unified diff of `old` and `new` with three lines of context, showing at
/// most `max_lines` changed lines (and no hunk once they are shown, so its
/// length is bounded). Lines are matched by a longest common subsequence over
/// the region between the common prefix and suffix; a region too large for
/// that is shown as one block.
pub fn short_diff(path: &str, old: &str, new: &str, max_lines: usize) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);

    // The edit script: (old index, new index, tag) with tag ' ', '-' or '+'.
    let mut ops: Vec<(usize, usize, char)> = (0..prefix).map(|i| (i, i, ' ')).collect();
    if a_mid.len().saturating_mul(b_mid.len()) <= 4_000_000 {
        let (n, m) = (a_mid.len(), b_mid.len());
        let mut lcs = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * (m + 1) + j] = if a_mid[i] == b_mid[j] {
                    lcs[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && a_mid[i] == b_mid[j] {
                ops.push((prefix + i, prefix + j, ' '));
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
                ops.push((prefix + i, prefix + j, '-'));
                i += 1;
            } else {
                ops.push((prefix + i, prefix + j, '+'));
                j += 1;
            }
        }
    } else {
        ops.extend((0..a_mid.len()).map(|i| (prefix + i, prefix, '-')));
        ops.extend((0..b_mid.len()).map(|j| (prefix + a_mid.len(), prefix + j, '+')));
    }
    let (a_end, b_end) = (a.len() - suffix, b.len() - suffix);
    ops.extend((0..suffix).map(|k| (a_end + k, b_end + k, ' ')));

    // Group changes into hunks with three lines of context around each.
    let ctx = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.2 != ' ')
        .map(|(i, _)| i)
        .collect();
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let mut shown = 0;
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(ctx);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * ctx {
            end = changed[k];
            k += 1;
        }
        let end = (end + ctx + 1).min(ops.len());
        let hunk = &ops[start..end];
        if shown >= max_lines {
            // Past the limit, a hunk is counted but not shown, so that the
            // diff stays short however many places changed.
            shown += hunk.iter().filter(|o| o.2 != ' ').count();
            continue;
        }
        let old_count = hunk.iter().filter(|o| o.2 != '+').count();
        let new_count = hunk.iter().filter(|o| o.2 != '-').count();
        let _ = writeln!(
            out,
            "@@ -{},{old_count} +{},{new_count} @@",
            hunk[0].0 + 1,
            hunk[0].1 + 1
        );
        for &(i, j, tag) in hunk {
            if tag != ' ' {
                shown += 1;
                if shown > max_lines {
                    continue;
                }
            }
            let line = if tag == '+' { b[j] } else { a[i] };
            let _ = writeln!(out, "{tag}{line}");
        }
    }
    if shown > max_lines {
        let _ = writeln!(out, "  ... {} more changed lines", shown - max_lines);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_kinds_come_before_the_vendor_packages_and_the_registry_after_them() {
        let made = |path: &str| {
            Change::Create(Made {
                path: path.to_owned(),
                staged: None,
                diff: String::new(),
            })
        };
        let mut changes = [
            Change::Remove("generated/go/gone/codes.go".into()),
            made("generated/go/vendors/vendors.go"),
            made("generated/go/zeta/codes.go"),
            made("generated/go/kinds.go"),
            made("generated/go/acme/codes.go"),
            made("generated/src/gen/acme.rs"),
        ];
        changes.sort_by_key(|c| (c.phase(), c.path().to_owned()));
        let order: Vec<&str> = changes.iter().map(Change::path).collect();
        assert_eq!(
            order,
            [
                "generated/go/kinds.go",
                "generated/go/acme/codes.go",
                "generated/go/zeta/codes.go",
                "generated/src/gen/acme.rs",
                "generated/go/vendors/vendors.go",
                "generated/go/gone/codes.go",
            ]
        );
    }

    const RS: &str =
        "// @generated by `cargo xtask codegen` from catalog/acme.yaml. Do not edit by hand.\n";
    const MD: &str =
        "<!-- @generated by `cargo xtask codegen` from catalog/. Do not edit by hand. -->\n";

    /// A workspace under the temporary folder, with the generated folders, removed on drop.
    struct Tree(PathBuf);

    impl Tree {
        fn new(label: &str) -> Tree {
            let root =
                std::env::temp_dir().join(format!("errcat-xtask-{}-{label}", std::process::id()));
            let _ = fs::remove_dir_all(&root);
            for dir in written_dirs().into_iter().filter(|d| !d.ends_with("/*")) {
                fs::create_dir_all(root.join(dir)).unwrap();
            }
            Tree(root)
        }
        fn path(&self, rel: &str) -> PathBuf {
            self.0.join(rel)
        }
        fn write(&self, rel: &str, text: &str) {
            fs::write(self.path(rel), text).unwrap();
        }
        fn read(&self, rel: &str) -> String {
            fs::read_to_string(self.path(rel)).unwrap()
        }
        /// The names in a folder, sorted.
        fn list(&self, rel: &str) -> Vec<String> {
            let mut names: Vec<String> = fs::read_dir(self.path(rel))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for Tree {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: path.to_owned(),
            contents: contents.to_owned(),
        }
    }

    #[test]
    fn a_symlinked_generated_folder_is_refused_and_nothing_outside_is_touched() {
        let tree = Tree::new("link-dir");
        let outside = tree.path("outside");
        fs::create_dir_all(&outside).unwrap();
        // Carries the exact header: an orphan, were the folder followed.
        fs::write(outside.join("victim.md"), MD).unwrap();
        fs::remove_dir(tree.path("generated/docs")).unwrap();
        std::os::unix::fs::symlink(&outside, tree.path("generated/docs")).unwrap();
        let files = [file("generated/docs/acme.md", MD)];
        let e = plan_of(&tree.0, &files, Mode::Write).expect_err("refused");
        assert!(
            e.to_string()
                .starts_with("generated/docs is a symbolic link (to "),
            "{e}"
        );
        let e = write_through(&tree.0, &files).expect_err("refused");
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert_eq!(fs::read_to_string(outside.join("victim.md")).unwrap(), MD);
        assert_eq!(fs::read_dir(&outside).unwrap().count(), 1);
    }

    /// [`plan`] of files already made, handed over one by one.
    fn plan_of(root: &Path, files: &[OutputFile], mode: Mode) -> Result<Plan, Failure> {
        plan(root, mode, |sink| {
            files.iter().cloned().for_each(sink);
            Ok(())
        })
    }

    /// What `cargo xtask codegen` does: plan, then apply.
    fn write_through(root: &Path, files: &[OutputFile]) -> Result<Applied, String> {
        let p = plan_of(root, files, Mode::Write).map_err(|e| e.to_string())?;
        apply(root, &p).map_err(|e| e.to_string())
    }

    #[test]
    fn a_symlinked_generated_file_is_not_read_into_the_report() {
        let tree = Tree::new("link-file");
        tree.write("secret", "TOKEN-1234\n");
        std::os::unix::fs::symlink(tree.path("secret"), tree.path("generated/docs/acme.md"))
            .unwrap();
        let e = plan_of(&tree.0, &[file("generated/docs/acme.md", MD)], Mode::Check)
            .expect_err("refused");
        assert!(
            e.to_string()
                .starts_with("generated/docs/acme.md is a symbolic link"),
            "{e}"
        );
        assert!(!e.to_string().contains("TOKEN"), "{e}");
    }

    #[test]
    fn only_the_exact_header_marks_an_orphan() {
        let tree = Tree::new("orphans");
        tree.write(
            "generated/src/gen/old.rs",
            &format!("{RS}\npub enum Old {{}}\n"),
        );
        tree.write(
            "generated/docs/notes.md",
            "# Notes\n\nPages here are @generated; this one is not.\n",
        );
        tree.write("generated/docs/gone.md", &format!("{MD}\n# Gone\n"));
        let files = [file("generated/src/gen/mod.rs", RS)];
        let p = plan_of(&tree.0, &files, Mode::Write).unwrap();
        let removed: Vec<&str> = p
            .changes
            .iter()
            .filter(|c| matches!(c, Change::Remove(_)))
            .map(Change::path)
            .collect();
        assert_eq!(
            removed,
            ["generated/docs/gone.md", "generated/src/gen/old.rs"]
        );
        apply(&tree.0, &p).unwrap();
        assert_eq!(tree.list("generated/docs"), ["notes.md"]);
    }

    #[test]
    fn leftovers_of_an_interrupted_run_are_reported_then_removed() {
        let tree = Tree::new("leftovers");
        let files = [file("generated/src/gen/mod.rs", RS)];
        write_through(&tree.0, &files).unwrap();
        tree.write(
            "generated/src/gen/.acme.rs.0123456789abcdef.errcat-tmp",
            "half a fi",
        );
        tree.write("catalog/.schema.json.fedcba9876543210.errcat-tmp", "{");
        let p = plan_of(&tree.0, &files, Mode::Write).unwrap();
        let report = report(&p);
        assert!(
            report.starts_with(
                "leftover: catalog/.schema.json.fedcba9876543210.errcat-tmp (a temporary file of an interrupted run; would be removed)\n\
                 leftover: generated/src/gen/.acme.rs.0123456789abcdef.errcat-tmp (a temporary file"
            ),
            "{report}"
        );
        let applied = apply(&tree.0, &p).unwrap();
        assert_eq!(applied.leftovers, 2);
        assert_eq!(tree.list("generated/src/gen"), ["mod.rs"]);
        assert!(tree.list("catalog").is_empty());
        assert!(
            plan_of(&tree.0, &files, Mode::Write)
                .unwrap()
                .changes
                .is_empty()
        );
    }

    #[test]
    fn temporaries_are_created_exclusively_under_unpredictable_names() {
        let tree = Tree::new("temporaries");
        // A link planted where a temporary named after the process would go.
        tree.write("victim", "untouched");
        std::os::unix::fs::symlink(
            tree.path("victim"),
            tree.path(&format!(
                "generated/src/gen/.mod.rs.{}.tmp",
                std::process::id()
            )),
        )
        .unwrap();
        let target = tree.path("generated/src/gen/mod.rs");
        write_atomic(&target, RS.as_bytes()).unwrap();
        assert_eq!(tree.read("victim"), "untouched");
        assert_eq!(tree.read("generated/src/gen/mod.rs"), RS);
        let (a, b) = (stage(&target, b"a").unwrap(), stage(&target, b"b").unwrap());
        assert_ne!(a, b);
        // An existing name is never opened: O_EXCL refuses it, link or file.
        let taken = fs::OpenOptions::new().write(true).create_new(true).open(&a);
        assert_eq!(taken.unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&a).unwrap(), "a");
    }

    #[test]
    fn a_failed_write_leaves_the_indexes_as_they_were() {
        let tree = Tree::new("order");
        let old = [
            file("generated/src/gen/mod.rs", &format!("{RS}// old\n")),
            file("generated/docs/SUMMARY.md", &format!("{MD}old\n")),
        ];
        write_through(&tree.0, &old).unwrap();
        let new = [
            file("generated/src/gen/beta.rs", &format!("{RS}// beta\n")),
            file("generated/src/gen/mod.rs", &format!("{RS}// names beta\n")),
            file("generated/docs/SUMMARY.md", &format!("{MD}names beta\n")),
        ];
        let p = plan_of(&tree.0, &new, Mode::Write).unwrap();
        // The new module cannot be put in place: a folder that is not empty is in the way.
        fs::create_dir_all(tree.path("generated/src/gen/beta.rs/x")).unwrap();
        let e = apply(&tree.0, &p).expect_err("the rename fails");
        assert!(
            e.to_string().starts_with("generated/src/gen/beta.rs: "),
            "{e}"
        );
        assert_eq!(tree.read("generated/src/gen/mod.rs"), old[0].contents);
        assert_eq!(tree.read("generated/docs/SUMMARY.md"), old[1].contents);
        assert_eq!(tree.list("generated/src/gen"), ["beta.rs", "mod.rs"]);
        assert_eq!(tree.list("generated/docs"), ["SUMMARY.md"]);
    }

    #[test]
    fn a_generator_error_after_some_files_were_staged_removes_them_and_changes_nothing() {
        let tree = Tree::new("generate-error");
        let old = [file("generated/src/gen/mod.rs", &format!("{RS}// old\n"))];
        write_through(&tree.0, &old).unwrap();
        let e = plan(&tree.0, Mode::Write, |sink| {
            sink(file("generated/src/gen/mod.rs", &format!("{RS}// new\n")));
            sink(file("generated/docs/acme.md", MD));
            let mut problems = errcat_codegen::Diagnostics::new();
            problems.push(errcat_codegen::Diagnostic::new(
                "codegen",
                (1, 1),
                "a bug",
                "report it",
            ));
            Err(problems)
        })
        .expect_err("the generator failed");
        assert!(matches!(e, Failure::Generate(_)), "{e}");
        assert_eq!(tree.list("generated/src/gen"), ["mod.rs"]);
        assert!(tree.list("generated/docs").is_empty());
        assert_eq!(tree.read("generated/src/gen/mod.rs"), old[0].contents);
    }

    #[test]
    fn a_check_stages_nothing_and_reports_the_short_diff() {
        let tree = Tree::new("check");
        let old = format!("{MD}a\nb\n");
        tree.write("generated/docs/acme.md", &old);
        let new = [
            file("generated/docs/acme.md", &format!("{MD}a\nc\n")),
            file("generated/docs/beta.md", MD),
        ];
        let p = plan_of(&tree.0, &new, Mode::Check).unwrap();
        assert_eq!(tree.list("generated/docs"), ["acme.md"]);
        assert_eq!(tree.read("generated/docs/acme.md"), old);
        let expected = format!(
            "stale: generated/docs/acme.md\n{}missing: generated/docs/beta.md (would be created)\n",
            short_diff("generated/docs/acme.md", &old, &new[0].contents, 20)
        );
        assert!(report(&p).starts_with(&expected), "{}", report(&p));
    }

    #[test]
    fn short_diff_shows_the_changed_region_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nX\nf\ng\nh\n";
        let d = short_diff("p", old, new, 20);
        assert_eq!(
            d,
            "--- a/p\n+++ b/p\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+X\n f\n g\n h\n"
        );
    }

    #[test]
    fn short_diff_is_bounded() {
        let old: String = (0..100).map(|i| format!("{i}\n")).collect();
        let d = short_diff("p", &old, "", 5);
        assert!(d.contains("... 95 more changed lines"), "{d}");
    }

    #[test]
    fn short_diff_stops_showing_hunks_at_the_limit() {
        let old: String = (0..1000).map(|i| format!("{i}\n")).collect();
        let new: String = (0..1000)
            .map(|i| {
                if i % 10 == 5 {
                    "x\n".to_owned()
                } else {
                    format!("{i}\n")
                }
            })
            .collect();
        let d = short_diff("p", &old, &new, 6);
        assert_eq!(d.matches("@@ -").count(), 3, "{d}");
        assert!(d.ends_with("  ... 194 more changed lines\n"), "{d}");
    }

    #[test]
    fn short_diff_keeps_separate_changes_in_separate_hunks() {
        let old: String = (0..40).map(|i| format!("{i}\n")).collect();
        let new: String = (0..40)
            .map(|i| match i {
                5 => "five\n".to_owned(),
                30 => "thirty\n".to_owned(),
                i => format!("{i}\n"),
            })
            .collect();
        let d = short_diff("p", &old, &new, 20);
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
        assert!(
            d.contains("@@ -3,7 +3,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n"),
            "{d}"
        );
        assert!(!d.contains(" 15\n"), "{d}");
    }
}
