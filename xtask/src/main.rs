//! Maintainer tasks: `cargo xtask regenerate [--check] [package options]`,
//! `cargo xtask spec-diff OLD NEW [--json]`,
//! `cargo xtask full-api --spec PATH --out DIR [--overlay PATH]... [--exercise FIXTURES |
//! --generate-only]`, `cargo xtask crate-checks`, `cargo xtask bench [--runs N] [--peers]`,
//! `cargo xtask names --crate DIR [--spec PATH [--overlay PATH]...] [--json]`
//! (`cargo xtask help` says more).

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stripegen::cli::{PackageOptions, SpecOptions};
use stripegen::Config;

mod bench;
#[cfg(test)]
mod cli_tests;
mod crate_checks;
mod exercise;
mod names_report;

/// Maintainer tasks of the stripegen workspace.
#[derive(Debug, Parser)]
#[command(name = "xtask", bin_name = "cargo xtask")]
struct Xtask {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Regenerate generated/ from spec/ and print what changed (with --check, only compare)
    Regenerate {
        /// Only compare: list generated/'s stale files and fail if any
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        package: PackageOptions,
    },
    /// Print the semantic diff of two specs, breaking changes marked
    SpecDiff {
        /// The older spec
        old: PathBuf,
        /// The newer spec
        new: PathBuf,
        /// Print JSON instead of Markdown
        #[arg(long)]
        json: bool,
    },
    /// Generate the crate of a whole spec and compile it, warnings denied
    FullApi(FullApi),
    /// Check the generated crate as its users get it (features, consumer, MSRV, packaging)
    CrateChecks,
    /// Measure every benchmark target and print the table
    Bench {
        /// Runs of each measurement (the table shows medians with min-max)
        #[arg(long, value_name = "N", default_value = "3")]
        runs: NonZeroUsize,
        /// Only the peer benchmark (benches/peers): generate its full-API crate, run it and
        /// print its rows (also to target/bench-peers.md)
        #[arg(long)]
        peers: bool,
    },
    /// Report how a user meets a generated crate's public names: named after the URL,
    /// contradicting the docs, stuttering, too long, repeated
    Names(names_report::Names),
}

