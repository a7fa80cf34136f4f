//! `cargo xtask bench`: the performance targets of the project, measured and printed as a table
//! (also written to `target/bench.md`). Generation and deserialization times come from the
//! criterion benchmarks' estimates; build times from cargo's own `Finished ... in` report, for a
//! clean build of the crate with its dependencies already built.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use serde_json::Value;

use crate::{cargo, full_api_target_dir, target_dir, write_full_api, RUNTIME_DEFAULT_FEATURES};

/// Median and range of several measurements, in seconds.
struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

impl Stats {
    fn of(mut values: Vec<f64>) -> Stats {
        values.sort_by(f64::total_cmp);
        Stats {
            median: values[values.len() / 2],
            min: values[0],
            max: values[values.len() - 1],
        }
    }

    fn scaled(&self, factor: f64) -> Stats {
        Stats {
            median: self.median * factor,
            min: self.min * factor,
            max: self.max * factor,
        }
    }
}

struct Row {
    measurement: String,
    figure: String,
    target: String,
    met: bool,
}

/// Every measurement (with `peers_only`, only the peer benchmark's), printed as a table and
/// written to `target/bench.md` (`target/bench-peers.md`).
pub fn run(root: &Path, runs: usize, peers_only: bool) -> Result<ExitCode, String> {
    let mut rows = Vec::new();
    if peers_only {
        peers(root, &mut rows)?;
        return report(&render(&rows, None), "bench-peers.md");
    }

    run_cargo(root, &["bench", "-p", "stripegen", "--bench", "generate"])?;
    let criterion = target_dir().join("criterion");
    for group in ["spec3-v524", "spec3-2026-01-28"] {
        let parse = criterion_stats(&criterion.join(group).join("parse_only"))?;
        let generate = criterion_stats(&criterion.join(group).join("generate"))?;
        let ratio = generate.median / parse.median;
        rows.push(Row {
            measurement: format!("generate {group} (release)"),
            figure: format!(
                "{} vs parse-only {} = {ratio:.2}x",
                seconds(&generate),
                seconds(&parse)
            ),
            target: "<= 3.5x parse-only".into(),
            met: ratio <= 3.5,
        });
    }

    let full = full_api_target_dir().join("v524");
    let package = write_full_api(&root.join("spec/full/spec3-v524.yaml"), &[], &full)?;
    let operations = count_operations(&root.join("spec/full/spec3-v524.yaml"))?;
    let manifest = full.join("Cargo.toml");
    let full_build = clean_builds(
        runs,
        &[
            "build",
            "--manifest-path",
            path_str(&manifest)?,
            "--target-dir",
            path_str(&full_api_target_dir())?,
        ],
        &package,
        root,
    )?;
    let per_operation = full_build.scaled(1.0 / operations as f64);
    rows.push(Row {
        measurement: format!("build full-API crate v524, debug ({operations} operations)"),
        figure: format!(
            "{} = {:.3} s per operation",
            seconds(&full_build),
            per_operation.median
        ),
        target: "<= 0.132 s per operation".into(),
        met: per_operation.median <= 0.132,
    });
    full_api_modules(root, runs, &manifest, &package, &full_build, &mut rows)?;
    todays_api(root, runs, &mut rows)?;

    let generated = clean_builds(runs, &["build", "-p", "stripe-api"], "stripe-api", root)?;
    rows.push(Row {
        measurement: "build generated/ (stripe-api), debug".into(),
        figure: seconds(&generated),
        target: "<= 5 s".into(),
        met: generated.median <= 5.0,
    });

    run_cargo(
        root,
        &["bench", "-p", "stripegen-tests", "--bench", "runtime"],
    )?;
    let encode = criterion_stats(&criterion.join("form_encode_create_verification_session"))?;
    rows.push(Row {
        measurement: "form-encode a full create-session request".into(),
        figure: micros(&encode),
        target: "(tracked)".into(),
        met: true,
    });

    peers(root, &mut rows)?;
    report(&render(&rows, Some(runs)), "bench.md")
}

/// Prints the table and writes it to `name` in the target directory.
fn report(table: &str, name: &str) -> Result<ExitCode, String> {
    println!("\n{table}");
    let report = target_dir().join(name);
    std::fs::write(&report, table).map_err(|e| format!("{}: {e}", report.display()))?;
    println!("written to {}", report.display());
    Ok(ExitCode::SUCCESS)
}

