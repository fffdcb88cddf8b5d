//! `cargo xtask codegen`: writes what changed, removes orphans, or with `--check` only compares.
//!
//! Write mode and check mode share [`plan`]: it compares every generated file
//! with the disk and finds generated files that no longer have a source.
//! [`apply`] then writes each changed file atomically (a temporary file in the
//! same folder, renamed over the old one) and leaves unchanged files alone, so
//! their modification times stay put and cargo does not rebuild.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use errcat_codegen::OutputFile;

/// The marker every generated file carries in its first lines.
pub const MARKER: &str = "@generated";

/// What has to happen to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<'a> {
    /// The file is missing: create it.
    Create(&'a OutputFile),
    /// The file differs: replace it. Holds the current bytes.
    Update(&'a OutputFile, String),
    /// A generated file with no source any more: remove it.
    Remove(String),
}

impl Change<'_> {
    /// The path relative to the root.
    pub fn path(&self) -> &str {
        match self {
            Change::Create(f) | Change::Update(f, _) => &f.path,
            Change::Remove(p) => p,
        }
    }
}

/// The difference between the generated files and the disk.
#[derive(Debug, Default)]
pub struct Plan<'a> {
    /// Files to create, update or remove, sorted by path.
    pub changes: Vec<Change<'a>>,
    /// Files already up to date.
    pub unchanged: usize,
}

/// Compares `files` with what is under `root`, reading on every core.
pub fn plan<'a>(root: &Path, files: &'a [OutputFile]) -> io::Result<Plan<'a>> {
    let mut plan = Plan::default();
    let compared = errcat_codegen::par::map(files, |f| match fs::read(root.join(&f.path)) {
        Ok(bytes) if bytes == f.contents.as_bytes() => Ok(None),
        Ok(bytes) => Ok(Some(Change::Update(
            f,
            String::from_utf8_lossy(&bytes).into_owned(),
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Some(Change::Create(f))),
        Err(e) => Err(io::Error::new(e.kind(), format!("{}: {e}", f.path))),
    });
    for change in compared {
        match change? {
            Some(c) => plan.changes.push(c),
            None => plan.unchanged += 1,
        }
    }
    // The folders come from the emitters, so a new language's orphans are found too.
    for (dir, ext) in errcat_codegen::emit::generated_dirs() {
        let entries = match fs::read_dir(root.join(dir)) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io::Error::new(e.kind(), format!("{dir}: {e}"))),
        };
        for entry in entries {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            let path = format!("{dir}/{name}");
            let is_file = entry.file_type()?.is_file();
            if !is_file
                || !name.ends_with(&format!(".{ext}"))
                || files.iter().any(|f| f.path == path)
            {
                continue;
            }
            if is_generated(&entry.path()) {
                plan.changes.push(Change::Remove(path));
            }
        }
    }
    plan.changes.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(plan)
}

/// True when the file's first lines carry the `@generated` marker.
pub fn is_generated(path: &Path) -> bool {
    let Ok(bytes) = fs::read(path) else {
        return false;
    };
    let head = &bytes[..bytes.len().min(512)];
    String::from_utf8_lossy(head)
        .lines()
        .take(3)
        .any(|l| l.contains(MARKER))
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
}

/// Carries out `plan` under `root`, on every core: each write goes to a
/// temporary file in the same folder and is renamed into place, so a reader
/// never sees half a file and an error leaves every file it did not replace
/// as it was. The error reported is the first in path order.
pub fn apply(root: &Path, plan: &Plan) -> io::Result<Applied> {
    let mut applied = Applied {
        unchanged: plan.unchanged,
        ..Applied::default()
    };
    let done = errcat_codegen::par::map(&plan.changes, |change| match change {
        Change::Create(f) | Change::Update(f, _) => {
            write_atomic(&root.join(&f.path), f.contents.as_bytes())
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", f.path)))
        }
        Change::Remove(p) => {
            fs::remove_file(root.join(p)).map_err(|e| io::Error::new(e.kind(), format!("{p}: {e}")))
        }
    });
    for (change, result) in plan.changes.iter().zip(done) {
        result?;
        match change {
            Change::Remove(_) => applied.removed += 1,
            _ => applied.written += 1,
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

/// Writes `bytes` to `path` through a temporary sibling and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The `--check` report: every stale, missing or orphan file with a short diff.
pub fn report(plan: &Plan) -> String {
    let mut out = String::new();
    for change in &plan.changes {
        match change {
            Change::Create(f) => {
                let _ = writeln!(out, "missing: {} (would be created)", f.path);
            }
            Change::Update(f, old) => {
                let _ = writeln!(out, "stale: {}", f.path);
                out.push_str(&short_diff(&f.path, old, &f.contents, 20));
            }
            Change::Remove(p) => {
                let _ = writeln!(
                    out,
                    "orphan: {p} (its vendor left the catalog; would be removed)"
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
/// most `max_lines` changed lines. Lines are matched by a longest common
/// subsequence over the region between the common prefix and suffix; a region
/// too large for that is shown as one block.
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
