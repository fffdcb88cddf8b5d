//! `cargo xtask bench-compile`: what the `errcat` crate costs its users at build time,
//! against the same codes as a plain enum with strum derives.
//!
//! For each catalog size two standalone crates are written to a temporary
//! folder and built with `cargo build --release`:
//!
//! - **A**, the `errcat` crate as SDK users get it: the hand-written runtime
//!   (`generated/src/*.rs`) plus `src/gen/` generated in-process for that
//!   catalog, depending on serde_json only;
//! - **B**, the baseline: one module per vendor holding its codes as a plain
//!   `ErrorCode` enum deriving strum's `EnumString`, `AsRefStr`, `Display` and
//!   `EnumIter`, with `#[strum(serialize = "<wire code>")]` on every variant.
//!
//! Each crate is built clean (its own fresh `CARGO_TARGET_DIR`, dependencies
//! included, as at every clean build an SDK user runs), then again after its
//! `src/lib.rs` is touched (the crate alone). A and B alternate within each
//! run so both see the same machine load; the median of the runs is reported,
//! and each A/B ratio is the median of the runs' own ratios, so a run slowed
//! by other work on the machine counts against both sides alike. Dependencies are fetched before any timing, and every
//! timed build runs `--offline --locked`. Two further crates with an empty
//! `lib.rs` and the same dependencies give the floor each side pays before
//! compiling any code of its own.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

/// strum, as the baseline depends on it.
const STRUM: &str = r#"strum = { version = "0.28", features = ["derive"] }"#;

/// One catalog: a label and its vendors' codes as `(module, [(variant, wire code)])`.
struct Case {
    label: String,
    codes: usize,
    /// The files of crate A under `src/gen/`: name and contents.
    gen_files: Vec<(String, String)>,
    /// Per vendor: the module name and its `(variant, wire code)` pairs.
    vendors: Vec<(String, Vec<(String, String)>)>,
}

/// Which crate a build belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

/// The timings of one crate over the runs.
#[derive(Default)]
struct Samples {
    clean: Vec<Duration>,
    touch: Vec<Duration>,
}

