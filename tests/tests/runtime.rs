//! The runtime's behaviours (those of Stripe's own SDKs) against local servers on 127.0.0.1: per-request
//! options, auto-pagination in both directions and of searches (`SearchList`, `paginate_search`),
//! timeouts, dropped connections, every error variant and the identifying headers.

use std::time::Duration;

use futures::TryStreamExt;
use serde_json::{json, Value};
use stripe_api::identity::{ListVerificationSessions, VerificationSession};
use stripe_api::webhook_endpoints::{CreateWebhookEndpoint, WebhookEndpoint};
use stripe_api::{Client, Error, RequestOptions, ResponseExt};
use stripegen_tests::{fixture, header, owned, session, sessions_page, SESSIONS};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client_for(uri: &str) -> Client {
    Client::builder("sk_test_123")
        .base_url(uri)
        .build()
        .unwrap()
}

fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().into_owned().collect()
}

#[tokio::test]
async fn paginates_forward_across_three_pages_keeping_the_options() {
    let server = MockServer::start().await;
    let pages = [
        (None, &["vs_1", "vs_2"][..], true),
        (Some("vs_2"), &["vs_3", "vs_4"][..], true),
        (Some("vs_4"), &["vs_5"][..], false),
    ];
    for (cursor, ids, has_more) in pages {
        let mock = Mock::given(method("GET")).and(path(SESSIONS));
        let mock = match cursor {
            Some(cursor) => mock.and(query_param("starting_after", cursor)),
            None => mock.and(query_param_is_missing("starting_after")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(sessions_page(ids, has_more)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client_for(&server.uri()).with_options(
        RequestOptions::new()
            .stripe_account("acct_42")
            .stripe_version("2024-06-20")
            .expand("data.last_verification_report"),
    );
    let params = ListVerificationSessions {
        limit: Some(2),
        status: Some("verified".parse().unwrap()),
        ..Default::default()
    };
    let ids: Vec<String> = VerificationSession::list_all(&client, &params)
        .map_ok(|s| s.id.to_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["vs_1", "vs_2", "vs_3", "vs_4", "vs_5"]);

    for request in server.received_requests().await.unwrap() {
        assert_eq!(header(&request, "stripe-account"), Some("acct_42"));
        assert_eq!(header(&request, "stripe-version"), Some("2024-06-20"));
        let pairs = query_pairs(&request);
        for expected in [
            ("limit", "2"),
            ("status", "verified"),
            ("expand[0]", "data.last_verification_report"),
        ] {
            assert!(
                pairs.contains(&(expected.0.into(), expected.1.into())),
                "{expected:?} missing from {pairs:?}"
            );
        }
    }
}

/// IDs are opaque to the client: a cursor with `%`, `&`, `=` or `+` goes out escaped exactly once,
/// whether it came from the caller or from the last item of a page.
#[tokio::test]
async fn cursors_and_expansions_are_encoded_once() {
    let server = MockServer::start().await;
    let odd = "vs_a%b&c=d+e";
    for (cursor, ids, has_more) in [("vs_x%y", &[odd][..], true), (odd, &["vs_2"][..], false)] {
        Mock::given(method("GET"))
            .and(path(SESSIONS))
            .and(query_param("starting_after", cursor))
            .respond_with(ResponseTemplate::new(200).set_body_json(sessions_page(ids, has_more)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client =
        client_for(&server.uri()).with_options(RequestOptions::new().expand("data.redaction"));
    let params = ListVerificationSessions {
        starting_after: Some("vs_x%y".into()),
        expand: Some(vec!["data.last_error".into(), "data.url".into()]),
        ..Default::default()
    };
    let ids: Vec<String> = VerificationSession::list_all(&client, &params)
        .map_ok(|s| s.id.to_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, [odd, "vs_2"]);
    let queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| request.url.query().unwrap_or_default().to_owned())
        .collect();
    let expansions = "expand[0]=data.last_error&expand[1]=data.url&expand[2]=data.redaction";
    assert_eq!(
        queries,
        [
            format!("{expansions}&starting_after=vs_x%25y"),
            format!("{expansions}&starting_after=vs_a%25b%26c%3Dd%2Be"),
        ]
    );
}

#[tokio::test]
async fn paginates_backward_when_started_with_ending_before() {
    let server = MockServer::start().await;
    // Pages are newest first; walking backward reads each from its end.
    let pages = [
        ("vs_10", &["vs_12", "vs_11"][..], true),
        ("vs_12", &["vs_14", "vs_13"][..], true),
        ("vs_14", &["vs_15"][..], false),
    ];
    for (cursor, ids, has_more) in pages {
        Mock::given(method("GET"))
            .and(path(SESSIONS))
            .and(query_param("ending_before", cursor))
            .and(query_param_is_missing("starting_after"))
            .respond_with(ResponseTemplate::new(200).set_body_json(sessions_page(ids, has_more)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let params = ListVerificationSessions {
        ending_before: Some("vs_10".into()),
        ..Default::default()
    };
    let ids: Vec<String> = VerificationSession::list_all(&client_for(&server.uri()), &params)
        .map_ok(|s| s.id.to_string())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["vs_11", "vs_12", "vs_13", "vs_14", "vs_15"]);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sessions_page(&["vs_1"], true)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("starting_after", "vs_1"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"error": {"type": "invalid_request_error"}})),
        )
        .mount(&server)
        .await;
    let results: Vec<Result<VerificationSession, Error>> = futures::StreamExt::collect(
        VerificationSession::list_all(&client_for(&server.uri()), &Default::default()),
    )
    .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(Error::Permission(_))));
}

#[tokio::test]
async fn request_options_set_the_idempotency_key_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("webhook_endpoint")))
        .mount(&server)
        .await;
    let client = Client::builder("sk_test_123")
        .base_url(server.uri())
        .stripe_account("acct_client")
        .stripe_context("ctx_client")
        .app_info(
            "MyPlugin",
            Some("1.2.3".into()),
            Some("https://example.com".into()),
        )
        .build()
        .unwrap();
    let params = CreateWebhookEndpoint::new(vec!["*".parse().unwrap()], "https://example.com/hook");
    WebhookEndpoint::create(&client, &params).await.unwrap();
    let per_request = RequestOptions::new()
        .idempotency_key("my-key-1")
        .stripe_account("acct_request")
        .stripe_context("ctx_request")
        .expand("application");
    WebhookEndpoint::create(&client.with_options(per_request), &params)
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    let (first, second) = (&requests[0], &requests[1]);
    assert_eq!(header(first, "stripe-account"), Some("acct_client"));
    assert_eq!(header(first, "stripe-context"), Some("ctx_client"));
    assert_eq!(
        header(first, "user-agent"),
        Some(
            format!(
                "Stripe/v1 RustBindings/{} MyPlugin/1.2.3 (https://example.com)",
                generated_crate_version()
            )
            .as_str()
        )
    );
    let client_agent: Value =
        serde_json::from_str(header(first, "x-stripe-client-user-agent").unwrap()).unwrap();
    assert_eq!(client_agent["lang"], "rust");
    assert_eq!(client_agent["application"]["name"], "MyPlugin");

    assert_eq!(header(second, "idempotency-key"), Some("my-key-1"));
    assert_eq!(header(second, "stripe-account"), Some("acct_request"));
    assert_eq!(header(second, "stripe-context"), Some("ctx_request"));
    let body = std::str::from_utf8(&second.body).unwrap();
    assert!(body.ends_with("&expand[0]=application"), "{body}");
}

