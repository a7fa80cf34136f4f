//! Peer conformance: the generated client sends the same HTTP requests as Stripe's official
//! Python SDK (`stripe-python`, pinned in `tests/conformance/requirements.txt`).
//!
//! `tests/conformance/python_calls.py` makes 29 calls with the SDK against one local mock server
//! (127.0.0.1); this test makes the same 29 calls, in the same order, with the generated client
//! against a second one, then compares the captured requests call by call: method, path, the
//! decoded key/value pairs of the query string and of the form body (as sorted multisets), the
//! `Stripe-Version`, `Stripe-Account`, `Authorization` and `Content-Type` headers, and that an
//! `Idempotency-Key` is sent exactly on POSTs.
//!
//! The first 25 calls use the SDK's typed services. stripe-python has no service for the Crypto
//! Onramp API (`stripe_api::crypto`, described by this project's overlay), so its last 4 calls
//! go through `StripeClient.raw_request`. What the Rust client is held to is the encoding of the
//! SDK's typed methods, so the script repeats those 4 calls against a third server through
//! `StripeService` subclasses written like the SDK's generated services (`self._request(...)`),
//! and this test requires the raw and the typed requests to agree (same comparison as above)
//! before comparing the raw ones with the Rust client. Both paths end in the same encoder
//! (`_APIRequestor._args_for_request_with_retries` and `_api_encode`): indexed arrays
//! (`destination_currencies[0]`), `a[b][c]` nesting, `true`/`false`, and an `Idempotency-Key` on
//! every POST. raw_request differs only before that: it does not lower-case the method (the
//! script passes `"post"`; `"POST"` raises `APIConnectionError`) and it reads request options,
//! `base` and `usage` out of the same keyword arguments as the parameters, which no onramp
//! parameter collides with.
//!
//! The SDK is installed into a virtualenv at `<workspace>/target/conformance-venv`, created on
//! the first run and reused afterwards (reinstalled when `requirements.txt` changes; see
//! `stripegen_tests::python`). The test fails, rather than skips, when `python3` is missing.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::{json, Value};
use stripe_api::climate::{
    CancelOrder, CreateOrder, CreateOrderBeneficiary, ListOrders, ListProducts, ListSuppliers,
    Order, OrderId, Product, ProductId, RetrieveOrder, RetrieveProduct, RetrieveSupplier, Supplier,
    SupplierId, UpdateOrder, UpdateOrderBeneficiary,
};
use stripe_api::crypto::{
    CreateOnrampSession, CreateOnrampSessionKycDetails, CreateOnrampSessionKycDetailsAddress,
    CreateOnrampSessionKycDetailsDob, CreateOnrampSessionWalletAddresses,
    CryptoOnrampCurrency as CryptoCurrency, CryptoOnrampFiatCurrency,
    CryptoOnrampNetwork as CryptoNetwork, ListOnrampSessions, OnrampQuotes, OnrampSession,
    OnrampSessionId, OnrampSessionStatus, RetrieveOnrampQuotes, RetrieveOnrampSession,
};
use stripe_api::events::EventType;
use stripe_api::forwarding::{
    CreateRequest, CreateRequestDetails, CreateRequestDetailsHeader, ListRequests,
    Request as ForwardingRequest, RequestId, RequestReplacement, RetrieveRequest,
};
use stripe_api::identity::{
    CancelVerificationSession, CreateVerificationSession, CreateVerificationSessionOptions,
    CreateVerificationSessionOptionsDocument, CreateVerificationSessionProvidedDetails,
    CreateVerificationSessionRelatedPerson, ListVerificationReports, ListVerificationSessions,
    RedactVerificationSession, RetrieveVerificationReport, RetrieveVerificationSession,
    UpdateVerificationSession, VerificationReport, VerificationReportId, VerificationSession,
    VerificationSessionId,
};
use stripe_api::webhook_endpoints::{
    CreateWebhookEndpoint, ListWebhookEndpoints, RetrieveWebhookEndpoint, UpdateWebhookEndpoint,
    WebhookEndpoint, WebhookEndpointId,
};
use stripe_api::{Client, Decimal, Emptyable, RangeBounds, RangeQuery};
use stripegen_tests::python::{python_with_sdk, run};
use stripegen_tests::{read_json, workspace};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SECRET_KEY: &str = "sk_test_conformance_4eC39HqLyjWDarjtT1zdp7dc";
/// Deliberately not the crate's default `API_VERSION`, so the builder override is exercised.
const STRIPE_VERSION: &str = "2024-06-20";
/// Sent as `Stripe-Account` on the calls marked `on_account` below (and in the Python script).
const CONNECTED_ACCOUNT: &str = "acct_1ConformanceTest";

