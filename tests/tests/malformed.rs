//! Malformed specs: every defect in `tests/malformed/` must be reported as an `Err` that names the
//! file, the location inside it (a JSON pointer, or a line for syntax errors) and the problem —
//! never a panic, never a silently generated crate.

use std::path::{Path, PathBuf};

fn malformed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("malformed")
}

fn config(spec: &str, overlays: &[&str]) -> stripegen::Config {
    stripegen::Config {
        spec: malformed_dir().join(spec),
        overlays: overlays.iter().map(|o| malformed_dir().join(o)).collect(),
        crate_name: "x".to_string(),
        ..Default::default()
    }
}

/// Generates from `spec` (with `overlays`), expects an error and returns its message.
fn error_of(spec: &str, overlays: &[&str]) -> String {
    match stripegen::generate(&config(spec, overlays)) {
        Ok(output) => panic!(
            "{spec}: a malformed spec was accepted, generating {:?}",
            output.files.keys().collect::<Vec<_>>()
        ),
        Err(err) => err.to_string(),
    }
}

/// Asserts that generating from `spec` fails with a message naming `file`, `location` and
/// containing `phrase`.
#[track_caller]
fn assert_rejected(spec: &str, overlays: &[&str], file: &str, location: &str, phrase: &str) {
    let message = error_of(spec, overlays);
    for (what, expected) in [("file", file), ("location", location), ("message", phrase)] {
        assert!(
            message.contains(expected),
            "{spec}: the error should contain the {what} {expected:?}, but is:\n{message}"
        );
    }
}

#[test]
fn invalid_yaml() {
    assert_rejected(
        "invalid_yaml.yaml",
        &[],
        "invalid_yaml.yaml",
        // The flow sequence opened on line 8 is still unclosed where line 9 starts a mapping key.
        " at line 9: ",
        "invalid YAML/JSON",
    );
}

#[test]
fn invalid_json() {
    assert_rejected(
        "invalid_json.json",
        &[],
        "invalid_json.json",
        " at line 11: ",
        "invalid YAML/JSON",
    );
}

#[test]
fn missing_ref() {
    assert_rejected(
        "missing_ref.yaml",
        &[],
        "missing_ref.yaml",
        "#/components/schemas/thing/properties/owner/$ref: ",
        "reference `#/components/schemas/nope` resolves to nothing",
    );
}

#[test]
fn non_local_ref() {
    assert_rejected(
        "non_local_ref.yaml",
        &[],
        "non_local_ref.yaml",
        "#/components/schemas/thing/properties/owner/$ref: ",
        "only local references (`#/...`) are supported, found `other.yaml#/x`",
    );
}

#[test]
fn duplicate_operation_id() {
    assert_rejected(
        "duplicate_operation_id.yaml",
        &[],
        "duplicate_operation_id.yaml",
        "#/paths/~1v1~1things/post/operationId: ",
        "duplicate operationId `GetThings` (first used at #/paths/~1v1~1things/get)",
    );
}

#[test]
fn path_param_not_in_template() {
    assert_rejected(
        "path_param_not_in_template.yaml",
        &[],
        "path_param_not_in_template.yaml",
        "#/paths/~1v1~1things~1{thing}/get/parameters/0: ",
        "path parameter `foo` does not occur in the path template `/v1/things/{thing}`",
    );
}

#[test]
fn template_param_without_parameter() {
    assert_rejected(
        "template_param_without_parameter.yaml",
        &[],
        "template_param_without_parameter.yaml",
        "#/paths/~1v1~1things~1{thing}/post/parameters: ",
        "`{thing}` in the path template has no path parameter",
    );
}

#[test]
fn unsupported_type() {
    assert_rejected(
        "unsupported_type.yaml",
        &[],
        "unsupported_type.yaml",
        "#/components/schemas/thing/properties/size/type: ",
        "unsupported schema type \"foo\"",
    );
}

#[test]
fn empty_enum() {
    assert_rejected(
        "empty_enum.yaml",
        &[],
        "empty_enum.yaml",
        "#/components/schemas/thing/properties/status/enum: ",
        "`enum` must be a non-empty list of values",
    );
}

#[test]
fn cyclic_all_of() {
    assert_rejected(
        "cyclic_all_of.yaml",
        &[],
        "cyclic_all_of.yaml",
        "#/components/schemas/a: ",
        "`allOf` refers back to itself: #/components/schemas/a -> #/components/schemas/b -> #/components/schemas/a",
    );
}

/// The base of the overlay tests is valid on its own, so their errors come from the overlays.
#[test]
fn overlay_base_is_valid() {
    if let Err(err) = stripegen::generate(&config("overlay_base.yaml", &[])) {
        panic!("overlay_base.yaml should generate: {err}");
    }
}

#[test]
fn overlay_targets_nothing() {
    let message = error_of(
        "overlay_base.yaml",
        &["overlay_targets_nothing.overlay.yaml"],
    );
    // The overlay is to blame, not the spec it was applied to.
    assert!(
        !message.contains("overlay_base.yaml"),
        "the error should name the overlay, not the base spec:\n{message}"
    );
    assert_rejected(
        "overlay_base.yaml",
        &["overlay_targets_nothing.overlay.yaml"],
        "overlay_targets_nothing.overlay.yaml",
        "#/actions/0/target: ",
        "`$.components.schemas.does_not_exist` selects nothing in the document",
    );
}

/// Every malformed spec in the directory is rejected with an error, and none makes the generator
/// panic. Overlays and their base are exercised by the overlay tests above.
#[test]
fn no_malformed_spec_panics() {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(malformed_dir())
        .expect("tests/malformed exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            !name.ends_with(".overlay.yaml") && name != "overlay_base.yaml"
        })
        .collect();
    entries.sort();
    assert!(
        entries.len() >= 9,
        "expected at least 9 malformed specs, found {entries:?}"
    );

    let mut failures = Vec::new();
    for spec in entries {
        let config = stripegen::Config {
            spec: spec.clone(),
            overlays: Vec::new(),
            crate_name: "x".to_string(),
            ..Default::default()
        };
        match std::panic::catch_unwind(move || stripegen::generate(&config).map(|_| ())) {
            Ok(Err(_)) => {}
            Ok(Ok(())) => failures.push(format!("{}: accepted", spec.display())),
            Err(_) => failures.push(format!("{}: panicked", spec.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "malformed specs mishandled:\n{}",
        failures.join("\n")
    );
}