/// The full v524 crate with only the `identity` module feature (and the default runtime features,
/// so no dependency is built again) against all modules: build and check times, and the share of
/// the API's types and calls compiled.
fn full_api_modules(
    root: &Path,
    runs: usize,
    manifest: &Path,
    package: &str,
    all_build: &Stats,
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    let identity_features = format!("{RUNTIME_DEFAULT_FEATURES},identity");
    let target = full_api_target_dir();
    let timed = |command: &str, features: Option<&str>| {
        let mut args = vec![
            command,
            "--manifest-path",
            path_str(manifest)?,
            "--target-dir",
            path_str(&target)?,
        ];
        if let Some(features) = features {
            args.extend(["--no-default-features", "--features", features]);
        }
        clean_builds(runs, &args, package, root)
    };
    let identity_build = timed("build", Some(&identity_features))?;
    let all_check = timed("check", None)?;
    let identity_check = timed("check", Some(&identity_features))?;

    let config = stripegen::Config {
        spec: root.join("spec/full/spec3-v524.yaml"),
        ..stripegen::Config::default()
    };
    let api = stripegen::lower_spec(&config).map_err(|e| e.to_string())?;
    let types: Vec<&stripegen::ir::Gate> = api
        .modules
        .iter()
        .flat_map(|m| m.types.iter().map(|def| &def.gate))
        .collect();
    let calls: Vec<&stripegen::ir::Gate> = api
        .modules
        .iter()
        .flat_map(|m| m.operations.iter().map(|op| &op.gate))
        .collect();
    let compiled = |gates: &[&stripegen::ir::Gate]| {
        gates
            .iter()
            .filter(|gate| api.compiles(gate, &["identity"]))
            .count()
    };
    let (identity_types, identity_calls) = (compiled(&types), compiled(&calls));
    rows.push(Row {
        measurement: "build full-API crate v524, debug, module feature `identity` only".into(),
        figure: format!(
            "{} ({:.1} % of all modules' {:.2} s); {identity_types} of {} types ({:.1} %), \
             {identity_calls} of {} calls",
            seconds(&identity_build),
            100.0 * identity_build.median / all_build.median,
            all_build.median,
            types.len(),
            100.0 * identity_types as f64 / types.len() as f64,
            calls.len()
        ),
        target: "compiles only what `identity` uses".into(),
        met: identity_build.median < all_build.median / 4.0,
    });
    rows.push(Row {
        measurement: "check full-API crate v524: all modules / `identity` only".into(),
        figure: format!("{} / {}", seconds(&all_check), seconds(&identity_check)),
        target: "(tracked)".into(),
        met: true,
    });
    Ok(())
}

/// Today's API, v1 and v2 (`spec3-2026-01-28.clover.json`): `cargo check` of its whole crate,
/// and of the v2 core module alone, beside v524's.
fn todays_api(root: &Path, runs: usize, rows: &mut Vec<Row>) -> Result<(), String> {
    let spec = root.join("spec/full/spec3-2026-01-28.clover.json");
    let full = full_api_target_dir().join("2026-01-28");
    let package = write_full_api(&spec, &[], &full)?;
    let operations = count_operations(&spec)?;
    let manifest = full.join("Cargo.toml");
    let target = full_api_target_dir();
    let v2_core = format!("{RUNTIME_DEFAULT_FEATURES},v2_core");
    let check = |features: Option<&str>| {
        let mut args = vec![
            "check",
            "--manifest-path",
            path_str(&manifest)?,
            "--target-dir",
            path_str(&target)?,
        ];
        if let Some(features) = features {
            args.extend(["--no-default-features", "--features", features]);
        }
        clean_builds(runs, &args, &package, root)
    };
    let all = check(None)?;
    let core = check(Some(&v2_core))?;
    rows.push(Row {
        measurement: format!(
            "check full-API crate 2026-01-28, v1 and v2 ({operations} operations): all modules \
             / `v2_core` only"
        ),
        figure: format!(
            "{} = {:.3} s per operation / {}",
            seconds(&all),
            all.median / operations as f64,
            seconds(&core)
        ),
        target: "(tracked)".into(),
        met: true,
    });
    Ok(())
}

/// The spec of the full-API crate the peer benchmark parses with on stripe-api's side, and the
/// directory it is generated into: `benches/peers/Cargo.toml` depends on it by path, under the
/// package name [`write_full_api`] gives it (`stripe-spec3-2026-01-28-clover`).
const PEERS_SPEC: &str = "spec/full/spec3-2026-01-28.clover.json";
const PEERS_FULL_API: &str = "benches/peers/full-api";

/// The peer benchmark's payloads (`benches/peers/src/lib.rs`, `payloads`): criterion group
/// `peers_<name>`, and how the table says it.
const PEERS_PAYLOADS: &[(&str, &str)] = &[
    ("list_of_100_sessions", "a 100-session list page"),
    ("one_session", "one verification session"),
    (
        "payment_intent",
        "a PaymentIntent, customer and payment method as IDs",
    ),
    (
        "payment_intent_expanded",
        "a PaymentIntent, customer and payment method expanded",
    ),
    ("checkout_session", "a Checkout Session"),
    ("list_of_100_customers", "a 100-customer list page"),
    ("event_invoice_created", "an `invoice.created` event"),
];

