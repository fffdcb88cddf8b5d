//! Builds a crate made of errcat's hand-written runtime and generated modules,
//! as `cargo check` with `-D warnings`: the proof that what the generator
//! writes for a catalog compiles. Included with `#[path]` by the tests that
//! need it and by the fuzz target's compile mode.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use errcat_codegen::OutputFile;

/// Checks a crate of the runtime in `workspace/generated/src/` (all but
/// `gen/`) and `files` (the generated `generated/src/gen/*.rs`; other files
/// are skipped), built in a fresh folder named after `label` under the
/// system's temporary folder, into the target folder `target`. The crate has
/// every feature `generated/Cargo.toml` declares, `serde` on.
/// `Err` holds cargo's report.
pub fn check(
    workspace: &Path,
    target: &Path,
    label: &str,
    files: &[OutputFile],
) -> Result<(), String> {
    let dir: PathBuf = std::env::temp_dir().join(format!("errcat-{label}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let result = write(workspace, &dir, files)
        .map_err(|e| format!("cannot write the crate in {}: {e}", dir.display()))
        .and_then(|()| cargo_check(target, &dir));
    let _ = fs::remove_dir_all(&dir);
    result
}

/// Writes the crate [`check`] builds into `dir`: the runtime, `files`' modules
/// under `src/gen/`, a manifest and the workspace's lock file.
pub fn write(workspace: &Path, dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    copy_runtime(&workspace.join("generated/src"), &dir.join("src"))?;
    fs::create_dir_all(dir.join("src/gen"))?;
    for file in files {
        if let Some(name) = file.path.strip_prefix("generated/src/gen/") {
            fs::write(dir.join("src/gen").join(name), &file.contents)?;
        }
    }
    let manifest = fs::read_to_string(workspace.join("generated/Cargo.toml"))?;
    let features: String = features(&manifest)
        .into_iter()
        .filter(|f| f != "default" && f != "serde")
        .map(|f| format!("{f} = []\n"))
        .collect();
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"errcat\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nserde_json = \"1\"\nserde_core = \"1\"\nquick-xml = {{ version = \"0.38\", default-features = false }}\nserde = {{ version = \"1\", optional = true }}\n\n\
             [features]\nserde = [\"dep:serde\"]\n{features}\n[workspace]\n"
        ),
    )?;
    fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(())
}

/// Copies the hand-written runtime, folders included, leaving out `gen/`.
fn copy_runtime(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() && entry.file_name() != "gen" {
            copy_runtime(&entry.path(), &to.join(entry.file_name()))?;
        } else if kind.is_file() {
            fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// The feature names of a manifest's `[features]` table.
fn features(manifest: &str) -> Vec<String> {
    manifest
        .split_once("\n[features]\n")
        .map_or("", |(_, rest)| rest.split("\n[").next().unwrap_or(""))
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(name, _)| name.trim().to_owned())
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .collect()
}

fn cargo_check(target: &Path, dir: &Path) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "check",
            "--quiet",
            "--offline",
            "--lib",
            "--features",
            "serde",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
