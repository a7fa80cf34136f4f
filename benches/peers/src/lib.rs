//! The payloads and parse paths compared by the peer benchmark (`benches/peers.rs`) and the
//! instruction-count profiles (`src/bin/profile.rs`): the same bytes parsed by stripe-api, by
//! async-stripe (its client's miniserde path, and its `deserialize` feature through serde_json),
//! into `serde_json::Value`, and skimmed into `IgnoredAny` (the floor).
//!
//! The payloads are built from Stripe's fixture objects (`spec/fixtures3-2026-07-29.json`): a
//! verification session and a list page of 100 of them, a PaymentIntent with its customer and
//! payment method as IDs and the same one with both expanded, a Checkout Session, a list page of
//! 100 customers and an `invoice.created` event.
//!
//! stripe-api's side is the crate stripegen generates from the whole of today's API
//! (`spec/full/spec3-2026-01-28.clover.json`), with only the module features these types need;
//! the seed crate in `generated/` has none of them but the verification session. That crate is
//! generated into `benches/peers/full-api/` (ignored by git), which must exist before this
//! workspace builds. `cargo xtask bench` (or `cargo xtask bench --peers`, this benchmark alone)
//! generates it and runs the benchmark; by hand:
//!
//! ```text
//! cargo xtask full-api --spec spec/full/spec3-2026-01-28.clover.json \
//!     --out benches/peers/full-api --generate-only
//! CARGO_TARGET_DIR=target/peers cargo bench --manifest-path benches/peers/Cargo.toml --bench peers
//! ```
//!
//! Generate it again after changing the generator or the runtime's templates: the benchmark
//! measures the crate as it was last generated.

use std::path::Path;

use serde::de::IgnoredAny;
use serde_json::{json, Value};

/// What a payload is, which decides the type each path parses it into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An identity verification session.
    Session,
    /// A list page of verification sessions.
    SessionList,
    /// A PaymentIntent, whatever of it is expanded.
    PaymentIntent,
    /// A Checkout Session.
    CheckoutSession,
    /// A list page of customers.
    CustomerList,
    /// An event (snapshot event, as the Events API returns it and webhooks deliver it).
    Event,
}

/// Stripe's fixture objects, by their `object` (`spec/fixtures3-2026-07-29.json`, `resources`).
fn fixtures() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/fixtures3-2026-07-29.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut all: Value = serde_json::from_str(&text).unwrap();
    all["resources"].take()
}

