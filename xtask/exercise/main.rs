//! The whole-API exercise (issue 15), built by `cargo xtask full-api --exercise FIXTURES` next to
//! the full-API crate it exercises (`api`), with `calls.rs` generated for that crate.
//!
//! `main CASES PYTHON SCRIPT` reads the cases `cargo xtask` synthesized from the spec and checks:
//!
//! 1. every fixture deserializes into its resource type and serializes back to the same JSON
//!    (nulls aside; members the spec doesn't describe are read and dropped);
//! 2. every parameter set of every operation is sent by the crate and, from the same JSON, by
//!    stripe-python (`SCRIPT`, run with `PYTHON`) to a capture server on 127.0.0.1: method, path
//!    and decoded pairs (a multipart body's parts) must be identical;
//! 3. every call returns its typed value, which serializes back to the response served (a
//!    fixture, or a minimal object synthesized from the schema). With `STRIPE_API_BASE` set,
//!    the calls are also sent there (with `STRIPE_API_KEY`, or a key shaped like a test key,
//!    and path arguments shaped like IDs), and every response must parse.
//!
//! Prints one table; exits non-zero when anything failed, listing each failure.

use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::pin::Pin;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod calls;

/// What a call of the table returns: the typed response, serialized again.
type Outcome<'a> = Pin<Box<dyn Future<Output = Result<Value, String>> + 'a>>;
/// One operation: the client, its path arguments (in the call's order) and its parameters.
type Call = for<'a> fn(&'a api::Client, &'a [String], &'a Value) -> Outcome<'a>;
/// Reads a fixture into its type and serializes it again.
type RoundTrip = fn(&Value) -> Result<Value, String>;

#[derive(Deserialize)]
struct Cases {
    fixtures: Vec<Fixture>,
    operations: Vec<Operation>,
}

#[derive(Deserialize)]
struct Fixture {
    /// The component schema the fixture is an instance of.
    schema: String,
    object: Value,
    /// `object` without the members its schema doesn't describe: what must come back.
    expected: Value,
}

#[derive(Deserialize)]
struct Operation {
    /// `METHOD /path`, as the spec has it.
    key: String,
    method: String,
    path: String,
    /// The body is `multipart/form-data` (a file upload).
    #[serde(default)]
    multipart: bool,
    /// By the path template's names.
    path_args: serde_json::Map<String, Value>,
    /// The call's path arguments, in the order its function takes them.
    call_args: Vec<String>,
    /// The same, shaped like IDs, for `STRIPE_API_BASE` (a real server routes only those).
    plain_call_args: Vec<String>,
    param_sets: Vec<Value>,
    response: Value,
    expected: Value,
}

/// The request one parameter set makes, as stripe-python's script reads it.
#[derive(Serialize)]
struct PythonRequest<'a> {
    method: &'a str,
    path: &'a str,
    multipart: bool,
    path_args: &'a serde_json::Map<String, Value>,
    params: &'a Value,
}

/// A request as the capture server saw it.
#[derive(Clone, Debug, PartialEq)]
struct Sent {
    method: String,
    path: String,
    pairs: Vec<(String, String)>,
}

impl Sent {
    /// The request's method, path and parameters: decoded pairs of its query or form body, or
    /// of a multipart body its parts, a file part as `name` = `file NAME TYPE BYTES` (the
    /// bytes in hex). An unreadable multipart body is one pair naming the error, which differs
    /// from anything the other side sends.
    fn of(request: &Request) -> Self {
        let content_type = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let mut pairs: Vec<(String, String)> = if content_type.starts_with("multipart/") {
            match stripegen_wire::multipart_parts(content_type, &request.body) {
                Ok(parts) => parts.into_iter().map(part_pair).collect(),
                Err(err) => vec![("unreadable multipart body".into(), err)],
            }
        } else {
            let encoded: &[u8] = match request.method.as_str() {
                "POST" | "PUT" | "PATCH" => &request.body,
                _ => request.url.query().unwrap_or("").as_bytes(),
            };
            url::form_urlencoded::parse(encoded).into_owned().collect()
        };
        pairs.sort();
        Self {
            method: request.method.to_string(),
            path: request.url.path().to_owned(),
            pairs,
        }
    }
}

