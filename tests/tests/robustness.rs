//! The generator never panics on a spec, whatever is wrong with it: proptest takes each spec
//! fixture (`tests/fixtures/*.yaml`, every shape the generator knows), breaks one to three of its
//! nodes (removed; replaced by `null`, a number, a string, an empty list or object; a `$ref` to a
//! schema that exists, to one that doesn't, to a non-schema; a `type` no schema has), and
//! generates. Each case must either generate or fail with an error naming the file and a JSON
//! pointer; a panic fails the test, printing the smallest mutation proptest shrank it to.
//!
//! Seeded and bounded: 256 cases, `STRIPEGEN_PROPTEST_CASES` for more.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};
use stripegen_tests::workspace;

/// What a mutation puts at (or does to) the node it picks.
#[derive(Clone, Debug)]
enum Mutation {
    Remove,
    Replace(Value),
}

fn replacements() -> Vec<Value> {
    vec![
        Value::Null,
        json!(0),
        json!(-1.5),
        json!("x"),
        json!(""),
        json!(true),
        json!([]),
        json!({}),
        json!({"$ref": "#/components/schemas/nowhere"}),
        json!({"$ref": "#/paths"}),
        json!({"$ref": "#"}),
        json!({"type": "object", "properties": {"a": {"$ref": "#/components/schemas/nowhere"}}}),
        json!({"type": "tuple"}),
        json!({"anyOf": []}),
        json!({"anyOf": [{"enum": [""]}]}),
        json!({"allOf": [{"type": "string"}, {"type": "integer"}]}),
        json!({"enum": []}),
        json!({"type": "array"}),
        json!({"type": "string", "enum": [1, null, {}]}),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => Just(Mutation::Remove),
        3 => prop::sample::select(replacements()).prop_map(Mutation::Replace),
    ]
}

/// Every node's JSON pointer (the root excluded).
fn pointers(value: &Value, at: &str, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return,
    };
    for (key, child) in children {
        let pointer = format!("{at}/{key}");
        out.push(pointer.clone());
        pointers(child, &pointer, out);
    }
}

fn apply(doc: &mut Value, pointer: &str, mutation: &Mutation) {
    match mutation {
        Mutation::Replace(value) => {
            if let Some(node) = doc.pointer_mut(pointer) {
                *node = value.clone();
            }
        }
        Mutation::Remove => {
            let (parent, key) = pointer.rsplit_once('/').expect("pointers start with /");
            let key = key.replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.shift_remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(index) = key.parse::<usize>() {
                        if index < items.len() {
                            items.remove(index);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn fixtures() -> Vec<(String, Value)> {
    let dir = workspace().join("tests/fixtures");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|path| {
            let doc = stripegen::load::read_document(&path).unwrap();
            (
                path.file_stem().unwrap().to_string_lossy().into_owned(),
                doc,
            )
        })
        .collect()
}

/// Generates `doc` (written to `file`); `Err` describes a panic or an error that names no place.
fn generate(doc: &Value, file: &Path) -> Result<(), String> {
    std::fs::write(file, serde_json::to_string(doc).unwrap()).unwrap();
    let config = stripegen::Config {
        spec: file.to_path_buf(),
        crate_name: "robustness".into(),
        ..Default::default()
    };
    match catch_unwind(AssertUnwindSafe(|| stripegen::generate(&config))) {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(err)) => {
            let message = err.to_string();
            if message.contains(&*file.to_string_lossy()) && message.contains('#') {
                Ok(())
            } else {
                Err(format!("the error names no file and location: {message}"))
            }
        }
        Err(panic) => Err(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)")
        )),
    }
}

#[test]
fn no_broken_spec_panics() {
    let fixtures = fixtures();
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("robustness-spec.json");
    let cases = std::env::var("STRIPEGEN_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    // The panic hook would print every caught panic; the failure message has the one that counts.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let strategy = (
        any::<Index>(),
        prop::collection::vec((any::<Index>(), mutation()), 1..4),
    );
    let result = runner.run(&strategy, |(fixture, mutations)| {
        let (name, original) = fixture.get(&fixtures);
        let mut doc = original.clone();
        let mut applied = Vec::new();
        for (node, mutation) in &mutations {
            let mut all = Vec::new();
            pointers(&doc, "", &mut all);
            if all.is_empty() {
                break;
            }
            let pointer = node.get(&all).clone();
            apply(&mut doc, &pointer, mutation);
            applied.push(format!("{pointer}: {mutation:?}"));
        }
        generate(&doc, &file)
            .map_err(|err| TestCaseError::fail(format!("{name}.yaml with {applied:?}: {err}")))
    });
    std::panic::set_hook(hook);
    if let Err(err) = result {
        panic!("{err}");
    }
}