/// The fixture object `name`.
fn fixture(fixtures: &Value, name: &str) -> Value {
    let object = fixtures[name].clone();
    assert!(object.is_object(), "the fixtures have no `{name}`");
    object
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

/// A list page of 100 copies of `item`, each with its own ID (`prefix` and a number).
fn list_of_100(item: &Value, prefix: &str, url: &str) -> Vec<u8> {
    let data: Vec<Value> = (0..100)
        .map(|i| {
            let mut item = item.clone();
            item["id"] = json!(format!("{prefix}{i:024}"));
            item
        })
        .collect();
    bytes(&json!({
        "object": "list",
        "data": data,
        "has_more": true,
        "url": url,
    }))
}

/// One verification session, as Stripe's fixture has it.
pub fn one_session() -> Vec<u8> {
    bytes(&fixture(&fixtures(), "identity.verification_session"))
}

/// A list page of 100 sessions built from Stripe's fixture, each with its own ID (the same bytes
/// as `tests/benches/runtime.rs`).
pub fn hundred_sessions() -> Vec<u8> {
    let session = fixture(&fixtures(), "identity.verification_session");
    list_of_100(&session, "vs_", "/v1/identity/verification_sessions")
}

/// Stripe's fixture PaymentIntent with a customer and a payment method (the fixture has neither):
/// the fixture Customer's and PaymentMethod's IDs, or, `expanded`, those objects themselves.
pub fn payment_intent(expanded: bool) -> Vec<u8> {
    let fixtures = fixtures();
    let mut intent = fixture(&fixtures, "payment_intent");
    let customer = fixture(&fixtures, "customer");
    let payment_method = fixture(&fixtures, "payment_method");
    if expanded {
        intent["customer"] = customer;
        intent["payment_method"] = payment_method;
    } else {
        intent["customer"] = customer["id"].clone();
        intent["payment_method"] = payment_method["id"].clone();
    }
    bytes(&intent)
}

/// Stripe's fixture Checkout Session.
pub fn checkout_session() -> Vec<u8> {
    bytes(&fixture(&fixtures(), "checkout.session"))
}

/// A list page of 100 customers built from Stripe's fixture, each with its own ID.
pub fn hundred_customers() -> Vec<u8> {
    let customer = fixture(&fixtures(), "customer");
    list_of_100(&customer, "cus_", "/v1/customers")
}

/// Stripe's fixture event (a `plan.created`) made an `invoice.created`: its `data.object` is the
/// fixture Invoice.
pub fn invoice_created_event() -> Vec<u8> {
    let fixtures = fixtures();
    let mut event = fixture(&fixtures, "event");
    event["type"] = json!("invoice.created");
    event["data"] = json!({ "object": fixture(&fixtures, "invoice") });
    bytes(&event)
}

/// A payload: its name (the criterion group is `peers_<name>`), its bytes and its kind.
pub struct Payload {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub kind: Kind,
}

/// Every payload, in table order (`xtask/src/bench.rs`, `PEERS_PAYLOADS`, has the same names).
pub fn payloads() -> Vec<Payload> {
    let payload = |name, bytes, kind| Payload { name, bytes, kind };
    vec![
        payload(
            "list_of_100_sessions",
            hundred_sessions(),
            Kind::SessionList,
        ),
        payload("one_session", one_session(), Kind::Session),
        payload("payment_intent", payment_intent(false), Kind::PaymentIntent),
        payload(
            "payment_intent_expanded",
            payment_intent(true),
            Kind::PaymentIntent,
        ),
        payload(
            "checkout_session",
            checkout_session(),
            Kind::CheckoutSession,
        ),
        payload(
            "list_of_100_customers",
            hundred_customers(),
            Kind::CustomerList,
        ),
        payload(
            "event_invoice_created",
            invoice_created_event(),
            Kind::Event,
        ),
    ]
}

/// A way of parsing a payload; `Err` carries the parser's message.
pub struct Parser {
    pub name: &'static str,
    pub parse: fn(&[u8], Kind) -> Result<(), String>,
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

/// stripe-api's types: the full-API crate of `spec/full/spec3-2026-01-28.clover.json`.
mod ours {
    pub use stripe_api::checkout::Session as CheckoutSession;
    pub use stripe_api::customers::Customer;
    /// The event envelope with its `data.object` typed (`EventObject::Invoice` here).
    pub use stripe_api::events::Event;
    pub use stripe_api::identity::VerificationSession as Session;
    pub use stripe_api::payment_intents::PaymentIntent;
    pub use stripe_api::List;
}

/// async-stripe 1.0.0-rc.10's types.
mod peer {
    pub use stripe_misc::IdentityVerificationSession as Session;
    pub use stripe_shared::CheckoutSession;
    pub use stripe_shared::Customer;
    /// The event envelope; its `data.object` is untyped (a `miniserde::json::Value`, through
    /// serde too): async-stripe types it only in `async-stripe-webhook`, by converting that
    /// value after this parse.
    pub use stripe_shared::Event;
    pub use stripe_shared::PaymentIntent;
    pub use stripe_types::List;
}

/// stripe-api, the way its client parses a body (`runtime/json.rs`, `parse`: one UTF-8 check of
/// the body, then the runtime's own reader, `runtime/reader.rs`), through `from_buffered`, which
/// is that parse for text.
#[inline(never)]
pub fn stripe_api(bytes: &[u8], kind: Kind) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    match kind {
        Kind::Session => keep(from_buffered::<ours::Session>(text)),
        Kind::SessionList => keep(from_buffered::<ours::List<ours::Session>>(text)),
        Kind::PaymentIntent => keep(from_buffered::<ours::PaymentIntent>(text)),
        Kind::CheckoutSession => keep(from_buffered::<ours::CheckoutSession>(text)),
        Kind::CustomerList => keep(from_buffered::<ours::List<ours::Customer>>(text)),
        Kind::Event => keep(from_buffered::<ours::Event>(text)),
    }
}

/// stripe-api's `from_buffered`, its failure made a `serde_json::Error` (by `union_error`, as
/// the generated code does) for its message and path.
#[inline(always)]
fn from_buffered<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    stripe_api::from_buffered(text).map_err(stripe_api::union_error)
}

