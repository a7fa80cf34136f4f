//! Snapshot of the generated code for every spec fixture in `tests/fixtures/`. The build script of
//! this crate compiles each accepted snapshot (see `build.rs`).

use std::path::Path;

fn generate(fixture: &str) -> String {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{fixture}.yaml"));
    let config = stripegen::Config {
        spec,
        overlays: Vec::new(),
        crate_name: "fixture".to_string(),
        ..Default::default()
    };
    stripegen::generate_modules_inline(&config)
        .unwrap_or_else(|err| panic!("fixture {fixture} failed to generate: {err}"))
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(stringify!($name), generate(stringify!($name)));
            }
        )*

        /// Every fixture file has a test above, so none is silently left out.
        #[test]
        fn every_fixture_has_a_snapshot_test() {
            let tested = [$(stringify!($name)),*];
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    let stem = path.file_stem().unwrap().to_str().unwrap();
                    assert!(tested.contains(&stem), "fixture {stem}.yaml has no snapshot test");
                }
            }
        }
    };
}

fixtures!(
    call_names,
    deleted,
    docs,
    emptyable,
    enums,
    events,
    expandable,
    features,
    files,
    list,
    methods,
    modules,
    names,
    nested_params,
    nullable,
    path_params,
    polymorphic,
    recursive,
    reused_parameters,
    structs,
    v2,
);

#[test]
fn generation_is_deterministic() {
    for fixture in ["structs", "names", "polymorphic"] {
        assert_eq!(generate(fixture), generate(fixture));
    }
}

/// The module features of `fixtures/features.yaml` in the generated `Cargo.toml`: every module
/// with calls has one, `all-modules` (a default) has them all, and the alias gating the types
/// that three modules share is turned on by those three.
#[test]
fn module_features_in_the_manifest() {
    let config = stripegen::Config {
        spec: Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/features.yaml"),
        ..Default::default()
    };
    let output = stripegen::generate(&config).unwrap();
    let manifest = &output.files[Path::new("Cargo.toml")];
    let modules = [
        "all-modules",
        "billing",
        "issuing",
        "tax",
        "webhook_endpoints",
    ];
    let features: Vec<&str> = manifest
        .lines()
        .filter(|line| {
            line.split_once(" = ").is_some_and(|(key, _)| {
                key == "default" || key.starts_with('_') || modules.contains(&key)
            })
        })
        .collect();
    assert_eq!(
        features,
        [
            r#"default = ["rustls", "http2", "webhooks", "all-modules"]"#,
            r#"all-modules = ["billing", "issuing", "tax", "webhook_endpoints"]"#,
            r#"billing = ["_types-1"]"#,
            r#"issuing = ["_types-1"]"#,
            r#"tax = ["_types-1"]"#,
            r#"webhook_endpoints = []"#,
            r#"_types-1 = []"#,
        ]
    );
}
