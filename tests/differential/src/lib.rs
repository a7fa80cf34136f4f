//! The runtime's JSON reader (`templates/runtime/reader.rs`, reached through
//! `stripe_api::parse_body`, the parse the client runs on every response body) compared with
//! serde_json, which is the oracle: on the same bytes, into `serde_json::Value` and into the
//! generated types, the two must agree on accepting or rejecting, on the value, and on where a
//! failure is (the byte at fault of a syntax error; the JSON path of a type error).
//!
//! [`check`] takes any bytes. [`stripe_shaped`] turns bytes into JSON shaped like Stripe's
//! objects (Stripe's fixtures, mutated where parsers differ: members gone, retyped, unknown or
//! escaped, objects collapsed to IDs, `object` tags swapped, numbers at their limits, then
//! sometimes cut or with a byte changed), so a fuzzer spends its time inside the shapes the
//! generated types read. The fuzz target (`fuzz/`) runs both on libFuzzer's inputs; the tests
//! run a short seeded sample of both in CI.

use std::fmt::Debug;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use stripe_api::{climate, events, forwarding, identity, webhook_endpoints};
use stripe_api::{Deletable, Expandable, List};

/// Panics, naming the input and the type, when the reader and serde_json disagree on `bytes`
/// for any of the target types.
pub fn check(bytes: &[u8]) {
    let duplicates = has_duplicate_keys(bytes);
    agree::<Value>(bytes, duplicates);
    agree::<identity::VerificationSession>(bytes, duplicates);
    agree::<List<identity::VerificationSession>>(bytes, duplicates);
    agree::<identity::VerificationReport>(bytes, duplicates);
    agree::<climate::Order>(bytes, duplicates);
    agree::<climate::Product>(bytes, duplicates);
    agree::<forwarding::Request>(bytes, duplicates);
    agree::<webhook_endpoints::WebhookEndpoint>(bytes, duplicates);
    agree::<Deletable<webhook_endpoints::WebhookEndpoint, webhook_endpoints::DeletedWebhookEndpoint>>(
        bytes, duplicates,
    );
    agree::<
        Expandable<
            Deletable<
                webhook_endpoints::WebhookEndpoint,
                webhook_endpoints::DeletedWebhookEndpoint,
            >,
        >,
    >(bytes, duplicates);
    agree::<events::Event>(bytes, duplicates);
    agree::<events::EventObject>(bytes, duplicates);
}

/// How one parser ended.
#[derive(Debug)]
enum Outcome<T> {
    Value(T),
    /// A syntax error (or the end of the input) at this byte.
    Syntax(usize),
    /// A type error at this JSON path.
    Type(String),
    /// The body is not UTF-8: the reader checks that first, over the whole body.
    NotUtf8,
}

fn agree<T: DeserializeOwned + PartialEq + Debug>(bytes: &[u8], duplicates: bool) {
    let ours = ours::<T>(bytes);
    let theirs = theirs::<T>(bytes);
    let same = match (&ours, &theirs) {
        (Outcome::Value(a), Outcome::Value(b)) => a == b || duplicates,
        (Outcome::Type(a), Outcome::Type(b)) => a == b,
        // JSON text is UTF-8 (RFC 8259), and the reader refuses a body that is not, as
        // `serde_json::from_str` must; `from_slice` checks only the strings it keeps.
        (Outcome::NotUtf8, _) => true,
        // A syntax error the document has, found first by one parser and not the other:
        // serde_json counts a column one short when it skips a string with a control character,
        // and a parser that streams can meet a type error, or a syntax error after a nesting
        // too deep to read but not to skip, before one that buffered the value (serde_json
        // under a union of the runtime) meets the first syntax error. Either is right when the
        // error is the document's own: where serde_json finds it reading the document into a
        // `Value`, or skipping it whole.
        (Outcome::Syntax(a), Outcome::Syntax(b)) => {
            a == b || is_skipped_control_character(bytes, *a, *b) || is_document_error(bytes, *a)
        }
        (Outcome::Type(_), Outcome::Syntax(at)) | (Outcome::Syntax(at), Outcome::Type(_)) => {
            is_document_error(bytes, *at)
        }
        // A member serde_json can skip but not read into a `Value` (nested too deep, a number
        // out of range): a union of the runtime makes serde_json buffer the value; the reader
        // skips the member, as serde_json does when it streams.
        (Outcome::Value(_), Outcome::Syntax(at)) => is_fault_only_when_buffered(bytes, *at),
        _ => false,
    };
    assert!(
        same,
        "the reader and serde_json disagree on a {}\n  input ({} bytes): {}\n  reader: {ours:?}\n  serde_json: {theirs:?}",
        std::any::type_name::<T>(),
        bytes.len(),
        String::from_utf8_lossy(bytes)
    );
}