/// async-stripe's default path, the way its client parses a body (`deserialize_bytes` in
/// async-stripe-client-core: UTF-8 check, then `miniserde::json::from_str`).
#[inline(never)]
pub fn async_stripe_miniserde(bytes: &[u8], kind: Kind) -> Result<(), String> {
    use miniserde::json::from_str;
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    match kind {
        Kind::Session => keep(from_str::<peer::Session>(text)),
        Kind::SessionList => keep(from_str::<peer::List<peer::Session>>(text)),
        Kind::PaymentIntent => keep(from_str::<peer::PaymentIntent>(text)),
        Kind::CheckoutSession => keep(from_str::<peer::CheckoutSession>(text)),
        Kind::CustomerList => keep(from_str::<peer::List<peer::Customer>>(text)),
        Kind::Event => keep(from_str::<peer::Event>(text)),
    }
}

/// async-stripe with its `deserialize` feature (serde derive), through `serde_json::from_slice`.
#[inline(never)]
pub fn async_stripe_serde(bytes: &[u8], kind: Kind) -> Result<(), String> {
    use serde_json::from_slice;
    match kind {
        Kind::Session => keep(from_slice::<peer::Session>(bytes)),
        Kind::SessionList => keep(from_slice::<peer::List<peer::Session>>(bytes)),
        Kind::PaymentIntent => keep(from_slice::<peer::PaymentIntent>(bytes)),
        Kind::CheckoutSession => keep(from_slice::<peer::CheckoutSession>(bytes)),
        Kind::CustomerList => keep(from_slice::<peer::List<peer::Customer>>(bytes)),
        Kind::Event => keep(from_slice::<peer::Event>(bytes)),
    }
}

/// Untyped: `serde_json::Value`.
#[inline(never)]
pub fn serde_json_value(bytes: &[u8], _kind: Kind) -> Result<(), String> {
    keep(serde_json::from_slice::<Value>(bytes))
}

/// The floor: serde_json validating and skipping the same JSON, with no output.
#[inline(never)]
pub fn floor_ignored_any(bytes: &[u8], _kind: Kind) -> Result<(), String> {
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

/// Panics unless every path parses every payload (naming every failure), and the typed paths
/// read them as meant (`assert_shapes`).
pub fn assert_all_parse() {
    let mut failures = Vec::new();
    for payload in payloads() {
        for path in &PATHS {
            if let Err(error) = (path.parse)(&payload.bytes, payload.kind) {
                failures.push(format!(
                    "{} failed to parse {}: {error}",
                    path.name, payload.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_shapes();
}

/// Panics unless the typed paths read the PaymentIntent's customer and payment method as IDs
/// and, expanded, as objects, and stripe-api reads the event's object as an invoice (not as
/// raw JSON): what the timed parses then do.
fn assert_shapes() {
    for expanded in [false, true] {
        let bytes = payment_intent(expanded);
        let text = std::str::from_utf8(&bytes).unwrap();
        let ours: ours::PaymentIntent = from_buffered(text).unwrap();
        let customer = ours.customer.as_ref().map(|c| {
            c.as_object()
                .is_some_and(|c| matches!(c, stripe_api::Deletable::Live(_)))
        });
        let method = ours
            .payment_method
            .as_ref()
            .map(|m| m.as_object().is_some());
        assert_eq!(
            (customer, method),
            (Some(expanded), Some(expanded)),
            "stripe-api"
        );
        let check_peer = |peer: peer::PaymentIntent, path: &str| {
            let customer = peer.customer.as_ref().map(|c| c.is_object());
            let method = peer.payment_method.as_ref().map(|m| m.is_object());
            assert_eq!(
                (customer, method),
                (Some(expanded), Some(expanded)),
                "{path}"
            );
        };
        check_peer(
            miniserde::json::from_str(text).unwrap(),
            "async-stripe miniserde",
        );
        check_peer(serde_json::from_str(text).unwrap(), "async-stripe serde");
    }
    let bytes = invoice_created_event();
    let event: ours::Event = from_buffered(std::str::from_utf8(&bytes).unwrap()).unwrap();
    assert!(
        matches!(
            event.data.object,
            stripe_api::events::EventObject::Invoice(_)
        ),
        "stripe-api reads the event's object as {:?}",
        event.data.object
    );
}
