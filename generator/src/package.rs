//! The generated crate as a package: its `Cargo.toml` (name, version, `publish` and `repository`
//! from [`Config`]), `README.md` (also the crate's rustdoc) and `LICENSE`.

use crate::ir::{Api, ALL_MODULES_FEATURE};
use crate::Config;

const CARGO_TOML: &str = include_str!("../../templates/Cargo.toml.in");
const README: &str = include_str!("../../templates/README.md.in");
const LICENSE: &str = include_str!("../../templates/LICENSE.in");

/// The features `templates/Cargo.toml.in` declares for the runtime (TLS, webhooks, ...), which no
/// module feature may take: the keys of `[features]` above the module features.
pub(crate) fn runtime_features() -> impl Iterator<Item = &'static str> {
    CARGO_TOML
        .lines()
        .skip_while(|line| line.trim() != "[features]")
        .skip(1)
        .take_while(|line| !line.starts_with('@') && !line.starts_with('['))
        .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim()))
        .filter(|key| !key.starts_with('#'))
}

/// The `rust-version` of the generated crate: the newest `rust-version` among its dependencies'
/// oldest accepted releases (see README.md, "Minimum supported Rust version").
pub const RUST_VERSION: &str = "1.85";

/// The crate's version: `config.crate_version` with the spec's `info.version` as build metadata
/// (`0.2.0+2026-09-30.endive`).
pub fn crate_version(config: &Config, api_version: &str) -> String {
    let metadata = build_metadata(api_version);
    if metadata.is_empty() {
        config.crate_version.clone()
    } else {
        format!("{}+{metadata}", config.crate_version)
    }
}

/// `info.version` as semver build metadata: dot-separated identifiers of ASCII letters, digits and
/// `-`. Stripe's versions (`2026-09-30.endive`, `2022-11-15`) pass unchanged; any other character
/// becomes `-`, and empty identifiers are dropped.
pub fn build_metadata(api_version: &str) -> String {
    api_version
        .split('.')
        .map(|part| {
            part.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect::<String>()
        })
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// Checks that `version` is `MAJOR.MINOR.PATCH` with an optional pre-release, and no build
/// metadata (the generator adds the API version there).
pub fn check_version(version: &str) -> Result<(), String> {
    let (core, pre) = match version.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (version, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let number_ok = |n: &&str| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n.len() == 1 || !n.starts_with('0'))
    };
    let pre_ok = pre.is_none_or(|pre| {
        pre.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    });
    if numbers.len() == 3 && numbers.iter().all(number_ok) && pre_ok {
        Ok(())
    } else {
        Err(format!(
            "crate version `{version}` is not MAJOR.MINOR.PATCH[-PRE] (the generator appends the \
             API version as build metadata)"
        ))
    }
}

/// `Cargo.toml`, `README.md` and `LICENSE`.
pub(crate) fn files(config: &Config, api: &Api) -> Vec<(&'static str, String)> {
    let version = crate_version(config, &api.version);
    let repository = match &config.repository {
        Some(url) => format!("repository = {}\n", toml_string(url)),
        None => String::new(),
    };
    let cargo_toml = CARGO_TOML
        .replace("@CRATE_NAME@", &config.crate_name)
        .replace("@VERSION@", &version)
        .replace("@RUST_VERSION@", RUST_VERSION)
        .replace("@PUBLISH@", if config.publish { "true" } else { "false" })
        .replace("@API_VERSION@", &api.version.replace(['"', '\\'], ""))
        .replace("@REPOSITORY@", &repository)
        .replace("@MODULE_FEATURES@", &module_features(api));
    let modules: Vec<String> = api
        .modules
        .iter()
        .map(|m| format!("`{}`", m.name))
        .collect();
    let module_features: Vec<String> = api
        .modules
        .iter()
        .filter_map(|m| m.feature.as_ref())
        .map(|f| format!("`{f}`"))
        .collect();
    let example_module = api
        .modules
        .iter()
        .filter_map(|m| m.feature.as_deref())
        .find(|f| *f == "identity")
        .or_else(|| api.modules.iter().find_map(|m| m.feature.as_deref()))
        .unwrap_or(ALL_MODULES_FEATURE);
    let readme = README
        .replace("@CRATE_NAME@", &config.crate_name)
        .replace("@CRATE_IDENT@", &config.crate_name.replace('-', "_"))
        .replace("@SHORT_VERSION@", &config.crate_version)
        .replace("@VERSION@", &version)
        .replace("@RUST_VERSION@", RUST_VERSION)
        .replace("@API_VERSION@", &api.version)
        .replace("@MODULES@", &modules.join(", "))
        .replace("@MODULE_FEATURES@", &module_features.join(", "))
        .replace("@EXAMPLE_MODULE@", example_module);
    vec![
        ("Cargo.toml", cargo_toml),
        ("README.md", readme),
        ("LICENSE", LICENSE.to_string()),
    ]
}

/// The `[features]` entries of the modules: `all-modules`, one feature per module with calls or
/// resources (turning on the aliases of the gates that name it), and the aliases.
fn module_features(api: &Api) -> String {
    let features: Vec<&str> = api
        .modules
        .iter()
        .filter_map(|m| m.feature.as_deref())
        .collect();
    let list = |names: &[&str]| {
        let quoted: Vec<String> = names.iter().map(|n| toml_string(n)).collect();
        format!("[{}]", quoted.join(", "))
    };
    let mut text = format!("{ALL_MODULES_FEATURE} = {}\n", list(&features));
    for module in &api.modules {
        let Some(feature) = &module.feature else {
            continue;
        };
        let aliases: Vec<&str> = api
            .feature_aliases
            .iter()
            .filter(|alias| alias.enabled_by.contains(feature))
            .map(|alias| alias.name.as_str())
            .collect();
        text.push_str(&format!(
            "## The calls of `{}` and the types they use.\n{feature} = {}\n",
            module.name,
            list(&aliases)
        ));
    }
    for alias in &api.feature_aliases {
        text.push_str(&format!(
            "## Private (on with any of {}): the types those modules' calls share.\n{} = []\n",
            alias.enabled_by.join(", "),
            alias.name
        ));
    }
    text
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_become_build_metadata() {
        assert_eq!(build_metadata("2026-09-30.endive"), "2026-09-30.endive");
        assert_eq!(build_metadata("2022-11-15"), "2022-11-15");
        assert_eq!(build_metadata("2024-04-10; preview"), "2024-04-10--preview");
        assert_eq!(build_metadata("v1..2_x"), "v1.2-x");
        assert_eq!(build_metadata(""), "");
    }

    #[test]
    fn runtime_features_are_read_from_the_manifest_template() {
        let features: Vec<&str> = runtime_features().collect();
        assert_eq!(
            features,
            [
                "default",
                "rustls",
                "rustls-ring",
                "native-tls",
                "http2",
                "webhooks",
                "blocking",
                "deserialize-params"
            ]
        );
    }

    #[test]
    fn crate_versions_are_checked() {
        for ok in ["0.2.0", "1.0.0", "10.20.30", "0.3.0-beta.1"] {
            assert_eq!(check_version(ok), Ok(()), "{ok}");
        }
        for bad in [
            "0.2",
            "0.2.0+x",
            "01.2.3",
            "a.b.c",
            "0.2.0-",
            "0.2.0-a..b",
            "",
        ] {
            assert!(check_version(bad).is_err(), "{bad}");
        }
    }
}
