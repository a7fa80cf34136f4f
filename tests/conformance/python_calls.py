"""Makes the 29 reference calls of the peer-conformance test with Stripe's official Python SDK.

Usage: python_calls.py BASE_URL SECRET_KEY STRIPE_VERSION CONNECTED_ACCOUNT TWIN_BASE_URL

Run by tests/tests/conformance.rs against a local mock server (BASE_URL); the Rust test makes the
same calls, in the same order, with the generated client and compares the captured requests.
Keep the two lists in sync (same order, same parameters).

The first 25 calls use the SDK's typed services. stripe-python 16.1.0 has no service for the
Crypto Onramp API, so the last 4 go through its documented escape hatch,
`StripeClient.raw_request`. To make sure that encodes exactly like a typed method would, the same
4 calls are then repeated against a second mock server (TWIN_BASE_URL) through `StripeService`
subclasses written the way the SDK's generated services are; the Rust test checks that the two
sets of requests agree before comparing the raw ones with the generated client.
"""

import sys
from typing import Any, Dict

import stripe
from stripe._stripe_service import StripeService

# What the SDK's generated services use to put an ID into a path (`quote_plus`).
from stripe._util import sanitize_id


class OnrampSessionService(StripeService):
    """The typed service stripe-python would generate for crypto onramp sessions: the same method
    bodies as e.g. `identity/_verification_session_service.py`, only the paths differ."""

    def create(self, params=None, options=None):
        return self._request(
            "post",
            "/v1/crypto/onramp_sessions",
            base_address="api",
            params=params,
            options=options,
        )

    def retrieve(self, session, params=None, options=None):
        return self._request(
            "get",
            "/v1/crypto/onramp_sessions/{session}".format(session=sanitize_id(session)),
            base_address="api",
            params=params,
            options=options,
        )

    def list(self, params=None, options=None):
        return self._request(
            "get",
            "/v1/crypto/onramp_sessions",
            base_address="api",
            params=params,
            options=options,
        )


class OnrampQuoteService(StripeService):
    """The typed service for crypto onramp quotes (a plain GET returning one object)."""

    def retrieve(self, params=None, options=None):
        return self._request(
            "get",
            "/v1/crypto/onramp_quotes",
            base_address="api",
            params=params,
            options=options,
        )


SESSION_ID = "cos_1NamBL2eZvKYlo2CP38sZVEW"

CREATE_ONRAMP_SESSION: Dict[str, Any] = {
    "wallet_addresses": {
        "ethereum": "0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2",
        "base_network": "0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2",
        "solana": "bufnKUT2sDpVJ9a9ZKqVgWoiQxiSXd4H8g6rYTJHHms",
    },
    "destination_currencies": ["eth", "usdc", "sol"],
    "destination_networks": ["ethereum", "base", "solana"],
    "destination_currency": "usdc",
    "destination_network": "base",
    "destination_amount": "125.50",
    # No `source_amount`: Stripe rejects it together with `destination_amount` (the session
    # fixes the crypto side); the quotes call below sends one.
    "source_currency": "usd",
    "customer_ip_address": "2001:db8:85a3::8a2e:370:7334",
    "lock_wallet_address": True,
    "metadata": {"order_id": "ord_6735", "note": "50% off + free gas"},
    "kyc_details": {
        "first_name": "Jenny",
        "last_name": "Rosen",
        "email": "jenny.rosen+onramp@example.com",
        "dob": {"day": 4, "month": 7, "year": 1990},
        "address": {
            "line1": "354 Oyster Point Blvd",
            "line2": "Suite 100",
            "city": "South San Francisco",
            "state": "CA",
            "postal_code": "94080",
            "country": "US",
        },
    },
    "expand": ["transaction_details"],
}
RETRIEVE_ONRAMP_SESSION: Dict[str, Any] = {"expand": ["transaction_details"]}
LIST_ONRAMP_SESSIONS: Dict[str, Any] = {
    "created": {"gte": 1690000000, "lt": 1700000000},
    "destination_currency": "usdc",
    "destination_network": "solana",
    "status": "fulfillment_complete",
    "limit": 3,
    "starting_after": "cos_1NamAK2eZvKYlo2C7rXkN0Ql",
}
# The quotes guide's "ETH and SOL on Ethereum and Solana" request.
RETRIEVE_ONRAMP_QUOTES: Dict[str, Any] = {
    "source_amount": "200",
    "source_currency": "usd",
    "destination_currencies": ["eth", "sol"],
    "destination_networks": ["ethereum", "solana"],
}


def crypto_raw(client: stripe.StripeClient) -> None:
    """The 4 Crypto Onramp calls through `StripeClient.raw_request`.

    Checked against the typed-service twin (`crypto_typed`) by the Rust test; it encodes the
    same way because both end in `_APIRequestor._args_for_request_with_retries`. Two things
    differ from a typed call and are handled here: raw_request passes the method on unchanged
    (the typed path lower-cases it, and anything but "get"/"post"/"delete" raises
    APIConnectionError, so "POST" would fail), and it takes parameters and request options
    as one set of keyword arguments: `api_key`, `stripe_account`, `stripe_version`,
    `stripe_context`, `idempotency_key`, `max_network_retries`, `headers` and `content_type`
    become options, and `base` and `usage` are popped as the base address and telemetry tag, so
    a Stripe parameter of one of those names would never be sent. None of the onramp
    parameters is one of them.
    """
    client.raw_request("post", "/v1/crypto/onramp_sessions", **CREATE_ONRAMP_SESSION)
    client.raw_request(
        "get",
        "/v1/crypto/onramp_sessions/%s" % sanitize_id(SESSION_ID),
        **RETRIEVE_ONRAMP_SESSION,
    )
    client.raw_request("get", "/v1/crypto/onramp_sessions", **LIST_ONRAMP_SESSIONS)
    client.raw_request("get", "/v1/crypto/onramp_quotes", **RETRIEVE_ONRAMP_QUOTES)


