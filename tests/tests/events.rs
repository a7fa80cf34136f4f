//! Typed webhook events: every event type Stripe lists maps to an `EventType` variant, and an
//! event about each generated resource carries that resource typed.

use std::str::FromStr;

use serde_json::{json, Value};
use stripe_api::events::{Event, EventObject, EventType};
use stripe_api::webhook::{signature_header, Webhook, WebhookError};
use stripegen_tests::{fixture, workspace};

/// The event types the spec lists, read straight from the YAML.
fn spec_event_types() -> Vec<String> {
    // Read through the generator's own loader, as generation reads it.
    let spec = stripegen::load::read_document(&workspace().join("spec/stripe.yaml")).unwrap();
    spec["paths"]["/v1/webhook_endpoints"]["post"]["requestBody"]["content"]
        ["application/x-www-form-urlencoded"]["schema"]["properties"]["enabled_events"]["items"]
        ["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn event(kind: &str, object: Value) -> Value {
    json!({
        "id": "evt_1",
        "object": "event",
        "api_version": stripe_api::API_VERSION,
        "created": 1_700_000_000,
        "data": {"object": object, "previous_attributes": {"status": "processing"}},
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": "req_1", "idempotency_key": "key_1"},
        "type": kind,
    })
}

#[test]
fn every_event_type_in_the_spec_has_a_variant() {
    let types = spec_event_types();
    assert!(
        types.len() > 200,
        "the spec lists {} event types",
        types.len()
    );
    for value in &types {
        let parsed = EventType::from_str(value).unwrap();
        assert!(
            !matches!(parsed, EventType::Unrecognized(_)),
            "`{value}` has no variant"
        );
        assert_eq!(parsed.as_str(), value);
    }
    assert_eq!(
        EventType::from_str("identity.verification_session.verified").unwrap(),
        EventType::IdentityVerificationSessionVerified
    );
    assert!(matches!(
        EventType::from_str("some.future.event").unwrap(),
        EventType::Unrecognized(_)
    ));
}

#[test]
fn events_about_generated_resources_carry_typed_objects() {
    let cases = [
        (
            "identity.verification_session.verified",
            "identity.verification_session",
        ),
        ("climate.order.delivered", "climate.order"),
        ("climate.product.pricing_updated", "climate.product"),
    ];
    for (kind, resource) in cases {
        let original = event(kind, fixture(resource));
        let parsed: Event = serde_path_to_error::deserialize(&original)
            .unwrap_or_else(|e| panic!("{kind} at {}: {}", e.path(), e.inner()));
        assert_eq!(parsed.type_.as_str(), kind);
        let id = match &parsed.data.object {
            EventObject::IdentityVerificationSession(session) => session.id.to_string(),
            EventObject::ClimateOrder(order) => order.id.to_string(),
            EventObject::ClimateProduct(product) => product.id.to_string(),
            other => panic!("{kind} carried an untyped object: {other:?}"),
        };
        assert_eq!(id, fixture(resource)["id"].as_str().unwrap());
        assert_eq!(
            parsed.data.previous_attributes.as_ref().unwrap()["status"],
            "processing"
        );
        assert_eq!(
            parsed.request.as_ref().unwrap().id.as_deref(),
            Some("req_1")
        );
    }
}

#[test]
fn events_about_other_objects_keep_raw_json() {
    let object = json!({"id": "ch_1", "object": "charge", "amount": 100});
    let parsed: Event = serde_json::from_value(event("charge.succeeded", object.clone())).unwrap();
    assert_eq!(parsed.type_, EventType::ChargeSucceeded);
    assert_eq!(parsed.data.object, EventObject::Unrecognized(object));
}

#[test]
fn a_verified_payload_parses_into_a_typed_event() {
    let payload =
        serde_json::to_vec(&event("climate.order.delivered", fixture("climate.order"))).unwrap();
    let now = 1_700_000_100;
    let header = signature_header(&payload, "whsec_test", now);
    let webhook = Webhook::new("whsec_test").clock(move || now);
    let parsed: Event = webhook.construct_event(&payload, Some(&header)).unwrap();
    assert_eq!(parsed.type_, EventType::ClimateOrderDelivered);
    assert!(matches!(parsed.data.object, EventObject::ClimateOrder(_)));
}

#[test]
fn enabled_events_take_the_event_type_enum() {
    let params = stripe_api::webhook_endpoints::CreateWebhookEndpoint::new(
        vec![
            EventType::All,
            EventType::IdentityVerificationSessionVerified,
        ],
        "https://example.com/hooks",
    );
    assert_eq!(
        stripe_api::encode_form(&params).unwrap(),
        // Escaped exactly as stripe-python escapes it; only brackets stay literal.
        "enabled_events[0]=%2A&enabled_events[1]=identity.verification_session.verified&url=https%3A%2F%2Fexample.com%2Fhooks"
    );
}

#[test]
fn a_malformed_event_object_names_the_failing_field() {
    let mut session = fixture("identity.verification_session");
    session["livemode"] = json!("maybe");
    let payload =
        serde_json::to_vec(&event("identity.verification_session.verified", session)).unwrap();
    let header = signature_header(&payload, "whsec_test", 1_700_000_000);
    let webhook = Webhook::new("whsec_test").clock(|| 1_700_000_000);
    let err = webhook
        .construct_event::<Event>(&payload, Some(&header))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("data.object") && err.contains("livemode"),
        "{err}"
    );
}

#[test]
fn a_malformed_event_object_reports_the_whole_json_path() {
    let mut session = fixture("identity.verification_session");
    session["created"] = json!("yesterday");
    let followed = event("identity.verification_session.verified", session.clone());
    let mut last = followed.clone();
    last["data"] = json!({"object": session});
    let mut spaced = serde_json::to_string_pretty(&followed).unwrap();
    spaced.push('\n');
    for payload in [
        serde_json::to_vec(&followed).unwrap(),
        serde_json::to_vec(&last).unwrap(),
        spaced.into_bytes(),
    ] {
        let header = signature_header(&payload, "whsec_test", 1_700_000_000);
        let webhook = Webhook::new("whsec_test").clock(|| 1_700_000_000);
        let error = webhook
            .construct_event::<Event>(&payload, Some(&header))
            .unwrap_err();
        let WebhookError::InvalidPayload { path, message } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(path, "data.object.created", "{message}");
        assert!(
            message.starts_with("invalid type: string \"yesterday\""),
            "{message}"
        );
        assert!(!message.contains("(at "), "{message}");
    }
}
