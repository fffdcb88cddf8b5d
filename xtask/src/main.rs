//! `cargo xtask`: the errcat maintainer command line.
//!
//! Exit codes: 0 when all is well, 1 when the catalog has problems, a check
//! finds stale files or a diff finds a change that breaks users without saying
//! so, 2 for a usage error (clap's own, or a diff outside a git repository or
//! against an unknown revision).

mod add_code;
mod bench;
mod codegen;
mod compile_bench;
mod diff;
mod explain;
mod new_vendor;
mod synth;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// errcat maintainer commands: regenerate, check, add vendors and codes, explain codes.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about, long_about = None)]
struct Cli {
    /// The workspace root (the folder holding `catalog/`); found from the current folder by default.
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the catalog and regenerate the Rust crate, the docs and the schema.
    #[command(override_usage = "cargo xtask codegen [--check]")]
    Codegen {
        /// Write nothing; exit 1 listing every stale, missing or orphan file.
        #[arg(long)]
        check: bool,
    },
    /// Write `catalog/<ID>.yaml` with every section present and commented, ready to fill in.
    NewVendor {
        /// The vendor id: lower-case letters, digits and `-`, starting with a letter.
        id: String,
        /// The vendor's display name.
        #[arg(long)]
        name: String,
        /// The address of the vendor's error reference.
        #[arg(long)]
        source: Option<String>,
    },
    /// Append a code to a vendor's file, keeping every other byte, then regenerate.
    AddCode {
        /// The vendor id, e.g. `pentify`.
        vendor: String,
        /// The code exactly as the vendor sends it.
        code: String,
        /// The HTTP status.
        #[arg(long, value_parser = clap::value_parser!(u16).range(400..=599))]
        status: u16,
        /// The canonical kind, e.g. `rate_limited` (catalog/README.md lists them).
        #[arg(long, value_parser = kind_ids())]
        kind: String,
        /// What the code means, in the reference's words.
        #[arg(long)]
        meaning: String,
        /// never, backoff, retry_after, idempotent, or after:<what the user must do first>.
        #[arg(long, default_value = "never")]
        retry: String,
        /// The message template, with `{placeholders}`.
        #[arg(long)]
        message: Option<String>,
        /// What the caller should do.
        #[arg(long)]
        resolution: Option<String>,
    },
    /// Write a valid synthetic catalog of any size under `<OUT>/catalog/`, for benchmarks.
    Synth {
        /// The number of vendors.
        #[arg(long, default_value_t = 1)]
        vendors: usize,
        /// The number of codes over all vendors.
        #[arg(long)]
        codes: usize,
        /// The folder to write into; use it as `cargo xtask --root <OUT> codegen`.
        #[arg(long)]
        out: PathBuf,
    },
    /// Measure codegen and --check by stage, against loading the YAML alone, over catalogs of several sizes.
    Bench {
        /// Catalogs to measure: `real`, or `<vendors>x<codes>` for a synthetic one.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "real,1x1000,10x10000,100x100000"
        )]
        sizes: Vec<String>,
        /// Runs per measurement; the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Time `cargo build --release` of the errcat crate against a strum-derived enum of the same codes.
    BenchCompile {
        /// Catalogs to measure: `real`, or a number of codes for one synthetic vendor.
        #[arg(long, value_delimiter = ',', default_value = "real,1000,10000")]
        sizes: Vec<String>,
        /// Runs per measurement; the median is reported.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// One measurement of `bench`, in its own process.
    #[command(hide = true)]
    BenchRun {
        /// What to measure.
        #[arg(long, value_enum)]
        mode: bench::Mode,
    },
    /// Compare the catalog at a git revision with the working tree: what changed, what it breaks, the bump.
    Diff {
        /// The revision to compare with: a commit, branch or tag.
        #[arg(long, default_value = "HEAD", value_name = "GIT-REV")]
        base: String,
        /// The report's format.
        #[arg(long, value_enum, default_value_t = diff::Format::Text)]
        format: diff::Format,
    },
    /// Print everything the catalog knows about a code, or list a vendor's codes.
    #[command(override_usage = EXPLAIN_USAGE)]
    Explain {
        /// The vendor id, then the code; only a code, to search every vendor; or only a vendor id, to list its codes.
        #[arg(num_args = 0..=2, value_names = ["vendor", "code"])]
        args: Vec<String>,
    },
}

/// How `explain` is called, as the README writes it.
const EXPLAIN_USAGE: &str =
    "cargo xtask explain [<vendor>] <code>\n       cargo xtask explain <vendor>";

