//! The payloads and parse paths compared by the peer benchmark (`benches/peers.rs`) and the
//! instruction-count profiles (`src/bin/profile.rs`): the same bytes parsed by stripe-api, by
//! async-stripe (its client's miniserde path, and its `deserialize` feature through serde_json),
//! into `serde_json::Value`, and skimmed into `IgnoredAny` (the floor).

use std::path::Path;

use serde::de::IgnoredAny;
use serde_json::{json, Value};

type StripeApiSession = stripe_api::identity::VerificationSession;
type PeerSession = stripe_misc::IdentityVerificationSession;

/// Stripe's fixture verification session.
fn fixture_session() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/fixtures3-2026-07-29.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let all: Value = serde_json::from_str(&text).unwrap();
    all["resources"]["identity.verification_session"].clone()
}

/// One verification session, as Stripe's fixture has it.
pub fn one_session() -> Vec<u8> {
    serde_json::to_vec(&fixture_session()).unwrap()
}

/// A list page of 100 sessions built from Stripe's fixture, each with its own ID (the same bytes
/// as `tests/benches/runtime.rs`).
pub fn hundred_sessions() -> Vec<u8> {
    let session = fixture_session();
    let data: Vec<Value> = (0..100)
        .map(|i| {
            let mut item = session.clone();
            item["id"] = json!(format!("vs_{i:024}"));
            item
        })
        .collect();
    serde_json::to_vec(&json!({
        "object": "list",
        "data": data,
        "has_more": true,
        "url": "/v1/identity/verification_sessions",
    }))
    .unwrap()
}

/// A payload: its name, its bytes and whether it is a list page (else one session).
pub struct Payload {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub list: bool,
}

pub fn payloads() -> [Payload; 2] {
    [
        Payload {
            name: "list_of_100_sessions",
            bytes: hundred_sessions(),
            list: true,
        },
        Payload {
            name: "one_session",
            bytes: one_session(),
            list: false,
        },
    ]
}

/// A way of parsing a payload; `Err` carries the parser's message.
pub struct Parser {
    pub name: &'static str,
    pub parse: fn(&[u8], bool) -> Result<(), String>,
}

/// The compared paths, in table order.
pub const PATHS: [Parser; 5] = [
    Parser {
        name: "stripe_api",
        parse: stripe_api,
    },
    Parser {
        name: "async_stripe_miniserde",
        parse: async_stripe_miniserde,
    },
    Parser {
        name: "async_stripe_serde",
        parse: async_stripe_serde,
    },
    Parser {
        name: "serde_json_value",
        parse: serde_json_value,
    },
    Parser {
        name: "floor_ignored_any",
        parse: floor_ignored_any,
    },
];

/// stripe-api, the way its client parses a body (`runtime/json.rs`, `parse`: one UTF-8 check of
/// the body, then the runtime's own reader, `runtime/reader.rs`), through `from_buffered`, which
/// is that parse for text.
#[inline(never)]
pub fn stripe_api(bytes: &[u8], list: bool) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    if list {
        keep(stripe_api::from_buffered::<
            stripe_api::List<StripeApiSession>,
        >(text))
    } else {
        keep(stripe_api::from_buffered::<StripeApiSession>(text))
    }
}

/// async-stripe's default path, the way its client parses a body (`deserialize_bytes` in
/// async-stripe-client-core: UTF-8 check, then `miniserde::json::from_str`).
#[inline(never)]
pub fn async_stripe_miniserde(bytes: &[u8], list: bool) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    if list {
        keep(miniserde::json::from_str::<stripe_types::List<PeerSession>>(text))
    } else {
        keep(miniserde::json::from_str::<PeerSession>(text))
    }
}

/// async-stripe with its `deserialize` feature (serde derive), through `serde_json::from_slice`.
#[inline(never)]
pub fn async_stripe_serde(bytes: &[u8], list: bool) -> Result<(), String> {
    if list {
        keep(serde_json::from_slice::<stripe_types::List<PeerSession>>(
            bytes,
        ))
    } else {
        keep(serde_json::from_slice::<PeerSession>(bytes))
    }
}

/// Untyped: `serde_json::Value`.
#[inline(never)]
pub fn serde_json_value(bytes: &[u8], _list: bool) -> Result<(), String> {
    keep(serde_json::from_slice::<Value>(bytes))
}

/// The floor: serde_json validating and skipping the same JSON, with no output.
#[inline(never)]
pub fn floor_ignored_any(bytes: &[u8], _list: bool) -> Result<(), String> {
    keep(serde_json::from_slice::<IgnoredAny>(bytes))
}

/// Drops the parsed value (after `black_box`, so the parse is not optimised away) and keeps
/// only success or the error's message.
fn keep<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<(), String> {
    match result {
        Ok(value) => {
            std::hint::black_box(&value);
            Ok(())
        }
        Err(error) => Err(error.to_string()),
    }
}

/// Panics unless every path parses every payload.
pub fn assert_all_parse() {
    for payload in payloads() {
        for path in &PATHS {
            if let Err(error) = (path.parse)(&payload.bytes, payload.list) {
                panic!("{} failed to parse {}: {error}", path.name, payload.name);
            }
        }
    }
}
