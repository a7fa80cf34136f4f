//! The generated calls against a local mock server (127.0.0.1): method, path, encoding, headers,
//! typed responses and typed errors.

use serde_json::json;
use stripe_api::events::EventType;
use stripe_api::forwarding::{
    CreateRequest, CreateRequestDetails, Request as ForwardingRequest, RequestReplacement,
};
use stripe_api::identity::{
    CreateVerificationSession, CreateVerificationSessionOptions,
    CreateVerificationSessionOptionsDocument, ListVerificationSessions,
    RetrieveVerificationSession, UpdateVerificationSession, VerificationSession,
    VerificationSessionId, VerificationSessionStatus,
};
use stripe_api::webhook_endpoints::{UpdateWebhookEndpoint, WebhookEndpoint, WebhookEndpointId};
use stripe_api::{Client, Emptyable, Error, RangeQuery};
use stripegen_tests::{client, fixture, header, owned, pairs};
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

// Issue 12 §1: an empty list or map sends nothing, as in stripe-python and stripe-node; only
// `Emptyable::Empty` sends `key=`. (`metadata=` would delete every metadata key, and `expand=`,
// `enabled_events=` and the others are rejected with a 400.)

/// A server answering every request with `resource`'s fixture; returns it with the client.
async fn fixture_server(resource: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture(resource)))
        .mount(&server)
        .await;
    let client = client(&server);
    (server, client)
}

/// The decoded pairs of the only request `server` received: its form body for a POST, its query
/// string otherwise.
async fn sent_pairs(server: &MockServer) -> Vec<(String, String)> {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    if request.method.as_str() == "POST" {
        pairs(std::str::from_utf8(&request.body).unwrap())
    } else {
        assert!(request.body.is_empty());
        pairs(request.url.query().unwrap_or_default())
    }
}

#[tokio::test]
async fn empty_metadata_expand_and_allowed_types_send_nothing() {
    let (server, client) = fixture_server("identity.verification_session").await;
    let params = CreateVerificationSession {
        type_: Some("document".parse().unwrap()),
        metadata: Some(Default::default()),
        expand: Some(vec![]),
        options: Some(CreateVerificationSessionOptions {
            document: Some(Emptyable::Set(CreateVerificationSessionOptionsDocument {
                allowed_types: Some(vec![]),
                ..Default::default()
            })),
        }),
        ..Default::default()
    };
    VerificationSession::create(&client, &params).await.unwrap();
    assert_eq!(sent_pairs(&server).await, owned(&[("type", "document")]));
}

#[tokio::test]
async fn an_empty_expand_sends_no_query() {
    let (server, client) = fixture_server("identity.verification_session").await;
    let id = VerificationSessionId::new("vs_1");
    let params = RetrieveVerificationSession {
        expand: Some(vec![]),
    };
    VerificationSession::retrieve(&client, &id, &params)
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), None);
}

#[tokio::test]
async fn empty_enabled_events_and_metadata_send_nothing_but_emptyable_empty_clears() {
    let (server, client) = fixture_server("webhook_endpoint").await;
    let id = WebhookEndpointId::new("we_1");
    let params = UpdateWebhookEndpoint {
        enabled_events: Some(vec![]),
        metadata: Some(Emptyable::Set(Default::default())),
        expand: Some(vec![]),
        ..Default::default()
    };
    WebhookEndpoint::update(&client, &id, &params)
        .await
        .unwrap();
    assert_eq!(sent_pairs(&server).await, owned(&[]));

    let (server, client) = fixture_server("webhook_endpoint").await;
    let params = UpdateWebhookEndpoint {
        description: Some(Emptyable::Empty),
        metadata: Some(Emptyable::Empty),
        ..Default::default()
    };
    WebhookEndpoint::update(&client, &id, &params)
        .await
        .unwrap();
    assert_eq!(
        sent_pairs(&server).await,
        owned(&[("description", ""), ("metadata", "")])
    );
}

#[tokio::test]
async fn empty_forwarding_headers_and_an_emptied_options_document() {
    let (server, client) = fixture_server("forwarding.request").await;
    let mut params = CreateRequest::new(
        "pm_1",
        vec![RequestReplacement::CardNumber],
        "https://example.com/cards",
    );
    params.request = Some(CreateRequestDetails {
        body: Some("{}".into()),
        headers: Some(vec![]),
    });
    ForwardingRequest::create(&client, &params).await.unwrap();
    assert_eq!(
        sent_pairs(&server).await,
        owned(&[
            ("payment_method", "pm_1"),
            ("replacements[0]", "card_number"),
            ("request[body]", "{}"),
            ("url", "https://example.com/cards"),
        ])
    );

    // An empty object inside an emptyable is not `Empty`: nothing is sent for it either.
    let (server, client) = fixture_server("identity.verification_session").await;
    let params = CreateVerificationSession {
        options: Some(CreateVerificationSessionOptions {
            document: Some(Emptyable::Set(Default::default())),
        }),
        ..Default::default()
    };
    VerificationSession::create(&client, &params).await.unwrap();
    assert_eq!(sent_pairs(&server).await, owned(&[]));
}

