//! `stripegen::diff`: the semantic diff behind `cargo xtask spec-diff`. Each hand-made pair in
//! `tests/spec_diff/` (`<case>.old.yaml` -> `<case>.new.yaml`) has its exact Markdown report as an
//! insta snapshot in `tests/spec_diff/snapshots/`; the real Stripe releases in `spec/full/` are
//! checked for changes verified by hand.

use std::path::{Path, PathBuf};

use stripegen::diff::{diff, Change, ChangeKind, SpecDiff};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("spec_diff")
}

fn load(path: &Path) -> stripegen::load::Loaded {
    stripegen::load::load(path, &[]).unwrap_or_else(|err| panic!("{err}"))
}

fn diff_case(case: &str) -> SpecDiff {
    let old = load(&dir().join(format!("{case}.old.yaml")));
    let new = load(&dir().join(format!("{case}.new.yaml")));
    diff(&old.api, &new.api)
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let report = diff_case(stringify!($name)).to_markdown();
                insta::with_settings!({ snapshot_path => "../spec_diff/snapshots", prepend_module_to_snapshot => false }, {
                    insta::assert_snapshot!(stringify!($name), report);
                });
            }
        )*

        /// Every pair in `tests/spec_diff/` has a snapshot test above.
        #[test]
        fn every_case_has_a_snapshot_test() {
            let tested = [$(stringify!($name)),*];
            for entry in std::fs::read_dir(dir()).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                if let Some(case) = name.strip_suffix(".old.yaml") {
                    assert!(tested.contains(&case), "{name} has no snapshot test");
                    assert!(dir().join(format!("{case}.new.yaml")).exists(), "{name} has no new side");
                }
            }
        }
    };
}

cases!(operations, parameters, fields, schemas, unusual);

/// Finds the one entry for (resource, subject, member, kind).
fn entry<'d>(
    diff: &'d SpecDiff,
    resource: &str,
    subject: &str,
    member: Option<&str>,
    kind: ChangeKind,
) -> &'d Change {
    let found: Vec<&Change> = diff
        .entries
        .iter()
        .filter(|c| {
            c.resource == resource
                && c.subject == subject
                && c.member.as_deref() == member
                && c.kind == kind
        })
        .collect();
    match found.as_slice() {
        [one] => one,
        _ => {
            panic!("expected one {kind:?} of {subject} {member:?} in {resource}, found {found:#?}")
        }
    }
}

#[test]
fn a_spec_has_no_differences_with_itself() {
    for case in ["operations", "parameters", "fields", "schemas", "unusual"] {
        let spec = load(&dir().join(format!("{case}.new.yaml")));
        let same = diff(&spec.api, &spec.api);
        assert!(same.entries.is_empty(), "{case}: {:#?}", same.entries);
    }
    let spec = load(&dir().join("fields.old.yaml"));
    assert_eq!(
        diff(&spec.api, &spec.api).to_markdown(),
        "0 changes, 0 breaking (`2024-01-01.old` → `2024-01-01.old`)\n"
    );
}

#[test]
fn entries_are_sorted_and_json_matches_markdown() {
    let diff = diff_case("parameters");
    let mut sorted = diff.entries.clone();
    sorted.sort();
    assert_eq!(diff.entries, sorted);
    let json: serde_json::Value = serde_json::from_str(&diff.to_json()).unwrap();
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), diff.entries.len());
    let first = &entries[0];
    assert_eq!(first["resource"], "widgets");
    assert_eq!(first["kind"], "parameter_required_changed");
    assert_eq!(first["member"], "color");
    assert_eq!(first["breaking"], true);
}

/// Any two specs, however unusual, are diffed without a panic, in both directions. The specs are
/// parsed without the loader's checks, so dangling references and shapes the generator rejects
/// get through too.
#[test]
fn never_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("../spec/stripe.yaml")];
    for sub in ["fixtures", "malformed", "spec_diff"] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
            .collect();
        entries.sort();
        files.extend(entries);
    }
    let mut specs = Vec::new();
    for file in &files {
        let Ok(doc) = stripegen::load::read_document(file) else {
            continue;
        };
        if let Ok(api) = serde_json::from_value(doc) {
            specs.push(api);
        }
    }
    let dangling = serde_json::json!({
        "openapi": "3.0.0",
        "info": {"title": "dangling", "version": "x"},
        "paths": {
            "/v1/a": {"$ref": "#/paths/nowhere"},
            "/v1/b": {"post": {
                "parameters": [{"$ref": "#/components/parameters/nowhere"}],
                "requestBody": {"$ref": "#/components/requestBodies/nowhere"},
                "responses": {"200": {"$ref": "#/components/responses/nowhere"}}
            }}
        },
        "components": {"schemas": {
            "loop": {"$ref": "#/components/schemas/loop"},
            "deep": {"type": "object", "properties": {"a": {"type": "array", "items": {"anyOf": [
                {"type": "object", "properties": {"b": {"allOf": [{"not": {"$ref": "#/x"}}]}}},
                {"type": "object", "additionalProperties": {"type": "object", "properties": {"c": {}}}}
            ]}}}}
        }}
    });
    specs.push(serde_json::from_value(dangling).unwrap());
    assert!(specs.len() > 20, "only {} specs parsed", specs.len());
    for old in &specs {
        for new in &specs {
            let diff = diff(old, new);
            let _ = diff.to_markdown();
            let _ = diff.to_json();
        }
    }
}

