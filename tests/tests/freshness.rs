//! The checked-in `generated/` crate is exactly what the generator makes of `spec/` today (the
//! same check as `cargo xtask regenerate --check`), its recorded spec and changelog included.

use std::path::Path;

#[test]
fn generated_crate_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let config = stripegen::Config::for_workspace(root).unwrap();
    let generated = root.join("generated");
    let (output, _) = stripegen::regenerate(&config, &generated).unwrap();
    let changes = output.check(&generated).unwrap();
    assert!(
        changes.is_empty(),
        "generated/ is stale ({changes}): {:?}; run `cargo xtask regenerate`",
        changes.paths()
    );
}

#[test]
fn check_reports_a_drifted_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let config = stripegen::Config::for_workspace(root).unwrap();
    let output = stripegen::generate(&config).unwrap();
    let copy = std::env::temp_dir().join(format!("stripegen-drift-{}", std::process::id()));
    output.write(&copy).unwrap();
    assert!(output.check(&copy).unwrap().is_empty());
    std::fs::write(copy.join("src/identity.rs"), "// edited by hand\n").unwrap();
    std::fs::write(copy.join("src/leftover.rs"), "// no longer generated\n").unwrap();
    let changes = output.check(&copy).unwrap();
    assert_eq!(changes.changed, vec![Path::new("src/identity.rs")]);
    assert_eq!(changes.removed, vec![Path::new("src/leftover.rs")]);
    // Writing again repairs both, and a second write changes nothing.
    output.write(&copy).unwrap();
    assert!(output.write(&copy).unwrap().is_empty());
    std::fs::remove_dir_all(&copy).unwrap();
}