fn ours<T: DeserializeOwned>(bytes: &[u8]) -> Outcome<T> {
    if std::str::from_utf8(bytes).is_err() {
        return match stripe_api::parse_body::<T>(bytes) {
            Ok(_) => panic!("the reader accepted a body that is not UTF-8"),
            Err(_) => Outcome::NotUtf8,
        };
    }
    match stripe_api::parse_body::<T>(bytes) {
        Ok(value) => Outcome::Value(value),
        Err(failure) if is_syntax_message(&failure.message) => Outcome::Syntax(failure.offset),
        Err(failure) => Outcome::Type(failure.path),
    }
}

/// serde_json's syntax errors, in the reader's wording (serde_json's own).
fn is_syntax_message(message: &str) -> bool {
    const SYNTAX: [&str; 14] = [
        "EOF while parsing",
        "expected value",
        "expected `,` or `}`",
        "expected `,` or `]`",
        "expected `:`",
        "key must be a string",
        "trailing comma",
        "trailing characters",
        "invalid number",
        "number out of range",
        "invalid escape",
        "invalid unicode code point",
        "control character",
        "lone leading surrogate",
    ];
    SYNTAX.iter().any(|syntax| message.starts_with(syntax)) || message == "recursion limit exceeded"
}

/// Whether serde_json points one byte short of the control character at `ours`: it does so for
/// one in a string it skips.
fn is_skipped_control_character(bytes: &[u8], ours: usize, theirs: usize) -> bool {
    ours == theirs + 1 && bytes.get(ours).is_some_and(|byte| *byte < 0x20)
}

/// Whether the document's fault at `at` is one serde_json finds only reading it into a `Value`
/// (a nesting too deep, a number out of range), not when it skips it as `IgnoredAny`.
fn is_fault_only_when_buffered(bytes: &[u8], at: usize) -> bool {
    let buffered = serde_json::from_slice::<Value>(bytes)
        .is_err_and(|error| !error.is_eof() && offset_of(bytes, &error) == at);
    buffered && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// Whether serde_json finds a syntax error of the document at `at`, reading it into a `Value`
/// or skipping it (`IgnoredAny`, which has no nesting limit).
fn is_document_error(bytes: &[u8], at: usize) -> bool {
    matches!(theirs::<Value>(bytes), Outcome::Syntax(first) if first == at)
        || matches!(theirs::<serde::de::IgnoredAny>(bytes), Outcome::Syntax(first)
            if first == at || is_skipped_control_character(bytes, at, first))
}

fn theirs<T: DeserializeOwned>(bytes: &[u8]) -> Outcome<T> {
    let syntax = |error: &serde_json::Error| {
        (error.is_syntax() || error.is_eof()).then(|| Outcome::Syntax(offset_of(bytes, error)))
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => match deserializer.end() {
            Ok(()) => Outcome::Value(value),
            Err(error) => syntax(&error).unwrap_or(Outcome::Type(".".into())),
        },
        Err(error) => syntax(error.inner()).unwrap_or_else(|| {
            Outcome::Type(full_path(
                &error.path().to_string(),
                &error.inner().to_string(),
            ))
        }),
    }
}

/// The path of a type error: serde_json's, followed by the path inside a union that buffered the
/// value (which the union's error names: `... (at `path`)`, see the runtime's `union_error`).
fn full_path(outer: &str, message: &str) -> String {
    let inner = message
        .rsplit_once(" (at `")
        .and_then(|(_, rest)| rest.split_once("`)"))
        .map(|(inner, _)| inner);
    match inner {
        None | Some(".") => outer.to_owned(),
        Some(inner) if outer == "." => inner.to_owned(),
        Some(inner) if inner.starts_with('[') => format!("{outer}{inner}"),
        Some(inner) => format!("{outer}.{inner}"),
    }
}

/// The byte offset a serde_json error's line and column point at: serde_json counts the
/// column up to and including the byte at fault, and up to the end of the input at its end.
fn offset_of(bytes: &[u8], error: &serde_json::Error) -> usize {
    let line_start = match error.line() {
        0 | 1 => 0,
        line => bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(bytes.len(), |(at, _)| at + 1),
    };
    let at = line_start + error.column();
    if error.is_eof() {
        at
    } else {
        at.saturating_sub(1)
    }
}

/// Whether some object of the JSON `bytes` repeats a key. RFC 8259 leaves such a document's
/// meaning open, and the two parsers read it differently on purpose: serde_json keeps the last
/// `object` member, the reader decides a union by the first one and stops looking.
fn has_duplicate_keys(bytes: &[u8]) -> bool {
    struct Keys(bool);

    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(KeysVisitor)
        }
    }

    struct KeysVisitor;

    impl<'de> serde::de::Visitor<'de> for KeysVisitor {
        type Value = Keys;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
            let mut seen = std::collections::HashSet::new();
            let mut repeated = false;
            while let Some(key) = map.next_key::<String>()? {
                repeated |= !seen.insert(key);
                repeated |= map.next_value::<Keys>()?.0;
            }
            Ok(Keys(repeated))
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Keys, A::Error> {
            let mut repeated = false;
            while let Some(item) = seq.next_element::<Keys>()? {
                repeated |= item.0;
            }
            Ok(Keys(repeated))
        }

        fn visit_bool<E>(self, _: bool) -> Result<Keys, E> {
            Ok(Keys(false))
        }
        fn visit_i64<E>(self, _: i64) -> Result<Keys, E> {
            Ok(Keys(false))
        }
        fn visit_u64<E>(self, _: u64) -> Result<Keys, E> {
            Ok(Keys(false))
        }
        fn visit_f64<E>(self, _: f64) -> Result<Keys, E> {
            Ok(Keys(false))
        }
        fn visit_str<E>(self, _: &str) -> Result<Keys, E> {
            Ok(Keys(false))
        }
        fn visit_unit<E>(self) -> Result<Keys, E> {
            Ok(Keys(false))
        }
    }

    serde_json::from_slice::<Keys>(bytes).is_ok_and(|keys| keys.0)
}

