//! The `stripegen` binary's command line: `--overlay` takes files and directories, and a flag it
//! doesn't know fails naming it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn stripegen(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stripegen"))
        .args(args)
        .output()
        .expect("the stripegen binary runs")
}

fn malformed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/malformed")
        .join(name)
}

/// A spec that only generates once repaired (`definitions_error.yaml`), its repair given as a
/// directory, and a second overlay given as a file: both are applied, as the recorded spec
/// (`openapi.json`) shows, and `--check` then finds the output up to date.
#[test]
fn overlay_takes_a_directory_and_a_file() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-overlay");
    let _ = std::fs::remove_dir_all(&root);
    let (overlays, out) = (root.join("overlays"), root.join("out"));
    std::fs::create_dir_all(&overlays).unwrap();
    std::fs::copy(
        malformed("definitions_error.repair.overlay.yaml"),
        overlays.join("repair.yaml"),
    )
    .unwrap();
    let described = root.join("describe.overlay.yaml");
    std::fs::write(
        &described,
        "overlay: 1.0.0\ninfo: {title: describe, version: '1'}\nactions:\n  \
         - target: $.components.schemas.thing\n    update: {description: Described by a file overlay.}\n",
    )
    .unwrap();
    let spec = malformed("definitions_error.yaml");
    let flag = |name: &'static str| Path::new(name);
    let args = [
        flag("--spec"),
        &spec,
        flag("--overlay"),
        &overlays,
        flag("--overlay"),
        &described,
        flag("--out"),
        &out,
    ];

    let generated = stripegen(&args);
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let recorded = std::fs::read_to_string(out.join("openapi.json")).unwrap();
    assert!(!recorded.contains("#/definitions/error"), "{recorded}");
    assert!(
        recorded.contains("Described by a file overlay."),
        "{recorded}"
    );

    let checked = stripegen(&[&args[..], &[flag("--check")]].concat());
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

/// The old spelling `--overlays` is an unknown flag now: it fails, and the message names it.
#[test]
fn unknown_flag_fails_naming_it() {
    let spec = malformed("definitions_error.yaml");
    let output = stripegen(&[
        Path::new("--spec"),
        &spec,
        Path::new("--out"),
        Path::new("unused"),
        Path::new("--overlays"),
        Path::new("unused"),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unexpected argument '--overlays'"),
        "{stderr}"
    );
}
