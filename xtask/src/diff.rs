//! `cargo xtask diff`: the catalog at a git revision against the working tree.
//!
//! The base catalog is read with the `git` command line (`rev-parse`,
//! `ls-tree`, `cat-file`), which reads objects only: the working tree and the
//! index are never touched. The comparison itself is `errcat_codegen::diff`.

use std::path::Path;
use std::process::{Command, ExitCode};

use errcat_codegen::diff::{self, Sides};
use errcat_codegen::ir::Catalog;
use errcat_codegen::load::Source;

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text, one change a line.
    Text,
    /// Markdown, ready for a changelog.
    Markdown,
    /// JSON, for other tools (shape in catalog/README.md).
    Json,
}

/// Why the diff could not run, and the exit code that goes with it.
enum Failure {
    /// The environment or the arguments are wrong (not a repository, unknown revision): exit 2.
    Usage(String),
    /// A catalog does not validate, or a file cannot be read: exit 1, the text printed as is.
    Problems(String),
}

/// Runs the diff, prints the report and gives the exit code: 0, or 1 when a
/// change breaks users without saying so or a catalog has problems, or 2 when
/// the root is not in a git repository or the revision is unknown.
pub fn run(root: &Path, base: &str, format: Format) -> ExitCode {
    match report(root, base, format) {
        Ok((text, unannounced)) => {
            print!("{text}");
            if unannounced == 0 {
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "error: {unannounced} change{} a vendor or code without notice, breaking the programs that use it: \
                 keep a code the vendor no longer sends and mark it `removed` (since, why) instead of deleting \
                 or renaming it",
                if unannounced == 1 {
                    " deletes"
                } else {
                    "s delete"
                },
            );
            ExitCode::from(1)
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Problems(text)) => {
            eprint!("{text}");
            ExitCode::from(1)
        }
    }
}

fn report(root: &Path, base: &str, format: Format) -> Result<(String, usize), Failure> {
    let old = base_catalog(root, base)?;
    let new = errcat_codegen::load_catalog(&root.join("catalog"))
        .map_err(|d| Failure::Problems(d.render()))?;
    let version = crate_version(root).map_err(Failure::Problems)?;
    let report = diff::compare(&old, &new);
    let sides = Sides {
        base,
        head: "working tree",
        version: &version,
    };
    let text = match format {
        Format::Text => diff::text(&report, sides),
        Format::Markdown => diff::markdown(&report, sides),
        Format::Json => diff::json(&report, sides),
    }
    .map_err(|e| Failure::Problems(format!("error: {e}\n")))?;
    Ok((text, report.unannounced()))
}

/// The vendors (code `None`) and codes the catalog at `HEAD` has and `new`
/// deletes without marking them `removed`; empty when there is no git
/// repository or no `HEAD` to compare with.
pub fn removed_without_notice(root: &Path, new: &Catalog) -> Vec<(String, Option<String>)> {
    let Ok(old) = base_catalog(root, "HEAD") else {
        return Vec::new();
    };
    diff::compare(&old, new)
        .changes
        .into_iter()
        .filter(|c| c.unannounced)
        .map(|c| (c.vendor, c.code))
        .collect()
}

/// Runs `git -C root args...` and gives its stdout, or git's own message.
fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .output()
        .map_err(|e| format!("cannot run `git`: {e}; `cargo xtask diff` needs git on the PATH"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.lines().next().unwrap_or("").trim().to_owned())
    }
}

/// The catalog as committed at `base`; empty when the revision has no `catalog/`.
fn base_catalog(root: &Path, base: &str) -> Result<Catalog, Failure> {
    git(root, &["rev-parse", "--show-prefix"]).map_err(|e| {
        Failure::Usage(format!(
            "{} is not in a git repository ({e}); `cargo xtask diff` compares the catalog with a committed revision",
            root.display()
        ))
    })?;
    if base.starts_with('-') || base.is_empty() {
        return Err(Failure::Usage(format!(
            "`{base}` is not a revision; pass a commit, branch or tag, e.g. `--base HEAD~1`"
        )));
    }
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        Failure::Usage(format!(
            "unknown revision `{base}`: no commit of this repository has that name; \
             pass a commit, branch or tag, e.g. `--base HEAD~1`"
        ))
    })?;
    let commit = String::from_utf8_lossy(&commit).trim().to_owned();
    let listing = git(
        root,
        &["ls-tree", "-z", "--full-name", &commit, "--", "catalog/"],
    )
    .map_err(|e| Failure::Problems(format!("error: cannot list catalog/ at `{base}`: {e}\n")))?;
    let mut sources = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        // `<mode> <type> <object>\t<path>`
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let Some(file_name) = path.rsplit('/').next() else {
            continue;
        };
        if !meta.contains(" blob ") || !file_name.ends_with(".yaml") {
            continue;
        }
        let bytes = git(root, &["cat-file", "blob", &format!("{commit}:{path}")]).map_err(|e| {
            Failure::Problems(format!("error: cannot read {path} at `{base}`: {e}\n"))
        })?;
        sources.push(Source {
            file_name: file_name.to_owned(),
            bytes,
        });
    }
    if sources.is_empty() {
        return Ok(Catalog {
            vendors: Vec::new(),
        });
    }
    sources.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    errcat_codegen::catalog_from_sources(&format!("{base}:catalog"), &sources)
        .map_err(|d| Failure::Problems(d.render()))
}

/// The `errcat` crate's version, from `generated/Cargo.toml`.
fn crate_version(root: &Path) -> Result<String, String> {
    let path = root.join("generated/Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!("error: cannot read generated/Cargo.toml for the crate's version: {e}\n")
    })?;
    text.lines()
        .take_while(|l| !l.starts_with('[') || l.trim() == "[package]")
        .find_map(|l| {
            let rest = l.strip_prefix("version")?.trim_start().strip_prefix('=')?;
            Some(rest.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| {
            "error: generated/Cargo.toml names no `version` under [package]\n".to_owned()
        })
}
