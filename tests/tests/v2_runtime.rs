//! The runtime half of Stripe's v2 API and of v1's non-form operations (file uploads, binary
//! downloads, operations on another server), through `Client::send_route`, `send_route_bytes`,
//! `paginate_v2` and `raw_request`, with small hand-written parameter types standing in for the
//! generated ones, against wiremock servers on 127.0.0.1.
//!
//! The last test sends the same requests through Stripe's Python SDK (stripe-python, pinned in
//! `tests/conformance/requirements.txt`; `tests/conformance/v2_requests.py`) and through this
//! client, and compares everything the servers saw: method, server and `Host`, path, query
//! (decoded pairs, in order), `Content-Type` (without the multipart boundary), body (JSON as
//! parsed JSON; multipart part by part: name, file name, content type, bytes), `Authorization`,
//! `Stripe-Version`, `Stripe-Context`, `Stripe-Account`, whether an `Idempotency-Key` was sent,
//! and the API named in `User-Agent` (`Stripe/v2`).

use std::collections::BTreeMap;
use std::process::Command;

use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use serde_json::{json, Value};
use stripe_api::{
    Client, DateTime, Encoding, Error, FileUpload, Method, Nullable, RequestOptions, Route,
};
use stripegen_tests::python::{python_with_sdk, run};
use stripegen_tests::{header, multipart_parts, pairs, workspace, Part};
use wiremock::matchers::{any, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const FILES_SERVER: &str = "https://files.stripe.com";

/// A server known only at run time, as the `&'static str` a generated route holds.
fn leak(uri: String) -> &'static str {
    Box::leak(uri.into_boxed_str())
}

fn route(method: Method, server: Option<&'static str>, encoding: Encoding) -> Route {
    Route {
        method,
        server,
        encoding,
    }
}

fn v2(method: Method) -> Route {
    route(method, None, Encoding::Json)
}

fn client_for(uri: &str) -> Client {
    Client::builder("sk_test_v2").base_url(uri).build().unwrap()
}

fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|err| {
        panic!(
            "body is not JSON ({err}): {}",
            String::from_utf8_lossy(&request.body)
        )
    })
}

fn query(request: &Request) -> Vec<(String, String)> {
    pairs(request.url.query().unwrap_or_default())
}

async fn answer_everything(server: &MockServer, body: Value) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

// ---------------------------------------------------------------------------------------------
// Parameter types as the generator will write them for v2: `None` left out, nullable fields as
// `Option<Nullable<T>>`, date-times as `DateTime`.

#[derive(Serialize)]
struct CreateDestination {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Nullable<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot_api_version: Option<String>,
    enabled_events: Vec<String>,
    event_payload: String,
    webhook_endpoint: WebhookEndpoint,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<BTreeMap<String, Nullable<String>>>,
    amount: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    include: Option<Vec<String>>,
    active: bool,
    created_after: DateTime,
}

#[derive(Serialize)]
struct WebhookEndpoint {
    url: String,
}

#[derive(Serialize)]
struct Amount {
    currency: String,
    value: i64,
}

fn create_destination() -> CreateDestination {
    CreateDestination {
        name: "Order events".into(),
        description: Some(Nullable::Null),
        snapshot_api_version: None,
        enabled_events: vec![
            "v1.billing.meter.error_report_triggered".into(),
            "v2.core.event_destination.ping".into(),
        ],
        event_payload: "thin".into(),
        webhook_endpoint: WebhookEndpoint {
            url: "https://example.com/hooks?a=1&b=é".into(),
        },
        metadata: Some(BTreeMap::from([
            ("obsolete".to_owned(), Nullable::Null),
            ("team".to_owned(), "payments".into()),
        ])),
        amount: Amount {
            currency: "usd".into(),
            value: 1000,
        },
        include: Some(vec!["webhook_endpoint.url".into()]),
        active: true,
        created_after: "2024-05-01T12:30:00.000Z".parse().unwrap(),
    }
}

