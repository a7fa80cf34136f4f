//! `cargo xtask crate-checks`: the generated crate as its users get it.
//!
//! 1. `cargo check -p stripe-api` with warnings denied, with no default features, with each
//!    feature alone (every module feature too: nothing it leaves out may be needed, and no
//!    import may go unused), with `rustls,identity`, and with all of them (the
//!    features are read from `generated/Cargo.toml`, so a new one is covered; the private
//!    `_types-N` aliases are only ever turned on by module features).
//! 2. `tests/consumer/`, a crate outside the workspace that depends on `generated/` by path, is
//!    built and run with the generated crate's default features and with
//!    `--no-default-features --features native-tls,webhooks,identity` (the one module it uses).
//! 3. The consumer's dependency graph (resolved by Cargo's MSRV-aware resolver for the generated
//!    crate's `rust-version`) holds no package that declares a newer `rust-version`.
//! 4. `cargo tree -d` for the consumer with default features shows no duplicated package.
//! 5. A copy of the consumer is built the way a new user builds: no lockfile, the newest
//!    compatible release of every dependency whatever its `rust-version`, warnings denied
//!    (`RUSTFLAGS=-D warnings`, which Cargo applies to the path crates, not to crates.io ones).
//!    It runs with default features, with `--no-default-features --features identity` and with
//!    `blocking` added. This is the one lockfile-free build CI makes, on purpose: every other
//!    crate shares the workspace's `Cargo.lock`. A new dependency release that breaks users
//!    (a deprecation, a new lint) fails here first.
//! 6. `cargo package -p stripe-api` (which builds the packaged crate on its own) succeeds.
//! 7. `cargo doc -p stripe-api --all-features` has no warning (`RUSTDOCFLAGS=-D warnings`): the
//!    docs users read (spec descriptions turned into rustdoc, module overviews, links) are sound.
//!
//! Everything builds in `target/crate-checks`, apart from the workspace's own builds (whose
//! dependencies have the features of every workspace member unified).

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

