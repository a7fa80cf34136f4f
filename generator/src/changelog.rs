//! The generated crate's `CHANGELOG.md`: what changed for Rust code each time the crate is
//! regenerated from a different spec.
//!
//! The crate directory keeps the spec it was generated from, overlays applied, as `openapi.json`
//! (not packaged). The next regeneration compares it with the new spec, and the public API
//! generated from each ([`crate::diff::diff_generated`]), and adds an entry at the top of
//! `CHANGELOG.md`: the Rust API's changes, breaking changes, additions, removals and other
//! changes. When the spec did not change, neither file changes, so
//! a regeneration that changes nothing writes nothing and `--check` stays stable. Everything
//! needed is in the crate directory: no git history, no network.

use std::fmt::Write as _;
use std::path::Path;

use crate::diff::{Change, ChangeKind, SpecDiff};
use crate::error::{Error, Result};
use crate::ir::Api;
use crate::load::{self, Loaded};

/// The spec the crate was generated from (overlays applied), as JSON.
pub const RECORD: &str = "openapi.json";
/// The changelog.
pub const CHANGELOG: &str = "CHANGELOG.md";

const HEADER: &str = "# Changelog

What changed for code using this crate each time it was regenerated from a new Stripe spec, newest
first. Entries are made by the generator from a diff of the old and the new spec; **breaking**
changes are those that may stop code written against the previous version from compiling.
";

/// The changelog entry of one regeneration, and the diff it was made from (`None` for the first
/// generation into a directory, or when the spec is unchanged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// `openapi.json` and `CHANGELOG.md` as they must be after this generation.
    pub files: Vec<(&'static str, String)>,
    /// The spec diff when the spec changed since the recorded one.
    pub diff: Option<SpecDiff>,
    /// Whether an entry was added.
    pub entry_added: bool,
}

/// Compares the spec just loaded with the one recorded in `dir` and returns the new record and
/// changelog.
pub(crate) fn update(
    dir: &Path,
    loaded: &Loaded,
    api: &Api,
    crate_version: &str,
) -> Result<Update> {
    let record = format!("{}\n", serde_json::Value::to_string(&loaded.raw));
    let record_path = dir.join(RECORD);
    let previous_record = read_optional(&record_path)?;
    let previous_changelog = read_optional(&dir.join(CHANGELOG))?;
    let api_version = &loaded.api.info.version;
    let (entry, diff) = match &previous_record {
        Some(previous) if *previous == record => (None, None),
        Some(_) => {
            let old = load::load(&record_path, &[])?;
            let diff = crate::diff::diff_against(&old, loaded, api);
            (Some(entry(&diff, crate_version)), Some(diff))
        }
        None => (
            Some(format!(
                "## {crate_version}\n\nFirst generated, from Stripe API version `{api_version}`.\n"
            )),
            None,
        ),
    };
    let changelog = match (&previous_changelog, &entry) {
        (Some(existing), None) => existing.clone(),
        (None, None) => HEADER.to_string(),
        (existing, Some(entry)) => insert(existing.as_deref().unwrap_or(HEADER), entry),
    };
    Ok(Update {
        files: vec![(RECORD, record), (CHANGELOG, changelog)],
        diff,
        entry_added: entry.is_some(),
    })
}

fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Puts `entry` before the first existing entry (`## ` heading), after the header.
fn insert(changelog: &str, entry: &str) -> String {
    let at = if changelog.starts_with("## ") {
        Some(0)
    } else {
        changelog.find("\n## ").map(|i| i + 1)
    };
    match at {
        Some(at) => format!("{}{entry}\n{}", &changelog[..at], &changelog[at..]),
        None => format!(
            "{}\n{entry}",
            changelog.trim_end_matches('\n').to_owned() + "\n"
        ),
    }
}

/// The Markdown entry for one regeneration: a heading with the crate version, a summary, then
/// the breaking changes, additions, removals and other changes, each grouped by resource.
pub fn entry(diff: &SpecDiff, crate_version: &str) -> String {
    let mut out = format!("## {crate_version}\n\n");
    let version = if diff.old_version == diff.new_version {
        format!(
            "a changed spec of Stripe API version `{}`",
            diff.new_version
        )
    } else {
        format!(
            "Stripe API version `{}` (previously `{}`)",
            diff.new_version, diff.old_version
        )
    };
    let breaking = diff.breaking_count();
    if diff.entries.is_empty() && diff.api_changes.is_empty() {
        let _ = writeln!(
            out,
            "Regenerated from {version}. No change to calls or types (descriptions only)."
        );
        return out;
    }
    let n = diff.entries.len();
    let _ = writeln!(
        out,
        "Regenerated from {version}: {n} change{}, {breaking} breaking.",
        if n == 1 { "" } else { "s" }
    );
    let sections: [Section; 4] = [
        (
            "Breaking changes",
            "Code written against the previous version may stop compiling here:",
            |c| c.breaking,
        ),
        ("Added", "", |c| !c.breaking && added(c.kind)),
        ("Removed", "", |c| !c.breaking && removed(c.kind)),
        ("Changed", "", |c| {
            !c.breaking && !added(c.kind) && !removed(c.kind)
        }),
    ];
    if !diff.api_changes.is_empty() {
        let _ = write!(
            out,
            "\n### Rust API\n\n{}:\n\n{}",
            diff.api_summary(),
            diff.api_markdown()
        );
    }
    for (title, intro, selected) in sections {
        let changes: Vec<&Change> = diff.entries.iter().filter(|c| selected(c)).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = write!(out, "\n### {title}\n\n");
        if !intro.is_empty() {
            let _ = write!(out, "{intro}\n\n");
        }
        for change in changes {
            let _ = write!(
                out,
                "- `{}`: {} `{}`",
                change.resource,
                change.kind.label(),
                change.subject
            );
            if let Some(member) = &change.member {
                let _ = write!(out, " `{member}`");
            }
            if !change.detail.is_empty() {
                let _ = write!(out, " — {}", change.detail);
            }
            out.push('\n');
        }
    }
    out
}

/// A section of an entry: title, introduction, which changes it lists.
type Section = (&'static str, &'static str, fn(&Change) -> bool);

fn added(kind: ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::OperationAdded
            | ChangeKind::SchemaAdded
            | ChangeKind::SchemaEnumValuesAdded
            | ChangeKind::ParameterAdded
            | ChangeKind::ParameterEnumValuesAdded
            | ChangeKind::FieldAdded
            | ChangeKind::FieldEnumValuesAdded
    )
}

fn removed(kind: ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::OperationRemoved
            | ChangeKind::SchemaRemoved
            | ChangeKind::SchemaEnumValuesRemoved
            | ChangeKind::ParameterRemoved
            | ChangeKind::ParameterEnumValuesRemoved
            | ChangeKind::FieldRemoved
            | ChangeKind::FieldEnumValuesRemoved
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_go_above_older_ones() {
        let with_one = insert(HEADER, "## 0.1.0\n\nFirst.\n");
        assert_eq!(with_one, format!("{HEADER}\n## 0.1.0\n\nFirst.\n"));
        let with_two = insert(&with_one, "## 0.2.0\n\nSecond.\n");
        assert_eq!(
            with_two,
            format!("{HEADER}\n## 0.2.0\n\nSecond.\n\n## 0.1.0\n\nFirst.\n")
        );
    }
}