/// Runs the benchmark over `sizes` (`real`, or a number of codes for one
/// synthetic vendor), `runs` times each, and returns a markdown report.
pub fn run(workspace: &Path, sizes: &[String], runs: usize) -> Result<String, String> {
    let runs = runs.max(1);
    let scratch = std::env::temp_dir().join(format!("errcat-bench-compile-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    let result = run_in(workspace, &scratch, sizes, runs);
    let _ = fs::remove_dir_all(&scratch);
    result
}

fn run_in(
    workspace: &Path,
    scratch: &Path,
    sizes: &[String],
    runs: usize,
) -> Result<String, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let lock = fs::read_to_string(workspace.join("Cargo.lock"))
        .map_err(|e| format!("cannot read the workspace's Cargo.lock: {e}"))?;
    let runtime = runtime_files(workspace)?;
    let mut cases = Vec::new();
    for size in sizes {
        cases.push(case(workspace, scratch, size)?);
    }

    // Write every crate and fetch its dependencies before any timing.
    let floor_a = scratch.join("floor-a");
    let floor_b = scratch.join("floor-b");
    write_crate(
        &floor_a,
        &manifest_a(),
        &lock,
        &[("src/lib.rs".into(), String::new())],
    )?;
    write_crate(
        &floor_b,
        &manifest_b(),
        &lock,
        &[("src/lib.rs".into(), String::new())],
    )?;
    let mut dirs = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let a = scratch.join(format!("case-{i}/a"));
        let b = scratch.join(format!("case-{i}/b"));
        let mut files = runtime.clone();
        for (name, text) in &c.gen_files {
            files.push((format!("src/gen/{name}"), text.clone()));
        }
        write_crate(&a, &manifest_a(), &lock, &files)?;
        write_crate(
            &b,
            &manifest_b(),
            &lock,
            &[("src/lib.rs".into(), baseline(c))],
        )?;
        dirs.push((a, b));
    }
    for dir in [&floor_a, &floor_b] {
        fetch(&cargo, dir)?;
    }
    for (a, b) in &dirs {
        fetch(&cargo, a)?;
        fetch(&cargo, b)?;
    }

    let started = Instant::now();
    let mut loads = vec![load_average()];
    let mut floors = [Samples::default(), Samples::default()];
    let mut results: Vec<[Samples; 2]> = cases.iter().map(|_| Default::default()).collect();
    let mut workspace_clean = Vec::new();
    let mut workspace_error = None;
    for run in 0..runs {
        // Alternate which side goes first, so neither always follows the other.
        let order = if run % 2 == 0 {
            [Side::A, Side::B]
        } else {
            [Side::B, Side::A]
        };
        for side in order {
            let (dir, name) = match side {
                Side::A => (&floor_a, "floor A"),
                Side::B => (&floor_b, "floor B"),
            };
            let t = build(&cargo, dir, true, name, run)?;
            floors[side as usize].clean.push(t);
        }
        for (i, (c, (a, b))) in cases.iter().zip(&dirs).enumerate() {
            for touched in [false, true] {
                for side in order {
                    let dir = if side == Side::A { a } else { b };
                    let name = format!(
                        "{} {} {}",
                        c.label,
                        if side == Side::A { "A" } else { "B" },
                        if touched { "touch" } else { "clean" }
                    );
                    if touched {
                        touch(&dir.join("src/lib.rs"))?;
                    }
                    let t = build(&cargo, dir, !touched, &name, run)?;
                    let s = &mut results[i][side as usize];
                    if touched { &mut s.touch } else { &mut s.clean }.push(t);
                    loads.push(load_average());
                }
            }
        }
        if workspace_error.is_none() {
            match build_workspace(&cargo, workspace, &scratch.join("workspace-target"), run) {
                Ok(t) => workspace_clean.push(t),
                Err(e) => workspace_error = Some(e),
            }
        }
    }
    loads.push(load_average());

    let mut r = String::new();
    let _ = writeln!(
        r,
        "| catalog | codes | A clean (s) | B clean (s) | A/B clean | A touched (s) | B touched (s) | A/B touched | A source | B source |"
    );
    let _ = writeln!(r, "|{}", "---|".repeat(10));
    let [fa, fb] = &floors;
    let _ = writeln!(
        r,
        "| dependencies alone (empty `lib.rs`) | 0 | {} | {} | {} | | | | serde_json | strum + derive |",
        secs(median(&fa.clean)),
        secs(median(&fb.clean)),
        ratio(&fa.clean, &fb.clean),
    );
    for (c, [a, b]) in cases.iter().zip(&results) {
        let (ac, bc, at, bt) = (
            median(&a.clean),
            median(&b.clean),
            median(&a.touch),
            median(&b.touch),
        );
        let _ = writeln!(
            r,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.label,
            c.codes,
            secs(ac),
            secs(bc),
            ratio(&a.clean, &b.clean),
            secs(at),
            secs(bt),
            ratio(&a.touch, &b.touch),
            source_size(
                c.gen_files
                    .iter()
                    .map(|(_, t)| t)
                    .chain(runtime.iter().map(|(_, t)| t))
            ),
            source_size([&baseline(c)]),
        );
    }
    let _ = writeln!(r);
    let list = |v: &[Duration]| v.iter().map(|d| secs(*d)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(
        r,
        "- dependencies alone: A [{}], B [{}] s",
        list(&fa.clean),
        list(&fb.clean)
    );
    for (c, [a, b]) in cases.iter().zip(&results) {
        let _ = writeln!(
            r,
            "- {}: A clean [{}], B clean [{}], A touched [{}], B touched [{}] s",
            c.label,
            list(&a.clean),
            list(&b.clean),
            list(&a.touch),
            list(&b.touch)
        );
    }
    let _ = writeln!(r);
    match workspace_error {
        None => {
            let _ = writeln!(
                r,
                "For context, `cargo build --release -p errcat` of the workspace crate, clean: {} s (median of [{}]).",
                secs(median(&workspace_clean)),
                list(&workspace_clean)
            );
        }
        Some(e) => {
            let _ = writeln!(
                r,
                "For context, `cargo build --release -p errcat` of the workspace crate could not be measured: {e}"
            );
        }
    }
    let _ = writeln!(r);
    for (c, [a, b]) in cases.iter().zip(&results) {
        let ac = median(&a.clean);
        if c.label == "1000 codes" {
            let x = paired_ratio(&a.clean, &b.clean);
            let _ = writeln!(
                r,
                "- Target A ≤ 0.1× B at 1,000 codes (clean): {} (A/B = {x:.2}{}).",
                if x <= 0.1 { "met" } else { "not met" },
                if x <= 0.1 {
                    String::new()
                } else {
                    format!(", {:.1}× the target", x / 0.1)
                }
            );
        }
        if c.label == "10000 codes" {
            let s = ac.as_secs_f64();
            let _ = writeln!(
                r,
                "- Target A < 15 s at 10,000 codes (clean): {} (A = {s:.1} s{}).",
                if s < 15.0 { "met" } else { "not met" },
                if s < 15.0 {
                    String::new()
                } else {
                    format!(", {:.1} s over", s - 15.0)
                }
            );
        }
    }
    let (lo, hi) = loads
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), &l| (lo.min(l), hi.max(l)));
    let _ = writeln!(
        r,
        "- {runs} run(s) each, median reported; {} cores ({}); {}; 1-minute load average {lo:.2} to {hi:.2} during timing; {:.0} s in all.",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model(),
        rustc_version(),
        started.elapsed().as_secs_f64()
    );
    Ok(r)
}