#[tokio::test]
async fn a_slow_answer_times_out_per_client_and_per_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture("webhook_endpoint"))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let id = stripe_api::webhook_endpoints::WebhookEndpointId::new("we_1");
    let client = Client::builder("sk_test_123")
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .max_network_retries(0)
        .build()
        .unwrap();
    // Without the timeout, the answer would arrive after 3 s, as a success.
    let err = WebhookEndpoint::retrieve(&client, &id, &Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");

    let client = client_for(&server.uri())
        .with_options(RequestOptions::new().timeout(Duration::from_millis(200)));
    let result = WebhookEndpoint::retrieve(&client, &id, &Default::default()).await;
    assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
    // The first client made one attempt; this one retried twice after timing out.
    assert_eq!(server.received_requests().await.unwrap().len(), 1 + 3);
}

/// A server on 127.0.0.1 that drops the first connection without answering, then answers 200.
async fn drops_first_connection(body: Value) -> (String, tokio::task::JoinHandle<usize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let mut connections = 0;
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            connections += 1;
            let mut buffer = vec![0; 64 * 1024];
            let _ = socket.read(&mut buffer).await.unwrap();
            if connections == 1 {
                drop(socket);
                continue;
            }
            let body = body.to_string();
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(response.as_bytes()).await.unwrap();
            return connections;
        }
    });
    (address, handle)
}

