//! The generated calls against a local mock server (127.0.0.1): method, path, encoding, headers,
//! typed responses and typed errors.

use serde_json::json;
use stripe_api::identity::{
    CreateVerificationSession, CreateVerificationSessionOptions,
    CreateVerificationSessionOptionsDocument, ListVerificationSessions,
    RetrieveVerificationSession, VerificationSession, VerificationSessionId,
    VerificationSessionStatus,
};
use stripe_api::webhook_endpoints::{WebhookEndpoint, WebhookEndpointId};
use stripe_api::{Client, Emptyable, Error, RangeQuery};
use stripegen_tests::{client, fixture, header, pairs};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn create_sends_a_nested_form_body_with_the_stripe_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/identity/verification_sessions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("identity.verification_session")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let params = CreateVerificationSession {
        type_: Some("document".parse().unwrap()),
        metadata: Some([("order".to_string(), "42".to_string())].into()),
        options: Some(CreateVerificationSessionOptions {
            document: Some(Emptyable::Set(CreateVerificationSessionOptionsDocument {
                require_matching_selfie: Some(true),
                allowed_types: Some(vec![
                    "passport".parse().unwrap(),
                    "id_card".parse().unwrap(),
                ]),
                ..Default::default()
            })),
        }),
        expand: Some(vec!["last_verification_report".into()]),
        ..Default::default()
    };
    let session = VerificationSession::create(&client(&server), &params)
        .await
        .unwrap();
    assert_eq!(session.status, VerificationSessionStatus::Verified);

    let requests = server.received_requests().await.unwrap();
    let request = &requests[0];
    assert_eq!(
        pairs(std::str::from_utf8(&request.body).unwrap()),
        [
            ("expand[0]", "last_verification_report"),
            ("metadata[order]", "42"),
            ("options[document][allowed_types][0]", "passport"),
            ("options[document][allowed_types][1]", "id_card"),
            ("options[document][require_matching_selfie]", "true"),
            ("type", "document"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    assert_eq!(header(request, "authorization"), Some("Bearer sk_test_123"));
    assert_eq!(
        header(request, "stripe-version"),
        Some(stripe_api::API_VERSION)
    );
    assert_eq!(
        header(request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(header(request, "idempotency-key").is_some_and(|k| !k.is_empty()));
    assert!(
        header(request, "user-agent").is_some_and(|ua| ua.starts_with("Stripe/v1 RustBindings/"))
    );
}

#[tokio::test]
async fn list_encodes_filters_in_the_query_string() {
    let server = MockServer::start().await;
    let page = json!({
        "object": "list",
        "data": [fixture("identity.verification_session")],
        "has_more": false,
        "url": "/v1/identity/verification_sessions",
    });
    Mock::given(method("GET"))
        .and(path("/v1/identity/verification_sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;

    let params = ListVerificationSessions {
        status: Some(VerificationSessionStatus::RequiresInput),
        created: Some(RangeQuery::between(100, 200)),
        limit: Some(3),
        ..Default::default()
    };
    let list = VerificationSession::list(&client(&server), &params)
        .await
        .unwrap();
    assert_eq!(list.data.len(), 1);
    assert!(!list.has_more);

    let requests = server.received_requests().await.unwrap();
    let query = requests[0].url.query().unwrap_or_default().to_string();
    assert_eq!(
        pairs(&query),
        [
            ("created[gte]", "100"),
            ("created[lt]", "200"),
            ("limit", "3"),
            ("status", "requires_input"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    assert!(requests[0].body.is_empty());
    assert!(header(&requests[0], "idempotency-key").is_none());
}

#[tokio::test]
async fn retrieve_and_delete_put_typed_ids_in_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/identity/verification_sessions/vs_123"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("identity.verification_session")),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/webhook_endpoints/we_123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("deleted_webhook_endpoint")))
        .mount(&server)
        .await;
    let client = client(&server);
    let id = VerificationSessionId::new("vs_123");
    VerificationSession::retrieve(&client, &id, &RetrieveVerificationSession::default())
        .await
        .unwrap();
    let deleted = WebhookEndpoint::delete(&client, &WebhookEndpointId::from("we_123"))
        .await
        .unwrap();
    assert!(deleted.deleted);
}

#[tokio::test]
async fn error_responses_become_typed_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/identity/verification_sessions/vs_missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("Request-Id", "req_abc")
                .set_body_json(json!({"error": {
                    "type": "invalid_request_error",
                    "code": "resource_missing",
                    "param": "session",
                    "message": "No such verification session: 'vs_missing'",
                }})),
        )
        .mount(&server)
        .await;
    let err = VerificationSession::retrieve(
        &client(&server),
        &VerificationSessionId::new("vs_missing"),
        &RetrieveVerificationSession::default(),
    )
    .await
    .unwrap_err();
    let Error::InvalidRequest(details) = &err else {
        panic!("expected an invalid request error, got {err:?}");
    };
    assert_eq!(details.status, 404);
    assert_eq!(details.request_id.as_deref(), Some("req_abc"));
    assert_eq!(details.code.as_deref(), Some("resource_missing"));
    assert_eq!(details.param.as_deref(), Some("session"));
}

#[tokio::test]
async fn a_malformed_response_names_the_failing_json_path() {
    let server = MockServer::start().await;
    let mut session = fixture("identity.verification_session");
    session["livemode"] = json!("maybe");
    Mock::given(method("GET"))
        .and(path("/v1/identity/verification_sessions/vs_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Request-Id", "req_bad")
                .set_body_json(session),
        )
        .mount(&server)
        .await;
    let err = VerificationSession::retrieve(
        &client(&server),
        &VerificationSessionId::new("vs_1"),
        &RetrieveVerificationSession::default(),
    )
    .await
    .unwrap_err();
    let Error::Deserialize {
        path, request_id, ..
    } = &err
    else {
        panic!("expected a deserialization error, got {err:?}");
    };
    assert_eq!(path, "livemode");
    assert_eq!(request_id.as_deref(), Some("req_bad"));
}

#[test]
fn the_secret_key_never_appears_in_debug_output() {
    let client = Client::new("sk_live_very_secret");
    let shown = format!("{client:?}");
    assert!(!shown.contains("sk_live_very_secret"), "{shown}");
    assert!(shown.contains("[redacted]"));
}

/// Answers the first `failures.len()` requests with those statuses (and headers), then 200.
async fn flaky_server(failures: &[(u16, Option<&str>)]) -> MockServer {
    let server = MockServer::start().await;
    for (index, (status, should_retry)) in failures.iter().enumerate() {
        let mut response = ResponseTemplate::new(*status)
            .set_body_json(json!({"error": {"type": "api_error", "message": "try later"}}));
        if let Some(advice) = should_retry {
            response = response.insert_header("Stripe-Should-Retry", *advice);
        }
        Mock::given(method("POST"))
            .respond_with(response)
            .up_to_n_times(1)
            .with_priority(u8::try_from(index + 1).unwrap())
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("climate.order")))
        .with_priority(100)
        .mount(&server)
        .await;
    server
}

async fn cancel_order(server: &MockServer) -> Result<stripe_api::climate::Order, Error> {
    stripe_api::climate::Order::cancel(
        &client(server),
        &stripe_api::climate::OrderId::new("climorder_1"),
        &Default::default(),
    )
    .await
}

async fn idempotency_keys(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| header(r, "idempotency-key").unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn retries_409_500_and_503_with_one_idempotency_key() {
    let server = flaky_server(&[(409, None), (500, None)]).await;
    cancel_order(&server).await.unwrap();
    let keys = idempotency_keys(&server).await;
    assert_eq!(keys.len(), 3, "two retries, then success");
    assert!(
        !keys[0].is_empty() && keys.iter().all(|k| *k == keys[0]),
        "{keys:?}"
    );

    let server = flaky_server(&[(503, None)]).await;
    cancel_order(&server).await.unwrap();
    assert_eq!(idempotency_keys(&server).await.len(), 2);
}

#[tokio::test]
async fn gives_up_after_the_configured_retries() {
    let server = flaky_server(&[(500, None), (500, None), (500, None), (500, None)]).await;
    let err = cancel_order(&server).await.unwrap_err();
    assert!(
        matches!(err, Error::Api(ref e) if e.status == 500),
        "{err:?}"
    );
    assert_eq!(
        idempotency_keys(&server).await.len(),
        3,
        "1 attempt + 2 retries"
    );
}

#[tokio::test]
async fn does_not_retry_a_400_or_when_stripe_says_not_to() {
    let server = flaky_server(&[(400, None)]).await;
    assert!(matches!(
        cancel_order(&server).await,
        Err(Error::InvalidRequest(_))
    ));
    assert_eq!(idempotency_keys(&server).await.len(), 1);

    let server = flaky_server(&[(500, Some("false"))]).await;
    assert!(matches!(cancel_order(&server).await, Err(Error::Api(_))));
    assert_eq!(idempotency_keys(&server).await.len(), 1);

    // ... and retries what it marks retryable even though the status alone would not be.
    let server = flaky_server(&[(400, Some("true"))]).await;
    cancel_order(&server).await.unwrap();
    assert_eq!(idempotency_keys(&server).await.len(), 2);
}