#[derive(Serialize)]
struct ListEvents {
    object_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<Created>,
    #[serde(skip_serializing_if = "Option::is_none")]
    include_archived: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<Nullable<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    include: Option<Vec<String>>,
}

#[derive(Serialize)]
struct Created {
    gte: DateTime,
}

fn list_events() -> ListEvents {
    ListEvents {
        object_id: "mtr_123".into(),
        limit: Some(5),
        types: Some(vec![
            "v1.billing.meter.error_report_triggered".into(),
            "v2.core.event_destination.ping".into(),
        ]),
        created: Some(Created {
            gte: "2024-05-01T12:30:00Z".parse().unwrap(),
        }),
        include_archived: Some(true),
        page: Some(Nullable::Null),
        include: Some(vec!["data.related_object".into(), "data.reason".into()]),
    }
}

#[derive(Serialize)]
struct CreateFile {
    purpose: String,
    file: FileUpload,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_link_data: Option<FileLinkData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expand: Option<Vec<String>>,
}

#[derive(Serialize)]
struct FileLinkData {
    create: bool,
    metadata: BTreeMap<String, String>,
}

const UPLOAD_BYTES: &[u8] = b"%PDF-1.4\r\n--not-a-boundary\r\n\x00\xff\xfe binary \"end\"\r\n";

fn create_file(content_type: &str) -> CreateFile {
    CreateFile {
        purpose: "dispute_evidence".into(),
        file: FileUpload::new("receipt \"2024\".pdf", content_type, UPLOAD_BYTES),
        file_link_data: Some(FileLinkData {
            create: true,
            metadata: BTreeMap::from([("order".to_owned(), "42".to_owned())]),
        }),
        expand: Some(vec!["file_link".into()]),
    }
}

#[derive(Serialize)]
struct Search {
    query: String,
    limit: i64,
}

// ---------------------------------------------------------------------------------------------
// Servers

#[tokio::test]
async fn a_call_goes_to_its_own_server() {
    let files = MockServer::start().await;
    answer_everything(&files, json!({"id": "file_1"})).await;
    // No base URL set: the route's server is where the call goes.
    let client = Client::builder("sk_test_v2").build().unwrap();
    let files_route = route(Method::Get, Some(leak(files.uri())), Encoding::Form);
    let file: Value = client
        .send_route(files_route, "/v1/files/file_1".into(), None::<&()>)
        .await
        .unwrap();
    assert_eq!(file["id"], "file_1");
    let received = files.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.path(), "/v1/files/file_1");
    let host = files.address().to_string();
    assert_eq!(header(&received[0], "host"), Some(host.as_str()));
}

#[tokio::test]
async fn a_base_url_set_on_the_builder_takes_every_call() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    answer_everything(&server, json!({"ok": true})).await;
    answer_everything(&elsewhere, json!({"ok": false})).await;
    let client = client_for(&server.uri());
    for server_of_route in [None, Some(FILES_SERVER), Some(leak(elsewhere.uri()))] {
        let answer: Value = client
            .send_route(
                route(Method::Get, server_of_route, Encoding::Form),
                "/v1/files".into(),
                None::<&()>,
            )
            .await
            .unwrap();
        assert_eq!(answer["ok"], true, "{server_of_route:?}");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// v2 JSON requests

#[tokio::test]
async fn a_v2_post_sends_exactly_the_members_set_as_json() {
    let server = MockServer::start().await;
    answer_everything(&server, json!({"id": "ed_1"})).await;
    let client = Client::builder("sk_test_v2")
        .base_url(server.uri())
        .stripe_context("ctx_123")
        .build()
        .unwrap();
    let created: Value = client
        .send_route(
            v2(Method::Post),
            "/v2/core/event_destinations".into(),
            Some(&create_destination()),
        )
        .await
        .unwrap();
    assert_eq!(created["id"], "ed_1");

    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.query(), None);
    assert_eq!(header(request, "content-type"), Some("application/json"));
    assert_eq!(header(request, "stripe-context"), Some("ctx_123"));
    assert!(header(request, "idempotency-key").is_some());
    assert!(header(request, "user-agent")
        .unwrap()
        .starts_with("Stripe/v2 RustBindings/"));
    assert_eq!(
        body_json(request),
        json!({
            "name": "Order events",
            "description": null,
            "enabled_events": [
                "v1.billing.meter.error_report_triggered",
                "v2.core.event_destination.ping"
            ],
            "event_payload": "thin",
            "webhook_endpoint": {"url": "https://example.com/hooks?a=1&b=é"},
            "metadata": {"obsolete": null, "team": "payments"},
            "amount": {"currency": "usd", "value": 1000},
            "include": ["webhook_endpoint.url"],
            "active": true,
            "created_after": "2024-05-01T12:30:00Z"
        })
    );
}