#[tokio::test]
async fn retries_a_dropped_connection() {
    let (address, server) = drops_first_connection(fixture("climate.order")).await;
    let order = stripe_api::climate::Order::cancel(
        &client_for(&address),
        &stripe_api::climate::OrderId::new("climorder_1"),
        &Default::default(),
    )
    .await
    .unwrap();
    assert_eq!(order.id.as_str(), fixture("climate.order")["id"]);
    assert_eq!(server.await.unwrap(), 2);
}

#[tokio::test]
async fn an_unreachable_server_is_a_connection_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder("sk_test_123")
        .base_url(address)
        .max_network_retries(0)
        .build()
        .unwrap();
    let err = WebhookEndpoint::list(&client, &Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection(_)), "{err:?}");
}

#[tokio::test]
async fn each_error_status_has_its_variant() {
    let server = MockServer::start().await;
    type IsExpected = fn(&Error) -> bool;
    let cases: [(u16, Value, IsExpected); 8] = [
        (
            400,
            json!({"type": "invalid_request_error", "param": "url", "code": "url_invalid"}),
            |e| matches!(e, Error::InvalidRequest(d) if d.param.as_deref() == Some("url") && d.code.as_deref() == Some("url_invalid")),
        ),
        (
            404,
            json!({"type": "invalid_request_error", "code": "resource_missing"}),
            |e| matches!(e, Error::InvalidRequest(_)),
        ),
        (
            401,
            json!({"type": "invalid_request_error", "message": "Invalid API Key"}),
            |e| matches!(e, Error::Authentication(_)),
        ),
        (
            402,
            json!({"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds"}),
            |e| matches!(e, Error::Card(d) if d.decline_code.as_deref() == Some("insufficient_funds")),
        ),
        (403, json!({"type": "invalid_request_error"}), |e| {
            matches!(e, Error::Permission(_))
        }),
        (
            429,
            json!({"type": "invalid_request_error", "code": "rate_limit"}),
            |e| matches!(e, Error::RateLimit(_)),
        ),
        (
            400,
            json!({"type": "idempotency_error", "message": "Keys for idempotent requests can only be used with the same parameters"}),
            |e| matches!(e, Error::Idempotency(_)),
        ),
        (500, json!({"type": "api_error"}), |e| {
            matches!(e, Error::Api(_))
        }),
    ];
    let client = Client::builder("sk_test_123")
        .base_url(server.uri())
        .max_network_retries(0)
        .build()
        .unwrap();
    for (status, error, is_expected) in cases {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("Request-Id", "req_42")
                    .set_body_json(json!({ "error": error })),
            )
            .mount(&server)
            .await;
        let err = WebhookEndpoint::list(&client, &Default::default())
            .await
            .unwrap_err();
        assert!(is_expected(&err), "{status} {error}: got {err:?}");
        let details = err.api_error().unwrap();
        assert_eq!(details.status, status);
        assert_eq!(details.request_id.as_deref(), Some("req_42"));
        assert!(err.to_string().contains("req_42"), "{err}");
    }
}

/// The generated crate's version (with the API version as build metadata), as its `Cargo.toml`
/// says: the bindings version of `User-Agent`.
fn generated_crate_version() -> String {
    let manifest = include_str!("../../generated/Cargo.toml");
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("generated/Cargo.toml has a version line")
        .to_owned()
}

// Issue 12 §5: what Stripe's SDKs give besides the typed calls.

fn with_request_id(body: Value, request_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(body)
        .insert_header("Request-Id", request_id)
        .insert_header("Stripe-Test-Header", "from-the-server")
}

fn form_pairs(request: &Request) -> Vec<(String, String)> {
    stripegen_tests::pairs(std::str::from_utf8(&request.body).unwrap())
}