/// The 29 operations, in the order both sides call them.
const OPERATIONS: [&str; 29] = [
    "VerificationSession::create",
    "VerificationSession::retrieve",
    "VerificationSession::update",
    "VerificationSession::list",
    "VerificationSession::cancel",
    "VerificationSession::redact",
    "VerificationReport::list",
    "VerificationReport::retrieve",
    "climate::Order::create",
    "climate::Order::retrieve",
    "climate::Order::update",
    "climate::Order::list",
    "climate::Order::cancel",
    "climate::Product::list",
    "climate::Product::retrieve",
    "climate::Supplier::list",
    "climate::Supplier::retrieve",
    "forwarding::Request::create",
    "forwarding::Request::retrieve",
    "forwarding::Request::list",
    "WebhookEndpoint::create",
    "WebhookEndpoint::retrieve",
    "WebhookEndpoint::update",
    "WebhookEndpoint::list",
    "WebhookEndpoint::delete",
    "crypto::OnrampSession::create",
    "crypto::OnrampSession::retrieve",
    "crypto::OnrampSession::list",
    "crypto::OnrampQuotes::retrieve",
];

/// `OPERATIONS[FIRST_RAW_REQUEST..]` have no typed method in stripe-python: the script makes them
/// with `StripeClient.raw_request`, then once more through typed-service twins (see the module
/// docs), in this order.
const FIRST_RAW_REQUEST: usize = 25;

/// Collection path and fixture resource of each API resource the mock server knows.
const ROUTES: [(&str, &str); 8] = [
    (
        "/v1/identity/verification_sessions",
        "identity.verification_session",
    ),
    (
        "/v1/identity/verification_reports",
        "identity.verification_report",
    ),
    ("/v1/climate/orders", "climate.order"),
    ("/v1/climate/products", "climate.product"),
    ("/v1/climate/suppliers", "climate.supplier"),
    ("/v1/forwarding/requests", "forwarding.request"),
    ("/v1/webhook_endpoints", "webhook_endpoint"),
    ("/v1/crypto/onramp_sessions", "crypto.onramp_session"),
];

/// Paths answered with one object on GET (not a list, no `/{id}`), and its fixture resource.
const SINGLETON_ROUTES: [(&str, &str); 1] = [("/v1/crypto/onramp_quotes", "crypto.onramp.quotes")];

/// Stripe's fixture objects by resource, plus the Crypto Onramp ones: the session from the
/// private-preview fixtures, the quotes from the quotes guide's "ETH and SOL" response (the
/// request the quotes call makes).
fn fixtures() -> Value {
    let mut resources = read_json("spec/fixtures3-2026-07-29.json")["resources"].take();
    let preview = read_json("spec/fixtures3.private_preview-2026-07-29.json");
    resources["crypto.onramp_session"] = preview["resources"]["crypto.onramp_session"].clone();
    resources["crypto.onramp.quotes"] =
        read_json("tests/data/crypto/onramp_quotes_guide_eth_sol.json");
    for (_, resource) in ROUTES.iter().chain(&SINGLETON_ROUTES) {
        assert!(
            resources[resource].is_object(),
            "fixture {resource} is missing"
        );
    }
    resources
}

/// Answers every call with the fixture object of its resource, or a one-item list of it.
struct FixtureResponder {
    resources: Value,
}