/// The hand-written runtime: every `generated/src/*.rs`, as `(src/<name>, contents)`.
fn runtime_files(workspace: &Path) -> Result<Vec<(String, String)>, String> {
    let src = workspace.join("generated/src");
    let mut files = Vec::new();
    for entry in fs::read_dir(&src).map_err(|e| format!("cannot read {}: {e}", src.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            files.push((format!("src/{name}"), text));
        }
    }
    files.sort();
    if !files.iter().any(|(n, _)| n == "src/lib.rs") {
        return Err(format!("{} has no lib.rs", src.display()));
    }
    Ok(files)
}

/// Loads the catalog for `size` and generates its Rust in-process.
fn case(workspace: &Path, scratch: &Path, size: &str) -> Result<Case, String> {
    let (label, catalog_dir) = if size == "real" {
        ("real catalog".to_owned(), workspace.join("catalog"))
    } else {
        let n: usize = size
            .parse()
            .map_err(|_| format!("size `{size}` is neither `real` nor a number of codes"))?;
        let out = scratch.join(format!("synth-{n}"));
        crate::synth::run(&out, 1, n)?;
        (format!("{n} codes"), out.join("catalog"))
    };
    let catalog = errcat_codegen::load_catalog(&catalog_dir).map_err(|d| d.render())?;
    let prefix = format!("{}/", errcat_codegen::emit::rust::DIR);
    let gen_files = errcat_codegen::emit::rust::files(&catalog)?
        .into_iter()
        .map(|f| {
            let name = f.path.strip_prefix(&prefix).unwrap_or(&f.path).to_owned();
            (name, f.contents)
        })
        .collect();
    let vendors = catalog
        .vendors
        .iter()
        .map(|v| {
            let codes = v
                .codes
                .iter()
                .map(|c| (c.variant.clone(), c.code.clone()))
                .collect();
            (v.module.clone(), codes)
        })
        .collect();
    Ok(Case {
        label,
        codes: catalog.code_count(),
        gen_files,
        vendors,
    })
}

/// Crate A's manifest: serde_json only, standalone.
fn manifest_a() -> String {
    "[package]\nname = \"errcat\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
     [features]\nserde = []\n\n[dependencies]\nserde_json = \"1\"\n\n[workspace]\n"
        .to_owned()
}

/// Crate B's manifest: strum with its derives, standalone.
fn manifest_b() -> String {
    format!(
        "[package]\nname = \"errcat-strum-baseline\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{STRUM}\n\n[workspace]\n"
    )
}