#[tokio::test]
async fn a_v2_post_without_parameters_sends_an_empty_object_and_options_merge_in() {
    let server = MockServer::start().await;
    answer_everything(&server, json!({"id": "ed_1"})).await;
    let client = client_for(&server.uri());
    let _: Value = client
        .send_route(
            v2(Method::Post),
            "/v2/core/event_destinations/ed_1/disable".into(),
            None::<&()>,
        )
        .await
        .unwrap();
    // Extra parameters become (string) members, nested by their key; `expand` is v1's only.
    let with_options = client.with_options(
        RequestOptions::new()
            .expand("data.thing")
            .extra_param("beta", "on")
            .extra_param("webhook_endpoint[secret_rotation]", "weekly"),
    );
    let params = json!({"name": "x", "webhook_endpoint": {"url": "https://example.com"}});
    let _: Value = with_options
        .send_route(
            v2(Method::Post),
            "/v2/core/event_destinations".into(),
            Some(&params),
        )
        .await
        .unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].body, b"{}");
    assert_eq!(
        header(&received[0], "content-type"),
        Some("application/json")
    );
    assert_eq!(
        body_json(&received[1]),
        json!({
            "name": "x",
            "beta": "on",
            "webhook_endpoint": {"url": "https://example.com", "secret_rotation": "weekly"}
        })
    );
    assert_eq!(received[1].url.query(), None);
}

#[tokio::test]
async fn a_v2_get_sends_its_parameters_in_the_query_string() {
    let server = MockServer::start().await;
    answer_everything(&server, json!({"data": [], "next_page_url": null})).await;
    let client =
        client_for(&server.uri()).with_options(RequestOptions::new().extra_param("beta", "true"));
    let _: Value = client
        .send_route(
            v2(Method::Get),
            "/v2/core/events".into(),
            Some(&list_events()),
        )
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        query(request),
        stripegen_tests::owned(&[
            ("object_id", "mtr_123"),
            ("limit", "5"),
            ("types[0]", "v1.billing.meter.error_report_triggered"),
            ("types[1]", "v2.core.event_destination.ping"),
            ("created[gte]", "2024-05-01T12:30:00Z"),
            ("include_archived", "true"),
            ("include[0]", "data.related_object"),
            ("include[1]", "data.reason"),
            ("beta", "true"),
        ])
    );
    assert!(request.body.is_empty());
    assert_eq!(header(request, "content-type"), None);
    assert_eq!(header(request, "idempotency-key"), None);
}

#[tokio::test]
async fn raw_request_on_a_v2_path_is_a_v2_call() {
    let server = MockServer::start().await;
    answer_everything(&server, json!({"id": "thing_1"})).await;
    let client = client_for(&server.uri());
    let params = json!({"label": "raw", "cleared": null, "nested": {"count": 2}});
    let _: Value = client
        .raw_request(Method::Post, "/v2/core/vault/things", &params)
        .await
        .unwrap();
    let _: Value = client
        .raw_request(Method::Delete, "/v2/core/vault/things/thing_1", &())
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(body_json(&received[0]), params);
    assert_eq!(
        header(&received[0], "content-type"),
        Some("application/json")
    );
    assert_eq!(received[1].method.as_str(), "DELETE");
    assert!(header(&received[1], "idempotency-key").is_some());
    assert!(received[1].body.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Idempotency and retries

/// Answers 500 to the first request and `ok` to the rest.
async fn fail_once_then(server: &MockServer, ok: Value) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": {
            "type": "api_error", "message": "try again"
        }})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    answer_everything(server, ok).await;
}

