//! Shared by the end-to-end tests: a temporary copy of the workspace and a way to run `xtask` in it.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The real workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// A temporary copy of `catalog/` and `generated/` (sources, generated code, docs,
/// conformance cases and the TypeScript and Python sources), removed on drop.
pub struct TempWorkspace {
    /// Its root.
    pub root: PathBuf,
}

impl TempWorkspace {
    /// Copies the real workspace's catalog and generated crate into a fresh folder.
    pub fn new(name: &str) -> TempWorkspace {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("errcat-{name}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let real = workspace();
        for dir in [
            "catalog",
            "generated/src",
            "generated/docs",
            "generated/conformance",
            "generated/go",
            "generated/typescript/src",
            "generated/python/src",
        ] {
            copy_dir(&real.join(dir), &root.join(dir));
        }
        fs::copy(real.join("Cargo.toml"), root.join("Cargo.toml")).expect("copy Cargo.toml");
        fs::copy(
            real.join("generated/Cargo.toml"),
            root.join("generated/Cargo.toml"),
        )
        .expect("copy generated/Cargo.toml");
        TempWorkspace { root }
    }

    /// The catalog as it is in this copy, loaded as `codegen` loads it: tests
    /// derive vendor and code counts from it rather than pinning them.
    pub fn catalog(&self) -> errcat_codegen::ir::Catalog {
        errcat_codegen::load_catalog(&self.root.join("catalog"))
            .unwrap_or_else(|d| panic!("the copy's catalog has problems:\n{}", d.render()))
    }

    /// `N vendors, M codes`, as `codegen` reports the copy's catalog.
    pub fn counts(&self) -> String {
        let c = self.catalog();
        format!("{} vendors, {} codes", c.vendors.len(), c.code_count())
    }

    /// How many files `codegen` writes for the copy's catalog.
    pub fn outputs(&self) -> usize {
        errcat_codegen::generate(&self.root.join("catalog"))
            .unwrap_or_else(|d| panic!("the copy's catalog has problems:\n{}", d.render()))
            .len()
    }

    /// Runs `xtask --root <root> args...`, returning exit code, stdout and stderr.
    pub fn xtask(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .output()
            .expect("run xtask");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Makes the copy a git repository with everything in it committed, as a
    /// maintainer's checkout would be; git's user configuration is not read.
    pub fn commit_all(&self, message: &str) {
        if !self.root.join(".git").exists() {
            self.git(&["init", "--quiet"]);
        }
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--no-verify", "-m", message]);
    }

    /// Runs `git` in the copy with a fixed identity and no user or system configuration.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=errcat",
                "-c",
                "user.email=errcat@example.invalid",
            ])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(&self.root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The path of a file in the copy.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Reads a file of the copy.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Writes a file of the copy.
    pub fn write(&self, rel: &str, text: &str) {
        fs::write(self.path(rel), text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    }

    /// Every file under the copy with its bytes and modification time, sorted by
    /// path; `target/`, where the codegen lock lives, is left out.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
        let mut out = Vec::new();
        walk(&self.root, &self.root, &mut out);
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

impl Drop for TempWorkspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>, std::time::SystemTime)>) {
    for entry in fs::read_dir(dir).expect("read dir") {
        let entry = entry.expect("dir entry");
        let path = entry.path();
        if path.is_dir() {
            if path == root.join("target") {
                continue;
            }
            walk(root, &path, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let meta = fs::metadata(&path).expect("metadata");
            out.push((
                rel,
                fs::read(&path).expect("read"),
                meta.modified().expect("mtime"),
            ));
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
