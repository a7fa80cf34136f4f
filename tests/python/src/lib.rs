//! Stripe's official Python SDK (`stripe-python`, pinned in `tests/conformance/requirements.txt`)
//! as a reference implementation: for the peer-conformance tests (`tests/tests/conformance.rs`,
//! `webhooks.rs`, `properties.rs`) and the whole-API exercise (`cargo xtask full-api --exercise`).
//! A crate of its own so that both use one virtualenv, set up one way.
//!
//! The SDK is installed into a virtualenv at `<workspace>/target/conformance-venv`, created on the
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
    let venv = workspace().join("target/conformance-venv");
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