fn retrying_client(uri: &str) -> Client {
    Client::builder("sk_test_v2")
        .base_url(uri)
        .max_network_retries(1)
        .build()
        .unwrap()
}

#[tokio::test]
async fn v2_posts_and_deletes_keep_one_idempotency_key_across_a_retry() {
    for verb in [Method::Post, Method::Delete] {
        let server = MockServer::start().await;
        fail_once_then(&server, json!({"id": "ed_1"})).await;
        let client = retrying_client(&server.uri());
        let _: Value = client
            .send_route(
                v2(verb),
                "/v2/core/event_destinations/ed_1".into(),
                Some(&json!({"name": "x"})),
            )
            .await
            .unwrap();
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 2, "{verb:?}: one retry");
        let keys: Vec<_> = received
            .iter()
            .map(|r| header(r, "idempotency-key").map(str::to_owned))
            .collect();
        assert!(keys[0].is_some(), "{verb:?} carries a key");
        assert_eq!(keys[0], keys[1], "{verb:?}: the retry reuses its key");
        assert_eq!(
            received[0].body, received[1].body,
            "{verb:?}: the same body"
        );
        assert_eq!(received[0].url, received[1].url, "{verb:?}: the same URL");
    }
}

#[tokio::test]
async fn a_v2_get_carries_no_key_and_a_chosen_key_is_used_as_given() {
    let server = MockServer::start().await;
    answer_everything(&server, json!({"id": "ed_1"})).await;
    let client = client_for(&server.uri());
    let _: Value = client
        .send_route(
            v2(Method::Get),
            "/v2/core/event_destinations/ed_1".into(),
            None::<&()>,
        )
        .await
        .unwrap();
    let keyed = client.with_options(RequestOptions::new().idempotency_key("delete-ed-1"));
    let _: Value = keyed
        .send_route(
            v2(Method::Delete),
            "/v2/core/event_destinations/ed_1".into(),
            None::<&()>,
        )
        .await
        .unwrap();
    // v1 DELETE stays without a key, as in stripe-python.
    let _: Value = client
        .send_route(
            route(Method::Delete, None, Encoding::Form),
            "/v1/webhook_endpoints/we_1".into(),
            None::<&()>,
        )
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(header(&received[0], "idempotency-key"), None);
    assert_eq!(header(&received[1], "idempotency-key"), Some("delete-ed-1"));
    assert_eq!(header(&received[2], "idempotency-key"), None);
    assert!(header(&received[2], "user-agent")
        .unwrap()
        .starts_with("Stripe/v1 "));
}

// ---------------------------------------------------------------------------------------------
// v2 errors

