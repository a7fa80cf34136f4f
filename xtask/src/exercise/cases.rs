//! The exercise's cases, synthesized from the spec alone (not from the IR, so that a parameter the
//! generator lost still gets sent by stripe-python and the difference shows): for every
//! operation, parameter sets and the response to serve; for every fixture, the JSON that must come
//! back from its type.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

/// How one parameter set fills a schema.
#[derive(Clone, Copy)]
struct Shape {
    /// Optional members present, not only the required ones.
    optional: bool,
    /// The last of the spec's choices (enum values, `anyOf` alternatives) instead of the first,
    /// two items per array and map instead of one, emptyable fields cleared with `""`, and
    /// strings with characters that need escaping.
    second: bool,
}

/// Three sets per operation: only what is required; everything with the first choices; everything
/// with the last choices, two items each and every emptyable field cleared.
const SHAPES: [Shape; 3] = [
    Shape {
        optional: false,
        second: false,
    },
    Shape {
        optional: true,
        second: false,
    },
    Shape {
        optional: true,
        second: true,
    },
];

/// How deep optional members are filled in; deeper, only required ones (Stripe's parameter
/// schemas are at most a few levels deep; this only stops recursive ones).
const MAX_DEPTH: usize = 8;

/// A path argument with the characters an ID never has but a path must escape.
fn path_arg(name: &str) -> String {
    format!("{}/a?b#c&d%e=é", plain_path_arg(name))
}

/// A path argument shaped like an ID, for a real server, which routes only those.
pub fn plain_path_arg(name: &str) -> String {
    format!("{name}_1")
}

/// One operation's cases.
pub struct OperationCases {
    pub method: String,
    pub path: String,
    /// The body is `multipart/form-data` (a file upload).
    pub multipart: bool,
    pub path_args: Map<String, Value>,
    pub param_sets: Vec<Value>,
    pub response: Value,
    pub expected: Value,
}

/// The cases of `METHOD path`, or why there are none.
pub fn operation(
    spec: &Value,
    fixtures: &Map<String, Value>,
    method: &str,
    path: &str,
) -> Result<OperationCases, String> {
    let operation = &spec["paths"][path][method];
    if !operation.is_object() {
        return Err(format!("the spec has no `{method} {path}`"));
    }
    let mut path_args = Map::new();
    let mut query = Map::new();
    let mut required = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let parameter = resolve(spec, parameter);
        let name = parameter["name"].as_str().unwrap_or_default().to_owned();
        match parameter["in"].as_str() {
            Some("path") => {
                path_args.insert(name.clone(), Value::String(path_arg(&name)));
            }
            Some("query") => {
                if parameter["required"] == true {
                    required.push(Value::String(name.clone()));
                }
                query.insert(name, parameter["schema"].clone());
            }
            _ => {}
        }
    }
    // Stripe's GET and DELETE operations also declare an empty form body; their parameters are
    // the query's.
    let body = match method {
        "post" | "put" | "patch" => form_schema(operation),
        _ => None,
    };
    let params_schema = match body {
        Some(schema) => schema.clone(),
        None => json!({"type": "object", "properties": query, "required": required}),
    };
    let mut param_sets: Vec<Value> = Vec::new();
    for shape in SHAPES {
        let set = value(spec, &params_schema, shape, 0);
        if !param_sets.contains(&set) {
            param_sets.push(set);
        }
    }
    let response_schema = &operation["responses"]["200"]["content"]["application/json"]["schema"];
    let response = if response_schema.is_null() {
        json!({})
    } else {
        response(spec, fixtures, response_schema, 0)
    };
    let binary = response_schema.is_null()
        && operation["responses"]["200"]["content"]
            .as_object()
            .is_some_and(|content| !content.is_empty());
    // A binary answer (a quote's PDF) comes back as the bytes served, whatever they are.
    let expected = if binary {
        let served = serde_json::to_vec(&response).map_err(|e| e.to_string())?;
        Value::Array(served.into_iter().map(Value::from).collect())
    } else {
        described(spec, response_schema, &response)
    };
    Ok(OperationCases {
        method: method.to_owned(),
        path: path.to_owned(),
        multipart: !operation["requestBody"]["content"]["multipart/form-data"].is_null(),
        path_args,
        param_sets,
        response,
        expected,
    })
}

