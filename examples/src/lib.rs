//! A Stripe webhook endpoint with axum: it checks each delivery's `Stripe-Signature` with
//! [`Webhook`], parses the event into the generated [`Event`] type and dispatches on its type.
//!
//! Two things matter for the signature check: the handler must take the body as raw bytes (not
//! `Json<...>`, which would re-encode it), and it must answer quickly, so real work on an event
//! belongs in a queue or a spawned task, with Stripe's retries in mind (the same event can arrive
//! twice: deduplicate on `event.id`).
//!
//! [`thin_events_router`] does the same for the thin event notifications of a v2 event
//! destination, fetching what each one concerns in a spawned task.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use stripe_api::events::{Event, EventObject, EventType};
use stripe_api::webhook::{EventNotification, Webhook};
use stripe_api::Client;

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
    let signature = match signature(&headers) {
        Ok(signature) => signature,
        Err(reason) => return (StatusCode::BAD_REQUEST, reason.to_owned()),
    };
    match webhook.construct_event::<Event>(&body, signature) {
        Ok(event) => (StatusCode::OK, handle(&event)),
        Err(err) => (StatusCode::BAD_REQUEST, err.to_string()),
    }
}

/// The `Stripe-Signature` header, if any.
fn signature(headers: &HeaderMap) -> Result<Option<&str>, &'static str> {
    match headers.get("stripe-signature").map(|value| value.to_str()) {
        None => Ok(None),
        Some(Ok(value)) => Ok(Some(value)),
        Some(Err(_)) => Err("the Stripe-Signature header is not visible ASCII"),
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

/// The path thin event notifications arrive on.
pub const THIN_EVENTS_PATH: &str = "/thin-events";

/// The app for a v2 event destination: `POST /thin-events`, checking signatures with `webhook`
/// (made with the destination's own secret). With a `client`, what each notification concerns is
/// fetched in a spawned task, in the notification's context.
pub fn thin_events_router(webhook: Webhook, client: Option<Client>) -> Router {
    Router::new()
        .route(THIN_EVENTS_PATH, post(receive_thin))
        .with_state((webhook, client))
}

/// Verifies and parses one thin event notification: 200 with a line describing it, 400 when the
/// signature or the body is not acceptable (a snapshot event included).
pub async fn receive_thin(
    State((webhook, client)): State<(Webhook, Option<Client>)>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let signature = match signature(&headers) {
        Ok(signature) => signature,
        Err(reason) => return (StatusCode::BAD_REQUEST, reason.to_owned()),
    };
    match webhook.parse_event_notification(&body, signature) {
        Ok(notification) => {
            let line = describe(&notification);
            if let Some(client) = client {
                tokio::spawn(fetch(client, notification));
            }
            (StatusCode::OK, line)
        }
        Err(err) => (StatusCode::BAD_REQUEST, err.to_string()),
    }
}

/// A line describing a notification: its type, ID and the object it concerns.
pub fn describe(notification: &EventNotification) -> String {
    match &notification.related_object {
        Some(related) => format!(
            "{} {} about {} {}",
            notification.type_,
            notification.id,
            related.type_,
            related.id.as_deref().unwrap_or("(singleton)")
        ),
        None => format!("{} {}", notification.type_, notification.id),
    }
}

/// Fetches the object a notification concerns, or the full event when it concerns none.
async fn fetch(client: Client, notification: EventNotification) {
    let fetched = match notification.fetch_related_object::<Value>(&client).await {
        Ok(Some(object)) => Ok(object),
        Ok(None) => notification.fetch_event::<Value>(&client).await,
        Err(err) => Err(err),
    };
    match fetched {
        Ok(value) => println!("{}: {value}", notification.id),
        Err(err) => eprintln!("{}: fetching failed: {err}", notification.id),
    }
}
