//! A Stripe webhook endpoint with axum: it checks each delivery's `Stripe-Signature` with
//! [`Webhook`], parses the event into the generated [`Event`] type and dispatches on its type.
//!
//! Two things matter for the signature check: the handler must take the body as raw bytes (not
//! `Json<...>`, which would re-encode it), and it must answer quickly, so real work on an event
//! belongs in a queue or a spawned task, with Stripe's retries in mind (the same event can arrive
//! twice: deduplicate on `event.id`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use stripe_api::events::{Event, EventObject, EventType};
use stripe_api::webhook::Webhook;

/// The path the endpoint listens on.
pub const PATH: &str = "/webhook";

/// The app: `POST /webhook`, checking signatures with `webhook`.
pub fn router(webhook: Webhook) -> Router {
    Router::new().route(PATH, post(receive)).with_state(webhook)
}

/// Verifies and parses one delivery: 200 once the event is handled, 400 when the signature (or the
/// body) is not acceptable, so Stripe shows the reason in the endpoint's delivery log.
pub async fn receive(
    State(webhook): State<Webhook>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let signature = match headers.get("stripe-signature").map(|value| value.to_str()) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => {
            let reason = "the Stripe-Signature header is not visible ASCII".to_owned();
            return (StatusCode::BAD_REQUEST, reason);
        }
    };
    match webhook.construct_event::<Event>(&body, signature) {
        Ok(event) => (StatusCode::OK, handle(&event)),
        Err(err) => (StatusCode::BAD_REQUEST, err.to_string()),
    }
}

/// What the endpoint does with an event; returns a line describing it.
///
/// Stripe sends every event type the endpoint subscribed to, and may add types and fields: the
/// last arm takes everything else, including `EventType::Unrecognized`.
pub fn handle(event: &Event) -> String {
    match (&event.type_, &event.data.object) {
        (
            EventType::IdentityVerificationSessionVerified,
            EventObject::IdentityVerificationSession(session),
        ) => format!("verification session {} verified", session.id),
        (
            EventType::IdentityVerificationSessionRequiresInput,
            EventObject::IdentityVerificationSession(session),
        ) => format!(
            "verification session {} needs input: {}",
            session.id,
            session
                .last_error
                .as_ref()
                .and_then(|error| error.reason.as_deref())
                .unwrap_or("no reason given")
        ),
        (EventType::ClimateOrderDelivered, EventObject::ClimateOrder(order)) => format!(
            "climate order {} delivered: {} t",
            order.id, order.metric_tons
        ),
        (event_type, _) => format!("ignored {event_type} {}", event.id),
    }
}
