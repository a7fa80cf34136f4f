//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

pub mod python;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// A JSON file of the workspace, by path relative to its root.
pub fn read_json(relative: &str) -> Value {
    let path = workspace().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("parsing {}: {err}", path.display()))
}

/// Stripe's example object for a GA resource (`spec/fixtures3-2026-07-29.json`).
pub fn fixture(resource: &str) -> Value {
    let object = read_json("spec/fixtures3-2026-07-29.json")["resources"][resource].take();
    assert!(object.is_object(), "no fixture for {resource}");
    object
}

/// Stripe's example object for a preview resource
/// (`spec/fixtures3.private_preview-2026-07-29.json`).
pub fn preview_fixture(resource: &str) -> Value {
    let all = read_json("spec/fixtures3.private_preview-2026-07-29.json");
    let object = all["resources"][resource].clone();
    assert!(object.is_object(), "no preview fixture for {resource}");
    object
}

/// `value` without its `null` members. Stripe's fixtures show an unset nullable field sometimes
/// as `null` and sometimes not at all (Stripe omits some unless expanded); a typed `None` can't
/// remember which, and the two mean the same. Round trips compare with nulls removed on both
/// sides, so every other value must survive exactly.
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}
