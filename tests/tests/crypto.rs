//! The Crypto Onramp API, which this project describes itself in
//! `spec/overlays/10-crypto-onramp.yaml` (Stripe publishes no spec for it): Stripe's own example
//! objects deserialize into the generated `crypto` types and serialize back, the four calls send
//! the right requests, and the generated module is snapshotted.

use serde_json::{json, Value};
use stripe_api::crypto::{
    CreateOnrampSession, CreateOnrampSessionKycDetails, CreateOnrampSessionKycDetailsDob,
    CreateOnrampSessionWalletAddresses, CreateOnrampSessionWalletAddressesDestinationTags,
    CryptoOnrampCurrency as Currency, CryptoOnrampFiatCurrency, CryptoOnrampNetwork as Network,
    ListOnrampSessions, OnrampQuotes, OnrampSession, OnrampSessionId, OnrampSessionStatus,
    RetrieveOnrampQuotes, RetrieveOnrampSession,
};
use stripe_api::RangeQuery;
use stripegen_tests::{client, pairs, preview_fixture, read_json, round_trip, workspace};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// An example from Stripe's API reference or guides, reconstructed in `tests/data/crypto/`.
fn example(name: &str) -> Value {
    read_json(&format!("tests/data/crypto/{name}"))
}

#[test]
fn preview_fixture_session_round_trips() {
    let session: OnrampSession = round_trip(
        "crypto.onramp_session (preview fixture)",
        &preview_fixture("crypto.onramp_session"),
    );
    assert_eq!(session.id.as_str(), "cos_test_xxx");
    assert_eq!(session.status, OnrampSessionStatus::Initialized);
    let details = &session.transaction_details;
    assert_eq!(details.settlement_speed.as_deref(), Some("instant"));
    assert_eq!(details.source_currency, Some(CryptoOnrampFiatCurrency::Usd));
    let fees = details.fees.as_ref().expect("the fixture has fees");
    assert_eq!(fees.network_fee_amount, None);
    let wallets = details.wallet_addresses.as_ref().expect("and wallets");
    assert!(wallets.destination_tags.is_some());
}

#[test]
fn api_reference_session_round_trips() {
    let session: OnrampSession = round_trip(
        "the API reference's onramp session",
        &example("onramp_session_api_reference.json"),
    );
    assert_eq!(session.id.as_str(), "cos_1NamBL2eZvKYlo2CP38sZVEW");
    assert_eq!(session.created.seconds(), 1_691_010_131);
    assert!(session.livemode);
    assert_eq!(session.metadata, Some(Default::default()));
    let details = &session.transaction_details;
    assert_eq!(details.fees, None);
    assert_eq!(details.destination_networks.as_ref().map(Vec::len), Some(7));
    assert_eq!(
        details.destination_currencies.as_ref().unwrap()[5].as_str(),
        "avax"
    );
}

#[test]
fn quotes_guide_responses_round_trip() {
    // The guide's responses have no `object` member, and show a network without quotes both as
    // `[]` and as `null`.
    let quotes: OnrampQuotes = round_trip(
        "the quotes guide's ETH and SOL response",
        &example("onramp_quotes_guide_eth_sol.json"),
    );
    assert_eq!(quotes.object, None);
    assert_eq!(quotes.source_currency, CryptoOnrampFiatCurrency::Usd);
    let networks = &quotes.destination_network_quotes;
    assert_eq!(networks.bitcoin, Some(vec![]));
    let sol = &networks.solana.as_ref().unwrap()[0];
    assert_eq!(sol.destination_currency, Currency::Sol);
    assert_eq!(sol.destination_network, Network::Solana);
    assert_eq!(sol.fees.transaction_fee_monetary, "12.70");
    assert_eq!(sol.source_total_amount, "212.71");

    let quotes: OnrampQuotes = round_trip(
        "the quotes guide's destination_amount response",
        &example("onramp_quotes_guide_destination_amount.json"),
    );
    assert_eq!(quotes.destination_network_quotes.bitcoin, None);
    assert_eq!(quotes.source_amount, "697.02");
    assert_eq!(quotes.rate_fetched_at, 1_674_268_804.698_924_3);
}

#[test]
fn api_reference_quotes_round_trip() {
    let quotes: OnrampQuotes = round_trip(
        "the API reference's onramp quotes",
        &example("onramp_quotes_api_reference.json"),
    );
    assert!(quotes.object.is_some());
    let base = quotes.destination_network_quotes.base_network.unwrap();
    // Listed under `base_network`, but the network itself is spelled `base`.
    assert_eq!(base[0].destination_network, Network::Base);
}

