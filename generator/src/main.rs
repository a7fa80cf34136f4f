//! Command-line front end: `stripegen --spec FILE [--overlay PATH]... --out DIR [--check]
//! [--crate-name NAME] [--crate-version X.Y.Z] [--publish | --no-publish] [--repository URL]`
//! (`stripegen --help` says what each does).
//!
//! Besides the crate, `--out` gets `openapi.json` (the spec as loaded) and `CHANGELOG.md`, which
//! gains an entry whenever the spec differs from the one recorded there.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use stripegen::cli::{PackageOptions, SpecOptions};
use stripegen::Config;

/// Generates a typed Rust client crate from Stripe's OpenAPI spec.
#[derive(Debug, Parser)]
#[command(name = "stripegen", version)]
struct Cli {
    #[command(flatten)]
    source: SpecOptions,
    /// Directory of the generated crate (also gets openapi.json and CHANGELOG.md)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Only compare with --out: list its stale files and fail if any
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    package: PackageOptions,
}

fn main() -> ExitCode {
    match run(&Cli::parse()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, String> {
    let mut config = Config {
        spec: cli.source.spec.clone(),
        overlays: cli.source.overlay_files().map_err(|e| e.to_string())?,
        ..Config::default()
    };
    cli.package.apply(&mut config);
    let out = &cli.out;
    let (output, _) = stripegen::regenerate(&config, out).map_err(|e| e.to_string())?;
    if cli.check {
        let changes = output.check(out).map_err(|e| e.to_string())?;
        for path in changes.paths() {
            eprintln!("stale: {}", out.join(path).display());
        }
        return Ok(if changes.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let changes = output.write(out).map_err(|e| e.to_string())?;
    println!("{}: {changes}", out.display());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
