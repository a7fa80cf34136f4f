//! Stripe's official Python SDK (`stripe-python`, pinned in `tests/conformance/requirements.txt`)
//! as a reference implementation: for the peer-conformance tests (`tests/tests/conformance.rs`,
//! `webhooks.rs`, `properties.rs`) and the whole-API exercise (`cargo xtask full-api --exercise`).
//! A crate of its own so that both use one virtualenv, set up one way.
//!
//! The SDK is installed into a virtualenv at `<target>/conformance-venv` (the workspace's target
//! directory as cargo resolves it, see [`target_dir`]), created on the
//! first run and reused afterwards (reinstalled when `requirements.txt` changes). The tests fail,
//! rather than skip, when `python3` is missing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The workspace root.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("this crate lives two levels below the workspace root")
        .to_path_buf()
}

/// The workspace's target directory as cargo resolves it: `CARGO_TARGET_DIR`, `build.target-dir`
/// from a config file, else `<workspace>/target`. Asked of `cargo metadata` once per process, so
/// every tool puts its build outputs where the user's builds go.
pub fn target_dir() -> PathBuf {
    static TARGET: OnceLock<PathBuf> = OnceLock::new();
    TARGET.get_or_init(resolve_target_dir).clone()
}

fn resolve_target_dir() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    target_dir_of(&mut Command::new(cargo))
}

/// What `cargo metadata`, run as `cargo` (with its environment), says the target directory is.
fn target_dir_of(cargo: &mut Command) -> PathBuf {
    let metadata = run(cargo
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(workspace().join("Cargo.toml")));
    let metadata: serde_json::Value = serde_json::from_str(&metadata)
        .unwrap_or_else(|e| panic!("`cargo metadata` printed something that is not JSON: {e}"));
    match metadata["target_directory"].as_str() {
        Some(dir) => PathBuf::from(dir),
        None => panic!("`cargo metadata` names no target_directory"),
    }
}

/// Creates (or reuses) the virtualenv with the pinned SDK and returns its Python interpreter.
///
/// Set up once per test process, so tests running in parallel threads never install into the
/// same virtualenv at once.
pub fn python_with_sdk() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(install).clone()
}

fn install() -> PathBuf {
    let requirements = workspace().join("tests/conformance/requirements.txt");
    let venv = target_dir().join("conformance-venv");
    let python = if cfg!(windows) {
        venv.join("Scripts/python.exe")
    } else {
        venv.join("bin/python")
    };
    let marker = venv.join("installed-requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).unwrap();
    if python.exists() && std::fs::read_to_string(&marker).ok().as_deref() == Some(&*wanted) {
        return python;
    }
    match Command::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "the peer-conformance tests need python3 (>= 3.8) with the venv module, but \
             `python3 --version` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(err) => panic!(
            "the peer-conformance tests need python3 on PATH to run Stripe's official Python SDK \
             (stripe-python) as the reference; `python3` could not be started: {err}"
        ),
    }
    if !python.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    }
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements));
    std::fs::write(&marker, wanted).unwrap();
    python
}

/// Runs `command` to completion and returns its standard output; panics, showing both outputs,
/// when it cannot start or fails.
pub fn run(command: &mut Command) -> String {
    run_with_input(command, &[])
}

/// [`run`], writing `input` to the command's standard input.
pub fn run_with_input(command: &mut Command, input: &[u8]) -> String {
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("could not start {shown}: {err}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(input).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The user's `CARGO_TARGET_DIR`, and `build.target-dir` (here through its environment
    /// form), move the target directory.
    #[test]
    fn target_dir_is_where_cargo_builds() {
        let cargo = || {
            let mut command = Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
            command
                .env_remove("CARGO_TARGET_DIR")
                .env_remove("CARGO_BUILD_TARGET_DIR");
            command
        };
        let elsewhere = std::env::temp_dir().join("stripegen-elsewhere");
        assert_eq!(
            target_dir_of(cargo().env("CARGO_TARGET_DIR", &elsewhere)),
            elsewhere
        );
        assert_eq!(
            target_dir_of(cargo().env("CARGO_BUILD_TARGET_DIR", &elsewhere)),
            elsewhere
        );
    }
}