/// A multipart part as a pair: a field's name and text, or a file's name and what it is.
fn part_pair(part: stripegen_wire::Part) -> (String, String) {
    let value = match (&part.filename, &part.content_type) {
        (None, None) => String::from_utf8_lossy(&part.data).into_owned(),
        (filename, content_type) => {
            let hex: String = part.data.iter().map(|b| format!("{b:02x}")).collect();
            format!(
                "file {} {} {hex}",
                filename.as_deref().unwrap_or("-"),
                content_type.as_deref().unwrap_or("-")
            )
        }
    };
    (part.name, value)
}

/// The capture server's state: the body it answers with, which the exercise sets before each
/// call, and the requests received since they were last taken.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<(Value, Vec<Sent>)>>);

impl Capture {
    fn answer_with(&self, body: &Value) {
        self.0.lock().expect("never poisoned").0 = body.clone();
    }

    fn take(&self) -> Vec<Sent> {
        std::mem::take(&mut self.0.lock().expect("never poisoned").1)
    }
}

impl Respond for Capture {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().expect("never poisoned");
        state.1.push(Sent::of(request));
        ResponseTemplate::new(200).set_body_json(state.0.clone())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cases, python, script] = args.as_slice() else {
        eprintln!("usage: exercise CASES PYTHON SCRIPT");
        return ExitCode::FAILURE;
    };
    let cases: Cases = match std::fs::read(cases)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
    {
        Ok(cases) => cases,
        Err(err) => {
            eprintln!("cannot read the cases {cases}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut failures = Vec::new();

    let fixtures_passed = fixtures(&cases.fixtures, &mut failures);

    // wiremock binds 127.0.0.1 only, on a free port.
    let server = MockServer::start().await;
    let capture = Capture::default();
    Mock::given(wiremock::matchers::any())
        .respond_with(capture.clone())
        .mount(&server)
        .await;
    let mut python = match Python::start(python, script, &server.uri()) {
        Ok(python) => python,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let client = client_for(&server.uri(), TEST_KEY);
    let counts = calls(
        &client,
        &cases.operations,
        &capture,
        &mut python,
        &mut failures,
    )
    .await;

    let external = match std::env::var("STRIPE_API_BASE") {
        Ok(base) if !base.is_empty() => {
            let key = std::env::var("STRIPE_API_KEY").unwrap_or_else(|_| TEST_KEY.into());
            let client = client_for(&base, &key);
            let passed = external(&client, &cases.operations, &mut failures).await;
            Some((base, passed))
        }
        _ => None,
    };

    let operations = cases.operations.len();
    println!("| whole-API check | passed / total |");
    println!("|---|---|");
    println!(
        "| operations encoded like stripe-python ({} parameter sets) | {} / {operations} |",
        counts.sets, counts.encoded
    );
    println!(
        "| operations returning their typed response | {} / {operations} |",
        counts.typed
    );
    if let Some((base, passed)) = external {
        println!("| operations answered by {base}, parsed | {passed} / {operations} |");
    }
    println!(
        "| fixtures round-tripped | {fixtures_passed} / {} |",
        cases.fixtures.len()
    );
    if failures.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!("\n{} failures:", failures.len());
    for failure in &failures {
        eprintln!("- {failure}");
    }
    ExitCode::FAILURE
}

/// The secret key sent to the capture server, and to `STRIPE_API_BASE` unless `STRIPE_API_KEY`
/// says otherwise: shaped like a test key (`sk_test_` and letters and digits), which is what
/// Stripe-compatible servers such as stripe-mock accept.
const TEST_KEY: &str = "sk_test_51WholeApiExercise0123456789";

/// A client for `base` with the secret `key` that never retries: each call is exactly one
/// request.
fn client_for(base: &str, key: &str) -> api::Client {
    api::Client::builder(key)
        .base_url(base)
        .max_network_retries(0)
        .build()
        .expect("the TLS backend initialises")
}

/// Part 1. Returns how many fixtures round-tripped.
fn fixtures(fixtures: &[Fixture], failures: &mut Vec<String>) -> usize {
    let mut passed = 0;
    for fixture in fixtures {
        let Some((_, round_trip)) = calls::FIXTURE_TYPES
            .iter()
            .find(|(schema, _)| *schema == fixture.schema)
        else {
            failures.push(format!(
                "fixture `{}`: no generated type for its schema",
                fixture.schema
            ));
            continue;
        };
        match round_trip(&fixture.object).and_then(|back| {
            same(&back, &fixture.expected).map_err(|at| format!("differs at {at}"))
        }) {
            Ok(()) => passed += 1,
            Err(err) => failures.push(format!("fixture `{}`: {err}", fixture.schema)),
        }
    }
    passed
}

/// What [`calls`] counted: operations whose every parameter set was sent as stripe-python sends
/// it, operations that returned their typed response every time, and parameter sets.
struct Counts {
    encoded: usize,
    typed: usize,
    sets: usize,
}

/// Parts 2 and 3: sends every parameter set with the crate, answered with the operation's
/// response, then with stripe-python, and compares the two requests.
async fn calls(
    client: &api::Client,
    operations: &[Operation],
    capture: &Capture,
    python: &mut Python,
    failures: &mut Vec<String>,
) -> Counts {
    let mut counts = Counts {
        encoded: 0,
        typed: 0,
        sets: 0,
    };
    for operation in operations {
        let Some(call) = find_call(&operation.key) else {
            failures.push(format!("{}: no generated call", operation.key));
            continue;
        };
        capture.answer_with(&operation.response);
        let (mut encoded, mut typed) = (true, true);
        for (set, params) in operation.param_sets.iter().enumerate() {
            counts.sets += 1;
            let outcome = call(client, &operation.call_args, params)
                .await
                .and_then(|back| {
                    same(&back, &operation.expected)
                        .map_err(|at| format!("the typed response differs at {at}"))
                });
            if let Err(err) = outcome {
                typed = false;
                failures.push(format!("{} (parameter set {set}): {err}", operation.key));
            }
            let ours = capture.take();
            let theirs = python.send(operation, params).map(|()| capture.take());
            // stripe-python has no PUT or PATCH; `send_requests.py` sends their body with POST.
            let theirs = theirs.map(|mut sent| {
                for request in &mut sent {
                    if matches!(operation.method.as_str(), "put" | "patch")
                        && request.method == "POST"
                    {
                        request.method = operation.method.to_uppercase();
                    }
                }
                sent
            });
            let difference = match (ours.as_slice(), theirs) {
                ([ours], Ok(theirs)) if theirs.len() == 1 && theirs[0] == *ours => continue,
                ([ours], Ok(theirs)) => format!(
                    "is sent differently:\n  crate:         {ours:?}\n  stripe-python: {theirs:?}"
                ),
                (_, Err(err)) => format!("fails in stripe-python: {err}"),
                (ours, Ok(_)) => format!("makes {} requests, not one", ours.len()),
            };
            encoded = false;
            failures.push(format!(
                "{} (parameter set {set}) {difference}",
                operation.key
            ));
        }
        counts.encoded += usize::from(encoded);
        counts.typed += usize::from(typed);
    }
    counts
}

/// Part 3 against `STRIPE_API_BASE`: every call's response must parse. Returns how many did.
async fn external(
    client: &api::Client,
    operations: &[Operation],
    failures: &mut Vec<String>,
) -> usize {
    let mut passed = 0;
    for operation in operations {
        let Some(call) = find_call(&operation.key) else {
            continue;
        };
        let params = &operation.param_sets[0];
        match call(client, &operation.plain_call_args, params).await {
            Ok(_) => passed += 1,
            Err(err) => failures.push(format!("{} at STRIPE_API_BASE: {err}", operation.key)),
        }
    }
    passed
}

fn find_call(key: &str) -> Option<Call> {
    calls::OPERATIONS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, call)| *call)
}

/// stripe-python sending requests (`SCRIPT BASE`), one JSON line in and one line out per
/// request, so each of its requests is taken right after it is sent.
struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Python {
    fn start(python: &str, script: &str, base: &str) -> Result<Self, String> {
        let mut child = Command::new(python)
            .arg(script)
            .arg(base)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {python} {script}: {e}"))?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(Self {
            child,
            stdin,
            stdout,
        })
    }

    fn send(&mut self, operation: &Operation, params: &Value) -> Result<(), String> {
        let request = PythonRequest {
            method: &operation.method,
            path: &operation.path,
            multipart: operation.multipart,
            path_args: &operation.path_args,
            params,
        };
        let mut line = serde_json::to_string(&request).map_err(|e| e.to_string())?;
        line.push('\n');
        self.stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("writing to stripe-python: {e}"))?;
        let mut reply = String::new();
        self.stdout
            .read_line(&mut reply)
            .map_err(|e| format!("reading from stripe-python: {e}"))?;
        match reply.trim_end() {
            "ok" => Ok(()),
            "" => Err(format!(
                "stripe-python exited ({:?})",
                self.child.try_wait().ok().flatten()
            )),
            error => Err(error.to_owned()),
        }
    }
}