fn kind_ids() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(errcat_codegen::ir::Kind::ALL.iter().map(|k| k.id()))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Synth {
        vendors,
        codes,
        out,
    } = &cli.command
    {
        return finish(synth::run(out, *vendors, *codes).map(line));
    }
    let root = match cli.root.clone().map_or_else(find_root, Ok) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Codegen { check } => run_codegen(&root, check),
        Command::NewVendor { id, name, source } => {
            finish(new_vendor::run(&root, &id, &name, source.as_deref()).map(line))
        }
        Command::AddCode {
            vendor,
            code,
            status,
            kind,
            meaning,
            retry,
            message,
            resolution,
        } => {
            let new = add_code::NewCode {
                vendor,
                code,
                status,
                kind,
                meaning,
                retry,
                message,
                resolution,
            };
            let _lock = match take_lock(&root) {
                Ok(lock) => lock,
                Err(code) => return code,
            };
            match add_code::run(&root, &new) {
                Ok(_) => {
                    println!("added `{}` to catalog/{}.yaml", new.code, new.vendor);
                    codegen_locked(&root, false)
                }
                Err(add_code::Refusal::Usage(msg)) => {
                    eprintln!("error: {msg}; nothing was written");
                    ExitCode::from(1)
                }
                Err(add_code::Refusal::Invalid(problems)) => {
                    eprint!("{}", problems.render());
                    ExitCode::from(1)
                }
            }
        }
        // Handled above: it needs no workspace.
        Command::Synth { .. } => ExitCode::SUCCESS,
        Command::Bench { sizes, runs } => finish(bench::run(&root, &sizes, runs)),
        Command::BenchCompile { sizes, runs } => finish(compile_bench::run(&root, &sizes, runs)),
        Command::BenchRun { mode } => match bench::run_one(&root, mode) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(msg) => {
                eprintln!("{msg}");
                ExitCode::from(1)
            }
        },
        Command::Diff { base, format } => diff::run(&root, &base, format),
        Command::Explain { args } => {
            let (vendor, code) = match args.as_slice() {
                [code] => (None, code.as_str()),
                [vendor, code] => (Some(vendor.as_str()), code.as_str()),
                _ => {
                    eprintln!(
                        "error: `explain` takes a code, a vendor id and a code, or a vendor id alone\n\n\
                         Usage: {EXPLAIN_USAGE}\n\nFor more information, try '--help'."
                    );
                    return ExitCode::from(2);
                }
            };
            let catalog = match errcat_codegen::load_catalog(&root.join("catalog")) {
                Ok(c) => c,
                Err(problems) => {
                    eprint!("{}", problems.render());
                    return ExitCode::from(1);
                }
            };
            finish(explain::run(&catalog, vendor, code))
        }
    }
}

/// Walks up from the current folder to the first one holding `catalog/` and `Cargo.toml`.
fn find_root() -> Result<PathBuf, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    cwd.ancestors()
        .find(|d| d.join("catalog").is_dir() && d.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| "no errcat workspace (a folder with `catalog/` and `Cargo.toml`) here or above; pass --root".to_owned())
}

/// Prints a command's output, or its error after `error: `, and gives the exit code.
fn finish(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

/// A one-line message as printed: with its line break.
fn line(message: String) -> String {
    message + "\n"
}

/// Takes the codegen lock, held until the returned file is dropped, or says why it cannot.
fn take_lock(root: &Path) -> Result<std::fs::File, ExitCode> {
    codegen::lock(root).map_err(|e| {
        eprintln!("error: cannot take the codegen lock: {e}");
        ExitCode::from(1)
    })
}

fn run_codegen(root: &Path, check: bool) -> ExitCode {
    // Held until this run ends: a second run waits instead of interleaving.
    match take_lock(root) {
        Ok(_lock) => codegen_locked(root, check),
        Err(code) => code,
    }
}

/// `codegen` for a caller that holds the lock.
fn codegen_locked(root: &Path, check: bool) -> ExitCode {
    let started = Instant::now();
    for warning in errcat_codegen::load::stray_files(&root.join("catalog")) {
        eprintln!("warning: {warning}");
    }
    let catalog = match errcat_codegen::load_catalog(&root.join("catalog")) {
        Ok(c) => c,
        Err(problems) => {
            eprint!("{}", problems.render());
            return ExitCode::from(1);
        }
    };
    let mode = if check {
        codegen::Mode::Check
    } else {
        codegen::Mode::Write
    };
    let made = codegen::plan_catalog(root, mode, &catalog, &mut Default::default());
    let plan = match made {
        Ok(p) => p,
        Err(codegen::Failure::Generate(problems)) => {
            eprint!("{}", problems.render());
            return ExitCode::from(1);
        }
        Err(codegen::Failure::Io(e)) if check => {
            eprintln!("error: cannot compare generated files, nothing was written: {e}");
            return ExitCode::from(1);
        }
        Err(codegen::Failure::Io(e)) => {
            eprintln!("error: cannot compare or stage generated files, no file was changed: {e}");
            return ExitCode::from(1);
        }
    };
    let (vendors, codes) = (catalog.vendors.len(), catalog.code_count());
    if check {
        if plan.changes.is_empty() {
            println!(
                "codegen --check: {vendors} vendors, {codes} codes; {} files fresh in {:.1?}",
                plan.unchanged,
                started.elapsed()
            );
            return ExitCode::SUCCESS;
        }
        eprint!("{}", codegen::report(&plan));
        return ExitCode::from(1);
    }
    for (vendor, code) in diff::removed_without_notice(root, &catalog) {
        let what = code.map_or_else(
            || format!("vendor `{vendor}`"),
            |c| format!("code `{c}` of `{vendor}`"),
        );
        eprintln!(
            "warning: this run removes {what}, which the catalog at HEAD has and does not mark `removed`; \
             programs that name it stop compiling. Keep it with `removed: {{since, why}}`, or see `cargo xtask diff`"
        );
    }
    match codegen::apply(root, &plan) {
        Ok(a) => {
            if a.leftovers > 0 {
                println!(
                    "codegen: removed {} temporary file(s) an interrupted run left",
                    a.leftovers
                );
            }
            println!(
                "codegen: {vendors} vendors, {codes} codes; {} written, {} unchanged, {} removed in {:.1?}",
                a.written,
                a.unchanged,
                a.removed,
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "error: writing failed; the crate still builds, files not yet replaced are as they were: {e}"
            );
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// `cargo test` fails when any generated file is stale: the same plan as `--check`.
    #[test]
    fn generated_files_are_fresh() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let catalog = errcat_codegen::load_catalog(&root.join("catalog"))
            .unwrap_or_else(|d| panic!("{}", d.render()));
        let plan = super::codegen::plan_catalog(
            root,
            super::codegen::Mode::Check,
            &catalog,
            &mut Default::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(plan.changes.is_empty(), "{}", super::codegen::report(&plan));
    }
}
