//! Issue 12 §2: the encoding of every call, proven by properties against stripe-python.
//!
//! For every operation of the spec (with the project's overlays, so the Crypto Onramp calls too),
//! a proptest strategy built from the operation's parameter schema generates JSON parameter
//! values: empty, one- and many-element lists and maps; strings with spaces, `& = + % [ ] # ?`,
//! NUL, newlines, non-ASCII letters and emoji; integers at the `i64` and 2^53 edges; optional
//! fields and nested objects present and absent; emptyable fields set and cleared (`""`); enum
//! values Stripe lists and ones it doesn't. The same JSON goes
//!
//! - into the call's generated parameter type (`Deserialize`, behind the generated crate's
//!   `deserialize-params` feature), and through the runtime's form encoding, and
//! - to stripe-python (pinned, in the conformance venv under `target/`), which encodes it through
//!   its own request path (`tests/conformance/encode_params.py`; one Python process for all cases,
//!   one JSON line in and out per case).
//!
//! Both encodings must decode to the same key/value pairs (sorted: the order of pairs means
//! nothing to Stripe). A failure prints the smallest parameters proptest shrank it to, for each
//! failing call.
//!
//! Seeded and bounded: 100 cases per call, `STRIPEGEN_PROPTEST_CASES` for more, and
//! `STRIPEGEN_PROPTEST_SEED` (a number) to explore other values than CI does.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use stripe_api::{climate, crypto, forwarding, identity, webhook_endpoints};
use stripegen_tests::python::python_with_sdk;
use stripegen_tests::{pairs, workspace};

/// Encodes JSON parameters through a call's generated parameter type.
type Encode = fn(&Value) -> Result<String, String>;

fn typed<P: DeserializeOwned + Serialize>(json: &Value) -> Result<String, String> {
    let params: P = serde_path_to_error::deserialize(json).map_err(|err| {
        format!(
            "the parameter type rejects it at `{}`: {}",
            err.path(),
            err.inner()
        )
    })?;
    stripe_api::encode_form(&params).map_err(|err| err.to_string())
}

/// A call without parameters (`None::<&()>`): nothing is sent.
fn no_params(json: &Value) -> Result<String, String> {
    match json.as_object() {
        Some(map) if map.is_empty() => Ok(String::new()),
        _ => Err(format!("this call takes no parameters, got {json}")),
    }
}

/// Every call of the generated crate: method and path as the spec has them, and the parameter
/// type the call takes. `every_operation_of_the_spec_is_covered` keeps this in step with the spec.
const CALLS: &[(&str, &str, Encode)] = &[
    ("get", "/v1/climate/orders", typed::<climate::ListOrders>),
    ("post", "/v1/climate/orders", typed::<climate::CreateOrder>),
    (
        "get",
        "/v1/climate/orders/{order}",
        typed::<climate::RetrieveOrder>,
    ),
    (
        "post",
        "/v1/climate/orders/{order}",
        typed::<climate::UpdateOrder>,
    ),
    (
        "post",
        "/v1/climate/orders/{order}/cancel",
        typed::<climate::CancelOrder>,
    ),
    (
        "get",
        "/v1/climate/products",
        typed::<climate::ListProducts>,
    ),
    (
        "get",
        "/v1/climate/products/{product}",
        typed::<climate::RetrieveProduct>,
    ),
    (
        "get",
        "/v1/climate/suppliers",
        typed::<climate::ListSuppliers>,
    ),
    (
        "get",
        "/v1/climate/suppliers/{supplier}",
        typed::<climate::RetrieveSupplier>,
    ),
    (
        "get",
        "/v1/crypto/onramp_quotes",
        typed::<crypto::RetrieveOnrampQuotes>,
    ),
    (
        "get",
        "/v1/crypto/onramp_sessions",
        typed::<crypto::ListOnrampSessions>,
    ),
    (
        "post",
        "/v1/crypto/onramp_sessions",
        typed::<crypto::CreateOnrampSession>,
    ),
    (
        "get",
        "/v1/crypto/onramp_sessions/{session}",
        typed::<crypto::RetrieveOnrampSession>,
    ),
    (
        "get",
        "/v1/forwarding/requests",
        typed::<forwarding::ListRequests>,
    ),
    (
        "post",
        "/v1/forwarding/requests",
        typed::<forwarding::CreateRequest>,
    ),
    (
        "get",
        "/v1/forwarding/requests/{id}",
        typed::<forwarding::RetrieveRequest>,
    ),
    (
        "get",
        "/v1/identity/verification_reports",
        typed::<identity::ListVerificationReports>,
    ),
    (
        "get",
        "/v1/identity/verification_reports/{report}",
        typed::<identity::RetrieveVerificationReport>,
    ),
    (
        "get",
        "/v1/identity/verification_sessions",
        typed::<identity::ListVerificationSessions>,
    ),
    (
        "post",
        "/v1/identity/verification_sessions",
        typed::<identity::CreateVerificationSession>,
    ),
    (
        "get",
        "/v1/identity/verification_sessions/{session}",
        typed::<identity::RetrieveVerificationSession>,
    ),
    (
        "post",
        "/v1/identity/verification_sessions/{session}",
        typed::<identity::UpdateVerificationSession>,
    ),
    (
        "post",
        "/v1/identity/verification_sessions/{session}/cancel",
        typed::<identity::CancelVerificationSession>,
    ),
    (
        "post",
        "/v1/identity/verification_sessions/{session}/redact",
        typed::<identity::RedactVerificationSession>,
    ),
    (
        "get",
        "/v1/webhook_endpoints",
        typed::<webhook_endpoints::ListWebhookEndpoints>,
    ),
    (
        "post",
        "/v1/webhook_endpoints",
        typed::<webhook_endpoints::CreateWebhookEndpoint>,
    ),
    (
        "get",
        "/v1/webhook_endpoints/{webhook_endpoint}",
        typed::<webhook_endpoints::RetrieveWebhookEndpoint>,
    ),
    (
        "post",
        "/v1/webhook_endpoints/{webhook_endpoint}",
        typed::<webhook_endpoints::UpdateWebhookEndpoint>,
    ),
    (
        "delete",
        "/v1/webhook_endpoints/{webhook_endpoint}",
        no_params,
    ),
];