#[tokio::test]
async fn v2_errors_are_classified_as_stripe_python_classifies_them() {
    let server = MockServer::start().await;
    let cases = [
        (
            "/v2/a",
            400,
            json!({"type": "temporary_session_expired", "code": "session_expired",
                   "message": "Expired.", "user_message": "Please sign in again.",
                   "doc_url": "https://docs.stripe.com/error-codes/session-expired"}),
        ),
        (
            "/v2/b",
            409,
            json!({"type": "idempotency_error", "code": "idempotency_key_in_use", "message": "In use."}),
        ),
        (
            "/v2/c",
            400,
            json!({"type": "invalid_request_error", "code": "missing_parameter", "message": "Missing."}),
        ),
        (
            "/v2/d",
            402,
            json!({"type": "insufficient_funds", "code": "balance_too_low", "message": "Low."}),
        ),
        ("/v1/e", 400, json!({"type": "temporary_session_expired"})),
    ];
    for (at, status, error) in &cases {
        Mock::given(path(*at))
            .respond_with(
                ResponseTemplate::new(*status)
                    .insert_header("Request-Id", "req_v2")
                    .set_body_json(json!({ "error": error })),
            )
            .mount(&server)
            .await;
    }
    let client = client_for(&server.uri());
    let mut errors = Vec::new();
    for (at, _, _) in &cases {
        let encoding = if at.starts_with("/v2") {
            Encoding::Json
        } else {
            Encoding::Form
        };
        let result: Result<Value, Error> = client
            .send_route(
                route(Method::Post, None, encoding),
                at.to_string(),
                None::<&()>,
            )
            .await;
        errors.push(result.unwrap_err());
    }

    let Error::V2(expired) = &errors[0] else {
        panic!("{:?}", errors[0])
    };
    assert_eq!(expired.status, 400);
    assert_eq!(expired.type_, "temporary_session_expired");
    assert_eq!(expired.code.as_deref(), Some("session_expired"));
    assert_eq!(expired.message.as_deref(), Some("Expired."));
    assert_eq!(expired.user_message(), Some("Please sign in again."));
    assert_eq!(
        expired.doc_url.as_deref(),
        Some("https://docs.stripe.com/error-codes/session-expired")
    );
    assert_eq!(expired.request_id.as_deref(), Some("req_v2"));
    assert!(
        matches!(&errors[1], Error::Idempotency(e) if e.code.as_deref() == Some("idempotency_key_in_use"))
    );
    assert!(
        matches!(&errors[2], Error::InvalidRequest(e) if e.code.as_deref() == Some("missing_parameter"))
    );
    assert!(matches!(&errors[3], Error::V2(e) if e.type_ == "insufficient_funds"));
    // A v1 path is classified by status, whatever the type says.
    assert!(matches!(&errors[4], Error::InvalidRequest(_)));
    // Matching on `code` works the same whatever the variant.
    let codes: Vec<_> = errors
        .iter()
        .map(|e| e.api_error().and_then(|d| d.code.clone()))
        .collect();
    assert_eq!(codes[2].as_deref(), Some("missing_parameter"));
    assert!(errors[0].to_string().contains("temporary_session_expired"));
}

// ---------------------------------------------------------------------------------------------
// Pagination

#[tokio::test]
async fn paginate_v2_follows_next_page_url_across_three_pages_with_the_options() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Option<&str>| {
        json!({
            "data": ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
            "next_page_url": next,
            "previous_page_url": null,
        })
    };
    Mock::given(method("GET"))
        .and(path("/v2/core/events"))
        .and(query_param_is_missing("page"))
        .and(query_param("object_id", "mtr_123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            &["evt_1", "evt_2"],
            Some("/v2/core/events?page=p2&object_id=mtr_123"),
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/core/events"))
        .and(query_param("page", "p2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(&["evt_3", "evt_4"], Some("/v2/core/events?page=p3"))),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/core/events"))
        .and(query_param("page", "p3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["evt_5"], None)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server.uri()).with_options(
        RequestOptions::new()
            .stripe_account("acct_42")
            .stripe_context("ctx_42")
            .stripe_version("2025-01-01.preview")
            .extra_param("beta", "true"),
    );
    let params = ListEvents {
        object_id: "mtr_123".into(),
        limit: Some(2),
        types: None,
        created: None,
        include_archived: None,
        page: None,
        include: None,
    };
    let ids: Vec<String> = client
        .paginate_v2::<_, Value>("/v2/core/events".into(), &params)
        .map_ok(|event| event["id"].as_str().unwrap().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["evt_1", "evt_2", "evt_3", "evt_4", "evt_5"]);

    let received = server.received_requests().await.unwrap();
    let queries: Vec<_> = received.iter().map(query).collect();
    assert_eq!(
        queries,
        [
            stripegen_tests::owned(&[("object_id", "mtr_123"), ("limit", "2"), ("beta", "true")]),
            stripegen_tests::owned(&[("page", "p2"), ("object_id", "mtr_123")]),
            stripegen_tests::owned(&[("page", "p3")]),
        ]
    );
    for request in &received {
        assert_eq!(header(request, "stripe-account"), Some("acct_42"));
        assert_eq!(header(request, "stripe-context"), Some("ctx_42"));
        assert_eq!(
            header(request, "stripe-version"),
            Some("2025-01-01.preview")
        );
        assert_eq!(header(request, "idempotency-key"), None);
    }
}

#[tokio::test]
async fn a_failing_v2_page_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": "evt_1"}], "next_page_url": "/v2/core/events?page=p2"
        })))
        .mount(&server)
        .await;
    Mock::given(query_param("page", "p2"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "type": "invalid_request_error", "code": "invalid_page", "message": "Bad page."
        }})))
        .mount(&server)
        .await;
    let items: Vec<Result<Value, Error>> = client_for(&server.uri())
        .paginate_v2("/v2/core/events".into(), &json!({}))
        .collect::<Vec<_>>()
        .await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap()["id"], "evt_1");
    assert!(
        matches!(&items[1], Err(Error::InvalidRequest(e)) if e.code.as_deref() == Some("invalid_page"))
    );
}

