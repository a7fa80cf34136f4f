//! Stripe's own example objects (`spec/fixtures3-2026-07-29.json`) deserialize into the generated
//! types and serialize back to the same JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use stripe_api::{climate, forwarding, identity, webhook_endpoints};
use stripegen_tests::fixture;

/// Stripe's fixture object for `resource`, deserialized and checked to round-trip.
fn round_trip<T: DeserializeOwned + Serialize>(resource: &str) -> T {
    stripegen_tests::round_trip(resource, &fixture(resource))
}

#[test]
fn climate_order() {
    let order: climate::Order = round_trip("climate.order");
    assert_eq!(order.status, climate::OrderStatus::Open);
    assert_eq!(order.metric_tons.as_str(), "10");
    assert_eq!(
        order.product.id().as_str(),
        "climsku_frontier_offtake_portfolio_2027"
    );
}

#[test]
fn climate_product() {
    round_trip::<climate::Product>("climate.product");
}

#[test]
fn climate_supplier() {
    round_trip::<climate::Supplier>("climate.supplier");
}

#[test]
fn forwarding_request() {
    round_trip::<forwarding::Request>("forwarding.request");
}

#[test]
fn identity_verification_report() {
    round_trip::<identity::VerificationReport>("identity.verification_report");
}

#[test]
fn identity_verification_session() {
    let session: identity::VerificationSession = round_trip("identity.verification_session");
    assert_eq!(session.id.as_str(), "vs_1Pgc76B7WZ01zgkWBdQi8PTU");
}

#[test]
fn webhook_endpoint() {
    round_trip::<webhook_endpoints::WebhookEndpoint>("webhook_endpoint");
}

#[test]
fn deleted_webhook_endpoint() {
    let deleted: webhook_endpoints::DeletedWebhookEndpoint = round_trip("deleted_webhook_endpoint");
    assert!(deleted.deleted);
}

#[test]
fn unknown_enum_values_and_fields_deserialize() {
    let mut session = fixture("identity.verification_session");
    session["status"] = json!("awaiting_review");
    session["a_field_from_the_future"] = json!({"nested": [1, 2, 3]});
    let session: identity::VerificationSession = serde_json::from_value(session).unwrap();
    assert_eq!(
        session.status,
        identity::VerificationSessionStatus::Unrecognized("awaiting_review".into())
    );
    assert_eq!(session.status.as_str(), "awaiting_review");
    // The unknown value is sent back as it came.
    assert_eq!(
        serde_json::to_value(&session.status).unwrap(),
        json!("awaiting_review")
    );
}

#[test]
fn expanded_and_unexpanded_objects_deserialize() {
    let mut order = fixture("climate.order");
    order["product"] = fixture("climate.product");
    let order: climate::Order = serde_json::from_value(order).unwrap();
    let product = order.product.as_object().expect("expanded");
    assert_eq!(product.id.as_str(), order.product.id().as_str());
}

#[test]
fn a_wrong_type_names_the_json_path() {
    let mut session = fixture("identity.verification_session");
    session["created"] = json!("yesterday");
    let err = serde_path_to_error::deserialize::<_, identity::VerificationSession>(&session)
        .expect_err("a string is no timestamp");
    assert_eq!(err.path().to_string(), "created");
}
