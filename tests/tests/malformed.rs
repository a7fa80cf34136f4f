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
        "the spec itself is defective: reference `#/components/schemas/nope` resolves to nothing",
    );
}

#[test]
fn swagger2() {
    assert_rejected(
        "swagger2.json",
        &[],
        "swagger2.json",
        "#: ",
        "a Swagger (OpenAPI 2) document (`swagger: \"2.0\"`); stripegen reads OpenAPI 3.0",
    );
}

/// Generates `spec` with `overlay` applied, which must repair it.
#[track_caller]
fn assert_repaired(spec: &str, overlay: &str) {
    if let Err(err) = stripegen::generate(&config(spec, &[overlay])) {
        panic!("{spec} with {overlay} should generate: {err}");
    }
}

/// A defect of Stripe's first releases: the error says the spec is defective, where, and which
/// overlay action repairs it; with that overlay, the spec generates.
#[test]
fn undefined_definitions_error_is_a_defect_an_overlay_repairs() {
    let message = error_of("definitions_error.yaml", &[]);
    for expected in [
        "definitions_error.yaml: #/paths/~1v1~1things/get/responses/default/content/application~1json/schema/$ref: ",
        "the spec itself is defective: reference `#/definitions/error` resolves to nothing",
        "(at `$.paths['/v1/things'].get.responses.default.content['application/json'].schema`)",
        "Repair it with an overlay (OpenAPI Overlay 1.0",
        "`{target: \"$..[?@['$ref'] == '#/definitions/error']\", update: {$ref: '#/components/schemas/error'}}`",
    ] {
        assert!(message.contains(expected), "expected {expected:?} in:\n{message}");
    }
    assert_repaired(
        "definitions_error.yaml",
        "definitions_error.repair.overlay.yaml",
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

/// `(owner, call, parameter struct)` of every call of `spec`'s crate, sorted.
fn calls_of(spec: &Path) -> Vec<(Option<String>, String, Option<String>)> {
    let config = stripegen::Config {
        spec: spec.to_path_buf(),
        crate_name: "x".to_string(),
        ..Default::default()
    };
    let api = stripegen::lower_spec(&config)
        .unwrap_or_else(|err| panic!("{} should generate: {err}", spec.display()));
    let mut calls: Vec<_> = api
        .modules
        .iter()
        .flat_map(|m| &m.operations)
        .map(|op| {
            let owner = op
                .owner
                .as_ref()
                .map(|o| format!("{}::{}", o.module, o.name));
            (owner, op.fn_name.clone(), op.params.clone())
        })
        .collect();
    calls.sort();
    calls
}

/// No longer a defect: operations sharing an operationId generate, each named by its verb and
/// its path's noun, so no name depends on the spec's help.
#[test]
fn duplicate_operation_id() {
    let calls = calls_of(&malformed_dir().join("duplicate_operation_id.yaml"));
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        calls,
        [
            (
                None,
                "create_bank_account".into(),
                some("CreateBankAccount")
            ),
            (
                None,
                "create_external_account".into(),
                some("CreateExternalAccount")
            ),
            (some("things::Thing"), "create".into(), some("CreateThing")),
            (
                some("things::Thing"),
                "retrieve".into(),
                some("RetrieveThing")
            ),
        ]
    );
    if let Err(err) = stripegen::generate(&config("duplicate_operation_id.yaml", &[])) {
        panic!("duplicate_operation_id.yaml should generate: {err}");
    }
}

/// The names of operations sharing an operationId don't depend on the order of the paths, and
/// adding a path that shares it too renames none of them.
#[test]
fn duplicate_operation_id_names_are_stable() {
    let spec = malformed_dir().join("duplicate_operation_id.yaml");
    let original = calls_of(&spec);
    let doc = stripegen::load::read_document(&spec).unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("duplicate_operation_id");
    std::fs::create_dir_all(&dir).unwrap();
    let variant = |name: &str, edit: &dyn Fn(&mut serde_json::Map<String, serde_json::Value>)| {
        let mut doc = doc.clone();
        edit(doc["paths"].as_object_mut().unwrap());
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
        calls_of(&path)
    };
    let reversed = variant("reversed.json", &|paths| {
        let entries: Vec<_> = std::mem::take(paths).into_iter().rev().collect();
        paths.extend(entries);
    });
    assert_eq!(reversed, original, "reversing the paths renamed calls");
    let added = variant("added.json", &|paths| {
        let item = paths["/v1/account/external_accounts"].clone();
        paths.insert("/v1/account/cards".into(), item);
    });
    let before: Vec<_> = added
        .iter()
        .filter(|c| !c.1.contains("card"))
        .cloned()
        .collect();
    assert_eq!(before, original, "adding a path renamed existing calls");
    assert!(added.iter().any(|c| c.1 == "create_card"), "{added:?}");
}

#[test]
fn path_param_not_in_template() {
    assert_rejected(
        "path_param_not_in_template.yaml",
        &[],
        "path_param_not_in_template.yaml",
        "#/paths/~1v1~1things~1{thing}/get/parameters/0: ",
        "the spec itself is defective: path parameter `foo` does not occur in the path template \
         `/v1/things/{thing}`. Repair it with an overlay",
    );
}

#[test]
fn template_param_without_parameter() {
    assert_rejected(
        "template_param_without_parameter.yaml",
        &[],
        "template_param_without_parameter.yaml",
        "#/paths/~1v1~1things~1{thing}/post/parameters: ",
        "the spec itself is defective: `{thing}` in the path template has no path parameter. \
         Repair it with an overlay (OpenAPI Overlay 1.0, given with `--overlay FILE`; see \
         `spec/overlays/` for examples) holding the action \
         `{target: \"$.paths['/v1/things/{thing}'].post\", update: {parameters: [{name: thing, \
         in: path, required: true, schema: {type: string}}]}}`",
    );
    assert_repaired(
        "template_param_without_parameter.yaml",
        "template_param_without_parameter.repair.overlay.yaml",
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
/// panic. Overlays and their base are exercised by the overlay tests above, and
/// `duplicate_operation_id.yaml`, which is accepted now, by its own tests.
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
            !name.ends_with(".overlay.yaml")
                && name != "overlay_base.yaml"
                && name != "duplicate_operation_id.yaml"
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