/// Crate B's `lib.rs`: one module per vendor with a strum-derived `ErrorCode`.
fn baseline(c: &Case) -> String {
    let mut s = String::from("//! Each vendor's error codes as a plain enum with strum derives.\n");
    for (module, codes) in &c.vendors {
        let _ = writeln!(s, "\npub mod {module} {{");
        let _ = writeln!(
            s,
            "    use strum::{{AsRefStr, Display, EnumIter, EnumString}};\n"
        );
        let _ = writeln!(s, "    /// The vendor's error codes.");
        let _ = writeln!(
            s,
            "    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, AsRefStr, Display, EnumIter)]"
        );
        let _ = writeln!(s, "    pub enum ErrorCode {{");
        for (variant, code) in codes {
            // A `str`'s Debug form is a valid Rust string literal.
            let _ = writeln!(
                s,
                "        #[strum(serialize = {code:?})]\n        {variant},"
            );
        }
        let _ = writeln!(s, "    }}\n}}");
    }
    s
}

/// Writes a crate: `Cargo.toml`, the workspace's `Cargo.lock`, and `files`.
fn write_crate(
    dir: &Path,
    manifest: &str,
    lock: &str,
    files: &[(String, String)],
) -> Result<(), String> {
    let write = |rel: &str, text: &str| {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write("Cargo.toml", manifest)?;
    write("Cargo.lock", lock)?;
    for (rel, text) in files {
        write(rel, text)?;
    }
    Ok(())
}

/// A cargo command for the crate in `dir`, building into `dir/target`.
fn cargo_in(cargo: &std::ffi::OsStr, dir: &Path) -> Command {
    let mut cmd = Command::new(cargo);
    cmd.current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .arg("--quiet");
    cmd
}

/// Fetches the crate's dependencies (the only step that may use the network) and settles its lock file.
fn fetch(cargo: &std::ffi::OsStr, dir: &Path) -> Result<(), String> {
    let out = cargo_in(cargo, dir)
        .arg("fetch")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo fetch` failed in {}:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Times `cargo build --release` of the crate in `dir`; a clean build first removes its target folder.
fn build(
    cargo: &std::ffi::OsStr,
    dir: &Path,
    clean: bool,
    name: &str,
    run: usize,
) -> Result<Duration, String> {
    if clean {
        let _ = fs::remove_dir_all(dir.join("target"));
    }
    let mut cmd = cargo_in(cargo, dir);
    cmd.args(["build", "--release", "--offline", "--locked"]);
    timed(cmd, name, run)
}

/// Times a clean `cargo build --release -p errcat` of the workspace crate.
fn build_workspace(
    cargo: &std::ffi::OsStr,
    workspace: &Path,
    target: &Path,
    run: usize,
) -> Result<Duration, String> {
    let _ = fs::remove_dir_all(target);
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .args(["--quiet", "build", "--release", "-p", "errcat", "--offline"]);
    let t = timed(cmd, "workspace -p errcat clean", run);
    let _ = fs::remove_dir_all(target);
    t
}

fn timed(mut cmd: Command, name: &str, run: usize) -> Result<Duration, String> {
    let start = Instant::now();
    let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let t = start.elapsed();
    if !out.status.success() {
        return Err(format!(
            "{name}: the build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    eprintln!(
        "bench-compile: run {} {name}: {} s (load {:.2})",
        run + 1,
        secs(t),
        load_average()
    );
    Ok(t)
}

/// Sets the file's modification time to now, as `touch` does.
fn touch(path: &Path) -> Result<(), String> {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

fn median(samples: &[Duration]) -> Duration {
    let mut v = samples.to_vec();
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

/// The median of the runs' own A/B ratios.
fn paired_ratio(a: &[Duration], b: &[Duration]) -> f64 {
    let mut v: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(a, b)| a.as_secs_f64() / b.as_secs_f64().max(1e-9))
        .collect();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ratio(a: &[Duration], b: &[Duration]) -> String {
    format!("{:.2}", paired_ratio(a, b))
}

/// Lines and KiB of some source files.
fn source_size<'a>(texts: impl IntoIterator<Item = &'a String>) -> String {
    let (lines, bytes) = texts
        .into_iter()
        .fold((0, 0), |(l, b), t| (l + t.lines().count(), b + t.len()));
    format!("{lines} lines, {} KiB", bytes / 1024)
}

/// The 1-minute load average (Linux), or 0 where unknown.
fn load_average() -> f64 {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == "model name").then(|| v.trim().to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

fn rustc_version() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "rustc (version unknown)".to_owned())
}
