//! `cargo xtask bench`: wall time and peak memory of `codegen` and `codegen --check` by stage,
//! against the floor of loading the YAML alone, over catalogs of several sizes.
//!
//! Each measurement runs in a fresh child process (`xtask bench-run`), so peak
//! memory is that run's alone; each is repeated and the median reported.
//! Figures are given as ratios to the floor measured in the same run, which
//! holds on a shared, noisy machine where absolute times do not.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use errcat_codegen::Timings;

/// What one child measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Read and parse the YAML only.
    Floor,
    /// A full `codegen` that writes every file.
    Write,
    /// `codegen` again, with nothing to write.
    Noop,
    /// `codegen --check`.
    Check,
}

/// One child's result.
#[derive(Debug, Clone, Default)]
struct Sample {
    total: Duration,
    timings: Timings,
    compare: Duration,
    written: usize,
    peak_kb: u64,
}

/// Runs one measurement in this process and prints it as one line of `key=value`s.
pub fn run_one(root: &Path, mode: Mode) -> Result<String, String> {
    let start = Instant::now();
    let catalog_dir = root.join("catalog");
    let mut t = Timings::default();
    let mut compare = Duration::ZERO;
    let mut written = 0;
    if mode == Mode::Floor {
        errcat_codegen::parse_only(&catalog_dir).map_err(|d| d.render())?;
    } else {
        let catalog =
            errcat_codegen::load_catalog_timed(&catalog_dir, &mut t).map_err(|d| d.render())?;
        let loaded = start.elapsed();
        // The same path as `cargo xtask codegen`: each file is compared (and
        // staged) as soon as it is made.
        let plan_mode = if mode == Mode::Check {
            crate::codegen::Mode::Check
        } else {
            crate::codegen::Mode::Write
        };
        let plan = crate::codegen::plan_catalog(root, plan_mode, &catalog, &mut t)
            .map_err(|e| e.to_string())?;
        if mode != Mode::Check {
            written = crate::codegen::apply(root, &plan)
                .map_err(|e| e.to_string())?
                .written;
        }
        // What is not loading nor an emitter's share of the jobs: comparing
        // and staging each file, finding orphans and leftovers, renaming.
        let emitted: Duration =
            t.emit_rust + t.format + t.emit_docs + t.languages.iter().map(|(_, d)| *d).sum();
        compare = start.elapsed().saturating_sub(loaded + emitted);
    }
    let total = start.elapsed();
    let ns = |d: Duration| d.as_nanos();
    let languages: String = t
        .languages
        .iter()
        .map(|(name, d)| format!(" lang_{name}={}", ns(*d)))
        .collect();
    Ok(format!(
        "total={} read={} parse={} validate={} emit_rust={} format={} emit_docs={} compare={} written={written} peak_kb={}{languages}",
        ns(total),
        ns(t.read),
        ns(t.parse),
        ns(t.validate),
        ns(t.emit_rust),
        ns(t.format),
        ns(t.emit_docs),
        ns(compare),
        peak_kb()
    ))
}

/// The process's peak resident memory in KiB (Linux), or 0 where unknown.
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmHWM:")
                    .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

fn parse_sample(line: &str) -> Option<Sample> {
    let mut s = Sample::default();
    for pair in line.split_whitespace() {
        let (k, v) = pair.split_once('=')?;
        let n: u128 = v.parse().ok()?;
        let d = Duration::from_nanos(u64::try_from(n).ok()?);
        match k {
            "total" => s.total = d,
            "read" => s.timings.read = d,
            "parse" => s.timings.parse = d,
            "validate" => s.timings.validate = d,
            "emit_rust" => s.timings.emit_rust = d,
            "format" => s.timings.format = d,
            "emit_docs" => s.timings.emit_docs = d,
            "compare" => s.compare = d,
            "written" => s.written = usize::try_from(n).ok()?,
            "peak_kb" => s.peak_kb = u64::try_from(n).ok()?,
            _ => {
                let name = k.strip_prefix("lang_")?;
                let e = errcat_codegen::emit::LANGUAGES
                    .iter()
                    .find(|e| e.name == name)?;
                s.timings.languages.push((e.name, d));
            }
        }
    }
    Some(s)
}

