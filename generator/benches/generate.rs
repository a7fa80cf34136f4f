//! Generation time for the whole Stripe API (`spec/full/spec3-v524.yaml`, and today's v1 and v2,
//! `spec3-2026-01-28.clover.json`), next to the time it takes merely to parse the same file into
//! `openapiv3::OpenAPI`, the floor any generator pays,
//! and the time `spec-diff` takes to compare two whole releases (v450 -> v524).
//! Run with `cargo bench -p stripegen --bench generate`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

/// The whole specs timed: the newest v1-only release and today's, v1 and v2 (the criterion
/// group, the file under `spec/full/`).
const SPECS: [(&str, &str); 2] = [
    ("spec3-v524", "spec3-v524.yaml"),
    ("spec3-2026-01-28", "spec3-2026-01-28.clover.json"),
];

fn generation(c: &mut Criterion) {
    for (group_name, file) in SPECS {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../spec/full")
            .join(file);
        let text = std::fs::read_to_string(&spec).unwrap();
        let mut group = c.benchmark_group(group_name);
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(20));
        // YAML is a superset of JSON: one parser reads both files.
        group.bench_function("parse_only", |b| {
            b.iter(|| serde_yaml::from_str::<openapiv3::OpenAPI>(black_box(&text)).unwrap())
        });
        let config = stripegen::Config {
            spec,
            overlays: Vec::new(),
            crate_name: "stripe-full".into(),
            ..Default::default()
        };
        group.bench_function("generate", |b| {
            b.iter(|| stripegen::generate(black_box(&config)).unwrap())
        });
        group.finish();
    }
}

fn spec_diff(c: &mut Criterion) {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/full");
    let load = |name: &str| stripegen::load::load(&full.join(name), &[]).unwrap();
    let (old, new) = (load("spec3-v450.yaml"), load("spec3-v524.yaml"));
    let mut group = c.benchmark_group("spec-diff");
    group.sample_size(10);
    group.bench_function("v450_to_v524", |b| {
        b.iter(|| stripegen::diff::diff(black_box(&old.api), black_box(&new.api)))
    });
    group.finish();
}

criterion_group!(benches, generation, spec_diff);
criterion_main!(benches);