/// The peer benchmark (`benches/peers`, its own workspace so the workspace's tests never build
/// async-stripe): the same payloads parsed by stripe-api (the full-API crate of [`PEERS_SPEC`],
/// generated first into [`PEERS_FULL_API`]), async-stripe (miniserde, and serde with its
/// `deserialize` feature), `serde_json::Value` and the `IgnoredAny` floor. Ratios are of
/// medians from this one run.
fn peers(root: &Path, rows: &mut Vec<Row>) -> Result<(), String> {
    write_full_api(&root.join(PEERS_SPEC), &[], &root.join(PEERS_FULL_API))?;
    let target = target_dir().join("peers");
    let output = Command::new(cargo())
        .args([
            "bench",
            "--manifest-path",
            "benches/peers/Cargo.toml",
            "--bench",
            "peers",
        ])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the peer benchmark failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let criterion = target.join("criterion");
    for (payload, label) in PEERS_PAYLOADS {
        let group = criterion.join(format!("peers_{payload}"));
        let stat = |path: &str| criterion_stats(&group.join(path));
        let ours = stat("stripe_api")?;
        let miniserde = stat("async_stripe_miniserde")?;
        let serde = stat("async_stripe_serde")?;
        let value = stat("serde_json_value")?;
        let floor = stat("floor_ignored_any")?;
        let size = criterion_bytes(&group.join("stripe_api"))
            .map(|bytes| format!(" ({bytes} bytes)"))
            .unwrap_or_default();
        rows.push(Row {
            measurement: format!("parse {label}{size}"),
            figure: format!(
                "stripe-api {}; async-stripe miniserde {}, serde {}; `Value` {}; floor \
                 (`IgnoredAny`) {}",
                micros(&ours),
                micros(&miniserde),
                micros(&serde),
                micros(&value),
                micros(&floor)
            ),
            target: "(below)".into(),
            met: true,
        });
        let peer = miniserde.median.min(serde.median);
        let vs_peer = peer / ours.median;
        rows.push(Row {
            measurement: format!("parse {label}: stripe-api vs the faster async-stripe path"),
            figure: times_faster(vs_peer),
            target: ">= 1.3x".into(),
            met: vs_peer >= 1.3,
        });
        let vs_value = value.median / ours.median;
        rows.push(Row {
            measurement: format!("parse {label}: stripe-api vs `serde_json::Value`"),
            figure: times_faster(vs_value),
            target: ">= 3x".into(),
            met: vs_value >= 3.0,
        });
        let vs_floor = ours.median / floor.median;
        rows.push(Row {
            measurement: format!("parse {label}: stripe-api / floor"),
            figure: format!("{vs_floor:.2}x the floor"),
            target: "<= 2.5x".into(),
            met: vs_floor <= 2.5,
        });
    }
    Ok(())
}

/// The payload size a criterion benchmark was given as its throughput (`new/benchmark.json`).
fn criterion_bytes(dir: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(dir.join("new").join("benchmark.json")).ok()?;
    let benchmark: Value = serde_json::from_str(&text).ok()?;
    benchmark["throughput"]["Bytes"].as_u64()
}

/// The table; `runs` says how many clean builds the build times are of (none: no build time).
fn render(rows: &[Row], runs: Option<usize>) -> String {
    let builds = runs
        .map(|runs| format!("; builds: {runs} clean builds with dependencies already built"))
        .unwrap_or_default();
    let mut table = format!(
        "Medians (min-max){builds}.\n\n| measurement | figure | target | met |\n|---|---|---|---|\n"
    );
    for row in rows {
        table.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            row.measurement,
            row.figure,
            row.target,
            if row.met { "yes" } else { "**no**" }
        ));
    }
    table
}

fn seconds(stats: &Stats) -> String {
    format!("{:.2} s ({:.2}-{:.2})", stats.median, stats.min, stats.max)
}

/// Microseconds, with two decimals below 10 us.
fn micros(stats: &Stats) -> String {
    let us = stats.scaled(1e6);
    let digits = if us.median < 10.0 { 2 } else { 1 };
    format!(
        "{:.digits$} us ({:.digits$}-{:.digits$})",
        us.median, us.min, us.max
    )
}

/// A speed ratio (the other's time over ours), which says when we are slower.
fn times_faster(ratio: f64) -> String {
    if ratio >= 1.0 {
        format!("{ratio:.2}x faster")
    } else {
        format!("{ratio:.2}x (slower)")
    }
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not valid UTF-8", path.display()))
}