def crypto_typed(client: stripe.StripeClient) -> None:
    """The same 4 calls through the typed-service twins."""
    sessions = OnrampSessionService(client._requestor)
    sessions.create(CREATE_ONRAMP_SESSION)
    sessions.retrieve(SESSION_ID, RETRIEVE_ONRAMP_SESSION)
    sessions.list(LIST_ONRAMP_SESSIONS)
    OnrampQuoteService(client._requestor).retrieve(RETRIEVE_ONRAMP_QUOTES)


def new_client(base: str, secret_key: str, stripe_version: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": base},
        stripe_version=stripe_version,
        # No retries: every request reaches the mock server exactly once. The SDK still sends
        # an Idempotency-Key on every POST (it sets one whenever method == "post").
        max_network_retries=0,
    )


def main() -> None:
    base, secret_key, stripe_version, account, twin_base = sys.argv[1:6]
    client = new_client(base, secret_key, stripe_version)
    on_account = {"stripe_account": account}
    v1 = client.v1

    # identity.verification_sessions
    sessions = v1.identity.verification_sessions
    sessions.create(
        {
            "metadata": {"order_id": "6735", "customer tier": "gold & silver"},
            "options": {
                "document": {
                    "require_matching_selfie": True,
                    "allowed_types": ["passport", "id_card"],
                }
            },
            "provided_details": {"email": "jenny.rosen+kyc@example.com"},
            "related_person": {"account": "acct_1Nv0FGQ9RKHgCVdK", "person": "person_1Nv0GZ"},
            "return_url": "https://example.com/return?session={ID}&ok=1",
            "type": "document",
            "expand": ["last_verification_report", "verified_outputs"],
        }
    )
    sessions.retrieve("vs_1NuN4z", {"expand": ["last_verification_report"]})
    sessions.update(
        "vs_1NuN4z",
        {"metadata": {"order_id": "6736"}, "type": "id_number"},
        on_account,
    )
    sessions.list(
        {
            "created": {"gte": 1700000000, "lt": 1710000000},
            "status": "requires_input",
            "limit": 3,
            "starting_after": "vs_1NuN4y",
            "client_reference_id": "user_42",
        }
    )
    sessions.cancel("vs_1NuN4z")
    sessions.redact("vs_1NuN4z")

    # identity.verification_reports
    reports = v1.identity.verification_reports
    reports.list({"created": 1700000000, "type": "document", "limit": 10}, on_account)
    reports.retrieve("vr_1NuN5a")

    # climate.orders
    orders = v1.climate.orders
    orders.create(
        {
            "product": "climsku_frontier_offtake_portfolio_2027",
            "metric_tons": "12.5",
            "beneficiary": {"public_name": "Acme Rockets Ltd."},
            "metadata": {"campaign": "earth-day"},
        },
        on_account,
    )
    orders.retrieve("climorder_1NuN6b")
    orders.update(
        "climorder_1NuN6b",
        {
            "metadata": {"campaign": "earth-week"},
            "beneficiary": {"public_name": "Acme Rockets (Europe)"},
        },
    )
    orders.list({"limit": 5, "ending_before": "climorder_1NuN6c"})
    orders.cancel("climorder_1NuN6b")

    # climate.products / climate.suppliers
    v1.climate.products.list()
    v1.climate.products.retrieve("climsku_frontier_offtake_portfolio_2027")
    v1.climate.suppliers.list()
    v1.climate.suppliers.retrieve("climsup_charm_industrial")

    # forwarding.requests
    forwarding = v1.forwarding.requests
    forwarding.create(
        {
            "payment_method": "pm_1NuN7c",
            "url": "https://endpoint-url/v1/tokenize",
            "replacements": ["card_number", "card_cvc"],
            "request": {
                "headers": [
                    {"name": "Destination-Header", "value": "header-value"},
                    {"name": "X-Trace", "value": "a=b; c=d"},
                ],
                "body": '{"amount":{"value":1000,"currency":"usd"},"card":{"number":""}}',
            },
            "metadata": {"merchant": "m_77"},
        }
    )
    forwarding.retrieve("fwdreq_1NuN8d")
    forwarding.list({"created": {"gt": 1700000000, "lte": 1710000000}}, on_account)

    # webhook_endpoints
    endpoints = v1.webhook_endpoints
    endpoints.create(
        {
            "url": "https://example.com/my/webhook/endpoint",
            "enabled_events": [
                "identity.verification_session.verified",
                "climate.order.delivered",
            ],
            "description": "Identity and climate events",
            "metadata": {"team": "payments"},
            "connect": True,
            "api_version": "2024-06-20",
        }
    )
    endpoints.retrieve("we_1NuN9e")
    endpoints.update(
        "we_1NuN9e",
        {
            "description": "",
            "disabled": True,
            "enabled_events": ["identity.verification_session.verified"],
        },
    )
    endpoints.list({"limit": 2})
    endpoints.delete("we_1NuN9e", options=on_account)

    # crypto (no typed service in stripe-python 16.1.0)
    crypto_raw(client)

    # The typed-service twins of the 4 crypto calls, against the second server.
    crypto_typed(new_client(twin_base, secret_key, stripe_version))

    print(
        "python_calls: 29 calls made with stripe-python",
        stripe.VERSION,
        "(the last 4 via raw_request), and their 4 typed-service twins",
    )


if __name__ == "__main__":
    main()
