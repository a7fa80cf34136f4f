//! Command-line front end: `stripegen --spec FILE [--overlays DIR|FILE]... --out DIR
//! [--crate-name NAME] [--check]`.

use std::path::PathBuf;
use std::process::ExitCode;

use stripegen::{load, Config};

const USAGE: &str =
    "usage: stripegen --spec FILE [--overlays DIR|FILE]... --out DIR [--crate-name NAME] [--check]";

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
    let mut crate_name = "stripe-api".to_string();
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
            "--crate-name" => crate_name = value()?,
            "--check" => check = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let (Some(spec), Some(out)) = (spec, out) else {
        return Err(USAGE.to_string());
    };
    let config = Config {
        spec,
        overlays,
        crate_name,
    };
    let output = stripegen::generate(&config).map_err(|e| e.to_string())?;
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
