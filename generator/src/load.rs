//! Stage 1: read the spec (YAML or JSON), apply the overlays, check the document and parse it into
//! `openapiv3::OpenAPI`.
//!
//! Overlays use the OpenAPI Overlay 1.0 format: each action selects nodes with a JSONPath
//! (RFC 9535) `target` and either merges `update` into them or removes them. We chose it over JSON
//! merge patch because merge patch cannot express "replace this `$ref` property" or "remove this
//! array element" without restating whole objects, and because an action that selects nothing can
//! be reported as a mistake.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ir::Method;
use crate::pointer;

mod sections;

/// The checked document, parsed and as JSON, and the file it came from (for error messages).
pub struct Loaded {
    pub file: PathBuf,
    pub api: openapiv3::OpenAPI,
    /// The same document as JSON: what the generated crate records as its spec.
    pub raw: Value,
}

/// Reads `spec`, applies `overlays` in the order given and checks the result.
pub fn load(spec: &Path, overlays: &[PathBuf]) -> Result<Loaded> {
    let mut doc = read_document(spec)?;
    for overlay in overlays {
        apply_overlay(&mut doc, overlay)?;
    }
    let file = spec.to_path_buf();
    check_version(&doc).map_err(|message| Error::Spec {
        file: file.clone(),
        pointer: "#".into(),
        message,
    })?;
    inherit_path_parameters(&mut doc);
    let blame = |pointer: String, message: String| Error::Spec {
        file: file.clone(),
        pointer,
        message: if overlays.is_empty() {
            message
        } else {
            format!("{message} (after applying overlays)")
        },
    };
    // The checks and the typed parse both only read the document: run them side by side. A
    // failed check is reported first, as it names the problem more precisely.
    let (checked, parsed) = std::thread::scope(|scope| {
        let checks = scope.spawn(|| validate(&doc, &blame));
        let parsed = openapiv3::OpenAPI::deserialize(&doc).ok();
        (joined(checks), parsed)
    });
    checked?;
    let api = match parsed {
        Some(api) => api,
        // Path tracking slows parsing down, so it only runs again to locate a failure.
        None => {
            let err = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&doc)
                .err()
                .map(|err| {
                    (
                        path_to_pointer(err.path()),
                        format!("not a valid OpenAPI 3.0 node: {}", err.inner()),
                    )
                })
                .unwrap_or_else(|| ("#".into(), "not a valid OpenAPI 3.0 document".into()));
            return Err(blame(err.0, err.1));
        }
    };
    Ok(Loaded {
        file,
        api,
        raw: doc,
    })
}

/// Refuses, before any other check, a document of another OpenAPI major version than 3, whose
/// other errors would only be symptoms.
fn check_version(doc: &Value) -> std::result::Result<(), String> {
    if let Some(swagger) = doc.get("swagger") {
        return Err(format!(
            "a Swagger (OpenAPI 2) document (`swagger: {swagger}`); stripegen reads OpenAPI 3.0: \
             convert it first (for example with swagger2openapi)"
        ));
    }
    match doc.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.") => Ok(()),
        Some(version) => Err(format!(
            "OpenAPI version `{version}`; stripegen reads OpenAPI 3.0"
        )),
        None => Err("no `openapi` version: not an OpenAPI 3.0 document".into()),
    }
}

/// Moves the parameters a path item declares for all its operations into each operation, as
/// OpenAPI defines them: an operation's own parameter of the same name and location wins.
/// Lowering then reads an operation's parameters in one place. (Stripe's spec declares none; other
/// documents often declare a shared `{id}` this way.)
fn inherit_path_parameters(doc: &mut Value) {
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return;
    };
    let resolved = |parameter: &Value| -> Option<(String, String)> {
        let parameter = match parameter.get("$ref").and_then(Value::as_str) {
            Some(reference) => pointer::resolve(doc, reference)?,
            None => parameter,
        };
        Some((
            parameter.get("name")?.as_str()?.to_owned(),
            parameter.get("in")?.as_str()?.to_owned(),
        ))
    };
    let mut moves = Vec::new();
    for (path, item) in paths {
        let Some(Value::Array(shared)) = item.get("parameters") else {
            continue;
        };
        for (_, method) in Method::ALL {
            let Some(operation) = item.get(method).filter(|op| op.is_object()) else {
                continue;
            };
            let own: Vec<(String, String)> = match operation.get("parameters") {
                Some(Value::Array(own)) => own.iter().filter_map(resolved).collect(),
                _ => Vec::new(),
            };
            let inherited: Vec<Value> = shared
                .iter()
                .filter(|p| resolved(p).is_none_or(|key| !own.contains(&key)))
                .cloned()
                .collect();
            moves.push((path.clone(), method, inherited));
        }
    }
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, method, inherited) in moves {
        let operation = &mut paths[&path][method];
        match operation.get_mut("parameters") {
            Some(Value::Array(own)) => {
                let mut all = inherited;
                all.append(own);
                *own = all;
            }
            _ => operation["parameters"] = Value::Array(inherited),
        }
    }
    for item in paths.values_mut() {
        if let Value::Object(item) = item {
            item.remove("parameters");
        }
    }
}