/// Whether `back` is `expected` (nulls aside: an unset nullable member may come back absent, or
/// be absent and come back `null`; numbers compare by value, so `19.0` is `19`). The error is the
/// JSON path of the first difference.
fn same(back: &Value, expected: &Value) -> Result<(), String> {
    fn walk(back: &Value, expected: &Value, at: &mut String) -> Result<(), String> {
        match (back, expected) {
            (Value::Object(back), Value::Object(expected)) => {
                let keys: std::collections::BTreeSet<&String> =
                    back.keys().chain(expected.keys()).collect();
                for key in keys {
                    let (b, e) = (
                        back.get(key).unwrap_or(&Value::Null),
                        expected.get(key).unwrap_or(&Value::Null),
                    );
                    let len = at.len();
                    at.push('.');
                    at.push_str(key);
                    walk(b, e, at)?;
                    at.truncate(len);
                }
                Ok(())
            }
            (Value::Array(back), Value::Array(expected)) if back.len() == expected.len() => {
                for (i, (b, e)) in back.iter().zip(expected).enumerate() {
                    let len = at.len();
                    at.push_str(&format!("[{i}]"));
                    walk(b, e, at)?;
                    at.truncate(len);
                }
                Ok(())
            }
            (Value::Number(b), Value::Number(e)) if b.as_f64() == e.as_f64() => Ok(()),
            (b, e) if b == e => Ok(()),
            (b, e) => Err(format!("`{at}`: got {b}, expected {e}")),
        }
    }
    walk(back, expected, &mut String::from("$"))
}

