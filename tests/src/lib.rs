//! Helpers shared by the integration tests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use stripe_api::Client;
use wiremock::{MockServer, Request};

pub use stripegen_python as python;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// Every complete Stripe spec release the project keeps, oldest first (by release date), each
/// relative to the workspace root: `spec/history/` (2018-2022) and `spec/full/` (v450, v524).
pub const RELEASES: [&str; 10] = [
    "spec/history/spec3-2018-01-10.yaml",
    "spec/history/spec3-2018-10-18.yaml",
    "spec/history/spec3-2019-07-22.yaml",
    "spec/history/spec3-2020-04-03.yaml",
    "spec/history/spec3-2021-01-07.yaml",
    "spec/history/spec3-2021-10-07.yaml",
    "spec/history/spec3-2022-10-04.yaml",
    "spec/full/spec3-v450.yaml",
    "spec/full/spec3-v524.yaml",
    "spec/full/spec3-2026-01-28.clover.json",
];

/// A JSON file of the workspace, by path relative to its root.
pub fn read_json(relative: &str) -> Value {
    let path = workspace().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("parsing {}: {err}", path.display()))
}

/// Stripe's example object for a GA resource (`spec/fixtures3-2026-07-29.json`).
pub fn fixture(resource: &str) -> Value {
    let object = read_json("spec/fixtures3-2026-07-29.json")["resources"][resource].take();
    assert!(object.is_object(), "no fixture for {resource}");
    object
}

/// The path of the verification sessions collection, which the runtime tests page through.
pub const SESSIONS: &str = "/v1/identity/verification_sessions";

/// Stripe's example verification session, with the ID `id`.
pub fn session(id: &str) -> Value {
    let mut session = fixture("identity.verification_session");
    session["id"] = serde_json::json!(id);
    session
}

/// A list page of the sessions `ids`.
pub fn sessions_page(ids: &[&str], has_more: bool) -> Value {
    serde_json::json!({
        "object": "list",
        "data": ids.iter().map(|id| session(id)).collect::<Vec<_>>(),
        "has_more": has_more,
        "url": SESSIONS,
    })
}

/// `pairs` with borrowed strings, as tests write expected pairs.
pub fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Stripe's example object for a preview resource
/// (`spec/fixtures3.private_preview-2026-07-29.json`).
pub fn preview_fixture(resource: &str) -> Value {
    let all = read_json("spec/fixtures3.private_preview-2026-07-29.json");
    let object = all["resources"][resource].clone();
    assert!(object.is_object(), "no preview fixture for {resource}");
    object
}

/// `value` without its `null` members. Stripe's fixtures show an unset nullable field sometimes
/// as `null` and sometimes not at all (Stripe omits some unless expanded); a typed `None` can't
/// remember which, and the two mean the same. Round trips compare with nulls removed on both
/// sides, so every other value must survive exactly.
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Deserializes `original` (naming the JSON path of any failure), checks that it serializes back
/// to the same JSON (nulls aside, see [`without_nulls`]) and that no member was dropped, and
/// returns the typed value.
pub fn round_trip<T: DeserializeOwned + Serialize>(what: &str, original: &Value) -> T {
    let typed: T = serde_path_to_error::deserialize(original)
        .unwrap_or_else(|err| panic!("{what} at {}: {}", err.path(), err.inner()));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        without_nulls(&back),
        without_nulls(original),
        "{what} does not round-trip"
    );
    assert_eq!(
        dropped_members(original, &back),
        Vec::<String>::new(),
        "{what} has members the generated types do not describe"
    );
    typed
}

/// Members of `original` that did not come back: fields the generated types do not know (serde
/// skips unknown fields when deserializing, so only this check notices a `null` one).
fn dropped_members(original: &Value, back: &Value) -> Vec<String> {
    let (mut before, mut after) = (BTreeSet::new(), BTreeSet::new());
    member_paths(original, "", &mut before);
    member_paths(back, "", &mut after);
    before.difference(&after).cloned().collect()
}

/// The JSON paths of all object members in `value`, `null` ones included.
fn member_paths(value: &Value, at: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, member) in map {
                let here = format!("{at}.{key}");
                out.insert(here.clone());
                member_paths(member, &here, out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                member_paths(item, &format!("{at}[{index}]"), out);
            }
        }
        _ => {}
    }
}

/// A client of the mock `server`, with default settings.
pub fn client(server: &MockServer) -> Client {
    Client::builder("sk_test_123")
        .base_url(server.uri())
        .build()
        .unwrap()
}

/// Decoded `key=value` pairs of a query string or form body, in order.
pub fn pairs(encoded: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(encoded.as_bytes())
        .into_owned()
        .collect()
}

/// A header of a request the mock server received.
pub fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

pub use stripegen_wire::Part;

/// The parts of a `multipart/form-data` body (`stripegen_wire::multipart_parts`); panics on a
/// malformed one, naming what is wrong.
pub fn multipart_parts(content_type: &str, body: &[u8]) -> Vec<Part> {
    stripegen_wire::multipart_parts(content_type, body).unwrap_or_else(|e| panic!("{e}"))
}

/// The Markdown documentation (`README.md`, `docs/*.md`): `cargo test` compiles its
/// `rust,no_run` code blocks as doctests of this crate, so an example that no longer matches the
/// generated crate's API fails the tests. `tests/readme.rs` checks that every file is listed here
/// and every Rust block is compiled. A failure is reported as `markdown::<File> (line N)`: the
/// block starts at line N - D + 1 of the file, where D is the line of its `#[doc]` below.
#[cfg(doctest)]
mod markdown {
    #[doc = include_str!("../../README.md")]
    pub struct Readme;
    #[doc = include_str!("../../docs/using.md")]
    pub struct Using;
    #[doc = include_str!("../../docs/maintaining.md")]
    pub struct Maintaining;
    #[doc = include_str!("../../docs/performance.md")]
    pub struct Performance;
    #[doc = include_str!("../../docs/ci.md")]
    pub struct Ci;
}
