//! Thin event notifications (issue 22 §3): `Webhook::parse_event_notification`, the
//! `EventNotification` it returns and its fetches, and the refusals between it and
//! `construct_event`.
//!
//! - The signature is checked by the same code as `construct_event`'s, with the same errors.
//! - Stripe's official Python SDK (pinned in `tests/conformance/requirements.txt`, run through
//!   `tests/conformance/thin_event_check.py`, one process per test) accepts and rejects the same
//!   deliveries, over a generated corpus, and reads the same fields from those it accepts; the
//!   deliberate differences have a test of their own.
//! - `fetch_event` and `fetch_related_object` against a mock server on 127.0.0.1: path,
//!   `Stripe-Context`, typed results.

use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::{json, Value};
use stripe_api::webhook::{signature_header, Event, EventNotification, Webhook, WebhookError};
use stripe_api::{Client, Error, RequestOptions};
use stripegen_tests::python::{self, python_with_sdk};
use stripegen_tests::{client, header, workspace};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "whsec_thin_events_5c1e0d";
/// The clock of the tests that don't talk to stripe-python.
const NOW: i64 = 1_800_000_000;
const METER_EVENT: &str = "v1.billing.meter.error_report_triggered";

fn webhook() -> Webhook {
    Webhook::new(SECRET).clock(|| NOW)
}

fn now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since.as_secs()).unwrap()
}

/// A notification with every member Stripe sends.
fn full() -> Value {
    json!({
        "id": "evt_test_65R9Ijk8MTJBxjkGHx916ETNlfSQbZpeRKZk",
        "object": "v2.core.event",
        "type": METER_EVENT,
        "created": "2024-09-26T17:35:21.447Z",
        "livemode": false,
        "context": "acct_1Nv0FGQ9RKHgCVdK",
        "related_object": {
            "id": "mtr_test_61R9IjkDxyGjHHFX141B7OCcpxl4XwKK",
            "type": "billing.meter",
            "url": "/v1/billing/meters/mtr_test_61R9IjkDxyGjHHFX141B7OCcpxl4XwKK"
        },
        "reason": {
            "type": "request",
            "request": {"id": "req_v2abc", "idempotency_key": "5c1e0d-42"}
        }
    })
}