/// v450 (API 2022-11-15) -> v524 (2023-08-16). Each assertion below was checked against the two
/// YAML files by hand (grep and a Python script reading them).
#[test]
fn real_stripe_releases() {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/full");
    let old = load(&full.join("spec3-v450.yaml"));
    let new = load(&full.join("spec3-v524.yaml"));
    // How long this takes is measured by `cargo bench -p stripegen --bench generate`.
    let diff = diff(&old.api, &new.api);

    // `/v1/payment_method_domains` only exists in v524.
    let op = entry(
        &diff,
        "payment_method_domains",
        "POST /v1/payment_method_domains",
        None,
        ChangeKind::OperationAdded,
    );
    assert!(!op.breaking);
    assert_eq!(op.detail, "`PostPaymentMethodDomains`");
    // `mandate_blik` is gone from v524's components, and `mandate_payment_method_details.blik`
    // with it.
    assert!(
        entry(
            &diff,
            "mandate_blik",
            "mandate_blik",
            None,
            ChangeKind::SchemaRemoved
        )
        .breaking
    );
    let field = entry(
        &diff,
        "mandate_payment_method_details",
        "mandate_payment_method_details",
        Some("blik"),
        ChangeKind::FieldRemoved,
    );
    assert!(field.breaking);
    // `dispute.payment_method_details` (`$ref dispute_payment_method_details`, optional) is new.
    let field = entry(
        &diff,
        "dispute",
        "dispute",
        Some("payment_method_details"),
        ChangeKind::FieldAdded,
    );
    assert!(!field.breaking);
    assert_eq!(field.detail, "optional `dispute_payment_method_details`");
    // `product.features` is new and required: still no break, response structs are non-exhaustive.
    let field = entry(
        &diff,
        "product",
        "product",
        Some("features"),
        ChangeKind::FieldAdded,
    );
    assert_eq!(
        (field.detail.as_str(), field.breaking),
        ("required `array<product_feature>`", false)
    );
    // The iDEAL bank `n26` is new; `charge_refunded` left the dispute statuses.
    let values = entry(
        &diff,
        "payment_method_details_ideal",
        "payment_method_details_ideal",
        Some("bank"),
        ChangeKind::FieldEnumValuesAdded,
    );
    assert_eq!((values.detail.as_str(), values.breaking), ("`n26`", false));
    let values = entry(
        &diff,
        "dispute",
        "dispute",
        Some("status"),
        ChangeKind::FieldEnumValuesRemoved,
    );
    assert_eq!(
        (values.detail.as_str(), values.breaking),
        ("`charge_refunded`", true)
    );
    // `GET /v1/terminal/readers` gained the optional query parameter `serial_number`.
    let param = entry(
        &diff,
        "terminal",
        "GET /v1/terminal/readers",
        Some("serial_number"),
        ChangeKind::ParameterAdded,
    );
    assert_eq!(
        (param.detail.as_str(), param.breaking),
        ("optional `string` in query", false)
    );
    // `invoiceitem.updated` can no longer be subscribed to (223 instead of 224 events).
    let values = entry(
        &diff,
        "webhook_endpoints",
        "POST /v1/webhook_endpoints",
        Some("enabled_events"),
        ChangeKind::ParameterEnumValuesRemoved,
    );
    assert_eq!(
        (values.detail.as_str(), values.breaking),
        ("`invoiceitem.updated`", true)
    );
    // `payment_method_details_card.three_d_secure`: `anyOf [$ref three_d_secure_details]` ->
    // `anyOf [$ref three_d_secure_details_charge]`, nullable both times.
    let field = entry(
        &diff,
        "payment_method_details_card",
        "payment_method_details_card",
        Some("three_d_secure"),
        ChangeKind::FieldTypeChanged,
    );
    assert_eq!(
        field.detail,
        "`three_d_secure_details` → `three_d_secure_details_charge`"
    );
    assert!(field.breaking);
    // Nothing was removed from `paths`.
    assert!(!diff
        .entries
        .iter()
        .any(|c| c.kind == ChangeKind::OperationRemoved));

    // The totals are a regression guard (the two files are fixed), not checked by hand.
    let markdown = diff.to_markdown();
    assert_eq!(markdown.lines().next(), Some(diff.summary().as_str()));
    assert!(markdown.starts_with("111 changes, 27 breaking (`2022-11-15` → `2023-08-16`)\n"));
    let json: serde_json::Value = serde_json::from_str(&diff.to_json()).unwrap();
    assert_eq!(
        json["entries"].as_array().unwrap().len(),
        diff.entries.len()
    );
    assert_eq!(json["old_version"], "2022-11-15");
    assert_eq!(json["new_version"], "2023-08-16");
}

/// `spec-diff` runs on every consecutive pair of the releases the project keeps, 2018 to 2023
/// (`stripegen_tests::RELEASES`), and reports changes for each.
#[test]
fn every_consecutive_pair_of_releases() {
    let releases: Vec<_> = stripegen_tests::RELEASES
        .iter()
        .map(|release| load(&stripegen_tests::workspace().join(release)))
        .collect();
    for (pair, names) in releases
        .windows(2)
        .zip(stripegen_tests::RELEASES.windows(2))
    {
        let diff = diff(&pair[0].api, &pair[1].api);
        let (markdown, json) = (diff.to_markdown(), diff.to_json());
        assert!(!diff.entries.is_empty(), "{names:?}: no changes found");
        assert!(markdown.starts_with(&diff.summary()), "{names:?}");
        assert!(json.starts_with("{"), "{names:?}");
    }
}
