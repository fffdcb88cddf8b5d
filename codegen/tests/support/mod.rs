//! What the catalog tests share: loading files from a throw-away catalog
//! folder, and building a crate, an npm package or a Python package from
//! generated modules.

// Each test file uses only some of these.
#![allow(dead_code)]

#[path = "krate.rs"]
pub mod krate;
pub mod packages;

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
    /// Writes the crate as [`krate::write`] does; `label` names its folder.
    pub fn new(label: &str, files: &[errcat_codegen::OutputFile]) -> TempCrate {
        let dir = std::env::temp_dir().join(format!("errcat-{label}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        krate::write(&workspace(), &dir, files)
            .unwrap_or_else(|e| panic!("cannot write the crate in {}: {e}", dir.display()));
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
