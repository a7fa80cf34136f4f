//! Uses the generated crate as a dependent crate would, offline: builds a client (TLS setup
//! included), makes a call and pages through a list against a closed local port (each must fail
//! with a connection error), the same from blocking code (feature `blocking`), and verifies a
//! webhook signed with the crate's own test helper (feature `webhooks`).

use futures_util::StreamExt;
use stripe_api::identity::{ListVerificationSessions, VerificationSession};
use stripe_api::{Client, Error};

fn main() {
    // Blocking calls run outside any async runtime, as in a program without one.
    #[cfg(feature = "blocking")]
    blocking_calls();

    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async_calls());

    #[cfg(feature = "webhooks")]
    webhook();
}

/// A client for a closed local port, which fails at once.
fn unreachable_client() -> Client {
    Client::builder("sk_test_consumer")
        .base_url("http://127.0.0.1:9")
        .max_network_retries(0)
        .build()
        .expect("client")
}

fn list_params() -> ListVerificationSessions {
    ListVerificationSessions {
        limit: Some(3),
        ..Default::default()
    }
}

async fn async_calls() {
    // A real client: the TLS backend is initialised here.
    let _ = Client::new("sk_test_consumer");
    let client = unreachable_client();
    let params = list_params();
    match VerificationSession::list(&client, &params).await {
        Err(Error::Connection(_)) => println!("call: connection error, as expected"),
        other => panic!("call: expected a connection error, got {other:?}"),
    }

    let mut sessions = VerificationSession::list_all(&client, &params);
    match sessions.next().await {
        Some(Err(Error::Connection(_))) => println!("pagination: connection error, as expected"),
        other => panic!("pagination: expected a connection error, got {other:?}"),
    }
}

#[cfg(feature = "blocking")]
fn blocking_calls() {
    let client = stripe_api::blocking::Client::from_async(unreachable_client()).expect("runtime");
    let params = list_params();
    match client.call(VerificationSession::list(&client, &params)) {
        Err(Error::Connection(_)) => println!("blocking call: connection error, as expected"),
        other => panic!("blocking call: expected a connection error, got {other:?}"),
    }
    let mut sessions = client.iter(VerificationSession::list_all(&client, &params));
    match sessions.next() {
        Some(Err(Error::Connection(_))) => {
            println!("blocking pagination: connection error, as expected")
        }
        other => panic!("blocking pagination: expected a connection error, got {other:?}"),
    }
}

#[cfg(feature = "webhooks")]
fn webhook() {
    use stripe_api::events::{Event, EventObject, EventType};
    use stripe_api::webhook::{signature_header, Webhook};

    let payload = br#"{"id":"evt_1","object":"event","api_version":"2026-09-30.endive","created":1700000000,"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"identity.verification_session.canceled","data":{"object":{"id":"vs_1","object":"identity.verification_session","client_reference_id":null,"client_secret":null,"created":1700000000,"last_error":null,"last_verification_report":null,"livemode":false,"metadata":{},"redaction":null,"status":"canceled","type":"document","url":null}}}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    let header = signature_header(payload, "whsec_consumer", now);
    let event: Event = Webhook::new("whsec_consumer")
        .construct_event(payload, Some(&header))
        .expect("a correctly signed event");
    match (&event.type_, &event.data.object) {
        (EventType::IdentityVerificationSessionCanceled, EventObject::IdentityVerificationSession(s)) => {
            println!("webhook: {} canceled", s.id)
        }
        other => panic!("webhook: unexpected {other:?}"),
    }
}
