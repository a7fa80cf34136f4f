//! The runtime's behaviours (DESIGN.md section 5) against local servers on 127.0.0.1: per-request
//! options, auto-pagination in both directions, timeouts, dropped connections, every error
//! variant and the identifying headers.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde_json::{json, Value};
use stripe_api::identity::{ListVerificationSessions, VerificationSession};
use stripe_api::webhook_endpoints::{CreateWebhookEndpoint, WebhookEndpoint};
use stripe_api::{Client, Error, RequestOptions};
use stripegen_tests::{fixture, header};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SESSIONS: &str = "/v1/identity/verification_sessions";

fn session(id: &str) -> Value {
    let mut session = fixture("identity.verification_session");
    session["id"] = json!(id);
    session
}

fn page(ids: &[&str], has_more: bool) -> Value {
    json!({
        "object": "list",
        "data": ids.iter().map(|id| session(id)).collect::<Vec<_>>(),
        "has_more": has_more,
        "url": SESSIONS,
    })
}

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
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page(ids, has_more)))
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
            .respond_with(ResponseTemplate::new(200).set_body_json(page(ids, has_more)))
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
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["vs_1"], true)))
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
                env!("CARGO_PKG_VERSION")
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
    let started = Instant::now();
    let err = WebhookEndpoint::retrieve(&client, &id, &Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));

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