// ---------------------------------------------------------------------------------------------
// Binary downloads

#[tokio::test]
async fn send_route_bytes_returns_the_body_as_it_is_and_errors_as_usual() {
    let server = MockServer::start().await;
    let pdf = b"%PDF-1.7\n\x00\xff\xfe\xe2\x82 not UTF-8".to_vec();
    Mock::given(path("/v1/quotes/qt_1/pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(pdf.clone(), "application/pdf"))
        .mount(&server)
        .await;
    Mock::given(path("/v1/quotes/qt_missing/pdf"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": {
            "type": "invalid_request_error", "code": "resource_missing", "message": "No such quote."
        }})))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let download = route(Method::Get, Some(FILES_SERVER), Encoding::Form);
    let bytes = client
        .send_route_bytes(
            download,
            "/v1/quotes/qt_1/pdf".into(),
            Some(&json!({"x": 1})),
        )
        .await
        .unwrap();
    assert_eq!(bytes, pdf);
    let error = client
        .send_route_bytes(download, "/v1/quotes/qt_missing/pdf".into(), None::<&()>)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(e) if e.code.as_deref() == Some("resource_missing")),
        "{error:?}"
    );
    assert_eq!(
        server.received_requests().await.unwrap()[0].url.query(),
        Some("x=1")
    );
}

// ---------------------------------------------------------------------------------------------
// Multipart uploads

fn content_type(request: &Request) -> &str {
    header(request, "content-type").expect("a content type")
}

#[tokio::test]
async fn a_multipart_upload_sends_its_parts_and_resends_them_on_a_retry() {
    let server = MockServer::start().await;
    fail_once_then(&server, json!({"id": "file_1"})).await;
    let client = retrying_client(&server.uri())
        .with_options(RequestOptions::new().extra_param("beta", "on"));
    let upload = route(Method::Post, Some(FILES_SERVER), Encoding::Multipart);
    let file: Value = client
        .send_route(
            upload,
            "/v1/files".into(),
            Some(&create_file("application/pdf")),
        )
        .await
        .unwrap();
    assert_eq!(file["id"], "file_1");

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let request = &received[0];
    assert!(content_type(request).starts_with("multipart/form-data; boundary="));
    let text = |name: &str, data: &str| Part {
        name: name.into(),
        filename: None,
        content_type: None,
        data: data.as_bytes().to_vec(),
    };
    assert_eq!(
        multipart_parts(content_type(request), &request.body),
        [
            text("purpose", "dispute_evidence"),
            Part {
                name: "file".into(),
                filename: Some("receipt %222024%22.pdf".into()),
                content_type: Some("application/pdf".into()),
                data: UPLOAD_BYTES.to_vec(),
            },
            text("file_link_data[create]", "true"),
            text("file_link_data[metadata][order]", "42"),
            text("expand[0]", "file_link"),
            text("beta", "on"),
        ]
    );
    // The retry sends the same bytes (boundary included) under the same key.
    assert_eq!(received[0].body, received[1].body);
    assert_eq!(content_type(&received[0]), content_type(&received[1]));
    assert!(header(&received[0], "idempotency-key").is_some());
    assert_eq!(
        header(&received[0], "idempotency-key"),
        header(&received[1], "idempotency-key")
    );
}

