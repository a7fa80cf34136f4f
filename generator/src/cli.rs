//! The command-line options that the `stripegen` binary and `cargo xtask` share, as `clap`
//! argument groups each command flattens into its own: [`SpecOptions`] (what to generate from)
//! and [`PackageOptions`] (the generated crate's package metadata).

use std::path::PathBuf;

use crate::{load, Config, Result};

/// `--spec FILE [--overlay PATH]...`: the spec and the overlays that repair or amend it.
#[derive(Debug, Clone, clap::Args)]
pub struct SpecOptions {
    /// The OpenAPI spec to generate from, YAML or JSON
    #[arg(long, value_name = "FILE")]
    pub spec: PathBuf,
    /// Overlay file to apply, or a directory: its overlay files by name (repeatable, in order)
    #[arg(long, value_name = "PATH")]
    pub overlay: Vec<PathBuf>,
}

impl SpecOptions {
    /// The overlay files in the order they apply: each `--overlay` file as given, each directory
    /// replaced by its overlay files ([`load::overlay_files`]).
    pub fn overlay_files(&self) -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        for path in &self.overlay {
            if path.is_dir() {
                files.extend(load::overlay_files(path)?);
            } else {
                files.push(path.clone());
            }
        }
        Ok(files)
    }
}

/// The package options: each given one overrides the [`Config`] field of the same name.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PackageOptions {
    /// Package name of the generated crate
    #[arg(long, value_name = "NAME")]
    pub crate_name: Option<String>,
    /// Version of the generated crate, X.Y.Z[-PRE] (plus the spec's version as build metadata)
    #[arg(long, value_name = "X.Y.Z")]
    pub crate_version: Option<String>,
    /// Let `cargo publish` publish the generated crate
    #[arg(long, overrides_with = "no_publish")]
    pub publish: bool,
    /// Mark the generated crate `publish = false`
    #[arg(long, overrides_with = "publish")]
    pub no_publish: bool,
    /// `repository` URL in the generated crate's Cargo.toml
    #[arg(long, value_name = "URL")]
    pub repository: Option<String>,
}

impl PackageOptions {
    /// Sets the fields of `config` these options give; the last of `--publish` and
    /// `--no-publish` wins.
    pub fn apply(&self, config: &mut Config) {
        if let Some(name) = &self.crate_name {
            config.crate_name.clone_from(name);
        }
        if let Some(version) = &self.crate_version {
            config.crate_version.clone_from(version);
        }
        if self.publish {
            config.publish = true;
        }
        if self.no_publish {
            config.publish = false;
        }
        if let Some(repository) = &self.repository {
            config.repository = Some(repository.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::PackageOptions;
    use crate::Config;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        package: PackageOptions,
    }

    /// `Config::default()` with the package options of `args` applied.
    fn configured(args: &[&str]) -> Config {
        let command = Command::try_parse_from(std::iter::once("test").chain(args.iter().copied()))
            .expect("the options parse");
        let mut config = Config::default();
        command.package.apply(&mut config);
        config
    }

    #[test]
    fn options_override_only_what_they_name() {
        let config = configured(&[]);
        assert_eq!(
            (config.crate_name.as_str(), config.crate_version.as_str()),
            ("stripe-api", "0.1.0")
        );
        assert!(!config.publish && config.repository.is_none());

        let config = configured(&[
            "--crate-name",
            "stripe-x",
            "--crate-version",
            "1.4.0",
            "--repository",
            "https://example.com/x",
            "--publish",
        ]);
        assert_eq!(config.crate_name, "stripe-x");
        assert_eq!(config.crate_version, "1.4.0");
        assert_eq!(config.repository.as_deref(), Some("https://example.com/x"));
        assert!(config.publish);
    }

    #[test]
    fn the_last_of_publish_and_no_publish_wins() {
        assert!(!configured(&["--publish", "--no-publish"]).publish);
        assert!(configured(&["--no-publish", "--publish"]).publish);
        let mut config = Config {
            publish: true,
            ..Config::default()
        };
        Command::parse_from(["test", "--no-publish"])
            .package
            .apply(&mut config);
        assert!(!config.publish);
    }
}