impl Respond for FixtureResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        let method = request.method.as_str();
        for (singleton, resource) in SINGLETON_ROUTES {
            if path == singleton && method == "GET" {
                return ResponseTemplate::new(200).set_body_json(&self.resources[resource]);
            }
        }
        for (collection, resource) in ROUTES {
            let object = &self.resources[resource];
            if path == collection && method == "GET" {
                return ResponseTemplate::new(200).set_body_json(json!({
                    "object": "list",
                    "data": [object],
                    "has_more": false,
                    "url": collection,
                }));
            }
            if path.starts_with(collection) && path[collection.len()..].starts_with('/') {
                let body = if method == "DELETE" && resource == "webhook_endpoint" {
                    &self.resources["deleted_webhook_endpoint"]
                } else {
                    object
                };
                assert!(!body.is_null(), "fixture {resource} is missing");
                return ResponseTemplate::new(200).set_body_json(body);
            }
            if path == collection && method == "POST" {
                return ResponseTemplate::new(200).set_body_json(object);
            }
        }
        ResponseTemplate::new(404).set_body_json(json!({"error": {
            "type": "invalid_request_error",
            "message": format!("conformance mock: no route for {method} {path}"),
        }}))
    }
}

async fn fixture_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(FixtureResponder {
            resources: fixtures(),
        })
        .mount(&server)
        .await;
    server
}