pub fn run(root: &Path) -> Result<ExitCode, String> {
    let started = Instant::now();
    let manifest = std::fs::read_to_string(root.join("generated/Cargo.toml"))
        .map_err(|e| format!("generated/Cargo.toml: {e}"))?;
    let features = features(&manifest);
    let rust_version = value_of(&manifest, "rust-version")
        .ok_or("generated/Cargo.toml declares no rust-version")?;
    let consumer = root.join("tests/consumer/Cargo.toml");
    let target = crate::target_dir().join("crate-checks");

    let mut combinations: Vec<Vec<String>> = vec![Vec::new()];
    combinations.extend(features.iter().map(|f| vec![f.clone()]));
    // What a project using one module names (the consumer below adds `webhooks`).
    let modules = modules(&manifest);
    if let Some(module) = modules
        .iter()
        .find(|m| *m == "identity")
        .or(modules.first())
    {
        combinations.push(vec!["rustls".into(), module.clone()]);
    }
    combinations.push(features.clone());
    for combination in &combinations {
        // `cargo rustc` denies warnings in the generated crate alone: `RUSTFLAGS` would rebuild
        // every dependency apart from the consumer's builds below.
        let mut command = cargo(root);
        command.args([
            "rustc",
            "--quiet",
            "--profile",
            "check",
            "--package",
            "stripe-api",
            "--no-default-features",
        ]);
        command.arg("--target-dir").arg(&target);
        if !combination.is_empty() {
            command.arg("--features").arg(combination.join(","));
        }
        command.args(["--", "-D", "warnings"]);
        let label = if combination.is_empty() {
            "no features".to_string()
        } else {
            combination.join(",")
        };
        step(
            &format!("cargo check -p stripe-api ({label})"),
            &mut command,
        )?;
    }

    let mut doc = cargo(root);
    doc.args([
        "doc",
        "--quiet",
        "--no-deps",
        "--package",
        "stripe-api",
        "--all-features",
    ]);
    doc.arg("--target-dir").arg(&target);
    doc.env("RUSTDOCFLAGS", "-D warnings");
    step(
        "cargo doc -p stripe-api (all features, -D warnings)",
        &mut doc,
    )?;

    for features in [None, Some("native-tls,webhooks,identity")] {
        let mut command = cargo(root);
        command.args(["run", "--quiet", "--manifest-path"]);
        command.arg(&consumer).arg("--target-dir").arg(&target);
        if let Some(features) = features {
            command.args(["--no-default-features", "--features", features]);
        }
        let label = features.map_or("default features".to_string(), |f| format!("only {f}"));
        step(&format!("tests/consumer ({label})"), &mut command)?;
    }

    let metadata = output(
        cargo(root)
            .args(["metadata", "--format-version", "1", "--manifest-path"])
            .arg(&consumer),
    )?;
    let metadata: serde_json::Value =
        serde_json::from_str(&metadata).map_err(|e| format!("cargo metadata: {e}"))?;
    let too_new: Vec<String> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|package| {
            let declared = package["rust_version"].as_str()?;
            (version_key(declared) > version_key(rust_version)).then(|| {
                format!(
                    "{} {} (rust-version {declared})",
                    package["name"].as_str().unwrap_or("?"),
                    package["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect();
    if !too_new.is_empty() {
        return Err(format!(
            "the consumer's dependencies need a newer Rust than the declared rust-version \
             {rust_version}: {}",
            too_new.join(", ")
        ));
    }
    println!("every dependency of the consumer supports Rust {rust_version}");

    let duplicates = output(
        cargo(root)
            .args([
                "tree",
                "--duplicates",
                "--edges",
                "normal",
                "--manifest-path",
            ])
            .arg(&consumer),
    )?;
    if !duplicates.trim().is_empty() {
        return Err(format!(
            "duplicated packages for the consumer:\n{duplicates}"
        ));
    }
    println!("cargo tree -d for the consumer: no duplicates");

    new_user_consumer(root, &target)?;

    step(
        "cargo package -p stripe-api",
        cargo(root)
            .args([
                "package",
                "--quiet",
                "--package",
                "stripe-api",
                "--allow-dirty",
            ])
            .arg("--target-dir")
            .arg(&target),
    )?;
    println!("crate checks passed in {:.0?}", started.elapsed());
    Ok(ExitCode::SUCCESS)
}

/// Step 5: a copy of `tests/consumer/` in `target/new-user-consumer`, resolved afresh and built
/// with warnings denied, for each feature set a new user starts from.
fn new_user_consumer(root: &Path, target: &Path) -> Result<(), String> {
    let dir = target.join("new-user-consumer");
    let generated = root.join("generated");
    let generated = generated
        .to_str()
        .ok_or("the checkout's path is not UTF-8")?;
    let manifest = std::fs::read_to_string(root.join("tests/consumer/Cargo.toml"))
        .map_err(|e| format!("tests/consumer/Cargo.toml: {e}"))?;
    let local_path = r#"path = "../../generated""#;
    if !manifest.contains(local_path) {
        return Err(format!("tests/consumer/Cargo.toml has no `{local_path}`"));
    }
    let manifest = manifest.replace(local_path, &format!("path = {generated:?}"));
    let source = std::fs::read_to_string(root.join("tests/consumer/src/main.rs"))
        .map_err(|e| format!("tests/consumer/src/main.rs: {e}"))?;
    let _ = std::fs::remove_file(dir.join("Cargo.lock"));
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    std::fs::write(dir.join("Cargo.toml"), manifest)
        .and_then(|()| std::fs::write(dir.join("src/main.rs"), source))
        .map_err(|e| format!("{}: {e}", dir.display()))?;

    let new_user_cargo = || {
        let mut command = cargo(root);
        command
            .env("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "allow")
            .env("RUSTFLAGS", "-D warnings")
            .arg("--quiet");
        command
    };
    step(
        "new-user consumer: cargo generate-lockfile (newest versions)",
        new_user_cargo()
            .arg("generate-lockfile")
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml")),
    )?;
    for (label, features) in [
        ("default features", &[][..]),
        (
            "default-features = false, identity",
            &["--no-default-features", "--features", "identity"][..],
        ),
        (
            "default features and blocking",
            &["--features", "blocking"][..],
        ),
    ] {
        step(
            &format!("new-user consumer, -D warnings ({label})"),
            new_user_cargo()
                .arg("run")
                .arg("--manifest-path")
                .arg(dir.join("Cargo.toml"))
                .arg("--target-dir")
                .arg(target.join("new-user"))
                .args(features),
        )?;
    }
    Ok(())
}

fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root);
    command
}

/// Runs `command`, failing when it does; prints how long it took.
fn step(label: &str, command: &mut Command) -> Result<(), String> {
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("{label}: cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("{label}: {status}"));
    }
    println!("{label}: ok in {:.1?}", started.elapsed());
    Ok(())
}

/// Runs `command` and returns its standard output.
fn output(command: &mut Command) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{command:?}: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The features of a `Cargo.toml` (`[features]` keys other than `default` and private ones).
fn features(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[features]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim()))
        .filter(|key| !key.starts_with('#') && !key.starts_with('_') && *key != "default")
        .map(str::to_owned)
        .collect()
}

/// The module features: what `all-modules` turns on.
fn modules(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("all-modules = ["))
        .and_then(|list| list.strip_suffix(']'))
        .map(|list| {
            list.split(", ")
                .map(|f| f.trim_matches('"').to_owned())
                .filter(|f| !f.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The string value of `key = "..."` in a `Cargo.toml`.
fn value_of<'m>(manifest: &'m str, key: &str) -> Option<&'m str> {
    manifest.lines().find_map(|line| {
        line.strip_prefix(key)?
            .trim_start()
            .strip_prefix("= \"")?
            .strip_suffix('"')
    })
}

/// `1.85` -> `[1, 85, 0]`, so versions compare numerically.
fn version_key(version: &str) -> Vec<u64> {
    let mut key: Vec<u64> = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    key.resize(3, 0);
    key
}
