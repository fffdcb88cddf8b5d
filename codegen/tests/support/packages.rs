//! The TypeScript and Python packages made of errcat's hand-written runtimes
//! and generated modules, for the tests that type-check, import and run what
//! the generator writes for a catalog of their own.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use errcat_codegen::OutputFile;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fresh folder under the system's temporary folder, named after `label`.
fn fresh(kind: &str, label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("errcat-{kind}-{label}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `command` with `stdin` written to it; panics with its stderr when it fails,
/// and gives its stdout as JSON.
fn run_json(mut command: Command, stdin: &[u8], what: &str) -> serde_json::Value {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
            .chars()
            .take(4000)
            .collect::<String>()
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The npm package's runtime and the generated TypeScript `files`, type-checked
/// with `tsc --strict` and compiled to `dist/`; removed on drop.
pub struct TypeScript {
    /// The package's folder.
    pub dir: PathBuf,
}

impl TypeScript {
    /// Writes the package (`label` names its folder), type-checks and compiles
    /// it; panics with tsc's report when either fails. Installs the package's
    /// one dev-dependency, the compiler, with `npm ci` when it is missing.
    pub fn build(label: &str, files: &[OutputFile]) -> TypeScript {
        let package = workspace().join("generated/typescript");
        let tsc = package.join("node_modules/.bin/tsc");
        if !tsc.exists() {
            // Pinned by the lock file; a fresh clone has not installed it yet.
            let installed = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&package)
                .status();
            assert!(
                installed.is_ok_and(|s| s.success()) && tsc.exists(),
                "{} is missing and `npm ci` in generated/typescript did not install it (Node.js 18 or later and npm are needed)",
                tsc.display()
            );
        }
        let built = TypeScript {
            dir: fresh("ts", label),
        };
        let dir = &built.dir;
        fs::create_dir_all(dir.join("src/runtime")).unwrap();
        for entry in fs::read_dir(package.join("src/runtime")).unwrap() {
            let entry = entry.unwrap();
            fs::copy(
                entry.path(),
                dir.join("src/runtime").join(entry.file_name()),
            )
            .unwrap();
        }
        fs::copy(package.join("tsconfig.json"), dir.join("tsconfig.json")).unwrap();
        fs::write(dir.join("package.json"), "{\"type\": \"module\"}\n").unwrap();
        // The runtime's dependencies (its XML reader), as the package installed them.
        std::os::unix::fs::symlink(package.join("node_modules"), dir.join("node_modules")).unwrap();
        for file in files {
            let Some(rel) = file.path.strip_prefix("generated/typescript/") else {
                continue;
            };
            fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
            fs::write(dir.join(rel), &file.contents).unwrap();
        }
        for args in [
            &["--noEmit", "--strict", "-p", "tsconfig.json"][..],
            &["-p", "tsconfig.json"],
        ] {
            let out = Command::new(&tsc)
                .args(args)
                .current_dir(dir)
                .output()
                .expect("run tsc");
            assert!(
                out.status.success(),
                "tsc {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout)
            );
        }
        built
    }

    /// Runs `script`, an ES module that may import `./dist/index.js`, with
    /// node in the package's folder, `stdin` as its input; its output as JSON.
    pub fn node(&self, script: &str, stdin: &[u8]) -> serde_json::Value {
        let mut command = Command::new("node");
        command
            .args(["--input-type=module", "-e", script])
            .current_dir(&self.dir);
        run_json(command, stdin, "node")
    }
}

impl Drop for TypeScript {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The Python package `errcat`: its hand-written modules and the generated
/// Python `files`; removed on drop.
pub struct Python {
    /// The folder that holds the package, the `PYTHONPATH` of its scripts.
    pub dir: PathBuf,
}

impl Python {
    /// Writes the package; `label` names its folder.
    pub fn new(label: &str, files: &[OutputFile]) -> Python {
        let built = Python {
            dir: fresh("py", label),
        };
        let package = built.dir.join("errcat");
        fs::create_dir_all(&package).unwrap();
        let runtime = workspace().join(errcat_codegen::emit::python::DIR);
        for entry in fs::read_dir(&runtime).unwrap() {
            let path = entry.unwrap().path();
            let text = fs::read_to_string(&path).unwrap_or_default();
            let hand_written = !text.lines().take(3).any(|l| l.contains("@generated"));
            if path.is_file() && hand_written {
                fs::copy(&path, package.join(path.file_name().unwrap())).unwrap();
            }
        }
        let dir = format!("{}/", errcat_codegen::emit::python::DIR);
        for file in files.iter().filter(|f| f.path.starts_with(&dir)) {
            fs::write(
                package.join(Path::new(&file.path).file_name().unwrap()),
                &file.contents,
            )
            .unwrap();
        }
        built
    }

    /// Runs `script` with python3 (every warning an error), `stdin` as its
    /// input; its output as JSON.
    pub fn run(&self, script: &str, stdin: &[u8]) -> serde_json::Value {
        let mut command = Command::new("python3");
        command
            .args(["-W", "error", "-c", script])
            .env("PYTHONPATH", &self.dir)
            .env("PYTHONDONTWRITEBYTECODE", "1");
        run_json(
            command,
            stdin,
            "python3 (Python 3.9 or later is needed for the Python package's checks)",
        )
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The Go module: errcat's hand-written Go runtime and the generated Go
/// `files`, under the system's temporary folder; removed on drop.
pub struct Go {
    /// The module's folder.
    pub dir: PathBuf,
}

impl Go {
    /// Writes the module (`label` names its folder): `go.mod`, the runtime's
    /// hand-written files (tests left out) and every file of `files` under
    /// `generated/go/`.
    pub fn new(label: &str, files: &[OutputFile]) -> Go {
        let built = Go {
            dir: fresh("go", label),
        };
        let module = workspace().join(errcat_codegen::emit::go::DIR);
        for entry in fs::read_dir(&module).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(&path).unwrap_or_default();
            let hand_written = !text.lines().take(3).any(|l| l.contains("@generated"));
            let source = name == "go.mod" || (name.ends_with(".go") && !name.ends_with("_test.go"));
            if path.is_file() && hand_written && source {
                fs::copy(&path, built.dir.join(&name)).unwrap();
            }
        }
        let prefix = format!("{}/", errcat_codegen::emit::go::DIR);
        for file in files {
            let Some(rel) = file.path.strip_prefix(&prefix) else {
                continue;
            };
            let path = built.dir.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, &file.contents).unwrap();
        }
        built
    }

    /// Runs `go` with `args` in the module; panics with its output when it fails.
    fn go(&self, args: &[&str]) -> String {
        let out = Command::new("go")
            .args(args)
            .current_dir(&self.dir)
            .env("GOFLAGS", "-mod=mod")
            .env("GOTOOLCHAIN", "local")
            .output()
            .unwrap_or_else(|e| panic!("cannot run go (Go 1.22 or later is needed): {e}"));
        assert!(
            out.status.success(),
            "go {}: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
                .chars()
                .take(6000)
                .collect::<String>()
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Checks that every generated file is as `gofmt` prints it and that the
    /// module builds with `go vet` clean; panics with the report otherwise.
    pub fn check(&self) {
        let out = Command::new("gofmt")
            .args(["-l", "."])
            .current_dir(&self.dir)
            .output()
            .expect("run gofmt");
        assert!(
            out.status.success() && out.stdout.is_empty(),
            "not gofmt-clean: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        self.go(&["vet", "./..."]);
    }

    /// Runs `program`, a `main` package that may import the module's packages,
    /// with `stdin` as its input; its output as JSON.
    pub fn run(&self, program: &str, stdin: &[u8]) -> serde_json::Value {
        let dir = self.dir.join("cmd/probe");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("main.go"), program).unwrap();
        let mut command = Command::new("go");
        command
            .args(["run", "./cmd/probe"])
            .current_dir(&self.dir)
            .env("GOTOOLCHAIN", "local");
        run_json(command, stdin, "go run (Go 1.22 or later is needed)")
    }
}

impl Drop for Go {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}