/// A fixture through its type and back (part 1).
fn round_trip<T: DeserializeOwned + Serialize>(object: &Value) -> Result<Value, String> {
    let typed: T = serde_path_to_error::deserialize(object)
        .map_err(|err| format!("cannot be read at `{}`: {}", err.path(), err.inner()))?;
    serde_json::to_value(&typed).map_err(|err| format!("cannot be written back: {err}"))
}

/// A path argument of a call, as its type (an ID type or `String`).
// A spec without path parameters would leave it unused.
#[allow(dead_code)]
fn path_arg<T: DeserializeOwned>(args: &[String], index: usize) -> Result<T, String> {
    let arg = args
        .get(index)
        .ok_or_else(|| format!("path argument {index} is missing"))?;
    serde_json::from_value(Value::String(arg.clone())).map_err(|err| err.to_string())
}

/// A call's parameters, read from JSON through the type (`deserialize-params`).
fn params<T: DeserializeOwned>(params: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(params).map_err(|err| {
        format!(
            "the parameter type rejects the parameters at `{}`: {}",
            err.path(),
            err.inner()
        )
    })
}

/// A call without parameters takes none.
// Some releases have no call without parameters.
#[allow(dead_code)]
fn no_params(params: &Value) -> Result<(), String> {
    match params.as_object() {
        Some(map) if map.is_empty() => Ok(()),
        _ => Err(format!("this call takes no parameters, got {params}")),
    }
}

/// The call's result, serialized again for comparing with what was served.
fn response<T: Serialize>(result: Result<T, api::Error>) -> Result<Value, String> {
    let typed = result.map_err(|err| format!("the call failed: {err}"))?;
    serde_json::to_value(&typed)
        .map_err(|err| format!("the response cannot be written back: {err}"))
}
