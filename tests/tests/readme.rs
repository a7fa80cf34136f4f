//! The Markdown documentation (`README.md`, `docs/*.md`) stays compiled and linked: its Rust code
//! blocks are doctests of this crate's library (`src/lib.rs`, module `markdown`), so this test
//! checks that every file is included there, that every Rust block is one rustdoc compiles
//! (`rust,no_run`, not `ignore` or untagged), and that relative links lead to existing files and
//! headings.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use stripegen_tests::workspace;

/// The tags of code blocks that are not Rust. An untagged block would be compiled as Rust.
const OTHER_LANGUAGES: [&str; 5] = ["sh", "toml", "yaml", "text", "json"];

fn markdown_files() -> Vec<PathBuf> {
    let root = workspace();
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    assert!(!docs.is_empty(), "no docs/*.md");
    files.extend(docs);
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace())
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn every_markdown_file_is_compiled_as_doctests() {
    let lib = read(&workspace().join("tests/src/lib.rs"));
    for file in markdown_files() {
        let include = format!("#[doc = include_str!(\"../../{}\")]", relative(&file));
        assert!(
            lib.contains(&include),
            "tests/src/lib.rs (module `markdown`) lacks `{include}`: the Rust blocks of {} \
             would not be compiled",
            relative(&file)
        );
    }
    let manifest = read(&workspace().join("tests/Cargo.toml"));
    assert!(
        !manifest.replace(' ', "").contains("doctest=false"),
        "tests/Cargo.toml turns doctests off: the documentation's examples would not be compiled"
    );
}

#[test]
fn every_code_block_is_compiled_rust_or_tagged_as_another_language() {
    for file in markdown_files() {
        let text = read(&file);
        let mut open = false;
        for (number, line) in text.lines().enumerate() {
            let Some(info) = line.trim_start().strip_prefix("```") else {
                continue;
            };
            if open {
                open = false;
                continue;
            }
            open = true;
            let info = info.trim();
            assert!(
                info == "rust,no_run" || OTHER_LANGUAGES.contains(&info),
                "{}:{}: a code block tagged `{info}`: Rust blocks are `rust,no_run` (compiled, \
                 not run); others are tagged {OTHER_LANGUAGES:?}",
                relative(&file),
                number + 1
            );
        }
        assert!(!open, "{}: a code block is not closed", relative(&file));
    }
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, other punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    let mut in_code = false;
    let mut anchors = BTreeSet::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            anchors.insert(anchor(line.trim_start_matches('#')));
        }
    }
    anchors
}

#[test]
fn relative_links_lead_to_files_and_headings() {
    for file in markdown_files() {
        let text = read(&file);
        let dir = file.parent().unwrap();
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let target = &rest[..rest.find(')').expect("a link is closed")];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, heading) = match target.split_once('#') {
                Some((path, heading)) => (path, Some(heading)),
                None => (target, None),
            };
            let linked = if path.is_empty() {
                file.clone()
            } else {
                dir.join(path)
            };
            assert!(
                linked.exists(),
                "{}: the link `{target}` leads nowhere",
                relative(&file)
            );
            if let Some(heading) = heading {
                assert!(
                    anchors(&read(&linked)).contains(heading),
                    "{}: the link `{target}` names no heading of {}",
                    relative(&file),
                    relative(&linked)
                );
            }
        }
    }
}
