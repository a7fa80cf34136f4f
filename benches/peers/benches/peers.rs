//! Response parsing side by side: every path of `stripegen_peer_bench::PATHS` on every payload
//! (criterion groups `peers_<payload>`). Run by `cargo xtask bench` (`--peers` for this one
//! alone), or by hand after generating the full-API crate (see the crate's docs):
//! `cargo bench --manifest-path benches/peers/Cargo.toml --bench peers`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use stripegen_peer_bench::{assert_all_parse, payloads, PATHS};

fn parse(c: &mut Criterion) {
    assert_all_parse();
    for payload in payloads() {
        let mut group = c.benchmark_group(format!("peers_{}", payload.name));
        group.throughput(Throughput::Bytes(payload.bytes.len() as u64));
        for path in &PATHS {
            group.bench_function(path.name, |b| {
                b.iter(|| (path.parse)(black_box(&payload.bytes), payload.kind))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
