//! The generator copes with Stripe's whole published API, not only the excerpt.

use std::path::Path;

#[test]
fn generates_the_full_v524_spec() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/full/spec3-v524.yaml");
    let config = stripegen::Config {
        spec,
        overlays: Vec::new(),
        crate_name: "stripe-full".to_string(),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let output = stripegen::generate(&config).unwrap_or_else(|err| panic!("{err}"));
    eprintln!(
        "generated {} files in {:?}",
        output.files.len(),
        started.elapsed()
    );
    assert!(
        output.files.len() > 60,
        "expected one module per API namespace"
    );
    assert!(output.files.contains_key(Path::new("src/customers.rs")));
}