#[tokio::test]
async fn with_response_gives_the_status_request_id_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{SESSIONS}/vs_1")))
        .respond_with(with_request_id(session("vs_1"), "req_one"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{SESSIONS}/vs_2")))
        .respond_with(with_request_id(session("vs_2"), "req_two"))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let (one, two) = (
        stripe_api::identity::VerificationSessionId::new("vs_1"),
        stripe_api::identity::VerificationSessionId::new("vs_2"),
    );
    let params = Default::default();

    // The plain call still returns just the object.
    let plain: VerificationSession = VerificationSession::retrieve(&client, &one, &params)
        .await
        .unwrap();
    assert_eq!(plain.id.as_str(), "vs_1");

    let (session, meta) = VerificationSession::retrieve(&client, &one, &params)
        .with_response()
        .await
        .unwrap();
    assert_eq!(session, plain);
    assert_eq!(meta.status, 200);
    assert_eq!(meta.request_id.as_deref(), Some("req_one"));
    assert_eq!(meta.header("stripe-test-header"), Some("from-the-server"));
    assert!(meta.headers.contains_key("content-type"));

    // Calls in flight together on one task each get their own response.
    let (first, second) = futures::join!(
        VerificationSession::retrieve(&client, &one, &params).with_response(),
        VerificationSession::retrieve(&client, &two, &params).with_response(),
    );
    let ((first, first_meta), (second, second_meta)) = (first.unwrap(), second.unwrap());
    assert_eq!(
        (first.id.as_str(), first_meta.request_id.as_deref()),
        ("vs_1", Some("req_one"))
    );
    assert_eq!(
        (second.id.as_str(), second_meta.request_id.as_deref()),
        ("vs_2", Some("req_two"))
    );
}

#[tokio::test]
async fn with_response_describes_the_attempt_that_succeeded_and_passes_errors_on() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{SESSIONS}/vs_1/cancel")))
        .respond_with(ResponseTemplate::new(500).insert_header("Request-Id", "req_failed"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{SESSIONS}/vs_1/cancel")))
        .respond_with(with_request_id(session("vs_1"), "req_retried"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("Request-Id", "req_missing")
                .set_body_json(json!({"error": {"type": "invalid_request_error"}})),
        )
        .mount(&server)
        .await;
    let client = Client::builder("sk_test_123")
        .base_url(server.uri())
        .max_network_retries(1)
        .build()
        .unwrap();
    let id = stripe_api::identity::VerificationSessionId::new("vs_1");
    let (_, meta) = VerificationSession::cancel(&client, &id, &Default::default())
        .with_response()
        .await
        .unwrap();
    assert_eq!(
        (meta.status, meta.request_id.as_deref()),
        (200, Some("req_retried"))
    );

    let error = VerificationSession::retrieve(&client, &id, &Default::default())
        .with_response()
        .await
        .unwrap_err();
    let Error::InvalidRequest(details) = error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (details.status, details.request_id.as_deref()),
        (404, Some("req_missing"))
    );
}

#[tokio::test]
async fn raw_request_posts_any_parameters_with_the_client_s_headers_retries_and_options() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/preview/widgets"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/preview/widgets"))
        .respond_with(with_request_id(
            json!({"id": "wdg_1", "object": "widget"}),
            "req_raw",
        ))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let options = RequestOptions::new()
        .stripe_account("acct_raw")
        .stripe_version("2026-01-01.preview");
    let params = json!({
        "name": "a & b = c",
        "tags": ["x", "y"],
        "settings": {"enabled": true, "limits": {"daily": 5}},
        "metadata": {},
        "skipped": null,
        "cleared": "",
        "nothing": [],
    });
    let (widget, meta) = client
        .with_options(options)
        .raw_request::<_, Value>(stripe_api::Method::Post, "/v1/preview/widgets", &params)
        .with_response()
        .await
        .unwrap();
    assert_eq!(widget["id"], "wdg_1");
    assert_eq!(meta.request_id.as_deref(), Some("req_raw"));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "the 503 is retried");
    for request in &requests {
        assert_eq!(
            form_pairs(request),
            owned(&[
                ("name", "a & b = c"),
                ("tags[0]", "x"),
                ("tags[1]", "y"),
                ("settings[enabled]", "true"),
                ("settings[limits][daily]", "5"),
                ("cleared", ""),
            ])
        );
        assert_eq!(header(request, "stripe-account"), Some("acct_raw"));
        assert_eq!(
            header(request, "stripe-version"),
            Some("2026-01-01.preview")
        );
        assert_eq!(header(request, "authorization"), Some("Bearer sk_test_123"));
        assert_eq!(
            header(request, "content-type"),
            Some("application/x-www-form-urlencoded")
        );
    }
    let keys: Vec<_> = requests
        .iter()
        .map(|r| header(r, "idempotency-key").unwrap().to_owned())
        .collect();
    assert_eq!(keys[0], keys[1], "one idempotency key across the retry");
}