/// The form body of a POST, PUT or PATCH (a multipart one included; the v2 API's JSON bodies
/// are not exercised yet).
fn form_schema(operation: &Value) -> Option<&Value> {
    let content = operation["requestBody"]["content"].as_object()?;
    stripegen::stripe::REQUEST_MEDIA_TYPES
        .iter()
        .filter(|(_, encoding)| *encoding != stripegen::ir::Encoding::Json)
        .find_map(|(media, _)| content.get(*media))
        .map(|media| &media["schema"])
}

/// Follows local `$ref`s.
fn resolve<'s>(spec: &'s Value, schema: &'s Value) -> &'s Value {
    let mut schema = schema;
    // Bounded, so a `$ref` cycle of the spec ends as an empty schema instead of a hang.
    for _ in 0..32 {
        match schema["$ref"].as_str() {
            Some(pointer) => {
                schema = spec
                    .pointer(pointer.trim_start_matches('#'))
                    .unwrap_or(&Value::Null)
            }
            None => return schema,
        }
    }
    &Value::Null
}

fn alternatives(schema: &Value) -> Option<&Vec<Value>> {
    schema["anyOf"].as_array().or(schema["oneOf"].as_array())
}

/// Stripe's "emptyable" alternative: `enum: [""]`, sent to clear a field.
fn is_empty_marker(schema: &Value) -> bool {
    schema["enum"]
        .as_array()
        .is_some_and(|values| values.iter().all(|v| v == ""))
}

fn pick<T>(choices: &[T], shape: Shape) -> Option<&T> {
    if shape.second {
        choices.last()
    } else {
        choices.first()
    }
}

/// A parameter value for `schema`.
fn value(spec: &Value, schema: &Value, shape: Shape, depth: usize) -> Value {
    let schema = resolve(spec, schema);
    if let Some(alternatives) = alternatives(schema) {
        let (markers, others): (Vec<&Value>, Vec<&Value>) = alternatives
            .iter()
            .partition(|a| is_empty_marker(resolve(spec, a)));
        if !markers.is_empty() && (shape.second || others.is_empty()) {
            return json!("");
        }
        return match pick(&others, shape) {
            Some(alternative) => value(spec, alternative, shape, depth),
            None => json!(""),
        };
    }
    if let Some(values) = schema["enum"].as_array() {
        return pick(values, shape).cloned().unwrap_or(json!(""));
    }
    match schema["type"].as_str() {
        Some("integer") if schema["format"] == "unix-time" => json!(1_700_000_000),
        Some("integer") if shape.second => json!(9_007_199_254_740_993_i64),
        Some("integer") => json!(42),
        Some("number") if shape.second => json!(0.25),
        Some("number") => json!(1.5),
        Some("boolean") => json!(!shape.second),
        Some("string") if schema["format"] == "decimal" => json!("12.5"),
        // A file: name, content type (stripe-python's, whatever the file) and bytes, the
        // generated `FileUpload` and a file object for stripe-python alike.
        Some("string") if schema["format"] == "binary" => json!({
            "file_name": if shape.second { "a b\"c.pdf" } else { "upload.txt" },
            "content_type": "application/octet-stream",
            "data": if shape.second { json!([37, 80, 68, 70, 0, 13, 10, 255]) } else { json!([104, 105]) },
        }),
        Some("string") if shape.second => json!("a b&c=d+e%f/é😀"),
        Some("string") => json!("value_1"),
        Some("array") => {
            let item = value(spec, &schema["items"], shape, depth + 1);
            if shape.second {
                let other = Shape {
                    second: false,
                    ..shape
                };
                Value::Array(vec![item, value(spec, &schema["items"], other, depth + 1)])
            } else {
                Value::Array(vec![item])
            }
        }
        _ if schema["properties"].is_object() => object(spec, schema, shape, depth),
        _ => match &schema["additionalProperties"] {
            Value::Object(values) if !values.is_empty() => {
                let values = Value::Object(values.clone());
                let mut map = Map::new();
                map.insert("key_1".into(), value(spec, &values, shape, depth + 1));
                if shape.second {
                    map.insert("key two&[x]".into(), value(spec, &values, shape, depth + 1));
                }
                Value::Object(map)
            }
            _ if schema["type"] == "object" => json!({"key_1": "value_1"}),
            // A schema saying nothing (`{}`): any value; a string is what a caller would send.
            _ => json!("value_1"),
        },
    }
}