/// Applies a form body to stored metadata the way Stripe does: `metadata=` deletes every key,
/// `metadata[k]=` deletes `k`, `metadata[k]=v` sets it; answers with the updated session.
struct MetadataStore(std::sync::Mutex<serde_json::Map<String, serde_json::Value>>);

impl wiremock::Respond for MetadataStore {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let mut stored = self.0.lock().unwrap();
        for (key, value) in pairs(std::str::from_utf8(&request.body).unwrap()) {
            if key == "metadata" {
                stored.clear();
            } else if let Some(name) = key
                .strip_prefix("metadata[")
                .and_then(|k| k.strip_suffix(']'))
            {
                if value.is_empty() {
                    stored.remove(name);
                } else {
                    stored.insert(name.to_owned(), value.into());
                }
            }
        }
        let mut session = fixture("identity.verification_session");
        session["metadata"] = serde_json::Value::Object(stored.clone());
        ResponseTemplate::new(200).set_body_json(session)
    }
}

#[tokio::test]
async fn an_update_with_an_empty_metadata_map_leaves_metadata_alone() {
    let server = MockServer::start().await;
    let stored = serde_json::Map::from_iter([("order".to_owned(), json!("42"))]);
    Mock::given(method("POST"))
        .respond_with(MetadataStore(std::sync::Mutex::new(stored)))
        .mount(&server)
        .await;
    let client = client(&server);
    let id = VerificationSessionId::new("vs_1");

    let params = UpdateVerificationSession {
        metadata: Some(Default::default()),
        ..Default::default()
    };
    let session = VerificationSession::update(&client, &id, &params)
        .await
        .unwrap();
    assert_eq!(
        session.metadata.get("order").map(String::as_str),
        Some("42")
    );
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests[0].body.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&requests[0].body)
    );

    // What does change metadata still does.
    let params = UpdateVerificationSession {
        metadata: Some([("note".to_owned(), "hi".to_owned())].into()),
        ..Default::default()
    };
    let session = VerificationSession::update(&client, &id, &params)
        .await
        .unwrap();
    assert_eq!(session.metadata.len(), 2);
}

// Issue 12 §4: `Emptyable<T>` converts from what `T` converts from.

#[test]
fn emptyable_fields_take_what_their_value_type_takes() {
    let params = UpdateWebhookEndpoint {
        description: Some("x".into()),
        metadata: Some([("order", "42")].into()),
        enabled_events: Some(vec![EventType::IdentityVerificationSessionVerified]),
        ..Default::default()
    };
    assert_eq!(params.description, Some(Emptyable::Set("x".to_owned())));
    let owned_string = String::from("y");
    let from_ref: Emptyable<String> = (&owned_string).into();
    let from_string: Emptyable<String> = owned_string.clone().into();
    let from_cow: Emptyable<String> = std::borrow::Cow::Borrowed("y").into();
    assert_eq!(from_ref, from_string);
    assert_eq!(from_cow, from_string);
    assert_eq!(
        params.metadata,
        Some(Emptyable::Set(
            [("order".to_owned(), "42".to_owned())].into()
        ))
    );
    let collected: Emptyable<std::collections::BTreeMap<String, String>> = [("a", "1")]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into_iter()
        .collect();
    assert!(matches!(collected, Emptyable::Set(map) if map.len() == 1));
    let list: Emptyable<Vec<String>> = ["a", "b"].into();
    assert_eq!(list, Emptyable::Set(vec!["a".to_owned(), "b".to_owned()]));
    let integer: Emptyable<i64> = 5.into();
    assert_eq!(integer, Emptyable::Set(5));
    let beneficiary = stripe_api::climate::UpdateOrderBeneficiary::new("Jenny Rosen");
    assert_eq!(
        beneficiary.public_name,
        Emptyable::Set("Jenny Rosen".to_owned())
    );
    assert_eq!(
        stripe_api::encode_form(&params).unwrap(),
        "description=x&enabled_events[0]=identity.verification_session.verified&metadata[order]=42"
    );
}
