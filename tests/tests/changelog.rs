//! `generated/CHANGELOG.md`: regenerating from a new spec adds an entry made from the spec diff
//! of the recorded and the new spec; regenerating from the same spec changes nothing.

use std::path::{Path, PathBuf};

fn spec(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("spec_diff")
        .join(format!("{case}.yaml"))
}

fn config(case: &str, version: &str) -> stripegen::Config {
    stripegen::Config {
        spec: spec(case),
        crate_name: "changelog-fixture".to_string(),
        crate_version: version.to_string(),
        ..Default::default()
    }
}

/// Regenerates into `dir` as `cargo xtask regenerate` does; returns whether an entry was added.
fn regenerate(config: &stripegen::Config, dir: &Path) -> bool {
    let (output, update) = stripegen::regenerate(config, dir).unwrap_or_else(|e| panic!("{e}"));
    output.write(dir).unwrap();
    assert!(stripegen::regenerate(config, dir)
        .unwrap()
        .0
        .check(dir)
        .unwrap()
        .is_empty());
    update.entry_added
}

#[test]
fn a_new_spec_adds_an_entry_and_the_same_spec_adds_none() {
    let dir = std::env::temp_dir().join(format!("stripegen-changelog-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let changelog = || std::fs::read_to_string(dir.join("CHANGELOG.md")).unwrap();

    assert!(regenerate(&config("operations.old", "0.1.0"), &dir));
    let first = changelog();
    assert!(first.contains(
        "## 0.1.0+2024-01-01.old\n\nFirst generated, from Stripe API version `2024-01-01.old`."
    ));
    assert!(dir.join("openapi.json").exists());

    // The same spec again: nothing to add, nothing rewritten.
    assert!(!regenerate(&config("operations.old", "0.1.0"), &dir));
    assert_eq!(changelog(), first);

    // A new spec: one entry, newest first, from the diff.
    assert!(regenerate(&config("operations.new", "0.2.0"), &dir));
    let second = changelog();
    let newest = second.find("## 0.2.0+2024-06-01.new").unwrap();
    assert!(newest < second.find("## 0.1.0+2024-01-01.old").unwrap());
    insta::assert_snapshot!("operations", second);

    assert!(!regenerate(&config("operations.new", "0.2.0"), &dir));
    assert_eq!(changelog(), second);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_crate_version_carries_the_api_version_as_build_metadata() {
    let dir = std::env::temp_dir().join(format!("stripegen-package-{}", std::process::id()));
    let mut config = config("operations.old", "3.1.4-rc.1");
    config.publish = true;
    config.repository = Some("https://example.com/team/stripe".to_string());
    let (output, _) = stripegen::regenerate(&config, &dir).unwrap();
    let manifest = &output.files[Path::new("Cargo.toml")];
    for line in [
        "name = \"changelog-fixture\"",
        "version = \"3.1.4-rc.1+2024-01-01.old\"",
        "publish = true",
        "repository = \"https://example.com/team/stripe\"",
    ] {
        assert!(manifest.contains(line), "{line} in\n{manifest}");
    }
    assert!(output.files.contains_key(Path::new("README.md")));
    assert!(output.files.contains_key(Path::new("LICENSE")));

    config.crate_version = "3.1".to_string();
    let error = stripegen::regenerate(&config, &dir)
        .unwrap_err()
        .to_string();
    assert!(error.contains("crate version `3.1`"), "{error}");
}