/// The bytes a fuzzer or a seeded generator hands over, read as a sequence of choices (zeros
/// once they run out, so every input makes some document).
pub struct Choices<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Choices<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Choices { bytes, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let byte = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        byte
    }

    fn coin(&mut self) -> bool {
        self.byte() & 1 == 0
    }

    /// A number below `n` (which is not 0).
    fn below(&mut self, n: usize) -> usize {
        let wide = u16::from_le_bytes([self.byte(), self.byte()]);
        usize::from(wide) % n
    }
}

/// Stripe's fixture objects the shaped documents start from: the resources of the generated
/// crate's modules, and an event.
fn fixtures() -> &'static [Value] {
    static FIXTURES: OnceLock<Vec<Value>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let all: Value =
            serde_json::from_str(include_str!("../../../spec/fixtures3-2026-07-29.json"))
                .expect("Stripe's fixtures are JSON");
        let resources = &all["resources"];
        let mut objects: Vec<Value> = [
            "identity.verification_session",
            "identity.verification_report",
            "climate.order",
            "climate.product",
            "climate.supplier",
            "forwarding.request",
            "webhook_endpoint",
            "deleted_webhook_endpoint",
            "event",
        ]
        .iter()
        .map(|name| resources[name].clone())
        .collect();
        // An event about a resource of this crate, and a list page.
        objects.push(json!({
            "id": "evt_1", "object": "event", "api_version": "2026-01-28.clover",
            "created": 1, "livemode": false, "pending_webhooks": 0,
            "request": {"id": null, "idempotency_key": null},
            "type": "identity.verification_session.verified",
            "data": {"object": resources["identity.verification_session"].clone()},
        }));
        objects.push(json!({
            "object": "list", "has_more": false, "url": "/v1/identity/verification_sessions",
            "data": [resources["identity.verification_session"].clone()],
        }));
        objects
    })
}

/// Replacement values where parsers tend to differ.
fn odd_value(choices: &mut Choices<'_>) -> Value {
    let odd = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-0.0),
        json!(1.5),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1e308),
        json!(""),
        json!("é \" \\ / \u{1F600} \u{7f}"),
        json!("unknown_value"),
        json!([]),
        json!({}),
        json!([1, "a", null, {"b": []}]),
        json!({"object": "card", "id": "card_1"}),
        json!({"deleted": true, "id": "we_1", "object": "webhook_endpoint"}),
    ];
    odd[choices.below(odd.len())].clone()
}

