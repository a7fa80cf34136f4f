//! Turns every insta snapshot of generated code into a module of this crate, so `cargo test`
//! fails when a snapshot would not compile.
//!
//! Generated items are gated on their crate's module features (`#[cfg(feature = "billing")]`),
//! which this crate can't declare for every fixture: each feature a snapshot names that this
//! crate doesn't have is turned on with `--cfg`, as a generated crate's default features are.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::fs::read_to_string("Cargo.toml").expect("Cargo.toml is readable");
    let own_features: BTreeSet<&str> = manifest
        .lines()
        .skip_while(|line| line.trim() != "[features]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim()))
        .collect();
    let mut module_features = BTreeSet::new();
    let snapshots = Path::new("../tests/snapshots");
    println!("cargo:rerun-if-changed={}", snapshots.display());
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut modules = String::new();
    let mut entries: Vec<_> = std::fs::read_dir(snapshots)
        .map(|dir| dir.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("snapshots__"))
            .and_then(|n| n.strip_suffix(".snap"))
        else {
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("snapshot is readable");
        // insta's header is a `---`-delimited block before the snapshot body.
        let body = text
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---\n"))
            .map(|(_, body)| body)
            .unwrap_or(&text);
        for gated in body.split("feature = \"").skip(1) {
            if let Some((feature, _)) = gated.split_once('"') {
                if !own_features.contains(feature) {
                    module_features.insert(feature.to_string());
                }
            }
        }
        let file = Path::new(&out_dir).join(format!("{name}.rs"));
        std::fs::write(&file, body).expect("OUT_DIR is writable");
        writeln!(
            modules,
            "/// Generated from `tests/fixtures/{name}.yaml`.\npub mod fixture_{name} {{\n    pub use stripe_api::*;\n    include!({:?});\n}}",
            file.display().to_string()
        )
        .expect("writing to a String cannot fail");
        println!("cargo:rerun-if-changed={}", path.display());
    }
    for feature in module_features {
        println!("cargo::rustc-check-cfg=cfg(feature, values(\"{feature}\"))");
        println!("cargo::rustc-cfg=feature=\"{feature}\"");
    }
    std::fs::write(Path::new(&out_dir).join("compiled_snapshots.rs"), modules)
        .expect("OUT_DIR is writable");
}