fn required_members(schema: &Value) -> BTreeSet<&str> {
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn object(spec: &Value, schema: &Value, shape: Shape, depth: usize) -> Value {
    let required = required_members(schema);
    let mut members = Map::new();
    for (name, member) in schema["properties"].as_object().into_iter().flatten() {
        if required.contains(name.as_str()) || (shape.optional && depth < MAX_DEPTH) {
            members.insert(name.clone(), value(spec, member, shape, depth + 1));
        }
    }
    Value::Object(members)
}

/// The response to serve for `schema`: Stripe's fixture when it has one for the schema, else a
/// minimal valid object (required members only, `null` where nullable, an ID where expandable).
fn response(spec: &Value, fixtures: &Map<String, Value>, schema: &Value, depth: usize) -> Value {
    if let Some(name) = schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        if let Some(fixture) = fixtures.get(name) {
            return fixture.clone();
        }
    }
    let schema = resolve(spec, schema);
    if schema["nullable"] == true && depth > 0 {
        return Value::Null;
    }
    if let Some(alternatives) = alternatives(schema) {
        return match alternatives.first() {
            Some(first) => response(spec, fixtures, first, depth),
            None => Value::Null,
        };
    }
    if let Some(values) = schema["enum"].as_array() {
        return values.first().cloned().unwrap_or(Value::Null);
    }
    match schema["type"].as_str() {
        Some("integer") if schema["format"] == "unix-time" => json!(1_700_000_000),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(false),
        Some("string") if schema["format"] == "decimal" => json!("1.25"),
        Some("string") => json!("value_1"),
        Some("array") if depth < MAX_DEPTH => {
            Value::Array(vec![response(spec, fixtures, &schema["items"], depth + 1)])
        }
        Some("array") => json!([]),
        _ if schema["properties"].is_object() => {
            let required = required_members(schema);
            let members = schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(name, _)| required.contains(name.as_str()))
                .map(|(name, member)| (name.clone(), response(spec, fixtures, member, depth + 1)))
                .collect();
            Value::Object(members)
        }
        _ => json!({}),
    }
}

/// `value` with only the members `schema` describes: what a typed reading keeps. Members the spec
/// doesn't describe are read (a client must accept fields newer than itself) and dropped.
pub fn described(spec: &Value, schema: &Value, value: &Value) -> Value {
    let schema = resolve(spec, schema);
    if let Some(alternatives) = alternatives(schema) {
        return match alternative_of(spec, alternatives, value) {
            Some(alternative) => described(spec, alternative, value),
            None => value.clone(),
        };
    }
    match value {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| described(spec, &schema["items"], item))
                .collect(),
        ),
        Value::Object(members) => {
            let properties = schema["properties"].as_object();
            let additional = &schema["additionalProperties"];
            if properties.is_none() && !additional.is_object() {
                return value.clone();
            }
            members
                .iter()
                .filter_map(|(name, member)| {
                    match properties.and_then(|p| p.get(name)) {
                        Some(member_schema) => Some(described(spec, member_schema, member)),
                        None if additional.is_object() => Some(described(spec, additional, member)),
                        None => None,
                    }
                    .map(|kept| (name.clone(), kept))
                })
                .collect()
        }
        other => other.clone(),
    }
}

/// The alternative of an `anyOf` that `value` is an instance of: the one whose JSON type
/// matches, among objects the one whose constant `object` matches, else the one describing the
/// most of its members.
fn alternative_of<'s>(
    spec: &'s Value,
    alternatives: &'s [Value],
    value: &Value,
) -> Option<&'s Value> {
    let kind = |schema: &Value| -> &'static str {
        match schema["type"].as_str() {
            Some("object") => "object",
            Some("array") => "array",
            Some("string") => "string",
            Some("integer" | "number") => "number",
            Some("boolean") => "boolean",
            _ if schema["properties"].is_object() => "object",
            _ => "any",
        }
    };
    let value_kind = match value {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Null => return None,
    };
    let candidates: Vec<&Value> = alternatives
        .iter()
        .filter(|a| matches!(kind(resolve(spec, a)), k if k == value_kind || k == "any"))
        .collect();
    let Value::Object(members) = value else {
        return candidates.first().copied();
    };
    let object = members.get("object");
    candidates.into_iter().rev().max_by_key(|alternative| {
        let schema = resolve(spec, alternative);
        let constant = schema["properties"]["object"]["enum"]
            .as_array()
            .is_some_and(|values| object.is_some_and(|o| values.contains(o)));
        let described = members
            .keys()
            .filter(|key| schema["properties"].get(key.as_str()).is_some())
            .count();
        (constant, described)
    })
    // (`rev`: of equals, `max_by_key` keeps the last, and the first alternative should win.)
}