fn run_cargo(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new(cargo())
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!("cargo {} failed:\n{stderr}", args.join(" ")));
    }
    Ok(stderr)
}

/// `runs` clean builds of `package` (dependencies stay built), timed by cargo.
fn clean_builds(runs: usize, build: &[&str], package: &str, root: &Path) -> Result<Stats, String> {
    // The first build also builds the dependencies; it is not measured.
    run_cargo(root, build)?;
    let mut times = Vec::new();
    for _ in 0..runs {
        let mut clean = vec!["clean", "-p", package];
        if let Some(target) = build.iter().position(|a| *a == "--target-dir") {
            clean.extend(&build[target..target + 2]);
        }
        if let Some(manifest) = build.iter().position(|a| *a == "--manifest-path") {
            clean.extend(&build[manifest..manifest + 2]);
        }
        run_cargo(root, &clean)?;
        let stderr = run_cargo(root, build)?;
        times.push(
            finished_seconds(&stderr)
                .ok_or_else(|| format!("no `Finished ... in` line from cargo build:\n{stderr}"))?,
        );
    }
    Ok(Stats::of(times))
}

/// Reads cargo's `Finished ... in 1m 02s` / `in 9.35s`.
fn finished_seconds(stderr: &str) -> Option<f64> {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("Finished"))?;
    let duration = line.rsplit(" in ").next()?.trim();
    let mut total = 0.0;
    for part in duration.split_whitespace() {
        if let Some(minutes) = part.strip_suffix('m') {
            total += minutes.parse::<f64>().ok()? * 60.0;
        } else if let Some(secs) = part.strip_suffix('s') {
            total += secs.parse::<f64>().ok()?;
        }
    }
    Some(total)
}

/// Median and range of the per-iteration time of a criterion benchmark, from its `new/`
/// estimates and samples.
fn criterion_stats(dir: &Path) -> Result<Stats, String> {
    let read = |name: &str| -> Result<Value, String> {
        let path: PathBuf = dir.join("new").join(name);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let estimates = read("estimates.json")?;
    let sample = read("sample.json")?;
    let median = estimates["median"]["point_estimate"]
        .as_f64()
        .ok_or("estimates.json has no median")?;
    let per_iteration: Vec<f64> = sample["times"]
        .as_array()
        .zip(sample["iters"].as_array())
        .map(|(times, iters)| {
            times
                .iter()
                .zip(iters)
                .filter_map(|(t, n)| Some(t.as_f64()? / n.as_f64()?))
                .collect()
        })
        .unwrap_or_default();
    let nanos = 1e-9;
    let ranged = Stats::of(if per_iteration.is_empty() {
        vec![median]
    } else {
        per_iteration
    });
    Ok(Stats {
        median: median * nanos,
        min: ranged.min * nanos,
        max: ranged.max * nanos,
    })
}

/// How many operations a spec has (every method of every path).
fn count_operations(spec: &Path) -> Result<usize, String> {
    let document = stripegen::load::read_document(spec).map_err(|e| e.to_string())?;
    let paths = document["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values());
    Ok(paths
        .map(|item| {
            stripegen::ir::Method::ALL
                .iter()
                .filter(|(_, key)| item.get(*key).is_some())
                .count()
        })
        .sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_durations() {
        let out = "   Compiling x v0.1.0\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 1m 02s\n";
        assert_eq!(finished_seconds(out), Some(62.0));
        assert_eq!(
            finished_seconds("    Finished `dev` profile in 9.35s"),
            Some(9.35)
        );
        assert_eq!(finished_seconds("nothing"), None);
    }

    #[test]
    fn reads_the_payload_size_criterion_was_given() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("new")).unwrap();
        let benchmark = r#"{"group_id":"peers_one_session","throughput":{"Bytes":472}}"#;
        std::fs::write(dir.join("new/benchmark.json"), benchmark).unwrap();
        assert_eq!(criterion_bytes(&dir), Some(472));
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(criterion_bytes(&dir), None);
    }

    #[test]
    fn formats_times_and_ratios() {
        let stats = Stats {
            median: 0.62e-6,
            min: 0.6e-6,
            max: 0.7e-6,
        };
        assert_eq!(micros(&stats), "0.62 us (0.60-0.70)");
        assert_eq!(micros(&stats.scaled(100.0)), "62.0 us (60.0-70.0)");
        assert_eq!(times_faster(1.234), "1.23x faster");
        assert_eq!(times_faster(0.86), "0.86x (slower)");
    }

    #[test]
    fn stats_take_the_middle_value() {
        let stats = Stats::of(vec![3.0, 1.0, 2.0]);
        assert_eq!((stats.median, stats.min, stats.max), (2.0, 1.0, 3.0));
    }
}