fn main() -> ExitCode {
    let result = match Xtask::parse().task {
        Task::Regenerate { check, package } => regenerate(check, &package),
        Task::SpecDiff { old, new, json } => spec_diff(&old, &new, json),
        Task::FullApi(task) => task.run(),
        Task::CrateChecks => crate_checks::run(&workspace_root()),
        Task::Bench { runs, peers } => bench::run(&workspace_root(), runs.get(), peers),
        Task::Names(task) => task.run(),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Regenerates `generated/` (with `check`, only compares). The package options override the
/// workspace's (`Config::for_workspace`); a check must be given the same ones.
fn regenerate(check: bool, package: &PackageOptions) -> Result<ExitCode, String> {
    let root = workspace_root();
    let mut config = Config::for_workspace(&root).map_err(|e| e.to_string())?;
    package.apply(&mut config);
    let out = root.join("generated");
    let (output, update) = stripegen::regenerate(&config, &out).map_err(|e| e.to_string())?;
    if check {
        let changes = output.check(&out).map_err(|e| e.to_string())?;
        if changes.is_empty() {
            println!("generated/ is up to date");
            return Ok(ExitCode::SUCCESS);
        }
        for path in changes.paths() {
            eprintln!("stale: generated/{}", path.display());
        }
        eprintln!("generated/ is stale ({changes}): run `cargo xtask regenerate`");
        return Ok(ExitCode::FAILURE);
    }
    let changes = output.write(&out).map_err(|e| e.to_string())?;
    println!("generated/: {changes}");
    match (&update.diff, update.entry_added) {
        (Some(diff), _) => {
            println!("generated/CHANGELOG.md: new entry, {}", diff.summary());
            print!("{}", diff.api_markdown());
        }
        (None, true) => println!("generated/CHANGELOG.md: first entry"),
        (None, false) => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the semantic diff of two specs (Markdown, or JSON with `--json`). Succeeds whatever the
/// diff says; fails only when a spec can't be read.
fn spec_diff(old: &Path, new: &Path, json: bool) -> Result<ExitCode, String> {
    let old = stripegen::load::load(old, &[]).map_err(|e| e.to_string())?;
    let new = stripegen::load::load(new, &[]).map_err(|e| e.to_string())?;
    let diff = stripegen::diff::diff_generated(&old, &new);
    if json {
        println!("{}", diff.to_json());
    } else {
        print!("{}", diff.to_markdown());
    }
    Ok(ExitCode::SUCCESS)
}

/// The module features a full-API crate is also compiled with alone (when it has them), beside
/// all of them: none, one small module whose types are a few percent of the API's, and the v2
/// API's core (accounts, event destinations, events).
const FULL_API_MODULE_SUBSETS: &[&[&str]] = &[&[], &["identity"], &["v2_core"]];

/// The default features other than `all-modules`: compiling a subset of modules with these
/// builds no dependency again.
pub(crate) const RUNTIME_DEFAULT_FEATURES: &str = "rustls,http2,webhooks";

/// `cargo xtask full-api`: generates the crate of a whole spec into `out` and compiles it with
/// every module, then with each of [`FULL_API_MODULE_SUBSETS`]; a warning fails as an error does.
/// Without `exercise`, with `cargo check`; with it (Stripe's fixtures for the spec), the crate
/// with every module is built into the whole-API exercise, which is then run (see [`exercise`]),
/// and the subsets are built too (a check would build every dependency again as metadata).
/// Overlays repair the spec (CI's whole-API checks use none but those). With `generate_only`, it
/// only generates the crate.
#[derive(Debug, clap::Args)]
struct FullApi {
    #[command(flatten)]
    source: SpecOptions,
    /// Directory to generate the crate into (a workspace of its own)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Stripe's fixtures for the spec: build and run the whole-API exercise with them
    #[arg(long, value_name = "FIXTURES")]
    exercise: Option<PathBuf>,
    /// Only generate the crate, without compiling it (e.g. the peer benchmark's:
    /// `--spec spec/full/spec3-2026-01-28.clover.json --out benches/peers/full-api`)
    #[arg(long, conflicts_with = "exercise")]
    generate_only: bool,
}

impl FullApi {
    fn run(&self) -> Result<ExitCode, String> {
        let spec = &self.source.spec;
        let overlays = self.source.overlay_files().map_err(|e| e.to_string())?;
        let crate_name = write_full_api(spec, &overlays, &self.out)?;
        if self.generate_only {
            return Ok(ExitCode::SUCCESS);
        }
        let mut runs: Vec<(String, Vec<String>)> = Vec::new();
        let command = match &self.exercise {
            Some(fixtures) => {
                let harness = self.out.with_file_name(format!(
                    "{}-exercise",
                    self.out
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or("full-api")
                ));
                exercise::write(spec, &overlays, fixtures, &crate_name, &self.out, &harness)?;
                if !exercise::run(&harness)? {
                    return Ok(ExitCode::FAILURE);
                }
                "build"
            }
            None => {
                runs.push(("all modules".into(), Vec::new()));
                "check"
            }
        };
        let manifest = std::fs::read_to_string(self.out.join("Cargo.toml"))
            .map_err(|e| format!("{}: {e}", self.out.display()))?;
        for subset in FULL_API_MODULE_SUBSETS {
            if !subset
                .iter()
                .all(|m| manifest.contains(&format!("\n{m} = [")))
            {
                continue;
            }
            let label = if subset.is_empty() {
                "no module".to_string()
            } else {
                format!("modules {}", subset.join(","))
            };
            let features: Vec<&str> = std::iter::once(RUNTIME_DEFAULT_FEATURES)
                .chain(subset.iter().copied())
                .collect();
            runs.push((
                label,
                vec![
                    "--no-default-features".into(),
                    "--features".into(),
                    features.join(","),
                ],
            ));
        }
        for (label, args) in runs {
            if !full_api_cargo(command, &self.out.join("Cargo.toml"), &args, &label)? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Runs `cargo COMMAND` (`check` or `build`) with `args` on the crate of `manifest`, in the
/// full-API target directory with warnings denied, and prints how long it took under `label`.
/// Returns whether it succeeded.
fn full_api_cargo(
    command: &str,
    manifest: &Path,
    args: &[String],
    label: &str,
) -> Result<bool, String> {
    let started = std::time::Instant::now();
    let status = std::process::Command::new(cargo())
        .env("RUSTFLAGS", "-D warnings")
        .arg(command)
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--target-dir")
        .arg(full_api_target_dir())
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    println!(
        "cargo {command} ({label}): {status} in {:.2?}",
        started.elapsed()
    );
    Ok(status.success())
}

/// The cargo running this task.
fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Where full-API crates build: one directory under the workspace's target directory (wherever
/// the user's `CARGO_TARGET_DIR` or `build.target-dir` puts it), so dependency builds are shared
/// between runs and specs.
fn full_api_target_dir() -> PathBuf {
    target_dir().join("full-api")
}

/// The workspace's target directory as cargo resolves it.
pub(crate) fn target_dir() -> PathBuf {
    stripegen_python::target_dir()
}

/// Gives the crate in `dir`, a workspace of its own, this workspace's `Cargo.lock`: every crate
/// CI builds resolves its dependencies as the workspace does (Cargo adds what the lockfile
/// lacks), except the new-user consumer of `crate-checks`, which has no lockfile on purpose.
pub(crate) fn use_workspace_lockfile(dir: &Path) -> Result<(), String> {
    let lockfile = dir.join("Cargo.lock");
    std::fs::copy(workspace_root().join("Cargo.lock"), &lockfile)
        .map(drop)
        .map_err(|e| format!("cannot copy Cargo.lock to {}: {e}", lockfile.display()))
}

/// Generates the crate of a whole spec into `out`, as a workspace of its own with this
/// workspace's `Cargo.lock`. Returns its package name.
fn write_full_api(spec: &Path, overlays: &[PathBuf], out: &Path) -> Result<String, String> {
    let crate_name = format!(
        "stripe-{}",
        spec.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("full")
            .replace(['.', '_'], "-")
    );
    let config = Config {
        spec: spec.to_path_buf(),
        overlays: overlays.to_vec(),
        crate_name,
        ..Config::default()
    };
    let started = std::time::Instant::now();
    let mut output = stripegen::generate(&config).map_err(|e| e.to_string())?;
    let generation = started.elapsed();
    if let Some(manifest) = output.files.get_mut(Path::new("Cargo.toml")) {
        manifest.push_str("\n# Built on its own, outside the stripegen workspace.\n[workspace]\n");
    }
    let changes = output.write(out).map_err(|e| e.to_string())?;
    use_workspace_lockfile(out)?;
    let lines: usize = output.files.values().map(|text| text.lines().count()).sum();
    println!(
        "{}: generated {} files ({lines} lines) in {:.2?} ({changes})",
        out.display(),
        output.files.len(),
        generation
    );
    Ok(config.crate_name)
}
