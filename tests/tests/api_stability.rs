//! A spec update changes only what Stripe changed. Over consecutive releases of Stripe's spec
//! (`spec/history/consecutive/`, v162 to v165) and over the whole published API, every item of the
//! generated public API that is removed, moved, renamed or changed must be explained by a change
//! of the spec that spec-diff marks breaking, at the same place (the schema or operation the item
//! comes from). And a release that only adds things (a new endpoint in a new module that returns
//! existing resources, a new resource whose Rust name collides with an existing one, new fields,
//! enum values and event types) must leave every existing item exactly as it was.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use stripegen::diff::{diff_generated, ApiChange, ApiChangeKind, SpecDiff};
use stripegen::load::{load, overlay_files, Loaded};
use stripegen_tests::workspace;

fn load_spec(spec: &Path, overlays: &[PathBuf]) -> Loaded {
    load(spec, overlays).unwrap_or_else(|err| panic!("{err}"))
}

/// The breaking API changes no breaking spec change explains, as readable lines.
fn unexplained(diff: &SpecDiff) -> Vec<String> {
    assert!(
        diff.api_not_compared.is_none(),
        "public API not compared: {:?}",
        diff.api_not_compared
    );
    let breaking_subjects: BTreeSet<&str> = diff
        .entries
        .iter()
        .filter(|c| c.breaking)
        .map(|c| c.subject.as_str())
        .collect();
    diff.api_changes
        .iter()
        .filter(|c| c.breaking && !breaking_subjects.contains(c.origin.as_str()))
        .map(|c| format!("{c:?}"))
        .collect()
}

#[test]
fn consecutive_releases_change_only_what_the_spec_breaks() {
    let dir = workspace().join("spec/history/consecutive");
    let releases = ["v162", "v163", "v164", "v165"]
        .map(|v| load_spec(&dir.join(format!("spec3-{v}.yaml")), &[]));
    let mut report = Vec::new();
    for pair in releases.windows(2) {
        let diff = diff_generated(&pair[0], &pair[1]);
        println!(
            "{} -> {}: {}",
            pair[0].file.display(),
            pair[1].file.display(),
            diff.summary()
        );
        if diff.breaking_count() == 0 {
            let breaking: Vec<&ApiChange> =
                diff.api_changes.iter().filter(|c| c.breaking).collect();
            assert!(
                breaking.is_empty(),
                "an additive release broke the public API: {breaking:#?}"
            );
        }
        report.extend(unexplained(&diff));
    }
    assert!(
        report.is_empty(),
        "breaking API changes without a breaking spec change:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_whole_api_changes_only_where_the_spec_breaks() {
    let dir = workspace().join("spec/full");
    let old = load_spec(&dir.join("spec3-v450.yaml"), &[]);
    let new = load_spec(&dir.join("spec3-v524.yaml"), &[]);
    let diff = diff_generated(&old, &new);
    println!("v450 -> v524: {}", diff.summary());
    let report = unexplained(&diff);
    assert!(
        report.is_empty(),
        "breaking API changes without a breaking spec change:\n{}",
        report.join("\n")
    );
}

/// The crate's own spec, with `extra` overlays after the project's.
fn seed_spec(extra: &[&str]) -> Loaded {
    let root = workspace();
    let mut overlays = overlay_files(&root.join("spec/overlays")).unwrap();
    overlays.extend(
        extra
            .iter()
            .map(|name| root.join("tests/stability").join(name)),
    );
    load_spec(&root.join("spec/stripe.yaml"), &overlays)
}

#[test]
fn an_additive_release_leaves_the_public_api_untouched() {
    let before = seed_spec(&[]);
    let after = seed_spec(&["additive.yaml"]);
    let diff = diff_generated(&before, &after);
    println!("{}", diff.to_markdown());
    let not_additions: Vec<&ApiChange> = diff
        .api_changes
        .iter()
        .filter(|c| c.kind != ApiChangeKind::Added)
        .collect();
    assert!(
        not_additions.is_empty(),
        "an additive change removed, moved, renamed or retyped: {not_additions:#?}"
    );
    // The additions are all there, so the overlay did what it says.
    let added: BTreeSet<&str> = diff.api_changes.iter().map(|c| c.path.as_str()).collect();
    for expected in [
        "identity::VerificationSession::retrieve_identity_session",
        "identity::VerificationSession::list_identity_sessions",
        "identity::IdentityVerificationSessionRedaction",
        "identity::VerificationSessionStatus::Escalated",
        "identity::VerificationSession.escalation_reason",
        "events::EventType::IdentityVerificationSessionEscalated",
    ] {
        assert!(
            added.contains(expected),
            "{expected} was not added: {added:#?}"
        );
    }
}