fn map(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The same calls as `tests/conformance/python_calls.py`, in the same order.
async fn rust_calls(base_url: &str) {
    let client = Client::builder(SECRET_KEY)
        .base_url(base_url)
        .stripe_version(STRIPE_VERSION)
        .build()
        .unwrap();
    let on_account = Client::builder(SECRET_KEY)
        .base_url(base_url)
        .stripe_version(STRIPE_VERSION)
        .stripe_account(CONNECTED_ACCOUNT)
        .build()
        .unwrap();
    let ok = |operation: &str, result: Result<(), stripe_api::Error>| {
        if let Err(err) = result {
            panic!("Rust call {operation} failed: {err:?}");
        }
    };

    // identity.verification_sessions
    let session = VerificationSessionId::new("vs_1NuN4z");
    let params = CreateVerificationSession {
        metadata: Some(map(&[
            ("order_id", "6735"),
            ("customer tier", "gold & silver"),
        ])),
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
        provided_details: Some(CreateVerificationSessionProvidedDetails {
            email: Some("jenny.rosen+kyc@example.com".into()),
            ..Default::default()
        }),
        related_person: Some(CreateVerificationSessionRelatedPerson::new(
            "acct_1Nv0FGQ9RKHgCVdK",
            "person_1Nv0GZ",
        )),
        return_url: Some("https://example.com/return?session={ID}&ok=1".into()),
        type_: Some("document".parse().unwrap()),
        expand: Some(vec![
            "last_verification_report".into(),
            "verified_outputs".into(),
        ]),
        ..Default::default()
    };
    ok(
        OPERATIONS[0],
        VerificationSession::create(&client, &params)
            .await
            .map(drop),
    );
    let params = RetrieveVerificationSession {
        expand: Some(vec!["last_verification_report".into()]),
    };
    ok(
        OPERATIONS[1],
        VerificationSession::retrieve(&client, &session, &params)
            .await
            .map(drop),
    );
    let params = UpdateVerificationSession {
        metadata: Some(map(&[("order_id", "6736")])),
        type_: Some("id_number".parse().unwrap()),
        ..Default::default()
    };
    ok(
        OPERATIONS[2],
        VerificationSession::update(&on_account, &session, &params)
            .await
            .map(drop),
    );
    let params = ListVerificationSessions {
        created: Some(RangeQuery::between(1_700_000_000, 1_710_000_000)),
        status: Some("requires_input".parse().unwrap()),
        limit: Some(3),
        starting_after: Some("vs_1NuN4y".into()),
        client_reference_id: Some("user_42".into()),
        ..Default::default()
    };
    ok(
        OPERATIONS[3],
        VerificationSession::list(&client, &params).await.map(drop),
    );
    ok(
        OPERATIONS[4],
        VerificationSession::cancel(&client, &session, &CancelVerificationSession::default())
            .await
            .map(drop),
    );
    ok(
        OPERATIONS[5],
        VerificationSession::redact(&client, &session, &RedactVerificationSession::default())
            .await
            .map(drop),
    );

    // identity.verification_reports
    let params = ListVerificationReports {
        created: Some(RangeQuery::Exact(1_700_000_000)),
        type_: Some("document".parse().unwrap()),
        limit: Some(10),
        ..Default::default()
    };
    ok(
        OPERATIONS[6],
        VerificationReport::list(&on_account, &params)
            .await
            .map(drop),
    );
    ok(
        OPERATIONS[7],
        VerificationReport::retrieve(
            &client,
            &VerificationReportId::new("vr_1NuN5a"),
            &RetrieveVerificationReport::default(),
        )
        .await
        .map(drop),
    );

    // climate.orders
    let order = OrderId::new("climorder_1NuN6b");
    let params = CreateOrder {
        metric_tons: Some(Decimal::new("12.5")),
        beneficiary: Some(CreateOrderBeneficiary::new("Acme Rockets Ltd.")),
        metadata: Some(map(&[("campaign", "earth-day")])),
        ..CreateOrder::new("climsku_frontier_offtake_portfolio_2027")
    };
    ok(
        OPERATIONS[8],
        Order::create(&on_account, &params).await.map(drop),
    );
    ok(
        OPERATIONS[9],
        Order::retrieve(&client, &order, &RetrieveOrder::default())
            .await
            .map(drop),
    );
    let params = UpdateOrder {
        metadata: Some(map(&[("campaign", "earth-week")])),
        beneficiary: Some(Emptyable::Set(UpdateOrderBeneficiary::new(
            "Acme Rockets (Europe)".to_string(),
        ))),
        ..Default::default()
    };
    ok(
        OPERATIONS[10],
        Order::update(&client, &order, &params).await.map(drop),
    );
    let params = ListOrders {
        limit: Some(5),
        ending_before: Some("climorder_1NuN6c".into()),
        ..Default::default()
    };
    ok(
        OPERATIONS[11],
        Order::list(&client, &params).await.map(drop),
    );
    ok(
        OPERATIONS[12],
        Order::cancel(&client, &order, &CancelOrder::default())
            .await
            .map(drop),
    );

    // climate.products / climate.suppliers
    ok(
        OPERATIONS[13],
        Product::list(&client, &ListProducts::default())
            .await
            .map(drop),
    );
    ok(
        OPERATIONS[14],
        Product::retrieve(
            &client,
            &ProductId::new("climsku_frontier_offtake_portfolio_2027"),
            &RetrieveProduct::default(),
        )
        .await
        .map(drop),
    );
    ok(
        OPERATIONS[15],
        Supplier::list(&client, &ListSuppliers::default())
            .await
            .map(drop),
    );
    ok(
        OPERATIONS[16],
        Supplier::retrieve(
            &client,
            &SupplierId::new("climsup_charm_industrial"),
            &RetrieveSupplier::default(),
        )
        .await
        .map(drop),
    );

    // forwarding.requests
    let params = CreateRequest {
        request: Some(CreateRequestDetails {
            headers: Some(vec![
                CreateRequestDetailsHeader::new("Destination-Header", "header-value"),
                CreateRequestDetailsHeader::new("X-Trace", "a=b; c=d"),
            ]),
            body: Some(r#"{"amount":{"value":1000,"currency":"usd"},"card":{"number":""}}"#.into()),
        }),
        metadata: Some(map(&[("merchant", "m_77")])),
        ..CreateRequest::new(
            "pm_1NuN7c",
            vec![
                "card_number".parse::<RequestReplacement>().unwrap(),
                "card_cvc".parse::<RequestReplacement>().unwrap(),
            ],
            "https://endpoint-url/v1/tokenize",
        )
    };
    ok(
        OPERATIONS[17],
        ForwardingRequest::create(&client, &params).await.map(drop),
    );
    ok(
        OPERATIONS[18],
        ForwardingRequest::retrieve(
            &client,
            &RequestId::new("fwdreq_1NuN8d"),
            &RetrieveRequest::default(),
        )
        .await
        .map(drop),
    );
    let params = ListRequests {
        created: Some(RangeQuery::Range(RangeBounds {
            gt: Some(1_700_000_000),
            lte: Some(1_710_000_000),
            ..Default::default()
        })),
        ..Default::default()
    };
    ok(
        OPERATIONS[19],
        ForwardingRequest::list(&on_account, &params)
            .await
            .map(drop),
    );

    // webhook_endpoints
    let endpoint = WebhookEndpointId::new("we_1NuN9e");
    let event = |name: &str| name.parse::<EventType>().unwrap();
    let params = CreateWebhookEndpoint {
        description: Some(Emptyable::Set("Identity and climate events".into())),
        metadata: Some(Emptyable::Set(map(&[("team", "payments")]))),
        connect: Some(true),
        api_version: Some("2024-06-20".parse().unwrap()),
        ..CreateWebhookEndpoint::new(
            vec![
                event("identity.verification_session.verified"),
                event("climate.order.delivered"),
            ],
            "https://example.com/my/webhook/endpoint",
        )
    };
    ok(
        OPERATIONS[20],
        WebhookEndpoint::create(&client, &params).await.map(drop),
    );
    ok(
        OPERATIONS[21],
        WebhookEndpoint::retrieve(&client, &endpoint, &RetrieveWebhookEndpoint::default())
            .await
            .map(drop),
    );
    let params = UpdateWebhookEndpoint {
        description: Some(Emptyable::Empty),
        disabled: Some(true),
        enabled_events: Some(vec![event("identity.verification_session.verified")]),
        ..Default::default()
    };
    ok(
        OPERATIONS[22],
        WebhookEndpoint::update(&client, &endpoint, &params)
            .await
            .map(drop),
    );
    let params = ListWebhookEndpoints {
        limit: Some(2),
        ..Default::default()
    };
    ok(
        OPERATIONS[23],
        WebhookEndpoint::list(&client, &params).await.map(drop),
    );
    ok(
        OPERATIONS[24],
        WebhookEndpoint::delete(&on_account, &endpoint)
            .await
            .map(drop),
    );

    // crypto (stripe-python: raw_request)
    let wallet = "0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2";
    let params = CreateOnrampSession {
        wallet_addresses: Some(CreateOnrampSessionWalletAddresses {
            ethereum: Some(wallet.into()),
            base_network: Some(wallet.into()),
            solana: Some("bufnKUT2sDpVJ9a9ZKqVgWoiQxiSXd4H8g6rYTJHHms".into()),
            ..Default::default()
        }),
        destination_currencies: Some(vec![
            CryptoCurrency::Eth,
            CryptoCurrency::Usdc,
            CryptoCurrency::Sol,
        ]),
        destination_networks: Some(vec![
            CryptoNetwork::Ethereum,
            CryptoNetwork::Base,
            CryptoNetwork::Solana,
        ]),
        destination_currency: Some(CryptoCurrency::Usdc),
        destination_network: Some(CryptoNetwork::Base),
        destination_amount: Some("125.50".into()),
        // Stripe rejects `source_amount` together with `destination_amount`; the quotes call
        // below sends `source_amount`.
        source_amount: None,
        source_currency: Some(CryptoOnrampFiatCurrency::Usd),
        customer_ip_address: Some("2001:db8:85a3::8a2e:370:7334".into()),
        lock_wallet_address: Some(true),
        metadata: Some(map(&[
            ("order_id", "ord_6735"),
            ("note", "50% off + free gas"),
        ])),
        kyc_details: Some(CreateOnrampSessionKycDetails {
            first_name: Some("Jenny".into()),
            last_name: Some("Rosen".into()),
            email: Some("jenny.rosen+onramp@example.com".into()),
            dob: Some(CreateOnrampSessionKycDetailsDob::new(4, 7, 1990)),
            address: Some(CreateOnrampSessionKycDetailsAddress {
                line1: Some("354 Oyster Point Blvd".into()),
                line2: Some("Suite 100".into()),
                city: Some("South San Francisco".into()),
                state: Some("CA".into()),
                postal_code: Some("94080".into()),
                country: Some("US".into()),
            }),
        }),
        expand: Some(vec!["transaction_details".into()]),
    };
    ok(
        OPERATIONS[25],
        OnrampSession::create(&client, &params).await.map(drop),
    );
    let params = RetrieveOnrampSession {
        expand: Some(vec!["transaction_details".into()]),
    };
    ok(
        OPERATIONS[26],
        OnrampSession::retrieve(
            &client,
            &OnrampSessionId::new("cos_1NamBL2eZvKYlo2CP38sZVEW"),
            &params,
        )
        .await
        .map(drop),
    );
    let params = ListOnrampSessions {
        created: Some(RangeQuery::between(1_690_000_000, 1_700_000_000)),
        destination_currency: Some(CryptoCurrency::Usdc),
        destination_network: Some(CryptoNetwork::Solana),
        status: Some(OnrampSessionStatus::FulfillmentComplete),
        limit: Some(3),
        starting_after: Some("cos_1NamAK2eZvKYlo2C7rXkN0Ql".into()),
        ..Default::default()
    };
    ok(
        OPERATIONS[27],
        OnrampSession::list(&client, &params).await.map(drop),
    );
    let params = RetrieveOnrampQuotes {
        source_amount: Some("200".into()),
        source_currency: Some(CryptoOnrampFiatCurrency::Usd),
        destination_currencies: Some(vec![CryptoCurrency::Eth, CryptoCurrency::Sol]),
        destination_networks: Some(vec![CryptoNetwork::Ethereum, CryptoNetwork::Solana]),
        ..Default::default()
    };
    ok(
        OPERATIONS[28],
        OnrampQuotes::retrieve(&client, &params).await.map(drop),
    );
}

/// What the comparison looks at in one captured request.
#[derive(Debug)]
struct Captured {
    method: String,
    path: String,
    /// Decoded query-string pairs, sorted.
    query: Vec<(String, String)>,
    /// Decoded form-body pairs, sorted.
    body: Vec<(String, String)>,
    stripe_version: Option<String>,
    stripe_account: Option<String>,
    idempotency_key: Option<String>,
    authorization: Option<String>,
    content_type: Option<String>,
}

fn sorted_pairs(encoded: &[u8]) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = url::form_urlencoded::parse(encoded).into_owned().collect();
    pairs.sort();
    pairs
}

fn capture(request: &Request) -> Captured {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    Captured {
        method: request.method.to_string(),
        path: request.url.path().to_string(),
        query: sorted_pairs(request.url.query().unwrap_or_default().as_bytes()),
        body: sorted_pairs(&request.body),
        stripe_version: header("stripe-version"),
        stripe_account: header("stripe-account"),
        idempotency_key: header("idempotency-key"),
        authorization: header("authorization"),
        content_type: header("content-type"),
    }
}

/// `a - b` of two sorted multisets.
fn multiset_minus(a: &[(String, String)], b: &[(String, String)]) -> Vec<(String, String)> {
    let mut rest = b.to_vec();
    a.iter()
        .filter(|pair| match rest.iter().position(|other| other == *pair) {
            Some(at) => {
                rest.remove(at);
                false
            }
            None => true,
        })
        .cloned()
        .collect()
}

/// Compares one call. Returns (match cell for the table, problems that fail the test).
fn compare(operation: &str, python: &Captured, rust: &Captured) -> (String, Vec<String>) {
    let mut problems = Vec::new();
    let mut check = |what: &str, py: &dyn std::fmt::Debug, rs: &dyn std::fmt::Debug, same: bool| {
        if !same {
            problems.push(format!(
                "{operation}: {what} differs\n    python: {py:?}\n    rust:   {rs:?}"
            ));
        }
    };
    check(
        "method",
        &python.method,
        &rust.method,
        python.method == rust.method,
    );
    check("path", &python.path, &rust.path, python.path == rust.path);
    check(
        "Stripe-Version",
        &python.stripe_version,
        &rust.stripe_version,
        python.stripe_version == rust.stripe_version
            && python.stripe_version.as_deref() == Some(STRIPE_VERSION),
    );
    check(
        "Stripe-Account",
        &python.stripe_account,
        &rust.stripe_account,
        python.stripe_account == rust.stripe_account,
    );
    check(
        "Authorization",
        &python.authorization,
        &rust.authorization,
        python.authorization == rust.authorization,
    );
    let is_post = python.method == "POST";
    let key_ok = |key: &Option<String>| match key {
        Some(key) => is_post && !key.is_empty(),
        None => !is_post,
    };
    check(
        "Idempotency-Key (sent exactly on POST)",
        &python.idempotency_key,
        &rust.idempotency_key,
        key_ok(&python.idempotency_key) && key_ok(&rust.idempotency_key),
    );
    if is_post {
        check(
            "Content-Type",
            &python.content_type,
            &rust.content_type,
            python.content_type == rust.content_type,
        );
    }

    let mut python_only = multiset_minus(&python.query, &rust.query);
    python_only.extend(multiset_minus(&python.body, &rust.body));
    let mut rust_only = multiset_minus(&rust.query, &python.query);
    rust_only.extend(multiset_minus(&rust.body, &python.body));
    // A POST must carry its parameters in the body, a GET/DELETE in the query string.
    let misplaced = if is_post {
        !rust.query.is_empty()
    } else {
        !rust.body.is_empty()
    };
    if misplaced {
        problems.push(format!(
            "{operation}: Rust puts parameters in the wrong place (query {:?}, body {:?})",
            rust.query, rust.body
        ));
    }
    python_only.sort();
    rust_only.sort();
    if !python_only.is_empty() || !rust_only.is_empty() {
        problems.push(format!(
            "{operation}: parameters differ\n    only in python: {python_only:?}\n    only in rust:   {rust_only:?}"
        ));
    }
    let cell = if problems.is_empty() { "yes" } else { "NO" }.to_string();
    (cell, problems)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_client_sends_the_same_requests_as_stripe_python() {
    let started = std::time::Instant::now();
    let python = tokio::task::spawn_blocking(python_with_sdk).await.unwrap();

    // The reference: stripe-python against its own server.
    let python_server = fixture_server().await;
    // The typed-service twins of the raw_request calls.
    let twin_server = fixture_server().await;
    let script = workspace().join("tests/conformance/python_calls.py");
    let (base, twin_base) = (python_server.uri(), twin_server.uri());
    let output = tokio::task::spawn_blocking(move || {
        run(Command::new(python).arg(script).args([
            &base,
            SECRET_KEY,
            STRIPE_VERSION,
            CONNECTED_ACCOUNT,
            &twin_base,
        ]))
    })
    .await
    .unwrap();
    print!("{output}");

    // The generated client against a second server.
    let rust_server = fixture_server().await;
    rust_calls(&rust_server.uri()).await;

    let python_requests: Vec<Captured> = python_server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(capture)
        .collect();
    let rust_requests: Vec<Captured> = rust_server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(capture)
        .collect();

    let twin_requests: Vec<Captured> = twin_server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(capture)
        .collect();

    let mut problems = Vec::new();
    for (side, requests, expected) in [
        ("python", &python_requests, OPERATIONS.len()),
        ("rust", &rust_requests, OPERATIONS.len()),
        (
            "python (typed twins)",
            &twin_requests,
            OPERATIONS.len() - FIRST_RAW_REQUEST,
        ),
    ] {
        if requests.len() != expected {
            problems.push(format!(
                "{side} made {} requests, expected {expected}",
                requests.len(),
            ));
        }
    }

    // The reference for the raw_request calls is what a typed stripe-python method sends: the
    // raw requests must match their typed twins exactly (same checks as Python vs Rust) before
    // they stand in for the SDK below.
    let mut python_via = vec!["typed"; FIRST_RAW_REQUEST.min(python_requests.len())];
    for ((operation, raw), typed) in OPERATIONS[FIRST_RAW_REQUEST..]
        .iter()
        .zip(python_requests.iter().skip(FIRST_RAW_REQUEST))
        .zip(&twin_requests)
    {
        let (_, found) = compare(
            &format!("{operation} (\"python\" = typed twin, \"rust\" = raw_request)"),
            typed,
            raw,
        );
        python_via.push(if found.is_empty() {
            "raw=typed"
        } else {
            "raw!=typed"
        });
        problems.extend(found);
    }

    println!(
        "\n{:<32} {:<6} {:<62} {:>4} {:>4}  {:<10}  match",
        "operation", "method", "path", "py#", "rs#", "py via"
    );
    println!("{}", "-".repeat(132));
    for (((operation, python), rust), via) in OPERATIONS
        .iter()
        .zip(&python_requests)
        .zip(&rust_requests)
        .zip(python_via.iter().chain(std::iter::repeat(&"-")))
    {
        let (cell, found) = compare(operation, python, rust);
        println!(
            "{:<32} {:<6} {:<62} {:>4} {:>4}  {:<10}  {}",
            operation,
            python.method,
            python.path,
            python.query.len() + python.body.len(),
            rust.query.len() + rust.body.len(),
            via,
            cell
        );
        problems.extend(found);
    }
    println!(
        "\n{} calls compared ({} stripe-python raw_request calls checked against typed twins), \
         {} problem(s), {:.1}s",
        python_requests.len().min(rust_requests.len()),
        twin_requests.len(),
        problems.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        problems.is_empty(),
        "the generated client differs from stripe-python:\n{}",
        problems.join("\n")
    );
}
