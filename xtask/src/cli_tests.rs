//! `cargo xtask`'s command line: every task parses as it did before clap.

use clap::{CommandFactory, Parser};

use crate::{Task, Xtask};

fn parse(args: &[&str]) -> Result<Task, clap::Error> {
    Xtask::try_parse_from(std::iter::once("xtask").chain(args.iter().copied())).map(|x| x.task)
}

#[test]
fn command_line_is_consistent() {
    Xtask::command().debug_assert();
}

#[test]
fn regenerate_takes_check_and_the_package_options() {
    let Ok(Task::Regenerate { check, package }) = parse(&[
        "regenerate",
        "--check",
        "--crate-version",
        "1.0.0",
        "--no-publish",
    ]) else {
        panic!("regenerate parses");
    };
    assert!(check && package.no_publish && !package.publish);
    assert_eq!(package.crate_version.as_deref(), Some("1.0.0"));
    assert!(matches!(
        parse(&["regenerate"]),
        Ok(Task::Regenerate { check: false, .. })
    ));
}

#[test]
fn spec_diff_takes_json_before_or_after_the_specs() {
    for args in [
        ["spec-diff", "old.yaml", "new.yaml", "--json"],
        ["spec-diff", "--json", "old.yaml", "new.yaml"],
    ] {
        let Ok(Task::SpecDiff { old, new, json }) = parse(&args) else {
            panic!("{args:?} parses");
        };
        assert_eq!(
            (old.to_str(), new.to_str(), json),
            (Some("old.yaml"), Some("new.yaml"), true)
        );
    }
    assert!(parse(&["spec-diff", "old.yaml"]).is_err());
}

#[test]
fn full_api_takes_overlays_and_fixtures() {
    let Ok(Task::FullApi(task)) = parse(&[
        "full-api",
        "--spec",
        "spec.yaml",
        "--overlay",
        "a.yaml",
        "--out",
        "out",
        "--overlay",
        "dir",
        "--exercise",
        "fixtures.json",
    ]) else {
        panic!("full-api parses");
    };
    assert_eq!(
        task.source.overlay,
        ["a.yaml", "dir"].map(std::path::PathBuf::from)
    );
    assert_eq!(task.exercise.as_deref(), Some("fixtures.json".as_ref()));
    assert!(!task.generate_only);
    assert!(parse(&["full-api", "--spec", "spec.yaml"]).is_err());
    assert!(matches!(
        parse(&["full-api", "--spec", "spec.yaml", "--out", "out", "--generate-only"]),
        Ok(Task::FullApi(task)) if task.generate_only
    ));
    let both = [
        "--out",
        "out",
        "--generate-only",
        "--exercise",
        "fixtures.json",
    ];
    assert!(parse(&[&["full-api", "--spec", "spec.yaml"][..], &both].concat()).is_err());
}

#[test]
fn bench_runs_default_to_three_and_must_be_positive() {
    assert!(
        matches!(parse(&["bench"]), Ok(Task::Bench { runs, peers }) if runs.get() == 3 && !peers)
    );
    assert!(
        matches!(parse(&["bench", "--runs", "1"]), Ok(Task::Bench { runs, .. }) if runs.get() == 1)
    );
    assert!(matches!(
        parse(&["bench", "--peers"]),
        Ok(Task::Bench { peers: true, .. })
    ));
    assert!(parse(&["bench", "--runs", "0"]).is_err());
    assert!(matches!(parse(&["crate-checks"]), Ok(Task::CrateChecks)));
    assert!(parse(&["crate-checks", "--bogus"]).is_err());
}

#[test]
fn names_takes_a_crate_and_optionally_a_spec_with_overlays_and_json() {
    let Ok(Task::Names(task)) = parse(&[
        "names",
        "--crate",
        "dir",
        "--spec",
        "spec.yaml",
        "--overlay",
        "overlays",
        "--json",
    ]) else {
        panic!("names parses");
    };
    assert_eq!(
        (task.crate_dir.to_str(), task.spec.as_deref(), task.json),
        (Some("dir"), Some("spec.yaml".as_ref()), true)
    );
    assert_eq!(task.overlay, [std::path::PathBuf::from("overlays")]);
    assert!(matches!(
        parse(&["names", "--crate", "dir"]),
        Ok(Task::Names(task)) if task.spec.is_none() && !task.json
    ));
    assert!(parse(&["names"]).is_err());
    assert!(parse(&["names", "--crate", "dir", "--overlay", "overlays"]).is_err());
}
