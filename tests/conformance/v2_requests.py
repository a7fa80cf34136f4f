"""Makes the reference requests of the v2 runtime's peer-conformance test with Stripe's official
Python SDK.

Usage: v2_requests.py API_BASE FILES_BASE SECRET_KEY STRIPE_VERSION STRIPE_CONTEXT

Run by tests/tests/v2_runtime.rs against two local mock servers: API_BASE stands for
https://api.stripe.com, FILES_BASE for https://files.stripe.com. The Rust test sends the same
requests, in the same order, with `Client::send_route` and `Client::raw_request` to two other
servers, and compares what the servers saw. Keep the two lists in sync (same order, same
parameters, same member order).

Each request goes through the SDK's own request path: `StripeService._request` (what every typed
service method calls, v1 and v2 alike, with the service's `base_address`), the typed
`client.v1.files.create` for the upload (multipart, on the "files" base address), and
`StripeClient.raw_request` for the raw one.
"""

import io
import sys

import stripe
from stripe._stripe_service import StripeService


def main():
    api_base, files_base, secret_key, stripe_version, stripe_context = sys.argv[1:6]
    client = stripe.StripeClient(
        secret_key,
        stripe_version=stripe_version,
        stripe_context=stripe_context,
        base_addresses={"api": api_base, "files": files_base},
        max_network_retries=0,
    )
    service = StripeService(client._requestor)

    # 1. A v2 POST: nested objects, arrays, a number, a boolean, a date-time, non-ASCII text,
    #    `null` members (clearing `description` and one metadata key).
    service._request(
        "post",
        "/v2/core/event_destinations",
        params={
            "name": "Order events",
            "description": None,
            "enabled_events": [
                "v1.billing.meter.error_report_triggered",
                "v2.core.event_destination.ping",
            ],
            "event_payload": "thin",
            "webhook_endpoint": {"url": "https://example.com/hooks?a=1&b=\u00e9"},
            "metadata": {"obsolete": None, "team": "payments"},
            "amount": {"currency": "usd", "value": 1000},
            "include": ["webhook_endpoint.url"],
            "active": True,
            "created_after": "2024-05-01T12:30:00Z",
        },
        base_address="api",
    )

    # 2. A v2 GET: an integer, arrays, a nested object, a boolean, and a `null` (left out).
    service._request(
        "get",
        "/v2/core/events",
        params={
            "object_id": "mtr_123",
            "limit": 5,
            "types": [
                "v1.billing.meter.error_report_triggered",
                "v2.core.event_destination.ping",
            ],
            "created": {"gte": "2024-05-01T12:30:00Z"},
            "include_archived": True,
            "page": None,
            "include": ["data.related_object", "data.reason"],
        },
        base_address="api",
    )

    # 3. A v2 DELETE without parameters.
    service._request(
        "delete",
        "/v2/core/event_destinations/ed_123",
        base_address="api",
    )

    # 4. A v1 file upload: multipart, on the files server, with nested keys and an expansion.
    upload = io.BytesIO(b'%PDF-1.4\r\n--not-a-boundary\r\n\x00\xff\xfe binary "end"\r\n')
    upload.name = 'receipt "2024".pdf'
    client.v1.files.create(
        {
            "purpose": "dispute_evidence",
            "file": upload,
            "file_link_data": {"create": True, "metadata": {"order": "42"}},
            "expand": ["file_link"],
        }
    )

    # 5. A v2 search: `limit` travels in the query string, the rest in the body.
    service._request(
        "post",
        "/v2/core/accounts/search",
        params={"query": "display_name:'Acme'", "limit": 3},
        base_address="api",
    )

    # 6. A raw v2 request (`raw_request` picks JSON from the path).
    client.raw_request(
        "post",
        "/v2/core/vault/things",
        label="raw",
        cleared=None,
        nested={"count": 2, "tags": ["a", "b"]},
    )


if __name__ == "__main__":
    main()
