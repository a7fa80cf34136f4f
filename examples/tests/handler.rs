//! Drives the example's router with signed requests, in process (no socket).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use stripe_api::webhook::{signature_header, Webhook};
use stripe_webhook_example::{router, thin_events_router, PATH, THIN_EVENTS_PATH};
use tower::ServiceExt as _;

const SECRET: &str = "whsec_example_test";
const NOW: i64 = 1_800_000_000;

fn fixture(resource: &str) -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/fixtures3-2026-07-29.json"
    );
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let object = all["resources"][resource].clone();
    assert!(object.is_object(), "no fixture for {resource}");
    object
}

fn event(event_type: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "evt_1",
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": NOW - 5,
        "data": {"object": object},
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": event_type,
    }))
    .unwrap()
}

/// Posts `body` with `signature` (if any) and returns the status and the response text.
async fn post(body: Vec<u8>, signature: Option<String>) -> (StatusCode, String) {
    let app = router(Webhook::new(SECRET).clock(|| NOW));
    let mut request = Request::post(PATH).header("content-type", "application/json");
    if let Some(signature) = signature {
        request = request.header("Stripe-Signature", signature);
    }
    let response = app
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn a_validly_signed_event_is_handled() {
    let body = event(
        "identity.verification_session.verified",
        fixture("identity.verification_session"),
    );
    let signature = signature_header(&body, SECRET, NOW);
    assert_eq!(
        post(body, Some(signature)).await,
        (
            StatusCode::OK,
            "verification session vs_1Pgc76B7WZ01zgkWBdQi8PTU verified".to_owned()
        )
    );

    let body = event("climate.order.delivered", fixture("climate.order"));
    let signature = signature_header(&body, SECRET, NOW);
    assert_eq!(
        post(body, Some(signature)).await,
        (
            StatusCode::OK,
            "climate order climorder_1Pgc73B7WZ01zgkWaebIwEZ7 delivered: 10 t".to_owned()
        )
    );

    let body = event("something.new", json!({"object": "something", "id": "x_1"}));
    let signature = signature_header(&body, SECRET, NOW);
    assert_eq!(
        post(body, Some(signature)).await,
        (StatusCode::OK, "ignored something.new evt_1".to_owned())
    );
}

#[tokio::test]
async fn an_invalid_signature_is_a_bad_request() {
    let body = event(
        "identity.verification_session.verified",
        fixture("identity.verification_session"),
    );
    let cases = [
        (
            Some(signature_header(&body, "whsec_someone_else", NOW)),
            "no v1 signature in the Stripe-Signature header matches the payload and the \
             endpoint secret",
        ),
        (
            Some(signature_header(&body, SECRET, NOW - 3600)),
            "the signature timestamp 1799996400 is 3600 s before now (1800000000), more than the \
             tolerance of 300 s",
        ),
        (None, "the Stripe-Signature header is missing or empty"),
    ];
    for (signature, reason) in cases {
        assert_eq!(
            post(body.clone(), signature).await,
            (StatusCode::BAD_REQUEST, reason.to_owned())
        );
    }
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let signature = signature_header(&body, SECRET, NOW);
    let (status, _) = post(tampered, Some(signature)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

fn notification(event_type: &str, related_object: Option<Value>) -> Vec<u8> {
    let mut notification = json!({
        "id": "evt_test_65R9Ijk8MTJBxjkGHx916ETNlfSQbZpeRKZk",
        "object": "v2.core.event",
        "type": event_type,
        "created": "2027-01-15T08:00:00.000Z",
        "livemode": false,
        "context": "acct_1Nv0FGQ9RKHgCVdK",
    });
    if let Some(related) = related_object {
        notification["related_object"] = related;
    }
    serde_json::to_vec(&notification).unwrap()
}

/// Posts `body` to the thin-events route (no client: nothing is fetched).
async fn post_thin(body: Vec<u8>, signature: String) -> (StatusCode, String) {
    let app = thin_events_router(Webhook::new(SECRET).clock(|| NOW), None);
    let request = Request::post(THIN_EVENTS_PATH)
        .header("content-type", "application/json")
        .header("Stripe-Signature", signature)
        .body(Body::from(body))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn thin_event_notifications_are_handled_on_their_own_route() {
    let body = notification(
        "v1.billing.meter.error_report_triggered",
        Some(json!({"id": "mtr_1", "type": "billing.meter", "url": "/v1/billing/meters/mtr_1"})),
    );
    let signature = signature_header(&body, SECRET, NOW);
    assert_eq!(
        post_thin(body, signature).await,
        (
            StatusCode::OK,
            "v1.billing.meter.error_report_triggered evt_test_65R9Ijk8MTJBxjkGHx916ETNlfSQbZpeRKZk \
             about billing.meter mtr_1"
                .to_owned()
        )
    );
    let body = notification("v1.account.application.authorized", None);
    let signature = signature_header(&body, SECRET, NOW);
    assert_eq!(
        post_thin(body, signature).await,
        (
            StatusCode::OK,
            "v1.account.application.authorized evt_test_65R9Ijk8MTJBxjkGHx916ETNlfSQbZpeRKZk"
                .to_owned()
        )
    );

    // Each route refuses the other kind of payload.
    let snapshot = event(
        "identity.verification_session.verified",
        fixture("identity.verification_session"),
    );
    let signature = signature_header(&snapshot, SECRET, NOW);
    assert_eq!(
        post_thin(snapshot, signature).await,
        (
            StatusCode::BAD_REQUEST,
            "the webhook payload is a snapshot event (\"object\": \"event\"), not a thin event \
             notification: parse it with Webhook::construct_event"
                .to_owned()
        )
    );
    let thin = notification("v1.account.application.authorized", None);
    let signature = signature_header(&thin, SECRET, NOW);
    assert_eq!(
        post(thin, Some(signature)).await,
        (
            StatusCode::BAD_REQUEST,
            "the webhook payload is a thin event notification (\"object\": \"v2.core.event\"), \
             not a snapshot event: parse it with Webhook::parse_event_notification"
                .to_owned()
        )
    );
}