#[tokio::test]
async fn a_file_outside_a_multipart_call_is_an_encoding_error() {
    let client = client_for("http://127.0.0.1:9");
    for encoding in [Encoding::Form, Encoding::Multipart] {
        let result: Result<Value, Error> = client
            .send_route(
                route(Method::Get, None, encoding),
                "/v1/files".into(),
                Some(&create_file("application/pdf")),
            )
            .await;
        assert!(
            matches!(result, Err(Error::Encode(_))),
            "{encoding:?}: {result:?}"
        );
    }
    let result: Result<Value, Error> = client
        .send_route(
            route(Method::Post, None, Encoding::Form),
            "/v1/files".into(),
            Some(&create_file("application/pdf")),
        )
        .await;
    assert!(matches!(result, Err(Error::Encode(_))), "{result:?}");
}

// ---------------------------------------------------------------------------------------------
// The same requests as stripe-python

const SECRET_KEY: &str = "sk_test_v2_conformance";
const STRIPE_VERSION: &str = "2025-01-01.preview";
const STRIPE_CONTEXT: &str = "acct_1Context/acct_2Child";

/// What a server saw of one request, in the terms the comparison uses.
#[derive(Debug, PartialEq)]
struct Seen {
    method: String,
    /// `Host` is the address of the server that received the request.
    host_is_server: bool,
    path: String,
    query: Vec<(String, String)>,
    content_type: Option<String>,
    body: Body,
    authorization: Option<String>,
    stripe_version: Option<String>,
    stripe_context: Option<String>,
    stripe_account: Option<String>,
    idempotency_key: bool,
    /// The first word of `User-Agent`: `Stripe/v1` or `Stripe/v2`.
    api: Option<String>,
}

#[derive(Debug, PartialEq)]
enum Body {
    Empty,
    Json(Value),
    Multipart(Vec<Part>),
    Other(Vec<u8>),
}

fn seen(server: &MockServer, request: &Request) -> Seen {
    let text = |name: &str| header(request, name).map(str::to_owned);
    let content_type = text("content-type");
    let body = match content_type.as_deref() {
        _ if request.body.is_empty() => Body::Empty,
        Some("application/json") => Body::Json(body_json(request)),
        Some(multipart) if multipart.starts_with("multipart/form-data") => {
            Body::Multipart(multipart_parts(multipart, &request.body))
        }
        _ => Body::Other(request.body.clone()),
    };
    Seen {
        method: request.method.to_string(),
        host_is_server: header(request, "host") == Some(&server.address().to_string()),
        path: request.url.path().to_owned(),
        query: query(request),
        content_type: content_type.map(|t| match t.split_once("; boundary=") {
            Some((kind, _)) => kind.to_owned(),
            None => t,
        }),
        body,
        authorization: text("authorization"),
        stripe_version: text("stripe-version"),
        stripe_context: text("stripe-context"),
        stripe_account: text("stripe-account"),
        idempotency_key: header(request, "idempotency-key").is_some(),
        api: text("user-agent").and_then(|ua| ua.split(' ').next().map(str::to_owned)),
    }
}

async fn reference_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [], "next_page_url": null, "previous_page_url": null
        })))
        .mount(&server)
        .await;
    answer_everything(&server, json!({"id": "obj_123", "object": "thing"})).await;
    server
}

