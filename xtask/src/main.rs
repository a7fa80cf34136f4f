//! Maintainer tasks: `cargo xtask regenerate [--check]`, `cargo xtask spec-diff OLD NEW [--json]`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use stripegen::Config;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["regenerate"] => regenerate(false),
        ["regenerate", "--check"] => regenerate(true),
        ["spec-diff", old, new] => spec_diff(old, new, false),
        ["spec-diff", old, new, "--json"] | ["spec-diff", "--json", old, new] => {
            spec_diff(old, new, true)
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str =
    "usage: cargo xtask regenerate [--check]\n       cargo xtask spec-diff OLD NEW [--json]";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn regenerate(check: bool) -> Result<ExitCode, String> {
    let root = workspace_root();
    let output = stripegen::generate(&Config::for_workspace(&root).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let out = root.join("generated");
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
    Ok(ExitCode::SUCCESS)
}

/// Prints the semantic diff of two specs (Markdown, or JSON with `--json`). Succeeds whatever the
/// diff says; fails only when a spec can't be read.
fn spec_diff(old: &str, new: &str, json: bool) -> Result<ExitCode, String> {
    let old = stripegen::load::load(Path::new(old), &[]).map_err(|e| e.to_string())?;
    let new = stripegen::load::load(Path::new(new), &[]).map_err(|e| e.to_string())?;
    let diff = stripegen::diff::diff(&old.api, &new.api);
    if json {
        println!("{}", diff.to_json());
    } else {
        print!("{}", diff.to_markdown());
    }
    Ok(ExitCode::SUCCESS)
}