#[tokio::test]
async fn raw_request_gets_and_deletes_with_a_query_typed_answers_and_typed_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(SESSIONS))
        .respond_with(ResponseTemplate::new(200).set_body_json(sessions_page(&["vs_1"], false)))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/preview/widgets/wdg_1"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("Request-Id", "req_bad")
                .set_body_json(json!({"error": {
                    "type": "invalid_request_error",
                    "param": "widget",
                    "message": "No such widget",
                }})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());

    // Any `DeserializeOwned` type: here the generated list type.
    let list: stripe_api::List<VerificationSession> = client
        .raw_request(
            stripe_api::Method::Get,
            SESSIONS,
            &json!({"created": {"gte": 1}, "expand": ["data.last_verification_report"]}),
        )
        .await
        .unwrap();
    assert_eq!(list.data[0].id.as_str(), "vs_1");

    let error = client
        .raw_request::<_, Value>(
            stripe_api::Method::Delete,
            "/v1/preview/widgets/wdg_1",
            &json!({}),
        )
        .await
        .unwrap_err();
    let Error::InvalidRequest(details) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(details.param.as_deref(), Some("widget"));
    assert_eq!(details.request_id.as_deref(), Some("req_bad"));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        query_pairs(&requests[0]),
        owned(&[
            ("created[gte]", "1"),
            ("expand[0]", "data.last_verification_report"),
        ])
    );
    assert!(header(&requests[0], "idempotency-key").is_none());
    assert_eq!(requests[1].url.query(), None);
    assert!(header(&requests[1], "idempotency-key").is_none());

    let error = client
        .raw_request::<_, Value>(stripe_api::Method::Get, "v1/no-slash", &json!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidPath { path, .. } if path == "v1/no-slash"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "invalid API path `v1/no-slash`: it must start with `/`, as in `/v1/customers`"
    );
    // A URL reqwest can't parse is the caller's to fix: nothing is sent or retried.
    let error = Client::builder("sk_test_123")
        .base_url("http://[::1")
        .build()
        .unwrap()
        .raw_request::<_, Value>(stripe_api::Method::Get, "/v1/balance", &json!({}))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Build(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("could not build the HTTP client or request: "),
        "{error}"
    );
}