fn expected(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn query(request: &Request) -> Vec<(String, String)> {
    pairs(request.url.query().unwrap_or_default())
}

fn body(request: &Request) -> Vec<(String, String)> {
    pairs(std::str::from_utf8(&request.body).unwrap())
}

#[tokio::test]
async fn create_posts_a_nested_form_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/crypto/onramp_sessions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(preview_fixture("crypto.onramp_session")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let params = CreateOnrampSession {
        customer_ip_address: Some("8.8.8.8".into()),
        destination_currencies: Some(vec![Currency::Eth, Currency::Usdc]),
        destination_network: Some(Network::Ethereum),
        kyc_details: Some(CreateOnrampSessionKycDetails {
            dob: Some(CreateOnrampSessionKycDetailsDob::new(4, 7, 1990)),
            first_name: Some("Jenny".into()),
            ..Default::default()
        }),
        lock_wallet_address: Some(true),
        metadata: Some([("order".to_string(), "42".to_string())].into()),
        source_amount: Some("200".into()),
        source_currency: Some(CryptoOnrampFiatCurrency::Usd),
        wallet_addresses: Some(CreateOnrampSessionWalletAddresses {
            ethereum: Some("0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2".into()),
            destination_tags: Some(CreateOnrampSessionWalletAddressesDestinationTags {
                stellar: Some("1234".into()),
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let session = OnrampSession::create(&client(&server), &params)
        .await
        .unwrap();
    assert_eq!(session.id.as_str(), "cos_test_xxx");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        body(&requests[0]),
        expected(&[
            ("customer_ip_address", "8.8.8.8"),
            ("destination_currencies[0]", "eth"),
            ("destination_currencies[1]", "usdc"),
            ("destination_network", "ethereum"),
            ("kyc_details[dob][day]", "4"),
            ("kyc_details[dob][month]", "7"),
            ("kyc_details[dob][year]", "1990"),
            ("kyc_details[first_name]", "Jenny"),
            ("lock_wallet_address", "true"),
            ("metadata[order]", "42"),
            ("source_amount", "200"),
            ("source_currency", "usd"),
            ("wallet_addresses[destination_tags][stellar]", "1234"),
            (
                "wallet_addresses[ethereum]",
                "0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2"
            ),
        ])
    );
    assert!(requests[0].url.query().is_none());
}

#[tokio::test]
async fn retrieve_puts_the_session_id_in_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/v1/crypto/onramp_sessions/cos_1NamBL2eZvKYlo2CP38sZVEW",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(example("onramp_session_api_reference.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    let id = OnrampSessionId::new("cos_1NamBL2eZvKYlo2CP38sZVEW");
    let params = RetrieveOnrampSession {
        expand: Some(vec!["transaction_details".into()]),
    };
    let session = OnrampSession::retrieve(&client(&server), &id, &params)
        .await
        .unwrap();
    assert_eq!(session.id, id);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        query(&requests[0]),
        expected(&[("expand[0]", "transaction_details")])
    );
    assert!(requests[0].body.is_empty());
}

#[tokio::test]
async fn list_encodes_its_filters_in_the_query_string() {
    let server = MockServer::start().await;
    let page = json!({
        "object": "list",
        "url": "/v1/crypto/onramp_sessions",
        "has_more": true,
        "data": [example("onramp_session_api_reference.json")],
    });
    Mock::given(method("GET"))
        .and(path("/v1/crypto/onramp_sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(1)
        .mount(&server)
        .await;

    let params = ListOnrampSessions {
        created: Some(RangeQuery::between(1_690_000_000, 1_700_000_000)),
        destination_currency: Some(Currency::Usdc),
        destination_network: Some(Network::Solana),
        limit: Some(3),
        starting_after: Some("cos_123".into()),
        status: Some(OnrampSessionStatus::FulfillmentComplete),
        ..Default::default()
    };
    let list = OnrampSession::list(&client(&server), &params)
        .await
        .unwrap();
    assert!(list.has_more);
    assert_eq!(list.data[0].status, OnrampSessionStatus::Initialized);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        query(&requests[0]),
        expected(&[
            ("created[gte]", "1690000000"),
            ("created[lt]", "1700000000"),
            ("destination_currency", "usdc"),
            ("destination_network", "solana"),
            ("limit", "3"),
            ("starting_after", "cos_123"),
            ("status", "fulfillment_complete"),
        ])
    );
}

#[tokio::test]
async fn quotes_use_the_current_path_and_indexed_arrays() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/crypto/onramp_quotes"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(example("onramp_quotes_guide_eth_sol.json")),
        )
        .expect(1)
        .mount(&server)
        .await;

    // The guide's "ETH and SOL on Ethereum and Solana" request.
    let params = RetrieveOnrampQuotes {
        destination_currencies: Some(vec![Currency::Eth, Currency::Sol]),
        destination_networks: Some(vec![Network::Ethereum, Network::Solana]),
        source_amount: Some("200".into()),
        ..Default::default()
    };
    let quotes = OnrampQuotes::retrieve(&client(&server), &params)
        .await
        .unwrap();
    assert_eq!(quotes.source_amount, "200.00");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        query(&requests[0]),
        expected(&[
            ("destination_currencies[0]", "eth"),
            ("destination_currencies[1]", "sol"),
            ("destination_networks[0]", "ethereum"),
            ("destination_networks[1]", "solana"),
            ("source_amount", "200"),
        ])
    );
    assert!(requests[0].body.is_empty());
}

#[test]
fn generated_crypto_module() {
    let module = std::fs::read_to_string(workspace().join("generated/src/crypto.rs")).unwrap();
    insta::assert_snapshot!("crypto_module", module);
}