/// A scoped thread's result; if the thread panicked, the panic goes on in the caller.
fn joined<T>(worker: std::thread::ScopedJoinHandle<'_, T>) -> T {
    worker
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Overlay files under `dir`, in file-name order (the order they are applied in).
pub fn overlay_files(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| Error::Read {
                path: dir.to_path_buf(),
                source,
            })?
            .path();
        let is_document = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        );
        if is_document {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads a YAML or JSON file (by extension; YAML is a superset of JSON anyway) into a JSON value.
pub fn read_document(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if path.extension().and_then(|e| e.to_str()) == Some("json") {
        serde_json::from_str(&text).map_err(|err| Error::Syntax {
            file: path.to_path_buf(),
            line: Some(err.line()),
            message: err.to_string(),
        })
    } else {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if let Some(doc) = sections::parse_in_pieces(&text, threads) {
            return Ok(doc);
        }
        serde_yaml::from_str(&text).map_err(|err| Error::Syntax {
            file: path.to_path_buf(),
            line: err.location().map(|l| l.line()),
            message: err.to_string(),
        })
    }
}

fn apply_overlay(doc: &mut Value, overlay_path: &Path) -> Result<()> {
    let overlay = read_document(overlay_path)?;
    let fail = |pointer: &str, message: String| Error::Spec {
        file: overlay_path.to_path_buf(),
        pointer: pointer.to_string(),
        message,
    };
    match overlay.get("overlay").and_then(Value::as_str) {
        Some(version) if version.starts_with("1.") => {}
        _ => {
            return Err(fail(
                "#/overlay",
                "expected an OpenAPI Overlay 1.x document (`overlay: 1.0.0`)".into(),
            ))
        }
    }
    let Some(actions) = overlay.get("actions").and_then(Value::as_array) else {
        return Err(fail(
            "#/actions",
            "an overlay needs an `actions` list".into(),
        ));
    };
    for (index, action) in actions.iter().enumerate() {
        let at = format!("#/actions/{index}");
        let target = action
            .get("target")
            .and_then(Value::as_str)
            .ok_or_else(|| fail(&at, "action has no `target` string".into()))?;
        let path = serde_json_path::JsonPath::parse(target)
            .map_err(|err| fail(&format!("{at}/target"), format!("invalid JSONPath: {err}")))?;
        let pointers: Vec<String> = path
            .query_located(doc)
            .locations()
            .map(|location| location.to_json_pointer())
            .collect();
        if pointers.is_empty() {
            return Err(fail(
                &format!("{at}/target"),
                format!("`{target}` selects nothing in the document"),
            ));
        }
        let remove = action.get("remove").and_then(Value::as_bool) == Some(true);
        match (remove, action.get("update")) {
            (true, None) => {
                // Last first, so earlier array indices stay valid.
                for pointer in pointers.iter().rev() {
                    remove_at(doc, pointer);
                }
            }
            (false, Some(update)) => {
                for pointer in &pointers {
                    if let Some(node) = doc.pointer_mut(pointer) {
                        merge(node, update);
                    }
                }
            }
            _ => {
                return Err(fail(
                    &at,
                    "an action needs exactly one of `update` or `remove: true`".into(),
                ))
            }
        }
    }
    Ok(())
}

fn remove_at(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let token = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&token);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = token.parse::<usize>() {
                if index < items.len() {
                    items.remove(index);
                }
            }
        }
        _ => {}
    }
}

/// Overlay 1.0 update semantics: objects merge recursively, arrays are appended to, anything else
/// is replaced.
fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(extra)) => target.extend(extra.iter().cloned()),
        (Value::Array(target), value) => target.push(value.clone()),
        (node, value) => *node = value.clone(),
    }
}

/// Builds the error for a problem at a JSON pointer of the document.
type Blame<'a> = dyn Fn(String, String) -> Error + Sync + 'a;

const SCHEMA_TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array"];

/// Checks what `openapiv3` would accept silently or lose: dangling `$ref`s, empty or misplaced
/// `enum`s, unknown `type`s and cyclic `allOf` chains.
fn validate(doc: &Value, blame: &Blame<'_>) -> Result<()> {
    walk(doc, doc, "#", blame)?;
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for name in schemas.keys() {
            let start = format!("#/components/schemas/{}", pointer::escape(name));
            check_all_of_cycle(doc, &start, &mut Vec::new(), blame)?;
        }
    }
    Ok(())
}