fn child(root: &Path, mode: Mode) -> Result<Sample, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mode_name = format!("{mode:?}").to_ascii_lowercase();
    let out = Command::new(exe)
        .args(["--root"])
        .arg(root)
        .args(["bench-run", "--mode", &mode_name])
        .output()
        .map_err(|e| format!("cannot run the benchmark child: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    parse_sample(text.trim()).ok_or_else(|| format!("unreadable benchmark line: {text}"))
}

/// The median sample by total time.
fn median(mut samples: Vec<Sample>) -> Sample {
    samples.sort_by_key(|s| s.total);
    samples.swap_remove(samples.len() / 2)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

/// One catalog to measure: a label and its root.
struct Case {
    label: String,
    root: PathBuf,
    codes: usize,
}

/// Runs the benchmark over `sizes` (`real` or `<vendors>x<codes>`), `runs` times each, and returns a markdown report.
pub fn run(workspace: &Path, sizes: &[String], runs: usize) -> Result<String, String> {
    let scratch = std::env::temp_dir().join(format!("errcat-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let mut cases = Vec::new();
    for size in sizes {
        let root = scratch.join(size);
        if size == "real" {
            copy_dir(&workspace.join("catalog"), &root.join("catalog"))?;
            let codes = errcat_codegen::load_catalog(&root.join("catalog"))
                .map_err(|d| d.render())?
                .code_count();
            cases.push(Case {
                label: "real catalog".to_owned(),
                root,
                codes,
            });
        } else {
            let (v, n) = size
                .split_once('x')
                .and_then(|(v, n)| Some((v.parse::<usize>().ok()?, n.parse::<usize>().ok()?)))
                .ok_or_else(|| {
                    format!("size `{size}` is neither `real` nor `<vendors>x<codes>`")
                })?;
            crate::synth::run(&root, v, n)?;
            cases.push(Case {
                label: format!("{n} codes / {v} vendors"),
                root,
                codes: n,
            });
        }
    }
    let mut report = String::new();
    let languages = errcat_codegen::emit::LANGUAGES;
    let _ = writeln!(
        report,
        "| catalog | floor: load YAML (ms) | codegen (ms) | × floor | read | parse | validate+lower | emit Rust | format | emit docs | compare/write | peak MB | --check (ms) | × floor | peak MB | no-op writes |{}",
        languages
            .iter()
            .map(|e| format!(" emit {} (ms) | × floor |", e.name))
            .collect::<String>()
    );
    let _ = writeln!(report, "|{}", "---|".repeat(16 + 2 * languages.len()));
    for case in &cases {
        let runs = runs.max(1);
        let mut floor = Vec::new();
        let mut write = Vec::new();
        let mut check = Vec::new();
        let mut noop = Vec::new();
        for _ in 0..runs {
            // A fresh tree each time, so every write run writes everything.
            let _ = std::fs::remove_dir_all(case.root.join("generated"));
            let _ = std::fs::remove_file(case.root.join("catalog/schema.json"));
            floor.push(child(&case.root, Mode::Floor)?);
            write.push(child(&case.root, Mode::Write)?);
            check.push(child(&case.root, Mode::Check)?);
            noop.push(child(&case.root, Mode::Noop)?);
        }
        // Each ratio is the median of the runs' own ratios: a run's floor and
        // its codegen share the machine's load at that moment.
        let paired = |runs: &[Sample]| {
            let mut r: Vec<f64> = runs
                .iter()
                .zip(&floor)
                .map(|(s, f)| s.total.as_secs_f64() / f.total.as_secs_f64().max(1e-9))
                .collect();
            r.sort_by(f64::total_cmp);
            r[r.len() / 2]
        };
        let (write_ratio, check_ratio) = (paired(&write), paired(&check));
        // Each language's emit time as a ratio to its run's floor, the median over runs.
        let language_cells: String = languages
            .iter()
            .map(|e| {
                let mut r: Vec<(f64, Duration)> = write
                    .iter()
                    .zip(&floor)
                    .map(|(s, f)| {
                        let d = s
                            .timings
                            .languages
                            .iter()
                            .find(|(n, _)| *n == e.name)
                            .map_or(Duration::ZERO, |(_, d)| *d);
                        (d.as_secs_f64() / f.total.as_secs_f64().max(1e-9), d)
                    })
                    .collect();
                r.sort_by(|a, b| a.0.total_cmp(&b.0));
                let (ratio, d) = r[r.len() / 2];
                format!(" {} | {ratio:.2} |", ms(d))
            })
            .collect();
        let (f, w, c, n) = (median(floor), median(write), median(check), median(noop));
        let t = w.timings;
        let _ = writeln!(
            report,
            "| {} ({} codes) | {} | {} | {:.2} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {} | {} |{language_cells}",
            case.label,
            case.codes,
            ms(f.total),
            ms(w.total),
            write_ratio,
            ms(t.read),
            ms(t.parse),
            ms(t.validate),
            ms(t.emit_rust),
            ms(t.format),
            ms(t.emit_docs),
            ms(w.compare),
            w.peak_kb / 1024,
            ms(c.total),
            check_ratio,
            c.peak_kb / 1024,
            n.written,
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(report)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    std::fs::write(to.parent().unwrap_or(to).join("Cargo.toml"), "").map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.path().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
