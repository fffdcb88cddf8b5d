//! What the catalog tests share: loading files from a throw-away catalog
//! folder, and building a crate from generated modules.

// Each test file uses only some of these.
#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use errcat_codegen::Diagnostics;
use errcat_codegen::ir::Catalog;

/// A `catalog/` folder under the system's temporary folder, removed on drop.
pub struct TempCatalog {
    root: PathBuf,
}

impl TempCatalog {
    /// Creates an empty folder; `label` only makes its name easier to recognise.
    pub fn new(label: &str) -> TempCatalog {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "errcat-test-{}-{}-{label}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        // A folder left by an earlier run that had the same process id is stale.
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("catalog")).expect("create the temporary catalog folder");
        TempCatalog { root }
    }

    /// The `catalog/` folder itself.
    pub fn dir(&self) -> PathBuf {
        self.root.join("catalog")
    }
}

impl Drop for TempCatalog {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// Loads a catalog made of `files`, each a file name and its contents.
#[allow(
    dead_code,
    reason = "not every test file that uses this module loads this way"
)]
pub fn load(label: &str, files: &[(&str, &[u8])]) -> Result<Catalog, Diagnostics> {
    let tmp = TempCatalog::new(label);
    for (name, contents) in files {
        fs::write(tmp.dir().join(name), contents).expect("write a file into the catalog");
    }
    errcat_codegen::load_catalog(&tmp.dir())
}

/// A crate named `errcat` made of the workspace's hand-written runtime (every
/// file under `generated/src/` but the generated `gen/`) and `files` as its
/// `src/gen/`, under the system's temporary folder; removed on drop.
pub struct TempCrate {
    /// The crate's folder.
    pub dir: PathBuf,
}

impl TempCrate {
    /// Writes the crate; `label` names its folder.
    pub fn new(label: &str, files: &[errcat_codegen::OutputFile]) -> TempCrate {
        let dir = std::env::temp_dir().join(format!("errcat-{label}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        copy_runtime(&workspace().join("generated/src"), &dir.join("src"));
        fs::create_dir_all(dir.join("src/gen")).unwrap();
        for file in files {
            let name = std::path::Path::new(&file.path).file_name().unwrap();
            fs::write(dir.join("src/gen").join(name), &file.contents).unwrap();
        }
        fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"errcat\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nserde_json = \"1\"\n\n[features]\nserde = []\nhttp = []\ntower = []\nreqwest = []\ntracing = []\n\n[workspace]\n",
        )
        .unwrap();
        fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        TempCrate { dir }
    }

    /// Runs `cargo args...` offline in the crate, with `RUSTFLAGS` set to
    /// `rustflags`; every such crate shares one target folder.
    pub fn cargo(&self, args: &[&str], rustflags: &str) -> std::process::Output {
        std::process::Command::new(env!("CARGO"))
            .args(args)
            .arg("--offline")
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", workspace().join("target/injection"))
            .env("RUSTFLAGS", rustflags)
            .output()
            .expect("run cargo")
    }
}

impl Drop for TempCrate {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn workspace() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Copies the runtime's files and folders, leaving out the generated `gen/`.
fn copy_runtime(from: &std::path::Path, to: &std::path::Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            if entry.file_name() != "gen" {
                copy_runtime(&path, &to.join(entry.file_name()));
            }
        } else {
            fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}