/// A notification with only the members that are always there, of a type that concerns no
/// object.
fn minimal() -> Value {
    json!({
        "id": "evt_2",
        "object": "v2.core.event",
        "type": "v1.account.application.authorized",
        "created": "2024-09-26T17:35:21Z",
        "livemode": true
    })
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn parse(payload: &[u8], header: &str) -> Result<EventNotification, WebhookError> {
    webhook().parse_event_notification(payload, Some(header))
}

// ---------------------------------------------------------------------------------------------
// The signature: checked as construct_event checks it.

/// Every outcome of the signature check, for a thin payload: `parse_event_notification` says what
/// `verify` says, and what `construct_event` says of the same header on a snapshot event.
#[test]
fn the_signature_is_checked_as_construct_event_checks_it() {
    let payload = bytes(&full());
    let snapshot = bytes(&json!({
        "id": "evt_1", "object": "event", "api_version": null, "created": 1,
        "data": {"object": {}}, "livemode": false, "pending_webhooks": 0, "request": null,
        "type": "x"
    }));
    let v1 = |payload: &[u8], secret: &str, at: i64| {
        signature_header(payload, secret, at)
            .split_once(",v1=")
            .unwrap()
            .1
            .to_owned()
    };
    // Each header as a function of the payload it is for.
    type Header = Box<dyn Fn(&[u8]) -> Option<String>>;
    let headers: Vec<(&str, Header)> = vec![
        (
            "valid",
            Box::new(|p| Some(signature_header(p, SECRET, NOW))),
        ),
        (
            "rotated secrets, the new one second",
            Box::new(move |p| {
                Some(format!(
                    "t={NOW},v1={},v1={}",
                    v1(p, "whsec_rolled", NOW),
                    v1(p, SECRET, NOW)
                ))
            }),
        ),
        (
            "rotated secrets, the new one first",
            Box::new(move |p| {
                Some(format!(
                    "t={NOW},v1={},v1={}",
                    v1(p, SECRET, NOW),
                    v1(p, "whsec_rolled", NOW)
                ))
            }),
        ),
        (
            "within the tolerance",
            Box::new(|p| Some(signature_header(p, SECRET, NOW - 300))),
        ),
        (
            "expired",
            Box::new(|p| Some(signature_header(p, SECRET, NOW - 301))),
        ),
        (
            "wrong secret",
            Box::new(|p| Some(signature_header(p, "whsec_someone_else", NOW))),
        ),
        ("missing", Box::new(|_| None)),
        ("empty", Box::new(|_| Some(String::new()))),
        (
            "malformed",
            Box::new(move |p| Some(format!("t=soon,v1={}", v1(p, SECRET, NOW)))),
        ),
        (
            "v0 only",
            Box::new(move |p| Some(format!("t={NOW},v0={}", v1(p, SECRET, NOW)))),
        ),
    ];
    for (name, header) in &headers {
        let verified = webhook().verify(&payload, header(&payload).as_deref());
        let parsed = webhook()
            .parse_event_notification(&payload, header(&payload).as_deref())
            .map(|_| ());
        assert_eq!(parsed, verified, "{name}");
        let constructed = webhook()
            .construct_event::<Event<String, Value>>(&snapshot, header(&snapshot).as_deref())
            .map(|_| ());
        assert_eq!(parsed, constructed, "{name}");
    }
    let verdicts: Vec<_> = headers
        .iter()
        .map(|(_, header)| {
            webhook()
                .parse_event_notification(&payload, header(&payload).as_deref())
                .map(|_| ())
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            Ok(()),
            Ok(()),
            Ok(()),
            Ok(()),
            Err(WebhookError::TimestampOutsideTolerance {
                timestamp: NOW - 301,
                now: NOW,
                tolerance: Duration::from_secs(300)
            }),
            Err(WebhookError::NoMatchingSignature),
            Err(WebhookError::MissingHeader),
            Err(WebhookError::MissingHeader),
            Err(WebhookError::MalformedHeader(
                "the timestamp `soon` is not a whole number of seconds".to_owned()
            )),
            Err(WebhookError::NoV1Signature),
        ]
    );

    // The tolerance is the webhook's own.
    let old = signature_header(&payload, SECRET, NOW - 3600);
    let lenient = webhook().tolerance(Duration::from_secs(3600));
    assert!(lenient
        .parse_event_notification(&payload, Some(&old))
        .is_ok());

    // A body changed after signing matches no signature, and is not parsed.
    let mut tampered = payload.clone();
    let at = tampered.windows(5).position(|w| w == b"false").unwrap();
    tampered.splice(at..at + 5, *b"true ");
    let signed = signature_header(&payload, SECRET, NOW);
    assert_eq!(
        parse(&tampered, &signed),
        Err(WebhookError::NoMatchingSignature)
    );
    // The signature is checked before anything is parsed.
    let garbage = b"not json";
    assert_eq!(
        parse(garbage, &signature_header(b"other", SECRET, NOW)),
        Err(WebhookError::NoMatchingSignature)
    );
}

// ---------------------------------------------------------------------------------------------
// Parsing.

#[test]
fn a_full_notification_parses_every_member() {
    let payload = bytes(&full());
    let notification = parse(&payload, &signature_header(&payload, SECRET, NOW)).unwrap();
    assert_eq!(
        notification.id,
        "evt_test_65R9Ijk8MTJBxjkGHx916ETNlfSQbZpeRKZk"
    );
    assert_eq!(notification.type_, METER_EVENT);
    assert_eq!(notification.created.to_string(), "2024-09-26T17:35:21.447Z");
    assert!(!notification.livemode);
    assert_eq!(
        notification.context.as_deref(),
        Some("acct_1Nv0FGQ9RKHgCVdK")
    );
    let related = notification.related_object.as_ref().unwrap();
    assert_eq!(
        related.id.as_deref(),
        Some("mtr_test_61R9IjkDxyGjHHFX141B7OCcpxl4XwKK")
    );
    assert_eq!(related.type_, "billing.meter");
    assert_eq!(
        related.url,
        "/v1/billing/meters/mtr_test_61R9IjkDxyGjHHFX141B7OCcpxl4XwKK"
    );
    let reason = notification.reason.as_ref().unwrap();
    assert_eq!(reason.type_, "request");
    let request = reason.request.as_ref().unwrap();
    assert_eq!(request.id, "req_v2abc");
    assert_eq!(request.idempotency_key.as_deref(), Some("5c1e0d-42"));

    // It serializes back to the payload, `object` included.
    assert_eq!(serde_json::to_value(&notification).unwrap(), full());
    let debug = format!("{notification:?}");
    assert!(debug.contains(r#"object: "v2.core.event""#), "{debug}");
}

#[test]
fn a_minimal_notification_parses() {
    let payload = bytes(&minimal());
    let notification = parse(&payload, &signature_header(&payload, SECRET, NOW)).unwrap();
    assert_eq!(notification.id, "evt_2");
    assert_eq!(notification.type_, "v1.account.application.authorized");
    assert_eq!(notification.created.to_string(), "2024-09-26T17:35:21Z");
    assert!(notification.livemode);
    assert_eq!(notification.context, None);
    assert_eq!(notification.related_object, None);
    assert_eq!(notification.reason, None);
    assert_eq!(serde_json::to_value(&notification).unwrap(), minimal());

    // `livemode` may be left out too (false), and optional members may be null (absent).
    let mut sparse = minimal();
    sparse.as_object_mut().unwrap().remove("livemode");
    for member in ["context", "related_object", "reason"] {
        sparse[member] = Value::Null;
    }
    let notification: EventNotification = serde_json::from_value(sparse).unwrap();
    assert!(!notification.livemode);
    assert_eq!(
        (
            notification.context,
            notification.related_object,
            notification.reason
        ),
        (None, None, None)
    );
}

#[test]
fn unknown_members_are_ignored() {
    let mut payload = full();
    payload["snapshot_event"] = json!("evt_snapshot_1");
    payload["changes"] = json!({"before": {"status": "active"}, "after": {"status": "inactive"}});
    payload["data"] = json!({"developer_message_summary": "x", "reason": {"error_count": 3}});
    payload["related_object"]["extra"] = json!([1, 2, 3]);
    payload["reason"]["request"]["client"] = json!(null);
    payload["a_future_member"] = json!({"nested": [{"deep": true}]});
    let payload = bytes(&payload);
    let notification = parse(&payload, &signature_header(&payload, SECRET, NOW)).unwrap();
    assert_eq!(serde_json::to_value(&notification).unwrap(), full());
}

#[test]
fn related_objects_may_be_singletons_and_contexts_may_be_empty() {
    let mut payload = minimal();
    payload["type"] = json!("v1.cash_balance.funds_available");
    payload["related_object"] =
        json!({"type": "cash_balance", "url": "/v1/customers/cus_1/cash_balance"});
    payload["context"] = json!("");
    payload["reason"] =
        json!({"type": "request", "request": {"id": "req_1", "idempotency_key": null}});
    let notification: EventNotification = serde_json::from_value(payload).unwrap();
    let related = notification.related_object.unwrap();
    assert_eq!(related.id, None);
    assert_eq!(related.url, "/v1/customers/cus_1/cash_balance");
    assert_eq!(notification.context, None);
    assert_eq!(
        notification
            .reason
            .unwrap()
            .request
            .unwrap()
            .idempotency_key,
        None
    );
}

#[test]
fn malformed_notifications_name_the_failing_path() {
    let cases: [(&str, Value, &str, &str); 10] = [
        ("no id", remove(full(), "id"), ".", "missing field `id`"),
        (
            "no type",
            remove(full(), "type"),
            ".",
            "missing field `type`",
        ),
        (
            "no created",
            remove(full(), "created"),
            ".",
            "missing field `created`",
        ),
        (
            "no object",
            remove(full(), "object"),
            ".",
            "missing field `object`",
        ),
        (
            "another object",
            with(full(), "object", json!("v2.core.event_destination")),
            "object",
            "invalid value: string \"v2.core.event_destination\", expected \"v2.core.event\"",
        ),
        (
            "a null object",
            with(full(), "object", Value::Null),
            "object",
            "invalid type: unit value, expected \"v2.core.event\"",
        ),
        (
            "created as a number",
            with(full(), "created", json!(1_727_372_121)),
            "created",
            "invalid type: integer `1727372121`, expected a timestamp string",
        ),
        (
            "created not a date",
            with(full(), "created", json!("yesterday")),
            "created",
            "failed to parse",
        ),
        (
            "a related object without a url",
            with(
                full(),
                "related_object",
                json!({"id": "mtr_1", "type": "billing.meter"}),
            ),
            "related_object",
            "missing field `url`",
        ),
        (
            "a reason without a type",
            with(full(), "reason", json!({})),
            "reason",
            "missing field `type`",
        ),
    ];
    for (name, payload, at, message) in cases {
        let payload = bytes(&payload);
        let err = parse(&payload, &signature_header(&payload, SECRET, NOW)).unwrap_err();
        let WebhookError::InvalidPayload { path, message: got } = &err else {
            panic!("{name}: {err:?}");
        };
        assert_eq!(path, at, "{name}");
        assert!(got.starts_with(message), "{name}: {got}");
    }
    for text in [&b"not json"[..], b"[1, 2]", b"{\"id\": \"evt_1\"} {"] {
        let err = parse(text, &signature_header(text, SECRET, NOW)).unwrap_err();
        assert!(
            matches!(err, WebhookError::InvalidPayload { .. }),
            "{err:?}"
        );
    }
}

fn remove(mut value: Value, member: &str) -> Value {
    value.as_object_mut().unwrap().remove(member);
    value
}

fn with(mut value: Value, member: &str, new: Value) -> Value {
    value[member] = new;
    value
}

// ---------------------------------------------------------------------------------------------
// Each method refuses the other kind of payload.

#[test]
fn construct_event_refuses_a_thin_notification() {
    for notification in [full(), minimal()] {
        let payload = bytes(&notification);
        let header = signature_header(&payload, SECRET, NOW);
        let err = webhook()
            .construct_event::<Event<String, Value>>(&payload, Some(&header))
            .unwrap_err();
        assert_eq!(err, WebhookError::ThinEventNotification);
        assert_eq!(
            err.to_string(),
            "the webhook payload is a thin event notification (\"object\": \"v2.core.event\"), \
             not a snapshot event: parse it with Webhook::parse_event_notification"
        );
        // Whatever the payload is parsed as: the SDKs refuse it before constructing anything.
        assert_eq!(
            webhook().construct_event::<Value>(&payload, Some(&header)),
            Err(WebhookError::ThinEventNotification)
        );
        // The signature comes first.
        let wrong = signature_header(&payload, "whsec_other", NOW);
        assert_eq!(
            webhook().construct_event::<Value>(&payload, Some(&wrong)),
            Err(WebhookError::NoMatchingSignature)
        );
    }
    // Only the top-level `object` counts, the last one if repeated (as JSON objects read in
    // Python and JavaScript), and only a string.
    let cases: [(&[u8], Result<(), WebhookError>); 5] = [
        (
            br#"{"object":"event","data":{"object":{"object":"v2.core.event"}}}"#,
            Ok(()),
        ),
        (
            br#"{"object":"event","object":"v2.core.event"}"#,
            Err(WebhookError::ThinEventNotification),
        ),
        (br#"{"object":"v2.core.event","object":"event"}"#, Ok(())),
        (br#"{"object":["v2.core.event"]}"#, Ok(())),
        (br#"["v2.core.event"]"#, Ok(())),
    ];
    for (payload, expected) in cases {
        let header = signature_header(payload, SECRET, NOW);
        assert_eq!(
            webhook()
                .construct_event::<Value>(payload, Some(&header))
                .map(|_| ()),
            expected,
            "{}",
            String::from_utf8_lossy(payload)
        );
    }
}

#[test]
fn parse_event_notification_refuses_a_snapshot_event() {
    let payload = br#"{"id":"evt_1","object":"event","api_version":"2026-09-30.endive","created":1700000000,"data":{"object":{}},"livemode":false,"pending_webhooks":1,"request":null,"type":"x"}"#;
    let header = signature_header(payload, SECRET, NOW);
    let err = parse(payload, &header).unwrap_err();
    assert_eq!(err, WebhookError::SnapshotEvent);
    assert_eq!(
        err.to_string(),
        "the webhook payload is a snapshot event (\"object\": \"event\"), not a thin event \
         notification: parse it with Webhook::construct_event"
    );
    let wrong = signature_header(payload, "whsec_other", NOW);
    assert_eq!(
        parse(payload, &wrong),
        Err(WebhookError::NoMatchingSignature)
    );
    // The same delivery is what construct_event takes.
    let event: Event<String, Value> = webhook().construct_event(payload, Some(&header)).unwrap();
    assert_eq!(event.id, "evt_1");
}

// ---------------------------------------------------------------------------------------------
// Fetching.

#[derive(Debug, Deserialize, PartialEq)]
struct Meter {
    id: String,
    object: String,
    display_name: String,
}

#[derive(Debug, Deserialize, PartialEq)]
struct FullEvent {
    id: String,
    object: String,
    #[serde(rename = "type")]
    type_: String,
    data: Value,
}

fn meter() -> Value {
    json!({
        "id": "mtr_test_61R9IjkDxyGjHHFX141B7OCcpxl4XwKK",
        "object": "billing.meter",
        "display_name": "API requests",
        "status": "active"
    })
}

fn full_event() -> Value {
    let mut event = full();
    event["data"] = json!({"developer_message_summary": "There is 1 invalid event"});
    event["changes"] = Value::Null;
    event
}

async fn mock(server: &MockServer, at: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

fn notification(value: Value) -> EventNotification {
    serde_json::from_value(value).unwrap()
}

#[tokio::test]
async fn fetches_send_the_notification_context() {
    let server = MockServer::start().await;
    let notification = notification(full());
    let event_path = format!("/v2/core/events/{}", notification.id);
    let related = notification.related_object.clone().unwrap();
    mock(&server, &event_path, full_event()).await;
    mock(&server, &related.url, meter()).await;

    let event: FullEvent = notification.fetch_event(&client(&server)).await.unwrap();
    assert_eq!(
        event,
        FullEvent {
            id: notification.id.clone(),
            object: "v2.core.event".to_owned(),
            type_: METER_EVENT.to_owned(),
            data: json!({"developer_message_summary": "There is 1 invalid event"}),
        }
    );
    let untyped: Value = notification.fetch_event(&client(&server)).await.unwrap();
    assert_eq!(untyped, full_event());
    let meter: Option<Meter> = notification
        .fetch_related_object(&client(&server))
        .await
        .unwrap();
    assert_eq!(
        meter,
        Some(Meter {
            id: related.id.clone().unwrap(),
            object: "billing.meter".to_owned(),
            display_name: "API requests".to_owned(),
        })
    );

    let requests = server.received_requests().await.unwrap();
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths, [&event_path, &event_path, &related.url]);
    for request in &requests {
        assert_eq!(request.method.as_str(), "GET");
        assert_eq!(request.url.query(), None);
        assert!(request.body.is_empty());
        assert_eq!(
            header(request, "Stripe-Context"),
            Some("acct_1Nv0FGQ9RKHgCVdK")
        );
        assert_eq!(header(request, "Stripe-Account"), None);
        assert_eq!(header(request, "Authorization"), Some("Bearer sk_test_123"));
        assert_eq!(header(request, "Idempotency-Key"), None);
    }
}

#[tokio::test]
async fn without_a_context_fetches_use_the_clients_settings_not_a_handles_options() {
    let server = MockServer::start().await;
    let mut value = full();
    value.as_object_mut().unwrap().remove("context");
    value["related_object"]["url"] = json!("/v1/billing/meters/mtr_1?expand[]=x");
    let notification = notification(value);
    mock(
        &server,
        &format!("/v2/core/events/{}", notification.id),
        full_event(),
    )
    .await;
    mock(&server, "/v1/billing/meters/mtr_1", meter()).await;

    // A handle's options (another account, an extra parameter) are not the notification's.
    let handle = client(&server).with_options(
        RequestOptions::new()
            .stripe_account("acct_handle")
            .stripe_context("ctx_handle")
            .extra_param("limit", "3")
            .expand("data"),
    );
    let _: Value = notification.fetch_event(&handle).await.unwrap();
    let _: Option<Value> = notification.fetch_related_object(&handle).await.unwrap();
    // A context or account set on the client's builder applies, as in stripe-node, unless the
    // notification has a context of its own.
    let configured = Client::builder("sk_test_123")
        .base_url(server.uri())
        .stripe_account("acct_client")
        .stripe_context("ctx_client")
        .build()
        .unwrap();
    let _: Value = notification.fetch_event(&configured).await.unwrap();
    let with_context = {
        let mut value = serde_json::to_value(&notification).unwrap();
        value["context"] = json!("acct_1/acct_2");
        self::notification(value)
    };
    let _: Value = with_context.fetch_event(&configured).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let seen: Vec<(Option<&str>, Option<&str>, Option<&str>)> = requests
        .iter()
        .map(|r| {
            (
                header(r, "Stripe-Context"),
                header(r, "Stripe-Account"),
                r.url.query(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (None, None, None),
            (None, None, Some("expand[]=x")),
            (Some("ctx_client"), Some("acct_client"), None),
            (Some("acct_1/acct_2"), Some("acct_client"), None),
        ]
    );
}

#[tokio::test]
async fn fetch_related_object_is_none_without_one_and_refuses_other_hosts() {
    let server = MockServer::start().await;
    let none = notification(minimal());
    let fetched: Option<Value> = none.fetch_related_object(&client(&server)).await.unwrap();
    assert_eq!(fetched, None);

    for url in [
        "//evil.example/v1/x",
        "https://evil.example/v1/x",
        "v1/x",
        "",
    ] {
        let mut value = full();
        value["related_object"]["url"] = json!(url);
        let err = notification(value)
            .fetch_related_object::<Value>(&client(&server))
            .await
            .unwrap_err();
        let Error::InvalidPath { path, reason } = &err else {
            panic!("{url}: {err:?}");
        };
        assert_eq!(path, url);
        assert_eq!(
            *reason,
            "a related object's URL must be a path starting with a single `/`"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn fetch_errors_are_the_clients_errors_and_ids_are_escaped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"type": "invalid_request_error", "code": "resource_missing",
                      "message": "No such event"}
        })))
        .mount(&server)
        .await;
    let mut value = minimal();
    value["id"] = json!("evt_1 a/b");
    let err = notification(value)
        .fetch_event::<Value>(&client(&server))
        .await
        .unwrap_err();
    let Error::InvalidRequest(api) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(api.message.as_deref(), Some("No such event"));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), "/v2/core/events/evt_1%20a%2Fb");
}

// ---------------------------------------------------------------------------------------------
// stripe-python.

/// One delivery for both sides to judge.
struct Case {
    name: String,
    payload: Vec<u8>,
    header: Option<String>,
    secret: &'static str,
}

/// stripe-python's verdicts (`thin_event_check.py <mode>`), one JSON value per case, from one
/// process.
fn python_judge(mode: &str, cases: &[Case]) -> Vec<Value> {
    let input: String = cases
        .iter()
        .map(|case| {
            json!({
                "payload": std::str::from_utf8(&case.payload).unwrap(),
                "header": case.header,
                "secret": case.secret,
                "tolerance": 300,
            })
            .to_string()
                + "\n"
        })
        .collect();
    let script = workspace().join("tests/conformance/thin_event_check.py");
    let mut command = Command::new(python_with_sdk());
    command.arg(&script).arg(mode);
    let output = python::run_with_input(&mut command, input.as_bytes());
    let verdicts: Vec<Value> = output
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(verdicts.len(), cases.len(), "{output}");
    verdicts
}

/// A notification as `thin_event_check.py` prints stripe-python's.
fn fields(notification: &EventNotification) -> Value {
    json!({
        "id": notification.id,
        "type": notification.type_,
        "created": notification.created.to_string(),
        "livemode": notification.livemode,
        "context": notification.context,
        "related_object": notification.related_object.as_ref().map(|related| json!({
            "id": related.id, "type": related.type_, "url": related.url,
        })),
        "reason": notification.reason.as_ref().map(|reason| json!({
            "type": reason.type_,
            "request": reason.request.as_ref().map(|request| json!({
                "id": request.id, "idempotency_key": request.idempotency_key,
            })),
        })),
    })
}

/// What the outcome says, in words both sides can be compared in: `signature: <the SDK's
/// message>`, `snapshot event`, or `invalid payload`.
fn rust_verdict(result: &Result<EventNotification, WebhookError>) -> Value {
    let why = match result {
        Ok(notification) => return json!({"ok": fields(notification)}),
        Err(WebhookError::MissingHeader) => {
            "signature: No Stripe-Signature header value was provided"
        }
        Err(WebhookError::MalformedHeader(_)) => {
            "signature: Unable to extract timestamp and signatures from header"
        }
        Err(WebhookError::NoV1Signature) => {
            "signature: No signatures found with expected scheme v1"
        }
        Err(WebhookError::NoMatchingSignature) => {
            "signature: No signatures found matching the expected signature for payload"
        }
        Err(WebhookError::TimestampOutsideTolerance { .. }) => {
            "signature: Timestamp outside the tolerance zone"
        }
        Err(WebhookError::SnapshotEvent) => "snapshot event",
        Err(WebhookError::InvalidPayload { .. }) => "invalid payload",
        Err(other) => panic!("unexpected {other:?}"),
    };
    json!({"error": why})
}

/// stripe-python's verdict in the same words (the `class` it built aside).
fn python_verdict(verdict: &Value) -> Value {
    if let Some(fields) = verdict.get("ok") {
        let mut fields = fields.clone();
        fields.as_object_mut().unwrap().remove("class");
        return json!({"ok": fields});
    }
    let error = verdict["error"].as_str().unwrap();
    let why = if let Some(message) = error.strip_prefix("SignatureVerificationError: ") {
        let known = [
            "No Stripe-Signature header value was provided",
            "Unable to extract timestamp and signatures from header",
            "No signatures found with expected scheme v1",
            "No signatures found matching the expected signature for payload",
            "Timestamp outside the tolerance zone",
        ];
        let known = known.iter().find(|m| message.starts_with(**m));
        return json!({"error": format!("signature: {}", known.unwrap_or(&message))});
    } else if error.starts_with(
        "ValueError: You passed a webhook payload to StripeClient.parse_event_notification",
    ) {
        "snapshot event"
    } else {
        "invalid payload"
    };
    json!({"error": why})
}

/// Optional members, each absent, null or present in the ways Stripe sends them.
fn variants(member: &str) -> Vec<Option<Value>> {
    let present: Vec<Value> = match member {
        "context" => vec![
            json!(""),
            json!("acct_1Nv0FGQ9RKHgCVdK"),
            json!("acct_1/acct_2"),
        ],
        "related_object" => vec![
            json!({"id": "mtr_1", "type": "billing.meter", "url": "/v1/billing/meters/mtr_1"}),
            json!({"id": "acct_2", "type": "v2.core.account",
                   "url": "/v2/core/accounts/acct_2?include=identity"}),
        ],
        "reason" => vec![
            json!({"type": "request", "request": {"id": "req_1", "idempotency_key": "ik-1"}}),
            json!({"type": "request", "request": {"id": "req_2", "idempotency_key": null}}),
        ],
        "livemode" => vec![json!(true), json!(false)],
        _ => unreachable!(),
    };
    let mut all = vec![None];
    if member != "livemode" {
        all.push(Some(Value::Null));
    }
    all.extend(present.into_iter().map(Some));
    all
}

/// The notifications of the corpus, each valid: every combination of the optional members on
/// an event type stripe-python has no class for, the ways its classes for known types take them,
/// and unknown members, escapes and non-ASCII text.
fn notifications() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let base = |event_type: &str| {
        json!({
            "id": "evt_test_65R9Ijk8MTJBxjkGHx916ETNlfSQbZpeRKZk",
            "object": "v2.core.event",
            "type": event_type,
            "created": "2024-09-26T17:35:21.447Z",
        })
    };
    let set = |value: &mut Value, member: &str, variant: &Option<Value>| {
        if let Some(variant) = variant {
            value[member] = variant.clone();
        }
    };
    for context in variants("context") {
        for related in variants("related_object") {
            for reason in variants("reason") {
                for livemode in variants("livemode") {
                    for extras in [false, true] {
                        let mut value = base("v2.test.thing_stripe_python_does_not_know.happened");
                        set(&mut value, "context", &context);
                        set(&mut value, "related_object", &related);
                        set(&mut value, "reason", &reason);
                        set(&mut value, "livemode", &livemode);
                        if extras {
                            value["id"] = json!("evt_é\u{1F600}\\\"/");
                            value["created"] = json!("2024-09-26T17:35:21Z");
                            value["snapshot_event"] = json!("evt_1");
                            value["changes"] = json!({"before": null, "after": {"a": [1]}});
                            value["a_future_member"] = json!([{"x": 1.5e300}]);
                        }
                        out.push((format!("unknown type {value}"), value));
                    }
                }
            }
        }
    }
    // Known types: one whose class requires a related object, one a singleton, one without.
    for context in variants("context") {
        for reason in variants("reason") {
            for livemode in variants("livemode") {
                let mut value = base(METER_EVENT);
                value["related_object"] = json!({
                    "id": "mtr_1", "type": "billing.meter", "url": "/v1/billing/meters/mtr_1"
                });
                set(&mut value, "context", &context);
                set(&mut value, "reason", &reason);
                set(&mut value, "livemode", &livemode);
                out.push((format!("meter {value}"), value));

                let mut value = base("v1.cash_balance.funds_available");
                value["related_object"] = json!({
                    "type": "cash_balance", "url": "/v1/customers/cus_1/cash_balance"
                });
                set(&mut value, "context", &context);
                set(&mut value, "reason", &reason);
                set(&mut value, "livemode", &livemode);
                out.push((format!("cash balance {value}"), value));

                let mut value = base("v1.account.application.authorized");
                set(&mut value, "context", &context);
                set(&mut value, "reason", &reason);
                set(&mut value, "livemode", &livemode);
                out.push((format!("application {value}"), value));
            }
        }
    }
    out
}

/// Payloads neither side takes as a notification, each validly signed.
fn not_notifications() -> Vec<(&'static str, Vec<u8>)> {
    let full = full();
    let mut cases: Vec<(&'static str, Vec<u8>)> = vec![
        ("not JSON", b"not json".to_vec()),
        ("an array", b"[1, 2]".to_vec()),
        ("trailing text", [bytes(&full), b" x".to_vec()].concat()),
        (
            "a snapshot event",
            bytes(&json!({
                "id": "evt_1", "object": "event", "api_version": "2026-09-30.endive",
                "created": 1_700_000_000, "data": {"object": {"id": "vs_1"}}, "livemode": false,
                "pending_webhooks": 1, "request": {"id": null, "idempotency_key": null},
                "type": "identity.verification_session.verified"
            })),
        ),
        (
            "a snapshot event shaped like a notification",
            bytes(&with(full.clone(), "object", json!("event"))),
        ),
        (
            "another object",
            bytes(&with(
                full.clone(),
                "object",
                json!("v2.core.event_destination"),
            )),
        ),
        ("no object", bytes(&remove(full.clone(), "object"))),
        ("no id", bytes(&remove(full.clone(), "id"))),
        ("no type", bytes(&remove(full.clone(), "type"))),
        ("no created", bytes(&remove(full.clone(), "created"))),
        (
            "a context that is a number",
            bytes(&with(full.clone(), "context", json!(42))),
        ),
        (
            "a reason without a type",
            bytes(&with(full.clone(), "reason", json!({"request": null}))),
        ),
        (
            "a reason request without an id",
            bytes(&with(
                full.clone(),
                "reason",
                json!({"type": "request", "request": {"idempotency_key": "k"}}),
            )),
        ),
    ];
    let unknown = with(full, "type", json!("v2.test.unknown"));
    for (name, related) in [
        (
            "a related object without a url",
            json!({"id": "x_1", "type": "x"}),
        ),
        (
            "a related object without a type",
            json!({"id": "x_1", "url": "/v1/x/x_1"}),
        ),
    ] {
        cases.push((
            name,
            bytes(&with(unknown.clone(), "related_object", related)),
        ));
    }
    cases
}

/// Over a generated corpus, stripe-python's `parse_event_notification` and
/// `Webhook::parse_event_notification` accept the same deliveries, reject the others for the
/// same reason (the signature, with the SDK's message; a snapshot event; anything else in the
/// body) and read the same fields. Both use the real clock; the timestamps keep clear of the
/// tolerance's edge.
#[test]
fn stripe_python_and_parse_event_notification_agree() {
    let now = now();
    let mut cases = Vec::new();
    let valid = notifications();
    for (name, value) in &valid {
        let payload = bytes(value);
        cases.push(Case {
            name: name.clone(),
            header: Some(signature_header(&payload, SECRET, now)),
            payload,
            secret: SECRET,
        });
    }
    for (name, payload) in not_notifications() {
        cases.push(Case {
            name: name.to_owned(),
            header: Some(signature_header(&payload, SECRET, now)),
            payload,
            secret: SECRET,
        });
    }
    // Headers and bodies, on a few notifications.
    let sig = |payload: &[u8], secret: &str, at: i64| {
        signature_header(payload, secret, at)
            .split_once(",v1=")
            .unwrap()
            .1
            .to_owned()
    };
    let samples = [full(), minimal(), valid[valid.len() / 2].1.clone()];
    for sample in &samples {
        let payload = bytes(sample);
        let right = sig(&payload, SECRET, now);
        let other = sig(&payload, "whsec_rolled", now);
        let mut tampered = payload.clone();
        let at = tampered.windows(4).position(|w| w == b"evt_").unwrap();
        tampered[at + 4] ^= 1;
        let headers: Vec<(&str, Option<String>, &[u8])> = vec![
            ("no header", None, &payload),
            ("empty header", Some(String::new()), &payload),
            ("no t", Some(format!("v1={right}")), &payload),
            (
                "t not a number",
                Some(format!("t=yesterday,v1={right}")),
                &payload,
            ),
            ("v0 only", Some(format!("t={now},v0={right}")), &payload),
            (
                "wrong secret",
                Some(format!("t={now},v1={other}")),
                &payload,
            ),
            (
                "expired",
                Some(signature_header(&payload, SECRET, now - 1000)),
                &payload,
            ),
            (
                "timestamp changed",
                Some(format!("t={},v1={right}", now + 1)),
                &payload,
            ),
            (
                "upper-case hex",
                Some(format!("t={now},v1={}", right.to_uppercase())),
                &payload,
            ),
            (
                "space after a comma",
                Some(format!("t={now}, v1={right}")),
                &payload,
            ),
            (
                "tampered body",
                Some(signature_header(&payload, SECRET, now)),
                &tampered,
            ),
            (
                "rotated secrets",
                Some(format!("t={now},v1={other},v1={right}")),
                &payload,
            ),
            (
                "a future timestamp",
                Some(signature_header(&payload, SECRET, now + 3600)),
                &payload,
            ),
            (
                "unknown elements",
                Some(format!("t={now},x=1,v1={right},")),
                &payload,
            ),
        ];
        for (name, header, body) in headers {
            cases.push(Case {
                name: format!("{name}: {sample}"),
                payload: body.to_vec(),
                header,
                secret: SECRET,
            });
        }
    }

    let python = python_judge("parse-many", &cases);
    let mut disagreements = Vec::new();
    let mut tally = [0; 2];
    for (case, python) in cases.iter().zip(&python) {
        let rust = rust_verdict(
            &Webhook::new(case.secret)
                .parse_event_notification(&case.payload, case.header.as_deref()),
        );
        tally[usize::from(rust.get("ok").is_some())] += 1;
        if rust != python_verdict(python) {
            disagreements.push(format!(
                "{}:\n  here:   {rust}\n  python: {python}",
                case.name
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    // 480 + 3 x 60 valid notifications, 15 other payloads, 3 x 14 headers (3 x 3 accepted).
    assert_eq!(valid.len(), 480 + 180);
    assert_eq!(tally, [15 + 3 * 11, 660 + 3 * 3]);

    // stripe-python built its classes for the known types: the corpus exercises them.
    let classes: std::collections::BTreeSet<&str> = python
        .iter()
        .filter_map(|v| v["ok"]["class"].as_str())
        .collect();
    assert_eq!(
        classes.into_iter().collect::<Vec<_>>(),
        [
            "UnknownEventNotification",
            "V1AccountApplicationAuthorizedEventNotification",
            "V1BillingMeterErrorReportTriggeredEventNotification",
            "V1CashBalanceFundsAvailableEventNotification",
        ]
    );
}

/// Headers signed by stripe-python verify here, and headers built here verify in stripe-python,
/// on thin payloads.
#[test]
fn signatures_cross_between_stripe_python_and_parse_event_notification() {
    let now = now();
    let payload = bytes(&full());
    let script = workspace().join("tests/conformance/webhook_check.py");
    let mut command = Command::new(python_with_sdk());
    command
        .arg(&script)
        .args(["sign", SECRET, &now.to_string()]);
    let python_header = python::run_with_input(&mut command, &payload)
        .trim()
        .to_owned();
    assert_eq!(python_header, signature_header(&payload, SECRET, now));
    let notification = Webhook::new(SECRET)
        .parse_event_notification(&payload, Some(&python_header))
        .unwrap();
    assert_eq!(fields(&notification)["context"], "acct_1Nv0FGQ9RKHgCVdK");

    let cases = [Case {
        name: "signed here".to_owned(),
        header: Some(signature_header(&payload, SECRET, now)),
        payload: payload.clone(),
        secret: SECRET,
    }];
    let python = python_judge("parse-many", &cases);
    assert_eq!(
        python[0]["ok"]["class"],
        "V1BillingMeterErrorReportTriggeredEventNotification"
    );
    assert_eq!(
        python_verdict(&python[0]),
        json!({"ok": fields(&notification)})
    );
}

/// stripe-python's snapshot-event parser refuses thin payloads after checking their signature,
/// as `construct_event` does, and takes the snapshot events `parse_event_notification` refuses.
#[test]
fn construct_event_refuses_thin_payloads_as_stripe_python_does() {
    let now = now();
    let snapshot = not_notifications()
        .into_iter()
        .find(|(name, _)| *name == "a snapshot event")
        .unwrap()
        .1;
    let mut cases: Vec<Case> = notifications()
        .into_iter()
        .step_by(50)
        .chain([("minimal".to_owned(), minimal())])
        .map(|(name, value)| {
            let payload = bytes(&value);
            Case {
                name,
                header: Some(signature_header(&payload, SECRET, now)),
                payload,
                secret: SECRET,
            }
        })
        .collect();
    let thin = cases.len();
    let payload = bytes(&full());
    cases.push(Case {
        name: "thin, wrong secret".to_owned(),
        header: Some(signature_header(&payload, "whsec_other", now)),
        payload,
        secret: SECRET,
    });
    cases.push(Case {
        name: "snapshot".to_owned(),
        header: Some(signature_header(&snapshot, SECRET, now)),
        payload: snapshot,
        secret: SECRET,
    });
    let python = python_judge("construct-many", &cases);
    for (case, python) in cases.iter().zip(&python).take(thin) {
        assert_eq!(
            python["error"],
            "ValueError: You passed a thin event notification to a method that expects a webhook \
             body. Use the corresponding parse_event_notification* method instead.",
            "{}",
            case.name
        );
        assert_eq!(
            Webhook::new(SECRET)
                .construct_event::<Value>(&case.payload, case.header.as_deref())
                .unwrap_err(),
            WebhookError::ThinEventNotification,
            "{}",
            case.name
        );
    }
    assert!(
        python[thin]["error"]
            .as_str()
            .unwrap()
            .starts_with("SignatureVerificationError: No signatures found matching"),
        "{}",
        python[thin]
    );
    assert_eq!(
        Webhook::new(SECRET)
            .construct_event::<Value>(&cases[thin].payload, cases[thin].header.as_deref())
            .unwrap_err(),
        WebhookError::NoMatchingSignature
    );
    assert_eq!(
        python[thin + 1]["ok"],
        json!({"id": "evt_1", "object": "event"})
    );
    let event: Event<String, Value> = Webhook::new(SECRET)
        .construct_event(&cases[thin + 1].payload, cases[thin + 1].header.as_deref())
        .unwrap();
    assert_eq!(event.id, "evt_1");
}

/// Where `parse_event_notification` deliberately differs from stripe-python, on malformed or
/// unusual notifications: it is one type for every event type (stripe-python has a class per
/// type), and it takes members by their type (stripe-python takes what is there).
#[test]
fn the_deliberate_differences_from_stripe_python() {
    let now = now();
    let unknown = with(full(), "type", json!("v2.test.unknown"));
    let cases: Vec<(&str, Value, bool)> = vec![
        // stripe-python's class for the type requires a related object; there is one type here.
        (
            "a known type without its related object",
            remove(full(), "related_object"),
            true,
        ),
        // UnknownEventNotification requires an `id`; singletons have none.
        (
            "an unknown type with a singleton related object",
            with(
                unknown.clone(),
                "related_object",
                json!({"type": "cash_balance", "url": "/v1/customers/cus_1/cash_balance"}),
            ),
            true,
        ),
        // stripe-python's Reason requires the request when the type is `request`; Stripe's
        // schema has it nullable.
        (
            "a request reason without a request",
            with(
                full(),
                "reason",
                json!({"type": "request", "request": null}),
            ),
            true,
        ),
        // stripe-python tests these for truth; here they have a type.
        ("a null object", with(full(), "object", Value::Null), false),
        (
            "a livemode string",
            with(full(), "livemode", json!("no")),
            false,
        ),
        ("an empty reason", with(full(), "reason", json!({})), false),
        (
            "a reason request without an idempotency key",
            with(
                full(),
                "reason",
                json!({"type": "request", "request": {"id": "req_1"}}),
            ),
            true,
        ),
    ];
    let cases_alike: Vec<Case> = cases
        .iter()
        .map(|(name, value, _)| {
            let payload = bytes(value);
            Case {
                name: (*name).to_owned(),
                header: Some(signature_header(&payload, SECRET, now)),
                payload,
                secret: SECRET,
            }
        })
        .collect();
    let python = python_judge("parse-many", &cases_alike);
    for ((name, _, accepted_here), (case, python)) in
        cases.iter().zip(cases_alike.iter().zip(&python))
    {
        let rust =
            Webhook::new(SECRET).parse_event_notification(&case.payload, case.header.as_deref());
        assert_eq!(rust.is_ok(), *accepted_here, "{name}: {rust:?}");
        assert_eq!(
            python.get("ok").is_some(),
            !accepted_here,
            "{name}: {python}"
        );
    }
}