const DEFAULT_CASES: u32 = 100;
const DEFAULT_SEED: u64 = 12;

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, not {text:?}")),
        Err(_) => default,
    }
}

/// The spec the crate is generated from, overlays applied, as JSON.
fn spec() -> Value {
    let config = stripegen::Config::for_workspace(&workspace()).unwrap();
    stripegen::load::load(&config.spec, &config.overlays)
        .unwrap()
        .raw
}

/// Every operation of the spec: method, path and its parameters as one object schema (the query
/// parameters of a GET or DELETE, the form body of a POST).
fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if !["get", "post", "delete"].contains(&method.as_str()) {
                continue;
            }
            let schema = if method == "post" {
                operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
                    .clone()
            } else {
                let mut properties = Map::new();
                let mut required = Vec::new();
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let parameter = resolve(spec, parameter);
                    if parameter["in"] != "query" {
                        continue;
                    }
                    let name = parameter["name"].as_str().unwrap().to_owned();
                    if parameter["required"] == true {
                        required.push(Value::String(name.clone()));
                    }
                    properties.insert(name, parameter["schema"].clone());
                }
                json!({"type": "object", "properties": properties, "required": required})
            };
            found.push((method.clone(), path.clone(), schema));
        }
    }
    found
}

/// Follows a local `$ref`.
fn resolve<'s>(spec: &'s Value, schema: &'s Value) -> &'s Value {
    match schema["$ref"].as_str() {
        Some(pointer) => resolve(
            spec,
            spec.pointer(pointer.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling $ref {pointer}")),
        ),
        None => schema,
    }
}

/// Characters strings are made of: plain ones, every character with a meaning in a form or a
/// URL, control characters, non-ASCII letters and emoji.
const CHARACTERS: &[char] = &[
    'a',
    'Z',
    '0',
    '9',
    '_',
    '-',
    '.',
    '~',
    '*',
    ' ',
    '&',
    '=',
    '+',
    '%',
    '[',
    ']',
    '#',
    '?',
    '/',
    ';',
    ',',
    ':',
    '@',
    '!',
    '$',
    '\'',
    '"',
    '\\',
    '\0',
    '\n',
    '\r',
    '\t',
    '\u{7f}',
    'é',
    'ß',
    '日',
    'Ω',
    '\u{a0}',
    '\u{200b}',
    '😀',
    '👩',
    '\u{200d}',
    '\u{1f3fd}',
];

/// Integers at the edges that break encoders: `i64`'s ends, 2^53 (the end of integers exact in
/// a JavaScript number or an `f64`) on both sides, and the small ones.
const INTEGERS: &[i64] = &[
    i64::MIN,
    i64::MIN + 1,
    -(1 << 53) - 1,
    -(1 << 53),
    -1,
    0,
    1,
    (1 << 53) - 1,
    1 << 53,
    (1 << 53) + 1,
    i64::MAX - 1,
    i64::MAX,
];

fn tricky_string() -> BoxedStrategy<Value> {
    prop::collection::vec(prop::sample::select(CHARACTERS), 0..6)
        .prop_map(|chars| Value::String(chars.into_iter().collect()))
        .boxed()
}

/// How deep nested objects may go before optional members are left out.
const MAX_DEPTH: usize = 8;

/// Values for `schema`: what a caller may pass for it.
fn values(spec: &Value, schema: &Value, depth: usize) -> BoxedStrategy<Value> {
    let schema = resolve(spec, schema);
    if let Some(alternatives) = schema["anyOf"].as_array().or(schema["oneOf"].as_array()) {
        let branches: Vec<BoxedStrategy<Value>> = alternatives
            .iter()
            .map(|alternative| values(spec, alternative, depth))
            .collect();
        return Union::new(branches).boxed();
    }
    if let Some(choices) = schema["enum"].as_array() {
        let choices = choices.clone();
        if choices.iter().all(|c| c == "") {
            // The "emptyable" marker: clears the value.
            return Just(json!("")).boxed();
        }
        // Values the spec lists, and (less often) ones it doesn't, which the enums' `Unknown`
        // variant carries: Stripe adds values, and `x-stripeBypassValidation` ones may be sent.
        return prop_oneof![
            3 => prop::sample::select(choices),
            1 => tricky_string(),
        ]
        .boxed();
    }
    match schema["type"].as_str() {
        Some("string") => prop_oneof![
            1 => Just(json!("")),
            1 => Just(json!("plain_value_123")),
            4 => tricky_string(),
        ]
        .boxed(),
        Some("integer") => prop_oneof![
            1 => prop::sample::select(INTEGERS).prop_map(Value::from),
            1 => any::<i64>().prop_map(Value::from),
            1 => (0i64..200).prop_map(Value::from),
        ]
        .boxed(),
        Some("boolean") => any::<bool>().prop_map(Value::from).boxed(),
        Some("array") => {
            let items = values(spec, &schema["items"], depth + 1);
            prop::collection::vec(items, 0..4)
                .prop_map(Value::Array)
                .boxed()
        }
        Some("object") | None if schema["properties"].is_object() => object(spec, schema, depth),
        Some("object") => match &schema["additionalProperties"] {
            Value::Object(value_schema) if !value_schema.is_empty() => {
                let value_schema = Value::Object(value_schema.clone());
                let entries = prop::collection::vec(
                    (tricky_key(), values(spec, &value_schema, depth + 1)),
                    0..4,
                );
                entries
                    .prop_map(|entries| Value::Object(entries.into_iter().collect()))
                    .boxed()
            }
            _ => Just(json!({})).boxed(),
        },
        other => panic!("no strategy for a schema of type {other:?}: {schema}"),
    }
}

/// Map keys: like strings, but never empty (Stripe ignores `metadata[]=`, and so does a
/// `BTreeMap` that is then deserialized: it can hold one empty key only).
fn tricky_key() -> BoxedStrategy<String> {
    prop::collection::vec(prop::sample::select(CHARACTERS), 1..5)
        .prop_map(|chars| chars.into_iter().collect())
        .boxed()
}

/// An object with `properties`: required members always, optional ones present or absent.
fn object(spec: &Value, schema: &Value, depth: usize) -> BoxedStrategy<Value> {
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = schema["properties"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, _)| required.contains(name.as_str()) || depth < MAX_DEPTH)
        .map(|(name, member)| {
            let name = name.clone();
            let value = values(spec, member, depth + 1);
            if required.contains(name.as_str()) {
                value.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                prop::option::of(value)
                    .prop_map(move |v| v.map(|v| (name.clone(), v)))
                    .boxed()
            }
        })
        .collect();
    members
        .prop_map(|members| Value::Object(members.into_iter().flatten().collect()))
        .boxed()
}