/// The requests of `tests/conformance/v2_requests.py`, in the same order, through this client:
/// `api` stands for `https://api.stripe.com`, `files` for `https://files.stripe.com`, each given
/// as the route's server (the client's base URL is not set).
async fn rust_requests(api: &'static str, files: &'static str) {
    let client = Client::builder(SECRET_KEY)
        .stripe_version(STRIPE_VERSION)
        .stripe_context(STRIPE_CONTEXT)
        .max_network_retries(0)
        .build()
        .unwrap();
    let on_api = |method| route(method, Some(api), Encoding::Json);
    let ok = |what: &str, result: Result<Value, Error>| {
        if let Err(error) = result {
            panic!("{what}: {error:?}");
        }
    };
    ok(
        "v2 POST",
        client
            .send_route(
                on_api(Method::Post),
                "/v2/core/event_destinations".into(),
                Some(&create_destination()),
            )
            .await,
    );
    ok(
        "v2 GET",
        client
            .send_route(
                on_api(Method::Get),
                "/v2/core/events".into(),
                Some(&list_events()),
            )
            .await,
    );
    ok(
        "v2 DELETE",
        client
            .send_route(
                on_api(Method::Delete),
                "/v2/core/event_destinations/ed_123".into(),
                None::<&()>,
            )
            .await,
    );
    ok(
        "v1 upload",
        client
            .send_route(
                route(Method::Post, Some(files), Encoding::Multipart),
                "/v1/files".into(),
                Some(&create_file("application/octet-stream")),
            )
            .await,
    );
    ok(
        "v2 search",
        client
            .send_route(
                on_api(Method::Post),
                "/v2/core/accounts/search".into(),
                Some(&Search {
                    query: "display_name:'Acme'".into(),
                    limit: 3,
                }),
            )
            .await,
    );
    // raw_request goes to the base URL; this client's is Stripe's, so a handle on `api`.
    let raw_client = Client::builder(SECRET_KEY)
        .base_url(api)
        .stripe_version(STRIPE_VERSION)
        .stripe_context(STRIPE_CONTEXT)
        .max_network_retries(0)
        .build()
        .unwrap();
    ok(
        "raw v2 POST",
        raw_client
            .raw_request(
                Method::Post,
                "/v2/core/vault/things",
                &json!({"label": "raw", "cleared": null, "nested": {"count": 2, "tags": ["a", "b"]}}),
            )
            .await,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_match_stripe_python() {
    let (python_api, python_files) = (reference_server().await, reference_server().await);
    let (rust_api, rust_files) = (reference_server().await, reference_server().await);

    let python = python_with_sdk();
    let script = workspace().join("tests/conformance/v2_requests.py");
    let (api_uri, files_uri) = (python_api.uri(), python_files.uri());
    tokio::task::spawn_blocking(move || {
        run(Command::new(python).arg(script).args([
            api_uri.as_str(),
            files_uri.as_str(),
            SECRET_KEY,
            STRIPE_VERSION,
            STRIPE_CONTEXT,
        ]))
    })
    .await
    .unwrap();
    rust_requests(leak(rust_api.uri()), leak(rust_files.uri())).await;

    let mut compared = 0;
    for (python_server, rust_server, name) in [
        (&python_api, &rust_api, "api"),
        (&python_files, &rust_files, "files"),
    ] {
        let expected = python_server.received_requests().await.unwrap();
        let actual = rust_server.received_requests().await.unwrap();
        assert_eq!(
            expected.len(),
            actual.len(),
            "requests on the {name} server: {:?} vs {:?}",
            expected.iter().map(|r| r.url.path()).collect::<Vec<_>>(),
            actual.iter().map(|r| r.url.path()).collect::<Vec<_>>(),
        );
        for (python_request, rust_request) in expected.iter().zip(&actual) {
            let (python_seen, rust_seen) = (
                seen(python_server, python_request),
                seen(rust_server, rust_request),
            );
            assert!(python_seen.host_is_server, "{python_seen:#?}");
            assert_eq!(
                python_seen, rust_seen,
                "{} {} on the {name} server: stripe-python (left) and this client (right) differ",
                python_seen.method, python_seen.path
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 6);
    // The raw bodies differ only in JSON spacing and the multipart boundary; what was compared
    // above covers the rest. The four kinds the test is about all took part:
    let methods: Vec<_> = python_api
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        methods,
        [
            "POST /v2/core/event_destinations",
            "GET /v2/core/events",
            "DELETE /v2/core/event_destinations/ed_123",
            "POST /v2/core/accounts/search",
            "POST /v2/core/vault/things",
        ]
    );
}