#[tokio::test]
async fn extra_params_ride_along_with_a_typed_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("webhook_endpoint")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SESSIONS))
        .and(query_param("starting_after", "vs_2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sessions_page(&["vs_3"], false)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SESSIONS))
        .and(query_param_is_missing("starting_after"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(sessions_page(&["vs_1", "vs_2"], true)),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let beta = client.with_options(
        RequestOptions::new()
            .expand("application")
            .extra_param("beta_feature[enabled]", "true")
            .extra_param("labels[0]", "a & b"),
    );

    let params = CreateWebhookEndpoint::new(
        [stripe_api::events::EventType::IdentityVerificationSessionVerified],
        "https://example.com/hook",
    );
    WebhookEndpoint::create(&beta, &params).await.unwrap();
    let sessions: Vec<VerificationSession> =
        VerificationSession::list_all(&beta, &ListVerificationSessions::default())
            .try_collect()
            .await
            .unwrap();
    assert_eq!(sessions.len(), 3);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        form_pairs(&requests[0]),
        owned(&[
            (
                "enabled_events[0]",
                "identity.verification_session.verified"
            ),
            ("url", "https://example.com/hook"),
            ("expand[0]", "application"),
            ("beta_feature[enabled]", "true"),
            ("labels[0]", "a & b"),
        ])
    );
    // Every page of a `list_all` carries them, in the query string.
    for request in &requests[1..] {
        let pairs = query_pairs(request);
        assert!(
            pairs.contains(&("beta_feature[enabled]".to_owned(), "true".to_owned())),
            "{pairs:?}"
        );
        assert!(pairs.contains(&("labels[0]".to_owned(), "a & b".to_owned())));
    }
}

/// Every HTTP method an OpenAPI spec can give an operation (Stripe's specs had `PUT
/// /v1/account/logout` until 2021): parameters in a form body for POST, PUT and PATCH and in the
/// query string for the rest; an `Idempotency-Key` on POST and PATCH only, as HTTP makes neither
/// idempotent; a HEAD response's missing body reads as `null`.
#[tokio::test]
async fn every_http_method_encodes_as_stripes_sdks_do() {
    use stripe_api::Method;
    let server = MockServer::start().await;
    Mock::given(path("/v1/account/logout"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let params = json!({"account": "acct_1", "expand": ["a"]});
    let cases = [
        (Method::Get, "GET", false, false),
        (Method::Put, "PUT", true, false),
        (Method::Post, "POST", true, true),
        (Method::Delete, "DELETE", false, false),
        (Method::Options, "OPTIONS", false, false),
        (Method::Head, "HEAD", false, false),
        (Method::Patch, "PATCH", true, true),
        (Method::Trace, "TRACE", false, false),
    ];
    for (index, (method, name, in_body, keyed)) in cases.into_iter().enumerate() {
        let response: Value = client
            .send(method, "/v1/account/logout".to_owned(), Some(&params))
            .await
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        let expected = if method == Method::Head {
            Value::Null
        } else {
            json!({"ok": true})
        };
        assert_eq!(response, expected, "{name}");
        let requests = server.received_requests().await.unwrap();
        let request = &requests[index];
        assert_eq!(request.method.as_str(), name);
        let encoded = "account=acct_1&expand[0]=a";
        let (body, query) = (String::from_utf8_lossy(&request.body), request.url.query());
        if in_body {
            assert_eq!((body.as_ref(), query), (encoded, None), "{name}");
            assert_eq!(
                header(request, "content-type"),
                Some("application/x-www-form-urlencoded"),
                "{name}"
            );
        } else {
            assert_eq!((body.as_ref(), query), ("", Some(encoded)), "{name}");
        }
        assert_eq!(
            header(request, "idempotency-key").is_some(),
            keyed,
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Search: `SearchList` pages and `paginate_search` (`search_all`), by the `next_page` token.

/// The parameters of a search call as the generator writes them (fields in the spec's order).
#[derive(Default, serde::Serialize)]
struct SearchCustomers {
    #[serde(skip_serializing_if = "Option::is_none")]
    expand: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<String>,
    query: String,
}

const CUSTOMER_SEARCH: &str = "/v1/customers/search";

/// A search query with characters a form escapes: `:`, `'`, `@`, spaces, `[` and `]`.
const JENNY: &str = "email:'jenny@example.com' AND metadata['order']:'6735'";
/// [`JENNY`] form-encoded.
const JENNY_ENCODED: &str =
    "email%3A%27jenny%40example.com%27+AND+metadata[%27order%27]%3A%276735%27";

/// A search page of the customers `ids`.
fn search_page(ids: &[&str], has_more: bool, next_page: Option<&str>) -> Value {
    json!({
        "object": "search_result",
        "data": ids.iter().map(|id| json!({"id": id, "object": "customer"})).collect::<Vec<_>>(),
        "has_more": has_more,
        "next_page": next_page,
        "url": CUSTOMER_SEARCH,
    })
}

/// Mounts `body` as the answer to the search page `page` (`None`: the request without `page`).
async fn mount_search_page(server: &MockServer, page: Option<&str>, body: Value, times: u64) {
    let mock = Mock::given(method("GET")).and(path(CUSTOMER_SEARCH));
    let mock = match page {
        Some(page) => mock.and(query_param("page", page)),
        None => mock.and(query_param_is_missing("page")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(times)
        .mount(server)
        .await;
}

fn customer_ids(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect()
}

/// The stream's first items and errors, at most 20: a search that never ends fails its test
/// instead of hanging it.
async fn first_results(stream: stripe_api::ListStream<Value>) -> Vec<Result<Value, Error>> {
    futures::StreamExt::collect(futures::StreamExt::take(stream, 20)).await
}

/// The stream's first items (at most 20), or its first error.
async fn first_items(stream: stripe_api::ListStream<Value>) -> Result<Vec<Value>, Error> {
    first_results(stream).await.into_iter().collect()
}

async fn raw_queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| {
            assert_eq!(request.method.as_str(), "GET");
            assert_eq!(request.url.path(), CUSTOMER_SEARCH);
            request.url.query().unwrap_or_default().to_owned()
        })
        .collect()
}

/// Each next page is the same query with `page = next_page`, the token escaped exactly once;
/// `has_more: false` ends the search even when the last page names a `next_page`.
#[tokio::test]
async fn search_pages_by_next_page_until_has_more_is_false() {
    let server = MockServer::start().await;
    let token = "WzE2OTk5XQ+/a=="; // `+`, `/` and `=`, as Stripe's base64 tokens have
    mount_search_page(
        &server,
        None,
        search_page(&["cus_1", "cus_2"], true, Some(token)),
        1,
    )
    .await;
    mount_search_page(
        &server,
        Some(token),
        search_page(&["cus_3", "cus_4"], true, Some("p3")),
        1,
    )
    .await;
    mount_search_page(
        &server,
        Some("p3"),
        search_page(&["cus_5"], false, Some("p4")),
        1,
    )
    .await;
    mount_search_page(&server, Some("p4"), search_page(&["cus_6"], false, None), 0).await;
    let client = client_for(&server.uri()).with_options(
        RequestOptions::new()
            .stripe_account("acct_42")
            .expand("data.tax"),
    );
    let params = SearchCustomers {
        expand: Some(vec!["data.test_clock".into()]),
        limit: Some(2),
        page: None,
        query: JENNY.into(),
    };
    let items = first_items(client.paginate_search(CUSTOMER_SEARCH.to_owned(), &params))
        .await
        .unwrap();
    assert_eq!(
        customer_ids(&items),
        ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]
    );

    let pairs =
        format!("expand[0]=data.test_clock&limit=2&query={JENNY_ENCODED}&expand[1]=data.tax");
    assert_eq!(
        raw_queries(&server).await,
        [
            pairs.clone(),
            format!("{pairs}&page=WzE2OTk5XQ%2B%2Fa%3D%3D"),
            format!("{pairs}&page=p3"),
        ]
    );
    for request in server.received_requests().await.unwrap() {
        assert_eq!(header(&request, "stripe-account"), Some("acct_42"));
        assert_eq!(header(&request, "idempotency-key"), None);
    }
}

/// A `page` among the parameters is the first page's token, sent where later tokens go (after the
/// other parameters) and not twice.
#[tokio::test]
async fn search_starts_from_the_page_given_in_the_parameters() {
    let server = MockServer::start().await;
    mount_search_page(
        &server,
        Some("start+1"),
        search_page(&["cus_7"], true, Some("p2")),
        1,
    )
    .await;
    mount_search_page(&server, Some("p2"), search_page(&["cus_8"], false, None), 1).await;
    let params = SearchCustomers {
        page: Some("start+1".into()),
        query: "name:'Jenny'".into(),
        ..Default::default()
    };
    let items =
        first_items(client_for(&server.uri()).paginate_search(CUSTOMER_SEARCH.to_owned(), &params))
            .await
            .unwrap();
    assert_eq!(customer_ids(&items), ["cus_7", "cus_8"]);
    assert_eq!(
        raw_queries(&server).await,
        [
            "query=name%3A%27Jenny%27&page=start%2B1",
            "query=name%3A%27Jenny%27&page=p2",
        ]
    );
}

/// Besides `has_more: false`, a `null` `next_page` or an empty page is the last one (there is
/// nothing to ask for, or nothing more will come), whatever `has_more` says.
#[tokio::test]
async fn search_stops_at_a_null_next_page_or_an_empty_page() {
    for (last, expected) in [
        (search_page(&["cus_1"], true, None), &["cus_1"][..]),
        (search_page(&[], true, Some("p2")), &[][..]),
    ] {
        let server = MockServer::start().await;
        mount_search_page(&server, None, last, 1).await;
        mount_search_page(&server, Some("p2"), search_page(&["cus_2"], false, None), 0).await;
        let params = SearchCustomers {
            query: "name:'Jenny'".into(),
            ..Default::default()
        };
        let items = first_items(
            client_for(&server.uri()).paginate_search(CUSTOMER_SEARCH.to_owned(), &params),
        )
        .await
        .unwrap();
        assert_eq!(customer_ids(&items), expected);
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_failing_search_page_ends_the_stream_with_its_error() {
    let server = MockServer::start().await;
    mount_search_page(
        &server,
        None,
        search_page(&["cus_1", "cus_2"], true, Some("p2")),
        1,
    )
    .await;
    Mock::given(method("GET"))
        .and(path(CUSTOMER_SEARCH))
        .and(query_param("page", "p2"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "type": "invalid_request_error", "param": "page", "message": "Invalid page token."
        }})))
        .expect(1)
        .mount(&server)
        .await;
    let params = SearchCustomers {
        query: "name:'Jenny'".into(),
        ..Default::default()
    };
    let results = first_results(
        client_for(&server.uri()).paginate_search(CUSTOMER_SEARCH.to_owned(), &params),
    )
    .await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap()["id"], "cus_1");
    assert_eq!(results[1].as_ref().unwrap()["id"], "cus_2");
    assert!(
        matches!(&results[2], Err(Error::InvalidRequest(e)) if e.param.as_deref() == Some("page")),
        "{:?}",
        results[2]
    );
}

/// Parameters that cannot be form-encoded end the stream with that error, before any request.
#[tokio::test]
async fn search_parameters_that_cannot_be_encoded_are_the_stream_s_only_item() {
    let server = MockServer::start().await;
    let results = first_results(
        client_for(&server.uri()).paginate_search(CUSTOMER_SEARCH.to_owned(), &json!(["query"])),
    )
    .await;
    assert_eq!(results.len(), 1);
    assert!(matches!(results[0], Err(Error::Encode(_))), "{results:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// `SearchList` reads what Stripe sends (through the runtime's reader and through serde_json
/// alike) and writes it back as Stripe does: `object`, `next_page` even when `null`, and
/// `total_count` only when there is one.
#[tokio::test]
async fn search_list_reads_and_writes_stripes_search_result() {
    let with_total = json!({
        "object": "search_result",
        "data": [{"id": "cus_1"}, {"id": "cus_2"}],
        "has_more": true,
        "next_page": "WzE2OTk5XQ+/a==",
        "total_count": 42,
        "url": CUSTOMER_SEARCH,
    });
    let last_page = json!({
        "object": "search_result",
        "data": [],
        "has_more": false,
        "next_page": null,
        "url": CUSTOMER_SEARCH,
    });
    let server = MockServer::start().await;
    for (page, body) in [("1", &with_total), ("2", &last_page)] {
        Mock::given(query_param("page", page))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let client = client_for(&server.uri());
    for (page, body) in [("1", &with_total), ("2", &last_page)] {
        let parsed: stripe_api::SearchList<Value> = serde_json::from_value(body.clone()).unwrap();
        let read: stripe_api::SearchList<Value> = client
            .raw_request(
                stripe_api::Method::Get,
                CUSTOMER_SEARCH,
                &json!({"page": page}),
            )
            .await
            .unwrap();
        assert_eq!(read, parsed);
        assert_eq!(&serde_json::to_value(&parsed).unwrap(), body);
    }

    let page: stripe_api::SearchList<Value> = serde_json::from_value(with_total).unwrap();
    assert_eq!(
        page,
        stripe_api::SearchList {
            data: vec![json!({"id": "cus_1"}), json!({"id": "cus_2"})],
            has_more: true,
            next_page: Some("WzE2OTk5XQ+/a==".into()),
            total_count: Some(42),
            url: CUSTOMER_SEARCH.into(),
        }
    );
    let last: stripe_api::SearchList<Value> = serde_json::from_value(last_page).unwrap();
    assert_eq!((last.next_page, last.total_count), (None, None));
    assert!(!last.has_more && last.data.is_empty());

    // Typed items, with every member of Stripe's example object kept.
    let typed: stripe_api::SearchList<VerificationSession> = stripegen_tests::round_trip(
        "a search page of sessions",
        &json!({
            "object": "search_result",
            "data": [session("vs_1"), session("vs_2")],
            "has_more": false,
            "next_page": null,
            "total_count": 2,
            "url": "/v1/identity/verification_sessions/search",
        }),
    );
    assert_eq!(typed.data[1].id.as_str(), "vs_2");

    // `data`, `has_more` and `url` are required; a wrong type is named.
    for (missing, body) in [
        (
            "data",
            json!({"has_more": false, "next_page": null, "url": "/"}),
        ),
        (
            "has_more",
            json!({"data": [], "next_page": null, "url": "/"}),
        ),
        (
            "url",
            json!({"data": [], "has_more": false, "next_page": null}),
        ),
    ] {
        let error = serde_json::from_value::<stripe_api::SearchList<Value>>(body).unwrap_err();
        assert!(error.to_string().contains(missing), "{missing}: {error}");
    }
    assert!(
        serde_json::from_value::<stripe_api::SearchList<Value>>(json!({
            "data": [], "has_more": false, "next_page": null, "total_count": "many", "url": "/"
        }))
        .is_err()
    );
}

/// The blocking client runs a search stream like any `list_all`, from a thread without a runtime.
#[test]
fn search_all_runs_on_the_blocking_client() {
    let server_runtime = tokio::runtime::Runtime::new().unwrap();
    let server = server_runtime.block_on(async {
        let server = MockServer::start().await;
        mount_search_page(&server, None, search_page(&["cus_1"], true, Some("p2")), 1).await;
        mount_search_page(&server, Some("p2"), search_page(&["cus_2"], false, None), 1).await;
        server
    });
    let client = stripe_api::blocking::Client::from_async(client_for(&server.uri())).unwrap();
    let params = SearchCustomers {
        query: "name:'Jenny'".into(),
        ..Default::default()
    };
    let items: Vec<Value> = client
        .iter(client.paginate_search(CUSTOMER_SEARCH.to_owned(), &params))
        .take(20)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(customer_ids(&items), ["cus_1", "cus_2"]);
}