fn walk(doc: &Value, node: &Value, at: &str, blame: &Blame<'_>) -> Result<()> {
    match node {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                let reference = reference.as_str().unwrap_or_default();
                if !reference.starts_with("#/") {
                    return Err(blame(
                        format!("{at}/$ref"),
                        format!(
                            "only local references (`#/...`) are supported, found `{reference}`"
                        ),
                    ));
                }
                if pointer::resolve(doc, reference).is_none() {
                    return Err(blame(
                        format!("{at}/$ref"),
                        dangling_ref(doc, reference, at),
                    ));
                }
            }
            let in_schema_keyword_position = !at.ends_with("/properties")
                && !at.ends_with("/schemas")
                && !at.ends_with("/paths")
                && !at.ends_with("/encoding");
            if in_schema_keyword_position {
                if let Some(values) = map.get("enum") {
                    match values {
                        Value::Array(items) if !items.is_empty() => {}
                        _ => {
                            return Err(blame(
                                format!("{at}/enum"),
                                "`enum` must be a non-empty list of values".into(),
                            ))
                        }
                    }
                }
                if let Some(kind) = map.get("type") {
                    let known = kind.as_str().is_some_and(|k| SCHEMA_TYPES.contains(&k));
                    // `type` is also a field of security schemes (`http`, `apiKey`, ...).
                    let is_security_scheme = at.contains("/securitySchemes/");
                    if !known && !is_security_scheme {
                        return Err(blame(
                            format!("{at}/type"),
                            format!("unsupported schema type {kind}"),
                        ));
                    }
                }
            }
            for (key, value) in map {
                if in_schema_keyword_position && holds_data(at, key, value) {
                    continue;
                }
                walk(doc, value, &pointer::push(at, key), blame)?;
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                walk(doc, value, &format!("{at}/{index}"), blame)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether member `key` of the node at `at` is a value rather than spec: an `example` or
/// `default`, `enum` and `const` values, a schema's list of `examples`, an Example object's
/// `value`. A `type` or `$ref` in
/// them is data (an error's `type` URL, say), not a schema's.
fn holds_data(at: &str, key: &str, value: &Value) -> bool {
    let in_example_object = at.rsplit('/').nth(1) == Some("examples");
    match key {
        // A responses object's `default` is the response for any other status.
        "default" => !at.ends_with("/responses"),
        "example" | "enum" | "const" => true,
        "examples" => value.is_array(),
        "value" => in_example_object,
        _ => false,
    }
}

/// The message for a `$ref` at `at` that resolves to nothing: a defect of the spec (the first
/// releases of Stripe's spec refer to `#/definitions/error`, which they never define), with the
/// overlay action that repairs every node making the same reference.
fn dangling_ref(doc: &Value, reference: &str, at: &str) -> String {
    let name = reference.rsplit('/').next().unwrap_or_default();
    let existing = format!("#/components/schemas/{name}");
    let replacement = if pointer::resolve(doc, &existing).is_some() {
        existing
    } else {
        "#/components/schemas/SCHEMA".to_string()
    };
    let problem = format!(
        "reference `{reference}` resolves to nothing (at `{}`)",
        pointer::to_json_path(at)
    );
    let mut message = crate::error::spec_defect(
        &problem,
        &format!("$..[?@['$ref'] == '{reference}']"),
        &format!("update: {{$ref: '{replacement}'}}"),
    );
    message.push_str(
        ", which points every node with this reference elsewhere (or add the missing schema)",
    );
    message
}

fn check_all_of_cycle(
    doc: &Value,
    at: &str,
    stack: &mut Vec<String>,
    blame: &Blame<'_>,
) -> Result<()> {
    if stack.iter().any(|seen| seen == at) {
        stack.push(at.to_string());
        return Err(blame(
            stack[0].clone(),
            format!("`allOf` refers back to itself: {}", stack.join(" -> ")),
        ));
    }
    let Some(parts) = pointer::resolve(doc, at)
        .and_then(|schema| schema.get("allOf"))
        .and_then(Value::as_array)
    else {
        return Ok(());
    };
    stack.push(at.to_string());
    for part in parts {
        if let Some(reference) = part.get("$ref").and_then(Value::as_str) {
            check_all_of_cycle(doc, reference, stack, blame)?;
        }
    }
    stack.pop();
    Ok(())
}

/// Renders the path `serde_path_to_error` reports as a JSON pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    let mut pointer = String::from("#");
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            serde_path_to_error::Segment::Map { key } => pointer = pointer::push(&pointer, key),
            serde_path_to_error::Segment::Enum { variant } => {
                pointer = pointer::push(&pointer, variant)
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    pointer
}