/// stripe-python, encoding parameters one JSON line at a time.
struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Python {
    fn start() -> Self {
        let script = workspace().join("tests/conformance/encode_params.py");
        let mut child = Command::new(python_with_sdk())
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("could not start {}: {err}", script.display()));
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self {
            child,
            stdin,
            stdout,
        }
    }

    fn encode(&mut self, method: &str, path: &str, params: &Value) -> Result<String, String> {
        let request = json!({"method": method, "path": path, "params": params});
        writeln!(self.stdin, "{request}").expect("stripe-python's encoder stopped");
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let reply: Value = serde_json::from_str(&line)
            .unwrap_or_else(|err| panic!("stripe-python's encoder answered {line:?}: {err}"));
        match (reply["encoded"].as_str(), reply["error"].as_str()) {
            (Some(encoded), _) => Ok(encoded.to_owned()),
            (_, Some(error)) => Err(error.to_owned()),
            _ => panic!("stripe-python's encoder answered {line:?}"),
        }
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sorted_pairs(encoded: &str) -> Vec<(String, String)> {
    let mut pairs = pairs(encoded);
    pairs.sort();
    pairs
}

/// A per-call seed, so adding a call doesn't change the values the others get.
fn seed(base: u64, method: &str, path: &str) -> [u8; 32] {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ base;
    for byte in method.bytes().chain(path.bytes()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut seed = [0; 32];
    for (i, chunk) in seed.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&(hash.rotate_left(i as u32 * 16) ^ base).to_le_bytes());
    }
    seed
}

