//! Command-line front end: `stripegen --spec FILE [--overlays DIR|FILE]... --out DIR
//! [--crate-name NAME] [--crate-version X.Y.Z] [--publish] [--repository URL] [--check]`.
//!
//! Besides the crate, `--out` gets `openapi.json` (the spec as loaded) and `CHANGELOG.md`, which
//! gains an entry whenever the spec differs from the one recorded there.

use std::path::PathBuf;
use std::process::ExitCode;

use stripegen::{load, Config};

const USAGE: &str = "usage: stripegen --spec FILE [--overlays DIR|FILE]... --out DIR \
[--crate-name NAME] [--crate-version X.Y.Z] [--publish | --no-publish] [--repository URL] [--check]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<ExitCode, String> {
    let mut spec = None;
    let mut overlays = Vec::new();
    let mut out = None;
    let mut config = Config::default();
    let mut check = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--spec" => spec = Some(PathBuf::from(value()?)),
            "--overlays" => {
                let path = PathBuf::from(value()?);
                if path.is_dir() {
                    overlays.extend(load::overlay_files(&path).map_err(|e| e.to_string())?);
                } else {
                    overlays.push(path);
                }
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--check" => check = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => {
                if !config.set_package_option(other, value)? {
                    return Err(format!("unknown argument `{other}`\n{USAGE}"));
                }
            }
        }
    }
    let (Some(spec), Some(out)) = (spec, out) else {
        return Err(USAGE.to_string());
    };
    config.spec = spec;
    config.overlays = overlays;
    let (output, _) = stripegen::regenerate(&config, &out).map_err(|e| e.to_string())?;
    if check {
        let changes = output.check(&out).map_err(|e| e.to_string())?;
        for path in changes.paths() {
            eprintln!("stale: {}", out.join(path).display());
        }
        return Ok(if changes.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let changes = output.write(&out).map_err(|e| e.to_string())?;
    println!("{}: {changes}", out.display());
    Ok(ExitCode::SUCCESS)
}
