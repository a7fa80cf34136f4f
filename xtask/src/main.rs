//! Maintainer tasks: `cargo xtask regenerate [--check]`.

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
        _ => Err("usage: cargo xtask regenerate [--check]".to_string()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

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