/// Applies one mutation somewhere in `value`, walking down by the choices.
fn mutate(value: &mut Value, choices: &mut Choices<'_>, depth: usize) {
    let descend = depth < 6 && choices.below(3) != 0;
    match value {
        Value::Object(members) if !members.is_empty() => {
            let key = members.keys().nth(choices.below(members.len())).cloned();
            let key = key.expect("an index below the length");
            if descend {
                mutate(
                    members.get_mut(&key).expect("a key of the map"),
                    choices,
                    depth + 1,
                );
                return;
            }
            mutate_object(members, &key, choices);
        }
        Value::Array(items) if !items.is_empty() && descend => {
            let index = choices.below(items.len());
            mutate(&mut items[index], choices, depth + 1);
        }
        _ => *value = odd_value(choices),
    }
}

fn mutate_object(members: &mut Map<String, Value>, key: &str, choices: &mut Choices<'_>) {
    const TAGS: [&str; 6] = [
        "identity.verification_session",
        "climate.order",
        "webhook_endpoint",
        "event",
        "list",
        "unknown.object",
    ];
    match choices.byte() % 9 {
        0 => {
            members.remove(key);
        }
        1 => {
            members.insert(key.to_owned(), odd_value(choices));
        }
        2 => {
            let extra = format!("unknown_{}", choices.byte());
            members.insert(extra, odd_value(choices));
        }
        3 => {
            let tag = TAGS[choices.below(TAGS.len())];
            members.insert("object".to_owned(), json!(tag));
        }
        4 => {
            // An expanded object collapsed to its ID, or an ID expanded to a fixture.
            let replacement = match members.get(key) {
                Some(Value::Object(object)) => object.get("id").cloned().unwrap_or(Value::Null),
                _ => fixtures()[choices.below(fixtures().len())].clone(),
            };
            members.insert(key.to_owned(), replacement);
        }
        5 => {
            members.insert("deleted".to_owned(), json!(choices.coin()));
        }
        6 => {
            // A key with escapes, which the reader copies rather than borrows.
            if let Some(value) = members.remove(key) {
                members.insert(format!("{key}\u{e9}\"\\"), value);
            }
        }
        7 => {
            let mut nested = json!(0);
            for _ in 0..choices.below(140) {
                nested = json!([nested]);
            }
            members.insert(key.to_owned(), nested);
        }
        _ => {
            // The object's members in another order (`object` first, last, or in the middle).
            let mut entries: Vec<(String, Value)> = std::mem::take(members).into_iter().collect();
            let shift = choices.below(entries.len().max(1));
            entries.rotate_left(shift);
            members.extend(entries);
        }
    }
}

/// A document shaped like Stripe's objects, made from `bytes`: a fixture, a few mutations, then
/// written compact or pretty, and sometimes cut or with one byte changed.
pub fn stripe_shaped(bytes: &[u8]) -> Vec<u8> {
    let mut choices = Choices::new(bytes);
    let mut value = fixtures()[choices.below(fixtures().len())].clone();
    for _ in 0..choices.below(4) {
        mutate(&mut value, &mut choices, 0);
    }
    let mut text = if choices.coin() {
        serde_json::to_vec(&value)
    } else {
        serde_json::to_vec_pretty(&value)
    }
    .expect("a Value always serializes");
    if text.is_empty() {
        return text;
    }
    match choices.byte() % 8 {
        0 => text.truncate(choices.below(text.len())),
        1 => {
            const BYTES: &[u8] = b" \"\\,:{}[]0-e.ntf\x01\xff";
            let at = choices.below(text.len());
            text[at] = BYTES[choices.below(BYTES.len())];
        }
        2 => {
            let at = choices.below(text.len());
            text.insert(at, b',');
        }
        _ => {}
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_json_positions_become_offsets() {
        let at = |text: &str| {
            offset_of(
                text.as_bytes(),
                &serde_json::from_str::<Value>(text).unwrap_err(),
            )
        };
        assert_eq!(at("[1,]"), 3);
        assert_eq!(at("{\n  \"a\" 1}"), 8);
        assert_eq!(at("[1"), 2);
    }

    #[test]
    fn union_paths_join_the_outer_one() {
        assert_eq!(
            full_path("data.object", "bad (at `amount`)"),
            "data.object.amount"
        );
        assert_eq!(full_path("data", "bad (at `[2].a`)"), "data[2].a");
        assert_eq!(full_path(".", "bad (at `a`)"), "a");
        assert_eq!(full_path("a", "bad"), "a");
    }

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        assert!(has_duplicate_keys(br#"{"a": [{"b": 1, "b": 2}]}"#));
        assert!(!has_duplicate_keys(br#"{"a": [{"b": 1}, {"b": 2}]}"#));
    }
}