#[test]
fn every_operation_of_the_spec_is_covered() {
    let spec = spec();
    let in_spec: BTreeSet<(String, String)> = operations(&spec)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    let tested: BTreeSet<(String, String)> = CALLS
        .iter()
        .map(|(method, path, _)| (method.to_string(), path.to_string()))
        .collect();
    assert_eq!(CALLS.len(), tested.len(), "a call is listed twice");
    assert_eq!(
        in_spec.difference(&tested).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "operations without a property test: add them to CALLS"
    );
    assert_eq!(
        tested.difference(&in_spec).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "CALLS lists operations the spec doesn't have"
    );
}

#[test]
fn every_call_encodes_like_stripe_python() {
    let cases = env_number("STRIPEGEN_PROPTEST_CASES", DEFAULT_CASES.into()) as u32;
    let base_seed = env_number("STRIPEGEN_PROPTEST_SEED", DEFAULT_SEED);
    let spec = spec();
    let schemas: std::collections::BTreeMap<(String, String), Value> = operations(&spec)
        .into_iter()
        .map(|(method, path, schema)| ((method, path), schema))
        .collect();
    let python = std::cell::RefCell::new(Python::start());
    let started = Instant::now();
    let mut failures = Vec::new();
    let (compared, pairs_sent, empty) = (Cell::new(0u64), Cell::new(0u64), Cell::new(0u64));
    for (method, path, encode) in CALLS {
        let schema = &schemas[&(method.to_string(), path.to_string())];
        let strategy = values(&spec, schema, 0);
        let config = Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 4096,
            ..Config::default()
        };
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed(base_seed, method, path));
        let mut runner = TestRunner::new_with_rng(config, rng);
        let python_path = path.replace('{', "id_").replace('}', "");
        let result = runner.run(&strategy, |params| {
            let ours = encode(&params).map_err(TestCaseError::fail)?;
            let theirs = python
                .borrow_mut()
                .encode(method, &python_path, &params)
                .map_err(|err| TestCaseError::fail(format!("stripe-python failed: {err}")))?;
            compared.set(compared.get() + 1);
            let (ours_pairs, theirs_pairs) = (sorted_pairs(&ours), sorted_pairs(&theirs));
            pairs_sent.set(pairs_sent.get() + ours_pairs.len() as u64);
            empty.set(empty.get() + u64::from(ours_pairs.is_empty()));
            if ours_pairs != theirs_pairs {
                return Err(TestCaseError::fail(format!(
                    "the encodings differ\n  stripe-api:    {ours}\n  stripe-python: {theirs}"
                )));
            }
            Ok(())
        });
        match result {
            Ok(()) => {}
            Err(TestError::Fail(reason, minimal)) => failures.push(format!(
                "{} {path}: {reason}\n  smallest parameters: {minimal}",
                method.to_uppercase()
            )),
            Err(TestError::Abort(reason)) => failures.push(format!(
                "{} {path}: aborted: {reason}",
                method.to_uppercase()
            )),
        }
    }
    let (compared, pairs_sent, empty) = (compared.get(), pairs_sent.get(), empty.get());
    eprintln!(
        "{} calls, {compared} comparisons ({cases} cases a call plus shrinking), {pairs_sent} \
         pairs, {empty} empty encodings, in {:.2?} (seed {base_seed})",
        CALLS.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} of {} calls encode unlike stripe-python:\n\n{}",
        failures.len(),
        CALLS.len(),
        failures.join("\n\n")
    );
    assert!(compared >= u64::from(cases) * CALLS.len() as u64);
}
