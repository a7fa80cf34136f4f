"""Makes the 25 reference calls of the peer-conformance test with Stripe's official Python SDK.

Usage: python_calls.py BASE_URL SECRET_KEY STRIPE_VERSION CONNECTED_ACCOUNT

Run by tests/tests/conformance.rs against a local mock server; the Rust test makes the same
calls, in the same order, with the generated client and compares the captured requests.
Keep the two lists in sync (same order, same parameters).
"""

import sys

import stripe


def main() -> None:
    base, secret_key, stripe_version, account = sys.argv[1:5]
    client = stripe.StripeClient(
        secret_key,
        base_addresses={"api": base},
        stripe_version=stripe_version,
        # No retries: every request reaches the mock server exactly once. The SDK still sends
        # an Idempotency-Key on every POST (it sets one whenever method == "post").
        max_network_retries=0,
    )
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

    print("python_calls: 25 calls made with stripe-python", stripe.VERSION)


if __name__ == "__main__":
    main()
