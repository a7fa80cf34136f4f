//! `blocking::Client` (feature `blocking`): any call and any `list_all` from synchronous code, with
//! the client's per-request options, against a local mock server served from another thread.

use serde_json::json;
use stripe_api::identity::{VerificationSession, VerificationSessionId};
use stripe_api::{blocking, Error, RequestOptions};
use stripegen_tests::{client, header, session, sessions_page, SESSIONS};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn calls_and_pages_block_until_done() {
    // The mock server runs on its own runtime's threads; this thread only blocks.
    let server_runtime = tokio::runtime::Runtime::new().unwrap();
    let server = server_runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("{SESSIONS}/vs_1")))
            .respond_with(ResponseTemplate::new(200).set_body_json(session("vs_1")))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("{SESSIONS}/vs_404")))
            .respond_with(ResponseTemplate::new(404).set_body_json(
                json!({"error": {"type": "invalid_request_error", "message": "No such session"}}),
            ))
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
        Mock::given(method("GET"))
            .and(path(SESSIONS))
            .and(query_param("starting_after", "vs_2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(sessions_page(&["vs_3"], false)))
            .mount(&server)
            .await;
        server
    });

    let client = blocking::Client::from_async(client(&server)).unwrap();
    let id: VerificationSessionId = "vs_1".into();
    let retrieved = client
        .call(VerificationSession::retrieve(
            &client,
            &id,
            &Default::default(),
        ))
        .unwrap();
    assert_eq!(retrieved.id.as_str(), "vs_1");

    let missing: VerificationSessionId = "vs_404".into();
    let error = client
        .call(VerificationSession::retrieve(
            &client,
            &missing,
            &Default::default(),
        ))
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");

    let connected = client.with_options(RequestOptions::new().stripe_account("acct_7"));
    let ids: Vec<String> = connected
        .iter(VerificationSession::list_all(
            &connected,
            &Default::default(),
        ))
        .map(|session| session.unwrap().id.to_string())
        .collect();
    assert_eq!(ids, ["vs_1", "vs_2", "vs_3"]);

    let requests = server_runtime.block_on(server.received_requests()).unwrap();
    let pages: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == SESSIONS)
        .collect();
    assert_eq!(pages.len(), 2);
    for request in pages {
        assert_eq!(header(request, "stripe-account"), Some("acct_7"));
    }
}
